"""Version histories that merge in any order: what lets a team's files agree.

A record that travels between inspectors (a note, a photo, a finding) is stored as a *state*:

    {"history": {version: [parent versions]}, "heads": [{"v", "by", "at", "data"}, ...]}

``history`` is every version the file has seen and what it was made from; ``heads`` are the
versions nothing newer descends from, with their data. Merging two states takes the union of
both and keeps the heads that are not an ancestor of another head. Union makes merging
idempotent, commutative and associative, so importing bundles twice, or in any order, gives
the same result. Two edits from a common parent both stay heads: the record is in conflict
until someone resolves it, and nothing is overwritten silently.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

State = dict[str, Any]
Data = Mapping[str, Any]


def _head(data: Mapping[str, Any], by: str, at: str) -> dict[str, Any]:
    return {"v": str(uuid.uuid4()), "by": by, "at": at, "data": dict(data)}


def start(data: Mapping[str, Any], by: str, at: str) -> State:
    """The state of a new record: one version with no parents."""
    head = _head(data, by, at)
    return {"history": {head["v"]: []}, "heads": [head]}


def advance(state: State, data: Mapping[str, Any], by: str, at: str) -> State:
    """A local change: a new version whose parents are every current head (so an edit made
    while in conflict resolves it)."""
    head = _head(data, by, at)
    history = {**state["history"], head["v"]: sorted(h["v"] for h in state["heads"])}
    return {"history": history, "heads": [head]}


def amend(state: State, data: Mapping[str, Any], by: str, at: str, old: str = "") -> State:
    """A local change that replaces a head (the only one, or the one named ``old``) with a
    new version of the same parents.

    Only for a version no other file can have (made here, not yet sent in any bundle): nothing
    descends from it elsewhere, so dropping it loses nothing and merges as before, and a file
    that saves on every pause in typing does not grow a version for each.
    """
    [replaced] = [h for h in state["heads"] if h["v"] == old] if old else state["heads"]
    head = _head(data, by, at)
    history = {v: p for v, p in state["history"].items() if v != replaced["v"]}
    history[head["v"]] = state["history"][replaced["v"]]
    heads = [head if h is replaced else h for h in state["heads"]]
    return {"history": dict(sorted(history.items())), "heads": sorted(heads, key=_order)}


def beside(state: State, data: Mapping[str, Any], by: str, at: str) -> State:
    """A local change made on a version this file no longer shows (an editor that was showing
    it when a teammate's version, or deletion, arrived): a new version that claims no parent,
    next to every head, so all are kept and the record is in conflict until resolved."""
    head = _head(data, by, at)
    return merge(state, {"history": {head["v"]: []}, "heads": [head]})


def on(state: State, data: Mapping[str, Any], by: str, at: str, parent: str) -> State:
    """A local change made on one head (a deletion undone while a teammate's edit stands
    beside it): a new version whose parent is that head alone, which it replaces; the other
    heads stay, and so does the conflict with them."""
    head = _head(data, by, at)
    history = {**state["history"], head["v"]: [parent]}
    heads = [head if h["v"] == parent else h for h in state["heads"]]
    return {"history": dict(sorted(history.items())), "heads": sorted(heads, key=_order)}


def carries_on(was: Data, now: Data, was_from: Data | None, now_from: Data | None) -> bool:
    """Whether the data ``now`` carries on the typing that made ``was``: made on ``was``
    itself, or both made from one version's data, ``now`` changing at least what ``was``
    changed."""
    if now_from is not None and now_from == was:
        return True
    if was_from is None or was_from != now_from:
        return False
    keys = set(was_from) | set(was) | set(now)
    return all(now.get(k) != was_from.get(k) for k in keys if was.get(k) != was_from.get(k))


def resolve(state: State, keep: str, by: str, at: str) -> State:
    """End a conflict by keeping one head's data as a new version over all heads."""
    chosen = head_by_prefix(state, keep)
    return advance(state, chosen["data"], by, at)


def head_by_prefix(state: State, prefix: str) -> dict[str, Any]:
    matches = [h for h in state["heads"] if h["v"].startswith(prefix.strip())]
    if len(matches) != 1 or not prefix.strip():
        raise KeyError(prefix)
    return matches[0]


def merge(a: State, b: State) -> State:
    """The union of two states of the same record."""
    history = {**a["history"], **b["history"]}
    candidates = {h["v"]: h for h in (*a["heads"], *b["heads"])}
    superseded = _ancestors(history, candidates)
    heads = [h for v, h in candidates.items() if v not in superseded]
    return {"history": dict(sorted(history.items())), "heads": sorted(heads, key=_order)}


def current(state: State) -> tuple[dict[str, Any], bool]:
    """The data to show and whether the record is in conflict (see ``shown``)."""
    heads = state["heads"]
    return shown(heads)["data"], len(heads) > 1


def shown(heads: list[Mapping[str, Any]]) -> Mapping[str, Any]:
    """The head shown while a record is in conflict: the newest that is not a deletion (a
    deletion never hides an edit)."""
    live = [h for h in heads if not h["data"].get("deleted")]
    return max(live or heads, key=_order)


def normalised(state: State) -> State:
    """A state in its canonical form (what ``merge`` returns), for comparing and hashing."""
    return merge(state, state)


MAX_VERSIONS = 10_000  # versions a record's history may hold (a busy note has tens)
MAX_PARENTS = 64  # parents one version may have (a merge of that many competing heads)
HEAD_KEYS = {"v", "by", "at", "data"}
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def is_id(value: Any) -> bool:
    """An id as the app makes them (``uuid4`` text)."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def check_shape(state: Any) -> None:
    """``ValueError`` unless ``state`` is a history the app could have made: versions named
    by ids, no cycle, and heads that are exactly the versions nothing descends from, each
    with its data. (Merging a state without these would lose heads or loop.)"""
    if not isinstance(state, dict) or set(state) != {"history", "heads"}:
        raise ValueError("not a state")
    versions, heads = state["history"], state["heads"]
    if not isinstance(versions, dict) or not isinstance(heads, list) or not heads:
        raise ValueError("empty")
    if len(versions) > MAX_VERSIONS:
        raise ValueError("too many versions")
    for version, parents in versions.items():
        if not is_id(version) or not isinstance(parents, list) or len(parents) > MAX_PARENTS:
            raise ValueError("history")
        if not all(is_id(p) for p in parents):
            raise ValueError("parents")
    for head in heads:
        if not isinstance(head, dict) or set(head) != HEAD_KEYS:
            raise ValueError("head")
        if not isinstance(head["by"], str) or not isinstance(head["at"], str):
            raise ValueError("head")
        if not isinstance(head["data"], dict):
            raise ValueError("data")
    named = [h["v"] for h in heads]
    followed = {p for parents in versions.values() for p in parents}
    if len(set(named)) != len(named) or set(named) != set(versions) - followed:
        raise ValueError("heads")
    _check_acyclic(versions)


def _check_acyclic(versions: Mapping[str, list[str]]) -> None:
    done: set[str] = set()
    for start in versions:
        if start in done:
            continue
        path, stack = {start}, [(start, iter(versions.get(start, ())))]
        while stack:
            version, parents = stack[-1]
            parent = next(parents, None)
            if parent is None:
                stack.pop()
                path.discard(version)
                done.add(version)
            elif parent in path:
                raise ValueError("a version descends from itself")
            elif parent not in done:
                path.add(parent)
                stack.append((parent, iter(versions.get(parent, ()))))


def _order(head: Mapping[str, Any]) -> tuple[str, str]:
    return head["at"], head["v"]


def _ancestors(history: Mapping[str, list[str]], versions: Mapping[str, Any]) -> set[str]:
    seen: set[str] = set()
    stack = [p for v in versions for p in history.get(v, [])]
    while stack:
        version = stack.pop()
        if version not in seen:
            seen.add(version)
            stack.extend(history.get(version, []))
    return seen
