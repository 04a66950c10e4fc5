"""The installer: build_installer.spec is built with PyInstaller, and the frozen executable is
run with a clean environment and no Python on PATH, as on an inspector's laptop.

One build (about half a minute) serves every test here; they are marked slow and CI runs them.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from docx import Document
from PIL import Image

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="checks the Linux build's layout"),
]

ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "a frozen passphrase of five words"
SIZE_GOAL_MB = 250


@pytest.fixture(scope="module")
def frozen(tmp_path_factory) -> Path:
    """dist/inspector-app/ built from the spec into a scratch folder; the executable's path."""
    if importlib.util.find_spec("PyInstaller") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PyInstaller is not installed; the test extra must install it")
        pytest.skip("PyInstaller is not installed")
    scratch = tmp_path_factory.mktemp("installer")
    build = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(scratch / "dist"), "--workpath", str(scratch / "build"),
         str(ROOT / "build_installer.spec")],
        capture_output=True, text=True, timeout=900, cwd=scratch,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    executable = scratch / "dist" / "inspector-app" / "inspector-app"
    assert executable.is_file()
    return executable


@pytest.fixture
def clean_env(tmp_path) -> dict[str, str]:
    """Nothing from this test run: a new home, temporary folder and a PATH with no Python."""
    nothing = tmp_path / "empty-path"
    nothing.mkdir()
    env = {
        "HOME": str(tmp_path / "home"),
        "TMPDIR": str(tmp_path / "tmp"),
        "PATH": str(nothing),
        "LANG": "C.UTF-8",
        "INSPECTOR_APP_PASSPHRASE": PASSPHRASE,
    }
    for folder in ("home", "tmp"):
        (tmp_path / folder).mkdir()
    assert shutil.which("python3", path=env["PATH"]) is None
    assert shutil.which("python", path=env["PATH"]) is None
    return env


def run(frozen: Path, *args, env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run(
        [str(frozen), *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd,
        timeout=120, stdin=subprocess.DEVNULL,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_version_is_the_one_in_pyproject(frozen, clean_env, tmp_path):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert run(frozen, "--version", env=clean_env, cwd=tmp_path) == f"inspector-app {version}\n"


def test_the_command_line_takes_an_inspection_to_a_word_draft(frozen, clean_env, tmp_path):
    file = tmp_path / "northmoor.inspection"
    photo = tmp_path / "corridor.jpg"
    Image.new("RGB", (1200, 900), (180, 120, 60)).save(photo)

    created = run(frozen, "new", file, "--area", "Northmoor", "--inspector", "Sam Lead",
                  env=clean_env, cwd=tmp_path)
    assert "Recovery key" in created
    note = run(frozen, "add", file, "--kind", "meeting", "--question", "A",
               "--outcome", "identification", "--judgement", "development",
               "--text", "Parents describe waits of a year for a first assessment.",
               "--photo", photo, env=clean_env, cwd=tmp_path).strip()
    run(frozen, "finding", "add", file, "--question", "A", "--judgement", "development",
        "--text", "Families wait too long for needs to be identified.", "--evidence", note,
        "--main", env=clean_env, cwd=tmp_path)
    run(frozen, "inspection", "set", file, "--on-site-start", "2026-11-09",
        "--on-site-end", "2026-11-13", env=clean_env, cwd=tmp_path)
    run(frozen, "report", file, "--out", tmp_path / "draft.docx", env=clean_env, cwd=tmp_path)

    text = "\n".join(p.text for p in Document(tmp_path / "draft.docx").paragraphs)
    assert "Families wait too long for needs to be identified." in text
    assert "Northmoor" in text
    assert "OK:" in run(frozen, "verify", file, env=clean_env, cwd=tmp_path)
    assert "waits of a year" not in file.read_bytes().decode("latin-1")


def test_the_app_starts_offscreen_builds_the_demo_and_closes_cleanly(frozen, clean_env, tmp_path):
    env = {**clean_env, "QT_QPA_PLATFORM": "offscreen"}
    app = subprocess.Popen([str(frozen), "--demo"], env=env, cwd=tmp_path,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        demo = []
        while not demo and time.monotonic() < deadline and app.poll() is None:
            time.sleep(0.25)
            demo = list(Path(env["TMPDIR"]).glob("inspector-demo-*/*.inspection"))
        time.sleep(3)  # the app goes on running with the demo on its unlock screen
        assert app.poll() is None, app.communicate()[1]
        assert demo, "the demo inspection was not built"
        app.send_signal(signal.SIGTERM)  # as at log-out: the window closes the way a user would
        _, stderr = app.communicate(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
    assert app.returncode == 0, stderr
    assert "Traceback" not in stderr and "[PYI-" not in stderr, stderr


def test_the_folder_holds_only_what_the_app_uses(frozen):
    internal = frozen.parent / "_internal"
    assert (internal / "resources" / "frameworks" / "send-2016.json").is_file()
    assert (internal / "resources" / "icons" / "inspector-app.png").is_file()
    assert (internal / "resources" / "inspector-app.desktop").is_file()
    qt = internal / "PySide6" / "Qt"
    assert not (qt / "translations").exists()
    platforms = {p.name for p in (qt / "plugins" / "platforms").iterdir()}
    assert not {"libqvnc.so", "libqminimal.so", "libqlinuxfb.so", "libqeglfs.so"} & platforms
    assert {"libqxcb.so", "libqwayland.so", "libqoffscreen.so"} <= platforms
    assert not list(internal.rglob("*QtQml*")) and not list(internal.rglob("*WebEngine*"))
    size_mb = sum(f.stat().st_size for f in frozen.parent.rglob("*") if f.is_file()) / 2**20
    assert size_mb <= SIZE_GOAL_MB, f"dist/inspector-app is {size_mb:.0f} MB"
