"""The window: start, unlock and workspace screens, menus, shortcuts, lock and status bar."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.bundle import is_bundle
from inspector_app.core.demo import Demo, build_demo
from inspector_app.core.errors import InspectorError, NotAnInspectionFile, NotFound
from inspector_app.core.paths import FILE_SUFFIX, data_dir
from inspector_app.core.records import is_inspection_file
from inspector_app.core.store import Inspection
from inspector_app.gui import operations as ops
from inspector_app.gui.confirm import confirm
from inspector_app.gui.details_dialog import DetailsDialog
from inspector_app.gui.errors import describe, show_error
from inspector_app.gui.idle import IdleWatcher
from inspector_app.gui.new_inspection import NewInspectionDialog
from inspector_app.gui.passphrase_dialog import PassphraseDialog
from inspector_app.gui.session import Session
from inspector_app.gui.settings import Settings
from inspector_app.gui.settings_dialog import SettingsDialog
from inspector_app.gui.sizing import fit
from inspector_app.gui.start_page import StartPage
from inspector_app.gui.unlock_page import UnlockPage
from inspector_app.gui.workspace import Workspace

SHORTCUTS = """<table>
<tr><td>Ctrl+N</td><td>new note (of the last kind used)</td></tr>
<tr><td>Ctrl+1, 2, 3</td><td>toggle Question A, B, C in the editor</td></tr>
<tr><td>Ctrl+F</td><td>search notes; then Down or Enter goes to the results, Esc clears
the search</td></tr>
<tr><td>Ctrl+S</td><td>save now (everything is also saved as you type)</td></tr>
<tr><td>Ctrl+L</td><td>lock now</td></tr>
<tr><td>Ctrl+I</td><td>inspection details and deadlines</td></tr>
<tr><td>Delete</td><td>delete the note (Ctrl+Z brings it back)</td></tr>
<tr><td>Ctrl+Z, Ctrl+Shift+Z or Ctrl+Y</td><td>undo, redo (typing, ticks, choices,
a deleted note or finding)</td></tr>
<tr><td>Alt+Up, Alt+Down</td><td>move the chosen finding up or down its column</td></tr>
<tr><td>Alt+V / Alt+O / Alt+G / Alt+Y / Alt+D</td><td>Evidence, Coverage, Child register,
Team &amp; sync, Findings</td></tr>
<tr><td>Ctrl+Shift+N, Ctrl+O, Ctrl+Q</td><td>new inspection, open an inspection, quit</td></tr>
</table>"""


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings, kdf=None) -> None:
        super().__init__()
        self.setWindowTitle("Inspector")
        self.settings = settings
        self._system_font = QFont(QApplication.font())  # before any text size is applied
        self.kdf = kdf  # cheaper key derivation for tests; None means the real costs
        self.session = Session(self)
        self._closing_anyway = False  # the user chose to close with typing not saved
        self._place: tuple | None = None  # the file, page and note on show when it locked
        self.start = StartPage(settings)
        self.unlock = UnlockPage()
        self.workspace = Workspace(self.session, settings)
        self.pages = QStackedWidget()
        for page in (self.start, self.unlock, self.workspace):
            self.pages.addWidget(page)
        self.setCentralWidget(self.pages)
        self._notes_text = self._changed_text = ""
        self.counts = QLabel()
        self.counts.setAccessibleName("Inspection summary")
        self.statusBar().addPermanentWidget(self.counts)

        self.idle = IdleWatcher(self)
        self.idle.idle.connect(self.lock)
        QApplication.instance().installEventFilter(self.idle)
        QApplication.instance().installEventFilter(self)  # Ctrl+Z past a text box's own undo

        self.start.open_path.connect(self.open_path)
        self.start.new_requested.connect(self.new_inspection)
        self.start.browse_requested.connect(self.browse)
        self.start.demo_requested.connect(self.open_demo)
        self.unlock.unlock_requested.connect(self._unlock)
        self.unlock.back_requested.connect(self.show_start)
        self.session.opened.connect(self._opened)
        self.session.changed.connect(self._retitle)  # the area may have been renamed
        self.workspace.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.workspace.summary_changed.connect(self._summary)
        self.workspace.details_wanted.connect(self.edit_details)
        self.workspace.team.changed_count.connect(self._changed_count)
        self.start.join_requested.connect(self.join_inspection)
        self.setAcceptDrops(True)
        self._build_menus()
        self.show_start()
        fit(self, 1280, 820)

    # -- menus ---------------------------------------------------------------------------------

    def _action(self, menu, text: str, slot, shortcut=None, needs_open: bool = False) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, list):  # several keys: Redo is Ctrl+Shift+Z and Ctrl+Y
            action.setShortcuts([QKeySequence(key) for key in shortcut])
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if shortcut is not None:
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        if needs_open:
            self._needs_open.append(action)
        return action

    def _build_menus(self) -> None:
        self._needs_open: list[QAction] = []
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&New inspection…", self.new_inspection, "Ctrl+Shift+N")
        self._action(file, "&Join an inspection…", self.join_inspection)
        self._action(file, "&Open…", self.browse, QKeySequence.StandardKey.Open)
        self._action(file, "Open the de&mo", self.open_demo)
        file.addSeparator()
        self._action(file, "Inspection &details…", self.edit_details, "Ctrl+I", needs_open=True)
        self._action(file, "Change &passphrase…", self.change_passphrase, needs_open=True)
        self.lock_action = self._action(file, "&Lock", self.lock, "Ctrl+L", needs_open=True)
        self._action(file, "&Settings…", self.edit_settings, QKeySequence.StandardKey.Preferences)
        file.addSeparator()
        self._action(file, "&Quit", self.close, "Ctrl+Q")
        edit = bar.addMenu("&Edit")
        self.undo_action = self._action(edit, "&Undo", self.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = self._action(edit, "&Redo", self.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
        # The labels say what will be undone, and are disabled when there is nothing to undo.
        edit.aboutToShow.connect(self._name_undo)
        stack = self.workspace.undo_stack
        for signal in (stack.canUndoChanged, stack.canRedoChanged, stack.indexChanged):
            signal.connect(self._name_undo)
        QApplication.instance().focusChanged.connect(self._name_undo)
        edit.addSeparator()
        self._action(edit, "&Find…", self.find, QKeySequence.StandardKey.Find, needs_open=True)
        note = bar.addMenu("&Note")
        self._action(
            note, "&New note", lambda: self.workspace.new_note(), "Ctrl+N", needs_open=True
        )
        self._action(note, "&Save now", self.save_now, "Ctrl+S", needs_open=True)
        kinds = note.addMenu("New note of &kind")
        self._kinds_menu = kinds
        self._action(
            note, "&Delete note", self.delete_note, "Del", needs_open=True
        ).setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, "F1")
        self._set_open_actions(False)

    def _set_open_actions(self, open_: bool) -> None:
        for action in self._needs_open:
            action.setEnabled(open_)
        self._kinds_menu.setEnabled(open_)

    # -- screens -------------------------------------------------------------------------------

    def show_start(self) -> None:
        self.start.refresh()
        self.pages.setCurrentWidget(self.start)
        self.setWindowTitle("Inspector")

    def open_path(self, path: Path, hint: str = "") -> None:
        if not path.is_file():
            show_error(self, NotFound(f"There is no inspection file at {path}; it was moved or "
                                      "deleted, so it leaves the recent list."))
            self.settings.forget(path)
            self.start.refresh()
            return
        if not is_inspection_file(path):  # said now, not after the passphrase is typed
            show_error(
                self, NotAnInspectionFile(f"This is not an inspection file ({path}); choose a "
                                          ".inspection file.")
            )
            return
        self._close_current("Opening another inspection")
        self.session.hint = hint
        self.unlock.prepare(path, hint)
        self.pages.setCurrentWidget(self.unlock)

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Open an inspection",
            str(data_dir()),
            f"Inspections (*{FILE_SUFFIX});;All files (*)",
        )
        if path:
            self.open_path(Path(path))

    def new_inspection(self, *, join: bool = False) -> None:
        dialog = NewInspectionDialog(self.session.runner, self, kdf=self.kdf, join=join)
        dialog.created.connect(self._adopt)
        dialog.open()

    def join_inspection(self) -> None:
        self.new_inspection(join=True)

    def _adopt(self, inspection: Inspection) -> None:
        """A file just made (new or joined) replaces the open one, which is saved and closed."""
        self._close_current("Opening the new inspection")
        self.session.adopt(inspection)

    def open_demo(self) -> None:
        progress = QProgressDialog("Preparing the demo inspection…", "", 0, 0, self)
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setAccessibleName("Preparing the demo")
        progress.show()

        def built(demo: Demo) -> None:
            progress.close()
            self.open_path(demo.path, hint=f"Demo passphrase: {demo.passphrase}")

        def failed(exc: Exception) -> None:
            progress.close()
            show_error(self, exc)

        self.session.runner.run(
            build_demo,
            kdf=self.kdf,
            on_success=built,
            on_failure=failed,
            on_progress=lambda done, total: (progress.setMaximum(total), progress.setValue(done)),
        )

    def _unlock(self, path: Path, secret: str) -> None:
        def failed(exc: Exception) -> None:
            if not self.unlock.failed(exc):
                show_error(self, exc)

        self.session.unlock(path, secret, on_failure=failed)

    def _opened(self) -> None:
        inspection = self.session.inspection
        self.unlock.secret.clear()  # the passphrase is not kept in a hidden field all day
        self.settings.remember(inspection.path)
        self._kinds_menu.clear()
        taken: set[str] = set()
        for kind in inspection.framework.kinds:
            action = self._kinds_menu.addAction(_with_mnemonic(kind.label, taken))
            action.triggered.connect(lambda _=False, k=kind.code: self.workspace.new_note(k))
        self._set_open_actions(True)
        self.pages.setCurrentWidget(self.workspace)
        self._retitle()
        self.idle.set_minutes(self.settings.idle_minutes)
        self.workspace.list.search.setFocus()
        place, self._place = self._place, None
        if place and place[0] == inspection.path:  # unlocked again: back where it was
            self.workspace.tabs.setCurrentIndex(place[1])
            if place[2]:  # unless it was deleted meanwhile (by another program)
                self.session.run(ops.get_note, place[2], on_failure=lambda _exc: None,
                                 on_success=lambda note: self.workspace.show_note(note.id))
        file_id = inspection.file.file_id
        seq, digest = self.settings.history_end(file_id)
        self.session.run(
            ops.compare_history,
            seq,
            digest,
            on_success=lambda result: self._history_compared(file_id, *result),
        )
        self.session.run(ops.damaged, on_success=self._damaged)

    def _retitle(self) -> None:
        if self.session.is_open:
            self.setWindowTitle(f"{self.session.inspection.info.area} — Inspector")

    def _history_compared(self, file_id: str, behind: int | None, end: tuple) -> None:
        """Warn when this is an older copy of the file last closed here, or a diverged one;
        from now on this copy is the one remembered."""
        self.settings.remember_history_end(file_id, *end)
        if not self.settings.kept():
            self.statusBar().showMessage(
                "Settings cannot be saved (the settings folder is read-only): recent files, "
                "and the warning when an older copy of this file is opened, are not kept.",
                15000,
            )
        if behind == 0:
            return
        text = (
            "This copy of the inspection differs from the one last closed on this computer: "
            "each has changes the other lacks. Check that you opened the right file, and go "
            "on working in one copy only."
            if behind is None
            else "This copy of the inspection is older than the one last closed on this "
            f"computer: it lacks the last {behind} change{'' if behind == 1 else 's'}. If you "
            "restored it from a backup on purpose, carry on; otherwise close it and open the "
            "newer copy."
        )
        box = QMessageBox(
            QMessageBox.Icon.Warning, "An older copy?", text, QMessageBox.StandardButton.Ok, self
        )
        box.setObjectName("olderCopy")
        box.open()

    def _damaged(self, names: list[str]) -> None:
        """Say which records did not open: they are missing from every view."""
        if not names:
            return
        count, them = len(names), "it" if len(names) == 1 else "them"
        listed = ", ".join(
            f"{kind} {rid[:8]}" for kind, _, rid in (n.partition(" ") for n in names[:5])
        )
        if count > 5:
            listed += f" and {count - 5} more"
        text = (
            f"{count} record{'' if count == 1 else 's'} in this file could not be read and "
            f"{'is' if count == 1 else 'are'} left out ({listed}); everything else opened. "
            f"Importing a teammate's bundle that holds {them} restores {them}; otherwise open "
            "a backup copy of the file."
        )
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Damaged records", text, QMessageBox.StandardButton.Ok, self
        )
        box.setObjectName("damagedRecords")
        box.open()

    def _remember_history(self) -> None:
        """Where the open file's history ends, for the next time it is opened here."""
        inspection = self.session.inspection
        self.session.runner.wait()  # every save has reached the file
        try:
            end = inspection.file.audit_tip()
        except InspectorError:
            return  # only a hint for next time: it never stands in the way of locking
        self.settings.remember_history_end(inspection.file.file_id, *end)

    def _summary(self, summary: dict) -> None:
        untagged = f" · {summary['untagged']} untagged" if summary["untagged"] else ""
        count = summary["notes"]
        self._notes_text = f"{count} note{'' if count == 1 else 's'}{untagged}"
        self.counts.setText(self._notes_text + self._changed_text)

    def _changed_count(self, changed: int) -> None:
        self._changed_text = f" · {changed} changed since the last bundle" if changed else ""
        self.counts.setText(self._notes_text + self._changed_text)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.session.is_open and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        """Bundles dropped anywhere on the window are imported (photos go to the editor)."""
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if not self.session.is_open or not paths:
            return
        bundles = [p for p in paths if is_bundle(p)]
        if bundles:
            self.workspace.import_bundles(bundles)
        if len(bundles) < len(paths):
            self.statusBar().showMessage(
                "Only sync bundles (.bundle) are imported when dropped here; drop photos on the "
                "note's editor.",
                8000,
            )
        event.acceptProposedAction()

    # -- actions -------------------------------------------------------------------------------

    def lock(self) -> None:
        """Save what is being typed, drop the key, clear every view, show the unlock screen.
        Unlocked again, the page and the note on show come back (their ids only are kept)."""
        path = self.session.path
        if self._close_current("Locking"):
            said = " ".join(self._not_kept) or "Locked. Your notes are saved."
            self.unlock.prepare(path, self.session.hint, said, error=bool(self._not_kept))
            self.pages.setCurrentWidget(self.unlock)

    def _close_current(self, doing: str) -> bool:
        """Save and close the open inspection before the key goes or another file opens: its
        dialogs shut, its views and undo history cleared. False if none was open."""
        if not self.session.is_open:
            return False
        self._finish_work(doing)
        self._not_kept = []
        try:
            self._not_kept = self.workspace.flush()
            # Where the user was (a new note just saved by the flush included), for unlocking.
            workspace = self.workspace
            self._place = (self.session.path, workspace.tabs.currentIndex(),
                           workspace.editor.note_id or "")
            # What was typed in an open dialog is kept as its own Save would keep it (a merged
            # text beside the versions it merges), never dropped with the dialog.
            dialogs = self.findChildren(QDialog)
            typed_in = [d for d in dialogs if d.isVisible() and hasattr(d, "keep_typing")]
            self._not_kept += [said for said in (d.keep_typing() for d in typed_in) if said]
            self._remember_history()
            # Every dialog that showed the inspection goes, hidden ones too (they would keep
            # what they showed): a photo, the details, a conflict, a question. A new
            # inspection being made stays, and so do the settings, which show no inspection.
            for dialog in self.findChildren(QDialog):
                if isinstance(dialog, NewInspectionDialog | SettingsDialog) and dialog.isVisible():
                    continue
                with contextlib.suppress(Exception):  # one that failed to build still goes
                    dialog.done(QDialog.DialogCode.Rejected)  # what it held is kept: no asking
                dialog.deleteLater()
        except Exception as exc:  # noqa: BLE001 - whatever went wrong, the file still locks
            self._not_kept.append(describe(exc)[1])
        self.session.lock()
        if self._not_kept:
            self.statusBar().showMessage(" ".join(self._not_kept), 15000)
        else:  # nothing said about the file before its lock still holds ("Ctrl+Z brings…")
            self.statusBar().clearMessage()
        self.idle.stop()
        self._set_open_actions(False)
        self.counts.clear()
        self.setWindowTitle("Inspector")
        return True

    def _finish_work(self, doing: str) -> None:
        """Work under way (photos, an import) must end before the key goes; say so meanwhile."""
        if not self.session.runner.busy():
            return
        self.statusBar().showMessage(f"{doing}: finishing the work in progress first…")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            QApplication.processEvents()  # paint the message before waiting
            self.session.runner.wait()
        finally:
            QApplication.restoreOverrideCursor()
            self.statusBar().clearMessage()

    def delete_note(self) -> None:
        # The Delete key reaches this only outside text (a text field keeps the key for
        # itself), so from the menu it works wherever the cursor is. On another tab the note
        # in the editor is out of sight, and Delete there is not about it.
        if self.workspace.tabs.currentIndex() != 0:
            self.statusBar().showMessage("Notes are deleted on the Evidence tab.", 8000)
            return
        # On a tick, a choice or a detail the key is not about the whole note.
        editor, focus = self.workspace.editor, QApplication.focusWidget()
        if focus is not None and (focus is editor.kind or editor.tags.isAncestorOf(focus)):
            self.statusBar().showMessage(
                "To delete the note, choose it in the list (or put the cursor in its text) and "
                "press Delete.",
                8000,
            )
            return
        self.workspace.delete_current()

    def _name_undo(self, *_args) -> None:
        focus = QApplication.focusWidget()
        stack = self.workspace.undo_stack
        for action, verb, can, what in (
            (self.undo_action, "Undo", stack.canUndo(), stack.undoText()),
            (self.redo_action, "Redo", stack.canRedo(), stack.redoText()),
        ):
            if _text_can(focus, verb.lower()):
                action.setText(f"&{verb} typing")
                action.setEnabled(True)
            else:
                action.setText(f"&{verb} {what}" if can else f"&{verb}")
                action.setEnabled(can)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        """A text box takes Ctrl+Z for itself even with no typing to undo; then it goes to
        Edit ▸ Undo instead, which undoes the last change to notes (a tick made with Enter).
        Ctrl+L works in this window's dialogs too, which block its shortcuts: a lock never
        waits for a dialog to be closed first."""
        if (event.type() == QEvent.Type.KeyPress and self.lock_action.isEnabled()
                and QKeySequence(event.keyCombination()) in self.lock_action.shortcuts()
                and self._owns_dialog_of(watched)):
            self.lock_action.trigger()
            return True
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(
            watched, (QLineEdit, QPlainTextEdit)
        ):
            for key, action in ((QKeySequence.StandardKey.Undo, "undo"),
                                (QKeySequence.StandardKey.Redo, "redo")):
                if event.matches(key) and not _text_can(watched, action):
                    return True  # not accepted: the window's shortcut runs
        return super().eventFilter(watched, event)

    def _owns_dialog_of(self, widget) -> bool:
        """Whether ``widget`` is in a dialog of this window (a question about a dialog too)."""
        window = widget.window() if isinstance(widget, QWidget) else None
        if not isinstance(window, QDialog):
            return False
        parent = window.parentWidget()
        while parent is not None and parent is not self:
            parent = parent.parentWidget()
        return parent is self

    def undo(self) -> None:
        """Typing in the text box first; with none to undo there, the last change undoable."""
        focus = QApplication.focusWidget()
        stack = self.workspace.undo_stack
        if _text_can(focus, "undo"):
            focus.undo()
        elif self._shown_here("Undo", stack.command(stack.index() - 1)):
            stack.undo()

    def redo(self) -> None:
        focus = QApplication.focusWidget()
        stack = self.workspace.undo_stack
        if _text_can(focus, "redo"):
            focus.redo()
        elif self._shown_here("Redo", stack.command(stack.index())):
            stack.redo()

    def _shown_here(self, doing: str, command) -> bool:
        """A change is undone (or redone) only where it is seen: a note's on the Evidence tab,
        a finding's on the Findings tab."""
        tabs = self.workspace.tabs
        if command is None or tabs.currentWidget() is command.page:
            return True
        where = tabs.tabText(tabs.indexOf(command.page)).replace("&", "")
        self.statusBar().showMessage(f"{doing} {command.text()} works on the {where} tab.", 8000)
        return False

    def save_now(self) -> None:
        """Everything typed is saved as it is typed; Ctrl+S saves it now and says so."""
        self._finish_work("Saving")
        problems = self.workspace.flush()
        self.statusBar().showMessage(" ".join(problems) or "Everything typed is saved.", 8000)

    def find(self) -> None:
        self.workspace.tabs.setCurrentIndex(0)
        self.workspace.list.search.setFocus()
        self.workspace.list.search.selectAll()

    def edit_details(self) -> None:
        if self.session.is_open:
            DetailsDialog(self.session, self).open()

    def change_passphrase(self) -> None:
        if self.session.is_open:
            dialog = PassphraseDialog(self.session, self.kdf, self)
            dialog.changed.connect(self._passphrase_changed)
            dialog.open()

    def _passphrase_changed(self) -> None:
        self.session.hint = ""  # the demo's passphrase, shown when locked, is no longer it
        self.statusBar().showMessage("Passphrase changed; the recovery key still works.", 8000)

    def edit_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        dialog.accepted.connect(self.apply_settings)
        dialog.open()

    def apply_settings(self) -> None:
        font = QFont(self._system_font)  # "System" (0) puts the system's size back
        if self.settings.text_size:
            font.setPointSize(self.settings.text_size)
        QApplication.setFont(font)
        for widget in QApplication.allWidgets():  # a styled widget keeps its font until its
            if widget.styleSheet():  # style is set again: the warnings would stay small
                widget.setStyleSheet(widget.styleSheet())
        if self.session.is_open:
            self.idle.set_minutes(self.settings.idle_minutes)

    def show_shortcuts(self) -> None:
        """The list in a box that scrolls: at a large text size it is taller than a laptop."""
        dialog = QDialog(self)
        dialog.setWindowTitle("Keyboard shortcuts")
        dialog.setObjectName("shortcuts")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        text = QTextBrowser()
        text.setHtml(SHORTCUTS)
        text.setAccessibleName("Keyboard shortcuts")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(dialog.accept)
        layout = QVBoxLayout(dialog)
        layout.addWidget(text)
        layout.addWidget(buttons)
        fit(dialog, 620, 720)
        dialog.open()
        buttons.button(QDialogButtonBox.StandardButton.Ok).setFocus()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Save and close. Typing that cannot be saved is said first, and the window stays
        unless the user closes it anyway."""
        if self.session.is_open and not self._closing_anyway:
            self._finish_work("Closing")
            problems = self.workspace.flush()
            if problems:
                event.ignore()
                confirm(
                    self,
                    title="Not saved",
                    text=" ".join(problems) + " Close anyway, and lose it?",
                    action="Close anyway",
                    name="closeAnyway",
                    on_yes=self._close_anyway,
                )
                return
        self._close_current("Closing")
        self.session.runner.wait()
        self.settings.remember_layout("window", self.saveGeometry())
        self.settings.remember_layout("evidence", self.workspace.splitter.saveState())
        self.settings.sync()
        super().closeEvent(event)

    def restore_layout(self) -> None:
        """The window's size and place, and the evidence list's share of it, as last left."""
        if geometry := self.settings.layout("window"):
            self.restoreGeometry(geometry)
        if divider := self.settings.layout("evidence"):
            self.workspace.splitter.restoreState(divider)


    def _close_anyway(self) -> None:
        self._closing_anyway = True
        self.close()


def _with_mnemonic(label: str, taken: set[str]) -> str:
    """``label`` with an Alt+letter not in ``taken`` (which it joins), for a menu built from
    data."""
    escaped = label.replace("&", "&&")
    for at, letter in enumerate(escaped):
        if letter.isalpha() and letter.lower() not in taken:
            taken.add(letter.lower())
            return f"{escaped[:at]}&{escaped[at:]}"
    return escaped


def _text_can(widget, action: str) -> bool:
    """Whether ``widget`` is a text box with typing of its own to undo (or redo)."""
    if isinstance(widget, QLineEdit):
        return widget.isUndoAvailable() if action == "undo" else widget.isRedoAvailable()
    if isinstance(widget, QPlainTextEdit):
        document = widget.document()
        return document.isUndoAvailable() if action == "undo" else document.isRedoAvailable()
    return False
