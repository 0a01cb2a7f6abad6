"""Percentiles and timing helpers."""

from __future__ import annotations

import math
import time
from contextlib import contextmanager


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of ``values`` (seconds or anything)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary_ms(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": percentile(values, 50) * 1000,
        "p95": percentile(values, 95) * 1000,
        "p99": percentile(values, 99) * 1000,
        "max": max(values) * 1000 if values else float("nan"),
        "mean": sum(values) / len(values) * 1000 if values else float("nan"),
    }


@contextmanager
def timer(into: dict, key: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        into[key] = time.perf_counter() - started
