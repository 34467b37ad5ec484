"""How an error shows the value a user gave a setting: quoted when it looks like what the
setting holds, so that the user sees which value was wrong; otherwise described by its length
("a 31-character value that is not a URL"), never quoted.

A CI job that maps its secret to the wrong variable (``AUTHENTIK_URL``, ``SSL_CERT_FILE`` or
``HTTPS_PROXY`` set to the API token, ``AUTHENTIK_URL`` and ``AUTHENTIK_TOKEN`` swapped) must
not get the secret printed by the check that refuses it: a token is no URL, no path, no number
and no release, so it is described. What is shown is still masked of the secrets known at
that point (the API token, a proxy's password), as a path or URL could hold one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from typing import Final, NamedTuple

from .._secrets import mask_userinfo, redact
from .._text import describe_type, shorten, shown_path

#: A URL's scheme and its slashes, as the user typed them: ``https://``, ``socks5h://``.
_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,30}://")
#: A host and what may follow it: a name of DNS labels or an IP address (``[::1]``), then a
#: port, a path or nothing. A hostname of one label (``authentik``) counts only with a port
#: (``authentik:9000``) or as ``localhost``: a token is one long label, and ``/`` is in
#: base64 tokens.
_HOST: Final = re.compile(
    r"(?:(?P<name>[A-Za-z0-9_-]{1,63}(?:\.[A-Za-z0-9_-]{1,63})*\.?)|\[[0-9A-Fa-f:.%]+\]?)"
    r"(?P<port>:[0-9]*)?(?:[/?#].*)?",
    re.S,
)
#: A number as a user writes one, with a unit perhaps: ``30``, ``-1``, ``1.5``, ``1e3``,
#: ``1,000``, ``30s``, ``1MiB``.
_NUMBER: Final = re.compile(r"[+-]?[0-9.,_]*[0-9][0-9.,_]*(?:[eE][+-]?[0-9]+)?\s*[A-Za-z]{0,3}")
#: A file name's extension (``ca.pem``, ``bundle.crt``): a short word after a dot.
_EXTENSION: Final = re.compile(r"[^/\\]+\.[A-Za-z0-9]{1,8}")


def looks_like_url(text: str) -> bool:
    """Whether ``text`` looks like a URL: it starts with a scheme and ``//`` (the user wrote
    one), or it is a host (``auth.example.com``, ``authentik:9000``, ``localhost``, an IP
    address) with a port or path perhaps, credentials (``user:pw@``) before it or not.
    """
    text = text.strip()
    if _SCHEME.match(text):
        return True
    authority = text.rpartition("@")[2] if "@" in text.partition("/")[0] else text
    match = _HOST.fullmatch(authority)
    if match is None:
        return False
    name = match["name"]
    return name is None or "." in name.rstrip(".") or bool(match["port"]) or name == "localhost"


def looks_like_path(text: str) -> bool:
    r"""Whether ``text`` looks like a file's path: it exists (a path on disk is no secret), it
    is absolute (``/``, ``~``, ``C:\``) or relative to ``.`` or ``..``, its first folder
    exists, or it ends in a file name with an extension (``ca.pem``). A base64 token holds
    ``/`` but none of these.
    """
    stripped = text.strip()
    if not stripped:
        return False
    if os.path.lexists(text) or stripped.startswith(("/", "~", "\\", "./", "../", ".\\")):
        return True
    if re.match(r"[A-Za-z]:[\\/]", stripped):
        return True
    first = re.split(r"[/\\]", stripped, maxsplit=1)
    return (len(first) == 2 and os.path.isdir(first[0])) or bool(
        _EXTENSION.fullmatch(re.split(r"[/\\]", stripped)[-1])
    )


def looks_like_number(text: str) -> bool:
    """Whether ``text`` looks like a number, a unit after it perhaps (``30s``): at most 20
    characters, digits first.
    """
    return len(text) <= 20 and bool(_NUMBER.fullmatch(text.strip()))


def looks_like_word(text: str) -> bool:
    """Whether ``text`` looks like a word a flag takes (``maybe``, ``enabled``): letters only,
    at most 8 of them.
    """
    return len(text.strip()) <= 8 and text.strip().isalpha()


#: A configured URL's start up to its credentials' end (its last ``@``, as
#: :func:`url_userinfo` reads it: a password may hold ``/``, ``#``, ``?`` or a space), with
#: or without a scheme and its slashes: ``https://user:pw@``, ``https:user:pw@``, ``user:pw@``.
CONFIG_USERINFO: Final = re.compile(r"^(\s*(?:[A-Za-z][A-Za-z0-9+.-]{0,30}:)?/{0,3})(?s:.*)@")


def quoted_url(url: str) -> str:
    """``url`` for a message: its credentials (``user:password@``) masked, even when the URL
    is invalid (a bad port or scheme, a space, a control character, no ``//``), then
    shortened.
    """
    return shorten(repr(mask_userinfo(CONFIG_USERINFO.sub(r"\1***@", url))))


class Kind(NamedTuple):
    """A kind of setting: whether a text looks like one of its values, its name in a
    description, and how such a value is quoted.
    """

    looks: Callable[[str], bool]
    name: str
    quote: Callable[[str], str] = lambda text: shorten(repr(text))


URL: Final = Kind(looks_like_url, "a URL", quoted_url)
PATH: Final = Kind(looks_like_path, "a path", shown_path)
NUMBER: Final = Kind(looks_like_number, "a number")
FLAG: Final = Kind(looks_like_word, "true or false")
#: A release is short (``2024.8.2``, ``2026.2.0-rc1``): a token is not.
RELEASE: Final = Kind(lambda text: len(text) <= 16, "an authentik release")


def described(text: str, kind: Kind) -> str:
    """``text``, which does not look like a ``kind`` value, described without quoting it."""
    return (
        f"a {len(text)}-character value that is not {kind.name} (not shown, in case it is private)"
    )


def shown_setting(value: object, kind: Kind, secrets: Iterable[str] = ()) -> str:
    """``value``, given a setting of ``kind``, for an error: a number as it is; a string that
    looks like a ``kind`` value quoted (a path whole, up to 1,024 characters; a URL's
    credentials masked), each secret of ``secrets`` in it masked first; any other string
    described (:func:`described`); another type by :func:`describe_type`.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return shorten(repr(value))
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        return describe_type(value)
    if not kind.looks(value):
        return described(value, kind)
    return kind.quote(redact(value, [s for s in secrets if s]))
