"""Sync bundles: one file an inspector hands to the lead (or the lead to the team).

Layout::

    MAGIC | version | u32 header length | header (JSON) | (u32 length | sealed chunk)*

The header names the bundle, the inspection, the author's fingerprint and sequence number, and
carries a random file key wrapped with HPKE for each recipient. The body is one stream sealed
in chunks (``crypto.seal_chunks``) whose associated data is the header's hash, so any change
to the header or the body fails to open. Inside, frames follow each other: the manifest (every
record's hash, every photo's size and hash, the child pseudonyms), the author's Ed25519
signature over header and manifest, then the records and the photos.

Import checks the recipient, the inspection, the author, the signature and every hash, and
applies everything in one transaction or nothing. Records merge by version history
(``history.merge``), so importing twice, or in any order, gives the same result.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

from inspector_app.core import crypto, history, images, outfile, team
from inspector_app.core.concurrent import on_latest
from inspector_app.core.errors import (
    BundleRejected,
    InspectorError,
    IntegrityError,
    InvalidInput,
)
from inspector_app.core.models import (
    MAX_PHOTO_BYTES,
    PHOTO_VARIANTS,
    Attachment,
    Child,
    Finding,
    Note,
    check_attachment,
    check_finding,
    check_note,
    check_stamp,
    clean_child_ref,
    clean_line,
    new_id,
)
from inspector_app.core.models import now as timestamp
from inspector_app.core.records import Change
from inspector_app.core.store import Inspection

MAGIC = b"INSPBNDL"
SUFFIX = ".bundle"  # what the app names bundle files and recognises when one is dropped
# 3: a note may have a title and no text, and a case review the date of a decision not to
# issue a plan (an older app would refuse such notes); 2: a record frame names its record in a
# few bytes (1: a JSON line)
VERSION = 3
SYNCED = ("note", "attachment", "finding")  # record types that travel, as version histories
MAX_HEADER = 64 * 1024
MAX_RECIPIENTS = 64
MAX_FRAME = 8 * 1024 * 1024
MAX_MANIFEST = 64 * 1024 * 1024
MAX_RECORDS = 1_000_000
MAX_PHOTO = MAX_PHOTO_BYTES
BATCH = 500  # merged records written together (one sealed audit head per batch)
_SEALED_CHUNK = crypto.CHUNK_BYTES + 64
Progress = Callable[[int, int], None]


@dataclass
class ImportResult:
    author: str = ""
    new: int = 0
    updated: int = 0
    conflicts: list[str] = field(default_factory=list)
    photos: int = 0
    findings: int = 0  # new or changed
    repaired: int = 0  # records damaged in this file, replaced by the bundle's copy
    finding_conflicts: list[str] = field(default_factory=list)
    already: bool = False

    def describe(self) -> str:
        if self.already:
            return f"already imported from {self.author}; nothing changed"
        text = (
            f"from {self.author}: {self.new} new, {self.updated} updated, "
            f"{len(self.conflicts)} in conflict, {self.photos} photos"
        )
        if self.findings:
            text += (
                f"; {self.findings} findings new or changed, "
                f"{len(self.finding_conflicts)} in conflict"
            )
        if self.repaired:
            text += f"; {self.repaired} damaged here and restored from the bundle"
        return text


# -- export ------------------------------------------------------------------------------------


def export_bundle(
    inspection: Inspection, out: Path, *, to_team: bool = False, progress: Progress | None = None
) -> dict[str, Any]:
    """Write everything this file knows to ``out``; returns the header."""
    outfile.check_target(out, "bundle")  # before a bundle number is taken
    keys, _ = team.identity(inspection)
    recipients = _recipients(inspection, to_team)
    seq = team.next_sequence(inspection)
    through = inspection.file.audit_seq()  # what this bundle includes
    header = {
        "bundle_id": str(uuid.uuid4()),
        "inspection_id": inspection.info.inspection_id,
        "author": crypto.fingerprint(keys.receive_public, keys.sign_public),
        "seq": seq,
        "created_at": timestamp(),
        "to_team": to_team,
    }
    file_key = crypto.new_key()
    header["recipients"] = [
        {
            "to": m.fingerprint,
            "key": team.to_b64(crypto.wrap_for(m.receive, file_key, _info(header))),
        }
        for m in recipients
    ]
    header_bytes = json.dumps(header, sort_keys=True).encode()
    photos, held_back = _photos(inspection)
    records = [r for r in _records(inspection) if r[1] not in held_back]
    manifest = json.dumps(
        {
            "records": [[t, i, _sha(raw)] for t, i, raw in records],
            "photos": [[a.id, v, a.sizes[v], a.sha256[v]] for a in photos for v in sorted(a.sizes)],
            "children": sorted(inspection.children),
        }
    ).encode()
    signature = crypto.sign(keys, _signed(header_bytes, manifest))
    total = len(records) + len(photos)

    def frames() -> Iterator[bytes]:  # each frame as its head and its body, not joined
        yield _frame(b"M", manifest)
        yield _frame(b"S", signature)
        for done, (rtype, rid, raw) in enumerate(records, start=1):
            name = _name(rtype, rid)
            yield _frame_head(b"R", name, len(raw))
            yield raw
            if progress and done % 500 == 0:
                progress(done, total)
        for done, attachment in enumerate(photos, start=len(records) + 1):
            for variant in sorted(attachment.sizes):
                name = _name(attachment.id, variant)
                for piece in inspection.file.read_chunks(attachment.id, variant):
                    yield _frame_head(b"P", name, len(piece))
                    yield piece
            if progress:
                progress(done, total)

    _write(out, header_bytes, crypto.seal_chunks(file_key, frames(), _ad(header_bytes)))
    team.mark_exported(inspection, through)
    if progress:
        progress(total, total)
    return header


def _recipients(inspection: Inspection, to_team: bool) -> list[team.Member]:
    members = team.roster(inspection)
    if inspection.info.role == "lead":
        if not to_team:
            raise InvalidInput("The lead's bundles go to the team: add --to-team.")
        if not members:
            raise InvalidInput(
                "The roster is empty; add your team's member cards first (Add a member's card "
                "on Team & sync, or 'team add')."
            )
        return members
    leads = [m for m in members if m.role == "lead"]
    if not leads:
        raise InvalidInput(
            "This file does not know its lead yet; join it with the lead's card first "
            "('join FILE --card CARD --inspector NAME', or Join with the lead's card on Team & "
            "sync)."
        )
    return leads if not to_team else members


def _records(inspection: Inspection) -> list[tuple[str, str, bytes]]:
    # Sent as stored: the hash in the signed manifest covers these exact bytes.
    return [(rtype, rid, raw) for rtype in SYNCED for rid, raw in inspection.file.scan_raw(rtype)]


def _photos(inspection: Inspection) -> tuple[list[Attachment], set[str]]:
    """The photos to send, and those held back: a deleted note's photos stay in this file
    (undo brings the note back with them) but go to nobody."""
    out, held_back = [], set()
    for rid, _revision, state in inspection.file.scan("attachment"):
        data = history.current(state)[0] if state is not None else {"deleted": True}
        if data.get("deleted"):
            continue
        try:
            note = inspection.file.read("note", data["note_id"])
        except IntegrityError:
            note = None  # damaged: its photos are sent as ever, and a bundle may mend it
        if note and all(head["data"].get("deleted") for head in note[1]["heads"]):
            held_back.add(rid)
        else:
            out.append(Attachment.from_payload(data))
    return out, held_back


def _write(out: Path, header: bytes, sealed: Iterator[bytes]) -> None:
    def write(handle: BinaryIO) -> None:
        handle.write(MAGIC + bytes([VERSION]) + struct.pack(">I", len(header)) + header)
        for chunk in sealed:
            handle.write(struct.pack(">I", len(chunk)))
            handle.write(chunk)

    outfile.write_atomically(out, "bundle", write)


# -- import ------------------------------------------------------------------------------------


@on_latest
def import_bundle(
    inspection: Inspection, path: Path, progress: Progress | None = None
) -> ImportResult:
    """Check a bundle whole and apply it in one transaction; ``BundleRejected`` otherwise."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            header_bytes, header = _read_header(handle, path)
            author, file_key = _admit(inspection, header, path)
            result = ImportResult(author=f"{author.name} ({author.fingerprint})")
            seen = {seq: bundle_hash for seq, bundle_hash, _ in author.bundles}
            digest = hashlib.sha256(header_bytes)
            reader = _Reader(inspection, header_bytes, author, result)
            with inspection.writing():
                chunks = _chunks(handle, digest, size, progress)
                for piece in crypto.open_chunks(file_key, chunks, _ad(header_bytes)):
                    reader.feed(piece)
                bundle_hash = digest.hexdigest()
                if seen.get(header["seq"]) == bundle_hash:
                    raise _AlreadyImported
                if header["seq"] in seen:
                    raise BundleRejected(
                        f"{path.name} reuses bundle number {header['seq']} from "
                        f"{author.name} with different content, so it was not imported; if "
                        f"{author.name} put back an older copy of their file, ask for a "
                        f"bundle numbered above {max(seen)} (each export takes the next "
                        "number)."
                    )
                reader.finish()
                receipt = (header["seq"], bundle_hash, timestamp())
                inspection.file.write(
                    [
                        team.member_change(
                            team.Member(
                                **{**author.__dict__, "bundles": (*author.bundles, receipt)}
                            ),
                            "bundle",
                        )
                    ]
                )
    except _AlreadyImported:
        return ImportResult(author=result.author, already=True)
    except crypto.CryptoError as exc:
        raise BundleRejected(
            f"{path.name} is damaged or was altered ({exc}); nothing was "
            "imported. Ask for the bundle again."
        ) from exc
    except OSError as exc:
        raise InvalidInput(f"The bundle {path} cannot be read: {exc.strerror}.") from exc
    inspection.notes_written_in_bulk()  # our own commit does not change data_version
    if reader.forgot:
        inspection.file.empty_journal()
    return result


class _AlreadyImported(Exception):
    """Raised inside the transaction so it rolls back; not an error for the user."""


def _read_header(handle: BinaryIO, path: Path) -> tuple[bytes, dict[str, Any]]:
    start = handle.read(len(MAGIC) + 5)
    if len(start) < len(MAGIC) + 5 or start[: len(MAGIC)] != MAGIC:
        raise BundleRejected(f"{path.name} is not a sync bundle; choose a bundle file.")
    if start[len(MAGIC)] != VERSION:
        raise BundleRejected(
            f"{path.name} was made by another version of the app; its sender and you need the "
            "same version, so the older one should be updated."
        )
    (length,) = struct.unpack(">I", start[-4:])
    if not 0 < length <= MAX_HEADER:
        raise BundleRejected(f"{path.name} has an impossible header; it is damaged.")
    header_bytes = handle.read(length)
    try:
        header = json.loads(header_bytes)
        checks = (
            ("bundle_id", str),
            ("inspection_id", str),
            ("author", str),
            ("seq", int),
            ("created_at", str),
            ("recipients", list),
        )
        if not isinstance(header, dict) or any(not isinstance(header.get(k), t) for k, t in checks):
            raise ValueError("header fields")
        if not 0 < len(header["recipients"]) <= MAX_RECIPIENTS:
            raise ValueError("recipients")
        for entry in header["recipients"]:
            if not isinstance(entry, dict) or not all(
                isinstance(entry.get(k), str) for k in ("to", "key")
            ):
                raise ValueError("recipient")
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BundleRejected(f"{path.name} has a damaged header; nothing was imported.") from exc
    return header_bytes, header


def _admit(inspection: Inspection, header: dict[str, Any], path: Path) -> tuple[team.Member, bytes]:
    """Who wrote it, and is it for us: the author known, the key addressed to this file."""
    if header["inspection_id"] != inspection.info.inspection_id:
        raise BundleRejected(f"{path.name} belongs to another inspection; nothing was imported.")
    me = team.fingerprint(inspection)
    if header["author"] == me:
        raise BundleRejected(f"{path.name} was exported from this file; import it elsewhere.")
    author = team.member(inspection, header["author"])
    if author is None or (inspection.info.role != "lead" and author.role != "lead"):
        raise BundleRejected(
            f"{path.name} comes from {header['author']}, who is not on this file's "
            + (
                "roster; add their member card first (Add a member's card on Team & sync, or "
                "'team add')."
                if inspection.info.role == "lead"
                else "team as its lead; only the lead's bundles are imported here."
            )
        )
    mine = [r for r in header["recipients"] if r["to"] == me]
    if len(mine) != 1:
        raise BundleRejected(
            f"{path.name} is not addressed to this file; ask the sender to "
            "export it again with this file's card."
        )
    keys, _ = team.identity(inspection)
    try:
        wrapped = team.from_b64(mine[0]["key"])
    except ValueError as exc:
        raise BundleRejected(f"{path.name} has a damaged key; nothing was imported.") from exc
    return author, crypto.unwrap_from(keys, wrapped, _info(header))


def _chunks(handle: BinaryIO, digest: Any, size: int, progress: Progress | None) -> Iterator[bytes]:
    while True:
        prefix = handle.read(4)
        if not prefix:
            return
        digest.update(prefix)
        (length,) = struct.unpack(">I", prefix.rjust(4, b"\0"))
        if len(prefix) < 4 or not 0 < length <= _SEALED_CHUNK:
            raise crypto.CryptoError("a chunk has an impossible length")
        body = handle.read(length)
        if len(body) < length:
            raise crypto.CryptoError("the bundle is truncated")
        digest.update(body)
        if progress:
            progress(handle.tell(), size)
        yield body


class _Reader:
    """Parses frames as the stream opens, checking each against the signed manifest."""

    def __init__(
        self, inspection: Inspection, header: bytes, author: team.Member, result: ImportResult
    ) -> None:
        self.inspection, self.header, self.author, self.result = inspection, header, author, result
        self.buffer = bytearray()
        self.manifest: dict[str, Any] | None = None
        self.signed = False
        self.expected: dict[tuple[str, str], str] = {}
        self.photos: dict[tuple[str, str], tuple[int, str]] = {}
        self.photo_key: tuple[str, str] | None = None
        self.photo_parts: list[bytes] = []
        self.received: dict[tuple[str, str], tuple[int, str]] = {}  # photos: size, hash
        self.new_photos: set[str] = set()  # photo records this file did not have
        self.removed_photos: set[str] = set()
        self.new_photo_data: set[str] = set()  # photos whose data this file did not hold
        self.forgot = False  # whether the import deleted something this file held
        self.raw = b""  # the manifest as signed
        self.pending: list[Change] = []  # merged records, written in batches
        self.stored: dict[str, set[str]] = {}  # ids already in the file, read in the transaction
        self.children: list[str] = []

    def feed(self, piece: bytes) -> None:
        self.buffer += piece
        while len(self.buffer) >= 5:
            kind, length = self.buffer[:1], struct.unpack(">I", self.buffer[1:5])[0]
            limit = MAX_MANIFEST if kind == b"M" else MAX_FRAME
            if length > limit:
                raise BundleRejected("A bundle frame is impossibly large; nothing was imported.")
            if len(self.buffer) < 5 + length:
                return
            body = bytes(self.buffer[5 : 5 + length])
            del self.buffer[: 5 + length]
            self._frame(bytes(kind), body)

    def _frame(self, kind: bytes, body: bytes) -> None:
        if self.manifest is None and kind != b"M" or (kind == b"M" and self.manifest is not None):
            raise BundleRejected("The bundle does not start with its manifest.")
        if kind == b"M":
            self._manifest(body)
        elif kind == b"S":
            try:
                crypto.check_signature(self.author.sign, body, _signed(self.header, self.raw))
            except crypto.CryptoError as exc:
                raise BundleRejected(
                    "The bundle's signature does not match its author; nothing was imported."
                ) from exc
            self.signed = True
        elif not self.signed:
            raise BundleRejected("The bundle's content comes before its signature.")
        elif kind == b"R":
            self._record(body)
        elif kind == b"P":
            self._photo_piece(body)
        else:
            raise BundleRejected("The bundle has a part this version does not know.")

    def _manifest(self, body: bytes) -> None:
        self.raw = body
        try:
            manifest = json.loads(body)
            records, photos, children = (manifest[k] for k in ("records", "photos", "children"))
            if len(records) > MAX_RECORDS or len(photos) > MAX_RECORDS:
                raise ValueError("too many")
            self.expected = {(str(t), str(i)): str(h) for t, i, h in records}
            self.photos = {(str(a), str(v)): (int(s), str(h)) for a, v, s, h in photos}
            if not all(history.is_id(i) for _, i in self.expected) or not all(
                history.is_id(a) and v in PHOTO_VARIANTS for a, v in self.photos
            ):
                raise ValueError("names")
            self.children = [clean_child_ref(str(c)) for c in children]
        except (
            ValueError,
            TypeError,
            KeyError,
            OverflowError,
            RecursionError,
            InspectorError,
        ) as exc:
            raise BundleRejected(
                "The bundle's manifest is malformed; nothing was imported."
            ) from exc
        if any(s > MAX_PHOTO for s, _ in self.photos.values()):
            raise BundleRejected("The bundle lists an impossibly large photo.")
        self.manifest = manifest
        self.stored = {rtype: self.inspection.file.ids(rtype) for rtype in SYNCED}

    def _record(self, body: bytes) -> None:
        self._end_photo()
        try:
            key, raw = _unname(body)
        except ValueError as exc:
            raise BundleRejected("A record in the bundle is malformed.") from exc
        if self.expected.pop(key, None) != _sha(raw) or key[0] not in SYNCED:
            raise BundleRejected("A record in the bundle does not match its manifest.")
        incoming = _parsed(raw)
        known = key[1] in self.stored[key[0]]
        found = self._stored_state(key) if known else None
        if found and incoming == found[1]:
            return  # sent again exactly as this file holds it (checked when it first came)
        _check_shape(incoming)
        merged = history.merge(found[1], incoming) if found else history.normalised(incoming)
        if key[0] == "attachment" and history.current(merged)[0].get("deleted"):
            self.removed_photos.add(key[1])  # removed by its author: its data goes here too
        if found and merged == found[1]:
            return  # nothing new: a record sent again, as every nightly bundle sends it
        if history.current(merged)[0].get("deleted") and not (
            found and history.current(found[1])[0].get("deleted")
        ):
            self.forgot = True  # deleted here now: emptied from the journal too, after
        if found and any(  # a version keeps its parents: history is never rewritten
            found[1]["history"].get(v, parents) != parents
            for v, parents in incoming["history"].items()
        ):
            raise _invalid()
        had = {head["v"]: head for head in found[1]["heads"]} if found else {}
        for head in merged["heads"]:
            if head["v"] in had:
                if had[head["v"]] != head:  # a version is never changed, only followed
                    raise _invalid()
                continue  # what was here already was checked on its way in
            if known and not found:  # restoring a damaged copy: any author's, but valid
                _check_data(self.inspection, key, head)
            else:
                self._check_version(key, head, found[1] if found else None)
            if key[0] == "attachment" and found and not head["data"].get("deleted"):
                if all(head["data"] != had_head["data"] for had_head in found[1]["heads"]):
                    raise _invalid()  # a photo record is never changed, only deleted
        if key[0] == "attachment" and not found:
            self.new_photos.add(key[1])  # its photo must be in the bundle or the file
        self.pending.append(Change(key[0], key[1], merged, "merge"))
        if len(self.pending) >= BATCH:
            self._flush()
        in_conflict = len(merged["heads"]) > 1
        if key[0] == "note":
            deleted = history.current(merged)[0].get("deleted", False)
            self.result.new += not known and not deleted
            self.result.updated += known
            if in_conflict:
                self.result.conflicts.append(key[1])
        elif key[0] == "finding":
            self.result.findings += 1
            if in_conflict:
                self.result.finding_conflicts.append(key[1])

    @cached_property
    def team_names(self) -> set[str]:
        """Everyone a record in this file may name as its author (read once per import)."""
        return {m.name for m in team.roster(self.inspection)} | {self.inspection.info.inspector}

    def _stored_state(self, key: tuple[str, str]) -> tuple[int, dict[str, Any]] | None:
        """The file's copy of a record, or None if it has none it can read: a copy damaged
        on disk is replaced by the bundle's, which is checked like a new record."""
        try:
            return self.inspection.file.read(*key)
        except IntegrityError:
            self.result.repaired += 1
            return None

    def _check_version(
        self, key: tuple[str, str], head: dict[str, Any], known: dict[str, Any] | None
    ) -> None:
        """A version this file does not have: valid data, and made by whoever signed.

        Into the lead's file a member's bundle brings only the member's own work: everything
        else a member holds came from the lead. So a new version must be the signer's, and a
        new note or finding must name the signer as its author (an edit keeps the author).
        The lead relays the whole team's work, so a member's file takes any team version.
        """
        _check_data(self.inspection, key, head)
        if self.inspection.info.role != "lead":
            return
        data = head["data"]
        heads = known["heads"] if known else []
        authors = {h["data"]["author"] for h in heads if "author" in h["data"]}
        if known and not authors:  # only a deletion is known here: it was a teammate's note
            authors = self.team_names
        if head["by"] != self.author.name or (
            "author" in data and data["author"] not in (authors or {self.author.name})
        ):
            raise BundleRejected(
                f"The bundle holds work it says is not {self.author.name}'s, who signed it; "
                "nothing was imported."
            )

    def _photo_piece(self, body: bytes) -> None:
        try:
            key, piece = _unname(body)
        except ValueError as exc:
            raise BundleRejected("A photo in the bundle is malformed.") from exc
        if key not in self.photos:
            raise BundleRejected("A photo in the bundle is not in its manifest.")
        if key != self.photo_key:
            self._end_photo()
            self.photo_key = key
        self.photo_parts.append(piece)
        if sum(map(len, self.photo_parts)) > self.photos[key][0]:
            raise BundleRejected("A photo in the bundle is larger than its manifest says.")

    def _end_photo(self) -> None:
        if self.photo_key is None:
            return
        key, data = self.photo_key, b"".join(self.photo_parts)
        self.photo_key, self.photo_parts = None, []
        size, digest = self.photos.pop(key)
        if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
            raise BundleRejected("A photo in the bundle does not match its manifest.")
        try:
            images.check_clean(data, images.THUMB_EDGE if key[1] == "thumb" else images.LONG_EDGE)
        except InspectorError as exc:
            raise BundleRejected(
                "A photo in the bundle was not cleaned by the app (it may carry metadata); "
                "nothing was imported."
            ) from exc
        self.received[key] = (size, digest)
        exists = self.inspection.file.db.conn.execute(
            "SELECT 1 FROM chunks WHERE attachment_id = ? AND variant = ? LIMIT 1", key
        ).fetchone()
        if not exists:
            self.inspection.file.write_chunks(key[0], key[1], [data])
            if key[1] == "photo":
                self.new_photo_data.add(key[0])

    def _check_photos_belong(self) -> None:
        """Every photo received is a variant of a photo record, as that record says; and a
        new photo record comes with its photo (or this file already holds it)."""
        conn = self.inspection.file.db.conn
        for attachment_id in {a for a, _ in self.received} | self.new_photos:
            found = self.inspection.file.read("attachment", attachment_id)
            data = history.current(found[1])[0] if found else {"deleted": True}
            for variant in PHOTO_VARIANTS:
                sent = self.received.get((attachment_id, variant))
                if attachment_id in self.removed_photos:
                    break  # sent by one who still had it, removed by another: it goes
                if sent and (
                    data.get("deleted")
                    or (data["sizes"][variant], data["sha256"][variant]) != sent
                ):
                    raise BundleRejected(
                        "A photo in the bundle belongs to no photo record; nothing was "
                        "imported."
                    )
                held = sent or conn.execute(
                    "SELECT 1 FROM chunks WHERE attachment_id = ? AND variant = ? LIMIT 1",
                    (attachment_id, variant),
                ).fetchone()
                if attachment_id in self.new_photos and not data.get("deleted") and not held:
                    raise BundleRejected(
                        "A photo record in the bundle comes without its photo; nothing was "
                        "imported."
                    )

    def _flush(self) -> None:
        self.inspection.file.write(self.pending)
        self.pending = []

    def finish(self) -> None:
        self._end_photo()
        self._flush()
        if self.buffer or not self.signed:
            raise BundleRejected("The bundle ends in the middle; nothing was imported.")
        if self.expected or self.photos:
            raise BundleRejected(
                "The bundle is missing parts its manifest lists; nothing was imported."
            )
        self._check_photos_belong()
        dropped = self.inspection.file.db.conn.executemany(
            "DELETE FROM chunks WHERE attachment_id = ?", [(a,) for a in self.removed_photos]
        )
        self.forgot = self.forgot or dropped.rowcount > 0
        self.result.photos = len(self.new_photo_data - self.removed_photos)
        known = set(self.inspection.children)
        self.inspection.file.write(
            [
                Change("child", new_id(), Child(ref).to_payload(), "merge")
                for ref in dict.fromkeys(self.children)
                if ref not in known
            ]
        )


def _parsed(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise _invalid() from exc


def _check_shape(state: Any) -> None:
    """A record's history has the shape a merge needs (``history.check_shape``)."""
    try:
        history.check_shape(state)
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        raise _invalid() from exc


def _check_data(inspection: Inspection, key: tuple[str, str], head: dict[str, Any]) -> None:
    """A version is a valid record of its type for this inspection's framework, exactly as
    the app would have saved it: cleaning it must change nothing (no control characters, no
    unknown fields, times that are times), so what is stored is what was checked."""
    rtype, rid = key
    data = head["data"]
    try:
        check_stamp(head["at"])
        if clean_line(head["by"]) != head["by"]:
            raise ValueError("by")
        if data.get("deleted"):
            if data != {"deleted": True}:
                raise ValueError("tombstone")
            return
        if rtype == "note":
            note = Note.from_payload(rid, 0, data)
            cleaned: Any = check_note(inspection.framework, note, require_tags=False)
            if not all(history.is_id(a) for a in note.attachments):
                raise ValueError("attachments")
        elif rtype == "finding":
            if type(data.get("main")) is not bool or type(data.get("order")) is not int:
                raise ValueError("main or order")
            finding = Finding.from_payload(rid, 0, data)
            if not all(history.is_id(e) for e in finding.evidence):
                raise ValueError("evidence")
            cleaned = check_finding(inspection.framework, finding)
        else:
            cleaned = check_attachment(Attachment.from_payload(data), rid)
        if cleaned.to_payload() != data:
            raise ValueError("not as the app saves it")
        if rtype != "attachment":
            check_stamp(data["created_at"])
            check_stamp(data["updated_at"])
            if clean_line(data["author"]) != data["author"]:
                raise ValueError("author")
    except (
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        OverflowError,
        RecursionError,
        InspectorError,
    ) as exc:
        raise _invalid() from exc


def _invalid() -> BundleRejected:
    return BundleRejected(
        "A record in the bundle is not valid for this inspection; nothing was imported."
    )


# -- shared ------------------------------------------------------------------------------------


def _frame(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack(">I", len(body)) + body


def _frame_head(kind: bytes, name: bytes, size: int) -> bytes:
    """The start of a named frame whose ``size`` bytes of content follow it."""
    return kind + struct.pack(">I", len(name) + size) + name


def _name(first: str, second: str) -> bytes:
    """What a record frame (type, id) or a photo frame (attachment id, variant) starts with:
    ``first/second``, after its length in one byte."""
    key = f"{first}/{second}".encode()
    return bytes([len(key)]) + key


def _unname(body: bytes) -> tuple[tuple[str, str], bytes]:
    """A frame's two names and the bytes after them; ``ValueError`` if malformed."""
    if not body:
        raise ValueError("empty frame")
    first, slash, second = body[1 : 1 + body[0]].decode().partition("/")
    if not slash:
        raise ValueError("unnamed frame")
    return (first, second), body[1 + body[0] :]


def _info(header: dict[str, Any]) -> bytes:
    return crypto.bind(
        "bundle-key", header["bundle_id"], header["inspection_id"], header["author"], header["seq"]
    )


def _ad(header_bytes: bytes) -> bytes:
    return crypto.bind("bundle", hashlib.sha256(header_bytes).digest())


def _signed(header_bytes: bytes, manifest: bytes) -> bytes:
    return crypto.bind(
        "bundle-signature", hashlib.sha256(header_bytes).digest(), hashlib.sha256(manifest).digest()
    )


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_bundle(path: Path) -> bool:
    """Named like a bundle (in any case): what a drop on the window is imported as."""
    return path.suffix.lower() == SUFFIX
