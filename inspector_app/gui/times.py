"""Times as people read them: the moments the file keeps (UTC, ISO 8601) in local time."""

from __future__ import annotations

from PySide6.QtCore import QDate, QDateTime, Qt


def local_time(stamp: str) -> str:
    """"14:05" today, "3 Mar 2026 14:05" another day; the stamp itself if it cannot be read."""
    moment = QDateTime.fromString(stamp, Qt.DateFormat.ISODate)
    if not moment.isValid():
        return stamp
    moment = moment.toLocalTime()
    return moment.toString("HH:mm" if moment.date() == QDate.currentDate() else "d MMM yyyy HH:mm")
