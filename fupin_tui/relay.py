"""The app's half of the change signal (fupin_tui.changes): hand each ChangeSet to the screens.

``ChangeRelay(app)`` subscribes to ``app.ctx.db.changes``.  Whatever thread
published, delivery happens on the app's thread: every screen in every mode's
stack, and every widget in it, that has a ``data_changed(changes)`` method is
called — at once if its screen is the one on top, otherwise when that screen
comes back on top (changes gathered meanwhile are delivered together).  So a
screen only writes "refresh what I show if ``changes.touches(...)``", and it is
current whenever the clerk looks at it.
"""

from __future__ import annotations

import weakref
from typing import Iterator

from textual.app import App
from textual.screen import Screen

from fupin_tui.changes import ChangeSet


class ChangeRelay:
    def __init__(self, app: App) -> None:
        self.app = app
        self._pending: weakref.WeakKeyDictionary[Screen, ChangeSet] = weakref.WeakKeyDictionary()
        self.delivered = 0  # ChangeSets handed on (tests read it)
        self._unsubscribe = app.ctx.db.changes.subscribe(self._heard)
        app.screen_change_signal.subscribe(app, self._screen_changed)

    def close(self) -> None:
        self._unsubscribe()

    # -- any thread ----------------------------------------------------------
    def _heard(self, changes: ChangeSet) -> None:
        # call_later posts a message: safe from a worker thread, and never re-enters the handler that saved
        self.app.call_later(self.deliver, changes)

    # -- the app's thread ------------------------------------------------------
    def _screens(self) -> Iterator[Screen]:
        seen: set[int] = set()
        stacks = getattr(self.app, "_screen_stacks", {}) or {"": self.app.screen_stack}
        for stack in stacks.values():
            for screen in stack:
                if id(screen) not in seen:
                    seen.add(id(screen))
                    yield screen

    def deliver(self, changes: ChangeSet) -> None:
        self.delivered += 1
        try:
            top = self.app.screen
        except Exception:  # noqa: BLE001 - closing down: no screen left to tell
            return
        for screen in self._screens():
            if screen is top:
                self._apply(screen, changes)
            else:
                before = self._pending.get(screen)
                self._pending[screen] = ChangeSet(changes | before) if before else changes

    def _screen_changed(self, screen: Screen) -> None:
        waiting = self._pending.pop(screen, None)
        if waiting:
            self._apply(screen, waiting)

    @staticmethod
    def _apply(screen: Screen, changes: ChangeSet) -> None:
        for node in (screen, *screen.walk_children()):
            handler = getattr(node, "data_changed", None)
            if callable(handler) and node.is_attached:
                handler(changes)
