"""``get`` and ``export`` of a slug no source can have (``a b``, 5,000 characters) end with
exit 2 and "nothing was sent", as ``update`` does: the client refuses it unsent, which is no
server's refusal (exit 1), and a CI job branching on exit codes must tell the two apart. And
``export`` of a hostile server's list holding such a slug writes no plan (``plan`` would
refuse it): exit 3, the slug masked of the run's secrets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .fixed_server import PLEX_TOKEN, FixedServer, run_main, source


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


@pytest.mark.parametrize(
    "slug", ["a/b", "..", "a b", "é", ""], ids=["slash", "dots", "space", "accent", "empty"]
)
def test_export_of_a_listed_source_no_plan_can_name_writes_nothing(
    slug: str, tmp_path: Path
) -> None:
    """A hostile server's list holding a slug no authentik stores: the plan export would write
    is refused by ``plan`` (exit 2), so export writes none and says why (exit 3, as for an
    unexpected answer).
    """
    target = tmp_path / "plan.json"
    with FixedServer([source(slug="my-plex"), source(slug=slug)]) as server:
        code, out, err, _ = run_main(["export", "-o", str(target)], url=server.url)
    assert (code, out) == (3, ""), err
    assert "no plan can name" in err
    assert "nothing was written" in err
    assert not target.exists()


def test_such_a_slug_holding_a_stored_token_is_masked() -> None:
    """The slug repeats the Plex token another source stores (the API token in it makes the
    whole answer refused): masked in the message.
    """
    with FixedServer([source(slug="my-plex"), source(slug=f"x/{PLEX_TOKEN}")]) as server:
        code, out, err, _ = run_main(["export"], url=server.url)
    assert code == 3
    assert "no plan can name" in err
    assert PLEX_TOKEN not in out + err
