"""The open inspection: evidence (list and editor), coverage and the child register."""

from __future__ import annotations

import textwrap
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication, QSplitter, QTabWidget, QVBoxLayout, QWidget

from inspector_app.core.models import Finding, Note
from inspector_app.gui import operations as ops
from inspector_app.gui.children import ChildrenView
from inspector_app.gui.confirm import confirm
from inspector_app.gui.conflict_dialog import ConflictDialog
from inspector_app.gui.coverage import CoverageView
from inspector_app.gui.editor import NoteEditor
from inspector_app.gui.errors import show_error
from inspector_app.gui.evidence_list import EvidenceList
from inspector_app.gui.findings_page import FindingsPage
from inspector_app.gui.session import Session
from inspector_app.gui.settings import Settings
from inspector_app.gui.team_page import TeamPage

WATCH_MS = 3000  # how often the file is asked whether another program wrote to it


class DeleteNote(QUndoCommand):
    """Deleting a note is undoable: undo restores it as a new revision."""

    def __init__(self, workspace: Workspace, note: Note) -> None:
        super().__init__(f"delete “{textwrap.shorten(note.heading, 40, placeholder='…')}”")
        self.workspace, self.note = workspace, note
        self.page = workspace.splitter  # undone only where notes are seen

    def redo(self) -> None:
        self.workspace.session.run(
            ops.delete_note,
            self.note.id,
            changes=True,
            on_success=self._deleted,
            on_failure=self.workspace.undo_failed,
        )

    def _deleted(self, note: Note) -> None:
        self.note = note  # as typed since it was brought back: the next undo keeps that

    def undo(self) -> None:
        self.workspace.session.run(
            ops.restore_note,
            self.note,
            changes=True,
            on_success=self._restored,
            on_failure=self.workspace.undo_failed,
        )

    def _restored(self, note: Note) -> None:
        self.workspace.show_note(note.id)
        self.workspace.status.emit("Note brought back.")


class DeleteFinding(QUndoCommand):
    """Deleting a finding is undoable: undo brings it back as a new version."""

    def __init__(self, workspace: Workspace, finding: Finding) -> None:
        super().__init__(f"delete finding “{textwrap.shorten(finding.text, 40, placeholder='…')}”")
        self.workspace, self.finding = workspace, finding
        self.page = workspace.findings
        self.done = True  # pushed once deleted: the first redo does nothing

    def redo(self) -> None:
        if self.done:
            self.done = False
            return
        self.page.delete_again(self.finding.id, on_success=self._deleted,
                               on_failure=self.workspace.undo_failed)

    def _deleted(self, finding: Finding) -> None:
        self.finding = finding

    def undo(self) -> None:
        self.page.bring_back(self.finding, on_failure=self.workspace.undo_failed)


class ChangeTags(QUndoCommand):
    """A tick or a choice in the editor (questions, outcomes, judgement, children, fields):
    undo puts back what that change altered, and only that (a teammate's change imported
    since stays), and shows the note."""

    def __init__(self, workspace: Workspace, note_id: str, before: dict, after: dict) -> None:
        super().__init__("tag change")
        self.workspace, self.note_id = workspace, note_id
        self.page = workspace.splitter
        self.before, self.after = before, after
        self.done = True  # pushed after the change was made: the first redo does nothing

    def _apply(self, was: dict, wanted: dict) -> None:
        workspace = self.workspace
        workspace.editor.flush()  # typing first, so the tags land on the latest version
        workspace.session.run(
            ops.retag,
            self.note_id,
            was,
            wanted,
            changes=True,
            on_success=lambda note: workspace.show_note(note.id),
            on_failure=workspace.failed,
        )

    def id(self) -> int:  # noqa: A003 - Qt's name
        return 1  # consecutive tag changes may merge (see mergeWith)

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        """Typing in a detail field is one change, not one per key."""
        if not isinstance(other, ChangeTags) or other.note_id != self.note_id:
            return False
        typed = {"fields"}
        if typed != _changed(self.before, self.after) or typed != _changed(
            other.before, other.after
        ):
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        if self.done:
            self.done = False
            return
        self._apply(self.before, self.after)

    def undo(self) -> None:
        self._apply(self.after, self.before)


def _changed(before: dict, after: dict) -> set[str]:
    return {key for key in after if before.get(key) != after[key]}


class Workspace(QWidget):
    status = Signal(str)  # a transient message for the status bar
    summary_changed = Signal(dict)
    details_wanted = Signal()  # the inspection's details should be shown for editing

    def __init__(self, session: Session, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.session, self.settings = session, settings
        self.undo_stack = QUndoStack(self)
        self.list = EvidenceList(session)
        self.editor = NoteEditor(session)
        self.coverage = CoverageView(session)
        self.children = ChildrenView(session)
        self.team = TeamPage(session)
        self.findings = FindingsPage(session)
        self.splitter = splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 420])
        for number in range(1, 10):  # Ctrl+1… tick the questions from the list too
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self.list)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda n=number: self.editor.toggle_question(n - 1))
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Sections")
        # Mnemonics clear of the menus' Alt+F, E, N, H.
        self.tabs.addTab(splitter, "E&vidence")
        self.tabs.addTab(self.coverage, "C&overage")
        self.tabs.addTab(self.children, "Child re&gister")
        self.tabs.addTab(self.team, "Team && s&ync")
        self.tabs.addTab(self.findings, "Fin&dings")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.tabs)

        self.list.note_selected.connect(self.show_note)
        self.list.new_note_wanted.connect(self.new_note)
        self.editor.saved.connect(self._saved)
        self.coverage.cell_chosen.connect(self._cell_chosen)
        self.coverage.status.connect(self.status)
        self.team.resolve_requested.connect(self.resolve)
        self.findings.open_note.connect(self._open_note)
        self.findings.selected_note_wanted.connect(self._new_finding)
        self.findings.evidence_note_wanted.connect(
            lambda: self.findings.add_evidence(self.list.selected_id() or self.editor.note_id)
        )
        self.findings.details_wanted.connect(self.details_wanted)
        self.findings.deleted.connect(
            lambda finding: self.undo_stack.push(DeleteFinding(self, finding))
        )
        self.findings.saving_wanted.connect(self.editor.save)
        self.editor.bundles_dropped.connect(self.import_bundles)
        self.editor.message.connect(self.status)
        self.editor.stayed.connect(self._stayed)
        self.editor.resolve_requested.connect(self.resolve)
        self.editor.tags_changed.connect(
            lambda note_id, before, after: self.undo_stack.push(
                ChangeTags(self, note_id, before, after)
            )
        )
        session.opened.connect(self._opened)
        session.changed.connect(self.reload)
        session.closed.connect(self.clear)
        # Another program may write to the open file (the command line, a second window):
        # what it wrote is shown within a few seconds, not only at this window's next save.
        self.watch = QTimer(self, interval=WATCH_MS)
        self.watch.timeout.connect(self._look_for_changes)

    # -- life cycle ----------------------------------------------------------------------------

    def _opened(self) -> None:
        inspection = self.session.inspection
        self.list.set_framework(inspection.framework)
        self.editor.set_framework(inspection.framework)
        self.findings.set_framework(inspection.framework)
        self.findings.restore_draft()
        self.editor.clear()
        self.list.clear_filters()
        self.tabs.setCurrentIndex(0)
        self.reload()
        self.watch.start()

    def _look_for_changes(self) -> None:
        if self.session.is_open and not self.session.runner.busy():
            self.session.run(
                ops.changed_elsewhere,
                on_success=lambda changed: changed and self._changed_elsewhere(),
            )

    def _changed_elsewhere(self) -> None:
        self.reload()
        self.status.emit("Another program changed the inspection; what is shown is up to date.")

    def reload(self) -> None:
        if not self.session.is_open:
            return
        self.editor.set_on_site(self.session.inspection.info.on_site_start)
        self.editor.refresh()
        self.list.reload()
        self.coverage.reload()
        self.children.reload()
        self.team.reload()
        self.findings.reload()
        self.session.run(ops.summary, on_success=self._summary)

    def _summary(self, summary: dict) -> None:
        self.list.set_framework(self.session.inspection.framework, summary["authors"])
        self.editor.set_children(summary["children"])
        self.summary_changed.emit(summary)

    def clear(self) -> None:
        """Forget everything shown: called when the inspection locks."""
        self.watch.stop()
        self.undo_stack.clear()
        self.editor.clear()
        self.editor.set_children([])
        self.list.clear()
        self.coverage.clear()
        self.children.clear()
        self.team.clear()
        self.findings.clear()

    def import_bundles(self, paths: list[Path]) -> None:
        """Bundles dropped on the window (or on the editor, among photos)."""
        self.tabs.setCurrentWidget(self.team)
        self.team.import_paths(paths)

    def flush(self) -> list[str]:
        """Save whatever is being typed, in the note editor and on the Findings page; returns
        what could not be saved, and why."""
        return [problem for problem in (self.editor.flush(), self.findings.flush()) if problem]

    def failed(self, exc: Exception) -> None:
        show_error(self, exc)

    def undo_failed(self, exc: Exception) -> None:
        """An undo or redo that could not be made: the stack has moved past it all the same,
        so what it holds no longer fits the file, and it goes (after this call returns)."""
        show_error(self, exc)
        QTimer.singleShot(0, self.undo_stack.clear)
        self.status.emit("Undo history cleared: that change could not be made.")

    # -- notes ---------------------------------------------------------------------------------

    def show_note(self, note_id: str) -> None:
        if note_id != self.editor.note_id:
            self.editor.save()  # queued first, so it lands before the next note loads
        self.session.run(ops.get_note, note_id, on_success=self.editor.load, on_failure=self.failed)
        if self.list.selected_id() != note_id:
            self.list.reload(select=note_id)

    def new_note(self, kind: str | None = None) -> None:
        if not self.session.is_open:
            return
        if self.editor.unsaved and self.editor.flush() and self.editor.stays():
            return  # tried again, and it still cannot be saved: it stays, and says why
        self.editor.save()
        self.tabs.setCurrentIndex(0)
        self.list.table.selectionModel().clear()  # so clicking the old note opens it again
        shown = self.list.current_filter()  # a note written in a gap fills it, and stays shown
        self.editor.new_note(kind or shown.kind or self.settings.last_kind,
                             (shown.question, shown.outcome), shown.judgement)

    def _stayed(self, note_id: str) -> None:
        """The editor kept a note it could not save: the list shows that one chosen again."""
        if note_id:
            self.list.select(note_id, emit=False)
        else:
            self.list.table.selectionModel().clear()

    def _saved(self, note: Note) -> None:
        self.settings.last_kind = note.kind
        self.list.prefer(note.id)

    def delete_current(self) -> None:
        self.editor.flush()  # what was just typed is part of what undo brings back
        note = self.editor.note
        if note is None or not self.editor.note_id:
            self.status.emit("Select a note to delete.")
            return
        resting = [f for f in self.findings.items if note.id in f.evidence]
        if not resting:
            self._delete(note)
            return
        count = "a finding rests" if len(resting) == 1 else f"{len(resting)} findings rest"
        confirm(
            self,
            title="Delete note",
            text=f"{count[0].upper()}{count[1:]} on this note as evidence; the draft would "
            "list it as deleted. Delete it anyway? (Ctrl+Z brings it back.)",
            action="&Delete note",
            name="deleteEvidence",
            on_yes=lambda: self._delete(note),
        )

    def _delete(self, note: Note) -> None:
        rows = [row.id for row in self.list.model.rows]
        if note.id in rows:  # the list keeps its place: the next note (or the one before)
            at = rows.index(note.id)
            for neighbour in rows[at + 1:at + 2] or rows[max(at - 1, 0):at]:
                self.list.prefer(neighbour, choose=False)
        if self.editor.isAncestorOf(QApplication.focusWidget()):
            self.list.table.setFocus()  # from the text of a note that is gone, to the list
        self.editor.clear()
        self.undo_stack.push(DeleteNote(self, note))
        self.status.emit("Note deleted. Press Ctrl+Z to bring it back.")

    def _open_note(self, note_id: str) -> None:
        self.tabs.setCurrentIndex(0)
        self.show_note(note_id)

    def _new_finding(self) -> None:
        self.findings.new_from_note(self.list.selected_id() or self.editor.note_id)

    def resolve(self, note_id: str) -> None:
        dialog = ConflictDialog(self.session, note_id, self)
        dialog.resolved.connect(self._resolved)
        dialog.open()

    def _resolved(self, note: Note) -> None:
        self.show_note(note.id)
        heading = textwrap.shorten(note.heading, 60, placeholder="…")
        if self.tabs.currentWidget() is self.team:
            self.team.focus_conflicts()  # the next conflict, if any is left
            self.status.emit(f"Conflict settled: “{heading}” is on the Evidence tab as kept.")
        else:
            self.status.emit(f"Conflict settled: “{heading}” is shown as kept.")

    def _cell_chosen(self, question: str, outcome: str) -> None:
        self.list.search.clear()
        self.list.set_filter(
            question=question, outcome=outcome, kind=None, judgement=None, author=None
        )
        self.tabs.setCurrentIndex(0)
        self.list.choose_first()  # not the note left in the editor: it may not be listed
