"""``apply`` masks each item's outcome with the secrets the run knows; a hostile server
storing thousands of secret-named values in each source made the run remember all of them,
and each later item's masking rebuilt its matchers over every earlier item's values:
quadratic in the plan's length (review round 48b: 4,000 values a source, 40 items of
``apply --check``: 37 s; 6.6 s now, as an apply whose PATCHes are all taken). A source adds
at most ``guard.MAX_REMEMBERED_PER_SOURCE`` values to the run's secrets. Counted (the
secrets each matcher build takes), not timed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .fixed_server import run_main
from .hostile_server import Connection, Request
from .payloads import plex_source
from .raw_server import ScriptServer
from .shown import counted_matcher_builds

#: Secret-named values each source stores; items in the plan.
VALUES = 300
ITEMS = 24


def _script(reject: bool) -> Any:
    def script(conn: Connection, request: Request) -> None:
        if reject and request.method == "PATCH":
            data = b'{"name": ["This field is bad."]}'
            status = "400 Bad Request"
        else:
            source = plex_source(slug=request.slug)
            for i in range(VALUES):
                source[f"token{i}"] = f"A{i}b{request.slug}x"
            data = json.dumps(source).encode()
            status = "200 OK"
        conn.send(
            f"HTTP/1.1 {status}\r\nContent-Length: {len(data)}\r\n"
            "Content-Type: application/json\r\nConnection: close\r\n\r\n".encode()
            + data
        )

    return script


def test_apply_check_masks_each_item_in_time_linear_in_the_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reject, options = False, ["--check"]
    plan = tmp_path / "plan.json"
    items = [{"slug": f"s{i}", "changes": {"enabled": False}} for i in range(ITEMS)]
    plan.write_text(json.dumps(items))
    built = counted_matcher_builds(monkeypatch)
    with ScriptServer(_script(reject)) as server:
        code, out, err, _ = run_main(
            ["apply", str(plan), "--concurrency", "1", *options],
            url=server.url,
            env={"AUTHENTIK_SERVER_VERSION": "2024.8.2"},
        )
    assert code in (1, 4), (code, out, err)
    assert "Traceback" not in err, err
    # Each answer's values masked a bounded number of times: linear in the items (the run's
    # secrets grew by VALUES an item, each item masked with all of them: VALUES * ITEMS**2 / 2).
    assert sum(built) < 8 * ITEMS * VALUES, (sum(built), len(built), max(built))
