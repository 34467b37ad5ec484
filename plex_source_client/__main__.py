"""``python -m plex_source_client``: the same as the ``plex-source`` command."""

import sys

from .cli import main

sys.exit(main())
