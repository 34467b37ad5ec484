"""Values under secret-named keys in text error bodies and reason phrases, in the formats
other software dumps its data in (issue 18, review round 13, finding 4; each was shown before
the fix): ``=>`` separators (PHP's print_r and var_dump, Ruby's and Perl's hashes: the ``=``
was read as the separator and the value then started at ``>``), a YAML sequence under the key
(only its ``-`` was masked), a CDATA section, Java's XML properties (``<entry key=...>``), a
Python bytes repr (``b'...'``); and nearby forms (``:=``, TOML's triple quotes, ``<add key=...
value=...>``, ``<textarea name=...>``, ``<meta ... content=...>``). Masked in the error's
message, repr, body and pickle, and in log records; ordinary text is not masked more widely.
"""

from __future__ import annotations

import logging
import pickle

import httpx
import pytest
import respx

from plex_source_client import PlexSourceError
from plex_source_client._secrets import MASK, mask_record, mask_text

from .conftest import Twin
from .payloads import SLUG

ENDPOINT = f"/sources/plex/{SLUG}/"
#: The Plex token the server stores, unknown to the client: masked only by its key's name.
UNKNOWN = "Zq9XvT3kLm8NpR2wYs6B"

#: The bodies the review found shown (the red team's reproductions).
FOUND_BODIES = {
    "php-print_r": f"Array\n(\n    [plex_token] => {UNKNOWN}\n    [name] => Plex\n)\n",
    "ruby-hash": f'{{"plex_token" => "{UNKNOWN}", "name" => "Plex"}}',
    "perl-data-dumper": f"$VAR1 = {{\n  'plex_token' => '{UNKNOWN}',\n  'name' => 'Plex'\n}};\n",
    "yaml-sequence": f"source:\n  name: Plex\n  plex_token:\n    - {UNKNOWN}\n",
    "xml-cdata": f"<source><plex_token><![CDATA[{UNKNOWN}]]></plex_token></source>",
    "java-xml-properties": f'<properties><entry key="plex_token">{UNKNOWN}</entry></properties>',
    "python-bytes-repr": f"locals: {{'plex_token': b'{UNKNOWN}', 'name': 'Plex'}}",
}
#: Nearby forms of the same attack, each shown before the fix too.
NEARBY_BODIES = {
    "php-var_dump": (
        f'array(2) {{\n  ["plex_token"]=>\n  string(20) "{UNKNOWN}"\n'
        '  ["name"]=>\n  string(4) "Plex"\n}'
    ),
    "php-print_r-protected": f"App\\Source Object\n(\n    [plex_token:protected] => {UNKNOWN}\n)",
    "php-var_dump-private": (
        f'object(App\\Source)#1 (1) {{\n  ["plex_token":"App\\Source":private]=>\n'
        f'  string(20) "{UNKNOWN}"\n}}'
    ),
    "xml-cdata-indented": f"<plex_token>\n  <![CDATA[{UNKNOWN}]]>\n</plex_token>",
    "dash-on-the-key-line": f"plex_token: - {UNKNOWN}",
    "go-assignment": f'plex_token := "{UNKNOWN}"',
    "toml-triple-quotes": f'plex_token = """{UNKNOWN}"""\nname = "Plex"',
    "toml-triple-single-quotes": f"plex_token = '''{UNKNOWN}'''\nname = 'Plex'",
    "python-raw-bytes-repr": f'{{"plex_token": rb"{UNKNOWN}"}}',
    "yaml-sequence-of-two": f"plex_token:\n  - other\n  - '{UNKNOWN}'\nname: Plex",
    "yaml-sequence-at-key-indent": f"plex_token:\r\n- {UNKNOWN}\r\nname: Plex\r\n",
    "yaml-nested-item": f"plex_token:\n  -\n    {UNKNOWN}\nname: Plex",
    "dotnet-app-settings": f'<appSettings><add key="plex_token" value="{UNKNOWN}" /></appSettings>',
    "java-properties-cdata": f'<entry key="plex_token"><![CDATA[{UNKNOWN}]]></entry>',
    "spring-property-value": f'<property name="plex_token"><value>{UNKNOWN}</value></property>',
    "html-textarea": f"<form><textarea name='plex_token'>{UNKNOWN}</textarea></form>",
    "html-meta": f'<head><meta name="plex-token" content="{UNKNOWN}"></head>',
    "table-cell-cdata": f"<tr><td>plex_token</td><td><![CDATA[{UNKNOWN}]]></td></tr>",
    "cdata-cut-short": f"<plex_token><![CDATA[{UNKNOWN}",
}
BODIES = {**FOUND_BODIES, **NEARBY_BODIES}


def _shown(error: BaseException) -> str:
    """Everything an error shows: its message, repr, body and pickle."""
    return f"{error}\n{error!r}\n{getattr(error, 'body', '')}\n{pickle.dumps(error)!r}"


@pytest.mark.parametrize("body", list(BODIES.values()), ids=list(BODIES))
def test_text_error_body_masks_a_secret_named_value(
    twin: Twin, api: respx.MockRouter, body: str
) -> None:
    api.get(ENDPOINT).respond(500, text=body, headers={"Content-Type": "text/plain"})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    shown = _shown(caught.value)
    assert UNKNOWN not in shown, shown
    assert MASK in str(caught.value.body)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "reason",
    [f"plex_token => {UNKNOWN}", f"plex_token := {UNKNOWN}", f"plex_token=>b'{UNKNOWN}'"],
    ids=["arrow", "assignment", "bytes-repr"],
)
def test_reason_phrase_with_a_secret_named_value_is_masked_in_logs_and_error(
    twin: Twin, api: respx.MockRouter, caplog: pytest.LogCaptureFixture, reason: str
) -> None:
    """httpx's INFO record quotes the reason phrase, and so does the error's message."""
    caplog.set_level(logging.DEBUG)
    api.get(ENDPOINT).mock(
        return_value=httpx.Response(500, extensions={"reason_phrase": reason.encode()})
    )
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    records = [r.getMessage() for r in caplog.records if UNKNOWN in r.getMessage()]
    assert UNKNOWN not in _shown(caught.value), str(caught.value)
    assert not records, records
    assert any("plex_token" in r.getMessage() for r in caplog.records)  # the record was made


@pytest.mark.parametrize("body", list(BODIES.values()), ids=list(BODIES))
def test_log_record_masks_a_secret_named_value(body: str) -> None:
    """A log record quoting such a body (another library's) is masked the same way."""
    assert UNKNOWN not in mask_record(body, ())


def test_a_masked_value_is_masked_where_the_text_repeats_it() -> None:
    """The value found after its key (in each new form) is masked elsewhere in the text too."""
    for body in BODIES.values():
        masked = mask_text(f"{body}\nrequest failed for {UNKNOWN}", ())
        assert UNKNOWN not in masked, masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # The quotes, prefix and CDATA markers around a value are kept.
        (f"{{'plex_token': b'{UNKNOWN}'}}", f"{{'plex_token': b'{MASK}'}}"),
        (
            f"<t><plex_token><![CDATA[{UNKNOWN}]]></plex_token>",
            f"<t><plex_token><![CDATA[{MASK}]]></plex_token>",
        ),
        (f'plex_token = """{UNKNOWN}"""', f'plex_token = """{MASK}"""'),
        (
            f"<plex_token>\n  <![CDATA[{UNKNOWN}]]>\n</plex_token>",
            f"<plex_token>\n  <![CDATA[{MASK}]]>\n</plex_token>",
        ),
        # What follows a YAML sequence under the key is shown: only the sequence is masked.
        (
            f"plex_token:\n  - {UNKNOWN}\n  - two\nnames:\n  - Plex\n",
            f"plex_token:\n  {MASK}\nnames:\n  - Plex\n",
        ),
    ],
)
def test_value_forms_keep_their_shape(text: str, masked: str) -> None:
    assert mask_text(text, ()) == masked


@pytest.mark.parametrize(
    "text",
    [
        "name => Plex, enabled => true",  # ``=>`` after a name that is not a secret's
        'array(1) {\n  ["name"]=>\n  string(4) "Plex"\n}',
        "names:\n  - Plex\n  - Jellyfin\n",  # a YAML sequence under another key
        "<entry name=\"title\">Plex</entry><add name='slug' value='plex'/>",
        '<input name="plex_token"> Enter it here, then <button>Save</button>',
        '<label for="plex_token">Plex token</label><meta name="viewport" content="width=1">',
        "data: b'abc' and <![CDATA[ordinary]]> text",
    ],
)
def test_ordinary_text_is_not_masked(text: str) -> None:
    """Text without a value under a secret-named key is shown as it is: a void ``<input>``'s
    following text is no value of it, a sequence under another key is shown.
    """
    assert mask_text(text, ()) == text


def test_a_large_hostile_body_of_near_misses_is_masked() -> None:
    """A 1 MiB body of near misses for every new form (unclosed CDATA, ``=>`` without a
    value, dashes, named tags without a value, triple quotes, var_dump types) is masked and
    its one real value found. (Masking it finishes in well under a second: the patterns scan
    it in linear time; checked by hand, not asserted here.)
    """
    unit = (
        "plex_token =>\n- <![CDATA[ ]] ] <entry key='plex_token'><a><b><c><d><e> "
        '<add key="x" name="y" content string(1) """ \'\'\' b\' rb" := -\n  -\n'
        '["plex_token":"' + "A" * 150 + " [plex_token:" + "b" * 150 + ":prot "
    )
    body = unit * (1024 * 1024 // len(unit)) + f"\nplex_token => {UNKNOWN}\n"
    assert len(body) >= 1000 * 1024
    masked = mask_text(body, ())
    assert UNKNOWN not in masked
    assert mask_record(body, ()).count(UNKNOWN) == 0
