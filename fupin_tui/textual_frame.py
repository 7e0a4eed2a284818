"""Widgets changed by another widget's handler are drawn in the same frame (Textual 8.2.8).

A refresh reaches the screen only when the widget itself next goes idle and posts an Update:
the filter box's letter is drawn in the next frame, and the list and count line it changed, one
frame later, 20–35 ms after (seen in tmux: the list followed each key by 45–60 ms, the letter by
25). ``draw_now`` hands the screen a widget's pending repaint at once, as its own idle would.
"""

from __future__ import annotations

from textual.widget import Widget


def draw_now(*widgets: Widget) -> None:
    """Draw these widgets' pending refreshes in the screen's next frame."""
    for widget in widgets:
        if not (widget.is_mounted and widget._repaint_required and widget.display):
            continue
        screen = widget.screen
        if screen not in screen._compositor:  # not laid out yet: its own idle does it
            continue
        widget._repaint_required = False  # the Update its idle would post
        screen._dirty_widgets.add(widget)
        screen.check_idle()
