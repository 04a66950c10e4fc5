"""One unlocked inspection: every operation the app and the command line perform on a file.

``Inspection.create`` and ``Inspection.open`` return an unlocked inspection; each method that
changes something writes the sealed records and the audit entry in one transaction and then
updates the in-memory working set, so what the user sees is what is on disk.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from inspector_app.core import crypto, history, images, records, schema
from inspector_app.core import framework as frameworks
from inspector_app.core import header as keys
from inspector_app.core.concurrent import ChangedMeanwhile, on_latest
from inspector_app.core.crypto import KdfParams
from inspector_app.core.errors import (
    InConflict,
    IntegrityError,
    InvalidInput,
    NameHeld,
    NotFound,
)
from inspector_app.core.index import NoteFilter, NoteRow, WorkingSet
from inspector_app.core.models import (
    CONTENT,
    Attachment,
    Child,
    InspectionInfo,
    Note,
    Version,
    changed_note,
    check_note,
    clean_child_ref,
    clean_line,
    clean_lines,
    differences,
    identity_payload,
    new_id,
    now,
    one_of,
    optional_date,
    pick_version,
    required_line,
    sha256_hex,
    with_differences,
)
from inspector_app.core.records import Change, RecordFile, VerifyReport

ROLES = ("lead", "team")
ROLE_LABELS = {"lead": "Lead inspector", "team": "Team inspector"}  # how the app names them
_INFO = ("inspection", "inspection")
IDENTITY = ("identity", "self")


PAGE = 200  # rows a list fetches at a time
WSOA = ("required", "not-required")
DETAILS = ("area", "on_site_start", "on_site_end", "wsoa", "addressees", "team")
EDITABLE = CONTENT  # what an edit may change
# Record types whose damage is told when the file is read: a record that does not open is left
# out of every view, so the user must hear of it ("note ID", "finding ID", ...).
DAMAGE_CHECKED = ("note", "child", "finding", "attachment", "member")


class Inspection:
    def __init__(self, path: Path, db: Any, head: keys.Header, data_key: bytes) -> None:
        self.path = path
        self._db = db
        self._header = head
        self.file = RecordFile(db, head.file_id, data_key, who="", path=path)
        self.info: InspectionInfo
        self.framework: frameworks.Framework
        self._index = WorkingSet()
        self._notes_stale = False
        self.children: dict[str, Child] = {}
        self._child_ids: dict[str, str] = {}
        self._damaged: dict[str, list[str]] = {t: [] for t in DAMAGE_CHECKED}
        self._seen_version = -1
        self._drafts: dict[str, int] = {}  # version written here -> identity revision then
        self._beside: dict[str, dict | None] = {}  # of those, put beside -> what was edited

    # -- creating, opening, closing ------------------------------------------------------------

    @classmethod
    def create(
        cls, path: Path, passphrase: str, *, area: str, inspector: str, role: str = "lead",
        framework_id: str = frameworks.DEFAULT_FRAMEWORK, on_site: tuple[str, str] = ("", ""),
        kdf: KdfParams | None = None, inspection_id: str | None = None,
        ready: Callable[[Inspection, str], object] | None = None,
    ) -> tuple[Inspection, str]:
        """A new file; returns it unlocked with the recovery key, which is shown only once.
        ``ready`` gets both before the file takes its name: what it does (the key shown, the
        lead joined) is done in any file found under that name."""
        keys.check_passphrase(passphrase)
        start, end = (optional_date(d, "on-site date") for d in on_site)
        if start and end and end < start:
            raise InvalidInput("The last day on site is before the first; check the dates.")
        info = InspectionInfo(
            inspection_id=inspection_id or new_id(),
            area=required_line(area, "area"),
            inspector=required_line(inspector, "inspector's name"),
            role=one_of(role, ROLES, "role"),
            framework=frameworks.load(framework_id).id,
            created_at=now(),
            on_site_start=start,
            on_site_end=end,
        )
        path = Path(path)
        made = records.making(path)  # given its name once it is whole
        db = records.connect(made, create=True)
        try:
            schema.upgrade(db)
            with db.atomic():
                head, data_key, recovery_key = keys.create(db, passphrase, kdf or KdfParams.fresh())
            inspection = cls(made, db, head, data_key)
            inspection._seen_version = inspection.file.data_version()  # the file is empty
            inspection.commit(
                [
                    Change(*_INFO, info.to_payload(), "create"),
                    Change(*IDENTITY, identity_payload(crypto.new_identity()), "create"),
                ],
                who=info.inspector,
            )
            if ready:
                ready(inspection, recovery_key)
            db.close()  # the last connection: what the journal holds goes into the file
            records.publish(made, path)
        except BaseException as exc:
            db.close()
            records.remove_new(made)
            if isinstance(exc, sqlite3.Error):  # a full disk, say, as SQLite begins the file
                raise records.storage_error(exc, path) from exc
            raise
        db = records.connect(path, create=False)
        with records.closed_on_error(db, path):
            inspection = cls(path, db, head, data_key)
            inspection.reload()
        return inspection, recovery_key

    @classmethod
    def open(cls, path: Path, secret: str) -> Inspection:
        """Unlock with the passphrase or the recovery key."""
        path = Path(path)
        db, head, key = _unlock(path, secret)
        with records.closed_on_error(db, path):
            inspection = cls(path, db, head, key)
            inspection.reload()
        return inspection

    @staticmethod
    def verify_file(path: Path, secret: str) -> VerifyReport:
        """Check every seal, photo chunk and the audit chain with the key alone, without
        reading the inspection first: damage that stops it opening is named too."""
        path = Path(path)
        db, head, key = _unlock(path, secret)
        try:
            return RecordFile(db, head.file_id, key, who="").verify()
        except sqlite3.Error as exc:
            raise records.storage_error(exc, path) from exc
        finally:
            db.close()

    def close(self) -> None:
        """Drop the key and the working set; closing twice is harmless."""
        if self.file is None:
            return
        self.file = None  # type: ignore[assignment]
        self._index = WorkingSet()
        self._notes_stale = False
        self.children.clear()
        self._db.close()

    def __enter__(self) -> Inspection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def index(self) -> WorkingSet:
        """Every current note, decrypted in memory; read again first if an import left it stale."""
        if self._notes_stale:
            self._load_notes()
        return self._index

    @property
    def damaged(self) -> list[str]:
        """Records that did not open when the file was last read ("note ID", "finding ID")."""
        if self._notes_stale:
            self._load_notes()
        return [name for rtype in DAMAGE_CHECKED for name in self._damaged[rtype]]

    def reload(self) -> None:
        """Read every record again (after another program changed the file)."""
        version = self.file.data_version()  # first: a write made while reading stays unseen
        found = self.file.read(*_INFO)
        if found is None:
            raise InvalidInput("This inspection file has no inspection details; it is incomplete.")
        self.info = InspectionInfo.from_payload(found[1])
        self.file.who = self.info.inspector
        self.framework = frameworks.load(self.info.framework)
        self._load_notes()
        self._load_children()
        self._check_others()
        self._seen_version = version

    def notes_written_in_bulk(self) -> None:
        """After an import: the register is read again now, the notes when next asked for.

        Until then the old working set is dropped, so an import (or several in a row) never
        holds the notes in memory as well as the bundle; the next list, search or count reads
        them once.
        """
        self._load_children()
        self._check_others()
        self._index = WorkingSet()
        self._notes_stale = True

    def _load_notes(self) -> None:
        damaged, notes = [], []
        for rid, revision, state in self.file.scan("note"):
            if state is None:
                damaged.append(f"note {rid}")
                continue
            data, conflict = history.current(state)
            if not data.get("deleted"):  # listing the photos still here (``note``)
                note = Note.from_payload(rid, revision, data, conflict)
                if note.attachments:
                    note = replace(note, attachments=self.file.alive("attachment",
                                                                     note.attachments))
                notes.append(note)
        self._index.load(notes)
        self._damaged["note"] = damaged
        self._notes_stale = False

    def _load_children(self) -> None:
        self.children.clear()
        self._child_ids.clear()
        self._damaged["child"] = []
        for rid, revision, payload in self.file.scan("child"):
            if payload is None:
                self._damaged["child"].append(f"child {rid}")
                continue
            self.children[payload["ref"]] = Child(payload["ref"], payload["name"], revision)
            self._child_ids[payload["ref"]] = rid

    def _check_others(self) -> None:
        """Findings, photos and team members are read when asked for; which of them no longer
        open is found now, so it is told with the damaged notes."""
        for rtype in ("finding", "attachment", "member"):
            self._damaged[rtype] = [
                f"{rtype} {rid}" for rid, _, state in self.file.scan(rtype) if state is None
            ]

    def versioned(self, rtype: str, rid: str, data: dict[str, Any], action: str,
                  beside: bool = False, edited: dict[str, Any] | None = None) -> Change:
        """A change that adds a version on top of every current head (or starts the record);
        with ``beside``, next to them instead (``history.beside``), or for a deletion undone
        (``action`` "restore"), on that deletion alone (``history.on``): what is brought back
        stands in conflict with a teammate's edit, and the deletion is no longer a version.

        A version this object wrote since the last bundle export began, still the only head,
        is replaced instead (``history.amend``): autosaves between two bundles leave one
        version, not one a pause in typing. So is one it put beside (from the ``edited`` data)
        by the next that carries on its typing (``history.carries_on``). Whether an export
        began is read inside the write from the revision of the file's identity record, which
        every export rewrites when it takes its bundle number, before it reads a record; so a
        version that any bundle, from this program or another, may hold is never replaced.
        """
        by, at = self.info.inspector, now()

        def apply(state: dict[str, Any] | None) -> dict[str, Any]:
            exports = self.file.revision(*IDENTITY)
            heads = {h["v"]: h["data"] for h in state["heads"]} if state else {}
            unsent = [v for v in heads if self._drafts.get(v) == exports]  # in no bundle
            if beside:
                unsent = [v for v in unsent if history.carries_on(
                    heads[v], data, self._beside.get(v), edited)]
            deletions = [v for v in heads if heads[v].get("deleted")]
            if beside and action == "restore" and len(deletions) == 1:
                new = history.on(state, data, by, at, deletions[0])
            elif len(unsent) == 1 and (beside or len(heads) == 1):
                new = history.amend(state, data, by, at, old=unsent[0])
                del self._drafts[unsent[0]]
                self._beside.pop(unsent[0], None)
            elif state is None:
                new = history.start(data, by, at)
            else:
                new = (history.beside if beside else history.advance)(state, data, by, at)
            [made] = [h["v"] for h in new["heads"] if h["v"] not in heads]
            self._drafts[made] = exports
            if beside:
                self._beside[made] = edited
            return new

        return Change(rtype, rid, apply, action)

    def wrote_last(self, rtype: str, rid: str) -> bool:
        """Whether a record's one current version was written by this program (not brought
        by another program or a teammate's bundle)."""
        found = self.file.read(rtype, rid)
        heads = found[1]["heads"] if found else []
        return len(heads) == 1 and heads[0]["v"] in self._drafts

    def refresh(self) -> bool:
        """Reload if another program changed the file since we last looked; True if it did."""
        if self.file.data_version() == self._seen_version:
            return False
        self.reload()
        return True

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The write transaction, refused with ``ChangedMeanwhile`` (nothing written) if
        another program wrote since this object last read the file (``concurrent``)."""
        with self.file.transaction():
            if self.file.data_version() != self._seen_version:
                raise ChangedMeanwhile
            yield

    def commit(
        self, changes: list[Change], who: str | None = None, photos: Sequence = (),
        drop_chunks: Sequence[str] = (),
    ) -> list[int]:
        """Write changes (and photo chunks) in one transaction, then catch up with any
        change another program made meanwhile. What a deletion removed is then emptied from
        the journal too."""
        if who is not None:
            self.file.who = who
        with self.writing():
            for attachment_id, clean in photos:
                self.file.write_chunks(attachment_id, "photo", [clean.photo])
                self.file.write_chunks(attachment_id, "thumb", [clean.thumb])
            for attachment_id in drop_chunks:
                self._db.conn.execute(
                    "DELETE FROM chunks WHERE attachment_id = ?", (attachment_id,)
                )
            revisions = self.file.write(changes)
        if drop_chunks or any(change.action in ("delete", "resolve") for change in changes):
            self.file.empty_journal()
        # Our own commit leaves data_version alone; a change means another program wrote too.
        self.refresh()
        return revisions

    # -- notes ---------------------------------------------------------------------------------

    @on_latest
    def add_note(
        self,
        *,
        kind: str,
        questions: Sequence[str],
        outcomes: Sequence[str],
        judgement: str,
        text: str,
        title: str = "",
        children: Sequence[str] = (),
        fields: dict[str, Any] | None = None,
        photos: Sequence[Path] = (),
        require_tags: bool = True,
    ) -> Note:
        """Save a new note (and its photos) in one transaction; nothing is saved on error."""
        self.refresh()
        stamp = now()
        note = check_note(
            self.framework,
            require_tags=require_tags,
            note=Note(
                id=new_id(),
                kind=kind,
                author=self.info.inspector,
                questions=tuple(questions),
                outcomes=tuple(outcomes),
                judgement=judgement,
                title=title,
                text=text,
                children=tuple(children),
                fields=fields or {},
                created_at=stamp,
                updated_at=stamp,
            ),
        )
        cleaned = [images.normalise(Path(p)) for p in photos]
        return self._save_note(note, "create", cleaned)

    @on_latest
    def edit_note(
        self,
        note_id: str,
        *,
        require_tags: bool = True,
        photos: Sequence[Path] = (),
        merge_conflict: bool = False,
        base: Note | None = None,
        **changes: Any,
    ) -> Note:
        """Change some fields of a note and add photos, in one transaction; a change that
        alters nothing writes nothing, and a bad photo saves nothing.

        A note in conflict is refused unless ``merge_conflict``: the edit then becomes the
        version that replaces every competing one.

        ``base`` is the note as the editor showed it. If the note changed since (an import
        brought a teammate's version, or deleted it), only what the editor changed is kept:
        on top of the new version where nothing clashes; otherwise as a version beside the
        others, so the note is in conflict. Nothing is overwritten.
        """
        self.refresh()
        if base is not None:
            current = self._current_or_deleted(note_id, base)
            if current is None or current.revision != base.revision or current.conflict:
                return self._rebase(base, current, changes, require_tags)
        current = self.note(note_id)
        if not merge_conflict:
            self._refuse_conflict(current)
            if "attachments" in changes:  # photos are added and removed, not listed
                raise InvalidInput("These cannot be edited: attachments.")
        edited = changed_note(self.framework, current, changes, require_tags=require_tags)
        if current.conflict:
            edited = replace(edited, attachments=self._every_photo(edited))
        cleaned = [images.normalise(Path(p)) for p in photos]
        if edited.to_payload() == current.to_payload() and not cleaned and not current.conflict:
            return current
        return self._save_note(replace(edited, updated_at=now()), "update", cleaned)

    @on_latest
    def set_beside(self, note_id: str, **changes: Any) -> Note:
        """Keep an edit of a note in conflict as one more of its competing versions, settling
        nothing: a merged text not yet saved when the file locks is kept this way."""
        current = self.note(note_id)
        if not current.conflict:
            raise InvalidInput(f"The note {note_id[:8]} is not in conflict.")
        edited = changed_note(self.framework, current, changes, require_tags=False)
        return self._save_note(replace(edited, updated_at=now()), "update", beside=True)

    def _current_or_deleted(self, note_id: str, base: Note) -> Note | None:
        """The note now, or None if it was deleted since ``base`` was shown."""
        try:
            return self.note(note_id)
        except NotFound:
            if self.file.read("note", base.id) is None:
                raise
            return None

    def _rebase(
        self, base: Note, current: Note | None, changes: dict[str, Any], require_tags: bool
    ) -> Note:
        """An editor's save on ``base`` after the note became ``current`` (None: deleted)."""
        mine = changed_note(self.framework, base, changes, require_tags=require_tags)
        ours = differences(base, mine)
        if not ours:
            return current if current is not None else base  # nothing typed: nothing to keep
        if current is not None and not current.conflict:
            theirs = differences(base, current)
            if not any(key in theirs and theirs[key] != value for key, value in ours.items()):
                merged = with_differences(current, ours)
                return self._save_note(replace(merged, updated_at=now()), "update")
        # Both changed the same thing, or the note is in conflict or was deleted: the edit
        # becomes a version of its own beside the others.
        return self._save_note(replace(mine, updated_at=now()), "update", beside=True,
                               edited=base)

    @on_latest
    def delete_note(self, note_id: str) -> Note:
        """Delete a note (a tombstone, audited); returns it so the caller can offer undo."""
        self.refresh()
        note = self.note(note_id)
        self._refuse_conflict(note)
        self.commit([self.versioned("note", note.id, {"deleted": True}, "delete")])
        self.index.remove(note.id)
        return note

    @on_latest
    def restore_note(self, note: Note) -> Note:
        """Bring back a deleted note as a new revision (the undo of ``delete_note``). If the
        deletion is no longer the note's only version (a teammate's edit arrived since), the
        note comes back beside that edit, in conflict, so the edit is not undone with it."""
        self.refresh()
        found = self.file.read("note", note.id)
        heads = found[1]["heads"] if found else []
        alone = len(heads) == 1 and heads[0]["data"].get("deleted")
        photos = self.file.alive("attachment", note.attachments)  # not one removed since
        return self._save_note(replace(note, updated_at=now(), attachments=photos), "restore",
                               beside=not alone)

    def _save_note(self, note: Note, action: str, photos: Sequence = (), beside: bool = False,
                   edited: Note | None = None) -> Note:
        attached = []
        changes = []
        for clean in photos:
            attachment = Attachment(
                id=new_id(),
                note_id=note.id,
                filename="photo.jpg",
                width=clean.width,
                height=clean.height,
                sizes={"photo": len(clean.photo), "thumb": len(clean.thumb)},
                sha256={"photo": sha256_hex(clean.photo), "thumb": sha256_hex(clean.thumb)},
                created_at=now(),
            )
            attached.append((attachment.id, clean))
            changes.append(
                self.versioned("attachment", attachment.id, attachment.to_payload(), "create")
            )
        note = replace(note, attachments=note.attachments + tuple(a for a, _ in attached))
        new_children = self._new_children(note.children)
        changes += [
            Change("child", rid, child.to_payload(), "create") for rid, child in new_children
        ]
        changes.append(self.versioned("note", note.id, note.to_payload(), action, beside,
                                      edited.to_payload() if edited else None))
        revisions = self.commit(changes, photos=attached)
        for rid, child in new_children:
            self._child_ids[child.ref] = rid
            self.children[child.ref] = replace(child, revision=1)
        # A local write is one version on top of every head, never in conflict afterwards;
        # one beside the head is in conflict with it.
        note = replace(note, revision=revisions[-1], conflict=beside)
        self.index.upsert(note)
        return note

    def note(self, note_id: str) -> Note:
        """A note by id or by a unique prefix of at least four characters."""
        self.refresh()
        wanted = note_id.strip().lower()  # ids are lower-case hex; typed in capitals too
        matches = [wanted] if self.index.get(wanted) else \
            self.index.ids_with_prefix(wanted) if len(wanted) >= 4 else []
        if len(matches) == 1:
            note = self.index.get(matches[0])
            # Only its photos still in the file: a teammate's version may list one removed.
            alive = self.file.alive("attachment", note.attachments) if note.attachments else ()
            return replace(note, attachments=alive) if alive != note.attachments else note
        if len(matches) > 1:
            raise InvalidInput(f"'{note_id}' matches several notes; type more of the id.")
        if 0 < len(note_id.strip()) < 4:
            raise InvalidInput(
                f"'{note_id}' is too short to name a note; type at least 4 "
                "characters of its id ('list' shows them)."
            )
        raise NotFound(f"There is no note '{note_id}' in this inspection; 'list' shows the ids.")

    def notes(self, where: NoteFilter | None = None) -> list[Note]:
        """Whole notes matching a filter: best text matches first, else the newest first."""
        return self.index.query(self._checked(where or NoteFilter()))

    def rows(self, where: NoteFilter | None = None, **page: Any) -> list[NoteRow]:
        """What a list shows of ``notes``, a page at a time (``sort``, ``descending``,
        ``limit``, ``offset``): cheap even for thousands of notes."""
        return self.index.rows(self._checked(where or NoteFilter()), **page)

    def count(self, where: NoteFilter | None = None) -> int:
        return self.index.count(self._checked(where or NoteFilter()))

    def search(self, text: str, limit: int | None = PAGE) -> list[NoteRow]:
        """The best matches for what was typed: every word, the last as a prefix.

        A page at a time, as a list shows them; ``count`` says how many there are in all.
        """
        return self.rows(NoteFilter(text=text), limit=limit)

    def excerpts(self, note_ids: list[str], text: str) -> dict[str, str]:
        """What matched ``text`` in each of these notes, where its heading does not show it."""
        self.refresh()
        return self.index.excerpts(note_ids, text)

    def _checked(self, where: NoteFilter) -> NoteFilter:
        """The filter with its codes checked against the framework (and normalised)."""
        self.refresh()
        for code, check in (
            (where.outcome, self.framework.check_outcome),
            (where.judgement, self.framework.check_judgement),
        ):
            if code:
                check(code)
        if where.kind:
            self.framework.kind(where.kind)
        if where.question:
            where = replace(where, question=self.framework.check_question(where.question))
        return where

    # -- conflicts -----------------------------------------------------------------------------

    def versions(self, note_id: str) -> list[Version]:
        """The competing versions of a note (one when it is not in conflict), newest last;
        each lists the photos still in the file (a photo removed since stays removed)."""
        out = []
        for head in self.file.read("note", self.note(note_id).id)[1]["heads"]:
            data = head["data"]
            if data.get("attachments"):
                data = {**data, "attachments": list(self.file.alive("attachment",
                                                                    data["attachments"]))}
            out.append(Version(head["v"], head["by"], head["at"], data))
        return out

    @on_latest
    def resolve(self, note_id: str, keep: str) -> Note:
        """End a conflict by keeping one version (given by a prefix of its id)."""
        chosen = self.version_to_keep(note_id, keep)
        note = self.note(note_id)
        data = chosen.data
        if data.get("deleted"):
            self.commit([self.versioned("note", note.id, data, "resolve")])
            self.index.remove(note.id)
            return note
        kept = replace(Note.from_payload(note.id, note.revision, data), conflict=False)
        return self._save_note(replace(kept, attachments=self._every_photo(kept)), "resolve")

    def _every_photo(self, kept: Note) -> tuple[str, ...]:
        """Settling a conflict keeps the photos of every version, not only those of the one
        kept (two inspectors who each added one keep both); a photo removed stays removed."""
        heads = self.file.read("note", kept.id)[1]["heads"]
        ids = [*kept.attachments, *(a for h in heads for a in h["data"].get("attachments", ()))]
        return self.file.alive("attachment", ids)

    def version_to_keep(self, note_id: str, keep: str) -> Version:
        """The competing version of a note in conflict that ``keep`` names (a prefix of at
        least four characters of its id), or ``InvalidInput`` saying what to give instead."""
        self.refresh()
        note = self.note(note_id)
        if not note.conflict:
            raise InvalidInput(
                f"The note {note.id[:8]} is not in conflict; there is nothing to resolve."
            )
        return pick_version(self.versions(note.id), keep, "note")

    def _refuse_conflict(self, note: Note) -> None:
        if note.conflict:
            listed = "; ".join(v.describe() for v in self.versions(note.id))
            raise InConflict(
                f"This note has competing versions from two inspectors ({listed}); "
                f"keep one with 'inspector-app resolve FILE {note.id[:8]} --keep VERSION'."
            )

    # -- photos --------------------------------------------------------------------------------

    def add_photo(self, note_id: str, path: Path) -> Note:
        """Clean and seal a photo onto a note; a bad image saves nothing."""
        return self.edit_note(note_id, photos=[path], require_tags=False)

    def attachment(self, attachment_id: str) -> Attachment:
        found = self.file.read("attachment", attachment_id)
        data = history.current(found[1])[0] if found else {"deleted": True}
        if data.get("deleted"):
            raise NotFound(f"There is no photo '{attachment_id}' in this inspection.")
        return Attachment.from_payload(data)

    def photo(self, attachment_id: str, variant: str = "photo") -> bytes:
        """The cleaned JPEG (``photo``) or its thumbnail (``thumb``), checked against its hash."""
        attachment = self.attachment(attachment_id)
        data = b"".join(self.file.read_chunks(attachment_id, variant))
        if sha256_hex(data) != attachment.sha256.get(variant):
            raise IntegrityError(
                f"The photo {attachment_id} does not match its record; run verify."
            )
        return data

    @on_latest
    def remove_photo(self, note_id: str, attachment_id: str) -> Note:
        self.refresh()
        note = self.note(note_id)
        if attachment_id not in note.attachments:
            raise NotFound(f"The note has no photo '{attachment_id}'.")
        kept = tuple(a for a in note.attachments if a != attachment_id)
        note = replace(note, updated_at=now(), attachments=kept)
        changes = [
            self.versioned("attachment", attachment_id, {"deleted": True}, "delete"),
            self.versioned("note", note.id, note.to_payload(), "update"),
        ]
        revision = self.commit(changes, drop_chunks=[attachment_id])[-1]
        note = replace(note, revision=revision)
        self.index.upsert(note)
        return note

    # -- child register ------------------------------------------------------------------------

    @on_latest
    def add_child(self, ref: str, name: str = "", replace_name: bool = False) -> Child:
        """Add a register entry, or give an entry its real name; the name stays sealed.

        A real name already kept is never lost by the way: adding the pseudonym again
        without a name, or with the same one, changes nothing, and a different name raises
        ``NameHeld`` unless ``replace_name`` says to replace it. The report's check for real
        names depends on the register holding the right one.
        """
        self.refresh()
        child = Child(clean_child_ref(ref), clean_line(name, "real name"))
        # "child c" is Child C: a pseudonym already in the register is found whatever its case.
        same = [r for r in self.children if r.casefold() == child.ref.casefold()]
        if same and child.ref not in self.children:
            child = replace(child, ref=same[0])
        known = self.children.get(child.ref)
        if known is not None and not replace_name:
            if child.name in ("", known.name):
                return known
            if known.name:
                raise NameHeld(
                    f"{child.ref} already has a different real name in the register, "
                    "and it was kept."
                )
        rid = self._child_ids.get(child.ref, new_id())
        action = "update" if child.ref in self.children else "create"
        revision = self.commit([Change("child", rid, child.to_payload(), action)])[-1]
        if known is not None and known.name:
            self.file.empty_journal()  # the name replaced is not left in the journal
        self._child_ids[child.ref] = rid
        self.children[child.ref] = replace(child, revision=revision)
        return self.children[child.ref]

    def _new_children(self, refs: Sequence[str]) -> list[tuple[str, Child]]:
        # A pseudonym used in a note joins the register, so the register is always complete.
        return [(new_id(), Child(ref)) for ref in refs if ref not in self.children]

    # -- the file ------------------------------------------------------------------------------

    @on_latest
    def set_details(self, **changes: Any) -> InspectionInfo:
        """Change the inspection's details (area, on-site dates, WSOA decision, addressees,
        team); nothing is written if nothing changed."""
        self.refresh()
        unknown = set(changes) - set(DETAILS)
        if unknown:
            raise InvalidInput(f"These cannot be set: {', '.join(sorted(unknown))}.")
        values = {**self.info.to_payload(), **changes}
        for key in ("addressees", "team"):
            if isinstance(values[key], str):
                raise InvalidInput(f"The {key} are a list, one entry each.")
        info = replace(
            self.info,
            area=required_line(values["area"], "area"),
            on_site_start=optional_date(values["on_site_start"], "first day on site"),
            on_site_end=optional_date(values["on_site_end"], "last day on site"),
            wsoa=one_of(values["wsoa"], ("", *WSOA), "WSOA decision"),
            addressees=clean_lines(values["addressees"], "addressee"),
            team=clean_lines(values["team"], "team line"),
        )
        if info.on_site_start and info.on_site_end and info.on_site_end < info.on_site_start:
            raise InvalidInput("The last day on site is before the first; check the dates.")
        if info != self.info:
            self.commit([Change(*_INFO, info.to_payload(), "update")])
            self.info = info
        return info

    @on_latest
    def bind_to_inspection(self, inspection_id: str, area: str) -> InspectionInfo:
        """A team member's file made on its own joins the lead's inspection: it takes the
        inspection's id and area (its notes, sealed to this file, stay as they are)."""
        if self.info.role != "team":
            raise InvalidInput("Only a team member's file joins an inspection; this is a lead's.")
        info = replace(self.info, inspection_id=inspection_id, area=required_line(area, "area"))
        self.commit([Change(*_INFO, info.to_payload(), "update")])
        self.info = info
        return info

    def verify(self) -> VerifyReport:
        try:
            return self.file.verify()
        except sqlite3.Error as exc:
            raise records.storage_error(exc, self.path) from exc

    def audit_log(self) -> list[dict[str, Any]]:
        return self.file.audit_entries()

    @on_latest
    def change_passphrase(self, passphrase: str, kdf: KdfParams | None = None,
                          current: str | None = None) -> None:
        """Re-wrap the data key under a new passphrase; the notes are not re-encrypted. With
        ``current``, only if it opens the file as it is now (``WrongPassphrase`` otherwise:
        another program may have changed the passphrase since this one opened it)."""
        header = keys.read(self._db)
        if current is not None:
            keys.unlock(header, current)
            if passphrase == current:
                raise InvalidInput("The new passphrase is the current one; choose another.")
        keys.check_passphrase(passphrase)
        new_header = keys.rewrap(header, self.file._key, passphrase, kdf or KdfParams.fresh())
        with self.writing():  # refused if another program wrote meanwhile, then made again
            if keys.read(self._db) != header:
                raise ChangedMeanwhile  # another program set a passphrase: asked again
            keys.write(self._db, new_header)
        self.file.empty_journal()  # the key wrapped under the old passphrase goes with it
        self._header = new_header


def _unlock(path: Path, secret: str) -> tuple[Any, keys.Header, bytes]:
    """The file's connection, key header and data key, once the secret has opened it."""
    db = records.connect(path, create=False)
    with records.closed_on_error(db, path):
        schema.refuse_newer(db)
        head = keys.read(db)
        key = keys.unlock(head, secret)
        schema.upgrade(db)  # only once the file has proved to be ours and unlocked
    return db, head, key
