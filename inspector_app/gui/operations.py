"""The operations views ask for: small functions run on the worker thread by ``Session.run``.

Each takes the open inspection first. They hold no Qt and no SQL: they call the core.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inspector_app.core import bundle, findings, history, team
from inspector_app.core.deadlines import DeadlineDate, inspection_deadlines
from inspector_app.core.errors import (
    ImageError,
    InConflict,
    InspectorError,
    InvalidInput,
    NotFound,
)
from inspector_app.core.index import NoteFilter, NoteRow
from inspector_app.core.models import Child, Finding, InspectionInfo, Note, Version
from inspector_app.core.store import PAGE, Inspection

STEPS = 1000  # an import's progress, in thousandths of all the bundles' bytes


def list_rows(
    inspection: Inspection, where: NoteFilter, sort: tuple[str | None, bool], offset: int = 0
) -> tuple[NoteFilter, tuple, int, list[NoteRow], int]:
    """A page of the list, with what produced it so a stale answer can be recognised."""
    key, descending = sort
    rows = inspection.rows(where, sort=key, descending=descending, limit=PAGE, offset=offset)
    total = inspection.count(where) if offset == 0 else -1
    return where, sort, offset, rows, total


def excerpts(inspection: Inspection, note_ids: list[str], text: str) -> dict[str, str]:
    """Why each of these notes was found by searching ``text``, where its heading does not say."""
    return inspection.excerpts(note_ids, text)


def compare_history(inspection: Inspection, seq: int, digest: str) -> tuple[int | None, tuple]:
    """How many changes this copy lacks against where its history ended when last closed here
    (None: the copies diverged), and where its history ends now."""
    return inspection.file.behind(seq, digest), inspection.file.audit_tip()


def damaged(inspection: Inspection) -> list[str]:
    """Records that did not open and are left out of every view ("note ID", ...)."""
    return inspection.damaged


def get_note(inspection: Inspection, note_id: str) -> Note:
    return inspection.note(note_id)


def get_notes(inspection: Inspection, note_ids: list[str]) -> list[Note]:
    """The notes that still exist, in the order asked (a finding's evidence)."""
    out = []
    for note_id in note_ids:
        try:
            out.append(inspection.note(note_id))
        except InspectorError:
            continue
    return out


def save_note(
    inspection: Inspection, note_id: str | None, values: dict[str, Any], base: Note | None = None
) -> Note:
    """Create the note on its first save, edit it afterwards; untagged drafts are allowed.
    ``base`` is the note as the editor showed it (see ``Inspection.edit_note``)."""
    if note_id is None:
        return inspection.add_note(require_tags=False, **values)
    changes = {k: v for k, v in values.items() if k != "kind"}
    return inspection.edit_note(note_id, require_tags=False, base=base, **changes)


def retag(inspection: Inspection, note_id: str, was: dict, wanted: dict) -> Note:
    """Make one tag change (``was`` to ``wanted``: an undo or a redo) on the note as it is
    now: ticks added or taken off one by one, a choice or a detail only where it is still as
    the change found it, so whatever a teammate changed since stays."""
    note = inspection.note(note_id)
    changes: dict[str, Any] = {}
    for key in ("questions", "outcomes", "children"):
        before, after = list(was.get(key, ())), list(wanted.get(key, ()))
        add, drop = [x for x in after if x not in before], {x for x in before if x not in after}
        if add or drop:
            kept = [x for x in getattr(note, key) if x not in drop]
            changes[key] = kept + [x for x in add if x not in kept]
    if was.get("judgement") != wanted.get("judgement") and note.judgement == was.get("judgement"):
        changes["judgement"] = wanted["judgement"]
    old_fields, new_fields = was.get("fields") or {}, wanted.get("fields") or {}
    fields = {
        field_id: new_fields.get(field_id)
        for field_id in {*old_fields, *new_fields}
        if old_fields.get(field_id) != new_fields.get(field_id)
        and note.fields.get(field_id) in (old_fields.get(field_id), None)
    }
    if fields:
        changes["fields"] = fields
    if not changes:
        return note
    return inspection.edit_note(note_id, require_tags=False, **changes)


def delete_note(inspection: Inspection, note_id: str) -> Note:
    return inspection.delete_note(note_id)


def restore_note(inspection: Inspection, note: Note) -> Note:
    return inspection.restore_note(note)


def add_photos(
    inspection: Inspection, note_id: str, paths: list[Path], progress=None
) -> tuple[Note, list[str]]:
    """Attach each photo in turn; an image that cannot be used is skipped and said why, so
    the others still go in. Returns the note and those reasons."""
    note, refused = inspection.note(note_id), []
    for done, path in enumerate(paths, start=1):
        try:
            note = inspection.add_photo(note.id, path)
        except ImageError as exc:
            refused.append(str(exc))
        if progress:
            progress(done, len(paths))
    return note, refused


def remove_photo(inspection: Inspection, note_id: str, attachment_id: str) -> Note:
    return inspection.remove_photo(note_id, attachment_id)


def thumbnails(inspection: Inspection, note: Note) -> list[tuple[str, bytes]]:
    """The note's thumbnails; one removed meanwhile (by an import) is left out, not the rest."""
    shown = []
    for attachment_id in note.attachments:
        try:
            shown.append((attachment_id, inspection.photo(attachment_id, "thumb")))
        except NotFound:
            continue
    return shown


def photo(inspection: Inspection, attachment_id: str) -> bytes:
    return inspection.photo(attachment_id, "photo")


def coverage(inspection: Inspection) -> dict[tuple[str, str, str], int]:
    inspection.refresh()
    return inspection.index.coverage()


def summary(inspection: Inspection) -> dict[str, Any]:
    """What the status bar and the filters need: counts and the authors seen (SQL counts:
    this runs after every save)."""
    return {
        "notes": inspection.count(),
        "untagged": inspection.index.untagged(),
        "authors": inspection.index.authors(),
        "children": sorted(inspection.children),
    }


def children(inspection: Inspection) -> list:
    inspection.refresh()
    return sorted(inspection.children.values(), key=lambda c: c.ref)


def add_child(
    inspection: Inspection, ref: str, name: str, replace_name: bool = False
) -> tuple[Child, bool]:
    """The register entry, and whether anything changed (adding it again may change nothing)."""
    inspection.refresh()
    before = dict(inspection.children)
    child = inspection.add_child(ref, name, replace_name=replace_name)
    return child, before.get(child.ref) != child


# -- team sync ---------------------------------------------------------------------------------


def team_summary(inspection: Inspection) -> dict[str, Any]:
    """Who this file is, who it trusts, and what awaits the next export or a decision."""
    inspection.refresh()
    return {
        "name": inspection.info.inspector,
        "role": inspection.info.role,
        "fingerprint": team.fingerprint(inspection),
        "roster": team.roster(inspection),
        "changed": team.changed_since_export(inspection),
        "conflicts": [
            (row, sorted({v.by for v in inspection.versions(row.id)}))
            for row in inspection.rows(NoteFilter(conflicts_only=True))
        ],
    }


def write_card(inspection: Inspection, path: Path) -> str:
    return team.write_card(inspection, path)


def add_member(inspection: Inspection, path: Path) -> team.Member:
    return team.add_member(inspection, path)


def export_bundle(inspection: Inspection, path: Path, to_team: bool, progress=None) -> dict:
    return bundle.export_bundle(inspection, path, to_team=to_team, progress=progress)


def import_bundles(
    inspection: Inspection, paths: list[Path], progress=None
) -> list[tuple[Path, bundle.ImportResult | InspectorError]]:
    """Each bundle on its own (one bad bundle does not stop the others); errors are results.

    The bar moves with the bytes read across all the bundles; then, busy, while the notes are
    read back, so the views that follow have them at once instead of reading them unannounced.
    """
    results: list[tuple[Path, bundle.ImportResult | InspectorError]] = []
    for index, path in enumerate(paths):

        def step(read: int, size: int, index: int = index) -> None:
            if progress:
                progress(round(STEPS * (index + read / max(size, 1)) / len(paths)), STEPS)

        try:
            results.append((path, bundle.import_bundle(inspection, path, progress=step)))
        except InspectorError as exc:
            results.append((path, exc))
    if progress:
        progress(0, 0)  # busy: reading the notes back has no steps to count
    inspection.count()
    return results


def versions(inspection: Inspection, note_id: str) -> list[Version]:
    return inspection.versions(note_id)


def shown_version(inspection: Inspection, note_id: str) -> tuple[Version, list[Version]]:
    """Of a note in conflict, the version shown (``history.shown``) and the others."""
    versions = inspection.versions(note_id)
    head = history.shown([{"v": v.id, "at": v.at, "data": v.data} for v in versions])
    return (next(v for v in versions if v.id == head["v"]),
            [v for v in versions if v.id != head["v"]])


def resolve(inspection: Inspection, note_id: str, keep: str) -> Note:
    return inspection.resolve(note_id, keep)


def merge_edit(inspection: Inspection, note_id: str, text: str, version_id: str) -> Note:
    """The merged text, with the title, tags, details and photos of the version named,
    replaces every competing version."""
    return inspection.edit_note(
        note_id,
        merge_conflict=True,
        require_tags=False,
        **_merged(inspection, note_id, text, version_id),
    )


def keep_merged(inspection: Inspection, note_id: str, text: str, version_id: str) -> Note:
    """The merged text, not yet saved when the file locks, kept as one more version beside
    the others (with the title, tags, details and photos of the version named)."""
    return inspection.set_beside(note_id, **_merged(inspection, note_id, text, version_id))


def _merged(inspection: Inspection, note_id: str, text: str, version_id: str) -> dict:
    versions = {v.id: v for v in inspection.versions(note_id)}
    if version_id not in versions or versions[version_id].data.get("deleted"):
        raise InvalidInput(
            "That version is no longer one of the note's versions; close this view and open "
            "the conflict again."
        )
    data = versions[version_id].data
    shown = inspection.note(note_id)
    tags = {
        key: data[key]
        for key in ("title", "questions", "outcomes", "judgement", "children")
        if key in data
    }
    fields = {**{k: None for k in shown.fields}, **(data.get("fields") or {})}
    return {
        "text": text,
        "fields": fields,
        "attachments": list(data.get("attachments") or ()),
        **tags,
    }


# -- the inspection's details ------------------------------------------------------------------


def details(inspection: Inspection) -> tuple[InspectionInfo, list[DeadlineDate]]:
    info = inspection.info
    dates = inspection_deadlines(inspection.framework, info.on_site_end, info.wsoa == "required")
    return info, dates


def set_details(inspection: Inspection, changes: dict[str, Any]) -> tuple:
    inspection.set_details(**changes)
    return details(inspection)


# -- findings and the draft --------------------------------------------------------------------


def list_findings(inspection: Inspection) -> list[Finding]:
    return findings.findings(inspection)


def add_finding(inspection: Inspection, values: dict[str, Any]) -> Finding:
    """The new finding; the text kept for it while it had no evidence is dropped."""
    finding = findings.add_finding(inspection, **values)
    findings.keep_draft(inspection, "")
    return finding


def keep_finding_draft(inspection: Inspection, text: str) -> None:
    findings.keep_draft(inspection, text)


def finding_draft(inspection: Inspection) -> str:
    return findings.kept_draft(inspection)


def edit_finding(
    inspection: Inspection, finding_id: str, changes: dict[str, Any], base: Finding | None = None
) -> Finding:
    return findings.edit_finding(inspection, finding_id, base=base, **changes)


def join_existing(inspection: Inspection, card: Path) -> team.Member:
    return team.join_existing(inspection, card)


def finding_versions(inspection: Inspection, finding_id: str) -> list[Version]:
    return findings.versions(inspection, finding_id)


def resolve_finding(inspection: Inspection, finding_id: str, version_id: str) -> Finding:
    return findings.resolve(inspection, finding_id, version_id)[0]


def _settled(inspection: Inspection, finding_id: str) -> Finding:
    """The finding, if it is not in conflict: changed here, one version would be lost."""
    current = findings.finding(inspection, finding_id)
    if current.conflict:
        raise InConflict(
            "This finding is in conflict: keep one of its versions first, then change its "
            "evidence or its place."
        )
    return current


def add_evidence(inspection: Inspection, finding_id: str, note_ids: list[str]) -> Finding:
    current = _settled(inspection, finding_id)
    return findings.edit_finding(inspection, finding_id, evidence=[*current.evidence, *note_ids])


def remove_evidence(inspection: Inspection, finding_id: str, note_id: str) -> Finding:
    """A finding without one of its notes; the last one stays (a finding rests on evidence)."""
    current = _settled(inspection, finding_id)
    kept = [n for n in current.evidence if n != note_id]
    if not kept:
        raise InvalidInput(
            "A finding rests on at least one note; add another before removing this one."
        )
    return findings.edit_finding(inspection, finding_id, evidence=kept)


def reorder_findings(inspection: Inspection, finding_ids: list[str]) -> None:
    """Orders 1, 2, 3… in the given sequence; only findings whose place changed are written."""
    moved = [
        (order, finding_id)
        for order, finding_id in enumerate(finding_ids, start=1)
        if findings.finding(inspection, finding_id).order != order
    ]
    for _order, finding_id in moved:
        _settled(inspection, finding_id)  # before any is written: all move, or none
    for order, finding_id in moved:
        findings.edit_finding(inspection, finding_id, order=order)


def changed_elsewhere(inspection: Inspection) -> bool:
    """Whether another program wrote to the file since it was last read (it is read again)."""
    return inspection.refresh()


def delete_finding(inspection: Inspection, finding_id: str) -> Finding:
    return findings.delete_finding(inspection, finding_id)


def restore_finding(inspection: Inspection, finding: Finding) -> Finding:
    return findings.restore_finding(inspection, finding)


def write_draft(inspection: Inspection, path: Path, allow_names: bool, progress=None) -> list:
    from inspector_app.core.report import write_report  # python-docx only when drafting

    return write_report(inspection, path, allow_names=allow_names, progress=progress)


def change_passphrase(inspection: Inspection, current: str, new: str, kdf=None) -> None:
    inspection.change_passphrase(new, kdf, current=current)
