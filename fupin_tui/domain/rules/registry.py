"""Section D of RULES.md: the 建档立卡 registry (H01-H09).

ID and data-quality checks come from ``domain.quality``, the procedures from
``domain.procedures``: the stored steps are replayed through the same
``check_step`` the registry service uses when a clerk records them.
"""

from __future__ import annotations

import re
import unicodedata
from operator import attrgetter

from fupin_tui.domain import procedures as proc
from fupin_tui.domain.errors import DomainError
from fupin_tui.domain.idcard import mask_id
from fupin_tui.domain.quality import HouseholdData, QualityProblem, check_household
from fupin_tui.domain.rules.base import BREACH, NOTICE, Env, finding, rule
from fupin_tui.domain.rules.facts import CheckData, HouseholdInfo, StepData

# Tabs of the household form a finding opens (fupin_tui.screens.household_form.TABS).
TAB_BASIC, TAB_MEMBERS, TAB_PROCEDURE, TAB_LEDGER, TAB_HISTORY = "户信息", "成员", "程序", "台账", "历史"
LOOKS = ("看房", "看粮", "看劳动力强不强", "看家中有没有读书郎")
IDENTIFIED = (proc.REGISTERED, proc.EXITED, proc.RETURNED, proc.REMOVED)  # went through identification
SUPPORTED = (proc.REGISTERED, proc.RETURNED)
_seq = attrgetter("seq")


def _has_households(d: CheckData) -> bool:
    return bool(d.households)


def _hrule(id: str, section: str, title: str, **kw):
    kw.setdefault("population", "建档立卡户")
    kw.setdefault("has_data", _has_households)
    return rule(id, section, title, **kw)


def _line(env: Env, year: int | None):
    if year is None:
        return None
    try:
        return env.policy.poverty_line_for(year)
    except DomainError:
        return None


@_hrule("H01", "十二(二)", "以户识别，收入低于贫困线，四看有记录", params=("poverty_line",))
def h01(env: Env):
    for h in env.data.households:
        if h.status == proc.VOID:
            continue
        if not h.members:
            yield finding("H01", BREACH, h.record, h.label, "没有登记家庭成员。识别以户为单位，请登记全部家庭成员。",
                          tab=TAB_MEMBERS)
        missing = [name for name, text in zip(LOOKS, h.looks) if not text.strip()]
        if missing and h.status in IDENTIFIED + (proc.IDENTIFYING,):
            yield finding("H01", BREACH, h.record, h.label, f"“四看”未记录：{'、'.join(missing)}。请补录评估情况。",
                          tab=TAB_BASIC)
        line = _line(env, h.income_year)
        if line is None or not h.income_year:
            continue
        if h.status == proc.IDENTIFYING and h.per_capita_income >= line:
            yield finding("H01", BREACH, h.record, h.label,
                          f"{h.income_year}年人均纯收入{h.per_capita_income}元，不低于当年贫困线{line}元，"
                          "不符合识别标准。请核实收入。", tab=TAB_BASIC)
        elif h.status in SUPPORTED and h.per_capita_income > line:
            yield finding("H01", NOTICE, h.record, h.label,
                          f"{h.income_year}年人均纯收入{h.per_capita_income}元，已高于当年贫困线{line}元。"
                          "达到“两不愁三保障”的，可启动脱贫退出程序。", tab=TAB_PROCEDURE)


def _replay(h: HouseholdInfo, procedure: str, start_status: str, env: Env) -> tuple[str | None, list[str]]:
    """Replay the stored steps through the registry's own check; (first problem, steps still missing).

    Kept in ``env.cache`` as ("replay", household id, procedure): the 体检 service stores it
    between runs and hands it back while the household's steps are unchanged.
    """
    key = ("replay", h.id, procedure)
    if key not in env.cache:
        env.cache[key] = _replay_steps(h, procedure, start_status, env)
    return env.cache[key]


def _replay_steps(h: HouseholdInfo, procedure: str, start_status: str, env: Env) -> tuple[str | None, list[str]]:
    steps = sorted([s for s in h.steps if s.procedure == procedure], key=_seq)
    done: list[StepData] = []
    days = int(env.policy.publicity_days)
    for s in steps:
        # A StepData has every field check_step reads of a StepEntry (and of a StepDone in
        # ``done``), so the 140,000 stored steps are checked as they are, without copies.
        try:
            proc.check_step(s, done, start_status, publicity_days=days, today=env.today)
        except DomainError as exc:
            return f"「{s.step}」（{s.done_on.isoformat()}）：{exc.message}", []
        done.append(s)
    return None, list(proc.STEPS[procedure][len(done):])


@_hrule("H02", "十二(五)", "识别程序按顺序完成", params=("publicity_days",))
def h02(env: Env):
    for h in env.data.households:
        if h.status == proc.VOID:
            continue
        problem, missing = _replay(h, proc.IDENTIFICATION, proc.IDENTIFYING, env)
        if problem:
            yield finding("H02", BREACH, h.record, h.label, f"识别程序有误：{problem}。请更正程序记录。",
                          tab=TAB_PROCEDURE)
        elif missing and h.status in IDENTIFIED:
            yield finding("H02", BREACH, h.record, h.label,
                          f"状态为「{h.status}」，但识别程序缺少：{'、'.join(missing)}。程序走完后才能在册，请补录。",
                          tab=TAB_PROCEDURE)


@_hrule("H03", "十二(七)", "脱贫退出两公示一公告，达到退出标准", params=("poverty_line", "publicity_days"))
def h03(env: Env):
    for h in env.data.households:
        if h.status != proc.EXITED:
            continue
        problem, missing = _replay(h, proc.EXIT, proc.REGISTERED, env)
        if problem:
            yield finding("H03", BREACH, h.record, h.label, f"退出程序有误：{problem}。", tab=TAB_PROCEDURE)
        elif missing:
            yield finding("H03", BREACH, h.record, h.label,
                          f"已脱贫，但退出程序缺少：{'、'.join(missing)}（两公示一公告）。请补录。", tab=TAB_PROCEDURE)
        if exit_needs_met(h, env) is False:
            yield finding("H03", BREACH, h.record, h.label,
                          "已脱贫，但退出时没有登记已达到“两不愁三保障”（不愁吃、不愁穿，义务教育、基本医疗、住房安全有保障）。"
                          "请核实并在退出程序中登记。", tab=TAB_PROCEDURE)
        line = _line(env, h.income_year)
        if line is not None:
            try:
                proc.check_exit_standard(h.per_capita_income, line, h.income_year, True)
            except DomainError as exc:
                yield finding("H03", BREACH, h.record, h.label, f"{exc.message}。请核实收入或退出决定。", tab=TAB_BASIC)


def exit_needs_met(h: HouseholdInfo, env: Env) -> bool | None:
    """Whether the (latest) first exit step recorded 两不愁三保障; None without one.

    In ``env.cache`` as ("exit_needs", household id), stored between runs like the replays.
    """
    key = ("exit_needs", h.id)
    if key not in env.cache:
        first = [s for s in h.steps if s.procedure == proc.EXIT and s.seq == 1]
        env.cache[key] = max(first, key=lambda s: s.done_on).basic_needs_met if first else None
    return env.cache[key]


@_hrule("H04", "十二(六)", "有进有出，历史完整")
def h04(env: Env):
    for h in env.data.households:
        if h.status in (proc.IDENTIFYING, proc.VOID):
            continue
        if not any(e.to_status == h.status for e in h.events):
            yield finding("H04", BREACH, h.record, h.label,
                          f"状态为「{h.status}」，但没有转为该状态的记录。请补登状态变更（日期、原因、文号）。",
                          tab=TAB_HISTORY)
        for e in h.events:
            if e.to_status in (proc.REMOVED, proc.RETURNED) and not e.reason.strip():
                yield finding("H04", BREACH, h.record, h.label,
                              f"{e.happened_on.isoformat()}转为「{e.to_status}」没有写明原因。请补充。", tab=TAB_HISTORY)


def quality_problems(env: Env, h: HouseholdInfo) -> list[QualityProblem]:
    key = ("quality", h.id)
    if key not in env.cache:
        env.cache[key] = check_household(HouseholdData(h.household_no, h.phone, h.helper_phone),
                                         list(h.members), env.today, env.policy)
    return env.cache[key]


def _member(problem: QualityProblem) -> str:
    return f"{problem.member_name}：" if problem.member_name else ""


@_hrule("H05", "十二(五)", "身份证号有效，一人只在一户")
def h05(env: Env):
    for h in env.data.households:
        for q in quality_problems(env, h):
            if q.rule == "H05":
                yield finding("H05", BREACH, h.record, h.label, f"{_member(q)}{q.message}。请核对身份证。",
                              tab=TAB_MEMBERS)
    for number, holders in env.data.shared_ids:
        names = "、".join(f"{o.household_no} {o.head_name}" for o in holders)
        for h in holders:
            yield finding("H05", BREACH, h.record, h.label,
                          f"身份证号{mask_id(number)}同时登记在 {names}。一人只能在一户，请核实并作废重复的成员。",
                          tab=TAB_MEMBERS)


@_hrule("H06", "十二(五)", "谁登记、谁审核都有记录")
def h06(env: Env):
    for h in env.data.households:
        if h.status == proc.VOID:
            continue
        missing = [what for what, who in (("登记人", h.entered_by), ("审核人", h.checked_by)) if not who.strip()]
        if missing:
            yield finding("H06", BREACH, h.record, h.label, f"未记录{'、'.join(missing)}。请补录，谁登记谁负责。",
                          tab=TAB_BASIC)
        elif h.entered_by.strip() == h.checked_by.strip():
            yield finding("H06", NOTICE, h.record, h.label,
                          f"登记人和审核人都是{h.entered_by}。建议由另一人审核。", tab=TAB_BASIC)


@_hrule("H07", "十(三)2(8)", "按年建立现金收支台账")
def h07(env: Env):
    year = env.today.year - 1
    for h in env.data.households:
        if h.status not in SUPPORTED or (h.identified_year or year) > year:
            continue
        if year not in h.ledger_years:
            yield finding("H07", BREACH, h.record, h.label,
                          f"没有{year}年现金收支台账。请补录该年的收入和支出。", tab=TAB_LEDGER)
        if env.today.month == 12 and env.today.year not in h.ledger_years:
            yield finding("H07", NOTICE, h.record, h.label,
                          f"{env.today.year}年现金收支台账还没有记录，年底前请登记。", tab=TAB_LEDGER)


@_hrule("H08", "十二(五)(六)", "上传前数据质量校验", params=("school_age_min", "school_age_max"))
def h08(env: Env):
    for h in env.data.households:
        for q in quality_problems(env, h):
            if q.rule == "H08":
                severity = NOTICE if "复核" in q.message else BREACH
                yield finding("H08", severity, h.record, h.label, f"{_member(q)}{q.message}。", tab=TAB_MEMBERS)


# Public texts must not show a full ID, phone number or bank account (H09).
_FULL_ID = re.compile(r"(?<![\d*])\d{17}[\dXx](?![\d*])|(?<![\d*])\d{15}(?![\d*])")
_PHONE = re.compile(r"(?<![\d*])1[3-9]\d{9}(?![\d*])")
_ACCOUNT = re.compile(r"(?<![\d*])\d{16,19}(?![\d*])")
_PUBLIC_PHONE_FIELDS = ("监督电话", "监督投诉方式")  # a supervision hotline is meant to be public


def exposed(field: str, text: str) -> list[str]:
    """What personal data a publicly posted text shows in full."""
    text = unicodedata.normalize("NFKC", text or "").replace(" ", "")
    out = []
    if _FULL_ID.search(text):
        out.append("完整身份证号")
    elif _ACCOUNT.search(text):
        out.append("完整银行账号")
    if field not in _PUBLIC_PHONE_FIELDS and _PHONE.search(text):
        out.append("完整手机号")
    if "健康状况" in field or re.search(r"(患有大病|长期慢性病|残疾)", text):
        out.append("健康状况")
    return out


@_hrule("H09", "十二(五)、三(五)", "公示不显示身份证号、电话、账号、健康状况", population="公示",
        has_data=lambda d: any(p.notices for p in d.projects))
def h09(env: Env):
    for p in env.data.projects:
        for n in p.notices:
            for field, text in list(n.fields.items()) + [("地点", n.place)]:
                shown = exposed(field, str(text))
                if shown:
                    yield finding("H09", BREACH, p.record, p.label,
                                  f"{n.kind}（{n.published_on.isoformat()}）的「{field}」显示了{'、'.join(shown)}。"
                                  "公示须遮蔽（如5201**********123X），请更正公示内容。", tab="公示")
