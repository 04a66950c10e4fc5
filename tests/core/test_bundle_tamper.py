"""Bundles that are damaged, cut short, oversized or misaddressed: each is refused whole, and
the lead's file shows exactly what it showed before."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import struct
import time
from contextlib import closing
from pathlib import Path

import pytest
from PIL import Image

from inspector_app.core import bundle
from inspector_app.core.errors import BundleRejected, InvalidInput
from inspector_app.core.store import Inspection
from tests.conftest import PASSPHRASE
from tests.core.bundle_world import (
    REAL_NAME,
    World,
    assert_one_sentence,
    build_world,
    damaged,
    flip_points,
    fresh,
    layout,
    refused,
    seen,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    return build_world(tmp_path_factory)


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


def test_a_bundle_from_an_earlier_format_asks_for_an_update_of_the_app(world, tmp_path):
    raw = bytearray(world.bundle.read_bytes())
    raw[len(bundle.MAGIC)] = bundle.VERSION - 1
    path = tmp_path / "earlier.bundle"
    path.write_bytes(bytes(raw))
    assert "made by another version of the app" in str(refused(world.lead, path, tmp_path))


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
        # A restored copy's bundles repeat numbers: the lead is told what to ask for.
        assert "ask for a bundle numbered above 1" in str(caught.value)
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
