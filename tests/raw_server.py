"""A socket server answering every connection from a script (raw bytes, any timing), and the
scripts the secret and escape tests need: one answer, an answer split across TCP segments.
"""

from __future__ import annotations

import socket
from typing import Any

from .hostile_server import Connection, Request, _SocketServer


class ScriptServer(_SocketServer):
    """Answers every connection by calling ``script(conn, request)`` (raw bytes, any timing)."""

    def __init__(self, script: Any) -> None:
        super().__init__()
        self.script = script

    def __enter__(self) -> ScriptServer:
        self.start()
        return self

    def answer(self, conn: Connection, request: Request) -> None:
        self.script(conn, request)


def reply(status: int, body: bytes, reason: str = "OK") -> Any:
    """A script sending one JSON answer with ``status``, then closing."""

    def script(conn: Connection, request: Request) -> None:
        conn.send(
            f"HTTP/1.1 {status} {reason}\r\nContent-Length: {len(body)}\r\n"
            "Content-Type: application/json\r\nConnection: close\r\n\r\n".encode()
            + body
        )

    return script


def split_send(first: bytes, rest: bytes) -> Any:
    """Send ``first`` and, a moment later, ``rest``: two TCP segments (Nagle off)."""

    def script(conn: Connection, request: Request) -> None:
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.send(first)
        conn.wait(0.4)
        conn.send(rest)
        conn.wait(0.4)

    return script
