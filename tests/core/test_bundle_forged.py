"""Bundles built with a real author's keys that break the rules inside the encryption: the
checks after the signature refuse them."""

from __future__ import annotations

import io
import json
import sqlite3
import struct
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from inspector_app.core import bundle, crypto, history, images, team
from inspector_app.core.errors import BundleRejected
from inspector_app.core.store import Inspection
from tests.conftest import FIXTURE_ONE, PASSPHRASE
from tests.core.bundle_world import (
    World,
    build_world,
    canonical,
    fresh,
    refused,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    return build_world(tmp_path_factory)


# -- forged from inside: the author's own keys, content the checks must still catch ------------


def keys_of(path: Path) -> tuple[crypto.Identity, str]:
    with Inspection.open(path, PASSPHRASE) as inspection:
        return team.identity(inspection)[0], inspection.info.inspection_id


def sealed(out: Path, author_path: Path, recipient_path: Path, body, *, seq: int = 99) -> Path:
    """A bundle made by hand with the author's real keys, addressed to the recipient's file;
    ``body(header_bytes)`` gives the frames sealed inside."""
    keys, inspection_id = keys_of(author_path)
    to_keys, _ = keys_of(recipient_path)
    header = {
        "bundle_id": str(uuid.uuid4()),
        "inspection_id": inspection_id,
        "author": crypto.fingerprint(keys.receive_public, keys.sign_public),
        "seq": seq,
        "created_at": "2026-03-16T09:00:00+00:00",
        "to_team": False,
    }
    file_key = crypto.new_key()
    wrapped = crypto.wrap_for(to_keys.receive_public, file_key, bundle._info(header))
    header["recipients"] = [
        {
            "to": crypto.fingerprint(to_keys.receive_public, to_keys.sign_public),
            "key": team.to_b64(wrapped),
        }
    ]
    header_bytes = json.dumps(header, sort_keys=True).encode()
    with open(out, "wb") as handle:
        handle.write(bundle.MAGIC + bytes([bundle.VERSION]))
        handle.write(struct.pack(">I", len(header_bytes)) + header_bytes)
        for chunk in crypto.seal_chunks(file_key, body(header_bytes), bundle._ad(header_bytes)):
            handle.write(struct.pack(">I", len(chunk)) + chunk)
    return out


def forge(
    author_path: Path,
    recipient_path: Path,
    manifest: Any,
    frames: list[bytes],
    out: Path,
    *,
    signer: Path | None = None,
    signature_first: bool = True,
    seq: int = 99,
) -> Path:
    """A signed bundle of ``frames`` (signed by ``signer`` instead, to forge a signature)."""
    signing, _ = keys_of(signer or author_path)
    manifest_bytes = json.dumps(manifest).encode()

    def body(header_bytes: bytes) -> list[bytes]:
        signed = crypto.sign(signing, bundle._signed(header_bytes, manifest_bytes))
        signature = bundle._frame(b"S", signed)
        parts = [signature, *frames] if signature_first else [*frames, signature]
        return [bundle._frame(b"M", manifest_bytes), *parts]

    return sealed(out, author_path, recipient_path, body, seq=seq)


EMPTY = {"records": [], "photos": [], "children": []}


def note_record(text: str = "A forged but well-formed note.", **overrides) -> tuple[str, bytes]:
    data = {
        **{k: v for k, v in FIXTURE_ONE.items() if k != "children"},
        "author": "Ali Member",
        "text": text,
        "children": [],
        "attachments": [],
        "created_at": "2026-03-16T09:00:00+00:00",
        "updated_at": "2026-03-16T09:00:00+00:00",
        **overrides,
    }
    state = history.start(data, "Ali Member", "2026-03-16T09:00:00+00:00")
    return str(uuid.uuid4()), canonical(state)


def record_frame(rid: str, raw: bytes, rtype: str = "note") -> bytes:
    return bundle._frame(b"R", bundle._name(rtype, rid) + raw)


def listed(*records: tuple[str, bytes], rtype: str = "note") -> dict[str, Any]:
    return {**EMPTY, "records": [[rtype, rid, bundle._sha(raw)] for rid, raw in records]}


def forge_one(world: World, rid: str, raw: bytes, out: Path, **options) -> Path:
    """A signed bundle from Ali to the lead holding one record, listed and sent as it is."""
    return forge(world.ali, world.lead, listed((rid, raw)), [record_frame(rid, raw)], out,
                 **options)


def test_a_well_formed_forgery_is_accepted_so_the_refusals_below_mean_something(world, tmp_path):
    rid, raw = note_record()
    path = forge_one(world, rid, raw, tmp_path / "fine.bundle")
    with fresh(world.lead, tmp_path) as lead:
        bundle.import_bundle(lead, path)
        assert lead.note(rid).text == "A forged but well-formed note."


def test_a_known_version_sent_again_with_other_data_is_checked_like_a_new_one(world, tmp_path):
    """Records a file already has are not checked again, but only if nothing in them changed:
    the same version with other data in a later bundle is checked, and refused if invalid."""
    rid, raw = note_record()
    first = forge_one(world, rid, raw, tmp_path / "first.bundle", seq=1)
    state = json.loads(raw)
    state["heads"][0]["data"]["judgement"] = "excellent"  # not a judgement in the framework
    bad = canonical(state)
    second = forge_one(world, rid, bad, tmp_path / "second.bundle", seq=2)
    with fresh(world.lead, tmp_path) as lead:
        bundle.import_bundle(lead, first)
        with pytest.raises(BundleRejected, match="not valid for this inspection"):
            bundle.import_bundle(lead, second)
        assert lead.note(rid).judgement == FIXTURE_ONE["judgement"]


def test_a_signature_by_someone_else_is_refused(world, tmp_path):
    rid, raw = note_record()
    path = forge_one(world, rid, raw, tmp_path / "signed.bundle", signer=world.jo)
    assert "signature" in str(refused(world.lead, path, tmp_path))


def test_content_before_the_signature_is_refused(world, tmp_path):
    rid, raw = note_record()
    path = forge_one(world, rid, raw, tmp_path / "early.bundle", signature_first=False)
    refused(world.lead, path, tmp_path)


@pytest.mark.parametrize(
    "case",
    [
        "unlisted",
        "listed but missing",
        "other hash",
        "invalid note",
        "unknown type",
        "unknown part",
        "broken history",
        "name not text",
        "name without a kind",
        "empty frame",
    ],
)
def test_records_that_do_not_match_the_signed_manifest_are_refused(world, tmp_path, case):
    rid, raw = note_record()
    manifest, frames = listed((rid, raw)), [record_frame(rid, raw)]
    if case == "unlisted":
        manifest = EMPTY
    elif case == "listed but missing":
        frames = []
    elif case == "other hash":
        frames = [record_frame(rid, raw.replace(b"forged", b"FORGED"))]
    elif case == "invalid note":
        rid, raw = note_record(judgement="excellent")
        manifest, frames = listed((rid, raw)), [record_frame(rid, raw)]
    elif case == "unknown type":
        manifest, frames = listed((rid, raw), rtype="member"), [record_frame(rid, raw, "member")]
    elif case == "unknown part":
        frames.append(bundle._frame(b"Z", b"?"))
    elif case == "broken history":
        raw = canonical({"history": {"a": []}, "heads": [{"v": "b", "by": 1, "at": 2}]})
        manifest, frames = listed((rid, raw)), [record_frame(rid, raw)]
    elif case == "name not text":
        frames = [bundle._frame(b"R", bytes([6]) + b"note/\xff" + raw)]
    elif case == "name without a kind":
        frames = [bundle._frame(b"R", bytes([len(rid)]) + rid.encode() + raw)]
    else:
        frames = [bundle._frame(b"R", b"")]
    path = forge(world.ali, world.lead, manifest, frames, tmp_path / "records.bundle")
    refused(world.lead, path, tmp_path)


def test_a_frame_claiming_gigabytes_is_refused_before_it_is_read(world, tmp_path):
    frame = b"R" + struct.pack(">I", 2**31) + b"x" * 16
    path = forge(world.ali, world.lead, EMPTY, [frame], tmp_path / "frame.bundle")
    assert "impossibly large" in str(refused(world.lead, path, tmp_path))


def test_a_manifest_claiming_gigabytes_is_refused_before_it_is_read(world, tmp_path):
    frame = b"M" + struct.pack(">I", bundle.MAX_MANIFEST + 1) + b"{}"
    path = sealed(tmp_path / "manifest.bundle", world.ali, world.lead, lambda _: [frame])
    assert "impossibly large" in str(refused(world.lead, path, tmp_path))


def test_a_deeply_nested_manifest_is_refused(world, tmp_path):
    frame = bundle._frame(b"M", b"[" * 100_000)
    path = sealed(tmp_path / "nested.bundle", world.ali, world.lead, lambda _: [frame])
    assert "manifest" in str(refused(world.lead, path, tmp_path))


def test_a_manifest_listing_an_impossible_photo_is_refused(world, tmp_path):
    manifest = {**EMPTY, "photos": [[str(uuid.uuid4()), "photo", 2**40, "0" * 64]]}
    path = forge(world.ali, world.lead, manifest, [], tmp_path / "photo.bundle")
    assert "impossibly large photo" in str(refused(world.lead, path, tmp_path))


@pytest.mark.parametrize(
    "manifest", [[], {"records": 5}, {"records": [[1, 2]], "photos": [], "children": []}]
)
def test_a_malformed_manifest_is_refused(world, tmp_path, manifest):
    path = forge(world.ali, world.lead, manifest, [], tmp_path / "manifest.bundle")
    assert "manifest" in str(refused(world.lead, path, tmp_path))


@pytest.mark.parametrize(
    "piece",
    [b"", b"\x02\xff\xfe", b"\x40short", b"\x09not/listed" + b"jpeg bytes"],
    ids=["empty", "undecodable name", "name longer than the part", "unlisted photo"],
)
def test_a_malformed_photo_part_is_refused(world, tmp_path, piece):
    path = forge(
        world.ali, world.lead, EMPTY, [bundle._frame(b"P", piece)], tmp_path / "photo.bundle"
    )
    refused(world.lead, path, tmp_path)


def test_a_photo_that_does_not_match_its_manifest_is_refused(world, tmp_path):
    attachment = str(uuid.uuid4())
    name = f"{attachment}/photo".encode()
    manifest = {**EMPTY, "photos": [[attachment, "photo", 4, bundle._sha(b"JPEG")]]}
    for data in (b"JPEG!", b"JPG", b"GEPJ"):
        path = forge(
            world.ali,
            world.lead,
            manifest,
            [bundle._frame(b"P", bytes([len(name)]) + name + data)],
            tmp_path / "photo.bundle",
        )
        refused(world.lead, path, tmp_path)


# -- forged from inside: content as the app would never have saved it ---------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"text": "Bell\x07 and escape\x1b[31m in the text."},
        {"updated_at": None},
        {"created_at": "yesterday"},
        {"author": "Ali\nMember"},
        {"questions": ["B", "A"]},  # the app stores them in order
        {"smuggled": "a field the app does not have"},
    ],
    ids=["controls", "no time", "not a time", "two-line author", "unsorted",
         "unknown field"],
)
def test_a_note_the_app_would_have_saved_otherwise_is_refused(world, tmp_path, overrides):
    rid, raw = note_record(**overrides)
    path = forge_one(world, rid, raw, tmp_path / "unclean.bundle")
    assert "not valid" in str(refused(world.lead, path, tmp_path))


def test_a_lone_surrogate_escaped_in_the_json_is_refused(world, tmp_path):
    rid, raw = note_record()
    raw = raw.replace(b"A forged but well-formed note.", b"Half a pair \\ud800 here.")
    assert "\ud800" in json.loads(raw)["heads"][0]["data"]["text"]
    path = forge_one(world, rid, raw, tmp_path / "surrogate.bundle")
    assert "not valid" in str(refused(world.lead, path, tmp_path))


def with_head(raw: bytes, **changes) -> bytes:
    state = json.loads(raw)
    state["heads"][0].update(changes)
    return canonical(state)


@pytest.mark.parametrize(
    "change",
    [{"by": "Sam Lead"}, {"data": "author"}],
    ids=["version by the lead", "note by the lead"],
)
def test_a_member_cannot_pass_work_off_as_the_leads(world, tmp_path, change):
    rid, raw = note_record()
    if change == {"data": "author"}:
        rid, raw = note_record(author="Sam Lead")
    else:
        raw = with_head(raw, **change)
    path = forge_one(world, rid, raw, tmp_path / "impostor.bundle")
    assert "Ali Member" in str(refused(world.lead, path, tmp_path))


def test_a_known_version_with_other_valid_data_is_refused(world, tmp_path):
    rid, raw = note_record()
    first = forge_one(world, rid, raw, tmp_path / "first.bundle", seq=1)
    state = json.loads(raw)
    state["heads"][0]["data"]["text"] = "Quietly rewritten under the same version."
    second = forge_one(world, rid, canonical(state), tmp_path / "second.bundle", seq=2)
    with fresh(world.lead, tmp_path) as lead:
        bundle.import_bundle(lead, first)
        with pytest.raises(BundleRejected, match="not valid"):
            bundle.import_bundle(lead, second)
        assert lead.note(rid).text == "A forged but well-formed note."


def test_a_members_file_takes_a_teammates_version_only_by_a_name_on_one_clean_line(
    world, tmp_path
):
    rid, raw = note_record()

    def from_the_lead(by: str) -> Path:
        edited = with_head(raw, by=by)
        return forge(world.lead, world.ali, listed((rid, edited)), [record_frame(rid, edited)],
                     tmp_path / "relayed.bundle")

    with fresh(world.ali, tmp_path) as ali:
        bundle.import_bundle(ali, from_the_lead("Jo Member"))
        assert ali.note(rid).text == "A forged but well-formed note."
    for by in ("Jo\nMember", "Jo Member\x1b[31m", " Jo Member"):
        assert "not valid" in str(refused(world.ali, from_the_lead(by), tmp_path))


def test_a_record_damaged_here_is_restored_only_from_a_valid_version(world, tmp_path):
    rid, raw = note_record()
    first = forge_one(world, rid, raw, tmp_path / "first.bundle", seq=1)
    with fresh(world.lead, tmp_path) as lead:
        bundle.import_bundle(lead, first)
        path = lead.path
    with closing(sqlite3.connect(path)) as conn:  # a sector gone bad on the lead's disk
        (body,) = conn.execute("SELECT body FROM records WHERE id = ?", (rid,)).fetchone()
        conn.execute("UPDATE records SET body = ? WHERE id = ?",
                     (bytes([body[0] ^ 1]) + body[1:], rid))
        conn.commit()
    _, invalid = note_record("Bell\x07 and escape\x1b[31m in the text.")
    second = forge_one(world, rid, invalid, tmp_path / "second.bundle", seq=2)
    assert "not valid" in str(refused(path, second, tmp_path))


def test_a_tombstone_carrying_data_is_refused(world, tmp_path):
    rid, raw = note_record()
    path = forge_one(world, rid, with_head(raw, data={"deleted": True, "text": "kept"}),
                     tmp_path / "tomb.bundle")
    refused(world.lead, path, tmp_path)


# -- photos: cleaned, and each a variant of its photo record -----------------------------------


def clean_jpegs() -> images.CleanPhoto:
    return images._clean(Image.new("RGB", (64, 48), (200, 30, 30)))


def with_exif(data: bytes) -> bytes:
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
    exif[0x010F] = "Phone maker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def photo_bundle(world: World, out: Path, *, photo: bytes | None = None, record: bool = True,
                 variants: tuple[str, ...] = ("photo", "thumb"), sent: bytes | None = None,
                 **record_changes) -> Path:
    """A signed bundle from Ali: a note, its photo record and the photo's ``variants`` (the
    photo's part holding ``sent`` instead, if given)."""
    clean = clean_jpegs()
    photo = clean.photo if photo is None else photo
    note_id, note_raw = note_record()
    attachment_id = str(uuid.uuid4())
    data = {
        "id": attachment_id, "note_id": note_id, "filename": "photo.jpg",
        "width": 64, "height": 48,
        "sizes": {"photo": len(photo), "thumb": len(clean.thumb)},
        "sha256": {"photo": bundle._sha(photo), "thumb": bundle._sha(clean.thumb)},
        "created_at": "2026-03-16T09:00:00+00:00", **record_changes,
    }
    state = history.start(data, "Ali Member", "2026-03-16T09:00:00+00:00")
    attachment_raw = canonical(state)
    records = [("note", note_id, note_raw)] + (
        [("attachment", attachment_id, attachment_raw)] if record else []
    )
    manifest = {
        **EMPTY,
        "records": [[t, rid, bundle._sha(raw)] for t, rid, raw in records],
        "photos": [[attachment_id, v, len(d), bundle._sha(d)]
                   for v, d in (("photo", photo), ("thumb", clean.thumb), ("evil", photo))
                   if v in variants],
    }
    frames = [record_frame(rid, raw, t) for t, rid, raw in records]
    for variant, content in (("photo", sent or photo), ("thumb", clean.thumb), ("evil", photo)):
        if variant not in variants:
            continue
        name = f"{attachment_id}/{variant}".encode()
        frames.append(bundle._frame(b"P", bytes([len(name)]) + name + content))
    return forge(world.ali, world.lead, manifest, frames, out)


def test_a_well_formed_photo_is_accepted_so_the_refusals_below_mean_something(world, tmp_path):
    with fresh(world.lead, tmp_path) as lead:
        assert bundle.import_bundle(lead, photo_bundle(world, tmp_path / "ok.bundle")).photos == 1
        assert lead.verify().ok


def jpeg_with(data: bytes, segment: bytes, at: int = 2) -> bytes:
    """A JPEG with ``segment`` (marker, length and content) inserted at byte ``at``."""
    return data[:at] + segment + data[at:]


@pytest.mark.parametrize(
    "case",
    ["exif", "no record", "path in the name", "negative width", "other digest", "huge size",
     "no photo sent", "another variant", "two JFIF markers", "text in a table",
     "scan header past the end"],
)
def test_photos_that_are_not_clean_or_not_recorded_are_refused(world, tmp_path, case):
    out = tmp_path / "photo.bundle"
    clean = clean_jpegs().photo
    if case == "exif":
        path = photo_bundle(world, out, photo=with_exif(clean))
    elif case == "huge size":
        path = photo_bundle(world, out, sizes={"photo": 10**30, "thumb": 10})
    elif case == "no photo sent":
        path = photo_bundle(world, out, variants=())
    elif case == "another variant":
        path = photo_bundle(world, out, variants=("photo", "thumb", "evil"))
    elif case == "two JFIF markers":
        path = photo_bundle(world, out, photo=jpeg_with(clean, clean[2:20], at=20))
    elif case == "text in a table":
        path = photo_bundle(world, out, photo=jpeg_with(
            clean, b"\xff\xdb\x00\x12" + b"Jordan Whitfield", at=20))
    elif case == "scan header past the end":
        scan = clean.index(b"\xff\xda")
        path = photo_bundle(world, out, photo=clean[:scan + 2] + b"\xff\xf0" + clean[scan + 4:])
    elif case == "no record":
        path = photo_bundle(world, out, record=False)
    elif case == "path in the name":
        path = photo_bundle(world, out, filename="../../x.jpg")
    elif case == "negative width":
        path = photo_bundle(world, out, width=-5)
    else:
        path = photo_bundle(world, out, sha256={"photo": "0" * 64, "thumb": "0" * 64})
    refused(world.lead, path, tmp_path)


def test_another_clean_photo_of_the_same_size_is_not_taken_for_the_signed_one(world, tmp_path):
    original = clean_jpegs().photo
    reds = (images._clean(Image.new("RGB", (64, 48), (red, 30, 30))).photo for red in range(256))
    other = next(p for p in reds if len(p) == len(original) and p != original)
    path = photo_bundle(world, tmp_path / "swapped.bundle", sent=other)
    assert "does not match its manifest" in str(refused(world.lead, path, tmp_path))


# -- histories a merge would lose heads or loop on, and history rewritten ------------------------


def shaped(rid_state: dict) -> tuple[str, bytes]:
    return str(uuid.uuid4()), canonical(rid_state)


@pytest.mark.parametrize("case", ["cycle", "head not a tip", "record id not an id",
                                  "extra head field", "version not an id"])
def test_histories_that_are_not_histories_are_refused(world, tmp_path, case):
    rid, raw = note_record()
    state = json.loads(raw)
    [head] = state["heads"]
    if case == "cycle":
        state["history"][head["v"]] = [head["v"]]
    elif case == "head not a tip":
        later = str(uuid.uuid4())
        state["history"][later] = [head["v"]]
    elif case == "record id not an id":
        rid = "\x1b[31mnote"
    elif case == "extra head field":
        head["smuggled"] = "\x07"
    else:
        state["history"] = {"v1": []}
        head["v"] = "v1"
    path = forge_one(world, rid, canonical(state), tmp_path / "shape.bundle")
    refused(world.lead, path, tmp_path)


def test_a_known_version_cannot_be_given_other_parents(world, tmp_path):
    rid, raw = note_record()
    first = forge_one(world, rid, raw, tmp_path / "first.bundle", seq=1)
    state = json.loads(raw)
    [head] = state["heads"]
    older = str(uuid.uuid4())
    state["history"] = {older: [], head["v"]: [older]}  # now "descends" from something else
    second = forge_one(world, rid, canonical(state), tmp_path / "second.bundle", seq=2)
    with fresh(world.lead, tmp_path) as lead:
        bundle.import_bundle(lead, first)
        with pytest.raises(BundleRejected, match="not valid"):
            bundle.import_bundle(lead, second)


@pytest.mark.parametrize("case", ["order infinite", "order as text", "order too far",
                                  "main as 1", "evidence not ids", "note's photos not ids"])
def test_numbers_and_links_the_app_never_writes_are_refused(world, tmp_path, case):
    if case.startswith("note"):
        rid, raw = note_record(attachments=["\x1b[31m", {"deep": [1]}])
        path = forge_one(world, rid, raw, tmp_path / "odd.bundle")
    else:
        rid, note_raw = note_record()
        data = {"question": "A", "judgement": "development", "text": "A finding.",
                "evidence": [rid], "main": False, "order": 1, "author": "Ali Member",
                "created_at": "2026-03-16T09:00:00+00:00",
                "updated_at": "2026-03-16T09:00:00+00:00"}
        data.update({
            "order infinite": {"order": float("inf")}, "order as text": {"order": "1"},
            "order too far": {"order": 10**6},
            "main as 1": {"main": 1}, "evidence not ids": {"evidence": ["does-not-exist"]},
        }[case])
        finding_id = str(uuid.uuid4())
        finding_raw = canonical(history.start(data, "Ali Member", "2026-03-16T09:00:00+00:00"))
        manifest = {**EMPTY, "records": [["note", rid, bundle._sha(note_raw)],
                                         ["finding", finding_id, bundle._sha(finding_raw)]]}
        frames = [record_frame(rid, note_raw), record_frame(finding_id, finding_raw, "finding")]
        path = forge(world.ali, world.lead, manifest, frames, tmp_path / "odd.bundle")
    refused(world.lead, path, tmp_path)


def test_a_manifest_with_an_infinite_size_is_refused(world, tmp_path):
    attachment = str(uuid.uuid4())
    manifest = {**EMPTY, "photos": [[attachment, "photo", float("inf"), "0" * 64]]}
    path = forge(world.ali, world.lead, manifest, [], tmp_path / "inf.bundle")
    assert "manifest" in str(refused(world.lead, path, tmp_path))


def test_a_photo_record_is_never_changed_only_deleted(world, tmp_path):
    first = photo_bundle(world, tmp_path / "first.bundle")
    with fresh(world.lead, tmp_path) as lead:
        bundle.import_bundle(lead, first)
        [(attachment_id, _, state)] = list(lead.file.scan("attachment"))
    changed = history.advance(
        state, {**state["heads"][0]["data"], "sha256": {"photo": "0" * 64, "thumb": "0" * 64}},
        "Ali Member", "2026-03-17T09:00:00+00:00",
    )
    raw = canonical(changed)
    second = forge(world.ali, world.lead,
                   {**EMPTY, "records": [["attachment", attachment_id, bundle._sha(raw)]]},
                   [record_frame(attachment_id, raw, "attachment")], tmp_path / "second.bundle",
                   seq=2)
    with fresh(world.lead, tmp_path) as lead:
        bundle.import_bundle(lead, first)
        with pytest.raises(BundleRejected, match="not valid"):
            bundle.import_bundle(lead, second)
        assert lead.verify().ok
