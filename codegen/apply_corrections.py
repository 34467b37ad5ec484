"""Apply codegen/spec-corrections.yaml to openapi.yaml, for ./generate.sh.

It writes the corrected copy the generator reads::

    python codegen/apply_corrections.py openapi.yaml codegen/spec-corrections.yaml OUT.yaml

Only the subset of the OpenAPI Overlay Specification 1.0.0 the corrections file documents is
understood: actions targeting ``$.components.schemas.<Name>`` whose ``update`` holds only
``required``, each name a property of that schema not yet required; and actions targeting
``$.components.schemas.<Name>.properties.<property>`` whose ``update`` is only
``nullable: true``, for a property not nullable yet. Anything else is refused (exit status 2),
so a correction can never change more than it says.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import yaml

_TARGET_PREFIX = "$.components.schemas."


class CorrectionError(ValueError):
    """The corrections file asks for something this applier does not do."""


def load_yaml(path: Path) -> dict[str, Any]:
    """The YAML mapping in ``path``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise CorrectionError(f"{path}: expected a YAML mapping")
    return data


def apply_corrections(spec: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """A corrected copy of ``spec``; ``spec`` itself is left as it was."""
    if overlay.get("overlay") != "1.0.0" or not isinstance(overlay.get("actions"), list):
        raise CorrectionError("expected an overlay 1.0.0 document with a list of actions")
    corrected = copy.deepcopy(spec)
    schemas = corrected["components"]["schemas"]
    for action in overlay["actions"]:
        target = action.get("target", "")
        name = target.removeprefix(_TARGET_PREFIX)
        if target.startswith(_TARGET_PREFIX) and name.count(".") == 2:
            _make_nullable(schemas, target, name, action)
            continue
        if not target.startswith(_TARGET_PREFIX) or name not in schemas:
            raise CorrectionError(f"unsupported target {target!r}: expected {_TARGET_PREFIX}<Name>")
        if set(action) - {"target", "description", "update"}:
            raise CorrectionError(f"{target}: only target, description and update are supported")
        update = action.get("update")
        if not isinstance(update, dict) or set(update) != {"required"}:
            raise CorrectionError(f"{target}: update may only hold `required`")
        schema = schemas[name]
        required: list[str] = schema.setdefault("required", [])
        for field in update["required"]:
            if field not in schema.get("properties", {}):
                raise CorrectionError(f"{target}: {field!r} is not a property of {name}")
            if field in required:
                raise CorrectionError(f"{target}: {field!r} is required already")
            required.append(field)
    return corrected


def _make_nullable(schemas: dict[str, Any], target: str, path: str, action: dict[str, Any]) -> None:
    """``nullable: true`` on the property ``path`` (``<Name>.properties.<property>``)."""
    name, middle, prop = path.split(".")
    properties = schemas.get(name, {}).get("properties", {})
    if middle != "properties" or prop not in properties:
        raise CorrectionError(f"unsupported target {target!r}: no such property")
    if set(action) - {"target", "description", "update"}:
        raise CorrectionError(f"{target}: only target, description and update are supported")
    if action.get("update") != {"nullable": True}:
        raise CorrectionError(f"{target}: a property's update may only be `nullable: true`")
    if properties[prop].get("nullable"):
        raise CorrectionError(f"{target}: {prop!r} is nullable already")
    properties[prop]["nullable"] = True


def main(argv: list[str]) -> int:
    """SPEC CORRECTIONS OUT: write SPEC with CORRECTIONS applied to OUT; 2 on a refusal."""
    if len(argv) != 3:
        sys.stderr.write(__doc__ or "")
        return 2
    spec_path, overlay_path, out_path = map(Path, argv)
    try:
        corrected = apply_corrections(load_yaml(spec_path), load_yaml(overlay_path))
    except CorrectionError as error:
        sys.stderr.write(f"apply_corrections: {overlay_path}: {error}\n")
        return 2
    out_path.write_text(
        yaml.safe_dump(corrected, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
