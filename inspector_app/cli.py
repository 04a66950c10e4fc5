"""The command line: a contract that scripts and tests rely on (see DESIGN.md).

Errors become one sentence on stderr and an exit code, in one place (``main``): 2 bad usage or
input, 3 wrong passphrase, 4 integrity failure.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from inspector_app import __version__
from inspector_app.core import bundle, deadlines, findings, team
from inspector_app.core import framework as frameworks
from inspector_app.core.errors import (
    BundleRejected,
    InspectorError,
    IntegrityError,
    InvalidInput,
    NameHeld,
    NotFound,
    unchecked_sentence,
)
from inspector_app.core.index import NoteFilter
from inspector_app.core.models import Note
from inspector_app.core.store import ROLES, Inspection
from inspector_app.core.timescales import check_timescales

PASSPHRASE_ENV = "INSPECTOR_APP_PASSPHRASE"
MAX_PASSPHRASE_FILE = 4096  # bytes: far more than any passphrase, far less than a mistake
NEW_PASSPHRASE_ENV = "INSPECTOR_APP_NEW_PASSPHRASE"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _start_gui(args)
    try:
        return args.run(args) or 0
    except InspectorError as exc:
        print(f"inspector-app: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("inspector-app: stopped; nothing unsaved was written.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``); what was saved is saved, so exit quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a path the system refuses where no check expected it
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"inspector-app: {exc.strerror or exc}{where}.", file=sys.stderr)
        return 2


def _start_gui(args: argparse.Namespace) -> int:
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY"))
    ):  # Qt would abort the process with its own messages
        print(
            "inspector-app: there is no display to show the app on; run it from the desktop, "
            "or use the command line (--help).",
            file=sys.stderr,
        )
        return 2
    try:
        from inspector_app.gui.app import run
    except ImportError as exc:  # Qt's shared libraries are missing on this machine
        print(
            f"inspector-app: the desktop app cannot start ({exc}); install Qt's system "
            "libraries as the README says, or use the command line (--help).",
            file=sys.stderr,
        )
        return 2
    return run(demo=args.demo)


# -- parsing ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inspector-app",
        description="Encrypted evidence capture for joint local area SEND inspections.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--demo", action="store_true", help="open a fictional inspection")
    parser.set_defaults(command=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("file", type=Path, metavar="FILE", help="the .inspection file")
    common.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="PATH",
        help=f"read the passphrase from a file (else ${PASSPHRASE_ENV} or a prompt)",
    )

    def command(name: str, run, help: str, parents=(common,)) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=list(parents), help=help, description=help)
        p.set_defaults(run=run)
        return p

    p = command("new", cmd_new, "create an inspection file")
    p.add_argument("--area", required=True, help="the local area's name")
    p.add_argument("--inspector", required=True, help="your name as it appears on notes")
    p.add_argument("--role", choices=ROLES, default="lead")
    p.add_argument(
        "--framework",
        default=frameworks.DEFAULT_FRAMEWORK,
        help=f"framework id (available: {', '.join(frameworks.available())})",
    )

    p = command("add", cmd_add, "add a note; prints its id")
    p.add_argument(
        "--kind",
        required=True,
        help="case-review, meeting, visit or document (as the framework names them)",
    )
    _tag_options(p, required=True)
    p.add_argument("--text", required=True)
    p.add_argument("--title", default="")
    p.add_argument(
        "--child",
        action="append",
        default=[],
        metavar="REF",
        help="a child's pseudonym, such as 'Child A' (repeatable)",
    )
    p.add_argument("--photo", action="append", default=[], type=Path, metavar="PATH")
    p.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a field of the kind, such as ehc_request=2024-01-15 (repeatable)",
    )

    p = command("edit", cmd_edit, "change a note")
    p.add_argument("id")
    _tag_options(p, required=False)
    p.add_argument("--text")
    p.add_argument("--title")
    p.add_argument("--child", action="append", metavar="REF")
    p.add_argument("--photo", action="append", default=[], type=Path, metavar="PATH")
    p.add_argument("--field", action="append", default=[], metavar="NAME=VALUE")

    p = command("delete", cmd_delete, "delete a note")
    p.add_argument("id")

    p = command("show", cmd_show, "show one note")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")

    p = command("list", cmd_list, "list notes, newest first")
    p.add_argument("--question")
    p.add_argument("--outcome")
    p.add_argument("--kind")
    p.add_argument("--judgement")
    p.add_argument("--json", action="store_true")

    p = command("search", cmd_search, "full-text search; every word must match")
    p.add_argument("query")
    p.add_argument("--json", action="store_true")

    command("verify", cmd_verify, "check every record, photo and the audit chain")
    command(
        "passwd",
        cmd_passwd,
        f"change the passphrase (new one from ${NEW_PASSPHRASE_ENV} or a prompt)",
    )

    p = command(
        "resolve", cmd_resolve, "end a conflict by keeping one version of a note or a finding"
    )
    p.add_argument("id", help="a note's id, or a finding's (a prefix is enough)")
    p.add_argument(
        "--keep",
        required=True,
        metavar="VERSION",
        help="the version to keep, as 'show' or 'finding show' lists them (a prefix is enough)",
    )

    p = command("card", cmd_card, "write this file's card (the inspection card from the lead)")
    p.add_argument("--out", required=True, type=Path, metavar="CARD")

    p = command(
        "join",
        cmd_join,
        "create your file for an inspection from the lead's card (or join a file made with "
        "'new --role team')",
    )
    p.add_argument("--card", required=True, type=Path, metavar="CARD")
    p.add_argument("--inspector", required=True, help="your name as it appears on notes")

    group = sub.add_parser("team", help="the lead's roster of team members")
    group_sub = group.add_subparsers(dest="team_command", metavar="COMMAND", required=True)
    p = group_sub.add_parser("add", parents=[common], help="add a member's card to the roster")
    p.set_defaults(run=cmd_team_add)
    p.add_argument("card", type=Path, metavar="CARD")
    p = group_sub.add_parser("list", parents=[common], help="the roster, with fingerprints")
    p.set_defaults(run=cmd_team_list)

    group = sub.add_parser("bundle", help="sync bundles between the team and the lead")
    group_sub = group.add_subparsers(dest="bundle_command", metavar="COMMAND", required=True)
    p = group_sub.add_parser("export", parents=[common], help="write a bundle of this file")
    p.set_defaults(run=cmd_bundle_export)
    p.add_argument("--out", required=True, type=Path, metavar="BUNDLE")
    p.add_argument(
        "--to-team",
        action="store_true",
        help="encrypt to the lead and every roster member (the lead's evening bundle)",
    )
    p = group_sub.add_parser("import", parents=[common], help="check and merge bundles")
    p.set_defaults(run=cmd_bundle_import)
    p.add_argument("bundles", nargs="+", type=Path, metavar="BUNDLE")

    group = sub.add_parser("finding", help="the lead's findings, resting on notes")
    group_sub = group.add_subparsers(dest="finding_command", metavar="COMMAND", required=True)
    p = group_sub.add_parser("add", parents=[common], help="add a finding; prints its id")
    p.set_defaults(run=cmd_finding_add)
    _finding_options(p, required=True)
    p = group_sub.add_parser("edit", parents=[common], help="change a finding")
    p.set_defaults(run=cmd_finding_edit)
    p.add_argument("id")
    _finding_options(p, required=False)
    p = group_sub.add_parser("delete", parents=[common], help="delete a finding")
    p.set_defaults(run=cmd_finding_delete)
    p.add_argument("id")
    p = group_sub.add_parser("list", parents=[common], help="findings by question")
    p.set_defaults(run=cmd_finding_list)
    p.add_argument("--json", action="store_true")
    p = group_sub.add_parser(
        "show", parents=[common], help="one finding; in conflict, every competing version"
    )
    p.set_defaults(run=cmd_finding_show)
    p.add_argument("id")

    p = command("report", cmd_report, "write the Word draft of findings")
    p.add_argument("--out", required=True, type=Path, metavar="DRAFT.docx")
    p.add_argument(
        "--allow-names",
        action="store_true",
        help="write it even if a child's real name is found (you will check it)",
    )

    group = sub.add_parser("inspection", help="the inspection's details and deadlines")
    group_sub = group.add_subparsers(dest="inspection_command", metavar="COMMAND", required=True)
    p = group_sub.add_parser("set", parents=[common], help="change the inspection's details")
    p.set_defaults(run=cmd_inspection_set)
    p.add_argument("--area")
    p.add_argument("--on-site-start", metavar="DATE")
    p.add_argument("--on-site-end", metavar="DATE")
    p.add_argument("--wsoa", choices=("required", "not-required"))
    p.add_argument(
        "--addressee",
        action="append",
        metavar="TEXT",
        help="who the letter is addressed to (repeatable; replaces the list)",
    )
    p.add_argument(
        "--team",
        action="append",
        metavar="'NAME, ROLE'",
        help="an inspector as the letter lists them (repeatable; replaces the list)",
    )
    p = group_sub.add_parser("show", parents=[common], help="details and deadlines")
    p.set_defaults(run=cmd_inspection_show)
    p.add_argument("--json", action="store_true")

    child = sub.add_parser("child", help="the child register (pseudonyms and real names)")
    child_sub = child.add_subparsers(dest="child_command", metavar="COMMAND", required=True)
    p = child_sub.add_parser("add", parents=[common], help="add a pseudonym to the register")
    p.set_defaults(run=cmd_child_add)
    p.add_argument("--ref", required=True, help="the pseudonym, such as 'Child A'")
    p.add_argument("--name", default="", help="the real name, kept sealed; never exported")
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace the real name the register already keeps (an empty --name forgets it)",
    )
    p = child_sub.add_parser("list", parents=[common], help="list the register")
    p.set_defaults(run=cmd_child_list)
    p.add_argument("--reveal", action="store_true", help="show real names too")
    return parser


def _finding_options(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--question", required=required, metavar="Q", help="A, B or C")
    p.add_argument("--judgement", required=required, help="strength, development or weakness")
    p.add_argument("--text", required=required)
    p.add_argument(
        "--evidence",
        nargs="+",
        required=required,
        metavar="ID",
        help="the notes it rests on (ids or id prefixes)",
    )
    p.add_argument(
        "--main",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="a main finding (or --no-main)",
    )
    p.add_argument("--order", type=int, help="its place among findings of its kind")


def _tag_options(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument(
        "--question", action="append", required=required, metavar="Q", help="A, B or C (repeatable)"
    )
    p.add_argument(
        "--outcome",
        action="append",
        required=required,
        metavar="CODE",
        help="an outcome category or evidence theme code (repeatable)",
    )
    p.add_argument(
        "--judgement", required=required, help="strength, development, weakness or context"
    )


# -- passphrases -----------------------------------------------------------------------------


def read_passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str:
    if args.passphrase_file:
        try:
            with open(args.passphrase_file, "rb") as handle:  # never more than a passphrase
                raw = handle.read(MAX_PASSPHRASE_FILE + 1)
            if len(raw) > MAX_PASSPHRASE_FILE:
                raise InvalidInput(
                    f"The passphrase file {args.passphrase_file} is too large to hold a "
                    "passphrase; give the file that holds only the passphrase."
                )
            return raw.decode("utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(
                f"The passphrase file {args.passphrase_file} cannot be read."
            ) from exc
    if os.environ.get(PASSPHRASE_ENV):
        return _valid_text(os.environ[PASSPHRASE_ENV], PASSPHRASE_ENV)
    return _prompt("Passphrase: ", confirm, PASSPHRASE_ENV)


def _valid_text(value: str, where: str) -> str:
    # Checked, not encoded: an encoding error would quote the secret in its message.
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise InvalidInput(
            f"{where} holds bytes that are not valid text; check the terminal's encoding."
        )
    return value


def _prompt(label: str, confirm: bool, env: str) -> str:
    if not sys.stdin.isatty():
        if env == NEW_PASSPHRASE_ENV:
            raise InvalidInput(f"No new passphrase given; set {env}, or run this in a terminal.")
        raise InvalidInput(f"No passphrase given; set {env} or use --passphrase-file.")
    first = getpass.getpass(label)
    if confirm and getpass.getpass("Again: ") != first:
        raise InvalidInput("The two passphrases differ; nothing was changed.")
    return first


def _open(args: argparse.Namespace) -> Inspection:
    inspection = Inspection.open(args.file, read_passphrase(args))
    if inspection.damaged:
        print(
            f"inspector-app: warning: {len(inspection.damaged)} damaged record(s) were "
            "skipped; run 'verify' to name them.",
            file=sys.stderr,
        )
    return inspection


# -- commands --------------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    passphrase = read_passphrase(args, confirm=True)
    if not passphrase:
        raise InvalidInput("The passphrase is empty; choose one of at least 8 characters.")
    inspection, recovery_key = Inspection.create(
        args.file,
        passphrase,
        area=args.area,
        inspector=args.inspector,
        role=args.role,
        framework_id=args.framework,
    )
    inspection.close()
    print(f"Created {args.file} for {inspection.info.area}.")
    if recovery_key:
        print(f"Recovery key (shown only now; keep it apart from the laptop): {recovery_key}")
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
    with _open(args) as inspection:
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
    with _open(args) as inspection:
        note = inspection.edit_note(args.id, photos=args.photo, **changes)
    print(f"{note.id} revision {note.revision}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with _open(args) as inspection:
        note = inspection.delete_note(args.id)
    print(f"Deleted {note.id}.")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with _open(args) as inspection:
        note = inspection.note(args.id)
        versions = inspection.versions(note.id) if note.conflict else []
        if args.json:
            entry = note.to_json()
            if versions:
                entry["versions"] = [
                    {"version": v.id, "by": v.by, "at": v.at, **v.data} for v in versions
                ]
            json.dump([entry], sys.stdout, ensure_ascii=False, indent=2)
            print()
        else:
            print(_describe(inspection, note))
            _print_versions(versions)
    return 0


def _print_versions(versions: list) -> None:
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
    with _open(args) as inspection:
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


def cmd_card(args: argparse.Namespace) -> int:
    with _open(args) as inspection:
        fingerprint = team.write_card(inspection, args.out)
        kind = "Inspection card" if inspection.info.role == "lead" else "Member card"
    print(f"{kind} written to {args.out}. Fingerprint (read it aloud to check): {fingerprint}")
    return 0


def cmd_join(args: argparse.Namespace) -> int:
    if args.file.is_file():  # made with 'new --role team' before the card came: it joins now
        with _open(args) as inspection:
            if inspection.info.inspector.casefold() != args.inspector.strip().casefold():
                raise InvalidInput(
                    f"The notes in {args.file} are by {inspection.info.inspector}; join with "
                    f"--inspector \"{inspection.info.inspector}\"."
                )
            lead = team.join_existing(inspection, args.card)
            mine = team.fingerprint(inspection)
        recovery_key, done = "", f"{args.file} and the notes in it joined"
    else:
        passphrase = read_passphrase(args, confirm=True)
        inspection, recovery_key = team.join(args.file, args.card, args.inspector, passphrase)
        with inspection:
            lead = team.roster(inspection)[0]
            mine = team.fingerprint(inspection)
        done = f"created {args.file}"
    print(
        f"Joined the inspection of {inspection.info.area} led by {lead.name} "
        f"(lead's fingerprint {lead.fingerprint}); {done}."
    )
    print(
        f"Your fingerprint: {mine}. Send your card to the lead: "
        f"inspector-app card {shlex.quote(str(args.file))} --out my.card"
    )
    if recovery_key:
        print(f"Recovery key (shown only now; keep it apart from the laptop): {recovery_key}")
    return 0


def cmd_team_add(args: argparse.Namespace) -> int:
    with _open(args) as inspection:
        member = team.add_member(inspection, args.card)
    print(f"{member.name} is on the roster. Fingerprint (check it with them): {member.fingerprint}")
    return 0


def cmd_team_list(args: argparse.Namespace) -> int:
    with _open(args) as inspection:
        print(
            f"This file: {inspection.info.inspector} ({inspection.info.role}), "
            f"fingerprint {team.fingerprint(inspection)}"
        )
        for member in team.roster(inspection):
            last = member.last_bundle
            seen = f"last bundle #{last[0]} imported {last[2]}" if last else "no bundle yet"
            print(f"{member.fingerprint}  {member.role:<5} {member.name}  ({seen})")
    return 0


def cmd_bundle_export(args: argparse.Namespace) -> int:
    with _open(args) as inspection:
        header = bundle.export_bundle(inspection, args.out, to_team=args.to_team)
        names = {m.fingerprint: m.name for m in team.roster(inspection)}
    to = ", ".join(names.get(r["to"], r["to"]) for r in header["recipients"])
    print(f"Bundle #{header['seq']} written to {args.out} for {to}.")
    return 0


def cmd_bundle_import(args: argparse.Namespace) -> int:
    failed: list[InspectorError] = []
    with _open(args) as inspection:
        for path in args.bundles:
            try:
                result = bundle.import_bundle(inspection, path)
            except InspectorError as exc:
                if len(args.bundles) == 1:
                    raise
                failed.append(exc)
                print(f"{path}: not imported: {exc}", file=sys.stderr)
                continue
            print(f"{path}: {result.describe()}")
            for note_id in result.conflicts:
                print(f"  in conflict: {note_id} (see 'show', then 'resolve --keep')")
            for finding_id in result.finding_conflicts:
                print(
                    f"  finding in conflict: {finding_id} (an edit with 'finding edit' settles it)"
                )
    if failed:
        # A bundle refused for what it holds is an integrity failure (exit 4); a path that
        # cannot be read is only bad input (exit 2).
        refused = any(isinstance(exc, BundleRejected | IntegrityError) for exc in failed)
        raise (BundleRejected if refused else InvalidInput)(
            f"{len(failed)} of {len(args.bundles)} bundles were not imported (reasons above) and "
            "nothing from them was; the others were imported."
        )
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
        f"  created:    {note.created_at}   updated: {note.updated_at}",
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
        print(f"{note.id[:8]}  {note.kind:<11} {note.judgement:<11} {tags:<40} {note.heading[:60]}")


def _print_json(notes: list[Note]) -> None:
    json.dump([n.to_json() for n in notes], sys.stdout, ensure_ascii=False, indent=2)
    print()


def cmd_list(args: argparse.Namespace) -> int:
    where = NoteFilter(
        question=args.question, outcome=args.outcome, kind=args.kind, judgement=args.judgement
    )
    with _open(args) as inspection:
        notes = inspection.notes(where)
    _print_json(notes) if args.json else _print_rows(notes)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    with _open(args) as inspection:
        notes = inspection.notes(NoteFilter(text=args.query))
    _print_json(notes) if args.json else _print_rows(notes)
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
        "changed outside the app. Restore them from a backup or a team bundle."
    )


def cmd_passwd(args: argparse.Namespace) -> int:
    with _open(args) as inspection:
        new = os.environ.get(NEW_PASSPHRASE_ENV) or _prompt(
            "New passphrase: ", confirm=True, env=NEW_PASSPHRASE_ENV
        )
        _valid_text(new, NEW_PASSPHRASE_ENV)
        inspection.change_passphrase(new)
    print("Passphrase changed; the recovery key still works.")
    return 0


def cmd_finding_add(args: argparse.Namespace) -> int:
    with _open(args) as inspection:
        item = findings.add_finding(
            inspection,
            question=args.question,
            judgement=args.judgement,
            text=args.text,
            evidence=args.evidence,
            main=bool(args.main),
            order=args.order,
        )
    print(item.id)
    return 0


def cmd_finding_edit(args: argparse.Namespace) -> int:
    changes = {
        key: value
        for key, value in (
            ("question", args.question),
            ("judgement", args.judgement),
            ("text", args.text),
            ("evidence", args.evidence),
            ("main", args.main),
            ("order", args.order),
        )
        if value is not None
    }
    if not changes:
        raise InvalidInput(
            "Nothing to change; give --question, --judgement, --text, "
            "--evidence, --main/--no-main or --order."
        )
    with _open(args) as inspection:
        item = findings.edit_finding(inspection, args.id, **changes)
    print(f"{item.id} revision {item.revision}")
    return 0


def cmd_finding_delete(args: argparse.Namespace) -> int:
    with _open(args) as inspection:
        item = findings.delete_finding(inspection, args.id)
    print(f"Deleted finding {item.id}.")
    return 0


def cmd_finding_list(args: argparse.Namespace) -> int:
    with _open(args) as inspection:
        items = findings.findings(inspection)
        fw = inspection.framework
    if args.json:
        json.dump([f.to_json() for f in items], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not items:
        print("No findings yet.", file=sys.stderr)
    for item in items:
        mark = "main " if item.main else ""
        conflict = "IN CONFLICT " if item.conflict else ""
        judgement = fw.label(fw.judgements, item.judgement)
        print(
            f"{item.id[:8]}  {item.question}  {conflict}{mark}{judgement}: {item.text[:70]} "
            f"({len(item.evidence)} notes)"
        )
    return 0


def cmd_finding_show(args: argparse.Namespace) -> int:
    with _open(args) as inspection:
        item = findings.finding(inspection, args.id)
        versions = findings.versions(inspection, item.id) if item.conflict else []
        fw = inspection.framework
    print(f"Finding {item.id} (revision {item.revision})")
    print(f"  question:   {item.question}")
    main = " (a main finding)" if item.main else ""
    print(f"  judgement:  {fw.label(fw.judgements, item.judgement)}{main}")
    print(f"  author:     {item.author}")
    print(f"  evidence:   {', '.join(e[:8] for e in item.evidence)}")
    print()
    print(item.text)
    _print_versions(versions)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from inspector_app.core.report import (  # python-docx only when drafting
        unchecked_register,
        write_report,
    )

    with _open(args) as inspection:
        allowed = write_report(inspection, args.out, allow_names=args.allow_names)
        unchecked = unchecked_register(inspection) if args.allow_names else 0
        unsettled = [f for f in findings.findings(inspection) if f.conflict]
    for item in unsettled:
        print(
            f"warning: finding {item.id[:8]} is in conflict; the draft has its newest version "
            "(see 'finding show')",
            file=sys.stderr,
        )
    if unchecked:
        print(
            f"warning: {unchecked_sentence(unchecked)}; written because of --allow-names",
            file=sys.stderr,
        )
    for hit in allowed:
        print(f"warning: {hit.describe()} (written because of --allow-names)", file=sys.stderr)
    print(f"Draft written to {args.out}.")
    return 0


def cmd_inspection_set(args: argparse.Namespace) -> int:
    changes = {
        key: value
        for key, value in (
            ("area", args.area),
            ("on_site_start", args.on_site_start),
            ("on_site_end", args.on_site_end),
            ("wsoa", args.wsoa),
            ("addressees", args.addressee),
            ("team", args.team),
        )
        if value is not None
    }
    if not changes:
        raise InvalidInput(
            "Nothing to set; give --area, --on-site-start, --on-site-end, "
            "--wsoa, --addressee or --team."
        )
    with _open(args) as inspection:
        inspection.set_details(**changes)
        _print_details(inspection, as_json=False)
    return 0


def cmd_inspection_show(args: argparse.Namespace) -> int:
    with _open(args) as inspection:
        _print_details(inspection, as_json=args.json)
    return 0


def _print_details(inspection: Inspection, as_json: bool) -> None:
    info = inspection.info
    dates = deadlines.inspection_deadlines(
        inspection.framework, info.on_site_end, info.wsoa == "required"
    )
    if as_json:
        details = {
            **info.to_payload(),
            "deadlines": {d.deadline.id: d.date.isoformat() for d in dates},
        }
        json.dump(details, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return
    print(
        f"{info.area}: on site {info.on_site_start or '?'} to {info.on_site_end or '?'}; "
        f"WSOA {info.wsoa or 'not decided'}"
    )
    for line in (*info.addressees, *info.team):
        print(f"  {line}")
    for date in dates:
        print(date.describe())
    if not dates:
        print("Deadlines appear once the last day on site is set (--on-site-end).")


def cmd_child_add(args: argparse.Namespace) -> int:
    with _open(args) as inspection:
        before = dict(inspection.children)
        try:
            child = inspection.add_child(args.ref, args.name, replace_name=args.replace)
        except NameHeld as exc:
            raise NameHeld(f"{exc} If that one is wrong, run again with --replace.") from exc
    if before.get(child.ref) == child:
        print(f"{child.ref} is already in the register; nothing changed.")
    else:
        print(f"{child.ref} is in the register" + (" with a real name." if child.name else "."))
    return 0


def cmd_child_list(args: argparse.Namespace) -> int:
    with _open(args) as inspection:
        for child in sorted(inspection.children.values(), key=lambda c: c.ref):
            name = child.name if args.reveal else ("(name held)" if child.name else "")
            print(f"{child.ref}\t{name}".rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
