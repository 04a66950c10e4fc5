"""Window sizes that suit the screen: roomy on a large one, never larger than a small one."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

# Room left for a title bar, a taskbar and the window's frame.
MARGIN_WIDTH, MARGIN_HEIGHT = 40, 60


def fit(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width`` × ``height``, or to what the screen it opens on has."""
    room = widget.screen().availableGeometry()
    widget.resize(
        min(width, room.width() - MARGIN_WIDTH), min(height, room.height() - MARGIN_HEIGHT)
    )
