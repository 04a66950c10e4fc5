"""The evidence list: filters, search with highlighting, sorting, and a large inspection."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton

from inspector_app.gui.evidence_list import highlight
from inspector_app.gui.evidence_model import COLUMNS, TITLE_COLUMN
from inspector_app.gui.main_window import MainWindow
from tests.gui.helpers import (
    FIXTURE_NOTES,
    WAIT_MS,
    click,
    ctrl,
    focused,
    select_note,
    unlock,
    visible_headings,
)


def search(qtbot, window: MainWindow, text: str) -> None:
    box = window.workspace.list.search
    box.clear()
    with qtbot.waitSignal(window.workspace.list.loaded, timeout=WAIT_MS):
        if text.isascii():
            qtbot.keyClicks(box, text)
        else:
            box.insert(text)  # QTest types ASCII only; accented text arrives as a paste


def test_filters_narrow_the_list(qtbot, opened: MainWindow) -> None:
    evidence = opened.workspace.list
    question = evidence.filters["question"]
    question.setFocus()
    with qtbot.waitSignal(evidence.loaded, timeout=WAIT_MS) as shown:
        qtbot.keyClick(question, Qt.Key.Key_Down)
        qtbot.keyClick(question, Qt.Key.Key_Down)  # Any → A → B
    assert question.currentText() == "Question B"
    assert shown.args == [2]
    assert sorted(visible_headings(opened)) == [
        "EHC plan timeliness",
        "Parent Carer Forum and SENDIASS",
    ]
    assert evidence.count.text() == "2 notes match"

    judgement = evidence.filters["judgement"]
    with qtbot.waitSignal(evidence.loaded, timeout=WAIT_MS) as shown:
        judgement.setCurrentIndex(judgement.findData("strength"))
    assert shown.args == [1]
    assert visible_headings(opened) == ["Parent Carer Forum and SENDIASS"]
    assert evidence.count.text() == "1 note matches"

    kind = evidence.filters["kind"]
    with qtbot.waitSignal(evidence.loaded, timeout=WAIT_MS) as shown:
        kind.setCurrentIndex(kind.findData("visit"))
    assert shown.args == [0]
    assert evidence.table.isHidden() and evidence.empty.isVisible()
    assert "No notes match" in evidence.empty.text()

    clear = next(
        b
        for b in evidence.findChildren(QPushButton)
        if b.accessibleName() == "Clear filters and search"
    )
    with qtbot.waitSignal(evidence.loaded, timeout=WAIT_MS) as shown:
        click(qtbot, clear)
    assert shown.args == [len(FIXTURE_NOTES)]
    assert all(combo.currentData() is None for combo in evidence.filters.values())


def test_author_and_outcome_filters_list_what_the_notes_use(qtbot, opened: MainWindow) -> None:
    evidence = opened.workspace.list
    author = evidence.filters["author"]
    qtbot.waitUntil(lambda: author.count() == 2, timeout=WAIT_MS)
    assert [author.itemText(i) for i in range(author.count())] == ["Any author", "Sam Lead"]
    outcome = evidence.filters["outcome"]
    with qtbot.waitSignal(evidence.loaded, timeout=WAIT_MS) as shown:
        outcome.setCurrentIndex(outcome.findData("pfa-employment"))
    assert shown.args == [1]
    assert visible_headings(opened) == ["Supported internships at the FE college"]


def test_from_the_search_box_down_goes_to_the_results_and_escape_clears_it(
    qtbot, opened: MainWindow
) -> None:
    evidence = opened.workspace.list
    opened.activateWindow()  # keys move focus only in the active window
    ctrl(qtbot, opened.workspace.editor, Qt.Key.Key_F)
    search(qtbot, opened, "ehc plan")
    qtbot.keyClick(evidence.search, Qt.Key.Key_Down)
    assert focused() is evidence.table
    assert evidence.selected_id() is not None  # the first result, ready for Enter
    qtbot.waitUntil(lambda: opened.workspace.editor.title.text() == "EHC plan timeliness",
                    timeout=WAIT_MS)

    ctrl(qtbot, evidence.table, Qt.Key.Key_F)
    with qtbot.waitSignal(evidence.loaded, timeout=WAIT_MS):
        qtbot.keyClick(evidence.search, Qt.Key.Key_Escape)
    assert evidence.search.text() == "" and evidence.model.rowCount() > 1


def test_a_note_deleted_from_the_list_leaves_the_cursor_on_the_next_one(
    qtbot, opened: MainWindow
) -> None:
    evidence = opened.workspace.list
    table = evidence.table
    headings = visible_headings(opened)
    select_note(qtbot, opened, headings[1])
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: evidence.model.rowCount() == len(FIXTURE_NOTES) - 1,
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: table.currentIndex().row() == 1, timeout=WAIT_MS)
    assert visible_headings(opened)[1] == headings[2] and focused() is table
    assert opened.workspace.editor.note_id is None  # the cursor only: nothing opens unasked
    assert evidence.selected_id() is None  # nor is it taken as chosen, by New finding say
    page = opened.workspace.findings
    opened.workspace.tabs.setCurrentWidget(page)
    page.text.setPlainText("Rests on what?")
    next(b for b in page.findChildren(QPushButton) if b.accessibleName() == "New finding").click()
    assert page.message.text().startswith("Select a note in the evidence list first")
    opened.workspace.tabs.setCurrentIndex(0)
    select_note(qtbot, opened, headings[2])  # and choosing it opens it
    # The last one, deleted, leaves the cursor on the one before.
    last = len(headings) - 2
    select_note(qtbot, opened, visible_headings(opened)[last])
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: evidence.model.rowCount() == len(FIXTURE_NOTES) - 2,
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: table.currentIndex().row() == last - 1, timeout=WAIT_MS)


def test_ctrl_s_saves_what_is_typed_at_once_and_says_so(
    qtbot, opened: MainWindow, inspection_path
) -> None:
    editor = opened.workspace.editor
    select_note(qtbot, opened, "EHC plan timeliness")
    qtbot.keyClicks(editor.text, " Checked again.")
    assert editor.timer.isActive()  # the autosave has not run yet
    ctrl(qtbot, editor.text, Qt.Key.Key_S)
    assert opened.statusBar().currentMessage() == "Everything typed is saved."
    from inspector_app.core.store import Inspection
    from tests.conftest import PASSPHRASE

    with Inspection.open(inspection_path, PASSPHRASE) as other:
        assert any(n.text.startswith("Checked again.") for n in other.notes())
    assert editor.state.text().startswith("Saved ")


def test_search_is_case_and_punctuation_tolerant(qtbot, opened: MainWindow) -> None:
    evidence = opened.workspace.list
    ctrl(qtbot, opened.workspace.editor, Qt.Key.Key_F)
    assert focused() is evidence.search

    search(qtbot, opened, "ehc, PLAN!")
    assert visible_headings(opened) == ["EHC plan timeliness"]
    assert evidence.count.text() == "1 note matches"

    search(qtbot, opened, "PARENT-carer")
    assert visible_headings(opened) == ["Parent Carer Forum and SENDIASS"]

    search(qtbot, opened, "fórum")  # accents are ignored
    assert visible_headings(opened) == ["Parent Carer Forum and SENDIASS"]

    search(qtbot, opened, "intern")  # the last word matches as a prefix
    assert visible_headings(opened) == ["Supported internships at the FE college"]

    search(qtbot, opened, '"(*')  # only punctuation: nothing matches, nothing breaks
    assert evidence.model.rowCount() == 0
    assert "No notes match" in evidence.empty.text()

    search(qtbot, opened, "zebra crossing")
    assert evidence.model.rowCount() == 0 and evidence.empty.isVisible()

    with qtbot.waitSignal(evidence.loaded, timeout=WAIT_MS) as shown:
        evidence.search.clear()
    assert shown.args == [len(FIXTURE_NOTES)]


def test_search_matches_are_highlighted(qtbot, opened: MainWindow) -> None:
    marked = highlight("EHC plan timeliness", "PLAN time")
    assert "<b style='background:#fff59d;color:#000'>plan</b>" in marked
    assert ">timeliness</b>" in marked  # a word that starts like a query word
    assert "EHC " in marked and ">EHC<" not in marked
    assert highlight("<b>Forum</b> & co", "forum") == (
        "&lt;b&gt;<b style='background:#fff59d;color:#000'>Forum</b>&lt;/b&gt; &amp; co"
    )
    assert highlight("No match here", "...") == "No match here"

    search(qtbot, opened, "forum")
    evidence = opened.workspace.list
    assert evidence.delegate.query == "forum"
    assert not evidence.table.grab().isNull()  # the highlighting delegate paints


def test_clicking_a_column_header_sorts_the_rows(qtbot, opened: MainWindow) -> None:
    evidence = opened.workspace.list
    header = evidence.table.horizontalHeader()
    kind_column = COLUMNS.index("Kind")
    middle = QPoint(
        header.sectionViewportPosition(kind_column) + header.sectionSize(kind_column) // 2,
        header.height() // 2,
    )

    def kinds() -> list[str]:
        shown = evidence.table.model()
        return [shown.index(row, kind_column).data() for row in range(shown.rowCount())]

    click(qtbot, header.viewport(), middle)
    assert header.sortIndicatorSection() == kind_column
    qtbot.waitUntil(lambda: kinds() == sorted(kinds()), timeout=WAIT_MS)
    assert kinds()[0] == "Case record review"

    click(qtbot, header.viewport(), middle)
    qtbot.waitUntil(lambda: kinds() == sorted(kinds(), reverse=True), timeout=WAIT_MS)
    assert kinds()[0] == "Provider visit"

    # The sorted view still opens the note that was clicked.
    select_note(qtbot, opened, "Supported internships at the FE college")
    assert (
        opened.workspace.editor.text.toPlainText()
        == "Three of five recent interns are in paid work."
    )


def test_the_list_stays_responsive_with_2000_notes(
    qtbot, window: MainWindow, big_inspection: Path
) -> None:
    unlock(qtbot, window, big_inspection)
    evidence = window.workspace.list
    qtbot.waitUntil(lambda: evidence.count.text() == "2000 notes", timeout=10_000)

    kind = evidence.filters["kind"]
    started = time.perf_counter()
    kind.setCurrentIndex(kind.findData("visit"))
    qtbot.waitUntil(lambda: evidence.count.text() == "400 notes match", timeout=WAIT_MS)
    assert time.perf_counter() - started < 2.0
    assert set(visible_headings(window)) == {"Supported internships at the FE college"}

    with qtbot.waitSignal(evidence.loaded, timeout=WAIT_MS) as shown:
        qtbot.keyClicks(evidence.search, "note 1997")
    assert shown.args == [1]
    # The words matched in the text, not the title, follow the title once they are found.
    qtbot.waitUntil(lambda: visible_headings(window) == [
        "Supported internships at the FE college  —  "
        "Three of five recent interns are in paid work. (note 1997)"
    ], timeout=WAIT_MS)

    # Scrolling to the end reaches the last of the 2,000 notes.
    evidence.clear_filters()
    qtbot.waitUntil(lambda: evidence.count.text() == "2000 notes", timeout=WAIT_MS)
    table = evidence.table

    def at_the_end() -> bool:
        table.scrollToBottom()
        return table.model().rowCount() == 2000

    qtbot.waitUntil(at_the_end, timeout=10_000)
    assert not table.grab().isNull()
    # A search made from down there shows its best matches, from the top, even with a note
    # selected down there.
    table.selectRow(table.model().rowCount() - 1)
    with qtbot.waitSignal(evidence.loaded, timeout=WAIT_MS):
        qtbot.keyClicks(evidence.search, "internships")
    assert table.verticalScrollBar().value() == 0


def test_a_larger_text_size_widens_the_columns_so_headings_stay_whole(
    qtbot, opened: MainWindow
) -> None:
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    table = opened.workspace.list.table
    before = QApplication.font()
    try:
        larger = QFont(before)
        larger.setPointSize(18)
        QApplication.setFont(larger)
        qtbot.waitUntil(lambda: table.font().pointSize() == 18, timeout=WAIT_MS)
        qtbot.wait(50)  # the font change reaches the list
        metrics, header = table.fontMetrics(), table.horizontalHeader()
        for column in range(header.count()):
            if column != TITLE_COLUMN:
                heading = table.model().headerData(column, Qt.Orientation.Horizontal)
                assert table.columnWidth(column) > metrics.horizontalAdvance(heading), heading
        # In a laptop's window the title keeps room to tell notes apart (it used to shrink to
        # "C…"): the others give way, as far as their headings.
        opened.resize(1280, 800)
        qtbot.waitUntil(lambda: table.width() > 1000, timeout=WAIT_MS)
        assert table.columnWidth(TITLE_COLUMN) >= 30 * metrics.averageCharWidth()
    finally:
        QApplication.setFont(before)


def test_the_kind_column_holds_the_longest_kind_whole(qtbot, opened: MainWindow) -> None:
    table = opened.workspace.list.table
    opened.resize(1920, 1080)
    qtbot.waitUntil(lambda: table.width() > 1600, timeout=WAIT_MS)
    longest = max((k.label for k in opened.session.inspection.framework.kinds), key=len)
    assert longest == "Document or data review"
    assert table.columnWidth(0) > table.fontMetrics().horizontalAdvance(longest)


def test_deleting_the_one_note_listed_leaves_the_cursor_in_the_search_box(
    qtbot, opened: MainWindow
) -> None:
    evidence = opened.workspace.list
    search(qtbot, opened, "SENDIASS")
    [only] = visible_headings(opened)
    select_note(qtbot, opened, only)
    evidence.table.setFocus()
    qtbot.keyClick(evidence.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: evidence.empty.isVisible(), timeout=WAIT_MS)
    assert focused() is evidence.search  # not the tab bar, where arrows would switch tabs


def test_a_column_sized_by_hand_stays_when_the_divider_or_window_moves(
    qtbot, opened: MainWindow
) -> None:
    table = opened.workspace.list.table
    opened.resize(1400, 800)
    qtbot.waitUntil(lambda: table.width() > 1200, timeout=WAIT_MS)
    judgement = COLUMNS.index("Judgement")
    table.horizontalHeader().resizeSection(judgement, 240)  # as a drag of its edge does
    splitter = opened.workspace.splitter
    splitter.setSizes([500, 250])
    opened.resize(1500, 800)
    qtbot.waitUntil(lambda: table.width() > 1300, timeout=WAIT_MS)
    assert table.columnWidth(judgement) == 240
