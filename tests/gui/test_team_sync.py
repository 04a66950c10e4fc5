"""Team & sync: the roster, cards, bundles in and out, joining. (Conflicts: test_conflicts.py;
the team's files: team_world.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
)

from inspector_app.core import bundle, team
from inspector_app.core.index import WorkingSet
from inspector_app.core.store import Inspection
from inspector_app.gui.main_window import MainWindow
from inspector_app.gui.new_inspection import NewInspectionDialog
from inspector_app.gui.team_page import RosterModel
from tests.conftest import PASSPHRASE
from tests.gui.helpers import (
    WAIT_MS,
    alt_keys,
    click,
    error_dialogs,
    select_note,
    settle,
    visible_headings,
)
from tests.gui.team_world import (
    AREA,
    HEADING,
    JOIN_PASSPHRASE,
    LATER_NOTE,
    LEAD,
    LEAD_TEXT,
    MEMBER,
    MEMBER_NOTE,
    SECOND,
    TEAM_TAB,
    TeamFiles,
    button_named,
    cheap,
    conflict_dialog,
    drop,
    import_summary,
    lock,
    make_team,
    open_file,
    roster,
    summary_lines,
    to_team_tab,
    unnamed_controls,
)

# -- 1. who is on the team -------------------------------------------------------------------


def test_the_team_tab_shows_this_files_fingerprint_and_the_roster(
    qtbot, window: MainWindow, files: TeamFiles
) -> None:
    open_file(qtbot, window, files.lead, notes=2)
    page = to_team_tab(qtbot, window)
    assert page.isVisible()
    assert files.lead_fingerprint in page.me.text() and LEAD in page.me.text()
    assert "(lead inspector)" in page.me.text()
    assert roster(page) == [(MEMBER, "Team inspector", files.member_fingerprint, "none yet")]
    assert page.buttons["add"].isVisible()
    assert page.buttons["export"].text() == "E&xport bundle to the team…"
    assert not page.empty.isVisible() and not page.conflict_box.isVisible()
    # With nothing in conflict the page stays together at the top: no row takes spare height.
    assert page.me.height() < 2 * page.me.sizeHint().height()
    assert page.buttons["card"].geometry().top() - page.table.geometry().bottom() < 20

    # The member's file knows its lead.
    lock(qtbot, window)
    assert page.model.rowCount() == 0 and page.me.text() == ""
    open_file(qtbot, window, files.member, notes=1)
    page = to_team_tab(qtbot, window)
    assert files.member_fingerprint in page.me.text() and MEMBER in page.me.text()
    assert roster(page) == [(LEAD, "Lead inspector", files.lead_fingerprint, "none yet")]
    assert not page.buttons["add"].isVisible()
    assert page.buttons["export"].text() == "E&xport bundle for the lead…"
    with Inspection.open(files.lead, PASSPHRASE) as lead:
        assert team.fingerprint(lead) == files.lead_fingerprint


# -- 2-4. bundles in ---------------------------------------------------------------------------


def test_importing_a_bundle_with_the_button_then_again(
    qtbot, window: MainWindow, files: TeamFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_file(qtbot, window, files.lead, notes=2)
    to_team_tab(qtbot, window)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *args, **kwargs: ([str(files.first)], "")
    )
    click(qtbot, page.buttons["import"])
    text = import_summary(qtbot, window)
    assert "robin-1.bundle" in text and MEMBER in text
    assert "1 new" in text and "0 in conflict" in text
    qtbot.waitUntil(lambda: window.workspace.list.model.rowCount() == 3, timeout=WAIT_MS)
    settle(qtbot, window)
    assert HEADING in visible_headings(window)
    [(name, _, _, last)] = roster(page)
    assert name == MEMBER and last.startswith("#1 at ")
    assert "1 new" in page.status.text()
    assert not page.progress.isVisible()

    click(qtbot, page.buttons["import"])
    text = import_summary(qtbot, window)
    assert "already imported" in text and "nothing changed" in text
    settle(qtbot, window)
    assert window.workspace.list.model.rowCount() == 3
    assert window.counts.text().startswith("3 notes")
    assert roster(page)[0][3] == last


def test_the_import_bar_follows_the_bytes_and_the_notes_are_read_before_the_summary(
    qtbot, window: MainWindow, files: TeamFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_file(qtbot, window, files.lead, notes=2)
    to_team_tab(qtbot, window)
    bar, reads = [], []
    shown = page._progress
    monkeypatch.setattr(page, "_progress", lambda done, total: (bar.append((done, total)),
                                                                 shown(done, total)))
    load = WorkingSet.load
    monkeypatch.setattr(WorkingSet, "load", lambda self, notes: (reads.append(1),
                                                                 load(self, notes))[1])
    page.import_paths([files.first, files.first])  # the second time: already imported
    import_summary(qtbot, window)
    assert reads == [1]  # read once, inside the import, before the summary
    assert bar == [(500, 1000), (1000, 1000), (0, 0)]  # each bundle's bytes; then busy
    settle(qtbot, window)
    assert window.workspace.list.model.rowCount() == 3
    assert reads == [1]  # the list that followed did not read the notes again
    assert not page.progress.isVisible()


def test_a_tampered_bundle_is_rejected_and_the_good_one_imported(
    qtbot, window: MainWindow, files: TeamFiles
) -> None:
    with Inspection.open(files.member, PASSPHRASE) as member:
        member.add_note(**LATER_NOTE)
        bundle.export_bundle(member, files.folder / "robin-2.bundle")
    data = bytearray((files.folder / "robin-2.bundle").read_bytes())
    data[len(data) // 2] ^= 0x40
    tampered = files.folder / "robin-2.bundle"
    tampered.write_bytes(bytes(data))

    page = open_file(qtbot, window, files.lead, notes=2)
    to_team_tab(qtbot, window)
    page.import_paths([tampered, files.first])
    lines = summary_lines(import_summary(qtbot, window))
    assert set(lines) == {"robin-2.bundle", "robin-1.bundle"}
    bad = lines["robin-2.bundle"]
    assert bad.startswith("rejected: ") and "nothing was imported" in bad
    assert bad.rstrip().endswith("."), "the reason is a whole sentence"
    assert "1 new" in lines["robin-1.bundle"]

    qtbot.waitUntil(lambda: window.workspace.list.model.rowCount() == 3, timeout=WAIT_MS)
    settle(qtbot, window)
    assert HEADING in visible_headings(window)
    assert LATER_NOTE["title"] not in visible_headings(window)
    assert roster(page)[0][3].startswith("#1 at ")
    assert window.isVisible() and window.session.is_open
    assert error_dialogs(window) == []
    assert all(button.isEnabled() for button in page.buttons.values())


def test_dropping_a_bundle_on_the_window_imports_it(
    qtbot, window: MainWindow, files: TeamFiles
) -> None:
    open_file(qtbot, window, files.lead, notes=2)
    assert window.workspace.tabs.currentIndex() == 0
    assert drop(window, [files.first])
    assert window.workspace.tabs.currentIndex() == TEAM_TAB
    assert "1 new" in import_summary(qtbot, window)
    qtbot.waitUntil(lambda: window.workspace.list.model.rowCount() == 3, timeout=WAIT_MS)
    settle(qtbot, window)
    assert HEADING in visible_headings(window)
    assert roster(window.workspace.team)[0][3].startswith("#1 at ")


def test_a_bundle_is_imported_when_dropped_on_the_editor_or_named_in_capitals(
    qtbot, window: MainWindow, files: TeamFiles
) -> None:
    open_file(qtbot, window, files.lead, notes=2)
    select_note(qtbot, window, visible_headings(window)[0])
    shouting = files.folder / "ROBIN-1.BUNDLE"
    shouting.write_bytes(files.first.read_bytes())
    editor = window.workspace.editor
    drop(editor, [shouting])  # the editor leaves a bundle to the window: it is not a photo
    assert "1 new" in import_summary(qtbot, window)
    settle(qtbot, window)
    assert editor.photos.thumbs.count() == 0 and error_dialogs(window) == []


def test_an_exported_bundle_gets_its_file_ending(
    qtbot, window: MainWindow, files: TeamFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_file(qtbot, window, files.member, notes=1)
    to_team_tab(qtbot, window)
    asked = {}

    def save_as(_parent, _title, suggested, _filter):
        asked["suggested"] = suggested
        return str(files.folder / "for-sam.day2"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    click(qtbot, page.buttons["export"])
    qtbot.waitUntil(lambda: (files.folder / "for-sam.day2.bundle").is_file(), timeout=WAIT_MS)
    assert Path(asked["suggested"]).name.startswith("bundle-")
    assert MEMBER.split()[0] not in asked["suggested"]  # no one's name in a file name


def test_a_member_file_made_before_the_card_came_joins_from_the_team_page(
    qtbot, window: MainWindow, files: TeamFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    early = files.folder / "early.inspection"
    made, _ = Inspection.create(early, PASSPHRASE, area="My visits", inspector="Kim Member",
                                role="team", kdf=cheap())
    with made:
        made.add_note(**MEMBER_NOTE)
    page = open_file(qtbot, window, early, notes=1)
    to_team_tab(qtbot, window)
    assert "has not joined an inspection yet" in page.empty.text() and page.empty.isVisible()
    export = page.buttons["export"]  # nobody to send it to yet: offered once joined
    assert not export.isEnabled() and "Join with the lead's card first" in export.toolTip()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(files.lead_card), "")
    )
    click(qtbot, button_named(page, "Join with the lead's card"))
    qtbot.waitUntil(lambda: "Joined the inspection led by" in page.status.text(),
                    timeout=WAIT_MS)
    assert files.lead_fingerprint in page.status.text()
    qtbot.waitUntil(lambda: not page.buttons["join"].isVisible(), timeout=WAIT_MS)
    assert page.buttons["export"].isEnabled()
    # What comes next, until the lead's first bundle shows the lead has the member's card.
    assert page.empty.isVisible() and page.empty.text().startswith(
        "Next: Write my card and give it to the lead")
    lock(qtbot, window)
    with Inspection.open(early, PASSPHRASE) as joined:
        assert joined.info.inspection_id == files.inspection_id
        assert [m.name for m in team.roster(joined)] == [LEAD]


# -- 7. bundles out ----------------------------------------------------------------------------


def test_export_from_the_page_reaches_the_member(
    qtbot,
    window: MainWindow,
    in_conflict: TeamFiles,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = in_conflict
    with Inspection.open(files.lead, PASSPHRASE) as lead:
        mine = next(v for v in lead.versions(files.note_id) if v.by == LEAD)
        lead.resolve(files.note_id, mine.id)
    out = files.folder / "to-team.bundle"

    page = open_file(qtbot, window, files.lead, notes=3)
    to_team_tab(qtbot, window)
    qtbot.waitUntil(
        lambda: "3 changed since the last bundle" in window.counts.text(), timeout=WAIT_MS
    )
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(out), ""))
    click(qtbot, page.buttons["export"])
    qtbot.waitUntil(lambda: page.status.text().startswith("Bundle #1 written"), timeout=WAIT_MS)
    assert "1 recipient" in page.status.text()
    assert out.is_file()
    qtbot.waitUntil(lambda: "changed since" not in window.counts.text(), timeout=WAIT_MS)
    assert window.counts.text().startswith("3 notes")
    assert not page.progress.isVisible()

    with Inspection.open(files.member, PASSPHRASE) as member:
        result = bundle.import_bundle(member, out)
        assert result.new == 2 and result.conflicts == []
        note = member.note(files.note_id)
        assert note.text == LEAD_TEXT and not note.conflict
        assert len(member.versions(files.note_id)) == 1


# -- 8. cards ----------------------------------------------------------------------------------


def test_the_lead_adds_a_members_card_and_a_malformed_card_is_refused(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = make_team(tmp_path, on_roster=False)
    page = open_file(qtbot, window, files.lead, notes=2)
    to_team_tab(qtbot, window)
    assert roster(page) == []
    assert page.empty.isVisible() and "No team yet" in page.empty.text()
    # Nobody to send a bundle to: no export, and no count of changes awaiting one.
    assert not page.buttons["export"].isEnabled()
    assert "changed since the last bundle" not in window.counts.text()

    chosen = [files.member_card]
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(chosen[0]), "")
    )
    click(qtbot, page.buttons["add"])
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT_MS)
    assert roster(page) == [(MEMBER, "Team inspector", files.member_fingerprint, "none yet")]
    qtbot.waitUntil(lambda: files.member_fingerprint in page.status.text(), timeout=WAIT_MS)
    assert MEMBER in page.status.text()
    assert not page.empty.isVisible() and page.buttons["export"].isEnabled()
    qtbot.waitUntil(lambda: "changed since the last bundle" in window.counts.text(),
                    timeout=WAIT_MS)

    assert page.status.text() != ""  # what the added card said, until the next action
    malformed = tmp_path / "scribbled.card"
    malformed.write_text('{"format": "inspector-app/card/1", "name": "Robin"}\n')
    chosen[0] = malformed
    click(qtbot, page.buttons["add"])
    qtbot.waitUntil(lambda: len(error_dialogs(window)) == 1, timeout=WAIT_MS)
    [box] = error_dialogs(window)
    assert "scribbled.card" in box.text() and "ask for it again" in box.text()
    assert page.status.text() == ""  # no earlier success left under the error
    box.close()
    settle(qtbot, window)
    assert roster(page) == [(MEMBER, "Team inspector", files.member_fingerprint, "none yet")]
    assert not page.progress.isVisible() and window.session.is_open


# -- 9. joining --------------------------------------------------------------------------------


def test_joining_from_the_start_screen(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = make_team(tmp_path, on_roster=False)
    click(qtbot, button_named(window.start, "Join an inspection with the lead's card"))
    dialog = window.findChild(NewInspectionDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    assert dialog.windowTitle() == "Join an inspection"
    assert not dialog.area.isVisible() and dialog.card_path.isVisible()
    # The card's label is a label (not "&Card:" as text), and Alt+C goes to the card.
    [label] = [w for w in dialog.findChildren(QLabel) if w.buddy() is dialog.card_path]
    assert label.text() == "&Card:" and label.isVisible()

    chosen = [files.member_card]
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(chosen[0]), "")
    )
    choose = button_named(dialog, "Choose the lead's card")
    click(qtbot, choose)
    qtbot.waitUntil(lambda: "member card" in dialog.details_message.text(), timeout=WAIT_MS)
    assert dialog.card_info.text() == ""
    click(qtbot, dialog.next)
    assert dialog.pages.currentIndex() == 0
    assert dialog.details_message.text() == "Choose the lead's inspection card."

    # A path typed (or pasted) is read as Enter is pressed: no second press needed.
    dialog.card_path.setFocus()
    dialog.card_path.setText(str(files.lead_card))
    qtbot.keyClick(dialog.card_path, Qt.Key.Key_Return)
    assert dialog.card is not None and dialog.details_message.text() != (
        "Choose the lead's inspection card."
    )
    chosen[0] = files.lead_card
    click(qtbot, choose)
    qtbot.waitUntil(lambda: dialog.card_info.text() != "", timeout=WAIT_MS)
    info = dialog.card_info.text()
    assert AREA in info and LEAD in info and files.lead_fingerprint in info
    assert dialog.details_message.text() == ""

    target = tmp_path / "alex.inspection"
    qtbot.keyClicks(dialog.inspector, SECOND)
    dialog.location.setText(str(target))
    click(qtbot, dialog.next)
    assert dialog.pages.currentIndex() == 1
    qtbot.keyClicks(dialog.passphrase, JOIN_PASSPHRASE)
    qtbot.keyClicks(dialog.again, JOIN_PASSPHRASE)
    assert dialog.next.text() == "&Create"
    click(qtbot, dialog.next)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=WAIT_MS)
    assert dialog.recovery.text() and not dialog.next.isEnabled()
    qtbot.keyClick(dialog.kept, Qt.Key.Key_Space)
    assert dialog.next.text() == "&Finish"
    click(qtbot, dialog.next)

    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.workspace, timeout=WAIT_MS)
    assert not dialog.isVisible()
    assert window.windowTitle() == f"{AREA} — Inspector"
    page = to_team_tab(qtbot, window)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT_MS)
    assert roster(page) == [(LEAD, "Lead inspector", files.lead_fingerprint, "none yet")]
    assert SECOND in page.me.text()

    window.close()
    with Inspection.open(target, JOIN_PASSPHRASE) as joined:
        assert joined.info.inspection_id == files.inspection_id
        assert (joined.info.inspector, joined.info.role, joined.info.area) == (
            SECOND,
            "team",
            AREA,
        )


# -- 10-11. accessibility and the model --------------------------------------------------------


def test_team_page_and_conflict_dialog_controls_have_names(
    qtbot, window: MainWindow, in_conflict: TeamFiles
) -> None:
    page = open_file(qtbot, window, in_conflict.lead, notes=3)
    to_team_tab(qtbot, window)
    qtbot.waitUntil(lambda: page.conflicts.count() == 1, timeout=WAIT_MS)
    assert page.conflict_box.isVisible() and page.table.isVisible()
    assert unnamed_controls(page) == []

    click(qtbot, button_named(page, "Resolve the selected conflict"))
    dialog = conflict_dialog(qtbot, window)
    assert unnamed_controls(dialog) == []
    keys = alt_keys(dialog)
    assert sorted({k for k in keys if keys.count(k) > 1}) == []  # every Alt+key does one thing
    names = {w.accessibleName() for w in dialog.findChildren(QPlainTextEdit)}
    assert names == {f"Version by {LEAD}", f"Version by {MEMBER}", "Merged text"}
    click(qtbot, next(b for b in dialog.findChildren(QPushButton) if b.text() == "Decide &later"))
    assert not dialog.isVisible()


@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_roster_model(qtbot, qtmodeltester, window: MainWindow, files: TeamFiles) -> None:
    with Inspection.open(files.lead, PASSPHRASE) as lead:
        bundle.import_bundle(lead, files.first)
        second, _ = team.join(
            files.folder / "second.inspection", files.lead_card, SECOND, PASSPHRASE, kdf=cheap()
        )
        with second:
            team.write_card(second, files.folder / "second.card")
        team.add_member(lead, files.folder / "second.card")

    page = open_file(qtbot, window, files.lead, notes=3)
    model: RosterModel = page.model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=WAIT_MS)
    assert [row[0] for row in roster(page)] == [SECOND, MEMBER]
    qtmodeltester.check(model)
    qtmodeltester.check(model, force_py=True)

    page.import_paths([files.first])  # already imported: the roster reloads, the same
    import_summary(qtbot, window)
    settle(qtbot, window)
    lock(qtbot, window)
    assert model.rowCount() == 0
    open_file(qtbot, window, files.lead, notes=3)
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=WAIT_MS)
