"""Helpers for the GUI tests: the fixture notes, and a user's ways of driving the window."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from inspector_app.core.models import Note
from inspector_app.core.store import Inspection
from inspector_app.gui.evidence_model import ID_ROLE, TITLE_COLUMN
from inspector_app.gui.main_window import MainWindow
from tests.conftest import FIXTURE_ONE, PASSPHRASE

WAIT_MS = 5000


@dataclass(frozen=True)
class SavedInspection:
    """An inspection file on disk, closed, as a user would find it."""

    path: Path
    recovery_key: str


# The fictional Northmoor fixtures of DOMAIN.md, as the core's add_note takes them.
FIXTURE_NOTES: list[dict[str, Any]] = [
    FIXTURE_ONE,
    dict(
        kind="meeting",
        questions=["A"],
        outcomes=["identification"],
        judgement="development",
        title="",
        text="Parents of under-fives describe long waits after the two-year check "
        "before a referral.",
        fields={"participants": ["Parents and carers"], "participant_count": 4},
    ),
    dict(
        kind="visit",
        questions=["C"],
        outcomes=["pfa-employment"],
        judgement="strength",
        title="Supported internships at the FE college",
        text="Three of five recent interns are in paid work.",
        fields={"provider_type": "Further education college"},
    ),
    dict(
        kind="case-review",
        questions=["C"],
        outcomes=["pfa-independent-living"],
        judgement="development",
        title="No preparing-for-adulthood content",
        text="Year 10 annual review has no preparing-for-adulthood content; "
        "social care not invited.",
        children=["Child B"],
        fields={"age_band": "16–19", "support_level": "EHC plan"},
    ),
    dict(
        kind="meeting",
        questions=["B"],
        outcomes=["co-production"],
        judgement="strength",
        title="Parent Carer Forum and SENDIASS",
        text="The forum co-wrote the local offer pages.",
        fields={"participants": ["Parent Carer Forum", "SENDIASS"]},
    ),
]


# -- reading the file, driving the window --------------------------------------------------


def notes_on_disk(path: Path, secret: str = PASSPHRASE) -> list[Note]:
    """What a user reopening the file would find (read with the core, not the app)."""
    with Inspection.open(path, secret) as inspection:
        return inspection.notes()


def note_with_text(path: Path, fragment: str) -> Note | None:
    return next((n for n in notes_on_disk(path) if fragment in n.text), None)


def unlock(qtbot, window: MainWindow, path: Path, secret: str = PASSPHRASE) -> None:
    """Open ``path`` and unlock it by typing on the unlock screen, as a user does."""
    window.open_path(path)
    assert window.pages.currentWidget() is window.unlock
    qtbot.keyClicks(window.unlock.secret, secret)
    qtbot.keyClick(window.unlock.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.workspace, timeout=WAIT_MS)


def settle(qtbot, window: MainWindow) -> None:
    """Wait until every background result (and the reloads they start) has been shown."""
    qtbot.waitUntil(lambda: not window.session.runner.busy(), timeout=WAIT_MS)


def error_dialogs(window: QWidget) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox, "errorDialog") if box.isVisible()]


def menu_action(window: MainWindow, *path: str) -> QAction:
    """The menu bar action at ``path`` (labels without their & mnemonics)."""
    actions = window.menuBar().actions()
    for depth, label in enumerate(path):
        found = next((a for a in actions if a.text().replace("&", "") == label), None)
        assert found is not None, f"no menu item {label!r} in {[a.text() for a in actions]}"
        if depth == len(path) - 1:
            return found
        actions = found.menu().actions()
    raise AssertionError("empty menu path")


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def tab_to(qtbot, target: QWidget, limit: int = 60, key: Qt.Key = Qt.Key.Key_Tab) -> bool:
    """Press Tab (or ``key``) from wherever the focus is until ``target`` has it."""
    for _ in range(limit):
        if focused() is target:
            return True
        qtbot.keyClick(focused(), key)
    return focused() is target


def visible_headings(window: MainWindow) -> list[str]:
    """The Title column of the evidence list, top to bottom, as the user sees it."""
    shown = window.workspace.list.table.model()
    return [shown.index(row, TITLE_COLUMN).data() for row in range(shown.rowCount())]


def select_note(qtbot, window: MainWindow, heading: str) -> str:
    """Click the list row showing ``heading``; returns the id once the editor shows it."""
    table = window.workspace.list.table
    row = visible_headings(window).index(heading)
    index = table.model().index(row, TITLE_COLUMN)
    table.scrollTo(index)
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center()
    )
    note_id = index.data(ID_ROLE)
    editor = window.workspace.editor
    qtbot.waitUntil(lambda: editor.note_id == note_id and editor.note is not None)
    return note_id


def ctrl(qtbot, widget: QWidget | None, key: Qt.Key) -> None:
    qtbot.keyClick(widget, key, Qt.KeyboardModifier.ControlModifier)


def click(qtbot, widget: QWidget, pos: QPoint | None = None) -> None:
    if pos is None:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def make_jpeg(path: Path, size: tuple[int, int] = (640, 480)) -> Path:
    Image.new("RGB", size, "#3b6ea5").save(path, "JPEG", quality=85)
    return path


def new_note(qtbot, window: MainWindow) -> None:
    """Ctrl+N, pressed wherever the focus happens to be."""
    ctrl(qtbot, focused(), Qt.Key.Key_N)
    assert window.workspace.editor.pages.currentIndex() == 1


def alt_keys(root) -> list[str]:
    """The Alt+letter of every visible button, label, box and tab under ``root`` (of each
    menu, for a menu bar)."""
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenuBar, QTabBar

    if isinstance(root, QMenuBar):
        return [mnemonic(a.text()) for a in root.actions()]
    texts = [w.text() for w in root.findChildren(QAbstractButton) if w.isVisible()]
    texts += [w.text() for w in root.findChildren(QLabel)
              if w.isVisible() and w.buddy() is not None]
    texts += [w.title() for w in root.findChildren(QGroupBox) if w.isVisible()]
    for bar in root.findChildren(QTabBar):
        if bar.isVisible():
            texts += [bar.tabText(i) for i in range(bar.count())]
    return [key for key in map(mnemonic, texts) if key]


def mnemonic(text: str) -> str:
    """The Alt+letter that ``text`` gives, or ""."""
    plain = text.replace("&&", "")
    return plain[plain.index("&") + 1].lower() if "&" in plain else ""
