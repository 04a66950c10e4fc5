"""Window sizes that suit the screen: roomy on a large one, never larger than a small one."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QWidget

# Room left for a title bar, a taskbar and the window's frame.
MARGIN_WIDTH, MARGIN_HEIGHT = 40, 60


def fit(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width`` × ``height``, or to what the screen it opens on has."""
    room = widget.screen().availableGeometry()
    widget.resize(
        min(width, room.width() - MARGIN_WIDTH), min(height, room.height() - MARGIN_HEIGHT)
    )


def grow_to_fit(window: QWidget, scroll: QScrollArea) -> None:
    """Make ``window`` as tall as what ``scroll`` holds needs (wrapped lines included), as far
    as the screen allows; past that, it scrolls."""
    view = scroll.viewport()
    short = scroll.widget().layout().totalHeightForWidth(view.width()) - view.height()
    room = window.screen().availableGeometry().height() - MARGIN_HEIGHT
    if short > 0:
        window.resize(window.width(), min(window.height() + short, room))
