"""Apply codegen/releases.yaml to openapi.yaml, for ./generate.sh; and see the result as of a
release (:func:`spec_at`), for the tests that check it against authentik's own schemas.

::

    python codegen/apply_releases.py openapi.yaml codegen/releases.yaml OUT.yaml

Only the subset of the OpenAPI Overlay Specification 1.0.0 that releases.yaml documents is
understood: new schemas (target ``$.components.schemas``), new properties each marked with
``x-authentik-added-in`` (target ``$.components.schemas.<Name>.properties``), and
``x-authentik-*`` marks on an existing property (target ``...properties.<property>``). A new
property may say which one it follows (``x-authentik-after``), so that the result lists
properties in the order authentik's serializer sends them.
Anything else is refused (exit status 2): the file can only add what a release added.
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ADDED_IN = "x-authentik-added-in"
READ_ONLY_UNTIL = "x-authentik-read-only-until"
MAX_LENGTH_UNTIL = "x-authentik-max-length-until"
MARKS = (ADDED_IN, READ_ONLY_UNTIL, MAX_LENGTH_UNTIL)
#: On a new property: the property it follows in the serializer (and so in authentik's schema
#: and answers); without it, a new property goes last. Used here, not kept in the result.
AFTER = "x-authentik-after"
_SCHEMAS = "$.components.schemas"
_RELEASE = re.compile(r"20\d\d\.\d{1,2}\.\d{1,4}")


class ReleasesError(ValueError):
    """The releases file asks for something this applier does not do."""


Release = tuple[int, int, int]


def release(text: str) -> Release:
    """``"2025.12.2"`` as ``(2025, 12, 2)``."""
    if not isinstance(text, str) or not _RELEASE.fullmatch(text):
        raise ReleasesError(f"{text!r} is not a release written YEAR.MONTH.PATCH")
    year, month, patch = (int(part) for part in text.split("."))
    return (year, month, patch)


def load_yaml(path: Path) -> dict[str, Any]:
    """The YAML mapping in ``path``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ReleasesError(f"{path}: expected a YAML mapping")
    return data


def _check_marks(where: str, marks: dict[str, Any]) -> None:
    for key, value in marks.items():
        if key not in MARKS:
            raise ReleasesError(f"{where}: {key!r} is not one of {', '.join(MARKS)}")
        release(value)


def apply_releases(spec: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` with every release's additions; ``spec`` itself is left as it was."""
    if overlay.get("overlay") != "1.0.0" or not isinstance(overlay.get("actions"), list):
        raise ReleasesError("expected an overlay 1.0.0 document with a list of actions")
    result = copy.deepcopy(spec)
    schemas: dict[str, Any] = result["components"]["schemas"]
    for action in overlay["actions"]:
        target = action.get("target", "")
        if set(action) - {"target", "description", "update"}:
            raise ReleasesError(f"{target}: only target, description and update are supported")
        update = action.get("update")
        if not isinstance(update, dict) or not update:
            raise ReleasesError(f"{target}: update must be a non-empty mapping")
        parts = (
            target.removeprefix(_SCHEMAS).split(".")[1:] if target.startswith(_SCHEMAS) else None
        )
        if parts == []:  # new schemas
            for name, schema in update.items():
                if name in schemas:
                    raise ReleasesError(f"{target}: {name!r} exists already")
                if not isinstance(schema, dict) or ADDED_IN not in schema:
                    raise ReleasesError(f"{target}: new schema {name!r} needs {ADDED_IN}")
                release(schema[ADDED_IN])
                schemas[name] = copy.deepcopy(schema)
        elif parts and len(parts) == 2 and parts[1] == "properties" and parts[0] in schemas:
            properties = schemas[parts[0]].setdefault("properties", {})
            for name, schema in update.items():
                if name in properties:
                    raise ReleasesError(f"{target}: {name!r} exists already")
                if not isinstance(schema, dict) or ADDED_IN not in schema:
                    raise ReleasesError(f"{target}: new property {name!r} needs {ADDED_IN}")
                schema = copy.deepcopy(schema)
                after = schema.pop(AFTER, None)
                _check_marks(
                    f"{target}.{name}", {k: v for k, v in schema.items() if k.startswith("x-")}
                )
                if after is None:
                    properties[name] = schema
                    continue
                if after not in properties:
                    raise ReleasesError(f"{target}.{name}: {AFTER} {after!r} is no property")
                items = list(properties.items())
                index = [key for key, _ in items].index(after) + 1
                items.insert(index, (name, schema))
                properties.clear()
                properties.update(items)
        elif (
            parts
            and len(parts) == 3
            and parts[1] == "properties"
            and parts[2] in schemas.get(parts[0], {}).get("properties", {})
        ):
            prop = schemas[parts[0]]["properties"][parts[2]]
            _check_marks(target, update)
            for key in update:
                if key in prop:
                    raise ReleasesError(f"{target}: {key!r} is marked already")
            prop.update(update)
        else:
            raise ReleasesError(
                f"unsupported target {target!r}: expected {_SCHEMAS}, {_SCHEMAS}.<Name>.properties"
                f" or {_SCHEMAS}.<Name>.properties.<property> of an existing schema"
            )
    return result


def spec_at(spec: dict[str, Any], at: Release) -> dict[str, Any]:
    """``spec`` (with releases applied) as of release ``at``: what it lacks removed (from
    ``properties`` and ``required``), limits it dropped removed, and the marks themselves.
    """
    result = copy.deepcopy(spec)
    schemas: dict[str, Any] = result["components"]["schemas"]
    for name in list(schemas):
        schema = schemas[name]
        if ADDED_IN in schema and at < release(schema.pop(ADDED_IN)):
            del schemas[name]
            continue
        properties = schema.get("properties", {})
        for prop_name in list(properties):
            prop = properties[prop_name]
            added = prop.pop(ADDED_IN, None)
            if added is not None and at < release(added):
                del properties[prop_name]
                if prop_name in schema.get("required", []):
                    schema["required"].remove(prop_name)
                continue
            read_only_until = prop.pop(READ_ONLY_UNTIL, None)
            if read_only_until is not None and at >= release(read_only_until):
                prop.pop("readOnly", None)
            max_length_until = prop.pop(MAX_LENGTH_UNTIL, None)
            if max_length_until is not None and at >= release(max_length_until):
                prop.pop("maxLength", None)
    return result


def main(argv: list[str]) -> int:
    """SPEC RELEASES OUT: write SPEC with RELEASES applied to OUT; 2 on a refusal."""
    if len(argv) != 3:
        sys.stderr.write(__doc__ or "")
        return 2
    spec_path, overlay_path, out_path = map(Path, argv)
    try:
        result = apply_releases(load_yaml(spec_path), load_yaml(overlay_path))
    except ReleasesError as error:
        sys.stderr.write(f"apply_releases: {overlay_path}: {error}\n")
        return 2
    out_path.write_text(
        yaml.safe_dump(result, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
