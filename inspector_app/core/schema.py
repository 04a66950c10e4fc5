"""The on-disk schema and its upgrades (sqlite-utils migrations, never edited once shipped).

What is plaintext on disk: record types, opaque ids, revision counters, sizes, and the key
header. Everything a person wrote lives inside the sealed ``body`` columns.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

from inspector_app.core.errors import NewerVersion

FORMAT = b"inspector-app/1"  # the meta row that marks a file as ours
MIGRATIONS = Migrations("inspector-app")


@MIGRATIONS()
def m001_initial(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": bytes}, pk="key")
    db["records"].create(
        {"type": str, "id": str, "revision": int, "body": bytes}, pk=("type", "id")
    )
    db["chunks"].create(
        {"attachment_id": str, "variant": str, "seq": int, "body": bytes},
        pk=("attachment_id", "variant", "seq"),
    )
    db["audit"].create({"seq": int, "hash": bytes, "body": bytes}, pk="seq")


def refuse_newer(db: sqlite_utils.Database) -> None:
    """``NewerVersion`` for a file a newer release has upgraded (reads only)."""
    known = {m.name for m in MIGRATIONS._migrations}
    unknown = [m.name for m in MIGRATIONS.applied(db) if m.name not in known]
    if unknown:
        raise NewerVersion(
            "This inspection file was saved by a newer version of the app; "
            "update the app to open it."
        )


def upgrade(db: sqlite_utils.Database) -> None:
    """Refuse a file from a newer release; otherwise apply any pending migrations."""
    refuse_newer(db)
    if MIGRATIONS.pending(db):
        MIGRATIONS.apply(db)
        # Only coarse times may be plaintext: keep the day each upgrade ran, not the moment.
        db.execute(
            f"UPDATE [{MIGRATIONS.migrations_table}] SET applied_at = substr(applied_at, 1, 10)"
        )
