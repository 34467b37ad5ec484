"""Stored tokens in JSON error bodies of more shapes and in more languages, and the API token
echoed with combining marks (review round 28), masked on both clients and the command line:
flat ``[name, value, ...]`` lists (Node's ``rawHeaders``, a Redis reply, a logger's keys and
values, ``["--plex-token", T]``); change records (``{"field": "plex_token", "old": T}``,
``before``/``after``, ``from``/``to``); ``ParameterKey``/``ParameterValue`` items; an item
naming the field only in its message or code; the word for a token in Hebrew, Greek, Persian,
Hindi, Thai, Vietnamese and Arabic; a combining low line or long stroke after each letter.
"""

from __future__ import annotations

from typing import Any

import pytest
import respx

from .conftest import Twin
from .shown import shown_by_failed_cli_get, shown_by_failed_get

STORED = "xQ3zR9pL2mN8vB7cD4fG"

# --- 1. Flat key/value lists ----------------------------------------------------------------

FLAT_LISTS = [
    pytest.param(
        {"error": "upstream failed", "rawHeaders": ["Host", "plex.tv", "X-Plex-Token", STORED]},
        id="node-rawHeaders",
    ),
    pytest.param(
        {"error": "stale cache", "HGETALL": ["slug", "my-plex", "plex_token", STORED]},
        id="redis-hgetall-reply",
    ),
    pytest.param(
        {"msg": "plex refused", "keysAndValues": ["slug", "my-plex", "plexToken", STORED]},
        id="logr-keys-and-values",
    ),
    pytest.param(
        {"error": "worker crashed", "argv": ["/usr/bin/plex-sync", "--plex-token", STORED]},
        id="argv-flag-then-value",
    ),
]

# --- 2. Change records ----------------------------------------------------------------------

CHANGE_RECORDS = [
    pytest.param(
        {"changes": [{"field": "plex_token", "old": STORED, "new": "***"}]},
        id="simple-history-field-old-new",
    ),
    pytest.param(
        {"changes": [{"field": "plex_token", "before": STORED, "after": "***"}]},
        id="field-before-after",
    ),
    pytest.param(
        {"details": {"change": "plex_token", "from": STORED, "to": "[FILTERED]"}},
        id="gitlab-audit-change-from-to",
    ),
    pytest.param(
        {"history": [{"field_name": "plex_token", "old_value": STORED, "new_value": "x"}]},
        id="field-name-old-value",
    ),
    pytest.param(
        {"diff": [{"attribute": "plex_token", "previous": STORED}]},
        id="attribute-previous",
    ),
]

# --- 3. Name/value items under other member names -------------------------------------------

NAME_VALUE_ITEMS = [
    pytest.param(
        {"Parameters": [{"ParameterKey": "PlexToken", "ParameterValue": STORED}]},
        id="cloudformation-parameter",
    ),
    pytest.param(
        {"errors": [{"propertyName": "plexToken", "propertyValue": STORED}]},
        id="property-name-value",
    ),
]

# --- 4. An error item naming the field in its message or code -------------------------------

MESSAGE_NAMES_FIELD = [
    pytest.param(
        {"errors": [{"value": STORED, "message": "invalid plex_token"}]},
        id="value-then-message",
    ),
    pytest.param(
        {"errors": [{"code": "invalid_plex_token", "value": STORED}]},
        id="code-then-value",
    ),
]

JSON_BODIES = FLAT_LISTS + CHANGE_RECORDS + NAME_VALUE_ITEMS + MESSAGE_NAMES_FIELD


@pytest.mark.parametrize("body", JSON_BODIES)
def test_both_clients_mask_a_stored_token_in_a_json_error_body(
    twin: Twin, api: respx.MockRouter, body: Any
) -> None:
    shown = shown_by_failed_get(twin, api, 400, json=body)
    assert STORED not in shown


@pytest.mark.parametrize("body", JSON_BODIES)
def test_the_cli_masks_a_stored_token_in_a_json_error_body(body: Any) -> None:
    out, err = shown_by_failed_cli_get(body, status=400)
    assert STORED not in out + err


# --- 5. "Token" in more languages ------------------------------------------------------------

LOCALIZED = [
    pytest.param(f"\u0631\u0645\u0632 Plex \u0627\u0644\u0645\u0645\u064a\u0632 {STORED} "
                 "\u063a\u064a\u0631 \u0635\u0627\u0644\u062d", id="arabic"),
    pytest.param(f"\u05d0\u05e1\u05d9\u05de\u05d5\u05df Plex {STORED} "
                 "\u05d0\u05d9\u05e0\u05d5 \u05d7\u05d5\u05e7\u05d9", id="hebrew"),
    pytest.param(f"\u03a4\u03bf \u03b4\u03b9\u03b1\u03ba\u03c1\u03b9\u03c4\u03b9\u03ba\u03cc "
                 f"Plex {STORED} \u03b4\u03b5\u03bd \u03b5\u03af\u03bd\u03b1\u03b9 "
                 "\u03ad\u03b3\u03ba\u03c5\u03c1\u03bf", id="greek"),
    pytest.param(f"\u062a\u0648\u06a9\u0646 Plex {STORED} "
                 "\u0646\u0627\u0645\u0639\u062a\u0628\u0631 \u0627\u0633\u062a", id="persian"),
    pytest.param(f"Plex \u091f\u094b\u0915\u0928 {STORED} "
                 "\u0905\u092e\u093e\u0928\u094d\u092f \u0939\u0948", id="hindi"),
    pytest.param(f"\u0e42\u0e17\u0e40\u0e04\u0e47\u0e19 Plex {STORED} "
                 "\u0e44\u0e21\u0e48\u0e16\u0e39\u0e01\u0e15\u0e49\u0e2d\u0e07", id="thai"),
    pytest.param(f"M\u00e3 th\u00f4ng b\u00e1o Plex {STORED} "
                 "kh\u00f4ng h\u1ee3p l\u1ec7", id="vietnamese"),
]  # fmt: skip


@pytest.mark.parametrize("text", LOCALIZED)
def test_both_clients_mask_a_stored_token_after_a_localized_word_for_token(
    twin: Twin, api: respx.MockRouter, text: str
) -> None:
    shown = shown_by_failed_get(
        twin, api, 400, content=text.encode(), headers={"Content-Type": "text/plain"}
    )
    assert STORED not in shown


def test_ukrainian_token_is_masked(twin: Twin, api: respx.MockRouter) -> None:
    text = (
        f"\u0422\u043e\u043a\u0435\u043d Plex {STORED} "
        "\u043d\u0435\u0434\u0456\u0439\u0441\u043d\u0438\u0439"
    )
    shown = shown_by_failed_get(
        twin, api, 400, content=text.encode(), headers={"Content-Type": "text/plain"}
    )
    assert STORED not in shown


# --- 6. The API token with a combining mark under each letter -------------------------------

API_TOKEN = "Zk8sQ2vN5xR7tY1wP4mL9cB3"


@pytest.mark.parametrize("mark", ["\u0332", "\u0336"], ids=["low-line", "long-stroke"])
def test_both_clients_mask_the_api_token_echoed_with_combining_marks(
    twin: Twin, api: respx.MockRouter, mark: str
) -> None:
    import unicodedata

    echoed = "".join(c + mark for c in API_TOKEN)
    shown = shown_by_failed_get(
        twin,
        api,
        401,
        token=API_TOKEN,
        content=f"Unauthorized: {echoed}".encode(),
        headers={"Content-Type": "text/plain"},
    )
    readable = "".join(c for c in shown if not unicodedata.combining(c))
    assert API_TOKEN not in readable


def test_a_flat_list_is_masked_and_learned_after_each_secret_name() -> None:
    from plex_source_client._secrets import mask_json, stored_secrets

    listed = ["Host", "plex.tv", "X-Plex-Token", STORED, "slug", "my-plex"]
    assert mask_json(listed, ()) == ["Host", "plex.tv", "X-Plex-Token", "***", "slug", "my-plex"]
    assert stored_secrets(listed) == (STORED,)
    names = ["plex_token", "slug", "client_id"]  # a list of names: the next one is no value
    assert mask_json(names, ()) == names
    assert stored_secrets(names) == ()
