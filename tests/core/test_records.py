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


def test_a_copy_knows_whether_it_holds_a_history_that_ended_somewhere(inspection, tmp_path):
    write(inspection, [Change("finding", "f1", {"n": 1}, "add")])
    seq, digest = inspection.file.audit_tip()
    assert inspection.file.behind(seq, digest) == 0  # the same history
    assert inspection.file.behind(0, "") == 0  # nothing remembered yet
    write(inspection, [Change("finding", "f2", {"n": 2}, "add")])
    assert inspection.file.behind(seq, digest) == 0  # newer: it holds that history and more
    later = inspection.file.audit_tip()
    assert later[0] == seq + 1
    assert inspection.file.behind(later[0] + 3, "ab" * 32) == 3  # an older copy: three short
    assert inspection.file.behind(seq, "00" * 32) is None  # another history at that point
    inspection.file.db.conn.execute("UPDATE audit SET hash = NULL WHERE seq = ?", (seq,))
    assert inspection.file.behind(seq, digest) is None  # damaged: never taken as the same
