"""Files the app writes for people to take away (bundles, cards, drafts, a recovery key):
written whole or not at all, readable by their owner only, and never over a folder or a
database such as an inspection file."""

from __future__ import annotations

import contextlib
import os
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from inspector_app.core.errors import InvalidInput, StorageError

_SQLITE = b"SQLite format 3\x00"  # how every SQLite file, an inspection too, begins
_SIDE_FILES = ("-wal", "-shm", "-journal")  # SQLite's files beside a database
STALE_PART_S = 3600  # a temporary file this old is left from a write that was killed
_PART = re.compile(r"\..+\.[0-9a-f]{8}\.part")  # how write_atomically names them


def check_target(out: Path, what: str) -> Path:
    """``out`` if a file can be written there; ``InvalidInput`` saying why not otherwise."""
    out = Path(out)
    try:
        if out.name in ("", ".", "..") or out.is_dir():
            raise InvalidInput(f"{out} is a folder; give a file name for the {what}.")
        check_folder(out.parent, what)
    except OSError as exc:  # a name too long for the disk, say
        raise InvalidInput(f"The {what} cannot be written to {out}: {exc.strerror}.") from exc
    if _is_database(out):
        raise InvalidInput(
            f"{out.name} is a database, perhaps an inspection, so the {what} was not written "
            "over it; choose another name."
        )
    for side in _SIDE_FILES:  # an inspection's journal: what it holds is not yet in the file
        if out.name.endswith(side) and _is_database(out.with_name(out.name[: -len(side)])):
            raise InvalidInput(
                f"{out.name} belongs to the inspection {out.name[: -len(side)]}, so the {what} "
                "was not written over it; choose another name."
            )
    return out


def _is_database(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(_SQLITE)) == _SQLITE
    except OSError:
        return False  # nothing there (or unreadable: writing will say so)


def check_folder(folder: Path, what: str) -> None:
    """``InvalidInput`` unless ``folder`` is a folder, saying what it is instead."""
    if folder.is_dir():
        return
    if folder.exists():
        raise InvalidInput(
            f"{folder} is a file, not a folder; choose another place for the {what}."
        )
    raise InvalidInput(f"The folder {folder} does not exist; choose another place for the {what}.")


def write_atomically(out: Path, what: str, write: Callable[[BinaryIO], object]) -> None:
    """Write through ``write(handle)`` to a temporary file beside ``out``, flush it to disk,
    then rename it over ``out``: a reader sees the old file or the whole new one. Only its
    owner may read it (a draft or a recovery key is not for others on the computer)."""
    out = check_target(out, what)
    _remove_stale_parts(out)
    temp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, out)
    except OSError as exc:
        with contextlib.suppress(OSError):  # on a read-only disk there is nothing to remove
            temp.unlink(missing_ok=True)
        raise StorageError(
            f"The {what} could not be written to {out}: {exc.strerror}; choose another folder."
        ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        raise


def _remove_stale_parts(out: Path) -> None:
    """Temporary files left in ``out``'s folder by earlier writes that were killed before they
    could clean up, whatever they were to be named (a bundle's name changes daily); an hour
    old, so a write under way now is not touched."""
    for part in out.parent.glob(".*.part"):
        if _PART.fullmatch(part.name):
            with contextlib.suppress(OSError):
                if time.time() - part.stat().st_mtime > STALE_PART_S:
                    part.unlink()
