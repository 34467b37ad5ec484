"""How a user's typed code uses the public API: `mypy --strict` (scripts/check) must accept it.

Never run; tests/test_typing.py also shows that mistakes in such code fail to type-check.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import httpx

from plex_source_client import (
    APIError,
    AsyncPlexSourceClient,
    BadRequest,
    FieldChange,
    InvalidRequest,
    PlexSource,
    PlexSourceClient,
    PolicyEngineMode,
    RawResponse,
    SourceDiff,
    ThemedUrls,
    Unset,
    UserMatchingMode,
    compute_diff,
)


def script() -> PlexSource:
    with PlexSourceClient(url="https://auth.example.com", token="t0ken", timeout=10) as client:
        try:
            return client.update(
                "my-plex",
                name="Plex",
                new_slug="plex",
                promoted=True,
                icon="plex.svg",
                enabled=False,
                authentication_flow=None,
                enrollment_flow=uuid.uuid4(),
                user_property_mappings=[uuid.uuid4(), "0b6f0c1e-3e0a-4d7b-8a4f-2c1d9e8f7a6b"],
                group_property_mappings=[],
                policy_engine_mode=PolicyEngineMode.ANY,
                user_matching_mode="email_link",
                user_path_template="goauthentik.io/sources/%(slug)s",
                group_matching_mode="name_link",
                client_id="id",
                allowed_servers=["abc"],
                allow_friends=True,
                plex_token="plex",
                timeout=httpx.Timeout(5.0),
            )
        except InvalidRequest as error:
            problems: dict[str, list[str]] = error.errors
            raise SystemExit(str(problems)) from error
        except BadRequest as error:
            raise SystemExit(f"{error.status_code} {error.request_id} {error.errors}") from error


async def notebook() -> tuple[PlexSource, RawResponse]:
    async with AsyncPlexSourceClient.from_env(max_retries=5) as client:
        source = await client.update("my-plex", user_matching_mode=UserMatchingMode.IDENTIFIER)
        raw = await client.update_raw("my-plex", {"enabled": True})
        return source, raw


def config_driven(changes: dict[str, object]) -> str | None:
    with PlexSourceClient.from_env() as client:
        try:
            source = client.update_from_mapping("my-plex", changes)
        except APIError as error:
            return f"{error.method} {error.url}: {error.status_code}"
        return source.name


def report(source: PlexSource) -> list[str]:
    """Every field authentik 2024.8 sends is its plain type: no ``Unset`` to rule out first. A
    field 2025.12 added is ``X | Unset``: ruled out with ``isinstance(..., Unset)`` (or ``is
    UNSET``), after which it is its plain type.
    """
    lines = [f"{source.name} ({source.slug}): {source.client_id}"]
    if source.enabled:
        lines.append("enabled")
    for server in source.allowed_servers:
        lines.append(server.upper())
    servers: list[str] = source.allowed_servers
    enabled: bool = source.enabled and source.allow_friends
    # Every field 2024.8 sends is its plain type: no Unset to rule out.
    mappings: list[uuid.UUID] = source.user_property_mappings + source.group_property_mappings
    text: str = source.name + source.client_id + source.user_path_template + source.slug
    group_mode: str = source.group_matching_mode.value
    lines.append(text + group_mode)
    flow: uuid.UUID | None = source.authentication_flow or source.enrollment_flow
    mode: PolicyEngineMode = source.policy_engine_mode
    lines.append(f"{len(servers)} {enabled} {len(mappings)} {flow} {mode.value}")
    lines.append(source.user_matching_mode.value)
    promoted: bool = source.promoted is True  # UNSET before 2025.12
    themed: ThemedUrls | Unset | None = source.icon_themed_urls
    if isinstance(themed, ThemedUrls) and isinstance(themed.light, str):
        lines.append(themed.light)
    icon: str | None = source.icon
    lines.append(f"{promoted} {icon}")
    return lines


def read_before_write(wanted: dict[str, object]) -> list[str]:
    """get(), list() and diff() are typed: a PlexSource, an iterator of them, a SourceDiff."""
    with PlexSourceClient.from_env() as client:
        source: PlexSource = client.get("my-plex", timeout=5)
        sources: Iterator[PlexSource] = client.list(
            page_size=50, enabled=True, policy_engine_mode="all", search="eu", ordering="-name"
        )
        diff: SourceDiff = client.diff("my-plex", enabled=False, new_slug="plex-2")
        mapped: SourceDiff = client.diff_from_mapping("my-plex", wanted)
        change: FieldChange = diff.changes["enabled"]
        pure: SourceDiff = compute_diff(source, {"name": "x"})
        patch: dict[str, object] = diff.patch()
        return [s.slug for s in sources] + [change.display(), str(mapped), str(pure), str(patch)]


async def read_async() -> list[str]:
    async with AsyncPlexSourceClient.from_env() as client:
        source: PlexSource = await client.get("my-plex")
        diff: SourceDiff = await client.diff("my-plex", allow_friends=False)
        listed: AsyncIterator[PlexSource] = client.list(user_matching_mode="email_link")
        return [source.slug, str(diff.unchanged)] + [s.slug async for s in listed]
