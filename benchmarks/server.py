"""A near-zero-cost HTTP/1.1 server for the benchmarks: answers every request with a canned
PlexSource, keep-alive, pipelining-safe. Runs in its own process (the machine's other core):
``python -m benchmarks.server PORT_FILE`` writes its port to PORT_FILE, then serves forever.
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
    """Parses just enough HTTP/1.1 (headers, Content-Length) to answer each request once."""

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
            self.transport.write(RESPONSE)


async def serve(port_file: str) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(CannedHTTP, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    with open(port_file, "w") as f:
        f.write(str(port))
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1]))
