"""Dates counted in working days (the outcome letter's publication and a WSOA's due date) or
in months (a revisit after a WSOA).

Working days skip weekends and the bank holidays of the framework's region (the ``holidays``
package), so a count across Christmas, Easter or the late-May and August bank holidays comes
out as an inspector would count it on a calendar. How many days, and from what, is framework
data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from inspector_app.core.framework import Deadline, Framework
from inspector_app.core.models import add_months, letter_date

ON_SITE_DAYS = 5  # an inspection is normally up to five days on site


@dataclass(frozen=True)
class DeadlineDate:
    deadline: Deadline
    date: dt.date

    @property
    def spoken(self) -> str:
        """As a letter writes it: Monday 1 February 2027."""
        return letter_date(self.date, weekday=True)

    def describe(self) -> str:
        return f"{self.deadline.label}: {self.spoken}"


@cache
def _bank_holidays(country: str, subdivision: str, year: int) -> frozenset[dt.date]:
    import holidays  # imported on first use, not at start-up: it takes a tenth of a second

    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


def is_working_day(day: dt.date, region: tuple[str, str]) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(*region, day.year)


def add_working_days(start: dt.date, days: int, region: tuple[str, str]) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself is not counted)."""
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, region):
            days -= 1
    return day


def inspection_deadlines(
    framework: Framework, on_site_end: str, wsoa_required: bool
) -> list[DeadlineDate]:
    """Every deadline that applies, in order; none before the last day on site is known."""
    if not on_site_end:
        return []
    known = {"on_site_end": dt.date.fromisoformat(on_site_end)}
    out = []
    for deadline in framework.deadlines:
        if deadline.only_if == "wsoa-required" and not wsoa_required:
            continue
        if deadline.after not in known:
            continue
        start = known[deadline.after]
        day = add_months(start, deadline.months) if deadline.months else add_working_days(
            start, deadline.working_days, framework.holidays)
        known[deadline.id] = day
        out.append(DeadlineDate(deadline, day))
    return out


def on_site_doubts(framework: Framework, start: str, end: str) -> list[str]:
    """What looks wrong in the dates on site (set, but worth a second look): a first or last
    day that is not a working day, or more working days than an inspection normally takes."""
    doubts = []
    for which, day in (("first", start), ("last", end)):
        if day and not is_working_day(dt.date.fromisoformat(day), framework.holidays):
            spoken = letter_date(dt.date.fromisoformat(day), weekday=True)
            doubts.append(f"The {which} day on site, {spoken}, is not a working day; check it.")
    if start and end and start <= end:
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        days = sum(is_working_day(first + dt.timedelta(n), framework.holidays)
                   for n in range((last - first).days + 1))
        if days > ON_SITE_DAYS:
            doubts.append(f"The dates on site span {days} working days; an inspection is "
                          f"normally on site for up to {ON_SITE_DAYS}; check them.")
    return doubts
