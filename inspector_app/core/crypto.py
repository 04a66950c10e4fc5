"""The only module that touches cryptography's hazmat layer: a handful of verbs.

- ``derive_key``: a passphrase to a key-encryption key with Argon2id.
- ``recovery_kek``: a recovery key (already high-entropy) to a key-encryption key with HKDF.
- ``seal`` / ``open_sealed`` (or a ``Sealer`` kept for one key): AES-256-GCM with a fresh
  random 96-bit nonce for every call and associated data built by ``bind`` (length-prefixed,
  so no two part lists collide).
- ``seal_chunks`` / ``open_chunks``: a stream as independently sealed chunks whose associated
  data carries the chunk's index and a final-chunk flag, so reordering, dropping or truncating
  chunks fails.
- ``new_identity``, ``sign`` / ``check_signature`` (Ed25519) and ``wrap_for`` / ``unwrap_from``
  (HPKE, X25519 + HKDF-SHA256 + AES-256-GCM): an inspector's keys, and a bundle's file key
  sent to each recipient.

Every failure to open is ``CryptoError``; callers decide what it means to the user.
"""

from __future__ import annotations

import base64
import os
import re
import struct
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
SEAL_VERSION = b"\x01"
CHUNK_BYTES = 256 * 1024
_DOMAIN = b"inspector-app/v1"
_LENGTH = struct.Struct(">I")
_FINAL, _MORE = b"F", b"C"
_RECOVERY_BYTES = 20  # 160 bits: 32 base32 characters
_RECOVERY_RE = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$")


class CryptoError(Exception):
    """A sealed value did not open: wrong key, or the bytes or their context changed."""


MAX_KDF_MEMORY = 1024 * 1024  # KiB: 1 GiB
MAX_KDF_WORK = 16 * (64 * 1024 * 3)  # memory × passes: sixteen times today's settings
MIN_SALT, MAX_SALT = 8, 64  # bytes of Argon2id salt (Argon2 needs 8; ours are 16)


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters, stored in the file header and bound into the key wrap."""

    salt: str  # base64
    memory_cost: int = 64 * 1024  # KiB: 64 MiB, the floor DESIGN.md sets
    iterations: int = 3
    lanes: int = 4

    @classmethod
    def fresh(cls, memory_cost: int = 64 * 1024, iterations: int = 3, lanes: int = 4) -> KdfParams:
        salt = base64.b64encode(os.urandom(16)).decode()
        return cls(salt=salt, memory_cost=memory_cost, iterations=iterations, lanes=lanes)

    def to_dict(self) -> dict:
        return {"alg": "argon2id", **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict) -> KdfParams:
        if not isinstance(data, dict) or data.get("alg") != "argon2id":
            raise CryptoError("unknown key derivation")
        try:
            params = cls(
                salt=str(data["salt"]),
                memory_cost=int(data["memory_cost"]),
                iterations=int(data["iterations"]),
                lanes=int(data["lanes"]),
            )
            salt = base64.b64decode(params.salt, validate=True)
        except (KeyError, TypeError, ValueError) as exc:
            raise CryptoError("malformed key derivation parameters") from exc
        if not MIN_SALT <= len(salt) <= MAX_SALT:
            raise CryptoError("key derivation salt out of range")
        # Refuse absurd values before spending memory or time on them: a header edited to
        # ask for gigabytes and many passes would hold the app for minutes at every unlock.
        if not (8 * params.lanes <= params.memory_cost <= MAX_KDF_MEMORY):
            raise CryptoError("key derivation memory out of range")
        if not (1 <= params.iterations <= 16 and 1 <= params.lanes <= 16):
            raise CryptoError("key derivation cost out of range")
        if params.memory_cost * params.iterations > MAX_KDF_WORK:
            raise CryptoError("key derivation cost out of range")
        return params


def bind(*parts: bytes | str | int) -> bytes:
    """Associated data from parts: each length-prefixed, so ('ab','c') != ('a','bc')."""
    return bind_onto(_DOMAIN, *parts)


def bind_onto(ad: bytes, *parts: bytes | str | int) -> bytes:
    """``ad`` with more parts: ``bind_onto(bind(a, b), c) == bind(a, b, c)``, so a prefix
    shared by many records is built once."""
    out = [ad]
    for part in parts:
        if isinstance(part, str):
            part = part.encode()
        elif isinstance(part, int):
            part = str(part).encode()
        elif not isinstance(part, bytes):  # an id or revision edited to NULL outside the app
            raise CryptoError("associated data from a value that is not text or a number")
        out.append(_LENGTH.pack(len(part)))
        out.append(part)
    return b"".join(out)


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def derive_key(passphrase: str, params: KdfParams) -> bytes:
    """Argon2id: passphrase to key-encryption key. Slow on purpose (about 0.2 s)."""
    kdf = Argon2id(
        salt=base64.b64decode(params.salt),
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_cost,
    )
    # "surrogatepass": text from a mis-set terminal is then just a wrong passphrase, and no
    # encoding error (which would quote the passphrase) is ever raised.
    return kdf.derive(passphrase.encode("utf-8", "surrogatepass"))


def new_recovery_key() -> str:
    """A random recovery key shown once, as eight groups of four base32 characters."""
    text = base64.b32encode(os.urandom(_RECOVERY_BYTES)).decode()
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def normalise_recovery_key(text: str) -> str | None:
    """The canonical form of something typed as a recovery key, or None if it is not one."""
    compact = re.sub(r"[\s-]", "", text).upper()
    candidate = "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    return candidate if _RECOVERY_RE.match(candidate) else None


def recovery_kek(recovery_key: str, salt: bytes) -> bytes:
    raw = base64.b32decode(recovery_key.replace("-", ""))
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=_DOMAIN + b"/recovery")
    return hkdf.derive(raw)


class Sealer:
    """AES-256-GCM under one key, kept ready for the many small records of an open file."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, ad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return SEAL_VERSION + nonce + self._aead.encrypt(nonce, plaintext, ad)

    def open(self, blob: bytes, ad: bytes) -> bytes:
        if (
            not isinstance(blob, bytes)
            or len(blob) < 1 + NONCE_BYTES + 16
            or blob[:1] != SEAL_VERSION
        ):
            raise CryptoError("not a sealed value")
        view = memoryview(blob)  # slices of a view are not copies
        try:
            return self._aead.decrypt(view[1 : 1 + NONCE_BYTES], view[1 + NONCE_BYTES :], ad)
        except InvalidTag as exc:
            raise CryptoError("sealed value did not open") from exc


def seal(key: bytes, plaintext: bytes, ad: bytes) -> bytes:
    return Sealer(key).seal(plaintext, ad)


def open_sealed(key: bytes, blob: bytes, ad: bytes) -> bytes:
    return Sealer(key).open(blob, ad)


def seal_chunks(key: bytes, pieces: Iterable[bytes], ad: bytes) -> Iterator[bytes]:
    """Seal a stream chunk by chunk; each chunk's AD holds its index and whether it is last."""
    aead = AESGCM(key)
    index = 0
    pending: bytes | memoryview | None = None
    for piece in _rechunk(pieces):
        if pending is not None:
            yield _seal_chunk(aead, pending, ad, index, final=False)
            index += 1
        pending = piece
    yield _seal_chunk(aead, pending or b"", ad, index, final=True)


def open_chunks(key: bytes, sealed: Iterable[bytes], ad: bytes) -> Iterator[bytes]:
    """Open chunks in order; fails if any is altered, reordered, missing, or the tail is cut."""
    aead = AESGCM(key)
    finished = False
    for index, blob in enumerate(sealed):
        if finished:
            raise CryptoError("data after the final chunk")
        if (
            not isinstance(blob, bytes)
            or len(blob) < 2 + NONCE_BYTES + 16
            or blob[:1] != SEAL_VERSION
        ):
            raise CryptoError(f"chunk {index} is not a sealed chunk")
        if blob[1:2] not in (_FINAL, _MORE):
            raise CryptoError(f"chunk {index} has an unknown flag")
        finished = blob[1:2] == _FINAL
        view = memoryview(blob)
        nonce, body = view[2 : 2 + NONCE_BYTES], view[2 + NONCE_BYTES :]
        try:
            yield aead.decrypt(nonce, body, ad + bind(index, int(finished)))
        except InvalidTag as exc:
            raise CryptoError(f"chunk {index} did not open") from exc
    if not finished:
        raise CryptoError("the stream is truncated")


def _seal_chunk(
    aead: AESGCM, data: bytes | memoryview, ad: bytes, index: int, final: bool
) -> bytes:
    # The flag is readable so the reader knows which AD to use; it is also bound into the AD,
    # so flipping it makes the chunk fail.
    nonce = os.urandom(NONCE_BYTES)
    flag = _FINAL if final else _MORE
    return SEAL_VERSION + flag + nonce + aead.encrypt(nonce, data, ad + bind(index, int(final)))


def _rechunk(pieces: Iterable[bytes]) -> Iterator[memoryview]:
    """Pieces of any size as chunks of ``CHUNK_BYTES`` (the last may be shorter): views into
    one join per run of pieces, so the bytes are copied once on the way to the cipher."""
    parts: list[bytes | memoryview] = []
    size = 0
    for piece in pieces:
        parts.append(piece)
        size += len(piece)
        if size >= CHUNK_BYTES:
            data = memoryview(b"".join(parts))
            whole = size - size % CHUNK_BYTES
            for start in range(0, whole, CHUNK_BYTES):
                yield data[start : start + CHUNK_BYTES]
            parts, size = [data[whole:]], size - whole
    if size:
        yield memoryview(b"".join(parts))


# -- identities: Ed25519 to sign, X25519 to receive ---------------------------------------------

_HPKE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


@dataclass(frozen=True)
class Identity:
    """Raw key bytes: private halves stay sealed in the file, public halves travel on cards."""

    receive_private: bytes
    sign_private: bytes

    @property
    def receive_public(self) -> bytes:
        return (
            X25519PrivateKey.from_private_bytes(self.receive_private)
            .public_key()
            .public_bytes_raw()
        )

    @property
    def sign_public(self) -> bytes:
        return (
            Ed25519PrivateKey.from_private_bytes(self.sign_private).public_key().public_bytes_raw()
        )


def new_identity() -> Identity:
    return Identity(
        X25519PrivateKey.generate().private_bytes_raw(),
        Ed25519PrivateKey.generate().private_bytes_raw(),
    )


def fingerprint(receive_public: bytes, sign_public: bytes) -> str:
    """Short enough to read aloud: 80 bits of SHA-256 as four groups of four base32 letters."""
    digest = hashes.Hash(hashes.SHA256())
    digest.update(bind("fingerprint", receive_public, sign_public))
    text = base64.b32encode(digest.finalize()[:10]).decode()
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def sign(identity: Identity, data: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(identity.sign_private).sign(data)


def check_signature(sign_public: bytes, signature: bytes, data: bytes) -> None:
    try:
        Ed25519PublicKey.from_public_bytes(sign_public).verify(signature, data)
    except (InvalidSignature, ValueError) as exc:
        raise CryptoError("the signature does not match") from exc


def wrap_for(receive_public: bytes, key: bytes, info: bytes) -> bytes:
    """Encrypt a key to one recipient (HPKE base mode); ``info`` binds it to its context.

    A key no one can receive with (a low-order point, such as all zeros) is a ``CryptoError``.
    """
    try:
        public = X25519PublicKey.from_public_bytes(receive_public)
        return _HPKE.encrypt(key, public, info=info)
    except ValueError as exc:
        raise CryptoError("not a recipient key") from exc


# Ed25519 public keys of small order (with the sign bit cleared; the last three are y = -1,
# p, p + 1): for these, forged signatures verify on any message, so no card may carry one.
_SMALL_ORDER = {
    bytes.fromhex(h)
    for h in (
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    )
}


def check_signer(sign_public: bytes) -> None:
    """``CryptoError`` for a signing key anyone can forge signatures for (small order)."""
    if len(sign_public) != 32 or sign_public[:31] + bytes([sign_public[31] & 0x7F]) in _SMALL_ORDER:
        raise CryptoError("not a signing key")


def check_recipient(receive_public: bytes) -> None:
    """``CryptoError`` unless something can be wrapped for this key (checked on a card, so a
    bad key never reaches the roster and every later export)."""
    wrap_for(receive_public, bytes(KEY_BYTES), bind("recipient-check"))


def unwrap_from(identity: Identity, wrapped: bytes, info: bytes) -> bytes:
    private = X25519PrivateKey.from_private_bytes(identity.receive_private)
    try:
        return _HPKE.decrypt(wrapped, private, info=info)
    except (InvalidTag, ValueError) as exc:
        raise CryptoError("the bundle key did not open") from exc
