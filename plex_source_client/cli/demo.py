"""``plex-source demo``: change a Plex source on an embedded fake authentik, show before/after.

The same client code a script would run against a real server; only the URL and token come
from the fake instead of AUTHENTIK_URL/AUTHENTIK_TOKEN.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from .._secrets import MASK
from .._text import plural

#: What the demo changes: a value, a list, and a nullable field cleared with None.
DEMO_CHANGES = {
    "name": "Plex (demo)",
    "enabled": False,
    "allowed_servers": ["d1f0c0ffee", "a2b0beef00"],
    "allow_friends": False,
    "enrollment_flow": None,
}


def run_demo(out: TextIO) -> int:
    """Run the demo, writing to ``out``; returns the exit code."""
    from .._client import PlexSourceClient
    from ..testing import FakeAuthentik
    from .tables import text_table

    with FakeAuthentik() as fake:
        slug = "plex"
        before = fake.sources[slug]
        out.write(f"A fake authentik is serving at {fake.url} (API token {MASK}).\n\n")
        out.write(f'Plex source "{slug}" before:\n{text_table(before)}\n\n')
        out.write(f"client.update({slug!r}, {_kwargs(DEMO_CHANGES)})\n")
        with PlexSourceClient(url=fake.url, token=fake.token) as client:
            raw = client.update_raw(slug, DEMO_CHANGES)
        sent = fake.requests[-1]
        out.write(f"  sent: {sent.method} {sent.path} {json.dumps(sent.json)}\n")
        out.write(
            f"  got:  {raw.status_code} in {raw.elapsed * 1000:.1f} ms, "
            f"request id {raw.request_id}\n\n"
        )
        after = raw.source.to_dict()
        changed = {name for name in after if after[name] != before.get(name)}
        out.write(f'Plex source "{slug}" after (* = changed):\n')
        out.write(f"{text_table(after, changed=changed)}\n\n")
        untouched = len(after) - len(changed)
        out.write(
            f"{plural(len(changed), 'field')} changed, {untouched} left as they were: only the "
            "fields passed to update() were sent.\n"
        )
    return 0


def _kwargs(changes: dict[str, object]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in changes.items())


def add_parser(commands: Any) -> None:
    """Add ``demo`` to the subcommands."""
    commands.add_parser(
        "demo",
        help="change a source on an embedded fake authentik and show before and after",
        description="Start a fake authentik on 127.0.0.1, change its Plex source through the "
        "client and print the source before and after (secrets masked).",
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``plex-source demo``: :func:`run_demo` (looked up when called, so tests can replace it)."""
    return run_demo(out)
