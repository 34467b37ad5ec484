"""The URLs a client is given, checked: authentik's URL as the API root (refusing any that
would leak the token or that httpx could not use), and a proxy's URL. Messages never show a
URL's credentials, even of a URL no parser takes.
"""

from __future__ import annotations

import ipaddress
from typing import Final
from urllib.parse import urlsplit, urlunsplit

import httpx

from .._errors import ConfigurationError
from .._secrets import mask_text, url_secrets, url_userinfo
from .._text import describe_type
from .shown import CONFIG_USERINFO, URL, described, quoted_url, shown_setting

API_PATH: Final = "/api/v3"


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _url_problem(exc: Exception, url: str, typed: str | None = None) -> str:
    """What a URL parser said about ``url``, without the URL's credentials (some messages
    quote the host part, ``user:password@host``); nothing of it when ``url`` does not look
    like a URL (a secret given the wrong setting: the parser quotes parts of it), but the
    description of :func:`.shown.shown_setting`. ``typed``: what the user gave, when ``url``
    was made of it (a proxy variable without a scheme gets ``http://``).
    """
    typed = url if typed is None else typed
    if not URL.looks(typed):
        return described(typed, URL)
    text = str(exc)
    start = CONFIG_USERINFO.match(url)
    if start is not None:
        userinfo = start.group()[len(start[1]) : -1]
        text = text.replace(userinfo, "***")
    return mask_text(text, url_secrets(url))


def _invalid(problem: str, url: str) -> str:
    """The message of an invalid ``url``: why, and the URL (:func:`.shown.shown_setting`),
    unless ``problem`` already describes it.
    """
    if not URL.looks(url):
        return f"url is not a valid URL: {problem}"
    return f"url is not a valid URL ({problem}): {shown_setting(url, URL)}"


def _refuse_split_credentials(url: str, where: str) -> None:
    """Refuse a URL whose credentials (read to the last ``@``, :func:`url_userinfo`) hold a
    ``/``, ``#`` or ``?``: a URL parser ends the host there, reads the password's start as a
    port (its error would quote it) or sends the request to the wrong host. Nothing of the
    URL or of a parser's message is quoted.
    """
    userinfo = url_userinfo(url)
    if userinfo and any(c in userinfo for c in "/#?"):
        raise ConfigurationError(
            f"{where} is not a usable URL: its credentials (before the last '@') hold a '/', "
            "'#' or '?', which ends the host part of a URL; percent-encode them (%2F, %23, %3F)"
        )


def api_base_url(url: str, *, allow_insecure_http: bool = False) -> str:
    """The API root for ``url``: the authentik root gets ``/api/v3`` appended; a URL already
    ending in ``/api/v3`` is kept. A trailing slash does not matter.

    Refuses URLs that would leak the token: credentials in the URL, and plain ``http://`` to a
    host other than this machine unless ``allow_insecure_http``. Any URL httpx could not use
    is a :class:`ConfigurationError` here, never an exception of its own later.
    """
    if not isinstance(url, str) or not url.strip():
        raise ConfigurationError("url must be the authentik URL, e.g. https://auth.example.com")
    # Each parser error is raised from outside its ``except``: its own message, which can
    # quote the URL's credentials, is not kept as the ConfigurationError's __context__.
    if url_userinfo(url.strip()) is not None:  # read as a careful reader does, before parsing
        raise ConfigurationError(
            "url must not contain credentials; pass the API token as token= instead",
            cli_message="the URL must not contain credentials; give the API token in "
            "AUTHENTIK_TOKEN, AUTHENTIK_TOKEN_FILE or --token-file instead",
        )
    problem = None
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
        if any(c.isspace() or not c.isprintable() for c in url.strip()):
            raise ValueError("it contains a space or a control character")
    except ValueError as exc:
        problem = _url_problem(exc, url)
    if problem is not None:
        raise ConfigurationError(_invalid(problem, url))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            "url must start with https:// (or http://) and name a host, got "
            + shown_setting(url, URL)
        )
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(
            "url must not contain credentials; pass the API token as token= instead",
            cli_message="the URL must not contain credentials; give the API token in "
            "AUTHENTIK_TOKEN, AUTHENTIK_TOKEN_FILE or --token-file instead",
        )
    _refuse_page_urls(parts.scheme, parts.netloc, parts.path.rstrip("/"))
    if parts.query or parts.fragment:
        # Not quoted: a query or fragment may carry a credential (``?X-Plex-Token=...``,
        # ``#access_token=...``) under any name.
        where = " and ".join(
            part for part, given in (("a query (?...)", parts.query), ("a fragment (#...)",
            parts.fragment)) if given
        )  # fmt: skip
        kept = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        raise ConfigurationError(
            f"url must not have a query or fragment: {shown_setting(kept, URL)} has {where}"
        )
    if parts.scheme == "http" and not allow_insecure_http and not _is_loopback(parts.hostname):
        refusing = f"refusing to send the API token in clear text to http://{parts.netloc}: "
        raise ConfigurationError(
            refusing + "use https://, or pass allow_insecure_http=True if this network is trusted",
            cli_message=refusing + "use https://, or give --allow-insecure-http if this network "
            "is trusted",
        )
    path = parts.path.rstrip("/")
    if not path.endswith(API_PATH):
        path += API_PATH
    base = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    try:
        # Its host decoded too: httpx reads an IDNA name (``xn--a.example``, no valid
        # punycode) only when a request is built, which then seemed to blame the slug.
        httpx.URL(base + "/").host  # noqa: B018 - read for its check
    except (httpx.InvalidURL, ValueError) as exc:
        problem = _url_problem(exc, url)
    if problem is not None:
        raise ConfigurationError(_invalid(problem, url))
    return base


def _refuse_page_urls(scheme: str, netloc: str, path: str) -> None:
    """Refuse the address of a page (the admin interface ``/if/admin/``, a flow, an API
    endpoint) pasted where authentik's root URL belongs: the API path would be appended to it
    and every request would end in a 404 that seems to blame the slug.
    """
    for marker, what in (("/if/", "an interface page"), (API_PATH + "/", "an API endpoint")):
        at = (path + "/").find(marker)
        if at == -1 or (marker != "/if/" and path.endswith(API_PATH)):
            continue
        root = urlunsplit((scheme, netloc, path[:at], "", ""))
        raise ConfigurationError(
            f"url is the address of {what} "
            f"({quoted_url(urlunsplit((scheme, netloc, path, '', '')))}), not authentik's root: "
            f"give {root} (or {root}{API_PATH})"
        )


def check_proxy(proxy: object, where: str = "proxy", typed: str | None = None) -> httpx.Proxy:
    """``proxy`` as an httpx.Proxy, or ConfigurationError (never showing its password, nor
    anything of a value that does not look like a URL). ``typed``: the text ``proxy`` was made
    of, when it is not ``proxy`` itself (a variable's ``host:port`` gets ``http://``).
    """
    if not isinstance(proxy, str | httpx.URL | httpx.Proxy):
        raise ConfigurationError(f"{where} must be a proxy URL, got {describe_type(proxy)}")
    if not isinstance(proxy, httpx.Proxy):
        _refuse_split_credentials(str(proxy), where)
    try:  # httpx.Proxy takes http://, https://, socks5:// and socks5h://
        checked = proxy if isinstance(proxy, httpx.Proxy) else httpx.Proxy(proxy)
    except (ValueError, httpx.InvalidURL) as exc:
        shown = _url_problem(exc, str(proxy), typed)
    else:
        port = checked.url.port
        if port is None or 0 < port <= 65535:
            return checked
        shown = f"port {port} is out of range 1-65535"  # httpx takes it, no socket would
        if not isinstance(proxy, httpx.Proxy) and not URL.looks(typed or str(proxy)):
            shown = described(typed or str(proxy), URL)
    # Raised here, not in the except: httpx's message is not kept as the __context__.
    raise ConfigurationError(f"{where} is not a usable proxy URL: {shown}")
