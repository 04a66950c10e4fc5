"""The demo inspection shows every part of the app: notes, a team, a conflict, findings, a draft."""

from collections import Counter

import docx

from inspector_app.core import findings, report
from inspector_app.core.crypto import KdfParams
from inspector_app.core.deadlines import inspection_deadlines
from inspector_app.core.demo import build_demo, demo_data
from inspector_app.core.store import Inspection


def test_the_demo_has_a_team_a_conflict_findings_on_every_question_and_a_draft(tmp_path):
    demo = build_demo(tmp_path, kdf=KdfParams.fresh(memory_cost=1024, iterations=1, lanes=1))
    data = demo_data()
    with Inspection.open(demo.path, demo.passphrase) as lead:
        assert lead.count() == len(data["notes"]) + len(data["member"]["notes"])
        assert len([n for n in lead.notes() if n.conflict]) == 1
        assert {n.author for n in lead.notes()} == {data["inspector"], data["member"]["inspector"]}

        made = findings.findings(lead)
        assert Counter(f.question for f in made) == Counter(
            f["question"] for f in data["findings"]
        )
        assert {f.question for f in made if f.main} == {"A", "B", "C"}
        assert all(f.evidence for f in made)

        assert lead.info.wsoa == "required" and lead.info.team
        deadlines = inspection_deadlines(lead.framework, lead.info.on_site_end, True)
        assert [d.deadline.id for d in deadlines] == [d.id for d in lead.framework.deadlines]

        draft = tmp_path / "draft.docx"
        assert report.write_report(lead, draft) == []  # no real name in the way
    text = "\n".join(p.text for p in docx.Document(str(draft)).paragraphs)
    assert "Written Statement of Action is required" in text
    assert made[0].text.split(".")[0] in text
