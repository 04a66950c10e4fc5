"""Durability: a killed program, two programs at once, a read-only folder, a full disk and
damaged files must never cost the inspector a note that was reported saved.

Real files, real processes and cheap KDF costs; nothing here mocks SQLite or cryptography.
"""

from __future__ import annotations

import hashlib
import itertools
import multiprocessing
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from PIL import Image

from inspector_app.core import framework as frameworks
from inspector_app.core.errors import (
    InspectorError,
    IntegrityError,
    InvalidInput,
    NewerVersion,
    NotAnInspectionFile,
    StorageError,
)
from inspector_app.core.store import Inspection
from tests.conftest import PASSPHRASE, add_fixture_note

WRITER = Path(__file__).with_name("_writer.py")
NOBODY = 65534
RAW_SQLITE = ("sqlite3.", "disk image is malformed", "file is not a database", "Error:")
MEETING = [
    "--kind", "meeting", "--question", "A", "--outcome", "wide-outcomes",
    "--judgement", "context",
]  # fmt: skip


# -- helpers ---------------------------------------------------------------------------------


def app_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTOR_APP")}
    env["INSPECTOR_APP_PASSPHRASE"] = PASSPHRASE
    return env


def start_writer(
    path: Path, count: int, *, wait: bool = False, pause: float = 0.0
) -> subprocess.Popen:
    """Another program saving ``count`` notes (0: until killed), printing each id once saved."""
    args = [sys.executable, str(WRITER), str(path), str(count), "--pause", str(pause)]
    if wait:
        args.append("--wait")
    return subprocess.Popen(
        args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=app_env()
    )


def read_until(proc: subprocess.Popen, lines: int, timeout: float = 20.0) -> bytes:
    """What the process printed until at least ``lines`` lines; fails instead of hanging."""
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + timeout
    data = b""
    while data.count(b"\n") < lines:
        ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            pytest.fail(f"the writer printed {data.decode()!r} and then nothing for {timeout} s")
        chunk = os.read(fd, 65536)
        if not chunk:
            proc.wait(timeout=10)
            pytest.fail(f"the writer ended early: {proc.stderr.read().decode()}")
        data += chunk
    return data


def complete_lines(data: bytes) -> list[str]:
    # A line cut short by the kill was never fully reported, so it promises nothing.
    return data.decode().split("\n")[:-1]


def stop(proc: subprocess.Popen) -> None:
    """Leave no process behind, whatever the test did."""
    if proc.poll() is None:
        proc.kill()
        proc.communicate(timeout=10)


def closed_file(inspection: Inspection) -> Path:
    inspection.close()
    return inspection.path


def note_ids(path: Path) -> set[str]:
    with Inspection.open(path, PASSPHRASE) as reopened:
        return {note.id for note in reopened.notes()}


def assert_one_sentence(stderr: str) -> None:
    """The command line's error contract: one line, a sentence, never a traceback."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("inspector-app: "), stderr
    assert lines[0].endswith("."), stderr


def assert_sentence(error: InspectorError) -> None:
    """A sentence for a person, not SQLite's own wording passed through."""
    text = str(error)
    assert text.endswith(".") and "\n" not in text, text
    assert not any(raw in text for raw in RAW_SQLITE), text


# -- a killed program ------------------------------------------------------------------------


def test_a_killed_writer_loses_no_note_it_reported_saved(inspection):
    path = closed_file(inspection)
    reported: list[str] = []
    # Kill at different moments so some kills land inside a transaction.
    rounds = ((30, 0.0), (33, 0.002), (36, 0.005), (39, 0.009), (42, 0.014), (45, 0.021))
    for wanted, delay in rounds:
        writer = start_writer(path, count=0)
        try:
            seen = read_until(writer, wanted)
            time.sleep(delay)
            os.kill(writer.pid, signal.SIGKILL)
            rest, _ = writer.communicate(timeout=10)
        finally:
            stop(writer)
        assert writer.returncode == -signal.SIGKILL
        reported += complete_lines(seen + rest)

    assert len(reported) >= sum(wanted for wanted, _ in rounds)
    with Inspection.open(path, PASSPHRASE) as reopened:
        missing = set(reported) - {note.id for note in reopened.notes()}
        assert not missing, f"{len(missing)} notes reported saved were lost"
        for note_id in reported:
            assert reopened.note(note_id).text.startswith("Meeting note")
        assert reopened.damaged == []
        report = reopened.verify()
        assert report.ok, report.problems


# -- two programs at once --------------------------------------------------------------------


def test_two_programs_saving_at_once_both_succeed_and_keep_every_note(inspection):
    path = closed_file(inspection)
    per_writer = 40
    # A short pause between saves, as a person makes, lets the waiting writer take its turn.
    writers = [start_writer(path, per_writer, wait=True, pause=0.002) for _ in range(2)]
    try:
        for writer in writers:
            assert read_until(writer, 1) == b"ready\n"
        for writer in writers:  # both start saving at the same moment
            writer.stdin.write(b"go\n")
            writer.stdin.flush()
        results = [writer.communicate(timeout=60) for writer in writers]
    finally:
        for writer in writers:
            stop(writer)

    saved: list[str] = []
    for writer, (out, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err.decode()
        ids = out.decode().split()
        assert len(ids) == per_writer
        saved += ids
    with Inspection.open(path, PASSPHRASE) as reopened:
        assert {note.id for note in reopened.notes()} == set(saved)
        report = reopened.verify()
        assert report.ok, report.problems
        audit = reopened.audit_log()
    # One audit entry per change: the file's creation (its details and its keys), then one
    # per saved note.
    assert len(audit) == 2 + 2 * per_writer
    notes_audited = [entry["id"] for entry in audit if entry.get("type") == "note"]
    assert Counter(notes_audited) == Counter(saved)
    assert all(entry.get("action") == "create" for entry in audit)
    # The saves really interleaved, so each writer appended after the other's entries.
    first = set(saved[:per_writer])
    turns = sum((a in first) != (b in first) for a, b in itertools.pairwise(notes_audited))
    assert turns >= 4, f"the two writers took only {turns} turns"


# -- a file open here while another program writes -------------------------------------------


def test_a_note_saved_by_another_program_appears_here_and_saving_still_works(inspection):
    mine = add_fixture_note(inspection)
    other = subprocess.run(
        [sys.executable, str(WRITER), str(inspection.path), "1"],
        capture_output=True, text=True, env=app_env(), timeout=60,
    )  # fmt: skip
    assert other.returncode == 0, other.stderr
    theirs = other.stdout.strip()

    assert inspection.refresh() is True
    assert {note.id for note in inspection.notes()} == {mine.id, theirs}
    assert inspection.note(theirs).text.startswith("Meeting note 1")

    later = add_fixture_note(inspection, title="Written after the other program")
    assert {note.id for note in inspection.notes()} == {mine.id, theirs, later.id}
    report = inspection.verify()
    assert report.ok, report.problems
    assert note_ids(inspection.path) == {mine.id, theirs, later.id}


def test_a_note_saved_elsewhere_while_this_window_saves_still_appears(inspection, tmp_path):
    # The other program commits after this window looked for changes and before its own save
    # takes the write lock: here, while the photo is being cleaned. The order is forced by a
    # plain SQLite lock the other program queues behind until this save has started.
    photo = tmp_path / "noticeboard.png"
    Image.radial_gradient("L").resize((4000, 3000)).convert("RGB").save(photo, compress_level=1)
    writer = start_writer(inspection.path, 1, wait=True)
    blocker = sqlite3.connect(
        inspection.path, isolation_level=None, timeout=0, check_same_thread=False
    )
    try:
        assert read_until(writer, 1) == b"ready\n"
        blocker.execute("BEGIN IMMEDIATE")  # the writer queues behind this lock
        writer.stdin.write(b"go\n")
        writer.stdin.flush()
        time.sleep(0.2)  # the writer is now waiting for the lock
        release = threading.Timer(0.05, blocker.execute, ("ROLLBACK",))
        release.start()
        mine = inspection.add_note(
            kind="visit", questions=["C"], outcomes=["wide-outcomes"], judgement="strength",
            text="Noticeboard in the sixth-form centre lists supported internships.",
            photos=[photo],
        )  # fmt: skip
        release.join(timeout=10)
        out, err = writer.communicate(timeout=60)
    finally:
        stop(writer)
        blocker.close()
    assert writer.returncode == 0, err.decode()
    [theirs] = out.decode().split()

    assert {note.id for note in inspection.notes()} == {mine.id, theirs}
    assert note_ids(inspection.path) == {mine.id, theirs}


# -- a read-only folder ----------------------------------------------------------------------


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@cache
def nobody_can_run_the_app() -> bool:
    """Whether the unprivileged user can start this interpreter and import the app.

    Not so when the interpreter lives under a folder only root may enter (a pyenv in /root).
    """
    try:
        done = subprocess.run(
            [sys.executable, "-c", "import inspector_app.cli"],
            user=NOBODY, group=NOBODY, extra_groups=[], cwd="/",
            capture_output=True, env=app_env(), timeout=60,
        )  # fmt: skip
    except PermissionError:
        return False
    return done.returncode == 0


def _cli_in_forked_child(args: list[str], out_fd: int, err_fd: int) -> None:
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    sys.stdout = open(1, "w", closefd=False)
    sys.stderr = open(2, "w", closefd=False)
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)
    os.environ.update(app_env())
    from inspector_app.cli import main

    raise SystemExit(main(args))


def run_cli_unprivileged(args: list[str], scratch: Path) -> Ran:
    """``inspector-app ARGS`` as a user whom permission bits bind (root ignores them)."""
    args = [str(a) for a in args]
    if os.geteuid() != 0:
        done = subprocess.run(
            [sys.executable, "-m", "inspector_app", *args],
            capture_output=True, text=True, env=app_env(), timeout=60,
        )  # fmt: skip
        return Ran(done.returncode, done.stdout, done.stderr)
    if nobody_can_run_the_app():
        done = subprocess.run(
            [sys.executable, "-m", "inspector_app", *args],
            user=NOBODY, group=NOBODY, extra_groups=[], cwd="/",
            capture_output=True, text=True, env=app_env(), timeout=60,
        )  # fmt: skip
        return Ran(done.returncode, done.stdout, done.stderr)
    # The interpreter is out of nobody's reach, so run the same entry point as
    # ``python -m inspector_app`` in a forked child that drops root: it has every module
    # loaded already and needs no file but the inspection's folder.
    import inspector_app.cli  # noqa: F401 - loaded before the fork, read as root

    frameworks.load()  # cached, so the child reads no resource file
    out_path, err_path = scratch / "stdout", scratch / "stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        child = multiprocessing.get_context("fork").Process(
            target=_cli_in_forked_child, args=(args, out.fileno(), err.fileno())
        )
        child.start()
        child.join(timeout=60)
        if child.is_alive():
            child.kill()
            child.join(timeout=10)
            pytest.fail(f"inspector-app {' '.join(args)} did not finish in 60 s")
    return Ran(child.exitcode, out_path.read_text(), err_path.read_text())


@pytest.fixture
def shared_folder():
    """A folder under /tmp that the unprivileged user can enter (tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(dir="/tmp", prefix="inspector-readonly-"))
    folder.chmod(0o755)
    yield folder
    folder.chmod(0o755)
    shutil.rmtree(folder, ignore_errors=True)


def test_creating_in_a_read_only_folder_says_so_and_leaves_no_file(
    shared_folder, cheap_kdf, tmp_path
):
    target = shared_folder / "northmoor.inspection"
    shared_folder.chmod(0o555)
    if os.geteuid() != 0:
        with pytest.raises((StorageError, InvalidInput)) as caught:
            Inspection.create(
                target, PASSPHRASE, area="Northmoor", inspector="Sam Lead", kdf=cheap_kdf
            )
        assert_sentence(caught.value)

    ran = run_cli_unprivileged(
        ["new", target, "--area", "Northmoor", "--inspector", "Sam Lead"], tmp_path
    )
    assert ran.returncode == 2, ran.stderr
    assert_one_sentence(ran.stderr)
    assert "read-only" in ran.stderr
    assert list(shared_folder.iterdir()) == []


def test_a_file_whose_folder_became_read_only_loses_nothing(shared_folder, cheap_kdf, tmp_path):
    path = shared_folder / "northmoor.inspection"
    inspection, _ = Inspection.create(
        path, PASSPHRASE, area="Northmoor", inspector="Sam Lead", kdf=cheap_kdf
    )
    earlier = {add_fixture_note(inspection).id, add_fixture_note(inspection, title="Two").id}
    inspection.close()
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)  # the file stays the user's; only the folder is locked
    shared_folder.chmod(0o555)

    ran = run_cli_unprivileged(
        ["add", path, *MEETING, "--text", "Saved while the folder was read-only."], tmp_path
    )
    assert ran.returncode == 2, ran.stderr
    assert_one_sentence(ran.stderr)
    assert "read-only" in ran.stderr
    assert ran.stdout == ""  # no id: nothing was reported saved

    # Once the folder can be written again, the same user saves as before.
    shared_folder.chmod(0o777)
    ran = run_cli_unprivileged(["add", path, *MEETING, "--text", "Saved later."], tmp_path)
    assert ran.returncode == 0, ran.stderr
    shared_folder.chmod(0o755)
    with Inspection.open(path, PASSPHRASE) as reopened:
        assert {note.id for note in reopened.notes()} == earlier | {ran.stdout.strip()}
        report = reopened.verify()
        assert report.ok, report.problems


# -- a full disk -----------------------------------------------------------------------------

_FULL_DISK = """
import resource, signal, sys
from inspector_app.cli import main

limit = int(sys.argv[2])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, it does not kill
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
text = "The local offer lists services that closed two years ago. " * 2500
args = ["add", sys.argv[1], "--kind", "document", "--question", "A", "--outcome",
        "wide-outcomes", "--judgement", "weakness", "--title", "Local offer", "--text", text]
raise SystemExit(main(args))
"""


def test_a_full_disk_saves_nothing_says_so_and_keeps_every_earlier_note(inspection):
    earlier = {add_fixture_note(inspection, title=f"Case {n}").id for n in range(3)}
    path = closed_file(inspection)
    limit = path.stat().st_size + 8 * 1024  # room to open the file, not for a 150,000-char note

    full = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, str(path), str(limit)],
        capture_output=True, text=True, env=app_env(), timeout=60,
    )  # fmt: skip
    assert full.returncode == 2, full.stderr
    assert_one_sentence(full.stderr)
    assert "disk is full" in full.stderr and "nothing was saved" in full.stderr
    assert full.stdout == ""

    with Inspection.open(path, PASSPHRASE) as reopened:
        assert {note.id for note in reopened.notes()} == earlier
        assert reopened.search("local offer closed") == []
        report = reopened.verify()
        assert report.ok, report.problems
        # With space again, saving works as before.
        again = add_fixture_note(reopened, title="After freeing space")
        assert reopened.verify().ok
    assert note_ids(path) == earlier | {again.id}


_FULL_DISK_NEW = """
import resource, signal, sys
from inspector_app.cli import main

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]),) * 2)
raise SystemExit(main(["new", sys.argv[1], "--area", "Northmoor", "--inspector", "Sam Lead"]))
"""


@pytest.mark.parametrize("room", [2048, 40 * 1024], ids=["2 KB free", "40 KB free"])
def test_a_new_file_on_a_full_disk_says_so_and_leaves_nothing_behind(tmp_path, room):
    target = tmp_path / "northmoor.inspection"
    full = subprocess.run(
        [sys.executable, "-c", _FULL_DISK_NEW, str(target), str(room)],
        capture_output=True, text=True, timeout=60,
        env={**app_env(), "INSPECTOR_APP_NEW_PASSPHRASE": PASSPHRASE},
    )  # fmt: skip
    assert full.returncode == 2, full.stderr
    assert_one_sentence(full.stderr)
    assert "disk is full" in full.stderr
    assert list(tmp_path.iterdir()) == []  # no file, and no journal of one either


class FullDiskConnection:
    """What SQLite does on a disk that fills as it makes the file's journal (a real tmpfs
    does): the journal begun, then an I/O error."""

    def __init__(self, path, **_kwargs):
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").write_bytes(b"\0" * 512)

    def execute(self, sql, *_args):
        raise sqlite3.OperationalError("disk I/O error")

    def close(self):
        pass


def test_a_new_file_sqlite_cannot_begin_leaves_no_journal(tmp_path, cheap_kdf, monkeypatch):
    monkeypatch.setattr(sqlite3, "connect", FullDiskConnection)
    with pytest.raises(StorageError, match="disk is full or failing, so nothing was saved"
                       ) as caught:
        Inspection.create(tmp_path / "northmoor.inspection", PASSPHRASE, area="Northmoor",
                          inspector="Sam Lead", kdf=cheap_kdf)
    assert_sentence(caught.value)
    assert list(tmp_path.iterdir()) == []  # the journal went with the file


def test_a_file_a_full_disk_cannot_open_says_so_not_that_nothing_was_saved(
    inspection, monkeypatch
):
    path = closed_file(inspection)
    monkeypatch.setattr(sqlite3, "connect", FullDiskConnection)
    with pytest.raises(StorageError) as caught:
        Inspection.open(path, PASSPHRASE)
    assert str(caught.value) == ("The disk is full or failing, so the inspection cannot be "
                                 "opened; free some space and try again.")


# -- existing, damaged and foreign files -----------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def checkpointed(inspection: Inspection) -> Path:
    """The closed file with everything in the main file, so its bytes are the whole story."""
    path = closed_file(inspection)
    with closing(sqlite3.connect(path)) as db:
        busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0
    Path(f"{path}-wal").unlink(missing_ok=True)
    return path


def test_creating_over_an_existing_file_is_refused_and_leaves_it_untouched(inspection, cheap_kdf):
    kept = add_fixture_note(inspection)
    path = checkpointed(inspection)
    before = sha256(path)
    with pytest.raises(InvalidInput, match="already exists") as caught:
        Inspection.create(
            path, "another passphrase", area="Elsewhere", inspector="Jo", kdf=cheap_kdf
        )
    assert_sentence(caught.value)
    assert sha256(path) == before
    assert note_ids(path) == {kept.id}


MAKE_AND_HANG = """
import sys, time
from pathlib import Path
from inspector_app.core import crypto
from inspector_app.core.store import Inspection

def hang(*args, **kwargs):  # the key derivation, where a new file spends most of its time
    print("deriving", flush=True)
    time.sleep(60)

crypto.derive_key = hang
Inspection.create(Path(sys.argv[1]), "correct horse battery", area="Northmoor",
                  inspector="Sam Lead")
"""


def test_a_new_file_killed_while_being_made_leaves_no_file_under_its_name(tmp_path):
    target = tmp_path / "northmoor.inspection"
    making = subprocess.Popen([sys.executable, "-c", MAKE_AND_HANG, str(target)],
                              stdout=subprocess.PIPE, text=True)
    assert making.stdout.readline() == "deriving\n"
    making.kill()
    making.wait()
    assert not target.exists()  # so `new` runs again, where it used to be refused
    left = list(tmp_path.iterdir())
    assert {p.name[:5] for p in left} == {".new-"}  # hidden, and removed once an hour old
    for part in left:
        os.utime(part, (time.time() - 7200,) * 2)
    made, _ = Inspection.create(target, PASSPHRASE, area="Northmoor", inspector="Sam Lead")
    made.close()
    Inspection.open(target, PASSPHRASE).close()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".new-")] == []


def test_a_truncated_file_is_reported_as_damaged_not_as_a_crash(inspection):
    for n in range(20):
        add_fixture_note(inspection, title=f"Case {n}", text="Plan issued late. " * 40)
    path = checkpointed(inspection)
    os.truncate(path, path.stat().st_size // 2)
    with pytest.raises(InspectorError) as caught:
        Inspection.open(path, PASSPHRASE)
    assert isinstance(caught.value, IntegrityError | NotAnInspectionFile)
    assert_sentence(caught.value)


@pytest.mark.parametrize(
    "content",
    [os.urandom(64 * 1024), ("Minutes of the SEND board meeting.\n" * 500).encode()],
    ids=["random-bytes", "text"],
)
def test_a_file_that_is_not_an_inspection_is_named_as_such(tmp_path, content):
    path = tmp_path / "notes.inspection"
    path.write_bytes(content)
    with pytest.raises(NotAnInspectionFile) as caught:
        Inspection.open(path, PASSPHRASE)
    assert_sentence(caught.value)
    assert path.read_bytes() == content


def test_an_empty_file_gives_a_clear_error_and_stays_empty(tmp_path):
    path = tmp_path / "empty.inspection"
    path.touch()
    with pytest.raises(InspectorError) as caught:
        Inspection.open(path, PASSPHRASE)
    assert_sentence(caught.value)
    assert path.stat().st_size == 0


def test_another_programs_database_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "budget.sqlite"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE budget (line TEXT, amount INTEGER)")
        db.execute("INSERT INTO budget VALUES ('Speech and language therapy', 120000)")
        db.commit()
    before = sha256(path)
    with pytest.raises(NotAnInspectionFile) as caught:
        Inspection.open(path, PASSPHRASE)
    assert_sentence(caught.value)
    assert sha256(path) == before, "opening someone else's database must not write to it"


def test_a_file_from_a_newer_version_asks_to_update_the_app(inspection):
    kept = add_fixture_note(inspection)
    path = closed_file(inspection)
    with closing(sqlite3.connect(path)) as db:
        db.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('inspector-app', 'm999_from_a_later_release', '2031-01-01')"
        )
        db.commit()
    with pytest.raises(NewerVersion, match="update the app") as caught:
        Inspection.open(path, PASSPHRASE)
    assert_sentence(caught.value)
    # Nothing was lost: the row is all that blocks it, and removing it opens the file again.
    with closing(sqlite3.connect(path)) as db:
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm999_from_a_later_release'")
        db.commit()
    assert note_ids(path) == {kept.id}
