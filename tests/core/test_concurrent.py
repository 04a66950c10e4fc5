"""Two programs writing one inspection file: a write decided on what a program read is never
made over what another program wrote in between; and a file moved, deleted or replaced while
open is written to no more, and loses nothing it held.

Two ``Inspection`` objects on one file are two SQLite connections, as two programs are. The
second program's write is made at the worst moment: while the first is cleaning a photo,
after it has read the note and before its commit.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from inspector_app.core import images, team
from inspector_app.core.concurrent import ChangedMeanwhile
from inspector_app.core.errors import StorageError, WrongPassphrase
from inspector_app.core.findings import add_finding, delete_finding, edit_finding
from inspector_app.core.findings import versions as finding_versions
from inspector_app.core.records import RecordFile
from inspector_app.core.report import find_names
from inspector_app.core.store import Inspection
from tests.conftest import PASSPHRASE, add_fixture_note


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (320, 240), "#3b6ea5").save(path, "JPEG")
    return path


def meanwhile(monkeypatch, write) -> None:
    """Have ``write`` run (as another program) while the next photo is being cleaned."""
    clean = images.normalise

    def normalise(path):
        monkeypatch.setattr(images, "normalise", clean)  # once
        write()
        return clean(path)

    monkeypatch.setattr(images, "normalise", normalise)


def test_an_edit_never_undoes_another_programs_edit_made_meanwhile(
    inspection, photo, monkeypatch
):
    note = add_fixture_note(inspection)
    other = Inspection.open(inspection.path, PASSPHRASE)
    meanwhile(monkeypatch, lambda: other.edit_note(note.id, judgement="weakness"))
    edited = inspection.edit_note(note.id, text="Checked again with the SENCo.", photos=[photo])
    other.close()
    assert edited.judgement == "weakness"  # the other program's change stands
    assert edited.text == "Checked again with the SENCo." and len(edited.attachments) == 1
    with Inspection.open(inspection.path, PASSPHRASE) as reopened:
        kept = reopened.note(note.id)
        assert (kept.judgement, kept.text, len(kept.attachments)) == (
            "weakness", "Checked again with the SENCo.", 1,
        )
        assert not kept.conflict and reopened.verify().ok


def test_a_pseudonym_named_meanwhile_is_never_added_again_without_its_name(
    inspection, photo, monkeypatch, tmp_path
):
    other = Inspection.open(inspection.path, PASSPHRASE)
    meanwhile(monkeypatch, lambda: other.add_child("Child Z", "Zara Quill"))
    fields = dict(kind="meeting", questions=["A"], outcomes=["wide-outcomes"],
                  judgement="context", text="Met Child Z's parents.")
    inspection.add_note(**fields, children=["Child Z"], photos=[photo])
    other.close()
    with Inspection.open(inspection.path, PASSPHRASE) as reopened:
        assert len(reopened.file.ids("child")) == 1  # one register entry for Child Z
        assert reopened.children["Child Z"].name == "Zara Quill"
        hits = find_names(
            ((c.ref, c.name) for c in reopened.children.values()),
            [("finding", "Zara Quill's plan was late.")],
        )
        assert [hit.ref for hit in hits] == ["Child Z"]  # so the draft is refused


def test_two_exports_never_take_the_same_bundle_number(pair, monkeypatch):
    _lead, member = pair
    other = Inspection.open(member.path, PASSPHRASE)
    taken = []
    through = team._exported_through

    def other_export_meanwhile(inspection):  # after this one read the last number
        monkeypatch.setattr(team, "_exported_through", through)  # once
        taken.append(team.next_sequence(other))
        return through(inspection)

    monkeypatch.setattr(team, "_exported_through", other_export_meanwhile)
    mine = team.next_sequence(member)
    other.close()
    assert mine == taken[0] + 1


def test_a_write_on_what_another_program_has_since_changed_is_refused(inspection):
    note = add_fixture_note(inspection)
    other = Inspection.open(inspection.path, PASSPHRASE)
    other.edit_note(note.id, judgement="weakness")
    other.close()
    stale = inspection.versioned("note", note.id, note.to_payload(), "update")
    with pytest.raises(ChangedMeanwhile):
        inspection.commit([stale])  # a bare commit is not made again by itself
    assert Inspection.open(inspection.path, PASSPHRASE).note(note.id).judgement == "weakness"


def test_a_file_moved_while_open_is_written_to_no_more_and_keeps_what_was_saved(
    inspection, tmp_path
):
    first = add_fixture_note(inspection)
    moved = tmp_path / "elsewhere" / "northmoor.inspection"
    moved.parent.mkdir()
    shutil.move(inspection.path, moved)
    with pytest.raises(StorageError, match="no longer at .*moved, renamed or deleted"):
        add_fixture_note(inspection)
    inspection.close()
    with Inspection.open(moved, PASSPHRASE) as reopened:
        assert [n.id for n in reopened.notes()] == [first.id]  # what was saved went with it
        assert reopened.verify().ok


def test_a_file_replaced_while_open_is_left_as_the_other_copy(inspection, tmp_path):
    add_fixture_note(inspection)
    copy = tmp_path / "copy.inspection"
    with Inspection.open(inspection.path, PASSPHRASE) as reader:  # a copy taken as it was
        reader.file.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(inspection.path, copy)
    add_fixture_note(inspection)  # the open file goes on, in its journal
    shutil.move(copy, inspection.path)  # and another copy is put in its place
    with pytest.raises(StorageError, match="no longer at"):
        add_fixture_note(inspection)
    with Inspection.open(inspection.path, PASSPHRASE) as replaced:
        assert len(replaced.notes()) == 1 and replaced.verify().ok  # not damaged
    inspection.close()


def test_verify_is_not_fooled_by_a_program_writing_while_it_reads(inspection, monkeypatch):
    add_fixture_note(inspection)
    other = Inspection.open(inspection.path, PASSPHRASE)
    audit = RecordFile._verify_audit

    def then_another_write(self, report):
        monkeypatch.setattr(RecordFile, "_verify_audit", audit)  # once
        latest = audit(self, report)
        add_fixture_note(other)  # after the audit log was read, before the records are
        return latest

    monkeypatch.setattr(RecordFile, "_verify_audit", then_another_write)
    report = inspection.verify()
    other.close()
    assert report.ok, report.problems
    assert inspection.verify().ok  # and once it has finished, the new note is seen


def finding_seen_then_changed_elsewhere(inspection, **elsewhere):
    """A finding as the lead's page shows it, then changed by another program."""
    note = add_fixture_note(inspection)
    shown = add_finding(inspection, question="A", judgement="development",
                        text="Waits are long.", evidence=[note.id])
    with Inspection.open(inspection.path, PASSPHRASE) as other:
        edit_finding(other, shown.id, **elsewhere)
    return shown


def test_typing_on_a_finding_changed_meanwhile_keeps_both_changes(inspection):
    shown = finding_seen_then_changed_elsewhere(inspection, judgement="weakness")
    saved = edit_finding(inspection, shown.id, base=shown, text="Waits are far too long.",
                         main=False, judgement="development")  # the page sends all it shows
    assert (saved.text, saved.judgement, saved.conflict) == (
        "Waits are far too long.", "weakness", False,
    )


def test_typing_on_a_finding_reworded_meanwhile_keeps_both_versions(inspection):
    shown = finding_seen_then_changed_elsewhere(inspection, text="Families wait a year.")
    saved = edit_finding(inspection, shown.id, base=shown, text="Waits are far too long.",
                         main=False, judgement="development")
    assert saved.conflict
    texts = sorted(v.data["text"] for v in finding_versions(inspection, shown.id))
    assert texts == ["Families wait a year.", "Waits are far too long."]


def test_typing_on_across_a_conflict_is_one_version_beside_until_a_bundle_may_hold_it(
    inspection,
):
    shown = finding_seen_then_changed_elsewhere(inspection, text="Families wait a year.")
    values = dict(main=False, judgement="development")  # the form's, saved at each pause
    edit_finding(inspection, shown.id, base=shown, text="Waits are far", **values)
    edit_finding(inspection, shown.id, base=shown, text="Waits are far too long.", **values)

    def texts():
        return sorted(v.data["text"] for v in finding_versions(inspection, shown.id))

    assert texts() == ["Families wait a year.", "Waits are far too long."]
    team.next_sequence(inspection)  # a bundle export begins: it may carry the version
    edit_finding(inspection, shown.id, base=shown, text="Waits are far too long. Some", **values)
    assert texts() == [
        "Families wait a year.", "Waits are far too long.", "Waits are far too long. Some",
    ]
    # A save from the same version that does not carry the typing on is a version of its own.
    edit_finding(inspection, shown.id, base=shown, text="Waits are long.", main=False,
                 judgement="weakness")
    assert len(texts()) == 4


def test_a_write_made_while_the_file_is_read_again_is_not_taken_as_seen(
    inspection, monkeypatch
):
    note = add_fixture_note(inspection)
    other = Inspection.open(inspection.path, PASSPHRASE)
    other.add_child("Child Q")  # so this program reads the file again before its next write
    load_children = Inspection._load_children

    def then_another_write(self):  # after the notes were read, before the rest
        monkeypatch.setattr(Inspection, "_load_children", load_children)  # once
        other.edit_note(note.id, judgement="weakness")
        return load_children(self)

    monkeypatch.setattr(Inspection, "_load_children", then_another_write)
    inspection.edit_note(note.id, text="Checked again with the SENCo.")
    other.close()
    with Inspection.open(inspection.path, PASSPHRASE) as reopened:
        kept = reopened.note(note.id)
        assert (kept.judgement, kept.text) == ("weakness", "Checked again with the SENCo.")


def test_the_pages_own_saves_since_its_version_are_no_teammates_change(inspection):
    note = add_fixture_note(inspection)
    shown = add_finding(inspection, question="A", judgement="development",
                        text="Waits are long.", evidence=[note.id])
    # Two autosaves sent before the first came back: both start from the version shown.
    values = dict(main=False, judgement="development")
    edit_finding(inspection, shown.id, base=shown, text="Waits are long. First", **values)
    last = edit_finding(inspection, shown.id, base=shown, text="Waits are long. First second",
                        **values)
    assert (last.text, last.conflict) == ("Waits are long. First second", False)


def test_a_teammates_change_merged_in_stays_when_typing_goes_on(inspection):
    shown = finding_seen_then_changed_elsewhere(inspection, judgement="weakness")
    values = dict(main=False, judgement="development")  # the form still shows the old one
    edit_finding(inspection, shown.id, base=shown, text="Waits are far", **values)
    last = edit_finding(inspection, shown.id, base=shown, text="Waits are far too long.",
                        **values)
    assert (last.text, last.judgement, last.conflict) == (
        "Waits are far too long.", "weakness", False,
    )


def test_typing_on_a_finding_deleted_meanwhile_is_kept_beside_the_deletion(inspection):
    note = add_fixture_note(inspection)
    shown = add_finding(inspection, question="A", judgement="development",
                        text="Waits are long.", evidence=[note.id])
    with Inspection.open(inspection.path, PASSPHRASE) as other:
        delete_finding(other, shown.id)
    kept = edit_finding(inspection, shown.id, base=shown, text="Waits are far too long.",
                        main=False, judgement="development")
    assert kept.conflict
    versions = finding_versions(inspection, shown.id)
    assert sorted(bool(v.data.get("deleted")) for v in versions) == [False, True]


def test_a_passphrase_changed_by_another_program_is_the_one_asked_for(inspection, cheap_kdf):
    with Inspection.open(inspection.path, PASSPHRASE) as other:
        other.change_passphrase("set on the command line", cheap_kdf)
    with pytest.raises(WrongPassphrase):  # the retired one no longer counts here either
        inspection.change_passphrase("typed in the app", cheap_kdf, current=PASSPHRASE)
    inspection.change_passphrase("typed in the app", cheap_kdf, current="set on the command line")
    inspection.close()
    Inspection.open(inspection.path, "typed in the app").close()
