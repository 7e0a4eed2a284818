"""利益联结: entities funded by a project, their members, quantified shares, dividends (L01-L04).

The checks live in ``domain.linkage``; this module stores the records and
gathers each entity's facts for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from fupin_tui.context import AppContext
from fupin_tui.domain.text_check import fold_width
from fupin_tui.domain import linkage as rules
from fupin_tui.domain.disbursement import RuleProblem
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.models.funds import CollectiveIncome, Dividend, Entity, EntityMember, Share
from fupin_tui.models.projects import Project
from fupin_tui.models.registry import REGISTERED, RETURNED, Household

ENTITY_KINDS = ("合作社", "村集体", "企业")
POOR_STATUSES = (REGISTERED, RETURNED)  # households that count as poor members


def _norm(text: str | None) -> str:
    return fold_width(text)  # not NFKC: it turned the clerk's ，（）： into ASCII


@dataclass(frozen=True)
class ShareRow:
    id: int
    household_id: int
    household_no: str
    head_name: str
    amount: Decimal
    mode: str
    dividends: tuple[tuple[int, Decimal, Decimal], ...]  # (year, amount, proceeds)


@dataclass(frozen=True)
class EntityRow:
    id: int
    kind: str
    name: str
    project_id: int | None
    funded_amount: Decimal
    members: int
    poor_members: int
    shares: tuple[ShareRow, ...]
    incomes: tuple[tuple[int, Decimal, Decimal, Decimal], ...]  # (year, net, increase, poor support)
    problems: tuple[RuleProblem, ...]


def add_entity(ctx: AppContext, project_id: int, *, kind: str, name: str, funded_amount: Decimal = Decimal("0"),
               registered_on: date | None = None) -> int:
    if kind not in ENTITY_KINDS:
        raise InputError("主体类型", f"应为{'、'.join(ENTITY_KINDS)}之一")
    name = _norm(name)
    if not name:
        raise InputError("名称", "不能为空")
    if funded_amount is None or funded_amount < 0:
        raise InputError("扶持资金", "不能为负数")
    with ctx.transaction() as s:
        p = s.get(Project, project_id)
        if p is None or p.voided:
            raise DomainError("项目不存在或已作废")
        e = Entity(kind=kind, name=name, village_id=p.village_id, project_id=p.id, funded_amount=funded_amount,
                   registered_on=registered_on)
        s.add(e)
        s.flush()
        return e.id


def _entity(s: Session, entity_id: int) -> Entity:
    e = s.get(Entity, entity_id)
    if e is None or e.voided:
        raise DomainError("该经营主体不存在或已作废")
    return e


def add_member(ctx: AppContext, entity_id: int, *, name: str = "", household_id: int | None = None) -> int:
    """A member; one from the registry counts as poor when the household is 在册 or 返贫 (L01)."""
    with ctx.transaction() as s:
        _entity(s, entity_id)
        is_poor = False
        if household_id:
            hh = s.get(Household, household_id)
            if hh is None or hh.voided:
                raise InputError("农户", "在建档立卡名册中找不到该户")
            name = name or hh.head_name
            is_poor = hh.status in POOR_STATUSES
        name = _norm(name)
        if not name:
            raise InputError("社员姓名", "不能为空")
        m = EntityMember(entity_id=entity_id, household_id=household_id, name=name, is_poor=is_poor)
        s.add(m)
        s.flush()
        return m.id


def add_share(ctx: AppContext, entity_id: int, household_id: int, amount: Decimal, mode: str = rules.GUARANTEED) -> int:
    if mode not in rules.DIVIDEND_MODES:
        raise InputError("分红方式", f"应为{'、'.join(rules.DIVIDEND_MODES)}之一")
    if amount is None or amount <= 0:
        raise InputError("量化入股金额", "必须大于零")
    with ctx.transaction() as s:
        _entity(s, entity_id)
        hh = s.get(Household, household_id)
        if hh is None or hh.voided:
            raise InputError("农户", "在建档立卡名册中找不到该户")
        share = Share(entity_id=entity_id, household_id=household_id, amount=amount, dividend_mode=mode)
        s.add(share)
        s.flush()
        return share.id


def record_dividend(ctx: AppContext, share_id: int, year: int, amount: Decimal, *, proceeds: Decimal = Decimal("0"),
                    paid_on: date | None = None) -> int:
    """Store a year's dividend even when it breaks L03/L04: the 体检 shows the finding."""
    if amount is None or amount < 0:
        raise InputError("分红金额", "不能为负数")
    if proceeds is None or proceeds < 0:
        raise InputError("股份收益", "不能为负数")
    if not 2000 <= year <= ctx.today().year:
        raise InputError("年度", f"应在2000到{ctx.today().year}之间")
    with ctx.transaction() as s:
        share = s.get(Share, share_id)
        if share is None or share.voided:
            raise DomainError("该股份不存在或已作废")
        clash = s.exec(select(Dividend).where(Dividend.share_id == share_id, Dividend.year == year,
                                              Dividend.voided == False)).first()  # noqa: E712
        if clash:
            raise InputError("年度", f"{year}年的分红已登记（{clash.amount}元，{clash.created_by or '其他经办人'} 于 "
                                   f"{clash.created_at:%Y-%m-%d %H:%M} 登记），如需更正请先作废")
        d = Dividend(share_id=share_id, year=year, amount=amount, proceeds=proceeds, paid_on=paid_on)
        s.add(d)
        s.flush()
        return d.id


def record_collective_income(ctx: AppContext, entity_id: int, year: int, *, net_income: Decimal, increase: Decimal,
                             poor_support: Decimal) -> int:
    for label, value in (("年纯收入", net_income), ("用于贫困户金额", poor_support)):
        if value is None or value < 0:
            raise InputError(label, "不能为负数")
    if increase is None:
        raise InputError("年增收", "不能为空")
    with ctx.transaction() as s:
        e = _entity(s, entity_id)
        if e.kind != "村集体":
            raise InputError("主体类型", "只有村集体登记年纯收入")
        clash = s.exec(select(CollectiveIncome).where(CollectiveIncome.entity_id == entity_id,
                                                      CollectiveIncome.year == year,
                                                      CollectiveIncome.voided == False)).first()  # noqa: E712
        if clash:  # two windows entering the same year: the second does not add a rival figure
            raise InputError("年度", f"{year}年的年纯收入已登记（{clash.net_income}元，{clash.created_by or '其他经办人'} 于 "
                                   f"{clash.created_at:%Y-%m-%d %H:%M} 登记），如需更正请先作废")
        row = CollectiveIncome(entity_id=entity_id, year=year, net_income=net_income, increase=increase,
                               poor_support=poor_support,
                               share_to_poor=(poor_support / net_income).quantize(Decimal("0.0001")) if net_income else None)
        s.add(row)
        s.flush()
        return row.id


def _live(q, model):
    return q.where(model.voided == False)  # noqa: E712


def entity_problems(kind: str, members: int, poor: int, shares: tuple[ShareRow, ...],
                    incomes: tuple[tuple[int, Decimal, Decimal, Decimal], ...], policy) -> list[RuleProblem]:
    out: list[RuleProblem] = []
    if kind == "合作社":
        out += rules.coop_poor_share(members, poor, policy)
    if kind == "村集体":
        for year, net, inc, support in incomes:
            out += rules.collective_income(year, net, inc, support, policy)
    for sh in shares:
        years = [rules.DividendYear(y, a, p) for y, a, p in sh.dividends]
        for problem in rules.dividend_problems(sh.mode, sh.amount, years, policy):
            out.append(type(problem)(problem.rule, f"{sh.head_name}户：{problem.message}"))
    return out


def entities(ctx: AppContext, project_id: int) -> list[EntityRow]:
    """The project's entities with members, shares, dividends and what L01-L04 find."""
    policy = ctx.policy
    out = []
    with ctx.read() as s:
        for e in s.exec(_live(select(Entity), Entity).where(Entity.project_id == project_id).order_by(Entity.id)):
            members = s.exec(_live(select(EntityMember), EntityMember).where(EntityMember.entity_id == e.id)).all()
            shares = []
            for sh, hh_no, head in s.exec(
                    select(Share, Household.household_no, Household.head_name)
                    .join(Household, Household.id == Share.household_id)
                    .where(Share.entity_id == e.id, Share.voided == False).order_by(Share.id)):  # noqa: E712
                divs = s.exec(_live(select(Dividend), Dividend).where(Dividend.share_id == sh.id)
                              .order_by(Dividend.year)).all()
                shares.append(ShareRow(sh.id, sh.household_id, hh_no, head, sh.amount, sh.dividend_mode,
                                       tuple((d.year, d.amount, d.proceeds) for d in divs)))
            incomes = tuple((c.year, c.net_income, c.increase, c.poor_support) for c in s.exec(
                _live(select(CollectiveIncome), CollectiveIncome).where(CollectiveIncome.entity_id == e.id)
                .order_by(CollectiveIncome.year)))
            poor = sum(1 for m in members if m.is_poor)
            problems = entity_problems(e.kind, len(members), poor, tuple(shares), incomes, policy)
            out.append(EntityRow(e.id, e.kind, e.name, e.project_id, e.funded_amount, len(members), poor,
                                 tuple(shares), incomes, tuple(problems)))
    return out


def household_id_by_no(ctx: AppContext, household_no: str) -> int:
    """The registry household with this 户编号, for members and shares typed by number."""
    household_no = _norm(household_no)
    if not household_no:
        raise InputError("户编号", "不能为空")
    with ctx.read() as s:
        hh = s.exec(select(Household).where(Household.household_no == household_no,
                                            Household.voided == False)).first()  # noqa: E712
        if hh is None:
            raise InputError("户编号", f"建档立卡名册中没有户编号{household_no}")
        return hh.id
