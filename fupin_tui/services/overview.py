"""The dashboard's first figures straight from the file with sqlite3.

Start-up paints before SQLModel is imported; this lets the dashboard fill in
while the rest of the database layer is still loading.  Read-only on the
database.  The figures are kept beside the 体检 summary (``check_store``, part
"overview") with the audit log's last id: every change writes an audit row in
its transaction, so while that id stands the kept figures hold, and a start
reads one row instead of every household (0.15-0.7 s at 100,000).
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path

from fupin_tui.config import APPLICATION_ID
from fupin_tui.domain.states import HOUSEHOLD_STATUSES, SIDE_STATES, STATES


@dataclass(frozen=True)
class Overview:
    township: str
    households_by_status: list[tuple[str, int, int]]  # status, households, people
    projects_by_state: list[tuple[str, int]]
    households_total: int
    people_total: int
    projects_total: int


def read_overview(db_path: Path, kept: bool = True) -> Overview | None:
    """None when the file is missing, not ours, or not set up yet; ``kept``: the kept figures if current."""
    path = Path(db_path)
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        from fupin_tui import storage

        # SELECTs only; WAL needs a writable -shm, so a read-only stick is opened as such
        con = (sqlite3.connect(str(path), timeout=5) if storage.file_writable(path)
               else storage.connect_read_only(path, timeout=5))
        try:
            if con.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                return None
            version = _audit_version(con)
            if kept and version is not None:
                figures = _kept(path, version)
                if figures is not None:
                    return figures
            town = con.execute("SELECT name, county FROM township LIMIT 1").fetchone()
            hh = con.execute("SELECT status, COUNT(*), COALESCE(SUM(size), 0) FROM household "
                             "WHERE voided = 0 GROUP BY status").fetchall()
            pj = dict(con.execute("SELECT state, COUNT(*) FROM project WHERE voided = 0 GROUP BY state").fetchall())
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return None  # the full open reports what is wrong
    order = {s: i for i, s in enumerate(HOUSEHOLD_STATUSES)}
    hh_sorted = sorted(hh, key=lambda r: order.get(r[0], len(order)))
    known = (*STATES, *SIDE_STATES)
    projects = [(state, pj[state]) for state in known if pj.get(state)]
    projects += [(state, n) for state, n in pj.items() if state not in known]
    found = Overview(
        township=f"{town[0]}（{town[1]}）" if town else "",
        households_by_status=[(r[0], int(r[1]), int(r[2])) for r in hh_sorted],
        projects_by_state=projects,
        households_total=sum(int(r[1]) for r in hh),
        people_total=sum(int(r[2]) for r in hh),
        projects_total=sum(pj.values()),
    )
    if version is not None:
        from fupin_tui.services import check_store

        check_store.write(path, {"version": version, "overview": asdict(found)}, KEPT)
    return found


KEPT = "overview"  # the check_store part


def _audit_version(con: sqlite3.Connection) -> list | None:
    """The last audit row's id and hash (a restored older file that reaches the same id again has
    other hashes)."""
    try:
        last = con.execute("SELECT id, row_hash FROM auditlog ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.DatabaseError:
        return None  # no audit log (an old or foreign layout): nothing kept
    return list(last) if last else [0, None]


def _kept(path: Path, version: list) -> Overview | None:
    from fupin_tui.services import check_store

    data = check_store.read(path, KEPT)
    if data.get("version") != version:
        return None
    try:
        o = data["overview"]
        return Overview(township=o["township"],
                        households_by_status=[(s, int(n), int(p)) for s, n, p in o["households_by_status"]],
                        projects_by_state=[(s, int(n)) for s, n in o["projects_by_state"]],
                        households_total=int(o["households_total"]), people_total=int(o["people_total"]),
                        projects_total=int(o["projects_total"]))
    except (KeyError, TypeError, ValueError):
        return None
