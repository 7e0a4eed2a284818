"""One township's records in the county database, to read (the county never edits them).

The households and projects a township's merged package brought (``CountyOwned``), for the
县级汇总 screen's read-only view of that township. Names are ordered by the app's pinyin key
(``domain.pinyin.order_key``), never by the database: SQLite orders by code point and a server
by its locale, so an ``ORDER BY head_name`` would read 张 before 李 on one and not the other.
Works on SQLite and PostgreSQL.

    from fupin_tui.services import county_records
    rows = county_records.households(ctx, "520123101")   # in pinyin order of the head's name
    county_records.projects(ctx, "520123101")[0].name
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from fupin_tui.context import AppContext
from fupin_tui.domain.pinyin import order_key
from fupin_tui.models import CountyOwned, Household, Project, Village


@dataclass(frozen=True)
class TownHousehold:
    household_no: str
    head_name: str
    village: str
    size: int
    status: str


@dataclass(frozen=True)
class TownProject:
    year: int
    name: str
    state: str
    side_state: str
    subsidy: Decimal
    file_number: str


def _owned(code: str, table: str, model):
    return (CountyOwned.row_id == model.id) & (CountyOwned.table_name == table) & (CountyOwned.township_code == code)


def households(ctx: AppContext, code: str) -> list[TownHousehold]:
    """The township's households (voided ones left out), by the head's name in pinyin, then 户编号."""
    with ctx.read() as s:
        rows = s.execute(
            select(Household.household_no, Household.head_name, Village.name, Household.size, Household.status)
            .join(CountyOwned, _owned(code, "household", Household))
            .outerjoin(Village, Village.id == Household.village_id)
            .where(Household.voided == False)).all()  # noqa: E712
    out = [TownHousehold(no, head or "", village or "", size or 0, status or "")
           for no, head, village, size, status in rows]
    out.sort(key=lambda h: (order_key(h.head_name), h.household_no))
    return out


def projects(ctx: AppContext, code: str) -> list[TownProject]:
    """The township's projects (voided ones left out), the newest year first, then by name in pinyin."""
    with ctx.read() as s:
        rows = s.execute(
            select(Project.year, Project.name, Project.state, Project.side_state, Project.subsidy, Project.file_number)
            .join(CountyOwned, _owned(code, "project", Project))
            .where(Project.voided == False)).all()  # noqa: E712
    out = [TownProject(year, name or "", state or "", side or "", subsidy or Decimal(0), number or "")
           for year, name, state, side, subsidy, number in rows]
    out.sort(key=lambda p: (-p.year, order_key(p.name), p.file_number))
    return out


def figure_lines(summary, town) -> list[str]:
    """The 全县汇总's figures of one township (a ``county_summary.TownSummary`` of ``summary``), as
    the county screen shows them above its records: households by status, projects by state, the
    year's funds with the F08 split against the policy ratio, the last 体检's open findings."""
    from fupin_tui.services.county_findings import shown
    from fupin_tui.services.county_summary import NOT_REPORTED

    def counts(mapping, keys) -> str:
        if mapping is None:
            return NOT_REPORTED
        return "、".join(f"{k} {mapping[k]:,}" for k in keys if mapping.get(k)) or "无"

    def money(value) -> str:
        return NOT_REPORTED if value is None else f"{value:,.2f}"

    lines = [f"户状态：{counts(town.by_status, summary.statuses)}",
             f"项目状态：{counts(town.by_state, summary.states)}",
             f"{summary.year}年资金（元）：批复 {money(town.approved)}，已拨付 {money(town.disbursed)}，"
             f"已报账 {money(town.reimbursed)}"]
    if town.allocation is None:
        lines.append(f"资金用途（F08，实际/规定）：{NOT_REPORTED}")
    else:
        split = "、".join(f"{use} {summary.share(town, use) * 100:.1f}%/{(summary.targets[use] * 100).normalize():f}%"
                         for use in summary.uses)
        lines.append(f"资金用途（F08，实际/规定）：{split}")
    found = shown(town.findings)
    lines.append(f"体检问题：{found or town.checked or '未体检'}" + (f"（{town.checked}）" if found else ""))
    return lines
