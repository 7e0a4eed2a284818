"""Keys in turn: each key goes to the widget that has the focus once the keys before it are done.

Textual hands a key to the widget focused when the key *arrives*. A terminal often delivers
several keys at once (a quick typist, tmux send-keys, a slow PC catching up), and they all went
to the widget focused before the first was handled. Seen in tmux with a key log
(``keylog``): ``Tab Tab Tab Tab x y z`` on the household form moved the cursor to 贫困户属性 but
x y z went to 村 and were lost; ``F3 Ctrl+F 龙海花 Enter`` on 工作台 sent the name and the Enter to
工作台's menu, which opened the first household, not 龙海花's. Typed text landing in another
field, or another household opened, is worse than a key seen late.

``KeyGate`` lets one key through and holds the next until the app is quiet again: no message
waiting in the app, the screen or any widget on it, no callback pending (a focus() is a message
to the app; a call_after_refresh a callback on the screen, run after its next repaint). That is what Pilot
waits for between two presses, which is why no Pilot test saw the loss. A key is never held
longer than ``MAX_WAIT`` seconds, so a screen that is never quiet cannot swallow the keyboard.
"""

from __future__ import annotations

import asyncio
from collections import deque
from time import monotonic

from textual import events

MAX_WAIT = 2.0  # seconds a key waits for the one before it at most


def _idle(pump) -> bool:
    return not pump._message_queue.qsize() and not pump._next_callbacks


def app_is_quiet(app) -> bool:
    """Nothing left to do from the last key: the next one may be routed to ``app.focused``."""
    if not _idle(app):
        return False
    try:
        screen = app.screen
    except Exception:  # noqa: BLE001 - no screen yet (starting) or any more (closing)
        return True
    if screen._callbacks or not _idle(screen):
        return False
    return all(_idle(node) for node in screen.walk_children())


class KeyGate:
    """Admit a raw key when the app is done with the previous one; hold it (in order) until then."""

    def __init__(self, app) -> None:
        self.app = app
        self.held: deque[events.Key] = deque()
        self.busy = False
        self._released: events.Key | None = None
        self._task: asyncio.Task | None = None

    def admit(self, event: events.Key) -> bool:
        """True: route ``event`` now. False: it is held and will be posted to the app in its turn."""
        if event is self._released:
            self._released = None
        elif self.busy or self.held:
            self.held.append(event)
            return False
        self.busy = True
        self._task = asyncio.get_running_loop().create_task(self._settle())
        return True

    async def _settle(self) -> None:
        deadline, spins, quiet_turns = monotonic() + MAX_WAIT, 0, 0
        # quiet on two turns of the event loop running: a handler resumed by the last turn (an await
        # on a mount) has run by the next, and posted what it does (queues do not show a message
        # being handled, only those waiting)
        while quiet_turns < 2 and monotonic() < deadline:
            spins += 1
            await asyncio.sleep(0 if spins < 50 else 0.005)  # a quick key settles in a few turns
            quiet_turns = quiet_turns + 1 if app_is_quiet(self.app) else 0
        if self.held:
            held = self.held.popleft()
            # a fresh copy (as for keys queued while the database opens): the held one went through the queue
            self._released = events.Key(held.key, held.character)
            self.app.post_message(self._released)
        else:
            self.busy = False
