"""Shared fixtures: real files in tmp_path, cheap KDF costs injected for speed."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inspector_app.core import team
from inspector_app.core.crypto import KdfParams
from inspector_app.core.store import Inspection

PASSPHRASE = "correct horse battery"


def cli(
    *args: object,
    passphrase: str | None = PASSPHRASE,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    check: int | None = None,
) -> subprocess.CompletedProcess:
    """``inspector-app ARGS`` in a fresh interpreter, as a user runs it: the passphrase from
    its environment variable (none of this process's own), stdin closed, never a traceback;
    with ``check``, the exit code it must end with."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTOR_APP")}
    if passphrase is not None:
        environment["INSPECTOR_APP_PASSPHRASE"] = passphrase
    environment.update(env or {})
    result = subprocess.run(
        [sys.executable, "-m", "inspector_app", *map(str, args)],
        capture_output=True, text=True, env=environment, cwd=cwd, timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert "Traceback" not in result.stderr, result.stderr
    if check is not None:
        assert result.returncode == check, f"{args}: {result.stdout}{result.stderr}"
    return result


@pytest.fixture
def cheap_kdf() -> KdfParams:
    return KdfParams.fresh(memory_cost=1024, iterations=1, lanes=1)


@pytest.fixture
def make_inspection(tmp_path: Path, cheap_kdf: KdfParams):
    """A factory for new unlocked inspections; each is closed at teardown."""
    opened: list[Inspection] = []

    def make(name: str = "northmoor.inspection", **details) -> Inspection:
        details = {"area": "Northmoor", "inspector": "Sam Lead", **details}
        inspection, recovery_key = Inspection.create(
            tmp_path / name, PASSPHRASE, kdf=cheap_kdf, **details
        )
        inspection.recovery_key = recovery_key  # for tests only
        opened.append(inspection)
        return inspection

    yield make
    for inspection in opened:
        inspection.close()


@pytest.fixture
def inspection(make_inspection) -> Inspection:
    return make_inspection()


@pytest.fixture
def pair(make_inspection, tmp_path: Path, cheap_kdf: KdfParams):
    """A lead and a member who joined with the lead's card and whose card is on the roster."""
    lead = make_inspection("lead.inspection")
    team.write_card(lead, tmp_path / "lead.card")
    member, _ = team.join(
        tmp_path / "mo.inspection", tmp_path / "lead.card", "Mo Member", PASSPHRASE, kdf=cheap_kdf
    )
    team.write_card(member, tmp_path / "mo.card")
    team.add_member(lead, tmp_path / "mo.card")
    yield lead, member
    member.close()


# DOMAIN.md's first fictional fixture: Child A's EHC plan, final in week 27.
FIXTURE_ONE = dict(
    kind="case-review",
    questions=["B"],
    outcomes=["statutory-timescales"],
    judgement="development",
    title="EHC plan timeliness",
    text="Request received week 0, final plan issued week 27; no health advice on file.",
    children=["Child A"],
    fields={
        "age_band": "6–10",
        "support_level": "EHC plan",
        "ehc_request": "2024-01-08",
        "ehc_final": "2024-07-15",
    },
)


def add_fixture_note(inspection: Inspection, **overrides):
    """Fixture 1 of DOMAIN.md unless overridden."""
    return inspection.add_note(**{**FIXTURE_ONE, **overrides})


def british_day(stamp: str) -> str:
    """A stored time as the draft gives its day: "4 Dec 2026", on this computer's clock."""
    day = dt.datetime.fromisoformat(stamp).astimezone().date()
    return f"{day.day} {day:%b %Y}"
