"""The command line: a contract that scripts and tests rely on (see DESIGN.md).

Errors become one sentence on stderr and an exit code, in one place (``main``): 2 bad usage or
input, 3 wrong passphrase, 4 integrity failure.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from inspector_app import __version__
from inspector_app.cli.common import NEW_PASSPHRASE_ENV, PASSPHRASE_ENV, valid_text
from inspector_app.cli.findings import (
    cmd_finding_add,
    cmd_finding_delete,
    cmd_finding_edit,
    cmd_finding_list,
    cmd_finding_show,
    cmd_inspection_set,
    cmd_inspection_show,
    cmd_report,
)
from inspector_app.cli.notes import (
    cmd_add,
    cmd_child_add,
    cmd_child_list,
    cmd_delete,
    cmd_edit,
    cmd_list,
    cmd_new,
    cmd_passwd,
    cmd_resolve,
    cmd_search,
    cmd_show,
    cmd_verify,
)
from inspector_app.cli.sync import (
    cmd_bundle_export,
    cmd_bundle_import,
    cmd_card,
    cmd_join,
    cmd_team_add,
    cmd_team_list,
)
from inspector_app.core import framework as frameworks
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import without_hidden
from inspector_app.core.store import ROLES


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _start_gui(args)
    for stream in (sys.stdout, sys.stderr):  # a terminal that is not UTF-8 shows "?" for "—"
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        _check_text(args)
        return args.run(args) or 0
    except InspectorError as exc:  # a file's name in it may hold a terminal's control codes
        print(f"inspector-app: {without_hidden(str(exc))}", file=sys.stderr)
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
        print(f"inspector-app: {without_hidden(f'{exc.strerror or exc}{where}')}.",
              file=sys.stderr)
        return 2


def _check_text(args: argparse.Namespace) -> None:
    """Refuse text a terminal that is not UTF-8 passed as bytes Python could not read: kept,
    "Chloé" would become "Chlo��" and a child's name would slip past the names check."""
    for name, value in vars(args).items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                valid_text(item, f"--{name.replace('_', '-')}")


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
        "--replace",
        action="store_true",
        help="write over a file of that name (a draft someone may have edited)",
    )
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
    p.add_argument("--wsoa", choices=("required", "not-required", "undecided"),
                   help="whether a written statement of action is required (undecided: "
                   "not decided yet)")
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
