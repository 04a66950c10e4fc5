"""Notes and findings two inspectors changed from the same version, in the app: the conflict
view side by side (keep one, or write a merged text), and a finding in conflict on Findings."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QGroupBox,
    QPlainTextEdit,
    QPushButton,
)

from inspector_app.core import bundle, findings
from inspector_app.core.errors import InConflict
from inspector_app.core.store import Inspection
from inspector_app.gui import operations as ops
from inspector_app.gui.main_window import MainWindow
from tests.conftest import PASSPHRASE, add_fixture_note
from tests.core.test_concurrent import finding_seen_then_changed_elsewhere
from tests.gui.helpers import (
    WAIT_MS,
    click,
    error_dialogs,
    focused,
    select_note,
    settle,
    visible_headings,
)
from tests.gui.team_world import (
    HEADING,
    LEAD,
    LEAD_TEXT,
    MEMBER,
    MEMBER_TEXT,
    MERGED_TEXT,
    TeamFiles,
    button_named,
    conflict_dialog,
    import_summary,
    lock,
    open_file,
    open_the_conflict,
    questions,
    to_team_tab,
    version_boxes,
)
from tests.gui.test_findings_page import open_with_finding

# -- conflicts ----------------------------------------------------------------------------


def test_a_conflict_is_shown_and_keep_theirs_resolves_it(
    qtbot, window: MainWindow, files: TeamFiles, second_bundle: Path
) -> None:
    page = open_file(qtbot, window, files.lead, notes=3)
    to_team_tab(qtbot, window)
    assert not page.conflict_box.isVisible()
    page.import_paths([second_bundle])
    text = import_summary(qtbot, window)
    assert "1 in conflict" in text and "1 updated" in text
    qtbot.waitUntil(lambda: page.conflicts.count() == 1, timeout=WAIT_MS)
    assert page.conflict_box.isVisible()
    assert page.conflicts.item(0).text().startswith(HEADING)
    # It names both who changed the note, not only who wrote it first.
    assert page.conflicts.item(0).text().endswith(f"changed by {MEMBER} and {LEAD}")  # A to Z
    assert page.conflicts.height() > page.table.height()  # the list gets the spare height

    window.workspace.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: f"⚠ {HEADING}" in visible_headings(window), timeout=WAIT_MS)
    select_note(qtbot, window, f"⚠ {HEADING}")
    editor = window.workspace.editor
    assert editor.banner.isVisible()
    assert editor.text.isReadOnly() and editor.title.isReadOnly()
    # It says whose version is on show (the newest), and who else changed the note.
    whose, other = (MEMBER, LEAD) if editor.text.toPlainText() == MEMBER_TEXT else (LEAD, MEMBER)
    qtbot.waitUntil(lambda: editor.banner.text.text().startswith(f"{whose}'s version ("),
                    timeout=WAIT_MS)
    assert f"is shown; {other} changed this note too." in editor.banner.text.text()
    assert not editor.tags.isEnabled()

    click(qtbot, button_named(editor.banner, "Resolve the conflict"))
    dialog = conflict_dialog(qtbot, window)
    boxes = version_boxes(dialog)
    assert set(boxes) == {"mine", "theirs"}
    assert boxes["mine"].title().startswith(LEAD)
    assert boxes["theirs"].title().startswith(MEMBER)
    qtbot.waitExposed(dialog)

    def side_by_side() -> bool:
        mine, theirs = boxes["mine"].geometry(), boxes["theirs"].geometry()
        return mine.top() == theirs.top() and not mine.intersects(theirs)

    qtbot.waitUntil(side_by_side, timeout=WAIT_MS)  # laid out once the dialog is on show
    texts = {w: boxes[w].findChild(QPlainTextEdit).toPlainText() for w in boxes}
    assert texts["mine"].endswith(LEAD_TEXT) and texts["theirs"].endswith(MEMBER_TEXT)
    # Everything a version holds is compared: outcomes by name, children, the kind's details.
    assert all("Children:" in text and "Outcomes:" in text and "Photos: 0" in text
               for text in texts.values())
    assert boxes["mine"].findChild(QPushButton).text() == "Keep &mine"

    keep_theirs = boxes["theirs"].findChild(QPushButton)
    assert keep_theirs.text() == "Keep &theirs"
    click(qtbot, keep_theirs)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: editor.text.toPlainText() == MEMBER_TEXT, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not editor.banner.isVisible(), timeout=WAIT_MS)
    assert not editor.text.isReadOnly() and editor.tags.isEnabled()
    qtbot.waitUntil(lambda: HEADING in visible_headings(window), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.conflicts.count() == 0, timeout=WAIT_MS)
    assert not page.conflict_box.isVisibleTo(page)

    lock(qtbot, window)
    with Inspection.open(files.lead, PASSPHRASE) as lead:
        assert len(lead.versions(files.note_id)) == 1
        note = lead.note(files.note_id)
        assert note.text == MEMBER_TEXT and not note.conflict


def test_a_note_that_went_into_conflict_out_of_sight_names_whose_version_is_shown(
    qtbot, window: MainWindow, files: TeamFiles, second_bundle: Path
) -> None:
    open_file(qtbot, window, files.lead, notes=3)
    with Inspection.open(files.lead, PASSPHRASE) as lead:
        heading = lead.note(files.note_id).heading
    select_note(qtbot, window, heading)  # open on Evidence, then the import on Team & sync
    page = to_team_tab(qtbot, window)
    page.import_paths([second_bundle])
    import_summary(qtbot, window)
    settle(qtbot, window)  # the editor has taken in the conflict while out of sight
    window.workspace.tabs.setCurrentIndex(0)
    editor = window.workspace.editor
    assert editor.banner.isVisible() and "'s version (" in editor.banner.text.text()


def test_a_redo_that_is_refused_clears_the_undo_history_and_adds_no_version(
    qtbot, window: MainWindow, files: TeamFiles
) -> None:
    """Delete, a teammate's edit arrives, undo (the note comes back in conflict), redo: the
    deletion is refused in conflict, and a further undo must not bring the note back again."""
    with Inspection.open(files.lead, PASSPHRASE) as lead:
        bundle.import_bundle(lead, files.first)
    open_file(qtbot, window, files.lead, notes=3)
    workspace = window.workspace
    with Inspection.open(files.lead, PASSPHRASE) as lead:
        heading = lead.note(files.note_id).heading
    select_note(qtbot, window, heading)
    workspace.list.table.setFocus()
    qtbot.keyClick(workspace.list.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: heading not in visible_headings(window), timeout=WAIT_MS)
    later = files.folder / "robin-later.bundle"
    with Inspection.open(files.member, PASSPHRASE) as member:
        member.edit_note(files.note_id, text=MEMBER_TEXT)
        bundle.export_bundle(member, later)
    page = to_team_tab(qtbot, window)
    page.import_paths([later])
    import_summary(qtbot, window)
    workspace.tabs.setCurrentIndex(0)
    workspace.list.table.setFocus()
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: any(heading in h for h in visible_headings(window)),
                    timeout=WAIT_MS)
    window.redo_action.trigger()  # refused: the note has competing versions
    qtbot.waitUntil(lambda: error_dialogs(window) != [], timeout=WAIT_MS)
    for box in error_dialogs(window):
        box.close()
    qtbot.waitUntil(lambda: not workspace.undo_stack.canUndo(), timeout=WAIT_MS)
    assert window.statusBar().currentMessage() == (
        "Undo history cleared: that change could not be made.")
    window.undo_action.trigger()  # nothing left to undo: no third version
    window.session.runner.wait()
    assert len(window.session.inspection.versions(files.note_id)) == 2


def test_question_shortcuts_leave_a_note_in_conflict_alone(
    qtbot, window: MainWindow, in_conflict: TeamFiles
) -> None:
    files = in_conflict
    open_file(qtbot, window, files.lead, notes=3)
    editor = window.workspace.editor
    select_note(qtbot, window, f"⚠ {HEADING}")
    assert editor.text.isReadOnly()
    before = [box.isChecked() for box in editor.questions.values()]
    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3):
        qtbot.keyClick(window.workspace.list.table, key, Qt.KeyboardModifier.ControlModifier)
    assert [box.isChecked() for box in editor.questions.values()] == before
    settle(qtbot, window)
    lock(qtbot, window)
    with Inspection.open(files.lead, PASSPHRASE) as lead:
        assert len(lead.versions(files.note_id)) == 2  # nothing was saved over it


def test_edit_merged_replaces_both_versions(
    qtbot, window: MainWindow, in_conflict: TeamFiles
) -> None:
    files = in_conflict
    page, dialog = open_the_conflict(qtbot, window, files)
    assert dialog.merged.toPlainText() == LEAD_TEXT  # it starts from this file's version
    titles = [box.title() for box in dialog.findChildren(QGroupBox)]
    assert titles[0].endswith("(mine)") and titles[1].endswith("(theirs)")  # always there
    assert dialog.base.currentText().endswith("(mine)")  # and says whose tags it keeps

    dialog.merged.setFocus()
    dialog.merged.selectAll()
    qtbot.keyClick(dialog.merged, Qt.Key.Key_Delete)
    qtbot.keyClicks(dialog.merged, MERGED_TEXT)
    # Leaving now would lose the merged text: it asks, and Cancel (the default) stays.
    qtbot.keyClick(dialog.merged, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: questions(dialog) != [], timeout=WAIT_MS)
    [box] = questions(dialog)
    box.defaultButton().click()
    assert dialog.isVisible() and dialog.merged.toPlainText() == MERGED_TEXT
    click(qtbot, button_named(dialog, "Save the merged version"))
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    editor = window.workspace.editor
    qtbot.waitUntil(lambda: editor.text.toPlainText() == MERGED_TEXT, timeout=WAIT_MS)
    settle(qtbot, window)
    listed_in_conflict = [page.conflicts.item(i).text() for i in range(page.conflicts.count())]
    # Settled from Team & sync, it says so there; with no conflict left, the cursor waits on
    # Import bundles (not the tab bar).
    assert window.statusBar().currentMessage() == (
        f"Conflict settled: “{HEADING}” is on the Evidence tab as kept."
    )
    window.activateWindow()  # the dialog has gone: the window is the active one again
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    assert focused() is button_named(page, "Import bundles")
    window.workspace.tabs.setCurrentIndex(0)
    shown_in_conflict = (editor.banner.isVisible(), editor.text.isReadOnly())

    lock(qtbot, window)
    with Inspection.open(files.lead, PASSPHRASE) as lead:
        [version] = lead.versions(files.note_id)
        assert version.data["text"] == MERGED_TEXT
        note = lead.note(files.note_id)
        assert note.text == MERGED_TEXT and not note.conflict

    # What the window showed once the merged text was saved: no conflict left anywhere.
    assert {
        "Team page lists it in conflict": listed_in_conflict,
        "editor shows the banner, read-only": shown_in_conflict,
    } == {
        "Team page lists it in conflict": [],
        "editor shows the banner, read-only": (False, False),
    }, "the merged note is still shown as in conflict until the file is reopened"


def test_tab_goes_through_the_versions_before_the_merged_text(
    qtbot, window: MainWindow, in_conflict: TeamFiles
) -> None:
    _page, dialog = open_the_conflict(qtbot, window, in_conflict)
    qtbot.waitUntil(lambda: all(b.isVisible() for b in dialog.findChildren(QGroupBox)),
                    timeout=WAIT_MS)
    [first] = [w for w in dialog.findChildren(QPlainTextEdit)
               if w.accessibleName() == f"Version by {LEAD}"]  # mine, on the left
    widget, seen = first, [first]
    while widget is not dialog.save:
        widget = widget.nextInFocusChain()
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisible():
            seen.append(widget)
    names = [w.accessibleName() or w.text() for w in seen]
    assert names[:4] == [f"Version by {LEAD}", f"Keep the version by {LEAD}",
                         f"Version by {MEMBER}", f"Keep the version by {MEMBER}"]
    assert names[4:] == ["Merged text", "Title, tags and details from", "Decide &later",
                         "Save the merged version"]


def test_merged_text_typed_when_the_file_locks_is_kept_beside_the_versions(
    qtbot, window: MainWindow, in_conflict: TeamFiles
) -> None:
    files = in_conflict
    page, dialog = open_the_conflict(qtbot, window, files)
    dialog.merged.setPlainText(MERGED_TEXT)
    window.lock()  # the idle lock, while the lead is away from the desk
    assert questions(dialog) == []  # nothing waits for an answer behind the lock
    assert window.unlock.message.text() == "Locked. Your notes are saved."
    with Inspection.open(files.lead, PASSPHRASE) as lead:
        texts = sorted(v.data["text"] for v in lead.versions(files.note_id))
        assert lead.note(files.note_id).conflict  # nothing was settled on the lead's behalf
    assert texts == sorted([LEAD_TEXT, MEMBER_TEXT, MERGED_TEXT])


def test_a_finding_in_conflict_is_read_only_until_one_version_is_kept(
    qtbot, window: MainWindow, files: TeamFiles
) -> None:
    from inspector_app.core import findings

    with Inspection.open(files.lead, PASSPHRASE) as lead:
        bundle.import_bundle(lead, files.first)
        item = findings.add_finding(lead, question="A", judgement="development",
                                    text="Waits are long.", evidence=[files.note_id])
        bundle.export_bundle(lead, files.folder / "sam.bundle", to_team=True)
        findings.edit_finding(lead, item.id, text="Lead: waits of nine months.")
    with Inspection.open(files.member, PASSPHRASE) as member:
        bundle.import_bundle(member, files.folder / "sam.bundle")
        findings.edit_finding(member, item.id, text="Member: waits of seven months.")
        bundle.export_bundle(member, files.folder / "robin-2.bundle")
    with Inspection.open(files.lead, PASSPHRASE) as lead:
        assert bundle.import_bundle(lead, files.folder / "robin-2.bundle").finding_conflicts

    open_file(qtbot, window, files.lead, notes=3)
    window.workspace.tabs.setCurrentWidget(window.workspace.findings)
    page = window.workspace.findings
    page.question.setCurrentIndex(page.question.findData("A"))
    column = page.columns["development"]
    qtbot.waitUntil(lambda: column.count() == 1, timeout=WAIT_MS)
    assert column.item(0).text().startswith("⚠ ")
    column.setCurrentRow(0)
    qtbot.waitUntil(lambda: page.versions.count() == 2, timeout=WAIT_MS)
    assert page.conflict_bar.isVisible() and page.text.isReadOnly()
    shown = set()
    for index in range(2):  # each version can be read in turn
        page.versions.setCurrentIndex(index)
        shown.add(page.text.toPlainText())
    assert shown == {"Lead: waits of nine months.", "Member: waits of seven months."}
    qtbot.keyClicks(page.text, "typed over")  # read-only: nothing typed, nothing saved
    assert page.text.toPlainText() in shown

    by_member = page.versions.findText(f"By {MEMBER}", Qt.MatchFlag.MatchStartsWith)
    page.versions.setCurrentIndex(by_member)
    click(qtbot, button_named(page, "Keep this version of the finding"))
    qtbot.waitUntil(lambda: not page.conflict_bar.isVisible(), timeout=WAIT_MS)
    assert not page.text.isReadOnly()
    lock(qtbot, window)
    with Inspection.open(files.lead, PASSPHRASE) as lead:
        [kept] = findings.findings(lead)
    assert (kept.text, kept.conflict) == ("Member: waits of seven months.", False)


def test_a_merged_text_keeps_the_tags_of_the_version_chosen(make_inspection) -> None:
    from inspector_app.gui import operations as ops
    from tests.conftest import add_fixture_note

    inspection = make_inspection()
    shown = add_fixture_note(inspection)  # development, question B
    with Inspection.open(inspection.path, PASSPHRASE) as other:
        other.edit_note(shown.id, text="Theirs.", judgement="weakness", questions=["B", "C"])
    inspection.edit_note(shown.id, base=shown, text="Mine.")  # beside theirs: a conflict
    on_show = inspection.note(shown.id)
    [other_one] = [v for v in inspection.versions(shown.id) if v.data["text"] != on_show.text]
    kept = ops.merge_edit(inspection, shown.id, "Merged.", other_one.id)  # not the one shown
    expected = ("development", ("B",)) if other_one.data["text"] == "Mine." else (
        "weakness", ("B", "C"))
    assert (kept.text, kept.conflict) == ("Merged.", False)
    assert (kept.judgement, kept.questions) == expected


def test_a_merged_text_keeps_the_photos_of_the_version_chosen(
    make_inspection, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import inspector_app.core.store as store
    from inspector_app.gui import operations as ops
    from tests.conftest import add_fixture_note
    from tests.gui.helpers import make_jpeg

    inspection = make_inspection()
    shown = add_fixture_note(inspection)
    with Inspection.open(inspection.path, PASSPHRASE) as other:
        other.add_photo(shown.id, make_jpeg(tmp_path / "board.jpg"))
        theirs = other.edit_note(shown.id, text="Theirs, with a photo.")
    monkeypatch.setattr(store, "now", lambda: "2030-01-01T09:00:00+00:00")  # mine is newer,
    inspection.edit_note(shown.id, base=shown, text="Mine, without the photo.")  # so shown
    assert inspection.note(shown.id).attachments == ()
    [version] = [v for v in inspection.versions(shown.id) if v.data.get("attachments")]
    kept = ops.merge_edit(inspection, shown.id, "Merged.", version.id)
    assert kept.attachments == theirs.attachments and not kept.conflict


def test_typing_on_a_finding_a_teammate_reworded_meanwhile_keeps_both_versions(
    qtbot, window: MainWindow, inspection_path: Path
) -> None:
    page = open_with_finding(qtbot, window, inspection_path, "Waits are long.")
    qtbot.waitUntil(lambda: page.text.toPlainText() == "Waits are long.", timeout=WAIT_MS)
    shown = page.current
    with Inspection.open(inspection_path, PASSPHRASE) as other:  # a bundle, imported meanwhile
        findings.edit_finding(other, shown.id, text="Families wait a year.")
    page.text.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(page.text, " Far too long.")
    page.reload()  # as an import does, while the lead is still typing
    qtbot.waitUntil(lambda: "beside a teammate's change" in page.message.text(), timeout=WAIT_MS)
    assert page.conflict_bar.isVisible() and page.text.isReadOnly()
    with Inspection.open(inspection_path, PASSPHRASE) as reopened:
        texts = sorted(v.data["text"] for v in findings.versions(reopened, shown.id))
    assert texts == ["Families wait a year.", "Waits are long. Far too long."]


def test_a_finding_in_conflict_keeps_its_versions_when_evidence_or_order_changes(inspection):
    shown = finding_seen_then_changed_elsewhere(inspection, text="Families wait a year.")
    findings.edit_finding(inspection, shown.id, base=shown, text="Waits are far too long.",
                          main=False, judgement="development")
    neighbour = findings.add_finding(inspection, question="A", judgement="development",
                                     text="Another.", evidence=list(shown.evidence))
    for step in (
        lambda: ops.add_evidence(inspection, shown.id, [add_fixture_note(inspection).id]),
        lambda: ops.remove_evidence(inspection, shown.id, shown.evidence[0]),
        lambda: ops.reorder_findings(inspection, [neighbour.id, shown.id]),
    ):
        with pytest.raises(InConflict, match="keep one of its versions first"):
            step()
        assert len(findings.versions(inspection, shown.id)) == 2
    assert findings.finding(inspection, neighbour.id).order == 2  # no finding moved
