"""Performance benchmarks for the budget in DESIGN.md ("Performance budget").

Every figure is a ratio against a baseline measured in the same run on the same machine, or an
absolute figure with its budget beside it, so a slow machine moves both sides of a ratio. Groups
of measurements are functions registered in ``GROUPS``; ``--only NAME`` runs one group.

    python bench/run.py                   # every group, as a table
    python bench/run.py --json --only store

The ``store`` group builds a 10,000-note inspection and measures saving, opening, searching and
memory against two peers measured in the same run: a plaintext SQLite file written with
sqlite-utils (the floor any SQLite app pays) and SQLCipher (the usual way to encrypt SQLite).
See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlcipher3
import sqlite_utils
from bundle import bench_bundle
from common import (
    GroupResult,
    Options,
    bulk_dir,
    filesystem,
    median,
    p95,
    rounded,
    status_mb,
    timed,
)
from corpus import QUERIES, NoteSpec, make_notes, make_photos
from gui import bench_gui
from report import bench_report

from inspector_app.core import crypto, framework
from inspector_app.core.crypto import KdfParams
from inspector_app.core.index import NoteFilter, fts_query
from inspector_app.core.store import PAGE, Inspection

PASSPHRASE = "correct horse battery staple"
CIPHER_KEY = "x'" + "2f" * 32 + "'"  # a raw SQLCipher key: no PBKDF2, like our KDF-free figure
RSS_CHILD_ENV = "INSPECTOR_BENCH_PASSPHRASE"

class KdfClock:
    """Times every ``crypto.derive_key`` call made while it is installed.

    ``Inspection.open`` runs Argon2id once (about 0.2 s, slow on purpose); the budget is for
    opening *after* the KDF, so the bench subtracts exactly the time spent inside it.
    """

    def __init__(self) -> None:
        self.calls: list[float] = []

    @contextmanager
    def installed(self) -> Iterator[KdfClock]:
        original = crypto.derive_key

        def clocked(passphrase: str, params: KdfParams) -> bytes:
            spent, key = timed(lambda: original(passphrase, params))
            self.calls.append(spent)
            return key

        crypto.derive_key = clocked  # type: ignore[assignment]
        try:
            yield self
        finally:
            crypto.derive_key = original  # type: ignore[assignment]


# -- the peers: plaintext SQLite and SQLCipher -------------------------------------------------

BASELINE_SCHEMA = """
CREATE TABLE notes (
    rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, kind TEXT, author TEXT, questions TEXT,
    outcomes TEXT, judgement TEXT, title TEXT, text TEXT, children TEXT, fields TEXT,
    attachments TEXT, revision INTEGER, created_at TEXT, updated_at TEXT
);
CREATE VIRTUAL TABLE notes_fts USING fts5(
    title, text, children, content='notes', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2'
);
"""
# The first page of best matches, as our search returns it (a list fetches more on scroll).
BASELINE_SEARCH = f"""
SELECT notes.* FROM notes JOIN notes_fts ON notes_fts.rowid = notes.rowid
WHERE notes_fts MATCH ? ORDER BY notes_fts.rank LIMIT {PAGE}
"""


def _pragmas(conn: Any) -> None:
    """The pragmas of ``records.connect``: WAL, synchronous=FULL, nothing temporary on disk."""
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA temp_store=MEMORY")


def connect_plain(path: Path) -> sqlite_utils.Database:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    _pragmas(conn)
    return sqlite_utils.Database(conn)


def connect_cipher(path: Path) -> sqlite_utils.Database:
    """SQLCipher with a raw 256-bit key, so no key derivation is timed (as for our figures)."""
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute(f'PRAGMA key = "{CIPHER_KEY}"')
    _pragmas(conn)
    return sqlite_utils.Database(conn)


def fill_baseline(db: sqlite_utils.Database, specs: Sequence[NoteSpec]) -> None:
    """The schema, then the bulk notes in one transaction (not timed)."""
    db.executescript(BASELINE_SCHEMA)
    stamp = _now()
    db["notes"].insert_all((spec.row(stamp) for spec in specs), batch_size=500)


def rebuild_fts(db: sqlite_utils.Database) -> None:
    db.execute("INSERT INTO notes_fts(notes_fts) VALUES ('rebuild')")


# -- building the inspection -------------------------------------------------------------------


def create_inspection(path: Path) -> Inspection:
    """A new file with the real KDF cost (64 MiB Argon2id), as users get."""
    inspection, _recovery = Inspection.create(
        path, PASSPHRASE, area="Northmoor", inspector="Sam Lead", kdf=KdfParams.fresh()
    )
    return inspection


def build_bulk(path: Path, specs: Sequence[NoteSpec]) -> list[float]:
    """Save the bulk notes one by one through ``add_note``; returns each save's seconds.

    Done in a tmpfs folder, where fsync costs nothing, so these are the CPU cost of a save.
    """
    inspection = create_inspection(path)
    try:
        return [timed(lambda s=spec: inspection.add_note(**s.kwargs))[0] for spec in specs]
    finally:
        inspection.close()


@dataclass
class SaveSamples:
    ours: list[float] = field(default_factory=list)
    plain: list[float] = field(default_factory=list)
    cipher: list[float] = field(default_factory=list)


def measure_saves(
    inspection: Inspection,
    plain: sqlite_utils.Database,
    cipher: sqlite_utils.Database,
    specs: Sequence[NoteSpec],
) -> SaveSamples:
    """One note saved three ways per step, in rotating order so drift hits all three alike.

    Ours is ``Inspection.add_note`` (validate, seal, write record + audit entry + audit head,
    commit, update the working set); the peers are one sqlite-utils ``insert`` of the same note
    as plaintext columns, one transaction each, plaintext file and SQLCipher file.
    """
    samples = SaveSamples()
    gc.collect()
    for step, spec in enumerate(specs):
        row = spec.row(_now())
        jobs: list[tuple[list[float], Callable[[], object]]] = [
            (samples.ours, lambda s=spec: inspection.add_note(**s.kwargs)),
            (samples.plain, lambda r=row: plain["notes"].insert(r)),
            (samples.cipher, lambda r=row: cipher["notes"].insert(r)),
        ]
        for offset in range(len(jobs)):
            sink, job = jobs[(step + offset) % len(jobs)]
            sink.append(timed(job)[0])
    return samples


def add_photos(inspection: Inspection, photos: Sequence[Path]) -> list[float]:
    """Attach each photo to a different note with ``add_photo``; returns seconds per photo."""
    targets = [note.id for note in inspection.notes()[: len(photos)]]
    return [
        timed(lambda n=note_id, p=photo: inspection.add_photo(n, p))[0]
        for note_id, photo in zip(targets, photos, strict=True)
    ]


# -- opening -----------------------------------------------------------------------------------


@dataclass
class OpenSamples:
    after_kdf: list[float] = field(default_factory=list)
    kdf: list[float] = field(default_factory=list)
    notes: int = 0


def measure_open(path: Path, repeats: int) -> OpenSamples:
    """``Inspection.open`` wall time minus the Argon2id time inside that same call."""
    samples = OpenSamples()
    for _ in range(repeats):
        clock = KdfClock()
        with clock.installed():
            spent, inspection = timed(lambda: Inspection.open(path, PASSPHRASE))
        samples.notes = inspection.index.count()
        inspection.close()
        samples.kdf.append(sum(clock.calls))
        samples.after_kdf.append(spent - sum(clock.calls))
    return samples


def measure_cipher_open(path: Path, repeats: int) -> tuple[list[float], int]:
    """SQLCipher: connect, key, pragmas, and every note row read into Python."""

    def open_and_read() -> int:
        db = connect_cipher(path)
        rows = db.execute("SELECT * FROM notes").fetchall()
        db.close()
        return len(rows)

    runs = [timed(open_and_read) for _ in range(repeats)]
    return [spent for spent, _ in runs], runs[-1][1]


# -- searching ---------------------------------------------------------------------------------


def plain_search(db: sqlite_utils.Database, query: str) -> list[tuple]:
    """FTS5 over a file, with the same MATCH expression and ranking our working set uses."""
    match = fts_query(query)
    return db.execute(BASELINE_SEARCH, [match]).fetchall() if match else []


@dataclass
class SearchSamples:
    ours: dict[str, list[float]] = field(default_factory=dict)
    plain: dict[str, list[float]] = field(default_factory=dict)
    cipher: dict[str, list[float]] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    mismatches: dict[str, tuple[int, int]] = field(default_factory=dict)

    def flat(self, engine: str) -> list[float]:
        return [s for runs in getattr(self, engine).values() for s in runs]

    def total_of_medians(self, engine: str) -> float:
        return sum(median(runs) for runs in getattr(self, engine).values())


def measure_search(
    inspection: Inspection,
    plain: sqlite_utils.Database,
    cipher: sqlite_utils.Database,
    queries: Sequence[str],
    rounds: int,
) -> SearchSamples:
    """Each query, each engine, ``rounds`` times after one untimed warm-up pass.

    The warm-up pass also checks that our search and plain FTS5 return the same number of notes.
    """
    samples = SearchSamples()
    for query in queries:
        ours, theirs = len(inspection.search(query)), len(plain_search(plain, query))
        plain_search(cipher, query)
        samples.hits[query] = inspection.count(NoteFilter(text=query))
        if ours != theirs:
            samples.mismatches[query] = (ours, theirs)
    engines = (
        (samples.ours, inspection.search),
        (samples.plain, lambda q: plain_search(plain, q)),
        (samples.cipher, lambda q: plain_search(cipher, q)),
    )
    for _ in range(rounds):
        for query in queries:
            for sink, run in engines:
                sink.setdefault(query, []).append(timed(lambda r=run, q=query: r(q))[0])
    return samples


# -- memory ------------------------------------------------------------------------------------


def rss_child(path: Path) -> None:
    """Run in a fresh process: open the file (KDF included) and run every query once."""
    before = status_mb("VmHWM")
    inspection = Inspection.open(path, os.environ[RSS_CHILD_ENV])
    for query in QUERIES:
        inspection.search(query)
    notes = inspection.index.count()
    inspection.close()
    print(json.dumps({"peak_rss_mb": status_mb("VmHWM"), "before_open_mb": before, "notes": notes}))


def measure_rss(path: Path) -> dict[str, float]:
    """Peak RSS of "using 10k notes", measured in a fresh interpreter, not the builder."""
    env = {**os.environ, RSS_CHILD_ENV: PASSPHRASE}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--rss-child", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the store group ---------------------------------------------------------------------------


@dataclass
class StoreRun:
    """Every sample the store group collects, before they become figures."""

    bulk: list[float]
    saves: SaveSamples
    photos: list[float]
    opened: OpenSamples
    cipher_open: list[float]
    cipher_rows: int
    search: SearchSamples
    rss: dict[str, float]
    folders: dict[str, str]


def bench_store(options: Options) -> GroupResult:
    """Save, open, search and memory with 10,000 notes, beside plaintext SQLite and SQLCipher."""
    specs = make_notes(framework.load(), options.notes, options.seed)
    bulk_count = options.notes - options.saves
    with (
        tempfile.TemporaryDirectory(prefix="bench-bulk-", dir=bulk_dir(options)) as bulk_tmp,
        tempfile.TemporaryDirectory(prefix="bench-disk-", dir=options.disk_dir) as disk_tmp,
    ):
        run = _run_store(specs, bulk_count, Path(bulk_tmp), Path(disk_tmp), options)
    return _store_result(run, options)


def _run_store(
    specs: Sequence[NoteSpec], bulk_count: int, bulk: Path, disk: Path, options: Options
) -> StoreRun:
    """Build in tmpfs, move to disk, time saves there, then open, search and measure memory."""
    bulk_file, disk_file = bulk / "bench.inspection", disk / "bench.inspection"
    bulk_times = build_bulk(bulk_file, specs[:bulk_count])
    shutil.copy2(bulk_file, disk_file)
    bulk_file.unlink()
    plain, cipher = connect_plain(disk / "plain.db"), connect_cipher(disk / "cipher.db")
    fill_baseline(plain, specs[:bulk_count])
    fill_baseline(cipher, specs[:bulk_count])
    inspection = Inspection.open(disk_file, PASSPHRASE)
    saves = measure_saves(inspection, plain, cipher, specs[bulk_count:])
    photos = add_photos(inspection, make_photos(disk, options.photos, options.seed))
    inspection.close()
    rebuild_fts(plain)
    rebuild_fts(cipher)
    opened = measure_open(disk_file, options.opens)
    cipher_open, cipher_rows = measure_cipher_open(disk / "cipher.db", options.opens)
    inspection = Inspection.open(disk_file, PASSPHRASE)
    search = measure_search(inspection, plain, cipher, QUERIES, options.rounds)
    inspection.close()
    plain.close()
    cipher.close()
    return StoreRun(
        bulk=bulk_times,
        saves=saves,
        photos=photos,
        opened=opened,
        cipher_open=cipher_open,
        cipher_rows=cipher_rows,
        search=search,
        rss=measure_rss(disk_file),
        folders={"bulk": filesystem(bulk), "disk": filesystem(disk)},
    )


STORE_BUDGET = {
    "save_ratio": 3.0,
    "save_p95_ms": 10.0,
    "open_10k_s": 1.0,
    "search_p95_ms": 20.0,
    "search_ratio": 1.0,
    "peak_rss_mb": 400.0,
}


def _store_result(run: StoreRun, options: Options) -> GroupResult:
    saves, search = run.saves, run.search
    figures = {
        "save_ratio": median(saves.ours) / median(saves.plain),
        "save_p95_ms": p95(saves.ours) * 1000,
        "open_10k_s": median(run.opened.after_kdf),
        "search_p95_ms": p95(search.flat("ours")) * 1000,
        "search_ratio": search.total_of_medians("ours") / search.total_of_medians("plain"),
        "peak_rss_mb": run.rss["peak_rss_mb"],
        "sqlcipher_save_ratio": median(saves.cipher) / median(saves.plain),
        "sqlcipher_open_10k_s": median(run.cipher_open),
        "sqlcipher_search_p95_ms": p95(search.flat("cipher")) * 1000,
    }
    return GroupResult(figures, STORE_BUDGET, _store_details(run, options))


def _store_details(run: StoreRun, options: Options) -> dict[str, Any]:
    saves, search = run.saves, run.search
    ms = 1000
    slowest = sorted(search.ours, key=lambda q: median(search.ours[q]), reverse=True)[:5]
    return {
        "notes_in_file": run.opened.notes,
        "sqlcipher_rows_read": run.cipher_rows,
        "save_samples": len(saves.ours),
        "save_median_ms": median(saves.ours) * ms,
        "plain_insert_median_ms": median(saves.plain) * ms,
        "plain_insert_p95_ms": p95(saves.plain) * ms,
        "sqlcipher_insert_median_ms": median(saves.cipher) * ms,
        "sqlcipher_insert_p95_ms": p95(saves.cipher) * ms,
        "save_tmpfs_median_ms": median(run.bulk) * ms,
        "save_tmpfs_p95_ms": p95(run.bulk) * ms,
        "bulk_build_s": sum(run.bulk),
        "photo_add_median_ms": median(run.photos) * ms if run.photos else 0.0,
        "kdf_median_s": median(run.opened.kdf),
        "open_with_kdf_s": median(
            [a + k for a, k in zip(run.opened.after_kdf, run.opened.kdf, strict=True)]
        ),
        "queries": len(search.hits),
        "search_samples": len(search.flat("ours")),
        "search_median_ms": median(search.flat("ours")) * ms,
        "plain_fts_p95_ms": p95(search.flat("plain")) * ms,
        "plain_fts_median_ms": median(search.flat("plain")) * ms,
        "sqlcipher_search_ratio": search.total_of_medians("cipher")
        / search.total_of_medians("plain"),
        "hits_median": median(list(search.hits.values())),
        "hits_max": max(search.hits.values()),
        "hit_count_mismatches": {q: list(v) for q, v in search.mismatches.items()},
        "slowest_queries_ms": {
            q: [round(median(search.ours[q]) * ms, 2), search.hits[q]] for q in slowest
        },
        "rss_before_open_mb": run.rss["before_open_mb"],
        "rss_child_notes": run.rss["notes"],
        "filesystems": run.folders,
        "kdf": "file made with the default Argon2id (64 MiB, 3 passes, 4 lanes); "
        "open_10k_s = Inspection.open minus the derive_key time inside it",
        "sqlcipher_key": "raw 256-bit key (no PBKDF2)",
        "seed": options.seed,
    }


# -- running and reporting ---------------------------------------------------------------------

GROUPS: dict[str, Callable[[Options], GroupResult]] = {
    "store": bench_store,
    "gui": bench_gui,
    "bundle": bench_bundle,
    "report": bench_report,
}


def run_groups(names: Sequence[str], options: Options) -> dict[str, Any]:
    """Run the groups and merge them into one object: figures, budget (upper limits),
    budget_min (lower limits, for higher-is-better figures), pass/fail, details."""
    figures: dict[str, float] = {}
    budget: dict[str, float] = {}
    budget_min: dict[str, float] = {}
    details: dict[str, Any] = {}
    for name in names:
        result = GROUPS[name](options)
        figures.update({k: rounded(v) for k, v in result.figures.items()})
        budget.update(result.budget)
        budget_min.update(result.budget_min)
        details[name] = _round_tree(result.details)
    within = {k: figures[k] <= limit for k, limit in budget.items()}
    within.update({k: figures[k] >= floor for k, floor in budget_min.items()})
    return {
        **figures,
        "budget": budget,
        "budget_min": budget_min,
        "within_budget": within,
        "all_within_budget": all(within.values()),
        "details": details,
        "machine": _machine(),
    }


def format_table(report: dict[str, Any]) -> str:
    """The budgeted figures with their SQLCipher peer, then every other figure and detail."""
    lines = [f"{'figure':<18}{'ours':>10}{'SQLCipher':>12}{'budget':>10}  result"]
    limits = [(name, "<=", limit) for name, limit in report["budget"].items()]
    limits += [(name, ">=", floor) for name, floor in report["budget_min"].items()]
    for name, sign, limit in limits:
        peer = report.get(f"sqlcipher_{name}")
        miss = "OVER BUDGET" if sign == "<=" else "BELOW BUDGET"
        verdict = "pass" if report["within_budget"][name] else miss
        peer_text = f"{peer:>12g}" if peer is not None else f"{'-':>12}"
        lines.append(
            f"{name:<18}{report[name]:>10g}{peer_text}{f'{sign} {limit:g}':>10}  {verdict}"
        )
    for group, details in report["details"].items():
        lines.append(f"\n[{group}]")
        lines += [f"  {key}: {value}" for key, value in details.items()]
    machine = ", ".join(f"{k}: {v}" for k, v in report["machine"].items())
    lines.append(f"\n{machine}")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--only", action="append", choices=sorted(GROUPS), help="run only this group (repeatable)"
    )
    parser.add_argument("--seed", type=int, default=Options.seed)
    parser.add_argument("--notes", type=int, default=Options.notes, help="notes in the file")
    parser.add_argument("--saves", type=int, default=Options.saves, help="timed saves")
    parser.add_argument("--rounds", type=int, default=Options.rounds, help="search rounds")
    parser.add_argument("--disk-dir", type=Path, help="folder for the timed saves (a real disk)")
    parser.add_argument("--bulk-dir", type=Path, help="folder for the bulk build (tmpfs)")
    parser.add_argument("--rss-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 0 < args.saves < args.notes:
        parser.error("--saves must be at least 1 and fewer than --notes")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.rss_child:
        rss_child(args.rss_child)
        return 0
    options = Options(
        seed=args.seed,
        notes=args.notes,
        saves=args.saves,
        rounds=args.rounds,
        disk_dir=args.disk_dir,
        bulk_dir=args.bulk_dir,
    )
    report = run_groups(args.only or list(GROUPS), options)
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else format_table(report))
    return 0


# -- small helpers -----------------------------------------------------------------------------


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _machine() -> dict[str, Any]:
    cipher = sqlcipher3.connect(":memory:")
    versions = cipher.execute("SELECT sqlite_version()").fetchone()[0]
    cipher_version = cipher.execute("PRAGMA cipher_version").fetchone()[0]
    cipher.close()
    return {
        "date": _now(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlcipher": f"{cipher_version} (SQLite {versions})",
    }


def _round_tree(value: Any) -> Any:
    if isinstance(value, float):
        return rounded(value)
    if isinstance(value, dict):
        return {k: _round_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_round_tree(v) for v in value]
    return value


if __name__ == "__main__":
    sys.exit(main())
