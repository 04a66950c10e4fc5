"""The fictional Northmoor inspection behind ``--demo``, built from ``resources/demo``."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

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
    """Create the demo inspection in ``folder`` (a new temporary folder by default)."""
    data = demo_data()
    folder = Path(folder or tempfile.mkdtemp(prefix="inspector-demo-"))
    path = folder / f"northmoor-demo{FILE_SUFFIX}"
    photos = {
        name: _draw_photo(folder / f"{name}.jpg", spec) for name, spec in data["photos"].items()
    }
    inspection, _ = Inspection.create(
        path, data["passphrase"], area=data["area"], inspector=data["inspector"], kdf=kdf
    )
    with inspection:
        for child in data["children"]:
            inspection.add_child(child["ref"])
        total = len(data["notes"])
        for done, note in enumerate(data["notes"], start=1):
            inspection.add_note(
                kind=note["kind"],
                questions=note["questions"],
                outcomes=note["outcomes"],
                judgement=note["judgement"],
                title=note.get("title", ""),
                text=note["text"],
                children=note.get("children", []),
                fields=note.get("fields", {}),
                photos=[photos[name] for name in note.get("photos", [])],
            )
            if progress:
                progress(done, total)
    for photo in photos.values():
        photo.unlink()
    return Demo(path, data["passphrase"])


def _draw_photo(path: Path, spec: dict) -> Path:
    image = Image.new("RGB", (spec["width"], spec["height"]), spec["colour"])
    draw = ImageDraw.Draw(image)
    w, h = image.size
    for i in range(0, w, max(w // 8, 1)):
        draw.rectangle([i, h * 2 // 3, i + w // 16, h - 1], fill="#f2efe6")
    draw.text((w // 20, h // 10), spec["label"], fill="white", font_size=max(h // 12, 12))
    image.save(path, "JPEG", quality=90)
    return path
