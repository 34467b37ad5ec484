"""``--check``: which requested fields the server did not take as given.

Pure: the changes asked for (keyword names) against the source the server returned, through
:func:`~.._diff.compute_diff`, the comparison ``client.diff()`` makes (values as the server
stores them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .._changes import FIELDS_BY_NAME, unwritable_fields
from .._diff import compute_diff
from .._models import PlexSource
from .._secrets import redact
from .._text import json_text


def find_drift(
    changes: Mapping[str, Any], returned: PlexSource, secrets: Iterable[str] = ()
) -> dict[str, str]:
    """``{field: what differs}`` for every requested field the returned source does not match.

    ``returned`` is the source the server answered with: it has every field of the server's
    release (a field it lacks was ignored by the server, and is reported as not applied).
    Secret fields are compared but their values never shown, nor ``secrets`` (those this run
    knows) in another field's value. Values are compared as :func:`~.._diff.compute_diff`
    compares them: trimming, a UUID's form and a repeated property mapping (authentik keeps a
    set) are not drift. Values are not checked again: the server took the request.
    """
    known = {name: value for name, value in changes.items() if name in FIELDS_BY_NAME}
    lacking = unwritable_fields(returned.to_dict(), known)  # missing; or icon without icon_url
    drift = dict.fromkeys(
        lacking,
        "not applied: the server's answer shows it cannot write it (its authentik release "
        "lacks it)",
    )
    comparable = {name: value for name, value in known.items() if name not in drift}
    for name, change in compute_diff(returned, comparable, validate=False).changes.items():
        if change.secret:
            drift[name] = "the server has another value (not shown: it is a secret)"
        else:
            drift[name] = redact(
                f"requested {json_text(change.desired, default=str)}, "
                f"server has {json_text(change.current, default=str)}",
                secrets,
            )
    return {name: drift[name] for name in changes if name in drift}  # in the requested order
