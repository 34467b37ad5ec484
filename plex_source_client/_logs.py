"""Keeping the secrets of live clients out of the HTTP libraries' log records.

httpx logs each request at INFO (``HTTP Request: GET ... "HTTP/1.1 404 <reason phrase>"``) and
httpcore every response header at DEBUG. A server that
echoes the API token in a reason phrase, a ``Location`` or a ``Set-Cookie`` header would put it
in the user's logs. :class:`SecretsFilter`, installed on those libraries' loggers, masks in each
record (its message formatted with its arguments, and any traceback) every secret a live
client holds, and the secrets of calls running now (a Plex token being sent). Records without
one are left as they are; records of other code's requests are only ever masked.

The secrets are held in a registry keyed weakly by their owner (a client, a call): a client
closed, or collected, drops its secrets. The registry is shared by threads and event loops, so
it is guarded by a lock; the filter reads a snapshot, rebuilt only when the registry changes.
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Final

from ._secrets import mask_record

#: The loggers the filter is installed on (and any existing logger below ``httpcore.``):
#: httpx's, httpcore's (one per module: a logger's filters see only its own records, not
#: those its children pass up), and hpack's, which an ``http_client`` of the user's with
#: HTTP/2 on (``httpx.Client(http2=True)``, the ``h2`` package) uses: at DEBUG it logs each
#: header it decodes, name and value, an answer's echo of a token included.
LOGGERS: Final = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
    "hpack",
    "hpack.hpack",
    "hpack.table",
)
_PREFIXES: Final = ("httpx.", "httpcore.", "hpack.")

#: The most secrets one owner's answers add (see :func:`add`): a client that lists thousands
#: of sources keeps the filter's work bounded; the tokens learned last are kept.
MAX_LEARNED: Final = 4096

_lock = threading.Lock()
_owners: weakref.WeakKeyDictionary[object, frozenset[str]] = weakref.WeakKeyDictionary()
#: Secrets an owner's answers stored (see :func:`add`), oldest first.
_learned: weakref.WeakKeyDictionary[object, dict[str, None]] = weakref.WeakKeyDictionary()
#: The Plex tokens an owner's PATCHes sent (see :func:`add`), apart from those its answers
#: stored: only the owner's own calls add to them, so no answer can push one out.
_sent: weakref.WeakKeyDictionary[object, dict[str, None]] = weakref.WeakKeyDictionary()


def register(owner: object, secrets: tuple[str, ...]) -> None:
    """Mask ``secrets`` in the HTTP libraries' records while ``owner`` lives (or until
    :func:`unregister`), and make sure the filter is installed.
    """
    with _lock:
        _owners[owner] = frozenset(s for s in secrets if s)
    install()


def add(owner: object, secrets: tuple[str, ...], *, sent: bool = False) -> None:
    """Mask ``secrets`` too while ``owner`` (already registered, so still open) lives: the
    Plex tokens its answers stored, or (``sent``) its PATCHes sent, which a later answer (of
    another call, a concurrent one too) may repeat. Each kind is bounded by
    :data:`MAX_LEARNED` (the oldest go first), apart: an answer storing thousands of
    "secrets" pushes out earlier answers' tokens, never one the owner sent; its own secrets
    always stay.
    """
    table = _sent if sent else _learned
    known = table.get(owner)  # a read without the lock: the common case, nothing new
    if known is not None and all(secret in known for secret in secrets):
        return
    new = [s for secret in secrets for s in (secret, secret.strip()) if s]
    with _lock:
        if owner not in _owners:
            return
        learned = table.setdefault(owner, {})
        if all(s in learned for s in new):
            return
        learned.update(dict.fromkeys(new))
        if len(learned) > MAX_LEARNED:  # the last ones kept, in one step (deleting the first
            # one by one walked the deleted slots each time: quadratic in an answer's values)
            kept = list(learned)[-MAX_LEARNED:]
            learned.clear()
            learned.update(dict.fromkeys(kept))


def learned(owner: object) -> tuple[str, ...]:
    """The secrets ``owner``'s answers stored or its PATCHes sent (see :func:`add`), oldest
    first: a later answer's error may repeat them too (a 400 quoting a token an earlier GET
    returned, or another call sent).
    """
    with _lock:
        return (*_sent.get(owner, ()), *_learned.get(owner, ()))


def unregister(owner: object) -> None:
    """Stop masking ``owner``'s secrets (a client closed, a call ended)."""
    with _lock:
        _owners.pop(owner, None)
        _learned.pop(owner, None)
        _sent.pop(owner, None)


def live_secrets() -> tuple[str, ...]:
    """Every secret registered by an owner still alive, or learned from its answers (sorted:
    a stable cache key).
    """
    with _lock:
        every = (*_owners.values(), *_learned.values(), *_sent.values())
        return tuple(sorted(frozenset().union(*every)))


class SecretsFilter(logging.Filter):
    """Masks the live secrets, the values of secret-named keys and headers (``X-Plex-Token``,
    ``plex_token=...`` in a reason phrase) and URL credentials in a record; never drops one.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = live_secrets()
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a record that cannot be formatted is logging's to report
            return True
        masked = mask_record(message, secrets)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            if mask_record(text, secrets) != text:
                record.exc_text, record.exc_info = mask_record(text, secrets), None
        elif record.exc_text:
            record.exc_text = mask_record(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = mask_record(record.stack_info, secrets)
        return True


_FILTER: Final = SecretsFilter()


def install() -> None:
    """Put the filter on the HTTP libraries' loggers, once each (loggers made since the last
    call are found too).
    """
    names = set(LOGGERS)
    names.update(
        name for name in list(logging.Logger.manager.loggerDict) if name.startswith(_PREFIXES)
    )
    for name in names:
        target = logging.getLogger(name)
        if _FILTER not in target.filters:
            target.addFilter(_FILTER)
