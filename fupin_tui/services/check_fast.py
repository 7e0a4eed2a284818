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

    def __init__(self, con: sqlite3.Connection, types: dict, snapshot: bool = False) -> None:
        self.con, self.types = con, types
        self.sqlite = True
        self.snapshot = snapshot  # every read in one transaction: stored facts and rows agree

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
        if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'countyowned'").fetchone() and \
                con.execute("SELECT 1 FROM countyowned LIMIT 1").fetchone():
            return None  # a county database: checked per township (services.county_check) on the ORM path
        src = SqliteSource(con, types, snapshot=True)
        if store.get("schema") != check_store.schema_hash(src.rows):
            return None
        today = today or clock.today()
        policy = _policy(con)
        findings = checks.check_source(src, path, policy, today, checks._roster_kinds(_Codes()), rules=rules)
        acks = checks.acks_from(src)
    except (sqlite3.Error, KeyError, AttributeError, DomainError):
        return None  # anything unexpected: the ORM path opens the file properly and says what is wrong
    finally:
        con.close()
    return checks.CheckResult(checks.apply_acks(findings, acks), today)


# ---------------------------------------------------------------- the dashboard's summary


def audit_version(con: sqlite3.Connection, today: date) -> list:
    """Every change writes an audit row in its transaction (bulk imports too): with today, a version."""
    return [con.execute("SELECT COALESCE(MAX(id), 0) FROM auditlog").fetchone()[0], today.isoformat()]


def stored_summary(db_path: Path | str, today: date | None = None) -> dict | None:
    """The last summary, if nothing changed since it was made (plain sqlite3; None otherwise)."""
    from fupin_tui import clock

    summary = check_store.read(db_path, "summary").get("summary")
    if not summary or not Path(db_path).exists():
        return None
    try:
        con = sqlite3.connect(str(db_path), timeout=5)
        try:
            if con.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                return None
            current = audit_version(con, today or clock.today())
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return summary if summary.get("version") == current else None


def make_summary(db_path: Path | str, result, deadlines, version: list) -> dict:
    """Store what the dashboard shows: counts by severity and the next deadlines."""
    summary = {"version": version, "counts": result.counts(),
               "deadlines": [[u.label, u.rule, u.record, u.record_label, u.due.isoformat(), u.workdays_left, u.warning]
                             for u in deadlines]}
    check_store.update(db_path, "summary", summary=summary)
    return summary


def deadlines_of(summary: dict) -> list:
    from fupin_tui.services.checks import UpcomingDeadline

    return [UpcomingDeadline(label, rule, record, record_label, date.fromisoformat(due), left, warning)
            for label, rule, record, record_label, due, left, warning in summary["deadlines"]]


class _Light:
    """What ``checks.next_deadlines`` asks of a context."""

    def __init__(self, policy, today: date) -> None:
        self.policy, self._today = policy, today

    def today(self) -> date:
        return self._today


def summary(db_path: Path | str, today: date | None = None) -> dict:
    """Counts and next deadlines, computed here (light path when it can) and stored. For the child process."""
    from fupin_tui import clock
    from fupin_tui.services import checks

    path = Path(db_path)
    today = today or clock.today()
    with sqlite3.connect(str(path), timeout=5) as con:
        version = audit_version(con, today)  # before reading: a change meanwhile makes it stale, not wrong
    result = run(path, today=today)
    if result is not None:
        store = check_store.read(path)
        con = sqlite3.connect(str(path), timeout=5)
        try:
            src = SqliteSource(con, store["types"])
            villages = dict(src.rows("SELECT id, name FROM village"))
            data = checks.CheckData(projects=checks._load_projects(src, villages, {}, {}))
            deadlines = checks.next_deadlines(_Light(_policy(con), today), 10, data=data)
        finally:
            con.close()
    else:
        from fupin_tui.context import AppContext
        from fupin_tui.opening import open_database

        ctx = AppContext(db=open_database(path, create=False), today_fn=lambda: today)
        try:
            result = checks.run_checks(ctx)
            deadlines = checks.next_deadlines(ctx, 10)
        finally:
            ctx.db.close()
    return make_summary(path, result, deadlines, version)


def summary_in_child(db_path: Path | str, timeout: float = 600) -> dict:
    """``summary`` in a child process (the second core; the registry never loads into the app)."""
    import json
    import os
    import subprocess
    import sys

    if getattr(sys, "frozen", False):  # a bundled executable has no ``-m``: do it here
        return summary(db_path)
    out = subprocess.run([sys.executable, "-m", "fupin_tui", "--db", str(db_path), "check", "--summary"],
                         capture_output=True, text=True, timeout=timeout, env=os.environ.copy(),
                         stdin=subprocess.DEVNULL)
    if out.returncode not in (0, 1):
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "体检子进程失败")
    return json.loads(out.stdout)
