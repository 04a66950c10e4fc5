"""Findings (the lead's statements, resting on notes) and the inspection's details.

A finding is listed by question, then judgement in the framework's order (strength,
development, weakness), then its order; it is sealed, audited, versioned and travels in
bundles like a note. The inspection's details (on-site dates, the WSOA decision, addressees,
the team) feed the outcome letter and its deadlines (DOMAIN.md, "After the inspection").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector_app.core import bundle
from inspector_app.core.deadlines import inspection_deadlines
from inspector_app.core.errors import InConflict, InvalidInput, NotFound
from inspector_app.core.findings import (
    add_finding,
    delete_finding,
    edit_finding,
    finding,
    findings,
    restore_finding,
)
from inspector_app.core.store import Inspection
from tests.conftest import PASSPHRASE, add_fixture_note, cli

STATEMENT = "Too few EHC plans are issued within 20 weeks; health advice is often missing."


def one_sentence(message: str) -> None:
    assert message and "\n" not in message.strip() and message.rstrip().endswith("."), message
    assert "Traceback" not in message, message


def listed(inspection: Inspection) -> list[tuple[str, str, int, str]]:
    return [(f.question, f.judgement, f.order, f.text) for f in findings(inspection)]


def notes(inspection: Inspection, count: int = 2) -> list[str]:
    return [
        add_fixture_note(inspection, title=f"Case {n}", text=f"Case file {n} read in full.").id
        for n in range(count)
    ]


# -- adding and listing ---------------------------------------------------------------------


def test_findings_rest_on_notes_and_list_by_question_judgement_and_order(inspection):
    first, second, third = notes(inspection, 3)
    weakness = add_finding(inspection, question="B", judgement="weakness", text="B weak",
                           evidence=[first])
    add_finding(inspection, question="A", judgement="development", text="A dev",
                evidence=[second[:8]])
    add_finding(inspection, question="B", judgement="strength", text="B strong",
                evidence=[third])
    main = add_finding(inspection, question="B", judgement="strength", text="B strong, main",
                       evidence=[first, second[:6], first], main=True)
    add_finding(inspection, question="A", judgement="development", text="A dev, placed",
                evidence=[first], order=5)
    add_finding(inspection, question="A", judgement="development", text="A dev, after",
                evidence=[first])
    add_finding(inspection, question="b", judgement="strength", text="lower-case question",
                evidence=[first])

    assert listed(inspection) == [
        ("A", "development", 1, "A dev"),
        ("A", "development", 5, "A dev, placed"),
        ("A", "development", 6, "A dev, after"),  # one after the last of its kind
        ("B", "strength", 1, "B strong"),
        ("B", "strength", 2, "B strong, main"),
        ("B", "strength", 3, "lower-case question"),
        ("B", "weakness", 1, "B weak"),  # weakness after strength: the framework's order
    ]
    # Prefixes become full ids, repeats are dropped, and the order given is kept.
    assert finding(inspection, main.id).evidence == (first, second)
    assert [f.main for f in findings(inspection)] == [False, False, False, False, True, False,
                                                      False]
    assert {f.author for f in findings(inspection)} == {"Sam Lead"}
    assert finding(inspection, weakness.id[:8]).text == "B weak"

    before = [f.to_json() for f in findings(inspection)]
    inspection.close()
    with Inspection.open(inspection.path, PASSPHRASE) as again:
        assert [f.to_json() for f in findings(again)] == before
        assert again.verify().ok


def test_a_findings_text_is_cleaned_of_control_characters(inspection):
    [note] = notes(inspection, 1)
    made = add_finding(
        inspection, question="C", judgement="development",
        text="  Waits\x07 for\x00 therapy\x1b[31m\u0085 are long.\r\nSecond\tline.  ",
        evidence=[note],
    )
    assert made.text == "Waits for therapy[31m are long.\nSecond\tline."
    assert finding(inspection, made.id).text == made.text


def test_a_finding_with_a_note_id_nobody_typed_whole_is_found_by_prefix(inspection):
    [note] = notes(inspection, 1)
    made = add_finding(inspection, question="A", judgement="strength", text=STATEMENT,
                       evidence=[f"  {note[:4]}  "])
    assert made.evidence == (note,)


@pytest.mark.parametrize(
    ("overrides", "error", "words"),
    [
        pytest.param({"text": "  \x00\n "}, InvalidInput, "text is empty", id="empty-text"),
        pytest.param({"evidence": []}, InvalidInput, "evidence", id="no-evidence"),
        pytest.param({"evidence": ["0f0f0f0f-0000-4000-8000-000000000000"]}, NotFound,
                     "no note", id="unknown-note"),
        pytest.param({"evidence": ["FINDING"]}, NotFound, "no note", id="a-finding-not-a-note"),
        pytest.param({"judgement": "context"}, InvalidInput, "judgement for a finding",
                     id="context"),
        pytest.param({"judgement": "outstanding"}, InvalidInput, "outstanding",
                     id="unknown-judgement"),
        pytest.param({"question": "D"}, InvalidInput, "question 'D'", id="unknown-question"),
        # An order no teammate's file would take from a bundle (see bundle._check_data).
        pytest.param({"order": 10**6}, InvalidInput, "order is a whole number",
                     id="order-too-far"),
        pytest.param({"order": -(10**20)}, InvalidInput, "order is a whole number",
                     id="order-far-below"),
    ],
)
def test_a_bad_finding_is_refused_in_a_sentence_and_nothing_is_saved(
    inspection, overrides, error, words
):
    [note] = notes(inspection, 1)
    existing = add_finding(inspection, question="A", judgement="strength", text=STATEMENT,
                           evidence=[note])
    if overrides.get("evidence") == ["FINDING"]:
        overrides = {"evidence": [existing.id]}
    audit = len(inspection.audit_log())
    arguments = {"question": "B", "judgement": "weakness", "text": STATEMENT,
                 "evidence": [note], **overrides}
    with pytest.raises(error) as caught:
        add_finding(inspection, **arguments)
    one_sentence(str(caught.value))
    assert words in str(caught.value)
    assert [f.id for f in findings(inspection)] == [existing.id]
    assert len(inspection.audit_log()) == audit


# -- editing and deleting -------------------------------------------------------------------


def test_edit_changes_text_evidence_main_and_order(inspection):
    first, second = notes(inspection, 2)
    made = add_finding(inspection, question="B", judgement="development", text=STATEMENT,
                       evidence=[first])
    later = add_finding(inspection, question="B", judgement="development", text="Second",
                        evidence=[first])
    edited = edit_finding(inspection, made.id[:8], text="Plans are late.\x00", evidence=[second],
                          main=True, order=9)
    assert (edited.text, edited.evidence, edited.main, edited.order) == (
        "Plans are late.", (second,), True, 9,
    )
    assert edited.revision > made.revision
    assert [f.id for f in findings(inspection)] == [later.id, made.id]  # order 2, then 9
    inspection.close()
    with Inspection.open(inspection.path, PASSPHRASE) as again:
        shown = finding(again, made.id)
        assert (shown.text, shown.evidence, shown.main, shown.order, shown.revision) == (
            "Plans are late.", (second,), True, 9, edited.revision,
        )
        assert again.verify().ok


def test_an_edit_to_an_order_out_of_range_is_refused_and_nothing_changes(inspection):
    [note] = notes(inspection, 1)
    made = add_finding(inspection, question="A", judgement="strength", text=STATEMENT,
                       evidence=[note])
    with pytest.raises(InvalidInput, match="order is a whole number") as caught:
        edit_finding(inspection, made.id, order=99999999999999999999999)
    one_sentence(str(caught.value))
    assert finding(inspection, made.id).order == made.order


def test_an_edit_that_changes_nothing_writes_nothing(inspection):
    first, second = notes(inspection, 2)
    made = add_finding(inspection, question="A", judgement="strength", text=STATEMENT,
                       evidence=[first, second], main=True)
    audit = len(inspection.audit_log())
    same = edit_finding(inspection, made.id, text=f"  {STATEMENT}\n", evidence=[first[:8], second],
                        main=True, order=made.order, question="a")
    assert same.revision == made.revision and same.updated_at == made.updated_at
    assert len(inspection.audit_log()) == audit
    assert finding(inspection, made.id).revision == made.revision


def test_an_edit_of_an_unknown_field_or_an_unknown_finding_is_refused(inspection):
    [note] = notes(inspection, 1)
    made = add_finding(inspection, question="A", judgement="strength", text=STATEMENT,
                       evidence=[note])
    with pytest.raises(InvalidInput) as caught:
        edit_finding(inspection, made.id, author="Someone Else")
    one_sentence(str(caught.value))
    assert "author" in str(caught.value)
    with pytest.raises(NotFound) as caught:
        edit_finding(inspection, "0f0f0f0f", text="Anything.")
    one_sentence(str(caught.value))
    with pytest.raises(InvalidInput, match="judgement for a finding"):
        edit_finding(inspection, made.id, judgement="context")
    shown = finding(inspection, made.id)
    assert (shown.author, shown.judgement, shown.revision) == ("Sam Lead", "strength",
                                                               made.revision)


@pytest.mark.parametrize("length", [1, 2, 3])
def test_a_finding_id_shorter_than_four_characters_is_refused_as_too_short(inspection, length):
    [note] = notes(inspection, 1)
    made = add_finding(inspection, question="A", judgement="strength", text=STATEMENT,
                       evidence=[note])
    with pytest.raises(InvalidInput, match="too short to name a finding") as caught:
        finding(inspection, made.id[:length])
    one_sentence(str(caught.value))
    assert finding(inspection, made.id[:4]).id == made.id


def test_deleting_a_finding_removes_it_and_the_audit_log_says_so(inspection):
    [note] = notes(inspection, 1)
    kept = add_finding(inspection, question="A", judgement="strength", text="Kept",
                       evidence=[note])
    gone = add_finding(inspection, question="A", judgement="strength", text="Gone",
                       evidence=[note])
    assert delete_finding(inspection, gone.id[:8]).id == gone.id
    assert [f.id for f in findings(inspection)] == [kept.id]
    with pytest.raises(NotFound):
        finding(inspection, gone.id)
    last = inspection.audit_log()[-1]
    assert (last["action"], last["type"], last["id"]) == ("delete", "finding", gone.id)
    # A tombstone, so the deletion can travel: the record is still there, marked deleted.
    assert inspection.file.read("finding", gone.id)[1]["heads"][0]["data"] == {"deleted": True}
    inspection.close()
    with Inspection.open(inspection.path, PASSPHRASE) as again:
        assert [f.text for f in findings(again)] == ["Kept"]
        assert again.verify().ok


def test_a_deleted_finding_is_brought_back_whole_and_the_audit_log_says_so(inspection):
    first, second = notes(inspection, 2)
    made = add_finding(inspection, question="B", judgement="weakness", text=STATEMENT,
                       evidence=[first, second], main=True)
    edit_finding(inspection, made.id, order=3)
    gone = delete_finding(inspection, made.id)
    back = restore_finding(inspection, gone)
    assert not back.conflict
    shown = finding(inspection, made.id)
    assert (shown.question, shown.judgement, shown.text, shown.evidence, shown.main,
            shown.order) == ("B", "weakness", STATEMENT, (first, second), True, 3)
    last = inspection.audit_log()[-1]
    assert (last["action"], last["type"], last["id"]) == ("restore", "finding", made.id)
    inspection.close()
    with Inspection.open(inspection.path, PASSPHRASE) as again:
        assert [f.text for f in findings(again)] == [STATEMENT]
        assert again.verify().ok


# -- bundles --------------------------------------------------------------------------------


def test_findings_travel_in_bundles_conflict_and_their_deletions_travel(pair, tmp_path):
    lead, member = pair
    first, second = notes(member, 2)
    shared = add_finding(member, question="B", judgement="weakness", text=STATEMENT,
                         evidence=[first, second])
    doomed = add_finding(member, question="C", judgement="strength", text="Withdrawn later.",
                         evidence=[second])
    bundle.export_bundle(member, tmp_path / "mo-1.bundle")
    bundle.import_bundle(lead, tmp_path / "mo-1.bundle")

    arrived = finding(lead, shared.id)
    assert (arrived.text, arrived.evidence, arrived.author) == (
        STATEMENT, (first, second), "Mo Member",
    )
    assert {lead.note(n).id for n in arrived.evidence} == {first, second}
    assert [f.id for f in findings(lead)] == [shared.id, doomed.id]
    assert not arrived.conflict

    # Both change the same finding from the same version; the member also withdraws one.
    edit_finding(lead, shared.id, text="The lead's wording.")
    edit_finding(member, shared.id, text="The member's wording.")
    delete_finding(member, doomed.id)
    bundle.export_bundle(member, tmp_path / "mo-2.bundle")
    bundle.import_bundle(lead, tmp_path / "mo-2.bundle")

    [in_conflict] = findings(lead)
    assert in_conflict.id == shared.id and in_conflict.conflict is True
    assert in_conflict.text in {"The lead's wording.", "The member's wording."}
    versions = {h["data"]["text"] for h in lead.file.read("finding", shared.id)[1]["heads"]}
    assert versions == {"The lead's wording.", "The member's wording."}  # nothing lost
    lead.close()
    with Inspection.open(lead.path, PASSPHRASE) as again:
        [still] = findings(again)
        assert still.conflict is True and again.verify().ok
        # The lead's edit settles it: one version over both.
        settled = edit_finding(again, shared.id, text="Agreed wording.")
        assert settled.conflict is False
        assert [(f.text, f.conflict) for f in findings(again)] == [("Agreed wording.", False)]


def edited_by_both(pair, tmp_path):
    """A member's finding, edited by the member and the lead: the import that puts it in
    conflict at the lead's, and the finding."""
    lead, member = pair
    [note] = notes(member, 1)
    shared = add_finding(member, question="A", judgement="development", text=STATEMENT,
                         evidence=[note])
    bundle.export_bundle(member, tmp_path / "mo-1.bundle")
    bundle.import_bundle(lead, tmp_path / "mo-1.bundle")
    edit_finding(lead, shared.id, text="The lead's wording.")
    edit_finding(member, shared.id, text="The member's wording.")
    bundle.export_bundle(member, tmp_path / "mo-2.bundle")
    return bundle.import_bundle(lead, tmp_path / "mo-2.bundle"), shared


def test_a_finding_brought_back_after_a_teammates_edit_stands_beside_it(pair, tmp_path):
    """Undoing a deletion does not undo a teammate's edit that arrived since: the two are
    kept in conflict, as a note brought back is."""
    lead, member = pair
    [note] = notes(member, 1)
    shared = add_finding(member, question="A", judgement="strength", text=STATEMENT,
                         evidence=[note])
    bundle.export_bundle(member, tmp_path / "mo-1.bundle")
    bundle.import_bundle(lead, tmp_path / "mo-1.bundle")
    gone = delete_finding(lead, shared.id)
    edit_finding(member, shared.id, text="The member's better wording.")
    bundle.export_bundle(member, tmp_path / "mo-2.bundle")
    bundle.import_bundle(lead, tmp_path / "mo-2.bundle")

    back = restore_finding(lead, gone)
    assert back.conflict is True and finding(lead, shared.id).conflict is True
    # What comes back stands in the deletion's place: two versions, the lead's and the
    # member's, and no deletion among them for Keep mine to choose by mistake.
    heads = lead.file.read("finding", shared.id)[1]["heads"]
    assert sorted((h["by"], h["data"].get("text", "(deleted)")) for h in heads) == [
        ("Mo Member", "The member's better wording."), ("Sam Lead", STATEMENT)]

    # While they compete, deleting it is refused: the member's wording is never dropped unseen.
    with pytest.raises(InConflict, match="competing versions") as caught:
        delete_finding(lead, shared.id)
    one_sentence(str(caught.value))
    assert len(lead.file.read("finding", shared.id)[1]["heads"]) == 2


def test_the_import_summary_tells_the_lead_a_finding_is_in_conflict(pair, tmp_path):
    lead, _member = pair
    result, shared = edited_by_both(pair, tmp_path)
    assert finding(lead, shared.id).conflict is True
    # What the lead reads after importing ('bundle import' prints it): it must not say that
    # nothing is in conflict when a finding is.
    assert "1 in conflict" in result.describe(), result.describe()


def test_an_edit_that_changes_nothing_settles_a_finding_in_conflict(pair, tmp_path):
    lead, _member = pair
    _result, shared = edited_by_both(pair, tmp_path)
    shown = finding(lead, shared.id)
    assert shown.conflict is True
    # The lead keeps the wording shown, as 'finding edit' with the same text does.
    settled = edit_finding(lead, shared.id, text=shown.text)
    assert settled.conflict is False and finding(lead, shared.id).conflict is False
    heads = lead.file.read("finding", shared.id)[1]["heads"]
    assert [h["data"]["text"] for h in heads] == [shown.text]


# -- the inspection's details ---------------------------------------------------------------

ADDRESSEE = "Canaryaddressee Wexcombe-Thrale, Director of Children's Services"
TEAM_MEMBER = "Canaryteam Ulverholt, HMI"
DETAILS = dict(
    on_site_start="2026-12-07",
    on_site_end="2026-12-11",
    wsoa="required",
    addressees=[ADDRESSEE, "Dr Ines Haldane, Designated Clinical Officer"],
    team=[TEAM_MEMBER, "Priya Castellane, CQC inspector"],
)


def test_details_are_set_survive_reopening_and_give_the_deadlines(inspection):
    info = inspection.set_details(**DETAILS)
    assert (info.on_site_start, info.on_site_end, info.wsoa) == ("2026-12-07", "2026-12-11",
                                                                 "required")
    assert info.addressees == (ADDRESSEE, "Dr Ines Haldane, Designated Clinical Officer")
    assert info.team == (TEAM_MEMBER, "Priya Castellane, CQC inspector")
    assert info.area == "Northmoor" and info.inspector == "Sam Lead"  # untouched
    inspection.close()
    with Inspection.open(inspection.path, PASSPHRASE) as again:
        assert again.info == info
        dates = inspection_deadlines(again.framework, again.info.on_site_end,
                                     again.info.wsoa == "required")
        assert [x.date.isoformat() for x in dates] == ["2027-02-01", "2027-05-13", "2028-08-01"]
        assert again.verify().ok


def test_lists_are_replaced_and_blank_entries_dropped(inspection):
    inspection.set_details(addressees=["First", "Second"])
    info = inspection.set_details(addressees=["  Only\x00 one  ", "   "], team=[])
    assert info.addressees == ("Only one",) and info.team == ()


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        pytest.param({"on_site_start": "2026-12-11", "on_site_end": "2026-12-07"},
                     "before the first", id="end-before-start"),
        pytest.param({"wsoa": "maybe"}, "WSOA", id="unknown-wsoa"),
        pytest.param({"area": "  \n "}, "area is empty", id="empty-area"),
        pytest.param({"inspector": "Someone Else"}, "inspector", id="unknown-key"),
        pytest.param({"on_site_end": "11th December"}, "last day on site", id="not-a-date"),
        # A typo in the year would leave every deadline uncountable.
        pytest.param({"on_site_end": "9999-12-31"}, "between 1990 and 2100", id="far-future"),
    ],
)
def test_bad_details_are_refused_in_a_sentence_and_nothing_changes(inspection, changes, words):
    inspection.set_details(on_site_start="2026-12-07")
    before, audit = inspection.info, len(inspection.audit_log())
    with pytest.raises(InvalidInput) as caught:
        inspection.set_details(**changes)
    one_sentence(str(caught.value))
    assert words in str(caught.value)
    assert inspection.info == before and len(inspection.audit_log()) == audit
    inspection.close()
    with Inspection.open(inspection.path, PASSPHRASE) as again:
        assert again.info == before


def test_an_end_before_the_start_already_set_is_refused(inspection):
    inspection.set_details(on_site_start="2026-12-07")
    with pytest.raises(InvalidInput, match="before the first"):
        inspection.set_details(on_site_end="2026-12-04")
    assert inspection.info.on_site_end == ""


def test_setting_the_same_details_again_writes_no_audit_entry(inspection):
    inspection.set_details(**DETAILS)
    audit = len(inspection.audit_log())
    assert inspection.audit_log()[-1]["action"] == "update"
    inspection.set_details(**DETAILS)
    inspection.set_details(wsoa="required", addressees=tuple(DETAILS["addressees"]))
    inspection.set_details()
    assert len(inspection.audit_log()) == audit


def leaks(folder: Path, canaries: list[str]) -> list[str]:
    """Every canary found in any file under a folder, in UTF-8 or UTF-16-LE, any case."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes().lower()
        for canary in canaries:
            for encoding in ("utf-8", "utf-16-le"):
                if canary.lower().encode(encoding) in data:
                    found.append(f"{path.name}: {canary!r} ({encoding})")
    return found


def test_details_and_findings_are_sealed_on_disk(inspection, tmp_path):
    canaries = ["Canaryaddressee Wexcombe-Thrale", "Canaryteam Ulverholt",
                "Canaryfinding Marrowby"]
    inspection.set_details(**DETAILS)
    [note] = notes(inspection, 1)
    add_finding(inspection, question="A", judgement="weakness",
                text="Canaryfinding Marrowby panel", evidence=[note])
    assert leaks(tmp_path, canaries) == []  # while open: the WAL too
    inspection.close()
    assert leaks(tmp_path, canaries) == []
    with Inspection.open(inspection.path, PASSPHRASE) as again:  # really saved
        assert again.info.addressees[0] == ADDRESSEE
        assert findings(again)[0].text == "Canaryfinding Marrowby panel"


# -- the command line -----------------------------------------------------------------------

FINDING_KEYS = {"id", "question", "judgement", "text", "evidence", "main", "order", "revision",
                "conflict"}


@pytest.fixture
def file_with_notes(inspection) -> tuple[Path, list[str]]:
    ids = notes(inspection, 2)
    inspection.close()  # created with cheap KDF costs so each command opens fast
    return inspection.path, ids


def test_finding_add_prints_only_the_id_and_list_json_shows_it(file_with_notes):
    path, (first, second) = file_with_notes
    out = cli("finding", "add", path, "--question", "b", "--judgement", "weakness",
              "--text", STATEMENT, "--evidence", first[:8], second, "--main", check=0).stdout
    new_id = out.strip()
    assert len(new_id) == 36 and out == new_id + "\n"
    [shown] = json.loads(cli("finding", "list", path, "--json", check=0).stdout)
    assert FINDING_KEYS <= set(shown)
    assert shown == {**shown, "id": new_id, "question": "B", "judgement": "weakness",
                     "text": STATEMENT, "evidence": [first, second], "main": True, "order": 1,
                     "conflict": False}
    assert shown["revision"] >= 1
    listed_text = cli("finding", "list", path, check=0).stdout
    assert new_id[:8] in listed_text and "Significant weakness" in listed_text
    assert listed_text.rstrip().endswith("(2 notes)")
    cli("finding", "edit", path, new_id, "--evidence", first, check=0)
    assert cli("finding", "list", path, check=0).stdout.rstrip().endswith("(1 note)")


def test_finding_add_with_the_context_judgement_is_refused_in_one_sentence(file_with_notes):
    path, (first, _) = file_with_notes
    result = cli("finding", "add", path, "--question", "A", "--judgement", "context",
                 "--text", STATEMENT, "--evidence", first, check=2)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "context" in result.stderr
    one_sentence(result.stderr.strip())
    assert json.loads(cli("finding", "list", path, "--json", check=0).stdout) == []


def test_inspection_set_then_show_gives_the_publication_and_wsoa_dates(file_with_notes):
    path, _ = file_with_notes
    before = json.loads(cli("inspection", "show", path, "--json", check=0).stdout)
    assert before["deadlines"] == {}
    cli("inspection", "set", path, "--on-site-end", "2026-12-11", "--wsoa", "required",
        "--addressee", ADDRESSEE, check=0)
    shown = json.loads(cli("inspection", "show", path, "--json", check=0).stdout)
    assert shown["deadlines"] == {
        "publication": "2027-02-01", "wsoa": "2027-05-13", "revisit": "2028-08-01",
    }
    assert (shown["on_site_end"], shown["wsoa"], shown["addressees"]) == (
        "2026-12-11", "required", [ADDRESSEE],
    )
    text = cli("inspection", "show", path, check=0).stdout
    assert "Monday 1 February 2027" in text and "Thursday 13 May 2027" in text
    assert "WSOA required" in text
    cli("inspection", "set", path, "--wsoa", "not-required", check=0)
    assert "WSOA not required" in cli("inspection", "show", path, check=0).stdout
    cli("inspection", "set", path, "--wsoa", "undecided", check=0)  # taken back
    assert "WSOA not decided" in cli("inspection", "show", path, check=0).stdout
    set_out = cli("inspection", "set", path, "--on-site-start", "2026-12-06", check=0).stdout
    assert "The first day on site, Sunday 6 December 2026, is not a working day" in set_out


def test_inspection_set_with_nothing_to_set_is_refused_in_one_sentence(file_with_notes):
    path, _ = file_with_notes
    result = cli("inspection", "set", path, check=2)
    assert result.stderr.count("\n") == 1 and "--on-site-end" in result.stderr
    one_sentence(result.stderr.strip())
    bad = cli("inspection", "set", path, "--on-site-start", "2026-12-11", "--on-site-end",
              "2026-12-07", check=2)
    one_sentence(bad.stderr.strip())
    assert json.loads(cli("inspection", "show", path, "--json", check=0).stdout)[
        "on_site_start"
    ] == ""
