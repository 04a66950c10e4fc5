"""Team sync on the command line: cards, joining, the roster and bundles."""

from __future__ import annotations

import argparse
import shlex
import sys

from inspector_app.cli.common import (
    open_inspection,
    read_passphrase,
    showing_the_key,
    shown,
)
from inspector_app.core import bundle, team
from inspector_app.core.errors import (
    BundleRejected,
    InspectorError,
    IntegrityError,
    InvalidInput,
)


def cmd_card(args: argparse.Namespace) -> int:
    with open_inspection(args) as inspection:
        fingerprint = team.write_card(inspection, args.out)
        kind = "Inspection card" if inspection.info.role == "lead" else "Member card"
    print(f"{kind} written to {shown(args.out)}. Fingerprint (read it aloud to check): "
          f"{fingerprint}")
    return 0


def cmd_join(args: argparse.Namespace) -> int:
    if args.file.is_file():  # made with 'new --role team' before the card came: it joins now
        with open_inspection(args) as inspection:
            if inspection.info.inspector.casefold() != args.inspector.strip().casefold():
                raise InvalidInput(
                    f"The notes in {args.file} are by {inspection.info.inspector}; join with "
                    f"--inspector \"{inspection.info.inspector}\"."
                )
            lead = team.join_existing(inspection, args.card)
            mine = team.fingerprint(inspection)
        done = f"{shown(args.file)} and the notes in it joined"
    else:
        passphrase = read_passphrase(args, confirm=True)
        inspection, _ = showing_the_key(lambda ready: team.join(
            args.file, args.card, args.inspector, passphrase, ready=ready))
        with inspection:
            lead = team.roster(inspection)[0]
            mine = team.fingerprint(inspection)
        done = f"created {shown(args.file)}"
    print(
        f"Joined the inspection of {inspection.info.area} led by {lead.name} "
        f"(lead's fingerprint {lead.fingerprint}); {done}."
    )
    print(
        f"Your fingerprint: {mine}. Send your card to the lead: "
        f"inspector-app card {shlex.quote(str(args.file))} --out my.card"
    )
    return 0


def cmd_team_add(args: argparse.Namespace) -> int:
    with open_inspection(args) as inspection:
        member = team.add_member(inspection, args.card)
    print(f"{member.name} is on the roster. Fingerprint (check it with them): {member.fingerprint}")
    return 0


def cmd_team_list(args: argparse.Namespace) -> int:
    with open_inspection(args) as inspection:
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
    with open_inspection(args) as inspection:
        header = bundle.export_bundle(inspection, args.out, to_team=args.to_team)
        names = {m.fingerprint: m.name for m in team.roster(inspection)}
    to = ", ".join(names.get(r["to"], r["to"]) for r in header["recipients"])
    print(f"Bundle #{header['seq']} written to {shown(args.out)} for {shown(to)}.")
    return 0


def cmd_bundle_import(args: argparse.Namespace) -> int:
    failed: list[InspectorError] = []
    with open_inspection(args) as inspection:
        for path in args.bundles:
            try:
                result = bundle.import_bundle(inspection, path)
            except InspectorError as exc:
                if len(args.bundles) == 1:
                    raise
                failed.append(exc)
                print(shown(f"{path}: not imported: {exc}"), file=sys.stderr)
                continue
            print(f"{shown(path)}: {result.describe()}")
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
        others = ("" if len(failed) == len(args.bundles) else "; the others were imported")
        raise (BundleRejected if refused else InvalidInput)(
            f"{len(failed)} of {len(args.bundles)} bundles were not imported (reasons above) and "
            f"nothing from them was{others}."
        )
    return 0
