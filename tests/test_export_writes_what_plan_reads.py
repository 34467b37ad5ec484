"""``plex-source export -o FILE`` writes the format ``plan`` and ``apply`` read FILE in: TOML
for ``.toml``, JSON for any other name (``plan``, ``plan.txt``); a ``.yaml``/``.yml`` name
(read as YAML, which export does not write) or a ``--format`` the name contradicts is refused
(exit 2, nothing written). Before, export wrote TOML to every name but ``.json``, and the
documented round trip (``plan`` on the result reports no change) broke (review round 37b).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .fixed_server import FixedServer, run_main, source


@pytest.fixture(scope="module")
def server() -> Iterator[FixedServer]:
    with FixedServer([source(slug="plex", name="Plex")]) as s:
        yield s


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("plan.yaml", []),
        ("plan.yml", []),
        ("plan", []),
        ("plan.txt", []),
        ("plan.toml", ["--format", "json"]),
    ],
)
def test_an_exported_plan_is_read_back_by_plan(
    server: FixedServer, tmp_path: Path, name: str, extra: list[str]
) -> None:
    target = tmp_path / name
    code, out, err, _ = run_main(["export", "-o", str(target), *extra], url=server.url)
    if code != 0:
        # Refusing a name the readers would misread is fine too: then nothing is written.
        assert code == 2, err
        assert not target.exists()
        return
    code, out, err, _ = run_main(["plan", str(target)], url=server.url)
    assert (code, err) == (0, ""), (out, err)
    assert "0 to change, 1 unchanged" in out


@pytest.mark.parametrize("name", ["plan.yaml", "plan.toml"])
def test_a_refused_name_is_said_and_nothing_is_written(
    server: FixedServer, tmp_path: Path, name: str
) -> None:
    target = tmp_path / name
    extra = ["--format", "json"] if name.endswith(".toml") else []
    code, _, err, _ = run_main(["export", "-o", str(target), *extra], url=server.url)
    assert code == 2
    assert "nothing was written" in err
    assert not target.exists()


@pytest.mark.parametrize("extra", [[], ["--format", "json"]])
def test_export_to_a_dash_writes_standard_output_not_a_file(
    server: FixedServer, tmp_path: Path, extra: list[str]
) -> None:
    """``-o -`` is standard output, as everywhere on the command line (review round 38b: it
    wrote a file named ``-`` into the working folder).
    """
    code, out, err, _ = run_main(["export", "-o", "-", *extra], url=server.url, cwd=tmp_path)
    assert (code, err) == (0, "")
    assert list(tmp_path.iterdir()) == []
    _, expected, _, _ = run_main(["export", *extra], url=server.url)
    assert out == expected
    assert '"plex"' in out
