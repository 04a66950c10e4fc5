"""The note editor: a form per kind from the framework, autosaved while typing.

There is no Save button. Each change restarts a short timer; when it fires the note is saved
on the worker thread (created on the first save, edited after). Closing, locking or switching
notes saves what is pending first.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.bundle import is_bundle
from inspector_app.core.errors import ImageError, InvalidInput, NotFound
from inspector_app.core.framework import Framework
from inspector_app.core.models import MAX_LINE, Note, Version, changed_note, differences
from inspector_app.core.timescales import check_timescales
from inspector_app.gui import operations as ops
from inspector_app.gui.conflict_banner import ConflictBanner
from inspector_app.gui.editor_fields import ChildPicker, FieldsForm, OutcomePicker
from inspector_app.gui.errors import describe, show_error
from inspector_app.gui.photos import PhotoDialog, PhotoStrip
from inspector_app.gui.session import Session
from inspector_app.gui.text_limits import LimitedText, as_stored, limit_line
from inspector_app.gui.times import local_time

AUTOSAVE_MS = 700


TAGS = ("questions", "outcomes", "judgement", "children", "fields")  # undone as one change


class NoteEditor(QWidget):
    saved = Signal(object)  # Note
    resolve_requested = Signal(str)  # note id of a note in conflict
    bundles_dropped = Signal(list)  # sync bundles dropped among photos: to be imported
    message = Signal(str)  # news for the status bar (the editor's own line may be hidden)
    tags_changed = Signal(str, dict, dict)  # note id, tags before, tags after (for undo)
    stayed = Signal(str)  # a note whose typing could not be saved stays shown ("": a new one)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.framework: Framework | None = None
        self.on_site = ""  # the inspection's first day on site: see set_on_site
        self.note: Note | None = None
        self.note_id: str | None = None
        self.dirty = False
        self.unsaved = ""  # why the shown note's changes could not be saved
        self._carried: dict[int, dict] = {}  # typing in a note no longer shown, still to send
        self._in_flight: set[int] = set()  # generations (notes shown) with a save on its way
        self._loading = False
        self._pending_photos: list[Path] = []
        self._tags: dict[str, Any] = {}  # the tags as last shown or changed, for undo
        self.register: list[str] = []  # every pseudonym in the child register
        # Bumped whenever another note (or none) is shown, so a save that finishes later
        # knows it belongs to a note no longer in the editor.
        self._generation = 0
        self.timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self.timer.timeout.connect(self.save)
        self.setAcceptDrops(True)

        self.pages = QStackedWidget()
        self.empty = QLabel("Select a note in the list, or press Ctrl+N to capture a new one.")
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self._form())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    # -- building ------------------------------------------------------------------------------

    def _form(self) -> QWidget:
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of evidence")
        self.kind.setToolTip(
            "The kind of evidence, chosen for a new note; a saved note keeps its kind "
            "(its details depend on it)"
        )
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.state = QLabel()
        self.state.setObjectName("saveState")
        self.state.setAccessibleName("Save status")
        self.state.setWordWrap(True)  # a long message wraps; it never widens the window
        self.title = QLineEdit()
        self.title.setPlaceholderText("Title (optional)")
        self.title.setAccessibleName("Title")
        limit_line(self.title, MAX_LINE, "title", self._refused)
        self.text = LimitedText("note's text")
        self.text.refused.connect(self._refused)
        self.text.takes_files = True
        self.text.files_pasted.connect(self._files_pasted)
        self.text.setPlaceholderText("What did you see, read or hear?")
        self.text.setAccessibleName("Note text")
        self.text.setTabChangesFocus(True)
        self.photos = PhotoStrip()
        self.photos.add_requested.connect(self.add_photos)
        self.photos.remove_requested.connect(self._remove_photo)
        self.photos.open_requested.connect(self._open_photo)
        self.banner = ConflictBanner()
        self.banner.resolve_requested.connect(
            lambda: self.note_id and self.resolve_requested.emit(self.note_id)
        )
        top = QHBoxLayout()
        top.addWidget(self.kind)
        top.addStretch()
        top.addWidget(self.state)
        self.timescales = QLabel()
        self.timescales.setObjectName("timescales")
        self.timescales.setWordWrap(True)
        self.timescales.setAccessibleName("Statutory timescales")
        self.timescales.setTextFormat(Qt.TextFormat.RichText)
        # The timescales stand under the dates; a breach is also said beside the text.
        self.breaches = QLabel()
        self.breaches.setObjectName("breaches")
        self.breaches.setWordWrap(True)
        self.breaches.setStyleSheet("color: #c62828;")
        self.breaches.setAccessibleName("Statutory timescales breached")
        self.breaches.hide()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.banner)
        left_layout.addLayout(top)
        left_layout.addWidget(self.title)
        left_layout.addWidget(self.text, 1)
        left_layout.addWidget(self.breaches)
        left_layout.addWidget(self.photos)

        self.questions: dict[str, QCheckBox] = {}
        self.question_row = QHBoxLayout()
        self.judgement = QButtonGroup(self)
        self.judgement.setExclusive(True)
        self.judgement_row = QGridLayout()
        self.outcomes = OutcomePicker()
        self.children = ChildPicker()
        self.fields = FieldsForm()
        for widget in (self.outcomes, self.children, self.fields):
            widget.changed.connect(self._changed)
        for widget in (self.children, self.fields):
            widget.refused.connect(self._refused)
        self.title.textChanged.connect(self._changed)
        self.text.textChanged.connect(self._changed)
        self.judgement.idToggled.connect(lambda _id, on: on and self._changed())
        self.judgement.idToggled.connect(lambda _id, on: on and self._judgement_stop())
        self.fields.changed.connect(self._show_timescales)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        for title, content in (
            ("Questions (Ctrl+1, 2, 3)", self.question_row),
            ("Judgement", self.judgement_row),
        ):
            box = QGroupBox(title)
            box.setLayout(content)
            right_layout.addWidget(box)
        for title, widget in (("Outcomes", self.outcomes), ("Children", self.children)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(widget)
            right_layout.addWidget(box)
        details = QGroupBox("Details")
        details_layout = QVBoxLayout(details)
        details_layout.addWidget(self.fields)
        # Under the dates they are counted from, where the column scrolls: never cut off.
        details_layout.addWidget(self.timescales)
        right_layout.addWidget(details)
        right_layout.addStretch()
        self.tags = right
        scroll = QScrollArea()
        scroll.setWidget(right)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(360)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to what is in it, not to it
        self.scroll = scroll

        for number in range(1, 10):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda n=number: self.toggle_question(n - 1))

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        return splitter

    def set_framework(self, framework: Framework | None, children: list[str] = ()) -> None:
        self.framework = framework
        if framework is None:
            return
        self.kind.blockSignals(True)
        self.kind.clear()
        for kind in framework.kinds:
            self.kind.addItem(kind.label, kind.code)
        self.kind.blockSignals(False)
        for box in self.questions.values():
            box.setParent(None)
        self.questions = {}
        for number, question in enumerate(framework.questions, start=1):
            box = QCheckBox(question.code)
            box.setToolTip(f"{question.label} (Ctrl+{number})")
            box.setAccessibleName(f"Question {question.code}")
            box.toggled.connect(self._changed)
            self.questions[question.code] = box
            self.question_row.addWidget(box)
        for button in self.judgement.buttons():
            self.judgement.removeButton(button)
            button.setParent(None)
        for number, judgement in enumerate(framework.judgements):
            radio = QRadioButton(judgement.label)
            radio.setProperty("code", judgement.code)
            radio.setAccessibleName(f"Judgement: {judgement.label}")
            self.judgement.addButton(radio, number)
            self.judgement_row.addWidget(radio, number // 2, number % 2)
        self.outcomes.set_framework(framework)
        self.set_children(children)
        self._order_tabs()
        self._judgement_stop()

    def _order_tabs(self) -> None:
        """Tab goes down the left column, then down the right one as it reads: questions,
        judgement, outcomes, children, details (which are rebuilt for each kind)."""
        chain = [self.kind, self.title, self.text, self.photos, *self.questions.values()]
        radios = self.judgement.buttons()  # in the chain whichever is chosen: see below
        chain += [*radios, self.outcomes, self.children, self.fields]
        stops = [
            stop
            for widget in chain
            for stop in (widget, *widget.findChildren(QWidget))
            if (stop.focusPolicy() & Qt.FocusPolicy.TabFocus or stop in radios)
            and not stop.focusProxy()
            and stop.window() is self.window()  # not a row of details being taken down
        ]
        for before, after in zip(stops, stops[1:], strict=False):
            QWidget.setTabOrder(before, after)

    def _judgement_stop(self) -> None:
        """As in any group of radio buttons, Tab reaches the judgement chosen (the first if
        none is), and the arrow keys move the choice; the other buttons take clicks only."""
        buttons = self.judgement.buttons()
        chosen = self.judgement.checkedButton() or (buttons[0] if buttons else None)
        for button in buttons:
            button.setFocusPolicy(
                Qt.FocusPolicy.StrongFocus if button is chosen else Qt.FocusPolicy.ClickFocus
            )

    def set_children(self, refs: list[str]) -> None:
        self.register = list(refs)
        self.children.set_register(sorted(set(refs) | set(self.children.checked())))

    # -- showing -------------------------------------------------------------------------------

    def clear(self) -> None:
        """Show nothing (no note selected, or locked)."""
        self.timer.stop()
        self._generation += 1
        self.note, self.note_id, self.dirty = None, None, False
        self.unsaved = ""
        self._loading = True
        self.title.clear()
        self.text.clear()
        for box in self.questions.values():
            box.setChecked(False)
        self.judgement.setExclusive(False)
        for button in self.judgement.buttons():
            button.setChecked(False)
        self.judgement.setExclusive(True)
        self._judgement_stop()
        self.outcomes.filter.clear()
        self.outcomes.set_checked([])
        self.children.set_checked([])
        self.fields.set_values({})
        self.timescales.clear()
        self.breaches.hide()
        self._loading = False
        self.photos.show_thumbnails([])
        self.pages.setCurrentWidget(self.empty)

    def new_note(self, kind: str, tags: tuple[str | None, str | None] = (None, None),
                 judgement: str | None = None) -> None:
        """A blank draft of ``kind``, cursor in the text; saved once something is typed. It
        starts with ``tags``' question and outcome and the judgement (the list's filters)."""
        question, outcome = tags
        self._show(Note(id="", kind=kind, author="", questions=(question,) if question else (),
                        outcomes=(outcome,) if outcome else (),
                        judgement=judgement or self._default_judgement(), title="", text=""))
        self.kind.setEnabled(True)
        self.state.setText("New note")
        self.text.setFocus()

    def refresh(self) -> None:
        """After the file changed (an import, a resolve): show the note's new version, unless
        typing is under way (its save then keeps both, see ``Inspection.edit_note``)."""
        if self.note is None or not self.note_id or self.dirty or self._saving():
            return
        shown = (self.note.id, self.note.revision)
        self.session.run(
            ops.get_note,
            self.note_id,
            on_success=lambda note: self._refreshed(shown, note),
            on_failure=lambda exc: self._refreshed(shown, None) if isinstance(exc, NotFound)
            else None,
        )

    def _refreshed(self, shown: tuple[str, int], note: Note | None) -> None:
        if self.note is None or (self.note.id, self.note.revision) != shown or self.dirty:
            return  # the editor moved on, or typing began: nothing to replace
        if note is None:  # deleted by the import
            self.clear()
            self.message.emit(
                "The note that was open was deleted elsewhere (a teammate's bundle, or another "
                "program on this file)."
            )
        elif note.revision != shown[1]:
            self.load(note)

    def load(self, note: Note) -> None:
        if note.id == self.note_id and self.dirty:
            return  # our own unsaved typing is newer than what the list re-sent
        if self.stays():
            return
        self._show(note)
        self.kind.setEnabled(False)
        self.state.setText(self._saved_text(note))
        self.session.run(ops.thumbnails, note, on_success=self._thumbnails_for(note.id))

    def stays(self) -> bool:
        """Whether the note shown holds typing that could not be saved: then it stays shown,
        with the typing, rather than be replaced by another, and the user is told why."""
        if not (self.dirty and self.unsaved):
            return False
        self.stayed.emit(self.note_id or "")
        show_error(
            self,
            InvalidInput(
                f"This note is not saved yet: {self.unsaved} Put that right, then choose "
                "another note."
            ),
        )
        return True

    def _show(self, note: Note) -> None:
        shown = self.note_id
        if self.dirty and self._saving():  # typed after its save under way was sent (Ctrl+N)
            self._carried[self._generation] = self.values()  # sent once it is back: _saved
        self.timer.stop()
        self._generation += 1
        self._loading = True
        self.note, self.note_id, self.dirty = (note, note.id or None, False)
        self.unsaved = ""
        index = self.kind.findData(note.kind)
        self.kind.setCurrentIndex(max(index, 0))
        self._kind_changed()
        for code, box in self.questions.items():
            box.setChecked(code in note.questions)
        for button in self.judgement.buttons():
            button.setChecked(button.property("code") == note.judgement)
        self.outcomes.set_checked(note.outcomes)
        self.children.set_register(sorted(set(self.register) | set(note.children)))
        self.children.set_checked(note.children)
        self.fields.set_values(dict(note.fields))
        # The same note's unchanged text is left alone: setting it again would wipe its undo
        # history (as when a tick is undone and the note is shown again). Another note's text
        # is always set, so its undo history never reaches this one.
        # The same goes for text that differs only by what saving it trims (a space typed
        # last): set again, it would lose it and send the cursor to the start.
        same = note.id and note.id == shown
        if not same or not as_stored(self.title.text(), note.title, multiline=False):
            self.title.setText(note.title)
            self.title.setCursorPosition(0)  # a long title shows its start
        if not same or not as_stored(self.text.toPlainText(), note.text):
            self.text.setPlainText(note.text)
        self._show_timescales()
        self.photos.show_thumbnails([])
        self._set_conflict(note.conflict)
        self._loading = False
        self.pages.setCurrentIndex(1)
        self._tags = self.tag_values()
        if note.id != shown:  # another note starts at the top: questions and judgement
            self.scroll.verticalScrollBar().setValue(0)
            self.scroll.horizontalScrollBar().setValue(0)

    def _set_conflict(self, conflict: bool) -> None:
        """A note in conflict is shown, not edited, until a version is chosen; the banner says
        whose version is on show."""
        self.banner.reset()
        if conflict and self.note_id:
            self.session.run(ops.shown_version, self.note_id,
                             on_success=lambda found, of=self.note_id: self._name(of, found),
                             on_failure=lambda _exc: None)  # the banner says enough without
        self.banner.setVisible(conflict)
        self.title.setReadOnly(conflict)
        self.text.setReadOnly(conflict)
        self.tags.setEnabled(not conflict)
        self.photos.setEnabled(not conflict)

    def _name(self, note_id: str, found: tuple[Version, list[Version]]) -> None:
        if not self.banner.isHidden() and note_id == self.note_id:  # still the note shown
            self.banner.name_versions(found)

    def _kind_changed(self) -> None:
        if self.framework is None or self.kind.currentIndex() < 0:
            return
        values = self.fields.values() if not self._loading else {}
        self.fields.set_kind(self.framework.kind(self.kind.currentData()))
        self.fields.set_values(values)
        self._order_tabs()
        self._show_timescales()
        self._changed()

    def _default_judgement(self) -> str:
        codes = [j.code for j in self.framework.judgements] if self.framework else [""]
        return "context" if "context" in codes else codes[0]

    def set_on_site(self, day: str) -> None:
        """The inspection's first day on site (ISO), which a plan's annual review is counted
        to; until it is known, today."""
        if day != self.on_site:
            self.on_site = day
            self._show_timescales()

    def _show_timescales(self) -> None:
        if self.framework is None:
            return
        checks = check_timescales(self.framework, self.fields.values(), self.on_site)
        lines = [
            f"<span style='color:{'#c62828' if c.status == 'breached' else 'palette(text)'}'>"
            f"{'⚠ ' if c.status != 'met' else '✓ '}{c.describe()}</span>"
            for c in checks
        ]
        self.timescales.setText("<br>".join(lines))
        self.timescales.setVisible(bool(lines))
        breached = sum(c.status == "breached" for c in checks)
        self.breaches.setText(
            f"⚠ {breached} statutory timescale{'' if breached == 1 else 's'} breached: "
            "see Details on the right."
        )
        self.breaches.setVisible(bool(breached))

    def toggle_question(self, position: int) -> None:
        boxes = list(self.questions.values())
        if self.pages.currentIndex() == 1 and 0 <= position < len(boxes):
            if boxes[position].isEnabled():  # not on a note in conflict, which is read-only
                boxes[position].toggle()

    # -- saving --------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        checked = self.judgement.checkedButton()
        return {
            "kind": self.kind.currentData(),
            "questions": [code for code, box in self.questions.items() if box.isChecked()],
            "outcomes": self.outcomes.checked(),
            "judgement": checked.property("code") if checked else self._default_judgement(),
            "title": self.title.text(),
            "text": self.text.toPlainText(),
            "children": self.children.checked(),
            "fields": self.fields.values(),
        }

    def tag_values(self) -> dict[str, Any]:
        """What the tags are now: the part of a note a tick or a choice changes."""
        values = self.values()
        return {key: values[key] for key in TAGS}

    def _changed(self, *_: object) -> None:
        if self._loading or self.pages.currentIndex() != 1:
            return
        tags = self.tag_values()
        if tags != self._tags:
            if self.note_id:  # a saved note: a tick can be undone (typing has its own undo)
                self.tags_changed.emit(self.note_id, self._tags, tags)
            self._tags = tags
        self.dirty = True
        self.state.setText("Editing…")
        self.timer.start()

    def save(self) -> None:
        """Save now if anything changed; a save of this note already on its way is followed
        by another when it is back."""
        self.timer.stop()
        if not self.dirty or self._saving():
            return
        values = self.values()
        if self.note_id is None and not _worth_keeping(values):
            self.state.setText("Write a title or some text to keep this note.")
            return
        self._in_flight.add(self._generation)
        self.dirty = False
        self.state.setText("Saving…")
        self.session.run(
            ops.save_note,
            self.note_id,
            values,
            self.note,
            on_success=lambda note, g=self._generation, sent=values: self._saved(note, g, sent),
            on_failure=lambda exc, g=self._generation: self._save_failed(exc, g),
            changes=True,
        )

    def _saving(self) -> bool:
        """Whether a save of the note shown is on its way."""
        return self._generation in self._in_flight

    def _saved(self, note: Note, generation: int, sent: dict | None = None) -> None:
        self._in_flight.discard(generation)
        if generation != self._generation:
            # The editor moved on (Ctrl+N, another note): that note is saved, nothing to show,
            # but what was typed in it after this save was sent is sent now.
            values = self._carried.pop(generation, None)
            if values is not None:
                self.session.run(
                    ops.save_note,
                    note.id,
                    values,
                    note,
                    changes=True,
                    on_success=self.saved.emit,
                    on_failure=lambda exc: show_error(self, exc),
                )
            if self._pending_photos:
                paths, self._pending_photos = self._pending_photos, []
                self.session.run(
                    ops.add_photos,
                    note.id,
                    paths,
                    changes=True,
                    on_success=lambda result: self._say_refused(result[1], len(paths)),
                    on_failure=lambda exc: show_error(self, exc),
                )
            if self.dirty:
                self.save()
            return
        self.note_id, self.unsaved = note.id, ""
        self.kind.setEnabled(False)
        self._adopt(note, sent)
        if note.conflict and not self.dirty:  # saved beside a teammate's version
            self.state.setText(
                "Saved beside a teammate's change to this note, which arrived while you were "
                "typing: choose what to keep."
            )
        elif not self.dirty:
            self.state.setText(self._saved_text(note))
        self.saved.emit(note)
        if self._pending_photos:
            paths, self._pending_photos = self._pending_photos, []
            self.add_photos(paths)
        if self.dirty:
            self.save()

    def _adopt(self, note: Note, sent: dict | None) -> None:
        """The note as the file now holds it after our save. ``self.note`` must stay what the
        widgets show, as the next save is made on it: if the file holds more than was sent (a
        teammate's change merged in, or a conflict), it is shown, unless typing is under way;
        then what it brought is shown wherever the user has not touched it since the save was
        sent, or else the shown note stays the base and the next save keeps only what was
        typed."""
        theirs = self._unsent(note, sent) if sent is not None and not note.conflict else None
        if theirs == {}:
            self.note = note
        elif not self.dirty:
            self._show(note)
            self.session.run(ops.thumbnails, note, on_success=self._thumbnails_for(note.id))
        elif theirs is not None and self._take_in(note, sent, theirs):
            self.note = note

    def _as_saved(self, note: Note, values: dict) -> Note | None:
        """What saving ``values`` on ``note`` would store (None: they could not be saved)."""
        if self.framework is None:
            return None
        changes = {k: v for k, v in values.items() if k != "kind"}
        try:
            return changed_note(self.framework, note, changes, require_tags=False)
        except InvalidInput:
            return None

    def _unsent(self, note: Note, sent: dict) -> dict | None:
        """What ``note`` holds that the save did not send (``models.differences``)."""
        as_sent = self._as_saved(note, sent)
        return None if as_sent is None else differences(as_sent, note)

    def _take_in(self, note: Note, sent: dict, theirs: dict) -> bool:
        """Show ``theirs`` (what a save merged in) while typing goes on; False if the user
        has changed any of it since the save was sent (the next save then keeps both)."""
        as_sent, as_now = self._as_saved(note, sent), self._as_saved(note, self.values())
        if as_sent is None or as_now is None or set(differences(as_sent, as_now)) & set(theirs):
            return False
        self._loading = True
        try:
            for key in {k.partition(".")[0] for k in theirs}:
                if key == "questions":
                    for code, box in self.questions.items():
                        box.setChecked(code in note.questions)
                elif key == "judgement":
                    for button in self.judgement.buttons():
                        button.setChecked(button.property("code") == note.judgement)
                elif key == "outcomes":
                    self.outcomes.set_checked(note.outcomes)
                elif key == "children":
                    self.children.set_checked(note.children)
                elif key == "fields":  # the fields it brought; the others as they are now
                    fields = self.fields.values()
                    fields.update({k[len("fields."):]: v for k, v in theirs.items()
                                   if k.startswith("fields.")})
                    self.fields.set_values(fields)
                elif key == "title":
                    self.title.setText(note.title)
                elif key == "text":
                    self.text.setPlainText(note.text)
        finally:
            self._loading = False
        self._tags = self.tag_values()
        return True

    def _save_failed(self, exc: Exception, generation: int = -1) -> None:
        self._in_flight.discard(generation)
        if generation not in (-1, self._generation):
            self._carried.pop(generation, None)  # what followed it is lost with it, and said
            show_error(self, exc)  # typing in a note no longer shown: say so, loudly
            if self.dirty:
                self.save()
            return
        self.dirty = True
        self.unsaved = describe(exc)[1]
        self.state.setText(
            f"<span style='color:#c62828'>Not saved: {html.escape(str(exc))}</span>"
            if isinstance(exc, InvalidInput)
            else "Not saved"
        )
        if not isinstance(exc, InvalidInput):
            show_error(self, exc)

    def _refused(self, why: str) -> None:
        """Typing or a paste a box did not take: said where the note is, and in the status bar."""
        self.state.setText(f"<span style='color:#c62828'>{html.escape(why)}</span>")
        self.message.emit(why)

    def _saved_text(self, note: Note) -> str:
        """When the note was last saved (by anyone), in local time, and what it still needs."""
        stamp = local_time(note.updated_at)
        untagged = (
            " · untagged: tick a question and an outcome"
            if (not note.questions or not note.outcomes)
            else ""
        )
        unfinished = "".join(
            f" · <span style='color:#c62828'>{html.escape(label)} not saved: type a date like "
            "16/03/2026</span>"
            for label in self.fields.unfinished()
        )
        return f"Saved {stamp}{untagged}{unfinished}"

    def flush(self) -> str:
        """Save pending typing synchronously (closing or locking); the worker must be idle.
        Returns why it could not be saved, or ""."""
        self.timer.stop()
        self.session.runner.wait()
        QCoreApplication.processEvents()  # deliver a save that just finished
        if not self.dirty or self.session.inspection is None:
            return ""
        values = self.values()
        if self.note_id is None and not _worth_keeping(values):
            return ""
        try:
            note = ops.save_note(self.session.inspection, self.note_id, values, self.note)
        except Exception as exc:  # noqa: BLE001 - any failure is shown, never raised into Qt
            self._save_failed(exc)
            return f"The changes to the open note were not saved: {describe(exc)[1]}"
        self.note_id, self.dirty, self.unsaved = note.id, False, ""
        self._adopt(note, values)
        self.state.setText(self._saved_text(note))
        return ""

    # -- photos --------------------------------------------------------------------------------

    def add_photos(self, paths: list[Path]) -> None:
        if self.pages.currentIndex() != 1:
            return
        if self.note_id is None:
            if not _worth_keeping(self.values()):
                self.state.setText("Write a title or a line of text first, then add photos.")
                return
            self._pending_photos += paths
            self.dirty = True
            self.save()
            return
        self.photos.set_busy(0, len(paths))
        self.session.run(
            ops.add_photos,
            self.note_id,
            paths,
            on_progress=self.photos.set_busy,
            on_success=lambda result: self._photos_added(*result, wanted=len(paths)),
            on_failure=self._photo_failed,
            changes=True,
        )

    def _photo_failed(self, exc: Exception) -> None:
        self.photos.set_busy(1, 1)
        show_error(self, exc)
        if self.note_id:  # the photos added before the failure are shown
            self.session.run(ops.get_note, self.note_id, on_success=self._photos_changed)

    def _photos_added(self, note: Note, refused: list[str], wanted: int) -> None:
        self._photos_changed(note)
        self._say_refused(refused, wanted)

    def _say_refused(self, refused: list[str], wanted: int) -> None:
        if refused:
            added = wanted - len(refused)
            reasons = " ".join(refused)
            show_error(self, ImageError(f"{added} of {wanted} photos were added. {reasons}"
                                        if added else reasons))

    def _photos_changed(self, note: Note) -> None:
        self.photos.set_busy(1, 1)
        if note.id == self.note_id:
            self._adopt(note, self.values() if not self.dirty else None)
        self.session.run(ops.thumbnails, note, on_success=self._thumbnails_for(note.id))

    def _thumbnails_for(self, note_id: str):
        def show(thumbs: list[tuple[str, bytes]]) -> None:
            if note_id == self.note_id:
                self.photos.show_thumbnails(thumbs)

        return show

    def _remove_photo(self, attachment_id: str) -> None:
        if self.note_id:
            self.session.run(
                ops.remove_photo,
                self.note_id,
                attachment_id,
                on_success=self._photos_changed,
                on_failure=lambda exc: show_error(self, exc),
                changes=True,
            )

    def _open_photo(self, attachment_id: str) -> None:
        self.session.run(
            ops.photo,
            attachment_id,
            on_success=lambda data: PhotoDialog(data, self).open(),
            on_failure=lambda exc: show_error(self, exc),
        )

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # Bundles alone are left to the window, which imports them.
        if self.pages.currentIndex() == 1 and any(
            not is_bundle(Path(u.toLocalFile())) for u in event.mimeData().urls()
        ):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802
        self._files_pasted([Path(u.toLocalFile()) for u in event.mimeData().urls()
                            if u.isLocalFile()])
        event.acceptProposedAction()

    def _files_pasted(self, paths: list[Path]) -> None:
        """Files dropped on the editor or pasted in the note's text: photos, or bundles."""
        photos = [p for p in paths if not is_bundle(p)]
        if photos:
            self.add_photos(photos)
        if len(photos) < len(paths):
            self.bundles_dropped.emit([p for p in paths if is_bundle(p)])


def _worth_keeping(values: dict) -> bool:
    """A new note is saved once it has a title or some text (the core's rule too)."""
    return bool(values["text"].strip() or values["title"].strip())
