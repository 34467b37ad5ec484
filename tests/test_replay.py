"""FakeAuthentik answers as a real authentik 2024.8.2 did: replay of recorded raw requests.

``shared/authentik/2024.8.2/recorded-answers.json`` (beside the repository) holds raw requests
sent in order to a real authentik 2024.8.2, with its answers. Each is sent, byte for byte, to a
fake set up as the recording's ``setup`` says, in process and over a socket, and the status,
the JSON body and the ``Allow`` header must be the recorded ones (``pk`` excepted: the file's
``volatile`` says server-made values differ between runs).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from plex_source_client.testing import FakeAuthentik

from .test_spec import ROOT

RECORDING = ROOT.parent / "shared" / "authentik" / "2024.8.2" / "recorded-answers.json"
ADMIN = "<admin token>"
UNPRIVILEGED = "<valid token of a user without permissions>"
VOLATILE = frozenset({"pk"})  # made by the server: differs between runs


def _load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        pytest.skip(f"recorded answers not found: {path} (the shared/ folder beside the clone)")
    recording: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return recording


def _fake_as_recorded(setup: dict[str, Any]) -> FakeAuthentik:
    """The state the recording's first case starts from."""
    fake = FakeAuthentik(
        sources=[
            # Created through the API with no flows: authentik leaves them null.
            {"authentication_flow": None, "enrollment_flow": None, **source}
            for source in setup["sources"]
        ]
    )
    fake.add_flow(setup["known_flow_pk"])
    fake.add_property_mapping(setup["known_property_mapping_pk"])
    return fake


def _comparable(body: Any) -> Any:
    if isinstance(body, dict):
        return {key: value for key, value in body.items() if key not in VOLATILE}
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


@pytest.fixture(params=["in process", "over a socket"])
def replay_client(request: pytest.FixtureRequest) -> Iterator[tuple[httpx.Client, FakeAuthentik]]:
    recording = _load(RECORDING)
    fake = _fake_as_recorded(recording["setup"])
    if request.param == "in process":
        with httpx.Client(base_url=fake.url, transport=fake.transport()) as client:
            yield client, fake
    else:
        with fake, httpx.Client(base_url=fake.url) as client:
            yield client, fake


def test_the_fake_answers_every_recorded_request_as_authentik_did(
    replay_client: tuple[httpx.Client, FakeAuthentik],
) -> None:
    client, fake = replay_client
    cases = _load(RECORDING)["cases"]
    assert len(cases) == 87
    differences = replay(client, fake, cases)
    assert not differences, "\n".join(differences)


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
