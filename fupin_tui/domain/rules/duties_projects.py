"""RULES-2 part B, projects: P22-P27, the township's duties the first rule list left out.

P22 second platform entry (二(四)), P23 beneficiaries' consent before delegating (三(二)),
P24 备案 of an approved adjustment (三(三)), P25 procurement or 阳光操作 (三(六)),
P26 the uses the funds are allowed for (一(三), 二(七)), P27 publicity of fund use (十一(九)3).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fupin_tui.domain import workdays
from fupin_tui.domain.errors import InputError
from fupin_tui.domain.money import parse_amount
from fupin_tui.domain.rules.base import BREACH, DUE_SOON, NOTICE, OVERDUE, Env, finding, rule
from fupin_tui.domain.rules.facts import ProjectData
from fupin_tui.domain.rules.projects import TAB_FLOW, TAB_NOTICE, reached

# The dossier tab where procurement, delegation, 备案 and the second platform entry are recorded
# (fupin_tui.screens.dossier_procurement, mounted by screens.dossier).
TAB_DUTIES = "采购备案"

# 三(二): whom implementation may be delegated to.
DELEGATE_KINDS = ("扶贫龙头企业", "农民专业合作社", "专业大户")
# 三(六): 政府采购 and 招投标 methods; below the threshold 阳光操作 (公开、公正、公平).
PROCUREMENT_METHODS = ("公开招标", "邀请招标", "竞争性谈判", "竞争性磋商", "询价", "单一来源采购")
SUNSHINE = "阳光操作"
METHODS = PROCUREMENT_METHODS + (SUNSHINE,)
# 十一(九)3: the fund-use notice and what it shows.
FUND_NOTICE = "资金使用公示"
FUND_NOTICE_FIELDS = ("到位资金", "已拨付资金", "已报账资金")


def _live(env: Env) -> list[ProjectData]:
    return [p for p in env.data.projects if not p.closed]


def _due(since: date, n: int):
    return workdays.workday_result(since, n)


def _deadline(env: Env, rid: str, p: ProjectData, since: date, n: int, done_on: date | None, what: str,
              since_label: str, todo: str, tab: str):
    """Overdue, due soon, or done late: one duty measured in working days from ``since``."""
    result = _due(since, n)
    due = result.date
    note = f"（{result.warning}）" if result.warning else ""
    basis = f"{since_label}（{since.isoformat()}）后{n}个工作日"
    left = workdays.workdays_left(due, env.today)
    if done_on is None:
        if env.today > due:
            yield finding(rid, OVERDUE, p.record, p.label,
                          f"{what}已逾期{-left}个工作日（{basis}，应于{due.isoformat()}前）。{todo}{note}",
                          due=due, tab=tab, workdays_left=left)
        elif left <= env.warning_wd:
            when = "今天到期" if left == 0 else f"还剩{left}个工作日"
            yield finding(rid, DUE_SOON, p.record, p.label,
                          f"{what}{when}（{basis}，应于{due.isoformat()}前）。{todo}{note}",
                          due=due, tab=tab, workdays_left=left)
    elif done_on > due:
        yield finding(rid, BREACH, p.record, p.label,
                      f"{what}于{done_on.isoformat()}完成，晚于时限{due.isoformat()}（{basis}）。"
                      "已无法补救的，请在确认时说明原因。", due=due, tab=tab)
    elif done_on < since:
        yield finding(rid, BREACH, p.record, p.label,
                      f"{what}登记为{done_on.isoformat()}，早于{since_label}（{since.isoformat()}）。"
                      "请核实日期。", tab=tab)


# ---------------------------------------------------------------- P22


@rule("P22", "二(四)", "方案批复后同时录入涉农资金监管系统", params=("filing_wd", "warning_wd"))
def p22(env: Env):
    n = int(env.policy.filing_wd)
    for p in _live(env):
        approved = p.dates.plan_approved_on
        if approved is None:
            continue
        entered = env.data.duties.project(p.id).supervision_entered_on
        filed = p.dates.filed_on
        todo = ("已在扶贫云备案（" + filed.isoformat() + "），" if filed else "") + \
            "请将批复的项目信息录入“贵州省涉农资金监管系统”，并在「采购备案」页登记录入日期。"
        yield from _deadline(env, "P22", p, approved, n, entered, "录入贵州省涉农资金监管系统", "实施方案批复",
                             todo, TAB_DUTIES)


# ---------------------------------------------------------------- P23


@rule("P23", "三(二)", "委托实施前征得受益农户同意", population="委托实施",
      has_data=lambda d: any(d.duties.project(p.id).delegations for p in d.projects))
def p23(env: Env):
    for p in _live(env):
        for dlg in env.data.duties.project(p.id).delegations:
            who = f"委托{dlg.delegate_kind or '（未写类型）'}「{dlg.delegate_name}」实施（协议{dlg.agreement_on.isoformat()}）"
            if dlg.delegate_kind not in DELEGATE_KINDS:
                yield finding("P23", BREACH, p.record, p.label,
                              f"{who}：只能委托{'、'.join(DELEGATE_KINDS)}组织实施。请核实受托方类型。", tab=TAB_DUTIES)
            missing = [what for what, ok in (("同意日期", dlg.consent_on is not None),
                                             ("征求方式", bool(dlg.consent_method.strip())),
                                             ("同意户数", dlg.consent_agreed > 0)) if not ok]
            if missing:
                yield finding("P23", BREACH, p.record, p.label,
                              f"{who}，未记录受益农户同意：缺{'、'.join(missing)}。委托须先征得受益农户同意，"
                              "请补录同意情况（日期、方式、同意户数）。", tab=TAB_DUTIES)
                continue
            if dlg.consent_on > dlg.agreement_on:
                yield finding("P23", BREACH, p.record, p.label,
                              f"{who}，受益农户同意（{dlg.consent_on.isoformat()}）晚于委托协议。"
                              "应先征得同意再签协议，请核实日期或重新征求意见。", tab=TAB_DUTIES)
            if dlg.consent_households and dlg.consent_agreed > dlg.consent_households:
                yield finding("P23", BREACH, p.record, p.label,
                              f"{who}，同意户数{dlg.consent_agreed}户多于征求意见的{dlg.consent_households}户。请更正。",
                              tab=TAB_DUTIES)
            elif dlg.consent_agreed < dlg.consent_households:
                yield finding("P23", NOTICE, p.record, p.label,
                              f"{who}，征求意见{dlg.consent_households}户，同意{dlg.consent_agreed}户，"
                              "并非全部受益户同意。请做好未同意农户的工作并留存记录。", tab=TAB_DUTIES)


# ---------------------------------------------------------------- P24


@rule("P24", "三(三)", "调整批复后按原程序报县备案", params=("adjustment_filing_wd", "warning_wd"))
def p24(env: Env):
    n = int(env.policy.adjustment_filing_wd)
    for p in _live(env):
        for a in env.data.duties.project(p.id).adjustments:
            if a.approved_on is None:
                continue
            what = f"项目调整（{a.content or '未写内容'}）报县备案"
            yield from _deadline(env, "P24", p, a.approved_on, n, a.county_filed_on, what, "调整批复",
                                 "请按原程序将调整报县扶贫办备案，并在「采购备案」页登记备案日期。", TAB_DUTIES)


# ---------------------------------------------------------------- P25


def _threshold(env: Env) -> Decimal:
    return Decimal(env.policy.procurement_threshold_wan) * 10000


@rule("P25", "三(六)", "达到标准的政府采购或招投标，未达标准的阳光操作", params=("procurement_threshold_wan",))
def p25(env: Env):
    limit = _threshold(env)
    wan = env.policy.procurement_threshold_wan
    for p in _live(env):
        contracts = env.data.duties.project(p.id).procurements
        if not contracts:
            if reached(p, "实施中") and not p.household_project:
                yield finding("P25", NOTICE, p.record, p.label,
                              "已开工，尚未登记合同及确定承建单位的方式（政府采购、招投标或阳光操作）。请在「采购备案」页登记。",
                              tab=TAB_DUTIES)
            continue
        for c in contracts:
            name = f"合同「{c.contract_name}」（{c.contract_amount}元）"
            if c.contract_amount >= limit:
                if c.method not in PROCUREMENT_METHODS:
                    yield finding("P25", BREACH, p.record, p.label,
                                  f"{name}达到{wan}万元，属政府采购和招投标范围，登记的方式为「{c.method or '未填'}」。"
                                  f"应按{'、'.join(PROCUREMENT_METHODS)}之一执行，请核实并登记采购情况。", tab=TAB_DUTIES)
                    continue
            elif c.method not in METHODS:
                yield finding("P25", BREACH, p.record, p.label,
                              f"{name}的选定方式「{c.method or '未填'}」无法识别。未达标准的须阳光操作，请更正。",
                              tab=TAB_DUTIES)
                continue
            if c.method == SUNSHINE:
                if not c.sunshine_note.strip():
                    yield finding("P25", BREACH, p.record, p.label,
                                  f"{name}为阳光操作，但未记录如何公开选定承建单位。请补录（公开、公正、公平的做法）。",
                                  tab=TAB_DUTIES)
                continue
            missing = [what for what, ok in (("日期", c.procured_on is not None), ("中标（成交）单位", bool(c.winner.strip())),
                                             ("中标（成交）金额", c.awarded_amount > 0)) if not ok]
            if missing:
                yield finding("P25", BREACH, p.record, p.label,
                              f"{name}为{c.method}，缺少：{'、'.join(missing)}。请补录采购或招投标情况。", tab=TAB_DUTIES)


# ---------------------------------------------------------------- P26


def allowed_use(category: str, policy) -> bool:
    return category in tuple(policy.allowed_uses)


@rule("P26", "一(三)、二(七)", "资金只用于规定的用途", params=("allowed_uses",))
def p26(env: Env):
    for p in env.data.projects:
        if reached(p, "申报") and not allowed_use(p.category, env.policy):
            yield finding("P26", BREACH, p.record, p.label,
                          f"项目类别「{p.category or '未填'}」不在财政专项扶贫资金允许的用途内"
                          f"（{'、'.join(env.policy.allowed_uses)}）。不得将扶贫资金用于与脱贫无关的项目：请核实类别，"
                          "或将项目作废；县里另有规定的用途，请在设置中添加。", tab=TAB_FLOW)


# ---------------------------------------------------------------- P27


def _amount(text: str) -> Decimal | None:
    try:
        return parse_amount(str(text).replace("元", "").strip(), "金额")
    except InputError:
        return None


def ledger_figures(p: ProjectData, on: date) -> dict[str, Decimal]:
    """What the fund-use notice should show on ``on``: received, disbursed, reimbursed."""
    return {
        "到位资金": p.subsidy,
        "已拨付资金": sum((t.amount for t in p.tranches if t.on <= on), Decimal("0.00")),
        "已报账资金": sum((v.total for v in p.vouchers if v.reimbursed_on and v.reimbursed_on <= on), Decimal("0.00")),
    }


@rule("P27", "十一(九)3、三(五)", "完工后公示资金到位、拨付、报账情况", params=("publicity_wd", "warning_wd"))
def p27(env: Env):
    n = int(env.policy.publicity_wd)
    for p in _live(env):
        done = p.dates.completed_on
        if done is None:
            continue
        posted = sorted((x for x in p.notices if x.kind == FUND_NOTICE), key=lambda x: x.published_on)
        first = posted[0] if posted else None
        yield from _deadline(env, "P27", p, done, n, first.published_on if first else None, "资金使用公示", "项目完工",
                             "请在公开栏公示本项目资金到位、拨付、报账情况，并在「公示」页登记。", TAB_NOTICE)
        if first is None:
            continue
        missing = [k for k in FUND_NOTICE_FIELDS if not str(first.fields.get(k, "")).strip()]
        if missing:
            yield finding("P27", BREACH, p.record, p.label,
                          f"资金使用公示（{first.published_on.isoformat()}）缺少：{'、'.join(missing)}。请补充后重新公示。",
                          tab=TAB_NOTICE)
            continue
        expected = ledger_figures(p, first.published_on)
        wrong = []
        for k in FUND_NOTICE_FIELDS:
            shown = _amount(first.fields.get(k, ""))
            if shown != expected[k]:
                wrong.append(f"{k}公示{first.fields.get(k)}，账面{expected[k]}元")
        if wrong:
            yield finding("P27", BREACH, p.record, p.label,
                          f"资金使用公示（{first.published_on.isoformat()}）与账面不符：{'；'.join(wrong)}。"
                          "请按台账更正公示内容。", tab=TAB_NOTICE)


