"""Keeping secrets (the API token, Plex tokens) out of reprs, logs, errors and output.

The names the rest of the package imports, from the modules by concern: :mod:`.names` (what
names a secret), :mod:`.members` (what a JSON value's members hold by those names),
:mod:`.secret` (a value that never shows itself), :mod:`.known` (masking secrets whose
values are known; :mod:`.parts` and :mod:`.split`, such a secret in parts or split across a
JSON value's strings), :mod:`.userinfo` (URL credentials), :mod:`.text` (masking the values
after secret-named keys in texts whose secrets are not known, by the rules of
:mod:`.markup`, :mod:`.bound` and :mod:`.keyed`), :mod:`.escapes` (decoding escapes that hide
a key or a secret), :mod:`.reading` (a text as a person reads it).
"""

from __future__ import annotations

from .escapes import _ESCAPES, bytes_hold_escape
from .interleaved import holds_interleaved
from .known import FRAGMENT, json_holds_secret, redact
from .members import stored_secrets
from .names import is_secret_name
from .parts import bytes_hold_parts, holds_parts
from .reading import as_echoed, as_read, lost_backslash_spellings
from .secret import MASK, MAX_SECRET_FILE_BYTES, MIN_ANYWHERE, Secret
from .text import (
    json_stored_secrets,
    mask_json,
    mask_record,
    mask_text,
    redact_json,
    text_stored_secrets,
)
from .userinfo import mask_known, mask_userinfo, url_secrets, url_userinfo

__all__ = [
    "FRAGMENT",
    "MASK",
    "MAX_SECRET_FILE_BYTES",
    "MIN_ANYWHERE",
    "_ESCAPES",
    "Secret",
    "as_echoed",
    "as_read",
    "bytes_hold_escape",
    "bytes_hold_parts",
    "holds_interleaved",
    "holds_parts",
    "is_secret_name",
    "json_holds_secret",
    "json_stored_secrets",
    "lost_backslash_spellings",
    "mask_json",
    "mask_known",
    "mask_record",
    "mask_text",
    "mask_userinfo",
    "redact",
    "redact_json",
    "stored_secrets",
    "text_stored_secrets",
    "url_secrets",
    "url_userinfo",
]
