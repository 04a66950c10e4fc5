"""The key header: how a passphrase or the recovery key unlocks the file's data key.

The data key is random and never changes. Argon2id turns the passphrase into a key-encryption
key that wraps it; the recovery key wraps it a second time. Changing the passphrase re-wraps
only. The KDF parameters and the file id are bound into each wrap's associated data, so editing
them makes the wrap fail rather than weakening it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass

import sqlite_utils

from inspector_app.core import crypto
from inspector_app.core.errors import (
    IntegrityError,
    InvalidInput,
    NotAnInspectionFile,
    WrongPassphrase,
)
from inspector_app.core.schema import FORMAT

MIN_PASSPHRASE = 8
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_FIELDS = ("format", "file_id", "kdf", "wrap.passphrase", "wrap.recovery", "recovery.salt")


@dataclass(frozen=True)
class Header:
    file_id: str
    kdf: crypto.KdfParams
    wrap_passphrase: bytes
    wrap_recovery: bytes
    recovery_salt: bytes


def _passphrase_ad(file_id: str, kdf: crypto.KdfParams) -> bytes:
    return crypto.bind("wrap", file_id, "passphrase", json.dumps(kdf.to_dict(), sort_keys=True))


def _recovery_ad(file_id: str, salt: bytes) -> bytes:
    return crypto.bind("wrap", file_id, "recovery", salt)


def create(
    db: sqlite_utils.Database, passphrase: str, kdf: crypto.KdfParams
) -> tuple[Header, bytes, str]:
    """Write a fresh header; returns it with the data key and the recovery key (shown once)."""
    file_id = base64.b32encode(os.urandom(15)).decode().lower()
    data_key = crypto.new_key()
    recovery_key = crypto.new_recovery_key()
    salt = os.urandom(16)
    kek = crypto.derive_key(passphrase, kdf)
    header = Header(
        file_id=file_id,
        kdf=kdf,
        wrap_passphrase=crypto.seal(kek, data_key, _passphrase_ad(file_id, kdf)),
        wrap_recovery=crypto.seal(
            crypto.recovery_kek(recovery_key, salt), data_key, _recovery_ad(file_id, salt)
        ),
        recovery_salt=salt,
    )
    write(db, header)
    return header, data_key, recovery_key


def write(db: sqlite_utils.Database, header: Header) -> None:
    values = {
        "format": FORMAT,
        "file_id": header.file_id.encode(),
        "kdf": json.dumps(header.kdf.to_dict(), sort_keys=True).encode(),
        "wrap.passphrase": header.wrap_passphrase,
        "wrap.recovery": header.wrap_recovery,
        "recovery.salt": header.recovery_salt,
    }
    values["header.sum"] = _checksum(values)
    db["meta"].upsert_all(({"key": k, "value": v} for k, v in values.items()), pk="key")


def check_passphrase(passphrase: str) -> str:
    """A passphrase that can be typed again reliably and is long enough, or ``InvalidInput``."""
    if not passphrase.isprintable() or _SURROGATE.search(passphrase):
        raise InvalidInput(
            "The passphrase has characters that cannot be typed reliably; use letters, "
            "digits, spaces and punctuation."
        )
    if len(passphrase.strip()) < MIN_PASSPHRASE:  # ten spaces are not a passphrase
        raise InvalidInput(
            f"The passphrase is too short; use at least {MIN_PASSPHRASE} characters "
            "(a few unrelated words are easy to type and hard to guess)."
        )
    return passphrase


def read(db: sqlite_utils.Database) -> Header:
    rows = {row["key"]: row["value"] for row in db["meta"].rows}
    if rows.get("format") != FORMAT:
        raise NotAnInspectionFile("This is not an inspection file; choose a .inspection file.")
    damaged = any(not isinstance(rows.get(k), bytes) for k in (*_FIELDS, "header.sum"))
    if damaged or rows["header.sum"] != _checksum(rows):
        raise IntegrityError(
            "The file's key header is damaged, so the file cannot be unlocked; "
            "restore it from a backup or a team bundle."
        )
    try:
        kdf = crypto.KdfParams.from_dict(json.loads(rows["kdf"]))
        file_id = rows["file_id"].decode()
    except (ValueError, crypto.CryptoError) as exc:  # a UnicodeDecodeError is a ValueError
        raise IntegrityError(
            "The file's key settings are damaged; restore it from a backup."
        ) from exc
    return Header(
        file_id=file_id,
        kdf=kdf,
        wrap_passphrase=rows["wrap.passphrase"],
        wrap_recovery=rows["wrap.recovery"],
        recovery_salt=rows["recovery.salt"],
    )


def unlock(header: Header, secret: str) -> bytes:
    """The data key from a passphrase or a recovery key; ``WrongPassphrase`` otherwise."""
    recovery = crypto.normalise_recovery_key(secret)
    if recovery is not None:
        try:
            kek = crypto.recovery_kek(recovery, header.recovery_salt)
            return crypto.open_sealed(
                kek, header.wrap_recovery, _recovery_ad(header.file_id, header.recovery_salt)
            )
        except crypto.CryptoError:
            pass  # a passphrase may look like a recovery key; try it as one below
    try:
        kek = crypto.derive_key(secret, header.kdf)
        return crypto.open_sealed(
            kek, header.wrap_passphrase, _passphrase_ad(header.file_id, header.kdf)
        )
    except crypto.CryptoError as exc:
        raise WrongPassphrase() from exc


def rewrap(header: Header, data_key: bytes, passphrase: str, kdf: crypto.KdfParams) -> Header:
    """A header whose passphrase wrap uses a new passphrase; the notes are not touched."""
    kek = crypto.derive_key(passphrase, kdf)
    wrapped = crypto.seal(kek, data_key, _passphrase_ad(header.file_id, kdf))
    return Header(header.file_id, kdf, wrapped, header.wrap_recovery, header.recovery_salt)


def _checksum(values: dict) -> bytes:
    # Catches accidental damage to the header so it is not reported as a wrong passphrase.
    digest = hashlib.sha256()
    for key in _FIELDS:
        value = values.get(key, b"")
        digest.update(len(value).to_bytes(4, "big") + value)
    return digest.digest()
