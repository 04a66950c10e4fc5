"""The evidence list: filters, a search box with matches highlighted, and sortable columns."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QFontMetrics, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.framework import Framework
from inspector_app.core.index import NoteFilter
from inspector_app.gui import operations as ops
from inspector_app.gui.elided import ElidedComboBox
from inspector_app.gui.evidence_model import COLUMNS, ID_ROLE, TITLE_COLUMN, EvidenceModel
from inspector_app.gui.session import Session

ANY = "Any"


def highlight(text: str, query: str) -> str:
    """HTML of ``text`` with every word that starts like a query word in bold."""
    words = [re.escape(w) for w in re.findall(r"\w+", query)]
    if not words:
        return html.escape(text)
    pattern = re.compile(r"\b(" + "|".join(words) + r")\w*", re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [
            html.escape(text[last : match.start()]),
            f"<b style='background:#fff59d;color:#000'>{html.escape(match.group(0))}</b>",
        ]
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


class HighlightDelegate(QStyledItemDelegate):
    """Draws the title with the search words marked."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.query = ""

    def paint(self, painter, option, index: QModelIndex) -> None:
        if not self.query:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget else None
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = QTextDocument()
        doc.setDefaultFont(opt.font)
        doc.setDocumentMargin(2)
        # Shortened to the cell with "…", as the plain cells are, before the words are marked.
        room = max(0, opt.rect.width() - 2 * int(doc.documentMargin()) - 4)
        shown = QFontMetrics(opt.font).elidedText(text, Qt.TextElideMode.ElideRight, room)
        doc.setHtml(highlight(shown, self.query))
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = opt.state & QStyle.StateFlag.State_Selected
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        # Centre vertically like the plain cells beside it.
        offset = max(0, (opt.rect.height() - doc.size().height()) / 2)
        painter.translate(opt.rect.left(), opt.rect.top() + offset)
        painter.setClipRect(opt.rect.translated(-opt.rect.topLeft()))
        doc.documentLayout().draw(painter, context)
        painter.restore()


TWO_ROWS_FROM_POINTS = 12  # text size at which the filters move under the search

# Each fixed column's width in characters (0: the title, which stretches).
COLUMN_CHARS = (22, 13, 14, 8, 17, 22, 0, 6)
TITLE_CHARS = 40  # nor a third of the list: the title is never squeezed narrower by others
KIND_COLUMN = COLUMNS.index("Kind")


class EvidenceList(QWidget):
    note_selected = Signal(str)
    loaded = Signal(int)  # rows shown after a filter or search, for the status bar and tests
    new_note_wanted = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = EvidenceModel()
        self.model.more_wanted.connect(self._fetch_more)
        self.model.sort_wanted.connect(self._sort)
        self.sort: tuple[str | None, bool] = (None, False)
        self._pending_select: str | None = None
        self._shown: tuple | None = None  # the search, filter and order last shown
        self._preferred: str | None = None
        self._choose_first = False  # see choose_first
        self._choose_preferred = self._pending_choose = True  # see prefer
        # Typing waits for a short pause; a page query takes ~10 ms, so the pause can be short.
        self._debounce = QTimer(self, singleShot=True, interval=60)
        self._debounce.timeout.connect(self.reload)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search notes (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search notes")
        self.search.textChanged.connect(lambda _: self._debounce.start())
        self.search.installEventFilter(self)  # Down or Enter: to the results; Esc: clear
        self.filters: dict[str, QComboBox] = {}
        bar = self.bar = QHBoxLayout()
        self.filter_bar = QHBoxLayout()  # the filters' own row at a large text size
        new = QPushButton("New note")
        new.setToolTip("A new note of the last kind used (Ctrl+N)")
        new.setAccessibleName("New note")
        new.clicked.connect(self.new_note_wanted)
        bar.addWidget(new)
        self.search.setMinimumWidth(160)
        bar.addWidget(self.search, 2)
        for name in ("question", "outcome", "kind", "judgement", "author"):
            combo = ElidedComboBox()
            combo.setAccessibleName(f"Filter by {name}")
            combo.setToolTip(f"Show only notes with this {name}")
            combo.currentIndexChanged.connect(lambda _: self.reload())
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            # Narrow enough for a 1024-pixel screen, wide enough to read "Any judgement".
            combo.setMinimumContentsLength(11 if name == "judgement" else 7)
            self.filters[name] = combo
            bar.addWidget(combo, 1)
        clear = QPushButton("Clear")
        clear.setAccessibleName("Clear filters and search")
        clear.clicked.connect(self.clear_filters)
        bar.addWidget(clear)

        self.table = QTableView()
        self.table.setAccessibleName("Evidence list")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setDragEnabled(True)  # notes can be dropped onto findings
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE_COLUMN, QHeaderView.ResizeMode.Stretch)
        self._kinds: list[str] = []  # the framework's names of kinds, for the Kind column
        self._sizing = self._by_hand = False  # see _size_columns and _resized
        self._size_columns()
        header.sectionResized.connect(self._resized)
        self.table.viewport().installEventFilter(self)
        self.delegate = HighlightDelegate(self.table)
        self.table.setItemDelegateForColumn(TITLE_COLUMN, self.delegate)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        # A click makes the row current, then selects it: the note opens on the second.
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self._current_changed(self.table.currentIndex(), QModelIndex())
        )

        self.count = QLabel()
        self.count.setAccessibleName("Number of notes shown")
        self.empty = QLabel()
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(self.filter_bar)
        self._arrange_bar()
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.count)
        self.empty.hide()

    # -- set-up per inspection -----------------------------------------------------------------

    def _size_columns(self) -> None:
        """The fixed columns in characters of the font in use (the kind as wide as its longest
        name), so a larger text size widens them instead of cutting their headings; the title
        takes the rest. Where that would leave the title less than TITLE_CHARS or a third of
        the list, the others give way, down to their headings: notes are told apart by their
        titles."""
        metrics = self.table.fontMetrics()
        self._by_hand = False
        sizes = {}
        for column, chars in enumerate(COLUMN_CHARS):
            if chars:
                heading = metrics.horizontalAdvance(COLUMNS[column]) + 24  # and the sort arrow
                content = metrics.averageCharWidth() * chars + 12
                if column == KIND_COLUMN and self._kinds:
                    content = max(map(metrics.horizontalAdvance, self._kinds)) + 12
                sizes[column] = (heading, max(heading, content))
        wanted = sum(width for _, width in sizes.values())
        room = self.table.viewport().width() - self._title_least()
        give = sum(width - least for least, width in sizes.values())
        short = min(max(0, wanted - room), give)  # what the title needs back
        self._sizing = True
        for column, (least, width) in sizes.items():
            self.table.setColumnWidth(
                column, width - round(short * (width - least) / give) if give else width
            )
        self._sizing = False

    def _title_least(self) -> int:
        shown = self.table.viewport().width()
        return max(self.table.fontMetrics().averageCharWidth() * TITLE_CHARS, shown // 3)

    def _resized(self, column: int, _old: int, _new: int) -> None:
        if column != TITLE_COLUMN and not self._sizing:  # a column dragged by hand
            self._by_hand = True

    def _arrange_bar(self) -> None:
        """Search and filters in one row; at a large text size the filters take a row of
        their own, so the window still fits a small laptop's screen."""
        two_rows = self.font().pointSizeF() >= TWO_ROWS_FROM_POINTS
        for at, combo in enumerate(self.filters.values()):
            self.bar.removeWidget(combo)
            self.filter_bar.removeWidget(combo)
            if two_rows:
                self.filter_bar.addWidget(combo, 1)
            else:
                self.bar.insertWidget(2 + at, combo, 1)  # after New note and the search

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if (watched is self.table.viewport() and event.type() == QEvent.Type.Resize
                and event.size().width() != event.oldSize().width()):
            # The window resized: the columns are sized again, unless sized by hand, where
            # only a title squeezed too narrow makes them give way.
            if not self._by_hand or self.table.columnWidth(TITLE_COLUMN) < self._title_least():
                self._size_columns()
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.table.setFocus()  # which makes the first row current, not chosen
                if self.model.rowCount() and not self.table.selectionModel().hasSelection():
                    self.table.selectRow(max(self.table.currentIndex().row(), 0))
                return True
            if key == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
        return super().eventFilter(watched, event)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # Settings ▸ text size
            self._size_columns()
            self._arrange_bar()

    def set_framework(self, framework: Framework | None, authors: list[str] = ()) -> None:
        self.model.set_framework(framework)
        kinds = [k.label for k in framework.kinds] if framework else []
        if kinds != self._kinds:  # a column resized by hand stays as left, reload after reload
            self._kinds = kinds
            self._size_columns()
        options = {
            "question": [(f"Question {q.code}", q.code) for q in framework.questions]
            if framework
            else [],
            "outcome": [(o.label, o.code) for o in framework.outcomes] if framework else [],
            "kind": [(k.label, k.code) for k in framework.kinds] if framework else [],
            "judgement": [(j.label, j.code) for j in framework.judgements] if framework else [],
            "author": [(a, a) for a in authors],
        }
        for name, items in options.items():
            combo = self.filters[name]
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(f"{ANY} {name}", None)
            for label, code in items:
                combo.addItem(label, code)
            found = combo.findData(current)
            combo.setCurrentIndex(max(found, 0))
            combo.blockSignals(False)

    def clear(self) -> None:
        """Forget everything shown (on lock)."""
        self.model.set_rows([])
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.set_framework(None)
        self.count.clear()

    # -- filtering -----------------------------------------------------------------------------

    def current_filter(self) -> NoteFilter:
        values = {name: combo.currentData() for name, combo in self.filters.items()}
        return NoteFilter(text=self.search.text(), **values)

    def set_filter(self, **codes: str | None) -> None:
        for name, code in codes.items():
            combo = self.filters[name]
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(code), 0))
            combo.blockSignals(False)
        self.reload()

    def clear_filters(self) -> None:
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.set_filter(**{name: None for name in self.filters})

    def choose_first(self) -> None:
        """When the next page arrives: its first note chosen, with the cursor in the list (or,
        with no note to choose, in the search box)."""
        self._choose_first = True

    def prefer(self, note_id: str, choose: bool = True) -> None:
        """Select this note after the next reload (a note just created in the editor); with
        ``choose`` False, only put the cursor on it (the note after one deleted), so a click or
        an arrow key then opens a note."""
        self._preferred, self._choose_preferred = note_id, choose

    def reload(self, select: str | None = None) -> None:
        # An earlier reload's target survives a later plain reload until a page arrives; the
        # note selected when the page arrives stays selected (``_show``).
        if select or self._preferred:
            self._pending_select = select or self._preferred
            self._pending_choose = bool(select) or self._choose_preferred
        self._preferred = None
        self.session.run(ops.list_rows, self.current_filter(), self.sort, on_success=self._show)

    def _sort(self, key: str | None, descending: bool) -> None:
        self.sort = (key, descending)
        self.reload()

    def _fetch_more(self, offset: int) -> None:
        self.session.run(
            ops.list_rows, self.current_filter(), self.sort, offset, on_success=self._show
        )

    def _show(self, result) -> None:
        where, sort, offset, rows, total = result
        if where != self.current_filter() or sort != self.sort:
            return  # a newer filter or order is on its way
        if offset:
            if offset == len(self.model.rows):
                self.model.append_rows(rows)
                self._ask_excerpts(where, rows)
            return
        self.delegate.query = where.text
        # A reset clears the selection, and the cursor: both are kept.
        at = self.table.currentIndex()
        previous, chosen = (at.data(ID_ROLE) if at.isValid() else None), bool(self.selected_id())
        self.model.set_rows(rows, total)
        # Another search, filter or order is read from the top (the best matches first).
        from_top, self._shown = (where, sort) != self._shown, (where, sort)
        self._ask_excerpts(where, rows)
        match = "" if where == NoteFilter() else " matches" if total == 1 else " match"
        self.count.setText(f"{total} note{'s' if total != 1 else ''}{match}")
        self._empty_state(where, rows)
        wanted = self._pending_select  # a note just made or opened: shown wherever it is
        target, self._pending_select = wanted or previous, None
        if target:
            self.select(target, emit=False, choose=self._pending_choose if wanted else chosen)
        if from_top and not wanted:
            self.table.scrollToTop()
        if self._choose_first:
            self._choose_first = False
            if rows:
                self.table.setFocus()
                self.select(rows[0].id)
            else:
                self.search.setFocus()
        self.loaded.emit(len(rows))

    def _ask_excerpts(self, where: NoteFilter, rows: list) -> None:
        """After the page is on show, ask what matched in the notes' text (a search)."""
        if where.text.strip() and rows:
            self.session.run(
                ops.excerpts,
                [row.id for row in rows],
                where.text,
                on_success=lambda found: (
                    self.model.set_excerpts(found) if where == self.current_filter() else None
                ),
            )

    def _empty_state(self, where: NoteFilter, rows: list) -> None:
        if rows:
            self.empty.hide()
            self.table.show()
            return
        if self.table.hasFocus():  # the list hides: the cursor goes to the search, not away
            self.search.setFocus()
        only_tags = where == NoteFilter(question=where.question, outcome=where.outcome)
        if where == NoteFilter():
            text = "No notes yet. Press Ctrl+N to capture the first one."
        elif only_tags:  # a gap in the coverage
            text = ("No evidence here yet. Press Ctrl+N to write a note already tagged with "
                    "the question and outcome chosen, or change the filters.")
        else:
            text = "No notes match. Change the filters or the search, or press Clear."
        self.empty.setText(text)
        self.table.hide()
        self.empty.show()

    # -- selection -----------------------------------------------------------------------------

    def selected_id(self) -> str | None:
        """The note chosen in the list; not one the cursor only rests on (after a delete)."""
        index = self.table.currentIndex()
        chosen = index.isValid() and self.table.selectionModel().isSelected(index)
        return index.data(ID_ROLE) if chosen else None

    def select(self, note_id: str, emit: bool = True, choose: bool = True) -> None:
        row = self.model.row_of(note_id)
        if row < 0:
            return
        index = self.model.index(row, TITLE_COLUMN)
        if not choose:  # the cursor only: a click, Space or an arrow then opens a note
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.NoUpdate
            )
            self.table.scrollTo(index)
            return
        self.table.blockSignals(not emit)
        self.table.selectionModel().blockSignals(not emit)
        self.table.setCurrentIndex(index)
        self.table.selectionModel().blockSignals(False)
        self.table.blockSignals(False)
        self.table.scrollTo(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        # Only a chosen (selected) row opens its note: Tab into the list makes the first row
        # current without choosing it, and a new note being written stays in the editor.
        if current.isValid() and self.table.selectionModel().isSelected(current):
            self.note_selected.emit(current.data(ID_ROLE))
