"""A raw key log for finding lost keys in a real terminal (FUPIN_TUI_KEYLOG=/path/keys.log).

Off unless the variable is set. Each line: time, where the key was (``app`` when the App routed it, ``held``
when it waits for the key before it, ``got`` when an input's key handler had it, ``bound`` when a binding
had it), the key, the screen, the focused widget, and the input's value after it. Compared with what
tmux/script sent, it tells keys lost before Textual from keys lost in it.

Read ``got`` for typed characters and ``bound`` for keys that are bindings (Backspace, End, Tab, Ctrl+S):
an input's handler sees Backspace before the binding deletes, so ``got backspace`` shows the value
before it (read alone, the first of seven Backspaces looked lost).
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
    """Log every key an Input handles, and every key a binding handles, with the value after (installed
    once, only when enabled)."""
    from textual.app import App
    from textual.widgets import Input

    if getattr(Input._on_key, "keylog", False):
        return  # a second app in one process: one line a key, not two
    original = Input._on_key

    async def logged(self, event) -> None:
        await original(self, event)
        write("got", event.key, self.screen, self, self.value)

    logged.keylog = True
    Input._on_key = logged

    app_key = App._on_key

    async def bound(self, event) -> None:  # a key no widget stopped: the App runs its binding here
        await app_key(self, event)
        focused = self.focused
        write("bound", event.key, self.screen, focused, focused.value if isinstance(focused, Input) else None)

    App._on_key = bound
