"""Text boxes that hold no more than the file will keep.

A record's text and lines have length limits (``models.MAX_TEXT``, ``MAX_LINE``). Typed or
pasted past them, a box's text could not be saved, and what else had been typed in the record
would wait on it. So the boxes refuse the excess as it comes in and say so: a box does not
take a key, paste or drop that would pass its limit. A paste is
also shown as it will be saved, without the characters the file never keeps.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QValidator
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget

from inspector_app.core.errors import InvalidInput
from inspector_app.core.models import MAX_TEXT, clean_text, without_hidden


class LimitedText(QPlainTextEdit):
    """A plain text box that refuses a paste or drop taking it past ``limit`` characters."""

    refused = Signal(str)  # why the paste was not taken, in one sentence
    files_pasted = Signal(list)  # copied files pasted (their paths), when ``takes_files``

    def __init__(
        self, what: str = "text", limit: int = MAX_TEXT, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.what, self.limit = what, limit
        self.takes_files = False  # files pasted are for the box's owner (a note's photos)

    def _passes_limit(self, typed: str) -> bool:
        """Whether ``typed``, put where the cursor is, takes the box past its limit (said)."""
        if self.document().characterCount() - 1 + len(typed) <= self.limit:  # UTF-16 units
            return False
        kept = len(self.toPlainText()) - len(self.textCursor().selectedText())
        if kept + len(typed) <= self.limit:  # an emoji is one character, two units
            return False
        self.refused.emit(
            f"The {self.what} is at its limit of {self.limit:,} characters; split it."
        )
        return True

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """A key that would type past the limit is refused before it types anything."""
        typed = event.text()
        shortcut = event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier
        )
        if typed and not shortcut and (typed.isprintable() or typed == "\r"):  # Tab leaves
            if self._passes_limit(typed):
                return
        super().keyPressEvent(event)

    def inputMethodEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Text an input method commits (an accent, an emoji picker) is held to it too."""
        if event.commitString() and self._passes_limit(event.commitString()):
            event.setCommitString("")
        super().inputMethodEvent(event)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802 - Qt's name
        """Files dropped here are for the editor around it (photos, bundles), not text."""
        if source.hasUrls() and all(url.isLocalFile() for url in source.urls()):
            return False
        return super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt's name
        """Paste as plain text, without what is never stored (so what shows is what is
        saved), unless it would take the box past its limit. Copied files are not pasted as
        their paths (which may name a child): they go to the owner, or are refused."""
        if source.hasUrls() and all(url.isLocalFile() for url in source.urls()):
            if self.takes_files:
                self.files_pasted.emit([Path(url.toLocalFile()) for url in source.urls()])
            else:
                self.refused.emit(f"Files cannot be pasted into the {self.what}; paste text.")
            return
        if source.hasImage() and not source.hasText():
            self.refused.emit(
                "A copied picture cannot be pasted; save it as a file, then drop it here or use "
                "Add photo." if self.takes_files else
                f"A picture cannot be pasted into the {self.what}; paste text."
            )
            return
        if not source.hasText():
            return
        text = without_hidden(source.text())
        kept = len(self.toPlainText()) - len(self.textCursor().selectedText())
        if kept + len(text) > self.limit:
            self.refused.emit(
                f"Not pasted: the {self.what} would be {kept + len(text):,} characters; the "
                f"limit is {self.limit:,}. Split it, or paste a shorter part."
            )
            return
        self.insertPlainText(text)


def limit_line(edit: QLineEdit, limit: int, what: str, say: Callable[[str], None]) -> None:
    """Keep ``edit`` to ``limit`` characters (as the file counts them: an emoji is one), and
    have ``say`` tell the user when a key or a paste was not taken for going past it. Copied
    files are not pasted or dropped in as their paths (which may name a child)."""
    edit.setValidator(_AtMost(limit, edit))
    edit.inputRejected.connect(
        lambda: say(f"The {what} can be {limit:,} characters at most; that was not taken.")
    )
    edit.setAcceptDrops(False)  # a file dropped goes to the editor around it (a photo)
    edit.installEventFilter(_NoPastedFiles(what, say, edit))


class _NoPastedFiles(QObject):
    def __init__(self, what: str, say: Callable[[str], None], parent: QLineEdit) -> None:
        super().__init__(parent)
        self.what, self.say = what, say

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and event.matches(QKeySequence.StandardKey.Paste):
            copied = QApplication.clipboard().mimeData()
            if copied.hasUrls() and all(url.isLocalFile() for url in copied.urls()):
                self.say(f"Files cannot be pasted into the {self.what}; paste text.")
                return True
        return False


class _AtMost(QValidator):
    def __init__(self, limit: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.limit = limit

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        fits = len(text) <= self.limit
        return (QValidator.State.Acceptable if fits else QValidator.State.Invalid), text, pos


def as_stored(shown: str, stored: str, multiline: bool = True) -> bool:
    """Whether a box showing ``shown`` holds what is stored as ``stored``: the same, or the
    same once saving has trimmed it (a space typed last, before a pause)."""
    if shown == stored:
        return True
    try:
        return clean_text(shown, multiline=multiline) == stored
    except InvalidInput:
        return False
