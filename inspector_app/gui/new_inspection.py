"""New inspection: details, a passphrase with a strength hint, then the recovery key, once."""

from __future__ import annotations

import datetime as dt
import math
import secrets
import string
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core import framework as frameworks
from inspector_app.core import outfile, team
from inspector_app.core.errors import FrameworkError, InspectorError, InvalidInput
from inspector_app.core.header import MIN_PASSPHRASE
from inspector_app.core.models import FIRST_YEAR, LAST_YEAR
from inspector_app.core.paths import FILE_SUFFIX, data_dir
from inspector_app.core.store import ROLE_LABELS, ROLES, Inspection
from inspector_app.gui.errors import describe, show_error
from inspector_app.gui.tasks import TaskRunner


def _framework_name(framework_id: str) -> str:
    try:
        return frameworks.load(framework_id).name
    except FrameworkError:
        return framework_id  # creating with it then says what is wrong


def strength(passphrase: str) -> tuple[int, str]:
    """A rough 0–3 score and a hint; length matters most, so several words are encouraged."""
    if len(passphrase) < MIN_PASSPHRASE:
        return 0, f"Too short: use at least {MIN_PASSPHRASE} characters."
    pool = (
        sum(
            size
            for chars, size in (
                (string.ascii_lowercase, 26),
                (string.ascii_uppercase, 26),
                (string.digits, 10),
                (string.punctuation + " ", 33),
            )
            if any(c in chars for c in passphrase)
        )
        or 26
    )
    # Repeats add little: "password password" or "aaaa…" count by their distinct runs of
    # three characters, not their length.
    runs = {passphrase[i : i + 3] for i in range(len(passphrase) - 2)}
    bits = min(len(passphrase), len(runs) + 2) * math.log2(pool)
    if bits < 50:
        return 1, "Weak: add another word or two."
    if bits < 80:
        return 2, "Fair: one more word makes it strong."
    return 3, "Strong."


def passphrase_problem(passphrase: str, again: str) -> str:
    """Why a new passphrase typed twice cannot be taken, or ""."""
    if passphrase != again:
        return "The two passphrases differ; type them again."
    score, hint = strength(passphrase)
    return hint if score == 0 else ""


def default_path() -> Path:
    # No area name in the file name: a file list or recent list then says nothing sensitive.
    stamp = dt.date.today().isoformat()
    return data_dir() / f"inspection-{stamp}-{secrets.token_hex(2)}{FILE_SUFFIX}"


class NewInspectionDialog(QDialog):
    """A new inspection file, or (``join=True``) a team member's file made from the lead's
    inspection card: the same passphrase and recovery-key steps either way."""

    created = Signal(object)  # the unlocked Inspection

    def __init__(
        self, runner: TaskRunner, parent: QWidget | None = None, kdf=None, join: bool = False
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Join an inspection" if join else "New inspection")
        self.runner = runner
        self.kdf = kdf
        self.join = join
        self.card: team.Card | None = None
        self.inspection: Inspection | None = None
        self.pages = QStackedWidget()
        self.pages.addWidget(self._details_page())
        self.pages.addWidget(self._passphrase_page())
        self.pages.addWidget(self._recovery_page())
        self.back = QPushButton("&Back")
        self.next = QPushButton("&Next")
        self.next.setDefault(True)
        self.cancel = QPushButton("Cancel")
        for button, name in ((self.back, "Back"), (self.next, "Next"), (self.cancel, "Cancel")):
            button.setAccessibleName(name)
        self.back.clicked.connect(lambda: self._go(self.pages.currentIndex() - 1))
        self.next.clicked.connect(self._forward)
        self.cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel)
        buttons.addStretch()
        buttons.addWidget(self.back)
        buttons.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addLayout(buttons)
        self.resize(560, 420)
        self._go(0)

    # -- pages ---------------------------------------------------------------------------------

    def _details_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.area = QLineEdit()
        self.inspector = QLineEdit()
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(ROLE_LABELS[role], role)
        self.framework = QComboBox()
        for framework_id in frameworks.available():
            self.framework.addItem(_framework_name(framework_id), framework_id)
        self.framework.setCurrentIndex(self.framework.findData(frameworks.DEFAULT_FRAMEWORK))
        today = QDate.currentDate()
        self.start = QDateEdit(today)
        self.end = QDateEdit(today.addDays(4))
        # Deadlines and the annual-review check count from the dates on site: they are
        # stored only once the lead says they are known, never today by default.
        self.dates_known = QCheckBox("The &dates on site are known")
        self.dates_known.setAccessibleName("The dates on site are known")
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setDateRange(QDate(FIRST_YEAR, 1, 1), QDate(LAST_YEAR, 12, 31))
            edit.setEnabled(False)
            self.dates_known.toggled.connect(edit.setEnabled)
        self.location = QLineEdit(str(default_path()))
        browse = QPushButton("Br&owse…")
        browse.setAccessibleName("Choose where to save the file")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.location, 1)
        where.addWidget(browse)
        self.details_message = QLabel()
        self.details_message.setWordWrap(True)
        self.details_message.setStyleSheet("color: #c62828;")
        if self.join:
            self.card_path = QLineEdit()
            self.card_path.setAccessibleName("The lead's inspection card")
            self.card_path.setPlaceholderText("The inspection card the lead gave you")
            choose = QPushButton("C&hoose…")
            choose.setAccessibleName("Choose the lead's card")
            choose.clicked.connect(self._choose_card)
            self.card_path.editingFinished.connect(self._check_card)
            row = QHBoxLayout()
            row.addWidget(self.card_path, 1)
            row.addWidget(choose)
            self.card_info = QLabel()
            self.card_info.setWordWrap(True)
            card_label = QLabel("&Card:")
            card_label.setBuddy(self.card_path)  # Alt+C (a layout cannot be a buddy)
            form.addRow(card_label, row)
            form.addRow(self.card_info)
            rows = (("Your na&me:", self.inspector),)
        else:
            rows = (
                ("Local &area:", self.area),
                ("Your na&me:", self.inspector),
                ("&Role:", self.role),
                ("&Framework:", self.framework),
                ("", self.dates_known),
                ("First day on &site:", self.start),
                ("&Last day on site:", self.end),
            )
        for label, widget in rows:
            if label:
                widget.setAccessibleName(label.replace("&", "").rstrip(":"))
            form.addRow(label, widget)
        self.location.setAccessibleName("File location")
        form.addRow("File:", where)
        form.addRow(self.details_message)
        return page

    def _passphrase_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        intro = QLabel(
            "Choose a passphrase for this inspection. A few unrelated words are "
            "easy to type and hard to guess."
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        self.passphrase = QLineEdit()
        self.again = QLineEdit()
        for edit, name in ((self.passphrase, "Passphrase"), (self.again, "Passphrase again")):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setAccessibleName(name)
        self.passphrase.textChanged.connect(self._strength_changed)
        self.meter = QProgressBar()
        self.meter.setRange(0, 3)
        self.meter.setTextVisible(False)
        self.meter.setAccessibleName("Passphrase strength")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.passphrase_message = QLabel()
        self.passphrase_message.setWordWrap(True)
        self.passphrase_message.setStyleSheet("color: #c62828;")
        self.working = QProgressBar()
        self.working.setRange(0, 0)
        self.working.setAccessibleName("Creating the file")
        self.working.hide()
        form.addRow("&Passphrase:", self.passphrase)
        form.addRow("A&gain:", self.again)
        form.addRow(self.meter)
        form.addRow(self.hint)
        form.addRow(self.passphrase_message)
        form.addRow(self.working)
        return page

    def _recovery_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        intro = QLabel(
            "<h3>Your recovery key</h3><p>It opens this inspection if the "
            "passphrase is forgotten. It is shown <b>only now</b>: copy it or "
            "save it, and keep it apart from this laptop.</p>"
        )
        intro.setWordWrap(True)
        box.addWidget(intro)
        self.recovery = QLineEdit()
        self.recovery.setReadOnly(True)
        self.recovery.setAccessibleName("Recovery key")
        self.recovery.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        copy = QPushButton("&Copy")
        copy.setAccessibleName("Copy the recovery key")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.recovery.text()))
        save = QPushButton("&Save to a file…")
        save.setAccessibleName("Save the recovery key to a file")
        save.clicked.connect(self._save_recovery)
        row = QHBoxLayout()
        row.addWidget(self.recovery, 1)
        row.addWidget(copy)
        row.addWidget(save)
        box.addLayout(row)
        self.recovery_message = QLabel()
        self.recovery_message.setWordWrap(True)
        self.recovery_message.setAccessibleName("Recovery key saved")
        box.addWidget(self.recovery_message)
        self.kept = QCheckBox("I have &kept the recovery key somewhere safe")
        self.kept.setAccessibleName("I have kept the recovery key")
        self.kept.toggled.connect(lambda on: self.next.setEnabled(on))
        box.addWidget(self.kept)
        box.addStretch()
        return page

    # -- flow ----------------------------------------------------------------------------------

    def _go(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.back.setVisible(index == 1)
        self.cancel.setVisible(index < 2)
        self.next.setText("&Create" if index == 1 else "&Finish" if index == 2 else "&Next")
        self.next.setEnabled(index != 2 or self.kept.isChecked())
        first = self.card_path if self.join else self.area
        (first if index == 0 else self.passphrase if index == 1 else self.kept).setFocus()

    def _forward(self) -> None:
        index = self.pages.currentIndex()
        if index == 0 and self._details_ok():
            self._go(1)
        elif index == 1:
            self._create()
        elif index == 2 and self.kept.isChecked() and self.inspection is not None:
            self.created.emit(self.inspection)
            self.recovery.clear()  # shown once: not kept in a hidden dialog all session
            self.accept()

    def _choose_card(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "The lead's inspection card", "", "Cards (*.card);;All files (*)"
        )
        if path:
            self.card_path.setText(path)
            self._check_card()

    def _check_card(self) -> None:
        """Read at once (a card is a few kilobytes at most), so Enter right after typing or
        pasting its path finds it read."""
        self.card = None
        self.card_info.clear()
        if self.card_path.text().strip():
            try:
                card = team.read_card(Path(self.card_path.text()))
            except InspectorError as exc:
                self._card_failed(exc)
                return
            self._card_read(card)

    def _card_read(self, card: team.Card) -> None:
        if card.kind != "inspection":
            self._card_failed(
                InvalidInput("That is a member card; ask the lead for the inspection card.")
            )
            return
        self.card = card
        self.card_info.setText(
            f"{card.area} — led by {card.name}. Check the lead's "
            f"fingerprint with them: <b>{card.fingerprint}</b>"
        )
        self.details_message.clear()

    def _card_failed(self, exc: Exception) -> None:
        self.card = None
        self.details_message.setText(describe(exc)[1])

    def _details_ok(self) -> bool:
        """Everything of the first page checked before a passphrase is asked for."""
        if self.join:
            problem = (
                "Choose the lead's inspection card."
                if self.card is None
                else "Give your name as it should appear on notes."
                if not self.inspector.text().strip()
                else self._location_problem()
            )
        else:
            problem = (
                "Give the local area's name."
                if not self.area.text().strip()
                else "Give your name as it should appear on notes."
                if not self.inspector.text().strip()
                else "The last day on site is before the first."
                if self.dates_known.isChecked() and self.end.date() < self.start.date()
                else self._location_problem()
            )
        self.details_message.setText(problem)
        return not problem

    def _location_problem(self) -> str:
        where = Path(self.location.text())
        if where.exists():
            return f"{where} already exists; choose another file."
        if not where.parent.is_dir():
            return f"The folder {where.parent} does not exist; choose another place to save."
        return ""

    def _strength_changed(self, text: str) -> None:
        score, hint = strength(text)
        self.meter.setValue(score)
        self.hint.setText(hint)

    def _create(self) -> None:
        problem = passphrase_problem(self.passphrase.text(), self.again.text())
        self.passphrase_message.setText(problem)
        if problem:
            return
        self.working.show()
        for button in (self.next, self.back, self.cancel):  # the file is being made: no way back
            button.setEnabled(False)
        if self.join:
            self.runner.run(
                team.join,
                Path(self.location.text()),
                Path(self.card_path.text()),
                self.inspector.text(),
                self.passphrase.text(),
                kdf=self.kdf,
                on_success=self._created,
                on_failure=self._failed,
            )
            return
        self.runner.run(
            Inspection.create,
            Path(self.location.text()),
            self.passphrase.text(),
            area=self.area.text(),
            inspector=self.inspector.text(),
            role=self.role.currentData(),
            framework_id=self.framework.currentData(),
            on_site=(
                (
                    self.start.date().toString(Qt.DateFormat.ISODate),
                    self.end.date().toString(Qt.DateFormat.ISODate),
                )
                if self.dates_known.isChecked()
                else ("", "")
            ),
            kdf=self.kdf,
            on_success=self._created,
            on_failure=self._failed,
        )

    def _created(self, result: tuple[Inspection, str]) -> None:
        self.inspection, recovery_key = result
        self.passphrase.clear()
        self.again.clear()
        self.working.hide()
        self.recovery.setText(recovery_key)
        self._go(2)

    def _failed(self, exc: Exception) -> None:
        self.working.hide()
        for button in (self.next, self.back, self.cancel):
            button.setEnabled(True)
        show_error(self, exc)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the inspection as", self.location.text(), f"Inspections (*{FILE_SUFFIX})"
        )
        if path:
            self.location.setText(path if path.endswith(FILE_SUFFIX) else path + FILE_SUFFIX)

    def _save_recovery(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the recovery key", str(Path.home() / "recovery-key.txt")
        )
        if path:
            self.save_recovery_to(Path(path))

    def save_recovery_to(self, path: Path) -> None:
        """Write the key to a file only its owner can read, and say how that went."""
        try:
            outfile.write_atomically(
                path,
                "recovery key",
                lambda handle: handle.write(
                    f"Inspection recovery key: {self.recovery.text()}\n".encode()
                ),
            )
        except InspectorError as exc:
            self.recovery_message.setStyleSheet("color: #c62828;")
            self.recovery_message.setText(f"Not saved: {exc}")
            return
        self.recovery_message.setStyleSheet("")
        self.recovery_message.setText(
            f"Saved to {path}. Keep that file apart from this laptop (a USB stick, a safe)."
        )

    def reject(self) -> None:
        if self.pages.currentIndex() == 2 or self.working.isVisible():
            return  # the file exists (or is being made); the key must be acknowledged first
        self.passphrase.clear()  # nothing typed stays in a hidden dialog
        self.again.clear()
        super().reject()
