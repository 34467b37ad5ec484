"""A plan naming a value no server can take is refused before anything is sent (exit 2), in
the client's words (review round 38b):

- a string holding a lone surrogate (JSON's ``"\\ud800"``): no text, UTF-8 cannot encode it;
  authentik's database refuses it with a 500, after the request was sent;
- an integer of more digits than Python converts: the message was Python's own, with its
  advice to call ``sys.set_int_max_str_digits()``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .fixed_server import FixedServer, run_main, source


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_a_lone_surrogate_in_a_json_plan_is_refused(tmp_path: Path, command: str) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('[{"slug": "my-plex", "changes": {"name": "Plex \\ud800"}}]')
    with FixedServer([source()]) as server:
        code, out, err, _ = run_main([command, str(plan)], url=server.url)
        patches = [r for r in server.requests if r.startswith("PATCH")]
    assert code == 2, (out, err)
    assert "lone surrogate" in err
    assert patches == []


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("plan.json", '[{"slug": "my-plex", "changes": {"enabled": %s}}]' % ("9" * 5000)),
        ("plan.toml", '[[items]]\nslug = "my-plex"\nchanges.enabled = %s\n' % ("9" * 5000)),
    ],
)
def test_an_integer_too_long_to_read_is_said_in_the_clients_words(
    tmp_path: Path, name: str, text: str
) -> None:
    plan = tmp_path / name
    plan.write_text(text)
    code, out, err, _ = run_main(["plan", str(plan)])
    assert code == 2, (out, err)
    assert ": an integer too long to read\n" in err
    assert "set_int_max_str_digits" not in err
