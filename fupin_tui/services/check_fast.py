"""体检 on a township's SQLite file without the ORM: ``fupin-tui check``'s light path.

The same loaders and rules as ``services.checks`` (which is import-light for this), fed
by plain sqlite3 rows that are typed as the models would type them: the column types
come from ``check_store``, written by a run that had the models loaded, for exactly this
database layout and this release.  When they are not there (first run, a new release, a
file that needs upgrading) ``run`` returns None and the caller takes the ORM path, which
also checks the file and teaches the types.  Read-only.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Iterable

from fupin_tui.config import APPLICATION_ID
from fupin_tui.services import check_store


def _converter(kind):
    if kind == "date":
        return lambda v: v if isinstance(v, date) else date.fromisoformat(v)
    if kind == "datetime":
        return lambda v: v if isinstance(v, datetime) else datetime.fromisoformat(v)
    if kind == "bool":
        return bool
    if isinstance(kind, list) and kind and kind[0] == "scaled":
        scale, places = Decimal(kind[1]), Decimal(kind[2])
        return lambda v: (Decimal(int(v)) / scale).quantize(places)
    return None


class SqliteSource:
    """``rows(sql)`` plain tuples, ``live(table)`` rows with attributes, typed like the models."""

    def __init__(self, con: sqlite3.Connection, types: dict) -> None:
        self.con, self.types = con, types
        self.sqlite = True

    def rows(self, sql: str):
        return self.con.execute(sql)

    def live(self, table: str) -> list:
        kinds = self.types[table]  # KeyError: a table the types do not know (the caller falls back)
        cur = self.con.execute(f"SELECT * FROM {table} WHERE NOT voided ORDER BY id")
        names = [d[0] for d in cur.description]
        row_type = namedtuple(f"{table}_row", names)
        convert = [(i, c) for i, c in enumerate(_converter(kinds.get(n)) for n in names) if c is not None]
        out = []
        for raw in cur:
            if convert:
                raw = list(raw)
                for i, c in convert:
                    if raw[i] is not None:
                        raw[i] = c(raw[i])
            out.append(row_type(*raw))
        return out


class _Codes:
    codes = property(lambda self: _load_codes())


def _load_codes():
    from fupin_tui.domain.codes import load_codes

    return load_codes()


def _policy(con: sqlite3.Connection):
    from fupin_tui.domain.policy import Policy, from_storage

    stored = {name: from_storage(name, value) for name, value in con.execute("SELECT name, value FROM policyoverride")}
    return Policy.from_overrides(stored)


def run(db_path: Path | str, rules: Iterable[str] | None = None, today: date | None = None):
    """The findings with acknowledgements (a ``checks.CheckResult``), or None: use the ORM path."""
    from fupin_tui import clock
    from fupin_tui.domain.errors import DomainError
    from fupin_tui.services import checks

    path = Path(db_path)
    store = check_store.read(path)
    types = store.get("types")
    if not types or not path.exists():
        return None
    try:
        con = sqlite3.connect(str(path), timeout=5)
    except sqlite3.Error:
        return None
    try:
        con.execute("PRAGMA query_only = 1")
        if con.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            return None
        con.execute("BEGIN")  # one snapshot for every read
        src = SqliteSource(con, types)
        if store.get("schema") != check_store.schema_hash(src.rows):
            return None
        today = today or clock.today()
        policy = _policy(con)
        findings = checks.check_source(src, path, policy, today, checks._roster_kinds(_Codes()), rules=rules,
                                       store=store)
        acks = checks.acks_from(src)
    except (sqlite3.Error, KeyError, AttributeError, DomainError):
        return None  # anything unexpected: the ORM path opens the file properly and says what is wrong
    finally:
        con.close()
    return checks.CheckResult(checks.apply_acks(findings, acks), today)
