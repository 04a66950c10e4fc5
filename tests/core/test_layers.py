"""The layering rules of DESIGN.md, checked on the source: a broken rule fails the build."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "inspector_app"


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_no_qt_and_no_gui():
    offenders = {
        str(path.relative_to(PACKAGE)): name
        for path in (PACKAGE / "core").rglob("*.py")
        for name in imports(path)
        if name.split(".")[0] == "PySide6"
        or name.startswith(("inspector_app.gui", "inspector_app.cli"))
    }
    assert offenders == {}


def test_only_core_crypto_imports_hazmat():
    users = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if any(name.startswith("cryptography.hazmat") for name in imports(path))
    }
    assert users == {"core/crypto.py"}


def test_the_scan_sees_real_imports():
    # Guards the two tests above against scanning nothing.
    assert "cryptography.hazmat.primitives.ciphers.aead" in imports(PACKAGE / "core" / "crypto.py")
    assert len(list((PACKAGE / "core").rglob("*.py"))) >= 10
