"""What an error shows, and a raw server's JSON answer: shared by the masking tests."""

from __future__ import annotations

import json
import pickle
import traceback
from typing import Any

from .hostile_server import Connection, Request


def everything_shown(error: BaseException) -> str:
    """Every place an error shows text: message, repr, attributes, traceback, pickle."""
    return " ".join(
        [
            str(error),
            repr(error),
            repr(vars(error)),
            "".join(traceback.format_exception(error)),
            repr(pickle.dumps(error)),
        ]
    )


def shown_by_failed_get(twin: Any, api: Any, status: int, **answer: Any) -> str:
    """Everything (see :func:`everything_shown`) the error shows that ``twin``'s ``get`` of
    the test source raises when ``api`` (respx) answers it ``status`` with ``answer``
    (``json=``, ``content=``, ``headers=``); ``token=`` is the client's API token.
    """
    from plex_source_client import PlexSourceError

    from .payloads import SLUG

    options: dict[str, Any] = {"max_retries": 0}
    if "token" in answer:
        options["token"] = answer.pop("token")
    api.get(f"/sources/plex/{SLUG}/").respond(status, **answer)
    try:
        twin.call("get", SLUG, options=options)
    except PlexSourceError as error:
        return everything_shown(error)
    raise AssertionError(f"get did not fail on a {status}")


def shown_by_failed_update(twin: Any, api: Any, plex_token: str, message: str) -> str:
    """Everything the error shows that ``twin``'s update of the test source sending
    ``plex_token`` raises when ``api`` (respx) answers 400 with ``message`` as DRF's
    ``non_field_errors``.
    """
    from plex_source_client import PlexSourceError

    from .payloads import SLUG

    api.patch(f"/sources/plex/{SLUG}/").respond(400, json={"non_field_errors": [message]})
    try:
        twin.call("update", SLUG, options={"max_retries": 0}, plex_token=plex_token)
    except PlexSourceError as error:
        return everything_shown(error)
    raise AssertionError("update did not fail on a 400")


def shown_by_failed_cli_get(body: Any, status: int = 400) -> tuple[str, str]:
    """``plex-source get`` (in this process, the API token ``fixed_server.API_TOKEN``) of the
    test source from a server answering ``status`` with ``body`` as JSON: its stdout and
    stderr, after checking that it failed without a traceback.
    """
    from .fixed_server import run_main
    from .payloads import SLUG
    from .raw_server import ScriptServer, reply

    with ScriptServer(reply(status, json.dumps(body).encode(), "Refused")) as server:
        code, out, err, _ = run_main(
            ["get", SLUG, "--max-retries", "0"], url=server.url,
            env={"AUTHENTIK_SERVER_VERSION": "2024.8.2"},
        )  # fmt: skip
    assert code != 0, out
    assert "Traceback" not in err, err
    return out, err


def finishes_in_a_child(script: str, what: str, seconds: float = 20) -> None:
    """A hang guard, not a speed target: ``script`` run by this Python in a child process (in
    the repository's folder) prints ``done`` before it is killed after ``seconds``; else the
    test fails saying ``what`` took too long.
    """
    import subprocess
    import sys
    from pathlib import Path

    import pytest

    try:
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=Path(__file__).resolve().parent.parent,
            capture_output=True,
            text=True,
            timeout=seconds,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what} took over {seconds:g} s")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("done"), done.stdout


def counted_matcher_builds(monkeypatch: Any) -> list[int]:
    """A list that records, from now on, how many secrets each build of the known secrets'
    matchers (``_secrets.known._built``) took: to show they are built once, not per string.
    """
    from plex_source_client._secrets import known

    built: list[int] = []
    real = known._built

    def counted(secrets: frozenset[str]) -> object:
        built.append(len(secrets))
        return real(secrets)

    monkeypatch.setattr(known, "_built", counted)
    return built


def text_masked_everywhere(body: str) -> str:
    """A text as the masking shows it wherever it goes: as a text body (``mask_text``), in a
    log record (``mask_record``), inside a JSON error's ``detail`` (``mask_json``).
    """
    from plex_source_client._secrets import mask_json, mask_record, mask_text

    return "\n".join(
        [mask_text(body, ()), mask_record(body, ()), str(mask_json({"detail": body}, ()))]
    )


def json_answer(status: int, body: Any) -> Any:
    """A :class:`ScriptServer` script answering ``status`` with ``body`` as JSON."""
    data = json.dumps(body).encode()

    def script(conn: Connection, request: Request) -> None:
        conn.send(
            f"HTTP/1.1 {status} X\r\nContent-Length: {len(data)}\r\n"
            "Content-Type: application/json\r\nConnection: close\r\n\r\n".encode()
            + data
        )

    return script


def whole_body_passes(monkeypatch: Any, over: int = 64 * 1024) -> list[int]:
    """The lengths of the texts over ``over`` characters (more than any start of a body the
    client masks to show) that the masking reads for secret-named keys from now on: the
    passes over a whole large body, counted (``_secrets.text._mask_keys``).
    """
    from plex_source_client._secrets import text as masking

    passes: list[int] = []
    original = masking._mask_keys

    def counted(text: str, found: dict[str, None]) -> Any:
        if len(text) > over:
            passes.append(len(text))
        return original(text, found)

    monkeypatch.setattr(masking, "_mask_keys", counted)
    return passes
