"""The inspection's details: area, dates on site, the WSOA decision, addressees, the team, and
the deadlines they give."""

from __future__ import annotations

import html

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.deadlines import on_site_doubts
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import FIRST_YEAR, LAST_YEAR, InspectionInfo
from inspector_app.gui import operations as ops
from inspector_app.gui.confirm import confirm
from inspector_app.gui.errors import describe
from inspector_app.gui.session import Session
from inspector_app.gui.sizing import fit, grow_to_fit

WSOA_CHOICES = (("Not decided yet", ""), ("Required", "required"), ("Not required", "not-required"))


class DetailsDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Inspection details")
        self.session = session
        self.dates_set = False  # see _show
        self.saving = False  # Save was pressed and the file has not answered yet
        self.area = QLineEdit()
        self.start = QDateEdit()
        self.end = QDateEdit()
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setDateRange(QDate(FIRST_YEAR, 1, 1), QDate(LAST_YEAR, 12, 31))
        self.wsoa = QComboBox()
        for label, code in WSOA_CHOICES:
            self.wsoa.addItem(label, code)
        self.addressees = QPlainTextEdit()
        self.addressees.setPlaceholderText(
            "One per line: the Director of Children's Services, "
            "the health commissioners' accountable officers"
        )
        self.team = QPlainTextEdit()
        self.team.setPlaceholderText("One per line: name, role (e.g. Sam Okafor, HMI)")
        for widget in (self.addressees, self.team):
            widget.setTabChangesFocus(True)
            widget.setMaximumHeight(90)
        self.deadlines = QLabel()
        self.deadlines.setObjectName("deadlines")
        self.deadlines.setWordWrap(True)
        self.deadlines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setStyleSheet("color: #c62828;")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        content = QWidget()  # scrolls where a large text size makes it taller than the screen
        form = QFormLayout(content)
        for label, widget in (
            ("Local &area:", self.area),
            ("&First day on site:", self.start),
            ("&Last day on site:", self.end),
            ("&Written statement of action:", self.wsoa),
            ("A&ddressed to:", self.addressees),
            ("&Team:", self.team),
        ):
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
            form.addRow(label, widget)
        form.addRow("Deadlines:", self.deadlines)
        self.scroll = QScrollArea()
        self.scroll.setWidget(content)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        fit(self, 640, 480)
        session.run(
            ops.details,
            on_success=self._show,
            on_failure=lambda exc: self.message.setText(describe(exc)[1]),
        )

    def _show(self, result: tuple) -> None:
        info, dates = result
        self.area.setText(info.area)
        today = QDate.currentDate()
        for edit, value in ((self.start, info.on_site_start), (self.end, info.on_site_end)):
            edit.setDate(QDate.fromString(value, Qt.DateFormat.ISODate) if value else today)
        # Until a date is chosen, today only stands in for it: saving other details does not
        # make today the dates on site.
        self.dates_set = bool(info.on_site_start and info.on_site_end)
        for edit in (self.start, self.end):
            edit.dateChanged.connect(self._dates_chosen)
            edit.calendarWidget().clicked.connect(self._dates_chosen)  # today, picked on purpose
        self.wsoa.setCurrentIndex(max(self.wsoa.findData(info.wsoa), 0))
        self.addressees.setPlainText("\n".join(info.addressees))
        self.team.setPlainText("\n".join(info.team))
        self._show_deadlines(info, dates)
        self._shown = self.changes()

    def _show_deadlines(self, info: InspectionInfo, dates: list) -> None:
        inspection = self.session.inspection
        doubts = on_site_doubts(inspection.framework, info.on_site_start, info.on_site_end) \
            if inspection else []
        self.deadlines.setText("<br>".join(
            [f"<b>{d.spoken}</b>: {html.escape(d.deadline.label)}" for d in dates]
            + [f"<span style='color:#c62828'>{html.escape(d)}</span>" for d in doubts]
        ) or "Choose the dates on site to see the deadlines (today's date only stands in "
            "until you do).")
        grow_to_fit(self, self.scroll)  # the deadlines arrive after the dialog was sized

    def _dates_chosen(self) -> None:
        self.dates_set = True

    def changes(self) -> dict:
        iso = Qt.DateFormat.ISODate
        dates = {
            "on_site_start": self.start.date().toString(iso),
            "on_site_end": self.end.date().toString(iso),
        }
        return {
            "area": self.area.text(),
            **(dates if self.dates_set else {}),
            "wsoa": self.wsoa.currentData(),
            "addressees": self.addressees.toPlainText().splitlines(),
            "team": self.team.toPlainText().splitlines(),
        }

    def keep_typing(self) -> str:
        """Save what was changed here before the file locks or closes, as Save would; the
        worker must be idle. Returns why it could not be saved, or ""."""
        shown = getattr(self, "_shown", None)
        if shown is None or self.changes() == shown or self.session.inspection is None:
            return ""
        try:
            ops.set_details(self.session.inspection, self.changes())
        except InspectorError as exc:
            return f"The inspection details you changed were not saved: {describe(exc)[1]}"
        return ""

    def reject(self) -> None:
        """Escape or Cancel: details changed here are asked about first, never just dropped."""
        shown = getattr(self, "_shown", None)
        if not self.isVisible() or shown is None or self.changes() == shown or self.saving:
            super().reject()  # (a save under way goes on: Save was pressed)
            return
        confirm(
            self,
            title="Inspection details",
            text="Close without saving the details you changed?",
            action="Close &without saving",
            name="leaveDetails",
            on_yes=super().reject,
        )

    def _save(self) -> None:
        self.message.clear()
        self.saving = True
        self.session.run(
            ops.set_details,
            self.changes(),
            changes=True,
            on_success=self._saved,
            on_failure=self._not_saved,
        )

    def _saved(self, result: tuple) -> None:
        self.saving = False
        self._show_deadlines(*result)
        self.accept()

    def _not_saved(self, exc: Exception) -> None:
        self.saving = False
        self.message.setText(describe(exc)[1])
