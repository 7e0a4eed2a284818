"""A raw key log for finding lost keys in a real terminal (FUPIN_TUI_KEYLOG=/path/keys.log).

Off unless the variable is set. Each line: time, where the key was (``app`` when the App routed it, ``held``
when it waits for the key before it, ``got`` when an input handled it), the key, the screen, the focused widget, and the input's value
after it. Compared with what tmux/script sent, it tells keys lost before Textual from keys lost in it.
"""

from __future__ import annotations

import os
import time

ENV = "FUPIN_TUI_KEYLOG"
_out = None


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def routed(app, key: str, held: bool) -> None:
    """A key as the App got it from the terminal (``held``: it waits for the key before it)."""
    try:
        screen, focused = app.screen, app.focused
    except Exception:  # noqa: BLE001 - no screen yet
        screen = focused = None
    write("held" if held else "app", key, screen, focused)


def write(where: str, key: str, screen: object, focused: object, value: str | None = None) -> None:
    global _out
    if _out is None:
        from fupin_tui.filenames import open_private

        _out = open_private(os.environ[ENV], "w")  # one run's log, owner-only like every file the app writes
    name = lambda w: "-" if w is None else f"{type(w).__name__}#{getattr(w, 'id', None) or ''}"  # noqa: E731
    _out.write(f"{time.monotonic():.4f}\t{where}\t{key}\t{name(screen)}\t{name(focused)}"
               + (f"\t{value!r}" if value is not None else "") + "\n")
    _out.flush()  # read while the app runs


def watch_inputs() -> None:
    """Log every key an Input handles, with its value after (installed once, only when enabled)."""
    from textual.widgets import Input

    original = Input._on_key

    async def logged(self, event) -> None:
        await original(self, event)
        write("got", event.key, self.screen, self, self.value)

    Input._on_key = logged
