"""``python -m plex_source_client.testing``: ``plex-source fake`` (see its ``--help``)."""

import sys

from ..cli import main

sys.exit(main(["fake", *sys.argv[1:]]))
