"""The Word draft of findings, laid out like the published outcome letter.

Title, date and addressees; the opening with the dates on site; the team; the method, counted
from the evidence actually gathered; the written statement of action paragraph when one is
required; the main findings; then for each question its strengths and areas for development.
Each finding carries a Word comment listing its evidence, so the writer sees the trail and
deletes it with one click. A question without findings lists its evidence to consider. An
appendix tables the coverage, the EHC timeliness and an index of the evidence.

Before anything is written every text is checked against the child register's real names; a
match refuses the draft (``NamesInReport``) unless the caller allows it knowingly.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import statistics
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.exceptions import OpcError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips

from inspector_app.core import outfile
from inspector_app.core.deadlines import inspection_deadlines
from inspector_app.core.errors import FrameworkError, NamesInReport
from inspector_app.core.findings import UNWRITTEN
from inspector_app.core.findings import findings as all_findings
from inspector_app.core.models import Finding, Note, fold, letter_date
from inspector_app.core.paths import resources_dir
from inspector_app.core.store import Inspection
from inspector_app.core.timescales import check_timescales

STYLES = ("Title", "Heading 1", "Heading 2", "List Bullet", "Table Grid")
MARKING = "DRAFT — OFFICIAL-SENSITIVE"
Progress = Callable[[int, int], None]
# Characters XML 1.0 cannot hold, beyond the controls the models already remove.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


DETAILS_PLACE = "the inspection's details (area, addressees, team)"


@dataclass(frozen=True)
class NameHit:
    """Where a real name was found, told by pseudonym so the name itself goes nowhere."""

    place: str
    ref: str

    def describe(self) -> str:
        return f"{self.place} contains {self.ref}'s real name"

    @property
    def target(self) -> tuple[str, str]:
        """What to open to change it: ("finding" or "note", an id prefix), or ("details", "")."""
        if self.place == DETAILS_PLACE:
            return ("details", "")
        words = self.place.split()
        return ("note", words[1]) if words[0] == "note" else ("finding", words[-1])


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def find_names(
    names: Iterable[tuple[str, str]], places: Iterable[tuple[str, str]]
) -> list[NameHit]:
    """Every place whose text contains a real name (``(pseudonym, name)`` pairs), ignoring
    case and accents, written as the register has it or surname first."""
    patterns = [(ref, _name_pattern(name)) for ref, name in names if _letters(name)]
    return [
        NameHit(place, ref)
        for place, text in ((p, xml_safe(t)) for p, t in places)
        for ref, pattern in patterns
        if pattern.search(fold(text))
    ]


def unchecked_register(inspection: Inspection) -> int:
    """Register entries whose names cannot be looked for: damaged, or gone from the file
    although the audit log records them (no entry is ever removed by the app)."""
    damaged = [name for name in inspection.damaged if name.startswith("child ")]
    return len(damaged) + len(inspection.file.missing("child"))


def _letters(text: str) -> list[str]:
    """The runs of letters in text, folded: "O’Brien" and "O'Brien" both give o, brien."""
    return re.findall(r"[^\W_]+", fold(text))


def _name_pattern(name: str) -> re.Pattern[str]:
    """A name's words as whole words, as the register has it or surname first with a comma
    ("Smith, Jane"; a name kept as "Smith, Jane" is also sought as "Jane Smith").

    Within a word ("O'Brien", "Smith-Jones") any apostrophe or hyphen, a space or nothing may
    stand; between words any spaces, line breaks, dots (jane.smith@…), hyphens or dashes. So
    none of what Word, a phone, an email address or a tired typist puts there hides the name.
    """
    surname, comma, given = name.partition(",")
    words = [
        parts
        for parts in map(_letters, f"{given} {surname}".split() if comma else name.split())
        if parts
    ]
    surnames = len([p for p in map(_letters, surname.split()) if p]) if comma else 1
    inner, between = r"[\W_]{0,2}", r"[\s.\-\u2010-\u2015\u2212_]*"

    def joined(group: list[list[str]]) -> str:
        return between.join(inner.join(map(re.escape, parts)) for parts in group)

    alternatives = [joined(words)]
    if len(words) > surnames:
        alternatives.append(joined(words[-surnames:]) + r"\s*,\s*" + joined(words[:-surnames]))
    return re.compile("|".join(r"(?<![^\W_])" + body + r"(?![^\W_])" for body in alternatives))


def template() -> docx.document.Document:
    """The report template, with the styles the draft uses checked first."""
    path = resources_dir() / "report" / "template.docx"
    try:
        document = docx.Document(str(path))
    except (OSError, ValueError, KeyError, OpcError, zipfile.BadZipFile) as exc:
        raise FrameworkError(f"{path}: the report template cannot be read ({exc}).") from exc
    names = {style.name for style in document.styles}
    missing = [s for s in STYLES if s not in names]
    if missing:
        raise FrameworkError(f"{path}: the report template lacks the styles {', '.join(missing)}.")
    return document


def write_report(
    inspection: Inspection,
    out: Path,
    *,
    allow_names: bool = False,
    progress: Progress | None = None,
) -> list[NameHit]:
    """Write the draft to ``out`` (atomically); returns the names allowed through, if any."""
    draft = _Draft(inspection)
    hits = find_names(((c.ref, c.name) for c in inspection.children.values()), draft.places())
    unchecked = unchecked_register(inspection)
    if (hits or unchecked) and not allow_names:
        raise NamesInReport(hits, unchecked)
    outfile.check_target(out, "draft")  # before the work of building it
    document = draft.build(template(), progress)
    whole = io.BytesIO()  # made whole first: a full disk then fails one plain write, cleanly
    document.save(whole)
    outfile.write_atomically(out, "draft", lambda handle: handle.write(whole.getbuffer()))
    return hits


class _Draft:
    """Everything the draft says, gathered first so the names check sees all of it."""

    def __init__(self, inspection: Inspection) -> None:
        self.inspection = inspection
        self.fw = inspection.framework
        self.info = inspection.info
        self.notes = {n.id: n for n in inspection.notes()}
        self.findings = all_findings(inspection)

    # -- what goes in -------------------------------------------------------------------------

    def comment(self, finding: Finding) -> str:
        lines = ["Evidence:"]
        for note_id in finding.evidence:
            note = self.notes.get(note_id)
            lines.append(f"• {self.reference(note)}" if note else f"• {note_id[:8]} (deleted)")
        return "\n".join(lines)

    def reference(self, note: Note) -> str:
        kind = self.fw.kind(note.kind).label
        return f"{kind}, {_gathered(note)}, {note.author}: {note.heading[:80]} [{note.id[:8]}]"

    def places(self) -> list[tuple[str, str]]:
        info = self.info
        out = [(DETAILS_PLACE, "\n".join((info.area, *info.addressees, *info.team)))]
        out += [(f"finding {f.id[:8]}", f.text) for f in self.findings]
        out += [(f"comment on finding {f.id[:8]}", self.comment(f)) for f in self.findings]
        out += [(f"note {n.id[:8]} (excerpt)", self.reference(n)) for n in self.notes.values()]
        return out

    # -- the document --------------------------------------------------------------------------

    def build(self, document, progress: Progress | None):
        self.doc = document
        title = f"Joint local area SEND inspection in {self.info.area}"
        properties = self.doc.core_properties
        properties.title = xml_safe(title)
        properties.author = properties.last_modified_by = xml_safe(self.info.inspector)
        properties.subject = "Draft findings"
        properties.created = properties.modified = dt.datetime.now(dt.UTC).replace(
            microsecond=0, tzinfo=None
        )
        properties.revision = 1
        self._marking()
        steps = (self._opening, self._method, self._main_findings, self._questions, self._appendix)
        for done, step in enumerate(steps, start=1):
            step()
            if progress:
                progress(done, len(steps))
        return self.doc

    def para(self, text: str, style: str | None = None):
        return self.doc.add_paragraph(xml_safe(text), style=style)

    def _marking(self) -> None:
        section = self.doc.sections[0]
        header = section.header.paragraphs[0]
        header.text = MARKING
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Page ")
        _page_field(footer.add_run())

    def _opening(self) -> None:
        info = self.info
        self.doc.add_paragraph(
            xml_safe(f"Joint local area SEND inspection in {info.area}"), style="Title"
        )
        dates = inspection_deadlines(self.fw, info.on_site_end, info.wsoa == "required")
        note = ["Cover note for the writer (delete before publication):"]
        note += [d.describe() + "." for d in dates] or [
            "Set the dates on site to see the publication deadline."
        ]
        marked = self.fw.wsoa_judgement
        if info.wsoa == "required" and marked and not any(
            f.judgement == marked for f in self.findings
        ):
            label = self.fw.label(self.fw.judgements, marked).lower()
            note.append(
                "A written statement of action is recorded as required, but no finding is "
                f"{'an' if label[:1] in 'aeiou' else 'a'} {label}."
            )
        unwritten = sum(f.text == UNWRITTEN for f in self.findings)
        if unwritten:
            note.append(f"{_count(unwritten, 'finding is', 'findings are')} not yet written.")
        for finding in self.findings:
            for ref in self.inspection.children:
                if _speaks_of(finding.text, ref):
                    note.append(
                        f"The finding {finding.id[:8]} speaks of {ref}: a letter speaks of "
                        "children and young people, never of one child, even by a pseudonym."
                    )
        self.para(" ".join(note)).runs[0].italic = True
        self.para(letter_date(dt.date.today()))
        for addressee in info.addressees or (
            "[Director of Children's Services, and the council]",
            "[Accountable officers of the health commissioners]",
        ):
            self.para(addressee)
        if not (info.on_site_start and info.on_site_end):
            when = "[Dates on site]"
        elif info.on_site_start == info.on_site_end:
            when = f"on {_day(info.on_site_start)}"
        else:
            when = f"between {_day(info.on_site_start)} and {_day(info.on_site_end)}"
        self.para(
            f"{when[0].upper()}{when[1:]}, Ofsted and the Care Quality Commission (CQC) conducted "
            f"a joint inspection of the local area of {info.area} to judge the "
            "effectiveness of the area in implementing the special educational needs "
            "and/or disabilities (SEND) reforms as set out in the Children and Families "
            "Act 2014."
        )
        # The letter names the roles on the team only as far as the recorded team shows them.
        lines = [line.casefold() for line in info.team]
        roles = [
            role
            for role, signs in (
                ("an Ofsted Inspector", ("ofsted inspector",)),
                ("a children's services inspector from CQC", ("cqc", "care quality commission")),
            )
            if any(sign in line for line in lines for sign in signs)
        ]
        including = f" including {' and '.join(roles)}" if roles else ""
        team = "; ".join(info.team) if info.team else "[the inspection team]"
        self.para(
            "The inspection was led by one of His Majesty's Inspectors (HMI) from Ofsted, "
            f"with a team of inspectors{including}: {team}."
        )

    def _method(self) -> None:
        counts = Counter(n.kind for n in self.notes.values())
        meetings = Counter(
            p
            for n in self.notes.values()
            if n.kind == "meeting"
            for p in n.fields.get("participants", [])
        )
        visits = Counter(
            n.fields.get("provider_type")
            for n in self.notes.values()
            if n.kind == "visit" and n.fields.get("provider_type")
        )
        documents = Counter(
            n.fields.get("document_type")
            for n in self.notes.values()
            if n.kind == "document" and n.fields.get("document_type")
        )
        # Only what the evidence shows: who inspectors met, where they went, what they read.
        parts = [
            part
            for count, part in (
                (
                    counts["meeting"],
                    f"held {_count(counts['meeting'], 'meeting')}"
                    + (f" ({_listed(meetings, '{n} with {label}')})" if meetings else ""),
                ),
                (
                    counts["visit"],
                    f"visited {_count(counts['visit'], 'provider')}"
                    + (f" ({_listed(visits)})" if visits else ""),
                ),
                (counts["case-review"], f"reviewed {_count(counts['case-review'], 'case record')}"),
                (
                    counts["document"],
                    f"considered {_count(counts['document'], 'document')}"
                    + (f" ({_listed(documents)})" if documents else ""),
                ),
            )
            if count
        ]
        self.para(
            f"Inspectors {'; '.join(parts)}."
            if parts
            else "[Who inspectors met, the providers they visited, the case records they "
            "reviewed and the documents they considered: no evidence is recorded yet.]"
        )
        if not self.info.wsoa:
            self.para(
                "[Written statement of action: no decision is recorded. Record it in the "
                "inspection's details; if one is required, the letter says so here.]"
            )
        elif self.info.wsoa == "required":
            self.para(
                "As a result of the findings of this inspection and in accordance with the "
                "Children Act 2004 (Joint Area Reviews) Regulations 2015, His Majesty's "
                "Chief Inspector has determined that a Written Statement of Action is "
                "required because of significant areas of weakness in the local area's "
                "practice. His Majesty's Chief Inspector has also determined that the local "
                "authority and the area's health commissioners are jointly responsible for "
                "submitting the written statement to Ofsted."
            )

    def _main_findings(self) -> None:
        self.doc.add_heading("Main findings", level=1)
        main = [f for f in self.findings if f.main]
        if not main:
            self.para(
                "[No main findings yet: mark findings as main in the app or with "
                "'finding edit --main'.]"
            )
        for finding in main:
            self._finding(finding)  # its evidence comment here, not again under its question

    def _finding(self, finding: Finding, comment: bool = True) -> None:
        if finding.text == UNWRITTEN:  # made from a note, its words never typed
            finding = replace(finding, text="[A finding not yet written: write it, or delete "
                                            "it, on the Findings page.]")
        marked = self.fw.wsoa_judgement
        label = f" ({self.fw.label(self.fw.judgements, marked).lower()})" if (
            marked and finding.judgement == marked) else ""
        paragraph = self.para(finding.text + label, style="List Bullet")
        if comment:
            self.doc.add_comment(
                paragraph.runs,
                text=xml_safe(self.comment(finding)),
                author=xml_safe(self.info.inspector),
                initials=xml_safe("".join(word[:1] for word in self.info.inspector.split()[:3])),
            )

    def _questions(self) -> None:
        for question in self.fw.questions:
            self.doc.add_heading(xml_safe(question.report_heading), level=1)
            mine = [f for f in self.findings if f.question == question.code]
            if not mine:
                self._evidence_to_consider(question.code)
                continue
            for title, codes in self.fw.report_sections:
                self.doc.add_heading(title, level=2)
                chosen = [f for f in mine if f.judgement in codes]
                if not chosen:
                    self.para("[None recorded.]")
                for finding in chosen:
                    self._finding(finding, comment=not finding.main)

    def _evidence_to_consider(self, question: str) -> None:
        self.doc.add_heading("Evidence to consider", level=2)
        notes = [n for n in self.notes.values() if question in n.questions]
        if not notes:
            self.para("[No evidence for this question yet.]")
        for judgement in self.fw.judgements:
            chosen = [n for n in notes if n.judgement == judgement.code]
            if chosen:
                self.para(judgement.label).runs[0].bold = True
                for note in chosen:
                    self.para(self.reference(note), style="List Bullet")

    def _appendix(self) -> None:
        self.doc.add_page_break()
        self.doc.add_heading("Appendix: coverage, timeliness and evidence", level=1)
        self.doc.add_heading("Coverage of the questions", level=2)
        coverage = self.inspection.index.coverage()
        share = 0.55 / len(self.fw.questions)  # the categories' names take the rest
        table, widths = self._table(
            ["Outcome or evidence theme", *(f"Question {q.code}" for q in self.fw.questions)],
            [0.45, *(share for _ in self.fw.questions)],
        )
        for outcome in self.fw.outcomes:
            cells = _row(table, widths)
            cells[0].text = xml_safe(outcome.label)
            for i, question in enumerate(self.fw.questions, start=1):
                total = sum(
                    n
                    for (q, o, _), n in coverage.items()
                    if q == question.code and o == outcome.code
                )
                cells[i].text = str(total) if total else "gap"
        self.doc.add_heading("EHC timeliness (case record reviews)", level=2)
        for line in self._timeliness():
            self.para(line, style="List Bullet")
        self.doc.add_heading("Evidence index", level=2)
        index, widths = self._table(["Reference", "Kind", "Date", "Author"], [0.4, 0.2, 0.19, 0.21])
        for note in sorted(self.notes.values(), key=lambda n: (n.kind, n.created_at)):
            cells = _row(index, widths)
            values = (
                f"{note.heading[:60]} [{note.id[:8]}]",
                self.fw.kind(note.kind).label,
                _gathered(note),
                note.author,
            )
            for cell, value in zip(cells, values, strict=True):
                cell.text = xml_safe(value)

    def _table(self, headings: list[str], shares: list[float]) -> tuple[Any, list[int]]:
        """A grid table with a heading row, its columns set to shares of the text width
        (Word and LibreOffice would otherwise make them equal); returns it and the widths."""
        section = self.doc.sections[-1]
        text_width = section.page_width - section.left_margin - section.right_margin
        # Whole twentieths of a point (Word's unit), rounded down so the columns always fit.
        widths = [Twips(int(text_width * share) // Twips(1)) for share in shares]
        table = self.doc.add_table(rows=0, cols=len(headings), style="Table Grid")
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for cell, heading in zip(_row(table, widths), headings, strict=True):
            cell.text = heading
        repeat = OxmlElement("w:tblHeader")  # the heading row again on every page it spans
        repeat.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(repeat)
        return table, widths

    def _timeliness(self) -> list[str]:
        checks = [
            c
            for n in self.notes.values()
            if n.kind == "case-review"
            for c in check_timescales(self.fw, n.fields, self.info.on_site_start)
        ]
        lines = []
        for timescale in self.fw.timescales:
            known = [c for c in checks if c.timescale.id == timescale.id and c.days is not None]
            if not known:
                lines.append(f"{timescale.label}: no case record holds the dates.")
                continue
            met = sum(c.status == "met" for c in known)
            relaxed = [c for c in known if c.status == "relaxed"]
            breaches = len(known) - met - len(relaxed)
            median = statistics.median(c.taken or 0 for c in known)
            over = _count(breaches, "breach", "breaches")
            if relaxed and relaxed[0].relaxation is not None:
                over += f"; {len(relaxed)} more over the limit while {relaxed[0].relaxation.label}"
            limit = timescale.limit if timescale.rule == "within" else f"with {timescale.limit}"
            lines.append(
                f"{timescale.label}: {met} of {len(known)} {limit} "
                f"(median {median:.1f} {timescale.unit}; {over}).",
            )
        return lines


def _speaks_of(text: str, ref: str) -> bool:
    """Whether ``text`` names the pseudonym ``ref`` ("Child A", "CHILD A", "child A"), but
    not as plain lower-case prose that happens to spell it ("every child a say")."""
    found = re.finditer(rf"(?<!\w){re.escape(ref)}(?!\w)", text, re.IGNORECASE)
    return any(m.group() != m.group().lower() or ref == ref.lower() for m in found)


def _row(table: Any, widths: list[int]) -> list[Any]:
    """A new row whose cells carry the table's column widths (Word reads them per cell)."""
    row = table.add_row()
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # never half on a page
    cells = row.cells
    for cell, width in zip(cells, widths, strict=True):
        cell.width = width
    return cells


def _page_field(run) -> None:
    """A PAGE field, so Word numbers the pages itself."""
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _gathered(note: Note) -> str:
    """The day the evidence was recorded (not last changed), on this computer's clock, as
    "15 Sep 2026"."""
    day = dt.datetime.fromisoformat(note.created_at or note.updated_at).astimezone().date()
    return letter_date(day, short=True)


def _day(iso: str) -> str:
    return letter_date(dt.date.fromisoformat(iso))


def _listed(counter: Counter, form: str = "{label}: {n}") -> str:
    return ", ".join(
        form.format(label=_in_sentence(label), n=n) for label, n in counter.most_common()
    )


def _in_sentence(label: str) -> str:
    """'parents and carers' and 'complaints to Ofsted and CQC' mid-sentence; 'SENDIASS' and
    'Parent Carer Forum' (a name: its next word has a capital too) as written."""
    first, *rest = label.split(" ")
    plain = first[1:].islower() and not (rest and rest[0][:1].isupper())
    return first[0].lower() + label[1:] if plain else label


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
