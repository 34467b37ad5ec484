"""``python -m benchmarks``: measure plex-source-client against raw httpx and the official client.

Starts a near-zero-cost local HTTP/1.1 server (``benchmarks/server.py``, its own process), then
measures, interleaving the contenders in rotating rounds: sequential per-request time, the
client's own CPU time per call with the network mocked out (benchmarks/overhead.py), bulk
throughput at concurrency 32, cold import time and peak memory of whole processes, what the
pytest plugin adds to every pytest run (its import, next to bare Python and ``import pytest``),
the peak memory of ``plex-source apply`` as items and concurrency grow, and a no-op
``plex-source apply`` (read first) next to a blind one (``--no-read``): requests and time; and
the async transports against a server answering in tens of milliseconds, as a real authentik
(benchmarks/latency.py: does the transport matter at a realistic latency?).
Prints the tables and writes them to benchmarks/RESULTS.md, which the documentation's
Performance page includes as it is (the one copy of the figures).
Ratios measured side by side in one run are what to compare; absolute times vary by machine.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from . import contenders
from .latency import latency_tables
from .masking import export_long_tokens
from .measure import rotated, run_process, summary, time_calls
from .noop import noop_apply
from .overhead import client_overhead
from .text_masking import text_masking

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
BIN = Path(sys.executable).parent


def process_env(**extra: str) -> dict[str, str]:
    """The environment for measured processes: bytecode caching on, as for any installed
    package (a session may set PYTHONDONTWRITEBYTECODE, which would make every import compile).
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **extra}


@functools.cache
def compile_package() -> None:
    """Write the package's bytecode, as pip does when it installs a wheel (once a run)."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "plex_source_client")],
        env=process_env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )


@contextmanager
def bench_server(delay_ms: float = 0.0) -> Iterator[str]:
    """benchmarks/server.py in its own process, answering ``delay_ms`` after each request."""
    with tempfile.TemporaryDirectory() as folder:
        port_file = Path(folder) / "port"
        server = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.server", str(port_file), str(delay_ms)], cwd=ROOT
        )
        try:
            deadline = time.monotonic() + 20
            while not (port_file.exists() and port_file.read_text()):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the bench server did not start")
                time.sleep(0.02)
            yield f"http://127.0.0.1:{port_file.read_text()}"
        finally:
            server.terminate()
            server.wait(timeout=10)


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def sequential(url: str, rounds: int, count: int) -> tuple[str, dict[str, float]]:
    factories = contenders.sequential_contenders()
    calls = {name: factory(url) for name, factory in factories.items()}
    for call, _ in calls.values():
        time_calls(call, max(5, count // 10))  # warm up: connections, caches
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for number in range(rounds):
        for name in rotated(list(calls), number):
            samples[name].append(time_calls(calls[name][0], count) * 1e6)
    for _, close in calls.values():
        close()
    base = summary(samples["httpx.Client (raw)"])[0]
    medians, rows = {}, []
    for name, values in samples.items():
        median, low, high = summary(values)
        medians[name] = median
        rows.append([name, f"{median:.0f}", f"{low:.0f}–{high:.0f}", f"{median / base:.2f}×"])
    header = ["sequential PATCH, keep-alive", "µs/request (median)", "min–max", "vs raw httpx"]
    return table(header, rows), medians


def bulk(url: str, rounds: int, n: int, concurrency: int) -> tuple[str, dict[str, float]]:
    runners = contenders.bulk_contenders()
    for runner in runners.values():
        runner(url, min(n, 200), concurrency)  # warm up
    samples: dict[str, list[float]] = {name: [] for name in runners}
    for number in range(rounds):
        for name in rotated(list(runners), number):
            samples[name].append(n / runners[name](url, n, concurrency))
    raw = summary(samples["httpx.AsyncClient (raw, defaults)"])[0]
    official = summary(samples.get("official client, 32 threads", [0.0]))[0]
    medians, rows = {}, []
    for name, values in samples.items():
        median, low, high = summary(values)
        medians[name] = median
        vs_official = f"{median / official:.2f}×" if official else "n/a"
        rows.append(
            [name, f"{median:.0f}", f"{low:.0f}–{high:.0f}", f"{median / raw:.2f}×", vs_official]
        )
    header = [
        f"{n} PATCHes, concurrency {concurrency}",
        "req/s (median)",
        "min–max",
        "vs raw httpx.AsyncClient",
        "vs official, 32 threads",
    ]
    return table(header, rows), medians


def imports(runs: int, *, official: bool = True, warm: bool = True) -> tuple[str, dict[str, float]]:
    """Each command's whole process: wall time and peak memory. ``warm``: each run once first,
    unmeasured, to warm the file cache (a smoke run, which asserts no figure, skips it).
    """
    python = sys.executable
    commands = {
        "`import httpx, attrs` (baseline)": [python, "-c", "import httpx, attrs"],
        "`from plex_source_client import PlexSourceClient, AsyncPlexSourceClient, PlexSource`": [
            python,
            "-c",
            "from plex_source_client import PlexSourceClient, AsyncPlexSourceClient, PlexSource",
        ],
        "`plex-source --help`": [str(BIN / "plex-source"), "--help"],
    }
    if official and contenders.official_client_available():
        commands["`from authentik_client import SourcesApi` (official)"] = [
            python,
            "-c",
            "from authentik_client import SourcesApi",
        ]
    compile_package()
    env = process_env()
    for argv in commands.values() if warm else ():
        run_process(argv, env)  # warm the file cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    memory: dict[str, list[float]] = {name: [] for name in commands}
    for number in range(runs):
        for name in rotated(list(commands), number):
            seconds, mib = run_process(commands[name], env)
            times[name].append(seconds * 1000)
            memory[name].append(mib)
    base = summary(times["`import httpx, attrs` (baseline)"])[0]
    medians, rows = {}, []
    for name in commands:
        median, low, high = summary(times[name])
        medians[name] = median
        rows.append(
            [
                name,
                f"{median:.0f}",
                f"{low:.0f}–{high:.0f}",
                f"{median / base:.2f}×",
                f"{summary(memory[name])[0]:.1f}",
            ]
        )
    header = ["whole process", "ms (median)", "min–max", "vs baseline", "peak RSS MiB"]
    return table(header, rows), medians


def plugin_import(runs: int, *, warm: bool = True) -> tuple[str, dict[str, float]]:
    """What installing the package adds to every pytest run: pytest imports its plugin
    (entry point ``pytest11``) whether a test uses the fixtures or not. Measured next to bare
    Python and to ``import pytest`` alone (a pytest run has pytest loaded anyway). ``warm``:
    as for :func:`imports`.
    """
    python = sys.executable
    plugin = "plex_source_client.testing.pytest_plugin"
    commands = {
        "`python -c pass` (bare, baseline)": [python, "-c", "pass"],
        "`import pytest`": [python, "-c", "import pytest"],
        f"`import {plugin}`": [python, "-c", f"import {plugin}"],
    }
    compile_package()
    env = process_env()
    for argv in commands.values() if warm else ():
        run_process(argv, env)  # warm the file cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    for number in range(runs):
        for name in rotated(list(commands), number):
            times[name].append(run_process(commands[name], env)[0] * 1000)
    bare = summary(times["`python -c pass` (bare, baseline)"])[0]
    with_pytest = summary(times["`import pytest`"])[0]
    medians, rows = {}, []
    for name in commands:
        median, low, high = summary(times[name])
        medians[name] = median
        rows.append(
            [
                name,
                f"{median:.0f}",
                f"{low:.0f}–{high:.0f}",
                f"{median - bare:+.0f}",
                f"{median - with_pytest:+.0f}",
            ]
        )
    header = ["pytest plugin, whole process", "ms (median)", "min–max", "vs bare", "vs pytest"]
    return table(header, rows), medians


def apply_memory(url: str, sizes: list[int], concurrencies: list[int]) -> str:
    rows = []
    env = process_env(AUTHENTIK_URL=url, AUTHENTIK_TOKEN=contenders.TOKEN)
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            plan = Path(folder) / f"plan-{size}.json"
            items = [{"slug": f"s{i}", "changes": contenders.CHANGES} for i in range(size)]
            plan.write_text(json.dumps(items))
            row = [f"{size} items"]
            for concurrency in concurrencies:
                argv = [str(BIN / "plex-source"), "apply", str(plan), "--output", "json"]
                _, mib = run_process([*argv, "--concurrency", str(concurrency)], env=env)
                row.append(f"{mib:.1f}")
            rows.append(row)
    header = ["`plex-source apply`, peak RSS MiB"] + [f"concurrency {c}" for c in concurrencies]
    return table(header, rows)


def versions() -> str:
    names = ["httpx", "httpcore", "sniffio", "authentik-client"]
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def latency(quick: bool) -> str:
    """The transports at 20 and 50 ms per answer, plans of 500 and 2000 sources, at the CLI's
    default concurrency (8) and at 32; quick: 20 ms, 16 sources, concurrency 8, one round.
    """
    if quick:
        return latency_tables([20], [16], [8], rounds=1)[0]
    return latency_tables([20, 50], [500, 2000], [8, 32], rounds=3)[0]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes, one unwarmed round: a smoke run"
    )
    parser.add_argument(
        "--noop-only",
        action="store_true",
        help="only the no-op vs blind apply table: printed, nothing written",
    )
    parser.add_argument(
        "--overhead-only",
        action="store_true",
        help="only the client's own CPU time per call (no network): printed, nothing written",
    )
    parser.add_argument(
        "--masking-only",
        action="store_true",
        help="only export of a page of long stored tokens: printed, nothing written",
    )
    parser.add_argument(
        "--text-masking-only",
        action="store_true",
        help="only mask_text and text_stored_secrets on 1 MiB bodies: printed, nothing written",
    )
    parser.add_argument(
        "--latency-only",
        action="store_true",
        help="only the transports at a realistic latency: printed, nothing written",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS,
        help="where to write the tables (default: benchmarks/RESULTS.md, on the Performance page)",
    )
    args = parser.parse_args()
    quick = args.quick
    if args.noop_only:
        print(noop_apply(rounds=1 if quick else 3, n=20 if quick else 2000)[0])
        return
    if args.overhead_only:
        with contenders.quiet():
            print(client_overhead(rounds=1 if quick else 9, count=20 if quick else 2000)[0])
        return
    if args.masking_only:
        print(export_long_tokens(rounds=1 if quick else 3, counts=[5] if quick else [50, 150]))
        return
    if args.text_masking_only:
        print(text_masking(rounds=1 if quick else 5))
        return
    if args.latency_only:
        with contenders.quiet():
            print(latency(quick))
        return
    with contenders.quiet(), bench_server() as url:
        seq_table, _ = sequential(url, rounds=1 if quick else 9, count=20 if quick else 400)
        print(seq_table, end="\n\n", flush=True)
        overhead_table, _ = client_overhead(rounds=1 if quick else 9, count=20 if quick else 2000)
        print(overhead_table, end="\n\n", flush=True)
        bulk_table, _ = bulk(url, rounds=1 if quick else 5, n=40 if quick else 2000, concurrency=32)
        print(bulk_table, end="\n\n", flush=True)
        import_table, _ = imports(runs=1 if quick else 11, official=not quick, warm=not quick)
        print(import_table, end="\n\n", flush=True)
        plugin_table, _ = plugin_import(runs=1 if quick else 11, warm=not quick)
        print(plugin_table, end="\n\n", flush=True)
        memory_table = apply_memory(
            url, [20] if quick else [1000, 10000], [8] if quick else [8, 32]
        )
        print(memory_table, end="\n\n", flush=True)
    noop_table, _ = noop_apply(rounds=1 if quick else 3, n=20 if quick else 2000)
    print(noop_table, end="\n\n", flush=True)
    masking_table = export_long_tokens(rounds=1 if quick else 3, counts=[5] if quick else [50, 150])
    print(masking_table, end="\n\n", flush=True)
    with contenders.quiet():
        latency_table = latency(quick)
    print(latency_table, flush=True)
    cpu = platform.processor() or platform.machine()
    stamp = (
        f"Measured {datetime.date.today().isoformat()} on {os.cpu_count()} cores ({cpu}), "
        f"{platform.system()}, Python {platform.python_version()}; {versions()}."
    )
    body = "\n\n".join(
        [
            stamp,
            seq_table,
            overhead_table,
            bulk_table,
            import_table,
            plugin_table,
            memory_table,
            noop_table,
            masking_table,
            latency_table,
        ]
    )
    args.output.write_text(f"# Benchmark results\n\n{body}\n")


if __name__ == "__main__":
    main()
