"""Choosing where a file goes or comes from: the inspections folder first, and a file that is
saved always gets its ending (a draft without ".docx" would not open in Word)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from inspector_app.core.errors import InvalidInput
from inspector_app.core.paths import data_dir
from inspector_app.gui.errors import show_error


def save_path(
    parent: QWidget, title: str, name: str, suffix: str, filter: str, folder: Path | None = None
) -> Path | None:
    """Where to save, suggested as ``name`` in ``folder`` (the inspections folder unless
    given); ``suffix`` is added to a name chosen without it. None if cancelled (or the name
    with its ending is taken)."""
    where = folder if folder is not None and folder.is_dir() else data_dir()
    path, _ = QFileDialog.getSaveFileName(parent, title, str(where / name), filter)
    if not path:
        return None
    chosen = Path(path)
    if chosen.suffix.lower() != suffix.lower():  # "visit.day2" too
        chosen = chosen.with_name(chosen.name + suffix)
        if chosen.exists():  # the dialog asked about the name typed, not this one
            show_error(parent, InvalidInput(f"{chosen} already exists; choose another name."))
            return None
    return chosen


def open_path(parent: QWidget, title: str, filter: str) -> Path | None:
    """A file to read, looked for first in the inspections folder (where cards and bundles
    are saved). None if cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, title, str(data_dir()), filter)
    return Path(path) if path else None


def open_paths(parent: QWidget, title: str, filter: str) -> list[Path]:
    """Several files to read, looked for first in the inspections folder."""
    paths, _ = QFileDialog.getOpenFileNames(parent, title, str(data_dir()), filter)
    return [Path(p) for p in paths]
