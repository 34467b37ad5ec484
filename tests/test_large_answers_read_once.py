"""Large answers cost one pass each, whatever path they take (review round 47b):

- a retried answer (a 503 before a retry) is read for the values its body stores only when
  the DEBUG record needs them: at INFO, the retry's record shows its status, and only the
  answer the error reports is read (a 1 MiB 503 page read at every attempt: ~2 s each);
- the values a valid answer stores (thousands of extra secret-named members) are learned in
  linear time: the table of learned values was trimmed to its size one deletion at a time,
  each walking the dict's deleted slots (quadratic: 128,000 values took 4.4 s).

Passes counted, not timed; the trim has a hang guard.
"""

from __future__ import annotations

import httpx
import pytest
import respx

from plex_source_client import ServerError, _logs

from .conftest import Twin
from .payloads import SLUG
from .shown import finishes_in_a_child, whole_body_passes

BODY = ("token: Ab1\n" * ((100 * 1024) // 11)).encode()


@pytest.mark.parametrize("retries", [2, 5])
def test_retried_answers_are_not_read_whole_at_info(
    twin: Twin, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch, retries: int
) -> None:
    passes = whole_body_passes(monkeypatch)
    monkeypatch.setattr("plex_source_client._retry.backoff", lambda *_: 0.0)
    api.get(f"/sources/plex/{SLUG}/").mock(
        side_effect=[
            httpx.Response(503, content=BODY, headers={"Content-Type": "text/plain"})
            for _ in range(retries + 1)
        ]
    )
    with pytest.raises(ServerError) as caught:
        twin.call("get", SLUG, options={"max_retries": retries})
    assert caught.value.attempts == retries + 1
    assert "Ab1" not in str(caught.value)
    assert len(passes) == 1, passes


def test_the_learned_values_kept_are_the_last_ones_in_order() -> None:
    class Owner:
        pass

    owner = Owner()
    _logs.register(owner, ("own-secret",))
    try:
        _logs.add(owner, tuple(f"v{i}" for i in range(10_000)))
        learned = _logs.learned(owner)
    finally:
        _logs.unregister(owner)
    assert learned == tuple(f"v{i}" for i in range(10_000 - _logs.MAX_LEARNED, 10_000))


def test_learning_many_values_ends_in_linear_time() -> None:
    finishes_in_a_child(
        """
from plex_source_client import _logs
class Owner: pass
owner = Owner()
_logs.register(owner, ("own",))
_logs.add(owner, tuple(f"A{i}b" for i in range(400_000)))
assert len(_logs.learned(owner)) == _logs.MAX_LEARNED
print("done")
""",
        "learning 400,000 stored values",
    )
