"""Coverage: counts per question and outcome category, gaps, click to filter, PNG export."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QPushButton

from inspector_app.core.store import Inspection
from inspector_app.gui.coverage import GAP, CoverageView
from inspector_app.gui.main_window import MainWindow
from tests.conftest import PASSPHRASE
from tests.gui.helpers import (
    WAIT_MS,
    click,
    ctrl,
    error_dialogs,
    focused,
    menu_action,
    select_note,
    visible_headings,
)


@pytest.fixture
def coverage(qtbot, opened: MainWindow) -> CoverageView:
    """The Coverage tab, reached with its keyboard mnemonic (Alt+O)."""
    qtbot.keyClick(opened.workspace.list.search, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    assert opened.workspace.tabs.currentWidget() is opened.workspace.coverage
    view = opened.workspace.coverage
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=WAIT_MS)
    return view


def cell_index(view: CoverageView, question: str, outcome: str):
    model = view.model
    row = [o.code for o in model.outcomes].index(outcome)
    column = [q.code for q in model.questions].index(question)
    return model.index(row, column)


def test_counts_match_the_core_and_gaps_are_marked(
    coverage: CoverageView, inspection_path: Path
) -> None:
    with Inspection.open(inspection_path, PASSPHRASE) as inspection:
        counts = inspection.index.coverage()
        framework = inspection.framework
    per_cell = Counter()
    for (question, outcome, _judgement), n in counts.items():
        per_cell[question, outcome] += n

    model = coverage.model
    assert model.rowCount() == len(framework.outcomes)
    assert model.columnCount() == len(framework.questions)
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            question, outcome = model.cell(row, column)
            expected = per_cell[question, outcome]
            index = model.index(row, column)
            assert model.total(row, column) == expected, (question, outcome)
            shown = index.data()
            if expected:
                assert shown.startswith(f"{expected}   ("), shown
            else:
                assert shown == GAP
                assert "a gap" in index.data(Qt.ItemDataRole.ToolTipRole)

    assert cell_index(coverage, "B", "statutory-timescales").data() == "1   (D1)"
    spoken = cell_index(coverage, "B", "statutory-timescales").data(
        Qt.ItemDataRole.AccessibleTextRole)  # a screen reader hears words, not codes
    assert spoken.startswith("Question B, Meeting statutory deadlines for EHC needs assessments")
    assert cell_index(coverage, "C", "pfa-employment").data() == "1   (S1)"
    cells = model.rowCount() * model.columnCount()
    gaps = cells - len(per_cell)
    assert coverage.summary.text() == (
        f"<b>{cells - gaps} of {cells}</b> question and outcome pairs have evidence; "
        f"<b>{gaps}</b> gaps."
    )
    # Darker shading for more evidence, a warning colour for gaps.
    gap_colour = cell_index(coverage, "A", "leadership").data(Qt.ItemDataRole.BackgroundRole)
    full_colour = cell_index(coverage, "B", "statutory-timescales").data(
        Qt.ItemDataRole.BackgroundRole
    )
    assert gap_colour != full_colour


def test_coverage_follows_new_evidence(qtbot, opened: MainWindow, coverage: CoverageView) -> None:
    editor = opened.workspace.editor
    menu_action(opened, "Note", "New note of kind", "Meeting").trigger()
    qtbot.keyClick(editor.text, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor.outcomes.filter, "leadership")
    qtbot.keyClick(editor.outcomes.filter, Qt.Key.Key_Return)
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        qtbot.keyClicks(editor.text, "Leaders know the area well")
    qtbot.waitUntil(
        lambda: cell_index(coverage, "A", "leadership").data() == "1   (C1)", timeout=WAIT_MS
    )
    assert "<b>33</b> gaps" in coverage.summary.text()


def test_clicking_a_cell_filters_the_evidence_list(
    qtbot, opened: MainWindow, coverage: CoverageView
) -> None:
    select_note(qtbot, opened, "Parent Carer Forum and SENDIASS")  # typed in, then left
    opened.workspace.editor.text.setFocus()
    opened.workspace.tabs.setCurrentWidget(coverage)
    index = cell_index(coverage, "B", "statutory-timescales")
    table = coverage.table
    with qtbot.waitSignal(opened.workspace.list.loaded, timeout=WAIT_MS) as shown:
        click(qtbot, table.viewport(), table.visualRect(index).center())
    assert opened.workspace.tabs.currentIndex() == 0
    filters = opened.workspace.list.filters
    assert filters["question"].currentData() == "B"
    assert filters["outcome"].currentData() == "statutory-timescales"
    # A long outcome in a narrow filter ends with an ellipsis, not cut mid-word.
    outcome = filters["outcome"]
    outcome.resize(120, outcome.height())
    cut = outcome.shown_text()
    assert cut.endswith("…") and outcome.currentText().startswith(cut[:-1])
    assert shown.args == [1]
    assert visible_headings(opened) == ["EHC plan timeliness"]
    # The note listed is the one open, with the cursor in the list: typing never goes on
    # into the note open before, which the list no longer shows.
    editor = opened.workspace.editor
    qtbot.waitUntil(lambda: editor.title.text() == "EHC plan timeliness", timeout=WAIT_MS)
    assert focused() is opened.workspace.list.table

    # A gap, chosen by keyboard, lists nothing and says so.
    qtbot.keyClick(opened.workspace.list.search, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    table.setFocus()
    table.setCurrentIndex(cell_index(coverage, "A", "leadership"))
    with qtbot.waitSignal(opened.workspace.list.loaded, timeout=WAIT_MS) as shown:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert shown.args == [0]
    assert opened.workspace.tabs.currentIndex() == 0
    assert "No evidence here yet. Press Ctrl+N" in opened.workspace.list.empty.text()
    assert focused() is opened.workspace.list.search

    # Ctrl+N there writes a note that fills the gap, and the list shows it once saved.
    ctrl(qtbot, opened.workspace.list.search, Qt.Key.Key_N)
    editor = opened.workspace.editor
    assert editor.questions["A"].isChecked()
    assert [k for k, box in editor.questions.items() if box.isChecked()] == ["A"]
    qtbot.keyClicks(editor.text, "The SEND board has no parent representative.")
    qtbot.waitUntil(lambda: visible_headings(opened) != [], timeout=WAIT_MS)
    with Inspection.open(opened.session.inspection.path, PASSPHRASE) as again:
        [note] = [n for n in again.notes() if n.text.startswith("The SEND board")]
    assert (note.questions, note.outcomes) == (("A",), ("leadership",))
    # With a kind and a judgement chosen too, a new note has them, and stays in the list.
    filters = opened.workspace.list.filters
    filters["kind"].setCurrentIndex(filters["kind"].findData("visit"))
    filters["judgement"].setCurrentIndex(filters["judgement"].findData("weakness"))
    ctrl(qtbot, opened.workspace.list.search, Qt.Key.Key_N)
    assert editor.kind.currentData() == "visit"
    assert editor.judgement.checkedButton().property("code") == "weakness"


def test_export_as_png(
    qtbot, coverage: CoverageView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "coverage.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    coverage.window().resize(1024, 480)  # too short to show every row on screen
    qtbot.wait(50)
    table = coverage.table
    rows = table.verticalHeader().length() + table.horizontalHeader().height()
    assert table.viewport().height() < rows
    export = next(b for b in coverage.findChildren(QPushButton) if "PNG" in b.text())
    with qtbot.waitSignal(coverage.status, timeout=WAIT_MS) as said:
        click(qtbot, export)
    assert said.args == [f"Coverage saved to {target}."]
    with Image.open(target) as image:
        ratio = coverage.devicePixelRatioF()
        assert image.format == "PNG"
        # Every row is in the picture, however little the window showed.
        assert image.height > (rows + 60) * ratio
    assert target.stat().st_mode & 0o077 == 0  # for its owner only, like every export
    qtbot.wait(50)
    assert table.verticalScrollBar().isVisible()  # the view on screen is as it was
    assert error_dialogs(coverage.window()) == []


def test_export_to_a_folder_that_cannot_be_written_says_so(
    qtbot, coverage: CoverageView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "no-such-folder" / "coverage.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    export = next(b for b in coverage.findChildren(QPushButton) if "PNG" in b.text())
    click(qtbot, export)
    [box] = error_dialogs(coverage.window())
    assert "does not exist; choose another place for the picture" in box.text()
    box.close()
    assert not target.exists()


def test_the_picture_is_never_written_over_the_inspection(
    qtbot, coverage: CoverageView, inspection_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = inspection_path.read_bytes()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(inspection_path), ""))
    export = next(b for b in coverage.findChildren(QPushButton) if "PNG" in b.text())
    click(qtbot, export)
    assert error_dialogs(coverage.window()) == []
    # The picture gets its own ending, so it goes beside the inspection, never over it.
    beside = inspection_path.with_name(inspection_path.name + ".png")
    assert beside.read_bytes().startswith(b"\x89PNG")
    assert inspection_path.read_bytes()[:16] == before[:16]
