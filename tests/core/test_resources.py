"""What the app loads from resources/: found from a source tree and from a frozen build."""

from __future__ import annotations

import configparser
import sys
import tomllib
from pathlib import Path

from PIL import Image

from inspector_app.core import paths

ROOT = Path(__file__).resolve().parents[2]


def test_resources_come_from_the_source_tree_or_the_frozen_folder(monkeypatch, tmp_path):
    assert paths.resources_dir() == ROOT / "resources"
    assert (paths.frameworks_dir() / "send-2016.json").is_file()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resources_dir() == tmp_path / "resources"
    assert paths.icon_path() == tmp_path / "resources" / "icons" / "inspector-app.png"


def test_the_icon_is_a_square_png_large_enough_for_every_desktop():
    with Image.open(paths.icon_path()) as icon:
        assert icon.format == "PNG"
        assert icon.width == icon.height >= 256
        assert icon.mode == "RGBA"  # rounded corners need transparency


def test_the_desktop_entry_starts_the_installed_command_with_the_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(ROOT / "resources" / "inspector-app.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"].split()[0] in scripts
    assert desktop["Icon"] == paths.icon_path().stem
    assert desktop["Terminal"] == "false"
    assert desktop["Categories"].endswith(";")


def test_without_a_folder_for_inspections_the_dialogs_start_at_home(monkeypatch, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")  # a read-only or broken home: the folder cannot be made
    monkeypatch.setattr(paths.platformdirs, "user_data_dir", lambda *a, **k: str(blocked / "x"))
    assert paths.data_dir() == Path.home()
