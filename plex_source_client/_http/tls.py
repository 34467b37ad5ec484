"""The TLS context of ``verify=True``, loaded once per process and shared by every client.

Loading the CA bundle (httpx's :func:`httpx.create_ssl_context`: ``SSL_CERT_FILE``,
``SSL_CERT_DIR`` or certifi's bundle) costs ~35 ms of CPU, more than most calls: paid per
client, it made each short-lived client (a script's, a test's) slow to build. An
:class:`ssl.SSLContext` may be shared by any number of connections and threads once set up
(httpx shares one per transport, and advises sharing one); nothing here changes it after.
The context is keyed by the variables it was loaded from, so setting ``SSL_CERT_FILE`` or
``SSL_CERT_DIR`` later still takes effect for the clients made after.

A bad variable is the user's configuration, not a bug: a path that does not exist, or is not
a regular file (``SSL_CERT_FILE``) or a directory (``SSL_CERT_DIR``), is refused before
OpenSSL opens it (a FIFO would block its ``open()`` for good), and a file OpenSSL cannot load
(no certificate in it) is a :class:`ConfigurationError` naming the variable and the path.
"""

from __future__ import annotations

import os
import ssl
import threading

import httpx

from .._config.shown import PATH, shown_setting
from .._errors import ConfigurationError
from .._files import not_a_directory, not_a_file

_contexts: dict[tuple[str | None, str | None], ssl.SSLContext] = {}
_lock = threading.Lock()


def verify_context(verify: bool | ssl.SSLContext) -> bool | ssl.SSLContext:
    """What a transport gets for ``verify``: for True, the shared context of the current
    ``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` (loaded on first use); anything else as it is
    (False costs nothing to set up; a context is the caller's own).
    """
    if verify is not True:
        return verify
    key = (os.environ.get("SSL_CERT_FILE") or None, os.environ.get("SSL_CERT_DIR") or None)
    with _lock:
        context = _contexts.get(key)
        if context is None:
            context = _contexts[key] = _load(*key)
        return context


def _load(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    """The context httpx makes for ``verify=True`` (``SSL_CERT_FILE`` first, as httpx reads
    them), the variable it comes from checked first; ConfigurationError when it is unusable.
    """
    if cafile:
        what = f"SSL_CERT_FILE: cannot load CA bundle {shown_setting(cafile, PATH)}"
        problem = not_a_file(cafile)
    elif capath:
        what = f"SSL_CERT_DIR: cannot load CA directory {shown_setting(capath, PATH)}"
        problem = not_a_directory(capath)
    else:  # certifi's bundle
        return httpx.create_ssl_context(verify=True)
    if problem is not None:
        raise ConfigurationError(f"{what}: {problem}")
    try:
        return httpx.create_ssl_context(verify=True)
    except (OSError, ssl.SSLError, ValueError) as exc:
        raise ConfigurationError(f"{what}: {exc}") from None
