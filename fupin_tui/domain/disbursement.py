"""Disbursement (拨款) and reimbursement (报账) rules: RULES.md F02-F08 and P13's block.

Pure: the funds service hands in plain facts (``FundFacts``, amounts, dates),
the policy and today; out come plans, what is available now and why, and
``RuleProblem`` rows carrying the rule id.  Each rule lives in one function here:
the service raises ``problem.error()`` to refuse an action, and the 体检 rule
engine lists the same problems as findings.

Due dates come from ``domain.deadlines`` (P13, F04), so the working-day
arithmetic has one home.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fupin_tui.domain.deadlines import Deadline, MoneyEvent, ProjectDates, project_deadlines
from fupin_tui.domain.errors import DomainError
from fupin_tui.domain.lifecycle import Schedule, schedule_block
from fupin_tui.domain.money import format_money, quantize_money

MODE_532 = "532"
MODE_AFTER = "先建后补"
MODES = (MODE_532, MODE_AFTER)
INVOICE = "发票"
ROSTER = "名册"
ZERO = Decimal("0.00")

SECTIONS = {
    "F01": "六(一)", "F02": "六(二)", "F03": "六(二)", "F04": "六(二)", "F05": "六(三)",
    "F06": "六(三)", "F07": "六(三)", "F08": "六(二)", "P13": "三(八)", "P14": "三(三)、三(八)", "P21": "三(七)",
}

# Under 532 the second request goes in together with the reimbursement of the
# first tranche (六(二): 完成工程总量的**%以上时,可提出报账及第二次拨款申请).
REIMBURSED_BEFORE = {2: 1}

# Project categories (codes list 项目类别) that the allocation ratio (F08) names
# differently; a category the ratio names itself maps to itself, others to 其他.
ALLOCATION_ALIASES = {"就业": "培训与就业", "培训": "培训与就业", "危房改造": "生活条件改善"}


def yuan(x: Decimal) -> str:
    return f"{format_money(x)}元"


def pct(x: Decimal) -> str:
    return f"{(Decimal(x) * 100).quantize(Decimal('0.1')).normalize():f}%"


@dataclass(frozen=True)
class RuleProblem:
    """A rule an action or the data breaks: what to tell the clerk, and the rule id."""

    rule: str
    message: str

    @property
    def section(self) -> str:
        return SECTIONS[self.rule]

    def error(self) -> DomainError:
        return DomainError(self.message, rule=self.rule, section=self.section)

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def refuse_if(problem: RuleProblem | None) -> None:
    if problem is not None:
        raise problem.error()


# ---------------------------------------------------------------- facts


@dataclass(frozen=True)
class PaidTranche:
    seq: int
    on: date
    amount: Decimal  # cash paid out
    deposit_withheld: Decimal = ZERO


@dataclass(frozen=True)
class FundFacts:
    """One project's money as the rules see it."""

    mode: str
    subsidy: Decimal
    deposit: Decimal  # quality deposit to withhold from the last tranche (P21)
    funds_released: bool = True  # implementation plan approved (方案批复)
    closed: str = ""  # 已收回 / 已终止: nothing more is paid
    work_share: Decimal = Decimal("0")  # latest progress report
    tranches: tuple[PaidTranche, ...] = ()
    reimbursed: Decimal = ZERO  # sum of reimbursed vouchers
    deposit_refunded: Decimal = ZERO  # paid back to the implementer after acceptance
    money_events: tuple[MoneyEvent, ...] = ()
    info_entries: tuple[date, ...] = ()  # dates progress info was entered (P13)
    schedule: Schedule | None = None  # plan and progress, for P14's stop on funds

    @property
    def paid(self) -> Decimal:
        return sum((t.amount for t in self.tranches), ZERO)

    @property
    def withheld(self) -> Decimal:
        return sum((t.deposit_withheld for t in self.tranches), ZERO)

    @property
    def disbursed(self) -> Decimal:
        """Cash that reached the project: tranches plus a refunded deposit."""
        return self.paid + self.deposit_refunded


# ---------------------------------------------------------------- F02 plan


@dataclass(frozen=True)
class TranchePlan:
    seq: int
    share: Decimal  # of the subsidy
    threshold: Decimal  # share of the work that must be done first
    planned: Decimal  # share x subsidy (the last takes the rounding rest)
    deposit: Decimal  # withheld from this tranche (the last one only)
    paid: Decimal
    last: bool = False  # the tranche that withholds the deposit

    @property
    def payable(self) -> Decimal:
        return self.planned - self.deposit

    @property
    def remaining(self) -> Decimal:
        return max(self.payable - self.paid, ZERO)


def shares_for(mode: str, policy) -> tuple[tuple[Decimal, ...], tuple[Decimal, ...]]:
    """(shares, progress thresholds) of the tranches under a disbursement mode."""
    if mode == MODE_AFTER:
        return (Decimal(1),), (Decimal(1),)
    return tuple(policy.tranche_shares), tuple(policy.tranche_progress)


def tranche_plan(mode: str, subsidy: Decimal, deposit: Decimal, policy,
                 tranches: Iterable[PaidTranche] = ()) -> list[TranchePlan]:
    shares, thresholds = shares_for(mode, policy)
    paid: dict[int, Decimal] = {}
    for t in tranches:
        paid[t.seq] = paid.get(t.seq, ZERO) + t.amount
    plan, used = [], ZERO
    for i, (share, threshold) in enumerate(zip(shares, thresholds), start=1):
        last = i == len(shares)
        planned = quantize_money(subsidy - used) if last else quantize_money(subsidy * share)
        used += planned
        plan.append(TranchePlan(seq=i, share=share, threshold=threshold, planned=planned,
                                deposit=deposit if last else ZERO, paid=paid.get(i, ZERO),
                                last=last))
    return plan


def deposit_due(subsidy: Decimal, rate: Decimal | None, amount: Decimal | None) -> Decimal:
    """The quality deposit (P21): the amount set on the project, else rate x subsidy."""
    if amount:
        return quantize_money(amount)
    if rate:
        return quantize_money(subsidy * rate)
    return ZERO


# ---------------------------------------------------------------- P13


def info_entry_deadlines(facts: FundFacts, policy, today: date) -> list[Deadline]:
    """One P13 deadline per disbursement or reimbursement (computed in domain.deadlines)."""
    dates = ProjectDates(money_events=facts.money_events, info_entries=facts.info_entries)
    return [d for d in project_deadlines(dates, policy, today) if d.rule == "P13"]


def info_entry_block(facts: FundFacts, policy, today: date) -> RuleProblem | None:
    """P13: info entry overdue and still missing blocks further tranches and reimbursements."""
    overdue = [d for d in info_entry_deadlines(facts, policy, today) if d.is_overdue(today)]
    if not overdue:
        return None
    d = overdue[0]
    return RuleProblem("P13", f"{d.basis}应录入进度信息，截止{d.due.isoformat()}已逾期，尚未录入；"
                          "请先在进度录入中登记进度，之后才能继续拨款或报账")


# ---------------------------------------------------------------- F02 / F03 tranches


@dataclass(frozen=True)
class Availability:
    """What the next disbursement may be, and why (or why not)."""

    tranche: TranchePlan | None
    amount: Decimal  # may be paid now; zero when refused
    problems: tuple[RuleProblem, ...] = ()
    reason: str = ""  # Chinese explanation shown beside the tranche

    @property
    def allowed(self) -> bool:
        return not self.problems and self.amount > 0


def current_tranche(plan: list[TranchePlan]) -> TranchePlan | None:
    """The first tranche not yet paid in full."""
    return next((t for t in plan if t.remaining > 0), None)


def _tranche_problems(facts: FundFacts, t: TranchePlan, plan: list[TranchePlan], policy,
                      today: date) -> list[RuleProblem]:
    out: list[RuleProblem] = []
    if facts.closed:
        out.append(RuleProblem("F03", f"项目{facts.closed}，不再拨款"))
        return out
    if not facts.funds_released:
        out.append(RuleProblem("F02", "实施方案尚未批复，资金未下达，不能拨款"))
        return out
    if facts.work_share < t.threshold:
        out.append(RuleProblem("F02", f"第{t.seq}期需工程进度达到{pct(t.threshold)}，"
                                  f"当前{pct(facts.work_share)}"))
    before = REIMBURSED_BEFORE.get(t.seq) if facts.mode == MODE_532 else None
    if before is not None:
        owed = sum((p.paid for p in plan if p.seq <= before), ZERO)
        if facts.reimbursed < owed:
            out.append(RuleProblem("F02", f"第{t.seq}期拨款须先报账第{before}期资金："
                                      f"已拨{yuan(owed)}，已报账{yuan(facts.reimbursed)}"))
    block = info_entry_block(facts, policy, today)
    if block:
        out.append(block)
    behind = behind_block(facts, policy, today)
    if behind:
        out.append(behind)
    return out


def behind_block(facts: FundFacts, policy, today: date) -> RuleProblem | None:
    """P14 (三(三), 三(八)): behind the plan or not started in time stops disbursement and
    reimbursement until the township catches up or 整改s (unless the county switched it off)."""
    why = schedule_block(facts.schedule, policy, today) if facts.schedule else None
    if why is None:
        return None
    return RuleProblem("P14", f"{why}，按规定暂停拨款、报账；请督促加快进度或整改，"
                          "确因不可抗力的请登记不可抗力")


def availability(facts: FundFacts, policy, today: date) -> Availability:
    plan = tranche_plan(facts.mode, facts.subsidy, facts.deposit, policy, facts.tranches)
    t = current_tranche(plan)
    if t is None:
        return Availability(None, ZERO, (), "各期资金已全部拨付")
    problems = tuple(_tranche_problems(facts, t, plan, policy, today))
    if problems:
        return Availability(t, ZERO, problems, "；".join(p.message for p in problems))
    why = f"第{t.seq}期：补助{pct(t.share)}" + (
        f"，工程进度已达{pct(facts.work_share)}（需{pct(t.threshold)}）" if t.threshold else "，启动资金")
    if t.deposit:
        why += f"，扣留质量保证金{yuan(t.deposit)}"
    return Availability(t, t.remaining, (), why + f"，可拨{yuan(t.remaining)}")


def over_subsidy(facts: FundFacts, extra_cash: Decimal, extra_deposit: Decimal = ZERO) -> RuleProblem | None:
    """F03: what is paid plus what is withheld never exceeds the approved subsidy."""
    total = facts.paid + facts.withheld + extra_cash + extra_deposit
    if total > facts.subsidy:
        return RuleProblem("F03", f"拨款合计{yuan(total)}将超过批复补助{yuan(facts.subsidy)}")
    return None


def check_disbursement(facts: FundFacts, amount: Decimal, policy, today: date) -> TranchePlan:
    """Refuse a disbursement of ``amount`` unless F02, F03 and P13 allow it; return its tranche."""
    if amount <= 0:
        raise DomainError("拨款金额必须大于零", rule="F02", section=SECTIONS["F02"])
    av = availability(facts, policy, today)
    if av.tranche is None:
        raise DomainError(f"批复补助{yuan(facts.subsidy)}已全部拨付", rule="F03", section=SECTIONS["F03"])
    if av.problems:
        raise av.problems[0].error()
    t = av.tranche
    if amount > t.remaining:
        extra = f"（已扣留质量保证金{yuan(t.deposit)}）" if t.deposit else ""
        refuse_if(RuleProblem("F02", f"第{t.seq}期最多拨付补助的{pct(t.share)}即{yuan(t.payable)}{extra}，"
                                 f"已拨{yuan(t.paid)}，本次{yuan(amount)}超出{yuan(amount - t.remaining)}"))
    refuse_if(over_subsidy(facts, amount, deposit_to_withhold(t)))
    return t


def deposit_to_withhold(t: TranchePlan) -> Decimal:
    """The deposit is recorded on the first payment of the last tranche."""
    return t.deposit if t.last and t.paid == 0 else ZERO


# ---------------------------------------------------------------- F03 reimbursement


def over_disbursed(facts: FundFacts, amount: Decimal) -> RuleProblem | None:
    """F03: vouchers reimbursed never exceed what was disbursed."""
    total = facts.reimbursed + amount
    if total > facts.disbursed:
        return RuleProblem("F03", f"报账合计{yuan(total)}将超过已拨付{yuan(facts.disbursed)}，"
                              f"最多还能报账{yuan(max(facts.disbursed - facts.reimbursed, ZERO))}")
    return None


def check_reimbursement(facts: FundFacts, amount: Decimal, policy, today: date) -> None:
    if amount <= 0:
        raise DomainError("凭证没有明细，金额为零，不能报账", rule="F03", section=SECTIONS["F03"])
    refuse_if(info_entry_block(facts, policy, today))
    refuse_if(behind_block(facts, policy, today))
    refuse_if(over_disbursed(facts, amount))


# ---------------------------------------------------------------- F04


def final_reimbursement_deadline(accepted_on: date | None, grade: str, final_reimbursed_on: date | None,
                                 policy, today: date) -> Deadline | None:
    """F04: final reimbursement due ``final_reimburse_days`` after acceptance (domain.deadlines)."""
    dates = ProjectDates(accepted_on=accepted_on, acceptance_grade=grade,
                         final_reimbursed_on=final_reimbursed_on)
    return next((d for d in project_deadlines(dates, policy, today) if d.rule == "F04"), None)


def unpaid_tranches(plan: Iterable) -> list:
    """The tranches (plan or view rows: ``paid``, ``payable``) not paid at all; one paid in part, because
    the cost came in lower, counts as paid."""
    return [t for t in plan if t.paid <= 0 < t.payable]


def final_reimbursement_problem(accepted_on: date | None, grade: str,
                                plan: Iterable[TranchePlan] = ()) -> RuleProblem | None:
    """F04 and 六(二): the final 报账 is that of the money left once the work is complete, so it comes
    after acceptance and after every tranche is paid; a 最终 voucher before that would close the
    project (已报账) with a tranche never disbursed."""
    if accepted_on is None or grade == "不合格":
        return RuleProblem("F04", "项目验收合格后才能办理最终报账")
    unpaid = unpaid_tranches(plan)
    if unpaid:
        owed = "、".join(f"第{t.seq}期{yuan(t.payable)}" for t in unpaid)
        return RuleProblem("F04", f"最终报账是余下资金的报账，须在各期资金拨付之后办理：{owed}尚未拨付；"
                                  "这张凭证请不勾“最终报账”，作为本期报账")
    return None


# ---------------------------------------------------------------- F05 budget lines


def budget_limit(amount: Decimal, adjusted: Decimal | None, tolerance: Decimal) -> Decimal:
    """A budget line's ceiling: the approved adjustment if any, plus the county's tolerance."""
    base = adjusted if adjusted is not None else amount
    return quantize_money(base * (1 + Decimal(tolerance)))


def over_budget_line(item: str, amount: Decimal, adjusted: Decimal | None, spent: Decimal,
                     new: Decimal, tolerance: Decimal) -> RuleProblem | None:
    limit = budget_limit(amount, adjusted, tolerance)
    if spent + new > limit:
        basis = "调整后概算" if adjusted is not None else "概算"
        return RuleProblem("F05", f"概算「{item}」{basis}{yuan(limit)}，已用{yuan(spent)}，"
                              f"本次{yuan(new)}将超出{yuan(spent + new - limit)}；超支须先报批项目调整")
    return None


# ---------------------------------------------------------------- F06 roster or invoice


# 六(三): 技工补助 and 培训务工补助 are paid by a roster of the people who worked or trained, who need
# not be 建档立卡 members; a 直接补助到户 roster pays households of the registry.
PERSON_ROSTER_KINDS = ("培训务工补助", "技工补助")


def line_kind_for(spending_kind: str, roster_kinds: Iterable[str]) -> str:
    """Direct household, training labour and technician subsidies go by roster; all else by invoice."""
    return ROSTER if spending_kind in set(roster_kinds) else INVOICE


def wrong_line_kind(item: str, spending_kind: str, kind: str, roster_kinds: Iterable[str]) -> RuleProblem | None:
    needed = line_kind_for(spending_kind, roster_kinds)
    if kind == needed:
        return None
    if needed == ROSTER:
        return RuleProblem("F06", f"概算「{item}」属「{spending_kind}」，须按签字名册报账，不能用发票")
    return RuleProblem("F06", f"概算「{item}」属「{spending_kind}」，须用税务发票报账，不能用名册")


def incomplete_line(kind: str, *, invoice_code: str = "", invoice_no: str = "", invoice_date: date | None = None,
                    seller: str = "", household_id: int | None = None, id_number: str = "",
                    signed_on: date | None = None) -> RuleProblem | None:
    """F06: what an invoice or a roster line must carry."""
    if kind == INVOICE:
        missing = [n for n, v in (("发票代码", invoice_code), ("发票号码", invoice_no),
                                  ("开票日期", invoice_date), ("销售方", seller)) if not v]
    else:
        missing = [n for n, v in (("农户", household_id), ("身份证号", id_number),
                                  ("签字日期", signed_on)) if not v]
    if missing:
        return RuleProblem("F06", f"{kind}缺少：{'、'.join(missing)}")
    return None


# ---------------------------------------------------------------- F08 allocation


@dataclass(frozen=True)
class AllocationRow:
    use: str
    amount: Decimal
    share: Decimal  # of the year's total
    target: Decimal  # policy allocation_ratio

    @property
    def gap(self) -> Decimal:
        return self.share - self.target


def allocation_use(category: str, ratio: Mapping[str, Decimal]) -> str:
    if category in ratio:
        return category
    alias = ALLOCATION_ALIASES.get(category)
    return alias if alias in ratio else "其他"


def allocation_split(amounts: Iterable[tuple[str, Decimal]], ratio: Mapping[str, Decimal]) -> list[AllocationRow]:
    """F08: the year's money per use (by project category) against the county's ratio."""
    totals: dict[str, Decimal] = {use: ZERO for use in ratio}
    for category, amount in amounts:
        use = allocation_use(category, ratio)
        totals[use] = totals.get(use, ZERO) + amount
    grand = sum(totals.values(), ZERO)
    return [AllocationRow(use, amt, (amt / grand).quantize(Decimal("0.0001")) if grand else Decimal(0),
                          Decimal(ratio.get(use, 0)))
            for use, amt in totals.items()]


@dataclass(frozen=True)
class FundTotals:
    """Overview of one project or the township (sums only, for display)."""

    approved: Decimal = ZERO
    disbursed: Decimal = ZERO
    reimbursed: Decimal = ZERO
    deposit_held: Decimal = ZERO
    projects: int = 0

    @property
    def undisbursed(self) -> Decimal:
        """Not yet paid out, the withheld deposit aside."""
        return self.approved - self.disbursed - self.deposit_held

    @property
    def unreimbursed(self) -> Decimal:
        return self.disbursed - self.reimbursed
