r"""Escapes that can spell a secret-named key or a secret so a plain search misses it (JSON's
``\u0074``, HTML's ``&quot;``, URLs' ``%22``), and decoding them.
"""

from __future__ import annotations

import re
from typing import Final

#: Escapes that can spell a key so the patterns above miss it: JSON's ``\u0074``, HTML's
#: ``&quot;``, URLs' ``%22``; each form starts with its own literal (``\u``, ``&``, ``%``).
_ESCAPE_FORMS: Final = (
    r"\\u[0-9a-fA-F]{4}",
    # as html.unescape reads them: numeric references in any case, with leading zeros, the
    # ``;`` optional; named ones up to HTML5's longest (32)
    r"&(?:#[0-9]{1,32};?|#[xX][0-9a-fA-F]{1,32};?|\w{2,32};)",
    # a run at once: the UTF-8 bytes of one character (``%C3%A9``) decode together, and a
    # page of escapes costs one call per run, not per escape
    r"(?:%[0-9a-fA-F]{2})+",
)
_ESCAPES: Final = re.compile("|".join(_ESCAPE_FORMS))
#: Each form apart, on bytes: ``re`` finds a pattern's leading literal by a fast scan, while
#: the alternation, with no common first character, is tried at every position (some 4x
#: slower on a 1 KiB answer, which every call's echo check searches).
_ESCAPE_PARTS: Final = tuple(re.compile(form.encode()) for form in _ESCAPE_FORMS)


def bytes_hold_escape(content: bytes) -> bool:
    """Whether ``_ESCAPES`` (encoded) would find an escape in ``content``: one of its forms."""
    return any(part.search(content) is not None for part in _ESCAPE_PARTS)


def _unescape(text: str) -> str:
    """``text`` with JSON, HTML and URL escapes decoded, so escaped keys are found too."""
    import html
    from urllib.parse import unquote

    def one(match: re.Match[str]) -> str:
        escape = match.group()
        if escape.startswith("\\u"):
            return chr(int(escape[2:], 16))
        if escape.startswith("%"):
            return unquote(escape)
        return html.unescape(escape)

    return _ESCAPES.sub(one, text)
