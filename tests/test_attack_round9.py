"""Red-team round 9: each test reproduces a defect found against the promises (secrets never
shown, only the package's own errors, bounded time and memory, safe output files, short secrets
not refused). Every test here FAILS on the code it was written against.
"""

from __future__ import annotations

import json

import pytest
import respx

from plex_source_client import PlexSourceError
from plex_source_client.cli import main

from .conftest import Twin
from .payloads import SLUG, plex_source
from .raw_server import ScriptServer, reply

ENDPOINT = f"/sources/plex/{SLUG}/"
STORED = "StoredKeyValue-0123456789abcdef"


@pytest.mark.parametrize("key", ["signing_key", "signingKey", "access_key", "encryption_key"])
def test_source_repr_shows_key_named_field(twin: Twin, api: respx.MockRouter, key: str) -> None:
    """A field whose name says *key* (``signing_key``, ``access_key``: the promise names
    token/secret/password/key) that a newer server returns is shown in clear in the source's
    repr and HTML: ``is_secret_name`` knows only ``private_key``/``api_key``.
    """
    data = plex_source()
    data[key] = STORED
    api.get(ENDPOINT).respond(200, json=data)
    source = twin.call("get", SLUG, options={"max_retries": 0})
    shown = repr(source) + source._repr_html_()
    assert STORED not in shown, shown[-300:]


def test_cli_get_json_shows_key_named_field(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``plex-source get --output json`` prints a server's ``signing_key`` value in clear."""
    data = plex_source()
    data["signing_key"] = STORED
    server = ScriptServer(reply(200, json.dumps(data).encode()))
    monkeypatch.setenv("AUTHENTIK_URL", server.url)
    monkeypatch.setenv("AUTHENTIK_TOKEN", "tok-SECRET-api-1234567890")
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
    with server:
        code = main(["get", SLUG, "--output", "json"])
    captured = capsys.readouterr()
    assert STORED not in captured.out + captured.err, (code, captured.out[-400:])


@pytest.mark.parametrize("detail", ["Invalid header: Bearer abc.", "Authorization: Bearer abc!"])
def test_short_token_echoed_before_punctuation(
    twin: Twin, api: respx.MockRouter, detail: str
) -> None:
    """A 3-character API token ``abc`` that a 403 echoes as its ``Bearer`` credential followed
    by sentence punctuation (``Bearer abc.``) is shown in the error message and ``.body``: the
    short-secret pattern wants a delimiter after it (``.``/``!`` are not), and the ``Bearer``
    pattern wants 6+ characters.
    """
    api.get(ENDPOINT).respond(403, json={"detail": detail})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"token": "abc", "max_retries": 0})
    error = caught.value
    shown = str(error) + repr(error) + repr(getattr(error, "body", None))
    assert "Bearer abc" not in shown, shown


STORED_PLEX = "StoredPlexToken-abcdef0123456789"


TEXT_SECRET = "SeCrEtVaLuE0123456789"


@pytest.mark.parametrize("status", [500, 200])
@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (
            f'<?xml version="1.0"?><MediaContainer><user><authToken>{TEXT_SECRET}</authToken>'
            "</user></MediaContainer>",
            "application/xml",
        ),
        (f"<error><plex_token>{TEXT_SECRET}</plex_token></error>", "text/xml"),
        (f"Parameters: source[plex_token]={TEXT_SECRET}&source[name]=x", "text/plain"),
        (
            '{"detail": "{\\"plex_token\\": \\"' + TEXT_SECRET + '\\", \\"name\\": \\"x',
            "application/json",
        ),
        (f"plex_token\n{TEXT_SECRET}\n", "text/plain"),
    ],
    ids=[
        "xml-element-authToken",
        "xml-element-plex_token",
        "form-brackets",
        "escaped-json-cut",
        "key-newline-value",
    ],
)  # fmt: skip
def test_text_body_secret_value_shown(
    twin: Twin, api: respx.MockRouter, status: int, content: str, content_type: str
) -> None:
    """A body that does not parse as JSON holding a secret-named key's value in a common text
    form the key patterns miss: an XML element (``<authToken>T</authToken>``, as Plex's own
    API writes it), a bracketed form field (``source[plex_token]=T``, Rails/PHP style), JSON
    escaped inside a cut-short JSON string (``{\\"plex_token\\": \\"T\\"``), or the value on
    the line after its key (the message then joins them with a space). The 500's and the
    not-JSON 200's messages show ``T``.
    """
    api.get(ENDPOINT).respond(
        status, content=content.encode(), headers={"Content-Type": content_type}
    )
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    error = caught.value
    shown = str(error) + repr(error) + repr(vars(error))
    assert TEXT_SECRET not in shown, str(error)[-200:]


def test_plex_token_field_error_message_is_masked(twin: Twin, api: respx.MockRouter) -> None:
    """Over-masking (lesser): real authentik (2024.8.2 and 2026.2.2, recorded in
    /work/shared/authentik) answers a blank Plex token with ``{"plex_token": ["This field may
    not be blank."]}``; with ``validate=False`` the client shows ``plex_token: ***`` in the
    message and ``.errors``: DRF's message, no secret, is hidden, so the user is not told why.
    """
    from plex_source_client import BadRequest

    reason = "This field may not be blank."
    api.patch(ENDPOINT).respond(400, json={"plex_token": [reason]})
    with pytest.raises(BadRequest) as caught:
        twin.update(SLUG, {"max_retries": 0, "validate": False}, plex_token="")
    assert caught.value.errors.get("plex_token") == [reason], caught.value.errors
    assert reason in str(caught.value), str(caught.value)


def _run_cli(monkeypatch: pytest.MonkeyPatch, token: str, status: int, body: object,
             argv: list[str]) -> tuple[int, str, str]:  # fmt: skip
    """``plex-source argv`` against one canned JSON answer, with ``AUTHENTIK_TOKEN=token``."""
    import contextlib
    import io

    server = ScriptServer(reply(status, json.dumps(body).encode()))
    monkeypatch.setenv("AUTHENTIK_URL", server.url)
    monkeypatch.setenv("AUTHENTIK_TOKEN", token)
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
    out, err = io.StringIO(), io.StringIO()
    with server, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_cli_short_token_equal_to_the_slug_masks_the_slug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Over-masking (lesser): with a 3-character API token ``abc`` and a source whose slug is
    ``abc`` (the slug the user typed), ``plex-source get abc`` prints the heading
    ``Plex source "abc":`` yet the table's slug row as ``"***"``; the slug is no secret.
    """
    code, out, err = _run_cli(
        monkeypatch, "abc", 200, plex_source(slug="abc", name="A"), ["get", "abc"]
    )
    assert code == 0, err
    slug_rows = [line for line in out.splitlines() if line.split()[:1] == ["slug"]]
    assert slug_rows, out
    assert '"abc"' in slug_rows[0], out


def test_cli_short_token_masks_the_packages_own_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """Over-masking (lesser): with the API token ``Plex`` (4 characters), the package's own
    fixed wording is rewritten: ``the list of Plex sources is not found`` prints as
    ``the list of *** sources is not found``: whole messages are redacted, the package's
    text included, not only what came from the server.
    """
    body = {"detail": "Not found."}
    code, _out, err = _run_cli(monkeypatch, "Plex", 404, body, ["export", "--format", "json"])
    assert code != 0
    assert "of *** sources" not in err, err


def test_html_caption_shows_slug_repeating_stored_token(twin: Twin, api: respx.MockRouter) -> None:
    """A source whose ``slug`` repeats the ``plex_token`` it stores: ``repr``/``str`` and the
    table rows mask it, but ``_repr_html_()``'s caption (``PlexSource <slug>``) is built from
    the raw slug, unredacted.
    """
    api.get(ENDPOINT).respond(200, json=plex_source(plex_token=STORED_PLEX, slug=STORED_PLEX))
    source = twin.call("get", SLUG, options={"max_retries": 0})
    assert STORED_PLEX not in repr(source)  # the repr masks it ...
    assert STORED_PLEX not in source._repr_html_(), source._repr_html_()[:120]


def test_cli_get_heading_shows_slug_repeating_stored_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``plex-source get`` prints the heading ``Plex source "<slug>":`` from the server's slug
    unmasked, while the table below masks the same value (the stored ``plex_token``).
    """
    body = plex_source(plex_token=STORED_PLEX, slug=STORED_PLEX)
    _code, out, err = _run_cli(monkeypatch, "tok-SECRET-api-1234567890", 200, body, ["get", SLUG])
    assert STORED_PLEX not in out + err, out.splitlines()[:2]


@pytest.mark.parametrize("status", [500, 200])
@pytest.mark.parametrize(
    "content",
    [
        '{"plex_token": ["' + "x" * 4100 + '", "' + TEXT_SECRET + '"]} trailing',
        '{"plex_token": {"old": {"v": "x"}, "new": "' + TEXT_SECRET + '"}} trailing',
    ],
    ids=["list-value-over-4096", "nested-object-value"],
)
def test_unparsed_body_secret_key_value_partly_shown(
    twin: Twin, api: respx.MockRouter, status: int, content: str
) -> None:
    """A body that does not parse (valid JSON, then garbage) whose ``plex_token`` value is a
    list running past 4,096 characters, or an object with a nested object before its last
    string: the text pattern masks the value only up to its 4,096th character or its first
    ``}``, so the stored token after that is kept in ``.body`` and shown.
    """
    api.get(ENDPOINT).respond(
        status, content=content.encode(), headers={"Content-Type": "application/json"}
    )
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    error = caught.value
    shown = str(error) + repr(error) + repr(vars(error))
    assert TEXT_SECRET not in shown, shown[-300:]


def test_short_token_echoed_before_punctuation_in_a_200(twin: Twin, api: respx.MockRouter) -> None:
    """A 200 whose ``name`` echoes the 3-character API token as ``Bearer abc.`` is neither
    refused (as ``Bearer abc`` is: ``contains your API token``) nor masked: the source's
    repr shows ``Bearer abc.``.
    """
    api.get(ENDPOINT).respond(200, json=plex_source(name="seen: Authorization: Bearer abc."))
    try:
        source = twin.call("get", SLUG, options={"token": "abc", "max_retries": 0})
    except PlexSourceError as error:  # refused as an echo: what the promise allows
        shown = str(error) + repr(vars(error))
    else:
        shown = repr(source) + str(source) + source._repr_html_()
    assert "Bearer abc" not in shown, shown[:300]


def test_nested_themed_urls_repr_shows_secret_named_key(twin: Twin, api: respx.MockRouter) -> None:
    """A 2025.12+ answer whose ``icon_themed_urls`` object carries an extra ``api_key``: the
    source's repr masks it, but the nested result object the user reaches,
    ``source.icon_themed_urls`` (a published :class:`ThemedUrls`), has the generated attrs
    repr, which shows ``additional_properties={'api_key': '<value>'}`` in clear.
    """
    from .payloads import plex_source_2026

    themed = {"light": "l.svg", "dark": "d.svg", "api_key": TEXT_SECRET}
    api.get(ENDPOINT).respond(200, json=plex_source_2026(icon="i", icon_themed_urls=themed))
    source = twin.call("get", SLUG, options={"max_retries": 0, "server_version": "2026.2.2"})
    assert TEXT_SECRET not in repr(source)  # the source's own repr masks it ...
    assert TEXT_SECRET not in repr(source.icon_themed_urls), repr(source.icon_themed_urls)


def _duplicate_key_bodies() -> list[tuple[int, str]]:
    source = json.dumps(plex_source(name=TEXT_SECRET))
    ok = f'{source[:-1]}, "plex_token": "{TEXT_SECRET}", "plex_token": "other-token-value"}}'
    error = (
        f'{{"plex_token": "{TEXT_SECRET}", "name": ["{TEXT_SECRET} is taken"], "plex_token": "x"}}'
    )
    return [(200, ok), (400, error), (500, error)]


@pytest.mark.parametrize(("status", "content"), _duplicate_key_bodies(), ids=["200", "400", "500"])
def test_duplicate_secret_key_hides_the_first_stored_value(
    twin: Twin, api: respx.MockRouter, status: int, content: str
) -> None:
    """JSON with a duplicate key: the answer stores ``T`` under ``plex_token``, then
    ``plex_token`` again with another value; ``json.loads`` keeps the last, so ``T`` is no
    longer known as stored and its repeat in ``name`` is shown: in the 200's source repr, and
    in the 400's/500's message and ``.body``.
    """
    api.get(ENDPOINT).respond(
        status, content=content.encode(), headers={"Content-Type": "application/json"}
    )
    try:
        source = twin.call("get", SLUG, options={"max_retries": 0})
    except PlexSourceError as error:
        shown = str(error) + repr(error) + repr(vars(error))
    else:
        shown = repr(source) + str(source) + source._repr_html_()
    assert TEXT_SECRET not in shown, shown[:300]


@pytest.mark.parametrize(
    ("token", "decoded"),
    [
        ("k3y%2Fab%3Dcd%26ef%3Fgh", "k3y/ab=cd&ef?gh"),
        ("ghijklmnopq%41bc", "ghijklmnopqAbc"),
        ("ab&amp;cdefghijkl&lt;mn", "ab&cdefghijkl<mn"),
    ],
)
def test_token_holding_escape_like_text_shown_decoded(
    twin: Twin, api: respx.MockRouter, token: str, decoded: str
) -> None:
    """An API token (printable ASCII, accepted) that holds ``%XX`` or ``&name;`` text, echoed
    verbatim in a 403's ``detail``: ``mask_text`` decodes the escapes in the text BEFORE
    redacting, so the token no longer matches (nor does any 12-character run of it) and the
    message and ``.body`` show it, decoded (``k3y/ab=cd&ef?gh``): one step from the token.
    """
    api.get(ENDPOINT).respond(403, json={"detail": f"Token {token} invalid"})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"token": token, "max_retries": 0})
    error = caught.value
    shown = str(error) + repr(error) + repr(vars(error))
    assert token not in shown
    assert decoded not in shown, str(error)[-120:]
