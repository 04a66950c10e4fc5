"""The team, files and bundles the bundle and card tests damage, and the checks they share."""

from __future__ import annotations

import json
import shutil
import struct
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from inspector_app.core import bundle, team
from inspector_app.core.crypto import KdfParams
from inspector_app.core.errors import InspectorError
from inspector_app.core.store import Inspection
from tests.conftest import PASSPHRASE, add_fixture_note

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


def build_world(tmp_path_factory) -> World:
    """A lead, members and bundles made once per test module."""
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
