"""Statutory timescales for EHC needs assessments, computed from a case record review's dates.

Which dates are compared and the limit in weeks come from the framework file, so a change in
the regulations is a data change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from inspector_app.core.framework import Framework, Timescale


@dataclass(frozen=True)
class TimescaleCheck:
    timescale: Timescale
    days: int | None  # None when a date is missing or the dates are out of order
    status: str  # "met", "breached", "missing", "out-of-order"

    @property
    def weeks(self) -> float | None:
        return None if self.days is None else round(self.days / 7, 1)

    def describe(self) -> str:
        limit = f"{self.timescale.weeks} weeks"
        if self.status == "missing":
            return f"{self.timescale.label}: not known (a date is missing)"
        if self.status == "out-of-order":
            return f"{self.timescale.label}: the dates are out of order; check them"
        verdict = "met" if self.status == "met" else f"BREACHED (limit {limit})"
        return f"{self.timescale.label}: {self.weeks:g} weeks, {verdict}"


def check_timescales(framework: Framework, fields: Mapping[str, Any]) -> list[TimescaleCheck]:
    """Every framework timescale checked against the note's dates; empty if none apply."""
    if not any(fields.get(t.start) or fields.get(t.end) for t in framework.timescales):
        return []
    return [_check(t, fields.get(t.start), fields.get(t.end)) for t in framework.timescales]


def _check(timescale: Timescale, start: str | None, end: str | None) -> TimescaleCheck:
    if not start or not end:
        return TimescaleCheck(timescale, None, "missing")
    days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days
    if days < 0:
        return TimescaleCheck(timescale, None, "out-of-order")
    status = "met" if days <= timescale.weeks * 7 else "breached"
    return TimescaleCheck(timescale, days, status)
