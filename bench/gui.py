"""The ``gui`` group: how fast the app starts, and how fast the list answers a filter.

- ``start_s``: from launching a Python process to the unlock screen shown (offscreen), the
  median of several launches. It is everything a user waits for: interpreter, imports, window.
- ``filter_10k_ms``: with 10,000 notes open, the median time from changing a filter or the
  search text to the list showing the new rows (the typing pause included).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import GroupResult, Options, bulk_dir, median, p95  # noqa: E402
from corpus import QUERIES, make_notes  # noqa: E402

from inspector_app.core import framework  # noqa: E402
from inspector_app.core.crypto import KdfParams  # noqa: E402
from inspector_app.core.store import Inspection  # noqa: E402

BUDGET = {"start_s": 1.5, "filter_10k_ms": 100.0}
PASSPHRASE = "correct horse battery staple"
LAUNCHES = 5

# The child mirrors ``inspector_app.gui.app.run`` but opens a file straight to its unlock
# screen, says when that screen is on show, and quits.
CHILD = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from inspector_app.gui.app import make_app
from inspector_app.gui.main_window import MainWindow
from inspector_app.gui.settings import Settings
app = make_app()
window = MainWindow(Settings(Path(sys.argv[2])))
window.show()
window.open_path(Path(sys.argv[1]))
def check():
    if window.unlock.isVisible():
        print("shown", flush=True)
        app.quit()
    else:
        QTimer.singleShot(5, check)
QTimer.singleShot(0, check)
app.exec()
"""


def measure_start(path: Path, folder: Path) -> list[float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    times = []
    for launch in range(LAUNCHES + 1):
        start = time.perf_counter()
        child = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), str(folder / "settings.ini")],
            capture_output=True, text=True, env=env, timeout=60, check=True,
        )
        spent = time.perf_counter() - start
        if "shown" not in child.stdout:
            raise RuntimeError(f"the app did not show its unlock screen: {child.stderr}")
        if launch:  # the first launch warms the disk cache, as any second start would
            times.append(spent)
    return times


def build(path: Path, count: int, seed: int) -> None:
    cheap = KdfParams.fresh(memory_cost=1024, iterations=1, lanes=1)
    inspection, _ = Inspection.create(path, PASSPHRASE, area="Northmoor",
                                      inspector="Sam Lead", kdf=cheap)
    with inspection:
        for spec in make_notes(framework.load(), count, seed):
            inspection.add_note(**spec.kwargs)


def measure_filters(path: Path, rounds: int) -> list[float]:
    from PySide6.QtCore import QEventLoop, QTimer

    from inspector_app.gui.app import make_app
    from inspector_app.gui.main_window import MainWindow
    from inspector_app.gui.settings import Settings

    app = make_app()
    window = MainWindow(Settings(path.with_suffix(".ini")))
    window.show()
    window.session.adopt(Inspection.open(path, PASSPHRASE))
    evidence = window.workspace.list

    def wait_for_rows() -> float:
        start = time.perf_counter()
        loop = QEventLoop()
        evidence.loaded.connect(loop.quit)
        QTimer.singleShot(10_000, loop.quit)
        loop.exec()
        evidence.loaded.disconnect(loop.quit)
        app.processEvents()  # the rows painted
        return time.perf_counter() - start

    evidence.reload()
    wait_for_rows()
    changes = []
    for name in ("question", "outcome", "kind", "judgement"):
        combo = evidence.filters[name]
        for index in range(1, combo.count()):
            changes.append(lambda c=combo, i=index: c.setCurrentIndex(i))
            changes.append(lambda c=combo: c.setCurrentIndex(0))
    for query in QUERIES[:20]:
        changes.append(lambda q=query: evidence.search.setText(q))
        changes.append(evidence.search.clear)
    samples = []
    for _ in range(rounds):
        for change in changes:
            change()
            samples.append(wait_for_rows())
    window.close()
    return samples


def bench_gui(options: Options) -> GroupResult:
    with tempfile.TemporaryDirectory(dir=bulk_dir(options)) as tmp:
        folder = Path(tmp)
        path = folder / "bench.inspection"
        build(path, options.notes, options.seed)
        start = measure_start(path, folder)
        filters = measure_filters(path, rounds=2)
    figures = {"start_s": median(start), "filter_10k_ms": median(filters) * 1000}
    details = {
        "start_launches_s": start,
        "filter_samples": len(filters),
        "filter_p95_ms": p95(filters) * 1000,
        "filter_max_ms": max(filters) * 1000,
        "notes": options.notes,
    }
    return GroupResult(figures, BUDGET, details)
