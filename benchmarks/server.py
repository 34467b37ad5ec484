"""A near-zero-cost HTTP/1.1 server for the benchmarks: answers every request with a canned
PlexSource, keep-alive, pipelining-safe. Runs in its own process (the machine's other core):
``python -m benchmarks.server PORT_FILE [DELAY_MS]`` writes its port to PORT_FILE, then serves
forever. With ``DELAY_MS``, every answer is sent that long after its request arrived, as a real
authentik takes tens of milliseconds per PATCH: a timer per request, nothing blocks, so any
number of connections wait at once (every answer is the same bytes, so their order is moot).
"""

from __future__ import annotations

import asyncio
import json
import sys

from plex_source_client.testing import FakeAuthentik

#: A complete PlexSource, filled in as authentik does (by the fake; only its JSON is used).
SOURCE = FakeAuthentik(sources=[]).add_source(
    slug="bench", name="Plex", client_id="bench-client", plex_token="bench-plex-token"
)
BODY = json.dumps(SOURCE).encode()
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Authentik-Id: bench\r\n"
    b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
)


class CannedHTTP(asyncio.Protocol):
    """Parses just enough HTTP/1.1 (headers, Content-Length) to answer each request once,
    ``delay`` seconds after it arrived.
    """

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            length = 0
            for line in self.buffer[:end].split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            if self.delay:
                asyncio.get_running_loop().call_later(self.delay, self.answer)
            else:
                self.transport.write(RESPONSE)

    def answer(self) -> None:
        if not self.transport.is_closing():
            self.transport.write(RESPONSE)


async def serve(port_file: str, delay_ms: float = 0.0) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: CannedHTTP(delay_ms / 1000), "127.0.0.1", 0, backlog=1024
    )
    port = server.sockets[0].getsockname()[1]
    with open(port_file, "w") as f:
        f.write(str(port))
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 0.0))
