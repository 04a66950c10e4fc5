"""An inspection file used as an inspector would: capture, tag, find, change, delete."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector_app.core import framework
from inspector_app.core.errors import InvalidInput, NameHeld, NotFound, WrongPassphrase
from inspector_app.core.index import NoteFilter
from inspector_app.core.store import Inspection
from tests.conftest import PASSPHRASE, add_fixture_note

FW = framework.load()
FIXTURES = [  # DOMAIN.md's fictional Northmoor notes
    ("case-review", "B", "statutory-timescales", "development",
     "Request received week 0, final plan issued week 27; no health advice on file."),
    ("meeting", "A", "identification", "development",
     "Parents of under-fives describe long waits after the two-year check before a referral."),
    ("visit", "C", "pfa-employment", "strength",
     "Supported internship route; three of five recent interns in paid work."),
    ("case-review", "C", "pfa-independent-living", "development",
     "Year 10 annual review has no preparing-for-adulthood content; social care not invited."),
    ("meeting", "B", "co-production", "strength",
     "The Parent Carer Forum co-wrote the local offer pages with SENDIASS."),
    ("visit", "A", "identification", "strength",
     "Early speech and language therapy input recorded for pupils on SEN support."),
    ("document", "B", "joint-commissioning", "weakness",
     "No joint commissioning strategy; autism assessment waiting list of 70 weeks."),
    ("case-review", "A", "identification", "development",
     "Personal education plan and EHC plan not aligned; virtual school absent from review."),
]


@pytest.fixture
def northmoor(inspection):
    for kind, question, outcome, judgement, text in FIXTURES:
        inspection.add_note(kind=kind, questions=[question], outcomes=[outcome],
                            judgement=judgement, text=text)
    return inspection


def reopen(inspection: Inspection, secret: str = PASSPHRASE) -> Inspection:
    inspection.close()
    return Inspection.open(inspection.path, secret)


def test_a_note_survives_closing_and_reopening(inspection):
    note = add_fixture_note(inspection)
    again = reopen(inspection)
    try:
        kept = again.note(note.id)
        assert kept == note
        assert kept.author == "Sam Lead" and kept.revision == 1
        assert kept.fields["ehc_request"] == "2024-01-08"
        assert again.info.area == "Northmoor"
        assert "Child A" in again.children
    finally:
        again.close()


def test_each_kind_is_captured_with_its_own_fields(inspection):
    notes = [
        inspection.add_note(kind="meeting", questions=["A"], outcomes=["identification"],
                            judgement="context", text="Four parents and carers.",
                            fields={"participants": "Parents and carers",
                                    "participant_count": "4"}),
        inspection.add_note(kind="visit", questions=["C"], outcomes=["pfa-employment"],
                            judgement="strength", text="Internships.",
                            fields={"provider_type": "Further education college",
                                    "provider_name": "Northmoor College"}),
        inspection.add_note(kind="document", questions=["B"],
                            outcomes=["joint-commissioning"], judgement="weakness",
                            text="No strategy.",
                            fields={"document_type": "Joint commissioning plan"}),
    ]
    assert notes[0].fields == {"participants": ["Parents and carers"], "participant_count": 4}
    assert notes[1].fields["provider_name"] == "Northmoor College"
    with pytest.raises(InvalidInput, match="no field 'provider_name'"):
        inspection.add_note(kind="meeting", questions=["A"], outcomes=["identification"],
                            judgement="context", text="x", fields={"provider_name": "X"})


def test_filters_combine_and_counts_match_the_data(northmoor):
    assert len(northmoor.notes()) == 8
    assert len(northmoor.notes(NoteFilter(question="A"))) == 3
    assert len(northmoor.notes(NoteFilter(question="a", judgement="strength"))) == 1
    assert len(northmoor.notes(NoteFilter(outcome="identification", kind="case-review"))) == 1
    assert northmoor.notes(NoteFilter(author="Someone Else")) == []
    coverage = northmoor.index.coverage()
    assert coverage[("A", "identification", "development")] == 2
    assert coverage[("B", "joint-commissioning", "weakness")] == 1
    assert sum(coverage.values()) == 8
    with pytest.raises(InvalidInput):
        northmoor.notes(NoteFilter(outcome="nonsense"))


def test_search_matches_every_word_and_prefixes(northmoor):
    assert [n.kind for n in northmoor.search("autism waiting")] == ["document"]
    assert len(northmoor.search("EHC plan")) == 1
    assert len(northmoor.search("speech lang")) == 1  # last word as a prefix
    assert northmoor.search("autism internship") == []
    assert len(northmoor.search("co-wrote")) == 1
    assert len(northmoor.search('"parent carer forum"')) == 1
    assert [r.id for r in northmoor.search("   ")] == [n.id for n in northmoor.notes()]
    assert [n.kind for n in northmoor.notes(NoteFilter(text="autism"))] == ["document"]


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=40))
def test_search_never_fails_on_what_a_person_types(northmoor, query):
    results = northmoor.search(query)
    assert isinstance(results, list)


@pytest.mark.parametrize("query", ['AND', 'OR NOT', 'NEAR(a b)', '"', "'", '*', 'a:b', '(((',
                                   'title:x', '^start', '-minus', '+plus', 'ünïcödé', '💡 idea'])
def test_fts_syntax_in_a_query_is_just_text(northmoor, query):
    northmoor.search(query)


def test_edit_makes_a_new_revision_and_no_change_makes_none(inspection):
    note = add_fixture_note(inspection)
    edited = inspection.edit_note(note.id, judgement="weakness", questions=["B", "A"])
    assert edited.revision == 2 and edited.judgement == "weakness"
    assert edited.questions == ("A", "B")
    assert edited.updated_at >= note.updated_at and edited.created_at == note.created_at
    same = inspection.edit_note(note.id, judgement="weakness")
    assert same.revision == 2
    with pytest.raises(InvalidInput, match="cannot be edited"):
        inspection.edit_note(note.id, author="Someone else")
    with pytest.raises(InvalidInput, match="text is empty"):
        inspection.edit_note(note.id, text=" \n\t ", title="")
    assert inspection.note(note.id).text == note.text
    # A title alone is a note: what was captured in a hurry is kept.
    assert inspection.edit_note(note.id, text=" \n\t ").heading == note.title


def test_edit_merges_fields_rather_than_replacing_them(inspection):
    note = add_fixture_note(inspection)
    edited = inspection.edit_note(note.id, fields={"ehc_decision": "2024-02-12"})
    assert edited.fields["ehc_request"] == "2024-01-08"
    assert edited.fields["ehc_decision"] == "2024-02-12"


def test_delete_then_restore_brings_the_note_back(inspection):
    note = add_fixture_note(inspection)
    deleted = inspection.delete_note(note.id)
    assert inspection.notes() == []
    with pytest.raises(NotFound):
        inspection.note(note.id)
    restored = inspection.restore_note(deleted)
    assert restored.text == note.text and restored.revision == 3
    again = reopen(inspection)
    try:
        assert [n.id for n in again.notes()] == [note.id]
        actions = [e["action"] for e in again.audit_log() if e["type"] == "note"]
        assert actions == ["create", "delete", "restore"]
    finally:
        again.close()


def test_ids_can_be_shortened_to_a_unique_prefix(northmoor):
    note = northmoor.notes()[0]
    assert northmoor.note(note.id[:8]) == note
    with pytest.raises(NotFound, match="'list' shows"):
        northmoor.note("ffffffff-nothing")
    with pytest.raises(InvalidInput, match="too short to name a note; type at least 4"):
        northmoor.note(note.id[:3])  # too short to guess, and the message says so


@pytest.mark.parametrize(
    "change, message",
    [
        ({"kind": "interview"}, "Unknown kind"),
        ({"questions": ["D"]}, "Unknown question"),
        ({"questions": []}, "at least one question"),
        ({"outcomes": ["happiness"]}, "Unknown outcome"),
        ({"outcomes": []}, "at least one outcome"),
        ({"judgement": "outstanding"}, "Unknown judgement"),
        ({"text": "", "title": ""}, "text is empty"),
        ({"children": ["  "]}, "child reference is empty"),
        ({"fields": {"ehc_request": "next tuesday"}}, "date like"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(inspection, change, message):
    with pytest.raises(InvalidInput, match=message):
        add_fixture_note(inspection, **change)
    assert inspection.notes() == []
    assert inspection.verify().ok


def test_child_register_keeps_names_apart_from_notes(inspection):
    add_fixture_note(inspection, children=["Child A", "Child B"])
    assert set(inspection.children) == {"Child A", "Child B"}
    inspection.add_child("Child A", "Real Name")
    again = reopen(inspection)
    try:
        assert again.children["Child A"].name == "Real Name"
        assert again.children["Child B"].name == ""
        assert "Real Name" not in again.notes()[0].text
    finally:
        again.close()


def test_a_kept_real_name_is_never_lost_by_adding_its_pseudonym_again(inspection):
    inspection.add_child("Child A", "Jamie Smith")
    revision = inspection.children["Child A"].revision
    # Again without a name, or with the same name: nothing is written.
    assert inspection.add_child("Child A").name == "Jamie Smith"
    assert inspection.add_child(" child a ", "Jamie Smith").revision == revision
    # A different name is refused, in a sentence saying the kept one stays.
    with pytest.raises(NameHeld, match="Child A already has a different real name.*kept"):
        inspection.add_child("Child A", "Someone Else")
    # The pseudonym is the register's whatever the case it is typed in.
    assert inspection.add_child("child a", "Jamie Smith").ref == "Child A"
    assert sorted(inspection.children) == ["Child A"]
    again = reopen(inspection)
    try:
        assert again.children["Child A"].name == "Jamie Smith"
        assert again.children["Child A"].revision == revision
        # Replacing it, or forgetting it, has to be asked for.
        assert again.add_child("Child A", "Jamie Smyth", replace_name=True).name == "Jamie Smyth"
        assert again.add_child("Child A", "", replace_name=True).name == ""
        assert again.add_child("Child A", "Jamie Smith").name == "Jamie Smith"  # none kept
    finally:
        again.close()


def test_a_name_with_invisible_characters_is_refused_when_the_file_is_made(tmp_path, cheap_kdf):
    # Its card would be refused by every teammate: say so at once.
    with pytest.raises(InvalidInput, match="invisible characters"):
        Inspection.create(tmp_path / "x.inspection", PASSPHRASE, area="Northmoor",
                          inspector="Sam\u200b Lead", kdf=cheap_kdf)
    assert not (tmp_path / "x.inspection").exists()


def test_a_last_day_on_site_before_the_first_is_refused_when_the_file_is_made(tmp_path,
                                                                             cheap_kdf):
    with pytest.raises(InvalidInput, match="last day on site is before the first"):
        Inspection.create(tmp_path / "x.inspection", PASSPHRASE, area="Northmoor",
                          inspector="Sam Lead", on_site=("11/12/2026", "10/12/2026"),
                          kdf=cheap_kdf)
    assert not (tmp_path / "x.inspection").exists()


def test_every_change_is_in_the_audit_log(inspection):
    note = add_fixture_note(inspection)
    inspection.edit_note(note.id, title="Renamed")
    inspection.add_child("Child Z")
    inspection.delete_note(note.id)
    entries = inspection.audit_log()
    assert [(e["type"], e["action"]) for e in entries] == [
        ("inspection", "create"), ("identity", "create"), ("child", "create"), ("note", "create"),
        ("note", "update"), ("child", "create"), ("note", "delete"),
    ]
    assert all(e["who"] == "Sam Lead" for e in entries)
    assert inspection.verify().ok


def test_passphrase_rules_on_create(tmp_path, cheap_kdf):
    for bad in ("", "short", " " * 10, "  short   "):
        with pytest.raises(InvalidInput, match="at least 8"):
            Inspection.create(tmp_path / "x.inspection", bad, area="A", inspector="B",
                              kdf=cheap_kdf)
    with pytest.raises(InvalidInput, match="area is empty"):
        Inspection.create(tmp_path / "x.inspection", PASSPHRASE, area=" ", inspector="B",
                          kdf=cheap_kdf)
    assert list(tmp_path.iterdir()) == []


def test_wrong_passphrase_then_the_right_one(inspection):
    add_fixture_note(inspection)
    inspection.close()
    with pytest.raises(WrongPassphrase):
        Inspection.open(inspection.path, PASSPHRASE.upper())
    again = Inspection.open(inspection.path, PASSPHRASE)
    assert len(again.notes()) == 1
    again.close()


def test_recovery_key_opens_and_resets_a_lost_passphrase(inspection):
    add_fixture_note(inspection)
    recovery = inspection.recovery_key
    inspection.close()
    rescued = Inspection.open(inspection.path, recovery)
    rescued.change_passphrase("a brand new passphrase")
    rescued.close()
    with pytest.raises(WrongPassphrase):
        Inspection.open(inspection.path, PASSPHRASE)
    for secret in ("a brand new passphrase", recovery):
        again = Inspection.open(inspection.path, secret)
        assert len(again.notes()) == 1
        again.close()


def test_changes_by_another_program_are_seen(inspection):
    other = Inspection.open(inspection.path, PASSPHRASE)
    try:
        note = add_fixture_note(other)
        assert [n.id for n in inspection.notes()] == [note.id]
        inspection.edit_note(note.id, title="Seen here")
        assert other.note(note.id).title == "Seen here"
        assert other.note(note.id).revision == 2
        assert inspection.verify().ok
    finally:
        other.close()


def test_rows_come_a_page_at_a_time_in_any_order(northmoor):
    everything = northmoor.rows()
    assert northmoor.count() == len(everything) == 8
    first, rest = northmoor.rows(limit=3), northmoor.rows(limit=3, offset=3)
    assert [r.id for r in first + rest] == [r.id for r in everything[:6]]
    by_judgement = northmoor.rows(sort="judgement")
    assert [r.judgement for r in by_judgement] == sorted(r.judgement for r in everything)
    newest_last = northmoor.rows(sort="updated")
    assert [r.updated_at for r in newest_last] == sorted(r.updated_at for r in everything)
    assert northmoor.count(NoteFilter(text="autism")) == 1
    assert northmoor.count(NoteFilter(text="?!")) == 0


def test_search_returns_the_best_page_and_count_says_how_many(inspection):
    for number in range(12):
        inspection.add_note(kind="meeting", questions=["A"], outcomes=["identification"],
                            judgement="context", text=f"Parents described waits, meeting {number}.")
    assert len(inspection.search("waits", limit=5)) == 5
    assert inspection.count(NoteFilter(text="waits")) == 12
    assert len(inspection.search("wa")) == 12  # two letters are enough for a prefix
    assert inspection.search("w") == []  # one letter is a word, not a prefix


# -- an editor's save after the note changed underneath it --------------------------------------


def _elsewhere(inspection):
    """The same file opened by another program (as an import from a teammate would write)."""
    return Inspection.open(inspection.path, PASSPHRASE)


def test_an_edit_on_an_older_version_keeps_what_changed_meanwhile(inspection):
    shown = add_fixture_note(inspection)
    with _elsewhere(inspection) as other:
        other.edit_note(shown.id, judgement="weakness", questions=["B", "C"])
    saved = inspection.edit_note(shown.id, base=shown, text="Typed in the editor.",
                                 judgement=shown.judgement, questions=list(shown.questions))
    assert not saved.conflict
    assert (saved.text, saved.judgement, saved.questions) == (
        "Typed in the editor.", "weakness", ("B", "C"))


def test_an_edit_that_clashes_with_one_made_meanwhile_is_kept_beside_it(inspection):
    shown = add_fixture_note(inspection)
    with _elsewhere(inspection) as other:
        other.edit_note(shown.id, text="The teammate's reading of the file.")
    saved = inspection.edit_note(shown.id, base=shown, text="The lead's reading of the file.")
    assert saved.conflict and inspection.note(shown.id).conflict
    texts = sorted(v.data["text"] for v in inspection.versions(shown.id))
    assert texts == ["The lead's reading of the file.", "The teammate's reading of the file."]


def _as_the_editor_sends(note, **typed):
    """Every field the editor holds, as it sends them (empty details as None)."""
    fields = {f.id: None for f in FW.kind(note.kind).fields}
    fields.update(note.fields)
    values = {"questions": list(note.questions), "outcomes": list(note.outcomes),
              "judgement": note.judgement, "title": note.title, "text": note.text,
              "children": list(note.children), "fields": fields}
    values.update(typed)
    return values


def test_a_teammates_detail_does_not_clash_with_text_typed_meanwhile(inspection):
    shown = add_fixture_note(inspection)
    with _elsewhere(inspection) as other:
        other.edit_note(shown.id, fields={"ehc_decision": "2024-02-19"})
    saved = inspection.edit_note(shown.id, base=shown, require_tags=False,
                                 **_as_the_editor_sends(shown, text="Typed meanwhile."))
    assert not saved.conflict
    assert saved.text == "Typed meanwhile." and saved.fields["ehc_decision"] == "2024-02-19"


def test_typing_on_a_note_that_went_into_conflict_or_was_deleted_is_kept(inspection):
    shown = add_fixture_note(inspection)
    with _elsewhere(inspection) as other:
        other.delete_note(shown.id)
    kept = inspection.edit_note(shown.id, base=shown, require_tags=False,
                                **_as_the_editor_sends(shown, text="Still typing."))
    assert kept.conflict and inspection.note(shown.id).text == "Still typing."
    # Typing that went on meanwhile is saved on the note the editor still shows, in place of
    # the version it carries on (which no bundle holds yet): nothing is lost, nothing doubled.
    again = inspection.edit_note(shown.id, base=shown, require_tags=False,
                                 **_as_the_editor_sends(shown, text="Still typing, more."))
    texts = sorted(v.data.get("text", "(deleted)") for v in inspection.versions(shown.id))
    assert again.conflict and texts == ["(deleted)", "Still typing, more."]


def test_typing_sent_after_a_save_went_beside_is_kept_on_that_version(inspection):
    shown = add_fixture_note(inspection, text="Start.")
    with _elsewhere(inspection) as other:
        other.edit_note(shown.id, text="Rewritten by a teammate.")
    first = inspection.edit_note(shown.id, base=shown, require_tags=False,
                                 **_as_the_editor_sends(shown, text="Start. Typed"))
    assert first.conflict
    # What was typed while that save was on its way is sent on the version it returned.
    inspection.edit_note(shown.id, base=first, require_tags=False,
                         **_as_the_editor_sends(shown, text="Start. Typed, and more."))
    texts = sorted(v.data["text"] for v in inspection.versions(shown.id))
    assert texts == ["Rewritten by a teammate.", "Start. Typed, and more."]


def _in_conflict(inspection):
    """A note shown in an editor, then edited here and in another program from that version."""
    shown = add_fixture_note(inspection)
    with _elsewhere(inspection) as other:
        other.edit_note(shown.id, text="The teammate's reading of the file.")
    saved = inspection.edit_note(shown.id, base=shown, text="The lead's reading of the file.")
    assert saved.conflict
    return shown


def test_a_stale_editors_save_on_a_note_in_conflict_keeps_every_version(inspection):
    shown = _in_conflict(inspection)
    # Another editor, still showing the first version, changes only the judgement.
    saved = inspection.edit_note(shown.id, base=shown, judgement="weakness")
    assert saved.conflict and inspection.note(shown.id).conflict
    texts = {v.data["text"] for v in inspection.versions(shown.id)}
    assert {"The lead's reading of the file.", "The teammate's reading of the file."} <= texts


def test_saving_a_note_in_conflict_unchanged_settles_it(inspection):
    shown = _in_conflict(inspection)
    current = inspection.note(shown.id)
    settled = inspection.edit_note(shown.id, merge_conflict=True, text=current.text)
    assert not settled.conflict and not inspection.note(shown.id).conflict
    assert [v.data["text"] for v in inspection.versions(shown.id)] == [current.text]
