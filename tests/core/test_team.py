"""The team as the lead sees it: what is waiting for the next bundle, and who sent what."""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PIL import Image

from inspector_app.core import bundle, outfile, team
from inspector_app.core.errors import InvalidInput, StorageError
from inspector_app.core.index import NoteFilter, WorkingSet
from inspector_app.core.store import Inspection
from tests.conftest import PASSPHRASE, add_fixture_note


def test_changes_since_the_last_export_count_typed_and_imported_notes(pair, tmp_path):
    lead, member = pair
    add_fixture_note(lead)
    assert team.changed_since_export(lead) == 1
    bundle.export_bundle(lead, tmp_path / "team.bundle", to_team=True)
    assert team.changed_since_export(lead) == 0
    # A member's note written before the lead's export, imported after it, still has to reach
    # the team: it counts.
    add_fixture_note(member, text="Written by the member earlier in the day.")
    bundle.export_bundle(member, tmp_path / "m.bundle")
    bundle.import_bundle(lead, tmp_path / "m.bundle")
    assert team.changed_since_export(lead) == 1
    member.close()
    lead.close()
    with Inspection.open(lead.path, PASSPHRASE) as again:
        assert team.changed_since_export(again) == 1
        assert team.roster(again)[0].last_bundle[0] == 1


def disk_full(*_) -> None:
    raise OSError(28, "No space left on device")


def test_a_failed_export_leaves_the_changes_waiting(make_inspection, tmp_path, cheap_kdf,
                                                    monkeypatch):
    lead = make_inspection("lead.inspection")
    team.write_card(lead, tmp_path / "lead.card")
    member, _ = team.join(tmp_path / "m.inspection", tmp_path / "lead.card", "Mo Member",
                          PASSPHRASE, kdf=cheap_kdf)
    add_fixture_note(member)
    # A place that cannot be written to is refused before anything is taken.
    for nowhere in (tmp_path / "no such folder" / "m.bundle", tmp_path, member.path):
        with pytest.raises(InvalidInput):
            bundle.export_bundle(member, nowhere)
    assert member.verify().ok and team.changed_since_export(member) == 1
    # A disk that fails while writing: no bundle, no part left, the changes still waiting.
    with monkeypatch.context() as patched:
        patched.setattr(outfile.os, "fsync", disk_full)
        with pytest.raises(StorageError, match="could not be written.*No space left"):
            bundle.export_bundle(member, tmp_path / "m.bundle")
    assert team.changed_since_export(member) == 1
    assert list(tmp_path.glob("**/*.part")) == [] and not (tmp_path / "m.bundle").exists()
    header = bundle.export_bundle(member, tmp_path / "m.bundle")
    assert header["seq"] == 2  # the failed attempt's number is never reused
    assert team.changed_since_export(member) == 0
    member.close()


def test_an_export_interrupted_while_writing_leaves_no_part_file(pair, tmp_path, monkeypatch):
    _lead, member = pair
    add_fixture_note(member)

    def interrupted(*_) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(outfile.os, "fsync", interrupted)
        with pytest.raises(KeyboardInterrupt):
            bundle.export_bundle(member, tmp_path / "m.bundle")
    assert list(tmp_path.glob("**/*.part")) == [] and not (tmp_path / "m.bundle").exists()
    assert team.changed_since_export(member) == 1


def test_the_lead_can_list_just_the_notes_in_conflict(pair, tmp_path):
    lead, member = pair
    shared = add_fixture_note(member)
    add_fixture_note(member, text="A second note nobody else touches.")
    bundle.export_bundle(member, tmp_path / "1.bundle")
    bundle.import_bundle(lead, tmp_path / "1.bundle")
    lead.edit_note(shared.id, text="The lead's version.")
    member.edit_note(shared.id, text="The member's version.")
    bundle.export_bundle(member, tmp_path / "2.bundle")
    bundle.import_bundle(lead, tmp_path / "2.bundle")
    assert [r.id for r in lead.rows(NoteFilter(conflicts_only=True))] == [shared.id]
    assert lead.count() == 2


def test_a_nightly_bundle_checks_only_the_notes_that_changed_since_the_last(
    pair, tmp_path, monkeypatch
):
    """Every bundle carries everything its author knows; the lead's file checks and rewrites
    only what is new to it."""
    lead, member = pair
    notes = [add_fixture_note(member, text=f"Day one, visit {n}.") for n in range(3)]
    bundle.export_bundle(member, tmp_path / "day1.bundle")
    assert bundle.import_bundle(lead, tmp_path / "day1.bundle").new == 3
    member.edit_note(notes[1].id, text="Day two: the visit's notes finished.")
    bundle.export_bundle(member, tmp_path / "day2.bundle")
    checked = []
    monkeypatch.setattr(
        bundle, "check_note", lambda fw, note, **kw: checked.append(note.text) or note
    )
    audited = len(lead.audit_log())
    result = bundle.import_bundle(lead, tmp_path / "day2.bundle")
    assert (result.new, result.updated) == (0, 1)
    assert checked == ["Day two: the visit's notes finished."]
    assert len(lead.audit_log()) == audited + 1 + 1  # the note, and the author's bundle receipt
    assert lead.note(notes[1].id).text == "Day two: the visit's notes finished."


def versions_of(inspection: Inspection, note_id: str) -> int:
    return len(inspection.file.read("note", note_id)[1]["history"])


def test_autosaves_between_bundles_leave_one_version_each_and_merge_cleanly(pair, tmp_path):
    lead, member = pair
    note = add_fixture_note(member)
    for pause in range(5):
        member.edit_note(note.id, text=f"Typing, pause {pause}.")
    assert versions_of(member, note.id) == 1  # no bundle has seen any of them
    bundle.export_bundle(member, tmp_path / "1.bundle")
    member.edit_note(note.id, text="After the bundle.")
    member.edit_note(note.id, text="After the bundle, finished.")
    assert versions_of(member, note.id) == 2  # the bundle's version is kept under the new one
    bundle.export_bundle(member, tmp_path / "2.bundle")
    for name in ("2.bundle", "1.bundle"):
        bundle.import_bundle(lead, tmp_path / name)
    shown = lead.note(note.id)
    assert (shown.text, shown.conflict) == ("After the bundle, finished.", False)
    saves = [e for e in member.audit_log() if e.get("id") == note.id]
    assert len(saves) == 8  # every save is still audited


def test_a_version_another_program_may_have_exported_is_built_on_not_replaced(pair, tmp_path):
    lead, member = pair
    note = add_fixture_note(member, text="Typed in the app.")
    with Inspection.open(member.path, PASSPHRASE) as command_line:
        bundle.export_bundle(command_line, tmp_path / "cli.bundle")
    member.edit_note(note.id, text="Typed after the command line's export.")
    assert versions_of(member, note.id) == 2
    bundle.export_bundle(member, tmp_path / "app.bundle")
    for name in ("cli.bundle", "app.bundle"):
        bundle.import_bundle(lead, tmp_path / name)
    shown = lead.note(note.id)
    assert (shown.text, shown.conflict) == ("Typed after the command line's export.", False)


def test_notes_saved_before_tagging_are_counted_as_untagged(inspection):
    add_fixture_note(inspection)
    inspection.add_note(kind="meeting", questions=[], outcomes=[], judgement="context",
                        text="Quick capture, tagged later.", require_tags=False)
    assert inspection.index.untagged() == 1


def test_imports_in_a_row_read_the_notes_once_when_next_asked(
    make_inspection, tmp_path, cheap_kdf, monkeypatch
):
    """An import does not hold the notes in memory beside the bundle: the working set is read
    again only when something asks for the notes, and then once for several imports."""
    lead = make_inspection("lead.inspection")
    team.write_card(lead, tmp_path / "lead.card")
    names = []
    for n in (1, 2):
        member, _ = team.join(tmp_path / f"m{n}.inspection", tmp_path / "lead.card",
                              f"Member {n}", PASSPHRASE, kdf=cheap_kdf)
        team.write_card(member, tmp_path / f"m{n}.card")
        team.add_member(lead, tmp_path / f"m{n}.card")
        add_fixture_note(member, text=f"Seen by member {n}.", children=[f"Child {n}"])
        bundle.export_bundle(member, tmp_path / f"m{n}.bundle")
        member.close()
        names.append(f"Child {n}")
    loads = []
    original = WorkingSet.load

    def counted(self, notes):
        loads.append(1)
        original(self, notes)

    monkeypatch.setattr(WorkingSet, "load", counted)

    for n in (1, 2):
        bundle.import_bundle(lead, tmp_path / f"m{n}.bundle")
        assert sorted(lead.children) == names[:n]  # the register is current at once

    assert loads == []
    assert lead.count() == 2
    assert {note.text for note in lead.notes()} == {"Seen by member 1.", "Seen by member 2."}
    assert lead.damaged == []
    assert loads == [1]


def test_the_changed_count_opens_only_what_was_written_since_it_last_looked(
    make_inspection, tmp_path, cheap_kdf, monkeypatch
):
    member = make_inspection("m.inspection")
    for n in range(30):
        add_fixture_note(member, text=f"Note {n} of the morning.")
    assert team.changed_since_export(member) == 30
    asked = []
    entries = member.file.audit_entries

    def spied(after):
        asked.append(after)
        return entries(after)

    monkeypatch.setattr(member.file, "audit_entries", spied)

    last = member.file.audit_seq()
    note = add_fixture_note(member, text="One more in the afternoon.")
    member.edit_note(note.id, text="One more in the afternoon, edited.")
    assert team.changed_since_export(member) == 31
    assert asked == [last]  # not from the start of the day
    assert team.changed_since_export(member) == 31


def test_a_note_damaged_in_the_leads_file_is_restored_from_the_next_bundle(pair, tmp_path):
    lead, member = pair
    note = add_fixture_note(member, text="Kept safe by the member's copy.")
    bundle.export_bundle(member, tmp_path / "day1.bundle")
    bundle.import_bundle(lead, tmp_path / "day1.bundle")
    lead.close()
    with closing(sqlite3.connect(lead.path)) as conn:  # a sector gone bad on the lead's disk
        (body,) = conn.execute("SELECT body FROM records WHERE id = ?", (note.id,)).fetchone()
        spoiled = bytes([body[0] ^ 1]) + body[1:]
        conn.execute("UPDATE records SET body = ? WHERE id = ?", (spoiled, note.id))
        conn.commit()
    with Inspection.open(lead.path, PASSPHRASE) as again:
        assert not again.verify().ok
        bundle.export_bundle(member, tmp_path / "day2.bundle")
        result = bundle.import_bundle(again, tmp_path / "day2.bundle")
        assert (result.new, result.updated, result.repaired) == (0, 1, 1)
        assert "1 damaged here and restored from the bundle" in result.describe()
        assert again.note(note.id).text == "Kept safe by the member's copy."
        assert again.verify().ok


def test_a_member_edit_of_a_note_the_lead_deleted_is_imported_as_a_conflict(pair, tmp_path):
    lead, member = pair
    shared = add_fixture_note(member)
    bundle.export_bundle(member, tmp_path / "1.bundle")
    bundle.import_bundle(lead, tmp_path / "1.bundle")
    lead.delete_note(shared.id)
    member.edit_note(shared.id, text="The member carried on with it.")
    add_fixture_note(member, text="A later note of the member's.")
    bundle.export_bundle(member, tmp_path / "2.bundle")
    result = bundle.import_bundle(lead, tmp_path / "2.bundle")  # not refused as forged
    assert result.conflicts == [shared.id] and result.new == 1
    assert lead.note(shared.id).text == "The member carried on with it."


def test_a_member_edit_of_the_leads_own_note_the_lead_deleted_is_imported_as_a_conflict(
    pair, tmp_path
):
    lead, member = pair
    shared = add_fixture_note(lead, text="The lead's note.")
    bundle.export_bundle(lead, tmp_path / "team.bundle", to_team=True)
    bundle.import_bundle(member, tmp_path / "team.bundle")
    lead.delete_note(shared.id)
    member.edit_note(shared.id, text="The member added to the lead's note.")
    bundle.export_bundle(member, tmp_path / "m.bundle")
    result = bundle.import_bundle(lead, tmp_path / "m.bundle")  # not refused as forged
    assert result.conflicts == [shared.id]
    back = lead.note(shared.id)
    assert (back.text, back.author) == ("The member added to the lead's note.", "Sam Lead")


def test_undoing_a_delete_keeps_a_teammates_edit_made_after_it(pair, tmp_path):
    lead, member = pair
    shared = add_fixture_note(lead)
    bundle.export_bundle(lead, tmp_path / "1.bundle", to_team=True)
    bundle.import_bundle(member, tmp_path / "1.bundle")
    deleted = member.delete_note(shared.id)
    lead.edit_note(shared.id, text="The lead's later edit.")
    bundle.export_bundle(lead, tmp_path / "2.bundle", to_team=True)
    bundle.import_bundle(member, tmp_path / "2.bundle")
    back = member.restore_note(deleted)  # the member's undo of the delete
    assert back.conflict
    # The note brought back takes the deletion's place beside the lead's edit: "mine" is the
    # note, never a deletion that Keep mine would make of it.
    assert len(member.versions(shared.id)) == 2
    versions = {v.by: v.data for v in member.versions(shared.id)}
    assert versions == {"Sam Lead": versions["Sam Lead"], "Mo Member": versions["Mo Member"]}
    assert versions["Sam Lead"]["text"] == "The lead's later edit."
    assert versions["Mo Member"]["text"] == deleted.text


def test_adding_a_members_card_again_keeps_the_bundles_received_from_them(pair, tmp_path):
    lead, member = pair
    add_fixture_note(member)
    bundle.export_bundle(member, tmp_path / "first.bundle")
    bundle.import_bundle(lead, tmp_path / "first.bundle")
    team.add_member(lead, tmp_path / "mo.card")  # the same card, added again
    [mo] = [m for m in team.roster(lead) if m.name == "Mo Member"]
    assert mo.last_bundle is not None and mo.last_bundle[0] == 1
    assert bundle.import_bundle(lead, tmp_path / "first.bundle").already


def a_photo(tmp_path) -> Path:
    path = tmp_path / "display.jpg"
    Image.new("RGB", (320, 240), "#3b6ea5").save(path, "JPEG")
    return path


def test_a_photo_removed_by_its_author_is_removed_from_the_leads_file_too(pair, tmp_path):
    lead, member = pair
    note = add_fixture_note(member)
    with_photo = member.edit_note(note.id, photos=[a_photo(tmp_path)])
    bundle.export_bundle(member, tmp_path / "1.bundle")
    bundle.import_bundle(lead, tmp_path / "1.bundle")
    [photo_id] = with_photo.attachments
    assert lead.photo(photo_id)
    member.remove_photo(note.id, photo_id)
    bundle.export_bundle(member, tmp_path / "2.bundle")
    bundle.import_bundle(lead, tmp_path / "2.bundle")
    assert lead.note(note.id).attachments == ()
    held = lead.file.db.execute("SELECT count(*) FROM chunks WHERE attachment_id = ?",
                                [photo_id]).fetchone()
    assert held == (0,) and lead.verify().ok  # no photo data left without its record


def test_a_deleted_notes_photo_goes_to_nobody_and_comes_back_with_undo(pair, tmp_path):
    lead, member = pair
    note = member.edit_note(add_fixture_note(member).id, photos=[a_photo(tmp_path)])
    deleted = member.delete_note(note.id)
    bundle.export_bundle(member, tmp_path / "1.bundle")
    assert bundle.import_bundle(lead, tmp_path / "1.bundle").photos == 0
    assert lead.file.read("attachment", note.attachments[0]) is None
    member.restore_note(deleted)  # undo: the note and its photo are back, and travel
    bundle.export_bundle(member, tmp_path / "2.bundle")
    assert bundle.import_bundle(lead, tmp_path / "2.bundle").photos == 1
    assert lead.note(note.id).attachments == note.attachments and lead.verify().ok


@pytest.mark.parametrize("settle", ["keep theirs", "edit merged"])
def test_settling_a_conflict_keeps_every_versions_photos_and_no_removed_one(
    pair, tmp_path, settle
):
    lead, member = pair
    note = lead.edit_note(add_fixture_note(lead).id, photos=[a_photo(tmp_path)])
    team.write_card(lead, tmp_path / "lead.card")
    bundle.export_bundle(lead, tmp_path / "to-team.bundle", to_team=True)
    bundle.import_bundle(member, tmp_path / "to-team.bundle")
    [shared] = note.attachments
    lead.remove_photo(note.id, shared)
    mine = lead.edit_note(note.id, photos=[a_photo(tmp_path)]).attachments
    theirs = member.edit_note(note.id, photos=[a_photo(tmp_path)]).attachments
    bundle.export_bundle(member, tmp_path / "mo.bundle")
    # The photo the lead removed comes again with it, and is not counted as imported.
    assert bundle.import_bundle(lead, tmp_path / "mo.bundle").photos == len(theirs) - 1
    assert lead.note(note.id).conflict
    [theirs_version] = [v for v in lead.versions(note.id) if v.by == "Mo Member"]
    assert shared not in theirs_version.data["attachments"]  # as the conflict view counts
    if settle == "keep theirs":
        kept = lead.resolve(note.id, theirs_version.id)
    else:
        kept = lead.edit_note(note.id, text="Both readings, merged.", merge_conflict=True)
    assert set(kept.attachments) == {*mine, *theirs} - {shared}
    assert all(lead.photo(a) for a in kept.attachments) and lead.verify().ok


def shared_then_a_photo_removed_by_the_member(lead, member, tmp_path):
    """A lead's note with two photos, sent to the member, who removes the first and exports
    (mo.bundle): the note, and the photos removed and kept."""
    note = lead.edit_note(add_fixture_note(lead).id,
                          photos=[a_photo(tmp_path), a_photo(tmp_path)])
    removed, kept = note.attachments
    team.write_card(lead, tmp_path / "lead.card")
    bundle.export_bundle(lead, tmp_path / "to-team.bundle", to_team=True)
    bundle.import_bundle(member, tmp_path / "to-team.bundle")
    member.remove_photo(note.id, removed)
    bundle.export_bundle(member, tmp_path / "mo.bundle")
    return note, removed, kept


def test_a_note_brought_back_by_undo_lists_no_photo_a_teammate_removed_meanwhile(
    pair, tmp_path
):
    lead, member = pair
    note, removed, kept = shared_then_a_photo_removed_by_the_member(lead, member, tmp_path)
    deleted = lead.delete_note(note.id)  # undo holds the note as it was, with both photos
    result = bundle.import_bundle(lead, tmp_path / "mo.bundle")
    assert result.photos == 0  # the photo it still named was removed, not imported
    assert lead.note(note.id).attachments == (kept,)  # in conflict: only what is still here
    back = lead.restore_note(deleted)
    assert back.attachments == (kept,) and lead.note(note.id).attachments == (kept,)
    assert lead.photo(kept) and lead.verify().ok


def test_what_an_import_removed_is_left_in_no_file_while_the_lead_works_on(pair, tmp_path):
    lead, member = pair
    note = member.edit_note(add_fixture_note(member).id, photos=[a_photo(tmp_path)])
    bundle.export_bundle(member, tmp_path / "1.bundle")
    bundle.import_bundle(lead, tmp_path / "1.bundle")
    [photo_id] = note.attachments
    sealed = lead.file.db.execute("SELECT body FROM chunks WHERE attachment_id = ?",
                                  [photo_id]).fetchone()[0]
    member.remove_photo(note.id, photo_id)
    bundle.export_bundle(member, tmp_path / "2.bundle")
    bundle.import_bundle(lead, tmp_path / "2.bundle")  # the lead's file stays open
    held = b"".join(p.read_bytes() for p in tmp_path.glob("lead.inspection*"))
    assert sealed[:64] not in held


def test_a_damaged_note_with_a_photo_stops_no_export(pair, tmp_path):
    lead, member = pair
    damaged = member.edit_note(add_fixture_note(member).id, photos=[a_photo(tmp_path)])
    add_fixture_note(member, text="Written after it, and sent.")
    conn = member.file.db.conn
    [body] = conn.execute("SELECT body FROM records WHERE type = 'note' AND id = ?",
                          [damaged.id]).fetchone()
    with conn:  # a flipped byte, as a failing disk leaves it
        conn.execute("UPDATE records SET body = ? WHERE type = 'note' AND id = ?",
                     [body[:-5] + bytes([body[-5] ^ 0xFF]) + body[-4:], damaged.id])
    bundle.export_bundle(member, tmp_path / "mo.bundle")
    bundle.import_bundle(lead, tmp_path / "mo.bundle")
    assert "Written after it, and sent." in {n.text for n in lead.notes()}


def test_the_list_counts_only_the_photos_still_here_for_a_note_in_conflict(pair, tmp_path):
    lead, member = pair
    note, removed, kept = shared_then_a_photo_removed_by_the_member(lead, member, tmp_path)
    lead.edit_note(note.id, text="The lead's later wording.")  # still lists both photos
    bundle.import_bundle(lead, tmp_path / "mo.bundle")
    assert lead.note(note.id).conflict
    [row] = [r for r in lead.rows() if r.id == note.id]
    assert (row.photos, lead.note(note.id).attachments) == (1, (kept,))
