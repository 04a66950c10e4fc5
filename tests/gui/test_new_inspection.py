"""The start screen and the new-inspection dialog, driven through their widgets."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from inspector_app.core.store import Inspection
from inspector_app.gui.main_window import MainWindow
from inspector_app.gui.new_inspection import NewInspectionDialog
from inspector_app.gui.settings import Settings
from tests.conftest import PASSPHRASE
from tests.gui.helpers import WAIT_MS, click, ctrl, error_dialogs, unlock

NEW_PASSPHRASE = "lantern meadow copper"


def start_button(window: MainWindow, name: str) -> QPushButton:
    found = [b for b in window.start.findChildren(QPushButton) if b.accessibleName() == name]
    assert len(found) == 1, name
    return found[0]


def open_dialog(qtbot, window: MainWindow) -> NewInspectionDialog:
    click(qtbot, start_button(window, "New inspection"))
    dialog = window.findChild(NewInspectionDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_start_page_shows_an_empty_state_before_any_inspection(window: MainWindow) -> None:
    assert window.pages.currentWidget() is window.start
    assert window.start.empty.isVisible()
    assert "No recent inspections yet" in window.start.empty.text()
    assert not window.start.recent.isVisible()
    assert window.windowTitle() == "Inspector"


def test_recent_list_keeps_only_the_path(
    qtbot, opened: MainWindow, inspection_path: Path, settings_path: Path
) -> None:
    window = opened
    ctrl(qtbot, window.workspace.list.search, Qt.Key.Key_L)
    click(qtbot, next(b for b in window.unlock.findChildren(QPushButton) if b.text() == "&Back"))
    assert window.pages.currentWidget() is window.start
    recent = window.start.recent
    assert recent.isVisible() and not window.start.empty.isVisible()
    assert [recent.item(i).text() for i in range(recent.count())] == [str(inspection_path)]

    window.settings.sync()
    stored = settings_path.read_text(encoding="utf-8")
    assert inspection_path.name in stored
    for secret in ("Northmoor", "Sam Lead", "EHC plan", "Child A", "interns"):
        assert secret not in stored

    # Enter on the highlighted recent file goes straight to its unlock screen.
    recent.setFocus()
    qtbot.keyClick(recent, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.unlock
    assert window.unlock.path == inspection_path


def test_a_missing_recent_file_is_marked_and_forgotten_when_opened(
    qtbot, window: MainWindow, tmp_path: Path, settings_path: Path
) -> None:
    gone = tmp_path / "moved-away.inspection"
    window.settings.remember(gone)
    window.show_start()
    item = window.start.recent.item(0)
    assert item.text().endswith("(missing)")
    assert not item.flags() & Qt.ItemFlag.ItemIsEnabled

    window.open_path(gone)
    [box] = error_dialogs(window)
    assert box.windowTitle() == "Not found"  # a file moved away is no failure of the app
    assert str(gone) in box.text() and "leaves the recent list" in box.text()
    box.close()
    assert window.pages.currentWidget() is window.start
    assert Settings(settings_path).recent() == []
    assert window.start.empty.isVisible()


def test_new_inspection_end_to_end(
    qtbot, window: MainWindow, tmp_path: Path, settings_path: Path
) -> None:
    dialog = open_dialog(qtbot, window)
    assert dialog.pages.currentIndex() == 0

    # Details: each missing item is named before the dialog moves on.
    click(qtbot, dialog.next)
    assert dialog.pages.currentIndex() == 0
    assert "local area" in dialog.details_message.text()
    qtbot.keyClicks(dialog.area, "Eastbrook")
    click(qtbot, dialog.next)
    assert "your name" in dialog.details_message.text()
    qtbot.keyClicks(dialog.inspector, "Robin Team")
    # Choices read as words, not codes.
    assert dialog.role.currentText() == "Lead inspector"
    assert dialog.framework.currentText() == "Joint local area SEND inspection (2016 framework)"
    target = tmp_path / "eastbrook.inspection"
    dialog.location.clear()
    qtbot.keyClicks(dialog.location, str(target))
    click(qtbot, dialog.next)
    assert dialog.pages.currentIndex() == 1
    assert dialog.details_message.text() == ""

    # Passphrases that differ are refused, and so is one that is too short.
    qtbot.keyClicks(dialog.passphrase, NEW_PASSPHRASE)
    qtbot.keyClicks(dialog.again, "lantern meadow cooper")
    click(qtbot, dialog.next)
    assert "differ" in dialog.passphrase_message.text()
    assert dialog.pages.currentIndex() == 1 and not target.exists()

    for edit in (dialog.passphrase, dialog.again):
        edit.clear()
        qtbot.keyClicks(edit, "short")
    assert dialog.meter.value() == 0
    assert dialog.hint.text().startswith("Too short")
    click(qtbot, dialog.next)
    assert "Too short" in dialog.passphrase_message.text()
    assert dialog.pages.currentIndex() == 1 and not target.exists()

    for edit in (dialog.passphrase, dialog.again):
        edit.clear()
        qtbot.keyClicks(edit, NEW_PASSPHRASE)
    assert dialog.hint.text() == "Strong." and dialog.meter.value() == 3
    click(qtbot, dialog.next)
    # While the file is being made there is no way out that would hide its recovery key.
    assert not dialog.cancel.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=WAIT_MS)
    assert dialog.isVisible()

    # The recovery key is shown once; Finish waits for the user to say it was kept.
    recovery_key = dialog.recovery.text()
    assert len(recovery_key) >= 20
    dialog.save_recovery_to(tmp_path / "no such folder" / "key.txt")
    assert "Not saved" in dialog.recovery_message.text()
    dialog.save_recovery_to(tmp_path / "key.txt")
    assert dialog.recovery_message.text().startswith(f"Saved to {tmp_path / 'key.txt'}.")
    assert recovery_key in (tmp_path / "key.txt").read_text()
    assert (tmp_path / "key.txt").stat().st_mode & 0o077 == 0  # for its owner's eyes only
    assert dialog.passphrase.text() == "" and dialog.again.text() == ""
    assert not dialog.next.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible(), "Escape must not dismiss the only view of the recovery key"
    qtbot.keyClick(dialog.kept, Qt.Key.Key_Space)
    assert dialog.kept.isChecked() and dialog.next.isEnabled()
    click(qtbot, dialog.next)

    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.workspace, timeout=WAIT_MS)
    assert not dialog.isVisible()
    assert window.windowTitle() == "Eastbrook — Inspector"
    qtbot.waitUntil(lambda: window.workspace.list.empty.isVisible(), timeout=WAIT_MS)
    assert "No notes yet" in window.workspace.list.empty.text()

    window.close()
    with Inspection.open(target, recovery_key) as created:
        assert (created.info.area, created.info.inspector) == ("Eastbrook", "Robin Team")
        assert (created.info.role, created.info.framework) == ("lead", "send-2016")
        # Dates never chosen are not stored: deadlines are not counted from today.
        assert (created.info.on_site_start, created.info.on_site_end) == ("", "")
    with Inspection.open(target, NEW_PASSPHRASE) as created:
        assert created.notes() == []
    stored = settings_path.read_text(encoding="utf-8")
    assert target.name in stored
    assert "Eastbrook" not in stored and "Robin" not in stored


def test_new_inspection_refuses_an_existing_file_and_backwards_dates(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    dialog = open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.area, "Eastbrook")
    qtbot.keyClicks(dialog.inspector, "Robin Team")
    dialog.location.setText(str(inspection_path))
    click(qtbot, dialog.next)
    assert "already exists" in dialog.details_message.text()
    assert dialog.pages.currentIndex() == 0

    dialog.location.setText(str(inspection_path.with_name("other.inspection")))
    assert not dialog.start.isEnabled() and not dialog.end.isEnabled()
    qtbot.keyClick(dialog.dates_known, Qt.Key.Key_Space)
    assert dialog.start.isEnabled() and dialog.end.isEnabled()
    dialog.end.setDate(dialog.start.date().addDays(-1))
    click(qtbot, dialog.next)
    assert "before the first" in dialog.details_message.text()

    dialog.end.setDate(dialog.start.date())
    dialog.location.setText(str(inspection_path.parent / "no such folder" / "x.inspection"))
    click(qtbot, dialog.next)  # said now, not after the passphrase has been typed twice
    assert "does not exist" in dialog.details_message.text()
    assert dialog.pages.currentIndex() == 0

    dialog.location.setText(str(inspection_path.with_name("other.inspection")))
    click(qtbot, dialog.next)
    qtbot.keyClicks(dialog.passphrase, NEW_PASSPHRASE)
    click(qtbot, dialog.cancel)
    assert not dialog.isVisible()
    assert dialog.passphrase.text() == ""  # not kept in the hidden dialog
    assert window.pages.currentWidget() is window.start
    with Inspection.open(inspection_path, PASSPHRASE) as untouched:
        assert untouched.info.area == "Northmoor"


def test_demo_opens_with_its_passphrase_hint(qtbot, window: MainWindow) -> None:
    click(qtbot, start_button(window, "Open the demo inspection"))
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.unlock, timeout=15_000)
    hint = window.unlock.hint.text()
    assert hint.startswith("Demo passphrase: ")
    unlock(qtbot, window, window.unlock.path, hint.removeprefix("Demo passphrase: "))
    # The lead's 60 notes and a second inspector's 3, one of them in conflict.
    qtbot.waitUntil(lambda: window.workspace.list.model.rowCount() == 63, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.counts.text().startswith("63 notes"), timeout=WAIT_MS)
    assert sum(row.conflict for row in window.workspace.list.model.rows) == 1


def test_repeats_do_not_make_a_passphrase_strong() -> None:
    from inspector_app.gui.new_inspection import strength

    assert strength("aaaaaaaaaaaaaaaaaaaa")[0] == 1
    assert strength("password password")[0] < 3
    assert strength("Password1!Password1!")[0] < 3
    assert strength("lantern meadow copper")[0] == 3
