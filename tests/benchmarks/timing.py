"""Small timing helpers: repeat a call, report medians and 95th percentiles in milliseconds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def sample(call: Callable[[], object], repeat: int, warmup: int = 2) -> list[float]:
    """Return ``repeat`` wall-clock timings of ``call`` in milliseconds, after a warm-up."""
    for _ in range(warmup):
        call()
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def p50(timings: list[float]) -> float:
    """The median."""
    return statistics.median(timings)


def p95(timings: list[float]) -> float:
    """The 95th percentile."""
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def row(name: str, timings: list[float], target: str = "") -> str:
    """Format one line of a results table."""
    return f"{name:<58} p50 {p50(timings):9.2f} ms  p95 {p95(timings):9.2f} ms  {target}"
