"""A keystroke in an Input redraws the Input, not the whole screen (Textual 8.2.8).

Input keeps its text's width as its virtual size (for scrolling sideways), and a virtual size is a
reactive that lays out the screen when it changes: every key typed laid out every widget of the
screen (the household list's filter: a third of the time from key to changed list; a form of 33
fields far more). An Input's box does not depend on its text unless its width is ``auto``, and for
that case Input asks for the layout itself. So the new width is set without one.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import Input

_stock = Input._watch_value


def _watch_value(self: Input, value: str) -> None:
    # The stock watcher then finds the size already set and does not ask for a layout.
    self.set_reactive(Input.virtual_size, Size(self.content_width, 1))
    _stock(self, value)


def install() -> None:
    """Once per process, before the first Input takes a key."""
    Input._watch_value = _watch_value


def uninstall() -> None:
    """Textual's own Input back (for a test that shows the difference)."""
    Input._watch_value = _stock
