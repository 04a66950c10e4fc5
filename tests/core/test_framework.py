"""The framework is data: loaded, validated, and a broken file names the file and the field."""

import json
import shutil

import docx
import pytest

from inspector_app.core import framework
from inspector_app.core.errors import FrameworkError, InvalidInput
from inspector_app.core.findings import add_finding
from inspector_app.core.paths import frameworks_dir
from inspector_app.core.report import write_report
from inspector_app.core.store import Inspection
from tests.conftest import PASSPHRASE

DEFAULT = frameworks_dir() / "send-2016.json"


def test_default_framework_has_the_domain_facts():
    fw = framework.load()
    assert [q.code for q in fw.questions] == ["A", "B", "C"]
    assert "identifying" in fw.questions[0].report_heading
    codes = {o.code for o in fw.outcomes}
    assert {"statutory-timescales", "pfa-employment", "co-production", "leadership"} <= codes
    assert len(codes) == 13
    assert [j.label for j in fw.judgements] == [
        "Strength", "Area for development", "Significant weakness", "Context"
    ]
    assert [k.code for k in fw.kinds] == ["case-review", "meeting", "visit", "document"]
    assert "Looked-after child" in fw.kind("case-review").field("groups").choices
    assert [(t.id, t.limit) for t in fw.timescales] == [
        ("decision", "within 6 weeks"),
        ("advice", "within 6 weeks"),  # reg 8: bodies asked for advice reply within 6 weeks
        ("no-plan", "within 16 weeks"),
        ("comment", "at least 15 days"),
        ("final", "within 20 weeks"),
        ("review", "within 12 months"),
    ]
    assert [(r.start, r.end) for r in fw.relaxed_limits] == [("2020-05-01", "2020-09-25")]


def test_unknown_codes_are_refused_with_the_valid_ones():
    fw = framework.load()
    with pytest.raises(InvalidInput, match="A, B, C"):
        fw.check_question("D")
    assert fw.check_question("b") == "B"
    with pytest.raises(InvalidInput, match="statutory-timescales"):
        fw.check_outcome("timeliness")
    with pytest.raises(InvalidInput, match="case-review"):
        fw.kind("interview")
    with pytest.raises(InvalidInput, match="strength"):
        fw.check_judgement("good")


def broken(tmp_path, mutate) -> str:
    data = json.loads(DEFAULT.read_text())
    mutate(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    with pytest.raises(FrameworkError) as info:
        framework.load_file(path)
    assert str(path) in str(info.value)
    return str(info.value)


def test_missing_questions_names_the_field(tmp_path):
    assert "questions" in broken(tmp_path, lambda d: d.pop("questions"))


def test_bad_field_type_names_the_kind_and_field(tmp_path):
    def mutate(d):
        d["kinds"][1]["fields"][0]["type"] = "colour"

    assert "kinds[1].fields[0].type" in broken(tmp_path, mutate)


def test_duplicate_outcome_code_is_named(tmp_path):
    def mutate(d):
        d["outcomes"].append(dict(d["outcomes"][0]))

    assert "'wide-outcomes' appears twice" in broken(tmp_path, mutate)


def test_timescale_on_an_unknown_date_field_is_named(tmp_path):
    def mutate(d):
        d["timescales"][0]["to"] = "ehc_nowhere"

    assert "timescales[0].to" in broken(tmp_path, mutate)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"within_weeks": None}, "needs exactly one of"),
        ({"at_least_days": 15}, "needs exactly one of"),
        ({"within_weeks": 0}, "timescales[0].within_weeks: must be at least 1"),
        ({"or_from": "ehc_nowhere"}, "timescales[0].or_from"),
        ({"shown_if": "age_band"}, "timescales[0].shown_if"),
        ({"to": "inspection"}, "timescales[0].to"),  # only a limit in months ends there
    ],
)
def test_a_broken_timescale_rule_is_named(tmp_path, change, where):
    def mutate(d):
        for key, value in change.items():
            if value is None:
                d["timescales"][0].pop(key)
            else:
                d["timescales"][0][key] = value

    assert where in broken(tmp_path, mutate)


def test_a_relaxation_that_ends_before_it_starts_is_named(tmp_path):
    def mutate(d):
        d["relaxed_limits"][0]["to"] = "2020-04-01"

    assert "relaxed_limits[0]" in broken(tmp_path, mutate)


def test_outcome_in_an_unknown_group_is_named(tmp_path):
    def mutate(d):
        d["outcomes"][0]["group"] = "misc"

    assert "outcomes[0].group" in broken(tmp_path, mutate)


def test_file_that_is_not_json_is_named(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{ not json")
    with pytest.raises(FrameworkError, match="bad.json"):
        framework.load_file(path)


def test_unknown_framework_lists_the_available_ones():
    with pytest.raises(FrameworkError, match="send-2016"):
        framework.load("send-2031")


def test_a_new_framework_is_a_new_file_and_its_findings_reach_the_draft(
    tmp_path, monkeypatch, cheap_kdf
):
    folder = tmp_path / "frameworks"
    folder.mkdir()
    shutil.copy(DEFAULT, folder / "send-2016.json")
    data = json.loads(DEFAULT.read_text())
    data["id"] = "area-send-2023"
    data["judgements"] = [{"code": "priority", "label": "Area for priority action"},
                          {"code": "improvement", "label": "Area for improvement"}]
    data["finding_judgements"] = ["priority", "improvement"]
    del data["report_sections"], data["wsoa_judgement"]  # the draft's sections then follow
    (folder / "area-send-2023.json").write_text(json.dumps(data))
    monkeypatch.setattr(framework, "frameworks_dir", lambda: folder)
    framework.load.cache_clear()
    try:
        fw = framework.load("area-send-2023")
        assert fw.check_judgement("priority") == "priority"
        assert framework.available() == ["area-send-2023", "send-2016"]
        assert fw.report_sections == (("Area for priority action", ("priority",)),
                                      ("Area for improvement", ("improvement",)))
        inspection, _ = Inspection.create(tmp_path / "new.inspection", PASSPHRASE, area="Fenby",
                                          inspector="Sam Lead", framework_id=fw.id,
                                          kdf=cheap_kdf)
        with inspection:
            note = inspection.add_note(kind="meeting", questions=["B"], outcomes=["co-production"],
                                       judgement="priority", text="Families wait.")
            add_finding(inspection, question="B", judgement="priority", evidence=[note.id],
                        text="Families wait too long for plans.")
            write_report(inspection, tmp_path / "draft.docx")
        texts = [p.text for p in docx.Document(str(tmp_path / "draft.docx")).paragraphs]
        at = texts.index("Area for priority action")
        assert texts[at + 1] == "Families wait too long for plans."
    finally:
        framework.load.cache_clear()


@pytest.mark.parametrize("sections", [
    [{"heading": "Strengths", "judgements": ["strength"]}],  # two judgements left out
    [{"heading": "All", "judgements": ["strength", "development", "weakness", "weakness"]}],
])
def test_report_sections_that_leave_out_or_repeat_a_judgement_are_refused(tmp_path, sections):
    data = json.loads(DEFAULT.read_text())
    data["report_sections"] = sections
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    with pytest.raises(FrameworkError, match="report_sections: must place each finding"):
        framework.load_file(path)
