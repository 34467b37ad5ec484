"""``python -m benchmarks.cli_with TRANSPORT ARGS...``: ``plex-source ARGS...`` with the async
client's transport forced to TRANSPORT (one of :func:`benchmarks.latency.transports`), for
benchmarks/latency.py. Exits 3 when the command made no transport, or another one.
"""

from __future__ import annotations

import sys

from plex_source_client.cli import main

from .latency import check_made, forced


def run(argv: list[str]) -> int:
    kind, arguments = argv[0], argv[1:]
    with forced(kind) as made:
        code = main(arguments)
    try:
        check_made(kind, made)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 3
    return code


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
