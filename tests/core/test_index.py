"""The working set's full-text index, brought up to date only when a search needs it."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from inspector_app.core.index import NoteFilter, WorkingSet
from inspector_app.core.models import Note

WORDS = ("waits", "plan", "health", "école", "advice", "Child")
text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)
save = st.tuples(st.just("save"), st.integers(0, 5), text, st.booleans())
remove = st.tuples(st.just("remove"), st.integers(0, 5))
search = st.tuples(st.just("search"), st.sampled_from(WORDS + ("ecole", "Child B")))


def note(n: int, words: str, with_child: bool) -> Note:
    return Note(
        id=f"note-{n}",
        kind="meeting",
        author="Sam Lead",
        questions=("A",),
        outcomes=("identification",),
        judgement="context",
        title=words.split()[0],
        text=words,
        children=("Child B",) if with_child else (),
        created_at="2026-03-16T09:00:00+00:00",
        updated_at="2026-03-16T09:00:00+00:00",
    )


def found(working_set: WorkingSet, words: str) -> list[str]:
    return sorted(row.id for row in working_set.rows(NoteFilter(text=words)))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(save, remove, search), max_size=40))
def test_a_search_after_any_saves_and_removals_finds_what_a_fresh_index_finds(ops):
    working_set, notes = WorkingSet(), {}
    working_set.load([note(9, "advice already here", False)])
    notes["note-9"] = note(9, "advice already here", False)
    for op in ops:
        if op[0] == "save":
            saved = note(*op[1:])
            working_set.upsert(saved)
            notes[saved.id] = saved
        elif op[0] == "remove":
            working_set.remove(f"note-{op[1]}")
            notes.pop(f"note-{op[1]}", None)
        else:
            fresh = WorkingSet()
            fresh.load(notes.values())
            assert found(working_set, op[1]) == found(fresh, op[1])
    found(working_set, "advice")  # brings the index up to date
    conn = working_set.db.conn
    conn.execute("INSERT INTO notes_fts(notes_fts, rank) VALUES ('integrity-check', 1)")
    assert working_set.count() == len(notes)


def test_saving_does_not_touch_the_full_text_index_until_a_search(monkeypatch):
    working_set = WorkingSet()
    working_set.load([note(1, "waits", False)])
    writes = []
    working_set.db.conn.set_trace_callback(
        lambda sql: writes.append(sql) if "notes_fts" in sql else None
    )
    for n in range(5):
        working_set.upsert(note(n, "health plan", n % 2 == 0))
    assert writes == []
    assert found(working_set, "health") == [f"note-{n}" for n in range(5)]
    assert found(working_set, "waits") == []  # note-1 was saved again without it
    assert any("INSERT INTO notes_fts" in sql for sql in writes)


def test_excerpts_show_what_matched_where_the_title_does_not():
    working_set = WorkingSet()
    long_text = ("The provider visit covered transition planning in depth. " * 3
                 + "Families waited forty weeks for speech therapy after the referral.")
    working_set.upsert(replace(note(1, "visit", False), title="Visit to the hub",
                               text=long_text))
    working_set.upsert(note(2, "waits therapy", False))  # its title shows no "therap"...
    working_set.upsert(note(3, "therapy waits", False))  # ...this one's does
    excerpts = working_set.excerpts(["note-1", "note-2", "note-3"], "therap")
    assert set(excerpts) == {"note-1", "note-2"}
    assert "speech therapy" in excerpts["note-1"] and "\n" not in excerpts["note-1"]
    assert excerpts["note-1"].startswith("…")  # cut from the middle of the text
    assert working_set.excerpts(["note-1"], "visít hub") == {}  # the title shows it
    assert working_set.excerpts(["note-1"], '"(*') == {}  # not a search at all
