"""Settings from the environment, as authentik's Terraform provider reads them
(``AUTHENTIK_URL``, ``AUTHENTIK_TOKEN`` or ``AUTHENTIK_TOKEN_FILE``, ``AUTHENTIK_INSECURE``,
``AUTHENTIK_SERVER_VERSION``), and secrets read from files: bounded, cleaned, never shown.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any, Final

from .._errors import ConfigurationError
from .._secrets import MAX_SECRET_FILE_BYTES
from .._text import shown_path
from .shown import FLAG, shown_setting

_TRUE_WORDS: Final = frozenset({"1", "true", "yes", "on"})
_FALSE_WORDS: Final = frozenset({"", "0", "false", "no", "off"})


def env_flag(name: str, environ: Mapping[str, str]) -> bool:
    """A boolean environment variable (1/true/yes/on or 0/false/no/off, any case)."""
    value = environ.get(name, "").strip().lower()
    if value in _TRUE_WORDS:
        return True
    if value in _FALSE_WORDS:
        return False
    got = shown_setting(environ[name], FLAG)
    raise ConfigurationError(f"{name} must be true or false, got {got}")


def settings_from_env(
    environ: Mapping[str, str] | None = None, *, given: Mapping[str, object] = {}
) -> dict[str, Any]:
    """``url``, ``token`` and ``verify`` from authentik's Terraform provider variables.

    ``AUTHENTIK_URL``, ``AUTHENTIK_TOKEN`` (or ``AUTHENTIK_TOKEN_FILE``, a file holding it;
    both set is a ConfigurationError), ``AUTHENTIK_INSECURE`` (true: do not verify TLS
    certificates) and ``AUTHENTIK_SERVER_VERSION`` (the server's release, e.g. ``2025.12``;
    unset: learned from the server when needed). Settings in ``given`` are not looked up (and
    so need not be set): a ``token`` given wins over both variables.
    """
    env = os.environ if environ is None else environ
    settings: dict[str, Any] = {}
    if "verify" not in given:
        settings["verify"] = not env_flag("AUTHENTIK_INSECURE", env)
    if "url" not in given:
        settings["url"] = env.get("AUTHENTIK_URL", "").strip()
        if not settings["url"]:
            raise ConfigurationError("AUTHENTIK_URL is not set (e.g. https://auth.example.com)")
    if "token" not in given:
        settings["token"] = token_from_env(env)
    if "server_version" not in given and env.get("AUTHENTIK_SERVER_VERSION", "").strip():
        settings["server_version"] = env["AUTHENTIK_SERVER_VERSION"].strip()
    return settings


def clean_secret(text: str) -> str:
    """A secret as read from a file or variable: without a UTF-8 byte order mark (Windows
    editors add one) and without surrounding whitespace (the file's final newline).
    """
    return text.strip().removeprefix("\ufeff").strip()


def secret_from_bytes(data: bytes, shown: str) -> str:
    """The secret in ``data`` (read from ``shown``, a file or standard input, at most one byte
    past :data:`MAX_SECRET_FILE_BYTES`), cleaned; ConfigurationError, never showing the content,
    when there is too much or it is not UTF-8 text.
    """
    if len(data) > MAX_SECRET_FILE_BYTES:
        raise ConfigurationError(
            f"{shown} is larger than {MAX_SECRET_FILE_BYTES // 1024} KiB: refused"
        )
    try:
        secret = clean_secret(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigurationError(f"{shown} is not UTF-8 text") from None
    require_secret_alone(secret, shown)
    return secret


def require_secret_alone(secret: str, shown: str) -> None:
    """ConfigurationError, never showing ``secret``, when what ``shown`` (a file, a variable)
    holds is more than a secret: a variable's assignment (a .env line) or a quoted secret (a
    ``docker --env-file`` keeps the quotes). Sent as written, either fails as a 403 that
    never says why.
    """
    if _ASSIGNMENT.match(secret):
        raise ConfigurationError(
            f"{shown} holds a variable's assignment (NAME=value, as in a .env file), not a "
            "secret alone: write only the secret in it"
        )
    if len(secret) >= 2 and secret[0] == secret[-1] and secret[0] in "\"'":
        raise ConfigurationError(
            f"{shown} holds the secret in quotes, which would be sent as part of it: write "
            "the secret alone, without quotes"
        )


#: A line of a .env or shell file (``AUTHENTIK_TOKEN=...``, ``export TOKEN=...``) where a
#: secret alone belongs: sent as written, it fails as a 403 that never names the cause. Only
#: upper-case names, and a value that follows, so that base64 padding (``dGVzdA==``) is
#: no assignment.
_ASSIGNMENT: Final = re.compile(r"(?:export\s+)?[A-Z_][A-Z0-9_]*\s*=\s*[^=\s]")


def read_secret_file(path: str, shown: str | None = None) -> str:
    """The secret in the file ``path`` (see :func:`secret_from_bytes`); a huge file is not
    read whole, and a FIFO never blocks for long (:func:`.._files.read_bounded`: one with no
    writer reads as empty). ``shown``: how messages name the file (default: its path).
    """
    from .._files import read_bounded

    shown = path if shown is None else shown
    try:
        data = read_bounded(path, MAX_SECRET_FILE_BYTES)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        if os.path.lexists(path):  # a file on disk: its path is no secret
            raise ConfigurationError(f"cannot read {shown}: {reason}") from None
        raise ConfigurationError(f"cannot read the file: {reason} ({_unshown(path)})") from None
    return secret_from_bytes(data, shown)


def _unshown(path: str) -> str:
    """Why a path that does not exist is not shown, and the part of it that exists, if any.

    A secret pasted where its file's path goes (``AUTHENTIK_TOKEN_FILE=<the token>``, as a CI
    job maps its secret to the wrong variable) is such a path: quoted, the job's log would
    show the secret. A directory that exists on disk is no secret: naming the deepest one on
    the path still tells a mistyped path (``/run/secrets/tokn``) from a pasted secret.
    """
    directory = os.path.dirname(path)
    while directory and not os.path.isdir(directory):
        directory = os.path.dirname(directory)
    exists = f"; of its directories, {shown_path(directory)} exists" if directory else ""
    return f"its path is not shown, in case it is the secret itself{exists}"


def token_from_env(env: Mapping[str, str]) -> str:
    """The token of ``AUTHENTIK_TOKEN`` or the file ``AUTHENTIK_TOKEN_FILE`` names; both set
    is refused (which one was meant?): a token given explicitly is the way to choose.
    """
    token = clean_secret(env.get("AUTHENTIK_TOKEN", ""))
    require_secret_alone(token, "AUTHENTIK_TOKEN")
    token_file = env.get("AUTHENTIK_TOKEN_FILE", "").strip()
    if token and token_file:
        raise ConfigurationError(
            "AUTHENTIK_TOKEN and AUTHENTIK_TOKEN_FILE are both set; set only one"
        )
    if token_file:
        try:
            token = read_secret_file(token_file)
        except ConfigurationError as error:
            raise ConfigurationError(f"AUTHENTIK_TOKEN_FILE: {error}") from None
        if not token:
            raise ConfigurationError(f"AUTHENTIK_TOKEN_FILE: {token_file} is empty")
    if not token:
        raise ConfigurationError("AUTHENTIK_TOKEN (or AUTHENTIK_TOKEN_FILE) is not set")
    return token
