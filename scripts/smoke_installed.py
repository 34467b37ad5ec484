"""Smoke test of an installed (non-editable) plex-source-client; run by scripts/check-packaging.

Usage: python -I smoke_installed.py VENV. Run with -I from outside the source tree, so that only
the installed copy can be imported.
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata, resources
from pathlib import Path


def main() -> None:
    venv = Path(sys.argv[1])
    import plex_source_client
    from plex_source_client._generated.api.sources import sources_plex_partial_update
    from plex_source_client._generated.models import PatchedPlexSourceRequest, PlexSource

    location = Path(plex_source_client.__file__).resolve()
    assert "site-packages" in location.parts, f"imported from {location}, not the wheel"
    package = resources.files("plex_source_client")
    assert package.joinpath("py.typed").is_file(), "py.typed is not in the wheel"
    assert package.joinpath("_generated", "README.md").is_file(), "generated code missing"
    assert package.joinpath("cli", "main.py").is_file(), "the command line's subpackage missing"
    scripts = {ep.name: ep.value for ep in metadata.entry_points(group="console_scripts")}
    assert scripts.get("plex-source") == "plex_source_client.cli:main", scripts
    assert callable(sources_plex_partial_update.sync_detailed)
    assert PatchedPlexSourceRequest(enabled=False).to_dict() == {"enabled": False}
    assert "pk" in PlexSource.__annotations__

    assert metadata.version("plex-source-client") == plex_source_client.__version__
    runtime = [r for r in metadata.requires("plex-source-client") or [] if "extra ==" not in r]
    requires = sorted(re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0] for r in runtime)
    expected_requires = ["attrs", "httpcore", "httpx", "sniffio"]
    assert requires == expected_requires, f"runtime dependencies are {requires}"

    cli = subprocess.run(
        [str(venv / "bin" / "plex-source"), "--version"], capture_output=True, text=True, check=True
    )
    expected = (
        f"plex-source-client {plex_source_client.__version__} (spec: authentik API 2024.8.2; "
        "serves authentik 2024.8 to 2026.x)"
    )
    assert cli.stdout.strip() == expected, cli.stdout
    demo = subprocess.run(
        [str(venv / "bin" / "plex-source"), "demo"], capture_output=True, text=True, check=True
    )
    assert "5 fields changed" in demo.stdout, demo.stdout
    plugins = [ep.value for ep in metadata.entry_points(group="pytest11")]
    assert "plex_source_client.testing.pytest_plugin" in plugins, plugins
    print(f"installed wheel OK: {location.parent}")


if __name__ == "__main__":
    main()
