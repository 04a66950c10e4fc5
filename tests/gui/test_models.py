"""Every item model passes Qt's model tester, while the app changes it as a user would.

Qt's own QAbstractItemModelTester reports problems as warnings; the marks below turn any
warning into a failure (except the offscreen platform's notes about what it cannot do).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from inspector_app.gui.children import ChildrenModel
from inspector_app.gui.coverage import CoverageModel
from inspector_app.gui.evidence_model import EvidenceModel
from inspector_app.gui.main_window import MainWindow
from tests.conftest import PASSPHRASE
from tests.gui.helpers import FIXTURE_NOTES, WAIT_MS, click, ctrl, select_note, unlock

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("This plugin does not support"),
]


def relock(qtbot, window: MainWindow) -> None:
    """Lock (the views clear) and unlock again (they fill up)."""
    ctrl(qtbot, window.focusWidget(), Qt.Key.Key_L)
    assert window.pages.currentWidget() is window.unlock
    unlock(qtbot, window, window.unlock.path, PASSPHRASE)


def test_evidence_model(qtbot, qtmodeltester, opened: MainWindow) -> None:
    evidence = opened.workspace.list
    model: EvidenceModel = evidence.model
    assert model.rowCount() == len(FIXTURE_NOTES)
    qtmodeltester.check(model)
    qtmodeltester.check(model, force_py=True)

    with qtbot.waitSignal(evidence.loaded, timeout=WAIT_MS):
        qtbot.keyClicks(evidence.search, "plan")
    select_note(qtbot, opened, "EHC plan timeliness")
    relock(qtbot, opened)
    qtbot.waitUntil(lambda: model.rowCount() == len(FIXTURE_NOTES), timeout=WAIT_MS)


def test_a_screen_reader_hears_outcome_names_not_codes(opened: MainWindow) -> None:
    from inspector_app.gui.evidence_model import COLUMNS

    model = opened.workspace.list.model
    row = model.row_of(next(r.id for r in model.rows if r.heading == "EHC plan timeliness"))
    cell = model.index(row, COLUMNS.index("Outcomes"))
    assert cell.data(Qt.ItemDataRole.DisplayRole) == "statutory-timescales"  # narrow on screen
    spoken = cell.data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken.startswith("Meeting statutory deadlines") and "-" not in spoken.split()[0]


def test_the_model_the_evidence_table_shows(qtbot, qtmodeltester, opened: MainWindow) -> None:
    """The table's own model (a sorting proxy, or the evidence model sorting itself)."""
    evidence = opened.workspace.list
    shown = evidence.table.model()
    qtmodeltester.check(shown)
    evidence.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: shown.rowCount() == len(FIXTURE_NOTES), timeout=WAIT_MS)
    relock(qtbot, opened)
    qtbot.waitUntil(lambda: shown.rowCount() == len(FIXTURE_NOTES), timeout=WAIT_MS)


def test_evidence_model_with_2000_notes(
    qtbot, qtmodeltester, window: MainWindow, big_inspection
) -> None:
    unlock(qtbot, window, big_inspection, PASSPHRASE)
    evidence = window.workspace.list
    qtbot.waitUntil(lambda: evidence.count.text() == "2000 notes", timeout=10_000)
    qtmodeltester.check(evidence.model)
    evidence.table.scrollToBottom()
    with qtbot.waitSignal(evidence.loaded, timeout=WAIT_MS):
        qtbot.keyClicks(evidence.search, "interns")
    qtbot.waitUntil(lambda: evidence.count.text() == "400 notes match", timeout=WAIT_MS)


def test_coverage_model(qtbot, qtmodeltester, opened: MainWindow) -> None:
    model: CoverageModel = opened.workspace.coverage.model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=WAIT_MS)
    qtmodeltester.check(model)
    qtmodeltester.check(model, force_py=True)
    relock(qtbot, opened)
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=WAIT_MS)


def test_children_model(qtbot, qtmodeltester, opened: MainWindow) -> None:
    view = opened.workspace.children
    model: ChildrenModel = view.model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=WAIT_MS)
    qtmodeltester.check(model)
    qtmodeltester.check(model, force_py=True)
    opened.workspace.tabs.setCurrentWidget(view)
    view.ref.setFocus()
    qtbot.keyClicks(view.ref, "Child D")
    qtbot.keyClicks(view.name, "Jamie Example")
    qtbot.keyClick(view.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=WAIT_MS)
    click(qtbot, view.reveal)
    click(qtbot, view.reveal)
    relock(qtbot, opened)
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=WAIT_MS)
