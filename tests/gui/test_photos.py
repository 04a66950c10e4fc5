"""Photos on a note: add (dialog or drop), thumbnails, full-size view, remove, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox

from inspector_app.core.errors import StorageError
from inspector_app.core.store import Inspection
from inspector_app.gui.editor import NoteEditor
from inspector_app.gui.evidence_model import COLUMNS
from inspector_app.gui.main_window import MainWindow
from inspector_app.gui.photos import PhotoDialog
from tests.gui.helpers import (
    WAIT_MS,
    click,
    ctrl,
    error_dialogs,
    make_jpeg,
    note_with_text,
    notes_on_disk,
    select_note,
)

HEADING = "Supported internships at the FE college"


@pytest.fixture
def jpeg(tmp_path: Path) -> Path:
    return make_jpeg(tmp_path / "noticeboard.jpg")


@pytest.fixture
def editor(qtbot, opened: MainWindow) -> NoteEditor:
    """The editor showing a saved note."""
    select_note(qtbot, opened, HEADING)
    return opened.workspace.editor


def attachments(path: Path, note_id: str) -> tuple[str, ...]:
    return {n.id: n for n in notes_on_disk(path)}[note_id].attachments


def photos_column(window: MainWindow, note_id: str) -> str:
    evidence = window.workspace.list
    row = evidence.model.row_of(note_id)
    return evidence.model.index(row, COLUMNS.index("Photos")).data()


def test_add_a_photo_with_the_button_then_remove_it(
    qtbot,
    opened: MainWindow,
    editor: NoteEditor,
    jpeg: Path,
    inspection_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    strip = editor.photos
    assert strip.empty.isVisible() and not strip.remove.isEnabled()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args, **kwargs: ([str(jpeg)], ""))
    click(qtbot, strip.add)
    qtbot.waitUntil(lambda: strip.thumbs.count() == 1, timeout=WAIT_MS)
    assert strip.thumbs.isVisible() and not strip.empty.isVisible()
    assert strip.remove.isEnabled() and not strip.busy.isVisible()
    assert not strip.thumbs.item(0).icon().isNull()
    assert strip.thumbs.item(0).data(Qt.ItemDataRole.AccessibleTextRole) == "Photo 1"
    [attachment] = attachments(inspection_path, editor.note_id)
    assert strip.thumbs.item(0).data(Qt.ItemDataRole.UserRole) == attachment
    qtbot.waitUntil(lambda: photos_column(opened, editor.note_id) == "1", timeout=WAIT_MS)

    click(qtbot, strip.remove)
    answer(qtbot, strip, "Cancel")  # the default: Enter or Escape keeps the photo
    qtbot.wait(200)
    assert strip.thumbs.count() == 1
    assert attachments(inspection_path, editor.note_id) == (attachment,)

    click(qtbot, strip.remove)
    answer(qtbot, strip, "&Remove photo")
    qtbot.waitUntil(lambda: strip.thumbs.count() == 0, timeout=WAIT_MS)
    assert strip.empty.isVisible() and not strip.remove.isEnabled()
    assert attachments(inspection_path, editor.note_id) == ()
    qtbot.waitUntil(lambda: photos_column(opened, editor.note_id) == "", timeout=WAIT_MS)


def test_the_delete_key_on_a_photo_removes_that_photo_not_the_note(
    qtbot, opened: MainWindow, editor: NoteEditor, jpeg: Path, inspection_path: Path
) -> None:
    strip = editor.photos
    editor.add_photos([jpeg])
    qtbot.waitUntil(lambda: strip.thumbs.count() == 1, timeout=WAIT_MS)
    strip.thumbs.setFocus()
    strip.thumbs.setCurrentRow(0)
    qtbot.keyClick(strip.thumbs, Qt.Key.Key_Delete)
    answer(qtbot, strip, "&Remove photo")
    qtbot.waitUntil(lambda: strip.thumbs.count() == 0, timeout=WAIT_MS)
    assert attachments(inspection_path, editor.note_id) == ()  # the note is still there
    # Nor does Delete on a tick or a choice delete the note; the status bar says how to.
    opened.activateWindow()  # back from the question box
    for widget in (editor.outcomes.list, editor.questions["A"]):
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus, timeout=WAIT_MS)
        opened.statusBar().clearMessage()
        qtbot.keyClick(widget, Qt.Key.Key_Delete)
        assert "choose it in the list" in opened.statusBar().currentMessage()
    qtbot.wait(200)
    assert editor.note_id in {n.id for n in notes_on_disk(inspection_path)}
    assert opened.workspace.undo_stack.count() == 0


def answer(qtbot, strip, button_text: str) -> None:
    """Press a button of the open "Remove photo" question, checking Cancel is its default."""
    qtbot.waitUntil(lambda: bool(questions(strip)), timeout=WAIT_MS)
    [box] = questions(strip)
    assert box.defaultButton().text() == "Cancel"
    [button] = [b for b in box.buttons() if b.text() == button_text]
    click(qtbot, button)
    qtbot.waitUntil(lambda: not questions(strip), timeout=WAIT_MS)


def questions(strip) -> list[QMessageBox]:
    return [b for b in strip.findChildren(QMessageBox) if b.isVisible()]


def test_a_photo_opens_full_size_by_keyboard(qtbot, editor: NoteEditor, jpeg: Path) -> None:
    editor.photos.add_requested.emit([jpeg])
    thumbs = editor.photos.thumbs
    qtbot.waitUntil(lambda: thumbs.count() == 1, timeout=WAIT_MS)
    thumbs.setFocus()
    thumbs.setCurrentRow(0)
    qtbot.keyClick(thumbs, Qt.Key.Key_Return)

    def dialogs() -> list[PhotoDialog]:
        return [d for d in editor.findChildren(PhotoDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: len(dialogs()) == 1, timeout=WAIT_MS)
    [dialog] = dialogs()
    label = next(x for x in dialog.findChildren(QLabel) if x.accessibleName() == "Photo, full size")
    assert (label.pixmap().width(), label.pixmap().height()) == (640, 480)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_dropping_a_photo_on_the_editor_adds_it(
    qtbot, editor: NoteEditor, jpeg: Path, inspection_path: Path
) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(jpeg))])
    enter = QDragEnterEvent(
        QPoint(20, 20),  # Qt's signature: a drag enters at a QPoint, a drop lands at a QPointF
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(editor, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(editor, drop)
    qtbot.waitUntil(lambda: editor.photos.thumbs.count() == 1, timeout=WAIT_MS)
    assert len(attachments(inspection_path, editor.note_id)) == 1


def test_a_photo_on_a_new_note_saves_the_note_first(
    qtbot, opened: MainWindow, jpeg: Path, inspection_path: Path
) -> None:
    editor = opened.workspace.editor
    ctrl(qtbot, opened.workspace.list.search, Qt.Key.Key_N)
    editor.photos.add_requested.emit([jpeg])
    assert editor.state.text() == "Write a title or a line of text first, then add photos."
    assert editor.note_id is None

    qtbot.keyClicks(editor.text, "Noticeboard in the reception area")
    editor.photos.add_requested.emit([jpeg])
    qtbot.waitUntil(lambda: editor.photos.thumbs.count() == 1, timeout=WAIT_MS)
    saved = note_with_text(inspection_path, "Noticeboard in the reception")
    assert saved is not None and len(saved.attachments) == 1


def test_a_broken_photo_shows_one_dialog_and_the_window_carries_on(
    qtbot, opened: MainWindow, editor: NoteEditor, tmp_path: Path, inspection_path: Path
) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_text("this is a shopping list, not a photo\n")
    editor.photos.add_requested.emit([broken])
    qtbot.waitUntil(lambda: len(error_dialogs(opened)) == 1, timeout=WAIT_MS)
    [box] = error_dialogs(opened)
    assert box.windowTitle() == "Photo not added"
    assert "broken.jpg" in box.text()
    box.close()

    assert opened.isVisible() and opened.session.is_open
    assert editor.photos.add.isEnabled() and not editor.photos.busy.isVisible()
    assert editor.photos.thumbs.count() == 0
    assert attachments(inspection_path, editor.note_id) == ()
    # The editor still saves normally afterwards.
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        qtbot.keyClicks(editor.text, " Checked again.")


def test_a_broken_photo_among_several_stops_none_of_the_others(
    qtbot, opened: MainWindow, editor: NoteEditor, tmp_path: Path, inspection_path: Path
) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_text("this is a shopping list, not a photo\n")
    first, last = make_jpeg(tmp_path / "first.jpg"), make_jpeg(tmp_path / "last.jpg")
    editor.photos.add_requested.emit([first, broken, last])
    qtbot.waitUntil(lambda: len(error_dialogs(opened)) == 1, timeout=WAIT_MS)
    [box] = error_dialogs(opened)
    assert box.text().startswith("2 of 3 photos were added.") and "broken.jpg" in box.text()
    box.close()
    qtbot.waitUntil(lambda: editor.photos.thumbs.count() == 2, timeout=WAIT_MS)
    assert len(attachments(inspection_path, editor.note_id)) == 2


def test_photos_added_before_a_failure_are_shown_and_its_name_is_said_plainly(
    qtbot, opened: MainWindow, editor: NoteEditor, tmp_path: Path, monkeypatch
) -> None:
    first, second = make_jpeg(tmp_path / "first.jpg"), make_jpeg(tmp_path / "second.jpg")
    add_photo = Inspection.add_photo

    def disk_fills_up(self, note_id, path):
        if path == second:
            raise StorageError(f"The disk is full; '{path.stem}\u202egpj.exe' was not saved.")
        return add_photo(self, note_id, path)

    monkeypatch.setattr(Inspection, "add_photo", disk_fills_up)
    editor.photos.add_requested.emit([first, second])
    qtbot.waitUntil(lambda: len(error_dialogs(opened)) == 1, timeout=WAIT_MS)
    [box] = error_dialogs(opened)
    assert "\u202e" not in box.text() and "secondgpj.exe" in box.text()
    qtbot.waitUntil(lambda: editor.photos.thumbs.count() == 1, timeout=WAIT_MS)


def test_closing_the_window_while_a_photo_is_added_keeps_it(
    qtbot, opened: MainWindow, editor: NoteEditor, jpeg: Path, inspection_path: Path
) -> None:
    note_id = editor.note_id
    editor.photos.add_requested.emit([jpeg])
    assert editor.photos.busy.isVisible()  # the image work is running in the background
    opened.close()
    assert len(attachments(inspection_path, note_id)) == 1


def test_a_note_shown_anew_after_a_teammates_change_keeps_its_thumbnails(
    qtbot, opened: MainWindow, editor: NoteEditor, jpeg: Path, inspection_path: Path
) -> None:
    from inspector_app.core.store import Inspection
    from tests.conftest import PASSPHRASE

    editor.add_photos([jpeg])
    qtbot.waitUntil(lambda: editor.photos.thumbs.count() == 1, timeout=WAIT_MS)
    editor.timer.setInterval(60_000)
    qtbot.keyClicks(editor.text, " More.")
    with Inspection.open(inspection_path, PASSPHRASE) as other:
        other.edit_note(editor.note_id, judgement="weakness")
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        editor.save()  # merges the teammate's judgement in, and shows it
    qtbot.waitUntil(lambda: editor.judgement.checkedButton().property("code") == "weakness",
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: editor.photos.thumbs.count() == 1, timeout=WAIT_MS)


def test_a_photo_dropped_on_the_notes_text_is_added_as_a_photo_not_as_its_path(
    qtbot, opened: MainWindow, inspection_path: Path, tmp_path: Path
) -> None:
    editor = opened.workspace.editor
    note_id = select_note(qtbot, opened, "EHC plan timeliness")
    text = editor.text.toPlainText()
    photo = make_jpeg(tmp_path / "ramp.jpg")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    mime.setText(QUrl.fromLocalFile(str(photo)).toString())  # as file managers send it
    where = editor.text.viewport()
    centre = QPointF(where.rect().center())
    for event in (
        QDragEnterEvent(centre.toPoint(), Qt.DropAction.CopyAction, mime,
                        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier),
        QDropEvent(centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                   Qt.KeyboardModifier.NoModifier),
    ):
        QApplication.sendEvent(where, event)
    qtbot.waitUntil(lambda: len(attachments(inspection_path, note_id)) == 1,
                    timeout=WAIT_MS)
    assert editor.text.toPlainText() == text  # no "file:///…" typed into the note


def test_a_copied_photo_file_pasted_in_the_text_is_added_and_a_copied_picture_is_explained(
    qtbot, opened: MainWindow, editor: NoteEditor, tmp_path: Path
) -> None:
    from PySide6.QtGui import QImage

    text = editor.text.toPlainText()
    photo = make_jpeg(tmp_path / "Child A's ramp.jpg")
    copied = QMimeData()
    copied.setUrls([QUrl.fromLocalFile(str(photo))])
    copied.setText(QUrl.fromLocalFile(str(photo)).toString())  # as file managers copy it
    QApplication.clipboard().setMimeData(copied)
    editor.text.setFocus()
    ctrl(qtbot, editor.text, Qt.Key.Key_V)
    qtbot.waitUntil(lambda: editor.photos.thumbs.count() == 1, timeout=WAIT_MS)
    assert editor.text.toPlainText() == text  # the path, which names a child, is not typed
    title = editor.title.text()
    editor.title.setFocus()
    ctrl(qtbot, editor.title, Qt.Key.Key_V)  # nor into the title
    assert editor.title.text() == title and "cannot be pasted" in editor.state.text()

    picture = QMimeData()
    picture.setImageData(QImage(40, 30, QImage.Format.Format_RGB32))
    QApplication.clipboard().setMimeData(picture)
    ctrl(qtbot, editor.text, Qt.Key.Key_V)
    QApplication.clipboard().clear()  # nothing of this test's left behind on the clipboard
    assert "save it as a file" in editor.state.text() and editor.text.toPlainText() == text
