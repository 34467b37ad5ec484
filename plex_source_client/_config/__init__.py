"""The clients' configuration, checked once: the URL, the token, timeouts, retries, limits,
TLS, proxies, the environment's settings and secret files. No I/O but reading a token file.

Both clients check their options into one frozen :class:`~.settings.Settings` (a bad option
is a :class:`~plex_source_client.ConfigurationError` before anything else happens); the command
line reads the same environment variables and secret files through
:func:`~.environment.settings_from_env` and :func:`~.environment.read_secret_file`.

- :mod:`.settings`: each option checked, the defaults, and the frozen Settings;
- :mod:`.urls`: authentik's URL as the API root, and a proxy's URL, checked;
- :mod:`.environment`: the ``AUTHENTIK_*`` variables and secret files;
- :mod:`.shown`: a setting's value in an error, quoted only when it looks like one.

The names below are the ones the rest of the package and its tests use.
"""

from __future__ import annotations

from .environment import read_secret_file, secret_from_bytes, settings_from_env
from .settings import (
    DEFAULT_LIMITS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    USER_AGENT,
    NotGiven,
    Proxy,
    Settings,
    Timeout,
    Verify,
    check_timeout,
    finite_or_default,
)
from .urls import api_base_url, check_proxy

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "USER_AGENT",
    "NotGiven",
    "Proxy",
    "Settings",
    "Timeout",
    "Verify",
    "api_base_url",
    "check_proxy",
    "check_timeout",
    "finite_or_default",
    "read_secret_file",
    "secret_from_bytes",
    "settings_from_env",
]
