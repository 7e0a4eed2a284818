"""Recording the part-B duties of RULES-2 where the clerk works (P22-P25, P27, L05, H10, H11, H14).

Every function validates first (Chinese messages naming the field) and writes in one transaction,
so nothing is saved half.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import select

from fupin_tui.context import AppContext
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.money import parse_amount, parse_date
from fupin_tui.domain.rules.duties_linkage import CONDITIONS, ENTERPRISE
from fupin_tui.domain.rules.duties_projects import DELEGATE_KINDS, METHODS, PROCUREMENT_METHODS, SUNSHINE
from fupin_tui.domain.rules.duties_registry import FILE_ITEMS
from fupin_tui.models import Adjustment, Delegation, EnterpriseCondition, Entity, Household, Procurement, Project, Visit
from fupin_tui.services.voiding import live_row


def _text(value) -> str:
    return " ".join(str(value or "").split())


def _date(value, label: str, ctx: AppContext, *, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise InputError(label, "不能为空")
        return None
    on = value if isinstance(value, date) else parse_date(str(value), label)
    if on > ctx.today():
        raise InputError(label, f"不能晚于今天（{ctx.today().isoformat()}）")
    return on


def _money(value, label: str, *, required: bool = True) -> Decimal:
    if isinstance(value, Decimal):
        amount = value
    elif str(value or "").strip():
        amount = parse_amount(str(value), label)  # 不是金额 → InputError naming the field
    elif required:
        raise InputError(label, "不能为空")
    else:
        amount = Decimal("0.00")
    if amount < 0:
        raise InputError(label, "不能为负数")
    return amount


def _count(value, label: str) -> int:
    text = str(value if value is not None else "").strip()
    if not text.isdigit():
        raise InputError(label, "应为不小于0的整数")
    return int(text)


def _project(s, project_id: int) -> Project:
    p = s.get(Project, project_id)
    if p is None or p.voided:
        raise DomainError("项目不存在或已作废")
    return p


# ---------------------------------------------------------------- P22, P24


def record_supervision_entry(ctx: AppContext, project_id: int, on) -> None:
    """P22: the day the approved project was entered in 贵州省涉农资金监管系统."""
    day = _date(on, "录入日期", ctx)
    with ctx.transaction() as s:
        p = _project(s, project_id)
        if p.plan_approved_on is None:
            raise InputError("录入日期", "实施方案批复后才录入涉农资金监管系统")
        if day < p.plan_approved_on:
            raise InputError("录入日期", f"不能早于实施方案批复（{p.plan_approved_on.isoformat()}）")
        p.supervision_entered_on = day
        s.add(p)


def record_adjustment_filing(ctx: AppContext, adjustment_id: int, on) -> None:
    """P24: the day an approved adjustment was filed (备案) with the county."""
    day = _date(on, "备案日期", ctx)
    with ctx.transaction() as s:
        a = live_row(s, Adjustment, adjustment_id, "项目调整不存在或已作废")
        if a.approved_on is None:
            raise InputError("备案日期", "调整尚未批复，批复后再报县备案")
        if day < a.approved_on:
            raise InputError("备案日期", f"不能早于调整批复（{a.approved_on.isoformat()}）")
        a.county_filed_on = day
        s.add(a)


# ---------------------------------------------------------------- P25


def add_procurement(ctx: AppContext, project_id: int, *, contract_name: str, contract_amount, method: str,
                    procured_on=None, winner: str = "", awarded_amount=None, sunshine_note: str = "",
                    note: str = "") -> int:
    name = _text(contract_name)
    if not name:
        raise InputError("合同名称", "不能为空")
    amount = _money(contract_amount, "合同金额")
    method = _text(method)
    if method not in METHODS:
        raise InputError("选定方式", f"应为{'、'.join(METHODS)}之一")
    on = _date(procured_on, "采购日期", ctx, required=method in PROCUREMENT_METHODS)
    awarded = _money(awarded_amount, "中标（成交）金额", required=method in PROCUREMENT_METHODS)
    if method in PROCUREMENT_METHODS and not _text(winner):
        raise InputError("中标（成交）单位", "政府采购或招投标须填写中标（成交）单位")
    if method == SUNSHINE and not _text(sunshine_note):
        raise InputError("阳光操作记录", "请写明如何公开、公正、公平地选定承建单位")
    limit = Decimal(ctx.policy.procurement_threshold_wan) * 10000
    if method == SUNSHINE and amount >= limit:
        raise DomainError(f"合同金额{amount}元达到{ctx.policy.procurement_threshold_wan}万元，"
                          "属政府采购和招投标范围，不能以阳光操作代替", rule="P25", section="三(六)")
    with ctx.transaction() as s:
        _project(s, project_id)
        row = Procurement(project_id=project_id, contract_name=name, contract_amount=amount, method=method,
                          procured_on=on, winner=_text(winner), awarded_amount=awarded,
                          sunshine_note=_text(sunshine_note), note=_text(note))
        s.add(row)
        s.flush()
        return row.id


# ---------------------------------------------------------------- P23


def add_delegation(ctx: AppContext, project_id: int, *, delegate_kind: str, delegate_name: str, agreement_on,
                   consent_on, consent_method: str, consent_households, consent_agreed, agreement_no: str = "") -> int:
    kind = _text(delegate_kind)
    if kind not in DELEGATE_KINDS:
        raise InputError("受托方类型", f"只能委托{'、'.join(DELEGATE_KINDS)}")
    name = _text(delegate_name)
    if not name:
        raise InputError("受托方名称", "不能为空")
    agreement = _date(agreement_on, "协议日期", ctx)
    consent = _date(consent_on, "农户同意日期", ctx)
    if consent > agreement:
        raise InputError("农户同意日期", "应先征得受益农户同意，再签委托协议（同意日期不能晚于协议日期）")
    method = _text(consent_method)
    if not method:
        raise InputError("征求方式", "请写明如何征求意见（户主大会、逐户签字等）")
    asked, agreed = _count(consent_households, "征求意见户数"), _count(consent_agreed, "同意户数")
    if agreed == 0:
        raise InputError("同意户数", "没有受益农户同意，不能委托实施")
    if agreed > asked:
        raise InputError("同意户数", f"不能多于征求意见户数（{asked}户）")
    with ctx.transaction() as s:
        _project(s, project_id)
        row = Delegation(project_id=project_id, delegate_kind=kind, delegate_name=name, agreement_on=agreement,
                         agreement_no=_text(agreement_no), consent_on=consent, consent_method=method,
                         consent_households=asked, consent_agreed=agreed)
        s.add(row)
        s.flush()
        return row.id


# ---------------------------------------------------------------- H11


def add_visit(ctx: AppContext, household_id: int, *, visited_on, visitor: str, visitor_unit: str = "",
              note: str = "") -> int:
    on = _date(visited_on, "走访日期", ctx)
    who = _text(visitor)
    if not who:
        raise InputError("走访人", "不能为空（每次走访须记录走访人）")
    with ctx.transaction() as s:
        h = s.get(Household, household_id)
        if h is None or h.voided:
            raise DomainError("该户不存在或已作废")
        row = Visit(household_id=household_id, visited_on=on, visitor=who, visitor_unit=_text(visitor_unit),
                    note=_text(note))
        s.add(row)
        s.flush()
        return row.id


@dataclass(frozen=True)
class VisitRow:
    id: int
    visited_on: date
    visitor: str
    visitor_unit: str
    note: str


def visits(ctx: AppContext, household_id: int) -> list[VisitRow]:
    with ctx.read() as s:
        rows = s.exec(select(Visit).where(Visit.household_id == household_id, Visit.voided == False)  # noqa: E712
                      .order_by(Visit.visited_on.desc(), Visit.id.desc())).all()
        return [VisitRow(v.id, v.visited_on, v.visitor, v.visitor_unit, v.note) for v in rows]


# ---------------------------------------------------------------- L05


def record_condition(ctx: AppContext, entity_id: int, condition: str, evidence: str) -> int:
    if condition not in CONDITIONS:
        raise InputError("准入条件", f"应为{'、'.join(CONDITIONS)}之一")
    text = _text(evidence)
    if not text:
        raise InputError("证明材料", "请写明证明材料（名称、文号或存放位置）")
    with ctx.transaction() as s:
        e = live_row(s, Entity, entity_id, "经营主体不存在或已作废")
        if e.kind != ENTERPRISE:
            raise InputError("准入条件", "五项准入条件只适用于扶贫龙头企业")
        old = s.exec(select(EnterpriseCondition).where(EnterpriseCondition.entity_id == entity_id,
                                                       EnterpriseCondition.condition == condition,
                                                       EnterpriseCondition.voided == False)).first()  # noqa: E712
        row = old or EnterpriseCondition(entity_id=entity_id, condition=condition, evidence=text)
        row.evidence, row.recorded_on = text, ctx.today()
        s.add(row)
        s.flush()
        return row.id


def conditions(ctx: AppContext, entity_id: int) -> dict[str, str]:
    with ctx.read() as s:
        rows = s.exec(select(EnterpriseCondition).where(EnterpriseCondition.entity_id == entity_id,
                                                        EnterpriseCondition.voided == False)).all()  # noqa: E712
        return {r.condition: r.evidence for r in rows}


# ---------------------------------------------------------------- H10, H13, H14 (household form fields)


def clean_file_items(text: str) -> str:
    """The 一户一档 items typed with 、 between them, checked against the six of 十(三)2(9)."""
    items = [x.strip() for x in str(text or "").replace("，", "、").replace(",", "、").split("、") if x.strip()]
    unknown = [x for x in items if x not in FILE_ITEMS]
    if unknown:
        raise InputError("已归档材料", f"「{'、'.join(unknown)}」不是档案材料（{'、'.join(FILE_ITEMS)}）")
    return "、".join(x for x in FILE_ITEMS if x in items)


def check_three_names(investigator: str, entered_by: str, checked_by: str) -> None:
    """H14: 谁调查、谁审核 — the reviewer is not the investigator."""
    who, reviewer = _text(investigator), _text(checked_by)
    if who and reviewer and who == reviewer:
        raise InputError("审核人", f"不能与调查人为同一人（{who}）：谁调查、谁登记、谁审核，审核须另一人负责")


# ---------------------------------------------------------------- the dossier's 采购备案 tab (P22-P25)


@dataclass(frozen=True)
class AdjustmentRow:
    id: int
    filed_on: date
    approved_on: date | None
    content: str
    county_filed_on: date | None


@dataclass(frozen=True)
class ProjectDutiesView:
    plan_approved_on: date | None
    filed_on: date | None  # 扶贫云 (P07)
    supervision_entered_on: date | None  # 涉农资金监管系统 (P22)
    procurements: list[Procurement]
    delegations: list[Delegation]
    adjustments: list[AdjustmentRow]

    def adjustment_to_file(self) -> AdjustmentRow | None:
        """The first approved adjustment not yet filed with the county (P24)."""
        return next((a for a in self.adjustments if a.approved_on and not a.county_filed_on), None)


def project_duties(ctx: AppContext, project_id: int) -> ProjectDutiesView:
    with ctx.read() as s:
        p = _project(s, project_id)

        def live(model):
            return list(s.exec(select(model).where(model.project_id == project_id, model.voided == False)  # noqa: E712
                               .order_by(model.id)).all())

        adjustments = [AdjustmentRow(a.id, a.filed_on, a.approved_on, a.content, a.county_filed_on)
                       for a in live(Adjustment)]
        return ProjectDutiesView(p.plan_approved_on, p.filed_on, p.supervision_entered_on, live(Procurement),
                                 live(Delegation), adjustments)


def record_conditions(ctx: AppContext, entity_id: int, evidence: dict[str, str]) -> int:
    """L05: the evidence typed for several conditions at once, in one transaction; blank ones are left as
    they were. Returns how many were recorded."""
    typed = {c: _text(v) for c, v in evidence.items() if _text(v)}
    unknown = [c for c in typed if c not in CONDITIONS]
    if unknown:
        raise InputError(unknown[0], f"应为{'、'.join(CONDITIONS)}之一")
    with ctx.transaction() as s:
        e = live_row(s, Entity, entity_id, "经营主体不存在或已作废")
        if e.kind != ENTERPRISE:
            raise InputError("准入条件", "五项准入条件只适用于扶贫龙头企业")
        old = {r.condition: r for r in s.exec(select(EnterpriseCondition).where(
            EnterpriseCondition.entity_id == entity_id, EnterpriseCondition.voided == False))}  # noqa: E712
        for condition, text in typed.items():
            row = old.get(condition) or EnterpriseCondition(entity_id=entity_id, condition=condition, evidence=text)
            row.evidence, row.recorded_on = text, ctx.today()
            s.add(row)
    return len(typed)
