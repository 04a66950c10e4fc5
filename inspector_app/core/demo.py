"""The fictional Northmoor inspection behind ``--demo``, built from ``resources/demo``."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from inspector_app.core import bundle, findings, team
from inspector_app.core.crypto import KdfParams
from inspector_app.core.paths import FILE_SUFFIX, resources_dir
from inspector_app.core.store import Inspection


@dataclass(frozen=True)
class Demo:
    path: Path
    passphrase: str


def demo_data() -> dict:
    return json.loads((resources_dir() / "demo" / "northmoor.json").read_text(encoding="utf-8"))


def build_demo(
    folder: Path | None = None,
    *,
    kdf: KdfParams | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Demo:
    """Create the demo inspection in ``folder`` (a new temporary folder by default): the lead's
    notes, a second inspector's merged in with one conflict, the inspection's details and the
    lead's findings so far."""
    data = demo_data()
    folder = Path(folder or tempfile.mkdtemp(prefix="inspector-demo-"))
    path = folder / f"northmoor-demo{FILE_SUFFIX}"
    photos = {
        name: _draw_photo(folder / f"{name}.jpg", spec) for name, spec in data["photos"].items()
    }
    lead, _ = Inspection.create(
        path, data["passphrase"], area=data["area"], inspector=data["inspector"], kdf=kdf
    )
    with lead:
        for child in data["children"]:
            lead.add_child(child["ref"])
        ids = []
        for done, note in enumerate(data["notes"], start=1):
            ids.append(lead.add_note(**_note_args(note, photos)).id)
            if progress:
                progress(done, len(data["notes"]))
        _team_work(lead, ids, data, folder, kdf)
        lead.set_details(**data["details"])
        for item in data["findings"]:
            findings.add_finding(
                lead,
                question=item["question"],
                judgement=item["judgement"],
                text=item["text"],
                evidence=[ids[n] for n in item["evidence"]],
                main=item["main"],
            )
    for photo in photos.values():
        photo.unlink()
    return Demo(path, data["passphrase"])


def _note_args(note: dict, photos: dict[str, Path]) -> dict:
    return {
        "kind": note["kind"],
        "questions": note["questions"],
        "outcomes": note["outcomes"],
        "judgement": note["judgement"],
        "title": note.get("title", ""),
        "text": note["text"],
        "children": note.get("children", []),
        "fields": note.get("fields", {}),
        "photos": [photos[name] for name in note.get("photos", [])],
    }


def _team_work(
    lead: Inspection, ids: list[str], data: dict, folder: Path, kdf: KdfParams | None
) -> None:
    """A second inspector joins, sends three notes and edits a note the lead edited too, so
    the demo has a roster, two authors and a conflict to resolve."""
    spec, conflict = data["member"], data["member"]["conflict"]
    card, member_card = folder / "northmoor.card", folder / "member.card"
    to_team, from_member = folder / "to-team.bundle", folder / "from-member.bundle"
    member_path = folder / f"member-demo{FILE_SUFFIX}"
    team.write_card(lead, card)
    member, _ = team.join(member_path, card, spec["inspector"], data["passphrase"], kdf=kdf)
    with member:
        team.write_card(member, member_card)
        team.add_member(lead, member_card)
        bundle.export_bundle(lead, to_team, to_team=True)
        bundle.import_bundle(member, to_team)
        for note in spec["notes"]:
            member.add_note(**_note_args(note, {}))
        shared = ids[conflict["note"]]
        lead.edit_note(shared, text=conflict["lead_text"])
        member.edit_note(shared, text=conflict["member_text"])
        bundle.export_bundle(member, from_member)
    bundle.import_bundle(lead, from_member)
    for leftover in (card, member_card, to_team, from_member, member_path):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{leftover}{suffix}").unlink(missing_ok=True)


def _draw_photo(path: Path, spec: dict) -> Path:
    image = Image.new("RGB", (spec["width"], spec["height"]), spec["colour"])
    draw = ImageDraw.Draw(image)
    w, h = image.size
    for i in range(0, w, max(w // 8, 1)):
        draw.rectangle([i, h * 2 // 3, i + w // 16, h - 1], fill="#f2efe6")
    draw.text((w // 20, h // 10), spec["label"], fill="white", font_size=max(h // 12, 12))
    image.save(path, "JPEG", quality=90)
    return path
