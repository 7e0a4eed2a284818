"""Section B of RULES.md: disbursement and reimbursement (F01-F08).

The rule arithmetic lives in ``domain.disbursement`` (the funds service refuses
actions with the same functions); here it is run over the stored data.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from fupin_tui.domain import disbursement as fund
from fupin_tui.domain.money import amount_in_words
from fupin_tui.domain.rules.base import BREACH, NOTICE, TOWNSHIP_RECORD, Env, deadline_findings, finding, rule
from fupin_tui.domain.rules.facts import ZERO, CheckData, ProjectData
from fupin_tui.domain.rules.projects import TAB_MONEY


def _has_tranches(d: CheckData) -> bool:
    return any(p.tranches for p in d.projects)


def _has_vouchers(d: CheckData) -> bool:
    return any(p.vouchers for p in d.projects)


def _reimbursed(p: ProjectData) -> Decimal:
    return sum((v.total for v in p.vouchers if v.reimbursed_on), ZERO)


def fund_facts(p: ProjectData) -> fund.FundFacts:
    return fund.FundFacts(
        mode=p.disbursement_mode, subsidy=p.subsidy,
        deposit=fund.deposit_due(p.subsidy, p.deposit_rate, p.deposit_amount),
        funds_released=p.dates.plan_approved_on is not None, closed=p.side_state if p.closed else "",
        tranches=tuple(fund.PaidTranche(t.seq, t.on, t.amount, t.deposit_withheld) for t in p.tranches),
        reimbursed=_reimbursed(p),
        deposit_refunded=p.deposit_amount if p.deposit_state == "已退还" else ZERO,
    )


@rule("F01", "六(一)", "专账核算，凭证只属于一个项目", population="报账凭证", has_data=_has_vouchers)
def f01(env: Env):
    for p in env.data.projects:
        for v in p.vouchers:
            if v.tranche_project_id is not None and v.tranche_project_id != p.id:
                yield finding("F01", BREACH, p.record, p.label,
                              f"凭证{v.voucher_no}对应的拨款属于另一个项目。请更正凭证所属拨款。", tab=TAB_MONEY)
            if any(ln.budget_line_project_id not in (None, p.id) for ln in v.lines):
                yield finding("F01", BREACH, p.record, p.label,
                              f"凭证{v.voucher_no}有明细记在另一个项目的概算上。一张凭证只能属于一个项目，请更正。",
                              tab=TAB_MONEY)


@rule("F02", "六(二)", "按532或先建后补分期拨付", params=("tranche_shares", "tranche_progress"),
      population="拨款", has_data=_has_tranches)
def f02(env: Env):
    for p in env.data.projects:
        if not p.tranches:
            continue
        facts = fund_facts(p)
        plan = fund.tranche_plan(facts.mode, facts.subsidy, facts.deposit, env.policy, facts.tranches)
        by_seq = {t.seq: t for t in plan}
        for t in plan:
            if t.paid > t.payable:
                yield finding("F02", BREACH, p.record, p.label,
                              f"第{t.seq}期已拨{fund.yuan(t.paid)}，超过该期应拨{fund.yuan(t.payable)}"
                              f"（补助的{fund.pct(t.share)}{'，已扣质量保证金' if t.deposit else ''}）。", tab=TAB_MONEY)
        reports = sorted(p.progress, key=lambda r: r.reported_on)
        for paid in p.tranches:
            planned = by_seq.get(paid.seq)
            if planned is None:
                yield finding("F02", BREACH, p.record, p.label,
                              f"{p.disbursement_mode}方式只有{len(plan)}期，登记了第{paid.seq}期拨款。", tab=TAB_MONEY)
                continue
            before = [r.work_share for r in reports if r.reported_on <= paid.on]
            share = before[-1] if before else Decimal(0)
            if share < planned.threshold:
                yield finding("F02", BREACH, p.record, p.label,
                              f"第{paid.seq}期于{paid.on.isoformat()}拨付时工程进度为{fund.pct(share)}，"
                              f"未达到该期所需的{fund.pct(planned.threshold)}。", tab=TAB_MONEY)


@rule("F03", "六(二)", "拨款不超批复补助，报账不超已拨", population="拨款", has_data=_has_tranches)
def f03(env: Env):
    for p in env.data.projects:
        if not p.tranches and not p.vouchers:
            continue
        facts = fund_facts(p)
        for problem in (fund.over_subsidy(facts, ZERO), fund.over_disbursed(facts, ZERO)):
            if problem:
                yield finding("F03", BREACH, p.record, p.label, problem.message + "。请核对拨款和报账记录。",
                              tab=TAB_MONEY)


@rule("F04", "六(二)", "验收后按时最终报账", params=("final_reimburse_days", "warning_wd"))
def f04(env: Env):
    for p in env.data.projects:
        yield from deadline_findings(env, p, "F04", TAB_MONEY, "请整理凭证办理最终报账。")


@rule("F05", "六(三)", "凭证对应概算明细，不超概算", params=("budget_tolerance",),
      population="报账凭证", has_data=_has_vouchers)
def f05(env: Env):
    tolerance = Decimal(str(env.policy.budget_tolerance))
    for p in env.data.projects:
        spent: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for v in p.vouchers:
            for ln in v.lines:
                if ln.budget_line_id is None:
                    yield finding("F05", BREACH, p.record, p.label,
                                  f"凭证{v.voucher_no}有明细（{fund.yuan(ln.amount)}）未对应概算明细。请指定概算项目。",
                                  tab=TAB_MONEY)
                else:
                    spent[ln.budget_line_id] += ln.amount
        for b in p.budget_lines:
            problem = fund.over_budget_line(b.item, b.amount, b.adjusted_amount, spent.get(b.id, ZERO), ZERO,
                                            tolerance)
            if problem:
                yield finding("F05", BREACH, p.record, p.label, problem.message, tab=TAB_MONEY)


@rule("F06", "六(三)", "到户补助凭名册，其他凭发票", population="报账凭证", has_data=_has_vouchers)
def f06(env: Env):
    roster = env.data.roster_kinds
    for p in env.data.projects:
        kinds = {b.id: b for b in p.budget_lines}
        for v in p.vouchers:
            for ln in v.lines:
                b = kinds.get(ln.budget_line_id)
                problems = []
                if b is not None:
                    problems.append(fund.wrong_line_kind(b.item, b.spending_kind, ln.kind, roster))
                problems.append(fund.incomplete_line(
                    ln.kind, invoice_code=ln.invoice_code, invoice_no=ln.invoice_no, invoice_date=ln.invoice_date,
                    seller=ln.seller, household_id=ln.household_id, id_number=ln.id_number, signed_on=ln.signed_on))
                for problem in filter(None, problems):
                    yield finding("F06", BREACH, p.record, p.label, f"凭证{v.voucher_no}：{problem.message}。",
                                  tab=TAB_MONEY)


@rule("F07", "六(三)", "凭证金额大写、经办人齐全", population="报账凭证", has_data=_has_vouchers)
def f07(env: Env):
    for p in env.data.projects:
        for v in p.vouchers:
            lines = sum((ln.amount for ln in v.lines), ZERO)
            if v.lines and lines != v.total:
                yield finding("F07", BREACH, p.record, p.label,
                              f"凭证{v.voucher_no}合计{fund.yuan(v.total)}与明细之和{fund.yuan(lines)}不符，"
                              "打印的大写金额会出错。请核对明细。", tab=TAB_MONEY)
            if not v.operator.strip():
                yield finding("F07", BREACH, p.record, p.label, f"凭证{v.voucher_no}没有经办人。", tab=TAB_MONEY)
            try:
                amount_in_words(v.total)
            except ValueError:
                yield finding("F07", BREACH, p.record, p.label,
                              f"凭证{v.voucher_no}金额{v.total}无法写成大写金额。请核对金额。", tab=TAB_MONEY)


def _year_projects(d: CheckData, year: int):
    return [p for p in d.projects if p.year == year and p.dates.approved_on and not p.closed]


@rule("F08", "六(二)", "资金用途分配比例（33112）", params=("allocation_ratio", "allocation_deviation_points"),
      population="本年度立项项目",
      has_data=lambda d: bool(d.projects))
def f08(env: Env):
    year = env.today.year
    projects = _year_projects(env.data, year)
    if not projects:
        yield finding("F08", NOTICE, TOWNSHIP_RECORD, "全乡镇", f"{year}年尚无已立项项目，无法计算资金用途分配。")
        return
    rows = fund.allocation_split(((p.category, p.subsidy) for p in projects), env.policy.allocation_ratio)
    split = "；".join(f"{r.use}{fund.pct(r.share)}（规定{fund.pct(r.target)}）" for r in rows)
    off = [r.use for r in rows if abs(r.gap) > Decimal(env.policy.allocation_deviation_points)]
    tail = f"偏离较大：{'、'.join(off)}，请在安排下批资金时调整。" if off else "与规定比例基本一致。"
    yield finding("F08", NOTICE, TOWNSHIP_RECORD, "全乡镇", f"{year}年资金用途实际分配：{split}。{tail}")
