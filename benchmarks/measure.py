"""Timing helpers: rotating rounds, whole-process runs with their peak memory, statistics."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def rotated(items: Sequence[T], round_number: int) -> list[T]:
    """``items`` starting at a different one each round, so no contender always goes first."""
    shift = round_number % len(items) if items else 0
    return list(items[shift:]) + list(items[:shift])


def time_calls(call: Callable[[], object], count: int) -> float:
    """The median seconds of ``count`` calls (a rare stall, a GC pass, does not skew it)."""
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


#: Runs a command and prints its wall time and peak RSS. It is what forks, not the benchmark
#: process: a child's peak RSS counts the memory of whoever forked it, and this launcher is
#: small (``python -I -S``), where the benchmark holds every client it measures.
_LAUNCHER = """
import os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - started, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def run_process(argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a whole process; its wall time in seconds and its peak RSS in MiB."""
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _LAUNCHER, *argv],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, kib, code = result.stdout.split()
    if int(code) not in (0, 1):
        raise RuntimeError(f"{list(argv)} exited with {code}: {result.stderr[-500:]}")
    return float(seconds), int(kib) / 1024


def summary(values: Sequence[float]) -> tuple[float, float, float]:
    """(median, min, max)."""
    return statistics.median(values), min(values), max(values)
