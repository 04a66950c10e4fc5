"""Inspection details in the app: dates on site, the WSOA decision and the deadlines they give."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from inspector_app.core.store import Inspection
from inspector_app.gui.details_dialog import DetailsDialog
from inspector_app.gui.main_window import MainWindow
from tests.conftest import PASSPHRASE
from tests.gui.helpers import WAIT_MS, ctrl, menu_action, select_note


def open_details(qtbot, window: MainWindow) -> DetailsDialog:
    menu_action(window, "File", "Inspection details…").trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(DetailsDialog)),
                    timeout=WAIT_MS)
    dialog = next(d for d in window.findChildren(DetailsDialog) if d.isVisible())
    qtbot.waitUntil(lambda: dialog.area.text() != "", timeout=WAIT_MS)
    return dialog


def save(dialog: DetailsDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    box.button(QDialogButtonBox.StandardButton.Save).click()


def test_dates_and_wsoa_give_the_deadlines_and_are_saved(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    dialog = open_details(qtbot, opened)
    assert dialog.area.text() == "Northmoor"
    dialog.start.setDate(QDate(2026, 12, 7))
    dialog.end.setDate(QDate(2026, 12, 11))
    dialog.wsoa.setCurrentIndex(dialog.wsoa.findData("required"))
    dialog.addressees.setPlainText("Director of Children's Services, Northmoor Council")
    dialog.team.setPlainText("Sam Lead, HMI\nPriya Shah, Ofsted Inspector")
    save(dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    again = open_details(qtbot, opened)
    # 33 working days after Friday 11 December 2026, skipping Christmas and New Year.
    qtbot.waitUntil(lambda: "Monday 1 February 2027" in again.deadlines.text(), timeout=WAIT_MS)
    assert "Written statement of action" in again.deadlines.text()
    shown = again.deadlines.text()
    assert "Revisit usually by" in shown and "check it" not in shown
    again.start.setDate(QDate(2026, 12, 6))  # a Sunday: saved, and pointed out
    save(again)
    qtbot.waitUntil(lambda: "Sunday 6 December 2026, is not a working day" in
                    again.deadlines.text(), timeout=WAIT_MS)
    again.reject()
    opened.lock()
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        info = inspection.info
    assert (info.on_site_start, info.on_site_end, info.wsoa) == (
        "2026-12-06", "2026-12-11", "required")
    assert info.team == ("Sam Lead, HMI", "Priya Shah, Ofsted Inspector")


def test_a_last_day_before_the_first_is_refused_and_nothing_is_saved(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    dialog = open_details(qtbot, opened)
    dialog.start.setDate(QDate(2026, 12, 11))
    dialog.end.setDate(QDate(2026, 12, 7))
    save(dialog)
    qtbot.waitUntil(lambda: "before the first" in dialog.message.text(), timeout=WAIT_MS)
    assert dialog.isVisible()
    dialog.reject()
    opened.lock()
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        assert inspection.info.on_site_end == ""


def test_every_control_in_the_details_dialog_is_named(qtbot, opened: MainWindow) -> None:
    dialog = open_details(qtbot, opened)
    for widget in (dialog.area, dialog.start, dialog.end, dialog.wsoa, dialog.addressees,
                   dialog.team):
        assert widget.accessibleName()
    dialog.reject()
    QApplication.processEvents()


def test_a_plans_annual_review_is_counted_to_the_first_day_on_site_once_it_is_set(
    qtbot, opened: MainWindow
) -> None:
    editor = opened.workspace.editor
    select_note(qtbot, opened, "EHC plan timeliness")  # final plan issued on 2024-07-15
    review = "Plan reviewed in the 12 months before the inspection"
    assert f"{review} (Children and Families Act 2014, s.44): " in editor.timescales.text()
    assert " ago (from final plan issued" in editor.timescales.text()  # until then, today
    dialog = open_details(qtbot, opened)
    dialog.start.setDate(QDate(2025, 3, 3))
    dialog.end.setDate(QDate(2025, 3, 7))
    save(dialog)
    qtbot.waitUntil(
        lambda: "7 months 16 days before the inspection (from final plan issued, as last annual "
        "review is not given), met" in editor.timescales.text(),
        timeout=WAIT_MS,
    )


def test_saving_other_details_does_not_make_today_the_dates_on_site(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    dialog = open_details(qtbot, opened)
    assert "today's date only stands in" in dialog.deadlines.text()
    dialog.area.setText("Northmoor and Eastvale")
    dialog.team.setPlainText("Sam Lead, HMI")
    save(dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    assert opened.windowTitle() == "Northmoor and Eastvale — Inspector"
    opened.lock()
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        info = inspection.info
    assert (info.area, info.team) == ("Northmoor and Eastvale", ("Sam Lead, HMI",))
    assert (info.on_site_start, info.on_site_end) == ("", "")


def test_details_typed_but_not_saved_are_kept_when_the_file_locks(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    dialog = open_details(qtbot, opened)
    dialog.addressees.setPlainText("Director of Children's Services, Northmoor Council")
    opened.lock()  # the idle lock comes while the lead is away from the dialog
    assert opened.unlock.message.text() == "Locked. Your notes are saved."
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        assert inspection.info.addressees == ("Director of Children's Services, Northmoor Council",)
        assert inspection.info.on_site_start == ""  # today, never chosen, is not stored


def test_details_that_cannot_be_saved_on_lock_are_said_not_saved(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    dialog = open_details(qtbot, opened)
    dialog.start.setDate(QDate(2026, 12, 11))
    dialog.end.setDate(QDate(2026, 12, 7))
    opened.lock()
    assert opened.unlock.message.text().startswith(
        "The inspection details you changed were not saved: The last day on site is before"
    )
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        assert inspection.info.on_site_end == ""


def test_escape_after_save_closes_without_asking_and_the_save_lands(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    dialog = open_details(qtbot, opened)
    dialog.area.setText("Southmoor")
    save(dialog)
    dialog.reject()  # at once, before the file answers: Save was pressed, nothing to ask
    assert dialog.findChild(QMessageBox, "leaveDetails") is None
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    opened.lock()
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        assert inspection.info.area == "Southmoor"


def test_ctrl_l_in_the_details_dialog_locks_and_keeps_what_was_typed(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    dialog = open_details(qtbot, opened)
    dialog.team.setFocus()
    dialog.team.setPlainText("Sam Okafor, HMI")
    ctrl(qtbot, dialog.team, Qt.Key.Key_L)  # the dialog blocks the window's own shortcuts
    assert not opened.session.is_open and opened.pages.currentWidget() is opened.unlock
    assert not dialog.isVisible()
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        assert inspection.info.team == ("Sam Okafor, HMI",)


def test_escape_in_the_details_dialog_asks_before_dropping_changes(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    dialog = open_details(qtbot, opened)
    qtbot.keyClick(dialog.area, Qt.Key.Key_Escape)  # nothing changed: it just closes
    assert not dialog.isVisible()

    dialog = open_details(qtbot, opened)
    dialog.team.setPlainText("Sam Okafor, HMI")
    qtbot.keyClick(dialog.team, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "leaveDetails") is not None,
                    timeout=WAIT_MS)
    question = dialog.findChild(QMessageBox, "leaveDetails")
    assert question.defaultButton() is question.button(QMessageBox.StandardButton.Cancel)
    question.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.wait(100)
    assert dialog.isVisible() and dialog.team.toPlainText() == "Sam Okafor, HMI"

    dialog.reject()
    question = dialog.findChild(QMessageBox, "leaveDetails")
    next(b for b in question.buttons() if "without saving" in b.text()).click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    opened.lock()
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        assert inspection.info.team == ()


def test_at_a_large_text_size_every_deadline_can_be_read(
    qtbot, opened: MainWindow, inspection_path: Path
) -> None:
    opened.settings.text_size = 20
    opened.apply_settings()
    try:
        dialog = open_details(qtbot, opened)
        dialog.start.setDate(QDate(2026, 12, 7))
        dialog.end.setDate(QDate(2026, 12, 11))
        dialog.wsoa.setCurrentIndex(dialog.wsoa.findData("required"))
        save(dialog)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
        again = open_details(qtbot, opened)
        qtbot.waitUntil(lambda: "Revisit usually by" in again.deadlines.text(), timeout=WAIT_MS)
        # As tall as the screen allows, and what is past its foot scrolls into sight.
        room = again.screen().availableGeometry().height()
        assert again.height() > 480 and again.frameGeometry().height() <= room
        label, scroll = again.deadlines, again.scroll
        qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()),
                        timeout=WAIT_MS)  # every line of it laid out, none cut off
        bar = scroll.verticalScrollBar()
        bar.setValue(bar.maximum())
        qtbot.wait(50)
        bottom = label.mapTo(scroll.viewport(), label.rect().bottomLeft()).y()
        assert bottom <= scroll.viewport().height()  # its last line scrolls into sight
        again.reject()
    finally:
        opened.settings.text_size = 0
        opened.apply_settings()
