"""Unlock (passphrase, recovery key, mistakes), lock on demand and lock when idle."""

from __future__ import annotations

import shutil
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from inspector_app.core.errors import StorageError, WrongPassphrase
from inspector_app.core.records import RecordFile
from inspector_app.core.store import Inspection
from inspector_app.gui.details_dialog import DetailsDialog
from inspector_app.gui.main_window import MainWindow
from inspector_app.gui.settings import Settings
from inspector_app.gui.workspace import WATCH_MS
from tests.conftest import PASSPHRASE, add_fixture_note
from tests.gui.helpers import (
    FIXTURE_NOTES,
    WAIT_MS,
    SavedInspection,
    click,
    ctrl,
    error_dialogs,
    note_with_text,
    select_note,
    settle,
    unlock,
)


def assert_views_cleared(window: MainWindow) -> None:
    workspace = window.workspace
    assert window.pages.currentWidget() is window.unlock
    assert not window.session.is_open
    assert workspace.list.model.rowCount() == 0
    assert workspace.coverage.model.rowCount() == 0
    assert workspace.children.model.rowCount() == 0
    assert workspace.editor.pages.currentWidget() is workspace.editor.empty
    assert workspace.editor.note is None
    assert workspace.editor.text.toPlainText() == ""
    assert workspace.editor.title.text() == ""
    assert workspace.list.search.text() == ""
    assert workspace.undo_stack.count() == 0
    assert window.counts.text() == ""
    assert window.windowTitle() == "Inspector"


def test_wrong_passphrase_is_said_inline_and_stays_on_unlock(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    window.open_path(inspection_path)
    page = window.unlock
    assert inspection_path.name in page.heading.text()
    qtbot.keyClicks(page.secret, "correct horse battery!")
    qtbot.keyClick(page.secret, Qt.Key.Key_Return)
    # The key derivation runs in the background; the screen says it is busy meanwhile.
    assert page.busy.isVisible()
    assert not page.unlock.isEnabled() and not page.secret.isEnabled()
    qtbot.waitUntil(lambda: "wrong" in page.message.text(), timeout=WAIT_MS)
    assert window.pages.currentWidget() is page
    assert not page.busy.isVisible() and page.secret.isEnabled()
    assert page.secret.selectedText() == "correct horse battery!"  # ready to retype
    assert error_dialogs(window) == []
    assert not window.session.is_open
    # The panel has room for every line: the file's name and folder and the whole message.
    qtbot.wait(50)  # layouts settle on the next turn of the event loop
    assert page.heading.height() >= page.heading.sizeHint().height()
    assert page.message.height() >= page.message.heightForWidth(page.message.width()) > 0
    assert "color" in page.message.styleSheet()  # a failure is red

    page.secret.clear()
    qtbot.keyClick(page.secret, Qt.Key.Key_Return)
    assert page.message.text() == "Type the passphrase first."


def test_unlock_with_the_recovery_key(
    qtbot, window: MainWindow, northmoor: SavedInspection
) -> None:
    window.open_path(northmoor.path)
    page = window.unlock
    qtbot.keyClicks(page.secret, "half a passphrase")
    click(qtbot, page.use_recovery)
    assert page.secret.accessibleName() == "Recovery key"
    assert page.secret_label.text() == "&Recovery key:"
    assert page.secret.echoMode() == QLineEdit.EchoMode.Normal
    assert page.secret.text() == ""  # what was typed as a passphrase never shows
    assert page.use_recovery.text() == "Use the &passphrase instead"
    # The field shows a whole recovery key, at a larger text size too.
    metrics = page.secret.fontMetrics()
    assert page.secret.width() > metrics.horizontalAdvance(northmoor.recovery_key)
    window.settings.text_size = 20
    window.apply_settings()
    try:
        qtbot.waitUntil(lambda: page.secret.font().pointSize() == 20, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: page.secret.width() > page.secret.fontMetrics()
                        .horizontalAdvance(northmoor.recovery_key), timeout=WAIT_MS)
    finally:
        window.settings.text_size = 0
        window.apply_settings()
    qtbot.keyClick(page.secret, Qt.Key.Key_Return)
    assert page.message.text() == "Type the recovery key first."
    click(qtbot, page.use_recovery)
    assert page.secret.echoMode() == QLineEdit.EchoMode.Password
    assert page.use_recovery.text() == "Use the &recovery key instead"
    assert page.message.text() == ""
    click(qtbot, page.use_recovery)
    qtbot.keyClicks(page.secret, northmoor.recovery_key)
    qtbot.keyClick(page.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.workspace, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.workspace.list.model.rowCount() == len(FIXTURE_NOTES))
    assert window.windowTitle() == "Northmoor — Inspector"
    window.lock()  # the page comes back in passphrase mode, saying it is locked
    assert page.message.text() == "Locked. Your notes are saved."
    assert page.secret.echoMode() == QLineEdit.EchoMode.Password


def test_a_file_that_is_not_an_inspection_shows_one_dialog(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    impostor = tmp_path / "holiday.inspection"
    impostor.write_text("not a database at all\n" * 100)
    before = window.pages.currentWidget()
    window.open_path(impostor)  # said at once: no passphrase is asked for first
    [box] = error_dialogs(window)
    assert box.windowTitle() == "Not an inspection file" and "holiday.inspection" in box.text()
    box.close()
    assert window.pages.currentWidget() is before
    another_database = tmp_path / "notes.inspection"  # a database, but not ours
    with closing(sqlite3.connect(another_database)) as conn:
        conn.execute("CREATE TABLE t (x)")
    window.open_path(another_database)
    [box] = error_dialogs(window)
    assert box.windowTitle() == "Not an inspection file"
    box.close()


def test_ctrl_l_locks_and_clears_every_view(qtbot, opened: MainWindow) -> None:
    window = opened
    workspace = window.workspace
    note_id = select_note(qtbot, window, "EHC plan timeliness")
    qtbot.waitUntil(lambda: workspace.coverage.model.rowCount() > 0)
    qtbot.waitUntil(lambda: workspace.children.model.rowCount() == 2)
    qtbot.waitUntil(lambda: window.counts.text() != "")

    ctrl(qtbot, workspace.editor.text, Qt.Key.Key_L)

    assert_views_cleared(window)
    assert window.unlock.message.text() == "Locked. Your notes are saved."
    assert window.unlock.message.styleSheet() == ""  # news, not an error: not red
    assert window.unlock.path == window.session.path
    assert window.focusWidget() is window.unlock.secret

    # Note shortcuts do nothing while locked.
    ctrl(qtbot, window.unlock.secret, Qt.Key.Key_N)
    assert workspace.editor.pages.currentWidget() is workspace.editor.empty
    assert window.pages.currentWidget() is window.unlock

    unlock(qtbot, window, window.unlock.path)
    qtbot.waitUntil(lambda: workspace.list.model.rowCount() == len(FIXTURE_NOTES))
    assert window.unlock.secret.text() == ""  # not kept, hidden, while the file is open
    # Back where it was: the note on show comes back, on the page it was on.
    qtbot.waitUntil(lambda: workspace.editor.note_id == note_id, timeout=WAIT_MS)
    workspace.tabs.setCurrentWidget(workspace.findings)
    window.lock()
    unlock(qtbot, window, window.unlock.path)
    assert workspace.tabs.currentWidget() is workspace.findings


def _texts(widget: QWidget) -> list[tuple[str, str]]:
    """Every piece of text a widget holds, visible or not, with where it was found."""
    name = f"{type(widget).__name__} {widget.accessibleName() or widget.objectName()!r}"
    if isinstance(widget, QLineEdit):
        return [(name, widget.text())]
    if isinstance(widget, QPlainTextEdit):
        return [(name, widget.toPlainText())]
    if isinstance(widget, QLabel):
        return [(name, widget.text())]
    if isinstance(widget, QComboBox):
        return [(name, widget.currentText())]
    if isinstance(widget, QListWidget):
        return [(name, widget.item(i).text()) for i in range(widget.count())]
    if isinstance(widget, QAbstractButton) and widget.isCheckable() and widget.isChecked():
        return [(name, f"ticked: {widget.text()}")]
    return []


def test_lock_leaves_no_note_content_in_any_widget(qtbot, opened: MainWindow) -> None:
    """Hidden widgets count too: after a lock nothing from a note may stay in the window."""
    window = opened
    select_note(qtbot, window, "EHC plan timeliness")
    ctrl(qtbot, window.workspace.editor.text, Qt.Key.Key_L)
    assert window.pages.currentWidget() is window.unlock

    note = FIXTURE_NOTES[0]
    secrets = [
        note["title"],
        "final plan issued week 27",
        "Child A",
        "Child B",
        note["fields"]["ehc_request"],
        note["fields"]["ehc_final"],
        f"ticked: {note['fields']['age_band']}",
        "BREACHED",
        "Northmoor",
    ]
    found = [
        (where, secret)
        for widget in window.findChildren(QWidget)
        for where, text in _texts(widget)
        for secret in secrets
        if secret in text
    ]
    found += [
        (f"QComboBox {combo.accessibleName()!r}", combo.currentText())
        for combo in window.workspace.editor.fields.findChildren(QComboBox)
        if combo.currentData() is not None
    ]
    assert found == [], f"note content still held after locking: {found}"


def test_idle_lock_saves_what_was_typed_and_clears_views(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    editor = window.workspace.editor
    ctrl(qtbot, window.workspace.list.search, Qt.Key.Key_N)
    window.idle.set_minutes(0.001)  # 60 ms of quiet
    qtbot.keyClicks(editor.text, "Typed just before the idle lock")
    assert editor.timer.isActive()  # the autosave has not run yet

    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.unlock, timeout=WAIT_MS)

    assert_views_cleared(window)
    saved = note_with_text(inspection_path, "Typed just before the idle lock")
    assert saved is not None and saved.kind == "case-review"


def test_typing_postpones_the_idle_lock(qtbot, opened: MainWindow) -> None:
    window = opened
    window.idle.set_minutes(0.005)  # 300 ms
    for _ in range(6):  # keep typing for twice the idle time
        qtbot.keyClicks(window.workspace.list.search, "x")
        qtbot.wait(100)  # the pause between keys is the point of this test
    assert window.pages.currentWidget() is window.workspace
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.unlock, timeout=WAIT_MS)


def older_copy_warnings(window: MainWindow) -> list[QMessageBox]:
    return [b for b in window.findChildren(QMessageBox, "olderCopy") if b.isVisible()]


def replace_file(path: Path, source: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copy(source, path)


def test_an_older_copy_of_the_file_last_closed_here_is_pointed_out(
    qtbot, window: MainWindow, inspection_path: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.inspection"
    shutil.copy(inspection_path, backup)  # yesterday's copy, say
    with Inspection.open(inspection_path, PASSPHRASE) as today:
        for values in FIXTURE_NOTES[:2]:
            today.add_note(**values)

    unlock(qtbot, window, inspection_path)
    settle(qtbot, window)
    assert older_copy_warnings(window) == []  # never closed here before: nothing to compare
    window.lock()

    replace_file(inspection_path, backup)  # a backup restored over it, or a stale sync
    unlock(qtbot, window, inspection_path)
    qtbot.waitUntil(lambda: len(older_copy_warnings(window)) == 1, timeout=WAIT_MS)
    [box] = older_copy_warnings(window)
    assert "older than the one last closed on this computer" in box.text()
    assert "lacks the last 2 changes" in box.text()
    box.accept()
    window.lock()

    unlock(qtbot, window, inspection_path)  # carrying on with it was the user's choice
    settle(qtbot, window)
    assert older_copy_warnings(window) == []
    with Inspection.open(inspection_path, PASSPHRASE) as elsewhere:  # then it is changed
        elsewhere.add_note(**FIXTURE_NOTES[3])
    window.lock()
    with Inspection.open(inspection_path, PASSPHRASE) as again:
        again.add_note(**FIXTURE_NOTES[4])
    unlock(qtbot, window, inspection_path)  # the same copy, grown: no warning
    settle(qtbot, window)
    assert older_copy_warnings(window) == []
    window.lock()

    replace_file(inspection_path, backup)
    with Inspection.open(inspection_path, PASSPHRASE) as diverged:
        for values in FIXTURE_NOTES[:3]:
            diverged.add_note(**values)
    unlock(qtbot, window, inspection_path)
    qtbot.waitUntil(lambda: len(older_copy_warnings(window)) == 1, timeout=WAIT_MS)
    assert "each has changes the other lacks" in older_copy_warnings(window)[0].text()


def test_records_that_do_not_open_are_named_when_the_file_is_unlocked(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    with Inspection.open(inspection_path, PASSPHRASE) as before:
        kept, lost = (before.add_note(**values) for values in FIXTURE_NOTES[:2])
    with closing(sqlite3.connect(inspection_path)) as conn:  # a bad sector, say
        [(body,)] = conn.execute("SELECT body FROM records WHERE id = ?", (lost.id,))
        conn.execute("UPDATE records SET body = ? WHERE id = ?", (body[:-1] + b"!", lost.id))
        conn.commit()

    unlock(qtbot, window, inspection_path)
    qtbot.waitUntil(lambda: bool(damaged_warnings(window)), timeout=WAIT_MS)
    [box] = damaged_warnings(window)
    assert f"1 record in this file could not be read and is left out (note {lost.id[:8]})" in (
        box.text()
    )
    assert "bundle" in box.text() and "backup" in box.text()  # what to do about it
    model = window.workspace.list.model
    qtbot.waitUntil(lambda: model.row_of(kept.id) >= 0, timeout=WAIT_MS)
    assert model.row_of(lost.id) < 0


def damaged_warnings(window: MainWindow) -> list[QMessageBox]:
    return [b for b in window.findChildren(QMessageBox, "damagedRecords") if b.isVisible()]


def test_a_file_that_cannot_say_where_its_history_ends_still_locks(
    qtbot, opened: MainWindow, monkeypatch
) -> None:
    def failing(self):
        raise StorageError("The disk is full or failing, so nothing was saved; free some space.")

    monkeypatch.setattr(RecordFile, "audit_tip", failing)
    opened.lock()
    assert_views_cleared(opened)


def test_locking_while_work_runs_says_it_is_finishing_it(qtbot, opened: MainWindow) -> None:
    window = opened
    runner = window.session.runner
    settle(qtbot, window)
    seen: list[tuple[str, bool]] = []
    real_wait = runner.wait

    def wait(*args) -> bool:
        busy_cursor = QApplication.overrideCursor() is not None
        seen.append((window.statusBar().currentMessage(), busy_cursor))
        return real_wait(*args)

    runner.wait = wait
    try:
        runner.run(lambda: time.sleep(0.3))
        window.lock()
    finally:
        runner.wait = real_wait
    assert seen[0] == ("Locking: finishing the work in progress first…", True)
    assert QApplication.overrideCursor() is None and window.statusBar().currentMessage() == ""
    assert_views_cleared(window)


def test_opening_another_file_first_saves_and_closes_the_open_one(
    qtbot, opened: MainWindow, make_inspection, inspection_path: Path
) -> None:
    window = opened
    workspace = window.workspace
    other = make_inspection(name="southdale.inspection", area="Southdale")
    other.close()
    deleted = select_note(qtbot, window, "EHC plan timeliness")
    workspace.list.table.setFocus()
    qtbot.keyClick(workspace.list.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: workspace.undo_stack.count() == 1, timeout=WAIT_MS)

    window.open_path(other.path)
    assert_views_cleared(window)  # the first file is locked: key dropped, undo history gone
    assert window.unlock.path == other.path
    assert not Path(f"{inspection_path}-wal").exists()  # closed, not left open
    unlock(qtbot, window, other.path)
    qtbot.waitUntil(lambda: window.windowTitle().startswith("Southdale"), timeout=WAIT_MS)
    assert not window.undo_action.isEnabled()  # nothing of the first file to undo here
    with Inspection.open(other.path, PASSPHRASE) as southdale:
        assert southdale.notes() == []
    with Inspection.open(inspection_path, PASSPHRASE) as northmoor:
        assert deleted not in {n.id for n in northmoor.notes()}


def test_locking_closes_the_dialogs_that_show_the_inspection(qtbot, opened: MainWindow) -> None:
    window = opened
    window.edit_details()
    qtbot.waitUntil(
        lambda: any(d.isVisible() for d in window.findChildren(DetailsDialog)), timeout=WAIT_MS
    )
    window.lock()
    assert not any(d.isVisible() for d in window.findChildren(QDialog))
    assert_views_cleared(window)
    # Not even hidden: a dialog closed earlier would still hold what it showed.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert window.findChildren(DetailsDialog) == []


def test_a_new_note_with_a_title_but_no_text_yet_is_kept_on_lock(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    editor = window.workspace.editor
    ctrl(qtbot, window.workspace.list.search, Qt.Key.Key_N)
    ctrl(qtbot, editor.text, Qt.Key.Key_3)
    qtbot.waitUntil(  # a tick alone is not a note yet, and the editor says why
        lambda: editor.state.text() == "Write a title or some text to keep this note.",
        timeout=WAIT_MS,
    )
    qtbot.keyClicks(editor.title, "Visit to Northmoor Special School")
    ctrl(qtbot, editor.title, Qt.Key.Key_L)
    assert_views_cleared(window)
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        [kept] = [n for n in inspection.notes() if n.title == "Visit to Northmoor Special School"]
    assert kept.text == "" and kept.questions == ("C",)


def test_a_dialog_that_fails_to_close_never_stops_the_lock(qtbot, opened: MainWindow) -> None:
    class Broken(QDialog):  # as one left half-built by a failure does
        def reject(self) -> None:
            raise AttributeError("half-built")

    Broken(opened).show()
    opened.lock()
    assert not opened.session.is_open
    assert_views_cleared(opened)


def test_what_another_program_writes_to_the_open_file_is_shown(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    editor = opened.workspace.editor
    note_id = select_note(qtbot, opened, "EHC plan timeliness")
    rows = opened.workspace.list.model.rowCount()
    with Inspection.open(inspection_path, PASSPHRASE) as other:  # the command line, say
        other.edit_note(note_id, text="Rechecked from the command line.")
        add_fixture_note(other, text="Added from the command line.")
    qtbot.waitUntil(lambda: editor.text.toPlainText() == "Rechecked from the command line.",
                    timeout=2 * WATCH_MS)
    qtbot.waitUntil(lambda: opened.workspace.list.model.rowCount() == rows + 1,
                    timeout=WAIT_MS)
    assert "Another program changed the inspection" in opened.statusBar().currentMessage()


def test_settings_that_cannot_be_saved_are_said_not_to_be_kept(
    qtbot, tmp_path: Path, inspection_path: Path, cheap_kdf
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")  # a read-only settings folder, as far as saving goes
    window = MainWindow(Settings(blocked / "settings.ini"), kdf=cheap_kdf)
    qtbot.addWidget(window)
    window.show()
    unlock(qtbot, window, inspection_path)
    qtbot.waitUntil(lambda: "Settings cannot be saved" in window.statusBar().currentMessage(),
                    timeout=WAIT_MS)
    window.close()


def test_another_programs_change_leaves_a_space_typed_last_and_the_cursor_alone(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    editor = opened.workspace.editor
    note_id = select_note(qtbot, opened, "EHC plan timeliness")
    editor.text.setFocus()
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.text, " Checked ")
    qtbot.waitUntil(lambda: editor.state.text().startswith("Saved"), timeout=WAIT_MS)
    with Inspection.open(inspection_path, PASSPHRASE) as other:
        other.edit_note(note_id, title="Timeliness, rechecked")
    qtbot.waitUntil(lambda: editor.title.text() == "Timeliness, rechecked",
                    timeout=2 * WATCH_MS)
    qtbot.keyClicks(editor.text, "again.")
    assert editor.text.toPlainText().endswith(" Checked again.")


def test_the_passphrase_is_changed_in_the_app_after_the_current_one_is_given(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    from inspector_app.gui.passphrase_dialog import PassphraseDialog
    from tests.gui.helpers import menu_action

    unlock(qtbot, window, inspection_path)
    window.session.hint = "Demo passphrase: the first one"  # as the demo's unlock screen says
    menu_action(window, "File", "Change passphrase…").trigger()
    dialog = window.findChild(PassphraseDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    new = "a new and longer passphrase"
    for edit, text in ((dialog.current, "not the passphrase"), (dialog.new, new),
                       (dialog.again, new)):
        qtbot.keyClicks(edit, text)
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "not right" in dialog.message.text(), timeout=WAIT_MS)
    for edit in (dialog.new, dialog.again):  # the current one again is no change
        edit.setText(PASSPHRASE)
    dialog.current.setText(PASSPHRASE)
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.text() == (
        "The new passphrase is the current one; choose another."), timeout=WAIT_MS)
    for edit in (dialog.new, dialog.again):
        edit.setText(new)
    dialog.current.clear()
    qtbot.keyClicks(dialog.current, PASSPHRASE)
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    assert "Passphrase changed" in window.statusBar().currentMessage()
    assert window.session.hint == ""  # no longer the passphrase
    assert (dialog.current.text(), dialog.new.text(), dialog.again.text()) == ("", "", "")
    window.lock()
    with pytest.raises(WrongPassphrase):
        Inspection.open(inspection_path, PASSPHRASE)
    unlock(qtbot, window, inspection_path, new)


def test_a_note_deleted_while_locked_is_not_brought_back_and_nothing_is_said(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    note_id = select_note(qtbot, opened, "EHC plan timeliness")
    opened.lock()
    with Inspection.open(inspection_path, PASSPHRASE) as other:  # the command line, say
        other.delete_note(note_id)
    unlock(qtbot, opened, inspection_path)
    settle(qtbot, opened)
    assert error_dialogs(opened) == [] and opened.workspace.editor.note_id != note_id


def test_a_note_typed_just_before_locking_comes_back_after_unlocking(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    workspace = opened.workspace
    workspace.editor.timer.setInterval(60_000)  # locked before the pause would save it
    ctrl(qtbot, workspace.list.search, Qt.Key.Key_N)
    qtbot.keyClicks(workspace.editor.text, "Written a moment before the lock.")
    opened.lock()
    unlock(qtbot, opened, inspection_path)
    qtbot.waitUntil(lambda: workspace.editor.text.toPlainText()
                    == "Written a moment before the lock.", timeout=WAIT_MS)
