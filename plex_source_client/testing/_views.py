"""How the fake answers one request, as authentik's views do: the route, a queued fault,
then DRF's dispatch (content negotiation, authentication, the view's permissions) and the
handler (retrieve, update and partial update, destroy, list, create; the version view). The
fake's state stays on :class:`FakeAuthentik`; these functions read and change it under its lock.
"""

from __future__ import annotations

import functools
import json
import secrets
import string
import time
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from . import _conneg, _drf, _json, _listing, _routes, _shape
from ._routes import API_PREFIX, CATCH_ALL_ALLOW, DETAIL_ALLOW, LIST_ALLOW, VERSION_ALLOW
from ._server import DROP, Answer

if TYPE_CHECKING:
    from ._fake import FakeAuthentik

#: Django's answer to an unhandled exception (DEBUG off).
SERVER_ERROR_PAGE: Final = b"<h1>Server Error (500)</h1>"
#: The ASGI server's (uvicorn's) answer to an exception raised before Django answers: while
#: the request itself is built (see :func:`._conneg.breaks_the_request`).
ASGI_SERVER_ERROR: Final = b"Internal Server Error"


def _json_answer(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Answer:
    return Answer(
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
        body=json.dumps(body).encode(),
    )


def _detail(status: int, detail: str, headers: Mapping[str, str] | None = None) -> Answer:
    return _json_answer(status, {"detail": detail}, headers)


def _not_allowed(method: str) -> Answer:
    return _detail(405, f'Method "{method}" not allowed.')


_ID_ALPHABET: Final = string.ascii_letters + string.digits
#: The users the fake knows: the admin token's, the unprivileged token's, and nobody's.
_ADMIN: Final = "admin"
_UNPRIVILEGED: Final = "unprivileged"
_ANONYMOUS: Final = "anonymous"
#: DRF's ``DjangoModelPermissions.perms_map`` (which authentik's ``ObjectPermissions``
#: inherits): the methods it knows, and whether each needs a model permission (add, change,
#: delete) that the unprivileged user lacks. Another method is ``MethodNotAllowed``.
_PERMS_MAP: Final[Mapping[str, bool]] = {
    "GET": False,
    "OPTIONS": False,
    "HEAD": False,
    "POST": True,
    "PUT": True,
    "PATCH": True,
    "DELETE": True,
}
#: The methods the router routes to the detail view (``retrieve``, ``update``,
#: ``partial_update``, ``destroy``; HEAD as GET; OPTIONS is ``APIView.options``).
_DETAIL_ACTIONS: Final = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _not_emulated(method: str, what: str) -> Answer:
    """A method the real view serves but the fake does not: 501, saying so."""
    return _detail(501, f"FakeAuthentik does not emulate {method} here ({what}).")


def dispatch(
    fake: FakeAuthentik, method: str, path: str, headers: dict[str, str], body: bytes
) -> Answer:
    """The answer to one request (method upper-cased, header names lower-cased), under the
    fake's lock: recorded, routed, a queued fault applied, then the view's answer with the
    view's ``Allow``; :data:`~._server.DROP` for no answer.
    """
    with fake._lock:
        fake._recording.add(method, path, headers, body)
        route = _routes.route(path)
        if route is not None and route[0] == "version" and not fake.version_endpoint:
            route = None  # as if blocked: the paths no route matches
        if route is None:  # no API route: 404, or the catch-all view's 405 (see _routes.route)
            if method in ("GET", "HEAD") or not path.startswith(API_PREFIX + "/"):
                return _detail(404, "Not found.")
            return Answer(405, {"Allow": CATCH_ALL_ALLOW, "Content-Type": "text/html"}, b"")
        view, slug = route
        if view == "version":  # no faults: they are the Plex source endpoint's
            answer = _version(fake, method, path, headers)
            return attrs.evolve(answer, headers={**answer.headers, "Allow": VERSION_ALLOW})
        # DRF's APIView.finalize_response: every answer of a view names its methods.
        allow = {"Allow": DETAIL_ALLOW if view == "detail" else LIST_ALLOW}
        fault = None
        faults = fake._faults.get(method)
        if faults and (method == "GET" or view == "detail"):
            fault = faults.popleft()  # a proxy's doing: no Allow
            if fault.kind == "drop":
                return DROP
            if fault.kind == "fail":
                return Answer(fault.status, fault.headers, fault.body)
        answer = _view(fake, method, view, slug, path, headers, body)
        # corrupt: a PATCH applied, its answer mangled; a GET's answer replaced, whatever it was
        if fault is not None and (answer.status == 200 or method == "GET"):
            return Answer(fault.status, fault.headers, fault.body)
        return attrs.evolve(answer, headers={**answer.headers, **allow})


def _view(
    fake: FakeAuthentik,
    method: str,
    view: str,
    slug: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
) -> Answer:
    """DRF's dispatch (``APIView.initial``, then the handler): content negotiation,
    authentication, the view's permissions (``ObjectPermissions.has_permission``), then
    the method's handler, whose ``get_object`` or list runs ``ObjectFilter``.
    """
    refused = _negotiate(path, headers)
    if refused:
        return refused
    user = _authenticate(fake, headers)
    if isinstance(user, Answer):
        return user
    if view == "list":
        return _list_view(fake, method, user, path, headers, body)
    # authentik's ObjectPermissions.has_permission grants every request on a detail route
    # (the lookup kwarg is present): a method the viewset does not route is DRF's 405 for
    # anyone authenticated or not, and a read or write is decided by ObjectFilter below.
    if method not in _DETAIL_ACTIONS:
        return _not_allowed(method)
    if method == "OPTIONS":
        return _not_emulated(method, "DRF's metadata")
    if user != _ADMIN:  # ObjectFilter: no global view permission, no object: PermissionDenied
        return _detail(403, _shape.PERMISSION_DENIED)
    if method in ("PATCH", "PUT"):
        return _write(fake, slug, body, headers, partial=method == "PATCH")
    if slug not in fake._sources:
        return _not_found(fake)
    if method in ("GET", "HEAD"):
        return _json_answer(200, _shown(fake, fake._sources[slug]))
    del fake._sources[slug]  # DELETE
    return Answer(204, {}, b"")


def _list_view(
    fake: FakeAuthentik, method: str, user: str, path: str, headers: dict[str, str], body: bytes
) -> Answer:
    """The list route: ``ObjectPermissions.has_permission`` (authentik's: the method's
    required model permissions, looked up first, so a method DRF's ``perms_map`` lacks is a
    405 even unauthenticated; then ``DjangoModelPermissions``: no user is
    ``NotAuthenticated``, a user without the permission ``PermissionDenied``), then the
    handler: ``list`` (``ObjectFilter`` denies a user with no view permission and no
    object), ``create``, or DRF's 405 for the rest.
    """
    if method not in _PERMS_MAP:
        return _not_allowed(method)
    if user == _ANONYMOUS:
        # DRF's permission_denied: no authenticator succeeded, so NotAuthenticated; authentik's
        # TokenAuthentication has no authenticate_header, so it stays a 403.
        return _detail(403, _shape.NOT_AUTHENTICATED)
    if user != _ADMIN and _PERMS_MAP[method]:
        return _detail(403, _shape.PERMISSION_DENIED)
    if method in ("GET", "HEAD"):
        if user != _ADMIN:  # ObjectFilter
            return _detail(403, _shape.PERMISSION_DENIED)
        status, listed = _listing.answer(
            [_shown(fake, source) for source in fake._sources.values()],
            _routes.query(path),
            fake._flows.keys(),
            release=fake.release,
        )
        return _json_answer(status, listed)
    if method == "POST":
        return _create(fake, body, headers)
    if method == "OPTIONS":
        return _not_emulated(method, "DRF's metadata")
    return _not_allowed(method)


def _negotiate(path: str, headers: Mapping[str, str]) -> Answer | None:
    """DRF's content negotiation, before authentication (:func:`~._conneg.negotiate`)."""
    refused = _conneg.negotiate(headers.get("accept"), _routes.query(path).get("format"))
    return _detail(*refused) if refused else None


def _not_found(fake: FakeAuthentik) -> Answer:
    """The 404 of ``get_object_or_404`` for an unknown slug, as the release's DRF words it
    (:data:`~._shape.HTTP404_MESSAGE_IN`).
    """
    if fake.release >= _shape.HTTP404_MESSAGE_IN:
        return _detail(404, "No PlexSource matches the given query.")
    return _detail(404, _shape.NOT_FOUND)


def _shown(fake: FakeAuthentik, source: dict[str, Any]) -> dict[str, Any]:
    """A source as an answer shows it: a stored file's URLs signed when answered, as
    authentik's serializer resolves them (kept unsigned in :attr:`FakeAuthentik.sources`).
    """
    if "icon_url" not in source:
        return source
    shown = dict(source)
    _shape.derive(shown, fake.release, functools.partial(_sign, fake))
    return shown


def _sign(fake: FakeAuthentik, url: str) -> str:
    """A stored file's URL with the release's signed ``?token=``: the same one for the
    token's lifetime, as authentik caches it (:func:`~._shape.signed_file_url`).
    """
    now = time.time()
    cached = fake._signed_urls.get(url)
    if cached is not None and cached[1] > now:
        return cached[0]
    signed = _shape.signed_file_url(url, fake._media_key, int(now))
    fake._signed_urls[url] = (signed, now + _shape.MEDIA_URL_EXPIRY)
    return signed


def _version(fake: FakeAuthentik, method: str, path: str, headers: Mapping[str, str]) -> Answer:
    """The answer of authentik's ``VersionView``: any authenticated user may read it."""
    refused = _negotiate(path, headers)
    if refused:
        return refused
    user = _authenticate(fake, headers)
    if isinstance(user, Answer):
        return user
    if user == _ANONYMOUS:  # IsAuthenticated: DRF's NotAuthenticated, a 403 (see _list_view)
        return _detail(403, _shape.NOT_AUTHENTICATED)
    if method in ("GET", "HEAD"):
        current = _shape.version_string(fake.version, fake.release)
        return _json_answer(
            200,
            {
                "version_current": current,
                "version_latest": current,
                "version_latest_valid": True,
                "build_hash": "",
                "outdated": False,
                "outpost_outdated": False,
            },
        )
    if method == "OPTIONS":
        return _not_emulated(method, "DRF's metadata")
    return _not_allowed(method)


def _authenticate(fake: FakeAuthentik, headers: Mapping[str, str]) -> str | Answer:
    """The request's user (:data:`_ADMIN`, :data:`_UNPRIVILEGED` or :data:`_ANONYMOUS`), or
    the 403 authentik's ``TokenAuthentication`` raises (``AuthenticationFailed``).

    No header, or a scheme without credentials, is no authentication (the anonymous
    user). Another scheme than ``Bearer`` fails with ``Unsupported authentication type``
    until 2025.12; from then it is left to the other authenticators, none of which takes
    it (:data:`~._shape.NON_BEARER_IGNORED_IN`). An unknown token: ``Token invalid/expired``.
    """
    header = headers.get("authorization", "").strip()
    if not header or " " not in header:
        return _ANONYMOUS
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer":
        if fake.release >= _shape.NON_BEARER_IGNORED_IN:
            return _ANONYMOUS
        return _detail(403, "Unsupported authentication type")
    if credentials == fake.unprivileged_token:
        return _UNPRIVILEGED
    if credentials != fake.token:
        return _detail(403, "Token invalid/expired")
    return _ADMIN


def _write(
    fake: FakeAuthentik, slug: str, body: bytes, headers: Mapping[str, str], *, partial: bool
) -> Answer:
    """``partial_update`` (PATCH) or ``update`` (PUT): look up, parse, validate, save."""
    if slug not in fake._sources:
        return _not_found(fake)
    data = _data(body, headers)
    if isinstance(data, Answer):
        return data
    try:
        changes = _drf.validate_patch(
            data,
            partial=partial,
            current_slug=slug,
            taken_slugs=fake._sources.keys(),
            flows=fake._flows.keys(),
            property_mappings=fake._property_mappings,
            release=fake.release,
        )
    except _drf.ValidationFailed as failed:
        return _json_answer(400, failed.body)
    source = fake._sources.pop(slug)
    source.update(changes)
    _shape.derive(source, fake.release)
    fake._sources[source["slug"]] = source
    return _json_answer(200, _shown(fake, source))


def _create(fake: FakeAuthentik, body: bytes, headers: Mapping[str, str]) -> Answer:
    """``create`` (list POST): the same validation as a PUT (``name``, ``slug`` and
    ``plex_token`` required), then a new source with the model's defaults: no flows (the
    model's foreign keys are nullable, without default), a random ``client_id`` (the
    model's default, ``generate_id()``: 40 letters and digits), the rest as
    :func:`~._shape.defaults`. 201 with the source; DRF adds no ``Location`` (the
    serializer has no ``url`` field).
    """
    data = _data(body, headers)
    if isinstance(data, Answer):
        return data
    try:
        fields = _drf.validate_patch(
            data,
            partial=False,
            current_slug="",
            taken_slugs=fake._sources.keys(),
            flows=fake._flows.keys(),
            property_mappings=fake._property_mappings,
            release=fake.release,
        )
    except _drf.ValidationFailed as failed:
        return _json_answer(400, failed.body)
    values = {
        **_shape.defaults(fake.release),
        "pk": str(uuid.uuid4()),
        "authentication_flow": None,
        "enrollment_flow": None,
        "client_id": "".join(secrets.choice(_ID_ALPHABET) for _ in range(40)),
        **fields,
    }
    source = {key: values[key] for key in fake._fields}
    _shape.derive(source, fake.release)
    fake._sources[source["slug"]] = source
    return _json_answer(201, _shown(fake, source))


def _data(body: bytes, headers: Mapping[str, str]) -> Any:
    """``request.data`` as DRF's ``Request._parse`` makes it, or the error answer.

    No body is no data, whatever the media type. Otherwise the ``Content-Type`` must match
    the JSON parser's ``application/json`` (:func:`~._conneg.matches_json`: case-insensitive,
    parameters ignored, ``*`` matching either type), else 415 naming the header's value
    as sent (``UnsupportedMediaType(request.content_type)``); the body is decoded with its
    charset (:func:`~._conneg.body_encoding`) and parsed as ``ORJSONParser`` does.
    """
    if not body:
        return {}
    content_type = headers.get("content-type", "")
    if not _conneg.matches_json(content_type):
        return _detail(415, f'Unsupported media type "{content_type}" in request.')
    try:
        return _json.parse(body, _conneg.body_encoding(content_type))
    except _json.ParseError as error:
        return _detail(400, error.detail)
    except LookupError:  # a codec that is not a text encoding: the parser raises, a 500
        return Answer(500, {"Content-Type": "text/html"}, SERVER_ERROR_PAGE)
