"""Bundles and cards that are damaged, altered, misaddressed or forged: each is refused whole.

One real bundle from a team member (notes, a deletion, a photo, child pseudonyms, a register
entry with a real name, and long notes so the payload spans several sealed chunks) is damaged
byte by byte and cut short at many points; every copy is imported into a fresh copy of the
lead's file, which must refuse it with one sentence and show exactly what it showed before.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from inspector_app.core import bundle, crypto, history, team
from inspector_app.core.crypto import KdfParams
from inspector_app.core.errors import BundleRejected, InspectorError, InvalidInput
from inspector_app.core.store import Inspection
from tests.conftest import FIXTURE_ONE, PASSPHRASE, add_fixture_note

REAL_NAME = "Jordan Whitfield-Okafor"
LONG_TEXT = "Case file read in full; the plan repeats the advice without dates. " * 2200


def canonical(value) -> bytes:
    """A record as a bundle carries it: compact JSON."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass
class World:
    """Closed files and the bundles made from them, shared by every test in this module."""

    folder: Path
    lead: Path  # the lead's file before any import
    ali: Path
    jo: Path
    bundle: Path  # Ali's bundle to the lead: the one damaged below
    twin: Path  # Ali's file copied before that export, then edited and exported: same number
    jo_bundle: Path
    kim_bundle: Path  # from a member who joined but whose card the lead never added
    stranger_bundle: Path  # from a member of another inspection
    early_team_bundle: Path  # the lead's bundle made before Jo was on the roster
    lead_card: Path
    ali_card: Path
    stranger_card: Path
    ids: dict[str, str]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    folder = tmp_path_factory.mktemp("world")
    kdf = KdfParams.fresh(memory_cost=1024, iterations=1, lanes=1)

    def create(name: str, inspector: str) -> Inspection:
        return Inspection.create(
            folder / name, PASSPHRASE, area="Northmoor", inspector=inspector, kdf=kdf
        )[0]

    def join(name: str, inspector: str, card: str) -> Inspection:
        return team.join(folder / name, folder / card, inspector, PASSPHRASE, kdf=kdf)[0]

    lead = create("lead.inspection", "Sam Lead")
    team.write_card(lead, folder / "inspection.card")
    ali = join("ali.inspection", "Ali Member", "inspection.card")
    jo = join("jo.inspection", "Jo Member", "inspection.card")
    kim = join("kim.inspection", "Kim Member", "inspection.card")
    for member, name in ((ali, "ali"), (jo, "jo"), (kim, "kim")):
        team.write_card(member, folder / f"{name}.card")
    team.add_member(lead, folder / "ali.card")
    add_fixture_note(lead, title="Lead's note", text="From the lead.")
    bundle.export_bundle(lead, folder / "early-team.bundle", to_team=True)
    team.add_member(lead, folder / "jo.card")

    photo = folder / "ramp.jpg"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(photo, "JPEG")
    ali.add_child("Child B", REAL_NAME)
    ids = {
        "named": add_fixture_note(ali, title="Child B's review", children=["Child B"]).id,
        "photo": add_fixture_note(ali, title="Ramp", text="Ramp to the hall", photos=[photo]).id,
        "gone": add_fixture_note(ali, title="Wrong school", text="Mistake").id,
    }
    ali.delete_note(ids["gone"])
    for n in range(4):  # long notes, so the payload is sealed in several chunks
        add_fixture_note(ali, title=f"Long {n}", text=f"{n} {LONG_TEXT}", children=["Child D"])
    ali.close()
    shutil.copy(folder / "ali.inspection", folder / "twin.inspection")
    ali = Inspection.open(folder / "ali.inspection", PASSPHRASE)
    bundle.export_bundle(ali, folder / "ali.bundle")
    with Inspection.open(folder / "twin.inspection", PASSPHRASE) as twin:
        twin.edit_note(ids["named"], text="Edited in a copy of the file.")
        bundle.export_bundle(twin, folder / "twin.bundle")

    add_fixture_note(jo, title="Jo's meeting", text="Met the parent carers' forum.")
    bundle.export_bundle(jo, folder / "jo.bundle")
    add_fixture_note(kim, title="Kim's visit", text="Visited the special school.")
    bundle.export_bundle(kim, folder / "kim.bundle")

    other = create("other-lead.inspection", "Pat Other")
    team.write_card(other, folder / "other-inspection.card")
    stranger = join("stranger.inspection", "Lee Stranger", "other-inspection.card")
    team.write_card(stranger, folder / "stranger.card")
    team.add_member(other, folder / "stranger.card")
    add_fixture_note(stranger, title="Elsewhere", text="Another area altogether.")
    bundle.export_bundle(stranger, folder / "stranger.bundle")

    for inspection in (lead, ali, jo, kim, other, stranger):
        inspection.close()
    return World(
        folder=folder,
        lead=folder / "lead.inspection",
        ali=folder / "ali.inspection",
        jo=folder / "jo.inspection",
        bundle=folder / "ali.bundle",
        twin=folder / "twin.bundle",
        jo_bundle=folder / "jo.bundle",
        kim_bundle=folder / "kim.bundle",
        stranger_bundle=folder / "stranger.bundle",
        early_team_bundle=folder / "early-team.bundle",
        lead_card=folder / "inspection.card",
        ali_card=folder / "ali.card",
        stranger_card=folder / "stranger.card",
        ids=ids,
    )


# -- helpers -----------------------------------------------------------------------------------


def fresh(source: Path, folder: Path) -> Inspection:
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / f"{uuid.uuid4().hex[:8]}-{source.name}"
    shutil.copy(source, copy)
    return Inspection.open(copy, PASSPHRASE)


def seen(inspection: Inspection) -> dict[str, Any]:
    """Everything a user of the file could notice changing."""
    return {
        "notes": [(n.id, n.revision, n.text, n.conflict) for n in inspection.notes()],
        "children": sorted((c.ref, c.name) for c in inspection.children.values()),
        "audit": len(inspection.audit_log()),
        "roster": [(m.fingerprint, m.bundles) for m in team.roster(inspection)],
    }


def refused(target: Path, bundle_path: Path, folder: Path) -> InspectorError:
    """Import into a fresh copy of ``target``: refused in one sentence, and nothing changed."""
    with fresh(target, folder) as inspection:
        before = seen(inspection)
        with pytest.raises(InspectorError) as caught:
            bundle.import_bundle(inspection, bundle_path)
        assert caught.value.exit_code == 4, caught.value
        assert seen(inspection) == before
        path = inspection.path
    with Inspection.open(path, PASSPHRASE) as again:  # and nothing on disk either
        assert seen(again) == before
    assert_one_sentence(str(caught.value))
    return caught.value


def assert_one_sentence(message: str) -> None:
    assert message and "\n" not in message and message.rstrip().endswith("."), message
    assert "Traceback" not in message and "Error(" not in message, message


@dataclass(frozen=True)
class Layout:
    header: tuple[int, int]  # start, end of the header JSON
    chunks: list[tuple[int, int, int]]  # length prefix at, sealed chunk from, to


def layout(raw: bytes) -> Layout:
    start = len(bundle.MAGIC) + 5
    (length,) = struct.unpack(">I", raw[start - 4 : start])
    chunks, at = [], start + length
    while at < len(raw):
        (size,) = struct.unpack(">I", raw[at : at + 4])
        chunks.append((at, at + 4, at + 4 + size))
        at += 4 + size
    assert at == len(raw)
    return Layout((start, start + length), chunks)


def damaged(raw: bytes, at: int, mask: int = 0x01) -> bytes:
    out = bytearray(raw)
    out[at] ^= mask
    return bytes(out)


def flip_points(raw: bytes) -> Iterator[tuple[str, int]]:
    parts = layout(raw)
    yield from (("magic", 0), ("magic", 3), ("magic", 7), ("version", 8))
    yield from (("header length", n) for n in range(9, 13))
    start, end = parts.header
    header = raw[start:end]
    yield "header start", start
    yield "header end", end - 1
    for name in (
        b'"author": "',
        b'"bundle_id": "',
        b'"created_at": "',
        b'"inspection_id": "',
        b'"key": "',
        b'"to": "',
        b'"seq": ',
        b'"to_team": ',
        b'"recipients"',
    ):
        at = header.index(name)
        yield f"header {name.decode()}", start + at + len(name)  # the value's first byte
        yield f"header {name.decode()} name", start + at + 2  # the field's name
    key = start + header.index(b'"key": "') + len(b'"key": "')
    yield "header wrapped key middle", key + 40
    for n, (prefix, body, stop) in enumerate(parts.chunks):
        yield from ((f"chunk {n} length", prefix + k) for k in range(4))
        yield f"chunk {n} seal version", body
        yield f"chunk {n} final flag", body + 1
        yield f"chunk {n} nonce", body + 2
        yield f"chunk {n} first ciphertext byte", body + 14
        yield f"chunk {n} middle", (body + stop) // 2
        yield f"chunk {n} last ciphertext byte", stop - 17
        yield f"chunk {n} tag", stop - 1


# -- the bundle as it should be ----------------------------------------------------------------


def test_the_bundle_spans_several_chunks(world):
    parts = layout(world.bundle.read_bytes())
    assert len(parts.chunks) >= 3  # so every chunk role (first, middle, final) is damaged below


def test_the_lead_gets_notes_photo_and_pseudonyms_but_never_the_real_name(world, tmp_path):
    assert REAL_NAME.encode() not in world.bundle.read_bytes()
    with fresh(world.lead, tmp_path) as lead:
        result = bundle.import_bundle(lead, world.bundle)
        assert (result.photos, result.conflicts) == (1, [])
        shown = {n.id: n for n in lead.notes()}
        assert len(shown) == 7  # the lead's own note and Ali's six
        assert world.ids["named"] in shown and world.ids["photo"] in shown
        assert world.ids["gone"] not in shown  # the deletion travelled
        assert shown[world.ids["named"]].author == "Ali Member"
        [attachment] = shown[world.ids["photo"]].attachments
        with Image.open(io.BytesIO(lead.photo(attachment))) as image:
            assert image.size == (64, 48)
        assert lead.children["Child B"].name == "" and "Child D" in lead.children
        everything = json.dumps(
            [state for kind in record_types(lead.path) for _, _, state in lead.file.scan(kind)]
            + lead.audit_log(),
            ensure_ascii=False,
        )
        assert "Child B" in everything and REAL_NAME not in everything
        path = lead.path
    assert REAL_NAME.encode() not in path.read_bytes()
    with Inspection.open(world.ali, PASSPHRASE) as ali:  # still held where it was entered
        assert ali.children["Child B"].name == REAL_NAME


def record_types(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [row[0] for row in conn.execute("SELECT DISTINCT type FROM records")]


# -- damage --------------------------------------------------------------------------------------


def test_every_region_flipped_is_refused_and_nothing_is_imported(world, tmp_path):
    raw = world.bundle.read_bytes()
    points = list(flip_points(raw))
    assert len(points) > 50
    accepted = []
    for mask in (0x01, 0x80):
        for region, at in points:
            path = tmp_path / f"flip-{at}-{mask}.bundle"
            path.write_bytes(damaged(raw, at, mask))
            try:
                refused(world.lead, path, tmp_path / "files")
            except pytest.fail.Exception:
                accepted.append(f"{region} (byte {at}, mask {mask:#x})")
            path.unlink()
    assert accepted == [], "altered bundles were imported: " + "; ".join(accepted)


def test_a_changed_chunk_flag_is_refused_and_the_genuine_bundle_still_imports(world, tmp_path):
    # The byte after a chunk's seal version says "more follows" or "final"; changing it is
    # tampering like any other, and must not make the genuine bundle look like a replay.
    raw = world.bundle.read_bytes()
    _, body, _ = layout(raw).chunks[0]
    altered = tmp_path / "flag.bundle"
    altered.write_bytes(damaged(raw, body + 1))
    with fresh(world.lead, tmp_path) as lead:
        before = seen(lead)
        with pytest.raises(BundleRejected):
            bundle.import_bundle(lead, altered)
        assert seen(lead) == before
        bundle.import_bundle(lead, world.bundle)
        assert len(lead.notes()) == 7


def truncation_points(raw: bytes) -> list[int]:
    parts = layout(raw)
    edges = {0, 1, len(bundle.MAGIC), 9, 12, 13, parts.header[0] + 1, parts.header[1] - 1}
    edges.add(parts.header[1])
    for prefix, body, stop in parts.chunks:
        edges |= {prefix, prefix + 2, body, body + 1, body + 14, stop - 1}
        edges.add(stop)
    edges |= set(range(0, len(raw), 997))
    return sorted(e for e in edges if e < len(raw))


def test_a_bundle_cut_short_anywhere_is_refused_and_nothing_is_imported(world, tmp_path):
    raw = world.bundle.read_bytes()
    points = truncation_points(raw)
    assert len(points) > 400
    path = tmp_path / "cut.bundle"
    # One copy of the lead's file takes every attempt, so a partial import would pile up.
    with fresh(world.lead, tmp_path) as lead:
        before = seen(lead)
        for at in points:
            path.write_bytes(raw[:at])
            with pytest.raises(BundleRejected) as caught:
                bundle.import_bundle(lead, path)
            assert "\n" not in str(caught.value), at
        assert seen(lead) == before
        copy = lead.path
    with Inspection.open(copy, PASSPHRASE) as again:
        assert seen(again) == before


def test_bytes_added_after_the_final_chunk_are_refused(world, tmp_path):
    raw = world.bundle.read_bytes()
    last = layout(raw).chunks[-1]
    for tail in (b"\x00", raw[last[0] : last[2]]):  # junk, or the final chunk twice
        path = tmp_path / "longer.bundle"
        path.write_bytes(raw + tail)
        refused(world.lead, path, tmp_path / "files")


def test_swapped_chunks_are_refused(world, tmp_path):
    raw = world.bundle.read_bytes()
    parts = layout(raw)
    (a0, _, a1), (b0, _, b1) = parts.chunks[0], parts.chunks[1]
    path = tmp_path / "swapped.bundle"
    path.write_bytes(raw[:a0] + raw[b0:b1] + raw[a0:a1] + raw[b1:])
    assert "damaged or was altered" in str(refused(world.lead, path, tmp_path / "files"))


# -- not a bundle, and absurd sizes --------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"Dear Sam, notes attached.\n",
        os.urandom(5000),
        b"INSPBNDL",
        b"INSPBNDL\x01\x00",
        b"INSPBNDL\x01" + struct.pack(">I", 60_000) + b"[" * 60_000,
    ],
    ids=["empty", "text", "random", "magic only", "no header", "deeply nested header"],
)
def test_a_file_that_is_not_a_bundle_is_refused(world, tmp_path, content):
    path = tmp_path / "not.bundle"
    path.write_bytes(content)
    refused(world.lead, path, tmp_path / "files")


def test_a_card_or_an_inspection_file_given_as_a_bundle_is_refused(world, tmp_path):
    for path in (world.ali_card, world.ali):
        message = str(refused(world.lead, path, tmp_path / "files"))
        assert "not a sync bundle" in message


def test_a_missing_bundle_is_named(world, tmp_path):
    with fresh(world.lead, tmp_path) as lead:
        with pytest.raises(InvalidInput, match="cannot be read"):
            bundle.import_bundle(lead, tmp_path / "nowhere.bundle")


def huge(path: Path, raw: bytes, at: int, value: int, claimed_tail: int) -> None:
    """Write ``raw`` with a u32 at ``at`` replaced, then extend the file (sparse) so a reader
    that believed the length would have gigabytes to read."""
    path.write_bytes(raw[:at] + struct.pack(">I", value) + raw[at + 4 :])
    with open(path, "r+b") as handle:
        handle.truncate(len(raw) + claimed_tail)


@pytest.mark.parametrize("where", ["header", "first chunk", "last chunk"])
def test_an_impossible_length_is_refused_before_reading(world, tmp_path, where):
    raw = world.bundle.read_bytes()
    parts = layout(raw)
    at = {"header": 9, "first chunk": parts.chunks[0][0], "last chunk": parts.chunks[-1][0]}
    path = tmp_path / "huge.bundle"
    huge(path, raw, at[where], 2**31, 2**32)
    started = time.perf_counter()
    refused(world.lead, path, tmp_path / "files")
    assert time.perf_counter() - started < 5  # it never read the 4 GiB it was promised


@pytest.mark.parametrize("length", [0, bundle.MAX_HEADER + 1, 2**32 - 1])
def test_an_empty_or_oversized_header_is_refused(world, tmp_path, length):
    raw = world.bundle.read_bytes()
    path = tmp_path / "header.bundle"
    path.write_bytes(raw[:9] + struct.pack(">I", length) + raw[13:])
    refused(world.lead, path, tmp_path / "files")


def rewritten(raw: bytes, change) -> bytes:
    """The bundle with its header JSON changed by ``change`` (and its length fixed up)."""
    start, end = layout(raw).header
    header = json.loads(raw[start:end])
    change(header)
    text = json.dumps(header, sort_keys=True).encode()
    return raw[:9] + struct.pack(">I", len(text)) + text + raw[end:]


def test_too_many_recipients_is_refused(world, tmp_path):
    raw = world.bundle.read_bytes()
    path = tmp_path / "crowd.bundle"
    path.write_bytes(
        rewritten(raw, lambda h: h.update(recipients=h["recipients"] * (bundle.MAX_RECIPIENTS + 1)))
    )
    refused(world.lead, path, tmp_path / "files")


@pytest.mark.parametrize(
    "change",
    [
        lambda h: h.update(seq=h["seq"] + 1),
        lambda h: h.update(seq="1"),
        lambda h: h.update(to_team=True),
        lambda h: h.update(created_at="2026-01-01T00:00:00+00:00"),
        lambda h: h.update(recipients=[]),
        lambda h: h.pop("bundle_id"),
        lambda h: h["recipients"][0].update(key="not base64!"),
    ],
    ids=["seq", "seq as text", "to_team", "created_at", "no recipients", "no id", "bad key"],
)
def test_a_rewritten_header_is_refused(world, tmp_path, change):
    path = tmp_path / "rewritten.bundle"
    path.write_bytes(rewritten(world.bundle.read_bytes(), change))
    refused(world.lead, path, tmp_path / "files")


# -- the wrong people, places and numbers --------------------------------------------------------


def test_a_bundle_from_another_inspection_is_refused(world, tmp_path):
    assert "another inspection" in str(refused(world.lead, world.stranger_bundle, tmp_path))


def test_a_bundle_from_someone_not_on_the_roster_is_refused(world, tmp_path):
    message = str(refused(world.lead, world.kim_bundle, tmp_path))
    assert "not on this file's roster" in message and "team add" in message


def test_a_bundle_not_addressed_to_this_file_is_refused(world, tmp_path):
    # The lead's bundle was made before Jo's card was on the roster: Jo cannot open it.
    message = str(refused(world.jo, world.early_team_bundle, tmp_path))
    assert "not addressed to this file" in message


def test_a_members_bundle_is_refused_by_another_member(world, tmp_path):
    message = str(refused(world.ali, world.jo_bundle, tmp_path))
    assert "only the lead's bundles" in message


def test_a_bundle_imported_into_the_file_that_made_it_is_refused(world, tmp_path):
    assert "exported from this file" in str(refused(world.ali, world.bundle, tmp_path))


def test_a_bundle_number_reused_with_other_content_is_refused(world, tmp_path):
    with fresh(world.lead, tmp_path) as lead:
        bundle.import_bundle(lead, world.bundle)
        before = seen(lead)
        with pytest.raises(BundleRejected, match="reuses bundle number 1") as caught:
            bundle.import_bundle(lead, world.twin)
        assert_one_sentence(str(caught.value))
        assert seen(lead) == before
        assert lead.note(world.ids["named"]).text != "Edited in a copy of the file."
        # The bundle it copied is still welcome again, and changes nothing.
        assert bundle.import_bundle(lead, world.bundle).already
        assert seen(lead) == before


def test_a_lead_must_export_to_the_team(world, tmp_path):
    with fresh(world.lead, tmp_path) as lead:
        with pytest.raises(InvalidInput, match="--to-team"):
            bundle.export_bundle(lead, tmp_path / "out.bundle")
    assert not (tmp_path / "out.bundle").exists()


def test_a_lead_with_no_roster_cannot_export(make_inspection, tmp_path):
    lead = make_inspection()
    with pytest.raises(InvalidInput, match="roster is empty"):
        bundle.export_bundle(lead, tmp_path / "out.bundle", to_team=True)
    assert not list(tmp_path.glob("*.bundle")) and not list(tmp_path.glob(".*.part"))


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
) -> Path:
    """A signed bundle of ``frames`` (signed by ``signer`` instead, to forge a signature)."""
    signing, _ = keys_of(signer or author_path)
    manifest_bytes = json.dumps(manifest).encode()

    def body(header_bytes: bytes) -> list[bytes]:
        signed = crypto.sign(signing, bundle._signed(header_bytes, manifest_bytes))
        signature = bundle._frame(b"S", signed)
        parts = [signature, *frames] if signature_first else [*frames, signature]
        return [bundle._frame(b"M", manifest_bytes), *parts]

    return sealed(out, author_path, recipient_path, body)


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
    return bundle._frame(b"R", json.dumps({"type": rtype, "id": rid}).encode() + b"\n" + raw)


def listed(*records: tuple[str, bytes], rtype: str = "note") -> dict[str, Any]:
    return {**EMPTY, "records": [[rtype, rid, bundle._sha(raw)] for rid, raw in records]}


def test_a_well_formed_forgery_is_accepted_so_the_refusals_below_mean_something(world, tmp_path):
    rid, raw = note_record()
    path = forge(
        world.ali,
        world.lead,
        listed((rid, raw)),
        [record_frame(rid, raw)],
        tmp_path / "fine.bundle",
    )
    with fresh(world.lead, tmp_path) as lead:
        bundle.import_bundle(lead, path)
        assert lead.note(rid).text == "A forged but well-formed note."


def test_a_signature_by_someone_else_is_refused(world, tmp_path):
    rid, raw = note_record()
    path = forge(
        world.ali,
        world.lead,
        listed((rid, raw)),
        [record_frame(rid, raw)],
        tmp_path / "signed.bundle",
        signer=world.jo,
    )
    assert "signature" in str(refused(world.lead, path, tmp_path))


def test_content_before_the_signature_is_refused(world, tmp_path):
    rid, raw = note_record()
    path = forge(
        world.ali,
        world.lead,
        listed((rid, raw)),
        [record_frame(rid, raw)],
        tmp_path / "early.bundle",
        signature_first=False,
    )
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
    else:
        meta = json.dumps({"type": ["note"], "id": rid}).encode()
        frames = [bundle._frame(b"R", meta + b"\n" + raw)]
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


# -- cards ---------------------------------------------------------------------------------------


def card_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def write_card(path: Path, card: dict[str, Any]) -> Path:
    path.write_text(json.dumps(card, indent=2))
    return path


def card_refused(world: World, card: Path, folder: Path, error=BundleRejected) -> str:
    with fresh(world.lead, folder) as lead:
        before = seen(lead)
        with pytest.raises(error) as caught:
            team.add_member(lead, card)
        assert seen(lead) == before
    assert_one_sentence(str(caught.value))
    return str(caught.value)


@pytest.mark.parametrize(
    "text",
    ["{not json", "[]", "", '{"format": "inspector-app/card/1"}', "\udcff", "[" * 10_000],
    ids=["broken", "a list", "empty", "no fields", "not text", "deeply nested"],
)
def test_a_malformed_card_is_refused(world, tmp_path, text):
    path = tmp_path / "bad.card"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    assert "is not an inspection or member card" in card_refused(world, path, tmp_path)


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c.update(name="Mallory"),
        lambda c: c.update(role="lead"),
        lambda c: c.update(inspection_id=str(uuid.uuid4())),
        lambda c: c.update(created_at="2020-01-01T00:00:00+00:00"),
        lambda c: c.update(receive=team.to_b64(bytes(32))),
        lambda c: c.update(sign=team.to_b64(bytes(range(32)))),
        lambda c: c.update(signature=team.to_b64(bytes(64))),
    ],
    ids=["name", "role", "inspection", "date", "receive key", "sign key", "signature"],
)
def test_a_card_changed_after_signing_is_refused(world, tmp_path, change):
    card = card_json(world.ali_card)
    change(card)
    path = write_card(tmp_path / "edited.card", card)
    message = card_refused(world, path, tmp_path)
    assert "changed or signed by someone else" in message


def test_a_card_signed_by_someone_else_is_refused(world, tmp_path):
    with Inspection.open(world.jo, PASSPHRASE) as jo:
        jo_keys, _ = team.identity(jo)
    card = card_json(world.ali_card)
    fields = {k: v for k, v in card.items() if k != "signature"}
    card["signature"] = team.to_b64(crypto.sign(jo_keys, team._signed_bytes(fields)))
    path = write_card(tmp_path / "jo-signed.card", card)
    assert "changed or signed by someone else" in card_refused(world, path, tmp_path)


def test_a_card_with_keys_of_the_wrong_length_is_refused(world, tmp_path):
    card = card_json(world.ali_card)
    card["receive"] = team.to_b64(bytes(31))
    path = write_card(tmp_path / "short.card", card)
    assert "not an inspection or member card" in card_refused(world, path, tmp_path)


def test_a_card_too_large_is_refused_before_it_is_parsed(world, tmp_path):
    card = card_json(world.ali_card)
    card["note"] = "x" * team.MAX_CARD_BYTES
    path = write_card(tmp_path / "large.card", card)
    assert "too large to be a card" in card_refused(world, path, tmp_path)


def test_a_member_card_for_another_inspection_is_refused(world, tmp_path):
    assert "another inspection" in card_refused(world, world.stranger_card, tmp_path)


def test_an_inspection_card_is_not_a_member_card(world, tmp_path):
    message = card_refused(world, world.lead_card, tmp_path, error=InvalidInput)
    assert "inspection card" in message


def test_only_the_lead_keeps_a_roster(world, tmp_path):
    with fresh(world.jo, tmp_path) as jo:
        with pytest.raises(InvalidInput, match="Only the lead"):
            team.add_member(jo, world.ali_card)


def test_joining_needs_the_leads_card(world, tmp_path):
    with pytest.raises(InvalidInput, match="member card"):
        team.join(tmp_path / "new.inspection", world.ali_card, "Ann New", PASSPHRASE)
    assert not (tmp_path / "new.inspection").exists()


def test_joining_with_an_altered_card_creates_nothing(world, tmp_path):
    card = card_json(world.lead_card)
    card["area"] = "Southmoor"
    path = write_card(tmp_path / "altered.card", card)
    with pytest.raises(BundleRejected, match="changed or signed by someone else"):
        team.join(tmp_path / "new.inspection", path, "Ann New", PASSPHRASE)
    assert not (tmp_path / "new.inspection").exists()


# -- the command line ----------------------------------------------------------------------------


def cli(*args: object) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTOR_APP")}
    environment["INSPECTOR_APP_PASSPHRASE"] = PASSPHRASE
    return subprocess.run(
        [sys.executable, "-m", "inspector_app", *map(str, args)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_the_command_line_refuses_damage_with_exit_4_and_one_sentence(world, tmp_path):
    raw = world.bundle.read_bytes()
    middle = layout(raw).chunks[1]
    bad = tmp_path / "bad.bundle"
    bad.write_bytes(damaged(raw, (middle[1] + middle[2]) // 2))
    text = tmp_path / "notes.txt"
    text.write_text("not a bundle\n")
    lead = tmp_path / "lead.inspection"
    shutil.copy(world.lead, lead)
    for path in (bad, text, world.kim_bundle):
        result = cli("bundle", "import", lead, path)
        assert result.returncode == 4, result.stderr
        assert result.stdout == "" and "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("inspector-app: ")
    edited = card_json(world.ali_card)
    edited["name"] = "Mallory"
    result = cli("team", "add", lead, write_card(tmp_path / "edited.card", edited))
    assert (result.returncode, result.stderr.count("\n")) == (4, 1), result.stderr
    assert "Traceback" not in result.stderr
    result = cli("list", lead, "--json")
    assert [n["title"] for n in json.loads(result.stdout)] == ["Lead's note"]  # nothing came in


def test_the_command_line_refuses_a_crafted_header_with_exit_4_and_no_traceback(world, tmp_path):
    # Anyone can write this file: no key is needed to reach the header.
    crafted = tmp_path / "crafted.bundle"
    crafted.write_bytes(bundle.MAGIC + b"\x01" + struct.pack(">I", 60_000) + b"[" * 60_000)
    lead = tmp_path / "lead.inspection"
    shutil.copy(world.lead, lead)
    result = cli("bundle", "import", lead, crafted)
    assert "Traceback" not in result.stderr, result.stderr[-300:]
    assert result.returncode == 4 and result.stderr.count("\n") == 1


def test_the_command_line_imports_the_good_bundles_and_names_the_bad(world, tmp_path):
    lead = tmp_path / "lead.inspection"
    shutil.copy(world.lead, lead)
    bad = tmp_path / "bad.bundle"
    bad.write_bytes(world.bundle.read_bytes()[:-1])
    result = cli("bundle", "import", lead, bad, world.jo_bundle)
    assert result.returncode == 4 and "Traceback" not in result.stderr
    assert f"{bad}: rejected:" in result.stderr and "1 of 2 bundles were rejected" in result.stderr
    assert "from Jo Member" in result.stdout
    titles = {n["title"] for n in json.loads(cli("list", lead, "--json").stdout)}
    assert titles == {"Lead's note", "Jo's meeting"}


def test_exporting_from_the_lead_without_to_team_exits_2(world, tmp_path):
    lead = tmp_path / "lead.inspection"
    shutil.copy(world.lead, lead)
    result = cli("bundle", "export", lead, "--out", tmp_path / "out.bundle")
    assert result.returncode == 2 and "--to-team" in result.stderr
    assert result.stderr.count("\n") == 1 and not (tmp_path / "out.bundle").exists()
