"""What every benchmark group shares: options, results and timing helpers."""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


# -- options and results -----------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """What every group may read; the defaults are the figures DESIGN.md budgets for."""

    seed: int = 20240318
    notes: int = 10_000
    saves: int = 300
    photos: int = 5
    rounds: int = 5
    opens: int = 5
    disk_dir: Path | None = None  # None: the system temp folder
    bulk_dir: Path | None = None  # None: /dev/shm when it exists, else the system temp folder


@dataclass
class GroupResult:
    """Headline figures (flat, unique names across groups), their budgets, and the detail.

    ``budget`` holds upper limits (lower is better: times, memory, cost ratios);
    ``budget_min`` holds lower limits, for figures where higher is better (throughput ratios).
    """

    figures: dict[str, float]
    budget: dict[str, float]
    details: dict[str, Any] = field(default_factory=dict)
    budget_min: dict[str, float] = field(default_factory=dict)


# -- timing helpers ----------------------------------------------------------------------------


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Wall-clock seconds of one call (perf_counter) and its result."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    """The nearest-rank 95th percentile: 95% of samples are at or below it."""
    ordered = sorted(values)
    rank = max(1, -(-95 * len(ordered) // 100))
    return ordered[rank - 1]


def rounded(value: float, digits: int = 3) -> float:
    return float(f"{value:.{digits}g}") if value >= 1 else round(value, digits + 1)


def bulk_dir(options: Options) -> Path | None:
    """Where to build big files fast: tmpfs when there is one (fsync costs nothing there)."""
    if options.bulk_dir is not None:
        return options.bulk_dir
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else None


# -- memory ------------------------------------------------------------------------------------


def status_mb(field_name: str) -> float:
    """A memory figure of this process from /proc/self/status, in MiB: ``VmHWM`` the peak
    resident set, ``VmRSS`` the current one.

    ``ru_maxrss`` is only the fallback off Linux: in a child started by ``subprocess`` it also
    counts the parent's memory at the fork (the kernel carries the old address space's peak
    across ``exec``), so it would report the builder, not the process under test.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field_name}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def filesystem(path: Path) -> str:
    """The filesystem a folder is on (from /proc/mounts), so a report says tmpfs or disk."""
    try:
        mounts = [line.split()[:3] for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "unknown"
    resolved = str(path.resolve())
    inside = [m for m in mounts if resolved == m[1] or resolved.startswith(m[1].rstrip("/") + "/")]
    best = max(inside, key=lambda m: len(m[1]), default=None)
    return f"{best[2]} ({best[1]})" if best else "unknown"
