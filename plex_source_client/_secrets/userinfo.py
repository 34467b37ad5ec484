"""URL credentials (``scheme://user:password@``) read and masked as a careful reader finds
them, and other code's texts (log records) masked of known secrets and URL credentials only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from .escapes import _ESCAPES, _unescape
from .known import redact
from .secret import MASK

#: ``scheme://user:password@``: a URL's credentials (userinfo), whatever the scheme and even
#: when the rest of the URL is invalid (a bad port, a space, a control character).
#: The credentials run to the LAST ``@`` before the URL's end (its first whitespace), as a
#: careful reader takes them: a password may hold ``/``, ``#`` or ``?``, where a URL parser
#: (and a pattern stopping there) would end the host and show the rest.
_USERINFO: Final = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]{0,30}://)\S{0,512}@")
#: A URL's start up to where its credentials begin: optional spaces, a scheme and its
#: slashes (``https://``, ``https:``, ``//``, or nothing: ``user:pw@host``).
_URL_START: Final = re.compile(r"\s*(?:[A-Za-z][A-Za-z0-9+.-]{0,30}:)?/{0,3}")


def url_userinfo(url: str) -> str | None:
    """The credentials (``user:password``) of a configured ``url`` (one value, read whole) as
    a careful reader finds them: everything between the scheme's ``//`` and the LAST ``@``,
    spaces included (a pasted password may hold one). None when there is no ``@`` after the
    scheme. A URL parser ends the host at the first ``/``, ``#`` or ``?`` instead, and so
    reads part of a password as a port or a path. In free text, :func:`mask_userinfo` ends
    a URL at its first whitespace.
    """
    url = url.strip()
    start = _URL_START.match(url)
    rest = url[start.end() if start else 0 :]
    at = rest.rfind("@")
    return rest[:at] if at > 0 else None


def url_secrets(url: str) -> tuple[str, ...]:
    """The secrets in ``url``'s credentials (see :func:`url_userinfo`): the whole userinfo,
    the password, and the password's parts between ``/``, ``#``, ``?``, ``:`` and ``@`` (what
    a URL parser quotes as a "port" or a host). Empty when the URL has none.
    """
    userinfo = url_userinfo(url)
    if not userinfo:
        return ()
    found = [userinfo]
    _, colon, password = userinfo.partition(":")
    if colon and password:
        found.append(password)
        found += [part for part in re.split(r"[/?#:@]", password) if part]
    return tuple(dict.fromkeys(found))


def mask_userinfo(text: str) -> str:
    """``text`` with the credentials of every URL in it masked (``https://***@host``)."""
    if "@" not in text:
        return text
    return _USERINFO.sub(lambda m: f"{m['scheme']}{MASK}@", text)


def mask_known(text: str, secrets: Iterable[str]) -> str:
    """``text`` with the known ``secrets`` (see :func:`redact`) and URL credentials masked,
    nothing else: as written, or, when an escaped form (``%74ok...``) hides a secret, decoded
    and masked. For texts that are not ours to rewrite (other code's log records).
    """
    secrets = tuple(secrets)
    masked = mask_userinfo(redact(text, secrets))
    if _ESCAPES.search(masked):
        decoded = _unescape(masked)
        redacted = redact(decoded, secrets)
        if redacted != decoded:
            return redacted
    return masked
