"""A second program saving notes into an inspection file, for the durability tests.

Usage: ``python _writer.py FILE COUNT [--wait] [--pause SECONDS]`` with the passphrase in
``INSPECTOR_APP_PASSPHRASE``. Opens FILE, then saves COUNT notes (0: until killed), printing each
new note's id only after ``add_note`` returned, so every printed id was reported saved. With
``--wait`` it prints ``ready`` once the file is open and waits for a line on stdin before saving,
so a test can start two writers at the same moment. ``--pause`` waits between saves, as a
person would, which gives another writer waiting for the lock its turn.
"""

from __future__ import annotations

import itertools
import os
import sys
import time
from pathlib import Path

from inspector_app.core.store import Inspection


def main(argv: list[str]) -> int:
    path, count = Path(argv[0]), int(argv[1])
    pause = float(argv[argv.index("--pause") + 1]) if "--pause" in argv else 0.0
    with Inspection.open(path, os.environ["INSPECTOR_APP_PASSPHRASE"]) as inspection:
        if "--wait" in argv:
            print("ready", flush=True)
            sys.stdin.readline()
        numbers = itertools.count(1) if count == 0 else range(1, count + 1)
        for number in numbers:
            note = inspection.add_note(
                kind="meeting",
                questions=["A"],
                outcomes=["wide-outcomes"],
                judgement="context",
                title=f"Writer {os.getpid()} note {number}",
                text=f"Meeting note {number} saved by process {os.getpid()}.",
            )
            print(note.id, flush=True)
            time.sleep(pause)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
