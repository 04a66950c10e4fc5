"""A note inspectors changed from the same version: the versions side by side, keep one, or
write a merged text on top of the title, tags and details of the version chosen."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.errors import InspectorError
from inspector_app.core.framework import Framework
from inspector_app.core.models import Version
from inspector_app.gui import operations as ops
from inspector_app.gui.confirm import confirm
from inspector_app.gui.errors import describe, show_error
from inspector_app.gui.session import Session
from inspector_app.gui.sizing import fit
from inspector_app.gui.times import local_time


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
        f"Photos: {len(data.get('attachments', []))}",
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
        self.setWindowTitle("Versions of a note")
        self.session, self.note_id = session, note_id
        self.versions: list[Version] = []
        self.columns = QHBoxLayout()
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.merged = QPlainTextEdit()
        self.merged.setAccessibleName("Merged text")
        self.merged.setPlaceholderText("Write the text that should replace every version")
        self.merged.setTabChangesFocus(True)  # Tab moves on; the text needs no tab characters
        self.base = QComboBox()
        self.base.setAccessibleName("Title, tags and details from")
        base_label = QLabel("Title, tags and &details from:")
        base_label.setBuddy(self.base)
        save = self.save = QPushButton("&Save the merged version")
        save.setAccessibleName("Save the merged version")
        save.clicked.connect(self._save_merged)
        close = self.later = QPushButton("Decide &later")
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.columns, 2)
        merged_label = QLabel("<b>&Edit merged</b>: this text replaces the text of every version")
        merged_label.setBuddy(self.merged)
        layout.addWidget(merged_label)
        layout.addWidget(self.merged, 1)
        base_row = QHBoxLayout()
        base_row.addWidget(base_label)
        base_row.addWidget(self.base, 1)
        layout.addLayout(base_row)
        buttons = QHBoxLayout()
        buttons.addWidget(close)
        buttons.addStretch()
        buttons.addWidget(save)
        layout.addLayout(buttons)
        fit(self, 1000, 620)
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
        # Always in the same places: mine on the left, then the others, oldest first.
        versions = sorted(versions, key=lambda v: (v is not mine, v.at, v.id))
        self.versions = versions
        self.heading.setText(
            f"{len(versions)} versions of this note were made from the same one. Keep one, or "
            "write a merged text below; the versions not kept are set aside (their photos are "
            "kept on the note whichever version is)."
        )
        theirs, chain = 0, []
        for version in versions:
            who = "mine" if version is mine else "theirs"
            when = local_time(version.at)
            box = QGroupBox(f"{version.by} · {when}  ({who})".replace("&", "&&"))
            text = QPlainTextEdit(summary(inspection.framework, version))
            text.setReadOnly(True)
            text.setTabChangesFocus(True)
            text.setAccessibleName(f"Version by {version.by}")
            if version is mine:
                label = "Keep &mine"
            else:
                theirs += 1
                label = "Keep &theirs" if theirs == 1 else "Keep this one"
            keep = QPushButton(label)
            keep.setAccessibleName(f"Keep the version by {version.by}")
            keep.clicked.connect(lambda _=False, v=version: self._keep(v))
            column = QVBoxLayout(box)
            column.addWidget(text)
            column.addWidget(keep)
            self.columns.addWidget(box)
            chain += [text, keep]
            if not version.data.get("deleted"):  # a deletion has no title or tags to keep
                self.base.addItem(f"the version by {version.by} ({who})", version.id)
        live = [v for v in versions if not v.data.get("deleted")]
        start = mine if mine in live else (live[-1] if live else None)
        if start is not None:
            self.merged.setPlainText(start.data.get("text", ""))
            self.base.setCurrentIndex(self.base.findData(start.id))
        self._started = self.merged.toPlainText()
        # Tab goes as the view reads: each version and its button, then the merged text.
        chain += [self.merged, self.base, self.later, self.save]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

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
            self.base.currentData(),
            changes=True,
            on_success=self._done,
            on_failure=lambda exc: show_error(self, exc),
        )

    def keep_typing(self) -> str:
        """Merged text typed but not saved when the file locks or closes is kept as one more
        version beside the others (the conflict stays to be settled); the worker must be
        idle. Returns why it could not be kept, or ""."""
        typed = self.merged.toPlainText()
        started, self._started = getattr(self, "_started", typed), typed  # closing asks nothing
        if typed == started or self.session.inspection is None:
            return ""
        try:
            ops.keep_merged(self.session.inspection, self.note_id, typed, self.base.currentData())
        except InspectorError as exc:
            return f"The merged text you wrote was not kept: {describe(exc)[1]}"
        return ""

    def _done(self, note) -> None:
        self.resolved.emit(note)
        self.accept()

    def reject(self) -> None:
        """Deciding later keeps every version; merged text typed here is asked about first."""
        typed = self.merged.toPlainText()
        if not self.isVisible() or typed == getattr(self, "_started", typed):
            super().reject()
            return
        confirm(
            self,
            title="Decide later",
            text="Leave without saving the merged text you wrote? Every version is kept.",
            action="&Leave",
            name="leaveMerged",
            on_yes=super().reject,
        )
