"""``--check``: which requested fields the server did not take as given.

Pure: compares the changes asked for (keyword names) with the source the server returned,
with the one comparison :mod:`._diff` makes (values as the server stores them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .._changes import FIELDS_BY_NAME, is_writable_in
from .._diff import differs, stored
from .._secrets import redact
from .._text import json_text


def find_drift(
    changes: Mapping[str, Any], returned: Mapping[str, Any], secrets: Iterable[str] = ()
) -> dict[str, str]:
    """``{field: what differs}`` for every requested field the returned source does not match.

    ``returned`` is a parsed source's ``to_dict()``: it has every field of the server's release
    (a field it lacks was ignored by the server, and is reported as not applied). Secret
    fields are compared but their values never shown, nor ``secrets`` (those this run knows)
    in another field's value. Values are compared as the server stores
    them (:func:`~._diff.stored`): trimming, a UUID's form and a repeated property mapping
    (authentik keeps a set) are not drift.
    """
    drift = {}
    for name, value in changes.items():
        field = FIELDS_BY_NAME.get(name)
        if field is None:
            continue
        if not is_writable_in(field, returned):  # missing; or icon without icon_url
            drift[name] = (
                "not applied: the server's answer shows it cannot write it (its authentik release "
                "lacks it)"
            )
            continue
        wanted = stored(field, value)
        if differs(field, wanted, returned[field.wire]):
            if field.secret:
                drift[name] = "the server has another value (not shown: it is a secret)"
            else:
                drift[name] = redact(
                    f"requested {json_text(wanted, default=str)}, "
                    f"server has {json_text(returned[field.wire])}",
                    secrets,
                )
    return drift
