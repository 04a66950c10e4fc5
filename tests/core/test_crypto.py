"""The sealing verbs: what opens, and everything that must not."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector_app.core import crypto


@pytest.fixture
def key() -> bytes:
    return crypto.new_key()


def test_seal_opens_with_the_same_key_and_context(key):
    ad = crypto.bind("file", "note", "id-1", 3)
    assert crypto.open_sealed(key, crypto.seal(key, b"Child A's plan", ad), ad) == b"Child A's plan"


def test_sealing_twice_never_repeats_a_nonce(key):
    ad = crypto.bind("x")
    blobs = {crypto.seal(key, b"same text", ad)[1:13] for _ in range(500)}
    assert len(blobs) == 500


@pytest.mark.parametrize(
    "other_ad",
    [
        crypto.bind("file", "note", "id-2", 3),  # another row
        crypto.bind("file", "note", "id-1", 4),  # another revision
        crypto.bind("file2", "note", "id-1", 3),  # another file
        crypto.bind("file", "child", "id-1", 3),  # another table
        crypto.bind("filenote", "", "id-1", 3),  # same bytes, other split
    ],
)
def test_a_blob_does_not_open_in_another_context(key, other_ad):
    blob = crypto.seal(key, b"secret", crypto.bind("file", "note", "id-1", 3))
    with pytest.raises(crypto.CryptoError):
        crypto.open_sealed(key, blob, other_ad)


def test_wrong_key_or_flipped_byte_fails(key):
    ad = crypto.bind("a")
    blob = crypto.seal(key, b"secret", ad)
    with pytest.raises(crypto.CryptoError):
        crypto.open_sealed(crypto.new_key(), blob, ad)
    for i in range(len(blob)):
        damaged = bytearray(blob)
        damaged[i] ^= 0x01
        with pytest.raises(crypto.CryptoError):
            crypto.open_sealed(key, bytes(damaged), ad)


def test_chunks_round_trip_a_stream_larger_than_a_chunk(key):
    data = bytes(range(256)) * 3000  # 768,000 bytes: three chunks and a tail
    sealed = list(crypto.seal_chunks(key, [data[:1000], data[1000:]], crypto.bind("p")))
    assert len(sealed) == 3
    assert b"".join(crypto.open_chunks(key, sealed, crypto.bind("p"))) == data


@settings(max_examples=40, deadline=None)
@given(cuts=st.lists(st.integers(0, 3 * crypto.CHUNK_BYTES), max_size=8))
def test_a_stream_cut_into_any_pieces_seals_to_whole_chunks_and_opens_unchanged(cuts):
    key, ad = crypto.new_key(), crypto.bind("p")
    data = bytes(range(256)) * (3 * crypto.CHUNK_BYTES // 256)
    edges = [0, *sorted(cuts), len(data)]
    pieces = [data[a:b] for a, b in zip(edges, edges[1:], strict=False)]
    sealed = list(crypto.seal_chunks(key, pieces, ad))
    assert len(sealed) == 3  # exactly three full chunks, whatever the pieces
    assert b"".join(crypto.open_chunks(key, sealed, ad)) == data


def test_every_chunk_is_sealed_under_its_own_nonce(key):
    data = b"x" * (crypto.CHUNK_BYTES * 3 + 10)
    first = list(crypto.seal_chunks(key, [data], crypto.bind("p")))
    second = list(crypto.seal_chunks(key, [data], crypto.bind("p")))
    nonces = [chunk[2:2 + crypto.NONCE_BYTES] for chunk in first + second]
    assert len(nonces) == 8 and len(set(nonces)) == 8


def test_associated_data_can_be_built_onto_a_shared_prefix():
    assert crypto.bind_onto(crypto.bind("file", "note"), "id", 3) == crypto.bind(
        "file", "note", "id", 3
    )


def test_empty_stream_is_one_final_chunk(key):
    sealed = list(crypto.seal_chunks(key, [], crypto.bind("p")))
    assert b"".join(crypto.open_chunks(key, sealed, crypto.bind("p"))) == b""


@pytest.mark.parametrize(
    "mangle",
    [
        lambda s: s[:-1],  # truncated: the final chunk is missing
        lambda s: s[1:],  # the first chunk is missing
        lambda s: [s[1], s[0], *s[2:]],  # reordered
        lambda s: [*s, s[-1]],  # data after the final chunk
        lambda s: [s[0][:1] + b"F" + s[0][2:], *s[1:]],  # an early chunk flagged final
    ],
)
def test_chunks_detect_truncation_reordering_and_extension(key, mangle):
    data = b"x" * (crypto.CHUNK_BYTES * 2 + 10)
    sealed = list(crypto.seal_chunks(key, [data], crypto.bind("p")))
    with pytest.raises(crypto.CryptoError):
        b"".join(crypto.open_chunks(key, mangle(sealed), crypto.bind("p")))


def test_recovery_key_is_forgiving_about_case_and_separators():
    recovery = crypto.new_recovery_key()
    assert len(recovery) == 39 and recovery.count("-") == 7
    assert crypto.normalise_recovery_key(recovery.lower().replace("-", " ")) == recovery
    assert crypto.normalise_recovery_key("correct horse battery staple") is None


def test_kdf_params_refuse_absurd_costs_before_running():
    params = crypto.KdfParams.fresh().to_dict()
    with pytest.raises(crypto.CryptoError):
        crypto.KdfParams.from_dict({**params, "memory_cost": 2**40})
    # A gigabyte is allowed, but not with many passes: at most sixteen times today's cost.
    gigabyte = {**params, "memory_cost": 1024 * 1024}
    assert crypto.KdfParams.from_dict({**gigabyte, "iterations": 3}).memory_cost == 1024 * 1024
    for edited in ({**gigabyte, "iterations": 16}, {**params, "iterations": 17},
                   {**params, "lanes": 17}, {**params, "memory_cost": 2 * 1024 * 1024}):
        with pytest.raises(crypto.CryptoError):
            crypto.KdfParams.from_dict(edited)
    with pytest.raises(crypto.CryptoError):
        crypto.KdfParams.from_dict({**params, "alg": "md5"})


def test_kdf_params_just_over_the_work_cap_are_refused():
    gigabyte = {**crypto.KdfParams.fresh().to_dict(), "memory_cost": 1024 * 1024}
    with pytest.raises(crypto.CryptoError):
        crypto.KdfParams.from_dict({**gigabyte, "iterations": 4})


@pytest.mark.parametrize(
    "change",
    [{"memory_cost": 8 * 4 - 1, "lanes": 4}, {"memory_cost": 7, "lanes": 1}, {"iterations": 0}],
    ids=["under 8 KiB a lane", "under 8 KiB", "no passes"],
)
def test_kdf_params_too_small_for_argon2_are_refused(change):
    with pytest.raises(crypto.CryptoError, match="out of range"):
        crypto.KdfParams.from_dict({**crypto.KdfParams.fresh().to_dict(), **change})


def test_derive_key_depends_on_passphrase_and_salt():
    params = crypto.KdfParams.fresh(memory_cost=1024, iterations=1, lanes=1)
    other = crypto.KdfParams.fresh(memory_cost=1024, iterations=1, lanes=1)
    assert crypto.derive_key("pass phrase", params) == crypto.derive_key("pass phrase", params)
    assert crypto.derive_key("pass phrase", params) != crypto.derive_key("pass phrasE", params)
    assert crypto.derive_key("pass phrase", params) != crypto.derive_key("pass phrase", other)


def test_default_kdf_meets_the_design_floor():
    params = crypto.KdfParams.fresh()
    assert params.memory_cost >= 64 * 1024 and params.iterations >= 2
