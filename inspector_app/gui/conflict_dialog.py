"""A note two inspectors changed: the versions side by side, keep one, or write a merged one."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.framework import Framework
from inspector_app.core.models import Version
from inspector_app.gui import operations as ops
from inspector_app.gui.errors import show_error
from inspector_app.gui.session import Session


def summary(framework: Framework, version: Version) -> str:
    data = version.data
    if data.get("deleted"):
        return "(This version deletes the note.)"
    judgement = framework.label(framework.judgements, data.get("judgement", ""))
    outcomes = [framework.label(framework.outcomes, o) for o in data.get("outcomes", [])]
    lines = [
        f"Judgement: {judgement}",
        f"Questions: {', '.join(data.get('questions', [])) or 'none'}",
        f"Outcomes: {'; '.join(outcomes) or 'none'}",
        f"Children: {', '.join(data.get('children', [])) or 'none'}",
    ]
    lines += _details(framework, data)
    if data.get("title"):
        lines.append(f"Title: {data['title']}")
    return "\n".join(lines) + "\n\n" + data.get("text", "")


def _details(framework: Framework, data: dict) -> list[str]:
    """The kind's details of a version, one line each, by their labels."""
    kind = next((k for k in framework.kinds if k.code == data.get("kind")), None)
    labels = {f.id: f.label for f in kind.fields} if kind else {}
    return [
        f"{labels.get(field_id, field_id)}: "
        + (", ".join(map(str, value)) if isinstance(value, list) else str(value))
        for field_id, value in (data.get("fields") or {}).items()
    ]


class ConflictDialog(QDialog):
    resolved = Signal(object)  # the note as kept

    def __init__(self, session: Session, note_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Two versions of a note")
        self.session, self.note_id = session, note_id
        self.columns = QHBoxLayout()
        self.merged = QPlainTextEdit()
        self.merged.setAccessibleName("Merged text")
        self.merged.setPlaceholderText("Write the text that should replace both versions")
        save = QPushButton("Save the &merged version")
        save.setAccessibleName("Save the merged version")
        save.clicked.connect(self._save_merged)
        close = QPushButton("Decide later")
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Two inspectors changed this note from the same version. Keep "
                "one, or write a merged text; the other version stays in the "
                "history."
            )
        )
        layout.addLayout(self.columns, 2)
        layout.addWidget(QLabel("<b>Edit merged</b>"))
        layout.addWidget(self.merged, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(close)
        buttons.addStretch()
        buttons.addWidget(save)
        layout.addLayout(buttons)
        # Roomy, but never larger than the screen it opens on (less room for its title bar).
        room = self.screen().availableGeometry()
        self.resize(min(1000, room.width() - 40), min(620, room.height() - 60))
        session.run(
            ops.versions,
            note_id,
            on_success=self._show,
            on_failure=lambda exc: show_error(self, exc),
        )

    def _show(self, versions: list[Version]) -> None:
        inspection = self.session.inspection
        me = inspection.info.inspector if inspection else ""
        mine = next((v for v in versions if v.by == me), None)
        for version in versions:
            who = "mine" if version is mine else "theirs"
            box = QGroupBox(f"{version.by} · {version.at.replace('T', ' ')[:16]}  ({who})")
            text = QPlainTextEdit(summary(inspection.framework, version))
            text.setReadOnly(True)
            text.setAccessibleName(f"Version by {version.by}")
            keep = QPushButton("Keep &mine" if version is mine else "Keep &theirs")
            keep.setAccessibleName(f"Keep the version by {version.by}")
            keep.clicked.connect(lambda _=False, v=version: self._keep(v))
            column = QVBoxLayout(box)
            column.addWidget(text)
            column.addWidget(keep)
            self.columns.addWidget(box)
        start = mine or (versions[-1] if versions else None)
        if start is not None:
            self.merged.setPlainText(start.data.get("text", ""))

    def _keep(self, version: Version) -> None:
        self.session.run(
            ops.resolve,
            self.note_id,
            version.id,
            changes=True,
            on_success=self._done,
            on_failure=lambda exc: show_error(self, exc),
        )

    def _save_merged(self) -> None:
        self.session.run(
            ops.merge_edit,
            self.note_id,
            self.merged.toPlainText(),
            changes=True,
            on_success=self._done,
            on_failure=lambda exc: show_error(self, exc),
        )

    def _done(self, note) -> None:
        self.resolved.emit(note)
        self.accept()
