"""Runs one hostile-server case in a fresh process and reports what happened, as JSON.

``python -m tests.hostile_driver '<spec>'`` runs one case. ``python -m tests.hostile_driver
--serve`` is a fork server: it imports the client once, then reads one spec per line on stdin,
runs each case in a child forked for it (a fresh process: its own memory peak, logging set-up
and watchdog; nothing of one case reaches the next) and answers one JSON line on stdout when the
child has ended. Starting Python and importing httpx cost more CPU than most cases: forking
saves it on each case. The spec is a JSON object:

- ``kind``: ``sync``, ``async-httpx`` (a client in this process) or ``cli``
  (the ``plex-source`` console script next to ``sys.executable``, as a child process: one
  forked from this process, which runs what the script runs, :func:`_fork_cli`);
- ``url``, ``slug``, ``timeout``, ``max_retries`` and optionally ``max_response_size``;
- ``report``: the file to write the report to;
- ``hard_seconds`` / ``hard_rss``: the harness's own limits. A call still running after
  ``hard_seconds``, or whose memory grew by more than ``hard_rss`` bytes, is stopped and
  reported as ``HARNESS-KILLED`` (so a broken client fails its test instead of the machine).

The report: ``outcome`` (the error's class and MRO names, or ``ok``), ``message``, ``repr``,
``body`` (str of the error's ``body``), ``traceback``, ``chain`` (str and repr of every
exception in its ``__cause__``/``__context__`` chain, suppressed ones included), ``logs`` (every
record of every logger at DEBUG: the root logger is set to DEBUG, as ``logging.basicConfig``
would, so httpx's and httpcore's records are there too; formatted with their arguments and any
traceback),
``wall`` (seconds the call took), ``rss_growth`` (bytes: ru_maxrss after the call minus before;
for the CLI, the child's whole peak RSS), and for the CLI ``exit_code``, ``stdout``, ``stderr``.
"""

from __future__ import annotations

import asyncio
import atexit
import io
import json
import logging
import os
import resource
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import attrs

from .hostile_server import API_TOKEN, SECRET_FRAGMENTS, SECRETS, SENT_PLEX_TOKEN

#: The address space of this process (and the CLI child) is capped: a last resort if the
#: watchdog below is too slow to catch a runaway allocation.
ADDRESS_SPACE_LIMIT = 3 * 1024 * 1024 * 1024
_KEEP = 256 * 1024  # characters of each text kept in the report (plus any secret in the rest)
_OUTPUT_LIMIT = 64 * 1024 * 1024  # characters of the CLI's stdout/stderr read


def bounded(text: str) -> str:
    """``text``, or its start plus the surroundings of every secret in the rest: the report
    stays small, and the secret sweep still sees every secret.
    """
    if len(text) <= _KEEP:
        return text
    kept = [text[:_KEEP], f"\n[... {len(text) - _KEEP} characters cut ...]\n"]
    for secret in (*SECRETS, *SECRET_FRAGMENTS):
        at = text.find(secret, _KEEP - len(secret))
        if at >= 0:
            kept.append(f"[at {at}: {text[max(0, at - 100) : at + 100]}]\n")
    return "".join(kept)


def _rss_now(pid: int | str = "self") -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _maxrss_bytes(usage: resource.struct_rusage) -> int:
    return int(usage.ru_maxrss) * 1024  # kilobytes on Linux


class _Report:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.data: dict[str, Any] = {
            "kind": spec["kind"],
            "slug": spec["slug"],
            "outcome": {"name": "not run", "mro": []},
            "message": "",
            "repr": "",
            "body": "",
            "traceback": "",
            "chain": "",
            "logs": [],
            "wall": 0.0,
            "rss_growth": 0,
            "killed": "",
        }
        self._written = threading.Lock()

    def write(self) -> None:
        if not self._written.acquire(blocking=False):
            return
        Path(self.spec["report"]).write_text(json.dumps(self.data))


class _ListHandler(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.lines = lines
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())
        self.lines.append(self.format(record))


def _chain(error: BaseException) -> str:
    """str and repr of every exception ``error`` came from (causes and contexts, even those
    ``raise ... from None`` hides from the traceback), each once.
    """
    seen: set[int] = set()
    texts: list[str] = []
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        texts.append(f"{type(current).__name__}: {current}\n{current!r}")
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
    return "\n".join(texts)


def _describe(report: _Report, error: BaseException) -> None:
    report.data["outcome"] = {
        "name": type(error).__name__,
        "mro": [cls.__name__ for cls in type(error).__mro__],
    }
    renderings: dict[str, Callable[[], str]] = {
        "message": lambda: str(error),
        "repr": lambda: repr(error),
        "body": lambda: str(getattr(error, "body", "")),
        "traceback": lambda: "".join(traceback.format_exception(error)),
        "chain": lambda: _chain(error),
    }
    for key, render in renderings.items():
        text = _render(report, key, render)
        report.data[f"{key}_length"] = len(text)
        report.data[key] = bounded(text)


def _render(report: _Report, what: str, render: Callable[[], str]) -> str:
    """``render()``; if even that fails (an unprintable body), say so in the report."""
    try:
        return render()
    except Exception as exc:  # noqa: BLE001 - an error that cannot be shown is a finding
        report.data.setdefault("unprintable", []).append(f"{what}: {type(exc).__name__}: {exc}")
        return ""


class _Watchdog(threading.Thread):
    """Stops the process (after writing the report) if the call runs away."""

    def __init__(self, report: _Report, measure: dict[str, float]) -> None:
        super().__init__(daemon=True)
        self.report = report
        self.measure = measure

    def run(self) -> None:
        hard_seconds = float(self.report.spec["hard_seconds"])
        hard_rss = int(self.report.spec["hard_rss"])
        while True:
            time.sleep(0.01)
            started = self.measure.get("started")
            if started is None:
                continue
            if "ended" in self.measure:
                return
            elapsed = time.monotonic() - started
            growth = _rss_now() - int(self.measure["rss_before"])
            reason = ""
            if growth > hard_rss:
                reason = f"memory: RSS grew by {growth / 2**20:.0f} MiB"
            elif elapsed > hard_seconds:
                reason = f"time: still running after {elapsed:.1f}s"
            if reason:
                self.report.data["killed"] = reason
                self.report.data["outcome"] = {"name": "HARNESS-KILLED", "mro": []}
                self.report.data["message"] = reason
                self.report.data["wall"] = elapsed
                self.report.data["rss_growth"] = max(growth, 0)
                self.report.write()
                os._exit(0)


def _client_options(spec: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {
        "url": spec["url"],
        "token": API_TOKEN,
        "timeout": spec["timeout"],
        "max_retries": spec["max_retries"],
    }
    if spec.get("max_response_size") is not None:
        options["max_response_size"] = spec["max_response_size"]
    return options


def run_client(spec: dict[str, Any], report: _Report) -> None:
    from plex_source_client import AsyncPlexSourceClient, PlexSourceClient

    lines: list[str] = report.data["logs"]
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)
    root.addHandler(_ListHandler(lines))
    measure: dict[str, float] = {}
    _Watchdog(report, measure).start()

    def start() -> None:
        measure["maxrss_before"] = _maxrss_bytes(resource.getrusage(resource.RUSAGE_SELF))
        measure["rss_before"] = _rss_now()
        measure["started"] = time.monotonic()

    slug, kind = spec["slug"], spec["kind"]
    changes: dict[str, Any] = {"name": "x", "plex_token": SENT_PLEX_TOKEN}

    def call_sync() -> Any:
        with PlexSourceClient(**_client_options(spec)) as client:
            start()
            return client.update(slug, **changes)

    async def call_async() -> Any:
        async with AsyncPlexSourceClient(**_client_options(spec)) as client:
            start()
            return await client.update(slug, **changes)

    start()  # in case building the client fails
    try:
        result = call_sync() if kind == "sync" else asyncio.run(call_async())
    except BaseException as error:  # noqa: BLE001 - reporting anything that escapes is the point
        ended = measure["ended"] = time.monotonic()
        _describe(report, error)
    else:
        ended = measure["ended"] = time.monotonic()
        report.data["outcome"] = {"name": "ok", "mro": []}
        report.data["message"] = bounded(_render(report, "str(source)", lambda: str(result)))
        report.data["repr"] = bounded(_render(report, "repr(source)", lambda: repr(result)))
        report.data["result"] = {
            "enabled": repr(getattr(result, "enabled", None)),
            "pk": repr(getattr(result, "pk", None)),
        }
    report.data["wall"] = ended - measure["started"]
    report.data["logs"] = [bounded(line) for line in lines]
    after = _maxrss_bytes(resource.getrusage(resource.RUSAGE_SELF))
    report.data["rss_growth"] = after - int(measure["maxrss_before"])


def _drain(stream: Any, sink: list[bytes]) -> None:
    kept = 0
    while True:
        chunk = stream.read(65536)
        if not chunk:
            return
        if kept < _OUTPUT_LIMIT:
            sink.append(chunk[: _OUTPUT_LIMIT - kept])
            kept += len(sink[-1])


def run_cli(spec: dict[str, Any], report: _Report) -> None:
    script = Path(sys.executable).parent / "plex-source"
    with tempfile.TemporaryDirectory() as tmp:
        plex_token_file = Path(tmp) / "plex-token"
        plex_token_file.write_text(SENT_PLEX_TOKEN + "\n")
        argv = [
            str(script),
            "update",
            spec["slug"],
            "--name",
            "x",
            "--plex-token-file",
            str(plex_token_file),
            "--timeout",
            str(spec["timeout"]),
            "--max-retries",
            str(spec["max_retries"]),
        ]
        if spec.get("max_response_size") is not None:
            argv += ["--max-response-size", str(spec["max_response_size"])]
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": tmp,
            "LANG": "C.UTF-8",
            "AUTHENTIK_URL": spec["url"],
            "AUTHENTIK_TOKEN": API_TOKEN,
        }
        out: list[bytes] = []
        err: list[bytes] = []
        started = time.monotonic()
        child = _fork_cli(argv, env)
        readers = [
            threading.Thread(target=_drain, args=(child.stdout, out), daemon=True),
            threading.Thread(target=_drain, args=(child.stderr, err), daemon=True),
        ]
        for reader in readers:
            reader.start()
        peak = 0
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.monotonic() - started
            rss = _rss_now(child.pid)
            peak = max(peak, rss)
            if not report.data["killed"]:
                if rss > int(spec["hard_rss"]):
                    report.data["killed"] = f"memory: the CLI's RSS reached {rss / 2**20:.0f} MiB"
                elif elapsed > float(spec["hard_seconds"]):
                    report.data["killed"] = f"time: the CLI still ran after {elapsed:.1f}s"
                if report.data["killed"]:
                    child.kill()
            time.sleep(0.01)
        wall = time.monotonic() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        for reader in readers:
            reader.join(timeout=5)
        child.stdout.close()
        child.stderr.close()
    report.data["wall"] = wall
    report.data["rss_growth"] = max(_maxrss_bytes(usage), peak)
    report.data["exit_code"] = child.returncode
    report.data["stdout"] = bounded(b"".join(out).decode("utf-8", "replace"))
    report.data["stderr"] = bounded(b"".join(err).decode("utf-8", "replace"))
    if report.data["killed"]:
        report.data["outcome"] = {"name": "HARNESS-KILLED", "mro": []}
        report.data["message"] = report.data["killed"]
    else:
        report.data["outcome"] = {"name": f"exit {child.returncode}", "mro": []}


@attrs.define
class _ForkedCli:
    """The ``plex-source`` child :func:`_fork_cli` started: its pid, the read ends of its
    standard output and error, and (once ended) its exit code.
    """

    pid: int
    stdout: BinaryIO
    stderr: BinaryIO
    returncode: int | None = None

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)


def _fork_cli(argv: list[str], env: dict[str, str]) -> _ForkedCli:
    """``argv`` (the ``plex-source`` console script and its arguments) run in a child forked
    from this process, which has imported the client already: the child runs what the
    console script runs (``sys.exit(main())``) with ``env`` as its whole environment,
    ``/dev/null`` as standard input and pipes as standard output and error, the streams a
    Python started with ``LANG=C.UTF-8`` has on them, and ends as the interpreter would (an
    uncaught exception printed with its traceback, exit 1; non-daemon threads waited for,
    then the exit handlers). A fresh process per case as before, without Python's start and
    imports (~0.3 s of CPU per case, most of the hostile suite's CPU).
    """
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            os.close(out_read)
            os.close(err_read)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(out_write, 1)
            os.dup2(err_write, 2)
            for fd in (null, out_write, err_write):
                os.close(fd)
            code = _run_console_script(argv, env)
        finally:
            os._exit(code)
    os.close(out_write)
    os.close(err_write)
    return _ForkedCli(pid, os.fdopen(out_read, "rb"), os.fdopen(err_read, "rb"))


def _run_console_script(argv: list[str], env: dict[str, str]) -> int:
    """In :func:`_fork_cli`'s child: the console script's ``sys.exit(main())``; its exit code."""
    os.environ.clear()
    os.environ.update(env)
    sys.argv = list(argv)
    sys.stdin = io.TextIOWrapper(
        io.FileIO(0, "r", closefd=False), encoding="utf-8", errors="surrogateescape"
    )
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(1, "w", closefd=False)),
        encoding="utf-8",
        errors="surrogateescape",
    )
    sys.stderr = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(2, "w", closefd=False)),
        encoding="utf-8",
        errors="backslashreplace",
        line_buffering=True,
    )
    code: int
    try:
        from plex_source_client.cli import main

        sys.exit(main())
    except SystemExit as exit_:  # as the interpreter ends on one
        if exit_.code is None or isinstance(exit_.code, int):
            code = exit_.code or 0
        else:
            sys.stderr.write(f"{exit_.code}\n")
            code = 1
    except BaseException:  # noqa: BLE001 - uncaught: the interpreter prints it, exits 1
        traceback.print_exc()
        code = 1
    threading._shutdown()  # type: ignore[attr-defined]  # what the interpreter waits for
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - the interpreter ignores it too (exit 120 aside)
            code = code or 120
    return code


def run_case(spec: dict[str, Any]) -> None:
    """Run the case ``spec`` in this process and write its report."""
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))
    report = _Report(spec)
    if spec["kind"] == "cli":
        run_cli(spec, report)
    else:
        run_client(spec, report)
    report.write()


#: How long past its own ``hard_seconds`` the fork server lets a child run before killing it
#: (the child's watchdog stops a runaway call first; this catches a stuck watchdog).
SERVER_GRACE = 30.0


def run_forked(spec: dict[str, Any]) -> dict[str, Any]:
    """Run ``spec`` in a child forked for it; how the child ended.

    The child's stdin and stdout are /dev/null (this process's are the server's protocol) and
    its stderr goes to ``spec["stderr"]``. A child still running ``hard_seconds`` plus
    :data:`SERVER_GRACE` after it started is killed.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns to the server's loop
        code = 1
        try:
            null = os.open(os.devnull, os.O_RDWR)
            os.dup2(null, 0)
            os.dup2(null, 1)
            err = os.open(spec["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(err, 2)
            run_case(spec)
            code = 0
        except BaseException:  # noqa: BLE001 - shown on stderr, the report says it died
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    deadline = time.monotonic() + float(spec["hard_seconds"]) + SERVER_GRACE
    while True:
        ended, status = os.waitpid(pid, os.WNOHANG)
        if ended:
            return {"exit": os.waitstatus_to_exitcode(status), "killed": False}
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            return {"exit": -9, "killed": True}
        time.sleep(0.005)


def serve() -> int:
    """The fork server's loop: one spec per line in, one line per ended case out."""
    # What every case imports, once, before any fork (no thread runs yet: forking is safe).
    from plex_source_client import PlexSourceClient

    PlexSourceClient(url="http://127.0.0.1:9", token="warm-up").close()  # loads httpx & co.
    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(json.dumps(run_forked(json.loads(line))) + "\n")
            sys.stdout.flush()
    return 0


def main(argv: list[str]) -> int:
    if argv == ["--serve"]:
        return serve()
    run_case(json.loads(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
