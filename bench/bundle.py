"""The ``bundle`` group: how fast a team member's sync bundle is written and read, and how
import memory grows with the bundle.

A lead file and a member file are set up as a team (the lead's card joins the member, the
member's card goes on the lead's roster). The member holds the notes and photos; it exports a
bundle to the lead, and the bundle is imported into a fresh copy of the lead's file.

- ``export_ratio``: ``bundle.export_bundle`` throughput (bundle bytes per second) ÷ the
  throughput of the cost floor for writing that many bytes: ``crypto.seal_chunks`` over the
  same number of bytes, in 64 KiB pieces, written with the bundle's length-prefix framing and
  fsynced. Higher is better; 1 would mean the export costs no more than sealing and writing.
- ``import_ratio``: ``bundle.import_bundle`` throughput into a fresh copy of the lead's file ÷
  the throughput of the floor for the same bytes coming in: reading the floor file back,
  opening it with ``crypto.open_chunks`` and writing what it holds (fsynced), as the budget
  says ("raw AEAD plus write"). The open-only floor is in the details.
- ``rss_growth_4x``: peak resident memory of a fresh process importing a bundle four times
  larger (four times the notes and photos) ÷ the same for the base bundle. A streaming import
  stays near 1; an import that holds the bundle (or the notes) in memory approaches 4. The
  import leaves the working set to be read when the notes are next asked for; that read, as
  the app's next view makes it, is timed and measured apart in the details.

Both throughput ratios come from the same run on the same machine, timed in the same folder
(``--disk-dir``, a real disk by default), median of ``ROUNDS`` rounds. Files are built in
``--bulk-dir`` (tmpfs) with a cheap key derivation: Argon2id is not what is measured here.
See bench/README.md for the figures and what they mean.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from common import GroupResult, Options, bulk_dir, filesystem, median, status_mb
from corpus import NoteSpec, make_notes, make_photos

from inspector_app.core import bundle as sync
from inspector_app.core import crypto, framework, team
from inspector_app.core.crypto import KdfParams
from inspector_app.core.records import connect
from inspector_app.core.store import Inspection

T = TypeVar("T")

PASSPHRASE = "correct horse battery staple"
ROUNDS = 3  # timed export and import rounds; the figures are medians
GROWTH = 4  # the large bundle has this many times the notes and photos
NOTES_PER_PHOTO = 50  # 10,000 notes carry 200 photos; --notes 1000 gives a smoke run with 20
PIECE = 64 * 1024  # the floor is fed in pieces of this size
MB = 1024 * 1024
BUDGET = {"rss_growth_4x": 1.5}
BUDGET_MIN = {"export_ratio": 0.5, "import_ratio": 0.5}  # higher is better: lower limits


def cheap_kdf() -> KdfParams:
    """A 1 MiB, one-pass Argon2id: fast to build and open; the KDF is measured elsewhere."""
    return KdfParams.fresh(memory_cost=1024, iterations=1, lanes=1)


@dataclass
class Clocked:
    """Wall-clock and CPU seconds of one call, so waiting on the disk shows as their gap."""

    wall: float
    cpu: float


def clocked(fn: Callable[[], T]) -> tuple[Clocked, T]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return Clocked(time.perf_counter() - wall, time.process_time() - cpu), result


# -- building the team -------------------------------------------------------------------------


def build_team(folder: Path) -> tuple[Path, Inspection]:
    """A lead file (closed, its roster holding the member) and the member's open file."""
    lead_path = folder / "lead.inspection"
    lead, _ = Inspection.create(
        lead_path, PASSPHRASE, area="Northmoor", inspector="Sam Lead", kdf=cheap_kdf()
    )
    team.write_card(lead, folder / "lead.card")
    member, _ = team.join(
        folder / "member.inspection", folder / "lead.card", "Alex Member", PASSPHRASE, cheap_kdf()
    )
    team.write_card(member, folder / "member.card")
    team.add_member(lead, folder / "member.card")
    lead.close()
    return lead_path, member


@dataclass
class Built:
    """Seconds spent putting notes and photos into the member's file."""

    notes: float = 0.0
    photos: float = 0.0


def fill(member: Inspection, specs: Sequence[NoteSpec], photos: Sequence[Path]) -> Built:
    """Save the notes with ``add_note``, then attach each photo to its own note, spread out."""
    built = Built()
    start = time.perf_counter()
    notes = [member.add_note(**spec.kwargs) for spec in specs]
    built.notes = time.perf_counter() - start
    step = max(1, len(notes) // max(1, len(photos)))
    start = time.perf_counter()
    for note, photo in zip(notes[::step], photos, strict=False):
        member.add_photo(note.id, photo)
    built.photos = time.perf_counter() - start
    return built


# -- the floor: seal and write, read and open, the same number of bytes -------------------------


def plaintext(size: int, pool: Sequence[bytes]) -> Iterator[bytes]:
    """``size`` bytes as 64 KiB pieces drawn from a pool of random pieces (AES-GCM's cost does
    not depend on the content, so a pool keeps the set-up cheap and out of the timing)."""
    sent, index = 0, 0
    while sent < size:
        piece = pool[index % len(pool)][: size - sent]
        index += 1
        sent += len(piece)
        yield piece


def floor_export(path: Path, size: int, key: bytes, ad: bytes, pool: Sequence[bytes]) -> None:
    """``crypto.seal_chunks`` over ``size`` bytes, written with the bundle's framing, fsynced."""
    with open(path, "wb") as handle:
        for chunk in crypto.seal_chunks(key, plaintext(size, pool), ad):
            handle.write(struct.pack(">I", len(chunk)) + chunk)
        handle.flush()
        os.fsync(handle.fileno())


def floor_import(path: Path, key: bytes, ad: bytes, sink: Path | None = None) -> int:
    """Read the floor file back and open it with ``crypto.open_chunks``; returns the bytes.

    With ``sink`` the opened bytes are also written there and fsynced: the floor of an import
    that has to keep what it read (a detail figure, not the budgeted baseline).
    """

    def sealed(handle: Any) -> Iterator[bytes]:
        while prefix := handle.read(4):
            (length,) = struct.unpack(">I", prefix)
            yield handle.read(length)

    total = 0
    with open(path, "rb") as handle, open(sink or os.devnull, "wb") as out:
        for piece in crypto.open_chunks(key, sealed(handle), ad):
            total += len(piece)
            if sink is not None:
                out.write(piece)
        if sink is not None:
            out.flush()
            os.fsync(out.fileno())
    return total


# -- the storage the app must use: SQLite reads and writes of the same rows --------------------


Rows = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


def stored_rows(member: Inspection) -> Rows:
    """The member's synced record rows and photo chunk rows, sealed as they are on disk."""
    conn = member.file.db.conn
    marks = ",".join("?" * len(sync.SYNCED))
    records = conn.execute(
        f"SELECT type, id, revision, body FROM records WHERE type IN ({marks})", sync.SYNCED
    ).fetchall()
    chunks = conn.execute("SELECT attachment_id, variant, seq, body FROM chunks").fetchall()
    return records, chunks


def store_read(member: Inspection) -> int:
    """Read the bodies an export reads, through the member's own connection, without opening
    them: the least any export from an SQLite file costs before it seals anything."""
    records, chunks = stored_rows(member)
    return sum(len(row[3]) for row in records) + sum(len(row[3]) for row in chunks)


def store_write(path: Path, rows: Rows) -> None:
    """Write already-sealed rows into ``path`` in one transaction, with the app's connection
    settings (WAL, synchronous=FULL): the least any import into an SQLite file costs after
    it has opened the bundle."""
    db = connect(path, create=False)
    try:
        conn = db.conn
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT OR REPLACE INTO records (type, id, revision, body) VALUES (?, ?, ?, ?)",
            rows[0],
        )
        conn.executemany(
            "INSERT INTO chunks (attachment_id, variant, seq, body) VALUES (?, ?, ?, ?)", rows[1]
        )
        conn.execute("COMMIT")
    finally:
        db.conn.close()


# -- timed rounds ------------------------------------------------------------------------------


@dataclass
class Rounds:
    """Every timed sample of the export/import rounds."""

    sizes: list[int] = field(default_factory=list)
    export: list[Clocked] = field(default_factory=list)
    floor_export: list[Clocked] = field(default_factory=list)
    imported: list[Clocked] = field(default_factory=list)
    floor_import: list[Clocked] = field(default_factory=list)
    floor_import_write: list[Clocked] = field(default_factory=list)
    store_read: list[Clocked] = field(default_factory=list)
    store_write: list[Clocked] = field(default_factory=list)
    reimported: list[Clocked] = field(default_factory=list)
    result: str = ""

    def seconds(self, samples: list[Clocked]) -> float:
        return median([s.wall for s in samples])

    def mb_s(self, samples: list[Clocked]) -> float:
        """Median throughput in MiB/s: the median bundle size over the median seconds."""
        return median(self.sizes) / MB / median([s.wall for s in samples])


def run_rounds(
    member: Inspection, lead: Path, disk: Path, counts: tuple[int, int], seed: int
) -> tuple[Rounds, Path]:
    """Per round: our export, the floor export of as many bytes, the floor import (and once
    more writing what it opened), SQLite reading the member's sealed rows and writing them
    into a fresh copy of the lead's file, then our import into another fresh copy, and a
    second bundle of the same, unchanged, imported on top (the next evening's import).
    Returns the samples and the last round's bundle (kept for the memory measurement)."""
    rows = stored_rows(member)
    rng = random.Random(seed)
    pool = [rng.randbytes(PIECE) for _ in range(16)]
    key, ad = crypto.new_key(), crypto.bind("bench-floor")
    rounds = Rounds()
    out, floor, sink = disk / "base.bundle", disk / "floor.bin", disk / "floor.plain"
    again = disk / "again.bundle"
    for index in range(ROUNDS):
        out.unlink(missing_ok=True)
        copy = disk / f"lead-{index}.inspection"
        spent, _ = clocked(lambda: sync.export_bundle(member, out))
        size = out.stat().st_size
        rounds.sizes.append(size)
        rounds.export.append(spent)
        rounds.floor_export.append(clocked(lambda n=size: floor_export(floor, n, key, ad, pool))[0])
        spent, opened = clocked(lambda: floor_import(floor, key, ad))
        if opened != size:
            raise RuntimeError(f"the floor opened {opened} bytes, not {size}")
        rounds.floor_import.append(spent)
        rounds.floor_import_write.append(clocked(lambda: floor_import(floor, key, ad, sink))[0])
        sink.unlink()
        floor.unlink()
        rounds.store_read.append(clocked(lambda: store_read(member))[0])
        shutil.copy(lead, copy)
        rounds.store_write.append(clocked(lambda c=copy: store_write(c, rows))[0])
        remove_database(copy)
        shutil.copy(lead, copy)
        target = Inspection.open(copy, PASSPHRASE)
        try:
            spent, result = clocked(lambda t=target: sync.import_bundle(t, out))
            _check_import(result, counts)
            rounds.imported.append(spent)
            rounds.result = result.describe()
            # The next evening's bundle: everything again, nothing changed since.
            sync.export_bundle(member, again)
            spent, result = clocked(lambda t=target: sync.import_bundle(t, again))
            if result.new or result.updated or result.photos:
                raise RuntimeError(f"the bundle sent again brought {result.describe()}")
            rounds.reimported.append(spent)
            again.unlink()
        finally:
            target.close()
        remove_database(copy)
    return rounds, out


def _check_import(result: sync.ImportResult, counts: tuple[int, int]) -> None:
    """Every note and photo of the member arrived, or the timing means nothing."""
    if (result.new, result.photos) != counts:
        raise RuntimeError(f"the import brought {result.describe()}, expected {counts}")


# -- memory: importing in a fresh process ------------------------------------------------------


def remove_database(path: Path) -> None:
    """A closed SQLite file and whatever WAL files it left."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def import_child(lead: Path, bundle_path: Path) -> dict[str, Any]:
    """Run in a fresh process: open the lead's copy, import the bundle, report memory.

    ``import_bundle`` streams the bundle into the file and leaves the working set to be read
    when the notes are next asked for. That read (every note, into in-memory SQLite) follows
    here as the app's next view would do it, and its time and memory are reported apart.
    """
    before = status_mb("VmHWM")
    inspection = Inspection.open(lead, PASSPHRASE)
    opened = status_mb("VmHWM")
    spent, result = clocked(lambda: sync.import_bundle(inspection, bundle_path))
    imported = {"peak_rss_mb": status_mb("VmHWM"), "rss_after_mb": status_mb("VmRSS")}
    read, notes = clocked(inspection.count)
    report = {
        **imported,
        "before_open_mb": before,
        "after_open_mb": opened,
        "peak_with_working_set_mb": status_mb("VmHWM"),
        "rss_with_working_set_mb": status_mb("VmRSS"),
        "import_s": spent.wall,
        "working_set_s": read.wall,
        "notes": notes,
        "photos": result.photos,
    }
    inspection.close()
    return report


def measure_import_rss(lead: Path, bundle_path: Path, folder: Path) -> dict[str, Any]:
    """Peak RSS of a fresh interpreter importing ``bundle_path`` into a copy of ``lead``."""
    copy = folder / "lead-rss.inspection"
    shutil.copy(lead, copy)
    try:
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), str(copy), str(bundle_path)],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        remove_database(copy)
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the group ---------------------------------------------------------------------------------


@dataclass
class BundleRun:
    """Every sample the bundle group collects, before they become figures."""

    notes: int
    photos: int
    rounds: Rounds
    built: Built
    grown: Built
    photo_making_s: float
    export_4x: Clocked
    size_4x: int
    rss: dict[str, Any]
    rss_4x: dict[str, Any]


def bench_bundle(options: Options) -> GroupResult:
    """Export and import a 10,000-note, 200-photo bundle against the seal-and-write floor, and
    compare the memory of importing it with that of a bundle four times larger."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-bundle-", dir=bulk_dir(options)) as bulk_tmp,
        tempfile.TemporaryDirectory(prefix="bench-bundle-", dir=options.disk_dir) as disk_tmp,
    ):
        run = _run_bundle(Path(bulk_tmp), Path(disk_tmp), options)
        folders = {"bulk": filesystem(Path(bulk_tmp)), "disk": filesystem(Path(disk_tmp))}
    return _bundle_result(run, options, folders)


def _run_bundle(bulk: Path, disk: Path, options: Options) -> BundleRun:
    """Build the base member, time the rounds, measure the base import's memory; then grow the
    same member to four times the notes and photos and measure that import's memory."""
    notes = options.notes
    photos = max(1, round(notes / NOTES_PER_PHOTO))
    specs = make_notes(framework.load(), notes * GROWTH, options.seed)
    start = time.perf_counter()
    pictures = make_photos(bulk, photos, options.seed)
    photo_making = time.perf_counter() - start
    lead, member = build_team(bulk)
    try:
        built = fill(member, specs[:notes], pictures)
        rounds, base_bundle = run_rounds(member, lead, disk, (notes, photos), options.seed)
        rss = measure_import_rss(lead, base_bundle, bulk)
        base_bundle.unlink()
        # The same photo files again: each attach cleans and seals the image anew as its own
        # attachment, so the large bundle carries four times the photo bytes (nothing in the
        # app de-duplicates photos) without four times the cost of drawing them.
        grown = fill(member, specs[notes:], pictures * (GROWTH - 1))
        large = bulk / "large.bundle"
        export_4x, _ = clocked(lambda: sync.export_bundle(member, large))
    finally:
        member.close()
    rss_4x = measure_import_rss(lead, large, bulk)
    expected = (notes * GROWTH, photos * GROWTH)
    if (rss_4x["notes"], rss_4x["photos"]) != expected:
        raise RuntimeError(f"the large import brought {rss_4x}, expected {expected}")
    return BundleRun(
        notes=notes,
        photos=photos,
        rounds=rounds,
        built=built,
        grown=grown,
        photo_making_s=photo_making,
        export_4x=export_4x,
        size_4x=large.stat().st_size,
        rss=rss,
        rss_4x=rss_4x,
    )


def _bundle_result(run: BundleRun, options: Options, folders: dict[str, str]) -> GroupResult:
    rounds = run.rounds
    figures = {
        "export_ratio": rounds.mb_s(rounds.export) / rounds.mb_s(rounds.floor_export),
        "import_ratio": rounds.mb_s(rounds.imported) / rounds.mb_s(rounds.floor_import_write),
        "rss_growth_4x": run.rss_4x["peak_rss_mb"] / run.rss["peak_rss_mb"],
    }
    details = {
        "notes": run.notes,
        "photos": run.photos,
        "rounds": ROUNDS,
        "bundle_mb": median(rounds.sizes) / MB,
        "bundle_4x_mb": run.size_4x / MB,
        "export_s": _seconds(rounds.export),
        "export_mb_s": rounds.mb_s(rounds.export),
        "floor_export_s": _seconds(rounds.floor_export),
        "floor_export_mb_s": rounds.mb_s(rounds.floor_export),
        "import_s": _seconds(rounds.imported),
        "import_mb_s": rounds.mb_s(rounds.imported),
        "floor_import_s": _seconds(rounds.floor_import),
        "floor_import_mb_s": rounds.mb_s(rounds.floor_import),
        "floor_import_write_mb_s": rounds.mb_s(rounds.floor_import_write),
        "import_ratio_vs_open_only": rounds.mb_s(rounds.imported)
        / rounds.mb_s(rounds.floor_import),
        "reimport_s": _seconds(rounds.reimported),
        "store_read_s": _seconds(rounds.store_read),
        "store_write_s": _seconds(rounds.store_write),
        # The best each ratio could be if the work were nothing but the storage it cannot
        # avoid: an export that read its rows from SQLite and then sealed and wrote (the
        # floor); an import that read and opened the bundle (open-only floor) and wrote its
        # rows through SQLite.
        "export_ratio_ceiling": rounds.seconds(rounds.floor_export)
        / (rounds.seconds(rounds.floor_export) + rounds.seconds(rounds.store_read)),
        "import_ratio_ceiling": rounds.seconds(rounds.floor_import_write)
        / (rounds.seconds(rounds.floor_import) + rounds.seconds(rounds.store_write)),
        "import_result": rounds.result,
        "export_4x_s": run.export_4x.wall,
        "import_4x_s": run.rss_4x["import_s"],
        "import_base_child_s": run.rss["import_s"],
        "rss_base": run.rss,
        "rss_4x": run.rss_4x,
        "rss_growth_4x_after_import": run.rss_4x["rss_after_mb"] / run.rss["rss_after_mb"],
        "rss_growth_4x_with_working_set": run.rss_4x["peak_with_working_set_mb"]
        / run.rss["peak_with_working_set_mb"],
        "working_set_s": run.rss["working_set_s"],
        "working_set_4x_s": run.rss_4x["working_set_s"],
        "build_s": {
            "photos_drawn": run.photo_making_s,
            "base_notes": run.built.notes,
            "base_photos": run.built.photos,
            "growth_notes": run.grown.notes,
            "growth_photos": run.grown.photos,
        },
        "folders": folders,
        "floor": f"crypto.seal_chunks over the bundle's byte count in {PIECE // 1024} KiB "
        "pieces, length-prefixed, fsynced; read back and crypto.open_chunks",
        "store": "the member's sealed record and chunk rows read through its connection; "
        "the same rows written into a fresh copy of the lead's file in one transaction",
        "large_bundle": f"{GROWTH}x the notes; the same photo files attached {GROWTH}x "
        "(each a distinct attachment)",
        "kdf": "files built with a 1 MiB, 1-pass Argon2id (not what is measured)",
        "seed": options.seed,
    }
    return GroupResult(figures, BUDGET, details, budget_min=BUDGET_MIN)


def _seconds(samples: Sequence[Clocked]) -> dict[str, float]:
    """The median wall time and the CPU time of that same median round."""
    ordered = sorted(samples, key=lambda s: s.wall)
    middle = ordered[(len(ordered) - 1) // 2]
    return {"median": median([s.wall for s in samples]), "cpu_of_median": middle.cpu}


if __name__ == "__main__":
    # The child of ``measure_import_rss``: bench/bundle.py LEAD_COPY BUNDLE
    print(json.dumps(import_child(Path(sys.argv[1]), Path(sys.argv[2]))))
