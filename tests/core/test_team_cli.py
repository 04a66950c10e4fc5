"""A team of three through the command line, as the inspectors would type it.

Sam leads; Ali and Jo join with Sam's inspection card and hand back their member cards. Each
command is a separate process with the real key derivation, so this also checks that every
step leaves a file the next command can open.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from inspector_app.core import bundle
from tests.conftest import cli

FINGERPRINT = re.compile(r"\b[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}\b")
TAGS = ["--kind", "meeting", "--question", "A", "--outcome", "identification",
        "--judgement", "development"]  # fmt: skip


def run(*args: object, code: int = 0) -> subprocess.CompletedProcess:
    """A command that must end with ``code`` (0 unless said)."""
    return cli(*args, check=code)


def fingerprints(text: str) -> list[str]:
    return FINGERPRINT.findall(text)


def notes(path: Path) -> dict[str, dict[str, Any]]:
    return {n["id"]: n for n in json.loads(run("list", path, "--json").stdout)}


def shown(path: Path, note_id: str) -> dict[str, Any]:
    [note] = json.loads(run("show", path, note_id, "--json").stdout)
    return note


@pytest.mark.slow
def test_a_team_of_three_syncs_through_the_command_line(tmp_path):
    lead, ali, jo = (tmp_path / f"{name}.inspection" for name in ("sam", "ali", "jo"))
    inspection_card = tmp_path / "inspection.card"

    # -- cards and the roster ------------------------------------------------------------------
    run("new", lead, "--area", "Northmoor", "--inspector", "Sam Lead")
    out = run("card", lead, "--out", inspection_card).stdout
    assert out.startswith("Inspection card written")
    [lead_print] = fingerprints(out)
    for path, name in ((ali, "Ali Member"), (jo, "Jo Member")):
        out = run("join", path, "--card", inspection_card, "--inspector", name).stdout
        assert "led by Sam Lead" in out and lead_print in out  # the lead's, to read aloud
    member_prints = {}
    for path in (ali, jo):
        out = run("card", path, "--out", path.with_suffix(".card")).stdout
        assert out.startswith("Member card written")
        [member_prints[path]] = fingerprints(out)
    assert len({lead_print, *member_prints.values()}) == 3
    for path, name in ((ali, "Ali Member"), (jo, "Jo Member")):
        out = run("team", "add", lead, path.with_suffix(".card")).stdout
        assert f"{name} is on the roster" in out
        assert fingerprints(out) == [member_prints[path]]  # what the member read out

    # -- members' notes reach the lead -----------------------------------------------------------
    ali_note = run("add", ali, *TAGS, "--text", "Parents describe long waits.").stdout.strip()
    jo_note = run(
        "add", jo, *TAGS, "--text", "Child B waited a year.", "--child", "Child B"
    ).stdout.strip()
    jo_mistake = run("add", jo, *TAGS, "--text", "Wrong school visited.").stdout.strip()
    run("child", "add", jo, "--ref", "Child B", "--name", "Robin Realname")
    for path in (ali, jo):
        out = run("bundle", "export", path, "--out", path.with_suffix(".1.bundle")).stdout
        assert out.startswith("Bundle #1 written") and out.rstrip().endswith("for Sam Lead.")
    out = run(
        "bundle", "import", lead, ali.with_suffix(".1.bundle"), jo.with_suffix(".1.bundle")
    ).stdout
    assert "from Ali Member" in out and "from Jo Member" in out
    at_lead = notes(lead)
    assert {k: v["author"] for k, v in at_lead.items()} == {
        ali_note: "Ali Member",
        jo_note: "Jo Member",
        jo_mistake: "Jo Member",
    }
    assert at_lead[jo_note]["children"] == ["Child B"]
    register = run("child", "list", lead, "--reveal").stdout
    assert "Child B" in register and "Robin Realname" not in register

    # -- the same note edited by the lead and by Ali: a conflict, never overwritten --------------
    run("edit", lead, ali_note[:8], "--text", "Sam: waits of nine months, per the log.")
    run("edit", ali, ali_note[:8], "--text", "Ali: waits of seven months, per parents.")
    run("bundle", "export", ali, "--out", ali.with_suffix(".2.bundle"))
    out = run("bundle", "import", lead, ali.with_suffix(".2.bundle")).stdout
    assert "1 in conflict" in out and f"in conflict: {ali_note}" in out
    note = shown(lead, ali_note)
    assert note["conflict"] is True
    versions = {v["by"]: v for v in note["versions"]}
    assert len(note["versions"]) == 2 and set(versions) == {"Sam Lead", "Ali Member"}
    assert versions["Ali Member"]["text"] == "Ali: waits of seven months, per parents."
    assert versions["Sam Lead"]["text"] == "Sam: waits of nine months, per the log."
    shorts = [v["version"][:8] for v in note["versions"]]
    text = run("show", lead, ali_note[:8]).stdout
    assert "IN CONFLICT" in text and all(s in text for s in shorts)
    listed = [line for line in run("list", lead).stdout.splitlines() if "IN CONFLICT" in line]
    assert [line[:8] for line in listed] == [ali_note[:8]]  # the list marks it too
    # Each version shows what it says where they differ, so the one to keep can be chosen.
    for version in note["versions"]:
        block = text[text.index(version["version"][:8]):]
        assert block.splitlines()[1].strip() == f"text: {version['text']}"
    for refused in (
        run("edit", lead, ali_note[:8], "--text", "Overwrite", code=2),
        run("delete", lead, ali_note[:8], code=2),
    ):
        assert all(s in refused.stderr for s in shorts) and "resolve" in refused.stderr
        assert refused.stderr.count("\n") == 1
    keep = versions["Sam Lead"]["version"][:8]
    for wrong in ("", keep[:3]):  # a version is named by four characters or more
        refused = run("resolve", lead, ali_note[:8], "--keep", wrong, code=2).stderr
        assert "give at least four characters of one of" in refused
        assert all(s in refused for s in shorts)
    out = run("resolve", lead, ali_note[:8].upper(), "--keep", keep.upper()).stdout
    assert out == f"Kept version {keep} of {ali_note} (by Sam Lead); the conflict is resolved.\n"
    refused = run("resolve", lead, ali_note[:8], "--keep", keep, code=2).stderr
    assert f"The note {ali_note[:8]} is not in conflict; there is nothing to resolve." in refused
    note = shown(lead, ali_note)
    assert note["conflict"] is False and "versions" not in note
    assert note["text"] == "Sam: waits of nine months, per the log."

    # -- the lead's evening bundle goes back to both members --------------------------------------
    team_bundle = tmp_path / "sam-team.bundle"
    out = run("bundle", "export", lead, "--out", team_bundle, "--to-team").stdout
    assert "Ali Member" in out and "Jo Member" in out
    for path in (ali, jo):
        run("bundle", "import", path, team_bundle)
    for path in (ali, jo):
        seen = notes(path)
        assert set(seen) == {ali_note, jo_note, jo_mistake}
        assert seen[ali_note]["text"] == "Sam: waits of nine months, per the log."
        assert seen[ali_note]["conflict"] is False
        assert seen[jo_note]["author"] == "Jo Member"
    roster = run("team", "list", lead).stdout
    ali_line = next(line for line in roster.splitlines() if "Ali Member" in line)
    jo_line = next(line for line in roster.splitlines() if "Jo Member" in line)
    assert member_prints[ali] in ali_line and "last bundle #2" in ali_line
    assert member_prints[jo] in jo_line and "last bundle #1" in jo_line
    for path in (lead, ali, jo):
        assert run("verify", path).stdout.startswith("OK:")

    # -- a deletion travels as a tombstone; a bundle seen before changes nothing ------------------
    run("delete", jo, jo_mistake[:8])
    run("bundle", "export", jo, "--out", jo.with_suffix(".2.bundle"))
    out = run(
        "bundle", "import", lead, jo.with_suffix(".2.bundle"), jo.with_suffix(".1.bundle")
    ).stdout
    assert "already imported" in out
    assert set(notes(lead)) == {ali_note, jo_note}


def test_a_deletion_in_conflict_is_shown_plainly_and_keeping_it_says_the_note_goes(pair,
                                                                                   tmp_path):
    lead, member = pair
    note = member.add_note(kind="meeting", questions=["A"], outcomes=["identification"],
                           judgement="development", text="Parents describe long waits.")
    first = tmp_path / "mo-1.bundle"
    bundle.export_bundle(member, first)
    bundle.import_bundle(lead, first)
    lead.edit_note(note.id, text="Waits of nine months, per the log.")
    member.delete_note(note.id)
    second = tmp_path / "mo-2.bundle"
    bundle.export_bundle(member, second)
    assert bundle.import_bundle(lead, second).conflicts == [note.id]
    lead.close()

    text = run("show", lead.path, note.id[:8]).stdout
    versions = text[text.index("IN CONFLICT"):]
    assert "deleted: by Mo Member" in versions
    assert "text: Waits of nine months, per the log." in versions
    assert "attachments" not in versions and "kind" not in versions  # no names from the file
    [gone] = [v for v in shown(lead.path, note.id)["versions"] if v.get("deleted")]
    out = run("resolve", lead.path, note.id[:8], "--keep", gone["version"][:8]).stdout
    assert out.startswith(f"Kept version {gone['version'][:8]} of {note.id}, Mo Member's "
                          "deletion: the note is deleted")
    assert note.id not in notes(lead.path)


def test_several_bundles_with_one_altered_exit_as_a_rejection(pair, tmp_path):
    lead, member = pair
    member.add_note(kind="meeting", questions=["A"], outcomes=["identification"],
                    judgement="development", text="Parents describe long waits.")
    good, altered = tmp_path / "good.bundle", tmp_path / "altered.bundle"
    bundle.export_bundle(member, good)
    raw = bytearray(good.read_bytes())
    raw[len(raw) // 2] ^= 1
    altered.write_bytes(bytes(raw))
    lead.close()
    ran = run("bundle", "import", lead.path, good, altered, code=4)
    assert "altered.bundle" in ran.stderr  # named, so the right one is asked for again


def test_joining_with_the_leads_name_or_a_huge_file_is_refused_and_paths_are_quoted(tmp_path):
    lead, card = tmp_path / "sam.inspection", tmp_path / "inspection.card"
    run("new", lead, "--area", "Northmoor", "--inspector", "Sam Lead")
    run("card", lead, "--out", card)
    same = run("join", tmp_path / "x.inspection", "--card", card, "--inspector", "sam lead",
               code=2).stderr
    assert "Sam Lead is the lead's name on this card" in same
    assert not (tmp_path / "x.inspection").exists()
    # An endless file is read no further than a card or a passphrase can be long.
    for args, code, said in (
        (["--card", "/dev/zero"], 4, "too large to be a card"),
        (["--card", card, "--passphrase-file", "/dev/zero"], 2, "too large to hold a passphrase"),
    ):
        refused = run("join", tmp_path / "y.inspection", *args, "--inspector", "Ali", code=code)
        assert said in refused.stderr and refused.stderr.count("\n") == 1
    spaced = tmp_path / "my file.inspection"
    out = run("join", spaced, "--card", card, "--inspector", "Ali Member").stdout
    assert f"inspector-app card '{spaced}' --out my.card" in out  # copied as printed, it runs


def test_a_finding_in_conflict_is_shown_marked_and_resolved_from_the_command_line(pair,
                                                                                  tmp_path):
    from inspector_app.core import findings

    lead, member = pair
    note = lead.add_note(kind="meeting", questions=["A"], outcomes=["identification"],
                         judgement="development", text="Parents describe long waits.")
    item = findings.add_finding(lead, question="A", judgement="development",
                                text="Waits are long.", evidence=[note.id])
    to_team = tmp_path / "sam.bundle"
    bundle.export_bundle(lead, to_team, to_team=True)
    bundle.import_bundle(member, to_team)
    findings.edit_finding(lead, item.id, text="Lead: waits of nine months.")
    findings.edit_finding(member, item.id, text="Member: waits of seven months.")
    back = tmp_path / "mo.bundle"
    bundle.export_bundle(member, back)
    assert bundle.import_bundle(lead, back).finding_conflicts == [item.id]
    lead.close()

    listed = run("finding", "list", lead.path).stdout
    assert f"{item.id[:8]}  A  IN CONFLICT " in listed
    shown_text = run("finding", "show", lead.path, item.id[:8]).stdout
    versions = shown_text[shown_text.index("IN CONFLICT"):]
    assert "text: Lead: waits of nine months." in versions
    assert "text: Member: waits of seven months." in versions
    drafted = run("report", lead.path, "--out", tmp_path / "draft.docx").stderr
    assert f"warning: finding {item.id[:8]} is in conflict" in drafted

    [theirs] = [line.split()[1] for line in versions.splitlines()
                if line.strip().startswith("version") and "by Mo Member" in line]
    out = run("resolve", lead.path, item.id[:8], "--keep", theirs).stdout
    assert out == f"Kept version {theirs} of {item.id} (by Mo Member); the conflict is resolved.\n"
    [kept] = json.loads(run("finding", "list", lead.path, "--json").stdout)
    assert kept["text"] == "Member: waits of seven months." and kept["conflict"] is False
    missing = run("resolve", lead.path, "abcd1234", "--keep", theirs, code=2).stderr
    assert "There is no note or finding 'abcd1234'" in missing


def test_a_file_made_as_a_team_member_before_the_card_came_joins_with_its_notes(tmp_path):
    lead, mine = tmp_path / "sam.inspection", tmp_path / "mo.inspection"
    card = tmp_path / "inspection.card"
    run("new", lead, "--area", "Northmoor", "--inspector", "Sam Lead")
    run("card", lead, "--out", card)
    run("new", mine, "--area", "My visits", "--inspector", "Mo Member", "--role", "team")
    early = run("add", mine, *TAGS, "--text", "Captured before the card came.").stdout.strip()
    refused = run("bundle", "export", mine, "--out", tmp_path / "x.bundle", code=2).stderr
    assert "join it with the lead's card first" in refused

    other = run("join", mine, "--card", card, "--inspector", "Someone Else", code=2).stderr
    assert "The notes in" in other and '--inspector "Mo Member"' in other
    out = run("join", mine, "--card", card, "--inspector", "Mo Member").stdout
    assert "led by Sam Lead" in out and "joined" in out and "Recovery key" not in out
    run("card", mine, "--out", tmp_path / "mo.card")
    run("team", "add", lead, tmp_path / "mo.card")
    run("bundle", "export", mine, "--out", tmp_path / "mo.bundle")
    run("bundle", "import", lead, tmp_path / "mo.bundle")
    assert notes(lead)[early]["text"] == "Captured before the card came."
    again = run("join", mine, "--card", card, "--inspector", "Mo Member", code=2).stderr
    assert "already joined" in again
