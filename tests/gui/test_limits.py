"""Text past what the file keeps: the boxes refuse the excess as it comes in and say so, and
typing that still cannot be saved is never dropped without a word (on switching notes,
locking or closing)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from inspector_app.core.errors import StorageError
from inspector_app.core.models import MAX_LINE, MAX_TEXT
from inspector_app.gui import operations as ops
from inspector_app.gui.evidence_model import ID_ROLE
from inspector_app.gui.main_window import MainWindow
from tests.gui.helpers import (
    WAIT_MS,
    error_dialogs,
    focused,
    new_note,
    note_with_text,
    select_note,
    tab_to,
)
from tests.gui.test_findings_page import open_with_finding


def paste(qtbot, widget, text: str) -> None:
    QApplication.clipboard().setText(text)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_a_title_pasted_past_its_limit_is_not_taken_and_the_note_is_saved(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    editor = opened.workspace.editor
    select_note(qtbot, opened, "EHC plan timeliness")
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.text, " Checked on day two.")
    editor.title.selectAll()
    paste(qtbot, editor.title, "T" * (MAX_LINE + 40))
    assert editor.title.text() == "EHC plan timeliness"  # not taken, and said
    assert "300 characters at most" in opened.statusBar().currentMessage()
    editor.title.selectAll()
    paste(qtbot, editor.title, "🏫" * MAX_LINE)  # an emoji is one character, as the file counts
    assert editor.title.text() == "🏫" * MAX_LINE
    opened.lock()
    assert opened.unlock.message.text() == "Locked. Your notes are saved."
    saved = note_with_text(inspection_path, "Checked on day two.")
    assert saved is not None and saved.title == "🏫" * MAX_LINE


def test_a_paste_that_would_pass_the_texts_limit_is_refused_and_said(
    qtbot, opened: MainWindow
) -> None:
    editor = opened.workspace.editor
    select_note(qtbot, opened, "EHC plan timeliness")
    before = editor.text.toPlainText()
    paste(qtbot, editor.text, "x" * MAX_TEXT)
    assert editor.text.toPlainText() == before
    assert "Not pasted: the note" in editor.state.text() and "200,000" in editor.state.text()
    assert "Not pasted" in opened.statusBar().currentMessage()
    paste(qtbot, editor.text, " A short line.")  # what fits still goes in
    assert " A short line." in editor.text.toPlainText()


def over_the_limit(qtbot, window: MainWindow) -> str:
    """A note whose text went past the limit some way no box stops (the last key typed):
    its save fails. Returns its id."""
    editor = window.workspace.editor
    note_id = select_note(qtbot, window, "EHC plan timeliness")
    editor.title.setText("Timeliness, rechecked")
    editor.text.setPlainText("y" * (MAX_TEXT + 1))
    qtbot.waitUntil(lambda: "Not saved" in editor.state.text(), timeout=WAIT_MS)
    return note_id


def test_a_note_that_cannot_be_saved_stays_shown_when_another_is_chosen(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    editor = opened.workspace.editor
    note_id = over_the_limit(qtbot, opened)
    table = opened.workspace.list.table
    other = next(row for row in range(table.model().rowCount())
                 if table.model().index(row, 0).data(ID_ROLE) != note_id)
    table.selectRow(other)
    qtbot.waitUntil(lambda: bool(error_dialogs(opened)), timeout=WAIT_MS)
    assert "This note is not saved yet: The note's text is 200,001 characters" in (
        error_dialogs(opened)[0].text()
    )
    # The note and what was typed in it are still there, and chosen in the list.
    assert editor.note_id == note_id and editor.title.text() == "Timeliness, rechecked"
    assert opened.workspace.list.selected_id() == note_id
    for box in error_dialogs(opened):
        box.accept()
    opened.workspace.new_note()  # Ctrl+N: the same
    assert editor.note_id == note_id and editor.title.text() == "Timeliness, rechecked"
    assert error_dialogs(opened)
    # Put right, it is saved, and the other note can be chosen.
    editor.text.setPlainText("Rechecked: the plan was late.")
    qtbot.waitUntil(lambda: note_with_text(inspection_path, "Rechecked: the plan") is not None,
                    timeout=WAIT_MS)


def test_locking_says_what_could_not_be_saved_instead_of_all_saved(
    qtbot, opened: MainWindow
) -> None:
    over_the_limit(qtbot, opened)
    opened.lock()
    said = opened.unlock.message.text()
    assert said.startswith("The changes to the open note were not saved: The note's text is")
    assert "Timeliness" not in said  # the locked screen shows none of the note


def test_closing_with_typing_that_cannot_be_saved_asks_first(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    over_the_limit(qtbot, opened)
    opened.close()
    box = opened.findChild(QMessageBox, "closeAnyway")
    assert box is not None and box.isVisible() and opened.session.is_open
    assert "not saved" in box.text() and "Close anyway" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert opened.isVisible() and opened.workspace.editor.title.text() == "Timeliness, rechecked"
    opened.close()
    box = opened.findChild(QMessageBox, "closeAnyway")
    next(b for b in box.buttons() if b.text() == "Close anyway").click()
    qtbot.waitUntil(lambda: not opened.isVisible(), timeout=WAIT_MS)
    assert not opened.session.is_open


def test_a_finding_that_cannot_be_saved_is_said_on_lock(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    page = open_with_finding(qtbot, window, inspection_path, "Plans are late.")
    page.text.setPlainText("z" * (MAX_TEXT + 1))
    window.lock()
    assert window.unlock.message.text().startswith(
        "The finding being written was not saved: The finding's text is 200,001 characters"
    )


def test_a_pseudonym_too_long_for_the_register_is_not_added_and_typing_is_saved(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    editor = opened.workspace.editor
    select_note(qtbot, opened, "EHC plan timeliness")
    ticked = editor.children.checked()
    editor.children.new.setText("\x07\x1b")  # control characters alone are no pseudonym
    qtbot.keyClick(editor.children.new, Qt.Key.Key_Return)
    assert editor.children.checked() == ticked
    assert "Not added" in opened.statusBar().currentMessage()
    editor.children.new.clear()
    paste(qtbot, editor.children.new, "Child " + "Z" * 80)
    assert editor.children.new.text() == ""  # not taken: the register keeps 60 characters
    paste(qtbot, editor.children.new, "Child " + "Z" * 54)
    qtbot.keyClick(editor.children.new, Qt.Key.Key_Return)
    assert editor.children.checked() == [*ticked, "Child " + "Z" * 54]
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.text, " Seen with the SENCo.")
    opened.lock()
    assert opened.unlock.message.text() == "Locked. Your notes are saved."
    saved = note_with_text(inspection_path, "Seen with the SENCo.")
    assert saved is not None and saved.children == (*ticked, "Child " + "Z" * 54)


def test_tab_into_the_list_keeps_a_new_note_being_written(qtbot, opened: MainWindow) -> None:
    editor = opened.workspace.editor
    opened.activateWindow()
    new_note(qtbot, opened)
    editor.kind.setCurrentIndex(editor.kind.findData("visit"))
    assert tab_to(qtbot, opened.workspace.list.table, key=Qt.Key.Key_Backtab)
    qtbot.wait(200)  # a note asked for would be on its way
    qtbot.waitUntil(lambda: not opened.session.runner.busy(), timeout=WAIT_MS)
    QApplication.processEvents()
    assert editor.note_id is None and editor.kind.currentData() == "visit"
    assert editor.kind.isEnabled()  # still the new note, its kind still to choose
    assert focused() is opened.workspace.list.table


def test_ctrl_n_tries_the_save_again_once_it_can_succeed(
    qtbot, opened: MainWindow, monkeypatch, inspection_path: Path
) -> None:
    editor = opened.workspace.editor
    select_note(qtbot, opened, "EHC plan timeliness")
    save_note = ops.save_note
    calls = []

    def full_once(*args, **kw):  # the disk is full, then space is freed
        calls.append(1)
        if len(calls) == 1:
            raise StorageError("The disk is full; free some space.")
        return save_note(*args, **kw)

    monkeypatch.setattr(ops, "save_note", full_once)
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.text, " Typed before the disk filled.")
    qtbot.waitUntil(lambda: editor.unsaved != "", timeout=WAIT_MS)
    for box in error_dialogs(opened):
        box.accept()
    opened.workspace.new_note()
    assert editor.note_id is None and editor.kind.isEnabled()  # a new note, at once
    assert note_with_text(inspection_path, "Typed before the disk filled.") is not None


def test_a_paste_shows_what_will_be_saved_without_the_characters_never_kept(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    editor = opened.workspace.editor
    select_note(qtbot, opened, "EHC plan timeliness")
    editor.text.selectAll()
    paste(qtbot, editor.text, "before\x00NUL\x1b[31mred\x85 \u202eafter\r\nnext")
    shown = editor.text.toPlainText()
    assert shown == "beforeNUL[31mred after\nnext"
    opened.lock()
    assert note_with_text(inspection_path, "beforeNUL").text == shown


def test_a_key_typed_at_the_texts_limit_is_taken_back_and_said(qtbot) -> None:
    from inspector_app.gui.text_limits import LimitedText

    box = LimitedText("note's text", limit=12)
    qtbot.addWidget(box)
    said = []
    box.refused.connect(said.append)
    qtbot.keyClicks(box, "Twelve chars")
    assert box.toPlainText() == "Twelve chars" and said == []
    qtbot.keyClicks(box, "!")
    assert box.toPlainText() == "Twelve chars"
    assert said == ["The note's text is at its limit of 12 characters; split it."]
    # Undo still walks back through the typing; a key that replaces a selection is taken.
    box.undo()
    assert box.toPlainText() == ""
    box.setPlainText("Two lines.\nAt limit.")
    cursor = box.textCursor()
    cursor.setPosition(2)
    box.setTextCursor(cursor)
    # An input method's letter (an accent, say) at the limit changes nothing at all.
    from PySide6.QtGui import QInputMethodEvent

    box.limit = len(box.toPlainText())
    event = QInputMethodEvent()
    event.setCommitString("é")
    QApplication.sendEvent(box, event)
    assert box.toPlainText() == "Two lines.\nAt limit." and len(said) == 2
    box.selectAll()
    qtbot.keyClicks(box, "X")
    assert box.toPlainText() == "X"
