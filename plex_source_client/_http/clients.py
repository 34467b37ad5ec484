"""Each client's own httpx client: its transports, its proxies (the ``proxy`` option, or the
environment's, read as httpx reads them) and, for the sync client, the per-attempt deadline.
Used only when no ``http_client`` is given.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any, Final
from urllib.request import getproxies

import httpx

from .._config import USER_AGENT, Proxy, Settings, check_proxy
from .._errors import ConfigurationError
from .._secrets import Secret, mask_text, redact
from .._text import describe_type, shorten
from . import deadline
from .tls import verify_context
from .transports import async_transport

Mounts = dict[str, httpx.Proxy | None]
#: Where a redirect's Location httpx cannot read is kept (see :func:`keep_unreadable_location`).
UNREADABLE_LOCATION: Final = "plex_source_client.unreadable_location"


def _is_ip(host: str, kind: type[ipaddress.IPv4Address | ipaddress.IPv6Address]) -> bool:
    try:
        kind(host.split("/")[0])
    except ValueError:
        return False
    return True


def environment_proxies(proxies: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """The proxy for each URL pattern from ``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY`` and
    ``NO_PROXY`` (``proxies``: :func:`urllib.request.getproxies`' answer, by default read now),
    exactly as httpx's own ``get_environment_proxies`` reads them (private in httpx, so
    restated; tests/test_proxies.py compares the two). None: no proxy for that pattern.
    """
    return {
        pattern: None if typed is None else _with_scheme(typed)
        for pattern, typed in _environment_values(proxies).items()
    }


def _with_scheme(typed: str) -> str:
    """A proxy variable's value as a URL: ``host:port`` is ``http://host:port``, as in httpx."""
    return typed if "://" in typed else f"http://{typed}"


def _environment_values(proxies: Mapping[str, str] | None) -> dict[str, str | None]:
    """:func:`environment_proxies`, each proxy as its variable holds it (no scheme added)."""
    info = getproxies() if proxies is None else proxies
    mounts: dict[str, str | None] = {}
    for scheme in ("http", "https", "all"):
        if info.get(scheme):
            mounts[f"{scheme}://"] = info[scheme]
    for host in (part.strip() for part in info.get("no", "").split(",")):
        if host == "*":  # curl's NO_PROXY=*: never a proxy
            return {}
        if not host:
            continue
        if "://" in host:
            mounts[host] = None
        elif _is_ip(host, ipaddress.IPv4Address) or host.lower() == "localhost":
            mounts[f"all://{host}"] = None
        elif _is_ip(host, ipaddress.IPv6Address):
            mounts[f"all://[{host}]"] = None
        else:  # .example.com: its subdomains; example.com: it and its subdomains
            mounts[f"all://*{host}"] = None
    return mounts


def proxy_mounts(proxy: Proxy | None, token: Secret | None = None) -> Mounts:
    """Which proxy each URL pattern goes through: ``proxy`` for every URL when given, else
    the environment's (:func:`environment_proxies`). Each is checked (ConfigurationError,
    never showing its password, nor the API ``token`` pasted into it: as written, and
    lowercased, as httpx's URL parser quotes a scheme and a host).
    """
    try:
        return _proxy_mounts(proxy)
    except ConfigurationError as exc:
        if token is None:
            raise
        secret = token.reveal()
        shown = redact(str(exc), (secret, secret.lower()))
        if shown == str(exc):
            raise
    # Raised outside the handler: the error quoting the token is on no chain.
    raise ConfigurationError(shown)


def _proxy_mounts(proxy: Proxy | None) -> Mounts:
    """:func:`proxy_mounts` before its message is masked of the API token."""
    if proxy is not None:
        return {"all://": check_proxy(proxy)}
    return {
        pattern: _no_proxy(pattern)
        if typed is None
        else check_proxy(_with_scheme(typed), f"the proxy for {pattern} (environment)", typed)
        for pattern, typed in _environment_values(None).items()
    }


def _no_proxy(pattern: str) -> httpx.Proxy | None:
    """None: no proxy for ``pattern`` (a ``NO_PROXY`` entry's); ConfigurationError when
    httpx cannot read it as a URL pattern (an internationalised name, ``*b\u00fccher.example``:
    IDNA refuses its ``*``; a port that is no number): httpx would raise InvalidURL on
    making the client.
    """
    try:
        httpx.URL(pattern)
    except (httpx.InvalidURL, ValueError) as exc:
        raise ConfigurationError(
            f"NO_PROXY (environment) holds an entry httpx cannot read, as the pattern "
            f"{shorten(pattern)!r}: {shorten(str(exc))}; remove or correct it"
        ) from None
    return None


def proxy_secrets(mounts: Mounts) -> tuple[Secret, ...]:
    """The proxies' credentials (see :func:`_credential_secrets`)."""
    return tuple(
        secret
        for proxy in mounts.values()
        if proxy is not None and proxy.auth is not None
        for secret in _credential_secrets(*proxy.auth)
    )


def _credential_secrets(user: str, password: str) -> tuple[Secret, ...]:
    """A proxy's credentials as secrets: its password, the ``Proxy-Authorization: Basic``
    value carrying them, and its user name when that is the credential (no password: a
    proxy taking an API key as the user name, ``http://KEY:@proxy``) or is written like a
    token (a digit or mixed case, 8 characters or more).
    """
    import base64

    from .._secrets import MIN_ANYWHERE
    from .._secrets.words import written_like_a_token

    found = [password, base64.b64encode(f"{user}:{password}".encode()).decode()]
    if user and (not password or (len(user) >= MIN_ANYWHERE and written_like_a_token(user))):
        found.append(user)
    return tuple(Secret(value) for value in dict.fromkeys(found) if value)


def own_client_secrets(client: httpx.Client | httpx.AsyncClient) -> tuple[Secret, ...]:
    """The proxy credentials of a user's own ``http_client`` (``httpx.Client(proxy=
    "http://user:pw@proxy")``): httpx keeps them only in its transports' connection pools
    (httpcore's ``Proxy-Authorization`` header of an HTTP proxy, a SOCKS proxy's user and
    password), read here, if they are there, so that a proxy echoing them is masked as it is
    for the ``proxy`` option. Private attributes: tests/test_proxy_credentials_masked.py
    checks them on the httpx versions supported.
    """
    import base64
    import binascii

    found: list[Secret] = []
    for transport in deadline.client_transports(client):  # type: ignore[arg-type]
        pool = getattr(transport, "_pool", None)
        for name, value in getattr(pool, "_proxy_headers", None) or ():
            if bytes(name).lower() != b"proxy-authorization":
                continue
            scheme, _, encoded = bytes(value).decode("latin-1").partition(" ")
            found.append(Secret(encoded))
            if scheme.lower() == "basic":
                try:
                    user, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
                except (binascii.Error, UnicodeDecodeError):
                    continue
                found += _credential_secrets(user, password)
        auth = getattr(pool, "_proxy_auth", None)
        if isinstance(auth, tuple) and len(auth) == 2:
            user, password = (part.decode("utf-8", "replace") for part in auth)
            found += _credential_secrets(user, password)
    return tuple(dict.fromkeys(secret for secret in found if secret.reveal()))


class _NoCookies(httpx.Cookies):
    """A cookie jar that keeps nothing a server sets. authentik's API authenticates every
    request by its token, so a cookie does nothing for this client; kept, it would cost every
    answer the standard library's cookie parsing (some 20 µs, the largest single cost of a
    call after the socket) and send back whatever a server chose to set.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        """Keep nothing (see the class)."""


def _keep_no_cookies(client: httpx.Client | httpx.AsyncClient) -> None:
    """Give the client's own httpx client :class:`_NoCookies`. httpx has no option for it:
    its ``cookies`` setter copies into a plain jar, so the private ``_cookies`` (the same in
    httpx 0.27 to 0.29, tests/test_httpx_range.py) is set; any other shape is left alone.
    """
    if isinstance(getattr(client, "_cookies", None), httpx.Cookies):
        client._cookies = _NoCookies()


def keep_unreadable_location(response: httpx.Response) -> None:
    """A response hook: a redirect whose ``Location`` httpx cannot read as a URL (a bad port,
    ``https://sso:${PORT}/``; an unclosed ``[``) keeps it in its extensions
    (:data:`UNREADABLE_LOCATION`) instead of its headers. httpx builds the next request of
    every redirect, even one it does not follow, and raises RemoteProtocolError on such a
    Location: the answer would be taken for a broken connection, and a PATCH it answered sent
    again. Kept so, the redirect is the answer it is (UnexpectedStatus, never retried).
    """
    location = response.headers.get("Location")
    if location is None or not response.is_redirect:
        return
    try:
        url = httpx.URL(location)
        if url.is_relative_url:
            response.request.url.join(url)
    except (httpx.InvalidURL, ValueError):
        response.extensions[UNREADABLE_LOCATION] = location
        del response.headers["Location"]


async def keep_unreadable_location_async(response: httpx.Response) -> None:
    """:func:`keep_unreadable_location`, as the async client's hooks are."""
    keep_unreadable_location(response)


def check_own_client(http_client: object, kind: type[httpx.Client | httpx.AsyncClient]) -> None:
    """ConfigurationError unless ``http_client`` (a user's own) is an instance of ``kind``:
    ``httpx.Client`` for the sync client, ``httpx.AsyncClient`` for the async one.
    """
    if not isinstance(http_client, kind):
        raise ConfigurationError(
            f"http_client must be an httpx.{kind.__name__}, got {describe_type(http_client)}"
        )


def _made(make: Any, settings: Settings, secrets: tuple[Secret, ...]) -> Any:
    """``make()``, its setup errors (a SOCKS proxy without socksio, ...) as ConfigurationError."""
    known = (settings.token.reveal(), *(s.reveal() for s in secrets))
    try:
        return make()
    except ConfigurationError as exc:  # ours (the environment's CA bundle): the secrets masked
        shown = mask_text(str(exc), known)
        if shown == str(exc):
            raise
    except (ValueError, ImportError, httpx.InvalidURL) as exc:
        shown = "cannot set up the HTTP client: " + mask_text(str(exc), known)
    # Raised outside the handler: the error quoting a secret is on no chain.
    raise ConfigurationError(shown) from None


def sync_client(
    settings: Settings, proxy: Proxy | None, timeout: httpx.Timeout
) -> tuple[httpx.Client, tuple[Secret, ...]]:
    """The sync client's own httpx.Client, every pool under the attempt deadline, and the
    proxy secrets it holds.
    """
    mounts = proxy_mounts(proxy, settings.token)
    secrets = proxy_secrets(mounts)

    def make() -> tuple[httpx.Client, list[httpx.HTTPTransport | None]]:
        verify = verify_context(settings.verify)

        def transport(proxy: httpx.Proxy | None = None) -> httpx.HTTPTransport:
            return httpx.HTTPTransport(verify=verify, limits=settings.limits, proxy=proxy)

        main = transport()
        mounted = {p: None if url is None else transport(url) for p, url in mounts.items()}
        # Made here: httpx parses the mounts' patterns (a NO_PROXY entry it cannot read, an
        # internationalised host ``b\u00fccher.example``, raises InvalidURL), as the async
        # client's is.
        client = httpx.Client(
            transport=main, mounts=mounted, timeout=timeout, follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
            event_hooks={"response": [keep_unreadable_location]},
        )  # fmt: skip
        return client, [main, *mounted.values()]

    client, transports = _made(make, settings, secrets)
    deadline.install(transports)
    _keep_no_cookies(client)
    return client, secrets


def async_client(
    settings: Settings, proxy: Proxy | None, timeout: httpx.Timeout
) -> tuple[httpx.AsyncClient, tuple[Secret, ...]]:
    """The async client's own httpx.AsyncClient on sharded transports, and the proxy
    secrets it holds.
    """
    mounts = proxy_mounts(proxy, settings.token)
    secrets = proxy_secrets(mounts)

    def make() -> httpx.AsyncClient:
        def transport(proxy: httpx.Proxy | None = None) -> httpx.AsyncBaseTransport:
            return async_transport(verify=settings.verify, limits=settings.limits, proxy=proxy)

        return httpx.AsyncClient(
            transport=transport(),
            mounts={p: None if url is None else transport(url) for p, url in mounts.items()},
            timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT},
            event_hooks={"response": [keep_unreadable_location_async]},
        )  # fmt: skip

    client = _made(make, settings, secrets)
    _keep_no_cookies(client)
    return client, secrets
