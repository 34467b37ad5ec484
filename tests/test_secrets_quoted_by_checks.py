"""Secrets quoted by the package's own checks, and the fake's body decoding (found by the
twelfth outside review; each docstring says what was shown before the fix): a Plex token or
the API token pasted into another field, a list filter, a per-call timeout or an unknown
field name is masked in InvalidRequest and ConfigurationError (library) and in a plan's
problems (command line); the fake answers a body whose charset's decoder fails with DRF's
400, never an exception.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plex_source_client.testing import FakeAuthentik

from .conftest import Twin
from .shown import everything_shown

DETAIL = "/api/v3/sources/plex/plex/"
RELEASES = ("2024.8.2", "2026.2.2")


@pytest.mark.parametrize("version", RELEASES)
@pytest.mark.parametrize("charset", ["punycode", "undefined"])
def test_fake_handle_never_raises_on_a_charset_whose_decoder_raises_unicodeerror(
    version: str, charset: str
) -> None:
    """``FakeAuthentik.handle`` promises "Never raises: whatever the request". A PATCH whose
    ``Content-Type`` names a text codec that fails with a bare ``UnicodeError`` (not
    ``UnicodeDecodeError``: ``punycode``, ``undefined``) escapes ``_json.parse`` and
    ``_views._data`` (which catch only ``UnicodeDecodeError`` and ``LookupError``), so the
    fake raises; over sockets the connection is dropped and ``http.server`` prints a
    traceback on the fake's stderr (``plex-source fake``). authentik's ``ORJSONParser``
    catches ``ValueError`` (``UnicodeError`` is one) and answers 400 ``JSON parse error``.
    Severity: medium (the fake, a testing tool, lets a foreign exception out).
    """
    fake = FakeAuthentik(version=version)
    answer = fake.handle(
        "PATCH",
        DETAIL,
        {
            "Authorization": f"Bearer {fake.token}",
            "Content-Type": f"application/json; charset={charset}",
        },
        b'{"name": "x"}',
    )
    assert answer.status == 400
    assert json.loads(answer.body)["detail"].startswith("JSON parse error - ")


def test_fake_over_sockets_answers_a_punycode_body_instead_of_a_traceback(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """The same request over the fake's real socket server (``fake.start()``, as
    ``plex-source fake`` serves): the handler thread dies with ``UnicodeError``, the client
    gets no answer (``Server disconnected without sending a response``) and ``http.server``
    prints a full traceback on the fake's stderr. Expected: an answer (authentik's 400), no
    traceback. Severity: medium (testing tool; no secret in the traceback, the fake's log
    hook does not mask anything here because nothing is logged but the stack).
    """
    import httpx

    fake = FakeAuthentik().start()
    try:
        answer = httpx.patch(
            fake.url + DETAIL,
            content=b'{"name": "x"}',
            headers={
                "Authorization": f"Bearer {fake.token}",
                "Content-Type": "application/json; charset=punycode",
            },
            timeout=10,
        )
    except httpx.HTTPError as error:
        pytest.fail(f"the fake dropped the connection: {error!r}")
    finally:
        fake.stop()
        err = capfd.readouterr().err
    assert answer.status_code == 400
    assert "Traceback" not in err


SENT_PLEX_TOKEN = "SeCrEtPlexTok3nXYZ"
API_TOKEN = "tok-SECRET-api-1234567890"

#: A secret pasted into the wrong field: each is refused before sending, by a message that
#: quotes the value.
MISPLACED: dict[str, Callable[[str], Any]] = {
    "policy_engine_mode": lambda s: s,
    "authentication_flow": lambda s: s,
    "user_property_mappings": lambda s: [s],
    "allowed_servers": lambda s: s,
}


@pytest.mark.parametrize("field", sorted(MISPLACED))
def test_invalid_request_quotes_the_plex_token_sent_in_another_field(
    twin: Twin, field: str
) -> None:
    """``update("plex", plex_token=T, policy_engine_mode=T)`` (a token pasted into the wrong
    field too: a copy-paste slip): the client refuses before sending, and ``InvalidRequest``'s
    message, ``repr`` and ``.errors`` quote T: ``policy_engine_mode: "T" is not a valid
    choice``, ``authentication_flow: "T" is not a valid UUID``, ``user_property_mappings:
    Item 0: "T" ...``, ``allowed_servers: ... wrap it in a list: ["T"]``. The Plex token the
    user sends must never show (round 11 masked it in diffs and --dry-run, not here).
    Severity: high (the secret lands in logs and CI output via a logged/printed exception).
    """
    from plex_source_client import InvalidRequest

    with pytest.raises(InvalidRequest) as caught:
        twin.update(
            "plex", plex_token=SENT_PLEX_TOKEN, **{field: MISPLACED[field](SENT_PLEX_TOKEN)}
        )
    shown = everything_shown(caught.value)
    assert SENT_PLEX_TOKEN not in shown, shown


@pytest.mark.parametrize("field", sorted(MISPLACED))
def test_invalid_request_quotes_the_api_token_in_a_field(twin: Twin, field: str) -> None:
    """The client's own API token passed as a field value (a script that mixes up its
    variables: ``update(slug, authentication_flow=token)``): ``InvalidRequest`` quotes the
    API token the client holds, though every other error of the client masks it (the client
    knows it: it masks it in every text of the server's). Severity: high (API token shown
    in an exception message).
    """
    from plex_source_client import InvalidRequest

    with pytest.raises(InvalidRequest) as caught:
        twin.update("plex", options={"token": API_TOKEN}, **{field: MISPLACED[field](API_TOKEN)})
    shown = everything_shown(caught.value)
    assert API_TOKEN not in shown, shown


@pytest.mark.parametrize("field", sorted(MISPLACED))
@pytest.mark.parametrize("command", [["apply", "--dry-run"], ["plan"], ["apply"]])
def test_cli_plan_validation_quotes_the_plans_plex_token_from_another_field(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    field: str,
    command: list[str],
) -> None:
    """A plan whose item sets ``plex_token = T`` and repeats T in another field (pasted into
    the wrong line): ``plex-source apply/plan`` refuses the plan (exit 2) and prints
    ``invalid: item 1 (plex): policy_engine_mode: "T" is not a valid choice...`` on stderr,
    though the command remembers the plan's secrets (``remember_secrets_in``) to mask them
    everywhere else. Severity: high (the Plex token in CI logs).
    """
    from plex_source_client.cli.main import main

    plan = tmp_path / "plan.json"
    changes = {"plex_token": SENT_PLEX_TOKEN, field: MISPLACED[field](SENT_PLEX_TOKEN)}
    plan.write_text(json.dumps({"items": [{"slug": "plex", "changes": changes}]}))
    monkeypatch.setenv("AUTHENTIK_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AUTHENTIK_TOKEN", API_TOKEN)
    code = main([*command, str(plan)])
    captured = capsys.readouterr()
    assert code == 2
    assert SENT_PLEX_TOKEN not in captured.out + captured.err, captured.err


@pytest.mark.parametrize(
    "filters",
    [
        {"policy_engine_mode": API_TOKEN},
        {"authentication_flow": API_TOKEN},
        {"ordering": API_TOKEN},
    ],
    ids=["choice", "flow", "ordering"],
)
def test_list_filter_errors_quote_the_api_token(twin: Twin, filters: dict[str, str]) -> None:
    """``client.list(policy_engine_mode=token)`` (variables mixed up): the client refuses
    before sending and its ``InvalidRequest`` quotes the API token the client holds
    (``policy_engine_mode: 'tok-...' is not a valid choice``; ``ordering: '...' is not a field
    to order by``). ``server_version`` given the token is refused without repeating it ("a
    string of 46 characters"); these are not. Severity: high (API token in an exception).
    """
    from plex_source_client import InvalidRequest

    with pytest.raises(InvalidRequest) as caught:
        twin.list_sources(options={"token": API_TOKEN}, **filters)
    shown = everything_shown(caught.value)
    assert API_TOKEN not in shown, shown


def test_a_per_call_timeout_error_quotes_the_api_token(twin: Twin) -> None:
    """``client.get("plex", timeout=token)`` (arguments mixed up): the ``ConfigurationError``
    says ``timeout must be seconds or an httpx.Timeout, got 'tok-...'``, quoting the API token
    the client holds. Severity: medium (API token in an exception message).
    """
    from plex_source_client import ConfigurationError

    with pytest.raises(ConfigurationError) as caught:
        twin.call("get", "plex", options={"token": API_TOKEN}, timeout=API_TOKEN)
    shown = everything_shown(caught.value)
    assert API_TOKEN not in shown, shown


def test_update_from_mapping_names_the_plex_token_as_an_unknown_field(twin: Twin) -> None:
    """``update_from_mapping("plex", {T: ..., "plex_token": T})`` (a mapping built from
    mis-parsed config, its value used as a key): ``InvalidRequest`` says ``T: Unknown field.``,
    showing the Plex token sent in the same call. Severity: low (contrived input), but the
    same masking gap as the misplaced-value findings.
    """
    from plex_source_client import InvalidRequest

    with pytest.raises(InvalidRequest) as caught:
        twin.call(
            "update_from_mapping", "plex", {SENT_PLEX_TOKEN: 1, "plex_token": SENT_PLEX_TOKEN}
        )
    shown = everything_shown(caught.value)
    assert SENT_PLEX_TOKEN not in shown, shown
