"""Writes while another program writes to the same inspection file.

Two programs may hold one file open: the app and the command line, or two commands. SQLite
queues their writes, but a write is decided on what the writer read before its turn came: a
note's fields, the register's pseudonyms, the roster's receipts, the next bundle number. Made
on that, it would put back what the other program had just changed.

So every write first checks, holding the write lock, that no other program has written since
the writer last read the file (``Inspection.writing``). If one has, nothing is written and
``ChangedMeanwhile`` is raised; a write wrapped in ``on_latest`` is then made again, holding
the write lock from its first read to its commit, so it is decided on what the other program
wrote and nothing can come in between. Only that second try holds the lock while it reads
(and cleans photos): the first keeps the other program waiting no longer than its commit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from inspector_app.core.errors import StorageError

Write = TypeVar("Write", bound=Callable[..., Any])


class ChangedMeanwhile(StorageError):
    """Another program wrote to the file after this one read what its write depends on."""

    def __init__(self) -> None:
        super().__init__(
            "Another program changed the inspection while this change was being saved, so it "
            "was not saved; try again."
        )


def on_latest(write: Write) -> Write:
    """Make ``write`` (whose first argument is the inspection) again, on the file as it now
    is and holding the write lock throughout, if another program wrote between its reads and
    its commit."""

    @functools.wraps(write)
    def run(inspection: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return write(inspection, *args, **kwargs)
        except ChangedMeanwhile:
            pass
        with inspection.file.transaction():
            inspection.refresh()
            return write(inspection, *args, **kwargs)

    return run  # type: ignore[return-value]
