"""Benefit linkage (利益联结) checks: RULES.md L01-L04, section 七 of the regulation.

Pure: the linkage service hands in counts and amounts; each check returns the
``RuleProblem`` rows it finds (empty when the rule is met).  The 体检 rule engine
calls the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from fupin_tui.domain.disbursement import RuleProblem, pct, yuan
from fupin_tui.domain.money import quantize_money

SECTIONS = {"L01": "七(一)", "L02": "七(二)(七)", "L03": "七(五)", "L04": "七(六)(八)"}

GUARANTEED = "保底分红"
SHARE_DIVIDEND = "股份分红"
DIVIDEND_MODES = (GUARANTEED, SHARE_DIVIDEND)


class LinkageProblem(RuleProblem):
    @property
    def section(self) -> str:
        return SECTIONS[self.rule]


def coop_poor_share(members: int, poor_members: int, policy) -> list[RuleProblem]:
    """L01: a funded cooperative has at least ``coop_poor_share_min`` poor households among its members."""
    minimum = Decimal(policy.coop_poor_share_min)
    if members == 0:
        return [LinkageProblem("L01", "合作社尚未登记社员，无法核对贫困户占比")]
    share = Decimal(poor_members) / members
    if share < minimum:
        return [LinkageProblem("L01", f"社员{members}户中贫困户{poor_members}户，占{pct(share)}，"
                                      f"低于{pct(minimum)}")]
    return []


def collective_income(year: int, net_income: Decimal, increase: Decimal, poor_support: Decimal,
                      policy) -> list[RuleProblem]:
    """L02: the collective's net income rises by the minimum a year, and a share goes to the poor."""
    out: list[RuleProblem] = []
    min_increase = Decimal(policy.collective_min_increase)
    if increase < min_increase:
        out.append(LinkageProblem("L02", f"{year}年村集体纯收入增加{yuan(increase)}，低于{yuan(min_increase)}"))
    needed = quantize_money(net_income * Decimal(policy.collective_poor_share))
    if net_income > 0 and poor_support < needed:
        out.append(LinkageProblem("L02", f"{year}年纯收入{yuan(net_income)}中用于贫困户或小型公益设施"
                                         f"{yuan(poor_support)}，应不少于{pct(policy.collective_poor_share)}"
                                         f"即{yuan(needed)}"))
    return out


@dataclass(frozen=True)
class DividendYear:
    year: int
    amount: Decimal
    proceeds: Decimal = Decimal("0")  # the share's proceeds (收益) that year


def minimum_dividend(share_amount: Decimal, policy) -> Decimal:
    """Never below ``min_dividend_rate`` (5%) of the quantified share, whatever the mode (L03, L04)."""
    return quantize_money(share_amount * Decimal(policy.min_dividend_rate))


def guaranteed_dividends(share_amount: Decimal, years: Iterable[DividendYear], policy) -> list[RuleProblem]:
    """L03 (七(五) 不低于入股扶贫资金的5%并逐年递增): each year at least the minimum rate of the share,
    and more than the year before: the same amount two years running is a finding."""
    out: list[RuleProblem] = []
    floor = minimum_dividend(share_amount, policy)
    previous: DividendYear | None = None
    for d in sorted(years, key=lambda y: y.year):
        if d.amount < floor:
            out.append(LinkageProblem("L03", f"{d.year}年保底分红{yuan(d.amount)}，低于入股资金{yuan(share_amount)}"
                                             f"的{pct(policy.min_dividend_rate)}即{yuan(floor)}"))
        if previous is not None and d.amount <= previous.amount:
            what = "与" if d.amount == previous.amount else "少于"
            tail = "相同" if d.amount == previous.amount else ""
            out.append(LinkageProblem("L03", f"{d.year}年保底分红{yuan(d.amount)}{what}{previous.year}年的"
                                             f"{yuan(previous.amount)}{tail}，应逐年递增"))
        previous = d
    return out


def share_dividends(share_amount: Decimal, years: Iterable[DividendYear], policy) -> list[RuleProblem]:
    """L04: at least ``poor_proceeds_share_min`` of the share's proceeds, and never below 5% of the share."""
    out: list[RuleProblem] = []
    floor = minimum_dividend(share_amount, policy)
    rate = Decimal(policy.poor_proceeds_share_min)
    for d in sorted(years, key=lambda y: y.year):
        needed = quantize_money(d.proceeds * rate)
        if d.amount < needed:
            out.append(LinkageProblem("L04", f"{d.year}年分红{yuan(d.amount)}，低于量化股份收益{yuan(d.proceeds)}"
                                             f"的{pct(rate)}即{yuan(needed)}"))
        if d.amount < floor:
            out.append(LinkageProblem("L04", f"{d.year}年分红{yuan(d.amount)}，低于入股资金{yuan(share_amount)}"
                                             f"的{pct(policy.min_dividend_rate)}即{yuan(floor)}"))
    return out


def dividend_problems(mode: str, share_amount: Decimal, years: Iterable[DividendYear], policy) -> list[RuleProblem]:
    if mode == SHARE_DIVIDEND:
        return share_dividends(share_amount, years, policy)
    return guaranteed_dividends(share_amount, years, policy)
