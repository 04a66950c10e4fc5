"""The evidence list's model: rows from the working set, labels from the framework."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from inspector_app.core.framework import Framework
from inspector_app.core.index import NoteRow
from inspector_app.gui.table_model import ROOT, Index, RowsModel

COLUMNS = ("Kind", "Updated", "Author", "Questions", "Outcomes", "Judgement", "Title", "Photos")
SORT_KEYS = ("kind", "updated", "author", "questions", "outcomes", "judgement", "title", "photos")
TITLE_COLUMN = COLUMNS.index("Title")
JUDGEMENT_COLOURS = {
    "strength": "#2e7d32",
    "development": "#b26a00",
    "weakness": "#c62828",
    "context": "#607d8b",
}
ID_ROLE = Qt.ItemDataRole.UserRole
NOTE_IDS_MIME = "application/x-inspector-note-ids"  # notes dragged onto a finding



def short_time(stamp: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return stamp
    if moment.date() == dt.date.today():
        return moment.strftime("%H:%M")
    return moment.strftime("%d %b %H:%M")


class EvidenceModel(RowsModel):
    """Holds the rows fetched so far; asks for more as the view scrolls, and for a new order
    when a header is clicked (sorting happens in the query, so it covers every note)."""

    more_wanted = Signal(int)  # offset of the next page
    sort_wanted = Signal(object, bool)  # sort key (None: default order), descending

    COLUMNS = COLUMNS

    def __init__(self, framework: Framework | None = None, parent=None) -> None:
        super().__init__(parent)
        self.framework = framework
        self.rows: list[NoteRow] = []
        self.excerpts: dict[str, str] = {}  # note id -> what matched, in a search
        self.total = 0
        self._fetching = False

    def set_framework(self, framework: Framework | None) -> None:
        self.framework = framework

    def set_rows(self, rows: list[NoteRow], total: int | None = None) -> None:
        self.beginResetModel()
        self.rows = rows
        self.excerpts = {}
        self.total = len(rows) if total is None else total
        self._fetching = False
        self.endResetModel()

    def set_excerpts(self, found: dict[str, str]) -> None:
        """What matched in the text of the notes whose titles do not show it (a search)."""
        self.excerpts.update(found)
        for row, note in enumerate(self.rows):
            if note.id in found:
                index = self.index(row, TITLE_COLUMN)
                self.dataChanged.emit(index, index)

    def append_rows(self, rows: list[NoteRow]) -> None:
        self._fetching = False
        if not rows:
            self.total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()

    def canFetchMore(self, parent: Index = ROOT) -> bool:  # noqa: N802 - Qt's name
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: Index = ROOT) -> None:  # noqa: N802
        if self.canFetchMore(parent) and not self._fetching:
            self._fetching = True
            self.more_wanted.emit(len(self.rows))

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt's name
        return [NOTE_IDS_MIME]

    def mimeData(self, indexes) -> QMimeData:  # noqa: N802
        ids = list(dict.fromkeys(self.rows[i.row()].id for i in indexes if i.isValid()))
        data = QMimeData()
        data.setData(NOTE_IDS_MIME, "\n".join(ids).encode())
        return data

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS[column] if 0 <= column < len(SORT_KEYS) else None
        self.sort_wanted.emit(key, order == Qt.SortOrder.DescendingOrder)

    def row_of(self, note_id: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == note_id), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        row = self.rows[index.row()]
        column = COLUMNS[index.column()]
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.AccessibleTextRole and column == "Outcomes" and row.outcomes:
            # Shown as short codes to stay narrow; read out by name, as the tooltip gives them.
            return "; ".join(self._label("outcomes", o) for o in row.outcomes)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == "Judgement":
            return QColor(JUDGEMENT_COLOURS.get(row.judgement, "#607d8b"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        return None

    def _label(self, options_name: str, code: str) -> str:
        if self.framework is None:
            return code
        return self.framework.label(getattr(self.framework, options_name), code)

    def _text(self, row: NoteRow, column: str) -> str:
        if column == "Kind":
            kind = next(
                (k for k in (self.framework.kinds if self.framework else ()) if k.code == row.kind),
                None,
            )
            return kind.label if kind else row.kind
        if column == "Updated":
            return short_time(row.updated_at)
        if column == "Author":
            return row.author
        if column == "Questions":
            return " ".join(row.questions) or "untagged"
        if column == "Outcomes":
            return ", ".join(row.outcomes) or "untagged"
        if column == "Judgement":
            return self._label("judgements", row.judgement)
        if column == "Title":
            # In a search, the words that matched in the text follow a title without them.
            excerpt = self.excerpts.get(row.id)
            shown = f"{row.heading}  —  {excerpt}" if excerpt else row.heading
            return ("⚠ " if row.conflict else "") + shown
        return str(row.photos) if row.photos else ""

    def _tooltip(self, row: NoteRow, column: str) -> str | None:
        if column == "Outcomes" and row.outcomes:
            return "\n".join(self._label("outcomes", o) for o in row.outcomes)
        if column == "Questions" and row.questions and self.framework:
            return "\n".join(f"{q}: {self._label('questions', q)}" for q in row.questions)
        if column == "Title":
            excerpt = self.excerpts.get(row.id)
            return f"{row.heading}\n{excerpt}" if excerpt else row.heading
        return None
