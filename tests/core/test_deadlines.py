"""Working days as an inspector counts them on a calendar (DOMAIN.md, "After the inspection").

The outcome letter is published within 33 working days of the last day on site, and a written
statement of action (WSOA) is due 70 working days after publication. Working days skip
weekends and England's bank holidays. Every expected date below was counted by hand on a
calendar, one working day at a time, the start itself not counted; each comment shows the
count. England's bank holidays (from the holidays package):
2026: Thu 1 Jan, Fri 3 Apr (Good Friday), Mon 6 Apr (Easter Monday), Mon 4 May, Mon 25 May,
Mon 31 Aug, Fri 25 Dec, Sat 26 Dec (Boxing Day) and Mon 28 Dec (Boxing Day observed).
2027: Fri 1 Jan, Fri 26 Mar, Mon 29 Mar, Mon 3 May, Mon 31 May, Mon 30 Aug, Mon 27 and
Tue 28 Dec.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from inspector_app.core import framework as frameworks
from inspector_app.core.deadlines import (
    add_working_days,
    inspection_deadlines,
    is_working_day,
    on_site_doubts,
)
from inspector_app.core.errors import FrameworkError
from inspector_app.core.paths import frameworks_dir

ENGLAND = ("GB", "ENG")
SEND = frameworks.load("send-2016")
PUBLICATION = 33
WSOA = 70

BANK_HOLIDAYS_2026 = [
    dt.date(2026, 1, 1),  # New Year's Day, Thursday
    dt.date(2026, 4, 3),  # Good Friday
    dt.date(2026, 4, 6),  # Easter Monday
    dt.date(2026, 5, 4),  # early May bank holiday
    dt.date(2026, 5, 25),  # spring (late May) bank holiday
    dt.date(2026, 8, 31),  # summer bank holiday
    dt.date(2026, 12, 25),  # Christmas Day, Friday
    dt.date(2026, 12, 28),  # Boxing Day falls on Saturday 26th: observed Monday 28th
]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("last_day_on_site", "expected"),
    [
        # Christmas and New Year. From Fri 11 Dec 2026: Mon 14–Fri 18 Dec (5), Mon 21–Thu 24
        # (9; Fri 25 is Christmas Day), Mon 28 is Boxing Day observed, Tue 29–Thu 31 (12;
        # Fri 1 Jan is New Year's Day), then full weeks 4–8, 11–15, 18–22, 25–29 Jan
        # (17, 22, 27, 32) and Mon 1 Feb is the 33rd.
        pytest.param("2026-12-11", "2027-02-01", id="christmas-and-new-year"),
        # Easter 2026. From Fri 27 Mar: Mon 30 Mar–Thu 2 Apr (4; Fri 3 is Good Friday,
        # Mon 6 is Easter Monday), Tue 7–Fri 10 (8), weeks of 13, 20, 27 Apr (13, 18, 23),
        # Mon 4 May is the early-May holiday, Tue 5–Fri 8 (27), 11–15 May (32), Mon 18 (33).
        pytest.param("2026-03-27", "2026-05-18", id="easter"),
        # Both May bank holidays. From Fri 1 May: Mon 4 is a holiday, Tue 5–Fri 8 (4),
        # 11–15 (9), 18–22 (14), Mon 25 is a holiday, Tue 26–Fri 29 (18), 1–5 Jun (23),
        # 8–12 (28), 15–19 Jun (33): Friday 19 June.
        pytest.param("2026-05-01", "2026-06-19", id="early-and-late-may"),
        # Late May only. From Fri 15 May: 18–22 (5), Mon 25 is a holiday, Tue 26–Fri 29 (9),
        # weeks of 1, 8, 15, 22 Jun (14, 19, 24, 29), Mon 29 Jun–Thu 2 Jul (33).
        pytest.param("2026-05-15", "2026-07-02", id="late-may"),
        # August bank holiday. From Fri 21 Aug: 24–28 Aug (5), Mon 31 is a holiday,
        # Tue 1–Fri 4 Sep (9), weeks of 7, 14, 21, 28 Sep (14, 19, 24, 29), Mon 5–Thu 8 Oct (33).
        pytest.param("2026-08-21", "2026-10-08", id="august"),
        # No holiday in June or July 2026: six full weeks from Fri 5 Jun reach Fri 17 Jul (30),
        # then Mon 20, Tue 21, Wed 22 Jul (33).
        pytest.param("2026-06-05", "2026-07-22", id="no-holidays"),
    ],
)
def test_publication_date_33_working_days_after_the_last_day_on_site(last_day_on_site, expected):
    assert add_working_days(d(last_day_on_site), PUBLICATION, ENGLAND) == d(expected)


def test_starting_on_a_saturday_or_sunday_counts_as_starting_on_the_friday():
    # The weekend is not counted either way: the first working day counted is Monday 8 June.
    friday = add_working_days(d("2026-06-05"), PUBLICATION, ENGLAND)
    assert friday == d("2026-07-22")
    assert add_working_days(d("2026-06-06"), PUBLICATION, ENGLAND) == friday
    assert add_working_days(d("2026-06-07"), PUBLICATION, ENGLAND) == friday


def test_starting_on_a_bank_holiday_counts_as_starting_on_the_working_day_before():
    # From Mon 31 Aug 2026 (a bank holiday): Tue 1–Fri 4 Sep (4), weeks of 7, 14, 21, 28 Sep
    # and 5 Oct (9, 14, 19, 24, 29), Mon 12–Thu 15 Oct (33). From Fri 28 Aug the bank holiday
    # is skipped, so the count is the same.
    assert add_working_days(d("2026-08-31"), PUBLICATION, ENGLAND) == d("2026-10-15")
    assert add_working_days(d("2026-08-28"), PUBLICATION, ENGLAND) == d("2026-10-15")
    # From Fri 21 Aug the same holiday sits inside the count instead: one day earlier than a
    # plain seven weeks (Fri 9 Oct).
    assert add_working_days(d("2026-08-21"), PUBLICATION, ENGLAND) == d("2026-10-08")


def test_one_working_day_after_christmas_eve_is_the_tuesday_after_boxing_day():
    # Fri 25 Dec, the weekend, and Mon 28 Dec (Boxing Day observed) are all skipped.
    assert add_working_days(d("2026-12-24"), 1, ENGLAND) == d("2026-12-29")
    # Thu 2 Apr 2026: Good Friday, the weekend and Easter Monday are skipped.
    assert add_working_days(d("2026-04-02"), 1, ENGLAND) == d("2026-04-07")


@pytest.mark.parametrize(
    "start", ["2026-06-05", "2026-06-06", "2026-12-25", "2026-08-31"], ids=str
)
def test_zero_working_days_is_the_same_date_whatever_day_it_is(start):
    assert add_working_days(d(start), 0, ENGLAND) == d(start)


def test_weekends_are_not_working_days():
    assert [is_working_day(d("2026-06-01") + dt.timedelta(n), ENGLAND) for n in range(7)] == [
        True, True, True, True, True, False, False,  # Mon 1 Jun to Sun 7 Jun 2026
    ]


@pytest.mark.parametrize("holiday", BANK_HOLIDAYS_2026, ids=str)
def test_each_2026_bank_holiday_is_not_a_working_day(holiday):
    assert not is_working_day(holiday, ENGLAND)


def test_the_ordinary_days_around_the_bank_holidays_are_working_days():
    for day in (d("2026-04-02"), d("2026-04-07"), d("2026-05-05"), d("2026-05-26"),
                d("2026-09-01"), d("2026-12-24"), d("2026-12-29"), d("2026-12-31")):
        assert is_working_day(day, ENGLAND), day


# -- the inspection's deadlines -------------------------------------------------------------


def test_the_wsoa_date_appears_only_when_a_wsoa_is_required():
    without = inspection_deadlines(SEND, "2026-12-11", wsoa_required=False)
    assert [(x.deadline.id, x.date) for x in without] == [("publication", d("2027-02-01"))]
    with_wsoa = inspection_deadlines(SEND, "2026-12-11", wsoa_required=True)
    # 70 working days from Mon 1 Feb 2027: Tue 2–Fri 5 Feb (4), weeks of 8, 15, 22 Feb and
    # 1, 8, 15 Mar (9, 14, 19, 24, 29, 34), Mon 22–Thu 25 Mar (38; Fri 26 is Good
    # Friday, Mon 29 Easter Monday), Tue 30 Mar–Fri 2 Apr (42), weeks of 5, 12, 19, 26 Apr
    # (47, 52, 57, 62), Mon 3 May is a holiday, Tue 4–Fri 7 May (66), Mon 10–Thu 13 May (70).
    # DOMAIN.md: "Revisits follow a WSOA, usually within 18 months" (of publication).
    assert [(x.deadline.id, x.date) for x in with_wsoa] == [
        ("publication", d("2027-02-01")),
        ("wsoa", d("2027-05-13")),
        ("revisit", d("2028-08-01")),
    ]
    assert with_wsoa[0].describe().endswith("Monday 1 February 2027")
    assert with_wsoa[1].describe().endswith("Thursday 13 May 2027")
    assert with_wsoa[2].describe() == (
        "Revisit usually by (18 months after publication, following a written statement of "
        "action): Tuesday 1 August 2028"
    )


def test_dates_on_site_worth_a_second_look_are_said():
    assert on_site_doubts(SEND, "2026-12-07", "2026-12-11") == []  # Monday to Friday
    assert on_site_doubts(SEND, "2026-12-26", "2026-12-27") == [
        "The first day on site, Saturday 26 December 2026, is not a working day; check it.",
        "The last day on site, Sunday 27 December 2026, is not a working day; check it.",
    ]
    # Two months on site: 42 working days (25 and 28 December and 1 January are not).
    [long] = on_site_doubts(SEND, "2026-12-07", "2027-02-05")
    assert long.startswith("The dates on site span 42 working days")
    assert on_site_doubts(SEND, "", "2026-12-11") == []


def test_no_deadlines_before_the_last_day_on_site_is_known():
    assert inspection_deadlines(SEND, "", wsoa_required=True) == []
    assert inspection_deadlines(SEND, "", wsoa_required=False) == []


def test_the_framework_counts_33_and_70_working_days_in_england():
    assert SEND.holidays == ENGLAND
    assert [(x.id, x.after, x.working_days, x.months, x.only_if) for x in SEND.deadlines] == [
        ("publication", "on_site_end", PUBLICATION, 0, ""),
        ("wsoa", "publication", WSOA, 0, "wsoa-required"),
        ("revisit", "publication", 0, 18, "wsoa-required"),
    ]


# -- framework files ------------------------------------------------------------------------


def send_data() -> dict:
    return json.loads((frameworks_dir() / "send-2016.json").read_text(encoding="utf-8"))


def write_framework(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "send-modified.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def refused(tmp_path: Path, data: dict) -> tuple[Path, str]:
    """The framework file written from ``data``, and the message loading it was refused with."""
    path = write_framework(tmp_path, data)
    with pytest.raises(FrameworkError) as caught:
        frameworks.load_file(path)
    return path, str(caught.value)


def test_an_unmodified_copy_of_the_framework_loads(tmp_path):
    loaded = frameworks.load_file(write_framework(tmp_path, send_data()))
    assert loaded.deadlines == SEND.deadlines and loaded.finding_judgements == (
        "strength", "development", "weakness",
    )


def test_a_deadline_after_an_unknown_deadline_names_the_file_and_the_field(tmp_path):
    data = send_data()
    data["deadlines"][1]["after"] = "report-sent"
    path, message = refused(tmp_path, data)
    assert str(path) in message and "deadlines[1].after" in message and "report-sent" in message


def test_a_deadline_after_a_later_deadline_is_refused_too(tmp_path):
    data = send_data()
    data["deadlines"] = list(reversed(data["deadlines"]))  # WSOA first, counted from publication
    path, message = refused(tmp_path, data)
    assert str(path) in message and "deadlines[0].after" in message


def test_a_finding_judgement_that_is_not_a_judgement_names_the_file_and_the_field(tmp_path):
    data = send_data()
    data["finding_judgements"] = [*data["finding_judgements"], "concern"]
    path, message = refused(tmp_path, data)
    assert str(path) in message and "finding_judgements[3]" in message and "concern" in message


@pytest.mark.parametrize("value", ["support_level=Awaiting", "age_band", "ehc_request=x"])
def test_a_timescale_open_while_no_choice_of_a_field_names_the_file_and_the_field(
    tmp_path, value
):
    data = send_data()
    final = next(i for i, t in enumerate(data["timescales"]) if t["id"] == "final")
    data["timescales"][final]["open_while"] = value
    path, message = refused(tmp_path, data)
    assert str(path) in message and f"timescales[{final}].open_while" in message


@pytest.mark.parametrize("counts", [{}, {"working_days": 5, "months": 1}, {"months": -1}])
def test_a_deadline_counted_in_neither_or_both_or_negatively_is_refused(tmp_path, counts):
    data = send_data()
    for key in ("working_days", "months"):
        data["deadlines"][2].pop(key, None)
    data["deadlines"][2].update(counts)
    path, message = refused(tmp_path, data)
    assert str(path) in message and "deadlines[2]" in message


def test_a_bank_holiday_region_nobody_knows_is_refused_when_the_framework_loads(tmp_path):
    # Otherwise the file loads and the first deadline counted fails deep in the holidays
    # package, long after start-up validation said the framework was fine.
    data = send_data()
    data["holidays"]["subdivision"] = "Atlantis"
    path = write_framework(tmp_path, data)
    with pytest.raises(FrameworkError) as caught:
        loaded = frameworks.load_file(path)
        inspection_deadlines(loaded, "2026-12-11", wsoa_required=False)
    message = str(caught.value)
    assert str(path) in message and "holidays" in message
