"""A small authentik stand-in that answers with the sources a test gives, as they are: any
field name, any value (terminal escapes, newlines, C1 controls, lone surrogates), which the
fake authentik, a faithful server, would never hold. For ``plex-source`` run as a process
(:func:`run_cli`): ``get``, ``export``, ``plan``, ``update`` and ``apply`` against it.

- ``GET /api/v3/sources/plex/`` lists every source (one page, authentik's pagination);
- ``GET /api/v3/sources/plex/<slug>/`` answers the source, or 404;
- ``PATCH`` answers the source with the body's fields merged in;
- a slug in ``refusals`` is refused with that text: a GET with a 403 (``detail``), a PATCH
  with a 400 (the message of its ``name`` field).

``requests`` holds each request's method and path.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import threading
import warnings
from collections.abc import Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from .payloads import plex_source

SCRIPT: Final = str(Path(sys.executable).parent / "plex-source")
#: The API token the tests give the command; it must never be shown.
API_TOKEN: Final = "tok-FIXED-api-0123456789abcdef"
#: The Plex token of every source the server holds; shown only with --show-secrets or
#: written with --include-secrets.
PLEX_TOKEN: Final = "ptok-FIXED-9876543210fedcba"
PREFIX: Final = "/api/v3/sources/plex/"


class FixedServer:
    """Serves ``sources`` (full source bodies, by slug) on 127.0.0.1 until closed."""

    def __init__(
        self, sources: Sequence[Mapping[str, Any]], refusals: Mapping[str, str] | None = None
    ) -> None:
        self.sources = {source["slug"]: dict(source) for source in sources}
        self.refusals = dict(refusals or {})
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(f"GET {self.path}")
                path = self.path.split("?", 1)[0]
                if path == PREFIX:
                    listed = list(server.sources.values())
                    pagination = {
                        "next": 0, "previous": 0, "count": len(listed), "current": 1,
                        "total_pages": 1, "start_index": 1 if listed else 0,
                        "end_index": len(listed),
                    }  # fmt: skip
                    self.answer(200, {"pagination": pagination, "results": listed})
                    return
                slug = path.removeprefix(PREFIX).rstrip("/")
                source = server.sources.get(slug)
                if slug in server.refusals:
                    self.answer(403, {"detail": server.refusals[slug]})
                elif source is None:
                    self.answer(404, {"detail": "No PlexSource matches the given query."})
                else:
                    self.answer(200, source)

            def do_PATCH(self) -> None:
                server.requests.append(f"PATCH {self.path}")
                slug = self.path.split("?", 1)[0].removeprefix(PREFIX).rstrip("/")
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                if slug in server.refusals:
                    self.answer(400, {"name": [server.refusals[slug]]})
                elif slug not in server.sources:
                    self.answer(404, {"detail": "No PlexSource matches the given query."})
                else:
                    server.sources[slug].update(body)
                    self.answer(200, server.sources[slug])

            def answer(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self._thread = threading.Thread(  # polled often: closing waits at most one poll
            target=self._http.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(5)

    def __enter__(self) -> FixedServer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def source(**overrides: Any) -> dict[str, Any]:
    """An authentik 2024.8.2 source body holding :data:`PLEX_TOKEN`, with ``overrides``."""
    return plex_source(**{"plex_token": PLEX_TOKEN, **overrides})


def cli_environment(url: str, env: Mapping[str, str] | None) -> dict[str, str]:
    """The environment a CLI run gets: this one without ``AUTHENTIK_*``, then ``url``,
    :data:`API_TOKEN` and ``env``.
    """
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AUTHENTIK_")}
    return environment | {"AUTHENTIK_URL": url, "AUTHENTIK_TOKEN": API_TOKEN, **(env or {})}


def run_cli(
    argv: Sequence[str],
    *,
    url: str = "http://127.0.0.1:9",
    cwd: Path | None = None,
    stdin: int | None = subprocess.DEVNULL,
    env: Mapping[str, str] | None = None,
    limit: float = 60.0,
    hook: str = "",
) -> tuple[int, str, str, int]:
    """``plex-source argv`` as a process against ``url`` (token :data:`API_TOKEN`) under a
    2 GiB address-space limit, killed after ``limit`` seconds; its exit code (-9 when
    killed), stdout and stderr (UTF-8, undecodable bytes escaped) and peak RSS in bytes.
    ``stdin=subprocess.PIPE``: a pipe that stays open, never written, until the end.
    ``hook``: Python code the process runs first (as its ``sitecustomize``), to break
    something in it.
    """
    environment = cli_environment(url, env)
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as hooks,
    ):
        if hook:
            Path(hooks, "sitecustomize.py").write_text(hook)
            environment["PYTHONPATH"] = hooks
        process = subprocess.Popen(
            [SCRIPT, *argv],
            stdin=stdin,
            stdout=out,
            stderr=err,
            env=environment,
            cwd=cwd,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (2**31, 2**31)),
        )
        killer = threading.Timer(limit, process.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
            if process.stdin is not None:
                process.stdin.close()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (
            process.returncode,
            out.read().decode("utf-8", "backslashreplace"),
            err.read().decode("utf-8", "backslashreplace"),
            usage.ru_maxrss * 1024,
        )


def run_main(
    argv: Sequence[str],
    *,
    url: str = "http://127.0.0.1:9",
    cwd: Path | None = None,
    stdin: int | None = subprocess.DEVNULL,
    env: Mapping[str, str] | None = None,
    limit: float = 60.0,
    hook: str = "",
) -> tuple[int, str, str, int]:
    """:func:`run_cli` in this process (:func:`main_in_process`), with the environment a
    process would get (:data:`API_TOKEN`, ``url``, ``env``; any other ``AUTHENTIK_*`` variable
    removed). Same signature and result as :func:`run_cli` (peak RSS is 0: not measured);
    what only a process shows (``hook``, a pipe on standard input, being killed after
    ``limit``, memory limits, a real stream's encoding) is refused: use :func:`run_cli`.
    """
    if hook or stdin != subprocess.DEVNULL:
        raise ValueError("run_main: hook= and a stdin other than DEVNULL need run_cli (a process)")
    del limit  # nothing to kill in-process: a test whose point is a hang needs run_cli
    environment = cli_environment(url, env)
    return (*main_in_process(argv, environment, cwd=cwd), 0)


def main_in_process(
    argv: Sequence[str], environ: Mapping[str, str], *, cwd: Path | None = None
) -> tuple[int, str, str]:
    """``plex-source argv`` run in this process, as a process would run it: its exit code,
    stdout and stderr. ``plex_source_client.cli.main.main(argv)`` with ``environ`` as the whole
    environment, ``cwd`` as working directory, ``/dev/null`` as standard input, and standard
    output and error as UTF-8 byte streams (the bytes written are what is decoded, undecodable
    ones escaped, as :func:`run_cli` does); argparse's ``SystemExit`` is the exit code.

    Everything it changes (``os.environ``, the working directory, ``sys.stdin``/``stdout``/
    ``stderr``, the root logger's handlers and level, the warnings filters) is restored
    after: runs leak nothing into each other or into the test. ~100x faster than a process.
    """
    from plex_source_client.cli.main import main

    environment = dict(environ)
    environment.setdefault("COLUMNS", "80")  # argparse's width in a process writing to a file
    errors = getattr(sys.__stdout__, "errors", None) or "strict"  # what a process's stdout has
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding="utf-8", errors=errors)
    err = io.TextIOWrapper(err_bytes, encoding="utf-8", errors="backslashreplace")
    saved_environ = dict(os.environ)
    saved_cwd = os.getcwd()
    saved_streams = (sys.stdin, sys.stdout, sys.stderr)
    root = logging.getLogger()
    saved_logging = (list(root.handlers), root.level)
    with open(os.devnull) as null, warnings.catch_warnings():
        try:
            _set_environ(environment)
            if cwd is not None:
                os.chdir(cwd)
            sys.stdin, sys.stdout, sys.stderr = null, out, err
            try:
                code = main(list(argv))
            except SystemExit as exit_:  # argparse: --help, --version, a usage error
                if exit_.code is None or isinstance(exit_.code, int):
                    code = exit_.code or 0
                else:
                    print(exit_.code, file=err)
                    code = 1
            with contextlib.suppress(Exception):
                out.flush()
                err.flush()
        finally:
            sys.stdin, sys.stdout, sys.stderr = saved_streams
            os.chdir(saved_cwd)
            _set_environ(saved_environ)
            root.handlers[:] = saved_logging[0]
            root.setLevel(saved_logging[1])
    return (
        code,
        out_bytes.getvalue().decode("utf-8", "backslashreplace"),
        err_bytes.getvalue().decode("utf-8", "backslashreplace"),
    )


def _set_environ(environment: Mapping[str, str]) -> None:
    """Make ``os.environ`` exactly ``environment``, changing only what differs (no moment
    without ``PATH`` for a thread that starts a process meanwhile).
    """
    for name in [name for name in os.environ if name not in environment]:
        del os.environ[name]
    for name, value in environment.items():
        if os.environ.get(name) != value:
            os.environ[name] = value
