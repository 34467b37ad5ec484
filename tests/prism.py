"""Prism (@stoplight/prism-cli 5), an independent OpenAPI validator, for the contract tests.

``scripts/check`` installs it into tests/contract/node_modules (npm ci, pinned by the lock
file). Prism matches paths without the spec's ``servers`` base (``/api/v3``) while our client
always sends it, so a small proxy in front strips the base and records what Prism reports in
its ``sl-violations`` header. Prism in proxy mode needs the base in its upstream URL instead.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PRISM = ROOT / "tests" / "contract" / "node_modules" / ".bin" / "prism"
SPEC = ROOT / "openapi.yaml"
BASE = "/api/v3"


def prism_or_skip() -> Path:
    """Prism's executable; a skip when it is not installed, unless the check run requires it."""
    if PRISM.exists():
        return PRISM
    message = f"Prism is not installed ({PRISM}); scripts/check installs it with npm"
    if os.environ.get("PLEX_SOURCE_REQUIRE_PRISM") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_prism(*args: str) -> Iterator[str]:
    """Run ``prism <args> -h 127.0.0.1 -p <free port>`` until it listens; yield its URL."""
    executable = prism_or_skip()
    port = _free_port()
    process = subprocess.Popen(
        [str(executable), *args, "-h", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout
    drain = threading.Thread(target=output.read, daemon=True)  # keeps its pipe from filling
    try:
        log: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = output.readline()
            log.append(line)
            if not line or "Prism is listening" in line:
                break
        if "Prism is listening" not in log[-1]:
            pytest.fail("Prism did not start:\n" + "".join(log))
        drain.start()
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if drain.is_alive():
            drain.join(timeout=5)
        output.close()


class StripBaseProxy:
    """Forwards ``/api/v3/X`` to ``upstream/X`` and records Prism's verdict on each exchange."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.exchanges: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._http = httpx.Client(base_url=upstream, timeout=30)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def violations(self) -> list[Any]:
        with self._lock:
            return [v for exchange in self.exchanges for v in exchange["violations"]]

    def clear(self) -> None:
        with self._lock:
            self.exchanges.clear()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._http.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_PATCH(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = self.path.removeprefix(BASE)
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "content-length")
                }
                answer = proxy._http.request(self.command, path, content=body, headers=headers)
                violations = json.loads(answer.headers.get("sl-violations", "[]"))
                with proxy._lock:
                    proxy.exchanges.append(
                        {
                            "path": path,
                            "request": json.loads(body) if body else None,
                            "status": answer.status_code,
                            "violations": violations,
                        }
                    )
                self.send_response(answer.status_code)
                for name in ("Content-Type", "X-Authentik-Id", "Retry-After"):
                    if name in answer.headers:
                        self.send_header(name, answer.headers[name])
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_PATCH  # noqa: N815 - http.server's name for the GET handler

        return Handler
