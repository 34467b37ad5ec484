"""Reading and validating the files the CLI takes: a mapping of changes (``update
--from-file``) or a plan of many updates (``apply``). Pure apart from reading the file.

A plan is a list of ``{"slug": ..., "changes": {...}}`` items: a JSON or YAML list, or a
mapping whose ``items`` key holds it (the only form TOML allows: ``[[items]]`` tables). Keys
of ``changes`` are the keyword names of ``PlexSourceClient.update`` (``new_slug`` renames).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from .. import _changes
from .._errors import InvalidRequest
from .._text import MESSAGE_LIMIT, describe_type, shorten


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
    def renamed_to(self) -> str | None:
        """The slug this item renames its source to (trimmed, as it is sent), if any: where the
        source is found when an earlier run already applied the rename.
        """
        new_slug = self.changes.get("new_slug")
        if not isinstance(new_slug, str) or new_slug.strip() in ("", self.slug):
            return None
        return new_slug.strip()

    @property
    def slugs(self) -> set[str]:
        """Every slug this item touches: the source's and, for a rename, the new one."""
        new_slug = self.changes.get("new_slug")
        return {self.slug, new_slug} if isinstance(new_slug, str) else {self.slug}


#: The largest plan or changes file read, in bytes: refused before it is read whole.
MAX_PLAN_BYTES: Final = 16 * 1024 * 1024
#: The deepest nesting of lists and mappings a plan may have (a real one needs about 5).
MAX_PLAN_DEPTH: Final = 32


def read_bounded(path: str, limit: int) -> bytes | None:
    """At most ``limit`` bytes of the file at ``path``; None when it holds more (nothing more
    is read, so a huge file, a device or a pipe costs no memory; a FIFO never blocks for
    long: :func:`plex_source_client._files.read_bounded`). Raises :class:`OSError`.
    """
    from .._files import read_bounded as read_at_most

    data = read_at_most(path, limit)
    return None if len(data) > limit else data


def load_document(path: str) -> Any:
    """The data in a JSON, TOML or YAML file (by its extension; JSON otherwise).

    Read with bounded memory: files over :data:`MAX_PLAN_BYTES`, YAML anchors and aliases
    (which let a few hundred bytes expand to gigabytes) and nesting deeper than
    :data:`MAX_PLAN_DEPTH` are refused with :class:`PlanError`.
    """
    shown = shorten(path, MESSAGE_LIMIT)
    try:
        data = read_bounded(path, MAX_PLAN_BYTES)
    except OSError as exc:
        raise PlanError([f"{shown}: cannot read: {shorten(exc.strerror or exc)}"]) from None
    if data is None:
        raise PlanError([f"{shown}: larger than {MAX_PLAN_BYTES // 2**20} MiB: refused"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanError([f"{shown}: not UTF-8 text (byte {exc.start})"]) from None
    suffix = Path(path).suffix.lower()
    try:
        if suffix == ".toml":
            import tomllib

            document = tomllib.loads(text)
        elif suffix in (".yaml", ".yml"):
            document = _load_yaml(text, shown)
        else:
            document = json.loads(text, object_pairs_hook=functools.partial(_unique, shown))
    except PlanError:
        raise
    except RecursionError:
        raise PlanError([_too_deep_message(shown)]) from None
    except ValueError as exc:  # JSONDecodeError, TOMLDecodeError
        kind = {".toml": "toml", ".yaml": "yaml", ".yml": "yaml"}.get(suffix, "json")
        if type(exc) is ValueError:  # int() of more digits than sys.get_int_max_str_digits()
            problem = "an integer too long to read"  # not Python's advice to raise the limit
        else:
            problem = shorten(exc, MESSAGE_LIMIT)
        raise PlanError([f"{shown}: not valid {kind}: {problem}"]) from None
    except Exception as exc:  # noqa: BLE001 - yaml.YAMLError and kin: report, never crash
        where = _yaml_problem(exc, text)
        if where is not None:
            raise PlanError([f"{shown}: not valid yaml: {where}"]) from None
        raise PlanError([f"{shown}: cannot parse: {shorten(exc, MESSAGE_LIMIT)}"]) from None
    if _too_deep(document, MAX_PLAN_DEPTH):
        raise PlanError([_too_deep_message(shown)])
    return document


def _twice(key: object) -> str:
    """Why a mapping naming ``key`` twice is refused: JSON and YAML parsers keep the last
    value, so a copy-paste slip (``slug`` written twice) would silently change another source
    than the one a reader sees first. TOML refuses it itself.
    """
    return f"the key {shorten(repr(key))} appears twice in one mapping: refused"


def _unique(shown: str, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's pairs as a dict; PlanError when a key repeats (see :func:`_twice`)."""
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise PlanError([f"{shown}: {_twice(key)}"])
            seen.add(key)
    return mapping


def _at(mark: Any) -> str:
    """``line 3, column 5`` of a PyYAML mark (0-based inside), as TOML's and JSON's say it."""
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _yaml_problem(error: Exception, text: str) -> str | None:
    """A PyYAML error in the words of the TOML and JSON ones: the problem, then where (``at
    line 3, column 5``), what it was reading and where that began; None when ``error`` is
    not PyYAML's. PyYAML's own text spans several lines and names the input
    ``"<unicode string>"``; this is one line, values from the file escaped.
    """
    problem = getattr(error, "problem", None)
    problem_mark = getattr(error, "problem_mark", None)
    if isinstance(problem, str) and problem_mark is not None:
        message = f"{shorten(problem, MESSAGE_LIMIT)} (at {_at(problem_mark)})"
        context = getattr(error, "context", None)
        context_mark = getattr(error, "context_mark", None)
        if isinstance(context, str):
            message += f", {shorten(context, MESSAGE_LIMIT)}"
            if context_mark is not None:
                message += f" that begins at {_at(context_mark)}"
        return message
    reason, position = getattr(error, "reason", None), getattr(error, "position", None)
    if isinstance(reason, str) and isinstance(position, int):  # yaml.reader.ReaderError
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        return f"{shorten(reason, MESSAGE_LIMIT)} (at line {line}, column {column})"
    return None


def _load_yaml(text: str, shown: str) -> Any:
    """The YAML document in ``text``, built straight from the parser's events.

    PyYAML's ``load`` first composes a graph of nodes, each with two position marks, and only
    then the values: a 15 MiB plan took 1.5 GB that way. Here each value is made as its event
    comes, so memory is the document's own (as for JSON). Anchors and aliases (a few hundred
    bytes of them expand to gigabytes), merge keys (``<<``, useful only with aliases) and tags
    of other collections than lists and mappings (``!!set``, ``!!omap``) are refused, nesting
    is bounded by :data:`MAX_PLAN_DEPTH` (libyaml's composer would crash the interpreter on a
    deep enough document, not raise); scalars are resolved and made as ``yaml.safe_load``
    makes them.
    """
    try:
        import yaml
    except ImportError:  # in this package's environment, pip then installs only PyYAML
        extra = "pip install 'plex-source-client[yaml]'"
        raise PlanError(
            [f"{shown}: reading YAML needs PyYAML: {extra} (or use JSON/TOML)"]
        ) from None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        return _build_yaml(yaml, loader, shown)
    finally:
        loader.dispose()


_YAML: Final = "tag:yaml.org,2002:"
#: The collection tags: never a scalar's.
_COLLECTION_TAGS: Final = {_YAML + name for name in ("seq", "map", "set", "omap", "pairs")}


class _Mapping:
    """A mapping being built from events: its key read, its value not yet."""

    __slots__ = ("key", "keyed", "value")

    def __init__(self) -> None:
        self.value: dict[Any, Any] = {}
        self.key: Any = None
        self.keyed = False


def _build_yaml(yaml: Any, loader: Any, shown: str) -> Any:
    """The one document of ``loader``'s events (see :func:`_load_yaml`); None when empty."""
    stack: list[list[Any] | _Mapping] = []  # the collections open, innermost last
    documents = 0
    document: Any = None

    def refuse(event: Any, what: str) -> PlanError:
        line = event.start_mark.line + 1 if event.start_mark is not None else "?"
        return PlanError([f"{shown}: line {line}: {what}"])

    def add(value: Any, event: Any, tag: str | None = None) -> None:
        nonlocal document
        top = stack[-1] if stack else None
        if top is None:
            document = value
        elif isinstance(top, list):
            top.append(value)
        elif top.keyed:
            top.value[top.key] = value
            top.key, top.keyed = None, False
        elif tag == _YAML + "merge":
            raise refuse(event, "YAML merge keys (<<) are not supported: write each key out")
        elif isinstance(value, (list, dict)):
            raise refuse(event, "a mapping key must be a plain value, not a list or mapping")
        elif value in top.value:
            raise refuse(event, _twice(value))
        else:
            top.key, top.keyed = value, True

    while loader.check_event():
        event = loader.get_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise refuse(
                event,
                "YAML anchors and aliases (&name, *name) are not supported: write each value out",
            )
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise refuse(event, "expected one YAML document, found more (---)")
        elif isinstance(event, yaml.ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            is_key = bool(stack) and isinstance(stack[-1], _Mapping) and not stack[-1].keyed
            if is_key and tag in (_YAML + "merge", _YAML + "value"):
                value: Any = event.value  # "=" is a plain key ("<<" is refused just below)
            else:
                construct = loader.yaml_constructors.get(tag)
                if construct is None or tag in _COLLECTION_TAGS:
                    construct = loader.yaml_constructors[None]  # raises ConstructorError
                node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
                try:
                    value = construct(loader, node)
                except yaml.YAMLError:
                    raise
                except (ValueError, TypeError, ArithmeticError):
                    # The constructor's message quotes the scalar (a Plex token tagged !!int):
                    # only its tag and place are said.
                    raise refuse(
                        event, f"a value tagged {tag.removeprefix(_YAML)} cannot be read as one"
                    ) from None
            add(value, event, tag)
        elif isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_PLAN_DEPTH:
                raise PlanError([_too_deep_message(shown, event.start_mark.line + 1)])
            is_mapping = isinstance(event, yaml.MappingStartEvent)
            tag = event.tag
            if tag is None or tag == "!":
                kind = yaml.MappingNode if is_mapping else yaml.SequenceNode
                tag = loader.resolve(kind, None, event.implicit)
            if tag != _YAML + ("map" if is_mapping else "seq"):
                raise refuse(event, f"the YAML tag {shorten(tag)} is not supported in a plan")
            stack.append(_Mapping() if is_mapping else [])
        elif isinstance(event, yaml.CollectionEndEvent):
            done = stack.pop()
            add(done.value if isinstance(done, _Mapping) else done, event)
    return document


def _too_deep_message(shown: str, line: object = None) -> str:
    where = f" line {line}:" if line is not None else ""
    return (
        f"{shown}:{where} nested too deeply (at most {MAX_PLAN_DEPTH} levels of lists and mappings)"
    )


def _too_deep(document: Any, limit: int) -> bool:
    """Whether lists and mappings in ``document`` nest more than ``limit`` levels deep.

    One iterator per open level (not one entry per value: a list of millions of strings
    would cost as much again as the plan).
    """
    if not isinstance(document, (Mapping, list)):
        return False
    levels: list[Iterator[Any]] = [iter(_children(document))]
    while levels:
        child = next(levels[-1], _END)
        if child is _END:
            levels.pop()
        elif isinstance(child, (Mapping, list)):
            if len(levels) >= limit:
                return True
            levels.append(iter(_children(child)))
    return False


_END: Final = object()


def _children(value: Mapping[Any, Any] | list[Any]) -> Iterable[Any]:
    return value.values() if isinstance(value, Mapping) else value


def load_changes(path: str) -> dict[str, Any]:
    """The mapping of changes in ``path`` (for ``update --from-file``)."""
    data = load_document(path)
    if not isinstance(data, Mapping):
        raise PlanError(
            [f"{shorten(path, MESSAGE_LIMIT)}: expected a mapping of field names to values"]
        )
    return dict(data)


def _item_name(index: int, slug: object) -> str:
    """``item 2 (plex-eu)``: an item by its position in the file (from 1) and its slug, in
    the plan's words when the slug is missing or not a string.
    """
    if isinstance(slug, str) and slug:
        shown = shorten(slug)
    elif slug is None:
        shown = "no slug"
    elif slug == "":
        shown = "empty slug"
    else:
        shown = f"slug is {describe_type(slug)}"
    return f"item {index + 1} ({shown})"


def _problem(index: int, slug: object, field: str, message: str) -> str:
    return f"{_item_name(index, slug)}: {shorten(field)}: {shorten(message, MESSAGE_LIMIT)}"


MISSING_SLUG: Final = "missing: every item needs the slug of the source to change"
MISSING_CHANGES: Final = "missing: every item needs a mapping of the fields to change"


def parse_plan(data: Any, *, validate: bool = True, source: str = "plan") -> list[PlanItem]:
    """The items of a plan, every one validated; or :class:`PlanError` listing every problem
    of every item (nothing may be sent unless the whole plan is valid).
    """
    if isinstance(data, Mapping) and set(data) == {"items"}:
        data = data["items"]
    if not isinstance(data, list):
        raise PlanError(
            [
                f"{shorten(source, MESSAGE_LIMIT)}: expected a list of {{slug, changes}} items "
                "(or items = [...])"
            ]
        )
    items: list[PlanItem] = []
    problems: list[str] = []
    for index, entry in enumerate(data):
        if not isinstance(entry, Mapping):
            problems.append(
                f"item {index + 1}: expected a mapping with slug and changes, "
                f"got {describe_type(entry)}"
            )
            continue
        slug = entry.get("slug")
        if "slug" not in entry:
            problems.append(_problem(index, None, "slug", MISSING_SLUG))
        extra = sorted(set(entry) - {"slug", "changes"})
        for key in extra:
            problems.append(_problem(index, slug, key, "unknown key (items have slug and changes)"))
        if "changes" not in entry:
            problems.append(_problem(index, slug, "changes", MISSING_CHANGES))
            continue
        changes = entry["changes"]
        if not isinstance(changes, Mapping):
            problems.append(
                _problem(
                    index,
                    slug,
                    "changes",
                    f"expected a mapping of fields, got {describe_type(changes)}",
                )
            )
            continue
        try:
            _changes.build_body(slug, changes, validate=validate)
        except InvalidRequest as invalid:
            if "slug" not in entry:  # reported above, in the plan's words
                invalid.errors.pop("slug", None)
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
