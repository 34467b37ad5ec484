"""``--check``: which requested fields the server did not take as given.

Pure: compares the changes asked for (keyword names) with the source the server returned.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from ._changes import FIELDS_BY_NAME, normalize


def _as_json(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_as_json(item) for item in value]
    return value


def _same(requested: Any, returned: Any) -> bool:
    if isinstance(requested, list) and isinstance(returned, list):
        return len(requested) == len(returned) and all(map(_same, requested, returned))
    if isinstance(requested, str) and isinstance(returned, str):
        try:  # UUIDs may come back in another case or form
            return uuid.UUID(requested) == uuid.UUID(returned)
        except ValueError:
            return requested == returned
    return bool(requested == returned)


def find_drift(changes: Mapping[str, Any], returned: Mapping[str, Any]) -> dict[str, str]:
    """``{field: what differs}`` for every requested field the returned source does not match.

    ``returned`` is a parsed source's ``to_dict()``, which has every field (an answer missing
    one is an UnexpectedResponse). Secret fields are compared but their values never shown. A
    string is compared as the server stores it (trimmed, :func:`~._changes.normalize`): the
    trimming is not drift.
    """
    drift = {}
    for name, value in changes.items():
        field = FIELDS_BY_NAME.get(name)
        if field is None:
            continue
        wanted = _as_json(normalize(field, value))
        if not _same(wanted, returned[field.wire]):
            if field.secret:
                drift[name] = "the server has another value (not shown: it is a secret)"
            else:
                drift[name] = (
                    f"requested {json.dumps(wanted, ensure_ascii=False)}, "
                    f"server has {json.dumps(returned[field.wire], ensure_ascii=False)}"
                )
    return drift
