"""The dashboard's first figures straight from the file with sqlite3.

Start-up paints before SQLModel is imported; this lets the dashboard fill in
while the rest of the database layer is still loading.  Read-only.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
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


def read_overview(db_path: Path) -> Overview | None:
    """None when the file is missing, not ours, or not set up yet."""
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
    return Overview(
        township=f"{town[0]}（{town[1]}）" if town else "",
        households_by_status=[(r[0], int(r[1]), int(r[2])) for r in hh_sorted],
        projects_by_state=projects,
        households_total=sum(int(r[1]) for r in hh),
        people_total=sum(int(r[2]) for r in hh),
        projects_total=sum(pj.values()),
    )
