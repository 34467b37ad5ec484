"""A JSON list of ``[..., name, value, ...]`` pairs, more than 1 MiB holds (60,000), is masked
in linear time: each item was looked up in a list of the values' places, quadratic (27 s;
review round 38b). Reached through the clients only up to the 64 KiB of an error body they
parse, and directly by ``mask_json``. A hang guard, in a child killed after 20 s.
"""

from __future__ import annotations

from .shown import finishes_in_a_child


def test_a_json_list_of_many_name_value_pairs_is_masked_in_linear_time() -> None:
    finishes_in_a_child(
        """
from plex_source_client._secrets import mask_json
pairs = ["plex_token", "Ab12Cd34Ef"] * 60_000
masked = mask_json(pairs, ("tok-FIXED-api-0123456789abcdef",))
assert masked[1] == "***" and "Ab12Cd34Ef" not in str(masked)
print("done")
""",
        "mask_json of 60,000 [name, value] pairs",
    )
