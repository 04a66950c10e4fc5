"""The Findings page: findings per question and judgement, built from notes, and the draft."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDesktopServices, QDropEvent, QTextCursor
from PySide6.QtWidgets import QMessageBox, QPushButton

from inspector_app.core import findings
from inspector_app.core.store import Inspection
from inspector_app.gui.evidence_model import NOTE_IDS_MIME
from inspector_app.gui.findings_page import FindingsPage
from inspector_app.gui.main_window import MainWindow
from inspector_app.gui.names_dialog import NamesDialog
from tests.conftest import PASSPHRASE
from tests.gui.helpers import WAIT_MS, ctrl, focused, select_note, unlock


def page_of(window: MainWindow) -> FindingsPage:
    page = window.workspace.findings
    window.workspace.tabs.setCurrentWidget(page)
    return page


def on_disk(path: Path) -> list:
    with Inspection.open(path, PASSPHRASE) as inspection:
        return findings.findings(inspection)


def press(page: FindingsPage, name: str) -> None:
    from PySide6.QtWidgets import QPushButton

    next(b for b in page.findChildren(QPushButton) if b.accessibleName() == name).click()


def test_a_finding_made_from_the_selected_note_is_saved_with_it_as_evidence(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    note_id = select_note(qtbot, opened, "EHC plan timeliness")
    page = page_of(opened)
    page.question.setCurrentIndex(page.question.findData("B"))
    page.judgement.setCurrentIndex(page.judgement.findData("weakness"))
    page.text.setPlainText("Too few EHC plans are issued within 20 weeks.")
    page.main.setChecked(True)
    press(page, "New finding")
    column = page.columns["weakness"]
    qtbot.waitUntil(lambda: column.count() == 1, timeout=WAIT_MS)
    assert column.item(0).text().startswith("★ Too few EHC plans")
    opened.lock()
    [saved] = on_disk(inspection_path)
    assert (saved.question, saved.judgement, saved.main) == ("B", "weakness", True)
    assert saved.evidence == (note_id,)


def test_on_a_laptop_each_column_has_room_for_several_findings(
    qtbot, opened: MainWindow
) -> None:
    opened.resize(1280, 800)
    page = page_of(opened)
    qtbot.waitUntil(lambda: page.isVisible(), timeout=WAIT_MS)
    lines = page.text.fontMetrics().lineSpacing()
    for column in page.columns.values():  # three findings of three lines each, at least
        assert column.height() >= 9 * lines, (column.height(), lines)
    assert page.text.height() >= 5 * lines  # and the finding being written still has room
    assert all(column.alternatingRowColors() for column in page.columns.values())


def test_a_question_without_findings_says_how_to_start_and_alt_q_chooses_the_question(
    qtbot, opened: MainWindow
) -> None:
    page = page_of(opened)
    page.question.setCurrentIndex(page.question.findData("C"))
    qtbot.waitUntil(page.empty.isVisible, timeout=WAIT_MS)
    # A whole question is long: in a narrow window its box ends with an ellipsis.
    page.question.resize(300, page.question.height())
    shown = page.question.shown_text()
    assert shown.endswith("…") and page.question.currentText().startswith(shown[:-1])
    assert page.question.minimumSizeHint().width() < 400 and not page.question.grab().isNull()
    assert "No findings for question C yet" in page.empty.text()
    page.text.setFocus()
    qtbot.keyClick(page.text, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    assert page.question.hasFocus()

    select_note(qtbot, opened, "EHC plan timeliness")
    page = page_of(opened)
    page.question.setCurrentIndex(page.question.findData("C"))
    page.text.setPlainText("Leaders know the area's strengths.")
    press(page, "New finding")
    qtbot.waitUntil(lambda: page.columns["strength"].count() == 1, timeout=WAIT_MS)
    assert not page.empty.isVisible()


def test_without_a_selected_note_the_page_says_what_to_do(qtbot, opened: MainWindow) -> None:
    page = page_of(opened)
    opened.workspace.list.table.selectionModel().clear()
    press(page, "New finding")
    qtbot.waitUntil(lambda: "Select a note" in page.message.text(), timeout=WAIT_MS)
    assert all(column.count() == 0 for column in page.columns.values())


def make_finding(path: Path, text: str, judgement: str = "development") -> tuple[str, list]:
    with Inspection.open(path, PASSPHRASE) as inspection:
        notes = inspection.notes()
        item = findings.add_finding(inspection, question="A", judgement=judgement, text=text,
                                    evidence=[notes[0].id])
        return item.id, [n.id for n in notes]


def open_with_finding(qtbot, window: MainWindow, path: Path, text: str, **kw) -> FindingsPage:
    from tests.gui.helpers import unlock

    finding_id, _ = make_finding(path, text, **kw)
    unlock(qtbot, window, path)
    page = page_of(window)
    page.question.setCurrentIndex(page.question.findData("A"))
    column = page.columns[kw.get("judgement", "development")]
    qtbot.waitUntil(lambda: column.count() >= 1, timeout=WAIT_MS)
    column.setCurrentRow(0)
    return page


def test_editing_and_saving_a_finding(qtbot, window: MainWindow, inspection_path: Path) -> None:
    page = open_with_finding(qtbot, window, inspection_path, "Waits are long.")
    qtbot.waitUntil(lambda: page.text.toPlainText() == "Waits are long.", timeout=WAIT_MS)
    page.text.setPlainText("Families of under-fives wait too long after the two-year check.")
    press(page, "Save finding")
    qtbot.waitUntil(lambda: page.message.text() == "Finding saved.", timeout=WAIT_MS)
    window.lock()
    [saved] = on_disk(inspection_path)
    assert saved.text.startswith("Families of under-fives")


def waits_are_long(qtbot, window: MainWindow, path: Path):
    """The page showing one finding, its column, the finding as saved, and the notes that
    are not its evidence."""
    page = open_with_finding(qtbot, window, path, "Waits are long.")
    [first] = on_disk(path)
    others = [n for n in window.workspace.list.model.rows if n.id not in first.evidence]
    return page, page.columns["development"], first, others


def test_notes_dropped_on_a_finding_become_its_evidence(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    page, column, first, others = waits_are_long(qtbot, window, inspection_path)
    others = others[:2]
    mime = QMimeData()
    mime.setData(NOTE_IDS_MIME, "\n".join(n.id for n in others).encode())
    centre = QPointF(column.visualItemRect(column.item(0)).center())
    drop = QDropEvent(centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    column.dropEvent(drop)  # the column's own handler, as Qt calls it on a real drop
    qtbot.waitUntil(lambda: "3 notes" in column.item(0).text(), timeout=WAIT_MS)
    window.lock()
    [saved] = on_disk(inspection_path)
    assert set(saved.evidence) == {*first.evidence, *(n.id for n in others)}


def test_reordering_findings_is_saved(qtbot, window: MainWindow, inspection_path: Path) -> None:
    make_finding(inspection_path, "First in order.")
    page = open_with_finding(qtbot, window, inspection_path, "Second in order.")
    column = page.columns["development"]
    qtbot.waitUntil(lambda: column.count() == 2, timeout=WAIT_MS)
    column.reordered.emit(list(reversed(column.ids())))
    qtbot.waitUntil(lambda: column.item(0).text().startswith("Second"), timeout=WAIT_MS)
    window.lock()
    assert [f.text for f in on_disk(inspection_path)] == ["Second in order.", "First in order."]


def test_alt_and_the_arrows_move_a_finding_within_its_column(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    make_finding(inspection_path, "First in order.")
    page = open_with_finding(qtbot, window, inspection_path, "Second in order.")
    column = page.columns["development"]
    qtbot.waitUntil(lambda: column.count() == 2, timeout=WAIT_MS)
    second = next(r for r in range(2) if column.item(r).text().startswith("Second"))
    column.setFocus()
    column.setCurrentRow(second)
    key = Qt.Key.Key_Up if second == 1 else Qt.Key.Key_Down
    qtbot.keyClick(column, key, Qt.KeyboardModifier.AltModifier)
    assert column.currentItem().text().startswith("Second")  # still the one chosen
    window.lock()
    texts = [f.text for f in on_disk(inspection_path)]
    expected = ["Second in order.", "First in order."]
    assert texts == (expected if second == 1 else expected[::-1])


def names_dialog(qtbot, window: MainWindow) -> NamesDialog:
    """The box that stops a draft naming a child, once it shows."""
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(NamesDialog)),
                    timeout=WAIT_MS)
    return next(d for d in window.findChildren(NamesDialog) if d.isVisible())


def test_the_draft_is_exported_and_a_childs_name_stops_it_until_confirmed(
    qtbot, window: MainWindow, inspection_path: Path, tmp_path: Path
) -> None:
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        inspection.add_child("Child A", "Jordan Whitfield")
    page = open_with_finding(qtbot, window, inspection_path, "Jordan Whitfield waited a year.")
    out = tmp_path / "draft.docx"
    page.export_to(out)
    box = names_dialog(qtbot, window)
    places = [box.places.item(i).text() for i in range(box.places.count())]
    assert places and all("Child A" in p and "Jordan" not in p for p in places)
    # The finding is named by where it stands on the page, not by an id.
    assert "The finding question A, area for development no. 1 contains Child A's real name" \
        in places
    assert box.sizeHint().width() <= 700  # its sentences wrap: it fits a small laptop's screen
    assert not out.exists()
    # Enter does not export it by accident: Cancel is the default.
    from PySide6.QtWidgets import QDialogButtonBox
    buttons = box.findChild(QDialogButtonBox)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.isDefault()
    # Tab goes through the buttons as they stand, left to right.
    anyway = next(b for b in box.findChildren(QPushButton) if b.text() == "Export anyway")
    left, right = sorted((anyway, cancel), key=lambda b: b.mapTo(box, QPoint()).x())
    box.activateWindow()
    box.places.setFocus()
    qtbot.keyClick(box.places, Qt.Key.Key_Tab)
    assert focused() is left
    qtbot.keyClick(left, Qt.Key.Key_Tab)
    assert focused() is right
    # Enter on the finding's place shows that finding, ready to be changed.
    finding_place = next(i for i in range(box.places.count())
                         if box.places.item(i).text().startswith("The finding"))
    box.places.itemActivated.emit(box.places.item(finding_place))
    qtbot.waitUntil(lambda: page.text.toPlainText().startswith("Jordan"), timeout=WAIT_MS)
    page.export_to(out)
    box = names_dialog(qtbot, window)
    next(b for b in box.findChildren(QPushButton) if b.text() == "Export anyway").click()
    qtbot.waitUntil(out.exists, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "Draft written" in page.message.text(), timeout=WAIT_MS)


def test_a_register_entry_that_cannot_be_read_stops_the_draft_until_confirmed(
    qtbot, window: MainWindow, inspection_path: Path, tmp_path: Path
) -> None:
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        inspection.add_child("Child A", "Jordan Whitfield")
    with closing(sqlite3.connect(inspection_path)) as conn:  # the names check loses the name
        removed = conn.execute("DELETE FROM records WHERE type = 'child'").rowcount
        conn.commit()
    page = open_with_finding(qtbot, window, inspection_path, "Jordan Whitfield waited a year.")
    out = tmp_path / "draft.docx"
    page.export_to(out)
    box = names_dialog(qtbot, window)
    assert [box.places.item(i).text() for i in range(box.places.count())] == [
        f"{removed} child-register entries are damaged or missing, so the draft cannot be "
        "checked for those names."
    ]
    box.places.itemActivated.emit(box.places.item(0))  # nothing to open: the box stays
    assert box.isVisible() and not out.exists()
    next(b for b in box.findChildren(QPushButton) if b.text() == "Export anyway").click()
    qtbot.waitUntil(out.exists, timeout=WAIT_MS)


def test_a_draft_named_without_its_ending_is_saved_as_a_word_file(
    qtbot, window: MainWindow, inspection_path: Path, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    asked = {}

    def save_as(_parent, _title, suggested, _filter):
        asked["suggested"] = Path(suggested)
        return str(tmp_path / "northmoor-draft"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    opened_urls = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened_urls.append(url) or True)
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(documents))
    page = open_with_finding(qtbot, window, inspection_path, "Waits are long.")
    assert not page.open_draft.isVisible()
    page._choose_export()
    qtbot.waitUntil((tmp_path / "northmoor-draft.docx").exists, timeout=WAIT_MS)
    assert not (tmp_path / "northmoor-draft").exists()
    # Suggested for the report writer: in Documents, named after the area.
    assert asked["suggested"] == documents / "Northmoor draft findings.docx"
    qtbot.waitUntil(page.open_draft.isVisible, timeout=WAIT_MS)
    page.open_draft.click()
    assert [u.toLocalFile() for u in opened_urls] == [str(tmp_path / "northmoor-draft.docx")]
    window.lock()  # a draft of this file is not offered once it is locked (or another opens)
    assert page.open_draft.isHidden() and page.written is None


def test_tab_goes_from_the_question_through_the_columns_to_the_finding(
    qtbot, opened: MainWindow
) -> None:
    page = page_of(opened)
    widget, seen = page.question, []
    for _ in range(len(page.columns) + 1):
        widget = widget.nextInFocusChain()
        while not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            widget = widget.nextInFocusChain()
        seen.append(widget)
    assert seen == [*page.columns.values(), page.judgement]


def test_every_control_on_the_findings_page_is_named(qtbot, opened: MainWindow) -> None:
    from PySide6.QtWidgets import QCheckBox, QComboBox, QListWidget, QPlainTextEdit, QPushButton

    page = page_of(opened)
    kinds = (QPushButton, QComboBox, QCheckBox, QListWidget, QPlainTextEdit)
    unnamed = [w for kind in kinds for w in page.findChildren(kind)
               if w.isVisible() and not w.accessibleName()]
    assert unnamed == []


def two_findings(qtbot, window: MainWindow, path: Path):
    """The Findings page with "First finding." and "Second finding." in one column."""
    make_finding(path, "Second finding.")
    page = open_with_finding(qtbot, window, path, "First finding.")
    column = page.columns["development"]
    qtbot.waitUntil(lambda: column.count() == 2, timeout=WAIT_MS)
    return page, column


def test_typing_in_a_finding_is_never_lost(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    page, column = two_findings(qtbot, window, inspection_path)
    column.setCurrentRow(next(r for r in range(2) if column.item(r).text().startswith("First")))
    qtbot.waitUntil(lambda: page.text.toPlainText() == "First finding.", timeout=WAIT_MS)

    # A pause in typing saves it, as notes are saved.
    page.text.setFocus()
    page.text.moveCursor(page.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(page.text, " Typed")
    qtbot.waitUntil(lambda: page.message.text() == "Finding saved.", timeout=WAIT_MS)
    assert page.text.textCursor().position() == len("First finding. Typed")  # not moved
    assert "First finding. Typed" in [f.text for f in on_disk(inspection_path)]

    # A reload of the page (any save anywhere) keeps what is being typed.
    page.timer.setInterval(60_000)
    qtbot.keyClicks(page.text, " more")
    window.workspace.reload()
    qtbot.wait(300)
    assert page.text.toPlainText() == "First finding. Typed more"

    # Choosing another finding saves this one first.
    column.setCurrentRow(next(r for r in range(2) if column.item(r).text().startswith("Second")))
    assert page.text.toPlainText() == "Second finding."
    qtbot.waitUntil(
        lambda: "First finding. Typed more" in [f.text for f in on_disk(inspection_path)],
        timeout=WAIT_MS,
    )

    # And locking saves what was typed a moment before.
    page.text.moveCursor(page.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(page.text, " Locked")
    window.lock()
    assert "Second finding. Locked" in [f.text for f in on_disk(inspection_path)]


def test_deleting_a_finding_asks_first(qtbot, window: MainWindow, inspection_path: Path) -> None:
    from PySide6.QtWidgets import QMessageBox

    page = open_with_finding(qtbot, window, inspection_path, "Doomed finding.")
    column = page.columns["development"]

    def question() -> QMessageBox | None:
        shown = [b for b in page.findChildren(QMessageBox, "deleteFinding") if b.isVisible()]
        return shown[0] if shown else None

    press(page, "Delete finding")
    qtbot.waitUntil(lambda: question() is not None, timeout=WAIT_MS)
    assert "Doomed finding." in question().text()
    assert question().defaultButton() is question().button(QMessageBox.StandardButton.Cancel)
    question().button(QMessageBox.StandardButton.Cancel).click()
    qtbot.wait(200)
    assert column.count() == 1 and len(on_disk_while_open(window)) == 1

    press(page, "Delete finding")
    qtbot.waitUntil(lambda: question() is not None, timeout=WAIT_MS)
    next(b for b in question().buttons() if "Delete" in b.text()).click()
    qtbot.waitUntil(lambda: column.count() == 0, timeout=WAIT_MS)
    assert page.message.text() == "Finding deleted. Press Ctrl+Z to bring it back."
    window.lock()
    assert on_disk(inspection_path) == []


def test_ctrl_z_brings_a_deleted_finding_back_where_findings_are_seen(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    page = open_with_finding(qtbot, window, inspection_path, "Doomed finding.")
    column = page.columns["development"]
    qtbot.waitUntil(lambda: page.text.toPlainText() == "Doomed finding.", timeout=WAIT_MS)
    press(page, "Delete finding")
    qtbot.waitUntil(lambda: page.findChild(QMessageBox, "deleteFinding") is not None,
                    timeout=WAIT_MS)
    box = page.findChild(QMessageBox, "deleteFinding")
    next(b for b in box.buttons() if "Delete" in b.text()).click()
    qtbot.waitUntil(lambda: column.count() == 0, timeout=WAIT_MS)
    assert window.undo_action.text().startswith("&Undo delete finding “Doomed finding.”")

    window.activateWindow()  # the question has gone: the window is the active one again
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    column.setFocus()
    ctrl(qtbot, column, Qt.Key.Key_Z)
    qtbot.waitUntil(lambda: column.count() == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.text.toPlainText() == "Doomed finding.", timeout=WAIT_MS)
    assert page.message.text() == "Finding brought back."
    [back] = on_disk_while_open(window)
    assert (back.text, back.judgement, len(back.evidence)) == ("Doomed finding.", "development", 1)

    # Elsewhere the deletion is not redone unseen: the status bar says where it works.
    window.workspace.tabs.setCurrentIndex(0)
    window.redo_action.trigger()
    assert window.statusBar().currentMessage() == (
        "Redo delete finding “Doomed finding.” works on the Findings tab."
    )
    assert len(on_disk_while_open(window)) == 1

    page_of(window)
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: column.count() == 0, timeout=WAIT_MS)
    assert page.message.text() == "Finding deleted again." and page.text.toPlainText() == ""
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: column.count() == 1, timeout=WAIT_MS)
    window.lock()
    assert [f.text for f in on_disk(inspection_path)] == ["Doomed finding."]


def test_deleting_a_note_a_finding_rests_on_asks_first(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    from PySide6.QtWidgets import QMessageBox

    finding_id, [evidence, *_] = make_finding(inspection_path, "Waits are long.")
    unlock(qtbot, window, inspection_path)
    workspace = window.workspace
    qtbot.waitUntil(lambda: len(workspace.findings.items) == 1, timeout=WAIT_MS)
    workspace.show_note(evidence)
    qtbot.waitUntil(lambda: workspace.editor.note_id == evidence, timeout=WAIT_MS)

    def question() -> QMessageBox | None:
        shown = [b for b in workspace.findChildren(QMessageBox, "deleteEvidence")
                 if b.isVisible()]
        return shown[0] if shown else None

    workspace.delete_current()
    qtbot.waitUntil(lambda: question() is not None, timeout=WAIT_MS)
    assert question().text().startswith("A finding rests on this note as evidence")
    question().button(QMessageBox.StandardButton.Cancel).click()
    qtbot.wait(200)
    assert workspace.editor.note_id == evidence
    assert evidence in {n.id for n in window.session.inspection.notes()}
    workspace.delete_current()
    qtbot.waitUntil(lambda: question() is not None, timeout=WAIT_MS)
    next(b for b in question().buttons() if "Delete" in b.text()).click()
    qtbot.waitUntil(lambda: workspace.list.model.row_of(evidence) == -1, timeout=WAIT_MS)


def on_disk_while_open(window: MainWindow) -> list:
    window.session.runner.wait()
    return findings.findings(window.session.inspection)


def test_a_finding_brought_back_while_another_is_being_typed_leaves_the_typing_where_it_is(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    doomed, _ = make_finding(inspection_path, "Doomed finding.")
    page = open_with_finding(qtbot, window, inspection_path, "Keeper finding.")
    column = page.columns["development"]
    qtbot.waitUntil(lambda: column.count() == 2, timeout=WAIT_MS)
    column.setCurrentRow(next(r for r in range(2) if column.item(r).text().startswith("Keeper")))
    qtbot.waitUntil(lambda: page.text.toPlainText() == "Keeper finding.", timeout=WAIT_MS)
    page.timer.setInterval(60_000)  # the typing is not saved by a pause meanwhile
    page.text.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(page.text, " More words.")
    window.session.runner.wait()
    inspection = window.session.inspection
    back = findings.restore_finding(inspection, findings.delete_finding(inspection, doomed))
    page._brought_back(back)  # the undo's answer, arriving while typing goes on
    assert page.text.toPlainText() == "Keeper finding. More words."
    assert page.message.text() == "Finding brought back."
    qtbot.keyClicks(page.text, " Still mine.")
    window.lock()
    assert sorted(f.text for f in on_disk(inspection_path)) == [
        "Doomed finding.", "Keeper finding. More words. Still mine."]


def test_evidence_is_added_from_the_selected_note_and_removed_from_the_finding(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    page, column, first, [other, *_] = waits_are_long(qtbot, window, inspection_path)
    select_note(qtbot, window, other.heading)
    page = page_of(window)
    press(page, "Add the selected note as evidence")
    qtbot.waitUntil(lambda: "2 notes" in column.item(0).text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.evidence.count() == 2, timeout=WAIT_MS)

    # Remove one: the finding keeps the other; the last one cannot go.
    row = next(i for i in range(2) if page.evidence.item(i).data(Qt.ItemDataRole.UserRole)
               == other.id)
    page.evidence.setCurrentRow(row)
    press(page, "Remove the chosen note from the evidence")
    qtbot.waitUntil(lambda: column.item(0).text().endswith("  ·  1 note"), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.evidence.count() == 1, timeout=WAIT_MS)
    page.evidence.setCurrentRow(0)
    press(page, "Remove the chosen note from the evidence")
    from tests.gui.helpers import error_dialogs
    qtbot.waitUntil(lambda: len(error_dialogs(window)) == 1, timeout=WAIT_MS)
    assert "at least one note" in error_dialogs(window)[0].text()
    window.lock()
    [saved] = on_disk(inspection_path)
    assert saved.evidence == first.evidence


def test_the_names_dialog_shows_the_finding_it_names_and_overwrites_nothing(
    qtbot, window: MainWindow, inspection_path: Path, tmp_path: Path
) -> None:
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        inspection.add_child("Child A", "Jordan Whitfield")
    named_id, _ = make_finding(inspection_path, "Jordan Whitfield waited a year.", "strength")
    page = open_with_finding(qtbot, window, inspection_path, "Another finding.")
    strength, development = page.columns["strength"], page.columns["development"]
    qtbot.waitUntil(lambda: strength.count() == 1, timeout=WAIT_MS)
    strength.setCurrentRow(0)  # the named one is current in its column...
    development.setCurrentRow(0)  # ...but another finding is shown
    qtbot.waitUntil(lambda: page.text.toPlainText() == "Another finding.", timeout=WAIT_MS)
    page.export_to(tmp_path / "draft.docx")
    box = names_dialog(qtbot, window)
    place = next(i for i in range(box.places.count())
                 if box.places.item(i).text().startswith("The finding"))
    box.places.itemActivated.emit(box.places.item(place))
    assert page.current.id == named_id
    assert page.text.toPlainText() == "Jordan Whitfield waited a year."
    qtbot.keyClicks(page.text, "X")  # and typing now edits that one
    window.lock()
    texts = {f.id: f.text for f in on_disk(inspection_path)}
    assert texts[named_id].startswith("X") and "Another finding." in texts.values()


def test_evidence_changes_keep_what_is_being_typed(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    page = open_with_finding(qtbot, window, inspection_path, "Waits are long.")
    qtbot.waitUntil(lambda: page.text.toPlainText() == "Waits are long.", timeout=WAIT_MS)
    [first] = on_disk_while_open(window)
    other = next(n for n in window.workspace.list.model.rows if n.id not in first.evidence)
    page.timer.setInterval(60_000)  # the pause has not ended when the button is pressed
    page.text.moveCursor(page.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(page.text, " Typed")
    page.add_evidence(other.id)
    column = page.columns["development"]
    qtbot.waitUntil(lambda: "2 notes" in column.item(0).text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.evidence.count() == 2, timeout=WAIT_MS)
    assert page.text.toPlainText() == "Waits are long. Typed"
    window.lock()
    [saved] = on_disk(inspection_path)
    assert saved.text == "Waits are long. Typed" and len(saved.evidence) == 2


def test_the_form_follows_the_question_and_a_new_findings_text_is_kept(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    page = open_with_finding(qtbot, window, inspection_path, "A question A finding.")
    qtbot.waitUntil(lambda: page.text.toPlainText() == "A question A finding.", timeout=WAIT_MS)
    page.question.setCurrentIndex(page.question.findData("B"))
    assert page.current is None and page.text.toPlainText() == ""  # nothing of A's shown

    qtbot.keyClicks(page.text, "A new finding, not yet made.")
    page.question.setCurrentIndex(page.question.findData("A"))
    page.columns["development"].setCurrentRow(0)
    assert page.text.toPlainText() == "A question A finding."
    assert "kept" in page.message.text()
    select_note(qtbot, window, "EHC plan timeliness")
    page = page_of(window)
    press(page, "New finding")  # with a finding shown, the kept text starts the new one
    qtbot.waitUntil(lambda: "A new finding, not yet made." in
                    [f.text for f in on_disk_while_open(window)], timeout=WAIT_MS)


def test_typing_after_new_finding_writes_the_new_findings_text(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    page = open_with_finding(qtbot, window, inspection_path, "Waits are long.")
    window.activateWindow()
    select_note(qtbot, window, "EHC plan timeliness")
    page = page_of(window)
    button = next(b for b in page.findChildren(QPushButton) if b.accessibleName() == "New finding")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: focused() is page.text, timeout=WAIT_MS)
    qtbot.keyClicks(focused(), "Transition planning is weak")  # spaces press no button
    qtbot.waitUntil(lambda: sorted(f.text for f in on_disk_while_open(window)) == [
        "Transition planning is weak", "Waits are long."], timeout=WAIT_MS)


def test_quick_moves_between_findings_show_each_ones_own_evidence(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    page, column = two_findings(qtbot, window, inspection_path)
    for row in (0, 1, 0, 1, 0):
        column.setCurrentRow(row)
    runner = window.session.runner
    qtbot.waitUntil(lambda: not runner.busy(), timeout=WAIT_MS)  # every answer has arrived
    shown = [page.evidence.item(i).data(Qt.ItemDataRole.UserRole)
             for i in range(page.evidence.count())]
    assert shown == list(page.current.evidence)


def test_a_new_findings_text_typed_before_its_evidence_survives_a_lock(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    page = page_of(window)
    qtbot.keyClicks(page.text, "Health advice is late in most plans.")
    window.lock()
    assert page.text.toPlainText() == ""  # nothing of it shown while locked
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        assert findings.findings(inspection) == []  # not a finding: it has no evidence yet
    unlock(qtbot, window, inspection_path)
    page = page_of(window)
    qtbot.waitUntil(
        lambda: page.text.toPlainText() == "Health advice is late in most plans.",
        timeout=WAIT_MS,
    )
    assert "is back" in page.message.text()
    page.text.clear()  # cleared, it stays gone
    window.lock()
    unlock(qtbot, window, inspection_path)
    page = page_of(window)
    qtbot.wait(300)
    assert page.text.toPlainText() == ""
    qtbot.keyClicks(page.text, "Health advice is late in most plans.")
    select_note(qtbot, window, "EHC plan timeliness")
    press(page_of(window), "New finding")
    qtbot.waitUntil(
        lambda: "Health advice is late in most plans." in
        [f.text for f in on_disk_while_open(window)],
        timeout=WAIT_MS,
    )
    window.lock()  # made into a finding, the kept text is gone: it does not come back
    unlock(qtbot, window, inspection_path)
    page = page_of(window)
    qtbot.wait(300)
    assert page.text.toPlainText() == ""


def test_the_draft_holds_what_was_typed_a_moment_before_export(
    qtbot, window: MainWindow, inspection_path: Path, tmp_path: Path
) -> None:
    page = open_with_finding(qtbot, window, inspection_path, "First finding.")
    qtbot.waitUntil(lambda: page.text.toPlainText() == "First finding.", timeout=WAIT_MS)
    page.timer.setInterval(60_000)  # no autosave: only the export can save it
    page.text.moveCursor(page.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(page.text, " Typed just now.")
    out = tmp_path / "draft.docx"
    page.export_to(out)
    qtbot.waitUntil(out.exists, timeout=WAIT_MS)
    import docx

    assert "First finding. Typed just now." in [p.text for p in docx.Document(str(out)).paragraphs]


def test_a_pause_after_a_space_leaves_the_findings_text_and_cursor_alone(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    page = open_with_finding(qtbot, window, inspection_path, "Waits are long")
    qtbot.waitUntil(lambda: page.text.toPlainText() == "Waits are long", timeout=WAIT_MS)
    page.text.setFocus()
    page.text.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(page.text, " and ")
    qtbot.waitUntil(lambda: page.message.text() == "Finding saved.", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not window.session.runner.busy(), timeout=WAIT_MS)
    qtbot.wait(100)  # the page's reload after the save
    qtbot.keyClicks(page.text, "growing")
    assert page.text.toPlainText() == "Waits are long and growing"
