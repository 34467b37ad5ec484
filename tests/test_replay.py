"""FakeAuthentik answers as real authentik 2024.8.2 and 2026.2.2 did: replay of recorded requests.

``shared/authentik/<release>/recorded-answers.json`` (beside the repository) holds raw requests
sent in order to a real authentik of that release, with its answers. Each is sent, byte for
byte, to ``FakeAuthentik(version=<release>)`` set up as the recording's ``setup`` says, in
process and over a socket, and the status, the JSON body and the ``Allow`` header must be the
recorded ones (``pk`` excepted, and ``icon_url`` compared without its query: the file's
``volatile`` says server-made values differ between runs, and 2026.2.2 signs a stored file's
URL with an expiring ``?token=``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from plex_source_client.testing import FakeAuthentik

from .test_spec import ROOT

SHARED = ROOT.parent / "shared" / "authentik"
#: The recorded releases and how many requests each recording holds.
RECORDED = {"2024.8.2": 87, "2026.2.2": 88}
RECORDING = SHARED / "2024.8.2" / "recorded-answers.json"
ADMIN = "<admin token>"
UNPRIVILEGED = "<valid token of a user without permissions>"
VOLATILE = frozenset({"pk"})  # made by the server: differs between runs


def _load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        pytest.skip(f"recorded answers not found: {path} (the shared/ folder beside the clone)")
    recording: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return recording


def _fake_as_recorded(setup: dict[str, Any], version: str = "2024.8.2") -> FakeAuthentik:
    """The state the recording's first case starts from, in the release recorded."""
    fake = FakeAuthentik(
        version=version,
        sources=[
            # Created through the API with no flows: authentik leaves them null.
            {"authentication_flow": None, "enrollment_flow": None, **source}
            for source in setup["sources"]
        ],
    )
    fake.add_flow(setup["known_flow_pk"])
    fake.add_property_mapping(setup["known_property_mapping_pk"])
    return fake


def _comparable(body: Any) -> Any:
    if isinstance(body, dict):
        body = {key: value for key, value in body.items() if key not in VOLATILE}
        if isinstance(body.get("icon_url"), str):  # a stored file's: signed, expiring
            body["icon_url"] = body["icon_url"].partition("?")[0]
    return body


def _send(client: httpx.Client, fake: FakeAuthentik, request: dict[str, Any]) -> dict[str, Any]:
    headers = {
        name: value.replace(ADMIN, fake.token).replace(UNPRIVILEGED, fake.unprivileged_token)
        for name, value in request["headers"].items()
    }
    response = client.send(
        client.build_request(
            request["method"],
            request["path"],
            headers=headers,
            content=request["body"].encode(),
        )
    )
    return {
        "status": response.status_code,
        "body": response.json() if response.content else "",
        "allow": response.headers.get("Allow"),
    }


def replay(client: httpx.Client, fake: FakeAuthentik, cases: list[dict[str, Any]]) -> list[str]:
    """Every difference between the fake's answers and the recorded ones, one line each."""
    differences = []
    for number, case in enumerate(cases):
        got = _send(client, fake, case["request"])
        want = case["response"]
        for key in ("status", "body", "allow"):
            if _comparable(got[key]) != _comparable(want[key]):
                differences.append(
                    f"#{number} {case['case']!r}: {key} is {got[key]!r}, recorded {want[key]!r}"
                )
    return differences


@pytest.fixture(params=list(RECORDED))
def release(request: pytest.FixtureRequest) -> str:
    version: str = request.param
    return version


@pytest.fixture(params=["in process", "over a socket"])
def replay_client(
    request: pytest.FixtureRequest, release: str
) -> Iterator[tuple[httpx.Client, FakeAuthentik]]:
    recording = _load(SHARED / release / "recorded-answers.json")
    fake = _fake_as_recorded(recording["setup"], release)
    if request.param == "in process":
        with httpx.Client(base_url=fake.url, transport=fake.transport()) as client:
            yield client, fake
    else:
        with fake, httpx.Client(base_url=fake.url) as client:
            yield client, fake


def test_the_fake_answers_every_recorded_request_as_authentik_did(
    replay_client: tuple[httpx.Client, FakeAuthentik], release: str
) -> None:
    client, fake = replay_client
    cases = _load(SHARED / release / "recorded-answers.json")["cases"]
    assert len(cases) == RECORDED[release]
    differences = replay(client, fake, cases)
    assert not differences, "\n".join(differences)


def test_the_recorded_icon_url_is_signed_as_the_fakes_is() -> None:
    """2026.2.2's ``icon_url`` of a stored file carries a JWT with the file's path, valid 15
    minutes from 15 seconds ago; the fake's has the same shape (another key, another time).
    """
    recording = _load(SHARED / "2026.2.2" / "recorded-answers.json")
    recorded = next(
        case["response"]["body"]["icon_url"]
        for case in recording["cases"]
        if isinstance(case["response"]["body"], dict)
        and "?" in str(case["response"]["body"].get("icon_url"))
    )
    fake = _fake_as_recorded(recording["setup"], "2026.2.2")
    with httpx.Client(base_url=fake.url, transport=fake.transport()) as client:
        headers = {"Authorization": f"Bearer {fake.token}"}
        answer = client.patch(
            "/api/v3/sources/plex/plex-under-test/", json={"icon": "i"}, headers=headers
        )
    assert _jwt_shape(answer.json()["icon_url"]) == _jwt_shape(recorded)


def _jwt_shape(url: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The URL's path, the JWT's header, the claims' path and lifetime (``exp - nbf``)."""
    path, _, token = url.partition("?token=")
    header, claims = (_b64json(part) for part in token.split(".")[:2])
    return path, header, {"path": claims["path"], "lifetime": claims["exp"] - claims["nbf"]}


def _b64json(part: str) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def test_the_replay_notices_a_difference() -> None:
    """The comparison itself can fail: a fake in another state answers differently."""
    recording = _load(RECORDING)
    fake = FakeAuthentik(sources=[dict(source) for source in recording["setup"]["sources"]])
    with httpx.Client(base_url=fake.url, transport=fake.transport()) as client:
        differences = replay(client, fake, recording["cases"])
    # The flows were left at authentik's defaults, and the known flow and mapping are missing.
    assert any("'flow set'" in line for line in differences)
    assert any("'mappings set'" in line for line in differences)


def test_a_missing_recording_skips_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "recorded-answers.json"
    with pytest.raises(pytest.skip.Exception, match=r"recorded-answers\.json"):
        _load(missing)
