"""The Word draft of findings: what a writer sees when the draft is opened.

The draft mirrors the published outcome letter (DOMAIN.md, "The outcome letter the Word draft
mirrors"): title, opening with the dates on site, team, method, the WSOA paragraph when one is
required, main findings, the three questions with strengths and areas for development, and an
appendix. It is opened by a real client, LibreOffice headless (installed in CI, never skipped
there), and read back with python-docx for comments, header, footer and tables. Children are
never named: the real names in the child register refuse the draft unless allowed knowingly.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from inspector_app.core import report
from inspector_app.core.crypto import KdfParams
from inspector_app.core.errors import FrameworkError, InvalidInput, NamesInReport
from inspector_app.core.findings import add_finding
from inspector_app.core.models import Finding, Note
from inspector_app.core.report import MARKING, write_report
from inspector_app.core.store import Inspection
from tests.conftest import FIXTURE_ONE, PASSPHRASE, add_fixture_note, british_day, cli

QUESTION_HEADINGS = (
    "The effectiveness of the local area in identifying children and young people who have "
    "special educational needs and/or disabilities",
    "The effectiveness of the local area in assessing and meeting the needs of children and "
    "young people who have special educational needs and/or disabilities",
    "The effectiveness of the local area in improving outcomes for children and young people "
    "who have special educational needs and/or disabilities",
)
WSOA_SENTENCE = "a Written Statement of Action is required"
EMOJI = "🧩"
ARABIC = "ينتظرون طويلاً"
HEBREW = "מחכים זמן רב"
LONG_NOTE = 100_000
TEAM = ("Sam Lead, HMI", "Priya Shah, Ofsted Inspector", "Tom Reid, CQC inspector")


# -- helpers ----------------------------------------------------------------------------------


def open_in_libreoffice(docx_path: Path, tmp_path: Path) -> str:
    """The draft's text as LibreOffice reads it; a PDF export proves a real client opens it."""
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is not installed; CI must install libreoffice-writer-nogui")
        pytest.skip("LibreOffice is not installed")
    outdir = tmp_path / f"libreoffice-{uuid.uuid4().hex[:8]}"
    profile = outdir / "profile"
    for target in ("pdf", "txt:Text"):
        result = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(outdir),
                str(docx_path),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        assert result.returncode == 0, result.stderr
    pdf = outdir / f"{docx_path.stem}.pdf"
    assert pdf.exists(), f"LibreOffice could not open the draft: {result.stdout} {result.stderr}"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = outdir / f"{docx_path.stem}.txt"
    assert text.exists(), result.stderr
    return text.read_text(encoding="utf-8-sig")


def in_order(text: str, *parts: str) -> None:
    """Each part appears in the text after the one before it."""
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} missing after position {at}"
        at = found + len(part)


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def method_paragraph(path: Path) -> str:
    (method,) = [p for p in paragraphs(path) if p.startswith("Inspectors held")]
    return method


def method_and_after(path: Path) -> str:
    """The method paragraph and the one after it."""
    texts = paragraphs(path)
    start = next(i for i, p in enumerate(texts) if p.startswith("Inspectors held"))
    return "\n".join(texts[start:start + 2])


def commented(document) -> list[tuple[str, list[str]]]:
    """Each paragraph carrying comments, with the texts of those comments."""
    out = []
    for paragraph in document.paragraphs:
        ids = paragraph._p.xpath(".//w:commentRangeStart/@w:id")
        if ids:
            out.append((paragraph.text, [document.comments.get(int(i)).text for i in ids]))
    return out


def file_text(path: Path) -> str:
    """Every XML part of the .docx: the body, comments, header, footer, properties."""
    with zipfile.ZipFile(path) as archive:
        return "".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix in (".docx", ".part"))


def one_sentence(message: str) -> None:
    assert message and "\n" not in message.strip() and message.rstrip().endswith("."), message
    assert "Traceback" not in message, message


def named_child(inspection: Inspection, text: str) -> Finding:
    """Child A registered as Jordan Whitfield, and a finding whose text is ``text``."""
    inspection.add_child("Child A", "Jordan Whitfield")
    note = add_fixture_note(inspection)
    return add_finding(inspection, question="B", judgement="development", text=text,
                       evidence=[note.id])


# -- one rich inspection, drafted once and opened once by LibreOffice --------------------------


@dataclass
class Rich:
    inspection: Inspection
    notes: dict[str, Note]
    findings: dict[str, Finding]
    draft: Path
    tmp: Path


def _long_text() -> str:
    first = "Whole case file transcribed from the local authority's records"
    entries = "".join(
        f"Entry {i}: annual review minutes, advice received, outcomes reviewed.\n"
        for i in range(2000)
    )
    return (first + "\n" + entries)[: LONG_NOTE - 1] + "."


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> Rich:
    tmp = tmp_path_factory.mktemp("rich")
    inspection, _ = Inspection.create(
        tmp / "northmoor.inspection",
        PASSPHRASE,
        kdf=KdfParams.fresh(memory_cost=1024, iterations=1, lanes=1),
        area="Northmoor",
        inspector="Sam Lead",
    )
    inspection.set_details(
        on_site_start="2024-03-04", on_site_end="2024-03-08", wsoa="required", team=list(TEAM)
    )
    # Real names are held, and must not reach the draft.
    inspection.add_child("Child A", "Jordan Whitfield")
    inspection.add_child("Child B", "Amélie Durand")
    add = inspection.add_note
    notes = {
        "case_a": add(**FIXTURE_ONE),
        "case_b": add(
            kind="case-review", questions=["C"], outcomes=["pfa-independent-living"],
            judgement="development", title="Year 10 annual review without PfA content",
            text="No preparing-for-adulthood content; social care not invited.",
            children=["Child B"],
            fields={"ehc_request": "2024-02-01", "ehc_decision": "2024-03-01",
                    "ehc_final": "2024-06-01"},
        ),
        "case_long": add(
            kind="case-review", questions=["B"], outcomes=["needs-met"], judgement="context",
            text=_long_text(), children=["Child C"],
        ),
        "parents": add(
            kind="meeting", questions=["A"], outcomes=["identification"],
            judgement="development", title="Parents of under-fives\x07",
            text="Four parents\x00 describe long\x1b waits after the two-year check.",
            fields={"participants": ["Parents and carers"], "participant_count": 4},
        ),
        "forum": add(
            kind="meeting", questions=["B"], outcomes=["co-production"], judgement="strength",
            title=f"Forum {EMOJI} شكرا لكم — תודה רבה",
            text="The forum co-wrote the local offer pages.",
            fields={"participants": ["Parent Carer Forum", "SENDIASS"]},
        ),
        "college": add(
            kind="visit", questions=["C"], outcomes=["pfa-employment"], judgement="strength",
            title="Supported internships at the college",
            text="Three of five recent interns in paid work.",
            fields={"provider_type": "Further education college"},
        ),
        "school": add(
            kind="visit", questions=["A"], outcomes=["identification"], judgement="strength",
            title="Speech and language therapy at the primary school",
            text="Early speech and language therapy input recorded.",
            fields={"provider_type": "Mainstream primary school"},
        ),
        "commissioning": add(
            kind="document", questions=["B"], outcomes=["joint-commissioning"],
            judgement="weakness", title="No joint commissioning strategy",
            text="Autism assessment waiting list of 70 weeks.",
            fields={"document_type": "Joint commissioning plan"},
        ),
        "sef": add(
            kind="document", questions=["B"], outcomes=["self-evaluation"], judgement="context",
            title="Self-evaluation 2023", text="The area's self-evaluation, read in full.",
            fields={"document_type": "Self-evaluation"},
        ),
    }

    def finding(question, judgement, text, *evidence, main=False):
        return add_finding(inspection, question=question, judgement=judgement, text=text,
                           evidence=[notes[e].id for e in evidence], main=main)

    findings = {
        "waits": finding(
            "A", "development",
            f"Parents of under-fives wait\x00 too long\x07 for a referral {EMOJI} — {ARABIC} — "
            f"{HEBREW}\x1b.",
            "parents", main=True,
        ),
        "therapy": finding("A", "strength", "Early speech and language therapy is recorded.",
                           "school"),
        "strategy": finding(
            "B", "weakness",
            "There is no joint commissioning strategy; autism assessments wait 70 weeks.",
            "commissioning", "case_long", main=True,
        ),
        "forum": finding("B", "strength", "The forum co-wrote\ufffe the local offer pages.",
                         "forum"),
        "timeliness": finding("B", "development", "Too few EHC plans are final within 20 weeks.",
                              "case_a", "case_long"),
    }
    draft = tmp / "draft.docx"
    assert write_report(inspection, draft) == []
    yield Rich(inspection, notes, findings, draft, tmp)
    inspection.close()


@pytest.fixture(scope="module")
def rich_text(rich) -> str:
    return open_in_libreoffice(rich.draft, rich.tmp)


# -- structure, as LibreOffice reads it -------------------------------------------------------


def test_libreoffice_reads_the_letter_in_the_published_order(rich_text):
    in_order(
        rich_text,
        "Joint local area SEND inspection in Northmoor",
        "Latest publication date of the outcome letter",
        "Friday 26 April 2024",  # 33 working days after 8 March, Easter excluded
        "Director of Children's Services",
        "Between 4 March 2024 and 8 March 2024, Ofsted and the Care Quality Commission (CQC) "
        "conducted a joint inspection of the local area of Northmoor",
        "Children and Families Act 2014",
        "The inspection was led by one of His Majesty's Inspectors (HMI)",
        "Inspectors held",
        WSOA_SENTENCE,
        "Main findings",
        "Parents of under-fives wait too long for a referral",
        "There is no joint commissioning strategy; autism assessments wait 70 weeks. "
        "(significant weakness)",
        QUESTION_HEADINGS[0],
        "Strengths",
        "Early speech and language therapy is recorded.",
        "Areas for development",
        "Parents of under-fives wait too long for a referral",
        QUESTION_HEADINGS[1],
        "Strengths",
        "The forum co-wrote the local offer pages.",
        "Areas for development",
        "Too few EHC plans are final within 20 weeks.",
        "There is no joint commissioning strategy; autism assessments wait 70 weeks. "
        "(significant weakness)",
        QUESTION_HEADINGS[2],
        "Evidence to consider",
        "Strength",
        "Supported internships at the college",
        "Area for development",
        "Year 10 annual review without PfA content",
        "Appendix: coverage, timeliness and evidence",
        "Coverage of the questions",
        "EHC timeliness (case record reviews)",
        "Evidence index",
    )
    team_line = next(line for line in rich_text.splitlines() if "led by one of" in line)
    assert all(member in team_line for member in TEAM)
    assert "including an Ofsted Inspector and a children's services inspector from CQC" in (
        team_line
    )
    assert rich_text.count("(significant weakness)") == 2  # main finding and under question B


def test_the_letter_claims_no_role_or_evidence_the_file_does_not_hold(inspection, tmp_path):
    inspection.set_details(team=["Sam Okafor, HMI", "Priya Shah, Ofsted Inspector"])
    add_fixture_note(inspection, kind="meeting", fields={"participants": ["Parents and carers"]})
    out = tmp_path / "draft.docx"
    write_report(inspection, out)
    text = "\n".join(paragraphs(out))
    assert (
        "with a team of inspectors including an Ofsted Inspector: Sam Okafor, HMI; Priya Shah, "
        "Ofsted Inspector." in text
    )
    assert "CQC:" not in text and "from CQC" not in text
    inspection.set_details(team=["Sam Okafor, HMI", "Tom Reid, Care Quality Commission"])
    write_report(inspection, out)
    assert "including a children's services inspector from CQC: Sam Okafor" in "\n".join(
        paragraphs(out)
    )
    assert "Inspectors held 1 meeting (1 with parents and carers)." in text
    assert "0 documents" not in text and "self-evaluation" not in text


def test_method_paragraph_counts_the_evidence_gathered(rich_text):
    (method,) = [line for line in rich_text.splitlines() if line.startswith("Inspectors held")]
    assert "Inspectors held 2 meetings (" in method
    assert "visited 2 providers (" in method
    assert "reviewed 3 case records" in method
    assert "considered 2 documents (" in method
    for part in ("1 with parents and carers", "1 with SENDIASS", "further education college: 1",
                 "mainstream primary school: 1", "joint commissioning plan: 1",
                 "self-evaluation: 1"):
        assert part in method, part


def test_appendix_tables_coverage_ehc_timeliness_and_every_note(rich, rich_text):
    appendix = rich_text[rich_text.index("Appendix: coverage"):]
    in_order(appendix, "Outcome or evidence theme", "Question A", "Question B", "Question C")
    assert (
        "Final EHC plan within 20 weeks of the request (reg 13(2)): 1 of 2 within 20 weeks"
        in appendix
    )
    assert "Decision whether to assess within 6 weeks of the request (SEND Regulations 2014, " \
        "reg 5): 1 of 1 within 6 weeks" in appendix
    assert "within 16 weeks of the request (reg 10): no case record holds the dates." in appendix
    index = appendix[appendix.index("Evidence index"):]
    for note in rich.notes.values():
        assert f"[{note.id[:8]}]" in index, note.heading

    document = docx.Document(str(rich.draft))
    coverage, evidence = document.tables
    cells = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in coverage.rows}
    assert cells["Outcome or evidence theme"] == ["Question A", "Question B", "Question C"]
    identification = "Identifying needs 0–25, including groups needing additional consideration"
    assert cells[identification] == ["2", "gap", "gap"]
    assert cells["The impact of joint commissioning"] == ["gap", "1", "gap"]
    assert cells["Preparing for adulthood: independent living"] == ["gap", "gap", "1"]
    assert cells["A wide range of health, care and educational outcomes"] == ["gap"] * 3
    rows = [[c.text for c in row.cells] for row in evidence.rows]
    assert rows[0] == ["Reference", "Kind", "Date", "Author"]
    assert len(rows) == 1 + len(rich.notes)
    commissioning = rich.notes["commissioning"]
    assert [
        "No joint commissioning strategy [" + commissioning.id[:8] + "]",
        "Document or data review",
        british_day(commissioning.created_at),
        "Sam Lead",
    ] in rows


def test_appendix_tables_give_the_names_room_and_repeat_their_headings(rich):
    document = docx.Document(str(rich.draft))
    section = document.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    for table in document.tables:
        widths = [column.width for column in table.columns]
        assert widths[0] == max(widths) and widths[0] > 2 * min(widths)  # names, not numbers
        assert sum(widths) <= text_width
        for row in table.rows:  # Word reads the widths from every cell
            assert [cell.width for cell in row.cells] == widths
        heading = table.rows[0]._tr.trPr
        assert heading is not None and heading.find(qn("w:tblHeader")) is not None


def test_hostile_text_is_written_and_read_back_by_a_real_client(rich, rich_text):
    assert EMOJI in rich_text and ARABIC in rich_text and HEBREW in rich_text
    assert "Forum 🧩 شكرا لكم — תודה רבה" in rich_text  # a note title, in the evidence index
    expected = f"Parents of under-fives wait too long for a referral {EMOJI} — {ARABIC} — {HEBREW}."
    assert paragraphs(rich.draft).count(expected) == 2  # main finding and under question A
    for control in ("\x00", "\x07", "\x1b", "\ufffe"):
        assert control not in rich_text
        assert control not in file_text(rich.draft)
    long_note = rich.inspection.note(rich.notes["case_long"].id)
    assert len(long_note.text) == LONG_NOTE
    index = rich_text[rich_text.index("Evidence index"):]
    assert f"[{long_note.id[:8]}]" in index and "Whole case file transcribed" in index


# -- the file, read back with python-docx -----------------------------------------------------


def test_draft_is_marked_numbered_and_titled(rich):
    document = docx.Document(str(rich.draft))
    section = document.sections[0]
    assert section.header.paragraphs[0].text == MARKING == "DRAFT — OFFICIAL-SENSITIVE"
    footer = section.footer._element.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    assert document.core_properties.title == "Joint local area SEND inspection in Northmoor"
    assert document.core_properties.author == "Sam Lead"
    today = dt.date.today()
    assert f"{today.day} {today:%B %Y}" in [p.text for p in document.paragraphs]


def test_each_finding_carries_one_comment_listing_its_evidence(rich):
    document = docx.Document(str(rich.draft))
    commented_paragraphs = commented(document)
    # A main finding is also under its question; its comment is given once.
    assert len(commented_paragraphs) == len(rich.findings)
    assert len(list(document.comments)) == len(commented_paragraphs)
    kinds = {note.id: rich.inspection.framework.kind(note.kind).label
             for note in rich.notes.values()}
    for paragraph, comments in commented_paragraphs:
        assert len(comments) == 1, paragraph
        (finding,) = [f for f in rich.findings.values()
                      if paragraph.startswith(report.xml_safe(f.text))]
        lines = comments[0].split("\n")
        assert lines[0] == "Evidence:"
        assert len(lines) == 1 + len(finding.evidence)
        for line, note_id in zip(lines[1:], finding.evidence, strict=True):
            note = rich.inspection.note(note_id)
            day = british_day(note.created_at)
            assert line.startswith(f"• {kinds[note_id]}, {day}, Sam Lead: ")
            assert line.endswith(f"[{note_id[:8]}]")
    long_id = rich.notes["case_long"].id[:8]
    strategy = [c for p, c in commented_paragraphs if p.startswith("There is no joint")]
    assert all(f"[{long_id}]" in c[0] for c in strategy) and len(strategy) == 1


def test_no_real_name_reaches_any_part_of_the_file(rich):
    everything = file_text(rich.draft)
    for fragment in ("Jordan", "Whitfield", "Amélie", "Durand"):
        assert fragment not in everything


def test_parent_carer_forum_keeps_its_capitals_mid_sentence(rich):
    # A proper noun: the letter must not read "parent Carer Forum".
    assert "1 with Parent Carer Forum" in method_paragraph(rich.draft)


def test_one_of_each_reads_in_the_singular(inspection, tmp_path):
    add_fixture_note(inspection)  # 27 weeks: one breach
    for kind, field in (("meeting", {"participants": ["Leaders"]}),
                        ("visit", {"provider_type": "Special school"}),
                        ("document", {"document_type": "Local offer"})):
        inspection.add_note(kind=kind, questions=["A"], outcomes=["identification"],
                            judgement="context", text=f"One {kind}.", fields=field)
    out = tmp_path / "draft.docx"
    write_report(inspection, out)
    text = "\n".join(paragraphs(out))
    assert "Inspectors held 1 meeting" in text
    wrong = re.findall(r"\b1 (?:meetings|providers|case records|documents|breaches)\b", text)
    assert wrong == [], f"a letter reading {wrong} is not fit to send"


def test_wsoa_paragraph_only_when_one_is_required(inspection, tmp_path, rich):
    assert WSOA_SENTENCE in method_and_after(rich.draft)
    inspection.set_details(on_site_start="2024-03-04", on_site_end="2024-03-08",
                           wsoa="not-required")
    out = tmp_path / "draft.docx"
    write_report(inspection, out)
    text = "\n".join(paragraphs(out))
    assert WSOA_SENTENCE not in text
    assert "Written statement of action due" not in text
    assert "Latest publication date of the outcome letter" in text


def test_an_empty_inspection_still_yields_a_useful_draft(inspection, tmp_path):
    out = tmp_path / "draft.docx"
    steps: list[tuple[int, int]] = []
    assert write_report(inspection, out, progress=lambda *step: steps.append(step)) == []
    assert steps[-1][0] == steps[-1][1] and len(steps) == steps[-1][1]
    texts = paragraphs(out)
    text = "\n".join(texts)
    in_order(
        text,
        "Joint local area SEND inspection in Northmoor",
        "Set the dates on site to see the publication deadline.",
        "[Dates on site], Ofsted and the Care Quality Commission",
        "[the inspection team]",
        "[Who inspectors met, the providers they visited, the case records they reviewed and "
        "the documents they considered: no evidence is recorded yet.]",
        "Main findings",
        "[No main findings yet",
        *[part for heading in QUESTION_HEADINGS
          for part in (heading, "Evidence to consider", "[No evidence for this question yet.]")],
        "Appendix: coverage, timeliness and evidence",
        "Final EHC plan within 20 weeks of the request (reg 13(2)): no case record holds the "
        "dates.",
        "Evidence index",
    )
    document = docx.Document(str(out))
    assert len(list(document.comments)) == 0
    assert len(document.tables[1].rows) == 1  # the index's header only


def test_the_appendix_counts_breaches_apart_from_limits_passed_while_relaxed(
    inspection, tmp_path
):
    inspection.set_details(on_site_start="2021-03-01", on_site_end="2021-03-05")
    add_fixture_note(inspection, fields={"ehc_request": "2020-04-06", "ehc_final": "2020-09-28"})
    add_fixture_note(inspection, fields={"ehc_request": "2020-10-05", "ehc_draft": "2021-02-22",
                                         "ehc_final": "2021-03-01"})
    out = tmp_path / "draft.docx"
    write_report(inspection, out)
    text = "\n".join(paragraphs(out))
    assert (
        "Final EHC plan within 20 weeks of the request (reg 13(2)): 0 of 2 within 20 weeks "
        "(median 23.0 weeks; 1 breach; 1 more over the limit while time limits were relaxed "
        "from 1 May to 25 September 2020)."
    ) in text
    assert (
        "Parents had at least 15 days to comment on the draft plan (reg 13(1)): 0 of 1 with "
        "at least 15 days (median 7.0 days; 1 breach)."
    ) in text
    assert "(Children and Families Act 2014, s.44): 2 of 2 within 12 months" in text


# -- the names guard --------------------------------------------------------------------------


def test_a_real_name_refuses_the_draft_and_writes_nothing(inspection, tmp_path):
    finding = named_child(inspection, "Jordan Whitfield waited 27 weeks for the final plan.")
    out = tmp_path / "draft.docx"
    with pytest.raises(NamesInReport) as refused:
        write_report(inspection, out)
    assert leftovers(tmp_path) == []
    message = str(refused.value)
    one_sentence(message)
    assert f"finding {finding.id[:8]} contains Child A's real name" in message
    assert "Jordan" not in message and "Whitfield" not in message
    assert [(h.place, h.ref) for h in refused.value.hits] == [
        (f"finding {finding.id[:8]}", "Child A")
    ]


@pytest.mark.parametrize(
    ("registered", "written"),
    [
        ("Jordan Whitfield", "JORDAN WHITFIELD"),
        ("Jordan Whitfield", "jordan whitfield"),
        ("Jordan Whitfield", "Jördan Whitfield"),
        ("Jordan Whitfield", "Jordán Whitfield"),
        ("Jordán Whitfield", "Jordan Whitfield"),
        ("Jordan Whitfield", "Jordan Whitfield's"),
        ("Jordan", "(Jordan)"),
        ("Aoife O'Brien", "Aoife O\u2019Brien"),  # the apostrophe Word and phones type
        ("Aoife O'Brien", "Aoife O\u02bcBrien"),  # a modifier-letter apostrophe
        ("Aoife O'Brien", "Aoife OBrien"),
        ("Jordan Whitfield", "Jordan-Whitfield"),
        ("Jordan Whitfield", "Jordan \u2013 Whitfield"),
        ("Jordan Whitfield", "Whitfield, Jordan"),
        ("Jordan Whitfield", "Jordan \t\n\u00a0    Whitfield"),  # any run of spaces
        ("Jordan Whitfield", "Jordan  -  Whitfield"),
        ("Jordan Whitfield", "jordan.whitfield@example.org"),  # an email address
        ("Jordan Whitfield", "Jordan. Whitfield"),
        ("Mary Ann Smith-Jones", "Smith-Jones, Mary Ann"),
        ("Mary Ann Smith-Jones", "Mary-Ann Smith Jones"),
        ("Smith, Mary Ann", "Mary Ann Smith"),  # kept surname first, written as spoken
        ("Smith, Mary Ann", "Smith, Mary Ann"),
    ],
)
def test_names_match_whatever_the_case_accents_apostrophes_hyphens_or_order(
    make_inspection, tmp_path, registered, written
):
    inspection = make_inspection()
    inspection.add_child("Child A", registered)
    note = add_fixture_note(inspection)
    add_finding(inspection, question="B", judgement="development",
                text=f"Plans for {written} were late.", evidence=[note.id])
    with pytest.raises(NamesInReport):
        write_report(inspection, tmp_path / "draft.docx")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "written",
    ["Jor\u00addan Whitfield", "Jordan\u200bWhitfield", "Jordan\u2060 Whitfield",
     "Jordan\ufffeWhitfield", "Jordan \uffff Whitfield"],
    ids=["soft hyphen", "zero-width space", "word joiner", "U+FFFE, which the draft drops",
         "U+FFFF, which the draft drops"],
)
def test_a_name_broken_by_invisible_characters_is_still_caught(inspection, tmp_path, written):
    # Word shows each of these exactly as the name.
    named_child(inspection, f"Plans for {written} were late.")
    with pytest.raises(NamesInReport):
        write_report(inspection, tmp_path / "draft.docx")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "details",
    [{"team": ["Jordan Whitfield, HMI"]},
     {"addressees": ["Jordan Whitfield, Director of Children's Services"]}],
    ids=["team", "addressees"],
)
def test_a_name_in_the_inspections_details_is_caught(inspection, tmp_path, details):
    named_child(inspection, "Plans were late.")
    inspection.set_details(**details)
    with pytest.raises(NamesInReport) as refused:
        write_report(inspection, tmp_path / "draft.docx")
    [hit] = refused.value.hits
    assert hit.target == ("details", "") and "details" in hit.describe()
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("written", ["Jordan  Whitfield", "Jordan\nWhitfield"])
def test_a_name_split_by_extra_space_or_a_line_break_is_still_caught(inspection, tmp_path,
                                                                      written):
    # Word shows either as the child's full name.
    named_child(inspection, f"Plans for {written} were late.")
    with pytest.raises(NamesInReport):
        write_report(inspection, tmp_path / "draft.docx")
    assert leftovers(tmp_path) == []


def test_names_match_whole_words_only(inspection, tmp_path):
    inspection.add_child("Child A", "Jordan")
    note = add_fixture_note(inspection, title="Visit to Jordanstown family hub")
    add_finding(inspection, question="B", judgement="development",
                text="Families from Jordanstown and Newjordan wait longest.", evidence=[note.id])
    inspection.add_child("Child B", "Jane Smith")
    inspection.add_child("Child C", "Will Price")  # surname first needs its comma
    add_finding(inspection, question="A", judgement="development",
                text="The price will rise for families.", evidence=[note.id])
    add_finding(inspection, question="C", judgement="development",
                text="Janet Smithson, Jane Smithers and Smith Jane spoke for parents.",
                evidence=[note.id])
    out = tmp_path / "draft.docx"
    assert write_report(inspection, out) == []
    assert "Families from Jordanstown and Newjordan wait longest." in paragraphs(out)


def test_a_name_in_an_evidence_title_is_caught_in_the_comment(inspection, tmp_path):
    inspection.add_child("Child A", "Jordan Whitfield")
    note = add_fixture_note(inspection, title="Jordan Whitfield's EHC plan")
    finding = add_finding(inspection, question="B", judgement="development",
                          text="Too few EHC plans are final within 20 weeks.",
                          evidence=[note.id])
    with pytest.raises(NamesInReport) as refused:
        write_report(inspection, tmp_path / "draft.docx")
    places = [hit.place for hit in refused.value.hits]
    assert f"comment on finding {finding.id[:8]}" in places
    assert f"note {note.id[:8]} (excerpt)" in places
    assert "Whitfield" not in str(refused.value)
    assert leftovers(tmp_path) == []


def test_allow_names_writes_the_draft_and_says_where(inspection, tmp_path):
    finding = named_child(inspection, "Jordan Whitfield waited 27 weeks for the final plan.")
    out = tmp_path / "draft.docx"
    hits = write_report(inspection, out, allow_names=True)
    assert [(h.place, h.ref) for h in hits] == [(f"finding {finding.id[:8]}", "Child A")]
    assert hits[0].describe() == f"finding {finding.id[:8]} contains Child A's real name"
    assert "Jordan Whitfield waited 27 weeks for the final plan." in paragraphs(out)
    assert leftovers(tmp_path) == ["draft.docx"]
    assert out.stat().st_mode & 0o077 == 0  # others on the computer cannot read it


# -- writing the file -------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["no such folder/draft.docx", ".", "northmoor.inspection"])
def test_a_place_the_draft_cannot_go_is_refused_and_nothing_changes(inspection, tmp_path,
                                                                    where):
    add_fixture_note(inspection)
    before = sorted(p.name for p in tmp_path.iterdir())
    out = inspection.path if where == "northmoor.inspection" else tmp_path / where
    with pytest.raises(InvalidInput) as refused:
        write_report(inspection, out)
    one_sentence(str(refused.value))
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert inspection.verify().ok and len(inspection.notes()) == 1


def test_text_xml_cannot_hold_in_the_area_or_name_still_yields_a_draft(make_inspection,
                                                                        tmp_path):
    # U+FFFE arrives with text pasted from a wrongly decoded file; XML 1.0 cannot hold it.
    inspection = make_inspection(area="North\ufffemoor", inspector="Sam\uffff Lead")
    add_fixture_note(inspection)
    out = tmp_path / "draft.docx"
    write_report(inspection, out)
    document = docx.Document(str(out))
    assert document.core_properties.title == "Joint local area SEND inspection in Northmoor"
    assert document.paragraphs[0].text == "Joint local area SEND inspection in Northmoor"


def _template_without_list_bullet(path: Path) -> None:
    document = docx.Document()
    style = document.styles["List Bullet"]._element
    style.getparent().remove(style)
    document.save(str(path))


def _not_a_docx(path: Path) -> None:
    path.write_text("This is not a Word document.\n", encoding="utf-8")


def _zip_but_not_a_docx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a Word document")


def _missing(path: Path) -> None:
    pass


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_template_without_list_bullet, "List Bullet"),
        (_not_a_docx, "cannot be read"),
        (_zip_but_not_a_docx, "cannot be read"),
        (_missing, "cannot be read"),
    ],
    ids=["style-missing", "not-a-docx", "zip-not-docx", "missing-file"],
)
def test_a_broken_template_is_a_framework_error_naming_the_file(
    inspection, tmp_path, monkeypatch, make, says
):
    resources = tmp_path / "resources"
    (resources / "report").mkdir(parents=True)
    template = resources / "report" / "template.docx"
    make(template)
    monkeypatch.setattr(report, "resources_dir", lambda: resources)
    add_fixture_note(inspection)
    out = tmp_path / "draft.docx"
    with pytest.raises(FrameworkError) as broken:
        write_report(inspection, out)
    assert str(template) in str(broken.value) and says in str(broken.value)
    assert not out.exists()


# -- the command line -------------------------------------------------------------------------


def test_cli_report_writes_the_draft(inspection, tmp_path):
    note = add_fixture_note(inspection)
    add_finding(inspection, question="B", judgement="development",
                text="Too few EHC plans are final within 20 weeks.", evidence=[note.id])
    inspection.close()
    out = tmp_path / "draft.docx"
    result = cli("report", inspection.path, "--out", out, check=0)
    assert f"Draft written to {out}." in result.stdout
    assert result.stderr == ""
    assert "Too few EHC plans are final within 20 weeks." in paragraphs(out)


def test_cli_refuses_a_named_child_with_exit_5_unless_allowed(inspection, tmp_path):
    named_child(inspection, "Jordan Whitfield waited 27 weeks for the final plan.")
    inspection.close()
    out = tmp_path / "draft.docx"
    refused = cli("report", inspection.path, "--out", out, check=5)
    one_sentence(refused.stderr)
    assert "Child A" in refused.stderr and "--allow-names" in refused.stderr
    assert "Whitfield" not in refused.stderr + refused.stdout
    assert not out.exists()

    allowed = cli("report", inspection.path, "--out", out, "--allow-names", check=0)
    assert "warning" in allowed.stderr and "Child A" in allowed.stderr
    assert "Whitfield" not in allowed.stderr
    assert f"Draft written to {out}." in allowed.stdout
    assert out.exists()
