"""Sealed records on disk, and the hash-chained audit log that every change appends to.

A record is ``(type, id, revision, body)``: ``body`` is the JSON payload sealed with
associated data binding the file id, the type, the id and the revision, so a blob copied to
another row, another revision or another file does not open. Each write is one ``BEGIN
IMMEDIATE`` transaction: the record, its audit entry and the sealed audit head together.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from inspector_app.core import crypto, history, outfile
from inspector_app.core.errors import (
    IntegrityError,
    InvalidInput,
    NotAnInspectionFile,
    StorageError,
)
from inspector_app.core.models import now
from inspector_app.core.schema import FORMAT

BUSY_TIMEOUT_MS = 10_000
_GENESIS = b"\x00" * 32


@dataclass(frozen=True)
class Change:
    """One record to write. A deletion is a tombstone payload, so it is audited and travels.

    ``payload`` may be a function of the record's current payload (None if new): it is then
    called inside the write transaction, so a change never builds on a stale read.
    """

    type: str
    id: str
    payload: dict[str, Any] | Callable[[dict[str, Any] | None], dict[str, Any]]
    action: str


@dataclass
class VerifyReport:
    records: int = 0
    audit_entries: int = 0
    chunks: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def connect(path: Path, *, create: bool) -> sqlite_utils.Database:
    """Open the SQLite file with the pragmas durability and secrecy depend on."""
    made, conn = False, None
    try:
        if not create and not path.is_file():
            raise InvalidInput(f"There is no inspection file at {path}.")
        if create and path.exists():
            raise InvalidInput(f"{path} already exists; choose another name.")
        if create:  # made the owner's alone, as SQLite's -wal and -shm files then are too
            outfile.check_folder(path.parent, "inspection")
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            made = True
        conn = sqlite3.connect(
            path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )
        if not create:
            _check_format(conn, path)  # before any pragma that writes: never touch others' files
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("PRAGMA secure_delete=ON")  # what a write replaces is zeroed in the file
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except (sqlite3.DatabaseError, OSError) as exc:
        if made:  # and the journal SQLite may have begun (a full disk)
            if conn is not None:
                conn.close()
            remove_new(path)
        if isinstance(exc, PermissionError):
            raise StorageError(
                f"The inspection file cannot be written ({path}); the folder may be read-only. "
                "Save it in a folder you can write to."
            ) from exc
        if isinstance(exc, OSError):
            raise InvalidInput(
                f"The inspection file {path} cannot be used: {exc.strerror}."
            ) from exc
        raise storage_error(exc, path, opening=not create) from exc
    return sqlite_utils.Database(conn)


def making(path: Path) -> Path:
    """Where a new inspection file is made before it is whole (``publish``): a short name in
    its folder, after the name asked for is checked. Such files a killed `new` left there
    over an hour ago are removed."""
    if path.exists():
        raise InvalidInput(f"{path} already exists; choose another name.")
    if _too_long(path):
        raise StorageError(
            f"The inspection file's name or folder path is too long for SQLite ({path}); move "
            "it to a folder with a shorter path, or give it a shorter name."
        )
    with contextlib.suppress(OSError):
        for left in path.parent.glob(".new-*.part*"):
            if time.time() - left.stat().st_mtime > outfile.STALE_PART_S:
                left.unlink()
    return path.with_name(f".new-{os.urandom(4).hex()}.part")


def publish(made: Path, path: Path) -> None:
    """Give a file made whole under a temporary name its own name, never over another file:
    a file killed while being made is never found under that name."""
    try:
        os.link(made, path)
    except FileExistsError as exc:
        raise InvalidInput(f"{path} already exists; choose another name.") from exc
    except OSError:  # a disk without hard links (FAT): the name is checked, then taken
        if path.exists():
            raise InvalidInput(f"{path} already exists; choose another name.") from None
        os.rename(made, path)
        return
    made.unlink()


def remove_new(path: Path) -> None:
    """Remove a file being made (and its journal) when making it failed."""
    for suffix in ("", "-wal", "-shm"):
        try:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"A half-created file was left at {path}; delete it.") from exc


@contextmanager
def closed_on_error(db: Any, path: Path) -> Iterator[None]:
    """Close the connection if the block fails; what SQLite refused becomes one sentence."""
    try:
        yield
    except sqlite3.Error as exc:
        db.close()
        raise storage_error(exc, path) from exc
    except BaseException:
        db.close()
        raise


def _too_long(path: Path) -> bool:
    """Past SQLite's 512-byte path, or a name its "-journal" would take past 255 bytes."""
    whole = str(Path(path).absolute()).encode("utf-8", "surrogateescape")
    return len(whole) > 500 or len(Path(path).name.encode("utf-8", "surrogateescape")) > 246


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file ``path`` names (device and inode); None if none."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def is_inspection_file(path: Path) -> bool:
    """False if ``path`` is certainly not an inspection file, asked before a passphrase is
    typed: read only, nothing in it opened. When SQLite cannot tell (the file is busy, the
    folder read-only), True: unlocking then says what is wrong."""
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return not any(sign in str(exc) for sign in ("not a database", "no such table"))
    except (sqlite3.Error, OSError, ValueError):
        return True
    return row is not None and row[0] == FORMAT


def _check_format(conn: sqlite3.Connection, path: Path) -> None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc) or "no such table" in str(exc):
            row = None
        else:
            conn.close()
            raise
    if row is None or row[0] != FORMAT:
        conn.close()
        raise NotAnInspectionFile(
            f"This is not an inspection file ({path}); choose a .inspection file."
        )
    # A trigger would run with every save the app makes (a planted one can drop them): the
    # app never makes one, so one here was put in from outside.
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' LIMIT 1").fetchone():
        conn.close()
        raise IntegrityError(
            f"The inspection file ({path}) holds database triggers, which the app never "
            "makes: it was changed outside the app; restore a backup copy."
        )


def storage_error(exc: sqlite3.Error, path: Path | None = None, opening: bool = False
                  ) -> Exception:
    """A sentence for what SQLite refused (``opening`` the file, or else saving); the caller
    raises it ``from`` the original."""
    text = str(exc).lower()
    where = f" ({path})" if path else ""
    if "not a database" in text or "file is encrypted" in text:
        return NotAnInspectionFile(
            f"This is not an inspection file{where}; choose a .inspection file."
        )
    if any(sign in text for sign in ("no such table", "no such column", "has no column")):
        return IntegrityError(  # verify would say no more: the file's structure is gone
            f"The inspection file is damaged{where}: part of it is missing "
            f"({_sqlite_words(exc)}); restore a backup copy."
        )
    if any(sign in text for sign in ("malformed", "corrupt", "could not decode")):
        return IntegrityError(
            f"The inspection file is damaged{where}; "
            "run 'inspector-app verify' or restore a backup."
        )
    if "locked" in text or "busy" in text:
        return StorageError(
            "The inspection file is busy in another window or program; "
            "close it there and try again."
        )
    if "unable to open" in text and path is not None and _too_long(path):
        return StorageError(
            f"The inspection file's name or folder path is too long for SQLite{where}; move it "
            "to a folder with a shorter path, or give it a shorter name."
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StorageError(
            f"The inspection file cannot be written{where}; the folder may be read-only. "
            "Save it in a folder you can write to."
        )
    if "full" in text or "disk i/o" in text or "too big" in text:
        done = "the inspection cannot be opened" if opening else "nothing was saved"
        return StorageError(
            f"The disk is full or failing, so {done}; free some space and try again."
        )
    return StorageError(f"The inspection file could not be used{where}: {_sqlite_words(exc)}.")


def _sqlite_words(exc: sqlite3.Error) -> str:
    """SQLite's own words, without anything that could be bytes from the file."""
    return "".join(c for c in str(exc) if c.isprintable())[:120]


def _record_name(rtype: str, rid: str) -> str:
    return "The inspection's details record" if rtype == "inspection" else f"The {rtype} {rid}"


class RecordFile:
    """The sealed records of one unlocked file."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        file_id: str,
        key: bytes,
        who: str,
        path: Path | None = None,
    ) -> None:
        self.db = db
        self.file_id = file_id
        self._key = key
        self._sealer = crypto.Sealer(key)
        self._prefixes: dict[str, bytes] = {}
        self.who = who
        self.path = path
        self._identity = _identity(path) if path is not None else None
        self._writing = False  # a write transaction is under way
        self._to_empty = False  # the journal holds what a write replaced (``empty_journal``)

    # -- transactions --------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction taking the write lock up front, so two writers queue. Opened
        inside one already under way, it is part of that one (``concurrent.on_latest``)."""
        if self._writing:
            yield
            return
        conn = self.db.conn
        self._check_still_there()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise storage_error(exc) from exc
        self._writing = True
        try:
            yield
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise storage_error(exc) from exc
        except BaseException:
            self._rollback()
            raise
        finally:
            self._writing = False
        if self._to_empty:
            self.empty_journal()

    def _check_still_there(self) -> None:
        """Refuse to write if the file was moved, renamed, deleted or replaced since it was
        opened: SQLite would go on writing into a journal beside the old name, which the file
        wherever it went never reads, or which a file put in its place would take in. What was
        saved is first moved into the file itself, wherever it went."""
        if self.path is None or _identity(self.path) == self._identity:
            return
        self.empty_journal()
        raise StorageError(
            f"The inspection file is no longer at {self.path}: it was moved, renamed or deleted "
            "while open, so nothing more was saved. Lock or close it, and open it from where "
            "it is now."
        )

    def empty_journal(self) -> None:
        """Move what the journal holds into the file and empty it: what a write replaced (a
        deleted note, a key wrapped under an old passphrase) then survives in neither, the
        file zeroing what it frees. A program reading the file meanwhile holds the journal:
        it is then emptied after this file's next write, or at the next that can."""
        conn = self.db.conn
        conn.execute("PRAGMA busy_timeout = 0")  # a reader is not waited for: later, then
        try:
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.Error:
            busy = 1
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._to_empty = bool(busy)

    def _rollback(self) -> None:
        if self.db.conn.in_transaction:
            self.db.conn.execute("ROLLBACK")

    def data_version(self) -> int:
        """Changes when another connection commits to the file."""
        return self.db.conn.execute("PRAGMA data_version").fetchone()[0]

    # -- records -------------------------------------------------------------------------------

    def _prefix(self, name: str) -> bytes:
        """``bind(file_id, name)``, built once: the start of most associated data here."""
        prefix = self._prefixes.get(name)
        if prefix is None:
            prefix = self._prefixes[name] = crypto.bind(self.file_id, name)
        return prefix

    def _ad(self, rtype: str, rid: str, revision: int) -> bytes:
        return crypto.bind_onto(self._prefix(rtype), rid, revision)

    def seal_payload(self, rtype: str, rid: str, revision: int, payload: dict[str, Any]) -> bytes:
        raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return self._sealer.seal(raw, self._ad(rtype, rid, revision))

    def open_payload(self, rtype: str, rid: str, revision: int, body: bytes) -> dict[str, Any]:
        try:
            return json.loads(self.open_raw(rtype, rid, revision, body))
        except ValueError as exc:
            raise IntegrityError(
                f"{_record_name(rtype, rid)} is damaged or was changed outside the app; "
                "run 'inspector-app verify'."
            ) from exc

    def open_raw(self, rtype: str, rid: str, revision: int, body: bytes) -> bytes:
        """A record's payload as the JSON bytes that were sealed."""
        try:
            return self._sealer.open(body, self._ad(rtype, rid, revision))
        except crypto.CryptoError as exc:
            raise IntegrityError(
                f"{_record_name(rtype, rid)} is damaged or was changed outside the app; "
                "run 'inspector-app verify'."
            ) from exc

    def write(self, changes: Iterable[Change]) -> list[int]:
        """Write records and their audit entries; call inside ``transaction()``.

        One query finds the batch's current revisions and two statements write it, so a batch
        of thousands (an import) costs little more than sealing it.
        """
        changes = list(changes)
        if not changes:
            return []
        conn = self.db.conn
        current = self._revisions(changes)
        seq, prev = self._audit_end()
        at, records, entries, revisions = now(), [], [], []
        for change in changes:
            key = (change.type, change.id)
            payload = change.payload
            if callable(payload) and key not in current:
                payload = payload(None)  # neither stored nor written earlier in this batch
            elif callable(payload):
                self._insert(records)  # so the read sees what this batch wrote before it
                records = []
                found = self.read(*key)
                payload = payload(found[1] if found else None)
            revision = current[key] = current.get(key, 0) + 1
            records.append((*key, revision, self.seal_payload(*key, revision, payload)))
            seq += 1
            entry = {
                "at": at,
                "who": self.who,
                "action": change.action,
                "type": change.type,
                "id": change.id,
                "revision": revision,
            }
            body = self._sealer.seal(
                json.dumps(entry, ensure_ascii=False).encode(), self._audit_ad(seq, prev)
            )
            prev = _chain(prev, seq, body)
            entries.append((seq, prev, body))
            revisions.append(revision)
        self._insert(records)
        conn.executemany("INSERT INTO audit (seq, hash, body) VALUES (?, ?, ?)", entries)
        self._write_audit_head(seq, prev)
        return revisions

    def _revisions(self, changes: list[Change]) -> dict[tuple[str, str], int]:
        """The stored revision of each record the changes touch (new records are absent)."""
        ids: dict[str, set[str]] = {}
        for change in changes:
            ids.setdefault(change.type, set()).add(change.id)
        found = {}
        for rtype, wanted in ids.items():
            rows = self.db.conn.execute(
                "SELECT id, revision FROM records WHERE type = ? "
                "AND id IN (SELECT value FROM json_each(?))",
                (rtype, json.dumps(sorted(wanted))),
            )
            found.update(((rtype, rid), revision) for rid, revision in rows)
        return found

    def _insert(self, records: list[tuple[str, str, int, bytes]]) -> None:
        self.db.conn.executemany(
            "INSERT OR REPLACE INTO records (type, id, revision, body) VALUES (?, ?, ?, ?)",
            records,
        )

    def revision(self, rtype: str, rid: str) -> int:
        """A record's stored revision, without opening it (0 if there is none)."""
        row = self.db.conn.execute(
            "SELECT revision FROM records WHERE type = ? AND id = ?", (rtype, rid)
        ).fetchone()
        return row[0] if row else 0

    def alive(self, rtype: str, ids: Iterable[str]) -> tuple[str, ...]:
        """Those of ``ids`` whose record is here and not deleted, in order, once each; one
        that is damaged is kept (a bundle may restore it), never taken for deleted."""
        return tuple(rid for rid in dict.fromkeys(ids) if self._alive(rtype, rid))

    def _alive(self, rtype: str, rid: str) -> bool:
        try:
            found = self.read(rtype, rid)
        except IntegrityError:
            return True
        return found is not None and not history.current(found[1])[0].get("deleted")

    def ids(self, rtype: str) -> set[str]:
        """The ids of every stored record of a type."""
        rows = self.db.conn.execute("SELECT id FROM records WHERE type = ?", (rtype,))
        return {rid for (rid,) in rows}

    def read(self, rtype: str, rid: str) -> tuple[int, dict[str, Any]] | None:
        row = self.db.conn.execute(
            "SELECT revision, CAST(body AS BLOB) FROM records WHERE type = ? AND id = ?",
            (rtype, rid),
        ).fetchone()
        if row is None:
            return None
        return row[0], self.open_payload(rtype, rid, row[0], row[1])

    def scan_raw(self, rtype: str) -> Iterator[tuple[str, bytes]]:
        """Every undamaged record of a type as its sealed JSON bytes (for sending on as is)."""
        rows = self.db.conn.execute(
            "SELECT id, revision, CAST(body AS BLOB) FROM records WHERE type = ?", (rtype,)
        )
        for rid, revision, body in rows:
            try:
                yield rid, self.open_raw(rtype, rid, revision, body)
            except IntegrityError:
                continue

    def scan(self, rtype: str) -> Iterator[tuple[str, int, dict[str, Any] | None]]:
        """Every record of a type; a damaged one yields ``None`` so the rest still open."""
        rows = self.db.conn.execute(
            "SELECT id, revision, CAST(body AS BLOB) FROM records WHERE type = ?", (rtype,)
        )
        prefix, sealer = self._prefix(rtype), self._sealer  # thousands of records: kept at hand
        for rid, revision, body in rows:
            try:
                payload = json.loads(sealer.open(body, crypto.bind_onto(prefix, rid, revision)))
            except (crypto.CryptoError, ValueError):
                payload = None
            yield rid, revision, payload

    # -- attachment chunks ---------------------------------------------------------------------

    def _chunk_ad(self, attachment_id: str, variant: str) -> bytes:
        return crypto.bind(self.file_id, "chunk", attachment_id, variant)

    def write_chunks(self, attachment_id: str, variant: str, data: Iterable[bytes]) -> int:
        """Seal a stream into numbered chunk rows; call inside ``transaction()``."""
        count = 0
        sealed = crypto.seal_chunks(self._key, data, self._chunk_ad(attachment_id, variant))
        for seq, body in enumerate(sealed):
            self.db.conn.execute(
                "INSERT INTO chunks (attachment_id, variant, seq, body) VALUES (?, ?, ?, ?)",
                (attachment_id, variant, seq, body),
            )
            count += 1
        return count

    def read_chunks(self, attachment_id: str, variant: str) -> Iterator[bytes]:
        rows = self.db.conn.execute(
            "SELECT CAST(body AS BLOB) FROM chunks WHERE attachment_id = ? AND variant = ? "
            "ORDER BY seq",
            (attachment_id, variant),
        )
        try:
            yield from crypto.open_chunks(
                self._key, (r[0] for r in rows), self._chunk_ad(attachment_id, variant)
            )
        except crypto.CryptoError as exc:
            raise IntegrityError(
                f"The photo {attachment_id} is damaged; run 'inspector-app verify'."
            ) from exc

    # -- audit ---------------------------------------------------------------------------------

    def _audit_ad(self, seq: int, prev: bytes) -> bytes:
        return crypto.bind_onto(self._prefix("audit"), seq, prev)

    def _write_audit_head(self, seq: int, digest: bytes) -> None:
        """The sealed head: written once per batch, it shows if entries were cut off the end."""
        head = json.dumps({"seq": seq, "hash": digest.hex()}).encode()
        sealed_head = self._sealer.seal(head, crypto.bind(self.file_id, "audit-head"))
        self.db.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('audit.head', ?)", (sealed_head,)
        )

    def audit_tip(self) -> tuple[int, str]:
        """Where this copy's history ends: the newest audit entry's number and hash (hex).
        Both are plaintext columns, so this needs no key and reveals nothing written."""
        try:
            seq, digest = self._audit_end()
        except sqlite3.Error as exc:
            raise storage_error(exc) from exc
        return seq, _hex(digest)

    def _audit_end(self) -> tuple[int, bytes]:
        """The newest audit entry's number and stored hash (0 and the genesis hash if none)."""
        row = self.db.conn.execute(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return (row[0], row[1]) if row else (0, _GENESIS)

    def behind(self, seq: int, digest: str) -> int | None:
        """How many changes this copy lacks against a history that ended at ``(seq, digest)``:
        0 if it holds that history (the same, or more since), the number of entries it ends
        short by if it is older, None if it has another entry there (the copies diverged)."""
        if seq <= 0:
            return 0
        row = self.db.conn.execute("SELECT hash FROM audit WHERE seq = ?", (seq,)).fetchone()
        if row is None:
            return seq - self.audit_seq()
        return 0 if _hex(row[0]) == digest else None

    def audit_seq(self) -> int:
        """The number of the newest audit entry (0 for none)."""
        return self.db.conn.execute("SELECT coalesce(max(seq), 0) FROM audit").fetchone()[0]

    def audit_entries(self, after: int = 0) -> list[dict[str, Any]]:
        """The audit log, oldest first, from entry ``after + 1`` (opened, so only with the key)."""
        previous = self.db.conn.execute("SELECT hash FROM audit WHERE seq = ?", (after,)).fetchone()
        out, prev = [], previous[0] if previous else _GENESIS
        for seq, digest, body in self.db.conn.execute(
            "SELECT seq, hash, CAST(body AS BLOB) FROM audit WHERE seq > ? ORDER BY seq", (after,)
        ):
            try:
                opened = self._sealer.open(body, self._audit_ad(seq, prev))
                out.append({"seq": seq, **json.loads(opened)})
            except (crypto.CryptoError, ValueError, TypeError):
                out.append({"seq": seq, "damaged": True})
            prev = digest if isinstance(digest, bytes) else b""
        return out

    def verify(self) -> VerifyReport:
        """Check every seal, every chunk, the audit chain and that records match the audit."""
        with self._snapshot():
            return self._verify()

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """Reads that all see the file at one moment, though another program writes to it
        meanwhile (the audit log, the records and the head must be compared as one)."""
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")  # only read

    def _verify(self) -> VerifyReport:
        report = VerifyReport()
        latest = self._verify_audit(report)
        on_disk = {}
        for rtype, rid, revision, body in self.db.conn.execute(
            "SELECT type, id, revision, CAST(body AS BLOB) FROM records"
        ):
            report.records += 1
            on_disk[(rtype, rid)] = revision
            try:
                self.open_payload(rtype, rid, revision, body)
            except IntegrityError:
                report.problems.append(f"{rtype} {rid}: the sealed record does not open")
        for key, revision in latest.items():
            if key not in on_disk:
                report.problems.append(f"{key[0]} {key[1]}: recorded in the audit log but missing")
            elif on_disk[key] != revision:
                report.problems.append(
                    f"{key[0]} {key[1]}: revision {on_disk[key]} on disk, "
                    f"the audit log says {revision}"
                )
        for key in on_disk.keys() - latest.keys():
            report.problems.append(f"{key[0]} {key[1]}: not in the audit log")
        self._verify_chunks(report)
        return report

    def missing(self, rtype: str) -> list[str]:
        """Ids of records of a type that the audit log records and the file no longer holds
        (the app never removes a record, so something outside it did)."""
        with self._snapshot():
            latest = self._verify_audit(VerifyReport())
            held = self.ids(rtype)
        return sorted(rid for kind, rid in latest if kind == rtype and rid not in held)

    def _verify_audit(self, report: VerifyReport) -> dict[tuple[str, str], int]:
        latest: dict[tuple[str, str], int] = {}
        prev, expected_seq = _GENESIS, 1
        for seq, digest, body in self.db.conn.execute(
            "SELECT seq, hash, CAST(body AS BLOB) FROM audit ORDER BY seq"
        ):
            report.audit_entries += 1
            if seq != expected_seq or digest != _chain(prev, seq, body):
                report.problems.append(f"audit entry {seq}: the hash chain is broken")
            try:
                entry = json.loads(self._sealer.open(body, self._audit_ad(seq, prev)))
                latest[(entry["type"], entry["id"])] = entry["revision"]
            except (crypto.CryptoError, ValueError, KeyError):
                report.problems.append(f"audit entry {seq}: the sealed entry does not open")
            prev = digest if isinstance(digest, bytes) else b""
            expected_seq = seq + 1
        self._verify_head(report, expected_seq - 1, prev)
        return latest

    def _verify_head(self, report: VerifyReport, seq: int, digest: bytes) -> None:
        row = self.db.conn.execute("SELECT value FROM meta WHERE key = 'audit.head'").fetchone()
        if row is None:
            if seq:
                report.problems.append("audit log: its sealed head is missing")
            return
        try:
            head = json.loads(self._sealer.open(row[0], crypto.bind(self.file_id, "audit-head")))
        except (crypto.CryptoError, ValueError):
            report.problems.append("audit log: its sealed head does not open")
            return
        if head != {"seq": seq, "hash": digest.hex()}:
            report.problems.append(
                f"audit log: ends at entry {seq} but its head says {head.get('seq')} "
                "(entries were removed or added outside the app)"
            )

    def _verify_chunks(self, report: VerifyReport) -> None:
        """Every live photo's streams open and match the size and hash its record gives."""
        live = set()
        for rid, _revision, state in self.scan("attachment"):
            payload = history.current(state)[0] if state is not None else None
            if payload is None or payload.get("deleted"):
                continue
            live.add(rid)
            for variant, size in payload.get("sizes", {}).items():
                digest, length = hashlib.sha256(), 0
                try:
                    for piece in self.read_chunks(rid, variant):
                        report.chunks += 1
                        digest.update(piece)
                        length += len(piece)
                except IntegrityError:
                    report.problems.append(f"photo {rid} ({variant}): damaged")
                    continue
                if length != size or digest.hexdigest() != payload["sha256"].get(variant):
                    report.problems.append(f"photo {rid} ({variant}): missing or altered")
        orphans = self.db.conn.execute("SELECT DISTINCT attachment_id FROM chunks").fetchall()
        for (attachment_id,) in orphans:
            if attachment_id not in live:
                report.problems.append(f"photo {attachment_id}: data without a photo record")


def _hex(digest: object) -> str:
    return digest.hex() if isinstance(digest, bytes) else ""  # damaged: matches nothing


def _chain(prev: bytes, seq: int, body: bytes) -> bytes:
    if not isinstance(prev, bytes) or not isinstance(body, bytes):
        return b""  # damaged (NULL or text): matches no stored hash, so the break is reported
    return hashlib.sha256(prev + seq.to_bytes(8, "big") + body).digest()
