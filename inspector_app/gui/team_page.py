"""Team & sync: who this file trusts, bundles out and in, and notes waiting for a decision."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.bundle import SUFFIX
from inspector_app.core.store import ROLE_LABELS
from inspector_app.core.team import Member
from inspector_app.gui import operations as ops
from inspector_app.gui.errors import describe, show_error
from inspector_app.gui.file_dialogs import open_path, open_paths, save_path
from inspector_app.gui.session import Session
from inspector_app.gui.table_model import Index, RowsModel
from inspector_app.gui.times import local_time

BUNDLE_FILTER = "Sync bundles (*.bundle);;All files (*)"
CARD_FILTER = "Cards (*.card);;All files (*)"


class RosterModel(RowsModel):
    COLUMNS = ("Name", "Role", "Fingerprint", "Last bundle received")
    rows: list[Member]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return None
        member = self.rows[index.row()]
        if index.column() == 0:
            return member.name
        if index.column() == 1:
            return ROLE_LABELS.get(member.role, member.role)
        if index.column() == 2:
            return member.fingerprint
        last = member.last_bundle
        return f"#{last[0]} at {local_time(last[2])}" if last else "none yet"


class TeamPage(QWidget):
    changed_count = Signal(int)  # notes and findings changed since the last bundle
    resolve_requested = Signal(str)  # note id

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.role = ""
        self._refocus = False
        self.me = QLabel()
        self.me.setWordWrap(True)
        self.me.setAccessibleName("This file's inspector and fingerprint")
        self.me.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = RosterModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Team roster")
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel()
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text, slot in (
            ("join", "&Join with the lead's card…", self._join_with_card),
            ("card", "Write my &card…", self._write_card),
            ("add", "&Add a member's card…", self._add_member),
            ("export", "E&xport bundle…", self._export),
            ("import", "&Import bundles…", self._choose_imports),
        ):
            button = QPushButton(text)
            button.setAccessibleName(text.replace("&", "").rstrip("…"))
            button.clicked.connect(slot)
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch()
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Bundle progress")
        self.progress.hide()
        self.status = QLabel()
        self.status.setObjectName("syncStatus")
        self.status.setWordWrap(True)
        self.conflicts = QListWidget()
        self.conflicts.setAccessibleName("Notes in conflict")
        self.conflicts.itemActivated.connect(
            lambda item: self.resolve_requested.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        resolve = QPushButton("&Resolve…")
        resolve.setAccessibleName("Resolve the selected conflict")
        resolve.clicked.connect(self._resolve_selected)
        self.conflict_box = QWidget()
        box = QVBoxLayout(self.conflict_box)
        box.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(
            "<b>Notes in conflict</b>: two inspectors changed the same note. "
            "Choose which version to keep, or write one from both."
        )
        heading.setWordWrap(True)
        box.addWidget(heading)
        box.addWidget(self.conflicts)
        box.addWidget(resolve, 0, Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addWidget(self.me)
        self.table.setMaximumHeight(220)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.conflict_box, 1)
        layout.addStretch(0)  # takes the spare height when there are no conflicts to list
        self.setAcceptDrops(True)

    # -- showing -------------------------------------------------------------------------------

    def reload(self) -> None:
        self.session.run(ops.team_summary, on_success=self._show)

    def _show(self, summary: dict) -> None:
        self.role = summary["role"]
        lead = self.role == "lead"
        self.me.setText(
            f"This file: <b>{html.escape(summary['name'], quote=False)}</b> "
            f"({ROLE_LABELS.get(self.role, self.role).lower()}) — "
            f"fingerprint <b>{summary['fingerprint']}</b>. Read it aloud when you "
            "swap cards."
        )
        self.model.set_rows(summary["roster"])
        leads = [m for m in summary["roster"] if m.role == "lead"]
        unjoined = not lead and not leads
        # A member who joined hears from the lead once the lead has added their card.
        waiting = not lead and bool(leads) and not any(m.last_bundle for m in leads)
        self.empty.setText(
            "No team yet. Write your card and give it to each member; add the cards they send back."
            if lead
            else "This file has not joined an inspection yet, so it cannot send bundles. Choose "
            "Join with the lead's card and pick the inspection card the lead gave you; the "
            "notes already here go with your first bundle."
            if unjoined
            else "Next: Write my card and give it to the lead, who adds it to the team; then "
            "export a bundle for the lead each evening, and import the team's bundle back."
        )
        self.empty.setVisible((lead and not summary["roster"]) or unjoined or waiting)
        self.buttons["add"].setVisible(lead)
        self.buttons["join"].setVisible(unjoined)
        self.buttons["export"].setText(
            "E&xport bundle to the team…" if lead else "E&xport bundle for the lead…"
        )
        alone = lead and not summary["roster"]  # nobody to send a bundle to yet
        self.buttons["export"].setEnabled(not (alone or unjoined))
        self.buttons["export"].setToolTip(
            "Add your team's member cards first: a bundle goes to them." if alone
            else "Join with the lead's card first: a bundle goes to the lead." if unjoined
            else ""
        )
        self.conflicts.clear()
        for row, editors in summary["conflicts"]:  # who made the competing versions
            item = QListWidgetItem(f"{row.heading}  ·  changed by {' and '.join(editors)}")
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.conflicts.addItem(item)
        self.conflict_box.setVisible(bool(summary["conflicts"]))
        if self._refocus:  # a conflict was just settled from here
            self._refocus = False
            if summary["conflicts"]:
                self.conflicts.setCurrentRow(0)
                self.conflicts.setFocus()
            else:
                self.buttons["import"].setFocus()
        self.changed_count.emit(0 if alone else summary["changed"])

    def focus_conflicts(self) -> None:
        """After the next reload, the cursor goes to the first conflict left (or, with none,
        to Import bundles)."""
        self._refocus = True

    def clear(self) -> None:
        self._refocus = False
        self.model.set_rows([])
        self.conflicts.clear()
        self.me.clear()
        self.status.clear()

    # -- actions -------------------------------------------------------------------------------

    def _run(self, op, *args, done, **kwargs) -> None:
        self.progress.setRange(0, 0)
        self.progress.show()

        def finished(result) -> None:
            self.progress.hide()
            done(result)

        def failed(exc: Exception) -> None:
            self.progress.hide()
            self.status.clear()  # what an earlier action reported is no longer the news
            show_error(self, exc)

        self.session.run(
            op, *args, on_success=finished, on_failure=failed, on_progress=self._progress, **kwargs
        )

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)  # a total of 0 shows the bar as busy
        self.progress.setValue(done)

    def _write_card(self) -> None:
        path = save_path(self, "Write my card", "my.card", ".card", CARD_FILTER)
        if path:
            self._run(
                ops.write_card,
                path,
                done=lambda fp: self.status.setText(
                    f"Card written to {path}. Its fingerprint is {fp}."
                ),
            )

    def _join_with_card(self) -> None:
        path = open_path(self, "Join with the lead's card", CARD_FILTER)
        if path:
            self._run(
                ops.join_existing,
                path,
                changes=True,
                done=lambda lead: self.status.setText(
                    f"Joined the inspection led by {lead.name}. Check the lead's fingerprint "
                    f"with them: {lead.fingerprint}. Then write your card for the lead."
                ),
            )

    def _add_member(self) -> None:
        path = open_path(self, "Add a member's card", CARD_FILTER)
        if path:
            self._run(
                ops.add_member,
                path,
                changes=True,
                done=lambda m: self.status.setText(
                    f"{m.name} is on the roster. Check the fingerprint with them: {m.fingerprint}."
                ),
            )

    def _export(self) -> None:
        # The day in the name, no one's name (a file name is plaintext on the disk).
        # Only a .bundle is imported when dropped, so the ending is always added.
        name = f"bundle-{dt.date.today().isoformat()}{SUFFIX}"
        chosen = save_path(self, "Export a bundle", name, SUFFIX, BUNDLE_FILTER)
        if chosen:
            self.export_to(chosen)

    def export_to(self, path: Path) -> None:
        self._run(
            ops.export_bundle,
            path,
            self.role == "lead",
            changes=True,
            done=lambda header: self.status.setText(
                f"Bundle #{header['seq']} written to {path} for "
                f"{len(header['recipients'])} recipient(s)."
            ),
        )

    def _choose_imports(self) -> None:
        paths = open_paths(self, "Import bundles", BUNDLE_FILTER)
        if paths:
            self.import_paths(paths)

    def import_paths(self, paths: list[Path]) -> None:
        self._run(ops.import_bundles, paths, changes=True, done=self._imported)

    def _imported(self, results: list) -> None:
        lines = []
        for path, outcome in results:
            text = (
                f"rejected: {describe(outcome)[1]}"
                if isinstance(outcome, Exception)
                else outcome.describe()
            )
            # The whole path: two bundles may share a name; and names are shown as written.
            where, what = html.escape(str(path), quote=False), html.escape(text, quote=False)
            lines.append(f"<b>{where}</b>: {what}")
        self.status.setText("<br>".join(lines))
        rejected = sum(isinstance(outcome, Exception) for _path, outcome in results)
        box = QMessageBox(
            QMessageBox.Icon.Warning if rejected else QMessageBox.Icon.Information,
            "Bundles imported"
            if not rejected
            else "No bundle imported"
            if rejected == len(results)
            else f"{rejected} of {len(results)} bundles rejected",
            "<br>".join(lines),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("importSummary")
        box.open()

    def _resolve_selected(self) -> None:
        item = self.conflicts.currentItem() or self.conflicts.item(0)
        if item is not None:
            self.resolve_requested.emit(item.data(Qt.ItemDataRole.UserRole))

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.import_paths(paths)
            event.acceptProposedAction()

