"""Cleaning and checking what people type, and the statutory EHC timescales."""

import datetime as dt
import unicodedata
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspector_app.core import framework
from inspector_app.core.errors import InvalidInput
from inspector_app.core.models import (
    Attachment,
    Note,
    check_attachment,
    check_field,
    check_note,
    clean_line,
    clean_text,
)
from inspector_app.core.timescales import check_timescales

FW = framework.load()


def weeks_after(start: str, weeks: int, days: int = 0) -> str:
    return (dt.date.fromisoformat(start) + dt.timedelta(weeks=weeks, days=days)).isoformat()


def by_id(checks):
    return {c.timescale.id: c for c in checks}


def test_child_a_final_plan_at_week_27_breaches_the_20_week_limit():
    checks = by_id(check_timescales(FW, {
        "ehc_request": "2024-01-08",
        "ehc_decision": weeks_after("2024-01-08", 6),
        "ehc_final": weeks_after("2024-01-08", 27),
    }))
    assert checks["final"].status == "breached" and checks["final"].weeks == 27
    assert checks["decision"].status == "met" and checks["decision"].weeks == 6
    assert checks["comment"].status == "missing"  # no draft date
    assert "no-plan" not in checks  # only with a decision not to issue a plan
    assert "BREACHED" in checks["final"].describe()


def test_one_day_over_the_limit_is_a_breach_and_on_the_day_is_not():
    request = "2023-12-18"  # across Christmas: calendar weeks, not working days
    on_time = by_id(check_timescales(FW, {"ehc_request": request,
                                          "ehc_final": weeks_after(request, 20)}))
    late = by_id(check_timescales(FW, {"ehc_request": request,
                                       "ehc_final": weeks_after(request, 20, 1)}))
    assert on_time["final"].status == "met" and on_time["final"].days == 140
    assert late["final"].status == "breached" and late["final"].days == 141


def test_dates_out_of_order_are_flagged_not_computed():
    checks = by_id(check_timescales(FW, {"ehc_request": "2024-05-01",
                                         "ehc_decision": "2024-04-01"}))
    assert checks["decision"].status == "out-of-order" and checks["decision"].weeks is None
    assert "out of order" in checks["decision"].describe()
    day_before = by_id(check_timescales(FW, {"ehc_request": "2024-05-01",
                                             "ehc_decision": "2024-04-30"}))
    assert day_before["decision"].status == "out-of-order"


def test_a_draft_plan_late_by_week_16_is_no_breach_when_the_final_is_in_time():
    # There is no limit on the draft plan itself (DOMAIN.md: reg 10 is the decision not to
    # issue a plan); parents' 15 days to comment on it are the rule.
    checks = by_id(check_timescales(FW, {
        "ehc_request": "2025-01-06", "ehc_decision": "2025-02-10",
        "ehc_draft": "2025-05-05", "ehc_final": "2025-05-09",
    }, "2025-06-02"))
    assert {i: c.status for i, c in checks.items()} == {
        "decision": "met", "comment": "breached", "final": "met", "review": "met"
    }
    assert checks["comment"].describe() == (
        "Parents had at least 15 days to comment on the draft plan (reg 13(1)): 4 days, "
        "BREACHED (at least 15 days)"
    )
    fifteen = by_id(check_timescales(FW, {"ehc_draft": "2025-05-05", "ehc_final": "2025-05-20"}))
    assert fifteen["comment"].status == "met" and fifteen["comment"].days == 15


def test_a_decision_not_to_issue_a_plan_has_16_weeks_and_no_final_plan_is_due():
    request = "2024-01-08"
    late = by_id(check_timescales(FW, {"ehc_request": request,
                                       "ehc_no_plan": weeks_after(request, 16, 1)}))
    assert late["no-plan"].status == "breached"
    assert "final" not in late  # no plan is coming, so no final plan is overdue
    on_time = by_id(check_timescales(FW, {"ehc_request": request,
                                          "ehc_no_plan": weeks_after(request, 16)}))
    assert on_time["no-plan"].status == "met"


def test_advice_given_after_6_weeks_breaches_reg_8():
    asked = "2026-01-05"
    on_time = by_id(check_timescales(FW, {"advice_asked": asked,
                                          "advice_last": weeks_after(asked, 6)}))["advice"]
    late = by_id(check_timescales(FW, {"advice_asked": asked,
                                       "advice_last": weeks_after(asked, 9)}))["advice"]
    assert (on_time.status, late.status, late.weeks) == ("met", "breached", 9)
    assert late.describe() == (
        "Advice given within 6 weeks of being asked (reg 8): 9 weeks, BREACHED (limit 6 weeks)"
    )


def test_a_plan_still_to_come_past_20_weeks_is_a_breach_and_before_then_is_due():
    request, on_site = "2025-06-02", "2026-09-14"
    assessing = {"ehc_request": request, "support_level": "Assessment in progress"}
    late = by_id(check_timescales(FW, assessing, on_site))["final"]
    assert (late.status, late.weeks) == ("breached", 67.0)
    assert late.describe().endswith(
        ": still to come 67 weeks on at the inspection, BREACHED (limit 20 weeks)"
    )
    soon = by_id(check_timescales(FW, assessing, weeks_after(request, 20)))["final"]
    assert (soon.status, soon.days) == ("open", None)
    assert soon.describe().endswith(": still to come, due 20 October 2025")
    # Due while limits were relaxed in 2020, and still not done years later: a breach.
    relaxed = by_id(check_timescales(FW, {**assessing, "ehc_request": "2020-03-02"},
                                     on_site))["final"]
    assert relaxed.status == "breached" and relaxed.relaxation is None
    # Without a sign the assessment goes on, a missing date is only missing.
    unsaid = by_id(check_timescales(FW, {"ehc_request": request}, on_site))["final"]
    assert unsaid.status == "missing"


def test_a_plan_not_reviewed_in_the_12_months_before_the_inspection_is_a_breach():
    on_site = "2026-09-14"
    reviewed = by_id(check_timescales(FW, {"last_annual_review": "2025-09-14"}, on_site))
    assert reviewed["review"].status == "met" and reviewed["review"].months == 12
    late = by_id(check_timescales(FW, {"last_annual_review": "2025-09-13"}, on_site))
    assert late["review"].status == "breached"
    assert late["review"].describe().endswith(
        ": 12 months 1 day before the inspection, BREACHED (limit 12 months)"
    )
    # Never reviewed: counted from the final plan, and the line says so.
    never = by_id(check_timescales(FW, {"ehc_final": "2024-03-01"}, on_site))
    assert never["review"].status == "breached" and never["review"].months == 30
    assert "(from final plan issued, as last annual review is not given)" in (
        never["review"].describe()
    )
    young = by_id(check_timescales(FW, {"ehc_final": "2026-05-01"}, on_site))
    assert young["review"].status == "met"  # the first review is not due yet


def test_months_are_whole_months_so_less_than_a_month_is_none():
    check = by_id(check_timescales(FW, {"last_annual_review": "2026-01-15"}, "2026-02-10"))
    review = check["review"]
    assert (review.status, review.months, review.extra_days) == ("met", 0, 26)
    assert review.describe().endswith(": 0 months 26 days before the inspection, met")


def test_without_dates_on_site_a_review_is_counted_to_today():
    today = dt.date.today()
    check = by_id(check_timescales(FW, {"last_annual_review": "2000-01-01"}))["review"]
    assert check.status == "breached" and check.days == (today - dt.date(2000, 1, 1)).days
    assert " ago, BREACHED" in check.describe()


def test_limits_passed_while_they_were_relaxed_in_2020_are_not_breaches():
    request = "2020-04-06"
    checks = by_id(check_timescales(FW, {"ehc_request": request,
                                         "ehc_decision": weeks_after(request, 8),
                                         "ehc_final": "2020-09-28"}))
    assert checks["decision"].status == "relaxed" and checks["final"].status == "relaxed"
    assert checks["final"].describe().endswith(
        ": 25 weeks, over the limit while time limits were relaxed from 1 May to "
        "25 September 2020"
    )
    before = by_id(check_timescales(FW, {"ehc_request": "2019-10-07",
                                         "ehc_final": "2020-04-27"}))
    assert before["final"].status == "breached"  # all of it before the relaxation
    # Only a deadline that fell while the limits were relaxed is excused, not a late plan
    # whose deadline had passed before (or came after) and that ran on into the window.
    long_late = by_id(check_timescales(FW, {"ehc_request": "2019-01-07",
                                            "ehc_final": "2020-06-01"}))
    assert long_late["final"].status == "breached"
    after = by_id(check_timescales(FW, {"ehc_request": "2020-09-21",
                                        "ehc_final": "2021-03-15"}))
    assert after["final"].status == "breached"  # due on 8 February 2021
    edge = by_id(check_timescales(FW, {"ehc_request": "2020-05-08",  # due 25 September 2020
                                       "ehc_final": "2020-10-30"}))
    assert edge["final"].status == "relaxed"
    # A review is checked as at the inspection: one due while the limits were relaxed and
    # still not held by then is a breach.
    review = by_id(check_timescales(FW, {"last_annual_review": "2019-06-01"}, "2020-09-01"))
    assert review["review"].status == "breached"


def test_no_ehc_dates_means_no_timescales():
    assert check_timescales(FW, {"age_band": "6–10"}) == []


def test_control_characters_are_removed_and_newlines_kept():
    assert clean_text("a\x00b\x07c\r\nd\x1be\u200b") == "abc\nde\u200b"
    assert clean_line("two\nlines\t") == "two lines"
    assert clean_text("lone \ud800 surrogate") == "lone \ufffd surrogate"
    assert clean_text("Zoe\u0308 Brontë") == "Zo\u00eb Brontë"  # composed, as typed on a Mac
    # An override would show text reversed from what is stored and searched; Unicode's own
    # line and paragraph separators become the newline everything else understands.
    assert clean_text("paid \u202e01\u202c on time\u2028next\u2029end") == (
        "paid 01 on time\nnext\nend"
    )
    assert clean_line("one\u2028line") == "one line"


@pytest.mark.parametrize(
    "control", [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))],
    ids=lambda c: f"U+{ord(c):04X}",
)
def test_every_direction_embedding_override_and_isolate_is_removed(control):
    assert clean_text(f"Plan issued in week {control}72{control}") == "Plan issued in week 72"
    assert clean_line(f"Child {control}A") == "Child A"


def test_direction_marks_are_kept_for_right_to_left_text():
    assert clean_text("\u05d0\u200f (week 27)\u200e") == "\u05d0\u200f (week 27)\u200e"


def test_text_over_the_limit_is_refused_with_the_limit():
    with pytest.raises(InvalidInput, match="200,000"):
        clean_text("x" * 200_001)


def test_a_line_over_the_limit_is_named_in_the_refusal():
    note = Note(id="x", kind="meeting", author="Sam", questions=("A",),
                outcomes=("identification",), judgement="context", title="t" * 301, text="Seen.")
    with pytest.raises(InvalidInput, match="^The title is 301 characters; the limit is 300.$"):
        check_note(FW, note)
    with pytest.raises(InvalidInput, match="^The child's pseudonym is 61 characters"):
        check_note(FW, replace(note, title="", children=("C" * 61,)))


@given(st.text())
def test_any_text_cleans_to_storable_utf8(text):
    cleaned = clean_text(text[:1000])
    cleaned.encode("utf-8")  # no lone surrogates survive
    assert unicodedata.is_normalized("NFC", cleaned)
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in cleaned)
    assert not set(cleaned) & {*"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
                               "\u2028", "\u2029"}


def test_fields_are_parsed_to_their_stored_form():
    review = FW.kind("case-review")
    assert check_field(review.field("ehc_request"), " 2024-03-18 ") == "2024-03-18"
    assert check_field(review.field("support_level"), "ehc PLAN") == "EHC plan"
    assert check_field(review.field("age_band"), "6-10") == "6–10"  # a hyphen for the en dash
    assert check_field(review.field("advice_received"), "Health, education") == [
        "Health", "Education"
    ]
    assert check_field(FW.kind("meeting").field("participant_count"), "4") == 4
    # Typed the British way, day first: never 3 June.
    assert check_field(review.field("ehc_request"), "06/03/2024") == "2024-03-06"
    assert check_field(review.field("ehc_request"), "6.3.2024") == "2024-03-06"
    for typed in ("03/18/2024", "18/03/24", "2024/03/18", "31/02/2024"):
        with pytest.raises(InvalidInput, match="date like 16/03/2026 or 2026-03-16"):
            check_field(review.field("ehc_request"), typed)
    with pytest.raises(InvalidInput, match="between 1990 and 2100"):
        check_field(review.field("ehc_request"), "9999-12-31")  # its timescales cannot be counted
    with pytest.raises(InvalidInput, match="SEN support"):
        check_field(review.field("support_level"), "statement")
    with pytest.raises(InvalidInput, match="between 1 and 500"):
        check_field(FW.kind("meeting").field("participant_count"), "0")
    with pytest.raises(InvalidInput, match="between 1 and 500"):
        check_field(FW.kind("meeting").field("participant_count"), "501")
    assert check_field(FW.kind("meeting").field("participant_count"), "500") == 500


def test_a_photo_record_with_an_impossible_size_is_refused():
    record = Attachment(
        id="a" * 8 + "-0000-4000-8000-" + "0" * 12, note_id="n", filename="photo.jpg",
        width=64, height=48, sizes={"photo": 10**30, "thumb": 10},
        sha256={"photo": "0" * 64, "thumb": "0" * 64}, created_at="2026-03-16T09:00:00+00:00",
    )
    with pytest.raises(InvalidInput, match="impossible size"):
        check_attachment(record, record.id)
    fine = replace(record, sizes={"photo": 1000, "thumb": 10})
    assert check_attachment(fine, record.id) == fine


@pytest.mark.parametrize(
    "digest", ["g" * 64, "0" * 63, "0" * 65, "A" * 64, " " + "0" * 63],
    ids=["not hex", "short", "long", "capitals", "space"],
)
def test_a_photo_record_with_a_damaged_digest_is_refused(digest):
    record = Attachment(
        id="a" * 8 + "-0000-4000-8000-" + "0" * 12, note_id="n", filename="photo.jpg",
        width=64, height=48, sizes={"photo": 1000, "thumb": 10},
        sha256={"photo": "0" * 64, "thumb": digest}, created_at="2026-03-16T09:00:00+00:00",
    )
    with pytest.raises(InvalidInput, match="damaged digest"):
        check_attachment(record, record.id)


def test_a_conflicts_versions_show_only_what_differs():
    from inspector_app.core.models import Version

    base = {"title": "Same title", "text": "Line one\nline two", "questions": ["B"],
            "fields": {"participant_count": 4}, "updated_at": "2026-03-16T09:00:00+00:00"}
    mine = Version("a" * 32, "Sam", "t1", base)
    theirs = Version("b" * 32, "Ali", "t2", {**base, "questions": ["B", "C"],
                                             "fields": {"participant_count": 5},
                                             "updated_at": "2026-03-16T10:00:00+00:00"})
    assert mine.differences([theirs]) == [("field participant_count", "4"), ("questions", "B")]
    assert theirs.differences([mine]) == [("field participant_count", "5"),
                                          ("questions", "B, C")]
    gone = Version("c" * 32, "Ali", "t3", {"deleted": True})
    # Beside a deletion, the words kept and who deleted it; no field names from the file.
    assert mine.differences([gone]) == [("title", "Same title"), ("text", "Line one / line two")]
    assert gone.differences([mine]) == [("deleted", "by Ali")]
