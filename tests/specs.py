"""The specs the tests check the code against: openapi.yaml (authentik 2024.8.2, as authentik
has it) and the spec generate.sh generates from (openapi.yaml with codegen/releases.yaml, then
codegen/spec-corrections.yaml, applied: every release's fields).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from codegen.apply_corrections import apply_corrections
from codegen.apply_releases import apply_releases, load_yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "authentik"

#: openapi.yaml, as authentik 2024.8.2 has it.
SPEC: dict[str, Any] = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
#: openapi.yaml with codegen/releases.yaml applied (authentik's facts only).
RELEASED: dict[str, Any] = apply_releases(SPEC, load_yaml(ROOT / "codegen" / "releases.yaml"))
#: What generate.sh feeds the generator: RELEASED corrected by codegen/spec-corrections.yaml.
GENERATED_FROM: dict[str, Any] = apply_corrections(
    RELEASED, load_yaml(ROOT / "codegen" / "spec-corrections.yaml")
)


def schema(spec: dict[str, Any], name: str) -> dict[str, Any]:
    """The component schema ``name`` of ``spec``."""
    found: dict[str, Any] = spec["components"]["schemas"][name]
    return found
