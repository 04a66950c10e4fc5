"""The lead's commands: findings, the Word draft and the inspection's details."""

from __future__ import annotations

import argparse
import sys

from inspector_app.cli.common import open_inspection, print_json, shown
from inspector_app.cli.notes import print_versions
from inspector_app.core import deadlines, findings, outfile
from inspector_app.core.errors import (
    InvalidInput,
    unchecked_sentence,
)
from inspector_app.core.store import Inspection


def cmd_finding_add(args: argparse.Namespace) -> int:
    with open_inspection(args) as inspection:
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
    with open_inspection(args) as inspection:
        item = findings.edit_finding(inspection, args.id, **changes)
    print(f"{item.id} revision {item.revision}")
    return 0


def cmd_finding_delete(args: argparse.Namespace) -> int:
    with open_inspection(args) as inspection:
        item = findings.delete_finding(inspection, args.id)
    print(f"Deleted finding {item.id}.")
    return 0


def cmd_finding_list(args: argparse.Namespace) -> int:
    with open_inspection(args) as inspection:
        items = findings.findings(inspection)
        fw = inspection.framework
    if args.json:
        print_json([f.to_json() for f in items])
        return 0
    if not items:
        print("No findings yet.", file=sys.stderr)
    for item in items:
        mark = "main " if item.main else ""
        conflict = "IN CONFLICT " if item.conflict else ""
        judgement = fw.label(fw.judgements, item.judgement)
        print(
            f"{item.id[:8]}  {item.question}  {conflict}{mark}{judgement}: {item.text[:70]} "
            f"({len(item.evidence)} note{'' if len(item.evidence) == 1 else 's'})"
        )
    return 0


def cmd_finding_show(args: argparse.Namespace) -> int:
    with open_inspection(args) as inspection:
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
    print_versions(versions)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from inspector_app.core.report import (  # python-docx only when drafting
        unchecked_register,
        write_report,
    )

    outfile.check_target(args.out, "draft")  # a database or a folder is named as such first
    if args.out.name.casefold() == ".docx":
        raise InvalidInput("The draft's name is only .docx; give a name such as "
                           "northmoor-draft.docx.")
    if args.out.suffix.casefold() != ".docx":
        raise InvalidInput(
            f"{args.out.name} does not end in .docx, so Word would not open it; give a name "
            "such as northmoor-draft.docx."
        )
    if args.out.is_file() and not args.replace:
        raise InvalidInput(
            f"{args.out} already exists and may have been edited since; give another name, or "
            "add --replace to write over it."
        )
    with open_inspection(args) as inspection:
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
    print(f"Draft written to {shown(args.out)}.")
    return 0


def cmd_inspection_set(args: argparse.Namespace) -> int:
    changes = {
        key: value
        for key, value in (
            ("area", args.area),
            ("on_site_start", args.on_site_start),
            ("on_site_end", args.on_site_end),
            ("wsoa", "" if args.wsoa == "undecided" else args.wsoa),
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
    with open_inspection(args) as inspection:
        inspection.set_details(**changes)
        _print_details(inspection, as_json=False)
    return 0


def cmd_inspection_show(args: argparse.Namespace) -> int:
    with open_inspection(args) as inspection:
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
        print_json(details)
        return
    print(
        f"{info.area}: on site {info.on_site_start or '?'} to {info.on_site_end or '?'}; "
        f"WSOA {info.wsoa.replace('-', ' ') or 'not decided'}"
    )
    for line in (*info.addressees, *info.team):
        print(f"  {line}")
    for date in dates:
        print(date.describe())
    if not dates:
        print("Deadlines appear once the last day on site is set (--on-site-end).")
    for doubt in deadlines.on_site_doubts(inspection.framework, info.on_site_start,
                                          info.on_site_end):
        print(doubt)
