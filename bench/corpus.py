"""Deterministic test material for the benchmarks: notes, photos and search queries.

Everything here is made from ``random.Random(seed)`` so two runs with the same seed measure the
same notes. The prose is plausible inspection English (settings, professionals, statutory
timescales, parents' views), so word frequencies, and therefore full-text search hit counts,
look like a real evidence base rather than random tokens. All names are fictional.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from inspector_app.core.framework import Framework, Kind

TEXT_MIN, TEXT_MAX = 200, 1_500
TITLE_MAX = 48
CHILD_SHARE = 0.3  # share of case reviews naming a child pseudonym

SETTINGS = (
    "Oakfield Primary School",
    "Riverside Academy",
    "Northgate Special School",
    "the Bridge pupil referral unit",
    "St Anne's nursery",
    "Westbrook College",
    "the child development centre",
    "Hollins Park secondary school",
    "the Meadows family hub",
    "Kingsway short breaks centre",
    "the youth offending service",
    "Ashton Grange free school",
    "Northmoor infant school",
    "Highfield Academy",
    "the Lakes special school",
    "Moorland children's centre",
    "St Joseph's Catholic primary school",
    "Fernhill sixth form",
    "the hospital school",
    "Greenway resourced provision",
    "Castle Hill secondary school",
    "Northmoor pre-school",
    "Millbrook primary school",
    "the Harbour alternative provision",
    "Elmwood learning centre",
    "the specialist college at Thornton",
    "Parkside nursery school",
    "the community health clinic",
    "Southfields Academy",
    "the residential special school at Dale",
)
PROFESSIONALS = (
    "the SENCo",
    "the designated clinical officer",
    "the educational psychologist",
    "the speech and language therapist",
    "the head of the SEN team",
    "a social worker",
    "the school nurse",
    "the portage worker",
    "the EHC coordinator",
    "the virtual school head",
    "the community paediatrician",
    "the occupational therapist",
    "the headteacher",
    "the CAMHS practitioner",
    "the director of children's services",
    "a health visitor",
    "the assistant director for inclusion",
    "the inclusion officer",
    "the physiotherapist",
    "the clinical psychologist",
    "the early years SEND adviser",
    "the careers adviser",
    "the preparing for adulthood coordinator",
    "the GP lead for SEND",
    "the safeguarding lead",
    "the audiologist",
)
GROUPS = (
    "parents",
    "carers",
    "young people",
    "members of the Parent Carer Forum",
    "SENDIASS advisers",
    "governors",
    "practitioners",
    "older pupils",
    "foster carers",
    "members of the youth forum",
    "grandparents",
    "health practitioners",
    "early years practitioners",
    "school leaders",
)
TOPICS = (
    "EHC plan timeliness",
    "annual reviews",
    "transition to secondary school",
    "preparing for adulthood",
    "waiting times for therapy",
    "speech and language therapy",
    "the local offer website",
    "joint commissioning",
    "short breaks",
    "home to school transport",
    "fixed-term exclusions",
    "part-time timetables",
    "the autism assessment pathway",
    "co-production with families",
    "mental health support",
    "tribunal appeals",
    "personal budgets",
    "supported internships",
    "the quality of health advice",
    "early identification in the early years",
    "attendance of pupils on SEN support",
    "sensory processing support",
    "wheelchair services",
    "respite care",
    "dyslexia screening",
    "apprenticeships",
    "bullying of pupils with SEND",
    "the graduated approach",
    "the neurodevelopmental pathway",
    "elective home education",
    "children missing education",
    "medical needs in school",
    "post-16 travel training",
    "the dynamic support register",
    "hearing support",
    "emotionally based school avoidance",
)
NEEDS = (
    "autism",
    "speech, language and communication needs",
    "social, emotional and mental health needs",
    "moderate learning difficulties",
    "a hearing impairment",
    "a visual impairment",
    "physical disabilities",
    "profound and multiple learning difficulties",
    "dyspraxia",
)
SENTENCES = (
    "{Prof} explained that {topic} had improved since the last self-evaluation.",
    "{Group} told inspectors that they waited {n} months for {topic}.",
    "The file for {child} showed that health advice arrived {n} weeks after the request.",
    "Leaders acknowledge that {topic} is not yet consistent across the area.",
    "{Child} has an EHC plan finalised in week {w}; its outcomes are vague and not measurable.",
    "At {setting}, staff described how they support pupils with {need}.",
    "There was no evidence that the views of {child} were gathered before the annual review.",
    "The local offer lists {topic}, but {group} said the information is out of date.",
    "Attendance of pupils receiving SEN support at {setting} was {pct} per cent last term.",
    "Inspectors sampled {n} case files; {m} contained health advice that was specific.",
    "{Prof} could not say how the impact of {topic} is measured.",
    "{Group} spoke positively about the help they receive from {prof}.",
    "The draft plan for {child} was issued in week {w}, after the 16-week deadline.",
    "Joint commissioning of {topic} is at an early stage and lacks clear targets.",
    "{Prof} described a rising number of requests for assessment for {need}.",
    "Pupils at {setting} with {need} make good progress from their starting points.",
    "The self-evaluation identifies {topic} as a priority, with an action plan agreed in March.",
    "Several {group} described having to fight to get the right support for their child.",
    "Training for staff at {setting} on {need} has been well received.",
    "The annual review for {child} was {n} months late and no new targets were set.",
    "Waiting times for the community paediatrician are {n} weeks on average.",
    "{Prof} attends the multi-agency panel and challenges decisions when needed.",
    "Transition arrangements into {setting} are carefully planned with families.",
    "{Group} said that communication from the SEN team is slow and inconsistent.",
    "The designated clinical officer has improved the quality of health advice this year.",
    "Too many young people with {need} are not in education, employment or training.",
    "Supported internships at {setting} have helped {m} of {n} recent interns into paid work.",
    "Leaders use performance data well to understand {topic}.",
    "The Parent Carer Forum is involved in planning {topic}, but its influence is limited.",
    "{Child} was on a part-time timetable for {n} weeks without a plan to return to full time.",
    "Exclusions of pupils with EHC plans at {setting} have fallen over two years.",
    "Social care advice was missing from {m} of the {n} plans inspectors reviewed.",
    "Speech and language therapy is provided in {setting} once a fortnight.",
    "{Group} value the short breaks offer but said places are hard to find.",
    "Health visitors identify needs early and refer promptly to the portage service.",
    "Tribunal appeals have risen, mostly about the naming of a special school.",
    "The virtual school tracks the progress of looked-after children with SEND closely.",
    "Mental health support waiting lists remain long, at around {n} weeks.",
    "Home to school transport arrangements caused distress for {child} and the family.",
    "Wheelchair services now assess most children within {n} weeks of referral.",
    "{Prof} showed inspectors the tracker used to monitor {topic}.",
    "No one could explain why {child} had been out of school for {n} weeks.",
    "{Group} at {setting} said the graduated approach is understood and applied well.",
    "The quality assurance of EHC plans has not yet led to consistent improvement.",
    "Case notes for {child} record {n} professionals involved but no lead practitioner.",
    "The audit of {n} plans found that {m} had outcomes written with the young person.",
    "{Prof} said that caseloads are high and recruitment has been difficult.",
    "Dyslexia screening at {setting} is thorough and leads to useful adjustments.",
    "Families reported that the neurodevelopmental pathway takes {n} months from referral.",
    "Young people with {need} at {setting} receive well-planned travel training.",
    "Leaders have a clear and accurate view of {topic} and what needs to improve.",
    "The dynamic support register is reviewed monthly by health and social care leaders.",
    "{Group} did not know how to raise a concern about {topic}.",
    "Apprenticeship opportunities for young people with SEND are few and poorly promoted.",
    "{Child} was supported well at the point of transition into {setting}.",
    "Governors at {setting} receive regular reports on pupils with {need}.",
    "Elective home education has risen, and {prof} links this to unmet needs.",
    "Emotionally based school avoidance is a growing concern at {setting}.",
    "The hearing support service visits {setting} each week and trains staff.",
    "There is no agreed protocol for children with medical needs who cannot attend school.",
    "{Prof} described a waiting list of {n} children for an initial assessment.",
    "Bullying logs at {setting} show {m} incidents involving pupils with SEND this year.",
    "Post-16 options for young people with {need} are narrow outside {setting}.",
    "Inspectors saw well-adapted lessons for pupils with {need} at {setting}.",
    "Decisions at the SEN panel are recorded, but the reasons are not shared with families.",
    "{Group} praised {prof} for listening and acting quickly.",
    "The joint strategic needs assessment does not include data about {topic}.",
    "Children missing education are tracked weekly; {m} of {n} have SEND.",
    "Early help plans rarely mention the child's special educational needs.",
    "The local offer has been redesigned with families, and visits have risen by {pct} per cent.",
)
TITLES = {
    "case-review": ("Case review: {topic}", "{child}: {topic}", "File sample: {topic}"),
    "meeting": ("Meeting with {group}", "Meeting: {topic}", "{Prof} on {topic}"),
    "visit": ("Visit to {setting}", "Visit: {topic}", "{setting}: {topic}"),
    "document": ("Document: {topic}", "Self-evaluation: {topic}", "Data: {topic}"),
}
QUERIES = (
    "transition",
    "tribunal",
    "CAMHS",
    "autism",
    "annual review",
    "waiting times",
    "exclusions",
    "transport",
    "SENCo",
    "speech and language",
    "Parent Carer Forum",
    "local offer",
    "EHC plan",
    "health advice",
    "short breaks",
    "personal budgets",
    "supported internships",
    "educational psychologist",
    "co-production",
    "part-time timetable",
    "mental health",
    "Child C",
    "Riverside",
    "Oakfield",
    "outcomes",
    "attendance",
    "weeks",
    "paediatrician",
    "occupational therapist",
    "portage",
    "wheelchair",
    "dyslexia",
    "apprenticeship",
    "hearing impairment",
    "looked-after",
    "virtual school",
    "social worker",
    "parents",
    "leaders",
    "commissioning",
    "self-evaluation",
    "draft plan",
    "sensory",
    "nursery",
    "employment",
    "respite",
    "deadline",
    "therap",
    "pupil referral",
    "fight",
)


@dataclass(frozen=True)
class NoteSpec:
    """One note as the benchmarks save it: ``kwargs`` for ``add_note``, ``row`` for baselines."""

    id: str
    kwargs: dict[str, Any] = field(hash=False)

    def row(self, stamp: str) -> dict[str, Any]:
        """The same note as plaintext columns, as a plain SQLite app would store it."""
        k = self.kwargs
        return {
            "id": self.id,
            "kind": k["kind"],
            "author": "Sam Lead",
            "questions": json.dumps(k["questions"]),
            "outcomes": json.dumps(k["outcomes"]),
            "judgement": k["judgement"],
            "title": k["title"],
            "text": k["text"],
            "children": " ".join(k["children"]),
            "fields": json.dumps(k["fields"], ensure_ascii=False),
            "attachments": "[]",
            "revision": 1,
            "created_at": stamp,
            "updated_at": stamp,
        }


class Prose:
    """Sentences and titles filled from the vocabularies above with one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _slots(self, child: str) -> dict[str, str]:
        r = self.rng
        n = r.randint(2, 40)
        slots = {
            "prof": r.choice(PROFESSIONALS),
            "group": r.choice(GROUPS),
            "topic": r.choice(TOPICS),
            "setting": r.choice(SETTINGS),
            "need": r.choice(NEEDS),
            "child": child,
            "n": str(n),
            "m": str(r.randint(1, n)),
            "w": str(r.randint(12, 40)),
            "pct": str(r.randint(71, 97)),
        }
        slots.update({k.capitalize(): _capital(v) for k, v in list(slots.items())})
        return slots

    def text(self, child: str) -> str:
        """200–1,500 characters of sentences, in paragraphs of two to five sentences."""
        target = self.rng.randint(TEXT_MIN, TEXT_MAX)
        paragraphs: list[str] = []
        length = 0
        while length < target:
            count = self.rng.randint(2, 5)
            sentences = [
                self.rng.choice(SENTENCES).format(**self._slots(child)) for _ in range(count)
            ]
            paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            length += len(paragraph) + 2
        return _trim("\n\n".join(paragraphs), TEXT_MAX)

    def title(self, kind: str, child: str) -> str:
        template = self.rng.choice(TITLES[kind])
        title = template.format(**self._slots(child))
        return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1].rstrip() + "…"


def make_notes(framework: Framework, count: int, seed: int) -> list[NoteSpec]:
    """``count`` notes spread over every kind, question, outcome and judgement."""
    rng = random.Random(seed)
    prose = Prose(rng)
    questions = [q.code for q in framework.questions]
    outcomes = [o.code for o in framework.outcomes]
    judgements = [j.code for j in framework.judgements]
    notes = []
    for i in range(count):
        kind = framework.kinds[i % len(framework.kinds)]
        child = f"Child {chr(ord('A') + rng.randrange(20))}"
        named = kind.code == "case-review" and rng.random() < CHILD_SHARE
        picked_q = {questions[i % len(questions)], *rng.sample(questions, rng.randint(0, 1))}
        picked_o = [outcomes[i % len(outcomes)], *rng.sample(outcomes, rng.randint(0, 2))]
        kwargs = {
            "kind": kind.code,
            "questions": sorted(picked_q),
            "outcomes": list(dict.fromkeys(picked_o)),
            "judgement": judgements[(i // len(framework.kinds)) % len(judgements)],
            "title": prose.title(kind.code, child),
            "text": prose.text(child),
            "children": [child] if named else [],
            "fields": _fields(kind, rng),
        }
        notes.append(
            NoteSpec(id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), kwargs=kwargs)
        )
    return notes


def _fields(kind: Kind, rng: random.Random) -> dict[str, Any]:
    """A plausible subset of the kind's fields, each valid for its type."""
    out: dict[str, Any] = {}
    for spec in kind.fields:
        if rng.random() < 0.4:
            continue
        if spec.type == "choice":
            out[spec.id] = rng.choice(spec.choices)
        elif spec.type == "multi":
            out[spec.id] = rng.sample(spec.choices, rng.randint(1, min(3, len(spec.choices))))
        elif spec.type == "number":
            out[spec.id] = rng.randint(spec.min or 1, min(spec.max or 40, 40))
        elif spec.type == "date":
            out[spec.id] = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        else:
            out[spec.id] = _capital(rng.choice(SETTINGS))
    return out


def make_photos(
    folder: Path, count: int, seed: int, size: tuple[int, int] = (1600, 1200)
) -> list[Path]:
    """``count`` JPEGs like phone photos of a noticeboard: texture, shapes, some detail."""
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        small = Image.frombytes("RGB", (64, 48), rng.randbytes(64 * 48 * 3))
        image = small.resize(size, Image.Resampling.BICUBIC)
        draw = ImageDraw.Draw(image)
        for _ in range(40):
            x, y = rng.randrange(size[0]), rng.randrange(size[1])
            w, h = rng.randint(40, 400), rng.randint(30, 300)
            colour = tuple(rng.randrange(256) for _ in range(3))
            draw.rectangle((x, y, x + w, y + h), fill=colour, outline=(0, 0, 0), width=3)
            draw.text((x + 8, y + 8), rng.choice(TOPICS), fill=(0, 0, 0))
        path = folder / f"photo-{i}.jpg"
        image.save(path, "JPEG", quality=90)
        paths.append(path)
    return paths


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _trim(text: str, limit: int) -> str:
    """Cut at the last full sentence within ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = cut.rfind(".")
    return cut[: end + 1] if end > 0 else cut
