"""Commands on notes, the child register and the file itself: new, add, edit, delete, show,
resolve, list, search, verify, passwd, child."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from inspector_app.cli.common import (
    NEW_PASSPHRASE_ENV,
    open_inspection,
    print_json,
    prompt,
    read_passphrase,
    showing_the_key,
    shown,
    valid_text,
)
from inspector_app.core import findings
from inspector_app.core.errors import (
    IntegrityError,
    InvalidInput,
    NameHeld,
    NotFound,
)
from inspector_app.core.index import NoteFilter
from inspector_app.core.models import Note, local_stamp
from inspector_app.core.store import Inspection
from inspector_app.core.timescales import check_timescales


def cmd_new(args: argparse.Namespace) -> int:
    passphrase = read_passphrase(args, confirm=True)
    if not passphrase:
        raise InvalidInput("The passphrase is empty; choose one of at least 8 characters.")
    inspection, _ = showing_the_key(lambda ready: Inspection.create(
        args.file,
        passphrase,
        area=args.area,
        inspector=args.inspector,
        role=args.role,
        framework_id=args.framework,
        ready=ready,
    ))
    inspection.close()
    print(f"Created {shown(args.file)} for {inspection.info.area}.")
    return 0


def _fields(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(f"'{pair}' is not NAME=VALUE, such as ehc_request=2024-01-15.")
        out[name.strip()] = value
    return out


def cmd_add(args: argparse.Namespace) -> int:
    with open_inspection(args) as inspection:
        note = inspection.add_note(
            kind=args.kind,
            questions=args.question,
            outcomes=args.outcome,
            judgement=args.judgement,
            text=args.text,
            title=args.title,
            children=args.child,
            fields=_fields(args.field),
            photos=args.photo,
        )
    print(note.id)
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    changes = {
        key: value
        for key, value in (
            ("questions", args.question),
            ("outcomes", args.outcome),
            ("judgement", args.judgement),
            ("text", args.text),
            ("title", args.title),
            ("children", args.child),
        )
        if value is not None
    }
    if args.field:
        changes["fields"] = _fields(args.field)
    if not changes and not args.photo:
        raise InvalidInput(
            "Nothing to change; give --text, --title, --judgement, --question, "
            "--outcome, --child, --field or --photo."
        )
    with open_inspection(args) as inspection:
        note = inspection.edit_note(args.id, photos=args.photo, **changes)
    print(f"{note.id} revision {note.revision}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with open_inspection(args) as inspection:
        note = inspection.delete_note(args.id)
    print(f"Deleted {note.id}.")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with open_inspection(args) as inspection:
        note = inspection.note(args.id)
        versions = inspection.versions(note.id) if note.conflict else []
        if args.json:
            entry = note.to_json()
            if versions:
                entry["versions"] = [
                    {"version": v.id, "by": v.by, "at": v.at, **v.data} for v in versions
                ]
            print_json([entry])
        else:
            print(_describe(inspection, note))
            print_versions(versions)
    return 0


def print_versions(versions: list) -> None:
    """A conflict's competing versions, each with what it holds where they differ."""
    if not versions:
        return
    print("\nIN CONFLICT: competing versions (keep one with 'resolve --keep'):")
    for version in versions:
        print(f"  {version.describe()}")
        others = [v for v in versions if v is not version]
        for what, value in version.differences(others):
            print(f"      {what}: {value}")


def cmd_resolve(args: argparse.Namespace) -> int:
    with open_inspection(args) as inspection:
        try:
            version = inspection.version_to_keep(args.id, args.keep)
        except NotFound:  # not a note: a finding, or neither
            try:
                item, version = findings.resolve(inspection, args.id, args.keep)
            except NotFound:
                raise NotFound(
                    f"There is no note or finding '{args.id}' in this inspection; 'list' and "
                    "'finding list' show the ids."
                ) from None
            what, record_id = "finding", item.id
        else:
            what, record_id = "note", inspection.resolve(args.id, version.id).id
    if version.data.get("deleted"):
        print(f"Kept version {version.short} of {record_id}, {version.by}'s deletion: the {what} "
              "is deleted; the conflict is resolved.")
    else:
        print(f"Kept version {version.short} of {record_id} (by {version.by}); the conflict is "
              "resolved.")
    return 0


def _describe(inspection: Inspection, note: Note) -> str:
    fw = inspection.framework
    kind = fw.kind(note.kind)
    lines = [
        f"{note.heading}",
        f"  id:         {note.id} (revision {note.revision})",
        f"  kind:       {kind.label}",
        f"  author:     {note.author}",
        f"  questions:  {', '.join(note.questions)}",
        f"  outcomes:   {'; '.join(fw.label(fw.outcomes, o) for o in note.outcomes)}",
        f"  judgement:  {fw.label(fw.judgements, note.judgement)}",
        f"  created:    {local_stamp(note.created_at)}   updated: {local_stamp(note.updated_at)}",
    ]
    if note.children:
        lines.append(f"  children:   {', '.join(note.children)}")
    for field in kind.fields:
        value = note.fields.get(field.id)
        if value not in (None, "", []):
            shown = ", ".join(value) if isinstance(value, list) else value
            lines.append(f"  {field.label}: {shown}")
    for check in check_timescales(fw, note.fields, inspection.info.on_site_start):
        lines.append(f"  timescale:  {check.describe()}")
    if note.attachments:
        lines.append(f"  photos:     {len(note.attachments)}")
    lines += ["", note.text]
    return "\n".join(lines)


def _print_rows(notes: list[Note]) -> None:
    if not notes:
        print("No notes match.", file=sys.stderr)
    for note in notes:
        tags = f"{','.join(note.questions)} {','.join(note.outcomes)}"
        conflict = "IN CONFLICT " if note.conflict else ""  # as 'finding list' marks one
        print(f"{note.id[:8]}  {note.kind:<11} {note.judgement:<11} {tags:<40} "
              f"{conflict}{note.heading[:60]}")


def cmd_list(args: argparse.Namespace) -> int:
    where = NoteFilter(
        question=args.question, outcome=args.outcome, kind=args.kind, judgement=args.judgement
    )
    with open_inspection(args) as inspection:
        notes = inspection.notes(where)
    print_json([n.to_json() for n in notes]) if args.json else _print_rows(notes)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    with open_inspection(args) as inspection:
        notes = inspection.notes(NoteFilter(text=args.query))
    print_json([n.to_json() for n in notes]) if args.json else _print_rows(notes)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    report = Inspection.verify_file(args.file, read_passphrase(args))
    if report.ok:
        print(
            f"OK: {report.records} records, {report.chunks} photo chunks and "
            f"{report.audit_entries} audit entries verified."
        )
        return 0
    for problem in report.problems:
        print(problem, file=sys.stderr)
    raise IntegrityError(
        f"{len(report.problems)} problem(s) found; the records listed above are damaged or were "
        "changed outside the app; restore them from a backup or a team bundle."
    )


def cmd_passwd(args: argparse.Namespace) -> int:
    current = read_passphrase(args)
    with Inspection.open(args.file, current) as inspection:
        new = os.environ.get(NEW_PASSPHRASE_ENV) or prompt(
            "New passphrase: ", confirm=True, env=NEW_PASSPHRASE_ENV
        )
        valid_text(new, NEW_PASSPHRASE_ENV)
        # Checked again as the file is then: another program may have changed it meanwhile.
        inspection.change_passphrase(new, current=current)
    print("Passphrase changed; the recovery key still works.")
    return 0


def cmd_child_add(args: argparse.Namespace) -> int:
    with open_inspection(args) as inspection:
        before = dict(inspection.children)
        try:
            child = inspection.add_child(args.ref, args.name, replace_name=args.replace)
        except NameHeld as exc:
            raise NameHeld(f"{str(exc).rstrip('.')}; if that one is wrong, run again with "
                           "--replace.") from exc
    if before.get(child.ref) == child:
        print(f"{child.ref} is already in the register; nothing changed.")
    else:
        print(f"{child.ref} is in the register" + (" with a real name." if child.name else "."))
    return 0


def cmd_child_list(args: argparse.Namespace) -> int:
    with open_inspection(args) as inspection:
        for child in sorted(inspection.children.values(), key=lambda c: c.ref):
            name = child.name if args.reveal else ("(name held)" if child.name else "")
            print(f"{child.ref}\t{name}".rstrip())
    return 0
