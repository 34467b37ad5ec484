"""The httpx versions the package supports: pyproject.toml's bounds are the tested range.

The lowest (0.27.0: its Client takes ``proxy=``, its pools take the attempt deadline) and
the newest release (0.29.0 when this was written) run the client tests
(tests/test_client_*.py, test_faults.py, test_proxies.py, test_sync_name_resolution.py,
test_cookies_kept.py); the
only code touching httpx's internals is plex_source_client/_http/, and where they have another
shape it falls back to public behaviour (tests/test_client_config.py checks the deadline
backend is installed on the httpx at hand). The upper bound is the next major version, not
the newest minor one: a user need not wait for a release of this package to get httpx's.
"""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The lowest httpx the client tests pass on, and the newest they were run on.
LOWEST = (0, 27, 0)
NEWEST_TESTED = (0, 29, 0)
#: Below the next major version: httpx 1.0 is a new API.
BELOW = (1,)
#: Where httpx's internals may be touched (and nowhere else in the package).
INTERNALS = re.compile(
    r"httpx\._(?!_)|\._pool\b|\._mounts\b|\._network_backend\b|\._transport\b|\._cookies\b"
)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _httpx_requirement() -> str:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (requirement,) = [r for r in pyproject["project"]["dependencies"] if r.startswith("httpx")]
    return str(requirement)


def test_pyproject_bounds_are_the_tested_range() -> None:
    lower, upper = _httpx_requirement().removeprefix("httpx").split(",")
    assert lower.startswith(">=")
    assert _version(lower) == LOWEST
    assert upper.startswith("<")
    assert _version(upper) == BELOW
    assert LOWEST <= NEWEST_TESTED < BELOW


def test_the_installed_httpx_is_in_the_range() -> None:
    assert LOWEST <= _version(importlib.metadata.version("httpx")) < BELOW


def test_only_the_http_package_touches_httpx_internals() -> None:
    package = ROOT / "plex_source_client"
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if "_generated" not in path.parts and "_http" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if INTERNALS.search(line.split("#")[0])
    ]
    assert found == []
    assert INTERNALS.search("pool._network_backend = backend")  # the check can fail
