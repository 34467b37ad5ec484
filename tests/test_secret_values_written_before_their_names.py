"""A stored secret written before its name (Django's ``'%(value)s' is not a valid ...``,
``Invalid value T for plex_token``, ``{"T": "invalid plex_token"}``) is masked: on a line
naming a secret, the words written like a token before the name are masked too (review round
19). And showing an answer with thousands of secret-named members costs time linear in
their number: the secrets' matchers are built once per tuple, not once per field.
"""

from __future__ import annotations

import json

import pytest
import respx

from plex_source_client import PlexSourceError

from .conftest import Twin
from .payloads import SLUG
from .shown import counted_matcher_builds, everything_shown

ENDPOINT = f"/sources/plex/{SLUG}/"
#: A Plex token the server stores, never seen by the client before this answer.
STORED = "xQ3zR9pL2mN8vB7cD4fG"


# Finding 1: the stored token written BEFORE its name (or after a neutral word, the name
# following): Django's own "'%(value)s' is not a valid ..." shape, "Invalid value V for
# plex_token". Round 16/18 masks "the plex_token is V" (name first) only.
VALUE_FIRST = [
    pytest.param({"detail": f"{STORED} is not a valid plex_token"}, "application/json",
                 id="json-detail-value-then-name"),
    pytest.param({"detail": f"'{STORED}' is not a valid Plex token."}, "application/json",
                 id="json-detail-django-style-quoted"),
    pytest.param({"detail": f"Invalid value {STORED} for plex_token"}, "application/json",
                 id="json-detail-invalid-value-for-name"),
    pytest.param({"detail": f"value ({STORED}) rejected for field plex_token"},
                 "application/json", id="json-detail-parenthesized"),
    pytest.param({"detail": f"{STORED}: invalid plex token"}, "application/json",
                 id="json-detail-value-colon-name"),
    pytest.param({STORED: "invalid plex_token"}, "application/json",
                 id="json-key-holds-value-message-names-field"),
    pytest.param(f"{STORED} is not a valid Plex token", "text/plain", id="text-value-first"),
    pytest.param(f"<p>{STORED} is not a valid Plex token</p>", "text/html", id="html-value-first"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "ctype"), VALUE_FIRST)
def test_a_stored_token_written_before_its_name_is_masked(
    twin: Twin, api: respx.MockRouter, body: object, ctype: str
) -> None:
    content = json.dumps(body).encode() if isinstance(body, dict) else str(body).encode()
    api.get(ENDPOINT).respond(400, content=content, headers={"content-type": ctype})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    assert STORED not in everything_shown(caught.value)


# Finding 2: showing an answer with many secret-named extra members costs time quadratic in
# their number: each member's redaction rebuilds the frozenset of all secrets (known.py's
# _matchers -> _built(frozenset(secrets)): hashing N secrets, N times). A 2xx of ~430 KB (under
# the default 1 MiB max_response_size) with 16,000 members `"tokenI": "aB3dEIIIII"` makes
# repr(source) and `plex-source get` (any --timeout) run for many seconds; 1 MiB for a minute+.
def _many_secret_members(count: int) -> bytes:
    from .payloads import plex_source

    return json.dumps(
        {**plex_source(), **{f"token{i}": f"aB3dE{i:05d}" for i in range(count)}}
    ).encode()


def test_showing_an_answer_with_many_secret_named_members_builds_the_matchers_once(
    twin: Twin, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each field's masking rebuilt (hashed) the set of all 12,000 secrets: repr() took 7-10 s,
    ``plex-source get`` of a 941 KB answer minutes. Counted, not timed: the matchers are built
    a few times for the whole answer, not once per field.
    """

    api.get(ENDPOINT).respond(200, content=_many_secret_members(12_000),
                              headers={"content-type": "application/json"})  # fmt: skip
    source = twin.call("get", SLUG, options={"max_retries": 0, "timeout": 2})
    built = counted_matcher_builds(monkeypatch)
    shown = repr(source)
    assert "aB3dE00042" not in shown
    assert 0 < len(built) <= 5, len(built)


def test_the_command_line_shows_an_answer_with_many_secret_named_members_masked() -> None:
    from .fixed_server import run_main
    from .raw_server import ScriptServer, reply

    with ScriptServer(reply(200, _many_secret_members(12_000))) as server:
        code, out, err, _ = run_main(["get", SLUG, "--timeout", "2"], url=server.url)
    assert code == 0, err
    assert "aB3dE00042" not in out


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ('Content-Disposition: form-data; name="plex_token"', "unchanged"),
        ("see https://auth.example.com/a1/b2 for the plex_token", "unchanged"),
        ("RuntimeError while reading plex_token", "unchanged"),
        ("request 42 failed: plex_token", "unchanged"),
        (f"'{STORED}' is not a valid Plex token.", "'***' is not a valid Plex token."),
        (f"Invalid value {STORED} for plex_token", "Invalid value *** for plex_token"),
    ],
)
def test_before_a_name_only_words_written_like_a_token_are_masked(text: str, masked: str) -> None:
    """Before a name, header names, addresses, class names and short numbers stay shown."""
    from plex_source_client._secrets import mask_text

    assert mask_text(text, ()) == (text if masked == "unchanged" else masked)


def test_the_command_line_masks_a_stored_token_written_before_its_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from plex_source_client.cli import main

    from .raw_server import ScriptServer, reply

    monkeypatch.setenv("AUTHENTIK_TOKEN", "tok-SECRET-api-1234567890")
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
    body = json.dumps({"detail": f"'{STORED}' is not a valid Plex token."}).encode()
    with ScriptServer(reply(400, body, "Bad Request")) as server:
        monkeypatch.setenv("AUTHENTIK_URL", server.url)
        main(["get", SLUG, "--max-retries", "0"])
    captured = capsys.readouterr()
    assert STORED not in captured.out + captured.err
