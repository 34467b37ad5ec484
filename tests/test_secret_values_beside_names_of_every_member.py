"""Stored tokens in JSON error items that name the field in a member of any name (review round
29), masked on both clients and the command line: an ``XKey``/``XValue`` pair beside the
item's other secret members (pydantic's ``input``, a ``rejectedValue``, a ``plex_token``
member), a field's name under an unknown member (Elastic Beanstalk's ``OptionName``,
``SettingName``, ``envName``, ``keyName``, ``identifier``) beside a ``Value``, CloudFormation's
``ResolvedValue``, GraphQL's message naming the field with the value in ``extensions``, and
flat lists with the value in a list of one or written in 20 lowercase letters.
"""

from __future__ import annotations

from typing import Any

import pytest
import respx

from .conftest import Twin
from .shown import shown_by_failed_cli_get, shown_by_failed_get

STORED = "xQ3zR9pL2mN8vB7cD4fG"
LOWER = "kqzvbnwmxtrplhdgfcsy"

BODIES = [
    # 1. The pair rule's early return (regression of round 28)
    pytest.param(
        {"detail": [{"type": "string_pattern_mismatch", "loc": ["body", "plex_token"],
                     "msg": "String should match pattern", "input": STORED,
                     "headerName": "X-Plex-Token", "headerValue": "[redacted]"}]},
        id="pydantic-loc-input-beside-a-header-name-value-pair",
    ),
    pytest.param(
        {"errors": [{"fieldName": "plexToken", "fieldValue": "***",
                     "rejectedValue": STORED, "message": "invalid"}]},
        id="fieldName-fieldValue-pair-beside-rejectedValue",
    ),
    pytest.param(
        {"errors": [{"paramName": "X-Plex-Token", "paramValue": "***", "plex_token": STORED}]},
        id="paramName-paramValue-pair-beside-a-plex_token-member",
    ),
    # 2. Name/value items under other names
    pytest.param(
        {"error": "ConfigurationValidationException",
         "OptionSettings": [{"Namespace": "aws:elasticbeanstalk:application:environment",
                             "OptionName": "PLEX_TOKEN", "Value": STORED}]},
        id="elastic-beanstalk-OptionName-Value",
    ),
    pytest.param(
        {"error": "bad settings", "settings": [{"SettingName": "PLEX_TOKEN", "Value": STORED}]},
        id="SettingName-Value",
    ),
    pytest.param(
        {"error": "bad env", "env": [{"envName": "PLEX_TOKEN", "value": STORED}]},
        id="envName-value",
    ),
    pytest.param(
        {"error": "bad vars", "vars": [{"keyName": "plex_token", "value": STORED}]},
        id="keyName-value",
    ),
    pytest.param(
        {"errors": [{"identifier": "plex_token", "value": STORED}]},
        id="identifier-value",
    ),
    pytest.param(
        {"error": "stack failed",
         "Parameters": [{"ParameterKey": "PlexToken", "ParameterValue": "****",
                         "ResolvedValue": STORED}]},
        id="cloudformation-ResolvedValue",
    ),
    # 3. The message names the field, the value one level down
    pytest.param(
        {"errors": [{"message": 'Variable "$plexToken" got invalid value',
                     "extensions": {"code": "BAD_USER_INPUT", "value": STORED}}]},
        id="graphql-extensions-value",
    ),
    # 4. Flat lists
    pytest.param(
        {"error": "upstream failed", "rawHeaders": ["Host", "plex.tv", "X-Plex-Token", [STORED]]},
        id="flat-list-value-in-a-list",
    ),
    pytest.param(
        {"error": "worker crashed", "argv": ["/usr/bin/plex-sync", "--plex-token", LOWER]},
        id="flat-list-long-lowercase-token",
    ),
]  # fmt: skip


@pytest.mark.parametrize("body", BODIES)
def test_both_clients_mask_a_stored_token_in_a_json_error_body(
    twin: Twin, api: respx.MockRouter, body: Any
) -> None:
    shown = shown_by_failed_get(twin, api, 400, json=body)
    assert STORED not in shown
    assert LOWER not in shown


@pytest.mark.parametrize("body", BODIES)
def test_the_cli_masks_a_stored_token_in_a_json_error_body(body: Any) -> None:
    out, err = shown_by_failed_cli_get(body, status=400)
    assert STORED not in out + err
    assert LOWER not in out + err
