"""A stored Plex token the client never saw, quoted by a server error as a heredoc after its
name (HCL/Terraform ``plex_token = <<EOT``, Ruby ``<<~EOS``, a shell's ``<<'EOF'``): the
lines up to the marker's are masked, and where the body repeats them too (review round 39:
the ``<<MARKER`` opener hid the token on the next line from every rule).
"""

from __future__ import annotations

from typing import Any

import pytest

from .shown import shown_by_failed_cli_get, shown_by_failed_get

STORED = "Q7wErT9yUi2OpAs4DfGh"  # a token-like value: mixed case and digits, 20 characters

HEREDOCS = [
    f"plex_token = <<EOT\n{STORED}\nEOT",  # HCL / Terraform
    f"plex_token = <<-EOT\n  {STORED}\n  EOT",  # HCL indented heredoc
    f"plex_token: <<~EOS\n{STORED}\nEOS",  # Ruby squiggly heredoc
    f"plex_token=<<EOF\n{STORED}\nEOF",  # shell-like
    f"plex_token = <<'EOF'\nfirst line\n{STORED}\nEOF\nother = 1",  # quoted marker, 2 lines
    f"plex_token = <<EOT\n{STORED}\n",  # cut before its marker
    f"plex_token = <<EOT\n{STORED}\nEOT\nrejected: {STORED}",  # repeated after it
]


@pytest.mark.parametrize("text", HEREDOCS)
def test_stored_token_in_a_heredoc_after_its_name_is_masked_text(
    twin: Any, api: Any, text: str
) -> None:
    shown = shown_by_failed_get(
        twin, api, 400, content=text.encode(), headers={"content-type": "text/plain"}
    )
    assert STORED not in shown, shown


@pytest.mark.parametrize("text", HEREDOCS)
def test_stored_token_in_a_heredoc_after_its_name_is_masked_json(
    twin: Any, api: Any, text: str
) -> None:
    shown = shown_by_failed_get(twin, api, 400, json={"detail": text})
    assert STORED not in shown, shown


def test_cli_get_masks_a_stored_token_in_a_heredoc() -> None:
    out, err = shown_by_failed_cli_get({"detail": HEREDOCS[0]})
    assert STORED not in out + err, out + err


def test_a_heredoc_under_another_name_is_shown_and_text_after_the_marker_too() -> None:
    from plex_source_client._secrets.text import mask_text

    text = f"description = <<EOT\n{STORED}\nEOT\nplex_token = <<EOT\nx1Y2z3W4\nEOT\nname = Plex"
    assert mask_text(text, ()) == (
        f"description = <<EOT\n{STORED}\nEOT\nplex_token = <<EOT\n***\nEOT\nname = Plex"
    )


def test_a_heredoc_without_its_marker_is_masked_to_where_it_was_looked_for() -> None:
    from plex_source_client._secrets.text import mask_text

    lines = "".join(f"line {i} {STORED}{i}\n" for i in range(2000))  # ~60 KiB, no EOT
    masked = mask_text(f"plex_token = <<EOT\n{lines}", ())
    assert masked.startswith("plex_token = <<EOT\n***\n")
    assert not any(f"line {i} {STORED}{i}\n" in masked for i in range(100))  # the first 4 KiB
