"""A no-op ``plex-source apply`` (read first, nothing differs) next to a blind one
(``--no-read``): the whole process's time and the requests each sends, against a
:class:`~plex_source_client.testing.FakeAuthentik` holding sources that already match the plan.

The fake serves from threads of this process; ``plex-source`` runs as a child process, as a
CI job runs it. The fake is far slower per request than benchmarks/server.py, so compare the
two rows with each other (and the request counts above all), not with the other tables.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from plex_source_client.testing import FakeAuthentik

from .measure import rotated, summary

BIN = Path(sys.executable).parent
MODES = {
    "`plex-source apply` (reads first: no-op)": [],
    "`plex-source apply --no-read` (blind)": ["--no-read"],
}


def noop_apply(rounds: int, n: int, concurrency: int = 32) -> tuple[str, dict[str, float]]:
    """The results table, and each mode's median time in ms."""
    import subprocess

    from .__main__ import process_env, table

    sources = [
        {"slug": f"s{i:05}", "name": f"Source {i}", "allowed_servers": [f"srv{i}"]}
        for i in range(n)
    ]
    items = [
        {"slug": s["slug"], "changes": {"name": s["name"], "enabled": True,
                                        "allowed_servers": s["allowed_servers"]}}
        for s in sources
    ]  # fmt: skip
    times: dict[str, list[float]] = {name: [] for name in MODES}
    counts: dict[str, dict[str, int]] = {}
    with FakeAuthentik(sources=sources) as fake, tempfile.TemporaryDirectory() as folder:
        plan = Path(folder) / "plan.json"
        plan.write_text(json.dumps(items))
        env = process_env(AUTHENTIK_URL=fake.url, AUTHENTIK_TOKEN=fake.token)
        argv = [str(BIN / "plex-source"), "apply", str(plan), "--output", "json"]
        for number in range(rounds):
            for name in rotated(list(MODES), number):
                before = len(fake.requests)
                started = time.perf_counter()
                done = subprocess.run(
                    [*argv, "--concurrency", str(concurrency), *MODES[name]],
                    env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False,
                )  # fmt: skip
                times[name].append((time.perf_counter() - started) * 1000)
                if done.returncode != 0:
                    raise RuntimeError(f"{name}: exit {done.returncode}")
                sent = fake.requests[before:]
                counts[name] = {m: sum(1 for r in sent if r.method == m) for m in ("GET", "PATCH")}
    rows, medians = [], {}
    for name in MODES:
        median, low, high = summary(times[name])
        medians[name] = median
        got = counts[name]
        rows.append(
            [name, str(got["GET"]), str(got["PATCH"]), f"{median:.0f}", f"{low:.0f}–{high:.0f}"]
        )
    header = [
        f"{n} items matching the server, concurrency {concurrency}",
        "GETs",
        "PATCHes",
        "ms (median)",
        "min–max",
    ]
    return table(header, rows), medians
