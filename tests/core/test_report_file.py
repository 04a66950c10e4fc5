"""The draft as a file: the page and language of a British letter, properties of its own
(none of the template's), and never written where it would destroy something."""

from __future__ import annotations

import datetime as dt
import errno
import gc
import io
import os
import re
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from inspector_app.core import outfile, report
from inspector_app.core.errors import StorageError
from inspector_app.core.findings import UNWRITTEN, add_finding
from inspector_app.core.models import Note
from inspector_app.core.report import write_report
from tests.conftest import add_fixture_note, cli
from tests.core.test_report import open_in_libreoffice, paragraphs, rich  # noqa: F401 - fixture

A4_TWIPS = (11906, 16838)


def test_the_draft_is_a4_in_british_english_with_properties_of_its_own(rich, tmp_path):  # noqa: F811
    document = docx.Document(str(rich.draft))
    for section in document.sections:
        assert (section.page_width.twips, section.page_height.twips) == A4_TWIPS
    languages = {
        element.get(qn("w:val"))
        for part in ("word/styles.xml", "word/document.xml")
        for element in _xml(rich.draft, part).iter(qn("w:lang"))
    }
    assert languages == {"en-GB"}
    properties = document.core_properties
    assert properties.title == "Joint local area SEND inspection in Northmoor"
    assert properties.author == properties.last_modified_by == "Sam Lead"
    made = properties.created.replace(tzinfo=dt.UTC)
    assert abs(dt.datetime.now(dt.UTC) - made) < dt.timedelta(hours=1)
    assert properties.modified == properties.created
    assert "python-docx" not in (properties.comments or "")
    with zipfile.ZipFile(rich.draft) as package:
        names = package.namelist()
        application = package.read("docProps/app.xml").decode()
    assert not [n for n in names if "thumbnail" in n]  # no blank picture of a page
    assert "Macintosh" not in application and "<Application>inspector-app<" in application
    initials = {c.get(qn("w:initials")) for c in _xml(rich.draft, "word/comments.xml")}
    assert initials == {"SL"}  # the lead's, as Word shows beside each comment
    # A real client lays it out on A4: 595 × 842 points.
    open_in_libreoffice(rich.draft, tmp_path)
    pdf = next(tmp_path.glob("libreoffice-*/*.pdf")).read_bytes()
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf))
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}


def test_table_rows_are_never_split_across_pages(rich):  # noqa: F811
    document = docx.Document(str(rich.draft))
    for table in document.tables:
        for row in table.rows:
            assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None


def _xml(path: Path, part: str):
    from lxml import etree

    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(part))


def test_evidence_is_dated_the_day_it_was_recorded_in_local_time(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    try:
        note = Note(
            id="n", kind="meeting", author="Jo Lead", questions=("A",), outcomes=(),
            judgement="strength", title="Forum", text="",
            created_at="2026-09-14T23:30:00+00:00",  # 00:30 on the 15th in London (BST)
            updated_at="2026-09-22T10:00:00+00:00",  # tagged after the inspection
        )
        assert report._gathered(note) == "15 Sep 2026"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def letter(inspection, tmp_path: Path, **details) -> str:
    inspection.set_details(**details)
    out = tmp_path / f"draft-{len(list(tmp_path.glob('draft-*')))}.docx"
    write_report(inspection, out)
    return "\n".join(paragraphs(out))


def test_the_letter_marks_what_is_still_to_decide(inspection, tmp_path):
    text = letter(inspection, tmp_path, on_site_start="2026-03-04", on_site_end="2026-03-04")
    assert "On 4 March 2026, Ofsted and the Care Quality Commission" in text  # one day
    assert "[Written statement of action: no decision is recorded." in text
    assert "[Director of Children's Services, and the council]" in text  # no addressees yet
    assert "[No main findings yet" in text
    text = letter(inspection, tmp_path, wsoa="not-required")
    assert "Written statement of action" not in text and "Statement of Action" not in text
    # Required, with no finding that is a significant weakness: the cover note says so.
    text = letter(inspection, tmp_path, wsoa="required")
    assert "Written Statement of Action is required" in text
    assert ("the local authority and the area's health commissioners are jointly responsible "
            "for submitting the written statement to Ofsted.") in text
    assert "recorded as required, but no finding is a significant weakness" in text
    note = add_fixture_note(inspection)
    add_finding(inspection, question="A", judgement="weakness", text="Waits are long.",
                evidence=[note.id])
    assert "but no finding is a significant weakness" not in letter(inspection, tmp_path)


def test_the_cover_note_says_when_a_finding_speaks_of_one_child_by_pseudonym(
    inspection, tmp_path
):
    note = add_fixture_note(inspection)  # Child A, in the register without a real name
    finding = add_finding(inspection, question="B", judgement="development", evidence=[note.id],
                          text="Child A waited 27 weeks for a final plan.")
    add_finding(inspection, question="B", judgement="development", evidence=[note.id],
                text="Every child a service sees has a say.")  # no one child: "child a"
    text = letter(inspection, tmp_path)
    assert (f"The finding {finding.id[:8]} speaks of Child A: a letter speaks of children and "
            "young people, never of one child, even by a pseudonym.") in text
    assert text.count("speaks of Child") == 1
    # Written in another case, it is still one child.
    other = add_finding(inspection, question="B", judgement="development", evidence=[note.id],
                        text="The plan for child A took 27 weeks.")
    assert f"The finding {other.id[:8]} speaks of Child A" in letter(inspection, tmp_path)


def test_a_finding_never_written_stands_in_brackets_and_the_cover_note_counts_it(
    inspection, tmp_path
):
    note = add_fixture_note(inspection)
    add_finding(inspection, question="B", judgement="strength", evidence=[note.id],
                text=UNWRITTEN)  # New finding pressed, nothing typed
    text = letter(inspection, tmp_path)
    assert UNWRITTEN not in text and "1 finding is not yet written." in text
    assert "[A finding not yet written: write it, or delete it, on the Findings page.]" in text


def test_the_command_line_never_writes_a_draft_over_a_file_unasked(inspection, tmp_path):
    inspection.close()
    edited = tmp_path / "northmoor-draft.docx"
    edited.write_bytes(b"the writer's edited draft")
    refused = cli("report", inspection.path, "--out", edited, check=2)
    assert "already exists" in refused.stderr and "--replace" in refused.stderr
    assert edited.read_bytes() == b"the writer's edited draft"
    cli("report", inspection.path, "--out", edited, "--replace", check=0)
    assert docx.Document(str(edited)).paragraphs  # now the new draft
    for name in ("draft", "draft.pdf"):
        named = cli("report", inspection.path, "--out", tmp_path / name, check=2)
        assert "does not end in .docx" in named.stderr and not (tmp_path / name).exists()
    named = cli("report", inspection.path, "--out", tmp_path / ".DOCX", check=2)
    assert "name is only .docx" in named.stderr and not (tmp_path / ".DOCX").exists()


def test_a_disk_that_cannot_be_written_names_the_draft_not_a_temporary_file(
    tmp_path, monkeypatch
):
    def read_only(*_args, **_kw):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(outfile.os, "open", read_only)
    monkeypatch.setattr(Path, "unlink", read_only)  # nothing there to remove, and it says so
    out = tmp_path / "draft.docx"
    with pytest.raises(StorageError) as raised:
        outfile.write_atomically(out, "draft", lambda handle: None)
    assert str(raised.value) == (
        f"The draft could not be written to {out}: Read-only file system; choose another folder."
    )


def test_a_disk_filling_up_mid_draft_says_one_sentence_and_nothing_else(
    inspection, tmp_path, monkeypatch
):
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    opened = outfile.os.fdopen

    class FillsUp(io.RawIOBase):
        def __init__(self, fd, mode):
            self.inner = opened(fd, mode)

        def writable(self):
            return True

        def write(self, data):
            if len(data) > 1000:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.inner.write(data)

        def close(self):
            self.inner.close()
            super().close()

    monkeypatch.setattr(outfile.os, "fdopen", FillsUp)
    out = tmp_path / "draft.docx"
    with pytest.raises(StorageError, match="No space left on device"):
        write_report(inspection, out)
    gc.collect()
    assert unraisable == []  # no "Exception ignored … Traceback" under the sentence
    assert not out.exists() and not list(tmp_path.glob(".*.part"))


def test_days_are_written_in_english_whatever_language_the_computer_uses(
    inspection, tmp_path
):
    import locale

    for name in ("cy_GB.UTF-8", "de_DE.UTF-8", "fr_FR.UTF-8"):
        try:
            before = locale.setlocale(locale.LC_TIME, name)  # as the app's Qt sets it
            break
        except locale.Error:
            continue
    else:
        pytest.skip("no language other than English is installed to try")
    try:
        text = letter(inspection, tmp_path, on_site_start="2026-03-23", on_site_end="2026-03-27")
    finally:
        locale.setlocale(locale.LC_TIME, "C")
    assert before and "Between 23 March 2026 and 27 March 2026, Ofsted" in text
    assert "outcome letter (33 working days after the last day on site): Monday 18 May 2026" in text


def test_a_letter_date_is_english_with_no_leading_zero():
    from inspector_app.core.models import letter_date

    day = dt.date(2027, 2, 1)
    assert letter_date(day) == "1 February 2027"
    assert letter_date(day, short=True) == "1 Feb 2027"
    assert letter_date(day, weekday=True) == "Monday 1 February 2027"


def test_a_temporary_file_left_by_a_killed_write_is_removed_by_the_next(tmp_path):
    out = tmp_path / "bundle-2026-12-05.bundle"
    stale, yesterdays, fresh, theirs = (
        tmp_path / name for name in (
            ".bundle-2026-12-05.bundle.0a1b2c3d.part",
            ".bundle-2026-12-04.bundle.9f8e7d6c.part",  # a name not written again
            ".bundle-2026-12-05.bundle.5e5e5e5e.part",
            ".holiday.part",  # not one of the app's
        )
    )
    for part in (stale, yesterdays, fresh, theirs):
        part.write_bytes(b"half a bundle")
    an_hour_ago = time.time() - outfile.STALE_PART_S - 60
    for old in (stale, yesterdays, theirs):
        os.utime(old, (an_hour_ago, an_hour_ago))
    outfile.write_atomically(out, "bundle", lambda handle: handle.write(b"whole"))
    assert out.read_bytes() == b"whole"
    assert not stale.exists() and not yesterdays.exists()
    assert fresh.exists() and theirs.exists()  # one being written now is left alone
