"""Findings: the lead's statements about each question, resting on notes.

A finding is a sealed record with a version history like a note, so it travels in bundles and
merges the same way.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from inspector_app.core import history
from inspector_app.core.concurrent import on_latest
from inspector_app.core.errors import InConflict, InvalidInput, NotFound
from inspector_app.core.models import (
    Finding,
    Version,
    check_finding,
    clean_text,
    new_id,
    now,
    pick_version,
)
from inspector_app.core.records import Change
from inspector_app.core.store import Inspection

EDITABLE = ("question", "judgement", "text", "evidence", "main", "order")
DRAFT = ("finding-draft", "new")  # a finding's text typed before its evidence was chosen
UNWRITTEN = "New finding: write it here."  # a finding made before its words, until written


@on_latest
def keep_draft(inspection: Inspection, text: str) -> None:
    """Keep the text of a finding not made yet (sealed, never sent), or with "" drop it."""
    text = clean_text(text, what="finding's text")
    if text != kept_draft(inspection):
        inspection.commit([Change(*DRAFT, {"text": text}, "draft")])


def kept_draft(inspection: Inspection) -> str:
    found = inspection.file.read(*DRAFT)
    return str(found[1].get("text", "")) if found else ""


def findings(inspection: Inspection) -> list[Finding]:
    """Every finding, by question, judgement (framework order) and order within those."""
    inspection.refresh()
    rank = {j.code: i for i, j in enumerate(inspection.framework.judgements)}
    out = []
    for rid, revision, state in inspection.file.scan("finding"):
        if state is None:
            continue
        data, conflict = history.current(state)
        if not data.get("deleted"):
            out.append(replace(Finding.from_payload(rid, revision, data), conflict=conflict))
    return sorted(out, key=lambda f: (f.question, rank.get(f.judgement, 99), f.order, f.id))


def finding(inspection: Inspection, finding_id: str) -> Finding:
    """A finding by id or by a unique prefix of at least four characters."""
    wanted = finding_id.strip().lower()
    matches = [
        f
        for f in findings(inspection)
        if f.id == wanted or (len(wanted) >= 4 and f.id.startswith(wanted))
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise InvalidInput(f"'{finding_id}' matches several findings; type more of the id.")
    if 0 < len(wanted) < 4:
        raise InvalidInput(f"'{finding_id}' is too short to name a finding; type at least 4 "
                           "characters of its id ('finding list' shows them).")
    raise NotFound(f"There is no finding '{finding_id}'; 'finding list' shows the ids.")


@on_latest
def add_finding(
    inspection: Inspection,
    *,
    question: str,
    judgement: str,
    text: str,
    evidence: list[str],
    main: bool = False,
    order: int | None = None,
) -> Finding:
    """Save a new finding; its evidence must be notes of this inspection (ids or prefixes)."""
    stamp = now()
    draft = check_finding(
        inspection.framework,
        Finding(
            id=new_id(),
            question=question,
            judgement=judgement,
            text=text,
            evidence=_notes(inspection, evidence),
            main=main,
            order=0,
            author=inspection.info.inspector,
            created_at=stamp,
            updated_at=stamp,
        ),
    )
    if order is None:
        siblings = [
            f.order
            for f in findings(inspection)
            if (f.question, f.judgement) == (draft.question, draft.judgement)
        ]
        order = max(siblings, default=0) + 1
    return _save(inspection, check_finding(inspection.framework, replace(draft, order=order)),
                 "create")


@on_latest
def edit_finding(
    inspection: Inspection, finding_id: str, *, base: Finding | None = None, **changes: Any
) -> Finding:
    """Change some fields of a finding. ``base`` is the finding as the page showed it: if it
    changed since (a teammate's version came in), only what was changed on the page is put
    onto the new version, where the two do not clash; where they do, or the finding is in
    conflict or was deleted, the edit is kept as a version beside the others. Nothing is
    overwritten."""
    try:
        current: Finding | None = finding(inspection, finding_id)
    except NotFound:
        if base is None or inspection.file.read("finding", base.id) is None:
            raise
        current = None  # deleted since the page showed it
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"These cannot be edited: {', '.join(sorted(unknown))}.")
    if "evidence" in changes:
        changes["evidence"] = _notes(inspection, changes["evidence"])
    if base is not None and (current is None or base.revision != current.revision):
        mine = check_finding(inspection.framework, replace(base, **changes))
        ours = {k: getattr(mine, k) for k in changes if getattr(mine, k) != getattr(base, k)}
        # Since the page's version, only this program's own saves (the page's earlier ones,
        # a merge included): what the page changed goes on top, with nothing to clash with.
        own = current is not None and inspection.wrote_last("finding", current.id)
        if current is None or current.conflict or (not own and any(
            getattr(current, k) not in (getattr(base, k), v) for k, v in ours.items()
        )):
            beside = replace(mine, updated_at=now())
            change = inspection.versioned("finding", base.id, beside.to_payload(), "update",
                                          beside=True, edited=base.to_payload())
            return replace(beside, revision=inspection.commit([change])[-1], conflict=True)
        changes = ours
    edited = check_finding(inspection.framework, replace(current, **changes))
    if edited.to_payload() == current.to_payload() and not current.conflict:
        return current
    return _save(inspection, replace(edited, updated_at=now()), "update")


@on_latest
def delete_finding(inspection: Inspection, finding_id: str) -> Finding:
    """A tombstone over the finding; refused while it is in conflict, as a deletion would
    drop a teammate's version unseen."""
    current = finding(inspection, finding_id)
    if current.conflict:
        raise InConflict(
            f"The finding {current.id[:8]} has competing versions from two inspectors; keep "
            "one first (Keep this version on the Findings page, or 'inspector-app finding "
            "edit')."
        )
    inspection.commit([inspection.versioned("finding", current.id, {"deleted": True}, "delete")])
    return current


@on_latest
def restore_finding(inspection: Inspection, item: Finding) -> Finding:
    """Bring back a deleted finding as a new version (the undo of ``delete_finding``). If the
    deletion is no longer its only version (a teammate's edit arrived since), the finding
    comes back beside that edit, in conflict, so the edit is not undone with it."""
    inspection.refresh()
    found = inspection.file.read("finding", item.id)
    heads = found[1]["heads"] if found else []
    alone = len(heads) == 1 and bool(heads[0]["data"].get("deleted"))
    restored = replace(item, updated_at=now())
    change = inspection.versioned("finding", item.id, restored.to_payload(), "restore",
                                  beside=not alone)
    revision = inspection.commit([change])[-1]
    return replace(restored, revision=revision, conflict=not alone)


def versions(inspection: Inspection, finding_id: str) -> list[Version]:
    """The competing versions of a finding (one when it is not in conflict)."""
    current = finding(inspection, finding_id)
    found = inspection.file.read("finding", current.id)
    return [Version(h["v"], h["by"], h["at"], h["data"]) for h in found[1]["heads"]]


@on_latest
def resolve(inspection: Inspection, finding_id: str, keep: str) -> tuple[Finding, Version]:
    """End a finding's conflict by keeping one version (a prefix of its id); returns the
    finding as kept and the version chosen (a deletion deletes the finding)."""
    current = finding(inspection, finding_id)
    if not current.conflict:
        raise InvalidInput(
            f"The finding {current.id[:8]} is not in conflict; there is nothing to resolve."
        )
    chosen = pick_version(versions(inspection, current.id), keep, "finding")
    if chosen.data.get("deleted"):
        inspection.commit([inspection.versioned("finding", current.id, chosen.data, "resolve")])
        return current, chosen
    kept = Finding.from_payload(current.id, current.revision, chosen.data)
    return _save(inspection, kept, "resolve"), chosen


def _save(inspection: Inspection, item: Finding, action: str) -> Finding:
    change = inspection.versioned("finding", item.id, item.to_payload(), action)
    revision = inspection.commit([change])[-1]
    return replace(item, revision=revision, conflict=False)


def _notes(inspection: Inspection, ids: list[str]) -> tuple[str, ...]:
    return tuple(inspection.note(note_id).id for note_id in ids)
