"""``get`` and ``export`` of a slug no source can have (``a b``, 5,000 characters) end with
exit 2 and "nothing was sent", as ``update`` does: the client refuses it unsent, which is no
server's refusal (exit 1), and a CI job branching on exit codes must tell the two apart.
"""

from __future__ import annotations

import pytest

from .fixed_server import FixedServer, run_main, source


@pytest.mark.parametrize("command", ["get", "export"])
@pytest.mark.parametrize("slug", ["a b", "x" * 5000, "../users"], ids=["space", "long", "dots"])
def test_cli_read_of_a_slug_no_server_can_hold_exits_2(command: str, slug: str) -> None:
    with FixedServer([source()]) as server:
        code, out, err, _ = run_main([command, slug], url=server.url)
        assert server.requests == []
    assert (code, out) == (2, ""), err
    assert "nothing was sent" in err
    assert len(err) < 1000  # a 5,000-character slug is shortened


def test_export_names_each_impossible_slug_and_reads_none() -> None:
    with FixedServer([source()]) as server:
        code, _, err, _ = run_main(["export", "my-plex", "a b", "c d"], url=server.url)
        assert server.requests == []
    assert code == 2
    assert "'a b'" in err
    assert "'c d'" in err
