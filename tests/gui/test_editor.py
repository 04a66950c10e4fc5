"""The note editor: quick capture, autosave, tagging by keyboard, undo, delete, case reviews."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from inspector_app.core.framework import load
from inspector_app.core.store import Inspection
from inspector_app.gui.evidence_model import TITLE_COLUMN
from inspector_app.gui.main_window import MainWindow
from tests.conftest import PASSPHRASE
from tests.gui.helpers import (
    FIXTURE_NOTES,
    WAIT_MS,
    ctrl,
    focused,
    menu_action,
    new_note,
    note_with_text,
    notes_on_disk,
    select_note,
    tab_to,
    unlock,
)

KINDS = [(kind.code, kind.label) for kind in load().kinds]


def as_a_teammate(path: Path, note_id: str, **changes) -> None:
    """Change a note from outside the window, as an import of a teammate's bundle does."""
    with Inspection.open(path, PASSPHRASE) as other:
        other.edit_note(note_id, **changes)


def type_and_wait_for_save(qtbot, window: MainWindow, widget, text: str):
    with qtbot.waitSignal(window.workspace.editor.saved, timeout=WAIT_MS) as saved:
        qtbot.keyClicks(widget, text)
    return saved.args[0]


@pytest.mark.parametrize(("code", "label"), KINDS, ids=[code for code, _ in KINDS])
def test_capture_each_kind_from_the_note_menu(
    qtbot, opened: MainWindow, inspection_path: Path, code: str, label: str
) -> None:
    window = opened
    editor = window.workspace.editor
    menu_action(window, "Note", "New note of kind", label).trigger()

    assert editor.pages.currentIndex() == 1
    assert editor.kind.currentData() == code and editor.kind.isEnabled()
    assert focused() is editor.text
    assert list(editor.fields.inputs) == [f.id for f in load().kind(code).fields]
    text = f"A {label.lower()} captured from the menu"
    note = type_and_wait_for_save(qtbot, window, editor.text, text)

    assert note.kind == code
    assert not editor.kind.isEnabled()  # a saved note keeps its kind
    qtbot.waitUntil(lambda: window.workspace.list.model.rowCount() == len(FIXTURE_NOTES) + 1)
    assert window.workspace.list.selected_id() == note.id
    on_disk = note_with_text(inspection_path, text)
    assert on_disk is not None and on_disk.kind == code and on_disk.id == note.id


def test_ctrl_n_starts_a_note_of_the_last_kind_used_from_anywhere(
    qtbot, opened: MainWindow
) -> None:
    window = opened
    editor = window.workspace.editor
    menu_action(window, "Note", "New note of kind", "Provider visit").trigger()
    type_and_wait_for_save(qtbot, window, editor.text, "Visit to the nursery")

    # From the coverage tab, with the focus in its table:
    window.workspace.tabs.setCurrentIndex(1)
    window.workspace.coverage.table.setFocus()
    new_note(qtbot, window)
    assert window.workspace.tabs.currentIndex() == 0
    assert editor.kind.currentData() == "visit"
    assert editor.state.text() == "New note"
    assert editor.text.toPlainText() == "" and focused() is editor.text


def test_autosave_creates_the_note_quietly(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    editor = window.workspace.editor
    new_note(qtbot, window)
    assert editor.state.text() == "New note"
    qtbot.keyClicks(editor.text, "Waiting list data shows 14 weeks")
    assert editor.state.text() == "Editing…"
    assert note_with_text(inspection_path, "14 weeks") is None  # debounced, not yet saved

    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        pass
    assert re.fullmatch(
        r"Saved \d\d:\d\d · untagged: tick a question and an outcome", editor.state.text()
    )
    saved = note_with_text(inspection_path, "14 weeks")
    assert saved is not None and saved.kind == "case-review"
    assert (saved.questions, saved.outcomes, saved.judgement) == ((), (), "context")
    qtbot.waitUntil(lambda: "1 untagged" in window.counts.text())

    # Typing more edits the same note; nothing new is created.
    type_and_wait_for_save(qtbot, window, editor.text, " for a first appointment")
    texts = [n.text for n in notes_on_disk(inspection_path) if "14 weeks" in n.text]
    assert texts == ["Waiting list data shows 14 weeks for a first appointment"]


def test_an_empty_draft_is_not_saved(qtbot, opened: MainWindow, inspection_path: Path) -> None:
    window = opened
    new_note(qtbot, window)  # ticks, but no title and no text: nothing to keep
    ctrl(qtbot, window.workspace.editor.text, Qt.Key.Key_2)
    ctrl(qtbot, window.workspace.editor.text, Qt.Key.Key_L)
    assert len(notes_on_disk(inspection_path)) == len(FIXTURE_NOTES)


def test_ctrl_and_a_number_ticks_a_question_from_the_evidence_list_too(
    qtbot, opened: MainWindow
) -> None:
    window = opened
    editor = window.workspace.editor
    select_note(qtbot, window, "EHC plan timeliness")  # question B only; the list has focus
    assert focused() is window.workspace.list.table
    ctrl(qtbot, window.workspace.list.table, Qt.Key.Key_3)
    assert editor.questions["C"].isChecked() and editor.questions["B"].isChecked()


def test_tagging_by_keyboard(qtbot, opened: MainWindow, inspection_path: Path) -> None:
    window = opened
    editor = window.workspace.editor
    window.activateWindow()  # the arrow keys move the focus only within the active window
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    new_note(qtbot, window)
    qtbot.keyClicks(editor.text, "Tribunal appeals rose by a third")

    ctrl(qtbot, editor.text, Qt.Key.Key_1)
    ctrl(qtbot, editor.text, Qt.Key.Key_3)
    ctrl(qtbot, editor.text, Qt.Key.Key_2)
    ctrl(qtbot, editor.text, Qt.Key.Key_2)
    assert {code: box.isChecked() for code, box in editor.questions.items()} == {
        "A": True,
        "B": False,
        "C": True,
    }

    assert tab_to(qtbot, editor.outcomes.filter)
    qtbot.keyClicks(editor.outcomes.filter, "deadlines")
    shown = [
        editor.outcomes.list.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(editor.outcomes.list.count())
        if not editor.outcomes.list.item(i).isHidden()
    ]
    assert shown == ["statutory-timescales"]
    qtbot.keyClick(editor.outcomes.filter, Qt.Key.Key_Return)
    assert editor.outcomes.checked() == ["statutory-timescales"]
    assert editor.outcomes.filter.text() == ""
    qtbot.keyClicks(editor.outcomes.filter, "nothing like an outcome")
    qtbot.keyClick(editor.outcomes.filter, Qt.Key.Key_Escape)  # clears it, as search does
    assert editor.outcomes.filter.text() == "" and editor.isVisible()
    assert not any(editor.outcomes.list.item(i).isHidden()
                   for i in range(editor.outcomes.list.count()))
    qtbot.keyClicks(editor.outcomes.filter, "co-prod")
    qtbot.keyClick(editor.outcomes.filter, Qt.Key.Key_Return)

    # Tab reaches the judgement group once, at the judgement chosen, as in any group of
    # radio buttons (Space there changes nothing); the arrow keys move the choice.
    context = editor.judgement.checkedButton()
    assert context.property("code") == "context"
    weakness = editor.judgement.buttons()[2]
    # the arrows go by where the buttons are laid out: Weakness is left of Context
    qtbot.waitUntil(lambda: weakness.geometry().right() < context.geometry().left(),
                    timeout=WAIT_MS)
    assert tab_to(qtbot, context)
    qtbot.keyClick(context, Qt.Key.Key_Backtab)  # the group is one stop, after Question C
    assert focused() is editor.questions["C"]
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is context
    qtbot.keyClick(context, Qt.Key.Key_Space)
    assert editor.judgement.checkedButton() is context
    qtbot.keyClick(context, Qt.Key.Key_Left)
    assert focused() is weakness
    assert editor.judgement.checkedButton() is weakness

    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        pass
    saved = note_with_text(inspection_path, "Tribunal appeals")
    assert saved is not None
    assert saved.questions == ("A", "C")
    assert saved.outcomes == ("statutory-timescales", "co-production")
    assert saved.judgement == "weakness"
    assert re.fullmatch(r"Saved \d\d:\d\d", editor.state.text())


def test_closing_the_window_mid_edit_keeps_a_new_note(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    editor = window.workspace.editor
    new_note(qtbot, window)
    qtbot.keyClicks(editor.text, "Closing the lid mid-sentence")
    assert editor.timer.isActive()  # the autosave has not fired yet

    window.close()

    assert note_with_text(inspection_path, "Closing the lid mid-sentence") is not None


def test_closing_the_window_mid_edit_keeps_an_edit(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    editor = window.workspace.editor
    select_note(qtbot, window, "Supported internships at the FE college")
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.text, " Two more start in June.")
    assert editor.timer.isActive()

    window.close()

    edited = note_with_text(inspection_path, "Three of five recent interns")
    assert edited is not None
    assert edited.text == "Three of five recent interns are in paid work. Two more start in June."


@pytest.mark.parametrize("then", ["type", "close"])
def test_ctrl_n_straight_after_an_edit_keeps_both_notes(
    qtbot, opened: MainWindow, inspection_path: Path, then: str
) -> None:
    """An inspector finishes a sentence and at once presses Ctrl+N for the next note."""
    window = opened
    editor = window.workspace.editor
    old_id = select_note(qtbot, window, "No preparing-for-adulthood content")
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.text, " Reviewed with the SENCO.")
    new_note(qtbot, window)  # the edit above is saved first, in the background
    assert editor.kind.currentData() == "case-review"
    qtbot.keyClicks(editor.text, "A separate case review of Child C")
    if then == "type":
        qtbot.waitUntil(lambda: editor.state.text().startswith("Saved"), timeout=WAIT_MS)
    else:
        window.close()

    notes = {n.id: n for n in notes_on_disk(inspection_path)}
    assert notes[old_id].text == (
        "Year 10 annual review has no preparing-for-adulthood content; social care not "
        "invited. Reviewed with the SENCO."
    ), "the earlier note was overwritten by the new one"
    new = [n for n in notes.values() if n.text == "A separate case review of Child C"]
    assert len(new) == 1 and new[0].id != old_id, "the new note was not saved as a note of its own"


def test_undo_and_redo_in_the_text_box(qtbot, opened: MainWindow, inspection_path: Path) -> None:
    window = opened
    editor = window.workspace.editor
    new_note(qtbot, window)
    type_and_wait_for_save(qtbot, window, editor.text, "Alpha observation")
    ctrl(qtbot, editor.text, Qt.Key.Key_A)
    qtbot.keyClicks(editor.text, "Gamma")
    assert editor.text.toPlainText() == "Gamma"

    ctrl(qtbot, editor.text, Qt.Key.Key_Z)
    assert editor.text.toPlainText() == "Alpha observation"
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        pass
    assert note_with_text(inspection_path, "Alpha observation") is not None

    qtbot.keyClick(
        editor.text,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert editor.text.toPlainText() == "Gamma"


def test_delete_a_note_then_undo_brings_it_back(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    workspace = window.workspace
    note_id = select_note(qtbot, window, "Parent Carer Forum and SENDIASS")
    table = workspace.list.table
    assert focused() is table

    qtbot.keyClick(table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: workspace.list.model.rowCount() == len(FIXTURE_NOTES) - 1)
    assert workspace.list.model.row_of(note_id) == -1
    assert workspace.editor.pages.currentWidget() is workspace.editor.empty
    assert "Ctrl+Z" in window.statusBar().currentMessage()
    assert note_id not in {n.id for n in notes_on_disk(inspection_path)}

    ctrl(qtbot, table, Qt.Key.Key_Z)
    qtbot.waitUntil(lambda: workspace.list.model.rowCount() == len(FIXTURE_NOTES))
    qtbot.waitUntil(lambda: workspace.editor.note_id == note_id)
    assert window.statusBar().currentMessage() == "Note brought back."
    restored = {n.id: n for n in notes_on_disk(inspection_path)}[note_id]
    assert restored.text == "The forum co-wrote the local offer pages."
    assert restored.outcomes == ("co-production",)

    # Redo deletes it again, by either of the usual keys.
    for redo in (Qt.KeyboardModifier.ShiftModifier, None):
        table.setFocus()
        if redo is None:
            ctrl(qtbot, table, Qt.Key.Key_Y)
        else:
            qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | redo)
        qtbot.waitUntil(lambda: workspace.list.model.row_of(note_id) == -1, timeout=WAIT_MS)
        ctrl(qtbot, table, Qt.Key.Key_Z)
        qtbot.waitUntil(lambda: workspace.list.model.row_of(note_id) >= 0, timeout=WAIT_MS)


def test_undo_of_a_delete_selects_the_note_again(qtbot, opened: MainWindow) -> None:
    window = opened
    workspace = window.workspace
    note_id = select_note(qtbot, window, "Parent Carer Forum and SENDIASS")
    qtbot.keyClick(workspace.list.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: workspace.list.model.rowCount() == len(FIXTURE_NOTES) - 1)
    ctrl(qtbot, workspace.list.table, Qt.Key.Key_Z)
    qtbot.waitUntil(lambda: workspace.editor.note_id == note_id)
    qtbot.waitUntil(lambda: workspace.list.model.rowCount() == len(FIXTURE_NOTES))
    runner = window.session.runner
    qtbot.waitUntil(lambda: not runner.busy(), timeout=WAIT_MS)  # every reload has arrived
    assert workspace.list.selected_id() == note_id, "the restored note is not highlighted"


def test_a_long_title_is_shown_from_its_start(qtbot, window: MainWindow, inspection_path) -> None:
    title = "Meeting with the Parent Carer Forum steering group " * 4
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        note = inspection.add_note(kind="meeting", questions=["A"], outcomes=["co-production"],
                                   judgement="context", title=title.strip(), text="Notes.")
    unlock(qtbot, window, inspection_path)
    window.resize(1024, 700)
    window.workspace.show_note(note.id)
    editor = window.workspace.editor
    qtbot.waitUntil(lambda: editor.note_id == note.id, timeout=WAIT_MS)
    assert editor.title.cursorPosition() == 0


def test_delete_key_in_a_text_box_deletes_text_not_the_note(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    select_note(qtbot, window, "EHC plan timeliness")
    title = window.workspace.editor.title
    title.setFocus()
    title.home(False)
    qtbot.keyClick(title, Qt.Key.Key_Delete)
    assert title.text() == "HC plan timeliness"
    assert window.workspace.list.model.rowCount() == len(FIXTURE_NOTES)


def test_delete_from_the_menu_works_with_the_cursor_in_the_text(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    note_id = select_note(qtbot, window, "EHC plan timeliness")
    window.workspace.editor.title.setFocus()
    menu_action(window, "Note", "Delete note").trigger()
    qtbot.waitUntil(lambda: window.workspace.list.model.rowCount() == len(FIXTURE_NOTES) - 1)
    assert note_id not in {n.id for n in notes_on_disk(inspection_path)}


def on_disk(path: Path, note_id: str):
    return {n.id: n for n in notes_on_disk(path)}[note_id]


def test_a_tick_is_undone_before_an_earlier_delete(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    workspace, editor = window.workspace, window.workspace.editor
    undo = window.undo_action
    deleted = select_note(qtbot, window, "Parent Carer Forum and SENDIASS")
    qtbot.keyClick(workspace.list.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: workspace.list.model.rowCount() == len(FIXTURE_NOTES) - 1)
    assert undo.text().startswith("&Undo delete")

    ticked = select_note(qtbot, window, "EHC plan timeliness")
    before = on_disk(inspection_path, ticked).questions
    box = editor.questions["C"]
    assert not box.isChecked()
    box.setFocus()
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        qtbot.keyClick(box, Qt.Key.Key_Space)
    assert "C" in on_disk(inspection_path, ticked).questions
    assert undo.text() == "&Undo tag change" and undo.isEnabled()

    workspace.tabs.setCurrentWidget(workspace.findings)  # there the note is out of sight:
    undo.trigger()  # nothing there is undone, and the status bar says where undo works
    said = window.statusBar().currentMessage()
    assert said == "Undo tag change works on the Evidence tab."
    assert "C" in on_disk(inspection_path, ticked).questions
    workspace.tabs.setCurrentIndex(0)

    ctrl(qtbot, box, Qt.Key.Key_Z)  # undoes the tick, not the delete
    qtbot.waitUntil(lambda: not editor.questions["C"].isChecked(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: on_disk(inspection_path, ticked).questions == before,
                    timeout=WAIT_MS)
    assert workspace.list.model.rowCount() == len(FIXTURE_NOTES) - 1
    assert undo.text().startswith("&Undo delete")

    ctrl(qtbot, workspace.list.table, Qt.Key.Key_Z)  # and then the delete
    qtbot.waitUntil(lambda: workspace.list.model.rowCount() == len(FIXTURE_NOTES))
    assert deleted in {n.id for n in notes_on_disk(inspection_path)}
    workspace.list.table.setFocus()
    assert undo.text() == "&Undo" and not undo.isEnabled()


def test_typing_on_a_note_brought_back_survives_a_redo_and_undo_of_its_delete(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    workspace, editor = window.workspace, window.workspace.editor
    deleted = select_note(qtbot, window, "Parent Carer Forum and SENDIASS")
    qtbot.keyClick(workspace.list.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: workspace.list.model.rowCount() == len(FIXTURE_NOTES) - 1)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: editor.note_id == deleted, timeout=WAIT_MS)

    editor.text.setFocus()
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    type_and_wait_for_save(qtbot, window, editor.text, " Added after.")
    workspace.list.table.setFocus()
    window.redo_action.trigger()  # deletes it again, as it now reads
    qtbot.waitUntil(lambda: workspace.list.model.rowCount() == len(FIXTURE_NOTES) - 1)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: workspace.list.model.rowCount() == len(FIXTURE_NOTES))
    assert on_disk(inspection_path, deleted).text.endswith(" Added after.")


def test_case_review_shows_ehc_weeks_and_breaches(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    editor = window.workspace.editor
    new_note(qtbot, window)
    assert editor.kind.currentData() == "case-review"
    qtbot.keyClicks(editor.text, "Child C: plan finalised late")
    request: QLineEdit = editor.fields.inputs["ehc_request"][1]
    final: QLineEdit = editor.fields.inputs["ehc_final"][1]

    editor.set_on_site("2024-09-02")  # the plan's review is counted to the inspection
    qtbot.keyClicks(request, "2024-01-08")
    qtbot.keyClicks(final, "2024-07-15")  # 27 weeks later
    label = editor.timescales.text()
    assert editor.timescales.isVisible()
    assert "Final EHC plan within 20 weeks of the request (reg 13(2)): 27 weeks, BREACHED" in label
    breached = next(line for line in label.split("<br>") if "BREACHED" in line)
    assert "#c62828" in breached
    # The breach is said beside the text too; the list stands under the dates, in full.
    assert editor.breaches.isVisible()
    assert editor.breaches.text() == "⚠ 1 statutory timescale breached: see Details on the right."
    assert editor.timescales.parent() is editor.fields.parent()
    assert "not known" in label  # the decision and draft dates are missing

    final.clear()
    qtbot.keyClicks(final, "2024-05-20")  # 19 weeks
    assert "19 weeks, met" in editor.timescales.text()
    assert "BREACHED" not in editor.timescales.text()
    assert not editor.breaches.isVisible()

    qtbot.keyClicks(request, "x/")  # letters and slashes are refused as they are typed
    assert request.text() == "2024-01-08"

    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        pass
    saved = note_with_text(inspection_path, "plan finalised late")
    assert saved is not None
    assert saved.fields == {"ehc_request": "2024-01-08", "ehc_final": "2024-05-20"}


def test_dates_typed_the_british_way_are_saved_and_one_that_is_no_date_is_said_unsaved(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    editor = window.workspace.editor
    new_note(qtbot, window)
    qtbot.keyClicks(editor.text, "Child D: request in January")
    request: QLineEdit = editor.fields.inputs["ehc_request"][1]
    final: QLineEdit = editor.fields.inputs["ehc_final"][1]
    qtbot.keyClicks(request, "05/01/2026")
    assert request.text() == "05/01/2026"  # the slashes are not refused
    qtbot.keyClicks(final, "31/02/2026")  # no such day
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        pass
    saved = note_with_text(inspection_path, "request in January")
    assert saved.fields == {"ehc_request": "2026-01-05"}  # 5 January, not 1 May
    assert "Final plan issued not saved: type a date like 16/03/2026" in (
        editor.state.text()
    )

    final.clear()
    qtbot.keyClicks(final, "1.6.2026")
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        pass
    saved = note_with_text(inspection_path, "request in January")
    assert saved.fields == {"ehc_request": "2026-01-05", "ehc_final": "2026-06-01"}
    assert "not saved" not in editor.state.text()
    assert "21 weeks, BREACHED" in editor.timescales.text()


def test_a_tick_made_with_enter_in_the_outcome_filter_is_undone_with_ctrl_z(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    editor = window.workspace.editor
    note_id = select_note(qtbot, window, "EHC plan timeliness")
    before = on_disk(inspection_path, note_id).outcomes
    editor.outcomes.filter.setFocus()
    qtbot.keyClicks(editor.outcomes.filter, "co-prod")
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        qtbot.keyClick(editor.outcomes.filter, Qt.Key.Key_Return)
    assert "co-production" in on_disk(inspection_path, note_id).outcomes
    ctrl(qtbot, editor.outcomes.filter, Qt.Key.Key_Z)
    qtbot.waitUntil(lambda: "co-production" not in editor.outcomes.checked(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: on_disk(inspection_path, note_id).outcomes == before,
                    timeout=WAIT_MS)


def test_loading_a_case_review_shows_its_fields(qtbot, opened: MainWindow) -> None:
    window = opened
    editor = window.workspace.editor
    select_note(qtbot, window, "EHC plan timeliness")
    assert editor.kind.currentText() == "Case record review" and not editor.kind.isEnabled()
    assert editor.fields.inputs["age_band"][1].currentText() == "6–10"
    assert editor.fields.inputs["ehc_final"][1].text() == "15/07/2024"  # as it is typed here
    assert "27 weeks, BREACHED" in editor.timescales.text()
    assert editor.children.checked() == ["Child A"]
    assert editor.questions["B"].isChecked() and not editor.questions["A"].isChecked()


def test_child_picker_offers_every_pseudonym_in_the_register(qtbot, opened: MainWindow) -> None:
    window = opened
    editor = window.workspace.editor
    qtbot.waitUntil(lambda: window.counts.text() != "")  # the register has been read
    select_note(qtbot, window, "EHC plan timeliness")
    select_note(qtbot, window, "Supported internships at the FE college")
    assert editor.children.checked() == []
    assert editor.children.codes() == ["Child A", "Child B"]


def test_the_previous_note_opens_again_after_ctrl_n(qtbot, opened: MainWindow) -> None:
    """Select a note, start a new one, change your mind: clicking the note shows it again."""
    window = opened
    editor = window.workspace.editor
    note_id = select_note(qtbot, window, "EHC plan timeliness")
    new_note(qtbot, window)
    assert editor.note_id is None
    select_note(qtbot, window, "EHC plan timeliness")
    assert editor.note_id == note_id


@pytest.mark.parametrize("kind", [code for code, _ in KINDS])
def test_the_window_fits_a_1024_pixel_screen_with_nothing_cut_off(
    qtbot, opened: MainWindow, kind: str
) -> None:
    window = opened
    editor = window.workspace.editor
    assert window.minimumSizeHint().width() <= 1024
    window.resize(1024, 640)
    window.workspace.new_note(kind)
    qtbot.wait(50)
    judgement = window.workspace.list.filters["judgement"]  # its longest "any" reads whole
    assert judgement.width() > judgement.fontMetrics().horizontalAdvance("Any judgement") + 20
    table = window.workspace.list.table  # the titles keep room to be read
    assert table.columnWidth(TITLE_COLUMN) >= table.viewport().width() // 4
    # The tags pane is never wider than the room it has (nothing hidden to its right).
    assert editor.scroll.horizontalScrollBar().maximum() == 0
    assert editor.tags.width() <= editor.scroll.viewport().width()
    # A note starts at the top of the pane, where its questions and judgement are.
    editor.scroll.verticalScrollBar().setValue(editor.scroll.verticalScrollBar().maximum())
    select_note(qtbot, window, "EHC plan timeliness")
    assert editor.scroll.verticalScrollBar().value() == 0


def test_the_new_note_button_starts_a_note_of_the_last_kind(qtbot, opened: MainWindow) -> None:
    from PySide6.QtWidgets import QPushButton

    window = opened
    editor = window.workspace.editor
    [button] = [b for b in window.workspace.list.findChildren(QPushButton)
                if b.accessibleName() == "New note"]
    assert "Ctrl+N" in button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert editor.pages.currentIndex() == 1 and editor.note_id is None
    assert editor.kind.currentData() == window.settings.last_kind
    assert focused() is editor.text


def test_tab_goes_down_the_left_column_then_down_the_tags(qtbot, opened: MainWindow) -> None:
    window = opened
    editor = window.workspace.editor
    window.workspace.new_note("case-review")
    editor.kind.setFocus()
    order = []
    for _ in range(12):
        order.append(focused())
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    questions = list(editor.questions.values())
    expected = [editor.kind, editor.title, editor.text]
    assert order[:3] == expected
    start = order.index(questions[0])
    assert order[start : start + 3] == questions  # right after the left column's buttons
    assert order[start + 3] in editor.judgement.buttons()
    assert order[start + 4] is editor.outcomes.filter
    assert editor.scroll not in order  # no stop on the pane itself


def test_delete_on_another_tab_leaves_the_note_in_the_editor(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    select_note(qtbot, window, "EHC plan timeliness")
    children = window.workspace.children
    window.workspace.tabs.setCurrentWidget(children)
    children.table.setFocus()
    qtbot.keyClick(children.table, Qt.Key.Key_Delete)
    assert "Evidence tab" in window.statusBar().currentMessage()
    assert window.workspace.list.model.rowCount() == len(FIXTURE_NOTES)
    assert len(notes_on_disk(inspection_path)) == len(FIXTURE_NOTES)


def test_a_deleted_note_comes_back_with_what_was_typed_just_before(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    editor = window.workspace.editor
    note_id = select_note(qtbot, window, "EHC plan timeliness")
    editor.title.setFocus()
    editor.title.end(False)
    qtbot.keyClicks(editor.title, " (checked)")
    menu_action(window, "Note", "Delete note").trigger()  # before the pause ends
    qtbot.waitUntil(lambda: window.workspace.list.model.rowCount() == len(FIXTURE_NOTES) - 1)
    ctrl(qtbot, window.workspace.list.table, Qt.Key.Key_Z)
    qtbot.waitUntil(lambda: editor.note_id == note_id, timeout=WAIT_MS)
    assert editor.title.text() == "EHC plan timeliness (checked)"


def test_typing_in_a_detail_field_is_one_undo(qtbot, opened: MainWindow) -> None:
    window = opened
    editor = window.workspace.editor
    select_note(qtbot, window, "Supported internships at the FE college")  # a visit
    stack = window.workspace.undo_stack
    [field] = [w for w in editor.fields.findChildren(QLineEdit)
               if w.accessibleName() == "Provider name"]
    before = stack.count()
    field.setFocus()
    qtbot.keyClicks(field, "Northmoor College")
    assert stack.count() == before + 1
    assert window.undo_action.text() == "&Undo typing"
    editor.questions["A"].setFocus()  # outside a text box, Ctrl+Z takes the whole name back
    ctrl(qtbot, editor.questions["A"], Qt.Key.Key_Z)
    qtbot.waitUntil(lambda: editor.fields.values()["provider_name"] is None, timeout=WAIT_MS)


def test_a_note_says_when_it_was_last_saved_not_when_it_was_opened(
    qtbot, window: MainWindow, make_inspection, monkeypatch: pytest.MonkeyPatch
) -> None:
    import inspector_app.core.store as store

    monkeypatch.setattr(store, "now", lambda: "2025-01-02T09:30:00+00:00")
    inspection = make_inspection(name="old.inspection")
    inspection.add_note(**{**FIXTURE_NOTES[0], "title": "Saved long ago"})
    inspection.close()
    monkeypatch.undo()
    unlock(qtbot, window, inspection.path)
    qtbot.waitUntil(lambda: window.workspace.list.model.rowCount() == 1, timeout=WAIT_MS)
    select_note(qtbot, window, "Saved long ago")
    from PySide6.QtCore import QDateTime

    local = QDateTime.fromString("2025-01-02T09:30:00+00:00", Qt.DateFormat.ISODate)
    expected = local.toLocalTime().toString("d MMM yyyy HH:mm")
    assert window.workspace.editor.state.text() == f"Saved {expected}"


def test_a_number_is_typed_after_clicking_into_its_unset_box(qtbot, opened: MainWindow) -> None:
    editor = opened.workspace.editor
    new_note(qtbot, opened)
    editor.kind.setCurrentIndex(editor.kind.findData("meeting"))
    spin = editor.fields.inputs["participant_count"][1]
    assert spin.text() == "—"
    qtbot.mouseClick(spin.lineEdit(), Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    qtbot.keyClicks(spin.lineEdit(), "12")
    assert spin.value() == 12


def test_undoing_a_tick_keeps_the_texts_own_undo(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    editor = window.workspace.editor
    select_note(qtbot, window, "EHC plan timeliness")
    editor.text.setFocus()
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    type_and_wait_for_save(qtbot, window, editor.text, " Typed.")
    box = editor.questions["C"]
    box.setFocus()
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        qtbot.keyClick(box, Qt.Key.Key_Space)
    ctrl(qtbot, box, Qt.Key.Key_Z)  # the tick
    qtbot.waitUntil(lambda: not box.isChecked(), timeout=WAIT_MS)
    qtbot.wait(200)  # the note is shown again after the undo is saved
    assert editor.text.document().isUndoAvailable()
    editor.text.setFocus()
    ctrl(qtbot, editor.text, Qt.Key.Key_Z)  # and then the typing
    assert not editor.text.toPlainText().endswith(" Typed.")


def test_a_note_changed_by_a_teammate_is_shown_anew_and_never_overwritten(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    editor = window.workspace.editor
    note_id = select_note(qtbot, window, "EHC plan timeliness")
    as_a_teammate(inspection_path, note_id, judgement="weakness")  # as an import writes
    window.workspace.reload()  # what an import does when it ends
    qtbot.waitUntil(lambda: editor.note.judgement == "weakness", timeout=WAIT_MS)
    assert editor.judgement.checkedButton().property("code") == "weakness"

    # Typing under way when a teammate's text arrives: both are kept, as a conflict.
    editor.timer.setInterval(60_000)
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.text, " Seen by the lead.")
    as_a_teammate(inspection_path, note_id, text="The teammate's account.")
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        editor.save()
    assert editor.banner.isVisible() and "choose what to keep" in editor.state.text()
    with Inspection.open(inspection_path, PASSPHRASE) as after:
        texts = [v.data["text"] for v in after.versions(note_id)]
    assert "The teammate's account." in texts
    assert any(t.endswith(" Seen by the lead.") for t in texts)


def test_undoing_a_tick_leaves_a_teammates_later_change_alone(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    window = opened
    editor = window.workspace.editor
    note_id = select_note(qtbot, window, "EHC plan timeliness")
    box = editor.questions["C"]
    box.setFocus()
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        qtbot.keyClick(box, Qt.Key.Key_Space)
    as_a_teammate(inspection_path, note_id, judgement="weakness", questions=["A", "B", "C"])
    window.workspace.reload()
    qtbot.waitUntil(lambda: editor.note.judgement == "weakness", timeout=WAIT_MS)
    ctrl(qtbot, box, Qt.Key.Key_Z)  # the tick only
    qtbot.waitUntil(lambda: "C" not in on_disk(inspection_path, note_id).questions,
                    timeout=WAIT_MS)
    after = on_disk(inspection_path, note_id)
    assert after.judgement == "weakness" and after.questions == ("A", "B")


@pytest.mark.parametrize("before_the_answer", [False, True],
                         ids=["typing after the save's answer", "typing before it"])
def test_a_teammates_change_merged_into_a_save_survives_typing_on(
    qtbot, opened: MainWindow, inspection_path: Path, before_the_answer: bool
) -> None:
    window = opened
    editor = window.workspace.editor
    note_id = select_note(qtbot, window, "EHC plan timeliness")
    editor.timer.setInterval(60_000)
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.text, " One.")
    as_a_teammate(inspection_path, note_id, judgement="weakness")  # while the lead types
    if before_the_answer:
        editor.save()
        qtbot.keyClicks(editor.text, " Two.")  # before the save's answer arrives
        qtbot.waitUntil(lambda: not editor._saving(), timeout=WAIT_MS)
    else:
        with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
            editor.save()
        qtbot.waitUntil(lambda: editor.judgement.checkedButton().property("code") == "weakness",
                        timeout=WAIT_MS)  # shown, so the next save builds on it
        qtbot.keyClicks(editor.text, " Two.")
    if editor.dirty:
        with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
            editor.save()
    qtbot.waitUntil(lambda: not editor._saving() and not editor.dirty, timeout=WAIT_MS)
    saved = on_disk(inspection_path, note_id)
    assert not saved.conflict
    assert saved.judgement == "weakness" and saved.text.endswith(" One. Two.")


def test_notes_written_one_after_another_with_ctrl_n_are_all_saved(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    # Each Ctrl+N comes while the last note's first save is still on its way.
    for i in range(4):
        new_note(qtbot, opened)
        qtbot.keyClicks(focused(), f"quick note {i} ")
        ctrl(qtbot, focused(), Qt.Key.Key_1)
        qtbot.keyClicks(focused(), "more")
    qtbot.waitUntil(lambda: not opened.session.runner.busy(), timeout=WAIT_MS)
    new_note(qtbot, opened)  # the last one is sent too
    qtbot.waitUntil(lambda: not opened.session.runner.busy(), timeout=WAIT_MS)
    opened.lock()
    texts = {note.text: note for note in notes_on_disk(inspection_path)}
    for i in range(4):
        assert f"quick note {i} more" in texts, i
        assert texts[f"quick note {i} more"].questions == ("A",)
