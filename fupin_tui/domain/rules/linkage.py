"""Section C of RULES.md: benefit linkage (L01-L04), via ``domain.linkage``."""

from __future__ import annotations

from fupin_tui.domain import linkage
from fupin_tui.domain.rules.base import BREACH, Env, finding, rule
from fupin_tui.domain.rules.facts import CheckData, EntityData, ShareData

TAB_LINKAGE = "基本信息"  # entities are shown with their project
COOP, COLLECTIVE = "合作社", "村集体"


def _entities(d: CheckData, kind: str) -> list[EntityData]:
    return [e for e in d.entities if e.kind == kind]


def _shares(d: CheckData, mode: str) -> list[tuple[EntityData, ShareData]]:
    return [(e, s) for e in d.entities for s in e.shares if s.dividend_mode == mode]


def _label(e: EntityData) -> str:
    return f"{e.kind} {e.name}"


@rule("L01", "七(一)", "受扶持合作社贫困户成员占比", params=("coop_poor_share_min",),
      population="受扶持合作社", has_data=lambda d: bool(_entities(d, COOP)))
def l01(env: Env):
    for e in _entities(env.data, COOP):
        for problem in linkage.coop_poor_share(e.members, e.poor_members, env.policy):
            yield finding("L01", BREACH, e.record, _label(e), problem.message + "。请吸纳贫困户入社或核实社员名单。",
                          tab=TAB_LINKAGE)


@rule("L02", "七(二)(七)", "村集体增收及收益用于贫困户", params=("collective_min_increase", "collective_poor_share"),
      population="村集体经济收益", has_data=lambda d: any(e.incomes for e in _entities(d, COLLECTIVE)))
def l02(env: Env):
    for e in _entities(env.data, COLLECTIVE):
        for inc in e.incomes:
            for problem in linkage.collective_income(inc.year, inc.net_income, inc.increase, inc.poor_support,
                                                     env.policy):
                yield finding("L02", BREACH, e.record, _label(e), problem.message + "。", tab=TAB_LINKAGE)


def _share_findings(env: Env, rid: str, mode: str):
    for e, s in _shares(env.data, mode):
        years = [linkage.DividendYear(d.year, d.amount, d.proceeds) for d in s.dividends]
        who = f"{s.household_no} {s.head_name}"
        if not years:
            # dividends are yearly: a share from this year owes none yet
            if e.registered_on is None or e.registered_on.year < env.today.year:
                yield finding(rid, BREACH, e.record, _label(e),
                              f"贫困户 {who} 入股{s.amount}元，尚未登记任何分红。请登记每年分红。", tab=TAB_LINKAGE)
            continue
        for problem in linkage.dividend_problems(mode, s.amount, years, env.policy):
            yield finding(rid, BREACH, e.record, _label(e), f"贫困户 {who}：{problem.message}。", tab=TAB_LINKAGE)


@rule("L03", "七(五)", "保底分红不低于比例且逐年递增", params=("min_dividend_rate",),
      population="保底分红入股", has_data=lambda d: bool(_shares(d, linkage.GUARANTEED)))
def l03(env: Env):
    yield from _share_findings(env, "L03", linkage.GUARANTEED)


@rule("L04", "七(六)(八)", "股份分红贫困户所得比例", params=("poor_proceeds_share_min", "min_dividend_rate"),
      population="股份分红入股", has_data=lambda d: bool(_shares(d, linkage.SHARE_DIVIDEND)))
def l04(env: Env):
    yield from _share_findings(env, "L04", linkage.SHARE_DIVIDEND)
