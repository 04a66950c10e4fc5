"""GUI fixtures: a real MainWindow on the offscreen platform, unlocked through its own screens.

Every test's window is closed at teardown and must leave no background work behind: a test
that leaves the worker thread busy fails, as napari's conftest does.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt application exists

import shutil  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from inspector_app.core import bundle  # noqa: E402
from inspector_app.core.crypto import KdfParams  # noqa: E402
from inspector_app.core.store import Inspection  # noqa: E402
from inspector_app.gui.main_window import MainWindow  # noqa: E402
from inspector_app.gui.settings import Settings  # noqa: E402
from tests.conftest import PASSPHRASE  # noqa: E402
from tests.gui.helpers import FIXTURE_NOTES, WAIT_MS, SavedInspection, unlock  # noqa: E402
from tests.gui.team_world import (  # noqa: E402
    LEAD_TEXT,
    MEMBER_TEXT,
    TeamFiles,
    make_team,
)


@pytest.fixture(autouse=True)
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the app's data folder (and the demo's temporary folder) inside the test's folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


@pytest.fixture
def window(qtbot, settings_path: Path, cheap_kdf: KdfParams) -> Iterator[MainWindow]:
    main = MainWindow(Settings(settings_path), kdf=cheap_kdf)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow, timeout=WAIT_MS)
    yield main
    main.close()
    runner = main.session.runner
    assert runner.wait(WAIT_MS), "background work still running after the window closed"
    assert runner.pool.activeThreadCount() == 0
    # Results already computed are delivered as queued signals; none may still be pending.
    qtbot.waitUntil(lambda: not runner.busy(), timeout=WAIT_MS)


@pytest.fixture
def northmoor(make_inspection) -> SavedInspection:
    """A closed Northmoor file holding the five fixture notes."""
    inspection = make_inspection()
    for values in FIXTURE_NOTES:
        inspection.add_note(**values)
    inspection.close()
    return SavedInspection(inspection.path, inspection.recovery_key)


@pytest.fixture
def inspection_path(northmoor: SavedInspection) -> Path:
    return northmoor.path


@pytest.fixture
def opened(qtbot, window: MainWindow, inspection_path: Path) -> MainWindow:
    """The window with the fixture inspection unlocked and its list loaded."""
    unlock(qtbot, window, inspection_path)
    qtbot.waitUntil(
        lambda: window.workspace.list.model.rowCount() == len(FIXTURE_NOTES), timeout=WAIT_MS
    )
    return window


@pytest.fixture(scope="session")
def big_inspection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A file with 2,000 notes, built once; in shared memory when there is some (no fsync)."""
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path_factory.mktemp("big")
    path = folder / "big.inspection"
    inspection, _ = Inspection.create(
        path,
        PASSPHRASE,
        area="Northmoor",
        inspector="Sam Lead",
        kdf=KdfParams.fresh(memory_cost=1024, iterations=1, lanes=1),
    )
    with inspection:
        for n in range(2000):
            template = FIXTURE_NOTES[n % len(FIXTURE_NOTES)]
            inspection.add_note(**{**template, "text": f"{template['text']} (note {n})"})
    yield path
    shutil.rmtree(folder, ignore_errors=True)


# -- a team: a lead's and a member's files (team_world.py) -------------------------------------


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
