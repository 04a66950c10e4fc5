"""Nothing a person wrote reaches the disk in the clear, and no passphrase is ever echoed.

DESIGN.md ("One inspection, one file"): on disk only opaque ids, revision counters, sizes and
coarse timestamps may be plaintext. The canary test writes distinctive strings through every
path that stores text (notes, edits, deletions, the child register, photos) and then reads
every byte the app left in the folder, while the file is open and after it is closed.
"""

from __future__ import annotations

import re
import sqlite3
import traceback
from pathlib import Path

import pytest
from PIL import Image
from PIL.ExifTags import GPS, IFD, Base

from inspector_app.core.errors import InspectorError, InvalidInput, WrongPassphrase
from inspector_app.core.store import Inspection
from tests.conftest import PASSPHRASE, cli

AREA = "Quillborough Fenside"
INSPECTOR = "Ottoline Vexworth"
TITLE = "Marmaduke Larkspur review"
TEXT = "Zephyrine said the Brackenfold panel lost her appeal papers twice."
OLD_TEXT = "First wording about Hollowmere Lodge respite."
NEW_TEXT = "Second wording about Fernhallow Grange respite."
DELETED_TEXT = "Gorsemere disclosure recorded by mistake."
PSEUDONYM = "Child Periwinkle"
REAL_NAME = "Canaryname Realperson"
PROVIDER = "Thistlewood Priory School"
UNICODE_TEXT = "Åsa Šťastná Łódź-Ørsted visited"
PHOTO_DESCRIPTION = "Canarydesc Lighthouse Ward"
PHOTO_ARTIST = "Canaryartist Pemberton"
PHOTO_COMMENT = "Canarycomment Kittiwake"
PHOTO_XMP = "Canaryxmp Saltmarsh"
# Tags are secret too: the outcome codes, judgements and kinds used below.
TAGS = ["pfa-independent-living", "joint-commissioning", "development", "weakness",
        "case-review"]
CANARIES = [AREA, INSPECTOR, TITLE, TEXT, OLD_TEXT, NEW_TEXT, DELETED_TEXT, PSEUDONYM,
            REAL_NAME, PROVIDER, UNICODE_TEXT, PHOTO_DESCRIPTION, PHOTO_ARTIST, PHOTO_COMMENT,
            PHOTO_XMP, *TAGS]
# The photo's EXIF block and its GPS latitude (53° 48' 1.5") as the camera wrote them.
PHOTO_MARKERS = [b"Exif\x00\x00", b"http://ns.adobe.com/xap"]
FILE = "evidence.inspection"


def camera_photo(folder: Path) -> Path:
    """A JPEG as a phone would save it: description, artist, GPS, comment and XMP."""
    image = Image.new("RGB", (320, 240), (40, 120, 200))
    exif = Image.Exif()
    exif[Base.ImageDescription] = PHOTO_DESCRIPTION
    exif[Base.Artist] = PHOTO_ARTIST
    exif.get_ifd(IFD.GPSInfo).update({
        GPS.GPSLatitudeRef: "N", GPS.GPSLatitude: (53.0, 48.0, 1.5),
        GPS.GPSLongitudeRef: "W", GPS.GPSLongitude: (1.0, 33.0, 2.0),
    })
    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:title="{PHOTO_XMP}"/>'
        "</rdf:RDF></x:xmpmeta>"
    ).encode()
    path = folder / "IMG_0001.jpg"
    image.save(path, "JPEG", exif=exif, comment=PHOTO_COMMENT.encode(), xmp=xmp)
    return path


def leaks(folder: Path, canaries: list[str], markers: list[bytes] = ()) -> list[str]:
    """Every canary found in any file (or file name) under a folder, in UTF-8 or UTF-16-LE."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        lowered = data.lower()
        for canary in canaries:
            if canary.casefold() in path.name.casefold():
                found.append(f"{path.name}: {canary!r} in the file name")
            for encoding in ("utf-8", "utf-16-le"):
                if canary.encode(encoding) in data or canary.lower().encode(encoding) in lowered:
                    found.append(f"{path.name}: {canary!r} ({encoding})")
        found += [f"{path.name}: marker {m!r}" for m in markers if m in data]
    return found


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def fill_with_canaries(inspection: Inspection, photo: Path) -> str:
    """Write each canary through a different path; returns the id of the note kept as-is."""
    kept = inspection.add_note(
        kind="case-review", questions=["C"], outcomes=["pfa-independent-living"],
        judgement="development", title=TITLE, text=f"{TEXT}\n{UNICODE_TEXT}",
        children=[PSEUDONYM], fields={"support_level": "EHC plan"}, photos=[photo],
    )
    inspection.add_child(PSEUDONYM, REAL_NAME)
    visit = inspection.add_note(
        kind="visit", questions=["B"], outcomes=["joint-commissioning"], judgement="weakness",
        text=OLD_TEXT, fields={"provider_name": PROVIDER, "provider_type": "Special school"},
    )
    inspection.edit_note(visit.id, text=NEW_TEXT, title=TITLE)  # the old revision was on disk
    inspection.add_photo(visit.id, photo)
    gone = inspection.add_note(
        kind="meeting", questions=["A"], outcomes=["identification"], judgement="context",
        text=DELETED_TEXT,
    )
    inspection.delete_note(gone.id)
    return kept.id


def test_no_canary_reaches_any_file_while_open_or_after_closing(
    make_inspection, tmp_path, tmp_path_factory
):
    camera = tmp_path_factory.mktemp("camera")  # outside tmp_path: it is meant to leak
    photo = camera_photo(camera)
    assert leaks(camera, [PHOTO_DESCRIPTION, PHOTO_ARTIST, PHOTO_COMMENT, PHOTO_XMP],
                 PHOTO_MARKERS), "the scan itself must find what the camera wrote"

    inspection = make_inspection(FILE, area=AREA, inspector=INSPECTOR)
    kept_id = fill_with_canaries(inspection, photo)
    assert inspection.search("Zephyrine")[0].id == kept_id  # the canaries were really saved

    assert files_in(tmp_path) == [FILE, f"{FILE}-shm", f"{FILE}-wal"]
    assert leaks(tmp_path, CANARIES, PHOTO_MARKERS) == []

    inspection.close()
    assert files_in(tmp_path) == [FILE]
    assert leaks(tmp_path, CANARIES, PHOTO_MARKERS) == []

    with Inspection.open(tmp_path / FILE, PASSPHRASE) as again:
        assert again.info.area == AREA and again.info.inspector == INSPECTOR
        assert again.children[PSEUDONYM].name == REAL_NAME
        texts = {n.text for n in again.notes()}
        assert texts == {f"{TEXT}\n{UNICODE_TEXT}", NEW_TEXT}
        assert again.verify().ok


def test_no_stray_file_is_left_beside_the_inspection(make_inspection, tmp_path, tmp_path_factory):
    photo = camera_photo(tmp_path_factory.mktemp("camera"))
    inspection = make_inspection(FILE, area=AREA, inspector=INSPECTOR)
    fill_with_canaries(inspection, photo)
    assert inspection.verify().ok
    assert inspection.search("Hollowmere") == []  # the edited-away wording is gone
    assert len(inspection.search("Fernhallow")) == 1
    inspection.close()
    with Inspection.open(tmp_path / FILE, PASSPHRASE) as again:
        again.change_passphrase("another long passphrase")
    assert files_in(tmp_path) == [FILE]


def test_only_the_owner_may_read_the_inspection_and_its_journal(make_inspection, tmp_path):
    # Encrypted, but a copy is all anyone needs to guess passphrases at leisure.
    inspection = make_inspection(FILE, area=AREA, inspector=INSPECTOR)
    inspection.add_note(kind="meeting", questions=["A"], outcomes=["identification"],
                        judgement="strength", text="Parents describe short waits.")
    names = files_in(tmp_path)
    assert {FILE, f"{FILE}-wal", f"{FILE}-shm"} <= set(names)
    for name in names:
        assert (tmp_path / name).stat().st_mode & 0o077 == 0, name


def whole_story(exc: BaseException) -> str:
    """Everything a log or a crash report could show about an error, chained causes included."""
    parts = ["".join(traceback.format_exception(exc))]
    seen: BaseException | None = exc
    while seen is not None:
        parts += [str(seen), repr(seen), repr(seen.args)]
        seen = seen.__cause__ or seen.__context__
    return "\n".join(parts)


WRONG = "Tangerine Velociraptor Quartz"


def test_a_wrong_passphrase_is_never_echoed(inspection):
    inspection.close()
    key = inspection.recovery_key
    wrong_key = ("B" if key[0] == "A" else "A") + key[1:]
    for secret in (WRONG, wrong_key, wrong_key.lower()):
        with pytest.raises(WrongPassphrase) as caught:
            Inspection.open(inspection.path, secret)
        story = whole_story(caught.value)
        assert "passphrase" in str(caught.value).lower()
        assert secret not in story and PASSPHRASE not in story
        assert inspection.recovery_key not in story


def test_the_command_line_never_echoes_a_wrong_passphrase(inspection, tmp_path):
    inspection.close()
    result = cli("list", str(inspection.path), passphrase=WRONG, cwd=tmp_path)
    assert result.returncode == 3
    assert "passphrase" in result.stderr.lower()
    assert WRONG not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_a_refused_new_passphrase_is_not_echoed(inspection, tmp_path, cheap_kdf):
    short = "Kumqua7"
    with pytest.raises(InvalidInput) as caught:
        inspection.change_passphrase(short)
    assert short not in whole_story(caught.value)
    with pytest.raises(InvalidInput) as caught:
        Inspection.create(tmp_path / "other.inspection", short, area="A", inspector="B",
                          kdf=cheap_kdf)
    assert short not in whole_story(caught.value)
    # Asked for the current passphrase (as the app asks), a wrong one changes nothing.
    wrong = "Wrong one 1"
    with pytest.raises(WrongPassphrase) as caught:
        inspection.change_passphrase("a long new passphrase", cheap_kdf, current=wrong)
    assert wrong not in whole_story(caught.value)
    inspection.close()
    with Inspection.open(inspection.path, PASSPHRASE) as again:  # the old one still works
        assert again.info.area == "Northmoor"


def test_a_passphrase_that_is_not_utf8_fails_cleanly(inspection, tmp_path):
    # A Latin-1 terminal hands Python "café" as 'caf\udce9': it must be a wrong passphrase,
    # not a crash whose traceback quotes part of it.
    secret = "caf\udce9 Tangerine Velociraptor"
    inspection.close()
    with pytest.raises(InspectorError) as caught:
        Inspection.open(inspection.path, secret)
    assert "Tangerine" not in whole_story(caught.value)
    result = cli("list", str(inspection.path), passphrase=secret, cwd=tmp_path)
    assert result.returncode in (2, 3)
    assert "Traceback" not in result.stderr
    assert "Tangerine" not in result.stderr


def test_the_only_plaintext_time_is_the_day_the_file_was_made(inspection):
    """A moment to the microsecond would say when an inspector was at work; a day does not."""
    rows = inspection.file.db.conn.execute(
        "SELECT applied_at FROM _sqlite_migrations"
    ).fetchall()
    assert rows and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", at) for (at,) in rows)


def raw_bytes(folder: Path) -> bytes:
    """Every byte of the inspection and its journal, as a copy of the folder would take."""
    return b"".join((folder / name).read_bytes() for name in files_in(folder))


def test_what_a_passphrase_change_or_a_deletion_replaced_is_left_in_no_file(
    make_inspection, tmp_path, cheap_kdf, monkeypatch
):
    # SQLite as built elsewhere (python.org's, say) leaves deleted bytes where they were.
    connect = sqlite3.connect

    def stock_sqlite(*args, **kwargs):
        conn = connect(*args, **kwargs)
        conn.execute("PRAGMA secure_delete=OFF")
        return conn

    monkeypatch.setattr(sqlite3, "connect", stock_sqlite)
    inspection = make_inspection()
    # A copy made while the app holds the file open (a backup, a synced folder) keeps
    # neither the key wrapped under the old passphrase nor a deleted note's sealed text.
    db = inspection._db
    old_wrap = db["meta"].get("wrap.passphrase")["value"]
    note = inspection.add_note(kind="meeting", questions=["A"], outcomes=["identification"],
                               judgement="strength", text=DELETED_TEXT)
    sealed = db.execute("SELECT body FROM records WHERE id = ?", [note.id]).fetchone()[0]
    inspection.change_passphrase("another long passphrase", kdf=cheap_kdf)
    inspection.delete_note(note.id)
    held = raw_bytes(tmp_path)
    assert old_wrap not in held and sealed[:64] not in held
    assert db.execute("PRAGMA secure_delete").fetchone() == (1,)


def test_what_a_deletion_replaced_goes_with_the_next_write_if_a_reader_held_it(
    inspection, tmp_path
):
    note = inspection.add_note(kind="meeting", questions=["A"], outcomes=["identification"],
                               judgement="strength", text=DELETED_TEXT)
    db = inspection._db
    sealed = db.execute("SELECT body FROM records WHERE id = ?", [note.id]).fetchone()[0]
    reader = sqlite3.connect(inspection.path)  # another program, reading at that moment
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM records").fetchone()
    inspection.delete_note(note.id)
    assert sealed[:64] in raw_bytes(tmp_path)  # it cannot go while the reader holds it
    reader.close()
    inspection.add_note(kind="meeting", questions=["A"], outcomes=["identification"],
                        judgement="strength", text="The next note.")
    assert sealed[:64] not in raw_bytes(tmp_path)
