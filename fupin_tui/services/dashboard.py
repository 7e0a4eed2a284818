"""The dashboard's figures: households by status, projects by state."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from fupin_tui.context import AppContext


@dataclass(frozen=True)
class Overview:
    township: str
    households_by_status: list[tuple[str, int, int]]  # status, households, people
    projects_by_state: list[tuple[str, int]]
    households_total: int
    people_total: int
    projects_total: int


def overview(ctx: AppContext) -> Overview:
    from fupin_tui.models.projects import SIDE_STATES, STATES

    with ctx.read() as s:
        hh = s.execute(text(
            "SELECT status, COUNT(*), COALESCE(SUM(size), 0) FROM household WHERE voided = 0 GROUP BY status"
        )).all()
        pj = dict(s.execute(text("SELECT state, COUNT(*) FROM project WHERE voided = 0 GROUP BY state")).all())
    town = ctx.township()
    order = ["识别中", "在册", "已脱贫", "返贫", "清退"]
    hh_sorted = sorted(hh, key=lambda r: order.index(r[0]) if r[0] in order else len(order))
    projects = [(state, pj[state]) for state in (*STATES, *SIDE_STATES) if pj.get(state)]
    projects += [(state, n) for state, n in pj.items() if state not in STATES and state not in SIDE_STATES]
    return Overview(
        township=f"{town.name}（{town.county}）" if town else "",
        households_by_status=[(r[0], int(r[1]), int(r[2])) for r in hh_sorted],
        projects_by_state=projects,
        households_total=sum(int(r[1]) for r in hh),
        people_total=sum(int(r[2]) for r in hh),
        projects_total=sum(pj.values()),
    )
