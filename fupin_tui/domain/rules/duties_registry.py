"""RULES-2 part B, the registry: H10-H14.

H10 一户一档 (十(三)2(9)), H11 遍访 (十(三)2(6), 十一(七)3), H12 包户包人 (十一(七)3),
H13 控制规模 (十二(三)), H14 谁调查、谁登记、谁审核、谁负责 (十二(五)).
"""

from __future__ import annotations

from datetime import date

from fupin_tui.domain import procedures as proc
from fupin_tui.domain import workdays
from fupin_tui.domain.rules.base import BREACH, DUE_SOON, NOTICE, Env, finding, rule
from fupin_tui.domain.rules.facts import CheckData, HouseholdInfo
from fupin_tui.domain.rules.registry import IDENTIFIED, SUPPORTED, TAB_BASIC

TAB_VISITS = "走访"  # the household form's visits tab (fupin_tui.screens.household_visits)
# 十(三)2(9) 建档立卡档案资料立卷和归档: what one household's file holds.
FILE_ITEMS = ("申请书", "入户调查表", "民主评议记录", "公示材料", "帮扶计划", "收支台账")
# From this month on the year's visits still missing are shown (a 提示, then 即将到期).
VISIT_REMINDER_MONTH = 10


def _has_households(d: CheckData) -> bool:
    return bool(d.households)


def _hrule(id: str, section: str, title: str, **kw):
    kw.setdefault("population", "建档立卡户")
    kw.setdefault("has_data", _has_households)
    return rule(id, section, title, **kw)


def _supported(env: Env):
    return [h for h in env.data.households if h.status in SUPPORTED]


@_hrule("H10", "十(三)2(9)", "一户一档，档案材料齐全")
def h10(env: Env):
    for h in _supported(env):
        d = env.data.duties.household(h.id)
        missing = [item for item in FILE_ITEMS if item not in d.file_items]
        if d.file_filed_on is None:
            yield finding("H10", BREACH, h.record, h.label,
                          "未登记一户一档的归档日期。请将本户档案立卷归档，并登记归档日期和已归档材料。", tab=TAB_BASIC)
        if missing:
            yield finding("H10", BREACH, h.record, h.label,
                          f"一户一档缺少：{'、'.join(missing)}。请补齐后登记。", tab=TAB_BASIC)


@_hrule("H11", "十(三)2(6)、十一(七)3", "每户每年遍访，记录日期和走访人", params=("visits_per_year", "warning_wd"))
def h11(env: Env):
    need = int(env.policy.visits_per_year)
    last, this = env.today.year - 1, env.today.year
    year_end = date(this, 12, 31)
    left = workdays.workdays_left(year_end, env.today)
    remind = env.today.month >= VISIT_REMINDER_MONTH
    for h in _supported(env):
        d = env.data.duties.household(h.id)
        entered = h.identified_year or last
        for year in (last, this):
            v = d.visits.get(year)
            if v and v.unnamed:
                yield finding("H11", BREACH, h.record, h.label,
                              f"{year}年有{v.unnamed}次走访未登记走访人，不计入遍访。请补录走访人。", tab=TAB_VISITS)
        done = d.visits[last].visits if last in d.visits else 0
        if entered <= last and done < need:
            yield finding("H11", BREACH, h.record, h.label,
                          f"{last}年走访{done}次，少于每年{need}次（遍访全覆盖）。已走访的请补录日期和走访人。",
                          tab=TAB_VISITS)
        done = d.visits[this].visits if this in d.visits else 0
        if entered <= this and done < need and remind:
            new = "（本年新识别，须在本年内走访）" if entered == this else ""
            sev = DUE_SOON if left <= env.warning_wd else NOTICE
            yield finding("H11", sev, h.record, h.label,
                          f"{this}年已走访{done}次，还差{need - done}次{new}。请在{year_end.isoformat()}前完成遍访并登记。",
                          due=year_end, tab=TAB_VISITS, workdays_left=left)


@_hrule("H12", "十一(七)3", "包户包人：每户有帮扶责任人（姓名、单位、电话）")
def h12(env: Env):
    for h in _supported(env):
        d = env.data.duties.household(h.id)
        missing = [what for what, text in (("姓名", d.helper_name), ("单位", d.helper_unit),
                                           ("电话", d.helper_phone or h.helper_phone)) if not text.strip()]
        if missing:
            yield finding("H12", BREACH, h.record, h.label,
                          f"帮扶责任人未登记{'、'.join(missing)}。包户包人须全覆盖，请落实帮扶责任人并登记。", tab=TAB_BASIC)


def _registered_on(h: HouseholdInfo) -> date:
    """When the household came onto the register (its first change to 在册), for ordering a year's intake."""
    return min((e.happened_on for e in h.events if e.to_status == proc.REGISTERED), default=date.max)


@_hrule("H13", "十二(三)", "控制规模：超出县下达规模的新识别户须县级批准", params=("identification_quota",))
def h13(env: Env):
    quota = env.policy.identification_quota
    if not quota:
        return
    by_year: dict[int, list[HouseholdInfo]] = {}
    for h in env.data.households:
        if h.status in IDENTIFIED and h.identified_year in quota:
            by_year.setdefault(h.identified_year, []).append(h)
    for year, intake in sorted(by_year.items()):
        limit = int(quota[year])
        if len(intake) <= limit:
            continue
        intake.sort(key=lambda h: (_registered_on(h), h.id))
        for rank, h in enumerate(intake[limit:], start=limit + 1):
            d = env.data.duties.household(h.id)
            if d.approval_no.strip() and d.approved_on is not None:
                continue
            yield finding("H13", BREACH, h.record, h.label,
                          f"{year}年新识别{len(intake)}户，超出县下达规模{limit}户；本户为第{rank}户，"
                          "没有县级批准（文号、日期）。请报县扶贫办批准后登记，或核实识别。", tab=TAB_BASIC)


@_hrule("H14", "十二(五)", "谁调查、谁登记、谁审核：三人签名，签订责任状")
def h14(env: Env):
    for h in env.data.households:
        if h.status not in IDENTIFIED:
            continue
        d = env.data.duties.household(h.id)
        names = (("调查人", d.investigator.strip()), ("登记人", h.entered_by.strip()), ("审核人", h.checked_by.strip()))
        missing = [what for what, who in names if not who]
        if missing:
            yield finding("H14", BREACH, h.record, h.label,
                          f"识别未记录{'、'.join(missing)}。谁调查、谁登记、谁审核、谁负责，请补录。", tab=TAB_BASIC)
        investigator, registrar, reviewer = (who for _what, who in names)
        if investigator and reviewer and investigator == reviewer:
            same = "调查、登记、审核都是" if registrar == reviewer else "调查人和审核人都是"
            yield finding("H14", BREACH, h.record, h.label,
                          f"{same}{reviewer}。审核须由调查人以外的人负责，请更正审核人。", tab=TAB_BASIC)
        if d.letter_on is None:
            yield finding("H14", BREACH, h.record, h.label,
                          "未登记签订责任状的日期。识别须层层签订责任状，请补签并登记。", tab=TAB_BASIC)
