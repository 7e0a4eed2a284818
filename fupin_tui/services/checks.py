"""体检: load everything the rules read in a few bulk queries, run them, apply acknowledgements.

Also the dashboard's summaries (counts by severity, the next deadlines, fund
execution, households by village, projects by state).  Loading is one query
per table with only the columns the rules need (Core rows, no ORM objects),
so 20,000 households and 80,000 members load in well under a second.

The loaders read through a *source*: ``_OrmSource`` (SQLAlchemy, the portable path the
app and a county database on another engine use) or ``check_fast.SqliteSource`` (plain
sqlite3, for ``fupin-tui check`` on a township file, without importing the ORM).  This
module imports neither SQLAlchemy nor the models at the top, so the light path can use
its loaders.  Facts that only change with a record (ID validity and data quality, the
replayed procedures) come from ``check_store`` while the household is unchanged.
"""

from __future__ import annotations

import gc
import json
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from fupin_tui.domain.archive_known import filed
from fupin_tui.domain.deadlines import MoneyEvent, ProjectDates, project_deadlines, yearly_deadlines
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.quality import MemberData
from fupin_tui.domain.rules import (
    BREACH, DUE_SOON, NOTICE, OVERDUE, SEVERITIES, Ack, CheckData, Finding, ack_key, ack_of, rule_specs, run_rules,
)
from fupin_tui.domain.rules.facts import (
    ZERO, AdjustmentData, AssetData, BeneficiaryData, BudgetLineData, CollectiveIncomeData, DividendData,
    EntityData, EventData, HouseholdInfo, NoticeData, ProgressData, ProjectData, RectificationData, ShareData,
    StepData, TrancheData, VoucherData, VoucherLineData,
)
from fupin_tui.domain.rules.projects import APPROVAL_NOTICE, SITE_NOTICE
from fupin_tui.services import check_store
from fupin_tui.services.duties_load import load_duties

if TYPE_CHECKING:
    from sqlmodel import Session

    from fupin_tui.context import AppContext


class _OrmSource:
    """The loaders' reads through SQLAlchemy: ``live(table)`` typed rows, ``rows(sql)`` plain tuples."""

    def __init__(self, s: "Session") -> None:
        self.s = s
        self.sqlite = s.get_bind().dialect.name == "sqlite"

    def rows(self, sql: str):
        if self.sqlite:  # plain tuples straight from SQLite: no row processing for 200,000 rows
            return self.s.connection().connection.driver_connection.execute(sql)
        import re

        from sqlalchemy import text

        # a county database on PostgreSQL: its spelling of SQLite's GROUP_CONCAT; plain tuples
        sql = re.sub(r"GROUP_CONCAT\(DISTINCT (\w+)\)", r"STRING_AGG(DISTINCT \1::text, ',')", sql)
        return self.s.execute(text(sql)).all()

    def live(self, table: str) -> list:
        from sqlalchemy import select

        t = _tables()[table]
        return self.s.execute(select(t).where(t.c.voided == False).order_by(t.c.id)).all()  # noqa: E712


_Source = _OrmSource  # or check_fast.SqliteSource: the same two methods


def _tables() -> dict:
    import fupin_tui.models  # noqa: F401  (registers every table)
    from sqlmodel import SQLModel

    return SQLModel.metadata.tables


def column_types() -> dict[str, dict[str, object]]:
    """How the models read each column that is not a plain number or text, for the light path."""
    from sqlalchemy import Boolean, Date, DateTime

    from fupin_tui.models.types import _ScaledInteger

    out: dict[str, dict[str, object]] = {}
    for name, table in _tables().items():
        cols: dict[str, object] = {}
        for c in table.columns:
            kind = c.type
            if isinstance(kind, _ScaledInteger):
                cols[c.name] = ["scaled", str(kind.scale), str(kind.places)]
            elif isinstance(kind, DateTime):
                cols[c.name] = "datetime"
            elif isinstance(kind, Date):
                cols[c.name] = "date"
            elif isinstance(kind, Boolean):
                cols[c.name] = "bool"
        out[name] = cols
    return out


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


def _status_on(events: list[EventData], on: date | None, current: str) -> str:
    """A household's status on a date, from its status changes in date order (H04 keeps them all)."""
    if on is None or not events:
        return current
    status = events[0].from_status  # before the first change
    for e in events:
        if e.happened_on > on:
            break
        status = e.to_status
    return status


def _load_projects(s: "_Source", villages: dict[int, str], households: dict[int, HouseholdInfo],
                   hh_events: dict[int, list[EventData]]) -> tuple[ProjectData, ...]:
    projects = s.live("project")
    if not projects:
        return ()
    library = {i: not voided for i, voided in s.rows("SELECT id, voided FROM libraryentry")}
    tranches = _group(s.live("tranche"), "project_id")
    tranche_project = {t.id: t.project_id for rows in tranches.values() for t in rows}
    budget = _group(s.live("budgetline"), "project_id")
    budget_project = {b.id: b.project_id for rows in budget.values() for b in rows}
    lines = _group(s.live("voucherline"), "voucher_id")
    vouchers = _group(s.live("voucher"), "project_id")
    progress = _group(s.live("progressreport"), "project_id")
    benef = _group(s.live("beneficiary"), "project_id")
    notices = _group(s.live("notice"), "project_id")
    adjustments = _group(s.live("adjustment"), "project_id")
    rects = _group(s.live("rectification"), "project_id")
    assets = _group(s.live("asset"), "project_id")
    archive: dict[int, set[int]] = defaultdict(set)
    for project_id, doc_no, voided, received_on in s.rows(
            "SELECT project_id, doc_no, voided, received_on FROM archiveitem"):
        if filed(voided, received_on):  # received, not voided: what the checklist counts too
            archive[project_id].add(doc_no)

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
            status = None if h is None else _status_on(hh_events.get(h.id, []), p.approved_on, h.status)
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


def _raw(s: Session, sql: str) -> list[tuple]:
    """Plain tuples straight from SQLite: the big registry tables skip SQLAlchemy's row processing."""
    return s.connection().connection.driver_connection.execute(sql).fetchall()


def _rows(s: Session, sql: str):
    """Like ``_raw`` but one row at a time, so 140,000 raw tuples never sit in memory together."""
    return s.connection().connection.driver_connection.execute(sql)


class _DayParser(dict):
    """ISO text -> date, each distinct day parsed once (step and birth dates repeat a lot).

    Used as ``day[text]``: a hit is a plain dict lookup, only a new day calls Python.
    """

    def __missing__(self, text: str | date | None) -> date | None:
        value = self[text] = (text if isinstance(text, date) else date.fromisoformat(text)) if text else None
        return value


class _Words(dict):
    """One shared string per distinct value, as ``words[text]``.

    SQLite hands back a new string object for every cell; relations, steps, statuses and
    the like have a few dozen values over 200,000 rows, so sharing them saves ~80 MB.
    """

    def __missing__(self, text):
        self[text] = text
        return text


@contextmanager
def _gc_paused():
    """No cyclic garbage collection while the registry is loaded and checked.

    Loading makes some 300,000 tuples and records, none of them in a cycle: each
    collection would walk the whole growing heap again (about 40% of the load), and
    the first ones after the load walk it once more.  Held over load *and* rules, the
    data is freed by reference counting before collection resumes, so it is never walked.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _fen(value: int | None) -> Decimal:
    return (Decimal(value or 0) / 100).quantize(Decimal("0.01"))


_MEMBER_SQL = ("SELECT household_id, name, id_number, relation, gender, birth_date, education, school_status, "
               "health, labour_skill, phone FROM member WHERE NOT voided AND {where}")
_STEP_SQL = ("SELECT household_id, procedure, step, seq, done_on, responsible, publicity_from, publicity_to, "
             "basic_needs_met FROM procedurestep WHERE NOT voided AND {where}")


def _members_of(s: "_Source", where: str, day, word) -> dict[int, list[MemberData]]:
    members: dict[int, list[MemberData]] = defaultdict(list)
    for (hid, name, number, relation, gender, birth, education, school, health, skill, phone) in s.rows(
            _MEMBER_SQL.format(where=where)):
        members[hid].append(MemberData(name, number, word[relation], word[gender], day[birth], word[education],
                                       word[school], word[health], word[skill], word[phone]))
    return members


def _steps_of(s: "_Source", where: str, day, word) -> dict[int, list[StepData]]:
    steps: dict[int, list[StepData]] = defaultdict(list)
    for (hid, procedure, step, seq, done, responsible, pfrom, pto, needs) in s.rows(_STEP_SQL.format(where=where)):
        steps[hid].append(StepData(word[procedure], word[step], seq, day[done], word[responsible], day[pfrom],
                                   day[pto], bool(needs)))
    return steps


class _NotRead(Sequence):
    """A household's members or steps left unread: its stored facts answer what the rules ask.

    Knows its length (H01 asks whether there are members); anything else reads the rows then,
    so a rule that needs them still gets them, only slower.
    """

    __slots__ = ("_n", "_read", "_hid", "_rows")

    def __init__(self, n: int, read, hid: int) -> None:
        # ``read(where)``: rows by household id (one reader shared by all: 100,000 of these stay small)
        self._n, self._read, self._hid, self._rows = n, read, hid, None

    def _all(self) -> tuple:
        if self._rows is None:
            self._rows = tuple(self._read(f"household_id = {int(self._hid)}").get(self._hid, ()))
        return self._rows

    def __len__(self) -> int:
        return self._n

    def __bool__(self) -> bool:
        return self._n > 0

    def __iter__(self):
        return iter(self._all())

    def __getitem__(self, i):
        return self._all()[i]

    def __eq__(self, other) -> bool:
        return tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(self._all())


def _load_households(s: "_Source", villages: dict[int, str], stored=check_store.NO_FACTS):
    """``stored``: facts that hold (``check_store.read_facts``): those households' members and
    steps are not read, on a source that reads one snapshot (the facts and rows agree)."""
    day, word = _DayParser(), _Words()
    skip = stored.skip_sql() if getattr(s, "snapshot", False) else check_store.EVERY_HOUSEHOLD
    known = stored.households if skip != check_store.EVERY_HOUSEHOLD else {}
    members = _members_of(s, skip, day, word)
    steps = _steps_of(s, skip, day, word)

    def read_members(where: str):
        return _members_of(s, where, day, word)

    def read_steps(where: str):
        return _steps_of(s, where, day, word)

    def not_read(hid: int, n_members: int, n_steps: int):
        return _NotRead(n_members, read_members, hid), _NotRead(n_steps, read_steps, hid)

    events: dict[int, list[EventData]] = defaultdict(list)
    for (hid, on, from_status, to_status, reason) in s.rows(
            "SELECT household_id, happened_on, from_status, to_status, reason FROM householdevent "
               "WHERE NOT voided ORDER BY happened_on, id"):
        events[hid].append(EventData(day[on], word[from_status], word[to_status], word[reason]))
    ledger: dict[int, set[int]] = defaultdict(set)
    for hid, year in s.rows("SELECT DISTINCT household_id, year FROM cashledgerline WHERE NOT voided"):
        ledger[hid].add(year)
    infos: dict[int, HouseholdInfo] = {}
    for (hid, no, village_id, head, status, identified, income_year, per_capita, look_house, look_grain,
         look_labour, look_study, entered_by, checked_by, phone, helper_phone) in s.rows(
            "SELECT id, household_no, village_id, head_name, status, identified_year, income_year, "
               "per_capita_income, look_house, look_grain, look_labour, look_study, entered_by, checked_by, "
               "phone, helper_phone FROM household WHERE NOT voided ORDER BY id"):
        infos[hid] = HouseholdInfo(
            id=hid, household_no=no, head_name=head, status=word[status], village_name=villages.get(village_id, ""),
            identified_year=identified, income_year=income_year, per_capita_income=_fen(per_capita),
            looks=(word[look_house], word[look_grain], word[look_labour], word[look_study]),
            entered_by=word[entered_by], checked_by=word[checked_by], phone=phone, helper_phone=helper_phone,
            # pop: each household's lists go as soon as its tuples are made
            members=tuple(members.pop(hid, ())), steps=tuple(steps.pop(hid, ())),
            events=tuple(events.get(hid, ())), ledger_years=frozenset(ledger.get(hid, ())),
        ) if hid not in known else HouseholdInfo(
            hid, no, head, word[status], villages.get(village_id, ""), identified, income_year, _fen(per_capita),
            (word[look_house], word[look_grain], word[look_labour], word[look_study]), word[entered_by],
            word[checked_by], phone, helper_phone, *not_read(hid, known[hid][0], known[hid][1]),
            tuple(events.get(hid, ())), frozenset(ledger.get(hid, ())))
    shared_rows = stored.shared if stored.shared is not None and known else [tuple(r) for r in s.rows(
        SHARED_SQL)]
    shared = tuple((k, tuple(infos[int(i)] for i in ids.split(",") if int(i) in infos)) for k, ids in shared_rows)
    return infos, events, tuple((k, hs) for k, hs in shared if len(hs) > 1), shared_rows


# One person in one household only (H05): the same number in several households
SHARED_SQL = ("SELECT UPPER(TRIM(id_number)) AS k, GROUP_CONCAT(DISTINCT household_id) FROM member "
              "WHERE NOT voided AND id_number <> '' GROUP BY k HAVING COUNT(DISTINCT household_id) > 1")


def _load_entities(s: "_Source", households: dict[int, HouseholdInfo]) -> tuple[EntityData, ...]:
    entities = s.live("entity")
    if not entities:
        return ()
    counts = {entity_id: (n, poor or 0) for entity_id, n, poor in s.rows(
        "SELECT entity_id, COUNT(*), SUM(CASE WHEN is_poor THEN 1 ELSE 0 END) FROM entitymember "
        "WHERE NOT voided GROUP BY entity_id")}
    dividends = _group(s.live("dividend"), "share_id")
    shares = _group(s.live("share"), "entity_id")
    incomes = _group(s.live("collectiveincome"), "entity_id")
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
                                    for i in incomes.get(e.id, ())), registered_on=e.registered_on))
    return tuple(out)


def _roster_kinds(ctx: AppContext) -> frozenset[str]:
    try:
        entries = ctx.codes.entries("支出类别")
    except DomainError:
        return CheckData().roster_kinds
    return frozenset(e.label for e in entries if e.flags.get("roster"))


def load_from(src, roster_kinds: frozenset[str], stored=check_store.NO_FACTS) -> CheckData:
    """Everything the rules read, as plain values, from a source (one query per table)."""
    return _load_from(src, roster_kinds, stored)[0]


def _load_from(src, roster_kinds: frozenset[str], stored) -> tuple[CheckData, list]:
    with _gc_paused():
        town = next(iter(src.rows("SELECT name FROM township")), (None,))[0]
        villages = dict(src.rows("SELECT id, name FROM village"))
        households, events, shared, shared_rows = _load_households(src, villages, stored)
        projects = _load_projects(src, villages, households, events)
        entities = _load_entities(src, households)
        duties = load_duties(src.rows)  # RULES-2 part B
    return CheckData(township=town or "", projects=projects, households=tuple(households.values()),
                     entities=entities, shared_ids=shared, roster_kinds=roster_kinds, duties=duties), shared_rows


def load_check_data(ctx: AppContext) -> CheckData:
    """Everything the rules read, as plain values (one read session, one query per table)."""
    with ctx.read() as s:
        return load_from(_OrmSource(s), _roster_kinds(ctx))


def check_source(src, db_path: Path | str | None, policy, today: date, roster_kinds: frozenset[str],
                 rules: Iterable[str] | None = None) -> list[Finding]:
    """Load and run the rules, reusing the stored facts of unchanged households and storing the new ones.

    ``db_path`` None: nothing stored or reused (a database of another engine).
    """
    if db_path is None:
        return run_rules(load_from(src, roster_kinds), policy, today, only=rules)
    stored = check_store.read_facts(src.rows, policy, today)  # first: a change after it voids what we store
    data, shared_rows = _load_from(src, roster_kinds, stored)
    cache = check_store.prefill(stored, data.households)
    findings = run_rules(data, policy, today, only=rules, cache=cache)
    new = check_store.collect(cache, data.households, stored, today, policy)
    check_store.write_facts(db_path, stored, new, policy, shared=[list(r) for r in shared_rows])
    return findings


def acks_from(src) -> dict[tuple[str, str], Ack]:
    out = {}
    for rule, record, reason, by, at in src.rows(
            "SELECT rule, record, reason, acknowledged_by, acknowledged_at FROM findingack WHERE NOT voided ORDER BY id"):
        out[(rule, record)] = ack_of(reason, by, at)
    return out


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
        return acks_from(_OrmSource(s))


def apply_acks(findings: Iterable[Finding], acks: dict[tuple[str, str], Ack]) -> list[Finding]:
    out = []
    for f in findings:
        ack = acks.get(ack_key(f))
        out.append(replace(f, ack=ack) if ack else f)
    return out


# The last full run per database, reused while nothing changed: every change writes an
# AuditLog row in its transaction (bulk imports too), so the highest audit id is a version.
_last_run: dict[str, tuple[tuple, list[Finding]]] = {}
_run_lock = threading.Lock()


def _version(ctx: AppContext, today: date) -> tuple:
    from sqlalchemy import text

    with ctx.read() as s:
        audit = s.execute(text("SELECT COALESCE(MAX(id), 0) FROM auditlog")).scalar()
    return (audit, today, repr(sorted(ctx.policy.as_dict().items(), key=lambda kv: kv[0])))


def run_checks(ctx: AppContext, rules: Iterable[str] | None = None, data: CheckData | None = None,
               township: str | None = None) -> CheckResult:
    """All findings (or those of ``rules``) with the clerk's acknowledgements applied.

    Over a county database the rules run per township (``services.county_check``);
    ``township`` (a code) limits them to one.
    """
    from fupin_tui.services import county_check

    today = ctx.today()
    if data is None and county_check.is_county(ctx):
        with _gc_paused():
            findings = county_check.county_findings(ctx, load_check_data(ctx), today, rules, township)
        return CheckResult(county_check.apply_township_acks(ctx, findings), today)
    if township is not None:
        raise InputError("乡镇", "这是乡镇自己的数据库，按乡镇体检只用于县级汇总库")
    if rules is not None or data is not None:
        with _gc_paused():  # the loaded data is freed before collection resumes (see _gc_paused)
            findings = run_rules(data if data is not None else load_check_data(ctx), ctx.policy, today, only=rules)
        return CheckResult(apply_acks(findings, _acks(ctx)), today)
    # The dashboard and the 体检 screen ask at the same time: the second waits and reuses the first.
    with _run_lock:
        key, version = ctx.db.key, _version(ctx, today)
        cached = _last_run.get(key)
        if cached and cached[0] == version:
            findings = cached[1]
        else:
            findings = _run_full(ctx, today)
            _last_run[key] = (version, findings)
    return CheckResult(apply_acks(findings, _acks(ctx)), today)


def _run_full(ctx: AppContext, today: date) -> list[Finding]:
    """Every rule through the ORM, with the stored facts; teaches the light path the column types."""
    path = getattr(ctx.db, "path", None)
    store = check_store.read(path) if path else {}
    with _gc_paused(), ctx.read() as s:
        src = _OrmSource(s)
        if path and src.sqlite:
            schema = check_store.schema_hash(src.rows)
            if store.get("schema") != schema:
                check_store.write(path, {**store, "schema": schema, "types": column_types()})
        else:
            path = None
        return check_source(src, path, ctx.policy, today, _roster_kinds(ctx))


def acknowledge(ctx: AppContext, finding: Finding, reason: str) -> None:
    """Keep the clerk's reason (e.g. 不可抗力); the finding stays listed, marked 已确认."""
    reason = (reason or "").strip()
    if not reason:
        raise InputError("确认原因", "不能为空，请写明为什么确认（如不可抗力、已线下报送）")
    from fupin_tui.models import FindingAck

    rule, record = ack_key(finding)
    with ctx.transaction() as s:
        s.add(FindingAck(rule=rule, record=record, reason=reason, acknowledged_by=ctx.operator))


def withdraw_ack(ctx: AppContext, finding: Finding, reason: str) -> None:
    """Take an acknowledgement back (作废 with reason; the row stays for the record)."""
    reason = (reason or "").strip()
    if not reason:
        raise InputError("撤销原因", "不能为空")
    from sqlmodel import select as orm_select

    from fupin_tui.models import FindingAck

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
            src = _OrmSource(s)
            projects = _load_projects(src, dict(src.rows("SELECT id, name FROM village")), {}, {})
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
    from sqlalchemy import select, text

    from fupin_tui.models import Project

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
    from sqlalchemy import text

    with ctx.read() as s:
        rows = s.execute(text(
            "SELECT v.name, h.status, COUNT(*) FROM household h JOIN village v ON v.id = h.village_id "
            "WHERE h.voided = 0 GROUP BY v.code, v.name, h.status ORDER BY v.code")).all()
    out: dict[str, dict[str, int]] = {}
    for village, status, n in rows:
        out.setdefault(village, {})[status] = int(n)
    return list(out.items())


def projects_by_state(ctx: AppContext) -> list[tuple[str, int]]:
    from sqlalchemy import text

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


# ---------------------------------------------------------------- 绩效自评 (seed 八(六))


@dataclass(frozen=True)
class Indicator:
    group: str  # 精准使用 / 有效使用 / 资金监管 / 调整指标
    name: str
    value: str  # as shown and printed
    basis: str  # the figures behind it
    ratio: Decimal | None = None
    amount: Decimal | None = None
    count: int | None = None


@dataclass(frozen=True)
class Evaluation:
    year: int
    township: str
    projects: int
    indicators: list[Indicator]


def _pct(part: Decimal | int, whole: Decimal | int) -> tuple[str, Decimal | None]:
    if not whole:
        return "无数据", None
    ratio = (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))
    return f"{(ratio * 100).quantize(Decimal('0.1'))}%", ratio


def _yuan(x: Decimal) -> str:
    from fupin_tui.domain.money import format_money

    return f"{format_money(x)}元"


def _beneficiary_households(s: Session) -> tuple[dict[int, HouseholdInfo], dict[int, list[EventData]]]:
    """Only the households some project names as beneficiary: enough for P20 without the whole registry."""
    infos = {hid: HouseholdInfo(id=hid, household_no=no, head_name=head, status=status)
             for hid, no, head, status in _raw(
                 s, "SELECT id, household_no, head_name, status FROM household WHERE voided = 0 AND id IN "
                    "(SELECT household_id FROM beneficiary WHERE voided = 0)")}
    day = _DayParser()
    events: dict[int, list[EventData]] = defaultdict(list)
    for hid, on, from_status, to_status, reason in _raw(
            s, "SELECT household_id, happened_on, from_status, to_status, reason FROM householdevent WHERE voided = 0 "
               "AND household_id IN (SELECT household_id FROM beneficiary WHERE voided = 0) ORDER BY happened_on, id"):
        events[hid].append(EventData(day[on], from_status, to_status, reason))
    return infos, events


def load_projects_only(ctx: AppContext) -> CheckData:
    """Projects with their dossiers (and the status of their beneficiaries), without the registry."""
    with _gc_paused(), ctx.read() as s:
        src = _OrmSource(s)
        town = next(iter(src.rows("SELECT name FROM township")), (None,))[0]
        villages = dict(src.rows("SELECT id, name FROM village"))
        households, events = _beneficiary_households(s)
        projects = _load_projects(src, villages, households, events)
        duties = load_duties(src.rows, households=False)
    return CheckData(township=town or "", projects=projects, roster_kinds=_roster_kinds(ctx), duties=duties)


def _on_time(projects, rules: tuple[str, ...], policy, today: date) -> tuple[int, int]:
    """(met on time, due so far) over the deadlines of ``rules``."""
    met = due = 0
    for p in projects:
        for d in project_deadlines(p.dates, policy, today):
            if d.rule not in rules or (d.done_on is None and d.due >= today):
                continue
            due += 1
            met += d.done_on is not None and d.done_on <= d.due
    return met, due


INCOME_CATEGORIES = ("工资性收入", "生产经营性收入", "财产性收入", "转移性收入")
BUSINESS_EXPENSE = "生产经营性支出"


def _income_growth(s: Session, household_ids: set[int], year: int) -> tuple[int, Decimal | None, Decimal, Decimal]:
    """Per-capita net income (cash ledger) of covered households: (households with both years, growth, before, after)."""
    if not household_ids:
        return 0, None, ZERO, ZERO
    ids = ",".join(str(i) for i in sorted(household_ids))
    sizes = dict(_raw(s, f"SELECT id, size FROM household WHERE id IN ({ids})"))
    net: dict[tuple[int, int], int] = defaultdict(int)
    for hid, y, direction, category, fen in _raw(
            s, f"SELECT household_id, year, direction, category, SUM(amount) FROM cashledgerline WHERE voided = 0 "
               f"AND year IN ({year - 1}, {year}) AND household_id IN ({ids}) GROUP BY 1, 2, 3, 4"):
        if direction == "收入" and category in INCOME_CATEGORIES:
            net[(hid, y)] += fen
        elif category == BUSINESS_EXPENSE:
            net[(hid, y)] -= fen
    both = [h for h in household_ids if (h, year - 1) in net and (h, year) in net and sizes.get(h)]
    if not both:
        return 0, None, ZERO, ZERO
    before = sum(_fen(net[(h, year - 1)]) / sizes[h] for h in both) / len(both)
    after = sum(_fen(net[(h, year)]) / sizes[h] for h in both) / len(both)
    growth = ((after - before) / before).quantize(Decimal("0.0001")) if before else None
    return len(both), growth, before.quantize(Decimal("0.01")), after.quantize(Decimal("0.01"))


def evaluation(ctx: AppContext, year: int) -> Evaluation:
    """The 绩效自评 indicators for the projects of ``year``, computed from the data (seed 八(六))."""
    from fupin_tui.domain.rules import run_rules

    today = ctx.today()
    policy = ctx.policy
    data = load_projects_only(ctx)
    projects = [p for p in data.projects if p.year == year and p.dates.approved_on and not p.closed]
    ind: list[Indicator] = []

    def add(group, name, value, basis, **kw):
        ind.append(Indicator(group, name, value, basis, **kw))

    approved = sum((p.subsidy for p in projects), ZERO)
    to_households = sum((p.subsidy for p in projects if p.household_project), ZERO)
    text_, ratio = _pct(to_households, approved)
    add("精准使用", "直接扶持到户资金占比", text_,
        f"到户项目补助{_yuan(to_households)} / 全部项目补助{_yuan(approved)}", ratio=ratio)
    lines = [ln for p in projects for v in p.vouchers if v.reimbursed_on for ln in v.lines]
    roster = sum((ln.amount for ln in lines if ln.kind == "名册"), ZERO)
    spent_total = sum((ln.amount for ln in lines), ZERO)
    text_, ratio = _pct(roster, spent_total)
    add("精准使用", "名册发放到户资金占比", text_,
        f"名册报账{_yuan(roster)} / 已报账{_yuan(spent_total)}", ratio=ratio)

    covered = {b.household_id for p in projects for b in p.beneficiaries
               if b.status_at_approval in ("在册", "返贫", "已脱贫")}
    with ctx.read() as s:
        poor = _raw(s, "SELECT COUNT(*) FROM household WHERE voided = 0 AND status IN ('在册', '返贫', '已脱贫')")[0][0]
        counted, growth, before, after = _income_growth(s, covered, year)
    text_, ratio = _pct(len(covered), poor)
    add("精准使用", "项目覆盖贫困户", f"{len(covered)}户（{text_}）", f"受益贫困户{len(covered)}户 / 建档立卡户{poor}户",
        ratio=ratio, count=len(covered))

    planned = sum(((b.adjusted_amount if b.adjusted_amount is not None else b.amount)
                   for p in projects for b in p.budget_lines), ZERO)
    over = len([f for f in run_rules(replace(data, projects=tuple(projects)), policy, today, only=["F05"])
                if f.severity == BREACH])
    text_, ratio = _pct(spent_total, planned)
    add("精准使用", "按建设内容使用（概算执行）", text_,
        f"已报账{_yuan(spent_total)} / 资金概算{_yuan(planned)}；超概算或未对应概算{over}项", ratio=ratio, count=over)

    disbursed = sum((t.amount for p in projects for t in p.tranches), ZERO)
    reimbursed = sum((v.total for p in projects for v in p.vouchers if v.reimbursed_on), ZERO)
    text_, ratio = _pct(reimbursed, approved)
    add("有效使用", "资金使用进度（报账/批复）", text_,
        f"批复{_yuan(approved)}，已拨付{_yuan(disbursed)}，已报账{_yuan(reimbursed)}", ratio=ratio)
    add("有效使用", "结转结余资金", _yuan(approved - reimbursed), "批复补助减已报账", amount=approved - reimbursed)
    if growth is None:
        add("有效使用", "覆盖贫困户人均纯收入增长", "无数据",
            f"受益户中同时有{year - 1}年和{year}年现金收支台账的{counted}户")
    else:
        add("有效使用", "覆盖贫困户人均纯收入增长", f"{(growth * 100).quantize(Decimal('0.1'))}%",
            f"{counted}户平均：{year - 1}年{_yuan(before)}，{year}年{_yuan(after)}（现金收支台账）", ratio=growth)
    other = _other_capital(ctx, [p.id for p in projects])
    text_, ratio = _pct(other, approved)
    add("有效使用", "撬动其他资金", _yuan(other), f"项目总投资减财政补助，相当于财政补助的{text_}", ratio=ratio, amount=other)

    for name, rules in (("公告公示按时率（P09、P10）", ("P09", "P10")), ("平台备案按时率（P07、P08）", ("P07", "P08")),
                        ("信息录入按时率（P13、P16）", ("P13", "P16"))):
        met, due = _on_time(projects, rules, policy, today)
        text_, ratio = _pct(met, due)
        add("资金监管", name, text_, f"按时{met}项 / 应办{due}项", ratio=ratio, count=met)
    rects = [r for p in projects for r in p.rectifications]
    done = sum(1 for r in rects if r.done_on)
    text_, ratio = _pct(done, len(rects))
    add("资金监管", "整改完成率", text_, f"已整改{done}项 / 整改事项{len(rects)}项", ratio=ratio, count=done)

    scoped = replace(data, projects=tuple(projects))
    found = run_rules(scoped, policy, today, only=["P12", "P15", "P20"])
    for rule, name in (("P15", "未在规定时间内申请县级验收"), ("P12", "超期或未批先调整项目"), ("P20", "扶持对象不精准")):
        items = {f.record for f in found if f.rule == rule and f.severity in (BREACH, OVERDUE)}
        add("调整指标", name, f"{len(items)}个项目", f"由体检规则{rule}统计（减分项）", count=len(items))
    return Evaluation(year, data.township, len(projects), ind)


def _other_capital(ctx: AppContext, project_ids: list[int]) -> Decimal:
    if not project_ids:
        return ZERO
    ids = ",".join(str(i) for i in project_ids)
    with ctx.read() as s:
        [(fen,)] = _raw(s, f"SELECT COALESCE(SUM(MAX(total_investment - subsidy, 0)), 0) FROM project WHERE id IN ({ids})")
    return _fen(fen)
