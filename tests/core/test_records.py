"""The record layer's batched writes: revisions, audit entries and reads within one batch."""

from inspector_app.core.records import Change


def write(inspection, changes):
    with inspection.file.transaction():
        return inspection.file.write(changes)


def test_one_record_twice_in_a_batch_gets_two_revisions_and_keeps_the_second(inspection):
    revisions = write(
        inspection,
        [
            Change("finding", "f1", {"text": "first"}, "add"),
            Change("finding", "f2", {"text": "other"}, "add"),
            Change("finding", "f1", {"text": "second"}, "edit"),
        ],
    )
    assert revisions == [1, 1, 2]
    assert inspection.file.read("finding", "f1") == (2, {"text": "second"})
    assert write(inspection, [Change("finding", "f1", {"text": "third"}, "edit")]) == [3]


def test_a_change_built_from_the_current_payload_sees_earlier_changes_in_its_batch(inspection):
    def append(found):
        return {"text": (found or {}).get("text", "") + "+more"}

    write(
        inspection,
        [
            Change("finding", "f1", {"text": "typed"}, "add"),
            Change("finding", "f1", append, "edit"),
            Change("finding", "f2", append, "add"),
        ],
    )
    assert inspection.file.read("finding", "f1") == (2, {"text": "typed+more"})
    assert inspection.file.read("finding", "f2") == (1, {"text": "+more"})


def test_every_change_of_a_batch_is_audited_in_order_and_the_file_verifies(inspection):
    before = inspection.file.audit_seq()
    write(inspection, [Change("finding", f"f{n}", {"n": n}, "add") for n in range(600)])
    entries = inspection.file.audit_entries(after=before)
    assert [(e["id"], e["revision"], e["action"]) for e in entries] == [
        (f"f{n}", 1, "add") for n in range(600)
    ]
    assert [e["seq"] for e in entries] == list(range(before + 1, before + 601))
    assert inspection.verify().ok


def test_an_empty_batch_writes_nothing(inspection):
    before = inspection.file.audit_seq()
    assert write(inspection, []) == []
    assert inspection.file.audit_seq() == before
