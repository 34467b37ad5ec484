"""A known secret echoed in fullwidth forms (a gateway or a localized error page writing
ASCII as ``jaconv.h2z``/``mojimoji.han_to_zen`` do) after the word "token" is masked whole
(review round 48): the token-like tail after "token" was learned as a stored value and
masked first, and what was left (``tok-abcdef-``) was no longer recognised as the API token.
A text whose reading hides more than its masking as written is shown as read, masked.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from .shown import shown_by_failed_get


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if 0x21 <= ord(ch) <= 0x7E else ch for ch in text)


#: API tokens with a separator, and the part of each an error showed.
TOKENS = [
    ("tok-abcdef-0123456789", "tok-abcdef"),
    ("tok_ABCdef_0123456789", "tok_ABCdef"),
    ("AbCdEfGh12345678IjKl_mnopQRst", "mnopQRst"),
]


@pytest.mark.parametrize(("token", "part"), TOKENS)
@pytest.mark.parametrize("shape", ["json", "text"])
def test_api_token_echoed_in_fullwidth_after_the_word_token_is_masked_whole(
    twin: Any, api: Any, token: str, part: str, shape: str
) -> None:
    message = f"Unknown API token {_fullwidth(token)}."
    answer: dict[str, Any] = (
        {"json": {"detail": message}}
        if shape == "json"
        else {"content": message.encode(), "headers": {"Content-Type": "text/plain"}}
    )
    shown = shown_by_failed_get(twin, api, 400, token=token, **answer)
    assert part not in unicodedata.normalize("NFKC", shown), shown[:400]
    assert _fullwidth(part) not in shown


@pytest.mark.parametrize(("token", "part"), TOKENS)
def test_the_same_echo_without_the_word_token_is_masked_whole(
    twin: Any, api: Any, token: str, part: str
) -> None:
    shown = shown_by_failed_get(
        twin, api, 400, token=token, json={"detail": f"Rejected {_fullwidth(token)} here."}
    )
    assert part not in unicodedata.normalize("NFKC", shown)
