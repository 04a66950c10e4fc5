"""The working set: every unlocked note in an in-memory SQLite database with FTS5.

Lists, filters, counts and search read only from here; nothing in it ever touches disk. The
store keeps it in step with the file on every save. A note is held as plain columns, so a list
or a search reads text without decoding anything; only the small structured parts (fields,
children, photos) are JSON.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import sqlite_utils

from inspector_app.core.models import Note, fold

_WORD = re.compile(r"\w+", re.UNICODE)
_MIN_PREFIX = 2  # a one-letter prefix matches nearly everything and helps nobody
_COLUMNS = (
    "id",
    "kind",
    "author",
    "judgement",
    "title",
    "text",
    "children",
    "questions",
    "outcomes",
    "fields",
    "attachments",
    "photos",
    "created_at",
    "updated_at",
    "revision",
    "conflict",
)
_NOTE_COLUMNS = ", ".join(f"notes.{c}" for c in _COLUMNS)
# Columns a list can be sorted by; ties fall back to the newest first.
SORT_KEYS = {
    "kind": "notes.kind",
    "updated": "notes.updated_at",
    "author": "notes.author",
    "questions": "notes.questions",
    "outcomes": "notes.outcomes",
    "judgement": "notes.judgement",
    "title": "lower(coalesce(nullif(notes.title, ''), notes.text))",
    "photos": "notes.photos",
}
_ROW_COLUMNS = (
    "notes.id, notes.kind, notes.updated_at, notes.author, notes.judgement, "
    "notes.title, substr(notes.text, 1, 200), notes.photos, notes.conflict, "
    "notes.questions, notes.outcomes"
)


@dataclass(frozen=True)
class NoteFilter:
    """What the list shows; every field optional, all of them must hold."""

    question: str | None = None
    outcome: str | None = None
    kind: str | None = None
    judgement: str | None = None
    author: str | None = None
    text: str = ""
    conflicts_only: bool = False  # notes two inspectors changed, waiting for a decision


class NoteRow(NamedTuple):
    """One line of the evidence list."""

    id: str
    kind: str
    updated_at: str
    author: str
    judgement: str
    heading: str
    photos: int
    conflict: bool
    questions: tuple[str, ...]
    outcomes: tuple[str, ...]


def fts_query(text: str) -> str | None:
    """What a person typed as an FTS5 query: every word must match, the last as a prefix.

    Quotes, hyphens and operators are treated as separators, never as FTS syntax, so no input
    can raise a syntax error.
    """
    words = _WORD.findall(text)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    if len(words[-1]) >= _MIN_PREFIX:
        quoted[-1] += " *"
    return " ".join(quoted)


class WorkingSet:
    def __init__(self) -> None:
        # One worker thread uses it at a time; the GUI hands work to that thread in turn.
        self.db = sqlite_utils.Database(sqlite3.connect(":memory:", check_same_thread=False))
        self.db.execute("PRAGMA temp_store=MEMORY")
        self.db.executescript(
            """
            CREATE TABLE notes (
                rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, kind TEXT, author TEXT,
                judgement TEXT, title TEXT, text TEXT, children TEXT, questions TEXT,
                outcomes TEXT, fields TEXT, attachments TEXT, photos INTEGER, created_at TEXT,
                updated_at TEXT, revision INTEGER, conflict INTEGER
            );
            CREATE INDEX notes_by_time ON notes (updated_at);
            CREATE TABLE tags (note_id TEXT NOT NULL, axis TEXT NOT NULL, code TEXT NOT NULL);
            CREATE INDEX tags_by_note ON tags (note_id, axis, code);
            CREATE INDEX tags_by_code ON tags (axis, code, note_id);
            CREATE VIRTUAL TABLE notes_fts USING fts5(
                title, text, children, content='notes', content_rowid='rowid',
                tokenize='unicode61 remove_diacritics 2'
            );
            """
        )
        # Full-text changes wait until a text search needs them: every FTS5 commit writes a
        # segment (about 0.2 ms with 10,000 notes), too much to pay on each autosave.
        self._unindexed: dict[int, tuple[str, str, str]] = {}  # rowid -> title, text, children
        self._indexed_then_removed: list[tuple[int, str, str, str]] = []

    def load(self, notes: Iterable[Note]) -> None:
        """Fill from scratch: bulk insert, then build the full-text index once."""
        conn = self.db.conn
        with conn:
            conn.execute("DELETE FROM notes")
            conn.execute("DELETE FROM tags")
            rows, tags = [], []
            for note in notes:
                rows.append(_row(note))
                tags.extend(_tags(note))
            conn.executemany(_INSERT, rows)
            conn.executemany("INSERT INTO tags VALUES (?, ?, ?)", tags)
            conn.execute("INSERT INTO notes_fts(notes_fts) VALUES ('rebuild')")
        self._unindexed.clear()
        self._indexed_then_removed.clear()

    def upsert(self, note: Note) -> None:
        conn = self.db.conn
        with conn:
            removed = self._remove(note.id)
            cursor = conn.execute(_INSERT, _row(note))
            conn.executemany("INSERT INTO tags VALUES (?, ?, ?)", _tags(note))
        self._forget(removed)
        self._unindexed[cursor.lastrowid] = (note.title, note.text, " ".join(note.children))

    def _index_text(self) -> None:
        """Bring the full-text index up to date: what was removed since the last search comes
        out (with the text it was indexed with), then what was saved goes in, in one commit."""
        if not (self._unindexed or self._indexed_then_removed):
            return
        with self.db.conn as conn:
            conn.executemany(
                "INSERT INTO notes_fts (notes_fts, rowid, title, text, children) "
                "VALUES ('delete', ?, ?, ?, ?)",
                self._indexed_then_removed,
            )
            conn.executemany(
                "INSERT INTO notes_fts (rowid, title, text, children) VALUES (?, ?, ?, ?)",
                [(rowid, *text) for rowid, text in self._unindexed.items()],
            )
        self._unindexed.clear()
        self._indexed_then_removed.clear()

    def remove(self, note_id: str) -> None:
        with self.db.conn:
            removed = self._remove(note_id)
        self._forget(removed)

    def _remove(self, note_id: str) -> tuple[int, str, str, str] | None:
        """Delete a note's rows; returns its rowid and the text it was indexed with."""
        conn = self.db.conn
        old = conn.execute(
            "SELECT rowid, title, text, children FROM notes WHERE id = ?", (note_id,)
        ).fetchone()
        if old is None:
            return None
        rowid, title, text, children = old
        conn.execute("DELETE FROM notes WHERE rowid = ?", (rowid,))
        conn.execute("DELETE FROM tags WHERE note_id = ?", (note_id,))
        return rowid, title, text, " ".join(json.loads(children))

    def _forget(self, removed: tuple[int, str, str, str] | None) -> None:
        """After a commit: a removed row leaves the full-text index at the next search (or is
        never added, if it had not been yet)."""
        if removed is not None and self._unindexed.pop(removed[0], None) is None:
            self._indexed_then_removed.append(removed)

    def get(self, note_id: str) -> Note | None:
        row = self.db.conn.execute(
            f"SELECT {_NOTE_COLUMNS} FROM notes WHERE id = ?", (note_id,)
        ).fetchone()
        return _note(row) if row else None

    def ids_with_prefix(self, prefix: str) -> list[str]:
        rows = self.db.conn.execute(
            "SELECT id FROM notes WHERE id >= ? AND id < ? LIMIT 2", (prefix, prefix + "\uffff")
        )
        return [r[0] for r in rows]

    def query(self, where: NoteFilter) -> list[Note]:
        """Notes matching a filter; best text matches first, else the newest first."""
        return [_note(row) for row in self._select(_NOTE_COLUMNS, where)]

    def rows(
        self,
        where: NoteFilter,
        *,
        sort: str | None = None,
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[NoteRow]:
        """What a list shows, a page at a time: best text match first, newest first, or
        sorted by one of ``SORT_KEYS``."""
        order = None
        if sort is not None:
            direction = "DESC" if descending else "ASC"
            order = f"{SORT_KEYS[sort]} {direction}, notes.updated_at DESC, notes.id"
        page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
        return [
            NoteRow(
                i,
                k,
                u,
                a,
                j,
                title or text.split("\n", 1)[0],
                p,
                bool(c),
                tuple(q.split()),
                tuple(o.split()),
            )
            for i, k, u, a, j, title, text, p, c, q, o in self._select(
                _ROW_COLUMNS, where, order, page
            )
        ]

    def excerpts(self, note_ids: list[str], text: str) -> dict[str, str]:
        """For notes found by searching ``text``: about twelve words around what matched,
        for each note whose heading shows none of the words (so a list can say why it was
        found). Asked for the rows on show, after the page itself: a search stays as fast as
        plain FTS5."""
        match = fts_query(text)
        if match is None or not note_ids:
            return {}
        self._index_text()
        words = [fold(w) for w in _WORD.findall(text)]
        rows = self.db.conn.execute(
            "SELECT notes.id, notes.title, notes.text, "
            "snippet(notes_fts, -1, '', '', '…', 12) FROM notes "
            "JOIN notes_fts ON notes_fts.rowid = notes.rowid "
            "WHERE notes_fts MATCH ? AND notes.id IN (SELECT value FROM json_each(?))",
            (match, json.dumps(note_ids)),
        )
        out = {}
        for note_id, title, body, excerpt in rows:
            heading = _WORD.findall(fold(title or body.split("\n", 1)[0]))
            if not any(t.startswith(w) for w in words for t in heading):
                out[note_id] = " ".join(excerpt.split())
        return out

    def count(self, where: NoteFilter | None = None) -> int:
        """How many notes match (all notes without a filter)."""
        rows = self._select("count(*)", where or NoteFilter(), order="")
        return rows[0][0] if rows else 0

    def _select(
        self, columns: str, where: NoteFilter, order: str | None = None, page: str = ""
    ) -> list[tuple]:
        clauses, params = [], []
        for axis, code in (("q", where.question), ("o", where.outcome)):
            if code:
                clauses.append("notes.id IN (SELECT note_id FROM tags WHERE axis = ? AND code = ?)")
                params += [axis, code]
        if where.conflicts_only:
            clauses.append("notes.conflict = 1")
        for column in ("kind", "judgement", "author"):
            value = getattr(where, column)
            if value:
                clauses.append(f"notes.{column} = ?")
                params.append(value)
        sql = f"SELECT {columns} FROM notes"
        match = fts_query(where.text)
        if where.text.strip() and match is None:
            return []
        if match:
            self._index_text()
            sql += " JOIN notes_fts ON notes_fts.rowid = notes.rowid"
            clauses.insert(0, "notes_fts MATCH ?")
            params.insert(0, match)
        if order is None:
            # Rank alone lets FTS5 order the matches itself, a quarter faster than with ties.
            order = "notes_fts.rank" if match else "notes.updated_at DESC, notes.id"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        if order:
            sql += f" ORDER BY {order}"
        return self.db.conn.execute(sql + page, params).fetchall()

    def untagged(self) -> int:
        """Notes saved before a question or an outcome was picked."""
        query = "SELECT count(*) FROM notes WHERE questions = '' OR outcomes = ''"
        return self.db.conn.execute(query).fetchone()[0]

    def authors(self) -> list[str]:
        return [r[0] for r in self.db.conn.execute("SELECT DISTINCT author FROM notes ORDER BY 1")]

    def coverage(self) -> dict[tuple[str, str, str], int]:
        """Counts of notes per (question, outcome, judgement)."""
        rows = self.db.conn.execute(
            """
            SELECT q.code, o.code, notes.judgement, count(*)
            FROM notes
            JOIN tags q ON q.note_id = notes.id AND q.axis = 'q'
            JOIN tags o ON o.note_id = notes.id AND o.axis = 'o'
            GROUP BY q.code, o.code, notes.judgement
            """
        )
        return {(q, o, j): n for q, o, j, n in rows}


_INSERT = f"INSERT INTO notes ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"


def _json(value: Any) -> str:
    if not value:  # most notes have no photos, many no child or no fields: skip the encoder
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(value, ensure_ascii=False)


def _row(note: Note) -> tuple:
    return (
        note.id,
        note.kind,
        note.author,
        note.judgement,
        note.title,
        note.text,
        _json(note.children),
        " ".join(note.questions),
        " ".join(note.outcomes),
        _json(note.fields),
        _json(note.attachments),
        len(note.attachments),
        note.created_at,
        note.updated_at,
        note.revision,
        int(note.conflict),
    )


def _tags(note: Note) -> list[tuple[str, str, str]]:
    return [(note.id, "q", q) for q in note.questions] + [(note.id, "o", o) for o in note.outcomes]


def _note(row: tuple) -> Note:
    (
        note_id,
        kind,
        author,
        judgement,
        title,
        text,
        children,
        questions,
        outcomes,
        fields,
        attachments,
        _photos,
        created_at,
        updated_at,
        revision,
        conflict,
    ) = row
    return Note(
        id=note_id,
        kind=kind,
        author=author,
        questions=tuple(questions.split()),
        outcomes=tuple(outcomes.split()),
        judgement=judgement,
        title=title,
        text=text,
        children=tuple(json.loads(children)),
        fields=json.loads(fields),
        attachments=tuple(json.loads(attachments)),
        revision=revision,
        created_at=created_at,
        updated_at=updated_at,
        conflict=bool(conflict),
    )
