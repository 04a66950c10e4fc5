"""Preferences kept with QSettings: nothing sensitive, only paths, numbers and where the window
and its dividers were left (and, per
inspection file, the number and hash of its last audit entry when it was last closed here, to
notice an older copy; both are plaintext in the file itself)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 8
# Past this the window no longer fits a laptop's screen; larger text is the system's display
# scaling's to give, which lays everything out again.
MAX_TEXT_SIZE = 20


class Settings:
    def __init__(self, path: Path | None = None) -> None:
        self.qs = (
            QSettings(str(path), QSettings.Format.IniFormat)
            if path
            else QSettings("inspector-app", "inspector-app")
        )

    def _int(self, key: str, default: int) -> int:
        try:
            return int(self.qs.value(key, default))
        except (TypeError, ValueError):
            return default

    @property
    def idle_minutes(self) -> int:
        return max(0, self._int("idle_minutes", 5))

    @idle_minutes.setter
    def idle_minutes(self, value: int) -> None:
        self.qs.setValue("idle_minutes", int(value))

    @property
    def text_size(self) -> int:
        return min(max(0, self._int("text_size", 0)), MAX_TEXT_SIZE)  # 0: follow the system

    @text_size.setter
    def text_size(self, value: int) -> None:
        self.qs.setValue("text_size", int(value))

    @property
    def default_kind(self) -> str:
        return str(self.qs.value("default_kind", "case-review"))

    @default_kind.setter
    def default_kind(self, value: str) -> None:
        self.qs.setValue("default_kind", value)

    @property
    def last_kind(self) -> str:
        return str(self.qs.value("last_kind", self.default_kind))

    @last_kind.setter
    def last_kind(self, value: str) -> None:
        self.qs.setValue("last_kind", value)

    def recent(self) -> list[Path]:
        value = self.qs.value("recent", [])
        paths = [value] if isinstance(value, str) else list(value or [])
        return [Path(p) for p in paths if p]

    def remember(self, path: Path) -> None:
        paths = [str(path)] + [str(p) for p in self.recent() if p != path]
        self.qs.setValue("recent", paths[:MAX_RECENT])

    def forget(self, path: Path) -> None:
        self.qs.setValue("recent", [str(p) for p in self.recent() if p != path])

    def history_end(self, file_id: str) -> tuple[int, str]:
        """Where an inspection file's history ended when it was last closed here (0: never)."""
        seq, _, digest = str(self.qs.value(f"history/{file_id}", "")).partition(":")
        try:
            return int(seq), digest
        except ValueError:
            return 0, ""

    def remember_history_end(self, file_id: str, seq: int, digest: str) -> None:
        self.qs.setValue(f"history/{file_id}", f"{seq}:{digest}")

    def layout(self, name: str) -> QByteArray | None:
        """A window's or a splitter's saved geometry (Qt's own bytes), if any."""
        value = self.qs.value(f"layout/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def remember_layout(self, name: str, state: QByteArray) -> None:
        self.qs.setValue(f"layout/{name}", state)

    def sync(self) -> None:
        self.qs.sync()

    def kept(self) -> bool:
        """Whether what is set reaches the settings file (not a read-only settings folder)."""
        self.qs.sync()
        return self.qs.status() == QSettings.Status.NoError
