"""``plex-source fake`` (also ``python -m plex_source_client.testing``): a fake authentik in
the foreground, to try the command line or a script against without a real server.

It prints ``export AUTHENTIK_URL=...`` and ``export AUTHENTIK_TOKEN=...`` lines for a shell on
stdout, one line per request it answers on stderr, and stops on Ctrl-C or SIGTERM (exit 0).
"""

from __future__ import annotations

import contextlib
import shlex
import signal
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

from .._changes import MAX_PATH_SLUG, SLUG_PATTERN
from .._releases import Release, parse_release, slug_max_length
from .._text import shorten
from ._fake import DEFAULT_VERSION, FakeAuthentik
from ._server import Answer


class StartError(Exception):
    """The fake cannot start as asked (a bad slug or pk, a port in use): a usage error."""


class _Stop(BaseException):
    """Raised in the main thread by the SIGTERM handler: stop serving."""


class _LoggingFake(FakeAuthentik):
    """A :class:`FakeAuthentik` that writes one line per request answered."""

    def __init__(self, log: Callable[[str], Any], **options: Any) -> None:
        super().__init__(**options)
        self._log = log
        self._log_lock = threading.Lock()

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Answer:
        answer = super().handle(method, path, headers, body)
        status = str(answer.status) if answer.status else "dropped"
        with self._log_lock, contextlib.suppress(Exception):  # a broken stderr: no log
            self._log(f"fake authentik: {shorten(method)} {shorten(path, 200)} -> {status}\n")
        return answer


def _check_slug(slug: str, release: Release) -> str:
    longest = min(slug_max_length(release) or MAX_PATH_SLUG, MAX_PATH_SLUG)
    if len(slug) > longest or not SLUG_PATTERN.fullmatch(slug):
        raise StartError(
            f"--source {shorten(slug)}: a slug is 1 to {longest} letters, digits, '-' or '_'"
        )
    return slug


def _check_release(version: str) -> Release:
    try:
        return parse_release(version)
    except ValueError as exc:
        raise StartError(f"--authentik-version: {exc}") from None


def _check_pk(option: str, value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise StartError(f"{option} {shorten(value)}: not a UUID") from None


def start_fake(
    *,
    port: int = 0,
    sources: Sequence[str] = (),
    flows: Sequence[str] = (),
    property_mappings: Sequence[str] = (),
    log: Callable[[str], Any] | None = None,
    version: str = DEFAULT_VERSION,
    version_endpoint: bool = True,
) -> FakeAuthentik:
    """A running fake of authentik ``version`` with these sources (by slug; none: one,
    ``plex``), flows and property mappings, or :class:`StartError`.
    """
    if not 0 <= port <= 65535:
        raise StartError(f"--port {port}: a port is 0 (a free one) to 65535")
    release = _check_release(version)
    slugs = [_check_slug(slug, release) for slug in sources]
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if duplicates:
        raise StartError(f"--source given twice: {', '.join(duplicates)}")
    flow_pks = [_check_pk("--flow", flow) for flow in flows]
    mapping_pks = [_check_pk("--property-mapping", pk) for pk in property_mappings]
    initial = [{"slug": slug} for slug in slugs] if slugs else None
    fake = _LoggingFake(
        log or (lambda line: None),
        sources=initial,
        version=version,
        version_endpoint=version_endpoint,
    )
    for flow_pk in flow_pks:
        fake.add_flow(flow_pk)
    for mapping_pk in mapping_pks:
        fake.add_property_mapping(mapping_pk)
    try:
        return fake.start(port=port)
    except OSError as exc:
        raise StartError(
            f"cannot listen on 127.0.0.1:{port}: {shorten(exc.strerror or exc)}"
        ) from None


def serve_fake(
    *,
    port: int,
    sources: Sequence[str],
    flows: Sequence[str],
    property_mappings: Sequence[str],
    out: TextIO,
    err: TextIO,
    version: str = DEFAULT_VERSION,
    version_endpoint: bool = True,
) -> int:
    """Serve until Ctrl-C or SIGTERM; returns the exit code (0: stopped as asked; 2: could
    not start).
    """
    try:
        fake = start_fake(
            port=port,
            sources=sources,
            flows=flows,
            property_mappings=property_mappings,
            log=err.write,
            version=version,
            version_endpoint=version_endpoint,
        )
    except StartError as error:
        err.write(f"plex-source: {error}\n")
        return 2

    def stop(signum: int, frame: object) -> None:
        raise _Stop

    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, stop) if in_main_thread else None
    try:
        out.write(f"export AUTHENTIK_URL={shlex.quote(fake.url)}\n")
        out.write(f"export AUTHENTIK_TOKEN={shlex.quote(fake.token)}\n")
        out.flush()
        slugs = sorted(fake.sources)
        extra = sorted(str(pk) for pk in fake.flows if pk not in _default_flows(fake))
        err.write(
            f"plex-source: a fake authentik {fake.version} is serving at {fake.url} with "
            + _named("Plex source", slugs)
            + (f" and {_named('flow', extra)}" if extra else "")
            + "; its state lives in memory only. In another shell, run the two export lines "
            "above, then plex-source update or apply. Ctrl-C stops it.\n"
        )
        err.flush()
        while True:
            time.sleep(3600)
    except (KeyboardInterrupt, _Stop):
        pass
    finally:
        if in_main_thread:  # only the main thread may set handlers (and gets signals)
            signal.signal(signal.SIGTERM, previous)
        fake.stop()
    err.write("plex-source: the fake authentik stopped\n")
    return 0


def _named(noun: str, names: Sequence[str]) -> str:
    """``the Plex source plex``, ``the Plex sources a, b``."""
    return f"the {noun}{'s' if len(names) != 1 else ''} {', '.join(names)}"


def _default_flows(fake: FakeAuthentik) -> set[uuid.UUID]:
    return {fake.default_authentication_flow, fake.default_enrollment_flow}
