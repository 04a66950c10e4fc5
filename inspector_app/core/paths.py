"""Where things live, from a source tree and from a frozen build alike."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

APP_NAME = "inspector-app"
FILE_SUFFIX = ".inspection"


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def icon_path() -> Path:
    return resources_dir() / "icons" / "inspector-app.png"


def frameworks_dir() -> Path:
    return resources_dir() / "frameworks"


def data_dir() -> Path:
    """The user's folder for inspection files, created on first use; the home folder if it
    cannot be made (a read-only home), so a dialog still opens where another can be chosen."""
    path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path.home()
    return path
