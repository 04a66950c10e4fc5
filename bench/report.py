"""The ``report`` group: how long the Word draft takes, against bare python-docx.

- ``report_1k_s``: ``report.write_report`` on an inspection of 1,000 notes and 60 findings
  (names check, gathering, building, saving), the median of three runs.
- ``report_ratio``: that time ÷ bare python-docx writing the same document shape in the same
  run: the same number of paragraphs with the same texts, the same 60 comments and the same
  two tables, saved. 1 would mean the draft costs no more than python-docx itself.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import docx
from common import GroupResult, Options, bulk_dir, median, timed
from corpus import make_notes

from inspector_app.core import findings, framework
from inspector_app.core.crypto import KdfParams
from inspector_app.core.report import write_report
from inspector_app.core.store import Inspection

BUDGET = {"report_1k_s": 5.0}
NOTES, FINDINGS, ROUNDS = 1000, 60, 3


def build(path: Path, seed: int) -> Inspection:
    cheap = KdfParams.fresh(memory_cost=1024, iterations=1, lanes=1)
    inspection, _ = Inspection.create(path, "correct horse battery staple", area="Northmoor",
                                      inspector="Sam Lead", kdf=cheap)
    ids = [inspection.add_note(**s.kwargs).id for s in make_notes(framework.load(), NOTES, seed)]
    for k in range(FINDINGS):
        findings.add_finding(
            inspection, question="ABC"[k % 3],
            judgement=("strength", "development", "weakness")[k % 3],
            text=f"Finding {k}: the area's leaders know where provision falls short. " * 2,
            evidence=ids[k * 5 : k * 5 + 5], main=k < 8,
        )
    inspection.set_details(on_site_start="2026-03-23", on_site_end="2026-03-27",
                           wsoa="required", team=["Sam Lead, HMI"])
    return inspection


def shape_of(path: Path) -> tuple[list, list, list]:
    """The draft's paragraphs (text, style), comment texts and table rows, read once."""
    document = docx.Document(str(path))
    paragraphs = [(p.text, p.style.name) for p in document.paragraphs]
    comments = [c.text for c in document.comments]
    tables = [[[cell.text for cell in row.cells] for row in t.rows] for t in document.tables]
    return paragraphs, comments, tables


def bare(shape: tuple[list, list, list], out: Path) -> None:
    """python-docx alone writing the same content: no checks, no gathering, no layout logic."""
    paragraphs, comments, tables = shape
    document = docx.Document()
    written = [document.add_paragraph(text, style=style) for text, style in paragraphs]
    bullets = [p for p in written if p.style.name == "List Bullet" and p.runs]
    for comment, paragraph in zip(comments, bullets, strict=False):
        document.add_comment(paragraph.runs, text=comment, author="Sam Lead", initials="EV")
    for rows in tables:
        table = document.add_table(rows=0, cols=len(rows[0]), style="Table Grid")
        for values in rows:
            for cell, value in zip(table.add_row().cells, values, strict=True):
                cell.text = value
    document.save(str(out))


def bench_report(options: Options) -> GroupResult:
    with tempfile.TemporaryDirectory(dir=bulk_dir(options)) as tmp:
        folder = Path(tmp)
        inspection = build(folder / "report.inspection", options.seed)
        ours = [timed(lambda: write_report(inspection, folder / "draft.docx"))[0]
                for _ in range(ROUNDS)]
        shape = shape_of(folder / "draft.docx")
        baseline = [timed(lambda: bare(shape, folder / "bare.docx"))[0] for _ in range(ROUNDS)]
        size = (folder / "draft.docx").stat().st_size
        inspection.close()
    figures = {"report_1k_s": median(ours), "report_ratio": median(ours) / median(baseline)}
    details = {"notes": NOTES, "findings": FINDINGS, "rounds_s": ours,
               "bare_python_docx_s": baseline, "paragraphs": len(shape[0]),
               "comments": len(shape[1]), "table_rows": sum(map(len, shape[2])),
               "draft_kb": size / 1024}
    return GroupResult(figures, BUDGET, details)
