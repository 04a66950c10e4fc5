"""Cards that are malformed, altered or misused, and the command line's answers to bad
bundles and cards."""

from __future__ import annotations

import json
import shutil
import struct
import uuid
from pathlib import Path
from typing import Any

import pytest

from inspector_app.core import bundle, crypto, team
from inspector_app.core.errors import BundleRejected, InvalidInput
from inspector_app.core.store import Inspection
from tests.conftest import PASSPHRASE, cli
from tests.core.bundle_world import (
    World,
    assert_one_sentence,
    build_world,
    damaged,
    fresh,
    layout,
    seen,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    return build_world(tmp_path_factory)


# -- cards ---------------------------------------------------------------------------------------


def card_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def write_card(path: Path, card: dict[str, Any]) -> Path:
    path.write_text(json.dumps(card, indent=2))
    return path


def card_refused(world: World, card: Path, folder: Path, error=BundleRejected) -> str:
    with fresh(world.lead, folder) as lead:
        before = seen(lead)
        with pytest.raises(error) as caught:
            team.add_member(lead, card)
        assert seen(lead) == before
    assert_one_sentence(str(caught.value))
    return str(caught.value)


@pytest.mark.parametrize(
    "text",
    ["{not json", "[]", "", '{"format": "inspector-app/card/1"}', "\udcff", "[" * 10_000],
    ids=["broken", "a list", "empty", "no fields", "not text", "deeply nested"],
)
def test_a_malformed_card_is_refused(world, tmp_path, text):
    path = tmp_path / "bad.card"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    assert "is not an inspection or member card" in card_refused(world, path, tmp_path)


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c.update(name="Mallory"),
        lambda c: c.update(role="lead"),
        lambda c: c.update(inspection_id=str(uuid.uuid4())),
        lambda c: c.update(created_at="2020-01-01T00:00:00+00:00"),
        lambda c: c.update(receive=team.to_b64(bytes(32))),
        lambda c: c.update(sign=team.to_b64(bytes(range(32)))),
        lambda c: c.update(signature=team.to_b64(bytes(64))),
    ],
    ids=["name", "role", "inspection", "date", "receive key", "sign key", "signature"],
)
def test_a_card_changed_after_signing_is_refused(world, tmp_path, change):
    card = card_json(world.ali_card)
    change(card)
    path = write_card(tmp_path / "edited.card", card)
    message = card_refused(world, path, tmp_path)
    # A role that does not fit the card, or a key no one can receive with, is refused before
    # the signature is even checked.
    assert "changed or signed by someone else" in message or "not an inspection or" in message


@pytest.mark.parametrize(
    "change",
    [
        {"receive": team.to_b64(bytes(32))},  # a low-order point: nothing can be wrapped for it
        {"role": "lead"},
        {"name": "   "},
        {"name": "Ali\x1b[31m Member"},
        {"name": "Ali \ud800 Member"},
        {"area": ["not", "text"]},
        {"name": "\u200b"},
        {"name": "Sam \u2067Lead\u2069"},
    ],
    ids=["zero key", "member as lead", "blank name", "escape codes", "half surrogate",
         "area not text", "only a zero-width space", "direction isolates"],
)
def test_a_card_its_holder_signed_is_still_refused_if_it_makes_no_sense(world, tmp_path, change):
    card = {**card_json(world.ali_card), **change}
    fields = {k: v for k, v in card.items() if k != "signature"}
    with Inspection.open(world.ali, PASSPHRASE) as ali:
        keys, _ = team.identity(ali)
    try:
        signature = crypto.sign(keys, team._signed_bytes(fields))
    except UnicodeEncodeError:  # what cannot be signed is sent with any signature
        signature = bytes(64)
    card["signature"] = team.to_b64(signature)
    path = tmp_path / "odd.card"
    path.write_text(json.dumps(card, indent=2), encoding="utf-8")
    assert "not an inspection or member card" in card_refused(world, path, tmp_path)


def test_a_card_signed_by_someone_else_is_refused(world, tmp_path):
    with Inspection.open(world.jo, PASSPHRASE) as jo:
        jo_keys, _ = team.identity(jo)
    card = card_json(world.ali_card)
    fields = {k: v for k, v in card.items() if k != "signature"}
    card["signature"] = team.to_b64(crypto.sign(jo_keys, team._signed_bytes(fields)))
    path = write_card(tmp_path / "jo-signed.card", card)
    assert "changed or signed by someone else" in card_refused(world, path, tmp_path)


def test_a_card_with_keys_of_the_wrong_length_is_refused(world, tmp_path):
    card = card_json(world.ali_card)
    card["receive"] = team.to_b64(bytes(31))
    path = write_card(tmp_path / "short.card", card)
    assert "not an inspection or member card" in card_refused(world, path, tmp_path)


def test_a_card_too_large_is_refused_before_it_is_parsed(world, tmp_path):
    card = card_json(world.ali_card)
    card["note"] = "x" * team.MAX_CARD_BYTES
    path = write_card(tmp_path / "large.card", card)
    assert "too large to be a card" in card_refused(world, path, tmp_path)


def test_a_member_card_for_another_inspection_is_refused(world, tmp_path):
    assert "another inspection" in card_refused(world, world.stranger_card, tmp_path)


def test_an_inspection_card_is_not_a_member_card(world, tmp_path):
    message = card_refused(world, world.lead_card, tmp_path, error=InvalidInput)
    assert "inspection card" in message


def test_only_the_lead_keeps_a_roster(world, tmp_path):
    with fresh(world.jo, tmp_path) as jo:
        with pytest.raises(InvalidInput, match="Only the lead"):
            team.add_member(jo, world.ali_card)


def test_joining_needs_the_leads_card(world, tmp_path):
    with pytest.raises(InvalidInput, match="member card"):
        team.join(tmp_path / "new.inspection", world.ali_card, "Ann New", PASSPHRASE)
    assert not (tmp_path / "new.inspection").exists()


def test_a_joined_file_has_its_lead_and_shows_its_key_before_it_can_be_found(world, tmp_path):
    """A join killed at any moment leaves no file, or one that knows its lead and whose
    recovery key was shown."""
    path = tmp_path / "new.inspection"
    seen = []

    def ready(inspection: Inspection, key: str) -> None:
        seen.append((path.exists(), [m.role for m in team.roster(inspection)], key))

    member, key = team.join(path, world.lead_card, "Ann New", PASSPHRASE, ready=ready)
    member.close()
    assert seen == [(False, ["lead"], key)]
    with Inspection.open(path, key) as opened:  # the key shown is the file's
        assert [m.role for m in team.roster(opened)] == ["lead"]
    said = cli("join", tmp_path / "cli.inspection", "--card", world.lead_card,
               "--inspector", "Bo New", check=0).stdout
    assert said.index("Recovery key") < said.index("Joined the inspection")


def test_joining_with_an_altered_card_creates_nothing(world, tmp_path):
    card = card_json(world.lead_card)
    card["area"] = "Southmoor"
    path = write_card(tmp_path / "altered.card", card)
    with pytest.raises(BundleRejected, match="changed or signed by someone else"):
        team.join(tmp_path / "new.inspection", path, "Ann New", PASSPHRASE)
    assert not (tmp_path / "new.inspection").exists()


# -- the command line ----------------------------------------------------------------------------


def test_the_command_line_refuses_damage_with_exit_4_and_one_sentence(world, tmp_path):
    raw = world.bundle.read_bytes()
    middle = layout(raw).chunks[1]
    bad = tmp_path / "bad.bundle"
    bad.write_bytes(damaged(raw, (middle[1] + middle[2]) // 2))
    text = tmp_path / "notes.txt"
    text.write_text("not a bundle\n")
    lead = tmp_path / "lead.inspection"
    shutil.copy(world.lead, lead)
    for path in (bad, text, world.kim_bundle):
        result = cli("bundle", "import", lead, path)
        assert result.returncode == 4, result.stderr
        assert result.stdout == "" and "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("inspector-app: ")
    edited = card_json(world.ali_card)
    edited["name"] = "Mallory"
    result = cli("team", "add", lead, write_card(tmp_path / "edited.card", edited))
    assert (result.returncode, result.stderr.count("\n")) == (4, 1), result.stderr
    assert "Traceback" not in result.stderr
    result = cli("list", lead, "--json")
    assert [n["title"] for n in json.loads(result.stdout)] == ["Lead's note"]  # nothing came in


def test_the_command_line_refuses_a_crafted_header_with_exit_4_and_no_traceback(world, tmp_path):
    # Anyone can write this file: no key is needed to reach the header.
    crafted = tmp_path / "crafted.bundle"
    crafted.write_bytes(bundle.MAGIC + b"\x01" + struct.pack(">I", 60_000) + b"[" * 60_000)
    lead = tmp_path / "lead.inspection"
    shutil.copy(world.lead, lead)
    result = cli("bundle", "import", lead, crafted)
    assert "Traceback" not in result.stderr, result.stderr[-300:]
    assert result.returncode == 4 and result.stderr.count("\n") == 1


def test_the_command_line_imports_the_good_bundles_and_names_the_bad(world, tmp_path):
    lead = tmp_path / "lead.inspection"
    shutil.copy(world.lead, lead)
    bad = tmp_path / "bad.bundle"
    bad.write_bytes(world.bundle.read_bytes()[:-1])
    result = cli("bundle", "import", lead, bad, world.jo_bundle)
    assert result.returncode == 4 and "Traceback" not in result.stderr
    assert f"{bad}: not imported:" in result.stderr
    assert "1 of 2 bundles were not imported" in result.stderr
    assert "the others were imported" in result.stderr
    assert "from Jo Member" in result.stdout
    both = cli("bundle", "import", lead, bad, bad, check=4).stderr.splitlines()[-1]
    assert both.endswith("2 of 2 bundles were not imported (reasons above) and nothing from "
                         "them was.")  # no "others" when there were none
    titles = {n["title"] for n in json.loads(cli("list", lead, "--json").stdout)}
    assert titles == {"Lead's note", "Jo's meeting"}


def test_a_mistyped_bundle_path_among_several_is_bad_input_not_a_rejection(world, tmp_path):
    lead = tmp_path / "lead.inspection"
    shutil.copy(world.lead, lead)
    result = cli("bundle", "import", lead, world.jo_bundle, tmp_path / "sam-day1.bundle")
    assert result.returncode == 2, result.stderr  # as the same path on its own
    assert "sam-day1.bundle: not imported:" in result.stderr and "from Jo Member" in result.stdout


def test_exporting_from_the_lead_without_to_team_exits_2(world, tmp_path):
    lead = tmp_path / "lead.inspection"
    shutil.copy(world.lead, lead)
    result = cli("bundle", "export", lead, "--out", tmp_path / "out.bundle")
    assert result.returncode == 2 and "--to-team" in result.stderr
    assert result.stderr.count("\n") == 1 and not (tmp_path / "out.bundle").exists()


def test_a_signing_key_anyone_can_sign_for_is_refused(world, tmp_path):
    """The identity point: "signature" 01 00..00 | 00..00 verifies on any message for it."""
    card = card_json(world.ali_card)
    card["sign"] = team.to_b64(bytes([1]) + bytes(31))
    card["signature"] = team.to_b64(bytes([1]) + bytes(63))
    path = write_card(tmp_path / "anyone.card", card)
    assert "not an inspection or member card" in card_refused(world, path, tmp_path)


@pytest.mark.parametrize("sign_bit", [0x00, 0x80], ids=["as listed", "sign bit set"])
@pytest.mark.parametrize("key", sorted(crypto._SMALL_ORDER), ids=lambda k: k.hex()[:4])
def test_no_small_order_signing_key_is_taken_whatever_its_sign_bit(world, tmp_path, key,
                                                                   sign_bit):
    """Ed25519 ignores the sign bit of these points: with it set they are as weak."""
    weak = key[:31] + bytes([key[31] | sign_bit])
    with pytest.raises(crypto.CryptoError):
        crypto.check_signer(weak)
    card = {**card_json(world.ali_card), "sign": team.to_b64(weak),
            "signature": team.to_b64(bytes([1]) + bytes(63))}
    path = write_card(tmp_path / "weak.card", card)
    assert "not an inspection or member card" in card_refused(world, path, tmp_path)


def test_a_card_with_a_name_already_on_the_team_is_refused(world, tmp_path):
    """Work in bundles is told apart by name: a second "Sam Lead" could pass as the lead."""
    with Inspection.open(world.ali, PASSPHRASE) as ali:
        keys, _ = team.identity(ali)
    for name in ("Sam Lead", "jo member"):
        card = {**card_json(world.ali_card), "name": name}
        fields = {k: v for k, v in card.items() if k != "signature"}
        card["signature"] = team.to_b64(crypto.sign(keys, team._signed_bytes(fields)))
        path = write_card(tmp_path / "same-name.card", card)
        with fresh(world.lead, tmp_path) as lead:
            team.add_member(lead, world.folder / "jo.card")
            before = seen(lead)
            with pytest.raises(BundleRejected, match="already called"):
                team.add_member(lead, path)
            assert seen(lead) == before
