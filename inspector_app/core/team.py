"""The team: each file's keys, the cards inspectors swap, and the lead's roster.

The lead makes an *inspection card* (the inspection's id, area and framework, and the lead's
public keys, signed by the lead); a team member *joins* with it and hands back a *member card*,
which the lead adds to the roster. Cards are small signed JSON files and hold no evidence.
A fingerprint (80 bits, four groups of four letters) lets two people check a card by reading it
aloud.
"""

from __future__ import annotations

import base64
import binascii
import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from inspector_app.core import crypto, outfile
from inspector_app.core.concurrent import on_latest
from inspector_app.core.crypto import KdfParams
from inspector_app.core.errors import BundleRejected, InvalidInput
from inspector_app.core.models import clean_line, identity_payload, now
from inspector_app.core.records import Change
from inspector_app.core.store import IDENTITY, Inspection

CARD_FORMAT = "inspector-app/card/1"
MAX_CARD_BYTES = 16 * 1024
_CARD_FIELDS = (
    "format",
    "kind",
    "inspection_id",
    "framework",
    "name",
    "role",
    "receive",
    "sign",
    "created_at",
)


@dataclass(frozen=True)
class Member:
    """Someone whose bundles this file accepts (the lead's roster, or a member's lead)."""

    name: str
    role: str
    receive: bytes
    sign: bytes
    added_at: str = ""
    bundles: tuple[tuple[int, str, str], ...] = ()  # (sequence, bundle hash, imported at)

    @property
    def fingerprint(self) -> str:
        return crypto.fingerprint(self.receive, self.sign)

    @property
    def last_bundle(self) -> tuple[int, str, str] | None:
        """The newest bundle received (the highest number, whatever order they came in)."""
        return max(self.bundles, default=None, key=lambda b: b[0])

    def to_payload(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "receive": to_b64(self.receive),
            "sign": to_b64(self.sign),
            "added_at": self.added_at,
            "bundles": [list(b) for b in self.bundles],
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Member:
        return cls(
            data["name"],
            data["role"],
            from_b64(data["receive"]),
            from_b64(data["sign"]),
            data.get("added_at", ""),
            tuple(tuple(b) for b in data.get("bundles", ())),
        )


@dataclass(frozen=True)
class Card:
    kind: str  # "inspection" (from the lead) or "member"
    inspection_id: str
    framework: str
    area: str
    name: str
    role: str
    receive: bytes
    sign: bytes

    @property
    def fingerprint(self) -> str:
        return crypto.fingerprint(self.receive, self.sign)

    def member(self) -> Member:
        return Member(self.name, self.role, self.receive, self.sign, now())


# -- this file's identity ----------------------------------------------------------------------


def identity(inspection: Inspection) -> tuple[crypto.Identity, int]:
    """The file's keys and the number of its last bundle."""
    found = inspection.file.read(*IDENTITY)
    if found is None:
        raise InvalidInput("This inspection file has no keys for team work; it is incomplete.")
    data = found[1]
    return crypto.Identity(from_b64(data["receive"]), from_b64(data["sign"])), int(data["seq"])


def fingerprint(inspection: Inspection) -> str:
    keys, _ = identity(inspection)
    return crypto.fingerprint(keys.receive_public, keys.sign_public)


@on_latest
def next_sequence(inspection: Inspection) -> int:
    """Reserve the next bundle number (never reused, even if writing that bundle fails)."""
    keys, seq = identity(inspection)
    through = _exported_through(inspection)
    inspection.commit([Change(*IDENTITY, identity_payload(keys, seq + 1, through), "bundle")])
    return seq + 1


@on_latest
def mark_exported(inspection: Inspection, through: int) -> None:
    """After a bundle is safely written: changes up to audit entry ``through`` went out."""
    keys, seq = identity(inspection)
    inspection.commit([Change(*IDENTITY, identity_payload(keys, seq, through), "exported")])


def _exported_through(inspection: Inspection) -> int:
    found = inspection.file.read(*IDENTITY)
    return found[1].get("exported_through", 0) if found else 0


@dataclass
class _Changed:
    """What ``changed_since_export`` has read of the audit log since the last export."""

    exported_through: int
    read_through: int
    ids: set[str] = field(default_factory=set)


_changed: WeakKeyDictionary[Inspection, _Changed] = WeakKeyDictionary()


def changed_since_export(inspection: Inspection) -> int:
    """Notes and findings written to this file (typed here or imported) since its last bundle.

    The app asks after every save; each call opens only the audit entries written since the
    one before, so the count costs the same at the end of a day as at its start.
    """
    through = _exported_through(inspection)
    seen = _changed.get(inspection)
    if seen is None or seen.exported_through != through:
        seen = _changed[inspection] = _Changed(through, through)
    for entry in inspection.file.audit_entries(after=seen.read_through):
        if entry.get("type") in ("note", "finding"):
            seen.ids.add(entry["id"])
        seen.read_through = entry["seq"]
    return len(seen.ids)


# -- cards -------------------------------------------------------------------------------------


def make_card(inspection: Inspection) -> dict[str, Any]:
    """The lead's inspection card, or a member's card, signed with this file's key."""
    keys, _ = identity(inspection)
    info = inspection.info
    card = {
        "format": CARD_FORMAT,
        "kind": "inspection" if info.role == "lead" else "member",
        "inspection_id": info.inspection_id,
        "framework": info.framework,
        "name": info.inspector,
        "role": info.role,
        "receive": to_b64(keys.receive_public),
        "sign": to_b64(keys.sign_public),
        "created_at": now(),
    }
    if card["kind"] == "inspection":
        card["area"] = info.area
    card["signature"] = to_b64(crypto.sign(keys, _signed_bytes(card)))
    return card


def write_card(inspection: Inspection, path: Path) -> str:
    """Write this file's card; returns its fingerprint."""
    card = make_card(inspection)
    text = json.dumps(card, indent=2, ensure_ascii=False) + "\n"
    outfile.write_atomically(path, "card", lambda handle: handle.write(text.encode()))
    return crypto.fingerprint(from_b64(card["receive"]), from_b64(card["sign"]))


def read_card(path: Path) -> Card:
    """A card checked whole: size, shape, and a signature by the key it carries."""
    try:
        with open(path, "rb") as handle:  # no further than a card can be long
            raw = handle.read(MAX_CARD_BYTES + 1)
    except OSError as exc:
        raise InvalidInput(f"The card {path} cannot be read: {exc.strerror}.") from exc
    if len(raw) > MAX_CARD_BYTES:
        raise BundleRejected(f"{path} is too large to be a card; ask for the card again.")
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("format") != CARD_FORMAT:
            raise ValueError("not a card")
        for name in (*_CARD_FIELDS, "signature"):
            if not isinstance(data.get(name), str) or not data[name]:
                raise ValueError(name)
        if (data["kind"], data["role"]) not in (("inspection", "lead"), ("member", "team")):
            raise ValueError("kind")
        _signed_bytes(data)  # every field is text that can be signed (no half surrogates)
        for name in ("name", "area"):
            if name in data and (
                not isinstance(data[name], str)
                or clean_line(data[name]) != data[name]
                # invisible format characters (zero-width, direction marks) make one name
                # look like another
                or any(unicodedata.category(c) == "Cf" for c in data[name])
            ):
                raise ValueError(name)  # not a line of plain text
        if data["kind"] == "inspection" and not data.get("area"):
            raise ValueError("area")
        receive, sign, signature = (from_b64(data[k]) for k in ("receive", "sign", "signature"))
        if len(receive) != 32 or len(sign) != 32:
            raise ValueError("key length")
        crypto.check_recipient(receive)
        crypto.check_signer(sign)
    except (
        ValueError,
        TypeError,
        UnicodeError,
        RecursionError,
        InvalidInput,
        crypto.CryptoError,
    ) as exc:
        raise BundleRejected(
            f"{path} is not an inspection or member card; ask for it again."
        ) from exc
    try:
        crypto.check_signature(sign, signature, _signed_bytes(data))
    except crypto.CryptoError as exc:
        raise BundleRejected(
            f"The card {path} was changed or signed by someone else; ask for it again."
        ) from exc
    return Card(
        data["kind"],
        data["inspection_id"],
        data["framework"],
        data.get("area", ""),
        data["name"],
        data["role"],
        receive,
        sign,
    )


def _signed_bytes(card: dict[str, Any]) -> bytes:
    fields = {k: v for k, v in card.items() if k != "signature"}
    return crypto.bind("card", json.dumps(fields, sort_keys=True, ensure_ascii=False))


# -- joining and the roster --------------------------------------------------------------------


def join(
    path: Path, card_path: Path, inspector: str, passphrase: str, kdf: KdfParams | None = None,
    ready: Callable[[Inspection, str], object] | None = None,
) -> tuple[Inspection, str]:
    """A team member's new file, bound to the lead's inspection; returns it and its recovery
    key. The lead is on its roster (and ``ready`` has run, see ``Inspection.create``) before
    the file takes its name."""
    card = _inspection_card(card_path, inspector)

    def joined(inspection: Inspection, recovery: str) -> None:
        _save_member(inspection, card.member(), "create")
        if ready:
            ready(inspection, recovery)

    return Inspection.create(
        path,
        passphrase,
        area=card.area or "Inspection",
        inspector=inspector,
        role="team",
        framework_id=card.framework,
        kdf=kdf,
        inspection_id=card.inspection_id,
        ready=joined,
    )


@on_latest
def join_existing(inspection: Inspection, card_path: Path) -> Member:
    """A team member's file made on its own (``new --role team``) joins the lead's inspection
    with the lead's card, keeping the notes already in it; returns the lead."""
    card = _inspection_card(card_path, inspection.info.inspector)
    if inspection.info.role != "team":
        raise InvalidInput("This is a lead's file; a lead's file makes the inspection card.")
    if any(m.role == "lead" for m in roster(inspection)):
        raise InvalidInput("This file has already joined an inspection.")
    if card.framework != inspection.info.framework:
        raise InvalidInput(
            "That inspection uses another framework than this file; join with a new file."
        )
    inspection.bind_to_inspection(card.inspection_id, card.area or inspection.info.area)
    lead = card.member()
    _save_member(inspection, lead, "create")
    return lead


def _inspection_card(card_path: Path, inspector: str) -> Card:
    """The lead's inspection card, to join under the name ``inspector``."""
    card = read_card(card_path)
    if card.kind != "inspection":
        raise InvalidInput("That is a member card; joining needs the lead's inspection card.")
    if clean_line(inspector).casefold() == card.name.casefold():
        # Work is told apart by name: the lead's roster would refuse this member's card.
        raise InvalidInput(
            f"{card.name} is the lead's name on this card; join with your own name "
            "(add an initial if you share it)."
        )
    return card


@on_latest
def add_member(inspection: Inspection, card_path: Path) -> Member:
    """Add a member's card to the lead's roster (again: the card's keys replace the old)."""
    if inspection.info.role != "lead":
        raise InvalidInput("Only the lead's file keeps a roster; send your card to the lead.")
    card = read_card(card_path)
    if card.kind != "member":
        raise InvalidInput("That is an inspection card; the roster takes member cards.")
    if card.inspection_id != inspection.info.inspection_id:
        raise BundleRejected(
            "That card is for another inspection; ask for a card made after joining this one."
        )
    if card.fingerprint == fingerprint(inspection):
        raise InvalidInput("That is this file's own card.")
    known = {m.fingerprint: m for m in roster(inspection)}
    # Work in bundles is told apart by name, so no two people on a team may share one.
    taken = {inspection.info.inspector} | {
        m.name for m in known.values() if m.fingerprint != card.fingerprint
    }
    if card.name.casefold() in {name.casefold() for name in taken}:
        raise BundleRejected(
            f"Someone on this team is already called {card.name}; ask them to join again "
            "with a name that tells them apart (an initial, say)."
        )
    member = card.member()
    if member.fingerprint in known:  # its bundles received stay: a replayed one is still seen
        member = replace(member, bundles=known[member.fingerprint].bundles,
                         added_at=known[member.fingerprint].added_at)
    _save_member(inspection, member, "update" if member.fingerprint in known else "create")
    return member


def roster(inspection: Inspection) -> list[Member]:
    members = [Member.from_payload(p) for _, _, p in inspection.file.scan("member") if p]
    return sorted(members, key=lambda m: (m.role != "lead", m.name.casefold()))


def member(inspection: Inspection, fingerprint_: str) -> Member | None:
    found = inspection.file.read("member", fingerprint_)
    return Member.from_payload(found[1]) if found else None


def _save_member(inspection: Inspection, member: Member, action: str) -> None:
    inspection.commit([member_change(member, action)])


def member_change(member: Member, action: str) -> Change:
    return Change("member", member.fingerprint, member.to_payload(), action)


def to_b64(data: bytes) -> str:
    """Keys as they appear on cards and in bundle headers."""
    return base64.b64encode(data).decode()


def from_b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, TypeError) as exc:
        raise ValueError("not base64") from exc
