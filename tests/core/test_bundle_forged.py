"""Bundles built with a real author's keys that break the rules inside the encryption: the
checks after the signature refuse them."""

from __future__ import annotations

import json
import struct
import uuid
from pathlib import Path
from typing import Any

import pytest

from inspector_app.core import bundle, crypto, history, team
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
