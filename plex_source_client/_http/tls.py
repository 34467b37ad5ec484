"""The TLS context of ``verify=True``, loaded once per process and shared by every client.

Loading the CA bundle (httpx's :func:`httpx.create_ssl_context`: ``SSL_CERT_FILE``,
``SSL_CERT_DIR`` or certifi's bundle) costs ~35 ms of CPU, more than most calls: paid per
client, it made each short-lived client (a script's, a test's) slow to build. An
:class:`ssl.SSLContext` may be shared by any number of connections and threads once set up
(httpx shares one per transport, and advises sharing one); nothing here changes it after.
The context is keyed by the variables it was loaded from, so setting ``SSL_CERT_FILE`` or
``SSL_CERT_DIR`` later still takes effect for the clients made after.
"""

from __future__ import annotations

import os
import ssl
import threading

import httpx

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
            context = _contexts[key] = httpx.create_ssl_context(verify=True)
        return context
