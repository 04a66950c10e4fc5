"""Core errors become one dialog each, in one place, with the sentence the core wrote."""

from __future__ import annotations

import re
import sys

from PySide6.QtWidgets import QMessageBox, QWidget

from inspector_app.core.errors import (
    BundleRejected,
    ImageError,
    InspectorError,
    IntegrityError,
    InvalidInput,
    NewerVersion,
    NotAnInspectionFile,
    NotFound,
    StorageError,
    WrongPassphrase,
)
from inspector_app.core.models import without_hidden

TITLES: list[tuple[type[InspectorError], str]] = [
    (WrongPassphrase, "Wrong passphrase"),
    (IntegrityError, "The file is damaged"),
    (NotAnInspectionFile, "Not an inspection file"),
    (NewerVersion, "Made by a newer version"),
    (StorageError, "Could not save"),
    (ImageError, "Photo not added"),
    (BundleRejected, "Not accepted"),
    (NotFound, "Not found"),
    (InvalidInput, "Please check"),
    (InspectorError, "Something went wrong"),
]


# The core's sentences end with what to do on the command line; in the app, what to do here.
IN_THE_APP: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"; keep one with 'inspector-app resolve [^']*'\.$"),
     "; choose one with Resolve… above the note."),
    (re.compile(r"; run 'inspector-app verify' or restore a backup\.$"),
     "; open a backup copy of the file."),
    (re.compile(r"; run 'inspector-app verify'\.$"),
     "; importing a teammate's bundle that holds it restores it, or open a backup copy."),
    (re.compile(r" \(run 'inspector-app verify'\)"), ""),
    (re.compile(r", or 'inspector-app finding edit'\)\.$"), ")."),
]


def describe(exc: BaseException) -> tuple[str, str]:
    """The title and sentence for an error; unexpected ones get a plain apology, no traceback."""
    for kind, title in TITLES:
        if isinstance(exc, kind):
            text = without_hidden(str(exc))  # a file's name may turn the sentence around
            for pattern, instead in IN_THE_APP:
                text = pattern.sub(instead, text)
            return title, text
    # A bug, not a user error: say so without showing internals (they may hold note text).
    print(f"inspector-app: unexpected {type(exc).__name__}", file=sys.stderr)
    return "Unexpected problem", (
        "Something unexpected went wrong; your saved notes are safe. "
        "Try again, and if it happens again lock and reopen the inspection."
    )


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """A window-modal message that does not block the event loop (so tests can see it). The
    same message already on show is not shown again (a full disk fails every autosave)."""
    title, text = describe(exc)
    window = parent.window() if parent is not None else None
    for shown in window.findChildren(QMessageBox, "errorDialog") if window else ():
        if shown.isVisible() and shown.text() == text:
            return shown
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorDialog")
    box.setAccessibleName(title)
    box.open()
    return box
