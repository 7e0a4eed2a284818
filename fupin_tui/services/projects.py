"""项目档案 use cases: apply from the library, life-cycle actions, budget lines,
beneficiaries, notices, the quality deposit, the file number and the project list.

Every public use case opens one ``ctx.transaction()``; each life-cycle action
writes a ``ProjectEvent`` in it.  The rules themselves live in
``domain.lifecycle`` (section A) and ``domain.deadlines`` (due dates).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Mapping

from sqlalchemy import String, cast, literal, or_, union_all
from sqlmodel import Session, col, func, select

from fupin_tui.context import AppContext
from fupin_tui.db import refuse_if_changed
from fupin_tui.domain import deadlines as dl
from fupin_tui.domain import lifecycle as lc
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.money import parse_amount
from fupin_tui.domain.pinyin import search_keys
from fupin_tui.domain.text_check import fold_search
from fupin_tui.domain.policy import format_file_number
from fupin_tui.models.audit import AuditLog
from fupin_tui.models.funds import ProgressReport, Tranche, Voucher
from fupin_tui.models.projects import (
    Acceptance, Adjustment, Asset, Beneficiary, BudgetLine, LibraryEntry, Notice, Project, ProjectEvent,
    Rectification,
)
from fupin_tui.models.registry import REGISTERED, Household
from fupin_tui.models.settings import Village
from fupin_tui.services import archive
from fupin_tui.services.voiding import live_row, require_reason, void

# P09 / P10: every item a notice must show.
NOTICE_FIELDS: dict[str, tuple[str, ...]] = {
    "立项公告": ("资金规模", "资金来源", "资金用途", "使用单位", "分配原则", "分配结果", "监督电话"),
    "现场公示": ("项目名称", "实施地点", "建设内容", "实施期限", "实施单位及责任人", "资金来源",
             "资金构成及规模", "政府采购及招投标情况", "预期目标", "受益农户", "监督投诉方式"),
    "资金使用公示": ("到位资金", "已拨付资金", "已报账资金"),  # P27, 十一(九)3
}
NOTICE_RULES = {"立项公告": ("P09", "三(五)"), "现场公示": ("P10", "三(五)"), "资金使用公示": ("P27", "十一(九)3")}
DEPOSIT_STATES = ("已收取", "已退还", "已转入")
BASIC_LABELS = {
    "name": "项目名称", "location": "建设地点", "content": "建设内容", "implementing_unit": "实施单位",
    "responsible_person": "责任人", "supervision_phone": "监督电话", "disbursement_mode": "拨付方式",
    "household_project": "到户项目", "public_infrastructure": "公益性基础设施", "force_majeure": "不可抗力说明",
}
DISBURSEMENT_MODES = ("532", "先建后补")


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class ProjectRow:
    id: int
    year: int
    village: str
    name: str
    category: str
    state: str
    side_state: str
    subsidy: Decimal
    file_number: str
    archive: str  # "12/17"
    archive_complete: bool


@dataclass(frozen=True)
class EventRow:
    happened_on: date
    action: str
    from_state: str
    to_state: str
    document_no: str
    approver: str
    note: str
    operator: str


@dataclass(frozen=True)
class BudgetRow:
    id: int
    item: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    spending_kind: str
    adjusted_amount: Decimal | None
    version: int = 0  # row_version as listed: voiding over a newer one is refused


@dataclass(frozen=True)
class BeneficiaryRow:
    id: int
    household_id: int
    household_no: str
    head_name: str
    village: str
    status: str
    size: int
    benefit: str
    amount: Decimal
    applied: bool
    version: int = 0


@dataclass(frozen=True)
class NoticeRow:
    id: int
    kind: str
    published_on: date
    place: str
    fields: dict[str, str]
    photo_paths: list[str]
    missing: tuple[str, ...]
    version: int = 0


@dataclass(frozen=True)
class AcceptanceRow:
    kind: str
    done_on: date
    grade: str
    organiser: str
    report_no: str
    note: str


@dataclass(frozen=True)
class RectificationRow:
    id: int
    item: str
    deadline: date
    done_on: date | None


@dataclass(frozen=True)
class AssetRow:
    name: str
    quantity: Decimal
    unit: str
    value: Decimal
    owner_kind: str
    owner_name: str
    maintainer: str
    maintenance_duty: str


@dataclass(frozen=True)
class ActionForm:
    action: str
    fields: list[lc.FieldSpec]
    notes: list[str]


@dataclass
class Dossier:
    """Everything the 基本信息 and 验收 tabs show, as plain values."""

    id: int
    values: dict[str, Any]
    village: str
    library_entry_id: int
    deadlines: list[dl.Deadline]
    actions: list[str]
    acceptances: list[AcceptanceRow] = field(default_factory=list)
    rectifications: list[RectificationRow] = field(default_factory=list)
    assets: list[AssetRow] = field(default_factory=list)
    adjustments: list[tuple[date, date | None, str, str]] = field(default_factory=list)
    budget_total: Decimal = Decimal("0")
    beneficiary_count: int = 0

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None


# --------------------------------------------------------------------------- helpers


def _project(s: Session, project_id: int, loaded_version: int | None = None) -> Project:
    project = s.get(Project, project_id)
    if project is None or project.voided:
        raise DomainError("项目不存在")
    refuse_if_changed(project, loaded_version, f"项目「{project.name}」")
    return project


def _last_event_on(s: Session, project_id: int) -> date | None:
    return s.exec(select(func.max(ProjectEvent.happened_on)).where(
        ProjectEvent.project_id == project_id, ProjectEvent.voided == False)).one()  # noqa: E712


def _count(s: Session, model, *where) -> int:
    return s.exec(select(func.count()).select_from(model).where(*where)).one()


def _facts(ctx: AppContext, s: Session, p: Project, *, with_archive: bool = False) -> lc.ProjectFacts:
    entry = s.get(LibraryEntry, p.library_entry_id)
    open_rect = _count(s, Rectification, Rectification.project_id == p.id, Rectification.voided == False,  # noqa: E712
                       Rectification.done_on.is_(None))
    pending = _count(s, Adjustment, Adjustment.project_id == p.id, Adjustment.voided == False,  # noqa: E712
                     Adjustment.approved_on.is_(None))
    lines = _count(s, BudgetLine, BudgetLine.project_id == p.id, BudgetLine.voided == False)  # noqa: E712
    return lc.ProjectFacts(
        state=p.state, side_state=p.side_state, category=p.category, construction_type=p.construction_type,
        subsidy=p.subsidy, household_project=p.household_project,
        in_library=entry is not None and not entry.voided, last_event_on=_last_event_on(s, p.id),
        plan_approved_on=p.plan_approved_on, started_on=p.started_on, planned_start=p.planned_start,
        planned_end=p.planned_end, audit_opinion_on=p.audit_opinion_on, open_rectifications=open_rect,
        budget_lines=lines, missing_documents=archive.missing_titles(ctx, s, p) if with_archive else (),
        file_number=p.file_number, deposit_rate=p.deposit_rate, pending_adjustment=bool(pending),
        accepted_on=p.accepted_on, acceptance_entered_on=p.acceptance_entered_on)


def _event(s: Session, project_id: int, t: lc.Transition) -> None:
    s.add(ProjectEvent(project_id=project_id, action=t.action, from_state=t.from_state, to_state=t.to_state,
                       happened_on=t.happened_on, document_no=t.document_no, approver=t.approver, note=t.note))


def _norm(text: str) -> str:
    return (text or "").strip()


# --------------------------------------------------------------------------- apply (申报)


def _candidates(s: Session, exclude_entry: int) -> list[lc.Candidate]:
    q = select(Project).where(Project.voided == False, Project.side_state != lc.TERMINATED,  # noqa: E712
                              Project.library_entry_id != exclude_entry)
    return [lc.Candidate(p.id, p.name, p.village_id, p.year, p.content, p.subsidy or p.total_investment,
                         p.construction_type, p.applied_on, p.approved_on is not None) for p in s.exec(q)]


def similar_projects(ctx: AppContext, entry_id: int, applied_on: date | None = None) -> list[lc.Similar]:
    """P02: projects that look like a duplicate of, or a split from, this library entry."""
    with ctx.read() as s:
        entry = s.get(LibraryEntry, entry_id)
        if entry is None:
            raise DomainError("项目库条目不存在")
        new = lc.Candidate(None, entry.name, entry.village_id, entry.year, entry.content,
                           entry.amount_fiscal or entry.amount_total, entry.construction_type,
                           applied_on or ctx.today())
        return lc.find_similar(new, _candidates(s, entry_id), ctx.policy)


def apply_from_library(ctx: AppContext, entry_id: int, raw: Mapping[str, Any], *,
                       confirmed_similar: bool = False) -> int:
    """申报: create the project from its library entry (P01); P02 look-alikes need confirmation."""
    with ctx.transaction() as s:
        entry = s.get(LibraryEntry, entry_id)
        if entry is None:
            raise DomainError("项目库条目不存在")
        in_library = not entry.voided and entry.status == "在库"
        from fupin_tui.domain.rules.duties_projects import allowed_use

        if not allowed_use(entry.category, ctx.policy):  # P26: a use outside 一(三) is refused at application
            raise DomainError(f"项目类别「{entry.category}」不在财政专项扶贫资金允许的用途内"
                              f"（{'、'.join(ctx.policy.allowed_uses)}），不能申报。县里另有规定的用途，请在设置中添加",
                              rule="P26", section="一(三)、二(七)")
        facts = lc.ProjectFacts(state=lc.LIBRARY, category=entry.category, in_library=in_library,
                                subsidy=entry.amount_fiscal, construction_type=entry.construction_type)
        t = lc.decide("申报", facts, raw, ctx.policy, ctx.today())
        new = lc.Candidate(None, entry.name, entry.village_id, entry.year, entry.content,
                           entry.amount_fiscal or entry.amount_total, entry.construction_type, t.happened_on)
        similar = lc.find_similar(new, _candidates(s, entry_id), ctx.policy)
        if similar and not confirmed_similar:
            raise lc.NeedsConfirmation(similar)
        if similar:
            t.note = (t.note + " " if t.note else "") + "经确认非重复/拆分：" + "、".join(x.other.name for x in similar)
        project = Project(
            library_entry_id=entry.id, village_id=entry.village_id, year=entry.year, name=entry.name,
            category=entry.category, construction_type=entry.construction_type, fund_type=entry.fund_type,
            location=entry.location, content=entry.content, state=lc.APPLIED, subsidy=entry.amount_fiscal,
            total_investment=entry.amount_total, planned_start=entry.planned_start, planned_end=entry.planned_end,
            implementing_unit=entry.responsible_unit, responsible_person=entry.responsible_person,
            household_project=entry.category == "危房改造", public_infrastructure=entry.category == "基础设施",
            applied_on=t.happened_on, search_keys=" ".join(filter(None, (search_keys(entry.name), entry.search_keys))),
        )
        s.add(project)
        s.flush()
        entry.status = "已申报"
        s.add(entry)
        _event(s, project.id, t)
        return project.id


# --------------------------------------------------------------------------- life-cycle actions


def action_form(ctx: AppContext, project_id: int, action: str) -> ActionForm:
    """What the dialog for ``action`` asks, and what the rules decide by themselves."""
    with ctx.read() as s:
        p = _project(s, project_id)
        facts = _facts(ctx, s, p, with_archive=action == "归档")
    return ActionForm(action, lc.fields_for(action, facts, ctx.policy), lc.notes_for(action, facts, ctx.policy))


def perform(ctx: AppContext, project_id: int, action: str, raw: Mapping[str, Any], *,
            loaded_version: int | None = None) -> lc.Transition:
    """One life-cycle action as one transaction, with its ProjectEvent; refused with the rule."""
    with ctx.transaction() as s:
        return perform_in(ctx, s, project_id, action, raw, loaded_version=loaded_version)


def perform_in(ctx: AppContext, s: Session, project_id: int, action: str, raw: Mapping[str, Any], *,
               loaded_version: int | None = None) -> lc.Transition:
    """``perform`` inside a transaction the caller holds (the county's update package applies many)."""
    p = _project(s, project_id, loaded_version)
    facts = _facts(ctx, s, p, with_archive=action == "归档")
    t = lc.decide(action, facts, raw, ctx.policy, ctx.today())
    _apply(ctx, s, p, t)
    return t


def _apply(ctx: AppContext, s: Session, p: Project, t: lc.Transition) -> None:
    extra = _EXTRA.get(t.action)
    if extra:
        extra(ctx, s, p, t)
    for key, value in t.sets.items():
        setattr(p, key, value)
    p.state = t.to_state
    if t.side_state is not None:
        p.side_state = t.side_state
    s.add(p)
    _event(s, p.id, t)


def _on_approve(ctx, s: Session, p: Project, t: lc.Transition) -> None:
    # P20: beneficiaries must be 在册 at approval, except for public infrastructure
    if not p.public_infrastructure:
        bad = s.exec(select(Household.household_no, Household.head_name, Household.status)
                     .join(Beneficiary, Beneficiary.household_id == Household.id)
                     .where(Beneficiary.project_id == p.id, Beneficiary.voided == False,  # noqa: E712
                            Household.status != REGISTERED)).all()
        if bad:
            names = "、".join(f"{h}（{n}，{st}）" for n, h, st in bad[:5])
            raise DomainError(f"受益户须在批复时为在册贫困户：{names}", rule="P20", section="二(六)")
    entry = s.get(LibraryEntry, p.library_entry_id)
    if entry is not None:
        entry.status = "已立项"
        s.add(entry)


def _on_plan_approve(ctx, s: Session, p: Project, t: lc.Transition) -> None:
    if "deposit_rate" in t.sets:
        t.note = (t.note + " " if t.note else "") + f"质量保证金{t.sets['deposit_amount']}元"


def _on_adjust(ctx, s: Session, p: Project, t: lc.Transition) -> None:
    s.add(Adjustment(project_id=p.id, filed_on=t.happened_on, document_no=t.document_no,
                     content=str(t.values.get("content") or "")))
    t.note = t.note or str(t.values.get("content") or "")


def _on_adjust_approve(ctx, s: Session, p: Project, t: lc.Transition) -> None:
    pending = s.exec(select(Adjustment).where(Adjustment.project_id == p.id, Adjustment.voided == False,  # noqa: E712
                                              Adjustment.approved_on.is_(None))).first()
    if pending.filed_on > t.happened_on:
        raise InputError("调整批复日期", "不能早于调整申请日期")
    pending.approved_on = t.happened_on
    if t.document_no:
        pending.document_no = f"{pending.document_no} {t.document_no}".strip()
    s.add(pending)


def _on_inspection(ctx, s: Session, p: Project, t: lc.Transition) -> None:
    s.add(Acceptance(project_id=p.id, kind="初检", done_on=t.happened_on,
                     organiser=str(t.values.get("organiser") or ""), note=t.note))


def _on_acceptance(ctx, s: Session, p: Project, t: lc.Transition) -> None:
    kind = "复验" if p.state == lc.RECTIFYING else "县级验收"
    acc = Acceptance(project_id=p.id, kind=kind, done_on=t.happened_on, grade=t.sets["acceptance_grade"],
                     organiser=str(t.values.get("organiser") or ""), report_no=t.document_no, note=t.note)
    s.add(acc)
    s.flush()
    for item, deadline in t.values.get("rectifications") or []:
        s.add(Rectification(project_id=p.id, acceptance_id=acc.id, item=item, deadline=deadline))


def _on_rectified(ctx, s: Session, p: Project, t: lc.Transition) -> None:
    for r in s.exec(select(Rectification).where(Rectification.project_id == p.id,
                                                Rectification.voided == False,  # noqa: E712
                                                Rectification.done_on.is_(None))):
        r.done_on = t.happened_on
        s.add(r)


def _on_handover(ctx, s: Session, p: Project, t: lc.Transition) -> None:
    owner_kind = t.values["owner_kind"]
    if owner_kind == lc.OWNER_HOUSEHOLDS:
        n = _count(s, Beneficiary, Beneficiary.project_id == p.id, Beneficiary.voided == False)  # noqa: E712
        owner_name = f"受益农户{n}户"
    else:
        village = s.get(Village, p.village_id) if p.village_id else None
        owner_name = f"{village.name if village else ''}村集体"
    for name, qty, unit, value in t.values["assets"]:
        s.add(Asset(project_id=p.id, name=name, quantity=qty, unit=unit, value=value, owner_kind=owner_kind,
                    owner_name=owner_name, maintainer=str(t.values.get("maintainer") or "").strip(),
                    maintenance_duty=str(t.values.get("maintenance_duty") or ""), handed_over_on=t.happened_on))


def _on_archive(ctx, s: Session, p: Project, t: lc.Transition) -> None:
    if not p.file_number:
        p.file_number = _next_file_number(ctx, s, p)
    t.document_no = t.document_no or p.file_number


def _on_close(ctx, s: Session, p: Project, t: lc.Transition) -> None:
    t.note = " ".join(x for x in (str(t.values.get("reason") or ""), t.note) if x)


_EXTRA = {
    "立项批复": _on_approve, "批复实施方案": _on_plan_approve, "调整": _on_adjust, "调整批复": _on_adjust_approve,
    "完工初检": _on_inspection, "验收": _on_acceptance, "整改完成": _on_rectified, "移交": _on_handover,
    "归档": _on_archive, "收回": _on_close, "终止": _on_close,
}


def mark_final_reimbursement(ctx: AppContext, s: Session, project_id: int, on: date, document_no: str = "") -> None:
    """最终报账, called by the funds service inside its own transaction (session ``s``)."""
    p = _project(s, project_id)
    t = lc.decide("最终报账", _facts(ctx, s, p), {"date": on, "document_no": document_no or "最终报账"},
                  ctx.policy, ctx.today())
    _apply(ctx, s, p, t)


def record_final_reimbursement(ctx: AppContext, project_id: int, on: date, document_no: str = "") -> None:
    with ctx.transaction() as s:
        mark_final_reimbursement(ctx, s, project_id, on, document_no)


# --------------------------------------------------------------------------- basic data


def update_basics(ctx: AppContext, project_id: int, data: Mapping[str, Any], *,
                  loaded_version: int | None = None) -> None:
    """The editable descriptive fields of a project (not dates or states: those come from actions)."""
    values = {k: (_norm(v) if isinstance(v, str) else v) for k, v in data.items() if k in BASIC_LABELS}
    if "name" in values and not values["name"]:
        raise InputError(BASIC_LABELS["name"], "不能为空")
    if values.get("disbursement_mode") and values["disbursement_mode"] not in DISBURSEMENT_MODES:
        raise InputError(BASIC_LABELS["disbursement_mode"], "应为532或先建后补")
    phone = values.get("supervision_phone")
    if phone and not all(c.isdigit() or c in "-（）() " for c in phone):
        raise InputError(BASIC_LABELS["supervision_phone"], "只能有数字和连字符")
    with ctx.transaction() as s:
        p = _project(s, project_id, loaded_version)
        if p.state == lc.ARCHIVED:
            raise DomainError("项目已归档，不能再修改", rule="R01", section="九(二)(四)")
        for key, value in values.items():
            setattr(p, key, value)
        if "name" in values:
            p.search_keys = search_keys(p.name)
        s.add(p)


def _next_file_number(ctx: AppContext, s: Session, p: Project) -> str:
    township = ctx.township()
    name = township.name if township else ""
    taken = set(s.exec(select(Project.file_number).where(Project.file_number.is_not(None))))
    seq = 1 + _count(s, Project, Project.year == p.year, Project.file_number.is_not(None))
    while True:
        number = format_file_number(ctx.policy.file_number_pattern, p.year, name, seq)
        if number not in taken:
            return number
        seq += 1


def assign_file_number(ctx: AppContext, project_id: int) -> str:
    """R01: one project, one file number, from the county's pattern; kept once given."""
    with ctx.transaction() as s:
        p = _project(s, project_id)
        if p.file_number:
            return p.file_number
        p.file_number = _next_file_number(ctx, s, p)
        s.add(p)
        return p.file_number


def set_deposit_state(ctx: AppContext, project_id: int, state: str, on: date, *,
                      loaded_version: int | None = None) -> None:
    """P21: the quality deposit is 已收取, then 已退还 after acceptance, or 已转入."""
    if state not in DEPOSIT_STATES:
        raise InputError("保证金状态", "应为已收取/已退还/已转入")
    if on > ctx.today():
        raise InputError("日期", "不能晚于今天")
    with ctx.transaction() as s:
        p = _project(s, project_id, loaded_version)
        if not lc.needs_deposit(p.category) or not p.deposit_amount:
            raise DomainError("本项目没有质量保证金（只适用于产业发展、基础设施项目）", rule="P21", section="三(七)")
        if state == "已退还" and p.accepted_on is None:
            raise DomainError("质量保证金在验收合格后才能退还", rule="P21", section="三(七)")
        if state != "已收取" and p.deposit_state != "已收取":
            raise DomainError("保证金尚未收取", rule="P21", section="三(七)")
        p.deposit_state, p.deposit_changed_on = state, on
        s.add(p)


# --------------------------------------------------------------------------- budget lines (资金概算)


def _editable_plan(p: Project) -> None:
    if p.state not in (lc.APPLIED, lc.APPROVED, lc.PLAN_SUBMITTED) or p.side_state in lc.FINAL_SIDE_STATES:
        raise DomainError("实施方案已批复，资金概算只能通过项目调整变更", rule="P12", section="三(三)")


def add_budget_line(ctx: AppContext, project_id: int, *, item: str, unit: str = "", quantity: Decimal | None,
                    unit_price: Decimal | None, spending_kind: str, amount: Decimal | None = None) -> int:
    item = _norm(item)
    if not item:
        raise InputError("项目明细", "不能为空")
    if quantity is None or quantity <= 0:
        raise InputError("数量", "应大于0")
    if unit_price is None or unit_price < 0:
        raise InputError("单价", "不能为空或负数")
    if not ctx.codes.is_valid("支出类别", spending_kind):
        raise InputError("支出类别", f"应为{'、'.join(ctx.codes.items('支出类别'))}之一")
    computed = (quantity * unit_price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount is not None and amount != computed:
        raise InputError("金额", f"应等于数量×单价 = {computed:,.2f}")
    with ctx.transaction() as s:
        p = _project(s, project_id)
        _editable_plan(p)
        line = BudgetLine(project_id=project_id, item=item, unit=_norm(unit), quantity=quantity,
                          unit_price=unit_price, amount=computed,
                          spending_kind=ctx.codes.canonical("支出类别", spending_kind))
        s.add(line)
        s.flush()
        _total_from_budget(s, p)
        return line.id


def _total_from_budget(s: Session, p: Project) -> None:
    """总投资 is the sum of the 资金概算 lines (F05), kept in step with every line added or voided."""
    amounts = s.exec(select(BudgetLine.amount, BudgetLine.adjusted_amount).where(
        BudgetLine.project_id == p.id, BudgetLine.voided == False)).all()  # noqa: E712
    if amounts:
        p.total_investment = sum((adjusted if adjusted is not None else amount for amount, adjusted in amounts),
                                 Decimal("0.00"))
        s.add(p)


def void_budget_line(ctx: AppContext, line_id: int, reason: str, *, loaded_version: int | None = None) -> None:
    reason = require_reason(reason)
    with ctx.transaction() as s:
        line = live_row(s, BudgetLine, line_id, "概算明细不存在或已作废", loaded_version=loaded_version,
                        what="这条概算明细")
        p = _project(s, line.project_id)
        _editable_plan(p)
        void(s, line, reason)
        s.flush()
        _total_from_budget(s, p)


def budget_lines(ctx: AppContext, project_id: int) -> list[BudgetRow]:
    with ctx.read() as s:
        q = select(BudgetLine).where(BudgetLine.project_id == project_id, BudgetLine.voided == False  # noqa: E712
                                     ).order_by(BudgetLine.id)
        return [BudgetRow(b.id, b.item, b.unit, b.quantity, b.unit_price, b.amount, b.spending_kind,
                          b.adjusted_amount, b.row_version) for b in s.exec(q)]


# --------------------------------------------------------------------------- beneficiaries (P20)


def find_households(ctx: AppContext, text: str, limit: int = 20) -> list[tuple[int, str, str, str]]:
    """(id, household_no, head_name, status) matching a household number, name or pinyin."""
    needle = fold_search(text)
    if not needle:
        return []
    with ctx.read() as s:
        q = (select(Household.id, Household.household_no, Household.head_name, Household.status)
             .where(Household.voided == False,  # noqa: E712
                    or_(Household.household_no == needle, col(Household.head_name).like(f"{needle}%"),
                        col(Household.search_keys).like(f"%{needle}%")))
             .order_by(Household.household_no).limit(limit))
        return [tuple(r) for r in s.exec(q)]


def add_beneficiary(ctx: AppContext, project_id: int, household: str | int, *, benefit: str = "",
                    amount: Decimal | None = None, applied: bool = True) -> int:
    """P20: a household from the registry, 在册 and having applied, unless public infrastructure."""
    if amount is not None and amount < 0:
        raise InputError("受益金额", "不能为负数")
    with ctx.transaction() as s:
        p = _project(s, project_id)
        if p.state not in (lc.APPLIED, lc.APPROVED, lc.PLAN_SUBMITTED, lc.PLAN_APPROVED, lc.UNDERWAY):
            raise DomainError(f"项目{p.state}，不能再增加受益户")
        if isinstance(household, int):
            h = s.get(Household, household)
        else:
            key = _norm(household)
            if not key:
                raise InputError("户编号", "不能为空")
            h = s.exec(select(Household).where(Household.household_no == key, Household.voided == False)).first()  # noqa: E712
        if h is None or h.voided:
            raise DomainError(f"建档立卡系统中没有户编号为“{household}”的农户", rule="P20", section="二(六)")
        if not p.public_infrastructure:
            if h.status != REGISTERED:
                raise DomainError(f"{h.head_name}户（{h.household_no}）状态为“{h.status}”，受益户须为在册贫困户",
                                  rule="P20", section="二(六)")
            if not applied:
                raise DomainError("非公益性基础设施项目的受益贫困户须本人提出申请", rule="P20", section="二(六)")
        dup = s.exec(select(Beneficiary).where(Beneficiary.project_id == project_id,
                                               Beneficiary.household_id == h.id,
                                               Beneficiary.voided == False)).first()  # noqa: E712
        if dup:
            raise InputError("户编号", f"{h.head_name}户已是本项目受益户")
        row = Beneficiary(project_id=project_id, household_id=h.id, benefit=_norm(benefit),
                          amount=amount or Decimal("0"), applied=applied)
        s.add(row)
        s.flush()
        return row.id


def void_beneficiary(ctx: AppContext, beneficiary_id: int, reason: str, *, loaded_version: int | None = None) -> None:
    reason = require_reason(reason)
    with ctx.transaction() as s:
        void(s, live_row(s, Beneficiary, beneficiary_id, "受益户记录不存在或已作废", loaded_version=loaded_version,
                         what="这条受益户记录"), reason)


def beneficiaries(ctx: AppContext, project_id: int) -> list[BeneficiaryRow]:
    with ctx.read() as s:
        q = (select(Beneficiary, Household, Village.name)
             .join(Household, Household.id == Beneficiary.household_id)
             .join(Village, Village.id == Household.village_id, isouter=True)
             .where(Beneficiary.project_id == project_id, Beneficiary.voided == False)  # noqa: E712
             .order_by(Household.household_no))
        return [BeneficiaryRow(b.id, h.id, h.household_no, h.head_name, v or "", h.status, h.size, b.benefit,
                               b.amount, b.applied, b.row_version) for b, h, v in s.exec(q)]


# --------------------------------------------------------------------------- notices (P09, P10)


def notice_defaults(ctx: AppContext, project_id: int, kind: str) -> dict[str, str]:
    """Items of a notice filled from the project where it already knows them."""
    with ctx.read() as s:
        p = _project(s, project_id)
        n = _count(s, Beneficiary, Beneficiary.project_id == p.id, Beneficiary.voided == False)  # noqa: E712
        entry = s.get(LibraryEntry, p.library_entry_id)
    sources = "、".join(name for name, amount in (
        ("财政专项", entry.amount_fiscal if entry else 0), ("整合资金", entry.amount_integrated if entry else 0),
        ("自筹", entry.amount_self if entry else 0), ("其他", entry.amount_other if entry else 0)) if amount)
    period = f"{p.planned_start or ''}至{p.planned_end or ''}" if p.planned_start else ""
    known = {
        "资金规模": f"{p.subsidy:,.2f}元", "资金来源": sources, "资金用途": p.content,
        "使用单位": p.implementing_unit, "监督电话": p.supervision_phone, "项目名称": p.name,
        "实施地点": p.location, "建设内容": p.content, "实施期限": period,
        "实施单位及责任人": " ".join(x for x in (p.implementing_unit, p.responsible_person) if x),
        "资金构成及规模": f"总投资{p.total_investment:,.2f}元，其中财政补助{p.subsidy:,.2f}元",
        "预期目标": entry.performance_goals if entry else "", "受益农户": f"{n}户" if n else "",
        "监督投诉方式": f"电话 {p.supervision_phone}" if p.supervision_phone else "",
    }
    return {k: known.get(k, "") for k in NOTICE_FIELDS[kind]}


def save_notice(ctx: AppContext, project_id: int, *, kind: str, published_on: date | None, place: str,
                fields: Mapping[str, str], photo_paths: str = "", notice_id: int | None = None,
                loaded_version: int | None = None) -> int:
    """A notice is saved only with every item its rule lists (P09/P10)."""
    if kind not in NOTICE_FIELDS:
        raise InputError("公示类型", f"应为{'、'.join(NOTICE_FIELDS)}之一")
    if published_on is None:
        raise InputError("公示日期", "不能为空")
    if published_on > ctx.today():
        raise InputError("公示日期", "不能晚于今天")
    if not _norm(place):
        raise InputError("公示地点", "不能为空（网址或公示牌位置）")
    clean = {k: _norm(fields.get(k, "")) for k in NOTICE_FIELDS[kind]}
    missing = [k for k, v in clean.items() if not v]
    if missing:
        rule, section = NOTICE_RULES[kind]
        raise DomainError(f"{kind}缺少：{'、'.join(missing)}", rule=rule, section=section)
    paths = "\n".join(x.strip() for x in (photo_paths or "").splitlines() if x.strip())
    with ctx.transaction() as s:
        p = _project(s, project_id)
        if kind == "立项公告" and p.approved_on and published_on < p.approved_on:
            raise InputError("公示日期", f"不能早于立项批复（{p.approved_on}）")
        if kind == "现场公示" and (p.started_on is None or published_on < p.started_on):
            raise InputError("公示日期", "现场公示牌在开工后设立，不能早于开工日期")
        if kind == "资金使用公示":
            if p.completed_on is None or published_on < p.completed_on:
                raise InputError("公示日期", "资金使用情况在完工后公示，不能早于完工日期")
            for k in NOTICE_FIELDS[kind]:
                parse_amount(clean[k].replace("元", ""), k)  # the three figures are money
        if notice_id:
            row = live_row(s, Notice, notice_id, "公示记录不存在或已作废", loaded_version=loaded_version,
                           what=f"这条{kind}")
        else:
            row = Notice(project_id=project_id, kind=kind, published_on=published_on)
        row.kind, row.published_on, row.place = kind, published_on, _norm(place)
        row.fields_json = json.dumps(clean, ensure_ascii=False)
        row.photo_paths = paths
        s.add(row)
        s.flush()
        return row.id


def notices(ctx: AppContext, project_id: int) -> list[NoticeRow]:
    with ctx.read() as s:
        q = select(Notice).where(Notice.project_id == project_id, Notice.voided == False  # noqa: E712
                                 ).order_by(Notice.published_on)
        out = []
        for n in s.exec(q):
            values = json.loads(n.fields_json or "{}")
            missing = tuple(k for k in NOTICE_FIELDS.get(n.kind, ()) if not values.get(k))
            out.append(NoticeRow(n.id, n.kind, n.published_on, n.place, values,
                                 [x for x in n.photo_paths.splitlines() if x], missing, n.row_version))
        return out


# --------------------------------------------------------------------------- reading


def _project_dates(s: Session, p: Project) -> dl.ProjectDates:
    return _projects_dates(s, [p], Project.id == p.id)[p.id]


def _projects_dates(s: Session, projects: list[Project], where) -> dict[int, dl.ProjectDates]:
    """Each project's dates by id.  ``where`` selects ``projects`` (a condition on Project): their
    notices, tranches, vouchers and progress reports are read with one query for all, not five
    ORM queries per project (the package's 期限 sheet reads every project)."""
    ids = select(Project.id).where(where)
    # one UNION ALL: (project, part, label, date), in the order the deadlines expect
    notices = select(Notice.project_id.label("pid"), literal(0).label("part"), Notice.kind,
                     func.min(Notice.published_on), literal(0).label("rid")).where(
        Notice.voided == False, Notice.project_id.in_(ids)).group_by(Notice.project_id, Notice.kind)  # noqa: E712
    tranches = select(Tranche.project_id, literal(1), cast(Tranche.seq, String), Tranche.disbursed_on,
                      Tranche.id).where(Tranche.voided == False, Tranche.project_id.in_(ids))  # noqa: E712
    vouchers = select(Voucher.project_id, literal(2), Voucher.voucher_no, Voucher.reimbursed_on, Voucher.id).where(
        Voucher.voided == False, Voucher.reimbursed_on.is_not(None), Voucher.project_id.in_(ids))  # noqa: E712
    reports = select(ProgressReport.project_id, literal(3), literal(""), ProgressReport.reported_on,
                     ProgressReport.id).where(ProgressReport.voided == False,  # noqa: E712
                                              ProgressReport.project_id.in_(ids))
    parts: dict[int, tuple[dict, list, list]] = {p.id: ({}, [], []) for p in projects}
    for project_id, part, label, on, _id in s.execute(
            union_all(notices, tranches, vouchers, reports).order_by("pid", "part", "rid")):
        first_notice, money, entries = parts[project_id]
        if part == 0:
            first_notice[label] = on
        elif part == 1:
            money.append(dl.MoneyEvent(on, "拨款", f"第{label}期"))
        elif part == 2:
            money.append(dl.MoneyEvent(on, "报账", label))
        else:
            entries.append(on)
    return {p.id: _dates(p, *parts[p.id]) for p in projects}


def _dates(p: Project, first_notice: dict, money: list, entries: list) -> dl.ProjectDates:
    return dl.ProjectDates(
        applied_on=p.applied_on, application_reviewed_on=p.application_reviewed_on,
        fund_plan_issued_on=p.fund_plan_issued_on, approved_on=p.approved_on,
        plan_submitted_on=p.plan_submitted_on, plan_approved_on=p.plan_approved_on, filed_on=p.filed_on,
        discipline_filed_on=p.discipline_filed_on, approval_notice_on=first_notice.get("立项公告"),
        started_on=p.started_on, site_notice_on=first_notice.get("现场公示"), completed_on=p.completed_on,
        initial_inspection_on=p.initial_inspection_on, acceptance_requested_on=p.acceptance_requested_on,
        accepted_on=p.accepted_on, acceptance_grade=p.acceptance_grade,
        acceptance_entered_on=p.acceptance_entered_on, final_reimbursed_on=p.final_reimbursed_on,
        force_majeure=p.force_majeure, side_state=p.side_state, money_events=tuple(money),
        info_entries=tuple(entries))


def dossier(ctx: AppContext, project_id: int) -> Dossier:
    with ctx.read() as s:
        p = _project(s, project_id)
        village = s.get(Village, p.village_id) if p.village_id else None
        facts = _facts(ctx, s, p)
        d = Dossier(
            id=p.id, values=p.model_dump(), village=village.name if village else "",
            library_entry_id=p.library_entry_id,
            deadlines=dl.project_deadlines(_project_dates(s, p), ctx.policy, ctx.today()),
            actions=lc.allowed_actions(facts))
        d.acceptances = [AcceptanceRow(a.kind, a.done_on, a.grade, a.organiser, a.report_no, a.note)
                         for a in s.exec(select(Acceptance).where(Acceptance.project_id == p.id,
                                                                  Acceptance.voided == False  # noqa: E712
                                                                  ).order_by(Acceptance.done_on, Acceptance.id))]
        d.rectifications = [RectificationRow(r.id, r.item, r.deadline, r.done_on)
                            for r in s.exec(select(Rectification).where(Rectification.project_id == p.id,
                                                                        Rectification.voided == False  # noqa: E712
                                                                        ).order_by(Rectification.id))]
        d.assets = [AssetRow(a.name, a.quantity, a.unit, a.value, a.owner_kind, a.owner_name, a.maintainer,
                             a.maintenance_duty)
                    for a in s.exec(select(Asset).where(Asset.project_id == p.id, Asset.voided == False))]  # noqa: E712
        d.adjustments = [(a.filed_on, a.approved_on, a.document_no, a.content)
                         for a in s.exec(select(Adjustment).where(Adjustment.project_id == p.id,
                                                                  Adjustment.voided == False))]  # noqa: E712
        d.budget_total = sum((b.amount for b in s.exec(select(BudgetLine).where(
            BudgetLine.project_id == p.id, BudgetLine.voided == False))), Decimal("0"))  # noqa: E712
        d.beneficiary_count = _count(s, Beneficiary, Beneficiary.project_id == p.id,
                                     Beneficiary.voided == False)  # noqa: E712
        return d


def events(ctx: AppContext, project_id: int) -> list[EventRow]:
    with ctx.read() as s:
        q = select(ProjectEvent).where(ProjectEvent.project_id == project_id).order_by(
            ProjectEvent.happened_on, ProjectEvent.id)
        return [EventRow(e.happened_on, e.action, e.from_state, e.to_state, e.document_no, e.approver, e.note,
                         e.created_by) for e in s.exec(q)]


def audit_trail(ctx: AppContext, project_id: int, limit: int = 200) -> list[tuple[str, str, str, str]]:
    """(time, operator, action, changed fields) of the project row itself, newest first."""
    with ctx.read() as s:
        q = (select(AuditLog).where(AuditLog.table_name == "project", AuditLog.record_id == str(project_id))
             .order_by(AuditLog.id.desc()).limit(limit))
        out = []
        for a in s.exec(q):
            after = json.loads(a.after or "{}")
            keys = [k for k in after if k not in ("created_at", "created_by", "search_keys")]
            out.append((a.at.strftime("%Y-%m-%d %H:%M"), a.operator, a.action, "、".join(keys[:8])))
        return out


def list_projects(ctx: AppContext, *, text: str = "", year: int | None = None, village_id: int | None = None,
                  state: str = "", limit: int = 1000) -> list[ProjectRow]:
    """The project list with archive completeness, newest year first."""
    with ctx.read() as s:
        q = (select(Project, Village.name).join(Village, isouter=True).where(Project.voided == False)  # noqa: E712
             .order_by(Project.year.desc(), Project.id.desc()))
        if year:
            q = q.where(Project.year == year)
        if village_id:
            q = q.where(Project.village_id == village_id)
        if state:
            q = q.where(or_(Project.state == state, Project.side_state == state))
        needle = fold_search(text)
        if needle:
            like = f"%{needle}%"
            q = q.where(or_(col(Project.name).like(like), col(Project.search_keys).like(like),
                            col(Project.file_number).like(like), col(Project.content).like(like)))
        rows = s.exec(q.limit(limit)).all()
        done = archive.completeness_for(ctx, s, [p for p, _ in rows])
        return [ProjectRow(p.id, p.year, v or "", p.name, p.category, p.state, p.side_state, p.subsidy,
                           p.file_number or "", str(done[p.id]), done[p.id].complete) for p, v in rows]
