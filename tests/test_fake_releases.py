"""FakeAuthentik(version=...) plays an authentik release: shape, validation, list, version view.

Plain httpx against the fake's in-process transport (not the client, which these tests do not
depend on). The 2026.2 answers are validated against authentik 2026.2.2's own schema
(``shared/authentik/2026.2.2/plex-source-operations.json``, beside the repository).
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from plex_source_client._releases import Release
from plex_source_client.cli import main
from plex_source_client.testing import FakeAuthentik
from plex_source_client.testing._serve import StartError, start_fake

from .test_spec import ROOT

SHARED = ROOT.parent / "shared" / "authentik"
SOURCE = "/api/v3/sources/plex/plex/"
LIST = "/api/v3/sources/plex/"
VERSION = "/api/v3/admin/version/"

#: The keys of a Plex source in 2024.8.2's answers, in order (its schema's order).
KEYS_2024_8 = (
    "pk", "name", "slug", "enabled", "authentication_flow", "enrollment_flow",
    "user_property_mappings", "group_property_mappings", "component", "verbose_name",
    "verbose_name_plural", "meta_model_name", "policy_engine_mode", "user_matching_mode",
    "managed", "user_path_template", "icon", "group_matching_mode", "client_id",
    "allowed_servers", "allow_friends", "plex_token",
)  # fmt: skip
_2025_12 = {"enabled": ("promoted",), "icon": ("icon_url",)}
KEYS_2025_12_0 = tuple(
    new for key in KEYS_2024_8 for new in (key, *_2025_12.get(key, ()))
)  # icon_themed_urls came in 2025.12.2
KEYS_2026_2 = tuple(
    new for key in KEYS_2025_12_0 for new in (key, *(("icon_themed_urls",) * (key == "icon_url")))
)

KEYS = {
    "2024.8.2": KEYS_2024_8,
    "2025.10": KEYS_2024_8,
    "2025.12.0": KEYS_2025_12_0,
    "2025.12.2": KEYS_2026_2,
    "2026.2": KEYS_2026_2,
}


class Api:
    """Plain httpx against a fake, in process, with a chosen token."""

    def __init__(self, fake: FakeAuthentik) -> None:
        self.fake = fake
        self.http = httpx.Client(transport=fake.transport(), base_url=fake.url)

    def __call__(
        self,
        method: str,
        path: str = SOURCE,
        body: Any = None,
        *,
        token: str | None = "admin",
        params: dict[str, str] | None = None,
    ) -> httpx.Response:
        headers = {}
        if token == "admin":
            headers["Authorization"] = f"Bearer {self.fake.token}"
        elif token == "user":
            headers["Authorization"] = f"Bearer {self.fake.unprivileged_token}"
        elif token is not None:
            headers["Authorization"] = token
        content = None if body is None else json.dumps(body).encode()
        if content is not None:
            headers["Content-Type"] = "application/json"
        return self.http.request(method, path, headers=headers, content=content, params=params)


def api_for(version: str | None = None, **options: Any) -> Api:
    if version is not None:
        options["version"] = version
    return Api(FakeAuthentik(**options))


# -- construction ------------------------------------------------------------------------------


def test_the_default_is_2024_8_2() -> None:
    fake = FakeAuthentik()
    assert (fake.version, fake.release) == ("2024.8.2", Release(2024, 8, 2))
    assert fake.version_endpoint is True
    assert "authentik" not in repr(fake)


@pytest.mark.parametrize(
    ("version", "release"),
    [
        ("2026.2", Release(2026, 2, 0)),
        ("2025.12.2", Release(2025, 12, 2)),
        ("2026.2.0-rc1", Release(2026, 2, 0)),
        ("version/2024.8.2", Release(2024, 8, 2)),
        (Release(2025, 12, 0), Release(2025, 12, 0)),
    ],
)
def test_version_is_kept_as_given_and_parsed(version: Any, release: Release) -> None:
    fake = FakeAuthentik(version=version)
    assert fake.release == release
    assert fake.version == str(version)
    assert f"(authentik {version})" in repr(fake)


@pytest.mark.parametrize("version", ["2024.6", "version/2024.6.4", "2022.6"])
def test_a_release_before_2024_8_is_refused_naming_the_supported_ones(version: str) -> None:
    with pytest.raises(ValueError, match=r"plays authentik 2024\.8 and newer"):
        FakeAuthentik(version=version)


@pytest.mark.parametrize("version", ["", "latest", "2026", "26.2", "2026.13", "2026/2"])
def test_a_bad_version_says_what_a_release_looks_like(version: str) -> None:
    with pytest.raises(ValueError, match=r"looks like 2025\.12 or 2024\.8\.2"):
        FakeAuthentik(version=version)


@pytest.mark.parametrize("version", [2026.2, None, (2026, 2)])
def test_a_version_that_is_not_a_string_is_a_type_error(version: Any) -> None:
    with pytest.raises(TypeError, match=r"like 2025\.12 or 2024\.8\.2"):
        FakeAuthentik(version=version)


# -- shape -------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", sorted(KEYS))
def test_every_answer_has_the_release_keys_in_order(version: str) -> None:
    api = api_for(version)
    expected = KEYS[version]
    assert tuple(api("GET").json()) == expected
    assert tuple(api("PATCH", body={"name": "Renamed"}).json()) == expected
    put = {"name": "Put", "slug": "plex", "plex_token": "t"}
    assert tuple(api("PUT", body=put).json()) == expected
    assert tuple(api("GET", LIST).json()["results"][0]) == expected
    assert tuple(api.fake.sources["plex"]) == expected
    assert tuple(api.fake.add_source(slug="more")) == expected


def test_2024_8_2_is_unchanged() -> None:
    """The default fake's source is what a real 2024.8.2 answers (the replay checks the rest)."""
    source = FakeAuthentik(version="2024.8.2").sources["plex"]
    assert tuple(source) == KEYS_2024_8
    assert source["icon"] == "/static/authentik/sources/plex.svg"
    assert "autocomplete" not in api_for("2024.8.2")("GET", LIST).json()


@pytest.mark.parametrize("version", ["2024.8.2", "2026.2"])
def test_key_order_is_the_schema_order(version: str) -> None:
    path = SHARED / ("2024.8.2" if version == "2024.8.2" else "2026.2.2")
    operations = _load(path / "plex-source-operations.json")
    properties = operations["components"]["schemas"]["PlexSource"]["properties"]
    assert tuple(api_for(version)("GET").json()) == tuple(properties)


@pytest.mark.parametrize("version", ["2025.12.0", "2025.12.2", "2026.2"])
def test_icon_defaults_from_2025_12(version: str) -> None:
    source = api_for(version)("GET").json()
    assert source["promoted"] is False
    assert source["icon"] == ""
    # PlexSource.icon_url falls back to the Plex icon (the schema's non-null string).
    assert source["icon_url"] == "/static/authentik/sources/plex.svg"
    assert source.get("icon_themed_urls", "absent") == (
        "absent" if version == "2025.12.0" else None
    )


@pytest.mark.parametrize(
    ("icon", "url", "themed"),
    [
        ("", "/static/authentik/sources/plex.svg", None),
        ("https://cdn.example/plex.png", "https://cdn.example/plex.png", None),
        ("http://cdn.example/plex.png", "http://cdn.example/plex.png", None),
        ("fa://fa-film", "fa://fa-film", None),
        ("/static/authentik/sources/x.svg", "/static/authentik/sources/x.svg", None),
        ("icons/plex.png", "/files/media/public/icons/plex.png", None),
        (
            "https://cdn.example/plex-%(theme)s.svg",
            "https://cdn.example/plex-%(theme)s.svg",
            {
                "light": "https://cdn.example/plex-light.svg",
                "dark": "https://cdn.example/plex-dark.svg",
            },
        ),
        (
            "plex-%(theme)s.svg",
            "/files/media/public/plex-%(theme)s.svg",
            {
                "light": "/files/media/public/plex-light.svg",
                "dark": "/files/media/public/plex-dark.svg",
            },
        ),
    ],
)
def test_icon_url_and_themed_urls_follow_icon(
    icon: str, url: str, themed: dict[str, str] | None
) -> None:
    api = api_for("2026.2")
    answer = api("PATCH", body={"icon": icon})
    assert answer.status_code == 200
    body = answer.json()
    shown = (body["icon"], unsigned(body["icon_url"]), unsigned(body["icon_themed_urls"]))
    assert shown == (icon, url, themed)
    assert unsigned(api.fake.add_source(slug="other", icon=icon)["icon_themed_urls"]) == themed
    # Only a stored file's URL is signed (authentik's local file backend signs its URLs).
    for each in [body["icon_url"], *(body["icon_themed_urls"] or {}).values()]:
        assert ("?token=" in each) == each.startswith("/files/")


def unsigned(urls: Any) -> Any:
    """``urls`` (a URL, a dict of them, or None) without their query."""
    if isinstance(urls, dict):
        return {key: unsigned(url) for key, url in urls.items()}
    return urls.partition("?")[0] if isinstance(urls, str) else urls


def _claims(url: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A signed URL's JWT: its header, its claims and its signature (base64url)."""
    header, claims, signature = url.partition("?token=")[2].split(".")
    return _decoded(header), _decoded(claims), signature


def _decoded(part: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return value


def test_a_stored_files_url_is_signed_for_15_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    """As authentik 2025.12's file backend: a JWT (HS256) with the file's path, ``exp`` 15
    minutes on and ``nbf`` 15 seconds back; the same URL while it is valid, a new one after.
    """
    clock = [1_800_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    api = api_for("2026.2.2")
    url = api("PATCH", body={"icon": "icons/plex.png"}).json()["icon_url"]
    header, claims, signature = _claims(url)
    assert url.startswith("/files/media/public/icons/plex.png?token=")
    assert header == {"alg": "HS256", "typ": "JWT"}
    assert claims == {
        "path": "media/public/icons/plex.png",
        "exp": 1_800_000_000 + 900,
        "nbf": 1_800_000_000 - 15,
    }
    assert len(base64.urlsafe_b64decode(signature + "=")) == 32  # an HMAC-SHA256
    clock[0] += 899
    assert api("GET").json()["icon_url"] == url  # cached while valid
    clock[0] += 2
    renewed = api("GET").json()["icon_url"]
    assert renewed != url
    assert _claims(renewed)[1]["nbf"] == 1_800_000_000 + 901 - 15


def test_a_stored_files_url_is_signed_by_each_fake_with_its_own_key() -> None:
    first = api_for("2026.2.2")("PATCH", body={"icon": "i"}).json()["icon_url"]
    second = api_for("2026.2.2")("PATCH", body={"icon": "i"}).json()["icon_url"]
    assert _claims(first)[2] != _claims(second)[2] or _claims(first)[1] != _claims(second)[1]


@pytest.mark.parametrize(
    ("version", "detail"),
    [
        ("2024.8.2", "Not found."),
        ("2025.8", "Not found."),
        ("2025.10", "No PlexSource matches the given query."),
        ("2026.2.2", "No PlexSource matches the given query."),
    ],
)
def test_an_unknown_slug_gets_the_releases_404(version: str, detail: str) -> None:
    """DRF 3.14 answered Django's Http404 with its own ``Not found.``; DRF 3.15 and later
    (authentik 2025.10 on) pass on ``get_object_or_404``'s message.
    """
    api = api_for(version)
    missing = "/api/v3/sources/plex/nope/"
    for method, body in [("GET", None), ("PATCH", {"name": "x"}), ("PUT", {}), ("DELETE", None)]:
        answer = api(method, missing, body=body)
        assert (answer.status_code, answer.json()) == (404, {"detail": detail}), method


@pytest.mark.parametrize(
    ("version", "detail"),
    [
        ("2024.8.2", "Unsupported authentication type"),
        ("2025.10", "Unsupported authentication type"),
        ("2025.12.0", "You do not have permission to perform this action."),
        ("2026.2.2", "You do not have permission to perform this action."),
    ],
)
@pytest.mark.parametrize("scheme", ["Token", "Basic", "token"])
def test_a_non_bearer_scheme_per_release(version: str, detail: str, scheme: str) -> None:
    api = api_for(version)
    answer = api("PATCH", body={"name": "x"}, token=f"{scheme} {api.fake.token}")
    assert (answer.status_code, answer.json()) == (403, {"detail": detail})
    assert api.fake.sources["plex"]["name"] == "Plex"


@pytest.mark.parametrize(
    ("version", "quoted"),
    [("2024.8.2", '"slug"'), ("2025.10", '"slug"'), ("2025.12.0", "\u201cslug\u201d")],
)
def test_the_slug_pattern_message_per_release(version: str, quoted: str) -> None:
    """DRF's SlugField quotes straight; Django's validate_slug (the slug's from 2025.12, a text
    field without a length limit) typographically.
    """
    answer = api_for(version)("PATCH", body={"slug": "a b"})
    expected = f"Enter a valid {quoted} consisting of letters, numbers, underscores or hyphens."
    assert (answer.status_code, answer.json()) == (400, {"slug": [expected]})


def test_before_2025_12_icon_is_the_resolved_url_as_today() -> None:
    fake = FakeAuthentik(version="2025.10")
    assert fake.add_source(slug="custom", icon="https://cdn.example/x.png")["icon"] == (
        "https://cdn.example/x.png"
    )


# -- validation --------------------------------------------------------------------------------

SLUG_60 = "s" * 60


@pytest.mark.parametrize("version", ["2025.12.0", "2025.12.2", "2026.2"])
def test_a_60_character_slug_works_from_2025_12(version: str) -> None:
    api = api_for(version)
    answer = api("PATCH", body={"slug": SLUG_60})
    assert answer.status_code == 200
    assert answer.json()["slug"] == SLUG_60
    assert api("GET", f"/api/v3/sources/plex/{SLUG_60}/").status_code == 200
    assert list(api.fake.sources) == [SLUG_60]


@pytest.mark.parametrize("version", ["2024.8.2", "2025.10.3"])
def test_a_60_character_slug_is_refused_before(version: str) -> None:
    api = api_for(version)
    answer = api("PATCH", body={"slug": SLUG_60})
    assert answer.status_code == 400
    assert answer.json() == {"slug": ["Ensure this field has no more than 50 characters."]}
    assert list(api.fake.sources) == ["plex"]


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (True, True), (False, False), ("true", True), ("False", False), ("yes", True),
        ("off", False), ("1", True), (0, False), (1, True), ("on", True), ("N", False),
    ],
)  # fmt: skip
def test_promoted_is_a_boolean_field(value: Any, stored: bool) -> None:
    api = api_for("2026.2")
    answer = api("PATCH", body={"promoted": value})
    assert answer.status_code == 200
    assert answer.json()["promoted"] is stored
    assert api.fake.sources["plex"]["promoted"] is stored


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "This field may not be null."),
        ("maybe", "Must be a valid boolean."),
        (2, "Must be a valid boolean."),
        ([], "Must be a valid boolean."),
        ({}, "Must be a valid boolean."),
        ("", "Must be a valid boolean."),
    ],
)
def test_promoted_refuses_what_enabled_refuses(value: Any, message: str) -> None:
    api = api_for("2026.2")
    answer = api("PATCH", body={"promoted": value, "enabled": value})
    assert answer.status_code == 400
    assert answer.json() == {"enabled": [message], "promoted": [message]}
    assert api.fake.sources["plex"]["promoted"] is False


@pytest.mark.parametrize(
    ("value", "stored"),
    [("  plex.png \n", "plex.png"), ("", ""), ("   ", ""), (5, "5"), (1.5, "1.5")],
)
def test_icon_is_a_blankable_trimmed_char_field(value: Any, stored: str) -> None:
    api = api_for("2026.2")
    api("PATCH", body={"icon": "before.png"})
    answer = api("PATCH", body={"icon": value})
    assert answer.status_code == 200
    assert answer.json()["icon"] == stored


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "This field may not be null."),
        ("a\x00b", "Null characters are not allowed."),
        (True, "Not a valid string."),
        (["x"], "Not a valid string."),
        ({"x": 1}, "Not a valid string."),
    ],
)
def test_icon_refusals(value: Any, message: str) -> None:
    api = api_for("2026.2")
    answer = api("PATCH", body={"icon": value})
    assert answer.status_code == 400
    assert answer.json() == {"icon": [message]}


def test_errors_come_in_the_serializer_order() -> None:
    body = {"icon": None, "promoted": None, "name": "", "slug": "a b"}
    answer = api_for("2026.2")("PATCH", body=body)
    assert list(answer.json()) == ["name", "slug", "promoted", "icon"]


@pytest.mark.parametrize(
    ("version", "body"),
    [
        ("2024.8.2", {"promoted": True}),
        ("2024.8.2", {"promoted": "not a boolean"}),
        ("2024.8.2", {"icon": "x.png"}),
        ("2024.8.2", {"icon": None}),
        ("2025.10", {"promoted": None, "icon": "a\x00"}),
        ("2026.2", {"icon_url": "x", "icon_themed_urls": 1, "component": "x"}),
        ("2025.12.0", {"icon_themed_urls": {"light": "x"}}),
    ],
)
def test_a_field_the_release_lacks_is_ignored(version: str, body: dict[str, Any]) -> None:
    api = api_for(version)
    before = api.fake.sources
    answer = api("PATCH", body=body)
    assert answer.status_code == 200
    assert answer.json() == before["plex"]
    assert api.fake.sources == before
    assert (
        api("PUT", body={**body, "name": "Plex", "slug": "plex", "plex_token": "t"}).json()[
            "plex_token"
        ]
        == "t"
    )


def test_put_takes_promoted_and_icon_without_requiring_them() -> None:
    api = api_for("2026.2")
    answer = api("PUT", body={"name": "P", "slug": "plex", "plex_token": "t", "promoted": "yes"})
    assert answer.status_code == 200
    assert (answer.json()["promoted"], answer.json()["icon"]) == (True, "")
    answer = api("PUT", body={"name": "P", "slug": "plex", "plex_token": "t", "icon": "i.png"})
    assert (answer.json()["promoted"], answer.json()["icon"]) == (True, "i.png")
    assert unsigned(answer.json()["icon_url"]) == "/files/media/public/i.png"


# -- add_source --------------------------------------------------------------------------------


def test_add_source_takes_the_release_fields() -> None:
    fake = FakeAuthentik(version="2026.2")
    source = fake.add_source(slug="p" * 60, promoted=True, icon="https://e.example/%(theme)s.png")
    assert source["promoted"] is True
    assert source["icon_themed_urls"] == {
        "light": "https://e.example/light.png",
        "dark": "https://e.example/dark.png",
    }


@pytest.mark.parametrize(
    ("version", "fields", "message"),
    [
        ("2024.8.2", {"promoted": True}, r"2024\.8\.2 has no .* promoted \(added in 2025\.12\)"),
        ("2025.12.0", {"icon_themed_urls": None}, r"icon_themed_urls \(added in 2025\.12\.2\)"),
        ("2026.2", {"icon_url": "x"}, "icon_url: derived from icon"),
        ("2026.2", {"bogus": 1}, "unknown PlexSource field"),
    ],
)  # fmt: skip
def test_add_source_refuses_fields_the_release_lacks(
    version: str, fields: dict[str, Any], message: str
) -> None:
    fake = FakeAuthentik(version=version)
    with pytest.raises(TypeError, match=message):
        fake.add_source(slug="other", **fields)
    assert list(fake.sources) == ["plex"]


def test_initial_sources_are_checked_too() -> None:
    with pytest.raises(TypeError, match="promoted"):
        FakeAuthentik(sources=[{"slug": "x", "promoted": True}])


# -- the version endpoint ----------------------------------------------------------------------

VERSION_BODY = {
    "version_latest_valid": True,
    "build_hash": "",
    "outdated": False,
    "outpost_outdated": False,
}


@pytest.mark.parametrize(
    ("version", "written"),
    [
        (None, "2024.8.2"),
        ("2026.2", "2026.2.0"),
        ("2025.12", "2025.12.0"),
        ("2025.12.2", "2025.12.2"),
        ("2026.2.0-rc1", "2026.2.0-rc1"),
        ("version/2024.8.2", "2024.8.2"),
    ],
)
def test_version_endpoint_says_the_release(version: str | None, written: str) -> None:
    api = api_for(version)
    for token in ("admin", "user"):  # IsAuthenticated: any valid token
        answer = api("GET", VERSION, token=token)
        assert answer.status_code == 200
        assert answer.headers["Allow"] == "GET, HEAD, OPTIONS"
        assert answer.headers["Content-Type"] == "application/json"
        assert answer.json() == {
            "version_current": written,
            "version_latest": written,
            **VERSION_BODY,
        }
    assert list(answer.json()) == [
        "version_current",
        "version_latest",
        "version_latest_valid",
        "build_hash",
        "outdated",
        "outpost_outdated",
    ]


@pytest.mark.parametrize(
    ("token", "detail"),
    [
        (None, "You do not have permission to perform this action."),
        ("Bearer", "You do not have permission to perform this action."),
        ("Bearer nope", "Token invalid/expired"),
        ("Token abc", "You do not have permission to perform this action."),  # 2025.12 on
    ],
)
def test_version_endpoint_needs_a_valid_token(token: str | None, detail: str) -> None:
    answer = api_for("2026.2")("GET", VERSION, token=token)
    assert (answer.status_code, answer.json()) == (403, {"detail": detail})
    assert answer.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_version_endpoint_methods() -> None:
    api = api_for("2026.2")
    head = api("HEAD", VERSION)
    assert (head.status_code, head.content) == (200, b"")
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        answer = api(method, VERSION, body={"version_current": "1"})
        assert answer.status_code == 405
        assert answer.json() == {"detail": f'Method "{method}" not allowed.'}
        assert answer.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert api("POST", VERSION, token=None).status_code == 403  # authentication first
    assert api("OPTIONS", VERSION).status_code == 501
    assert api("GET", VERSION + "?format=json").status_code == 200
    assert api("GET", "/api/v3/admin/version").status_code == 404  # no trailing slash


def test_version_endpoint_is_recorded_and_takes_no_faults() -> None:
    api = api_for("2026.2")
    api.fake.fail_next(method="GET")
    assert api("GET", VERSION).status_code == 200
    assert api("GET").status_code == 503  # the fault was the source's
    assert [(r.method, r.path) for r in api.fake.requests] == [("GET", VERSION), ("GET", SOURCE)]


def test_version_endpoint_can_be_blocked() -> None:
    api = api_for("2026.2", version_endpoint=False)
    assert api.fake.version_endpoint is False
    answer = api("GET", VERSION)
    assert (answer.status_code, answer.json()) == (404, {"detail": "Not found."})
    assert "Allow" not in answer.headers
    assert api("GET", VERSION, token="user").status_code == 404
    assert api("POST", VERSION).status_code == 405  # the catch-all view, as for any unknown path
    assert [r.path for r in api.fake.requests] == [VERSION] * 3
    assert api("GET").status_code == 200  # the rest is served


# -- listing -----------------------------------------------------------------------------------


@pytest.fixture
def three() -> Api:
    api = api_for("2026.2")
    api.fake.add_source(slug="b", name="B", promoted=True, icon="z.png")
    api.fake.add_source(slug="c", name="A", promoted=False, icon="a.png")
    return api


def _slugs(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [source["slug"] for source in answer.json()["results"]]


def test_ordering_by_newer_fields(three: Api) -> None:
    assert _slugs(three("GET", LIST, params={"ordering": "-promoted,name"})) == ["b", "c", "plex"]
    assert _slugs(three("GET", LIST, params={"ordering": "icon"})) == ["plex", "c", "b"]


@pytest.mark.parametrize(
    ("version", "ordering"),
    [
        ("2024.8.2", "-promoted"),
        ("2025.10", "icon"),
    ],
)
def test_ordering_by_a_field_the_release_lacks_is_dropped(version: str, ordering: str) -> None:
    api = api_for(version)
    api.fake.add_source(slug="b", name="B")
    api.fake.add_source(slug="c", name="A")
    assert _slugs(api("GET", LIST, params={"ordering": ordering})) == ["c", "b", "plex"]


def test_pbm_uuid_filter(three: Api) -> None:
    pk = three.fake.sources["b"]["pk"]
    assert _slugs(three("GET", LIST, params={"pbm_uuid": pk.upper()})) == ["b"]
    assert _slugs(three("GET", LIST, params={"pbm_uuid": " "})) == ["c", "b", "plex"]
    bad = three("GET", LIST, params={"pbm_uuid": "nope"})
    assert (bad.status_code, bad.json()) == (400, {"pbm_uuid": ["Enter a valid UUID."]})
    old = api_for("2024.8.2")
    assert _slugs(old("GET", LIST, params={"pbm_uuid": "nope"})) == ["plex"]


def test_list_filters_on_newer_fields_work_as_before(three: Api) -> None:
    assert _slugs(three("GET", LIST, params={"search": "b"})) == ["b"]
    assert _slugs(three("GET", LIST, params={"group_matching_mode": "identifier"})) == [
        "c",
        "b",
        "plex",
    ]
    assert three("GET", LIST).json()["autocomplete"] == {}


# -- the fixture's marker and the command line ---------------------------------------------------


@pytest.mark.authentik_version("2026.2")
def test_the_marker_picks_the_release(fake_authentik: FakeAuthentik) -> None:
    assert fake_authentik.version == "2026.2"
    assert fake_authentik.url.startswith("http://127.0.0.1:")
    answer = httpx.get(
        fake_authentik.url + VERSION,
        headers={"Authorization": f"Bearer {fake_authentik.unprivileged_token}"},
    )
    assert answer.json()["version_current"] == "2026.2.0"


@pytest.mark.authentik_version("2025.12.2", version_endpoint=False)
def test_the_marker_can_block_the_version_endpoint(authentik_env: FakeAuthentik) -> None:
    assert authentik_env.release == Release(2025, 12, 2)
    answer = httpx.get(
        authentik_env.url + VERSION, headers={"Authorization": f"Bearer {authentik_env.token}"}
    )
    assert answer.status_code == 404


@pytest.mark.authentik_version(version="2025.12.0")
class TestMarkerOnAClass:
    def test_it_applies_to_each_test(self, fake_authentik: FakeAuthentik) -> None:
        assert tuple(fake_authentik.sources["plex"]) == KEYS_2025_12_0


def test_without_the_marker_the_fixture_plays_2024_8_2(fake_authentik: FakeAuthentik) -> None:
    assert fake_authentik.version == "2024.8.2"


def test_the_cli_takes_a_release(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fake", "--authentik-version", "2026.x"]) == 2
    assert "--authentik-version: an authentik release looks like" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["fake", "--help"])
    assert "--authentik-version RELEASE" in capsys.readouterr().out


def test_start_fake_with_a_release() -> None:
    fake = start_fake(version="2026.2", sources=[SLUG_60], version_endpoint=False)
    try:
        assert (fake.version, fake.version_endpoint) == ("2026.2", False)
        assert list(fake.sources) == [SLUG_60]
    finally:
        fake.stop()
    with pytest.raises(StartError, match="a slug is 1 to 50 letters"):
        start_fake(sources=[SLUG_60])


# -- 2026.2's answers fit authentik 2026.2.2's schema ------------------------------------------


def _load(path: Any) -> dict[str, Any]:
    if not path.is_file():
        pytest.skip(f"authentik's schema extract not found: {path} (the shared/ folder)")
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def schema_2026() -> OpenAPI:
    """authentik 2026.2.2's three operations as an OpenAPI document, plus the statuses the
    schema leaves out (404, 405, 415) answered with its GenericError body.

    One rewrite, of form only: ``icon_themed_urls`` is drf-spectacular's idiom for "ThemedUrls
    or null" (``allOf: [$ref]`` beside ``nullable: true``), which openapi-core reads as never
    null (``nullable`` does not reach into ``allOf`` in OpenAPI 3.0); authentik answers null
    without a themed icon, so the fake checks against ThemedUrls itself, nullable.
    """
    path = SHARED / "2026.2.2" / "plex-source-operations.json"
    extract = _load(path)
    spec = {key: extract[key] for key in ("openapi", "info", "servers", "paths", "components")}
    schemas = spec["components"]["schemas"]
    themed = schemas["PlexSource"]["properties"]["icon_themed_urls"]
    assert themed == {
        "allOf": [{"$ref": "#/components/schemas/ThemedUrls"}],
        "readOnly": True,
        "nullable": True,
    }
    schemas["PlexSource"]["properties"]["icon_themed_urls"] = {
        **schemas["ThemedUrls"],
        "readOnly": True,
        "nullable": True,
    }
    for operation in spec["paths"]["/sources/plex/{slug}/"].values():
        if isinstance(operation, dict) and "responses" in operation:
            for status in ("404", "405", "415"):
                operation["responses"][status] = operation["responses"]["403"]
    spec["paths"]["/sources/plex/"]["get"]["responses"]["404"] = spec["paths"]["/sources/plex/"][
        "get"
    ]["responses"]["403"]
    return OpenAPI.from_dict(spec, base_uri=path.as_uri())


def _validate(schema: OpenAPI, method: str, path: str, answer: httpx.Response) -> None:
    request = MockRequest("http://127.0.0.1", method.lower(), path.split("?")[0])
    response = MockResponse(
        answer.content, status_code=answer.status_code, content_type="application/json"
    )
    schema.validate_response(request, response)


WITH_ICON: dict[str, Any] = {"icon": "plex-%(theme)s.svg", "promoted": True}

SCHEMA_CASES: dict[str, tuple[str, str, Any]] = {
    "GET without icon": ("GET", SOURCE, None),
    "PATCH without icon": ("PATCH", SOURCE, {"name": "n", "icon": ""}),
    "PATCH with icon": ("PATCH", SOURCE, WITH_ICON),
    "PATCH external icon": ("PATCH", SOURCE, {"icon": "https://cdn.example/p.png"}),
    "PATCH 60-char slug": ("PATCH", SOURCE, {"slug": SLUG_60}),
    "PATCH 400": ("PATCH", SOURCE, {"promoted": "x", "icon": None, "slug": "a b"}),
    "PATCH 403": ("PATCH", SOURCE, "no token"),
    "PATCH 404": ("PATCH", "/api/v3/sources/plex/missing/", {}),
    "list": ("GET", LIST, None),
    "list filtered": ("GET", LIST + "?promoted=true&ordering=-promoted&pbm_uuid=", None),
}


@pytest.mark.parametrize("case", sorted(SCHEMA_CASES))
def test_2026_answers_fit_authentik_2026_2_2_schema(schema_2026: OpenAPI, case: str) -> None:
    method, path, body = SCHEMA_CASES[case]
    api = api_for("2026.2")
    api.fake.add_source(slug="iconic", **WITH_ICON)
    token = None if body == "no token" else "admin"
    answer = api(method, path, None if body == "no token" else body, token=token)
    _validate(schema_2026, method, path, answer)
    if case == "list":
        (iconic,) = [s for s in answer.json()["results"] if s["slug"] == "iconic"]
        assert unsigned(iconic["icon_themed_urls"]) == {
            "light": "/files/media/public/plex-light.svg",
            "dark": "/files/media/public/plex-dark.svg",
        }


def test_the_schema_check_can_fail(schema_2026: OpenAPI) -> None:
    answer = api_for("2026.2")("GET")
    body = answer.json()
    body["promoted"] = "yes"
    broken = httpx.Response(200, json=body)
    with pytest.raises(Exception, match=r"promoted|yes"):
        _validate(schema_2026, "GET", SOURCE, broken)
    old = api_for("2024.8.2")("GET")  # 2024.8.2's answer lacks 2026's required icon_url
    with pytest.raises(Exception, match=r"icon_url|icon_themed_urls"):
        _validate(schema_2026, "GET", SOURCE, old)
