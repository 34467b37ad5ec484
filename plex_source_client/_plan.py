"""Reading and validating the files the CLI takes: a mapping of changes (``update
--from-file``) or a plan of many updates (``apply``). Pure apart from reading the file.

A plan is a list of ``{"slug": ..., "changes": {...}}`` items: a JSON or YAML list, or a
mapping whose ``items`` key holds it (the only form TOML allows: ``[[items]]`` tables). Keys
of ``changes`` are the keyword names of ``PlexSourceClient.update`` (``new_slug`` renames).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from . import _changes
from ._errors import InvalidRequest


class PlanError(Exception):
    """A file cannot be used; ``problems`` holds one line per problem (slug and field named)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@attrs.frozen
class PlanItem:
    """One validated update of a plan."""

    index: int
    slug: str
    changes: dict[str, Any]

    @property
    def slugs(self) -> set[str]:
        """Every slug this item touches: the source's and, for a rename, the new one."""
        new_slug = self.changes.get("new_slug")
        return {self.slug, new_slug} if isinstance(new_slug, str) else {self.slug}


def load_document(path: str) -> Any:
    """The data in a JSON, TOML or YAML file (by its extension; JSON otherwise)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    suffix = file.suffix.lower()
    try:
        if suffix == ".toml":
            import tomllib

            return tomllib.loads(text)
        if suffix in (".yaml", ".yml"):
            try:
                import yaml
            except ImportError:
                raise PlanError(
                    [f"{path}: reading YAML needs PyYAML: pip install pyyaml (or use JSON/TOML)"]
                ) from None
            return yaml.safe_load(text)
        return json.loads(text)
    except PlanError:
        raise
    except ValueError as exc:  # JSONDecodeError, TOMLDecodeError
        raise PlanError([f"{path}: not valid {suffix.lstrip('.') or 'JSON'}: {exc}"]) from None
    except Exception as exc:  # noqa: BLE001 - yaml.YAMLError and kin: report, never crash
        raise PlanError([f"{path}: cannot parse: {exc}"]) from None


def load_changes(path: str) -> dict[str, Any]:
    """The mapping of changes in ``path`` (for ``update --from-file``)."""
    data = load_document(path)
    if not isinstance(data, Mapping):
        raise PlanError([f"{path}: expected a mapping of field names to values"])
    return dict(data)


def _problem(index: int, slug: object, field: str, message: str) -> str:
    return f"item {index + 1} ({slug}): {field}: {message}"


def parse_plan(data: Any, *, validate: bool = True, source: str = "plan") -> list[PlanItem]:
    """The items of a plan, every one validated; or :class:`PlanError` listing every problem
    of every item (nothing may be sent unless the whole plan is valid).
    """
    if isinstance(data, Mapping) and set(data) == {"items"}:
        data = data["items"]
    if not isinstance(data, list):
        raise PlanError(
            [f"{source}: expected a list of {{slug, changes}} items (or items = [...])"]
        )
    items: list[PlanItem] = []
    problems: list[str] = []
    for index, entry in enumerate(data):
        if not isinstance(entry, Mapping):
            problems.append(f"item {index + 1}: expected a mapping with slug and changes")
            continue
        slug = entry.get("slug")
        extra = sorted(set(entry) - {"slug", "changes"})
        for key in extra:
            problems.append(_problem(index, slug, key, "unknown key (items have slug and changes)"))
        changes = entry.get("changes", {})
        if not isinstance(changes, Mapping):
            problems.append(_problem(index, slug, "changes", "expected a mapping of fields"))
            continue
        try:
            _changes.build_body(slug, changes, validate=validate)
        except InvalidRequest as invalid:
            for field, messages in invalid.errors.items():
                problems.extend(_problem(index, slug, field, message) for message in messages)
            continue
        assert isinstance(slug, str)  # noqa: S101 - build_body checked it
        items.append(PlanItem(index=index, slug=slug, changes=dict(changes)))
    if problems:
        raise PlanError(problems)
    return items


def group_items(items: list[PlanItem]) -> list[list[PlanItem]]:
    """Items that touch a common slug, in input order, grouped (so they run one after the
    other); unrelated items fall in separate groups (so they may run concurrently).
    """
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for position, item in enumerate(items):
        for slug in item.slugs:
            if slug in owner:
                parent[root(position)] = root(owner[slug])
            else:
                owner[slug] = position
    groups: dict[int, list[PlanItem]] = {}
    for position, item in enumerate(items):
        groups.setdefault(root(position), []).append(item)
    return list(groups.values())
