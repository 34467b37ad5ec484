"""The public surface: what ``help()``, reprs, tracebacks and ``pickle`` show of the public names.

Public names report their public module (``plex_source_client.NotFound``, not
``plex_source_client._errors.NotFound``), errors survive pickling and copying whole, the enums
are named consistently, a source prints short, and the package (with it the pytest plugin every
pytest run imports) loads nothing heavy until a name is used.
"""

from __future__ import annotations

import copy
import pickle
import pydoc
import re
import subprocess
import sys
import traceback
import typing
from collections.abc import Callable, Iterator
from enum import Enum
from types import ModuleType
from typing import Any

import pytest

import plex_source_client
import plex_source_client.testing
from plex_source_client import (
    APIError,
    AsyncPlexSourceClient,
    BadRequest,
    ConfigurationError,
    GroupMatchingMode,
    InvalidRequest,
    NotApplied,
    NotFound,
    PermissionDenied,
    PlexSource,
    PlexSourceClient,
    PlexSourceError,
    PolicyEngineMode,
    RateLimited,
    RequestTimeout,
    ServerError,
    TransportError,
    UnexpectedResponse,
    UnexpectedStatus,
    UserMatchingMode,
)
from plex_source_client.testing import FakeAuthentik

from .payloads import PLEX_TOKEN, TOKEN, plex_source

PUBLIC_MODULES = [plex_source_client, plex_source_client.testing]


def public_names() -> Iterator[tuple[ModuleType, str]]:
    for module in PUBLIC_MODULES:
        for name in module.__all__:
            yield module, name


def named(module: ModuleType, name: str) -> str:
    return f"{module.__name__}.{name}"


PUBLIC = list(public_names())
PUBLIC_IDS = [named(m, n) for m, n in PUBLIC]
#: Classes and functions (constants are instances of them, or of str/int/httpx.Timeout).
DEFINED = [(m, n) for m, n in PUBLIC if isinstance(getattr(m, n), type | Callable)]
DEFINED_IDS = [named(m, n) for m, n in DEFINED]

# --- the public module --------------------------------------------------------------------------


@pytest.mark.parametrize(("module", "name"), DEFINED, ids=DEFINED_IDS)
def test_public_names_report_the_public_module(module: ModuleType, name: str) -> None:
    obj = getattr(module, name)
    assert obj.__module__ == module.__name__
    # pickle finds a class by __module__ and __qualname__: the public module must have it.
    assert getattr(sys.modules[obj.__module__], obj.__qualname__) is obj


@pytest.mark.parametrize(("module", "name"), DEFINED, ids=DEFINED_IDS)
def test_type_hints_of_public_classes_resolve(module: ModuleType, name: str) -> None:
    """get_type_hints looks a class's annotations up in the module __module__ names: they were
    resolved where the class is defined, before it was renamed.
    """
    obj = getattr(module, name)
    if isinstance(obj, type):
        typing.get_type_hints(obj)


def test_the_public_module_holds_however_a_class_is_imported() -> None:
    """Even imported from its private module, before the package's attribute is ever used."""
    code = (
        "from plex_source_client._errors import NotFound\n"
        "from plex_source_client.testing._fake import FakeAuthentik\n"
        "print(NotFound.__module__, FakeAuthentik.__module__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["plex_source_client", "plex_source_client.testing"]


def test_a_traceback_names_the_error_by_its_public_name() -> None:
    error = NotFound(
        "not found", method="GET", url="https://a/api/v3/x/", status_code=404, request_id=None,
        body=None,
    )  # fmt: skip
    line = traceback.format_exception_only(error)[-1]
    assert line.startswith("plex_source_client.NotFound: GET https://a/api/v3/x/ -> 404")


def test_the_package_lists_and_star_imports_every_public_name() -> None:
    assert set(plex_source_client.__all__) <= set(dir(plex_source_client))
    assert set(plex_source_client.testing.__all__) <= set(dir(plex_source_client.testing))
    namespace: dict[str, Any] = {}
    exec("from plex_source_client import *", namespace)  # noqa: S102 - the star import itself
    assert set(plex_source_client.__all__) <= set(namespace)
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        plex_source_client.Nope  # noqa: B018
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        plex_source_client.testing.Nope  # noqa: B018


# --- help() and repr() name nothing private ------------------------------------------------------

#: Private names: a private module, the shared client base and its type variables.
PRIVATE = re.compile(
    r"\b_base\b|\b_errors\b|\b_generated\b|_HttpT|\bBaseClient\b"
    r"|plex_source_client(?:\.\w+)*\._\w+"
)

HELP_CASES = [pytest.param(m, n, id=named(m, n)) for m, n in PUBLIC]


def help_text(obj: object) -> str:
    return pydoc.render_doc(obj, renderer=pydoc.plaintext)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("module", "name"), HELP_CASES)
def test_help_and_repr_of_public_names_name_nothing_private(module: ModuleType, name: str) -> None:
    obj = getattr(module, name)
    shown = [repr(obj)]
    if isinstance(obj, type) or callable(obj):
        shown.append(help_text(obj))
    found = sorted({m.group(0) for text in shown for m in PRIVATE.finditer(text)})
    assert not found, found


def test_the_private_name_check_can_fail() -> None:
    from plex_source_client._core import ClientCore

    assert PRIVATE.search(help_text(ClientCore))  # defined in a private module
    assert PRIVATE.search("plex_source_client._errors.NotFound")
    assert PRIVATE.search("plex_source_client.testing._fake.FakeAuthentik")
    assert not PRIVATE.search(help_text(ConfigurationError))


# --- enum names -------------------------------------------------------------------------------


def test_the_enums_are_named_consistently() -> None:
    enums = [
        getattr(plex_source_client, name)
        for name in plex_source_client.__all__
        if isinstance(getattr(plex_source_client, name), type)
        and issubclass(getattr(plex_source_client, name), Enum)
        and name != "Unset"
    ]
    assert {cls.__name__ for cls in enums} == {
        "GroupMatchingMode",
        "PolicyEngineMode",
        "UserMatchingMode",
    }


def test_the_generators_enum_names_still_work() -> None:
    from plex_source_client import GroupMatchingModeEnum, UserMatchingModeEnum

    assert UserMatchingModeEnum is UserMatchingMode
    assert GroupMatchingModeEnum is GroupMatchingMode
    source = PlexSource.from_dict(plex_source())
    assert source.user_matching_mode is UserMatchingModeEnum.IDENTIFIER
    assert source.policy_engine_mode is PolicyEngineMode.ANY


# --- errors pickle and copy whole -------------------------------------------------------------

WHERE: dict[str, Any] = {
    "method": "PATCH",
    "url": "https://auth.example.com/api/v3/sources/plex/my-plex/",
    "status_code": 400,
    "request_id": "0f1e2d3c",
    "attempts": 3,
}


def every_error() -> dict[type[PlexSourceError], PlexSourceError]:
    """One of each error class, every attribute set to something other than its default."""
    source = PlexSource.from_dict(plex_source(extra_field=1))
    answered = {**WHERE, "body": {"detail": "no", "plex_token": "***"}}
    return {
        PlexSourceError: PlexSourceError("base"),
        ConfigurationError: ConfigurationError("bad url", cli_message="bad --url"),
        InvalidRequest: InvalidRequest({"name": ["too long"], "slug": ["bad", "worse"]}),
        APIError: APIError("teapot", **{**answered, "status_code": 418}),
        BadRequest: BadRequest("rejected", errors={"slug": ["taken"]}, **answered),
        PermissionDenied: PermissionDenied("denied", **{**answered, "status_code": 403}),
        NotFound: NotFound("gone", **{**answered, "status_code": 404}),
        RateLimited: RateLimited("slow", retry_after=2.5, **{**answered, "status_code": 429}),
        ServerError: ServerError("down", **{**answered, "status_code": 503}),
        UnexpectedStatus: UnexpectedStatus(
            "moved", location="https://elsewhere/", **{**answered, "status_code": 302}
        ),
        UnexpectedResponse: UnexpectedResponse(
            "not JSON", expected="a page", body="<html>", **{**WHERE, "status_code": 200}
        ),
        NotApplied: NotApplied(
            not_applied=("promoted",),
            applied=("name",),
            source=source,
            needs={"promoted": "2025.12"},
            believed="2025.12",
            **{**WHERE, "status_code": 200},
        ),
        TransportError: TransportError("refused", method="GET", url=WHERE["url"], attempts=3),
        RequestTimeout: RequestTimeout("timed out", method="GET", url=WHERE["url"], attempts=1),
    }


ERRORS = every_error()
ROUND_TRIPS: dict[str, Callable[[Any], Any]] = {
    **{
        f"pickle-{protocol}": (lambda p: lambda e: pickle.loads(pickle.dumps(e, protocol=p)))(  # noqa: S301
            protocol
        )
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1)
    },
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
}


def test_every_public_error_class_is_covered() -> None:
    public_errors = {
        getattr(plex_source_client, name)
        for name in plex_source_client.__all__
        if isinstance(getattr(plex_source_client, name), type)
        and issubclass(getattr(plex_source_client, name), BaseException)
    }
    assert public_errors == set(ERRORS)


@pytest.mark.parametrize("trip", list(ROUND_TRIPS))
@pytest.mark.parametrize("cls", list(ERRORS), ids=lambda c: c.__name__)
def test_errors_round_trip_with_every_attribute(cls: type[PlexSourceError], trip: str) -> None:
    error = ERRORS[cls]
    error.add_note("a note added where it was caught")
    copied = ROUND_TRIPS[trip](error)
    assert type(copied) is cls
    assert copied.args == error.args
    assert vars(copied) == vars(error)
    assert str(copied) == str(error)
    assert repr(copied) == repr(error)
    assert traceback.format_exception_only(copied) == traceback.format_exception_only(error)
    if isinstance(error, NotApplied):
        assert isinstance(copied, NotApplied)
        assert repr(copied.source) == repr(error.source)
        assert PLEX_TOKEN not in repr(copied.source)


@pytest.mark.parametrize("client_class", [PlexSourceClient, AsyncPlexSourceClient])
def test_errors_from_a_server_pickle_without_the_token(client_class: type[Any]) -> None:
    """Real errors, from both clients: the API token is nowhere in the pickle, and the
    unpickled error (its source's plex_token included) shows what the original showed.
    """
    import asyncio

    def caught(call: Callable[[Any], Any]) -> PlexSourceError:
        with FakeAuthentik(version="2024.8", version_endpoint=False) as fake:
            fake.add_source(slug="secret", name="Secret", plex_token=PLEX_TOKEN)
            client = client_class(url=fake.url, token=fake.token, max_retries=0)

            async def run_async() -> Any:
                async with client:
                    return await call(client)

            def run() -> None:
                if client_class is AsyncPlexSourceClient:
                    asyncio.run(run_async())
                else:
                    with client:
                        call(client)

            with pytest.raises(PlexSourceError) as raised:
                run()
            assert fake.token not in repr(vars(raised.value))
            return raised.value

    errors = [
        caught(lambda c: c.update("secret", icon="plex.svg")),  # NotApplied
        caught(lambda c: c.update("missing", enabled=False)),  # NotFound
    ]
    assert [type(e) for e in errors] == [NotApplied, NotFound]
    for error in errors:
        data = pickle.dumps(error)
        assert TOKEN.encode() not in data
        copied = pickle.loads(data)  # noqa: S301 - our own bytes
        assert (str(copied), repr(copied), vars(copied).keys()) == (
            str(error),
            repr(error),
            vars(error).keys(),
        )
        assert PLEX_TOKEN not in repr(vars(copied))


# --- a source, printed ----------------------------------------------------------------------


def test_str_of_a_source_is_one_short_line() -> None:
    source = PlexSource.from_dict(plex_source(name="My Plex"))
    assert str(source) == "PlexSource(slug='my-plex', name='My Plex', enabled=True)"
    assert PLEX_TOKEN not in str(source)


def test_repr_of_a_source_shows_every_field_it_has_secrets_masked() -> None:
    body = plex_source()  # 2024.8.2's answer: no promoted, icon_url, icon_themed_urls
    text = repr(PlexSource.from_dict(body))
    assert text.startswith("PlexSource(pk=UUID(")
    for field in body:
        assert f" {field}=" in text or text.startswith(f"PlexSource({field}=")
    assert "UNSET" not in text  # promoted, icon_url, icon_themed_urls: not in the answer
    assert "additional_properties" not in text  # empty
    assert PLEX_TOKEN not in text
    assert "plex_token='***'" in text


def test_repr_of_a_source_shows_unknown_fields_masked() -> None:
    source = PlexSource.from_dict(plex_source(new_field=1, new_secret=PLEX_TOKEN))
    text = repr(source)
    assert "additional_properties={'new_field': 1, 'new_secret': '***'}" in text
    assert PLEX_TOKEN not in text


# --- the pytest plugin costs nothing until used --------------------------------------------------

HEAVY = (
    "httpx",
    "attrs",
    "plex_source_client._core",
    "plex_source_client._client",
    "plex_source_client._errors",
    "plex_source_client.testing._fake",
)


@pytest.mark.parametrize(
    "module", ["plex_source_client", "plex_source_client.testing.pytest_plugin"]
)
def test_importing_the_package_or_the_plugin_imports_nothing_heavy(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
        "import plex_source_client.testing as t\n"
        "t.FakeAuthentik\n"  # and loading a name does load it (the check can fail)
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    before, after = result.stdout.splitlines()
    assert before == "[]"
    assert after == repr(sorted(HEAVY))


@pytest.mark.skipif(sys.version_info < (3, 13), reason="copy.replace is new in Python 3.13")
def test_copy_replace_works_and_each_class_has_its_own() -> None:
    change = plex_source_client.FieldChange(name="name", current="a", desired="b")
    replaced = copy.replace(change, desired="c")  # type: ignore[attr-defined,unused-ignore]
    assert replaced.desired == "c"
    assert change.desired == "b"
    own = vars(plex_source_client.FieldChange)["__replace__"]
    assert own.__qualname__ == "FieldChange.__replace__"
    assert own.__module__ == "plex_source_client"
