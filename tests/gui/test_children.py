"""The child register: pseudonyms, and real names kept hidden until revealed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from inspector_app.core.store import Inspection
from inspector_app.gui.children import HIDDEN, ChildrenView
from inspector_app.gui.main_window import MainWindow
from tests.conftest import PASSPHRASE
from tests.gui.helpers import WAIT_MS, alt_keys, click, ctrl, unlock

REAL_NAME = "Jamie Example"


@pytest.fixture
def register(qtbot, opened: MainWindow) -> ChildrenView:
    """The Child register tab (its Alt+H mnemonic is tested in test_settings_and_keyboard)."""
    view = opened.workspace.children
    opened.workspace.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=WAIT_MS)  # from the notes
    return view


def shown(view: ChildrenView) -> dict[str, str]:
    model = view.model
    return {
        model.index(row, 0).data(): model.index(row, 1).data() for row in range(model.rowCount())
    }


def add(qtbot, view: ChildrenView, ref: str, name: str = "") -> None:
    view.ref.setFocus()
    qtbot.keyClicks(view.ref, ref)
    qtbot.keyClick(view.ref, Qt.Key.Key_Tab)
    qtbot.keyClicks(view.name, name)
    qtbot.keyClick(view.name, Qt.Key.Key_Return)


def test_an_empty_register_says_how_to_start_and_why_nothing_can_be_revealed(
    qtbot, window: MainWindow, tmp_path: Path, cheap_kdf
) -> None:
    path = tmp_path / "empty.inspection"
    made, _ = Inspection.create(path, PASSPHRASE, area="Northmoor", inspector="Sam Lead",
                                kdf=cheap_kdf)
    made.close()
    unlock(qtbot, window, path)
    view = window.workspace.children
    window.workspace.tabs.setCurrentWidget(view)
    qtbot.waitUntil(view.empty.isVisible, timeout=WAIT_MS)
    assert view.empty.text().startswith("No children in the register yet.")
    assert not view.reveal.isEnabled()
    assert view.reveal.toolTip() == "No real names are kept in this file."
    add(qtbot, view, "Child A")
    qtbot.waitUntil(lambda: not view.empty.isVisible(), timeout=WAIT_MS)


def test_real_names_stay_hidden_until_revealed(
    qtbot, register: ChildrenView, inspection_path: Path, settings_path: Path
) -> None:
    assert shown(register) == {"Child A": "—", "Child B": "—"}
    assert not register.reveal.isEnabled()  # no real name kept yet: nothing to reveal
    add(qtbot, register, "Child D", REAL_NAME)
    qtbot.waitUntil(lambda: register.model.rowCount() == 3, timeout=WAIT_MS)
    assert register.reveal.isEnabled()

    assert shown(register)["Child D"] == HIDDEN
    assert "hidden" in HIDDEN
    assert register.message.text() == "Child D is in the register with a real name."
    assert register.ref.text() == "" and register.name.text() == ""

    click(qtbot, register.reveal)
    assert shown(register)["Child D"] == REAL_NAME
    assert register.reveal.text() == "Hide &real names"
    keys = alt_keys(register.window().menuBar()) + alt_keys(register)  # and it still
    assert sorted({k for k in keys if keys.count(k) > 1}) == []  # hides them by Alt+R
    click(qtbot, register.reveal)
    assert shown(register)["Child D"] == HIDDEN

    register.window().settings.sync()
    assert REAL_NAME not in settings_path.read_text(encoding="utf-8")
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        assert inspection.children["Child D"].name == REAL_NAME


def test_revealed_names_hide_again_by_themselves(qtbot, register: ChildrenView) -> None:
    add(qtbot, register, "Child E", REAL_NAME)
    qtbot.waitUntil(lambda: register.model.rowCount() == 3, timeout=WAIT_MS)
    register.hide_timer.setInterval(50)  # 30 seconds in use
    click(qtbot, register.reveal)
    assert shown(register)["Child E"] == REAL_NAME
    qtbot.waitUntil(lambda: shown(register)["Child E"] == HIDDEN, timeout=WAIT_MS)
    assert not register.reveal.isChecked()


def replace_question(view: ChildrenView) -> QMessageBox | None:
    found = [box for box in view.findChildren(QMessageBox, "replaceName") if box.isVisible()]
    return found[0] if found else None


def test_a_kept_real_name_is_replaced_only_when_confirmed(
    qtbot, register: ChildrenView, inspection_path: Path
) -> None:
    add(qtbot, register, "Child D", REAL_NAME)
    qtbot.waitUntil(lambda: register.model.rowCount() == 3, timeout=WAIT_MS)
    # Choosing the entry puts its pseudonym in the field, ready for a name.
    row = next(r for r in range(3) if register.model.rows[r].ref == "Child D")
    rect = register.table.visualRect(register.model.index(row, 0))
    qtbot.mouseClick(register.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert register.ref.text() == "Child D" and register.name.hasFocus()

    qtbot.keyClicks(register.name, "Someone Else")
    qtbot.keyClick(register.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: replace_question(register) is not None, timeout=WAIT_MS)
    box = replace_question(register)
    assert "already has a different real name" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).click()
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        assert inspection.children["Child D"].name == REAL_NAME

    add(qtbot, register, "", "Someone Else")  # the fields kept what was typed
    qtbot.waitUntil(lambda: replace_question(register) is not None, timeout=WAIT_MS)
    [replace] = [b for b in replace_question(register).buttons() if "Replace" in b.text()]
    replace.click()
    qtbot.waitUntil(lambda: register.message.text().startswith("Child D is in"), timeout=WAIT_MS)
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        assert inspection.children["Child D"].name == "Someone Else"

    add(qtbot, register, "Child D")  # no name: nothing to change, and it says so
    qtbot.waitUntil(lambda: "already" in register.message.text(), timeout=WAIT_MS)
    assert register.message.text() == "Child D is already in the register; nothing changed."


def test_a_pseudonym_is_required(qtbot, register: ChildrenView) -> None:
    add(qtbot, register, "", REAL_NAME)
    assert register.message.text() == "Give a pseudonym first."
    assert register.model.rowCount() == 2


def test_new_pseudonyms_reach_the_editor_picker(
    qtbot, opened: MainWindow, register: ChildrenView
) -> None:
    add(qtbot, register, "Child F")
    picker = opened.workspace.editor.children
    qtbot.waitUntil(lambda: "Child F" in picker.codes(), timeout=WAIT_MS)


def test_enter_in_the_pseudonym_adds_the_entry(qtbot, register: ChildrenView) -> None:
    register.ref.setFocus()
    qtbot.keyClicks(register.ref, "Child G")
    qtbot.keyClick(register.ref, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: register.model.rowCount() == 3, timeout=WAIT_MS)


def test_locking_hides_the_register(qtbot, opened: MainWindow, register: ChildrenView) -> None:
    add(qtbot, register, "Child D", REAL_NAME)
    qtbot.waitUntil(lambda: register.model.rowCount() == 3, timeout=WAIT_MS)
    click(qtbot, register.reveal)
    ctrl(qtbot, register.table, Qt.Key.Key_L)
    assert opened.pages.currentWidget() is opened.unlock
    assert register.model.rowCount() == 0
    assert not register.reveal.isChecked()
    assert register.message.text() == "", "the register still names the last child added"
