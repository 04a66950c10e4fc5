"""The evidence model: frozen records, validated against the framework on the way in.

A note's sealed payload is its JSON form (``to_payload``); its id and revision live beside the
seal, so they are not repeated inside it.
"""

from __future__ import annotations

import base64
import calendar
import datetime as dt
import hashlib
import re
import textwrap
import unicodedata
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from inspector_app.core import crypto
from inspector_app.core.errors import InvalidInput
from inspector_app.core.framework import Framework

MAX_TEXT = 200_000
MAX_LINE = 300
MAX_PSEUDONYM = 60
# C0 and C1 controls except tab and newline: they break XML, terminals and search.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Bidirectional embeddings, overrides and isolates (and the pops that end them) make text read
# differently from how it is stored (and searched). The marks (LRM, RLM) only set the direction
# of the punctuation beside them, as right-to-left text needs, and are kept.
_OVERRIDE = re.compile("[\u202a-\u202e\u2066-\u2069]")
_SEPARATOR = re.compile("[\u2028\u2029]")  # Unicode's line and paragraph separators


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def new_id() -> str:
    return str(uuid.uuid4())


def clean_text(
    value: str, *, multiline: bool = True, limit: int = MAX_TEXT, what: str = "text"
) -> str:
    """Text as stored: NFC, newlines normalised, control characters and lone surrogates gone."""
    text = without_hidden(value)
    if not text.isascii():
        text = unicodedata.normalize("NFC", _SURROGATE.sub("\ufffd", text))
    if not multiline:
        text = " ".join(text.split("\n"))
    text = text.strip()
    if len(text) > limit:
        raise InvalidInput(f"The {what} is {len(text):,} characters; the limit is {limit:,}.")
    return text


def without_hidden(text: str) -> str:
    """``text`` without what is never stored (control characters, bidirectional overrides),
    its newlines made plain: what a text box shows of a paste is then what is saved."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():  # ASCII has no overrides or separators
        text = _OVERRIDE.sub("", _SEPARATOR.sub("\n", text))
    return _CONTROL.sub("", text)


def clean_line(value: str, what: str = "line") -> str:
    return clean_text(value, multiline=False, limit=MAX_LINE, what=what)


def clean_lines(values: Sequence[str], what: str) -> tuple[str, ...]:
    """Each line cleaned, the blank ones dropped."""
    return tuple(filter(None, (clean_line(x, what) for x in values)))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fold(text: str) -> str:
    """Text as searches and name checks compare it: case, accents and the invisible format
    characters (soft hyphens, zero-width spaces) that a page shows as nothing set aside, and
    the modifier-letter apostrophe some keyboards type (a letter to Unicode) read as one."""
    return "".join(
        c
        for c in unicodedata.normalize("NFKD", text.casefold()).replace("\u02bc", "'")
        if not unicodedata.combining(c) and unicodedata.category(c) != "Cf"
    )


@dataclass(frozen=True)
class InspectionInfo:
    """What the file says about its inspection and its inspector (sealed, never plaintext)."""

    inspection_id: str
    area: str
    inspector: str
    role: str
    framework: str
    created_at: str
    on_site_start: str = ""  # ISO dates, empty until known
    on_site_end: str = ""
    wsoa: str = ""  # "", "required" or "not-required"
    addressees: tuple[str, ...] = ()  # the Director of Children's Services, health officers
    team: tuple[str, ...] = ()  # "Name, role" of each inspector, as the letter lists them

    def to_payload(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> InspectionInfo:
        values = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        for key in ("addressees", "team"):
            values[key] = tuple(values.get(key, ()))
        return cls(**values)


@dataclass(frozen=True)
class Note:
    id: str
    kind: str
    author: str
    questions: tuple[str, ...]
    outcomes: tuple[str, ...]
    judgement: str
    title: str
    text: str
    children: tuple[str, ...] = ()
    fields: Mapping[str, Any] = field(default_factory=dict)
    attachments: tuple[str, ...] = ()
    revision: int = 0
    created_at: str = ""
    updated_at: str = ""
    conflict: bool = False

    def to_payload(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "author": self.author,
            "questions": list(self.questions),
            "outcomes": list(self.outcomes),
            "judgement": self.judgement,
            "title": self.title,
            "text": self.text,
            "children": list(self.children),
            "fields": dict(self.fields),
            "attachments": list(self.attachments),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }

    @classmethod
    def from_payload(
        cls, note_id: str, revision: int, data: Mapping[str, Any], conflict: bool = False
    ) -> Note:
        return cls(
            id=note_id,
            kind=data["kind"],
            author=data["author"],
            questions=tuple(data["questions"]),
            outcomes=tuple(data["outcomes"]),
            judgement=data["judgement"],
            title=data["title"],
            text=data["text"],
            children=tuple(data.get("children", ())),
            fields=dict(data.get("fields", {})),
            attachments=tuple(data.get("attachments", ())),
            revision=revision,
            conflict=conflict,
            created_at=data["created_at"],
            updated_at=data["updated_at"],
        )

    def to_json(self) -> dict[str, Any]:
        """The command line's ``--json`` shape."""
        return {
            "id": self.id,
            "revision": self.revision,
            "conflict": self.conflict,
            **self.to_payload(),
        }

    @property
    def heading(self) -> str:
        """The title, or the first line of the text when there is no title."""
        return self.title or self.text.split("\n", 1)[0][:120]


@dataclass(frozen=True)
class Finding:
    """The lead's statement about a question, resting on notes (its evidence)."""

    id: str
    question: str
    judgement: str
    text: str
    evidence: tuple[str, ...]
    main: bool = False
    order: int = 0
    author: str = ""
    created_at: str = ""
    updated_at: str = ""
    revision: int = 0
    conflict: bool = False

    def to_payload(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "judgement": self.judgement,
            "text": self.text,
            "evidence": list(self.evidence),
            "main": self.main,
            "order": self.order,
            "author": self.author,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }

    @classmethod
    def from_payload(cls, finding_id: str, revision: int, data: Mapping[str, Any]) -> Finding:
        return cls(
            id=finding_id,
            question=data["question"],
            judgement=data["judgement"],
            text=data["text"],
            evidence=tuple(data["evidence"]),
            main=bool(data["main"]),
            order=int(data["order"]),
            author=data["author"],
            created_at=data["created_at"],
            updated_at=data["updated_at"],
            revision=revision,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "revision": self.revision,
            "conflict": self.conflict,
            **self.to_payload(),
        }


ORDER_LIMIT = 10**6  # a finding's order lies strictly within ± this, in every file


def check_finding(framework: Framework, finding: Finding) -> Finding:
    """The finding cleaned and checked; its evidence must be given (existence is the store's)."""
    text = clean_text(finding.text, what="finding's text")
    if not text:
        raise InvalidInput("The finding's text is empty; write the statement.")
    evidence = _unique(e.strip() for e in finding.evidence if e.strip())
    if not evidence:
        raise InvalidInput("A finding rests on evidence: give at least one note with --evidence.")
    if not -ORDER_LIMIT < finding.order < ORDER_LIMIT:
        raise InvalidInput(f"A finding's order is a whole number from {1 - ORDER_LIMIT:,} to "
                           f"{ORDER_LIMIT - 1:,}; choose one in that range.")
    return replace(
        finding,
        question=framework.check_question(finding.question),
        judgement=framework.check_finding_judgement(finding.judgement),
        text=text,
        evidence=evidence,
    )


@dataclass(frozen=True)
class Version:
    """One of a note's competing versions after two inspectors edited it."""

    id: str
    by: str
    at: str
    data: Mapping[str, Any]

    @property
    def short(self) -> str:
        return self.id[:8]

    def describe(self) -> str:
        if self.data.get("deleted"):
            what = "deleted"
        else:
            text = self.data.get("title") or self.data.get("text", "")
            what = f"“{text.splitlines()[0][:50] if text else ''}”"
        return f"version {self.short} by {self.by or 'unknown'} at {local_stamp(self.at)}: {what}"

    def differences(self, others: Sequence[Version]) -> list[tuple[str, str]]:
        """What this version says where the others differ, as (what, value) lines: the text,
        the tags, a detail field. Bookkeeping (when, by whom) is left out."""
        if self.data.get("deleted"):  # a deletion holds nothing to compare
            return [("deleted", f"by {self.by or 'unknown'}")]
        live = [v for v in others if not v.data.get("deleted")]
        mine, theirs = _flat(self.data), [_flat(v.data) for v in live]
        if not live:  # beside a deletion only: what would be kept is the note's words
            keys, theirs = [k for k in ("title", "text") if mine.get(k)], [{}]
        else:
            keys = sorted({k for flat in (mine, *theirs) for k in flat} - _BOOKKEEPING)
        out = []
        for key in keys:
            if any(flat.get(key) != mine.get(key) for flat in theirs):
                value = mine.get(key)
                shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else value
                text = " / ".join(str("" if shown is None else shown).splitlines())
                out.append((key, textwrap.shorten(text, 300, placeholder=" …") or "(none)"))
        return out


def pick_version(versions: Sequence[Version], keep: str, what: str) -> Version:
    """The version ``keep`` names (at least four characters of its id, in any case), or
    ``InvalidInput`` listing the versions to choose from."""
    wanted = keep.strip().lower()
    chosen = [v for v in versions if len(wanted) >= 4 and v.id.startswith(wanted)]
    if len(chosen) != 1:
        listed = ", ".join(v.short for v in versions)
        raise InvalidInput(
            f"'{keep}' does not name one of this {what}'s versions; give at least four "
            f"characters of one of: {listed}."
        )
    return chosen[0]


_BOOKKEEPING = {"updated_at", "created_at", "author", "id", "revision"}


def _flat(data: Mapping[str, Any]) -> dict[str, Any]:
    """A version's data with each detail field as its own key."""
    out = {k: v for k, v in data.items() if k != "fields"}
    out.update({f"field {k}": v for k, v in dict(data.get("fields") or {}).items()})
    return out


@dataclass(frozen=True)
class Child:
    """A register entry: the pseudonym notes use, and optionally the real name kept beside it."""

    ref: str
    name: str = ""
    revision: int = 0

    def to_payload(self) -> dict[str, Any]:
        return {"ref": self.ref, "name": self.name}


@dataclass(frozen=True)
class Attachment:
    id: str
    note_id: str
    filename: str
    width: int
    height: int
    sizes: Mapping[str, int]  # variant -> bytes ("photo", "thumb")
    sha256: Mapping[str, str]  # variant -> hex digest of the plaintext
    created_at: str

    def to_payload(self) -> dict[str, Any]:
        return {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in self.__dict__.items()}

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Attachment:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})


FIRST_YEAR, LAST_YEAR = 1990, 2100  # dates outside these are typing mistakes


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day (31 January + 1 month = 28 or
    29 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return day.replace(
        year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1])
    )


def identity_payload(
    identity: crypto.Identity, seq: int = 0, exported_through: int = 0
) -> dict[str, Any]:
    """The file's own keys (sealed like any record), its last bundle number, and the last
    audit entry that bundle included."""
    return {
        "receive": base64.b64encode(identity.receive_private).decode(),
        "sign": base64.b64encode(identity.sign_private).decode(),
        "seq": seq,
        "exported_through": exported_through,
    }


def letter_date(day: dt.date, *, short: bool = False, weekday: bool = False) -> str:
    """A day as an English letter writes it, whatever language the computer is set to:
    "4 March 2026", "4 Mar 2026" (short), "Monday 1 February 2027" (weekday)."""
    month = MONTHS[day.month - 1]
    text = f"{day.day} {month[:3] if short else month} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


def local_stamp(stamp: str) -> str:
    """A stored time on this computer's clock, as the app shows it: "27 Mar 2026 23:30"."""
    try:
        moment = dt.datetime.fromisoformat(stamp).astimezone()
    except (TypeError, ValueError):
        return str(stamp)
    return f"{letter_date(moment.date(), short=True)} {moment:%H:%M}"


def check_date(value: str, what: str) -> str:
    """A date within the years an inspection can be about, as ISO text, or ``InvalidInput``.
    Typed the British way (16/03/2026, 16.3.2026) or as ISO (2026-03-16)."""
    british = _BRITISH_DATE.fullmatch(value)
    try:
        if british:
            day = dt.date(*(int(british[part]) for part in ("year", "month", "day")))
        else:
            day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(
            f"{what} must be a date like 16/03/2026 or 2026-03-16, not '{value}'."
        ) from exc
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(f"{what} must be a date between {FIRST_YEAR} and {LAST_YEAR}.")
    return day.isoformat()


_BRITISH_DATE = re.compile(r"(?P<day>\d{1,2})[/.](?P<month>\d{1,2})[/.](?P<year>\d{4})")


def check_stamp(value: Any) -> str:
    """A stored time: ISO 8601 with its offset, as ``now`` writes it."""
    if not isinstance(value, str):
        raise InvalidInput("A time is missing.")
    try:
        if dt.datetime.fromisoformat(value).tzinfo is None:
            raise ValueError("no offset")
    except ValueError as exc:
        raise InvalidInput(f"'{value[:40]}' is not a time.") from exc
    return value


_HEX64 = re.compile(r"[0-9a-f]{64}")
MAX_EDGE = 2560  # the long edge of a cleaned photo
MAX_PHOTO_BYTES = 64 * 1024 * 1024  # far above any cleaned photo's size
PHOTO_VARIANTS = ("photo", "thumb")  # what a photo record keeps: the photo and its thumbnail


def check_attachment(attachment: Attachment, attachment_id: str) -> Attachment:
    """A photo record as the app writes it: its own id, a note, a plain file name, a size
    within a cleaned photo's, and a size and digest for each of its two variants."""
    if attachment.id != attachment_id or not isinstance(attachment.note_id, str):
        raise InvalidInput("A photo record names another photo.")
    if clean_line(attachment.filename) != attachment.filename or any(
        c in attachment.filename for c in "/\\:"
    ):
        raise InvalidInput("A photo record has a strange file name.")
    for edge in (attachment.width, attachment.height):
        if type(edge) is not int or not 0 < edge <= MAX_EDGE:
            raise InvalidInput("A photo record has an impossible size.")
    variants = sorted(PHOTO_VARIANTS)
    if sorted(attachment.sizes) != variants or sorted(attachment.sha256) != variants:
        raise InvalidInput("A photo record does not list its photo and thumbnail.")
    for variant in PHOTO_VARIANTS:
        size, digest = attachment.sizes[variant], attachment.sha256[variant]
        if type(size) is not int or not 0 < size <= MAX_PHOTO_BYTES or not isinstance(digest, str):
            raise InvalidInput("A photo record has an impossible size.")
        if not _HEX64.fullmatch(digest):
            raise InvalidInput("A photo record has a damaged digest.")
    check_stamp(attachment.created_at)
    return attachment


CONTENT = ("questions", "outcomes", "judgement", "title", "text", "children", "fields")


def changed_note(
    framework: Framework, note: Note, changes: Mapping[str, Any], *, require_tags: bool = True
) -> Note:
    """``note`` with ``changes`` to its content (details merged by field), cleaned and
    checked: what saving them would store."""
    changes = dict(changes)
    if "fields" in changes:
        changes["fields"] = {**note.fields, **changes["fields"]}
    for key in ("questions", "outcomes", "children", "attachments"):
        if key in changes:
            changes[key] = tuple(changes[key])
    unknown = set(changes) - set(CONTENT) - {"attachments"}
    if unknown:
        raise InvalidInput(f"These cannot be edited: {', '.join(sorted(unknown))}.")
    return check_note(framework, replace(note, **changes), require_tags=require_tags)


def differences(before: Note, after: Note) -> dict[str, Any]:
    """What ``after`` holds where its content differs from ``before``, each detail field on
    its own ("fields.<id>"); for cleaned notes, so a tuple and a list, or an empty detail and
    a missing one, are the same."""
    out: dict[str, Any] = {}
    for key in CONTENT:
        if key == "fields":
            for field_id in {*before.fields, *after.fields}:
                if before.fields.get(field_id) != after.fields.get(field_id):
                    out[f"fields.{field_id}"] = after.fields.get(field_id)
        elif getattr(before, key) != getattr(after, key):
            out[key] = getattr(after, key)
    return out


def with_differences(note: Note, changed: dict[str, Any]) -> Note:
    """``note`` with ``changed`` (from ``differences``) put onto it."""
    changes = {k: v for k, v in changed.items() if not k.startswith("fields.")}
    fields = dict(note.fields)
    for key, value in changed.items():
        if key.startswith("fields."):
            if value is None:
                fields.pop(key[len("fields.") :], None)
            else:
                fields[key[len("fields.") :]] = value
    return replace(note, **changes, fields=fields)


def check_note(framework: Framework, note: Note, *, require_tags: bool = True) -> Note:
    """The note with every field cleaned and checked, or ``InvalidInput`` saying what to fix.

    ``require_tags=False`` lets a quick capture be saved before it is tagged, so typing is
    never lost waiting for a question and an outcome to be picked.
    """
    kind = framework.kind(note.kind)
    questions = _unique(framework.check_question(q) for q in note.questions)
    if not questions and require_tags:
        raise InvalidInput("A note needs at least one question (A, B or C).")
    outcomes = _unique(framework.check_outcome(o) for o in note.outcomes)
    if not outcomes and require_tags:
        raise InvalidInput("A note needs at least one outcome category.")
    text = clean_text(note.text, what="note's text")
    title = clean_line(note.title, "title")
    if not text and not title:
        raise InvalidInput(
            "The note's text is empty and it has no title; write what you saw or heard."
        )
    fields = {}
    for field_id, value in note.fields.items():
        checked = check_field(kind.field(field_id), value)
        if checked not in (None, "", []):
            fields[field_id] = checked
    return replace(
        note,
        questions=tuple(sorted(questions)),
        outcomes=outcomes,
        judgement=framework.check_judgement(note.judgement),
        title=title,
        text=text,
        children=_unique(clean_child_ref(c) for c in note.children),
        fields=fields,
    )


def required_line(value: str, what: str) -> str:
    """A line that must be given, with nothing invisible in it (a name, an area)."""
    text = clean_line(value or "", what)
    if not text:
        raise InvalidInput(f"The {what} is empty; give one.")
    if any(unicodedata.category(c) == "Cf" for c in text):  # as cards refuse them
        raise InvalidInput(
            f"The {what} holds invisible characters (such as a zero-width space); type it again."
        )
    return text


def optional_date(value: str, what: str) -> str:
    return check_date(value, f"The {what}") if value else ""


def one_of(value: str, choices: Sequence[str], what: str) -> str:
    if value not in choices:
        raise InvalidInput(f"Unknown {what} '{value}'; use one of: {', '.join(choices)}.")
    return value


def clean_child_ref(ref: str) -> str:
    text = clean_text(ref, multiline=False, limit=MAX_PSEUDONYM, what="child's pseudonym")
    if not text:
        raise InvalidInput("A child reference is empty; use a pseudonym such as 'Child A'.")
    return text


def check_field(spec: Any, value: Any) -> Any:
    """One kind-specific field, parsed to its stored form (dates as ISO text)."""
    if value is None or value == "" or value == []:
        return None
    where = f"'{spec.label}'"
    if spec.type == "text":
        return clean_line(str(value), where)
    if spec.type == "date":
        return check_date(str(value).strip(), where)
    if spec.type == "number":
        try:
            number = int(str(value).strip())
        except ValueError as exc:
            raise InvalidInput(f"{where} must be a whole number, not '{value}'.") from exc
        low, high = spec.min, spec.max
        if (low is not None and number < low) or (high is not None and number > high):
            raise InvalidInput(f"{where} must be between {low} and {high}.")
        return number
    if spec.type == "choice":
        return _choice(spec, str(value))
    values = value.split(",") if isinstance(value, str) else list(value)
    return [_choice(spec, str(v)) for v in _unique(v.strip() for v in values if v.strip())]


def _choice(spec: Any, value: str) -> str:
    wanted = _plain_dashes(value.strip().casefold())  # "6-10" typed for "6–10"
    for choice in spec.choices:
        if _plain_dashes(choice.casefold()) == wanted:
            return choice
    raise InvalidInput(
        f"'{value}' is not a choice for '{spec.label}'; use one of: {'; '.join(spec.choices)}."
    )


def _plain_dashes(text: str) -> str:
    return re.sub("[\u2010-\u2015\u2212]", "-", text)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
