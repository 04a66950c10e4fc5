"""Version histories merge in any order: what lets a team of three end up with the same notes.

The first half drives ``history`` directly with random edit histories of three inspectors (each
keeps its own copy of every record, edits and deletes it, and now and then takes in another
inspector's copy, as importing a bundle does). The second half does the same with three real
inspection files exchanging real bundles, imported by the lead in every order.
"""

from __future__ import annotations

import itertools
import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector_app.core import bundle, history, team
from inspector_app.core.crypto import KdfParams
from inspector_app.core.store import Inspection
from tests.conftest import PASSPHRASE, add_fixture_note

INSPECTORS = ("Sam Lead", "Ali Member", "Jo Member")
RECORDS = ("r0", "r1")


# -- random edit histories ---------------------------------------------------------------------


def stamp(minute: int) -> str:
    # Minutes from a small range, so two inspectors often save in the same second, as they do.
    return f"2026-03-16T09:{minute:02d}:00+00:00"


def change(kind: str) -> st.SearchStrategy:
    """An inspector's edit or autosave: who, which record, what text, at which minute."""
    return st.tuples(
        st.just(kind),
        st.integers(0, 2),
        st.sampled_from(RECORDS),
        st.text(alphabet="abcxyz ", min_size=1, max_size=8),
        st.integers(1, 30),
    )


edit, autosave = change("edit"), change("autosave")
delete = st.tuples(
    st.just("delete"), st.integers(0, 2), st.sampled_from(RECORDS), st.integers(1, 30)
)
sync = st.tuples(st.just("sync"), st.integers(0, 2), st.integers(0, 2), st.sampled_from(RECORDS))
operations = st.lists(st.one_of(edit, delete, sync, autosave), max_size=30)

Team = list[dict[str, history.State]]


def play(ops: list[tuple], *, amend: bool = True) -> Team:
    """Every inspector starts with the same first version of each record, then ``ops`` run.

    An autosave replaces the inspector's own head while no one else has it (as the app does
    between bundles), or, with ``amend=False``, adds a version as an edit does.
    """
    first = {
        rid: history.start({"text": f"first {rid}"}, INSPECTORS[n], stamp(0))
        for n, rid in enumerate(RECORDS)
    }
    states: Team = [dict(first) for _ in INSPECTORS]
    shared = {v for state in first.values() for v in state["history"]}  # versions others have
    for op in ops:
        if op[0] in ("edit", "autosave"):
            _, who, rid, text, minute = op
            state = states[who][rid]
            unsent = len(state["heads"]) == 1 and state["heads"][0]["v"] not in shared
            step = history.amend if op[0] == "autosave" and amend and unsent else history.advance
            states[who][rid] = step(state, {"text": text}, INSPECTORS[who], stamp(minute))
        elif op[0] == "delete":
            _, who, rid, minute = op
            states[who][rid] = history.advance(
                states[who][rid], {"deleted": True}, INSPECTORS[who], stamp(minute)
            )
        else:
            _, who, source, rid = op
            states[who][rid] = history.merge(states[who][rid], states[source][rid])
            shared |= set(states[source][rid]["history"])
    return states


def copies(states: Team) -> Iterator[tuple[history.State, history.State, history.State]]:
    for rid in RECORDS:
        yield states[0][rid], states[1][rid], states[2][rid]


def ancestors(state: history.State, version: str) -> set[str]:
    seen: set[str] = set()
    stack = list(state["history"][version])
    while stack:
        parent = stack.pop()
        if parent not in seen:
            seen.add(parent)
            stack.extend(state["history"][parent])
    return seen


def assert_heads_are_the_newest(state: history.State) -> None:
    """The heads are exactly the versions nothing newer was made from."""
    heads = {h["v"] for h in state["heads"]}
    older = set().union(*(ancestors(state, v) for v in heads))
    assert heads <= set(state["history"])
    assert not heads & older  # no head is hidden under another
    assert set(state["history"]) == heads | older  # and every version is under some head


@settings(max_examples=300, deadline=None)
@given(operations)
def test_merge_is_idempotent(ops):
    for a, b, _ in copies(play(ops)):
        assert history.merge(a, a) == history.normalised(a)
        assert history.normalised(history.normalised(a)) == history.normalised(a)
        once = history.merge(a, b)
        assert history.merge(once, b) == once  # the same bundle twice changes nothing
        assert history.merge(once, a) == once


@settings(max_examples=300, deadline=None)
@given(operations)
def test_merge_is_commutative(ops):
    for a, b, c in copies(play(ops)):
        assert history.merge(a, b) == history.merge(b, a)
        assert history.merge(b, c) == history.merge(c, b)


@settings(max_examples=300, deadline=None)
@given(operations)
def test_merge_is_associative(ops):
    for a, b, c in copies(play(ops)):
        left = history.merge(history.merge(a, b), c)
        right = history.merge(a, history.merge(b, c))
        assert left == right
        assert_heads_are_the_newest(left)


@settings(max_examples=200, deadline=None)
@given(operations)
def test_merging_everything_in_any_order_gives_one_result(ops):
    for states in copies(play(ops)):
        results = []
        for order in itertools.permutations(states):
            merged = order[0]
            for state in order[1:]:
                merged = history.merge(merged, state)
            results.append(merged)
        assert all(r == results[0] for r in results)
        shown = {repr(history.current(r)) for r in results}
        assert len(shown) == 1  # every inspector sees the same text and the same flag


@settings(max_examples=200, deadline=None)
@given(operations)
def test_nothing_is_lost_in_a_merge(ops):
    for a, b, c in copies(play(ops)):
        merged = history.merge(history.merge(a, b), c)
        assert set(merged["history"]) == set(a["history"]) | set(b["history"]) | set(c["history"])
        merged_heads = {h["v"] for h in merged["heads"]}
        under = set().union(*(ancestors(merged, v) for v in merged_heads))
        for state in (a, b, c):
            for head in state["heads"]:
                # An edit leaves the heads only when a later edit was made on top of it.
                assert head["v"] in merged_heads or head["v"] in under


@settings(max_examples=200, deadline=None)
@given(operations, st.integers(0, 2))
def test_an_edit_after_seeing_every_head_ends_the_conflict(ops, who):
    for a, b, c in copies(play(ops)):
        everything = history.merge(history.merge(a, b), c)
        settled = history.advance(everything, {"text": "agreed"}, INSPECTORS[who], stamp(59))
        assert len(settled["heads"]) == 1
        assert history.current(settled) == ({"text": "agreed"}, False)
        for state in (a, b, c):  # an old copy arriving later does not reopen the conflict
            assert history.merge(state, settled)["heads"] == history.normalised(settled)["heads"]


@settings(max_examples=200, deadline=None)
@given(operations)
def test_after_everyone_syncs_everyone_agrees(ops):
    states = play(ops)
    for rid in RECORDS:
        for who, source in itertools.product(range(3), repeat=2):
            states[who][rid] = history.merge(states[who][rid], states[source][rid])
        for who, source in itertools.product(range(3), repeat=2):
            states[who][rid] = history.merge(states[who][rid], states[source][rid])
        assert states[0][rid] == states[1][rid] == states[2][rid]


def heads_seen(state: history.State) -> list[tuple[str, str, str]]:
    """The heads as people see them: who, when and what (version ids are random)."""
    return sorted((h["by"], h["at"], json.dumps(h["data"], sort_keys=True)) for h in state["heads"])


@settings(max_examples=300, deadline=None)
@given(operations)
def test_autosaves_that_replace_an_unsent_version_merge_as_if_it_were_kept(ops):
    amended, kept = play(ops), play(ops, amend=False)
    for rid in RECORDS:
        for who in range(3):
            assert heads_seen(amended[who][rid]) == heads_seen(kept[who][rid])
        everything = [history.merge(history.merge(s[0][rid], s[1][rid]), s[2][rid])
                      for s in (amended, kept)]
        assert heads_seen(everything[0]) == heads_seen(everything[1])
        assert len(everything[0]["history"]) <= len(everything[1]["history"])


# -- the cases a lead meets --------------------------------------------------------------------


def test_two_edits_from_one_parent_are_both_kept_and_flagged():
    base = history.start({"text": "first"}, "Sam Lead", stamp(0))
    ali = history.advance(base, {"text": "Ali's reading"}, "Ali Member", stamp(5))
    jo = history.advance(base, {"text": "Jo's reading"}, "Jo Member", stamp(6))
    merged = history.merge(ali, jo)
    assert sorted(h["data"]["text"] for h in merged["heads"]) == ["Ali's reading", "Jo's reading"]
    assert history.current(merged) == ({"text": "Jo's reading"}, True)
    assert history.current(history.merge(merged, base)) == ({"text": "Jo's reading"}, True)


def test_an_edit_on_top_of_another_is_not_a_conflict():
    base = history.start({"text": "first"}, "Sam Lead", stamp(0))
    ali = history.advance(base, {"text": "Ali's reading"}, "Ali Member", stamp(5))
    later = history.advance(ali, {"text": "Jo read Ali's"}, "Jo Member", stamp(3))
    for merged in (
        history.merge(ali, later),
        history.merge(later, ali),
        history.merge(base, later),
    ):
        assert history.current(merged) == ({"text": "Jo read Ali's"}, False)


def test_amending_one_version_of_a_conflict_keeps_the_others_and_merges_as_before():
    base = history.start({"text": "first"}, "Sam Lead", stamp(0))
    theirs = history.advance(base, {"text": "Jo's reading"}, "Jo Member", stamp(1))
    mine = history.beside(theirs, {"text": "Sam typ"}, "Sam Lead", stamp(2))
    typing = next(h["v"] for h in mine["heads"] if h["data"]["text"] == "Sam typ")
    amended = history.amend(mine, {"text": "Sam typing on"}, "Sam Lead", stamp(3), old=typing)
    assert sorted(h["data"]["text"] for h in amended["heads"]) == ["Jo's reading", "Sam typing on"]
    assert typing not in amended["history"]
    assert history.merge(amended, theirs) == amended == history.normalised(amended)


def test_a_deletion_undone_beside_an_edit_takes_the_deletions_place_and_merges_as_before():
    base = history.start({"text": "first"}, "Sam Lead", stamp(0))
    deleted = history.advance(base, {"deleted": True}, "Jo Member", stamp(1))
    edited = history.advance(base, {"text": "Sam's edit"}, "Sam Lead", stamp(2))
    conflict = history.merge(deleted, edited)
    [gone] = [h["v"] for h in conflict["heads"] if h["data"].get("deleted")]
    undone = history.on(conflict, {"text": "first"}, "Jo Member", stamp(3), gone)
    assert sorted(h["data"]["text"] for h in undone["heads"]) == ["Sam's edit", "first"]
    assert undone["history"][next(h["v"] for h in undone["heads"]
                                  if h["by"] == "Jo Member")] == [gone]
    # The lead, who has the deletion and the edit, takes the undo in whichever order.
    assert history.merge(undone, conflict) == history.merge(conflict, undone) == undone
    assert history.merge(undone, deleted) == undone == history.normalised(undone)


def test_typing_carries_on_only_from_the_same_version_changing_at_least_as_much():
    shown = {"text": "Waits are long.", "judgement": "development"}
    was = {"text": "Waits are far", "judgement": "development"}
    assert history.carries_on(was, {**was, "text": "Waits are far too long."}, shown, shown)
    assert not history.carries_on(was, {**shown, "judgement": "weakness"}, shown, shown)
    assert not history.carries_on(was, was, shown, {**shown, "text": "Other"})
    assert not history.carries_on(was, was, None, shown)
    assert history.carries_on(was, {**was, "text": "Waits are far, far"}, shown, was)  # on it


def test_a_deletion_never_hides_a_concurrent_edit():
    base = history.start({"text": "first"}, "Sam Lead", stamp(0))
    edited = history.advance(base, {"text": "kept by Ali"}, "Ali Member", stamp(1))
    deleted = history.advance(base, {"deleted": True}, "Jo Member", stamp(9))  # newer
    for merged in (history.merge(edited, deleted), history.merge(deleted, edited)):
        assert history.current(merged) == ({"text": "kept by Ali"}, True)


def test_a_deletion_made_after_seeing_the_edit_wins():
    base = history.start({"text": "first"}, "Sam Lead", stamp(0))
    edited = history.advance(base, {"text": "kept by Ali"}, "Ali Member", stamp(1))
    deleted = history.advance(edited, {"deleted": True}, "Jo Member", stamp(2))
    assert history.current(history.merge(edited, deleted)) == ({"deleted": True}, False)


@pytest.mark.parametrize("keep", ["Ali's reading", "Jo's reading", None])
def test_resolve_keeps_the_chosen_version(keep):
    base = history.start({"text": "first"}, "Sam Lead", stamp(0))
    ali = history.advance(base, {"text": "Ali's reading"}, "Ali Member", stamp(5))
    jo = history.advance(base, {"text": "Jo's reading"}, "Jo Member", stamp(6))
    if keep is None:
        jo = history.advance(base, {"deleted": True}, "Jo Member", stamp(6))
    merged = history.merge(ali, jo)
    wanted = {"text": keep} if keep else {"deleted": True}
    [chosen] = [h for h in merged["heads"] if h["data"] == wanted]
    resolved = history.resolve(merged, chosen["v"][:8], "Sam Lead", stamp(7))
    assert history.current(resolved) == (wanted, False)
    # The resolution travels: both inspectors' old copies give way to it.
    for old in (ali, jo, merged):
        assert history.current(history.merge(old, resolved)) == (wanted, False)


def test_resolve_refuses_an_empty_or_unknown_version():
    base = history.start({"text": "first"}, "Sam Lead", stamp(0))
    merged = history.merge(
        history.advance(base, {"text": "one"}, "Ali Member", stamp(1)),
        history.advance(base, {"text": "two"}, "Jo Member", stamp(2)),
    )
    for keep in ("", "   ", "not-a-version"):
        with pytest.raises(KeyError):
            history.resolve(merged, keep, "Sam Lead", stamp(3))
    assert len(merged["heads"]) == 2  # nothing was chosen by accident


# -- three real files exchanging real bundles --------------------------------------------------


@dataclass
class Exchange:
    """A lead's closed file (before any import) and the three bundles the members sent."""

    lead: Path
    bundles: list[Path]
    ids: dict[str, str]
    ali: str  # fingerprints
    jo: str


def open_copy(source: Path, folder: Path) -> Inspection:
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / source.name
    shutil.copy(source, copy)
    return Inspection.open(copy, PASSPHRASE)


def snapshot(inspection: Inspection) -> dict[str, Any]:
    """What the lead sees: every note, its text and author, its flag and competing versions."""
    notes = {}
    for note in inspection.notes():
        versions = (
            sorted(json.dumps(v.data, sort_keys=True) for v in inspection.versions(note.id))
            if note.conflict
            else []
        )
        notes[note.id] = (
            note.author,
            note.title,
            note.text,
            note.children,
            note.conflict,
            versions,
        )
    return {"notes": notes, "children": sorted(inspection.children)}


@pytest.fixture(scope="module")
def exchange(tmp_path_factory) -> Exchange:
    folder = tmp_path_factory.mktemp("team")
    kdf = KdfParams.fresh(memory_cost=1024, iterations=1, lanes=1)
    lead, _ = Inspection.create(
        folder / "lead.inspection", PASSPHRASE, area="Northmoor", inspector="Sam Lead", kdf=kdf
    )
    team.write_card(lead, folder / "inspection.card")
    ali, _ = team.join(
        folder / "ali.inspection", folder / "inspection.card", "Ali Member", PASSPHRASE, kdf=kdf
    )
    jo, _ = team.join(
        folder / "jo.inspection", folder / "inspection.card", "Jo Member", PASSPHRASE, kdf=kdf
    )
    for member, name in ((ali, "ali"), (jo, "jo")):
        team.write_card(member, folder / f"{name}.card")
        team.add_member(lead, folder / f"{name}.card")

    ids = {
        "shared": add_fixture_note(lead, title="Shared", text="The lead's first reading.").id,
        "lead-only": add_fixture_note(lead, title="Lead only", text="Seen by the lead.").id,
    }
    bundle.export_bundle(lead, folder / "lead.bundle", to_team=True)
    for member in (ali, jo):
        bundle.import_bundle(member, folder / "lead.bundle")

    # Ali and Jo edit the shared note from the same version: a conflict for the lead.
    ali.edit_note(ids["shared"], text="Ali: waits of nine months.")
    jo.edit_note(ids["shared"], text="Jo: waits of seven months.")
    ids["ali"] = add_fixture_note(ali, title="Ali's visit", text="Draft", children=[]).id
    ids["jo"] = add_fixture_note(jo, title="Jo's meeting", text="Met", children=["Child C"]).id
    ids["jo-gone"] = add_fixture_note(jo, title="Jo's mistake", text="Wrong school").id
    jo.delete_note(ids["jo-gone"])
    # Jo deletes a note the lead goes on editing: the edit must not vanish.
    jo.delete_note(ids["lead-only"])
    bundles = [folder / "ali-1.bundle", folder / "jo-1.bundle", folder / "ali-2.bundle"]
    bundle.export_bundle(ali, bundles[0])
    bundle.export_bundle(jo, bundles[1])
    ali.edit_note(ids["ali"], text="Final: the visit confirmed the waits.")
    bundle.export_bundle(ali, bundles[2])
    lead.edit_note(ids["lead-only"], text="The lead's later reading.")

    fingerprints = team.fingerprint(ali), team.fingerprint(jo)
    for inspection in (lead, ali, jo):
        inspection.close()
    return Exchange(folder / "lead.inspection", bundles, ids, *fingerprints)


def imported(exchange: Exchange, order: list[int], folder: Path) -> Inspection:
    lead = open_copy(exchange.lead, folder)
    for index in order:
        bundle.import_bundle(lead, exchange.bundles[index])
    return lead


@pytest.fixture(scope="module")
def reference(exchange, tmp_path_factory) -> dict[str, Any]:
    with imported(exchange, [0, 1, 2], tmp_path_factory.mktemp("reference")) as lead:
        return snapshot(lead)


def test_the_lead_sees_every_edit_and_every_conflict(reference, exchange):
    notes, ids = reference["notes"], exchange.ids
    assert set(notes) == {ids["shared"], ids["lead-only"], ids["ali"], ids["jo"]}
    author, _, text, _, conflict, versions = notes[ids["shared"]]
    assert conflict and text in ("Ali: waits of nine months.", "Jo: waits of seven months.")
    assert {json.loads(v)["text"] for v in versions} == {
        "Ali: waits of nine months.",
        "Jo: waits of seven months.",
    }
    # Jo's deletion and the lead's later edit both stay; the edit is what is shown.
    _, _, text, _, conflict, versions = notes[ids["lead-only"]]
    assert (text, conflict, len(versions)) == ("The lead's later reading.", True, 2)
    assert notes[ids["ali"]][0] == "Ali Member"
    assert notes[ids["ali"]][2] == "Final: the visit confirmed the waits."
    assert notes[ids["jo"]][0] == "Jo Member" and notes[ids["jo"]][3] == ("Child C",)
    assert "Child C" in reference["children"]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))), ids=str)
def test_bundles_imported_in_any_order_give_the_same_notes(exchange, reference, order, tmp_path):
    with imported(exchange, list(order), tmp_path) as lead:
        assert snapshot(lead) == reference


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))), ids=str)
def test_the_roster_names_each_members_latest_bundle_in_any_order(exchange, order, tmp_path):
    # 'team list' shows this number: the newest bundle the lead has from each member.
    with imported(exchange, list(order), tmp_path) as lead:
        assert team.member(lead, exchange.ali).last_bundle[0] == 2
        assert team.member(lead, exchange.jo).last_bundle[0] == 1


@settings(max_examples=15, deadline=None)
@given(repeats=st.lists(st.integers(0, 2), max_size=5), order=st.permutations(range(3)))
def test_bundles_imported_again_and_again_change_nothing(exchange, reference, repeats, order):
    with tempfile.TemporaryDirectory() as folder:
        with imported(exchange, [*repeats, *order], Path(folder)) as lead:
            assert snapshot(lead) == reference


def test_importing_the_same_bundles_twice_writes_nothing(exchange, reference, tmp_path):
    with imported(exchange, [2, 0, 1], tmp_path) as lead:
        audit = lead.audit_log()
        for path in exchange.bundles:
            result = bundle.import_bundle(lead, path)
            assert result.already and "nothing changed" in result.describe()
        assert lead.audit_log() == audit
        assert snapshot(lead) == reference
