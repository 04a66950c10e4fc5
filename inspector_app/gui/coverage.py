"""Coverage: questions × outcome categories, counts shaded, gaps marked, a click filters."""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QBuffer,
    QByteArray,
    QIODevice,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core import outfile
from inspector_app.core.errors import InspectorError
from inspector_app.core.framework import Framework
from inspector_app.gui import operations as ops
from inspector_app.gui.errors import show_error
from inspector_app.gui.file_dialogs import save_path
from inspector_app.gui.session import Session

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
GAP = "gap"


class CoverageModel(QAbstractTableModel):
    """Rows are outcome categories, columns are questions; a cell counts the notes in both."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.framework: Framework | None = None
        self.counts: dict[tuple[str, str], Counter] = {}

    def set_data(
        self, framework: Framework | None, coverage: dict[tuple[str, str, str], int]
    ) -> None:
        self.beginResetModel()
        self.framework = framework
        self.counts = {}
        for (question, outcome, judgement), n in coverage.items():
            self.counts.setdefault((question, outcome), Counter())[judgement] += n
        self.endResetModel()

    @property
    def questions(self) -> list:
        return list(self.framework.questions) if self.framework else []

    @property
    def outcomes(self) -> list:
        return list(self.framework.outcomes) if self.framework else []

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.outcomes)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.questions)

    def cell(self, row: int, column: int) -> tuple[str, str]:
        return self.questions[column].code, self.outcomes[row].code

    def total(self, row: int, column: int) -> int:
        return sum(self.counts.get(self.cell(row, column), Counter()).values())

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Horizontal and section < len(self.questions):
            question = self.questions[section]
            return (
                f"Question {question.code}"
                if role == Qt.ItemDataRole.DisplayRole
                else question.label
            )
        if orientation == Qt.Orientation.Vertical and section < len(self.outcomes):
            return self.outcomes[section].label
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.framework is None:
            return None
        mix = self.counts.get(self.cell(index.row(), index.column()), Counter())
        total = sum(mix.values())
        if role == Qt.ItemDataRole.DisplayRole:
            if not total:
                return GAP
            letters = " ".join(
                f"{code[0].upper()}{mix[code]}"
                for code in (j.code for j in self.framework.judgements)
                if mix[code]
            )
            return f"{total}   ({letters})"
        if role == Qt.ItemDataRole.UserRole:
            return total
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.BackgroundRole:
            return _shade(total)
        if role == Qt.ItemDataRole.ForegroundRole:
            # Explicit in light and dark schemes alike: the shading is fixed, so is the text.
            return QColor("#b71c1c") if not total else QColor("white" if total >= 4 else "black")
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            question, code = self.cell(index.row(), index.column())
            outcome = self.framework.label(self.framework.outcomes, code)  # words, not a code
            if not total:
                return f"Question {question}, {outcome}: no evidence yet (a gap)"
            parts = ", ".join(
                f"{mix[j.code]} {j.label.lower()}" for j in self.framework.judgements if mix[j.code]
            )
            return f"Question {question}, {outcome}: {total} notes ({parts}). Click to list them."
        return None


def _shade(total: int) -> QColor:
    if not total:
        return QColor("#fdecea")
    strength = min(total, 6) / 6
    base, deep = QColor("#e3eefa"), QColor("#1f4e8c")
    mix = [
        int(b + (d - b) * strength)
        for b, d in zip(base.getRgb()[:3], deep.getRgb()[:3], strict=True)
    ]
    return QColor(*mix)


class CoverageView(QWidget):
    cell_chosen = Signal(str, str)  # question code, outcome code
    status = Signal(str)  # for the status bar

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = CoverageModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Coverage of questions and outcome categories")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(38)
        self.table.setTabKeyNavigation(False)
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._clicked)
        self.summary = QLabel()
        self.summary.setAccessibleName("Coverage summary")
        self.summary.setWordWrap(True)
        export = QPushButton("E&xport as PNG…")
        export.setAccessibleName("Export the coverage matrix as a PNG image")
        export.clicked.connect(self._export)
        self.legend = legend = QLabel(
            "Each cell: notes, then the mix — S strength, D area for development, "
            "W significant weakness, C context. Darker means more evidence; "
            "<span style='color:#b71c1c'>gap</span> means none yet."
        )
        legend.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(export)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(legend)

    def reload(self) -> None:
        self.session.run(ops.coverage, on_success=self._show)

    def _show(self, coverage: dict) -> None:
        framework = self.session.inspection.framework if self.session.inspection else None
        self.model.set_data(framework, coverage)
        gaps = sum(
            1
            for r in range(self.model.rowCount())
            for c in range(self.model.columnCount())
            if not self.model.total(r, c)
        )
        cells = self.model.rowCount() * self.model.columnCount()
        self.summary.setText(
            f"<b>{cells - gaps} of {cells}</b> question and outcome pairs have "
            f"evidence; <b>{gaps}</b> gaps."
        )

    def clear(self) -> None:
        self.model.set_data(None, {})
        self.summary.clear()

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.cell_chosen.emit(*self.model.cell(index.row(), index.column()))

    def image(self) -> QImage:
        """The whole matrix (every row, however small the window), under the inspection's
        area and the summary and over the legend: no buttons, no scroll bars."""
        table = self.table
        frame = 2 * table.frameWidth()
        full = QSize(
            table.verticalHeader().width() + table.horizontalHeader().length() + frame,
            table.horizontalHeader().height() + table.verticalHeader().length() + frame,
        )
        full.setWidth(max(full.width(), 900))
        kept = table.size(), table.verticalScrollBarPolicy(), table.horizontalScrollBarPolicy()
        off = Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        table.setVerticalScrollBarPolicy(off)
        table.setHorizontalScrollBarPolicy(off)
        table.resize(full)
        matrix = table.grab()
        table.resize(kept[0])
        table.setVerticalScrollBarPolicy(kept[1])
        table.setHorizontalScrollBarPolicy(kept[2])

        area = self.session.inspection.info.area if self.session.inspection else ""
        margin, width = 16, full.width()
        texts = [
            _document(f"<h2>Coverage of the evidence: {html.escape(area)}</h2>", width),
            _document(self.summary.text(), width),
        ]
        legend = _document(self.legend.text(), width)
        height = sum(int(t.size().height()) for t in (*texts, legend)) + full.height()
        ratio = matrix.devicePixelRatio()
        image = QImage(
            round((width + 2 * margin) * ratio),
            round((height + 3 * margin) * ratio),
            QImage.Format.Format_RGB32,
        )
        image.setDevicePixelRatio(ratio)
        image.fill(self.palette().color(QPalette.ColorRole.Window))
        painter = QPainter(image)
        y = margin
        for text in texts:
            painter.translate(margin, y)
            text.drawContents(painter)
            painter.resetTransform()
            y += int(text.size().height())
        painter.drawPixmap(margin, y + margin // 2, matrix)
        y += full.height() + margin
        painter.translate(margin, y)
        legend.drawContents(painter)
        painter.end()
        return image

    def export_png(self, path: Path) -> None:
        """Write the picture whole or not at all, for its owner only, never over a folder or
        an inspection (``outfile``); ``InspectorError`` says why not."""
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.image().save(buffer, "PNG")
        buffer.close()
        outfile.write_atomically(path, "picture", lambda handle: handle.write(bytes(data)))

    def _export(self) -> None:
        path = save_path(self, "Export coverage", "coverage.png", ".png", "PNG images (*.png)")
        if not path:
            return
        try:
            self.export_png(path)
        except InspectorError as exc:
            show_error(self, exc)
            return
        self.status.emit(f"Coverage saved to {path}.")


def _document(rich_text: str, width: int) -> QTextDocument:
    document = QTextDocument()
    document.setHtml(rich_text)
    document.setTextWidth(width)
    return document
