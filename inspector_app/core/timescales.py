"""Statutory timescales for EHC needs assessments and plans, computed from a case record
review's dates.

Which dates are compared, the limit and its unit, and the periods in which the limits were
relaxed all come from the framework file, so a change in the regulations is a data change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from inspector_app.core.framework import INSPECTION, Framework, Relaxation, Timescale
from inspector_app.core.models import add_months, letter_date


@dataclass(frozen=True)
class TimescaleCheck:
    timescale: Timescale
    days: int | None  # None when a date is missing or the dates are out of order
    # "met", "breached", "relaxed" (over a limit that was relaxed at the time), "missing" or
    # "out-of-order"
    status: str
    months: int | None = None  # whole months, for a limit in months
    relaxation: Relaxation | None = None
    to_today: bool = False  # ends today, as the inspection's first day on site is not known
    stand_in: str = ""  # the label of the date counted from, as the first is not given
    missing: str = ""  # and the label of that first date
    extra_days: int = 0  # beyond the whole months
    due: str = ""  # a step still to come: when it is due (status "open", or "breached")

    @property
    def weeks(self) -> float | None:
        return None if self.days is None else round(self.days / 7, 1)

    @property
    def taken(self) -> float | None:
        """The time between the dates, in the unit of the limit."""
        if self.days is None:
            return None
        return {"weeks": self.weeks, "days": self.days, "months": self.months}[
            self.timescale.unit
        ]

    def describe(self) -> str:
        t = self.timescale
        if self.status == "missing":
            return f"{t.label}: not known (a date is missing)"
        if self.status == "out-of-order":
            return f"{t.label}: the dates are out of order; check them"
        if self.status == "open":
            return f"{t.label}: still to come, due {letter_date(dt.date.fromisoformat(self.due))}"
        taken = _amount(self.taken or 0, t.unit)
        if self.due:  # past its limit, and still to come
            taken = f"still to come {taken} on " + (
                "today" if self.to_today else "at the inspection")
        if self.extra_days:
            taken += f" {_amount(self.extra_days, 'days')}"
        if t.end == INSPECTION:
            taken += " ago" if self.to_today else " before the inspection"
        if self.stand_in:
            taken += f" (from {self.stand_in.lower()}, as {self.missing.lower()} is not given)"
        if self.status == "met":
            return f"{t.label}: {taken}, met"
        if self.status == "relaxed" and self.relaxation is not None:
            return f"{t.label}: {taken}, over the limit while {self.relaxation.label}"
        limit = f"limit {_amount(t.amount, t.unit)}" if t.rule == "within" else t.limit
        return f"{t.label}: {taken}, BREACHED ({limit})"


def check_timescales(
    framework: Framework, fields: Mapping[str, Any], on_site: str = ""
) -> list[TimescaleCheck]:
    """Every timescale that applies to a case's dates; empty if none does.

    A timescale applies once one of its dates is given (and its ``shown_if`` date is, and its
    ``hidden_if`` date is not). ``on_site`` is the inspection's first day on site, where a
    timescale ending at the inspection ends; without it, today.
    """
    checks = []
    for t in framework.timescales:
        own = (t.start, t.or_start, t.end)
        if not any(fields.get(name) for name in own if name and name != INSPECTION):
            continue
        if (t.shown_if and not fields.get(t.shown_if)) or (t.hidden_if and fields.get(t.hidden_if)):
            continue
        stand_in = bool(not fields.get(t.start) and t.or_start and fields.get(t.or_start))
        start = fields.get(t.or_start) if stand_in else fields.get(t.start)
        end = (on_site or dt.date.today().isoformat()) if t.end == INSPECTION else fields.get(t.end)
        field, choice = t.open_while
        if start and not end and field and fields.get(field) == choice:
            checks.append(_still_to_come(framework, t, start, on_site))
            continue
        check = _check(framework, t, start, end, to_today=t.end == INSPECTION and not on_site)
        if stand_in:
            check = replace(
                check, stand_in=_label(framework, t.or_start), missing=_label(framework, t.start)
            )
        checks.append(check)
    return checks


def _check(
    framework: Framework, t: Timescale, start: str | None, end: str | None, to_today: bool
) -> TimescaleCheck:
    if not start or not end:
        return TimescaleCheck(t, None, "missing")
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    days = (last - first).days
    if days < 0:
        return TimescaleCheck(t, None, "out-of-order")
    months, extra = None, 0
    if t.unit == "months":
        months = (last.year - first.year) * 12 + last.month - first.month
        months -= add_months(first, months) > last
        extra = (last - add_months(first, months)).days
        within = last <= add_months(first, t.amount)
    else:
        within = days <= t.amount * (7 if t.unit == "weeks" else 1)
    met = within if t.rule == "within" else days >= t.amount
    if met:
        return TimescaleCheck(t, days, "met", months, to_today=to_today, extra_days=extra)
    relaxed = None
    if t.rule == "within" and t.end != INSPECTION:  # a deadline that fell while relaxed
        due = (
            add_months(first, t.amount)
            if t.unit == "months"
            else first + dt.timedelta(days=t.amount * (7 if t.unit == "weeks" else 1))
        ).isoformat()
        relaxed = next((r for r in framework.relaxed_limits if r.start <= due <= r.end), None)
    status = "relaxed" if relaxed else "breached"
    return TimescaleCheck(t, days, status, months, relaxed, to_today, extra_days=extra)


def _still_to_come(framework: Framework, t: Timescale, start: str, on_site: str) -> TimescaleCheck:
    """A step not yet taken: open until its limit, then breached by the inspection (or today,
    before the first day on site is known); a limit relaxed when it fell is breached once the
    relaxation has ended with the step still to come."""
    first = dt.date.fromisoformat(start)
    due = add_months(first, t.amount) if t.unit == "months" else first + dt.timedelta(
        days=t.amount * (7 if t.unit == "weeks" else 1))
    day = dt.date.fromisoformat(on_site) if on_site else dt.date.today()
    if day <= due:
        return TimescaleCheck(t, None, "open", due=due.isoformat())
    check = _check(framework, t, start, day.isoformat(), to_today=not on_site)
    if check.relaxation is not None and check.relaxation.end < day.isoformat():
        check = replace(check, status="breached", relaxation=None)  # still not done after
    return replace(check, due=due.isoformat())


def _label(framework: Framework, field_id: str) -> str:
    return next(f.label for k in framework.kinds for f in k.fields if f.id == field_id)


def _amount(value: float, unit: str) -> str:
    return f"{value:g} {unit[:-1] if value == 1 else unit}"
