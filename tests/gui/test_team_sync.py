"""Team & sync: the roster, cards, bundles in and out, conflicts side by side, joining.

The team's files are made with the core (a lead, a member who joined with the lead's card and
whose card is on the lead's roster) and closed; the window then opens one of them through its
own unlock screen, as a user would.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from inspector_app.core import bundle, team
from inspector_app.core.crypto import KdfParams
from inspector_app.core.index import WorkingSet
from inspector_app.core.store import Inspection
from inspector_app.gui.conflict_dialog import ConflictDialog
from inspector_app.gui.main_window import MainWindow
from inspector_app.gui.new_inspection import NewInspectionDialog
from inspector_app.gui.team_page import RosterModel, TeamPage
from tests.conftest import PASSPHRASE
from tests.gui.helpers import (
    FIXTURE_NOTES,
    WAIT_MS,
    alt_keys,
    click,
    ctrl,
    error_dialogs,
    focused,
    select_note,
    settle,
    unlock,
    visible_headings,
)

LEAD, MEMBER, SECOND = "Sam Lead", "Robin Team", "Alex Second"
AREA = "Northmoor"
TEAM_TAB = 3
MEMBER_NOTE = FIXTURE_NOTES[2]  # the member's note: the one both inspectors edit
HEADING = MEMBER_NOTE["title"]
LATER_NOTE = {**FIXTURE_NOTES[4], "title": "Forum minutes seen on the second day"}
LEAD_TEXT = "Three of five recent interns are in paid work; the college confirmed it by email."
MEMBER_TEXT = "Three of five recent interns are in paid work; two more start in September."
MERGED_TEXT = "Three of five interns are in paid work (confirmed by email); two more in September."
JOIN_PASSPHRASE = "lantern meadow copper"


def cheap() -> KdfParams:
    return KdfParams.fresh(memory_cost=1024, iterations=1, lanes=1)


@dataclass(frozen=True)
class TeamFiles:
    """A lead's file and a member's file, both closed, and what passed between them."""

    folder: Path
    lead: Path
    member: Path
    lead_card: Path
    member_card: Path
    inspection_id: str
    lead_fingerprint: str
    member_fingerprint: str
    note_id: str  # the member's note
    first: Path  # the member's first bundle, holding that one note


def make_team(folder: Path, *, on_roster: bool = True) -> TeamFiles:
    lead, _ = Inspection.create(
        folder / "lead.inspection", PASSPHRASE, area=AREA, inspector=LEAD, kdf=cheap()
    )
    with lead:
        for values in FIXTURE_NOTES[:2]:
            lead.add_note(**values)
        lead_fingerprint = team.write_card(lead, folder / "lead.card")
        member, _ = team.join(
            folder / "member.inspection", folder / "lead.card", MEMBER, PASSPHRASE, kdf=cheap()
        )
        with member:
            member_fingerprint = team.write_card(member, folder / "member.card")
            if on_roster:
                team.add_member(lead, folder / "member.card")
            note = member.add_note(**MEMBER_NOTE)
            bundle.export_bundle(member, folder / "robin-1.bundle")
        inspection_id = lead.info.inspection_id
    return TeamFiles(
        folder,
        folder / "lead.inspection",
        folder / "member.inspection",
        folder / "lead.card",
        folder / "member.card",
        inspection_id,
        lead_fingerprint,
        member_fingerprint,
        note.id,
        folder / "robin-1.bundle",
    )


@pytest.fixture
def files(tmp_path: Path) -> TeamFiles:
    return make_team(tmp_path)


@pytest.fixture
def second_bundle(files: TeamFiles) -> Path:
    """The lead has the member's note and edits it; so does the member, who exports again:
    importing this bundle into the lead puts the note in conflict."""
    with Inspection.open(files.lead, PASSPHRASE) as lead:
        bundle.import_bundle(lead, files.first)
        lead.edit_note(files.note_id, text=LEAD_TEXT)
    out = files.folder / "robin-2.bundle"
    with Inspection.open(files.member, PASSPHRASE) as member:
        member.edit_note(files.note_id, text=MEMBER_TEXT)
        bundle.export_bundle(member, out)
    return out


@pytest.fixture
def in_conflict(files: TeamFiles, second_bundle: Path) -> TeamFiles:
    """The lead's file with the conflicting bundle already imported."""
    with Inspection.open(files.lead, PASSPHRASE) as lead:
        result = bundle.import_bundle(lead, second_bundle)
    assert result.conflicts == [files.note_id]
    return files


# -- driving the window ----------------------------------------------------------------------


def open_file(qtbot, window: MainWindow, path: Path, notes: int) -> TeamPage:
    """Unlock ``path`` on the unlock screen; returns the Team & sync page once it is filled."""
    unlock(qtbot, window, path)
    page = window.workspace.team
    qtbot.waitUntil(lambda: window.workspace.list.model.rowCount() == notes, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.me.text() != "", timeout=WAIT_MS)
    settle(qtbot, window)
    return page


def reactivate(qtbot, window: MainWindow) -> None:
    """The window is active again once a dialog closes (the window manager's job; the
    offscreen platform leaves no window active)."""
    if not window.isActiveWindow():
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)


def lock(qtbot, window: MainWindow) -> None:
    """Ctrl+L: the notes are saved and the file closed, as the unlock screen says."""
    reactivate(qtbot, window)
    ctrl(qtbot, focused() or window, Qt.Key.Key_L)
    assert window.pages.currentWidget() is window.unlock


def to_team_tab(qtbot, window: MainWindow) -> TeamPage:
    """Alt+Y, the mnemonic of "Team & sync"."""
    reactivate(qtbot, window)
    qtbot.keyClick(focused() or window, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    assert window.workspace.tabs.currentIndex() == TEAM_TAB
    assert window.workspace.tabs.currentWidget() is window.workspace.team
    return window.workspace.team


def roster(page: TeamPage) -> list[tuple[str, ...]]:
    model = page.model
    return [
        tuple(model.index(row, column).data() for column in range(model.columnCount()))
        for row in range(model.rowCount())
    ]


def import_summary(qtbot, window: MainWindow) -> str:
    """The text of the import summary once it shows; it is then dismissed with OK."""

    def shown() -> list[QMessageBox]:
        return [b for b in window.findChildren(QMessageBox, "importSummary") if b.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == 1, timeout=WAIT_MS)
    [box] = shown()
    text = box.text()
    rejected, bundles = text.count(": rejected: "), text.count("<br>") + 1
    assert box.windowTitle() == (
        "Bundles imported" if not rejected
        else "No bundle imported" if rejected == bundles
        else f"{rejected} of {bundles} bundles rejected"
    )
    click(qtbot, box.button(QMessageBox.StandardButton.Ok))
    assert not box.isVisible()
    return text


def summary_lines(text: str) -> dict[str, str]:
    """The summary's lines by bundle file name (each line is ``<b>name</b>: outcome``)."""
    lines = {}
    for line in text.split("<br>"):  # the whole path is shown; here, by its file name
        name, _, outcome = line.partition("</b>:")
        lines[Path(name.replace("<b>", "")).name] = outcome.strip()
    return lines


def button_named(root: QWidget, name: str) -> QPushButton:
    found = [
        b for b in root.findChildren(QPushButton) if b.isVisible() and b.accessibleName() == name
    ]
    assert len(found) == 1, f"{name!r}: {[b.accessibleName() for b in found]}"
    return found[0]


def open_the_conflict(qtbot, window: MainWindow, files: TeamFiles) -> tuple[TeamPage,
                                                                           ConflictDialog]:
    """The lead's file unlocked, and its one conflict open from Team & sync."""
    page = open_file(qtbot, window, files.lead, notes=3)
    to_team_tab(qtbot, window)
    qtbot.waitUntil(lambda: page.conflicts.count() == 1, timeout=WAIT_MS)
    click(qtbot, button_named(page, "Resolve the selected conflict"))
    return page, conflict_dialog(qtbot, window)


def conflict_dialog(qtbot, window: MainWindow) -> ConflictDialog:
    def shown() -> list[ConflictDialog]:
        return [d for d in window.findChildren(ConflictDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == 1, timeout=WAIT_MS)
    [dialog] = shown()
    qtbot.waitUntil(lambda: len(dialog.findChildren(QGroupBox)) == 2, timeout=WAIT_MS)
    return dialog


def version_boxes(dialog: ConflictDialog) -> dict[str, QGroupBox]:
    """The two versions by whose they are: "mine" and "theirs"."""
    boxes = {}
    for box in dialog.findChildren(QGroupBox):
        whose = box.title().rsplit("(", 1)[-1].rstrip(")")
        boxes[whose] = box
    return boxes


def unnamed_controls(root: QWidget) -> list[str]:
    """Visible controls a screen reader would announce with no name."""
    missing = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible():
            continue
        is_button = isinstance(widget, QAbstractButton)
        if not is_button and not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        name = widget.accessibleName() or (widget.text() if is_button else "")
        if not name.replace("&", "").strip():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def drop(widget: QWidget, paths: list[Path]) -> bool:
    """Drag files over ``widget`` and drop them; True if the drag was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    rest = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # Qt's own signatures: a drag enters at a QPoint, a drop lands at a QPointF.
    enter = QDragEnterEvent(QPoint(40, 40), *rest)
    QApplication.sendEvent(widget, enter)
    QApplication.sendEvent(widget, QDropEvent(QPointF(40, 40), *rest))
    return enter.isAccepted()


# -- 1. who is on the team -------------------------------------------------------------------


def test_the_team_tab_shows_this_files_fingerprint_and_the_roster(
    qtbot, window: MainWindow, files: TeamFiles
) -> None:
    open_file(qtbot, window, files.lead, notes=2)
    page = to_team_tab(qtbot, window)
    assert page.isVisible()
    assert files.lead_fingerprint in page.me.text() and LEAD in page.me.text()
    assert "(lead inspector)" in page.me.text()
    assert roster(page) == [(MEMBER, "Team inspector", files.member_fingerprint, "none yet")]
    assert page.buttons["add"].isVisible()
    assert page.buttons["export"].text() == "E&xport bundle to the team…"
    assert not page.empty.isVisible() and not page.conflict_box.isVisible()
    # With nothing in conflict the page stays together at the top: no row takes spare height.
    assert page.me.height() < 2 * page.me.sizeHint().height()
    assert page.buttons["card"].geometry().top() - page.table.geometry().bottom() < 20

    # The member's file knows its lead.
    lock(qtbot, window)
    assert page.model.rowCount() == 0 and page.me.text() == ""
    open_file(qtbot, window, files.member, notes=1)
    page = to_team_tab(qtbot, window)
    assert files.member_fingerprint in page.me.text() and MEMBER in page.me.text()
    assert roster(page) == [(LEAD, "Lead inspector", files.lead_fingerprint, "none yet")]
    assert not page.buttons["add"].isVisible()
    assert page.buttons["export"].text() == "E&xport bundle for the lead…"
    with Inspection.open(files.lead, PASSPHRASE) as lead:
        assert team.fingerprint(lead) == files.lead_fingerprint


# -- 2-4. bundles in ---------------------------------------------------------------------------


def test_importing_a_bundle_with_the_button_then_again(
    qtbot, window: MainWindow, files: TeamFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_file(qtbot, window, files.lead, notes=2)
    to_team_tab(qtbot, window)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *args, **kwargs: ([str(files.first)], "")
    )
    click(qtbot, page.buttons["import"])
    text = import_summary(qtbot, window)
    assert "robin-1.bundle" in text and MEMBER in text
    assert "1 new" in text and "0 in conflict" in text
    qtbot.waitUntil(lambda: window.workspace.list.model.rowCount() == 3, timeout=WAIT_MS)
    settle(qtbot, window)
    assert HEADING in visible_headings(window)
    [(name, _, _, last)] = roster(page)
    assert name == MEMBER and last.startswith("#1 at ")
    assert "1 new" in page.status.text()
    assert not page.progress.isVisible()

    click(qtbot, page.buttons["import"])
    text = import_summary(qtbot, window)
    assert "already imported" in text and "nothing changed" in text
    settle(qtbot, window)
    assert window.workspace.list.model.rowCount() == 3
    assert window.counts.text().startswith("3 notes")
    assert roster(page)[0][3] == last


def test_the_import_bar_follows_the_bytes_and_the_notes_are_read_before_the_summary(
    qtbot, window: MainWindow, files: TeamFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_file(qtbot, window, files.lead, notes=2)
    to_team_tab(qtbot, window)
    bar, reads = [], []
    shown = page._progress
    monkeypatch.setattr(page, "_progress", lambda done, total: (bar.append((done, total)),
                                                                 shown(done, total)))
    load = WorkingSet.load
    monkeypatch.setattr(WorkingSet, "load", lambda self, notes: (reads.append(1),
                                                                 load(self, notes))[1])
    page.import_paths([files.first, files.first])  # the second time: already imported
    import_summary(qtbot, window)
    assert reads == [1]  # read once, inside the import, before the summary
    assert bar == [(500, 1000), (1000, 1000), (0, 0)]  # each bundle's bytes; then busy
    settle(qtbot, window)
    assert window.workspace.list.model.rowCount() == 3
    assert reads == [1]  # the list that followed did not read the notes again
    assert not page.progress.isVisible()


def test_a_tampered_bundle_is_rejected_and_the_good_one_imported(
    qtbot, window: MainWindow, files: TeamFiles
) -> None:
    with Inspection.open(files.member, PASSPHRASE) as member:
        member.add_note(**LATER_NOTE)
        bundle.export_bundle(member, files.folder / "robin-2.bundle")
    data = bytearray((files.folder / "robin-2.bundle").read_bytes())
    data[len(data) // 2] ^= 0x40
    tampered = files.folder / "robin-2.bundle"
    tampered.write_bytes(bytes(data))

    page = open_file(qtbot, window, files.lead, notes=2)
    to_team_tab(qtbot, window)
    page.import_paths([tampered, files.first])
    lines = summary_lines(import_summary(qtbot, window))
    assert set(lines) == {"robin-2.bundle", "robin-1.bundle"}
    bad = lines["robin-2.bundle"]
    assert bad.startswith("rejected: ") and "nothing was imported" in bad
    assert bad.rstrip().endswith("."), "the reason is a whole sentence"
    assert "1 new" in lines["robin-1.bundle"]

    qtbot.waitUntil(lambda: window.workspace.list.model.rowCount() == 3, timeout=WAIT_MS)
    settle(qtbot, window)
    assert HEADING in visible_headings(window)
    assert LATER_NOTE["title"] not in visible_headings(window)
    assert roster(page)[0][3].startswith("#1 at ")
    assert window.isVisible() and window.session.is_open
    assert error_dialogs(window) == []
    assert all(button.isEnabled() for button in page.buttons.values())


def test_dropping_a_bundle_on_the_window_imports_it(
    qtbot, window: MainWindow, files: TeamFiles
) -> None:
    open_file(qtbot, window, files.lead, notes=2)
    assert window.workspace.tabs.currentIndex() == 0
    assert drop(window, [files.first])
    assert window.workspace.tabs.currentIndex() == TEAM_TAB
    assert "1 new" in import_summary(qtbot, window)
    qtbot.waitUntil(lambda: window.workspace.list.model.rowCount() == 3, timeout=WAIT_MS)
    settle(qtbot, window)
    assert HEADING in visible_headings(window)
    assert roster(window.workspace.team)[0][3].startswith("#1 at ")


def test_a_bundle_is_imported_when_dropped_on_the_editor_or_named_in_capitals(
    qtbot, window: MainWindow, files: TeamFiles
) -> None:
    open_file(qtbot, window, files.lead, notes=2)
    select_note(qtbot, window, visible_headings(window)[0])
    shouting = files.folder / "ROBIN-1.BUNDLE"
    shouting.write_bytes(files.first.read_bytes())
    editor = window.workspace.editor
    drop(editor, [shouting])  # the editor leaves a bundle to the window: it is not a photo
    assert "1 new" in import_summary(qtbot, window)
    settle(qtbot, window)
    assert editor.photos.thumbs.count() == 0 and error_dialogs(window) == []


def test_an_exported_bundle_gets_its_file_ending(
    qtbot, window: MainWindow, files: TeamFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_file(qtbot, window, files.member, notes=1)
    to_team_tab(qtbot, window)
    asked = {}

    def save_as(_parent, _title, suggested, _filter):
        asked["suggested"] = suggested
        return str(files.folder / "for-sam.day2"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    click(qtbot, page.buttons["export"])
    qtbot.waitUntil(lambda: (files.folder / "for-sam.day2.bundle").is_file(), timeout=WAIT_MS)
    assert Path(asked["suggested"]).name.startswith("bundle-")
    assert MEMBER.split()[0] not in asked["suggested"]  # no one's name in a file name


# -- 5-6. conflicts ----------------------------------------------------------------------------


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
    assert all("Children:" in text and "Outcomes:" in text for text in texts.values())
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


def test_a_member_file_made_before_the_card_came_joins_from_the_team_page(
    qtbot, window: MainWindow, files: TeamFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    early = files.folder / "early.inspection"
    made, _ = Inspection.create(early, PASSPHRASE, area="My visits", inspector="Kim Member",
                                role="team", kdf=cheap())
    with made:
        made.add_note(**MEMBER_NOTE)
    page = open_file(qtbot, window, early, notes=1)
    to_team_tab(qtbot, window)
    assert "has not joined an inspection yet" in page.empty.text() and page.empty.isVisible()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(files.lead_card), "")
    )
    click(qtbot, button_named(page, "Join with the lead's card"))
    qtbot.waitUntil(lambda: "Joined the inspection led by" in page.status.text(),
                    timeout=WAIT_MS)
    assert files.lead_fingerprint in page.status.text()
    qtbot.waitUntil(lambda: not page.buttons["join"].isVisible(), timeout=WAIT_MS)
    assert page.buttons["export"].isEnabled() and not page.empty.isVisible()
    lock(qtbot, window)
    with Inspection.open(early, PASSPHRASE) as joined:
        assert joined.info.inspection_id == files.inspection_id
        assert [m.name for m in team.roster(joined)] == [LEAD]


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


def questions(dialog) -> list:
    return [b for b in dialog.findChildren(QMessageBox) if b.isVisible()]


# -- 7. bundles out ----------------------------------------------------------------------------


def test_export_from_the_page_reaches_the_member(
    qtbot,
    window: MainWindow,
    in_conflict: TeamFiles,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = in_conflict
    with Inspection.open(files.lead, PASSPHRASE) as lead:
        mine = next(v for v in lead.versions(files.note_id) if v.by == LEAD)
        lead.resolve(files.note_id, mine.id)
    out = files.folder / "to-team.bundle"

    page = open_file(qtbot, window, files.lead, notes=3)
    to_team_tab(qtbot, window)
    qtbot.waitUntil(
        lambda: "3 changed since the last export" in window.counts.text(), timeout=WAIT_MS
    )
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(out), ""))
    click(qtbot, page.buttons["export"])
    qtbot.waitUntil(lambda: page.status.text().startswith("Bundle #1 written"), timeout=WAIT_MS)
    assert "1 recipient" in page.status.text()
    assert out.is_file()
    qtbot.waitUntil(lambda: "changed since" not in window.counts.text(), timeout=WAIT_MS)
    assert window.counts.text().startswith("3 notes")
    assert not page.progress.isVisible()

    with Inspection.open(files.member, PASSPHRASE) as member:
        result = bundle.import_bundle(member, out)
        assert result.new == 2 and result.conflicts == []
        note = member.note(files.note_id)
        assert note.text == LEAD_TEXT and not note.conflict
        assert len(member.versions(files.note_id)) == 1


# -- 8. cards ----------------------------------------------------------------------------------


def test_the_lead_adds_a_members_card_and_a_malformed_card_is_refused(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = make_team(tmp_path, on_roster=False)
    page = open_file(qtbot, window, files.lead, notes=2)
    to_team_tab(qtbot, window)
    assert roster(page) == []
    assert page.empty.isVisible() and "No team yet" in page.empty.text()
    # Nobody to send a bundle to: no export, and no count of changes awaiting one.
    assert not page.buttons["export"].isEnabled()
    assert "changed since the last export" not in window.counts.text()

    chosen = [files.member_card]
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(chosen[0]), "")
    )
    click(qtbot, page.buttons["add"])
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT_MS)
    assert roster(page) == [(MEMBER, "Team inspector", files.member_fingerprint, "none yet")]
    qtbot.waitUntil(lambda: files.member_fingerprint in page.status.text(), timeout=WAIT_MS)
    assert MEMBER in page.status.text()
    assert not page.empty.isVisible() and page.buttons["export"].isEnabled()
    qtbot.waitUntil(lambda: "changed since the last export" in window.counts.text(),
                    timeout=WAIT_MS)

    assert page.status.text() != ""  # what the added card said, until the next action
    malformed = tmp_path / "scribbled.card"
    malformed.write_text('{"format": "inspector-app/card/1", "name": "Robin"}\n')
    chosen[0] = malformed
    click(qtbot, page.buttons["add"])
    qtbot.waitUntil(lambda: len(error_dialogs(window)) == 1, timeout=WAIT_MS)
    [box] = error_dialogs(window)
    assert "scribbled.card" in box.text() and "ask for it again" in box.text()
    assert page.status.text() == ""  # no earlier success left under the error
    box.close()
    settle(qtbot, window)
    assert roster(page) == [(MEMBER, "Team inspector", files.member_fingerprint, "none yet")]
    assert not page.progress.isVisible() and window.session.is_open


# -- 9. joining --------------------------------------------------------------------------------


def test_joining_from_the_start_screen(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = make_team(tmp_path, on_roster=False)
    click(qtbot, button_named(window.start, "Join an inspection with the lead's card"))
    dialog = window.findChild(NewInspectionDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    assert dialog.windowTitle() == "Join an inspection"
    assert not dialog.area.isVisible() and dialog.card_path.isVisible()
    # The card's label is a label (not "&Card:" as text), and Alt+C goes to the card.
    [label] = [w for w in dialog.findChildren(QLabel) if w.buddy() is dialog.card_path]
    assert label.text() == "&Card:" and label.isVisible()

    chosen = [files.member_card]
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(chosen[0]), "")
    )
    choose = button_named(dialog, "Choose the lead's card")
    click(qtbot, choose)
    qtbot.waitUntil(lambda: "member card" in dialog.details_message.text(), timeout=WAIT_MS)
    assert dialog.card_info.text() == ""
    click(qtbot, dialog.next)
    assert dialog.pages.currentIndex() == 0
    assert dialog.details_message.text() == "Choose the lead's inspection card."

    # A path typed (or pasted) is read as Enter is pressed: no second press needed.
    dialog.card_path.setFocus()
    dialog.card_path.setText(str(files.lead_card))
    qtbot.keyClick(dialog.card_path, Qt.Key.Key_Return)
    assert dialog.card is not None and dialog.details_message.text() != (
        "Choose the lead's inspection card."
    )
    chosen[0] = files.lead_card
    click(qtbot, choose)
    qtbot.waitUntil(lambda: dialog.card_info.text() != "", timeout=WAIT_MS)
    info = dialog.card_info.text()
    assert AREA in info and LEAD in info and files.lead_fingerprint in info
    assert dialog.details_message.text() == ""

    target = tmp_path / "alex.inspection"
    qtbot.keyClicks(dialog.inspector, SECOND)
    dialog.location.setText(str(target))
    click(qtbot, dialog.next)
    assert dialog.pages.currentIndex() == 1
    qtbot.keyClicks(dialog.passphrase, JOIN_PASSPHRASE)
    qtbot.keyClicks(dialog.again, JOIN_PASSPHRASE)
    assert dialog.next.text() == "&Create"
    click(qtbot, dialog.next)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=WAIT_MS)
    assert dialog.recovery.text() and not dialog.next.isEnabled()
    qtbot.keyClick(dialog.kept, Qt.Key.Key_Space)
    assert dialog.next.text() == "&Finish"
    click(qtbot, dialog.next)

    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.workspace, timeout=WAIT_MS)
    assert not dialog.isVisible()
    assert window.windowTitle() == f"{AREA} — Inspector"
    page = to_team_tab(qtbot, window)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT_MS)
    assert roster(page) == [(LEAD, "Lead inspector", files.lead_fingerprint, "none yet")]
    assert SECOND in page.me.text()

    window.close()
    with Inspection.open(target, JOIN_PASSPHRASE) as joined:
        assert joined.info.inspection_id == files.inspection_id
        assert (joined.info.inspector, joined.info.role, joined.info.area) == (
            SECOND,
            "team",
            AREA,
        )


# -- 10-11. accessibility and the model --------------------------------------------------------


def test_team_page_and_conflict_dialog_controls_have_names(
    qtbot, window: MainWindow, in_conflict: TeamFiles
) -> None:
    page = open_file(qtbot, window, in_conflict.lead, notes=3)
    to_team_tab(qtbot, window)
    qtbot.waitUntil(lambda: page.conflicts.count() == 1, timeout=WAIT_MS)
    assert page.conflict_box.isVisible() and page.table.isVisible()
    assert unnamed_controls(page) == []

    click(qtbot, button_named(page, "Resolve the selected conflict"))
    dialog = conflict_dialog(qtbot, window)
    assert unnamed_controls(dialog) == []
    keys = alt_keys(dialog)
    assert sorted({k for k in keys if keys.count(k) > 1}) == []  # every Alt+key does one thing
    names = {w.accessibleName() for w in dialog.findChildren(QPlainTextEdit)}
    assert names == {f"Version by {LEAD}", f"Version by {MEMBER}", "Merged text"}
    click(qtbot, next(b for b in dialog.findChildren(QPushButton) if b.text() == "Decide &later"))
    assert not dialog.isVisible()


@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_roster_model(qtbot, qtmodeltester, window: MainWindow, files: TeamFiles) -> None:
    with Inspection.open(files.lead, PASSPHRASE) as lead:
        bundle.import_bundle(lead, files.first)
        second, _ = team.join(
            files.folder / "second.inspection", files.lead_card, SECOND, PASSPHRASE, kdf=cheap()
        )
        with second:
            team.write_card(second, files.folder / "second.card")
        team.add_member(lead, files.folder / "second.card")

    page = open_file(qtbot, window, files.lead, notes=3)
    model: RosterModel = page.model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=WAIT_MS)
    assert [row[0] for row in roster(page)] == [SECOND, MEMBER]
    qtmodeltester.check(model)
    qtmodeltester.check(model, force_py=True)

    page.import_paths([files.first])  # already imported: the roster reloads, the same
    import_summary(qtbot, window)
    settle(qtbot, window)
    lock(qtbot, window)
    assert model.rowCount() == 0
    open_file(qtbot, window, files.lead, notes=3)
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=WAIT_MS)
