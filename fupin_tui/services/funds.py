"""报账: tranches (拨款), vouchers (报账凭证) and their lines, the deposit, fund overviews.

Every rule is judged in ``domain.disbursement``; this module gathers the facts
from the database, asks the rule, and writes in one transaction.  A voucher's
total is always recomputed from its live lines in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from fupin_tui.context import AppContext
from fupin_tui.db import refuse_if_changed
from fupin_tui.domain.text_check import fold_width
from fupin_tui.domain import disbursement as dis
from fupin_tui.domain.deadlines import Deadline, MoneyEvent
from fupin_tui.domain.lifecycle import Schedule
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.models.funds import Tranche, Voucher, VoucherLine
from fupin_tui.models.projects import BudgetLine, Project
from fupin_tui.models.registry import Household, Member
from fupin_tui.services.progress import ACTIVE_STATES, info_entry_dates, latest_work_share
from fupin_tui.services.voiding import live_row, require_reason, void

ZERO = dis.ZERO
SPENDING_LIST = "支出类别"


def _norm(text: str | None) -> str:
    return fold_width(text)  # not NFKC: it turned the clerk's ，（）： into ASCII


def roster_kinds(ctx: AppContext) -> tuple[str, ...]:
    """Spending kinds reimbursed by signed roster (codes list 支出类别, flag ``roster``)."""
    codes = ctx.codes
    return tuple(item for item in codes.items(SPENDING_LIST) if codes.flag(SPENDING_LIST, item, "roster"))


# ---------------------------------------------------------------- reading facts


def _live(q, model):
    return q.where(model.voided == False)  # noqa: E712


def _tranches(s: Session, project_id: int) -> list[Tranche]:
    return s.exec(_live(select(Tranche), Tranche).where(Tranche.project_id == project_id)
                  .order_by(Tranche.disbursed_on, Tranche.id)).all()


def _vouchers(s: Session, project_id: int) -> list[Voucher]:
    return s.exec(_live(select(Voucher), Voucher).where(Voucher.project_id == project_id)
                  .order_by(Voucher.made_on, Voucher.id)).all()


def _deposit_refunded(p: Project, withheld: Decimal) -> Decimal:
    return withheld if p.deposit_state == "已退还" else ZERO


def _project(s: Session, project_id: int) -> Project:
    p = s.get(Project, project_id)
    if p is None or p.voided:
        raise DomainError("项目不存在或已作废")
    return p


def fund_facts(s: Session, p: Project) -> dis.FundFacts:
    tranches = _tranches(s, p.id)
    vouchers = _vouchers(s, p.id)
    paid = tuple(dis.PaidTranche(t.seq, t.disbursed_on, t.amount, t.deposit_withheld) for t in tranches)
    withheld = sum((t.deposit_withheld for t in tranches), ZERO)
    work_share = latest_work_share(s, p.id)
    events = [MoneyEvent(t.disbursed_on, "拨款", f"第{t.seq}期") for t in tranches]
    events += [MoneyEvent(v.reimbursed_on, "报账", f"凭证{v.voucher_no}") for v in vouchers if v.reimbursed_on]
    return dis.FundFacts(
        mode=p.disbursement_mode, subsidy=p.subsidy,
        deposit=dis.deposit_due(p.subsidy, p.deposit_rate, p.deposit_amount),
        funds_released=p.plan_approved_on is not None and p.state in ACTIVE_STATES,
        closed=p.side_state if p.side_state in ("已收回", "已终止") else "",
        work_share=work_share, tranches=paid,
        reimbursed=sum((v.total for v in vouchers if v.reimbursed_on), ZERO),
        deposit_refunded=_deposit_refunded(p, withheld),
        money_events=tuple(events), info_entries=info_entry_dates(s, p.id),
        schedule=Schedule(p.planned_start, p.planned_end, p.plan_approved_on, p.started_on, p.completed_on,
                          p.force_majeure, work_share))


# ---------------------------------------------------------------- views


@dataclass(frozen=True)
class TrancheRow:
    seq: int
    share: Decimal
    threshold: Decimal
    planned: Decimal
    deposit: Decimal
    payable: Decimal
    paid: Decimal
    remaining: Decimal
    status: str  # 已拨 / 部分已拨 / 可拨 / 未到 — with the reason in the funds view


@dataclass(frozen=True)
class DisbursementRow:
    id: int
    seq: int
    disbursed_on: date
    amount: Decimal
    deposit_withheld: Decimal
    document_no: str
    created_by: str
    version: int = 0


@dataclass(frozen=True)
class BudgetBalance:
    id: int
    item: str
    spending_kind: str
    line_kind: str  # 发票 / 名册 (F06)
    amount: Decimal
    adjusted: Decimal | None
    limit: Decimal
    spent: Decimal

    @property
    def left(self) -> Decimal:
        return self.limit - self.spent

    @property
    def label(self) -> str:
        return f"{self.item}（{self.line_kind}，余{dis.format_money(self.left)}）"


@dataclass(frozen=True)
class LineRow:
    id: int
    budget_line_id: int
    budget_item: str
    kind: str
    amount: Decimal
    invoice_code: str
    invoice_no: str
    invoice_date: date | None
    seller: str
    attachments: int
    household_id: int | None
    household_no: str
    payee_name: str
    id_number: str
    signed_on: date | None
    note: str

    @property
    def detail(self) -> str:
        if self.kind == dis.INVOICE:
            return f"{self.invoice_no} {self.seller}"  # the code is on the printout; the number identifies it
        return f"{self.payee_name} {self.id_number}"


@dataclass(frozen=True)
class VoucherRow:
    id: int
    voucher_no: str
    made_on: date
    reimbursed_on: date | None
    tranche_seq: int | None
    total: Decimal
    is_final: bool
    note: str
    created_by: str
    lines: tuple[LineRow, ...] = ()
    version: int = 0

    @property
    def status(self) -> str:
        return ("已报账" if self.reimbursed_on else "待报账") + ("（最终）" if self.is_final else "")


@dataclass(frozen=True)
class ProjectFunds:
    """Everything the funds screen and the dossier's 报账 tab show for one project."""

    project_id: int
    name: str
    state: str
    mode: str
    subsidy: Decimal
    deposit: Decimal
    deposit_state: str
    deposit_changed_on: date | None
    work_share: Decimal
    plan: tuple[TrancheRow, ...]
    available: dis.Availability
    payments: tuple[DisbursementRow, ...]
    vouchers: tuple[VoucherRow, ...]
    budget: tuple[BudgetBalance, ...]
    totals: dis.FundTotals
    info_deadlines: tuple[Deadline, ...]
    reimburse_block: dis.RuleProblem | None
    final_deadline: Deadline | None
    accepted_on: date | None
    final_reimbursed_on: date | None
    version: int = 0  # the project's row_version as shown (deposit state changes check it)


def _spent_by_budget_line(s: Session, project_id: int) -> dict[int, Decimal]:
    rows = s.exec(
        select(VoucherLine.budget_line_id, VoucherLine.amount)
        .join(Voucher, Voucher.id == VoucherLine.voucher_id)
        .where(Voucher.project_id == project_id, Voucher.voided == False,  # noqa: E712
               VoucherLine.voided == False)).all()  # noqa: E712
    out: dict[int, Decimal] = {}
    for bl_id, amount in rows:
        out[bl_id] = out.get(bl_id, ZERO) + amount
    return out


def _budget_rows(s: Session, ctx: AppContext, project_id: int) -> list[BudgetBalance]:
    spent = _spent_by_budget_line(s, project_id)
    kinds = roster_kinds(ctx)
    tolerance = ctx.policy.budget_tolerance
    lines = s.exec(_live(select(BudgetLine), BudgetLine).where(BudgetLine.project_id == project_id)
                   .order_by(BudgetLine.id)).all()
    return [BudgetBalance(b.id, b.item, b.spending_kind, dis.line_kind_for(b.spending_kind, kinds), b.amount,
                      b.adjusted_amount, dis.budget_limit(b.amount, b.adjusted_amount, tolerance),
                      spent.get(b.id, ZERO)) for b in lines]


def _line_rows(s: Session, voucher_id: int) -> tuple[LineRow, ...]:
    rows = s.exec(
        select(VoucherLine, BudgetLine.item, Household.household_no)
        .join(BudgetLine, BudgetLine.id == VoucherLine.budget_line_id)
        .join(Household, Household.id == VoucherLine.household_id, isouter=True)
        .where(VoucherLine.voucher_id == voucher_id, VoucherLine.voided == False)  # noqa: E712
        .order_by(VoucherLine.id)).all()
    return tuple(LineRow(l.id, l.budget_line_id, item, l.kind, l.amount, l.invoice_code, l.invoice_no,
                         l.invoice_date, l.seller, l.attachments, l.household_id, hh or "", l.payee_name,
                         l.id_number, l.signed_on, l.note) for l, item, hh in rows)


def _voucher_row(s: Session, v: Voucher, seqs: dict[int, int]) -> VoucherRow:
    return VoucherRow(v.id, v.voucher_no, v.made_on, v.reimbursed_on, seqs.get(v.tranche_id or -1), v.total,
                      v.is_final, v.note, v.created_by, _line_rows(s, v.id), v.row_version)


def _status(t: dis.TranchePlan, current: dis.TranchePlan | None, av: dis.Availability) -> str:
    if t.remaining == 0:
        return "已拨"
    if current is not None and t.seq == current.seq:
        return "可拨" if av.allowed else "暂不可拨"
    return "部分已拨" if t.paid else "未到"


def project_funds(ctx: AppContext, project_id: int) -> ProjectFunds:
    today, policy = ctx.today(), ctx.policy
    with ctx.read() as s:
        p = _project(s, project_id)
        facts = fund_facts(s, p)
        plan = dis.tranche_plan(facts.mode, facts.subsidy, facts.deposit, policy, facts.tranches)
        av = dis.availability(facts, policy, today)
        current = dis.current_tranche(plan)
        rows = tuple(TrancheRow(t.seq, t.share, t.threshold, t.planned, t.deposit, t.payable, t.paid,
                                t.remaining, _status(t, current, av)) for t in plan)
        tranches = _tranches(s, p.id)
        seqs = {t.id: t.seq for t in tranches}
        payments = tuple(DisbursementRow(t.id, t.seq, t.disbursed_on, t.amount, t.deposit_withheld, t.document_no,
                                    t.created_by, t.row_version) for t in tranches)
        vouchers = tuple(_voucher_row(s, v, seqs) for v in _vouchers(s, p.id))
        totals = dis.FundTotals(approved=p.subsidy, disbursed=facts.disbursed, reimbursed=facts.reimbursed,
                                deposit_held=_deposit_held(p, facts.withheld), projects=1)
        return ProjectFunds(
            project_id=p.id, name=p.name, state=p.state, mode=p.disbursement_mode, subsidy=p.subsidy,
            deposit=facts.deposit, deposit_state=p.deposit_state, deposit_changed_on=p.deposit_changed_on,
            work_share=facts.work_share, plan=rows, available=av, payments=payments, vouchers=vouchers,
            budget=tuple(_budget_rows(s, ctx, p.id)), totals=totals,
            info_deadlines=tuple(dis.info_entry_deadlines(facts, policy, today)),
            reimburse_block=dis.info_entry_block(facts, policy, today),
            final_deadline=dis.final_reimbursement_deadline(p.accepted_on, p.acceptance_grade,
                                                            p.final_reimbursed_on, policy, today),
            accepted_on=p.accepted_on, final_reimbursed_on=p.final_reimbursed_on, version=p.row_version)


def _deposit_held(p: Project, withheld: Decimal) -> Decimal:
    return withheld if p.deposit_state in ("", "已收取") else ZERO


# ---------------------------------------------------------------- tranches


def disburse(ctx: AppContext, project_id: int, amount: Decimal, disbursed_on: date, *, document_no: str = "",
             note: str = "") -> int:
    """拨款: refused unless F02, F03 and P13 allow it; the last tranche withholds the deposit."""
    if amount is None:
        raise InputError("拨款金额", "不能为空")
    if disbursed_on is None:
        raise InputError("拨款日期", "不能为空")
    if disbursed_on > ctx.today():
        raise InputError("拨款日期", "不能晚于今天")
    with ctx.transaction() as s:
        p = _project(s, project_id)
        if p.plan_approved_on and disbursed_on < p.plan_approved_on:
            raise InputError("拨款日期", f"不能早于方案批复日期（{p.plan_approved_on.isoformat()}）")
        facts = fund_facts(s, p)
        t = dis.check_disbursement(facts, amount, ctx.policy, ctx.today())
        deposit = dis.deposit_to_withhold(t)
        row = Tranche(project_id=p.id, seq=t.seq, disbursed_on=disbursed_on, amount=amount,
                      deposit_withheld=deposit, document_no=_norm(document_no), note=_norm(note))
        s.add(row)
        if deposit:
            p.deposit_amount, p.deposit_state, p.deposit_changed_on = deposit, "已收取", disbursed_on
            s.add(p)
        s.flush()
        return row.id


def void_tranche(ctx: AppContext, tranche_id: int, reason: str, *, loaded_version: int | None = None) -> None:
    """A mistyped disbursement is voided (never deleted); vouchers must still fit what remains."""
    reason = require_reason(reason)
    with ctx.transaction() as s:
        t = live_row(s, Tranche, tranche_id, "该拨款记录不存在或已作废", loaded_version=loaded_version,
                     what="这笔拨款")
        void(s, t, reason)
        s.flush()
        p = _project(s, t.project_id)
        if t.deposit_withheld and p.deposit_state == "已收取":
            p.deposit_state, p.deposit_changed_on = "", None
            s.add(p)
        facts = fund_facts(s, p)
        if facts.reimbursed > facts.disbursed:
            raise DomainError(f"作废后已拨付{dis.yuan(facts.disbursed)}，少于已报账{dis.yuan(facts.reimbursed)}，"
                              "请先作废相应凭证", rule="F03", section=dis.SECTIONS["F03"])


# ---------------------------------------------------------------- vouchers


@dataclass
class LineInput:
    """One voucher line as typed: invoice fields or roster fields, by the budget line's kind."""

    budget_line_id: int | None
    amount: Decimal | None
    invoice_code: str = ""
    invoice_no: str = ""
    invoice_date: date | None = None
    seller: str = ""
    attachments: int = 0
    household_id: int | None = None
    id_number: str = ""
    signed_on: date | None = None
    note: str = ""
    payee_name: str = ""  # a 技工补助/培训务工补助 roster line for a person outside the registry


def next_voucher_no(ctx: AppContext, year: int | None = None) -> str:
    year = year or ctx.today().year
    prefix = f"BZ{year}-"
    with ctx.read() as s:
        nos = s.exec(select(Voucher.voucher_no).where(col(Voucher.voucher_no).like(f"{prefix}%"))).all()
    seq = max((int(n[len(prefix):]) for n in nos if n[len(prefix):].isdigit()), default=0) + 1
    return f"{prefix}{seq:03d}"


def _first_use_of_invoice(s: Session, code: str, no: str) -> str | None:
    hit = s.exec(
        select(Voucher.voucher_no, Project.name)
        .join(VoucherLine, VoucherLine.voucher_id == Voucher.id)
        .join(Project, Project.id == Voucher.project_id)
        .where(VoucherLine.invoice_code == code, VoucherLine.invoice_no == no, VoucherLine.kind == dis.INVOICE,
               VoucherLine.voided == False, Voucher.voided == False)  # noqa: E712
        .order_by(Voucher.id)).first()
    return f"凭证{hit[0]}（{hit[1]}）" if hit else None


def _field(where: str, name: str) -> str:
    return f"{where}{name}" if where else name


def _add_line(ctx: AppContext, s: Session, v: Voucher, li: LineInput, where: str,
              kinds: tuple[str, ...]) -> VoucherLine:
    if not li.budget_line_id:
        raise InputError(_field(where, "概算项目"), "请选择对应的概算项目")
    if li.amount is None:
        raise InputError(_field(where, "金额"), "不能为空")
    if li.amount <= 0:
        raise InputError(_field(where, "金额"), "必须大于零")
    bl = s.get(BudgetLine, li.budget_line_id)
    if bl is None or bl.voided or bl.project_id != v.project_id:
        raise InputError(_field(where, "概算项目"), "不是本项目实施方案中的概算项目")
    kind = dis.line_kind_for(bl.spending_kind, kinds)
    line = VoucherLine(voucher_id=v.id, budget_line_id=bl.id, kind=kind, amount=li.amount, note=_norm(li.note))
    if kind == dis.INVOICE:
        if li.household_id or li.id_number:
            dis.refuse_if(dis.wrong_line_kind(bl.item, bl.spending_kind, dis.ROSTER, kinds))
        code, no = _norm(li.invoice_code), _norm(li.invoice_no)
        for name, value in (("发票代码", code), ("发票号码", no), ("开票日期", li.invoice_date),
                            ("销售方", _norm(li.seller))):
            if not value:
                raise InputError(_field(where, name), "税务发票须填写")
        if li.attachments is not None and li.attachments < 0:
            raise InputError(_field(where, "附件张数"), "不能为负数")
        first = _first_use_of_invoice(s, code, no)
        if first:
            raise InputError(_field(where, "发票号码"), f"发票{code}-{no}已在{first}中报账，不能重复使用")
        line.invoice_code, line.invoice_no, line.invoice_date = code, no, li.invoice_date
        line.seller, line.attachments = _norm(li.seller), li.attachments or 0
    else:
        if li.invoice_no or li.invoice_code:
            dis.refuse_if(dis.wrong_line_kind(bl.item, bl.spending_kind, dis.INVOICE, kinds))
        if not li.household_id and bl.spending_kind in dis.PERSON_ROSTER_KINDS:
            _person_roster_line(ctx, line, li, where)
        elif not li.household_id:
            raise InputError(_field(where, "农户"), "直接补助到户的名册须从建档立卡户中选择农户")
    if line.kind == dis.ROSTER and li.household_id:
        id_number = _norm(li.id_number).upper()
        if not id_number:
            raise InputError(_field(where, "身份证号"), "不能为空")
        if li.signed_on is None:
            raise InputError(_field(where, "签字日期"), "名册须有领款人签字日期")
        hh = s.get(Household, li.household_id)
        if hh is None or hh.voided:
            raise InputError(_field(where, "农户"), "在建档立卡名册中找不到该户")
        member = s.exec(select(Member).where(Member.household_id == hh.id, Member.id_number == id_number,
                                             Member.voided == False)).first()  # noqa: E712
        if member is None:
            raise InputError(_field(where, "身份证号"), f"不是{hh.head_name}户（{hh.household_no}）成员的身份证号")
        line.household_id, line.id_number, line.payee_name = hh.id, id_number, member.name
        line.signed_on = li.signed_on
    spent = _spent_by_budget_line(s, v.project_id).get(bl.id, ZERO)
    dis.refuse_if(dis.over_budget_line(bl.item, bl.amount, bl.adjusted_amount, spent, li.amount,
                                       ctx.policy.budget_tolerance))
    s.add(line)
    s.flush()  # the next line's budget and invoice checks see this one
    return line


def _person_roster_line(ctx: AppContext, line: VoucherLine, li: LineInput, where: str) -> None:
    """技工补助/培训务工补助 (六(三)): any person — name, a valid ID number, signature date."""
    from fupin_tui.domain.idcard import InvalidIdNumber, parse_id

    name = _norm(li.payee_name)
    if not name:
        raise InputError(_field(where, "领款人"), "请填写领款人姓名（技工、培训务工人员不必是建档立卡户）")
    try:
        info = parse_id(li.id_number, today=ctx.today())
    except InvalidIdNumber as exc:
        raise InputError(_field(where, "身份证号"), str(exc)) from None
    if li.signed_on is None:
        raise InputError(_field(where, "签字日期"), "名册须有领款人签字日期")
    line.payee_name, line.id_number, line.signed_on = name, info.number, li.signed_on


def _recompute_total(s: Session, v: Voucher) -> None:
    """The voucher's total is the sum of its live lines: computed here, never typed."""
    s.flush()
    v.total = sum((l.amount for l in s.exec(select(VoucherLine).where(
        VoucherLine.voucher_id == v.id, VoucherLine.voided == False))), ZERO)  # noqa: E712
    s.add(v)


def _editable_voucher(s: Session, voucher_id: int, loaded_version: int | None = None) -> Voucher:
    v = s.get(Voucher, voucher_id)
    if v is None or v.voided:
        raise DomainError("该凭证不存在或已作废")
    refuse_if_changed(v, loaded_version, f"凭证{v.voucher_no}")
    if v.reimbursed_on:
        raise DomainError(f"凭证{v.voucher_no}已于{v.reimbursed_on.isoformat()}报账，不能再修改")
    return v


def _integrity(exc: IntegrityError) -> DomainError:
    if "invoice" in str(exc.orig):
        return InputError("发票号码", "该发票已在其他凭证中报账，不能重复使用")
    return DomainError(f"保存失败：{exc.orig}")


class _DryRun(Exception):
    """Raised inside the transaction to roll a check-only save back."""


def check_voucher(ctx: AppContext, project_id: int, lines: Sequence[LineInput], *, made_on: date,
                  voucher_no: str = "") -> None:
    """Run every check of ``create_voucher`` and roll back: early feedback while lines are typed."""
    try:
        create_voucher(ctx, project_id, lines, made_on=made_on, voucher_no=voucher_no, _dry_run=True)
    except _DryRun:
        pass


def create_voucher(ctx: AppContext, project_id: int, lines: Sequence[LineInput], *, made_on: date,
                   voucher_no: str = "", is_final: bool = False, note: str = "", _dry_run: bool = False) -> int:
    """A voucher with its lines, all in one transaction; the total is the sum of the lines."""
    if made_on is None:
        raise InputError("制单日期", "不能为空")
    if made_on > ctx.today():
        raise InputError("制单日期", "不能晚于今天")
    if not lines:
        raise InputError("明细", "至少要有一行报账明细")
    voucher_no = _norm(voucher_no) or next_voucher_no(ctx, made_on.year)
    kinds = roster_kinds(ctx)
    try:
        with ctx.transaction() as s:
            p = _project(s, project_id)
            if s.exec(select(Voucher).where(Voucher.voucher_no == voucher_no, Voucher.voided == False)).first():  # noqa: E712
                raise InputError("凭证号", f"{voucher_no}已被使用")
            tranches = _tranches(s, p.id)
            v = Voucher(project_id=p.id, voucher_no=voucher_no, made_on=made_on, is_final=is_final,
                        tranche_id=tranches[-1].id if tranches else None, note=_norm(note))
            s.add(v)
            s.flush()
            for i, li in enumerate(lines, start=1):
                _add_line(ctx, s, v, li, f"第{i}行" if len(lines) > 1 else "", kinds)
            _recompute_total(s, v)
            if _dry_run:
                raise _DryRun
            return v.id
    except IntegrityError as exc:
        raise _integrity(exc) from None


def add_lines(ctx: AppContext, voucher_id: int, lines: Sequence[LineInput], *,
              loaded_version: int | None = None) -> None:
    kinds = roster_kinds(ctx)
    try:
        with ctx.transaction() as s:
            v = _editable_voucher(s, voucher_id, loaded_version)
            for i, li in enumerate(lines, start=1):
                _add_line(ctx, s, v, li, f"第{i}行" if len(lines) > 1 else "", kinds)
            _recompute_total(s, v)
    except IntegrityError as exc:
        raise _integrity(exc) from None


def void_line(ctx: AppContext, line_id: int, reason: str, *, loaded_version: int | None = None) -> None:
    reason = require_reason(reason)
    with ctx.transaction() as s:
        line = live_row(s, VoucherLine, line_id, "该明细不存在或已作废", loaded_version=loaded_version,
                        what="这条凭证明细")
        v = _editable_voucher(s, line.voucher_id)
        void(s, line, reason)
        _recompute_total(s, v)


def void_voucher(ctx: AppContext, voucher_id: int, reason: str, *, loaded_version: int | None = None) -> None:
    """作废 a voucher with its lines; a reimbursed one too (a correction), its money is then unaccounted."""
    reason = require_reason(reason)
    with ctx.transaction() as s:
        v = live_row(s, Voucher, voucher_id, "该凭证不存在或已作废", loaded_version=loaded_version, what="这张凭证")
        if v.is_final and v.reimbursed_on:
            raise DomainError(f"凭证{v.voucher_no}是已办理的最终报账，项目已转入已报账，不能作废",
                              rule="F04", section=dis.SECTIONS["F04"])
        for line in s.exec(select(VoucherLine).where(VoucherLine.voucher_id == v.id, VoucherLine.voided == False)):  # noqa: E712
            void(s, line, f"随凭证作废：{reason}")
        void(s, v, reason)


def reimburse(ctx: AppContext, voucher_id: int, reimbursed_on: date, *, loaded_version: int | None = None) -> None:
    """报账: the voucher's money is accounted for; refused by F03, P13 and (final) F04."""
    if reimbursed_on is None:
        raise InputError("报账日期", "不能为空")
    if reimbursed_on > ctx.today():
        raise InputError("报账日期", "不能晚于今天")
    with ctx.transaction() as s:
        v = _editable_voucher(s, voucher_id, loaded_version)
        if reimbursed_on < v.made_on:
            raise InputError("报账日期", f"不能早于制单日期（{v.made_on.isoformat()}）")
        p = _project(s, v.project_id)
        facts = fund_facts(s, p)
        if v.is_final:
            plan = dis.tranche_plan(facts.mode, facts.subsidy, facts.deposit, ctx.policy, facts.tranches)
            dis.refuse_if(dis.final_reimbursement_problem(p.accepted_on, p.acceptance_grade, plan))
        dis.check_reimbursement(facts, v.total, ctx.policy, ctx.today())
        v.reimbursed_on = reimbursed_on
        s.add(v)
        if v.is_final:  # the life cycle moves the project to 已报账 in this same transaction
            from fupin_tui.services.projects import mark_final_reimbursement

            mark_final_reimbursement(ctx, s, p.id, reimbursed_on, f"报账凭证{v.voucher_no}")


# ---------------------------------------------------------------- deposit
# Refund (退还) or transfer (转入) after acceptance is a state change of the project,
# kept in one place: ``services.projects.set_deposit_state`` (P21).  Here the
# withheld amount is only recorded when the last tranche is paid (``disburse``).


# ---------------------------------------------------------------- households for roster lines


@dataclass(frozen=True)
class PayeeChoice:
    household_id: int
    household_no: str
    name: str
    id_number: str
    village: str

    @property
    def label(self) -> str:
        return f"{self.name} {self.id_number}（{self.household_no}）"


def find_payees(ctx: AppContext, text: str, limit: int = 30) -> list[PayeeChoice]:
    """Registry members matching a name, ID number or household number, for roster lines."""
    from fupin_tui.models.settings import Village

    text = _norm(text)
    if not text:
        return []
    like = f"%{text}%"
    with ctx.read() as s:
        q = (select(Member, Household.household_no, Village.name)
             .join(Household, Household.id == Member.household_id)
             .join(Village, Village.id == Household.village_id)
             .where(Member.voided == False, Household.voided == False)  # noqa: E712
             .where(col(Member.name).like(like) | col(Member.id_number).like(like.upper())
                    | col(Household.household_no).like(like) | col(Household.search_keys).like(like))
             .order_by(Household.household_no, Member.id).limit(limit))
        return [PayeeChoice(m.household_id, hh, m.name, m.id_number, vname) for m, hh, vname in s.exec(q)]


# ---------------------------------------------------------------- township overview (F08)


@dataclass(frozen=True)
class OverviewRow:
    project_id: int
    year: int
    name: str
    state: str
    category: str
    totals: dis.FundTotals


@dataclass(frozen=True)
class TownshipFunds:
    rows: tuple[OverviewRow, ...]
    totals: dis.FundTotals
    allocation: tuple[dis.AllocationRow, ...]
    year: int | None


def _sum_by_project(s: Session, model, amount_col, extra=None) -> dict[int, Decimal]:
    """Per-project sums in fen through SQL would lose the Money type; sum in Python instead."""
    out: dict[int, Decimal] = {}
    q = select(model.project_id, amount_col).where(model.voided == False)  # noqa: E712
    if extra is not None:
        q = q.where(extra)
    for pid, amount in s.exec(q):
        out[pid] = out.get(pid, ZERO) + (amount or ZERO)
    return out


def township_funds(ctx: AppContext, year: int | None = None) -> TownshipFunds:
    """Approved, disbursed, reimbursed, balance and deposit held per project and in total; F08 split."""
    with ctx.read() as s:
        q = _live(select(Project), Project).where(col(Project.state).in_(ACTIVE_STATES + ("已移交", "已归档")))
        if year:
            q = q.where(Project.year == year)
        projects = s.exec(q.order_by(Project.year, Project.id)).all()
        paid = _sum_by_project(s, Tranche, Tranche.amount)
        withheld = _sum_by_project(s, Tranche, Tranche.deposit_withheld)
        reimbursed = _sum_by_project(s, Voucher, Voucher.total, col(Voucher.reimbursed_on).is_not(None))
        rows = []
        for p in projects:
            w = withheld.get(p.id, ZERO)
            t = dis.FundTotals(approved=p.subsidy, disbursed=paid.get(p.id, ZERO) + _deposit_refunded(p, w),
                               reimbursed=reimbursed.get(p.id, ZERO), deposit_held=_deposit_held(p, w), projects=1)
            rows.append(OverviewRow(p.id, p.year, p.name, p.state, p.category, t))
    total = dis.FundTotals(
        approved=sum((r.totals.approved for r in rows), ZERO), disbursed=sum((r.totals.disbursed for r in rows), ZERO),
        reimbursed=sum((r.totals.reimbursed for r in rows), ZERO),
        deposit_held=sum((r.totals.deposit_held for r in rows), ZERO), projects=len(rows))
    split = dis.allocation_split(((r.category, r.totals.approved) for r in rows), ctx.policy.allocation_ratio)
    return TownshipFunds(tuple(rows), total, tuple(split), year)
