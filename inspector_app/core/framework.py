"""The inspection framework, loaded from a data file and validated at start.

Questions, outcome categories, judgements, evidence kinds and their fields, and statutory
timescales all come from ``resources/frameworks/<id>.json``; no list of them is written in code.
Adding a framework means adding a file.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from inspector_app.core.errors import FrameworkError, InvalidInput
from inspector_app.core.paths import frameworks_dir

FIELD_TYPES = ("text", "choice", "multi", "date", "number")
INSPECTION = "inspection"  # a timescale that ends at the inspection's first day on site
LIMITS = {"within_weeks": ("within", "weeks"), "within_months": ("within", "months"),
          "at_least_days": ("at-least", "days")}
DEFAULT_FRAMEWORK = "send-2016"


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    group: str = ""
    report_heading: str = ""


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    type: str
    choices: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    fields: tuple[Field, ...]

    def field(self, field_id: str) -> Field:
        for field in self.fields:
            if field.id == field_id:
                return field
        known = ", ".join(f.id for f in self.fields) or "none"
        raise InvalidInput(f"A {self.label.lower()} has no field '{field_id}'; fields: {known}.")


@dataclass(frozen=True)
class Timescale:
    """A statutory time limit between two dates of a case record review.

    ``rule`` is "within" (at most ``amount`` ``unit``) or "at-least"; ``unit`` is weeks, days
    or months. ``end`` may be ``INSPECTION``: the first day on site. ``or_start`` stands in
    when ``start`` is not given; the check is shown only when ``shown_if`` is given, and not
    when ``hidden_if`` is. While a choice field holds ``open_while`` (field, choice), a
    missing end date means the step is still to come: it is breached once the limit has
    passed by the inspection.
    """

    id: str
    start: str
    end: str
    rule: str
    amount: int
    unit: str
    label: str
    or_start: str = ""
    shown_if: str = ""
    hidden_if: str = ""
    open_while: tuple[str, str] = ("", "")

    @property
    def limit(self) -> str:
        """ "within 20 weeks", "at least 15 days"."""
        return f"{self.rule.replace('-', ' ')} {self.amount} {self.unit}"


@dataclass(frozen=True)
class Relaxation:
    """A period in which the time limits were relaxed (1 May – 25 September 2020)."""

    start: str
    end: str
    label: str


@dataclass(frozen=True)
class Deadline:
    """A date counted in working days (or calendar months) from another: the last day on
    site, or a deadline."""

    id: str
    after: str
    working_days: int
    label: str
    only_if: str = ""  # "wsoa-required": only when a written statement of action is required
    months: int = 0  # counted in months instead, when set


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    questions: tuple[Option, ...]
    outcomes: tuple[Option, ...]
    outcome_groups: tuple[Option, ...]
    judgements: tuple[Option, ...]
    kinds: tuple[Kind, ...]
    timescales: tuple[Timescale, ...]
    relaxed_limits: tuple[Relaxation, ...] = ()
    finding_judgements: tuple[str, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    holidays: tuple[str, str] = ("GB", "ENG")  # country and subdivision for bank holidays
    # The draft's sections under each question: a heading and the judgements it gathers
    # (every finding judgement is in one); and the judgement the letter marks, which may
    # call for a written statement of action ("" if none does).
    report_sections: tuple[tuple[str, tuple[str, ...]], ...] = ()
    wsoa_judgement: str = ""

    def kind(self, code: str) -> Kind:
        for kind in self.kinds:
            if kind.code == code:
                return kind
        raise InvalidInput(f"Unknown kind '{code}'; use one of: {_codes(self.kinds)}.")

    def check_question(self, code: str) -> str:
        return _check(code, self.questions, "question")

    def check_outcome(self, code: str) -> str:
        return _check(code, self.outcomes, "outcome code")

    def check_judgement(self, code: str) -> str:
        return _check(code, self.judgements, "judgement")

    def check_finding_judgement(self, code: str) -> str:
        allowed = tuple(j for j in self.judgements if j.code in self.finding_judgements)
        return _check(code, allowed, "judgement for a finding")

    def label(self, options: tuple[Option, ...], code: str) -> str:
        return next((o.label for o in options if o.code == code), code)


def _codes(options: tuple[Any, ...]) -> str:
    return ", ".join(o.code for o in options)


def _check(code: str, options: tuple[Option, ...], what: str) -> str:
    if any(o.code == code for o in options):
        return code
    upper = code.upper() if what == "question" else code
    if upper != code and any(o.code == upper for o in options):
        return upper
    raise InvalidInput(f"Unknown {what} '{code}'; use one of: {_codes(options)}.")


def available() -> list[str]:
    return sorted(p.stem for p in frameworks_dir().glob("*.json"))


@cache
def load(framework_id: str = DEFAULT_FRAMEWORK) -> Framework:
    """Load and validate one framework by id; cached, frameworks never change at run time."""
    if not framework_id.replace("-", "").isalnum():
        raise FrameworkError(f"'{framework_id}' is not a framework id.")
    path = frameworks_dir() / f"{framework_id}.json"
    if not path.is_file():
        raise FrameworkError(
            f"There is no framework '{framework_id}'; available: {', '.join(available())}."
        )
    return load_file(path)


def load_file(path: Path) -> Framework:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FrameworkError(f"{path}: cannot be read as JSON ({exc}).") from exc
    return _Parser(path).framework(data)


class _Parser:
    """Validates as it builds, naming the file and the field at fault."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> FrameworkError:
        return FrameworkError(f"{self.path}: {where}: {problem}")

    def get(self, data: Any, key: str, kind: type, where: str) -> Any:
        if not isinstance(data, dict) or key not in data:
            raise self.fail(f"{where}.{key}".lstrip("."), "is missing")
        value = data[key]
        if not isinstance(value, kind) or (kind is str and not value.strip()):
            raise self.fail(f"{where}.{key}".lstrip("."), f"must be a non-empty {kind.__name__}")
        return value

    def options(self, data: dict, key: str, extra: tuple[str, ...] = ()) -> tuple[Option, ...]:
        items = self.get(data, key, list, "")
        if not items:
            raise self.fail(key, "must not be empty")
        out = []
        for i, item in enumerate(items):
            where = f"{key}[{i}]"
            fields = {name: self.get(item, name, str, where) for name in ("code", "label", *extra)}
            out.append(Option(**fields))
        self.unique(key, [o.code for o in out])
        return tuple(out)

    def unique(self, where: str, codes: list[str]) -> None:
        seen = set()
        for code in codes:
            if code in seen:
                raise self.fail(where, f"'{code}' appears twice")
            seen.add(code)

    def field(self, item: Any, where: str) -> Field:
        ftype = self.get(item, "type", str, where)
        if ftype not in FIELD_TYPES:
            raise self.fail(f"{where}.type", f"must be one of {', '.join(FIELD_TYPES)}")
        choices: tuple[str, ...] = ()
        if ftype in ("choice", "multi"):
            raw = self.get(item, "choices", list, where)
            if not raw or not all(isinstance(c, str) and c.strip() for c in raw):
                raise self.fail(f"{where}.choices", "must be a list of non-empty strings")
            choices = tuple(raw)
        return Field(
            id=self.get(item, "id", str, where),
            label=self.get(item, "label", str, where),
            type=ftype,
            choices=choices,
            min=item.get("min"),
            max=item.get("max"),
        )

    def kinds(self, data: dict) -> tuple[Kind, ...]:
        out = []
        for i, item in enumerate(self.get(data, "kinds", list, "")):
            where = f"kinds[{i}]"
            fields = tuple(
                self.field(f, f"{where}.fields[{j}]")
                for j, f in enumerate(self.get(item, "fields", list, where))
            )
            self.unique(f"{where}.fields", [f.id for f in fields])
            code = self.get(item, "code", str, where)
            out.append(Kind(code=code, label=self.get(item, "label", str, where), fields=fields))
        if not out:
            raise self.fail("kinds", "must not be empty")
        self.unique("kinds", [k.code for k in out])
        return tuple(out)

    def timescales(self, data: dict, kinds: tuple[Kind, ...]) -> tuple[Timescale, ...]:
        dates = {f.id for k in kinds for f in k.fields if f.type == "date"}
        out = []
        for i, item in enumerate(data.get("timescales", [])):
            where = f"timescales[{i}]"
            limits = [key for key in LIMITS if key in item]
            if len(limits) != 1:
                raise self.fail(where, f"needs exactly one of {', '.join(LIMITS)}")
            amount = self.get(item, limits[0], int, where)
            if amount < 1:
                raise self.fail(f"{where}.{limits[0]}", "must be at least 1")
            timescale = Timescale(
                id=self.get(item, "id", str, where),
                start=self.get(item, "from", str, where),
                end=self.get(item, "to", str, where),
                rule=LIMITS[limits[0]][0],
                amount=amount,
                unit=LIMITS[limits[0]][1],
                label=self.get(item, "label", str, where),
                **{
                    name: self.get(item, key, str, where)
                    for name, key in (
                        ("or_start", "or_from"),
                        ("shown_if", "shown_if"),
                        ("hidden_if", "hidden_if"),
                    )
                    if key in item
                },
            )
            if "open_while" in item:
                timescale = replace(timescale, open_while=self.open_while(
                    self.get(item, "open_while", str, where), kinds, f"{where}.open_while"))
            ends = dates | {INSPECTION} if timescale.unit == "months" else dates
            for key, value in (
                ("from", timescale.start),
                ("to", timescale.end),
                ("or_from", timescale.or_start),
                ("shown_if", timescale.shown_if),
                ("hidden_if", timescale.hidden_if),
            ):
                if value and value not in (ends if key == "to" else dates):
                    raise self.fail(f"{where}.{key}", f"'{value}' is not a date field of any kind")
            out.append(timescale)
        self.unique("timescales", [t.id for t in out])
        return tuple(out)

    def report_sections(
        self, data: dict, judgements: tuple[Option, ...], finding: tuple[str, ...]
    ) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The draft's sections; without any given, one per finding judgement, under its
        label. Either way every finding has one, so none is ever left out of the draft."""
        if "report_sections" not in data:
            labels = {j.code: j.label for j in judgements}
            return tuple((labels[code], (code,)) for code in finding)
        out = []
        for i, item in enumerate(self.get(data, "report_sections", list, "")):
            where = f"report_sections[{i}]"
            codes = tuple(self.get(item, "judgements", list, where))
            out.append((self.get(item, "heading", str, where), codes))
        placed = [code for _, codes in out for code in codes]
        if sorted(placed) != sorted(finding):
            raise self.fail("report_sections", "must place each finding judgement once")
        return tuple(out)

    def open_while(self, text: str, kinds: tuple[Kind, ...], where: str) -> tuple[str, str]:
        """ "support_level=Assessment in progress": a choice field and one of its choices."""
        name, _, choice = text.partition("=")
        if not any(f.id == name and choice in f.choices for k in kinds for f in k.fields):
            raise self.fail(where, f"'{text}' is not a choice field and one of its choices")
        return name, choice

    def relaxations(self, data: dict) -> tuple[Relaxation, ...]:
        out = []
        for i, item in enumerate(data.get("relaxed_limits", [])):
            where = f"relaxed_limits[{i}]"
            start, end = self.get(item, "from", str, where), self.get(item, "to", str, where)
            try:
                if dt.date.fromisoformat(start) > dt.date.fromisoformat(end):
                    raise ValueError("ends before it starts")
            except ValueError as exc:
                raise self.fail(where, f"must run from one date to a later one ({exc})") from exc
            out.append(Relaxation(start, end, self.get(item, "label", str, where)))
        return tuple(out)

    def deadlines(self, data: dict) -> tuple[Deadline, ...]:
        out: list[Deadline] = []
        for i, item in enumerate(self.get(data, "deadlines", list, "")):
            where = f"deadlines[{i}]"
            after = self.get(item, "after", str, where)
            if after != "on_site_end" and after not in {d.id for d in out}:
                raise self.fail(
                    f"{where}.after", f"'{after}' is not on_site_end or an earlier deadline"
                )
            only_if = item.get("only_if", "")
            if only_if not in ("", "wsoa-required"):
                raise self.fail(f"{where}.only_if", "must be 'wsoa-required' or absent")
            counts = [key for key in ("working_days", "months") if key in item]
            if len(counts) != 1:
                raise self.fail(where, "needs exactly one of working_days, months")
            amount = self.get(item, counts[0], int, where)
            if amount < 0:
                raise self.fail(f"{where}.{counts[0]}", "must not be negative")
            deadline = Deadline(
                self.get(item, "id", str, where),
                after,
                amount if counts == ["working_days"] else 0,
                self.get(item, "label", str, where),
                only_if,
                amount if counts == ["months"] else 0,
            )
            if deadline.id in {d.id for d in out} or deadline.id == "on_site_end":
                raise self.fail(f"{where}.id", f"'{deadline.id}' appears twice")
            out.append(deadline)
        return tuple(out)

    def holidays(self, data: dict) -> tuple[str, str]:
        """The bank-holiday region, checked against what the holidays package knows."""
        region = self.get(data, "holidays", dict, "")
        country = self.get(region, "country", str, "holidays")
        subdivision = self.get(region, "subdivision", str, "holidays")
        import holidays  # imported here, not at start-up: it takes a tenth of a second

        try:
            holidays.country_holidays(country, subdiv=subdivision, years=2000)
        except NotImplementedError as exc:
            raise self.fail(
                "holidays",
                f"'{country}'/'{subdivision}' is not a region the holidays package knows",
            ) from exc
        return country, subdivision

    def framework(self, data: Any) -> Framework:
        if not isinstance(data, dict):
            raise self.fail("top level", "must be an object")
        kinds = self.kinds(data)
        outcomes = self.options(data, "outcomes", ("group",))
        groups = self.options(data, "outcome_groups")
        group_codes = {g.code for g in groups}
        for i, outcome in enumerate(outcomes):
            if outcome.group not in group_codes:
                raise self.fail(
                    f"outcomes[{i}].group", f"'{outcome.group}' is not an outcome group"
                )
        judgements = self.options(data, "judgements")
        finding_judgements = tuple(self.get(data, "finding_judgements", list, ""))
        for i, code in enumerate(finding_judgements):
            if code not in {j.code for j in judgements}:
                raise self.fail(f"finding_judgements[{i}]", f"'{code}' is not a judgement")
        sections = self.report_sections(data, judgements, finding_judgements)
        wsoa = data.get("wsoa_judgement", "")
        if wsoa not in ("", *finding_judgements):
            raise self.fail("wsoa_judgement", f"'{wsoa}' is not a judgement for a finding")
        return Framework(
            report_sections=sections,
            wsoa_judgement=wsoa,
            finding_judgements=finding_judgements,
            deadlines=self.deadlines(data),
            holidays=self.holidays(data),
            id=self.get(data, "id", str, ""),
            name=self.get(data, "name", str, ""),
            questions=self.options(data, "questions", ("report_heading",)),
            outcomes=outcomes,
            outcome_groups=groups,
            judgements=judgements,
            kinds=kinds,
            timescales=self.timescales(data, kinds),
            relaxed_limits=self.relaxations(data),
        )
