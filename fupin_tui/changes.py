"""Change signals: after a save, everyone who shows (or caches) the record hears of it.

Free of Textual and of the screens: services and the database layer publish,
the app relays to its screens, caches below the screens subscribe directly.

- A ``Change`` is ``(kind, id)``: ``kind`` is a table name (``"voucher"``,
  ``"tranche"`` …) or an owner — every row that carries ``project_id`` or
  ``household_id`` also announces ``("project", n)`` / ``("household", n)``,
  so a screen showing one project listens for ``Change("project", n)`` only.
  ``Change(ALL, None)`` means "anything may have changed" (bulk import, demo,
  merge, restore).
- ``Database.session`` collects the changes of every ORM insert/update in the
  transaction (the same hook that writes the audit log) and publishes them once,
  after the commit succeeded — a rolled-back save announces nothing.
  ``db.write_audit`` (bulk Core work) adds its own ``(table, id)``.
- ``ChangeHub.publish`` calls subscribers in the publishing thread (a worker's,
  perhaps); a subscriber that touches a UI must hand over to its own thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Iterable

ALL = "*"
OWNERS = ("project", "household")  # owner columns <owner>_id that a row announces as well


@dataclass(frozen=True, order=True)
class Change:
    kind: str
    id: int | None = None


class ChangeSet(frozenset):
    """What one transaction (or several, relayed together) changed."""

    def touches(self, kind: str, id: int | None = None) -> bool:
        """True if a change of ``kind`` (with this ``id``, when given) is in the set, or ALL is."""
        for c in self:
            if c.kind == ALL:
                return True
            if c.kind == kind and (id is None or c.id is None or c.id == id):
                return True
        return False

    def kinds(self) -> set[str]:
        return {c.kind for c in self}


Listener = Callable[[ChangeSet], None]


class ChangeHub:
    """Subscribers hear every published ChangeSet; ``subscribe`` returns the unsubscribe function."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, changes: Iterable[Change] | Change | str, id: int | None = None) -> None:
        """``publish("project", 5)``, ``publish(Change(...))`` or ``publish([Change, ...])``."""
        if isinstance(changes, str):
            items = ChangeSet({Change(changes, id)})
        elif isinstance(changes, Change):
            items = ChangeSet({changes})
        else:
            items = ChangeSet(changes)
        if not items:
            return
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(items)


_HUBS: dict[str, ChangeHub] = {}
_HUBS_LOCK = threading.Lock()


def hub_for(path) -> ChangeHub:
    """The hub of one database file: every context opened on it in this process shares it."""
    import os

    key = os.fspath(path)
    if "://" not in key:  # a server URL names itself
        key = os.path.realpath(key)
    with _HUBS_LOCK:
        hub = _HUBS.get(key)
        if hub is None:
            hub = _HUBS[key] = ChangeHub()
        return hub


def _as_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def changes_of_row(table: str, row_id, owners: dict[str, object] | None = None) -> set[Change]:
    """The changes one written row announces: itself, and the project/household it belongs to."""
    out = {Change(table, _as_id(row_id))}
    for owner, value in (owners or {}).items():
        if value is not None:
            out.add(Change(owner, _as_id(value)))
    return out


def changes_of_object(obj) -> set[Change]:
    """For an ORM object (duck-typed: ``__tablename__``, ``id``, ``project_id``/``household_id``)."""
    owners = {owner: getattr(obj, f"{owner}_id", None) for owner in OWNERS}
    return changes_of_row(obj.__tablename__, getattr(obj, "id", None), owners)
