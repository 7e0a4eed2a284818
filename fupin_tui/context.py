"""What every use case needs: the database, the operator, today, policy and code lists.

Services take an ``AppContext`` and open one transaction per user action with
``ctx.transaction()``; screens hold the context (``self.app.ctx``), never a session.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

from sqlmodel import Session, select

from fupin_tui import clock
from fupin_tui.db import Database
from fupin_tui.opening import open_database


@dataclass
class AppContext:
    db: Database
    operator: str = ""
    today_fn: Callable[[], date] = clock.today
    _policy: object | None = field(default=None, repr=False)

    def today(self) -> date:
        return self.today_fn()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One user action = one transaction, recorded under the current operator."""
        with self.db.session(self.operator) as session:
            yield session

    def read(self) -> Session:
        return self.db.read()

    @property
    def policy(self):
        """The county's policy: shipped defaults with this installation's overrides."""
        if self._policy is None:
            from fupin_tui.domain.policy import Policy, from_storage
            from fupin_tui.models.settings import PolicyOverride

            with self.read() as s:
                stored = {row.name: from_storage(row.name, row.value) for row in s.exec(select(PolicyOverride))}
            self._policy = Policy.from_overrides(stored)
        return self._policy

    def reload_policy(self) -> None:
        self._policy = None

    @property
    def codes(self):
        from fupin_tui.domain.codes import load_codes

        return load_codes()

    def identity(self):
        """What this database is: ``identity.DatabaseIdentity`` (id, kind, township_code, label …)."""
        return self.db.identity()

    def township(self):
        from fupin_tui.models.settings import Township

        with self.read() as s:
            return s.exec(select(Township)).first()


def configure_user_dirs(config_dir: Path) -> None:
    """Let the calendar and code lists see the county's own files in the config folder."""
    from fupin_tui.domain import codes, workdays

    workdays.configure(user_dirs=[config_dir])
    codes.configure(user_dirs=[config_dir])


def open_context(db_path: Path, operator: str = "") -> AppContext:
    return AppContext(db=open_database(db_path), operator=operator)
