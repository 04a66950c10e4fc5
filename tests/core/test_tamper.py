"""Damage and edits made outside the app: each is caught, named, and never unlocks anything.

The file is changed with plain ``sqlite3`` after the app has closed it, as a disk error, a
database browser or someone with a copy of the file would change it. Tables:
``records(type, id, revision, body)``, ``chunks(attachment_id, variant, seq, body)``,
``audit(seq, hash, body)``, ``meta(key, value)``.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PIL import Image

from inspector_app.core import crypto, header, records
from inspector_app.core.errors import (
    InspectorError,
    IntegrityError,
    NamesInReport,
    NotAnInspectionFile,
    NotFound,
    WrongPassphrase,
)
from inspector_app.core.findings import add_finding
from inspector_app.core.report import write_report
from inspector_app.core.store import Inspection
from tests.conftest import PASSPHRASE, add_fixture_note, cli

TEXTS = (
    "Request received week 0, final plan issued week 27; no health advice on file.",
    "Parents of under-fives describe long waits after the two-year check.",
    "No joint commissioning strategy; autism assessment waiting list of 70 weeks.",
)


# -- helpers: the file as an outsider sees it --------------------------------------------------


def fetch(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, params).fetchall()


def change(path: Path, sql: str, params: tuple = ()) -> None:
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute(sql, params).rowcount >= 1, "the tampering touched nothing"
        conn.commit()


def flipped(blob: bytes, at: int | None = None) -> bytes:
    damaged = bytearray(blob)
    damaged[len(damaged) // 2 if at is None else at] ^= 0x01
    return bytes(damaged)


def note_row(path: Path, note_id: str) -> tuple[int, bytes]:
    [(revision, body)] = fetch(
        path, "SELECT revision, body FROM records WHERE type = 'note' AND id = ?", (note_id,)
    )
    return revision, body


def set_note_row(path: Path, note_id: str, revision: int, body: bytes) -> None:
    change(path, "UPDATE records SET revision = ?, body = ? WHERE type = 'note' AND id = ?",
           (revision, body, note_id))


def problems_naming(report, word: str) -> list[str]:
    return [p for p in report.problems if word in p]


@pytest.fixture
def notes(inspection) -> list[str]:
    """Three notes in a closed file; their ids."""
    ids = [add_fixture_note(inspection, text=text).id for text in TEXTS]
    inspection.close()
    return ids


@pytest.fixture
def path(inspection) -> Path:
    return inspection.path


# -- sealed records ----------------------------------------------------------------------------


def test_a_flipped_byte_in_a_note_is_skipped_and_named(path, notes):
    damaged_id = notes[1]
    revision, body = note_row(path, damaged_id)
    set_note_row(path, damaged_id, revision, flipped(body))

    with Inspection.open(path, PASSPHRASE) as again:
        assert again.damaged == [f"note {damaged_id}"]
        assert {n.id for n in again.notes()} == {notes[0], notes[2]}
        assert again.note(notes[2]).text == TEXTS[2]
        with pytest.raises(NotFound):
            again.note(damaged_id)
        report = again.verify()
        assert not report.ok
        assert problems_naming(report, damaged_id)
        assert not problems_naming(report, notes[0]) and not problems_naming(report, notes[2])


def flip_record(path: Path, rtype: str, rid: str) -> None:
    [(body,)] = fetch(path, "SELECT body FROM records WHERE type = ? AND id = ?", (rtype, rid))
    change(path, "UPDATE records SET body = ? WHERE type = ? AND id = ?",
           (flipped(body), rtype, rid))


def test_a_damaged_finding_photo_or_team_member_is_named_not_dropped_quietly(pair, tmp_path):
    lead, _member = pair
    source = tmp_path / "photo.jpg"
    Image.new("RGB", (64, 48), "teal").save(source)
    note = add_fixture_note(lead, photos=[source])
    finding = add_finding(lead, question="B", judgement="development",
                          text="Too few plans are final within 20 weeks.", evidence=[note.id])
    [member_id] = fetch(lead.path, "SELECT id FROM records WHERE type = 'member'")[0]
    lead.close()
    damaged = {"finding": finding.id, "attachment": note.attachments[0], "member": member_id}
    for rtype, rid in damaged.items():
        flip_record(lead.path, rtype, rid)

    with Inspection.open(lead.path, PASSPHRASE) as again:
        assert sorted(again.damaged) == sorted(f"{t} {i}" for t, i in damaged.items())
    listed = cli("finding", "list", lead.path, cwd=tmp_path, check=0)
    assert "3 damaged record(s) were skipped" in listed.stderr


@pytest.mark.parametrize("how", ["damaged", "removed"])
def test_a_register_entry_that_cannot_be_read_stops_the_draft(inspection, tmp_path, how):
    # Without the entry the names check cannot look for that child's name.
    inspection.add_child("Child A", "Jordan Whitfield")
    note = add_fixture_note(inspection)
    add_finding(inspection, question="B", judgement="development",
                text="Jordan Whitfield waited 27 weeks.", evidence=[note.id])
    path = inspection.path
    inspection.close()
    [(child_id,)] = fetch(path, "SELECT id FROM records WHERE type = 'child'")
    if how == "damaged":
        flip_record(path, "child", child_id)
    else:
        change(path, "DELETE FROM records WHERE type = 'child'")

    with Inspection.open(path, PASSPHRASE) as again:
        with pytest.raises(NamesInReport) as refused:
            write_report(again, tmp_path / "draft.docx")
    assert refused.value.unchecked == 1 and refused.value.hits == []
    assert "1 child-register entry is damaged or missing" in str(refused.value)
    assert not (tmp_path / "draft.docx").exists()

    ran = cli("report", path, "--out", tmp_path / "draft.docx", cwd=tmp_path, check=5)
    assert "child-register entry is damaged or missing" in ran.stderr
    assert not (tmp_path / "draft.docx").exists()
    ran = cli("report", path, "--out", tmp_path / "draft.docx", "--allow-names", cwd=tmp_path,
              check=0)
    assert "warning: 1 child-register entry is damaged or missing" in ran.stderr
    assert (tmp_path / "draft.docx").exists()


@pytest.mark.parametrize("column", ["id", "revision"])
def test_an_id_or_revision_emptied_outside_the_app_is_one_damaged_record(path, notes, tmp_path,
                                                                         column):
    change(path, f"UPDATE records SET {column} = NULL WHERE type = 'note' AND id = ?",
           (notes[0],))
    with Inspection.open(path, PASSPHRASE) as again:
        assert len(again.damaged) == 1
        assert {n.id for n in again.notes()} == {notes[1], notes[2]}
        assert problems_naming(again.verify(), "does not open")
    listed = cli("list", path, cwd=tmp_path, check=0)
    assert "1 damaged record(s) were skipped" in listed.stderr
    cli("verify", path, cwd=tmp_path, check=4)


def test_a_trigger_planted_in_the_file_is_refused_before_anything_is_saved(path, notes, tmp_path):
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TRIGGER drop_notes BEFORE INSERT ON records "
                     "WHEN new.type = 'note' BEGIN SELECT RAISE(IGNORE); END")
        conn.commit()
    with pytest.raises(IntegrityError, match="triggers.*outside the app"):
        Inspection.open(path, PASSPHRASE)
    ran = cli("add", path, "--kind", "meeting", "--question", "A", "--outcome", "identification",
              "--judgement", "strength", "--text", "Saved?", cwd=tmp_path, check=4)
    assert "triggers" in ran.stderr and ran.stdout == ""
    cli("verify", path, cwd=tmp_path, check=4)


@pytest.mark.parametrize("sql", [
    "DROP TABLE chunks",
    "DROP TABLE records; CREATE TABLE records (x)",
], ids=["a table dropped", "a table replaced"])
def test_a_file_missing_part_of_its_structure_says_so_with_exit_4(path, notes, tmp_path, sql):
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(sql)
    said = cli("verify", path, cwd=tmp_path, check=4).stderr.strip()
    assert said.startswith("inspector-app: The inspection file is damaged"), said
    assert "part of it is missing (no such" in said and said.endswith("restore a backup copy.")
    assert "run 'inspector-app verify'" not in said  # not sent round to itself


def test_verify_on_the_command_line_names_the_damaged_note(path, notes, tmp_path):
    clean = cli("verify", path, cwd=tmp_path)
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout.startswith("OK")

    revision, body = note_row(path, notes[0])
    set_note_row(path, notes[0], revision, flipped(body))
    result = cli("verify", path, cwd=tmp_path)
    assert result.returncode == 4
    assert notes[0] in result.stderr
    assert "Traceback" not in result.stderr
    assert "OK" not in result.stdout


@pytest.mark.parametrize("how", ["same revision", "other revision", "with its revision"])
def test_a_sealed_blob_only_opens_in_its_own_row(inspection, how):
    source = add_fixture_note(inspection, text=TEXTS[0])
    target = add_fixture_note(inspection, text=TEXTS[1])
    if how != "same revision":
        inspection.edit_note(source.id, title="Edited so it has a revision 2")
    inspection.close()
    path = inspection.path
    source_revision, source_body = note_row(path, source.id)
    target_revision, _ = note_row(path, target.id)
    revision = source_revision if how == "with its revision" else target_revision
    set_note_row(path, target.id, revision, source_body)

    with Inspection.open(path, PASSPHRASE) as again:
        assert again.damaged == [f"note {target.id}"]
        assert [n.text for n in again.notes()] == [TEXTS[0]]
        assert problems_naming(again.verify(), target.id)


def test_a_revision_number_changed_beside_its_blob_does_not_open(path, notes):
    revision, body = note_row(path, notes[0])
    set_note_row(path, notes[0], revision + 1, body)
    with Inspection.open(path, PASSPHRASE) as again:
        assert again.damaged == [f"note {notes[0]}"]
        assert problems_naming(again.verify(), notes[0])


def test_a_record_copied_into_another_file_does_not_open_there(make_inspection):
    first, second = make_inspection("first.inspection"), make_inspection("second.inspection")
    stolen = add_fixture_note(first, text=TEXTS[0])
    victim = add_fixture_note(second, text=TEXTS[1])
    first.close()
    second.close()
    revision, body = note_row(first.path, stolen.id)
    change(second.path, "INSERT INTO records (type, id, revision, body) VALUES ('note', ?, ?, ?)",
           (stolen.id, revision, body))
    set_note_row(second.path, victim.id, revision, body)

    with Inspection.open(second.path, PASSPHRASE) as again:
        assert sorted(again.damaged) == sorted([f"note {stolen.id}", f"note {victim.id}"])
        assert again.notes() == []
        report = again.verify()
        assert problems_naming(report, stolen.id) and problems_naming(report, victim.id)
    with Inspection.open(first.path, PASSPHRASE) as original:
        assert original.note(stolen.id).text == TEXTS[0]


def test_rolling_a_note_back_to_its_earlier_revision_is_caught(inspection):
    note = add_fixture_note(inspection, text=TEXTS[0])
    path = inspection.path
    before = note_row(path, note.id)
    inspection.edit_note(note.id, text="Final plan issued week 19, within the 20 weeks.")
    inspection.close()
    set_note_row(path, note.id, *before)

    with Inspection.open(path, PASSPHRASE) as again:
        assert again.note(note.id).revision == 1  # a genuine old blob opens ...
        problems = problems_naming(again.verify(), note.id)  # ... but verify sees the rollback
        assert problems and "revision 1" in problems[0] and "audit log says 2" in problems[0]


def test_a_record_added_outside_the_app_is_reported_as_not_in_the_audit_log(path, notes):
    revision, body = note_row(path, notes[0])
    planted = "0f0f0f0f-0000-4000-8000-000000000000"
    change(path, "INSERT INTO records (type, id, revision, body) VALUES ('note', ?, ?, ?)",
           (planted, revision, body))
    with Inspection.open(path, PASSPHRASE) as again:
        problems = problems_naming(again.verify(), planted)
        assert f"note {planted}: not in the audit log" in problems


def test_a_deleted_record_is_reported_missing(path, notes):
    change(path, "DELETE FROM records WHERE type = 'note' AND id = ?", (notes[2],))
    with Inspection.open(path, PASSPHRASE) as again:
        assert len(again.notes()) == 2
        problems = problems_naming(again.verify(), notes[2])
        assert problems and "missing" in problems[0]


@pytest.mark.parametrize("body", [None, "plain text typed in a database browser"])
def test_a_body_that_is_not_a_sealed_blob_is_skipped_not_fatal(path, notes, body):
    change(path, "UPDATE records SET body = ? WHERE type = 'note' AND id = ?", (body, notes[0]))
    with Inspection.open(path, PASSPHRASE) as again:
        assert again.damaged == [f"note {notes[0]}"]
        assert len(again.notes()) == 2
        assert problems_naming(again.verify(), notes[0])


def test_a_body_rewritten_as_text_that_is_not_utf8_is_one_damaged_note_and_stays_unprinted(
    path, notes, tmp_path
):
    # A database browser can store bytes as TEXT, which Python's sqlite3 cannot read as text.
    change(path, "UPDATE records SET body = CAST(? AS TEXT) WHERE type = 'note' AND id = ?",
           (b"\xff\xfe\x1b[31mred\x1b[0m", notes[0]))
    listed = cli("list", path, cwd=tmp_path)
    assert listed.returncode == 0 and "1 damaged record(s) were skipped" in listed.stderr
    assert len(listed.stdout.splitlines()) == 2  # the other notes
    verified = cli("verify", path, cwd=tmp_path)
    assert verified.returncode == 4 and notes[0] in verified.stdout + verified.stderr
    for result in (listed, verified):
        assert "\x1b" not in result.stdout + result.stderr
        assert "Traceback" not in result.stderr


def test_a_damaged_details_record_stops_opening_but_verify_still_names_it(path, notes, tmp_path):
    [(body,)] = fetch(path, "SELECT body FROM records WHERE type = 'inspection'")
    change(path, "UPDATE records SET body = ? WHERE type = 'inspection'", (flipped(body),))
    listed = cli("list", path, cwd=tmp_path)
    assert listed.returncode == 4
    assert "The inspection's details record is damaged" in listed.stderr
    verified = cli("verify", path, cwd=tmp_path)
    assert verified.returncode == 4 and "Traceback" not in verified.stderr
    assert "inspection inspection: the sealed record does not open" in verified.stderr


# -- the audit log -----------------------------------------------------------------------------


def test_removing_the_last_audit_entries_is_caught(path, notes):
    [(last,)] = fetch(path, "SELECT max(seq) FROM audit")
    change(path, "DELETE FROM audit WHERE seq > ?", (last - 2,))
    with Inspection.open(path, PASSPHRASE) as again:
        report = again.verify()
        head = [p for p in report.problems if p.startswith("audit log") and "head" in p]
        assert head, report.problems
        assert f"ends at entry {last - 2}" in head[0]


def test_a_removed_audit_head_is_caught(path, notes):
    change(path, "DELETE FROM meta WHERE key = 'audit.head'")
    with Inspection.open(path, PASSPHRASE) as again:
        assert "audit log: its sealed head is missing" in again.verify().problems


@pytest.mark.parametrize("column", ["body", "hash"])
@pytest.mark.parametrize("damage", ["flip a byte", "empty it"])
def test_damage_in_the_audit_chain_is_caught(path, notes, column, damage):
    seq = 2
    [(value,)] = fetch(path, f"SELECT {column} FROM audit WHERE seq = ?", (seq,))
    new = flipped(value) if damage == "flip a byte" else None
    change(path, f"UPDATE audit SET {column} = ? WHERE seq = ?", (new, seq))
    with Inspection.open(path, PASSPHRASE) as again:
        assert len(again.notes()) == 3  # the notes themselves are intact
        report = again.verify()
        assert f"audit entry {seq}: the hash chain is broken" in report.problems


@pytest.mark.parametrize("table", ["records", "audit", "chunks"])
def test_a_missing_table_is_reported_as_damage_not_a_crash(path, notes, tmp_path, table):
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"DROP TABLE {table}")
        conn.commit()
    result = cli("verify", path, cwd=tmp_path)
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr


# -- the key header ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["kdf", "wrap.passphrase", "file_id", "recovery.salt", "wrap.recovery", "header.sum"]
)
def test_a_damaged_key_header_is_not_reported_as_a_wrong_passphrase(inspection, key):
    add_fixture_note(inspection)
    recovery_key, path = inspection.recovery_key, inspection.path
    inspection.close()
    [(value,)] = fetch(path, "SELECT value FROM meta WHERE key = ?", (key,))
    change(path, "UPDATE meta SET value = ? WHERE key = ?", (flipped(value), key))
    for secret in (PASSPHRASE, recovery_key):
        with pytest.raises(IntegrityError) as caught:
            Inspection.open(path, secret)
        assert not isinstance(caught.value, WrongPassphrase)
        message = str(caught.value)
        assert "damaged" in message and "backup" in message  # what happened, what to do


def rewrite_header(path: Path, key: str, value: bytes) -> None:
    """Change a header value and its checksum, as someone who read header.py could."""
    change(path, "UPDATE meta SET value = ? WHERE key = ?", (value, key))
    values = dict(fetch(path, "SELECT key, value FROM meta"))
    change(path, "UPDATE meta SET value = ? WHERE key = 'header.sum'", (header._checksum(values),))


@pytest.mark.parametrize(
    "key, value",
    [
        ("kdf", b'{"alg": "argon2id", "salt": "!!!", "memory_cost": 1024, "iterations": 1, '
                b'"lanes": 1}'),
        ("kdf", b'{"alg": "argon2id", "salt": "", "memory_cost": 1024, "iterations": 1, '
                b'"lanes": 1}'),
        ("kdf", b"[1, 2]"),
        ("kdf", b'{"alg": "argon2id", "salt": "c2FsdHNhbHRzYWx0", "memory_cost": 4, '
                b'"iterations": 1, "lanes": 1}'),
        ("kdf", b'{"alg": "argon2id", "salt": "c2FsdHNhbHRzYWx0", "memory_cost": 1024, '
                b'"iterations": 0, "lanes": 1}'),
        ("file_id", b"\xff\xfe"),
    ],
)
def test_a_header_rewritten_with_its_checksum_is_damage_not_a_crash(path, notes, tmp_path, key,
                                                                    value):
    rewrite_header(path, key, value)
    with pytest.raises(IntegrityError, match="damaged.*backup"):
        Inspection.open(path, PASSPHRASE)
    cli("list", path, cwd=tmp_path, check=4)


def test_the_command_line_reports_a_damaged_header_as_integrity(path, notes, tmp_path):
    [(value,)] = fetch(path, "SELECT value FROM meta WHERE key = 'wrap.passphrase'")
    change(path, "UPDATE meta SET value = ? WHERE key = 'wrap.passphrase'", (flipped(value),))
    result = cli("list", path, cwd=tmp_path)
    assert result.returncode == 4
    assert "backup" in result.stderr and "Traceback" not in result.stderr


def test_a_header_value_saved_as_text_is_damage_not_a_crash(path, notes):
    # A database browser that "edits" the kdf JSON saves it back as TEXT, not as a BLOB.
    change(path, "UPDATE meta SET value = CAST(value AS TEXT) WHERE key = 'kdf'")
    with pytest.raises(IntegrityError, match="backup"):
        Inspection.open(path, PASSPHRASE)


def test_without_its_format_row_the_file_is_not_an_inspection(path, notes):
    change(path, "DELETE FROM meta WHERE key = 'format'")
    with pytest.raises(NotAnInspectionFile, match="not an inspection file"):
        Inspection.open(path, PASSPHRASE)


def test_a_foreign_file_claiming_the_format_is_refused_before_anything_is_written(tmp_path):
    """Another program's SQLite file with a format row: no schema upgrade is written into it
    before it has proved to be an inspection that this secret opens."""
    path = tmp_path / "impostor.inspection"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE meta (key TEXT, value TEXT)")
        conn.execute("INSERT INTO meta VALUES ('format', ?)", (records.FORMAT,))
        conn.commit()
    with pytest.raises(InspectorError) as caught:
        Inspection.open(path, PASSPHRASE)
    assert caught.value.exit_code == 4
    assert fetch(path, "SELECT name FROM sqlite_master") == [("meta",)]


# -- photos ------------------------------------------------------------------------------------


@pytest.fixture
def photo_note(inspection, tmp_path) -> tuple[Path, str, str]:
    """A closed file with one note and one photo large enough to be sealed in several chunks."""
    source = tmp_path / "noise.jpg"
    Image.frombytes("RGB", (1600, 1200), os.urandom(1600 * 1200 * 3)).save(source, quality=95)
    note = add_fixture_note(inspection, photos=[source])
    inspection.close()
    [attachment_id] = note.attachments
    counts = dict(fetch(inspection.path, "SELECT variant, count(*) FROM chunks GROUP BY variant"))
    assert counts["photo"] >= 3 and counts["thumb"] == 1
    return inspection.path, note.id, attachment_id


def chunk_seqs(path: Path, attachment_id: str, variant: str) -> list[int]:
    rows = fetch(path, "SELECT seq FROM chunks WHERE attachment_id = ? AND variant = ? "
                       "ORDER BY seq", (attachment_id, variant))
    return [seq for (seq,) in rows]


def assert_photo_reported(path: Path, note_id: str, attachment_id: str, variant: str) -> None:
    with Inspection.open(path, PASSPHRASE) as again:
        assert again.note(note_id).attachments == (attachment_id,)
        report = again.verify()
        assert f"photo {attachment_id} ({variant}): damaged" in report.problems, report.problems
        with pytest.raises(IntegrityError, match=attachment_id):
            again.photo(attachment_id, variant)


@pytest.mark.parametrize("variant", ["photo", "thumb"])
def test_a_flipped_byte_in_a_photo_chunk_is_caught(photo_note, variant):
    path, note_id, attachment_id = photo_note
    seq = chunk_seqs(path, attachment_id, variant)[-1]
    [(body,)] = fetch(path, "SELECT body FROM chunks WHERE attachment_id = ? AND variant = ? "
                            "AND seq = ?", (attachment_id, variant, seq))
    change(path, "UPDATE chunks SET body = ? WHERE attachment_id = ? AND variant = ? AND seq = ?",
           (flipped(body), attachment_id, variant, seq))
    assert_photo_reported(path, note_id, attachment_id, variant)


@pytest.mark.parametrize(
    "variant, which",
    [("photo", "middle"), ("photo", "last"), ("photo", "first"), ("thumb", "only")],
)
def test_a_deleted_photo_chunk_is_caught(photo_note, variant, which):
    path, note_id, attachment_id = photo_note
    seqs = chunk_seqs(path, attachment_id, variant)
    seq = {"first": seqs[0], "middle": seqs[len(seqs) // 2], "last": seqs[-1],
           "only": seqs[0]}[which]
    change(path, "DELETE FROM chunks WHERE attachment_id = ? AND variant = ? AND seq = ?",
           (attachment_id, variant, seq))
    assert_photo_reported(path, note_id, attachment_id, variant)


def test_photo_data_left_without_its_photo_record_is_caught(photo_note):
    path, _note_id, attachment_id = photo_note
    stray = "0f0f0f0f-0000-4000-8000-000000000000"
    change(path, "INSERT INTO chunks (attachment_id, variant, seq, body) SELECT ?, variant, seq, "
                 "body FROM chunks WHERE attachment_id = ? AND variant = 'thumb'",
           (stray, attachment_id))
    with Inspection.open(path, PASSPHRASE) as again:
        report = again.verify()
        assert report.problems == [f"photo {stray}: data without a photo record"]


# -- passphrases and the recovery key ----------------------------------------------------------


def test_a_wrong_passphrase_is_refused(path, notes, tmp_path):
    for wrong in (PASSPHRASE.upper(), PASSPHRASE + " ", "entirely different words"):
        with pytest.raises(WrongPassphrase):
            Inspection.open(path, wrong)
    result = cli("list", path, cwd=tmp_path, passphrase="entirely different words")
    assert result.returncode == 3
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and result.stdout == ""


def recovery_forms(key: str) -> list[str]:
    spaced = key.replace("-", " ")
    return [key, key.lower(), spaced, spaced.lower(), f"  {key.lower()}\n", key.replace("-", "")]


def test_the_recovery_key_opens_the_file_however_it_is_typed(inspection):
    ids = [add_fixture_note(inspection, text=text).id for text in TEXTS]
    inspection.close()
    for typed in recovery_forms(inspection.recovery_key):
        with Inspection.open(inspection.path, typed) as again:
            assert sorted(n.id for n in again.notes()) == sorted(ids), typed


def test_a_wrong_recovery_key_is_a_wrong_passphrase(inspection):
    key = inspection.recovery_key
    inspection.close()
    one_off = ("B" if key[0] == "A" else "A") + key[1:]
    for wrong in (crypto.new_recovery_key(), one_off, one_off.lower().replace("-", " ")):
        with pytest.raises(WrongPassphrase):
            Inspection.open(inspection.path, wrong)


def test_after_changing_the_passphrase_only_the_new_one_and_the_recovery_key_work(inspection):
    ids = [add_fixture_note(inspection, text=text).id for text in TEXTS]
    inspection.change_passphrase("a brand new passphrase")
    inspection.close()
    with pytest.raises(WrongPassphrase):
        Inspection.open(inspection.path, PASSPHRASE)
    for secret in ("a brand new passphrase", inspection.recovery_key):
        with Inspection.open(inspection.path, secret) as again:
            assert {n.id: n.text for n in again.notes()} == dict(zip(ids, TEXTS, strict=True))
            assert again.verify().ok
