"""全县汇总: the county database's figures by township, for the workbook and the county screen.

Per township (the rows ``CountyOwned`` gives it): households by status, projects by state,
the year's funds approved / disbursed / reimbursed and their F08 split by use
(``services.funds.township_funds``, the funds screen's own sums), open 体检 findings by
severity (``services.checks.run_checks``, which over a county database runs per township).

A figure is only counted from columns the township reported: a version-1 package left some
out, and the county holds NULL or the table's default there (``county_merges.unreported_columns``).
Such a figure is ``None`` here and shown as 未报送; the county totals leave it out and say so.

Works on SQLite and PostgreSQL: plain grouped queries, money summed as Decimal in Python.

    from fupin_tui.services import county_summary
    summary = county_summary.build(ctx, year=2026, findings=run_checks(ctx).findings)
    summary.towns[0].by_status["在册"], summary.total.approved, summary.not_reported
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Iterable

from sqlalchemy import func, select

from fupin_tui.context import AppContext
from fupin_tui.domain.rules import SEVERITIES, Finding
from fupin_tui.domain.states import HOUSEHOLD_STATUSES, SIDE_STATES, STATES
from fupin_tui.models import CountyOwned, CountyPackage, Household, Project

NOT_REPORTED = "未报送"
ACKNOWLEDGED = "已确认"
ZERO = Decimal("0.00")

# Which columns each figure is counted from: one of them unreported, the figure is not counted.
FIGURES: dict[str, frozenset[tuple[str, str]]] = {
    "户状态": frozenset({("household", "status")}),
    "人数": frozenset({("household", "size")}),
    "项目状态": frozenset({("project", "state")}),
    "批复资金": frozenset({("project", "subsidy"), ("project", "state"), ("project", "year")}),
    "已拨付": frozenset({("tranche", "amount"), ("tranche", "deposit_withheld"), ("project", "deposit_state"),
                       ("project", "state"), ("project", "year")}),
    "已报账": frozenset({("voucher", "total"), ("voucher", "reimbursed_on"), ("project", "state"),
                       ("project", "year")}),
    "资金用途": frozenset({("project", "subsidy"), ("project", "category"), ("project", "state"),
                         ("project", "year")}),
}


@dataclass
class TownSummary:
    code: str
    name: str
    period: str = ""  # the 报送期 of the package that stands for it
    households: int = 0
    people: int | None = 0
    by_status: dict[str, int] | None = field(default_factory=dict)
    projects: int = 0
    by_state: dict[str, int] | None = field(default_factory=dict)
    approved: Decimal | None = ZERO
    disbursed: Decimal | None = ZERO
    reimbursed: Decimal | None = ZERO
    allocation: dict[str, Decimal] | None = field(default_factory=dict)  # use -> approved amount (F08)
    findings: dict[str, int] | None = None  # severity (and 已确认) -> count; None: 体检 not run
    checked: str = ""  # when that 体检 ran, as the county screen shows it (services.county_findings)
    unreported: frozenset[str] = frozenset()  # names of FIGURES not counted

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass
class CountySummary:
    county: str
    year: int
    today: date
    towns: list[TownSummary]
    total: TownSummary
    uses: tuple[str, ...]  # F08 uses, in the policy's order
    targets: dict[str, Decimal]  # use -> the county's ratio
    states: tuple[str, ...]  # project states that occur, in life-cycle order
    statuses: tuple[str, ...] = HOUSEHOLD_STATUSES
    severities: tuple[str, ...] = SEVERITIES

    @property
    def not_reported(self) -> dict[str, list[str]]:
        """Figure -> townships it is not counted for (their names), for the notes under the tables."""
        out: dict[str, list[str]] = {}
        for town in self.towns:
            for figure in sorted(town.unreported, key=list(FIGURES).index):
                out.setdefault(figure, []).append(town.name)
        return out

    def share(self, town: TownSummary, use: str) -> Decimal | None:
        if town.allocation is None:
            return None
        grand = sum(town.allocation.values(), ZERO)
        return (town.allocation.get(use, ZERO) / grand).quantize(Decimal("0.0001")) if grand else Decimal(0)


def _unreported(ctx: AppContext) -> dict[str, frozenset[str]]:
    from fupin_tui.services.county_merges import unreported_columns

    out = {}
    for code, columns in unreported_columns(ctx).items():
        out[code] = frozenset(name for name, needs in FIGURES.items() if needs & columns)
    return out


def _owned(table: str, model):
    return (CountyOwned.row_id == model.id) & (CountyOwned.table_name == table)


def build(ctx: AppContext, year: int | None = None, findings: Iterable[Finding] | None = None) -> CountySummary:
    """The summary of every township merged into the county database (``year``: of the funds; default this year)."""
    from fupin_tui.domain.disbursement import allocation_use
    from fupin_tui.services import county_check, funds as funds_service

    today = ctx.today()
    year = year or today.year
    towns = county_check.towns(ctx)
    gaps = _unreported(ctx)
    ratio = ctx.policy.allocation_ratio
    by_code = {t.code: TownSummary(t.code, t.name, unreported=gaps.get(t.code, frozenset())) for t in towns}
    with ctx.read() as s:
        for code, status, n, people in s.execute(
                select(CountyOwned.township_code, Household.status, func.count(), func.coalesce(func.sum(Household.size), 0))
                .join(CountyOwned, _owned("household", Household)).where(Household.voided == False)  # noqa: E712
                .group_by(CountyOwned.township_code, Household.status)):
            town = by_code.get(code)
            if town is not None:
                town.households += n
                town.people += int(people)
                town.by_status[status] = town.by_status.get(status, 0) + n
        for code, state, n in s.execute(
                select(CountyOwned.township_code, Project.state, func.count())
                .join(CountyOwned, _owned("project", Project)).where(Project.voided == False)  # noqa: E712
                .group_by(CountyOwned.township_code, Project.state)):
            town = by_code.get(code)
            if town is not None:
                town.projects += n
                town.by_state[state] = town.by_state.get(state, 0) + n
        project_town = dict(s.execute(select(CountyOwned.row_id, CountyOwned.township_code)
                                      .where(CountyOwned.table_name == "project")).all())
        for code, period in s.execute(select(CountyPackage.township_code, CountyPackage.period)
                                      .where(CountyPackage.id.not_in(_undone())).order_by(CountyPackage.id)):
            if code in by_code:
                by_code[code].period = max(by_code[code].period, period)
    for row in funds_service.township_funds(ctx, year).rows:
        town = by_code.get(project_town.get(row.project_id))
        if town is None:
            continue
        town.approved += row.totals.approved
        town.disbursed += row.totals.disbursed
        town.reimbursed += row.totals.reimbursed
        use = allocation_use(row.category, ratio)
        town.allocation[use] = town.allocation.get(use, ZERO) + row.totals.approved
    if findings is not None:
        _count_findings(by_code.values(), findings)
    for town in by_code.values():
        _blank_unreported(town)
    ordered = [by_code[t.code] for t in towns]
    occurring = {state for t in ordered for state in (t.by_state or {})}
    states = tuple(s for s in (*STATES, *SIDE_STATES) if s in occurring) + tuple(sorted(occurring - {*STATES, *SIDE_STATES}))
    return CountySummary(county=_county(ctx),
                         year=year, today=today, towns=ordered, total=_total(ordered, findings is not None),
                         uses=tuple(ratio), targets={u: Decimal(v) for u, v in ratio.items()}, states=states)


def _undone():
    from fupin_tui.services.county_merges import undone_packages

    return undone_packages()


def _county(ctx: AppContext) -> str:
    from fupin_tui.models import Township

    with ctx.read() as s:
        return s.execute(select(Township.county).where(Township.voided == False, Township.county != "")  # noqa: E712
                         .order_by(Township.id)).scalars().first() or ""


def _count_findings(towns, findings: Iterable[Finding]) -> None:
    by_name = {t.name: t for t in towns}
    for town in by_name.values():
        town.findings = {sev: 0 for sev in (*SEVERITIES, ACKNOWLEDGED)}
    for f in findings:
        town = by_name.get(f.township)
        if town is not None:
            key = ACKNOWLEDGED if f.ack else f.severity
            town.findings[key] = town.findings.get(key, 0) + 1


def _blank_unreported(town: TownSummary) -> None:
    """A figure counted from a column the township did not report is no figure: None (未报送)."""
    gaps = town.unreported
    if "户状态" in gaps:
        town.by_status = None
    if "人数" in gaps:
        town.people = None
    if "项目状态" in gaps:
        town.by_state = None
    for figure, attr in (("批复资金", "approved"), ("已拨付", "disbursed"), ("已报账", "reimbursed")):
        if figure in gaps:
            setattr(town, attr, None)
    if "资金用途" in gaps:
        town.allocation = None


def _total(towns: list[TownSummary], with_findings: bool) -> TownSummary:
    """The county: sums over the townships that reported each figure."""
    total = TownSummary("", "全县合计", findings={} if with_findings else None)
    for t in towns:
        total.households += t.households
        total.projects += t.projects
        if t.people is not None:
            total.people += t.people
        for mine, theirs in ((total.by_status, t.by_status), (total.by_state, t.by_state),
                             (total.allocation, t.allocation), (total.findings, t.findings)):
            if mine is not None and theirs is not None:
                for key, n in theirs.items():
                    mine[key] = mine.get(key, 0) + n
        for attr in ("approved", "disbursed", "reimbursed"):
            if getattr(t, attr) is not None:
                setattr(total, attr, getattr(total, attr) + getattr(t, attr))
    return total
