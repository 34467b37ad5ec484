r"""Escapes that can spell a secret-named key or a secret so a plain search misses it (JSON's
``\u0074``, HTML's ``&quot;``, URLs' ``%22``), and decoding them.
"""

from __future__ import annotations

import re
from typing import Final

#: Escapes that can spell a key so the patterns above miss it: JSON's ``\u0074``, HTML's
#: ``&quot;``, URLs' ``%22``.
_ESCAPES: Final = re.compile(
    r"\\u[0-9a-fA-F]{4}|&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|\w{2,8});|%[0-9a-fA-F]{2}"
)


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
