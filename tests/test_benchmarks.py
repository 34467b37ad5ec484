"""A tiny run of the benchmark harness, so it never rots. It asserts that every table is
produced, never how fast anything was: timings on a shared 2-core machine are noise.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_harness_smoke_run(tmp_path: Path) -> None:
    output = tmp_path / "results.md"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    text = output.read_text()
    for heading in (
        "| sequential PATCH, keep-alive |",
        "| PlexSourceClient.update |",
        "| httpx.AsyncClient (raw, defaults) |",
        "| plex-source apply --no-read (async client) |",
        "| `import httpx, attrs` (baseline) |",
        "| `plex-source --help` |",
        "| `import plex_source_client.testing.pytest_plugin` |",
        "| `plex-source apply`, peak RSS MiB |",
        "| 100 items matching the server, concurrency 32 | GETs | PATCHes |",
        "| `plex-source apply` (reads first: no-op) | 1 | 0 |",
        "| `plex-source apply --no-read` (blind) | 0 | 100 |",
    ):
        assert heading in text, heading
    assert text.startswith("# Benchmark results\n\nMeasured ")
