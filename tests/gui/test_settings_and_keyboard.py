"""Settings that persist, shortcuts, Tab order and an accessible name on every control."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableView,
    QTextBrowser,
    QWidget,
)

from inspector_app.core.framework import load
from inspector_app.gui.details_dialog import DetailsDialog
from inspector_app.gui.errors import show_error
from inspector_app.gui.main_window import MainWindow
from inspector_app.gui.new_inspection import NewInspectionDialog
from inspector_app.gui.settings import Settings
from inspector_app.gui.settings_dialog import SettingsDialog
from tests.gui.helpers import (
    WAIT_MS,
    alt_keys,
    click,
    ctrl,
    focused,
    make_jpeg,
    menu_action,
    mnemonic,
    select_note,
    tab_to,
)

INTERACTIVE = (
    QLineEdit,
    QPlainTextEdit,
    QComboBox,
    QCheckBox,
    QRadioButton,
    QPushButton,
    QTableView,
    QListWidget,
    QSpinBox,
)


@pytest.fixture
def app_font() -> Iterator[QFont]:
    """The settings dialog changes the application's font; put it back afterwards."""
    font = QApplication.font()
    yield font
    QApplication.setFont(font)


def open_settings(qtbot, window: MainWindow) -> SettingsDialog:
    menu_action(window, "File", "Settings…").trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SettingsDialog)))
    return next(d for d in window.findChildren(SettingsDialog) if d.isVisible())


def press(qtbot, dialog: SettingsDialog, which: QDialogButtonBox.StandardButton) -> None:
    click(qtbot, dialog.findChild(QDialogButtonBox).button(which))


def retype(qtbot, spin: QSpinBox, text: str) -> None:
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)


def test_settings_persist_and_apply(
    qtbot, opened: MainWindow, settings_path: Path, app_font: QFont
) -> None:
    dialog = open_settings(qtbot, opened)
    assert dialog.idle.value() == 5 and dialog.kind.currentData() == "case-review"
    assert opened.idle.timer.interval() == 5 * 60_000 and opened.idle.timer.isActive()

    retype(qtbot, dialog.idle, "15")
    dialog.kind.setCurrentIndex(dialog.kind.findData("meeting"))
    retype(qtbot, dialog.size, "13")
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert not dialog.isVisible()

    stored = Settings(settings_path)
    assert (stored.idle_minutes, stored.default_kind, stored.text_size) == (15, "meeting", 13)
    assert "idle_minutes=15" in settings_path.read_text(encoding="utf-8")
    assert opened.idle.timer.interval() == 15 * 60_000
    assert QApplication.font().pointSize() == 13

    ctrl(qtbot, opened.workspace.list.search, Qt.Key.Key_N)
    assert opened.workspace.editor.kind.currentData() == "meeting"


def test_the_windows_size_and_the_evidence_divider_come_back_as_left(
    qtbot, opened: MainWindow, settings_path: Path, cheap_kdf
) -> None:
    opened.resize(opened.width(), 760)  # (this test screen is narrower than the window)
    opened.workspace.splitter.setSizes([200, 500])
    qtbot.wait(50)
    size, sizes = opened.size(), opened.workspace.splitter.sizes()
    opened.close()
    again = MainWindow(Settings(settings_path), kdf=cheap_kdf)
    qtbot.addWidget(again)
    again.restore_layout()
    again.show()
    qtbot.waitExposed(again)
    assert again.size() == size and size.height() == 760
    def share(split: list[int]) -> float:  # the list's part of the height
        return round(split[0] / sum(split), 2)

    qtbot.waitUntil(lambda: share(again.workspace.splitter.sizes()) == share(sizes))
    assert share(sizes) != share([330, 420])


def test_ok_keeps_the_last_kind_used_and_system_size_comes_back(
    qtbot, opened: MainWindow, settings_path: Path, app_font: QFont
) -> None:
    system = QApplication.font().pointSize()
    opened.settings.last_kind = "visit"  # the kind of the last note made
    dialog = open_settings(qtbot, opened)
    retype(qtbot, dialog.size, "17")
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert QApplication.font().pointSize() == 17
    # The warnings, styled in colour, grow with the rest.
    editor = opened.workspace.editor
    assert editor.breaches.font().pointSize() == editor.banner.font().pointSize() == 17
    assert Settings(settings_path).last_kind == "visit"  # only the size changed
    dialog = open_settings(qtbot, opened)
    dialog.size.setValue(0)  # "System"
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert QApplication.font().pointSize() == system


def test_at_a_large_text_size_the_window_still_fits_a_small_laptop(
    qtbot, opened: MainWindow, app_font: QFont
) -> None:
    evidence = opened.workspace.list
    assert evidence.filter_bar.count() == 0  # one row of search and filters
    opened.settings.text_size = 14
    opened.apply_settings()
    QApplication.processEvents()
    assert evidence.filter_bar.count() == len(evidence.filters)  # the filters have their row
    assert opened.minimumSizeHint().width() <= 1024
    opened.settings.text_size = 0
    opened.apply_settings()
    QApplication.processEvents()
    assert evidence.filter_bar.count() == 0


def test_the_text_size_stops_where_the_window_would_no_longer_fit(
    qtbot, window: MainWindow, settings_path: Path
) -> None:
    dialog = open_settings(qtbot, window)
    retype(qtbot, dialog.size, "32")
    assert dialog.size.value() <= 20
    Settings(settings_path).text_size = 32  # set by an earlier version
    assert Settings(settings_path).text_size == 20


def test_ctrl_l_with_settings_open_locks_and_leaves_the_settings_to_finish(
    qtbot, opened: MainWindow, settings_path: Path
) -> None:
    opened.statusBar().showMessage("Note deleted. Press Ctrl+Z to bring it back.")
    dialog = open_settings(qtbot, opened)
    retype(qtbot, dialog.idle, "17")
    ctrl(qtbot, dialog.idle, Qt.Key.Key_L)
    assert not opened.session.is_open
    assert opened.statusBar().currentMessage() == ""  # undo went with the lock: not offered
    assert dialog.isVisible()  # they show no inspection: they stay, with what was typed
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert Settings(settings_path).idle_minutes == 17


def test_cancel_changes_nothing(qtbot, window: MainWindow, settings_path: Path) -> None:
    dialog = open_settings(qtbot, window)
    retype(qtbot, dialog.idle, "42")
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Cancel)
    assert Settings(settings_path).idle_minutes == 5


def test_choosing_never_keeps_the_inspection_open(
    qtbot, opened: MainWindow, app_font: QFont
) -> None:
    dialog = open_settings(qtbot, opened)
    retype(qtbot, dialog.idle, "0")
    assert dialog.idle.value() == 0  # shown as "Never"
    with qtbot.assertNotEmitted(opened.session.closed, wait=300):
        press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert opened.pages.currentWidget() is opened.workspace


def test_f1_lists_the_shortcuts_in_a_box_that_fits_the_screen(
    qtbot, window: MainWindow, app_font: QFont
) -> None:
    window.settings.text_size = 20  # the largest: the list is then taller than a laptop
    window.apply_settings()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    [box] = [b for b in window.findChildren(QDialog, "shortcuts") if b.isVisible()]
    assert box.windowTitle() == "Keyboard shortcuts"
    text = box.findChild(QTextBrowser).toPlainText()
    assert "Ctrl+L" in text and "Ctrl+N" in text
    assert box.height() <= box.screen().availableGeometry().height()
    assert box.findChild(QTextBrowser).verticalScrollBar().maximum() > 0  # it scrolls instead
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert not box.isVisible()


@pytest.mark.parametrize(
    ("key", "tab"),
    [(Qt.Key.Key_V, 0), (Qt.Key.Key_O, 1), (Qt.Key.Key_G, 2)],
    ids=["Alt+V evidence", "Alt+O coverage", "Alt+G child register"],
)
def test_tab_shortcuts_work_every_time(qtbot, opened: MainWindow, key: Qt.Key, tab: int) -> None:
    """The shortcut list promises Alt+V, Alt+O and Alt+G for the three sections."""
    tabs = opened.workspace.tabs
    try:
        for attempt in range(2):
            tabs.setCurrentIndex((tab + 1) % 3)
            qtbot.keyClick(focused() or opened, key, Qt.KeyboardModifier.AltModifier)
            menu = QApplication.activePopupWidget()
            assert menu is None, f"press {attempt + 1} opened a menu instead"
            assert tabs.currentIndex() == tab, f"press {attempt + 1} did not switch sections"
    finally:
        while QApplication.activePopupWidget() is not None:
            QApplication.activePopupWidget().close()


def test_tab_from_the_search_box_reaches_the_note_text(qtbot, opened: MainWindow) -> None:
    select_note(qtbot, opened, "EHC plan timeliness")
    opened.workspace.list.search.setFocus()
    visited: list[str] = []
    for _ in range(40):
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        visited.append(focused().accessibleName())
        if focused() is opened.workspace.editor.text:
            break
    assert focused() is opened.workspace.editor.text, f"Tab went round: {visited}"


def test_shift_tab_from_the_search_box_reaches_the_note_text(qtbot, opened: MainWindow) -> None:
    select_note(qtbot, opened, "EHC plan timeliness")
    opened.workspace.list.search.setFocus()
    assert tab_to(qtbot, opened.workspace.editor.text, key=Qt.Key.Key_Backtab)


def test_ctrl_f_finds_from_anywhere(qtbot, opened: MainWindow) -> None:
    opened.workspace.tabs.setCurrentIndex(1)
    opened.workspace.coverage.table.setFocus()
    ctrl(qtbot, focused(), Qt.Key.Key_F)
    assert opened.workspace.tabs.currentIndex() == 0
    assert focused() is opened.workspace.list.search


def unnamed_controls(root: QWidget) -> list[str]:
    """Visible controls with neither an accessible name nor a text label."""
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or not widget.isVisible():
            continue
        if isinstance(widget.parentWidget(), QAbstractSpinBox):
            continue  # a spin box's own text field; the spin box carries the name
        label = widget.accessibleName()
        if not label and isinstance(widget, QAbstractButton):
            label = widget.text().replace("&", "")
        if not label.strip():
            parent = widget.parentWidget()
            missing.append(f"{type(widget).__name__} in {type(parent).__name__}")
    return missing


def test_every_control_has_an_accessible_name(qtbot, opened: MainWindow, tmp_path: Path) -> None:
    window = opened
    workspace = window.workspace
    checked = 0

    def check(root: QWidget) -> None:
        nonlocal checked
        assert unnamed_controls(root) == []
        checked += sum(
            isinstance(w, INTERACTIVE) and w.isVisible() for w in root.findChildren(QWidget)
        )

    for kind in load().kinds:  # each kind's form
        workspace.new_note(kind.code)
        check(workspace)
    select_note(qtbot, window, "EHC plan timeliness")
    workspace.editor.photos.add_requested.emit([make_jpeg(tmp_path / "board.jpg")])
    qtbot.waitUntil(lambda: workspace.editor.photos.thumbs.isVisible(), timeout=WAIT_MS)
    check(workspace)
    for index in (1, 2):
        workspace.tabs.setCurrentIndex(index)
        check(workspace)

    dialog = open_settings(qtbot, window)
    check(dialog)
    dialog.reject()

    ctrl(qtbot, focused(), Qt.Key.Key_L)
    check(window.unlock)
    click(qtbot, window.unlock.use_recovery)
    check(window.unlock)
    window.show_start()
    check(window.start)

    window.new_inspection()
    new = window.findChild(NewInspectionDialog)
    qtbot.waitUntil(new.isVisible)
    check(new)
    qtbot.keyClicks(new.area, "Eastbrook")
    qtbot.keyClicks(new.inspector, "Robin Team")
    new.location.setText(str(tmp_path / "eastbrook.inspection"))
    click(qtbot, new.next)
    check(new)
    for edit in (new.passphrase, new.again):
        qtbot.keyClicks(edit, "lantern meadow copper")
    click(qtbot, new.next)
    qtbot.waitUntil(lambda: new.pages.currentIndex() == 2, timeout=WAIT_MS)
    check(new)
    qtbot.keyClick(new.kept, Qt.Key.Key_Space)
    click(qtbot, new.next)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is workspace, timeout=WAIT_MS)
    assert checked > 150  # the walk really saw the controls


def test_unexpected_errors_do_not_show_their_text(window: MainWindow) -> None:
    box = show_error(window, ValueError("Child A's real name is Jamie Example"))
    assert box.windowTitle() == "Unexpected problem"
    assert "Jamie" not in box.text() and "your saved notes are safe" in box.text()
    assert box.objectName() == "errorDialog" and box.isVisible()
    box.close()


def test_errors_say_what_to_do_in_the_app_not_on_the_command_line(
    window: MainWindow, make_inspection
) -> None:
    from inspector_app.core.errors import InConflict, IntegrityError
    from inspector_app.core.store import Inspection
    from tests.conftest import PASSPHRASE, add_fixture_note

    inspection = make_inspection()
    shown = add_fixture_note(inspection)
    with Inspection.open(inspection.path, PASSPHRASE) as other:
        other.edit_note(shown.id, text="Theirs.")
    inspection.edit_note(shown.id, base=shown, text="Mine.")  # beside theirs: a conflict
    with pytest.raises(InConflict) as conflict:
        inspection.edit_note(shown.id, text="Again.")
    with pytest.raises(IntegrityError) as damaged:
        inspection.file.open_raw("note", shown.id, 1, b"not a sealed record")
    for exc, advice in (
        (conflict.value, "; choose one with Resolve… above the note."),
        (damaged.value, "; importing a teammate's bundle that holds it restores it, or open a "
                        "backup copy."),
    ):
        box = show_error(window, exc)
        assert advice in box.text() and "inspector-app" not in box.text(), box.text()
        box.close()


def clashes(keys: list[str]) -> list[str]:
    return sorted({k for k in keys if keys.count(k) > 1})


def test_no_two_entries_of_a_menu_or_controls_of_a_dialog_share_an_alt_key(
    qtbot, opened: MainWindow
) -> None:
    window = opened
    menus = [a.menu() for a in window.menuBar().actions()]
    while menus:
        menu = menus.pop()
        entries = [a for a in menu.actions() if not a.isSeparator()]
        keys = [mnemonic(a.text()) for a in entries]
        assert "" not in keys and clashes(keys) == [], (menu.title(), keys)
        menus += [a.menu() for a in entries if a.menu()]

    menu_action(window, "File", "Inspection details…").trigger()
    dialog = next(d for d in window.findChildren(DetailsDialog) if d.isVisible())
    keys = alt_keys(dialog) + ["s", "c"]  # GNOME's Save and Cancel are &Save and &Cancel
    assert clashes(keys) == [], keys
    dialog.reject()
    window.lock()
    for name in ("New inspection", "Join an inspection with the lead's card"):
        window.show_start()
        next(b for b in window.start.findChildren(QPushButton)
             if b.accessibleName() == name).click()
        dialog = next(d for d in window.findChildren(NewInspectionDialog) if d.isVisible())
        assert clashes(alt_keys(dialog)) == [], (name, alt_keys(dialog))
        dialog.reject()


def test_no_two_controls_on_a_page_share_an_alt_key(qtbot, opened: MainWindow) -> None:
    window = opened
    select_note(qtbot, window, "EHC plan timeliness")  # the editor's controls count too
    window.workspace.findings.open_draft.show()  # as once a draft is written
    menus = [a.text()[a.text().index("&") + 1].lower() for a in window.menuBar().actions()]
    tabs = window.workspace.tabs
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        qtbot.wait(50)
        bar = tabs.tabBar()
        plain = [t.replace("&&", "") for t in map(bar.tabText, range(bar.count()))]
        tab_keys = [t[t.index("&") + 1].lower() for t in plain if "&" in t]
        assert len(tab_keys) == tabs.count()
        keys = menus + alt_keys(tabs.currentWidget()) + tab_keys
        clashes = sorted({k for k in keys if keys.count(k) > 1})
        assert clashes == [], f"{tabs.tabText(index)}: Alt+{clashes} used twice"
    window.lock()
    window.show_start()
    keys = menus + alt_keys(window.start)
    assert sorted({k for k in keys if keys.count(k) > 1}) == []
