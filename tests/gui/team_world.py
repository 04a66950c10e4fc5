"""The team the Team & sync tests work with: a lead's and a member's file made with the core
and closed (the window then opens one of them through its own unlock screen, as a user would),
and the steps that drive the window."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QMessageBox,
    QPushButton,
    QWidget,
)

from inspector_app.core import bundle, team
from inspector_app.core.crypto import KdfParams
from inspector_app.core.store import Inspection
from inspector_app.gui.conflict_dialog import ConflictDialog
from inspector_app.gui.main_window import MainWindow
from inspector_app.gui.team_page import TeamPage
from tests.conftest import PASSPHRASE
from tests.gui.helpers import (
    FIXTURE_NOTES,
    WAIT_MS,
    click,
    ctrl,
    focused,
    settle,
    unlock,
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


def questions(dialog) -> list:
    return [b for b in dialog.findChildren(QMessageBox) if b.isVisible()]
