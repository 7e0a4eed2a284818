"""Section A of RULES.md: the project life cycle (P01-P21)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from fupin_tui.domain import lifecycle
from fupin_tui.domain.deadlines import span_warning
from fupin_tui.domain.rules.base import (
    BREACH, DUE_SOON, NOTICE, OVERDUE, Env, deadline_findings, finding, rule,
)
from fupin_tui.domain.rules.facts import ProjectData
from fupin_tui.domain import workdays

# Tabs of the project dossier a finding opens (fupin_tui.screens.dossier.TABS).
TAB_FLOW, TAB_NOTICE, TAB_PEOPLE, TAB_MONEY = "基本信息", "公示", "受益户", "报账"
TAB_PROGRESS, TAB_ACCEPT, TAB_ASSETS, TAB_ARCHIVE = "进度", "验收", "验收", "档案"

# The items each notice must show (三(五)).
APPROVAL_NOTICE_FIELDS = ("资金规模", "资金来源", "资金用途", "使用单位", "分配原则", "分配结果", "监督电话")
SITE_NOTICE_FIELDS = (
    "项目名称", "实施地点", "建设内容", "实施期限", "实施单位及责任人", "资金来源", "资金构成及规模",
    "政府采购及招投标情况", "预期目标", "受益农户", "监督投诉方式",
)
APPROVAL_NOTICE, SITE_NOTICE = "立项公告", "现场公示"

_L = lifecycle
# Life-cycle order; 整改 sits with 申请验收 (acceptance not yet passed).
_ORDER = {s: i for i, s in enumerate((
    _L.LIBRARY, _L.APPLIED, _L.APPROVED, _L.PLAN_SUBMITTED, _L.PLAN_APPROVED, _L.UNDERWAY, _L.COMPLETED,
    _L.ACCEPTANCE_REQUESTED, _L.ACCEPTED, _L.REIMBURSED, _L.HANDED_OVER, _L.ARCHIVED))}
_ORDER[_L.RECTIFYING] = _ORDER[_L.ACCEPTANCE_REQUESTED]
POOR_STATUSES = ("在册", "返贫")


def _pct(x: Decimal) -> str:
    return f"{(Decimal(x) * 100).normalize():f}%"


def reached(p: ProjectData, state: str) -> bool:
    """The project is at ``state`` or later in the life cycle (整改 counts as before 已验收)."""
    return _ORDER.get(p.state, -1) >= _ORDER[state]


def calendar_note(env: Env, due: date) -> str:
    """The calendar's warning when the working days between today and ``due`` were computed
    (a year without the official schedule), to append to a finding's message."""
    warning = span_warning(env.today, due)
    return f"（{warning}）" if warning else ""


def live(env: Env):
    return [p for p in env.data.projects if not p.closed]


# ---------------------------------------------------------------- P01, P02


@rule("P01", "二(五)、一(七)", "项目须先入项目库")
def p01(env: Env):
    for p in env.data.projects:
        if reached(p, "申报") and not p.in_library:
            yield finding("P01", BREACH, p.record, p.label,
                          "项目不在项目库中（库内条目不存在或已作废），不得申报或立项。请核实入库情况，"
                          "补办入库手续或将本项目作废。", tab=TAB_FLOW)


@rule("P02", "二(七)", "不得重复申报、拆分项目",
      params=("split_window_days", "expert_review_threshold_wan", "near_duplicate_similarity"))
def p02(env: Env):
    by_village: dict[object, list[ProjectData]] = defaultdict(list)
    for p in env.data.projects:
        if not p.closed:
            by_village[p.village_id].append(p)
    for projects in by_village.values():
        candidates = {p.id: lifecycle.Candidate(p.id, p.name, p.village_id, p.year, p.content, p.subsidy,
                                                p.construction_type, p.dates.applied_on,
                                                p.dates.approved_on is not None, p.village_name)
                      for p in projects}
        labels = {p.id: p for p in projects}
        for p in projects:
            # each pair once, judged from the later application (an approved project of an earlier
            # year is the one a new application must not repeat, whatever the record numbers)
            mine = _applied(p)
            others = [candidates[o.id] for o in projects if o.id != p.id and (_applied(o), o.id) < (mine, p.id)]
            for s in lifecycle.find_similar(candidates[p.id], others, env.policy):
                other = labels[s.other.id]
                yield finding("P02", NOTICE, p.record, p.label,
                              f"{s.kind}：与「{other.name}」（{other.year}年）同村，{s.how}。"
                              "请人工核实；确属不同项目的，确认时写明理由。", tab=TAB_FLOW)


def _applied(p: ProjectData) -> date:
    return p.dates.applied_on or date(p.year, 7, 1)


# ---------------------------------------------------------------- deadlines P03-P10

_DEADLINE_RULES = (
    ("P03", "二(一)", "县级审核项目申报", ("review_application_wd",), TAB_FLOW,
     "请向县扶贫办催办立项评估意见，收到后在流程中登记日期。"),
    ("P04", "二(二)", "资金计划下达后按时立项", ("approve_after_fund_plan_wd",), TAB_FLOW,
     "请向县扶贫办催办立项批复，收到后登记。"),
    ("P05", "二(三)", "立项后按时上报实施方案", ("plan_submit_wd",), TAB_FLOW,
     "请编制并上报实施方案，然后在流程中登记上报日期。"),
    ("P07", "二(四)", "方案批复后按时平台备案", ("filing_wd",), TAB_FLOW,
     "请在省扶贫项目平台备案，并登记备案日期。"),
    ("P08", "五(一)", "资金文件送纪检监察审计备案", ("discipline_filing_wd",), TAB_FLOW,
     "请将资金文件抄送纪检监察、审计部门，并登记日期。"),
    ("P15", "四(一)", "完工初检后按时申请县级验收", ("acceptance_request_wd",), TAB_ACCEPT,
     "请报送申请验收的请示，并登记日期。"),
    ("P16", "四(一)", "验收结果按时录入平台", ("acceptance_entry_wd",), TAB_ACCEPT,
     "请将验收结果录入扶贫云平台，并登记录入日期。"),
)


def _make_deadline_rule(rid, section, title, params, tab, todo):
    @rule(rid, section, title, params=params + ("warning_wd",))
    def check(env: Env):
        for p in env.data.projects:
            yield from deadline_findings(env, p, rid, tab, todo)

    check.__name__ = rid.lower()
    return check


for _args in _DEADLINE_RULES:
    _make_deadline_rule(*_args)


@rule("P06", "二(三)", "县级按时审核实施方案，按金额定审查方式",
      params=("plan_review_wd", "expert_review_threshold_wan", "warning_wd"))
def p06(env: Env):
    for p in env.data.projects:
        yield from deadline_findings(env, p, "P06", TAB_FLOW, "请向县扶贫办催办实施方案批复。")
        if p.dates.plan_approved_on and not p.plan_review_kind.strip():
            yield finding("P06", BREACH, p.record, p.label,
                          "实施方案已批复，但没有登记审查方式（专家评审或县扶贫办审核）。请按县里实际的审查方式补登。",
                          tab=TAB_FLOW)
        elif p.dates.plan_approved_on:
            needed = lifecycle.review_kind(p.subsidy, env.policy)
            if p.plan_review_kind != needed:
                yield finding("P06", BREACH, p.record, p.label,
                              f"补助{p.subsidy}元，实施方案应为「{needed}」（门槛{env.policy.expert_review_threshold_wan}"
                              f"万元），登记的是「{p.plan_review_kind}」。请核实审查方式。", tab=TAB_FLOW)


def _missing_fields(p: ProjectData, kind: str, required: tuple[str, ...]):
    notices = [n for n in p.notices if n.kind == kind]
    if not notices:
        return None
    first = min(notices, key=lambda n: n.published_on)
    return [f for f in required if not str(first.fields.get(f, "")).strip()]


@rule("P09", "三(五)", "立项信息按时网上公告，要素齐全", params=("approval_notice_wd", "warning_wd"))
def p09(env: Env):
    for p in env.data.projects:
        yield from deadline_findings(env, p, "P09", TAB_NOTICE, "请在政府门户网站公告立项信息，并登记公告。")
        missing = _missing_fields(p, APPROVAL_NOTICE, APPROVAL_NOTICE_FIELDS)
        if missing:
            yield finding("P09", BREACH, p.record, p.label,
                          f"立项公告缺少：{'、'.join(missing)}。请补充公告内容后重新公告。", tab=TAB_NOTICE)


@rule("P10", "三(五)", "开工后按时设立项目公示牌，要素齐全", params=("site_notice_wd", "warning_wd"))
def p10(env: Env):
    for p in env.data.projects:
        yield from deadline_findings(env, p, "P10", TAB_NOTICE, "请在项目现场设立公示牌，并登记公示。")
        missing = _missing_fields(p, SITE_NOTICE, SITE_NOTICE_FIELDS)
        if missing:
            yield finding("P10", BREACH, p.record, p.label,
                          f"项目公示牌缺少：{'、'.join(missing)}。请补全公示牌内容。", tab=TAB_NOTICE)


# ---------------------------------------------------------------- P11, P12


@rule("P11", "三(四)", "建设工期不超过规定月数", params=("max_build_months", "warning_wd"))
def p11(env: Env):
    months = int(env.policy.max_build_months)
    for p in env.data.projects:
        if p.planned_start and p.planned_end and p.planned_end > lifecycle.add_months(p.planned_start, months):
            yield finding("P11", BREACH, p.record, p.label,
                          f"计划工期{p.planned_start.isoformat()}至{p.planned_end.isoformat()}超过{months}个月。"
                          "请调整实施方案的工期。", tab=TAB_FLOW)
        start = p.dates.started_on
        if start is None or p.closed:
            continue
        limit = lifecycle.add_months(start, months)
        done = p.dates.completed_on
        if done is not None:
            if done > limit:
                yield finding("P11", BREACH, p.record, p.label,
                              f"{start.isoformat()}开工、{done.isoformat()}完工，工期超过{months}个月。", tab=TAB_FLOW)
            continue
        left = workdays.workdays_left(limit, env.today)
        if env.today > limit:
            yield finding("P11", OVERDUE, p.record, p.label,
                          f"{start.isoformat()}开工，至{limit.isoformat()}已满{months}个月仍未完工。"
                          f"请督促完工，或报县扶贫办处理。{calendar_note(env, limit)}", due=limit, tab=TAB_PROGRESS, workdays_left=left)
        elif left <= env.warning_wd:
            yield finding("P11", DUE_SOON, p.record, p.label,
                          f"工期将于{limit.isoformat()}满{months}个月，还剩{left}个工作日，请督促按期完工。"
                          f"{calendar_note(env, limit)}",
                          due=limit, tab=TAB_PROGRESS, workdays_left=left)


@rule("P12", "三(三)", "调整须在资金下达后规定月数内报批", params=("adjust_window_months",))
def p12(env: Env):
    months = int(env.policy.adjust_window_months)
    for p in env.data.projects:
        released = p.dates.plan_approved_on
        if released is None:
            continue
        last = lifecycle.add_months(released, months)
        for a in p.adjustments:
            late = [f"{what}{d.isoformat()}" for what, d in (("申请", a.filed_on), ("批复", a.approved_on))
                    if d is not None and d > last]
            if late:
                yield finding("P12", BREACH, p.record, p.label,
                              f"项目调整（{a.content or '未写内容'}）{'、'.join(late)}，超过资金下达"
                              f"（{released.isoformat()}）后{months}个月的期限{last.isoformat()}。", tab=TAB_FLOW)
            elif a.approved_on is None:
                left = workdays.workdays_left(last, env.today)
                sev = OVERDUE if env.today > last else (DUE_SOON if left <= env.warning_wd else None)
                if sev:
                    yield finding("P12", sev, p.record, p.label,
                                  f"项目调整尚未批复，可调整期限为{last.isoformat()}。请向县扶贫办催办批复。"
                                  f"{calendar_note(env, last)}",
                                  due=last, tab=TAB_FLOW, workdays_left=left)


# ---------------------------------------------------------------- P13, P14


@rule("P13", "三(八)", "每次拨款、报账后按时录入信息", params=("info_entry_wd", "warning_wd"))
def p13(env: Env):
    for p in env.data.projects:
        yield from deadline_findings(env, p, "P13", TAB_PROGRESS,
                                     "请在进度录入中登记进度、资金使用和农户受益情况；逾期未录入的，暂停拨款和报账。")


@rule("P14", "三(三)、三(八)", "按期开工、按计划推进，落后则停止拨款报账",
      params=("start_grace_wd", "warning_wd", "behind_schedule_points", "block_tranches_when_behind"))
def p14(env: Env):
    for p in env.data.projects:
        if p.dates.force_majeure and p.dates.plan_approved_on and not p.dates.started_on and not p.closed:
            yield finding("P14", NOTICE, p.record, p.label,
                          f"尚未开工，已登记不可抗力：{p.dates.force_majeure}。消除后请尽快开工。", tab=TAB_FLOW)
        yield from deadline_findings(env, p, "P14", TAB_FLOW,
                                     "请尽快开工；确因不可抗力不能开工的，请登记不可抗力。县级可收回另行安排。")
        behind = None if p.closed else lifecycle.behind_schedule(schedule_of(p), env.policy, env.today)
        if behind is None:
            continue
        if env.policy.block_tranches_when_behind:
            yield finding("P14", BREACH, p.record, p.label,
                          f"{behind.message}，已暂停拨付新一期资金和报账（三(三)、三(八)）。"
                          "请督促实施单位加快进度或整改，并如实登记进度。", tab=TAB_PROGRESS)
        else:
            yield finding("P14", NOTICE, p.record, p.label,
                          f"{behind.message}。请督促实施单位加快进度，或如实登记进度。", tab=TAB_PROGRESS)


def schedule_of(p: ProjectData) -> lifecycle.Schedule:
    done = max(p.progress, key=lambda r: r.reported_on).work_share if p.progress else Decimal(0)
    return lifecycle.Schedule(p.planned_start, p.planned_end, p.dates.plan_approved_on, p.dates.started_on,
                              p.dates.completed_on, p.dates.force_majeure, done)


# ---------------------------------------------------------------- P17-P21


@rule("P17", "四(二)", "达到金额的项目验收前须有审计意见", params=("audit_threshold_wan",))
def p17(env: Env):
    for p in env.data.projects:
        if not lifecycle.needs_audit_opinion(p.subsidy, env.policy):
            continue
        accepted = p.dates.accepted_on
        opinion = p.audit_opinion_on
        if accepted and (opinion is None or opinion > accepted):
            late = (f"审计意见（{opinion.isoformat()}）晚于验收（{accepted.isoformat()}）" if opinion
                    else f"验收（{accepted.isoformat()}）前没有审计意见")
            yield finding("P17", BREACH, p.record, p.label,
                          f"补助{p.subsidy}元达到{env.policy.audit_threshold_wan}万元，{late}。"
                          "请补办竣工审计并登记审计意见。", tab=TAB_ACCEPT)
        elif not accepted and opinion is None and reached(p, "完工初检") and not p.closed:
            yield finding("P17", NOTICE, p.record, p.label,
                          f"补助达到{env.policy.audit_threshold_wan}万元，申请验收前请先取得审计意见。", tab=TAB_ACCEPT)


@rule("P18", "四(一)(二)", "验收等次与整改", params=("warning_wd",))
def p18(env: Env):
    for p in env.data.projects:
        grade = p.dates.acceptance_grade
        if grade and grade not in lifecycle.GRADES:
            yield finding("P18", BREACH, p.record, p.label,
                          f"验收等次「{grade}」不是优良、合格、不合格之一，请更正。", tab=TAB_ACCEPT)
        if p.state == "整改" and not p.rectifications:
            yield finding("P18", BREACH, p.record, p.label,
                          "验收不合格，但没有登记整改事项和期限。请登记整改事项。", tab=TAB_ACCEPT)
        for r in p.rectifications:
            if r.done_on is not None or p.closed:
                continue
            left = workdays.workdays_left(r.deadline, env.today)
            if env.today > r.deadline:
                yield finding("P18", OVERDUE, p.record, p.label,
                              f"整改事项「{r.item}」已过期限{r.deadline.isoformat()}仍未完成。请督促整改后申请复验。"
                              f"{calendar_note(env, r.deadline)}",
                              due=r.deadline, tab=TAB_ACCEPT, workdays_left=left)
            elif left <= env.warning_wd:
                yield finding("P18", DUE_SOON, p.record, p.label,
                              f"整改事项「{r.item}」将于{r.deadline.isoformat()}到期，还剩{left}个工作日。"
                              f"{calendar_note(env, r.deadline)}",
                              due=r.deadline, tab=TAB_ACCEPT, workdays_left=left)


@rule("P19", "四(三)、三(十)", "资产归属、移交清单和管护责任")
def p19(env: Env):
    for p in env.data.projects:
        if not (reached(p, "已移交") or p.handed_over_on):
            continue
        owner = lifecycle.asset_owner_kind(p.household_project)
        if not p.assets:
            yield finding("P19", BREACH, p.record, p.label, "已移交但没有移交清单。请登记移交的资产。", tab=TAB_ASSETS)
        for a in p.assets:
            if a.owner_kind != owner:
                yield finding("P19", BREACH, p.record, p.label,
                              f"资产「{a.name}」登记归属「{a.owner_kind}」，"
                              f"{'到户项目' if p.household_project else '非到户项目'}应归{owner}。", tab=TAB_ASSETS)
            if not a.maintainer.strip():
                yield finding("P19", BREACH, p.record, p.label,
                              f"资产「{a.name}」未落实管护责任人。请登记管护责任。", tab=TAB_ASSETS)


@rule("P20", "二(六)", "受益对象为申请的在册贫困户")
def p20(env: Env):
    for p in env.data.projects:
        if p.public_infrastructure or not p.dates.approved_on or p.closed:
            continue
        if not p.beneficiaries:
            yield finding("P20", BREACH, p.record, p.label,
                          "已立项但没有登记受益农户。请从建档立卡中选择受益贫困户。", tab=TAB_PEOPLE)
            continue
        for b in p.beneficiaries:
            who = f"{b.household_no} {b.head_name}"
            if b.status_at_approval is None:
                yield finding("P20", BREACH, p.record, p.label,
                              f"受益户 {who} 不在建档立卡名册中。请核实或移出受益户。", tab=TAB_PEOPLE)
            elif b.status_at_approval not in POOR_STATUSES:
                yield finding("P20", BREACH, p.record, p.label,
                              f"受益户 {who} 在立项时（{p.dates.approved_on.isoformat()}）状态为「{b.status_at_approval}」，"
                              "不是在册贫困户。请核实。", tab=TAB_PEOPLE)
            if not b.applied:
                yield finding("P20", BREACH, p.record, p.label,
                              f"受益户 {who} 未登记本人申请。请补充农户申请材料。", tab=TAB_PEOPLE)


@rule("P21", "三(七)", "产业和基础设施项目收取质量保证金", params=("deposit_rate_min", "deposit_rate_max"))
def p21(env: Env):
    lo, hi = Decimal(str(env.policy.deposit_rate_min)), Decimal(str(env.policy.deposit_rate_max))
    for p in env.data.projects:
        if not lifecycle.needs_deposit(p.category) or not p.dates.plan_approved_on or p.closed:
            continue
        rate = p.deposit_rate
        if rate is None:
            yield finding("P21", BREACH, p.record, p.label,
                          f"{p.category}项目未定质量保证金比例（应为{_pct(lo)}至{_pct(hi)}）。请在方案批复中补登。",
                          tab=TAB_MONEY)
            continue
        if not lo <= rate <= hi:
            yield finding("P21", BREACH, p.record, p.label,
                          f"质量保证金比例{_pct(rate)}不在{_pct(lo)}至{_pct(hi)}之间。", tab=TAB_MONEY)
        expected = lifecycle.deposit_amount(p.subsidy, rate)
        if p.deposit_amount != expected:
            yield finding("P21", BREACH, p.record, p.label,
                          f"质量保证金应为{expected}元（补助{p.subsidy}元×{_pct(rate)}），登记的是{p.deposit_amount}元。",
                          tab=TAB_MONEY)
        if p.dates.accepted_on and p.dates.acceptance_grade != "不合格" and p.deposit_state == "已收取":
            yield finding("P21", NOTICE, p.record, p.label,
                          f"已于{p.dates.accepted_on.isoformat()}验收，质量保证金尚未退还。请按规定退还。", tab=TAB_MONEY)
