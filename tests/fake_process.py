"""Running ``plex-source fake`` as a user would: a process of its own, read its export lines."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

SCRIPT = str(Path(sys.executable).parent / "plex-source")


def clean_environment() -> dict[str, str]:
    """This process's environment without any AUTHENTIK_* variable."""
    return {k: v for k, v in os.environ.items() if not k.startswith("AUTHENTIK_")}


def read_exports(process: subprocess.Popen[str], timeout: float = 30) -> dict[str, str]:
    """The ``export NAME=value`` lines the fake prints first, as a mapping."""
    stdout = process.stdout
    assert stdout is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend([stdout.readline(), stdout.readline()]))
    reader.daemon = True
    reader.start()
    reader.join(timeout)
    assert len(lines) == 2, f"plex-source fake printed no export lines in time: {lines}"
    exports: dict[str, str] = {}
    for line in lines:
        assert line.startswith("export "), (line, process.poll())
        name, _, value = line.removeprefix("export ").rstrip("\n").partition("=")
        exports[name] = value
    return exports


def _sigint_as_from_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def running_fake(
    argv: Sequence[str], stderr_path: Path
) -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    """``argv`` (``plex-source fake ...``) running, with the environment its export lines
    give; killed at the end if still running. Started with Ctrl-C's signal at its default, as
    from a terminal: a suite started in the background by a shell without job control inherits
    SIGINT ignored (POSIX, for background jobs), and Python then never raises KeyboardInterrupt.
    """
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(
            list(argv),
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=clean_environment(),
            preexec_fn=_sigint_as_from_a_terminal,
        )
    try:
        yield process, read_exports(process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def stop(process: subprocess.Popen[str], signum: int = signal.SIGTERM) -> tuple[int, float]:
    """Send ``signum``; the exit code and the seconds it took to exit."""
    started = time.monotonic()
    process.send_signal(signum)
    code = process.wait(timeout=10)
    return code, time.monotonic() - started
