"""Findings: per question, columns of strengths, areas for development and significant
weaknesses; notes dragged onto a finding become its evidence; drag to reorder; export the draft.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import platformdirs
from PySide6.QtCore import QCoreApplication, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.errors import NamesInReport
from inspector_app.core.findings import UNWRITTEN
from inspector_app.core.framework import Framework
from inspector_app.core.models import Finding, Version, clean_text
from inspector_app.gui import operations as ops
from inspector_app.gui.confirm import confirm
from inspector_app.gui.elided import ElidedComboBox
from inspector_app.gui.errors import describe, show_error
from inspector_app.gui.evidence_model import ID_ROLE, NOTE_IDS_MIME
from inspector_app.gui.file_dialogs import save_path
from inspector_app.gui.names_dialog import NamesDialog
from inspector_app.gui.session import Session
from inspector_app.gui.text_limits import LimitedText, as_stored
from inspector_app.gui.times import local_time

AUTOSAVE_MS = 800  # a pause in typing this long saves the finding, as notes are saved


class FindingColumn(QListWidget):
    """One judgement's findings: reorder by dragging or with Alt+Up and Alt+Down; drop notes
    on a finding to add them."""

    notes_dropped = Signal(str, list)  # finding id, note ids
    reordered = Signal(list)  # finding ids in their new order

    def __init__(self, judgement: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.judgement = judgement
        self.setAccessibleName(label)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)  # one finding is told from the next
        self.setSpacing(2)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setAcceptDrops(True)

    def ids(self) -> list[str]:
        return [self.item(i).data(ID_ROLE) for i in range(self.count())]

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(event.key())
        if step is None or event.modifiers() != Qt.KeyboardModifier.AltModifier:
            super().keyPressEvent(event)
            return
        row = self.currentRow()
        if row < 0 or not 0 <= row + step < self.count():
            return
        self.blockSignals(True)  # the same finding stays chosen; only its place changes
        self.insertItem(row + step, self.takeItem(row))
        self.setCurrentRow(row + step)
        self.blockSignals(False)
        self.reordered.emit(self.ids())

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasFormat(NOTE_IDS_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasFormat(NOTE_IDS_MIME):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802
        mime = event.mimeData()
        if mime.hasFormat(NOTE_IDS_MIME):
            item = self.itemAt(event.position().toPoint())
            note_ids = bytes(mime.data(NOTE_IDS_MIME)).decode().split()
            if item is not None and note_ids:
                self.notes_dropped.emit(item.data(ID_ROLE), note_ids)
            event.acceptProposedAction()
            return
        before = self.ids()
        super().dropEvent(event)
        if self.ids() != before:
            self.reordered.emit(self.ids())


class FindingsPage(QWidget):
    open_note = Signal(str)
    selected_note_wanted = Signal()  # asks the workspace which note is selected
    evidence_note_wanted = Signal()  # the same, to add that note to the shown finding
    details_wanted = Signal()  # a real name is in the inspection's details
    saving_wanted = Signal()  # the draft is about to be built: save the note being typed
    deleted = Signal(object)  # a finding was deleted (the Finding as it was): undoable

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.framework: Framework | None = None
        self.items: list[Finding] = []
        self.current: Finding | None = None
        self.base: Finding | None = None  # the version the typing in the form started from
        self.created: str | None = None  # a finding just made, to be written once shown
        self.question = ElidedComboBox()
        self.question.setAccessibleName("Question")
        self.question.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.question.setMinimumContentsLength(20)
        self.question.currentIndexChanged.connect(self._question_changed)
        self.columns: dict[str, FindingColumn] = {}
        self.boxes: list[QGroupBox] = []
        self.column_row = QHBoxLayout()
        self.text = LimitedText("finding's text")
        self.text.refused.connect(lambda why: self.message.setText(why))
        self.text.setAccessibleName("Finding text")
        self.text.setPlaceholderText("The finding, as the letter will say it")
        self.text.setTabChangesFocus(True)
        self.main = QCheckBox("&Main finding")
        self.main.setAccessibleName("Main finding")
        self.judgement = QComboBox()
        self.judgement.setAccessibleName("Judgement of the finding")
        self.evidence = QListWidget()
        self.evidence.setAccessibleName("Evidence of the finding")
        # Its height is what is left (a few notes show, the rest scroll), so the findings'
        # columns above get room for several findings even on a laptop.
        self.evidence.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.evidence.itemActivated.connect(self._evidence_activated)
        # A finding in conflict is read-only until one of its versions is kept.
        self.conflict_text = QLabel()
        self.conflict_text.setWordWrap(True)
        self.versions = QComboBox()
        self.versions.setAccessibleName("Versions of the finding")
        self.versions.currentIndexChanged.connect(self._version_shown)
        keep = QPushButton("&Keep this version")
        keep.setAccessibleName("Keep this version of the finding")
        keep.clicked.connect(self._keep_version)
        self.conflict_bar = QWidget()
        self.conflict_bar.setObjectName("findingConflict")
        bar = QVBoxLayout(self.conflict_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.conflict_text)
        choice = QHBoxLayout()
        choice.addWidget(self.versions, 1)
        choice.addWidget(keep)
        bar.addLayout(choice)
        self.conflict_bar.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.written: Path | None = None  # the draft last exported
        self.open_draft = QPushButton("O&pen the draft")
        self.open_draft.setAccessibleName("Open the draft just written")
        self.open_draft.clicked.connect(self._open_written)
        self.open_draft.hide()
        # Typing is kept: saved after a pause, before another finding is shown, and on lock;
        # a reload of the page never replaces what is being typed.
        self.dirty, self.edits, self.filling = False, 0, False
        self.draft = ""  # text typed for a new finding, kept while another one is shown
        self.shown_evidence = 0
        self.timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self.timer.timeout.connect(self._autosave)
        self.text.textChanged.connect(self._edited)
        self.main.toggled.connect(self._edited)
        self.judgement.currentIndexChanged.connect(self._edited)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Writing the draft")
        self.progress.hide()
        buttons = QHBoxLayout()
        for text, name, slot in (
            ("New finding from the selec&ted note", "New finding", self._new),
            ("&Save finding", "Save finding", self._save),
            ("De&lete finding", "Delete finding", self._delete),
            ("E&xport Word draft…", "Export the Word draft", self._choose_export),
        ):
            button = QPushButton(text)
            button.setAccessibleName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch()
        form = QGroupBox("Finding")
        form_layout = QVBoxLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.judgement)
        row.addWidget(self.main)
        row.addStretch()
        form_layout.addLayout(row)
        form_layout.addWidget(self.conflict_bar)
        form_layout.addWidget(self.text, 3)
        evidence_label = QLabel(
            "Evidence (Enter or double-click opens a note; drag notes "
            "from the evidence list onto a finding to add them):"
        )
        evidence_label.setWordWrap(True)
        form_layout.addWidget(evidence_label)
        form_layout.addWidget(self.evidence, 2)
        evidence_buttons = QHBoxLayout()
        for text, name, slot in (
            ("&Add the note selected on Evidence", "Add the selected note as evidence",
             self.evidence_note_wanted.emit),
            ("&Remove from evidence", "Remove the chosen note from the evidence",
             self._remove_evidence),
        ):  # fmt: skip
            button = QPushButton(text)
            button.setAccessibleName(name)
            button.clicked.connect(slot)
            evidence_buttons.addWidget(button)
        evidence_buttons.addStretch()
        form_layout.addLayout(evidence_buttons)
        top = QHBoxLayout()
        label = QLabel("&Question:")
        label.setBuddy(self.question)  # Alt+Q
        top.addWidget(label)
        top.addWidget(self.question, 1)
        self.empty = QLabel()
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty)
        layout.addLayout(self.column_row, 4)  # the findings first: several to a column
        layout.addWidget(form, 3)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        done = QHBoxLayout()
        done.addWidget(self.message, 1)
        done.addWidget(self.open_draft)
        layout.addLayout(done)

    # -- showing -------------------------------------------------------------------------------

    def set_framework(self, framework: Framework | None) -> None:
        if framework == self.framework:
            return
        self.framework = framework
        self.question.blockSignals(True)
        self.question.clear()
        self.judgement.clear()
        for box in self.boxes:
            self.column_row.removeWidget(box)
            box.deleteLater()  # Qt owns it: let Qt delete it, never Python's collector
        self.columns, self.boxes = {}, []
        if framework is not None:
            for question in framework.questions:
                self.question.addItem(f"{question.code}: {question.label}", question.code)
            for judgement in framework.judgements:
                if judgement.code not in framework.finding_judgements:
                    continue
                self.judgement.addItem(judgement.label, judgement.code)
                column = FindingColumn(judgement.code, judgement.label)
                column.currentItemChanged.connect(self._selected)
                column.notes_dropped.connect(self._notes_dropped)
                column.reordered.connect(self._reordered)
                box = QGroupBox(judgement.label)
                QVBoxLayout(box).addWidget(column)
                self.columns[judgement.code] = column
                self.boxes.append(box)
                self.column_row.addWidget(box)
            # Tab goes as the page reads: the question, its columns, then the finding below.
            chain = [self.question, *self.columns.values(), self.judgement]
            for before, after in pairwise(chain):
                QWidget.setTabOrder(before, after)
        self.question.blockSignals(False)

    def reload(self) -> None:
        self.session.run(ops.list_findings, on_success=self._loaded)

    def _loaded(self, items: list[Finding]) -> None:
        self.items = items
        self._show_columns()

    def _question_changed(self, _index: int) -> None:
        self._save_pending()
        self._show_columns()

    def _evidence_activated(self, item: QListWidgetItem) -> None:
        self.open_note.emit(item.data(ID_ROLE))

    def _show_columns(self) -> None:
        code = self.question.currentData()
        keep = self.current.id if self.current else None
        self.empty.setText(
            f"No findings for question {code} yet. Select a note on the Evidence tab, write "
            "the finding below and press New finding from the selected note."
        )
        self.empty.setVisible(code is not None and all(f.question != code for f in self.items))
        for judgement, column in self.columns.items():
            column.blockSignals(True)
            column.clear()
            for finding in self.items:
                if finding.question == code and finding.judgement == judgement:
                    star = ("⚠ " if finding.conflict else "") + ("★ " if finding.main else "")
                    text = textwrap.shorten(finding.text, 160, placeholder=" …")
                    count = len(finding.evidence)
                    notes = f"{count} note" if count == 1 else f"{count} notes"
                    item = QListWidgetItem(f"{star}{text}  ·  {notes}")
                    item.setData(ID_ROLE, finding.id)
                    column.addItem(item)
                    if finding.id == keep:
                        column.setCurrentItem(item)
            column.blockSignals(False)
        # The form shows a finding of the question chosen, or none (its typing already sent).
        shown = next((f for f in self.items if f.id == keep and f.question == code), None)
        gone = keep is not None and all(f.id != keep for f in self.items)
        if self.dirty and (shown is not None or self.current is None or gone):
            # A reload while typing (or a new finding's text): keep the typing. A finding
            # deleted meanwhile stays in the form; its save keeps it beside the deletion.
            self.current = shown or self.current
            self._load_evidence(self.current)
            return
        self._fill(shown)

    def _selected(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is not None:
            for column in self.columns.values():  # one finding is chosen across the columns,
                if column is not item.listWidget():  # so choosing another one again counts
                    column.blockSignals(True)
                    column.setCurrentRow(-1)
                    column.blockSignals(False)
            self._keep_draft()
            self._save_pending()
            self._fill(next((f for f in self.items if f.id == item.data(ID_ROLE)), None))

    def _fill(self, finding: Finding | None) -> None:
        same = finding is not None and self.current is not None and self.current.id == finding.id
        self.current = self.base = finding
        self.filling = True
        text = finding.text if finding else ""
        # An unchanged text keeps its cursor, as does one that differs only by what saving
        # trims (a space typed last, before a pause).
        if not (same and as_stored(self.text.toPlainText(), text)):
            self.text.setPlainText(text)
        self.main.setChecked(bool(finding and finding.main))
        if finding:
            self.judgement.setCurrentIndex(max(self.judgement.findData(finding.judgement), 0))
        self.filling, self.dirty = False, False
        self.timer.stop()
        if finding is not None and finding.id == self.created:  # what is typed next is its text
            self.created = None
            self.text.setFocus()
            if text == UNWRITTEN:
                self.text.selectAll()
            else:
                self.text.moveCursor(QTextCursor.MoveOperation.End)
        self._load_evidence(finding)
        in_conflict = bool(finding and finding.conflict)
        self.text.setReadOnly(in_conflict)
        self.main.setEnabled(not in_conflict)
        self.judgement.setEnabled(not in_conflict)
        self.conflict_bar.setVisible(in_conflict)
        self.versions.clear()
        if in_conflict:
            self.session.run(
                ops.finding_versions,
                finding.id,
                on_success=lambda versions, shown=finding.id: self._show_versions(shown, versions),
                on_failure=lambda exc: show_error(self, exc),
            )

    def _show_versions(self, finding_id: str, versions: list[Version]) -> None:
        if self.current is None or self.current.id != finding_id:
            return  # another finding is shown now
        self.conflict_text.setText(
            f"This finding has {len(versions)} versions, made by two inspectors from the same "
            "one. Read each below and keep one; until then it cannot be changed."
        )
        self.versions.blockSignals(True)
        for version in versions:
            what = "deleted" if version.data.get("deleted") else "its text below"
            self.versions.addItem(f"By {version.by}, {local_time(version.at)}: {what}", version)
        self.versions.blockSignals(False)
        self._version_shown(self.versions.currentIndex())

    def _version_shown(self, index: int) -> None:
        version = self.versions.itemData(index)
        if version is None:
            return
        self.filling = True
        self.text.setPlainText("(deleted)" if version.data.get("deleted") else version.data["text"])
        self.filling = False

    def _keep_version(self) -> None:
        version = self.versions.currentData()
        if self.current is None or version is None:
            return
        self.session.run(
            ops.resolve_finding,
            self.current.id,
            version.id,
            changes=True,
            on_success=lambda _kept: self.message.setText("Conflict resolved: one version kept."),
            on_failure=lambda exc: show_error(self, exc),
        )

    def _load_evidence(self, finding: Finding | None) -> None:
        self.evidence.clear()
        self.shown_evidence += 1  # an answer for a finding shown before this one is dropped
        if finding and finding.evidence:
            self.session.run(
                ops.get_notes,
                list(finding.evidence),
                on_success=lambda notes, n=self.shown_evidence: self._evidence_items(notes, n),
            )

    def _evidence_items(self, notes: list, generation: int) -> None:
        if generation != self.shown_evidence:
            return
        for note in notes:
            item = QListWidgetItem(f"{note.heading[:100]}  ·  {note.author}")
            item.setData(ID_ROLE, note.id)
            self.evidence.addItem(item)

    def clear(self) -> None:
        self.timer.stop()
        self.dirty = False
        self.items, self.current, self.draft = [], None, ""
        for column in self.columns.values():
            column.clear()
        self.text.clear()
        self.evidence.clear()
        self.message.clear()
        self.written = None  # a draft of this file, not of the next one opened
        self.open_draft.hide()

    # -- changing ------------------------------------------------------------------------------

    def new_from_note(self, note_id: str | None) -> None:
        if not note_id:
            self.message.setText(
                "Select a note in the evidence list first: a finding rests on evidence."
            )
            return
        self._save_pending()
        # With no finding shown, what was typed is the new finding; otherwise the editor holds
        # the shown finding (already saved), and the new one starts as a line to replace.
        typed = (self.text.toPlainText().strip() if self.current is None else "") or self.draft
        values = {
            "question": self.question.currentData(),
            "judgement": self.judgement.currentData(),
            "text": typed or UNWRITTEN,
            "evidence": [note_id],
            "main": self.main.isChecked() if self.current is None else False,
        }
        self.session.run(
            ops.add_finding,
            values,
            changes=True,
            on_success=self._created,
            on_failure=lambda exc: show_error(self, exc),
        )

    def _created(self, finding: Finding) -> None:
        self.current, self.dirty, self.draft = finding, False, ""  # the reload shows it
        self.created = finding.id
        self.message.setText("Finding saved.")

    def _new(self) -> None:
        self.selected_note_wanted.emit()

    def _keep_draft(self) -> None:
        """Text typed for a new finding is set aside, not lost, when a finding is shown."""
        if self.current is None and self.dirty and self.text.toPlainText().strip():
            self.draft = self.text.toPlainText().strip()
            self.message.setText(
                "The text you typed for a new finding is kept: New finding from the selected "
                "note will use it."
            )

    def _edited(self, *_args) -> None:
        if self.filling:
            return
        self.dirty = True
        self.edits += 1
        if self.current is not None:  # a new finding's text waits for New finding
            self.timer.start()
            self.message.setText("Editing…")

    def _values(self) -> dict:
        return {
            "text": self.text.toPlainText(),
            "main": self.main.isChecked(),
            "judgement": self.judgement.currentData(),
        }

    def _save(self) -> None:
        if self.current is None:
            self.message.setText("Choose a finding to save, or make a new one.")
            return
        self._save_pending(force=True)

    def _autosave(self) -> None:
        self._save_pending()

    def _save_pending(self, force: bool = False) -> None:
        """Save the shown finding if it was changed (queued before anything asked after it)."""
        self.timer.stop()
        if self.current is None or not (self.dirty or force):
            return
        edits, values = self.edits, self._values()
        self.session.run(
            ops.edit_finding,
            self.current.id,
            values,
            self.base,
            changes=True,
            on_success=lambda finding: self._saved(finding, edits, values),
            on_failure=lambda exc: show_error(self, exc),
        )

    def _saved(self, finding: Finding, edits: int | None = None, sent: dict | None = None) -> None:
        """The finding as the file now holds it. If the save brought in more than was sent (a
        teammate's change merged in, or kept beside it in conflict), it is shown, unless typing
        went on; the next save then starts from the version shown before (``edit_finding``)."""
        if self.current is None or self.current.id == finding.id:
            self.current = finding
            holds = sent is None or _holds(finding, sent)
            if edits is None or edits == self.edits:  # nothing typed since it was sent
                self.dirty = False
                if finding.conflict or not holds:
                    self._fill(finding)
                else:
                    self.base = finding
            elif holds and not finding.conflict:
                self.base = finding
        self.message.setText(
            "Saved beside a teammate's change to this finding: choose a version to keep."
            if finding.conflict
            else "Finding saved."
        )

    def flush(self) -> str:
        """Save pending typing synchronously (locking or closing); the worker must be idle.
        Returns why it could not be saved, or ""."""
        self.timer.stop()
        self.session.runner.wait()
        QCoreApplication.processEvents()  # deliver a save that just finished
        inspection = self.session.inspection
        if inspection is None:
            return ""
        try:
            # A new finding's text is kept in the file until it is made; cleared, it goes.
            if self.current is None and self.dirty:
                ops.keep_finding_draft(inspection, self.text.toPlainText().strip())
            elif self.draft:
                ops.keep_finding_draft(inspection, self.draft)
            if self.dirty and self.current is not None:
                values = self._values()
                saved = ops.edit_finding(inspection, self.current.id, values, self.base)
                self._saved(saved, sent=values)
        except Exception as exc:  # noqa: BLE001 - any failure is shown, never raised into Qt
            show_error(self, exc)
            return f"The finding being written was not saved: {describe(exc)[1]}"
        return ""

    def restore_draft(self) -> None:
        """Bring back the text of a finding not made yet, kept when the file was locked."""
        self.session.run(ops.finding_draft, on_success=self._restored)

    def _restored(self, text: str) -> None:
        if text and self.current is None and not self.text.toPlainText().strip():
            self.filling = True
            self.text.setPlainText(text)
            self.filling, self.dirty = False, True
            self.message.setText(
                "The text you typed for a new finding is back: select its evidence note and "
                "press New finding from the selected note."
            )

    def _delete(self) -> None:
        """Ask first: a deleted finding is gone from the draft."""
        if self.current is None:
            self.message.setText("Choose a finding to delete.")
            return
        finding = self.current
        confirm(
            self,
            title="Delete finding",
            text=f"Delete the finding “{textwrap.shorten(finding.text, 80, placeholder=' …')}”? "
            "It leaves the draft; its evidence notes are kept.",
            action="&Delete finding",
            name="deleteFinding",
            on_yes=lambda: self.session.run(
                ops.delete_finding,
                finding.id,
                changes=True,
                on_success=lambda gone: (
                    self._gone(gone, "Finding deleted. Press Ctrl+Z to bring it back."),
                    self.deleted.emit(gone),
                ),
                on_failure=lambda exc: show_error(self, exc),
            ),
        )

    def _gone(self, finding: Finding, said: str) -> None:
        if self.current is not None and self.current.id == finding.id:
            self._fill(None)
        self.message.setText(said)

    def delete_again(self, finding_id: str, on_success: Callable[[Finding], None],
                     on_failure: Callable[[Exception], None]) -> None:
        """Redo a deletion undone: ``on_success`` gets the finding as it was deleted."""
        self._save_pending()
        self.session.run(
            ops.delete_finding,
            finding_id,
            changes=True,
            on_success=lambda gone: (self._gone(gone, "Finding deleted again."), on_success(gone)),
            on_failure=on_failure,
        )

    def bring_back(self, finding: Finding, on_failure: Callable[[Exception], None]) -> None:
        """Undo a deletion: the finding comes back (beside a teammate's edit made since, in
        conflict), shown unless another finding is being typed meanwhile."""
        self._keep_draft()
        self._save_pending()
        self.session.run(
            ops.restore_finding,
            finding,
            changes=True,
            on_success=self._brought_back,
            on_failure=on_failure,
        )

    def _brought_back(self, finding: Finding) -> None:
        self.message.setText(
            "Finding brought back beside a teammate's change to it: choose a version to keep."
            if finding.conflict
            else "Finding brought back."
        )
        if self.dirty:  # typing went on while it came back: it goes on where it is
            return
        self.question.blockSignals(True)
        self.question.setCurrentIndex(max(self.question.findData(finding.question), 0))
        self.question.blockSignals(False)
        self._fill(finding)  # shown now; the reload that follows lists it in its column

    def add_evidence(self, note_id: str | None) -> None:
        """The note selected in the evidence list joins the shown finding's evidence."""
        if self.current is None or not note_id:
            self.message.setText(
                "Choose a finding here and a note on the Evidence tab, then add it."
            )
            return
        self._notes_dropped(self.current.id, [note_id])

    def _remove_evidence(self) -> None:
        item = self.evidence.currentItem()
        if self.current is None or item is None:
            self.message.setText("Choose one of the finding's evidence notes to remove.")
            return
        self._save_pending()  # typing first, so the change lands on the latest text
        self.session.run(
            ops.remove_evidence,
            self.current.id,
            item.data(ID_ROLE),
            changes=True,
            on_success=lambda finding, edits=self.edits: self._saved(finding, edits),
            on_failure=lambda exc: show_error(self, exc),
        )

    def _notes_dropped(self, finding_id: str, note_ids: list[str]) -> None:
        self._save_pending()  # typing first, so the change lands on the latest text
        self.session.run(
            ops.add_evidence,
            finding_id,
            note_ids,
            changes=True,
            on_success=lambda finding, edits=self.edits: self._saved(finding, edits),
            on_failure=lambda exc: show_error(self, exc),
        )

    def _reordered(self, finding_ids: list[str]) -> None:
        self.session.run(
            ops.reorder_findings,
            finding_ids,
            changes=True,
            on_failure=lambda exc: show_error(self, exc),
        )

    # -- the draft -----------------------------------------------------------------------------

    def _choose_export(self) -> None:
        """Suggested in Documents, named after the area: a file for the report writer."""
        area = self.session.inspection.info.area if self.session.inspection else ""
        name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", area).strip(" .-")[:80] or "Inspection"
        path = save_path(
            self, "Export the Word draft", f"{name} draft findings.docx", ".docx",
            "Word documents (*.docx)", Path(platformdirs.user_documents_dir()),
        )
        if path:
            self.export_to(path)

    def export_to(self, path: Path, allow_names: bool = False) -> None:
        # What is being typed goes into the draft (and through the names check): its saves
        # are queued on the worker before the draft is built.
        self._save_pending()
        self.saving_wanted.emit()
        self.progress.setRange(0, 0)
        self.progress.show()
        self.session.run(
            ops.write_draft,
            path,
            allow_names,
            on_progress=lambda d, t: (self.progress.setRange(0, t), self.progress.setValue(d)),
            on_success=lambda _hits: self._exported(path),
            on_failure=lambda exc: self._export_failed(path, exc),
        )

    def _exported(self, path: Path) -> None:
        self.progress.hide()
        self.message.setText(f"Draft written to {path}.")
        self.written = path
        self.open_draft.show()

    def _open_written(self) -> None:
        """The draft in the computer's word processor."""
        if self.written is not None and not QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(self.written))
        ):
            self.message.setText(f"No program here opens Word files; the draft is {self.written}.")

    def _export_failed(self, path: Path, exc: Exception) -> None:
        self.progress.hide()
        if not isinstance(exc, NamesInReport):
            show_error(self, exc)
            return
        dialog = NamesDialog(exc.hits, self._positions(), self, unchecked=exc.unchecked)
        dialog.jump.connect(self._jump)
        dialog.accepted.connect(lambda: self.export_to(path, allow_names=True))
        dialog.open()

    def _positions(self) -> dict[str, str]:
        """Each finding by where it stands (never by its words, which may hold the name)."""
        labels = {j.code: j.label.lower() for j in self.framework.judgements}
        out, counts = {}, {}
        for finding in self.items:  # in question, judgement and order
            place = (finding.question, finding.judgement)
            counts[place] = counts.get(place, 0) + 1
            out[finding.id[:8]] = (
                f"question {finding.question}, {labels.get(finding.judgement, '')} "
                f"no. {counts[place]}"
            )
        return out

    def _jump(self, kind: str, prefix: str) -> None:
        """Show the finding or the note that holds the name, so it can be changed."""
        if kind == "note":
            self.open_note.emit(prefix)
            return
        if kind == "details":
            self.details_wanted.emit()
            return
        found = next((f for f in self.items if f.id.startswith(prefix)), None)
        if found is None:
            return
        # Choosing it in its column saves what is being typed and then shows it.
        self.question.setCurrentIndex(max(self.question.findData(found.question), 0))
        column = self.columns.get(found.judgement)
        if column is not None and found.id in column.ids():
            column.setCurrentRow(column.ids().index(found.id))
            if self.current is None or self.current.id != found.id:  # it was already current
                self._selected(column.currentItem())  # in its column, so no signal came
            column.setFocus()


def _holds(finding: Finding, sent: dict) -> bool:
    """Whether ``finding`` is what saving the page's values ``sent`` stores, and no more."""
    return (finding.text, finding.main, finding.judgement) == (
        clean_text(sent["text"], what="finding's text"),
        sent["main"],
        sent["judgement"],
    )
