"""体检: load everything the rules read in a few bulk queries, run them, apply acknowledgements.

Also the dashboard's summaries (counts by severity, the next deadlines, fund
execution, households by village, projects by state).  Loading is one query
per table with only the columns the rules need (Core rows, no ORM objects),
so 20,000 households and 80,000 members load in well under a second.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlmodel import Session
from sqlmodel import select as orm_select

from fupin_tui.context import AppContext
from fupin_tui.domain.deadlines import MoneyEvent, ProjectDates, project_deadlines, yearly_deadlines
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.quality import MemberData
from fupin_tui.domain.rules import (
    BREACH, DUE_SOON, NOTICE, OVERDUE, SEVERITIES, Ack, CheckData, Finding, rule_specs, run_rules,
)
from fupin_tui.domain.rules.facts import (
    ZERO, AdjustmentData, AssetData, BeneficiaryData, BudgetLineData, CollectiveIncomeData, DividendData,
    EntityData, EventData, HouseholdInfo, NoticeData, ProgressData, ProjectData, RectificationData, ShareData,
    StepData, TrancheData, VoucherData, VoucherLineData,
)
from fupin_tui.domain.rules.projects import APPROVAL_NOTICE, SITE_NOTICE
from fupin_tui.models import (
    Adjustment, ArchiveItem, Asset, Beneficiary, BudgetLine, CashLedgerLine, CollectiveIncome, Dividend, Entity,
    EntityMember, FindingAck, Household, HouseholdEvent, LibraryEntry, Member, Notice, ProcedureStep,
    ProgressReport, Project, Rectification, Share, Township, Tranche, Village, Voucher, VoucherLine,
)


def _live(table):
    t = table.__table__
    return select(t).where(t.c.voided == False)  # noqa: E712


# ---------------------------------------------------------------- loading


def _group(rows, key: str) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for r in rows:
        out[getattr(r, key)].append(r)
    return out


def _notice_fields(raw: str) -> dict[str, str]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _status_on(events: list, on: date | None, current: str, since: date | None) -> str:
    """A household's status on a date, from its status changes (H04 keeps them all)."""
    if on is None:
        return current
    earlier = [e for e in events if e.happened_on <= on]
    if earlier:
        return max(earlier, key=lambda e: (e.happened_on, e.id)).to_status
    if events:  # every change came later: it was still where the first change started
        return min(events, key=lambda e: (e.happened_on, e.id)).from_status
    return current


def _load_projects(s: Session, villages: dict[int, str], households: dict[int, object],
                   hh_events: dict[int, list]) -> tuple[ProjectData, ...]:
    projects = s.execute(_live(Project).order_by(Project.__table__.c.id)).all()
    if not projects:
        return ()
    library = {r.id: not r.voided for r in s.execute(select(LibraryEntry.id, LibraryEntry.voided))}
    tranches = _group(s.execute(_live(Tranche)).all(), "project_id")
    tranche_project = {t.id: t.project_id for rows in tranches.values() for t in rows}
    budget = _group(s.execute(_live(BudgetLine)).all(), "project_id")
    budget_project = {b.id: b.project_id for rows in budget.values() for b in rows}
    lines = _group(s.execute(_live(VoucherLine)).all(), "voucher_id")
    vouchers = _group(s.execute(_live(Voucher)).all(), "project_id")
    progress = _group(s.execute(_live(ProgressReport)).all(), "project_id")
    benef = _group(s.execute(_live(Beneficiary)).all(), "project_id")
    notices = _group(s.execute(_live(Notice)).all(), "project_id")
    adjustments = _group(s.execute(_live(Adjustment)).all(), "project_id")
    rects = _group(s.execute(_live(Rectification)).all(), "project_id")
    assets = _group(s.execute(_live(Asset)).all(), "project_id")
    archive: dict[int, set[int]] = defaultdict(set)
    for r in s.execute(select(ArchiveItem.project_id, ArchiveItem.doc_no).where(ArchiveItem.voided == False)):  # noqa: E712
        archive[r.project_id].add(r.doc_no)

    out = []
    for p in projects:
        p_vouchers = tuple(
            VoucherData(
                id=v.id, voucher_no=v.voucher_no, made_on=v.made_on, total=v.total, reimbursed_on=v.reimbursed_on,
                is_final=v.is_final, operator=v.created_by or "",
                tranche_project_id=tranche_project.get(v.tranche_id) if v.tranche_id else None,
                lines=tuple(VoucherLineData(
                    budget_line_id=ln.budget_line_id, kind=ln.kind, amount=ln.amount,
                    budget_line_project_id=budget_project.get(ln.budget_line_id),
                    invoice_code=ln.invoice_code, invoice_no=ln.invoice_no, invoice_date=ln.invoice_date,
                    seller=ln.seller, household_id=ln.household_id, payee_name=ln.payee_name,
                    id_number=ln.id_number, signed_on=ln.signed_on) for ln in lines.get(v.id, ())),
            ) for v in vouchers.get(p.id, ()))
        p_tranches = tuple(TrancheData(t.id, t.seq, t.disbursed_on, t.amount, t.deposit_withheld)
                           for t in sorted(tranches.get(p.id, ()), key=lambda t: (t.disbursed_on, t.id)))
        p_progress = tuple(ProgressData(r.reported_on, r.work_share, r.platform_entered_on)
                           for r in progress.get(p.id, ()))
        p_notices = tuple(NoticeData(n.kind, n.published_on, _notice_fields(n.fields_json), n.place)
                          for n in notices.get(p.id, ()))
        money = [MoneyEvent(t.on, "拨款", f"第{t.seq}期") for t in p_tranches]
        money += [MoneyEvent(v.reimbursed_on, "报账", v.voucher_no) for v in p_vouchers if v.reimbursed_on]
        first_notice = {kind: min((n.published_on for n in p_notices if n.kind == kind), default=None)
                        for kind in (APPROVAL_NOTICE, SITE_NOTICE)}
        dates = ProjectDates(
            applied_on=p.applied_on, application_reviewed_on=p.application_reviewed_on,
            fund_plan_issued_on=p.fund_plan_issued_on, approved_on=p.approved_on,
            plan_submitted_on=p.plan_submitted_on, plan_approved_on=p.plan_approved_on, filed_on=p.filed_on,
            discipline_filed_on=p.discipline_filed_on, approval_notice_on=first_notice[APPROVAL_NOTICE],
            started_on=p.started_on, site_notice_on=first_notice[SITE_NOTICE], completed_on=p.completed_on,
            initial_inspection_on=p.initial_inspection_on, acceptance_requested_on=p.acceptance_requested_on,
            accepted_on=p.accepted_on, acceptance_grade=p.acceptance_grade,
            acceptance_entered_on=p.acceptance_entered_on, final_reimbursed_on=p.final_reimbursed_on,
            force_majeure=p.force_majeure, side_state=p.side_state, money_events=tuple(money),
            # P13 is met by a progress report that was also entered on the platform
            info_entries=tuple(r.platform_entered_on or r.reported_on for r in p_progress),
        )
        p_benef = []
        for b in benef.get(p.id, ()):
            h = households.get(b.household_id)
            status = None if h is None else _status_on(hh_events.get(h.id, []), p.approved_on, h.status,
                                                       h.status_since)
            p_benef.append(BeneficiaryData(b.household_id, h.household_no if h else "?",
                                           h.head_name if h else "", status, b.applied))
        out.append(ProjectData(
            id=p.id, name=p.name, year=p.year, state=p.state, dates=dates, village_id=p.village_id,
            village_name=villages.get(p.village_id, ""), category=p.category, content=p.content,
            construction_type=p.construction_type, side_state=p.side_state, subsidy=p.subsidy,
            disbursement_mode=p.disbursement_mode, household_project=p.household_project,
            public_infrastructure=p.public_infrastructure, in_library=library.get(p.library_entry_id, False),
            plan_review_kind=p.plan_review_kind, planned_start=p.planned_start, planned_end=p.planned_end,
            audit_opinion_on=p.audit_opinion_on, handed_over_on=p.handed_over_on, deposit_rate=p.deposit_rate,
            deposit_amount=p.deposit_amount, deposit_state=p.deposit_state, file_number=p.file_number,
            tranches=p_tranches, vouchers=p_vouchers,
            budget_lines=tuple(BudgetLineData(b.id, b.item, b.amount, b.spending_kind, b.adjusted_amount)
                               for b in budget.get(p.id, ())),
            progress=p_progress, beneficiaries=tuple(p_benef), notices=p_notices,
            adjustments=tuple(AdjustmentData(a.filed_on, a.approved_on, a.content) for a in adjustments.get(p.id, ())),
            rectifications=tuple(RectificationData(r.item, r.deadline, r.done_on) for r in rects.get(p.id, ())),
            assets=tuple(AssetData(a.name, a.owner_kind, a.owner_name, a.maintainer, a.maintenance_duty)
                         for a in assets.get(p.id, ())),
            archive_docs=frozenset(archive.get(p.id, ())),
        ))
    return tuple(out)


_HH_COLUMNS = ("id", "household_no", "village_id", "head_name", "status", "status_since", "identified_year",
               "income_year", "per_capita_income", "look_house", "look_grain", "look_labour", "look_study",
               "entered_by", "checked_by", "phone", "helper_phone")
_MEMBER_COLUMNS = ("household_id", "name", "id_number", "relation", "gender", "birth_date", "education",
                   "school_status", "health", "labour_skill", "phone")


def _load_households(s: Session, villages: dict[int, str]):
    hc, mc = Household.__table__.c, Member.__table__.c
    rows = s.execute(select(*[hc[n] for n in _HH_COLUMNS]).where(hc.voided == False).order_by(hc.id)).all()  # noqa: E712
    members: dict[int, list[MemberData]] = defaultdict(list)
    for m in s.execute(select(*[mc[n] for n in _MEMBER_COLUMNS]).where(mc.voided == False)):  # noqa: E712
        members[m.household_id].append(MemberData(
            m.name, m.id_number, m.relation, m.gender, m.birth_date, m.education, m.school_status,
            m.health, m.labour_skill, m.phone))
    steps: dict[int, list[StepData]] = defaultdict(list)
    for r in s.execute(_live(ProcedureStep)):
        steps[r.household_id].append(StepData(r.procedure, r.step, r.seq, r.done_on, r.responsible,
                                              r.publicity_from, r.publicity_to))
    events = _group(s.execute(_live(HouseholdEvent)).all(), "household_id")
    ledger: dict[int, set[int]] = defaultdict(set)
    lc = CashLedgerLine.__table__.c
    for r in s.execute(select(lc.household_id, lc.year).where(lc.voided == False).distinct()):  # noqa: E712
        ledger[r.household_id].add(r.year)
    infos = {}
    for h in rows:
        infos[h.id] = HouseholdInfo(
            id=h.id, household_no=h.household_no, head_name=h.head_name, status=h.status,
            village_name=villages.get(h.village_id, ""), identified_year=h.identified_year,
            income_year=h.income_year, per_capita_income=h.per_capita_income,
            looks=(h.look_house, h.look_grain, h.look_labour, h.look_study), entered_by=h.entered_by,
            checked_by=h.checked_by, phone=h.phone, helper_phone=h.helper_phone,
            members=tuple(members.get(h.id, ())), steps=tuple(steps.get(h.id, ())),
            events=tuple(EventData(e.happened_on, e.from_status, e.to_status, e.reason) for e in events.get(h.id, ())),
            ledger_years=frozenset(ledger.get(h.id, ())),
        )
    # One person in one household only (H05): the same number in several households
    shared_rows = s.execute(text(
        "SELECT UPPER(TRIM(id_number)) AS k, GROUP_CONCAT(DISTINCT household_id) FROM member "
        "WHERE voided = 0 AND id_number <> '' GROUP BY k HAVING COUNT(DISTINCT household_id) > 1")).all()
    shared = tuple((k, tuple(infos[int(i)] for i in ids.split(",") if int(i) in infos)) for k, ids in shared_rows)
    return rows, infos, events, tuple((k, hs) for k, hs in shared if len(hs) > 1)


def _load_entities(s: Session, households: dict[int, HouseholdInfo]) -> tuple[EntityData, ...]:
    entities = s.execute(_live(Entity)).all()
    if not entities:
        return ()
    counts = {r.entity_id: (r.n, r.poor or 0) for r in s.execute(
        select(EntityMember.entity_id, func.count().label("n"),
               func.sum(EntityMember.is_poor).label("poor"))
        .where(EntityMember.voided == False).group_by(EntityMember.entity_id))}  # noqa: E712
    dividends = _group(s.execute(_live(Dividend)).all(), "share_id")
    shares = _group(s.execute(_live(Share)).all(), "entity_id")
    incomes = _group(s.execute(_live(CollectiveIncome)).all(), "entity_id")
    out = []
    for e in entities:
        n, poor = counts.get(e.id, (0, 0))
        e_shares = []
        for sh in shares.get(e.id, ()):
            h = households.get(sh.household_id)
            e_shares.append(ShareData(h.household_no if h else "?", h.head_name if h else "", sh.amount,
                                      sh.dividend_mode, tuple(DividendData(d.year, d.amount, d.proceeds)
                                                             for d in dividends.get(sh.id, ()))))
        out.append(EntityData(e.id, e.kind, e.name, e.project_id, int(n), int(poor), tuple(e_shares),
                              tuple(CollectiveIncomeData(i.year, i.net_income, i.increase, i.poor_support)
                                    for i in incomes.get(e.id, ()))))
    return tuple(out)


def _roster_kinds(ctx: AppContext) -> frozenset[str]:
    try:
        entries = ctx.codes.entries("支出类别")
    except DomainError:
        return CheckData().roster_kinds
    return frozenset(e.label for e in entries if e.flags.get("roster"))


def load_check_data(ctx: AppContext) -> CheckData:
    """Everything the rules read, as plain values (one read session, one query per table)."""
    with ctx.read() as s:
        town = s.execute(select(Township.name)).scalar()
        villages = dict(s.execute(select(Village.id, Village.name)).all())
        hh_rows, households, events, shared = _load_households(s, villages)
        projects = _load_projects(s, villages, {h.id: h for h in hh_rows}, events)
        entities = _load_entities(s, households)
    return CheckData(township=town or "", projects=projects, households=tuple(households.values()),
                     entities=entities, shared_ids=shared, roster_kinds=_roster_kinds(ctx))


# ---------------------------------------------------------------- findings


@dataclass(frozen=True)
class CheckResult:
    findings: list[Finding]
    today: date

    def counts(self) -> dict[str, int]:
        """Open findings by severity (acknowledged ones counted apart under 已确认)."""
        out = {sev: 0 for sev in SEVERITIES}
        out["已确认"] = 0
        for f in self.findings:
            out["已确认" if f.ack else f.severity] += 1
        return out

    @property
    def failing(self) -> bool:
        return any(f.failing for f in self.findings)


def _acks(ctx: AppContext) -> dict[tuple[str, str], Ack]:
    with ctx.read() as s:
        rows = s.execute(select(FindingAck.__table__).where(FindingAck.__table__.c.voided == False)  # noqa: E712
                         .order_by(FindingAck.__table__.c.id)).all()
    return {(r.rule, r.record): Ack(r.reason, r.acknowledged_by, r.acknowledged_at) for r in rows}


def apply_acks(findings: Iterable[Finding], acks: dict[tuple[str, str], Ack]) -> list[Finding]:
    out = []
    for f in findings:
        ack = acks.get(ack_key(f))
        out.append(replace(f, ack=ack) if ack else f)
    return out


def run_checks(ctx: AppContext, rules: Iterable[str] | None = None, data: CheckData | None = None) -> CheckResult:
    today = ctx.today()
    data = data if data is not None else load_check_data(ctx)
    findings = run_rules(data, ctx.policy, today, only=rules)
    return CheckResult(apply_acks(findings, _acks(ctx)), today)


def ack_key(f: Finding) -> tuple[str, str]:
    """What an acknowledgement is stored under: the rule and the record.

    A yearly duty is acknowledged per date (the 自查报告 done says nothing of the 实地核查);
    a township-wide finding by its text.
    """
    if f.record.startswith("year:") and f.due:
        return (f.rule, f"{f.record}@{f.due.isoformat()}")
    return (f.rule, f.record or f.message)


def acknowledge(ctx: AppContext, finding: Finding, reason: str) -> None:
    """Keep the clerk's reason (e.g. 不可抗力); the finding stays listed, marked 已确认."""
    reason = (reason or "").strip()
    if not reason:
        raise InputError("确认原因", "不能为空，请写明为什么确认（如不可抗力、已线下报送）")
    rule, record = ack_key(finding)
    with ctx.transaction() as s:
        s.add(FindingAck(rule=rule, record=record, reason=reason, acknowledged_by=ctx.operator))


def withdraw_ack(ctx: AppContext, finding: Finding, reason: str) -> None:
    """Take an acknowledgement back (作废 with reason; the row stays for the record)."""
    reason = (reason or "").strip()
    if not reason:
        raise InputError("撤销原因", "不能为空")
    rule, record = ack_key(finding)
    with ctx.transaction() as s:
        rows = s.exec(orm_select(FindingAck).where(FindingAck.rule == rule, FindingAck.record == record,
                                               FindingAck.voided == False)).all()  # noqa: E712
        for row in rows:
            row.voided = True
            row.reason = f"{row.reason}（已撤销：{reason}）"
            s.add(row)


# ---------------------------------------------------------------- rules list (--list)


@dataclass(frozen=True)
class RuleRow:
    id: str
    section: str
    title: str
    params: list[tuple[str, str, str]]  # (name, label, current value as text)


def _show(value) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, (list, tuple)):
        return "/".join(_show(v) for v in value)
    if isinstance(value, dict) or hasattr(value, "items"):
        return "、".join(f"{k}:{_show(v)}" for k, v in value.items())
    return str(value)


def rules_list(ctx: AppContext) -> list[RuleRow]:
    from fupin_tui.domain.policy import load_defaults

    specs = load_defaults()
    policy = ctx.policy
    out = []
    for r in rule_specs():
        params = []
        for name in r.params:
            spec = specs.get(name)
            label = spec.label if spec else name
            unit = spec.unit if spec and spec.unit not in ("", "比例", "列表") else ""
            params.append((name, label, _show(getattr(policy, name)) + unit))
        out.append(RuleRow(r.id, r.section, r.title, params))
    return out


# ---------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class UpcomingDeadline:
    label: str  # what is due
    rule: str
    record: str
    record_label: str
    due: date
    workdays_left: int
    warning: str | None = None


def next_deadlines(ctx: AppContext, limit: int = 10, data: CheckData | None = None) -> list[UpcomingDeadline]:
    """The open deadlines still ahead (today included), soonest first, yearly duties among them."""
    today = ctx.today()
    policy = ctx.policy
    if data is None:
        with ctx.read() as s:
            villages = dict(s.execute(select(Village.id, Village.name)).all())
            projects = _load_projects(s, villages, {}, {})
    else:
        projects = data.projects
    out = []
    for p in projects:
        for d in project_deadlines(p.dates, policy, today):
            if d.is_open and d.due >= today:
                out.append(UpcomingDeadline(d.label, d.rule, p.record, p.label, d.due, d.workdays_left, d.warning))
    for y in yearly_deadlines(today, lookahead_days=366):
        d = y.deadline
        out.append(UpcomingDeadline(d.label, d.rule, f"year:{y.work_year}", f"{y.work_year}年度", d.due,
                                    d.workdays_left, d.warning))
    out.sort(key=lambda u: (u.due, u.rule, u.record_label))
    return out[:limit]


@dataclass(frozen=True)
class FundExecution:
    project_id: int
    name: str
    approved: Decimal
    disbursed: Decimal
    reimbursed: Decimal


def fund_execution(ctx: AppContext, year: int | None = None) -> list[FundExecution]:
    """Approved / disbursed / reimbursed per live project with an approved subsidy, largest first."""
    pc = Project.__table__.c
    with ctx.read() as s:
        paid = dict(s.execute(text(
            "SELECT project_id, SUM(amount) FROM tranche WHERE voided = 0 GROUP BY project_id")).all())
        reimbursed = dict(s.execute(text(
            "SELECT project_id, SUM(total) FROM voucher WHERE voided = 0 AND reimbursed_on IS NOT NULL "
            "GROUP BY project_id")).all())
        q = select(pc.id, pc.name, pc.subsidy).where(pc.voided == False, pc.subsidy > 0,  # noqa: E712
                                                     pc.side_state.notin_(("已收回", "已终止")))
        if year is not None:
            q = q.where(pc.year == year)
        rows = s.execute(q.order_by(pc.subsidy.desc(), pc.id)).all()
    fen = Decimal("0.01")
    return [FundExecution(r.id, r.name, r.subsidy, Decimal(paid.get(r.id) or 0) * fen,
                          Decimal(reimbursed.get(r.id) or 0) * fen) for r in rows]


HOUSEHOLD_STATUSES = ("识别中", "在册", "已脱贫", "返贫", "清退")


def households_by_village(ctx: AppContext) -> list[tuple[str, dict[str, int]]]:
    with ctx.read() as s:
        rows = s.execute(text(
            "SELECT v.name, h.status, COUNT(*) FROM household h JOIN village v ON v.id = h.village_id "
            "WHERE h.voided = 0 GROUP BY v.code, v.name, h.status ORDER BY v.code")).all()
    out: dict[str, dict[str, int]] = {}
    for village, status, n in rows:
        out.setdefault(village, {})[status] = int(n)
    return list(out.items())


def projects_by_state(ctx: AppContext) -> list[tuple[str, int]]:
    from fupin_tui.models.projects import SIDE_STATES, STATES

    with ctx.read() as s:
        main = dict(s.execute(text(
            "SELECT state, COUNT(*) FROM project WHERE voided = 0 AND side_state NOT IN ('已收回', '已终止') "
            "GROUP BY state")).all())
        side = dict(s.execute(text(
            "SELECT side_state, COUNT(*) FROM project WHERE voided = 0 AND side_state <> '' "
            "GROUP BY side_state")).all())
    out = [(st, int(main[st])) for st in STATES if main.get(st)]
    out += [(st, int(n)) for st, n in main.items() if st not in STATES]
    out += [(st, int(side[st])) for st in SIDE_STATES if side.get(st)]
    return out


SEVERITY_ORDER = (OVERDUE, DUE_SOON, BREACH, NOTICE)
