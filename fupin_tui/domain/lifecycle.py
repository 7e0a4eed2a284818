"""The project life cycle of RULES section A as a pure state machine.

Each action (申报, 立项批复, 验收 …) names the states it may start from, the
fields a clerk must give for it, and the preconditions that refuse it with the
rule id and section.  ``decide`` checks one action against a snapshot of the
project (``ProjectFacts``) and returns a ``Transition`` the service applies in
one transaction.  No database, no Textual here.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Iterable, Mapping

from fupin_tui.domain import workdays
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.money import parse_amount, parse_date, parse_ratio

LIBRARY = "入库"
APPLIED = "申报"
APPROVED = "立项"
PLAN_SUBMITTED = "方案已报"
PLAN_APPROVED = "方案批复"
UNDERWAY = "实施中"
COMPLETED = "完工初检"
ACCEPTANCE_REQUESTED = "申请验收"
ACCEPTED = "已验收"
RECTIFYING = "整改"
REIMBURSED = "已报账"
HANDED_OVER = "已移交"
ARCHIVED = "已归档"

ADJUSTING = "调整中"
RECALLED = "已收回"
TERMINATED = "已终止"
FINAL_SIDE_STATES = (RECALLED, TERMINATED)
ALL_STATES = (APPLIED, APPROVED, PLAN_SUBMITTED, PLAN_APPROVED, UNDERWAY, COMPLETED, ACCEPTANCE_REQUESTED,
              ACCEPTED, RECTIFYING, REIMBURSED, HANDED_OVER, ARCHIVED, ADJUSTING, RECALLED, TERMINATED)

GRADES = ("优良", "合格", "不合格")
EXPERT_REVIEW = "专家评审"
OFFICE_REVIEW = "县扶贫办审核"
REVIEW_KINDS = (EXPERT_REVIEW, OFFICE_REVIEW)
DEPOSIT_CATEGORIES = ("产业发展", "基础设施")  # P21
CONTINUING = "续建"  # P02 exemption
OWNER_HOUSEHOLDS = "受益农户"
OWNER_COLLECTIVE = "村集体"

WAN = Decimal(10000)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class FieldSpec:
    """One thing the action dialog asks for.  ``kind``: date/text/money/ratio/choice/lines."""

    key: str
    label: str
    kind: str = "text"
    required: bool = True
    choices: tuple[str, ...] = ()
    hint: str = ""
    default: str = ""  # what the dialog starts with when nothing was recorded yet


@dataclass(frozen=True)
class ProjectFacts:
    """What the rules need to know about a project; built by the service from its rows."""

    state: str
    side_state: str = ""
    category: str = ""
    construction_type: str = "新建"
    subsidy: Decimal = Decimal("0")
    household_project: bool = False
    in_library: bool = True
    last_event_on: date | None = None
    plan_approved_on: date | None = None
    started_on: date | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    audit_opinion_on: date | None = None
    open_rectifications: int = 0
    budget_lines: int = 0
    missing_documents: tuple[str, ...] = ()
    file_number: str | None = None
    deposit_rate: Decimal | None = None
    pending_adjustment: bool = False
    accepted_on: date | None = None
    acceptance_entered_on: date | None = None


@dataclass
class Transition:
    """What an action changes: the new state and the project columns to set."""

    action: str
    from_state: str
    to_state: str
    happened_on: date
    side_state: str | None = None  # None = unchanged
    document_no: str = ""
    approver: str = ""
    note: str = ""
    sets: dict[str, object] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)  # parsed dialog values


@dataclass(frozen=True)
class Action:
    name: str
    from_states: tuple[str, ...]
    to_state: str | None  # None: stays in its state (records a date only)
    date_label: str
    date_attr: str | None = None
    doc_attr: str | None = None
    asks_document: bool = False
    asks_approver: bool = False
    section: str = "二(二)"


_IMPLEMENTING = (PLAN_APPROVED, UNDERWAY)
_RECALLABLE = (APPROVED, PLAN_SUBMITTED, PLAN_APPROVED, UNDERWAY, COMPLETED, ACCEPTANCE_REQUESTED, RECTIFYING)
_TERMINABLE = (APPLIED, APPROVED, PLAN_SUBMITTED, PLAN_APPROVED, UNDERWAY, COMPLETED,
               ACCEPTANCE_REQUESTED, RECTIFYING)

ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("申报", (LIBRARY,), APPLIED, "申报日期", "applied_on", asks_document=True),
    Action("立项评估", (APPLIED,), None, "评估意见日期", "application_reviewed_on", asks_document=True,
           section="二(一)"),
    Action("立项批复", (APPLIED,), APPROVED, "批复日期", "approved_on", "approval_doc_no",
           asks_document=True, asks_approver=True),
    Action("上报实施方案", (APPROVED,), PLAN_SUBMITTED, "报送日期", "plan_submitted_on",
           asks_document=True, section="二(三)"),
    Action("批复实施方案", (PLAN_SUBMITTED,), PLAN_APPROVED, "批复日期", "plan_approved_on",
           "plan_approval_doc_no", asks_document=True, asks_approver=True, section="二(三)"),
    Action("备案", _IMPLEMENTING, None, "平台备案日期", "filed_on", section="二(四)"),
    Action("开工", (PLAN_APPROVED,), UNDERWAY, "开工日期", "started_on", section="三(四)"),
    Action("调整", _IMPLEMENTING, None, "调整申请日期", None, asks_document=True, section="三(三)"),
    Action("调整批复", _IMPLEMENTING, None, "调整批复日期", None, asks_document=True,
           asks_approver=True, section="三(三)"),
    Action("完工初检", (UNDERWAY,), COMPLETED, "初检日期", "initial_inspection_on", section="四(一)"),
    Action("申请验收", (COMPLETED,), ACCEPTANCE_REQUESTED, "请示日期", "acceptance_requested_on",
           asks_document=True, section="四(一)"),
    Action("验收", (ACCEPTANCE_REQUESTED, RECTIFYING), ACCEPTED, "验收日期", "accepted_on",
           asks_document=True, section="四(一)(二)"),
    Action("整改完成", (RECTIFYING,), None, "整改完成日期", None, section="四(一)(二)"),
    # P16: the county platform entry of the acceptance result, often recorded after later steps (even 归档)
    Action("验收录入平台", (ACCEPTED, REIMBURSED, HANDED_OVER, ARCHIVED), None, "平台录入日期",
           "acceptance_entered_on", section="四(一)"),
    Action("最终报账", (ACCEPTED,), REIMBURSED, "最终报账日期", "final_reimbursed_on",
           asks_document=True, section="六(二)"),
    Action("移交", (REIMBURSED,), HANDED_OVER, "移交日期", "handed_over_on", section="四(三)"),
    Action("归档", (HANDED_OVER,), ARCHIVED, "归档日期", "archived_on", section="九(二)(四)"),
    Action("收回", _RECALLABLE, None, "收回日期", None, asks_document=True, section="三(三)"),
    Action("终止", _TERMINABLE, None, "终止日期", None, asks_document=True, section="三(三)"),
)}

# Actions a clerk starts from the dossier (申报 starts from the library, 最终报账 from 报账).
DOSSIER_ACTIONS = tuple(n for n in ACTIONS if n not in ("申报", "最终报账"))
# Dates of something done outside the township's own sequence (a platform entry): they may be
# recorded after later steps, so they are checked against what they follow, not the last step.
AFTER_THE_FACT = ("验收录入平台",)


# --------------------------------------------------------------------------- helpers


def add_months(d: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    total = d.month - 1 + months
    year, month = d.year + total // 12, total % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _pct(x) -> str:
    """0.05 -> 5%, 0.1001 -> 10.01% (Decimal's own 'g' keeps trailing zeros: 5.00%)."""
    return f"{(Decimal(str(x)) * 100).normalize():f}%"


def wan(policy_value) -> Decimal:
    """A policy threshold in 万元 as yuan."""
    return Decimal(str(policy_value)) * WAN


def review_kind(subsidy: Decimal, policy) -> str:
    """P06: subsidy at or above the threshold needs expert review, below it office review."""
    return EXPERT_REVIEW if subsidy >= wan(policy.expert_review_threshold_wan) else OFFICE_REVIEW


def needs_audit_opinion(subsidy: Decimal, policy) -> bool:
    """P17 (and R02 #15): at or above the audit threshold."""
    return subsidy >= wan(policy.audit_threshold_wan)


def needs_deposit(category: str) -> bool:
    return category in DEPOSIT_CATEGORIES


def deposit_amount(subsidy: Decimal, rate: Decimal) -> Decimal:
    return (subsidy * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Schedule:
    """What P14 needs of a project's plan and progress (三(三), 三(八))."""

    planned_start: date | None = None
    planned_end: date | None = None
    plan_approved_on: date | None = None
    started_on: date | None = None
    completed_on: date | None = None
    force_majeure: str = ""
    work_share: Decimal = Decimal(0)  # latest progress report


@dataclass(frozen=True)
class Behind:
    expected: Decimal  # share of the work the plan expects by today
    done: Decimal  # share reported

    @property
    def message(self) -> str:
        return (f"进度落后计划：按计划应完成约{self.expected * 100:.0f}%，最近登记为{self.done * 100:.0f}%")


def behind_schedule(s: Schedule, policy, today: date) -> Behind | None:
    """Started, not finished, and the work reported is more than ``behind_schedule_points``
    behind the share of the planned period elapsed (不按照项目实施方案进度推进, 三(三)).
    Force majeure (不可抗力) recorded exempts."""
    if s.force_majeure or not s.started_on or s.completed_on or not (s.planned_start and s.planned_end):
        return None
    span = (s.planned_end - s.planned_start).days
    if span <= 0:
        return None
    expected = min(Decimal(max((today - s.planned_start).days, 0)) / span, Decimal(1))
    if expected - s.work_share > Decimal(policy.behind_schedule_points):
        return Behind(expected, s.work_share)
    return None


def schedule_block(s: Schedule, policy, today: date) -> str | None:
    """Why new funds are stopped under 三(三)/三(八) (P14), or None: behind the plan, or not started
    ``start_grace_wd`` working days after the plan approval. Off when the county switches
    ``block_tranches_when_behind`` off; force majeure exempts."""
    if not policy.block_tranches_when_behind or s.force_majeure:
        return None
    behind = behind_schedule(s, policy, today)
    if behind:
        return behind.message
    if s.plan_approved_on and not s.started_on:
        due = workdays.add_workdays(s.plan_approved_on, int(policy.start_grace_wd))
        if today > due:
            return f"方案批复（{s.plan_approved_on.isoformat()}）后应于{due.isoformat()}前开工，至今未开工"
    return None


def asset_owner_kind(household_project: bool) -> str:
    """P19: 到户 assets belong to the beneficiary households, all others to the village collective."""
    return OWNER_HOUSEHOLDS if household_project else OWNER_COLLECTIVE


def _refuse(message: str, rule: str | None = None, section: str | None = None) -> DomainError:
    return DomainError(message, rule=rule, section=section)


# --------------------------------------------------------------------------- fields


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def fields_for(action: str, facts: ProjectFacts, policy) -> list[FieldSpec]:
    """The fields the dialog asks for this action on this project, and nothing else."""
    spec = ACTIONS[action]
    out = [FieldSpec("date", spec.date_label, "date")]
    if spec.asks_document:
        optional = action in ("申报", "申请验收", "立项评估")
        out.append(FieldSpec("document_no", "文号", required=not optional))
    if spec.asks_approver:
        out.append(FieldSpec("approver", "批复单位/审批人"))
    if action == "立项批复":
        out += [FieldSpec("subsidy", "批复财政补助（元）", "money"),
                FieldSpec("fund_plan_issued_on", "省资金计划下达日期", "date", required=False)]
    elif action == "上报实施方案":
        # the plan's dates carry over from 入库 (the library entry), so they are not typed twice
        out += [FieldSpec("planned_start", "计划开工日期", "date", default=_iso(facts.planned_start)),
                FieldSpec("planned_end", "计划完工日期", "date", default=_iso(facts.planned_end))]
    elif action == "批复实施方案":
        # P06 (二(三)): the county's review as it was done; the rule then checks it against the amount
        out.append(FieldSpec("review_kind", "审查方式", "choice", choices=REVIEW_KINDS,
                             hint=f"补助达到{policy.expert_review_threshold_wan}万元须专家评审",
                             default=review_kind(facts.subsidy, policy)))
        if needs_deposit(facts.category):
            lo, hi = policy.deposit_rate_min, policy.deposit_rate_max
            out.append(FieldSpec("deposit_rate", "质量保证金比例", "ratio",
                                 hint=f"{_pct(lo)}至{_pct(hi)}"))
    elif action == "备案":
        out.append(FieldSpec("discipline_filed_on", "抄送纪检监察审计日期", "date", required=False))
    elif action in ("调整", "调整批复"):
        if action == "调整":
            out.append(FieldSpec("content", "调整内容"))
    elif action == "完工初检":
        out += [FieldSpec("completed_on", "完工日期", "date"),
                FieldSpec("organiser", "初检组织人")]
    elif action == "验收":
        out += [FieldSpec("grade", "验收等级", "choice", choices=GRADES),
                FieldSpec("organiser", "验收组织单位")]
        if needs_audit_opinion(facts.subsidy, policy) and facts.audit_opinion_on is None:
            out += [FieldSpec("audit_opinion_on", "审计意见日期", "date", required=False,
                              hint="补助达审计门槛，须有审计意见"),
                    FieldSpec("audit_opinion_doc_no", "审计意见文号", required=False)]
        out.append(FieldSpec("rectifications", "整改事项（不合格时填，每行：事项；期限）", "lines",
                             required=False, hint="如：路面裂缝修补；2026-12-20"))
    elif action == "移交":
        # checked by the P19 rule itself, so the refusal names it
        out += [FieldSpec("assets", "移交资产（每行：名称；数量；单位；价值）", "lines", required=False),
                FieldSpec("maintainer", "管护责任人", required=False, hint="P19 必填"),
                FieldSpec("maintenance_duty", "管护责任", required=False)]
    elif action in ("收回", "终止"):
        out.append(FieldSpec("reason", "原因"))
    out.append(FieldSpec("note", "备注", required=False))
    return out


def notes_for(action: str, facts: ProjectFacts, policy) -> list[str]:
    """What the rules decide by themselves, shown in the dialog so the clerk knows."""
    notes = []
    if action == "批复实施方案":
        notes.append(f"应为{review_kind(facts.subsidy, policy)}（P06 补助"
                     f"{'达到' if review_kind(facts.subsidy, policy) == EXPERT_REVIEW else '低于'}"
                     f"{policy.expert_review_threshold_wan}万元）；请按县里实际的审查方式登记")
    if action == "移交":
        notes.append(f"资产归属：{asset_owner_kind(facts.household_project)}（P19）")
    if action == "验收" and needs_audit_opinion(facts.subsidy, policy):
        done = facts.audit_opinion_on
        notes.append("审计意见：" + (f"已于{done.isoformat()}出具" if done else "尚未录入（P17 必须）"))
    if action == "归档" and facts.missing_documents:
        notes.append("档案缺少：" + "、".join(facts.missing_documents))
    return notes


def _parse_lines(text: str) -> list[list[str]]:
    rows = []
    for line in (text or "").splitlines():
        line = unicodedata.normalize("NFKC", line).strip()
        if line:
            rows.append([p.strip() for p in re.split(r"[;；]", line)])
    return rows


def parse_values(action: str, facts: ProjectFacts, policy, raw: Mapping[str, object]) -> dict[str, object]:
    """Typed text → values; a missing or malformed field raises InputError naming it."""
    out: dict[str, object] = {}
    for spec in fields_for(action, facts, policy):
        value = raw.get(spec.key)
        text = value.strip() if isinstance(value, str) else value
        if text in (None, ""):
            if spec.required:
                raise InputError(spec.label, "不能为空")
            out[spec.key] = None if spec.kind in ("date", "money", "ratio") else ""
            continue
        if spec.kind == "date":
            out[spec.key] = parse_date(text, spec.label)
        elif spec.kind == "money":
            out[spec.key] = parse_amount(text, spec.label)
        elif spec.kind == "ratio":
            out[spec.key] = parse_ratio(text, spec.label)
        elif spec.kind == "choice":
            if text not in spec.choices:
                raise InputError(spec.label, f"应为{'/'.join(spec.choices)}之一")
            out[spec.key] = text
        elif spec.kind == "lines":
            out[spec.key] = _parse_lines(str(text))
        else:
            out[spec.key] = str(text)
    return out


# --------------------------------------------------------------------------- decisions


def allowed_actions(facts: ProjectFacts) -> list[str]:
    """Dossier actions whose start state fits; preconditions are checked on ``decide``."""
    if facts.side_state in FINAL_SIDE_STATES:
        return []
    return [n for n in DOSSIER_ACTIONS if facts.state in ACTIONS[n].from_states
            and (n != "调整批复" or facts.pending_adjustment)
            and (n != "整改完成" or facts.open_rectifications)
            and (n != "验收录入平台" or not facts.acceptance_entered_on)]


def decide(action: str, facts: ProjectFacts, raw: Mapping[str, object], policy, today: date) -> Transition:
    """Check ``action`` on the project and return what it changes, or raise with the rule."""
    if action not in ACTIONS:
        raise _refuse(f"没有“{action}”这一步")
    spec = ACTIONS[action]
    if facts.side_state in FINAL_SIDE_STATES:
        raise _refuse(f"项目{facts.side_state}，不能再{action}")
    if facts.state not in spec.from_states:
        allowed = "、".join(spec.from_states)
        raise _refuse(f"项目当前为“{facts.state}”，{action}只能在“{allowed}”时办理", section=spec.section)
    values = parse_values(action, facts, policy, raw)
    on: date = values["date"]
    if on > today:
        raise InputError(spec.date_label, f"不能晚于今天（{today.isoformat()}）")
    if facts.last_event_on and on < facts.last_event_on and action not in AFTER_THE_FACT:
        raise InputError(spec.date_label, f"不能早于上一步的日期（{facts.last_event_on.isoformat()}），日期不能倒退")
    t = Transition(action=action, from_state=facts.state, to_state=spec.to_state or facts.state,
                   happened_on=on, document_no=str(values.get("document_no") or ""),
                   approver=str(values.get("approver") or ""), note=str(values.get("note") or ""),
                   values=values)
    if spec.date_attr:
        t.sets[spec.date_attr] = on
    if spec.doc_attr:
        t.sets[spec.doc_attr] = t.document_no
    _CHECKS.get(action, _no_check)(t, facts, values, policy)
    return t


def _no_check(t, facts, values, policy) -> None:
    return None


def _check_library(t: Transition, facts: ProjectFacts, values, policy) -> None:
    if not facts.in_library:
        raise _refuse("项目不在项目库中（或库内条目已作废），不能申报或立项", "P01", "二(五)")


def _check_approve(t: Transition, facts: ProjectFacts, values, policy) -> None:
    _check_library(t, facts, values, policy)
    if values["subsidy"] <= 0:
        raise InputError("批复财政补助（元）", "应大于0")
    t.sets["subsidy"] = values["subsidy"]
    if values.get("fund_plan_issued_on"):
        t.sets["fund_plan_issued_on"] = values["fund_plan_issued_on"]


def _check_period(start: date, end: date, policy, what: str, end_field: str) -> None:
    months = int(policy.max_build_months)
    if end < start:
        raise InputError(end_field, "不能早于开工日期")
    if end > add_months(start, months):
        raise _refuse(f"{what}建设工期超过{months}个月（{start.isoformat()}至{end.isoformat()}）", "P11", "三(四)")


def _check_plan_submit(t: Transition, facts: ProjectFacts, values, policy) -> None:
    _check_period(values["planned_start"], values["planned_end"], policy, "计划", "计划完工日期")
    if facts.budget_lines == 0:
        raise _refuse("实施方案须有资金概算明细，请先在“资金概算”中录入", "F05", "六(三)")
    t.sets["planned_start"] = values["planned_start"]
    t.sets["planned_end"] = values["planned_end"]


def _check_plan_approve(t: Transition, facts: ProjectFacts, values, policy) -> None:
    t.sets["plan_review_kind"] = values["review_kind"]  # as asked; P06 checks it against the amount
    if needs_deposit(facts.category):
        rate: Decimal = values["deposit_rate"]
        lo, hi = Decimal(str(policy.deposit_rate_min)), Decimal(str(policy.deposit_rate_max))
        if not lo <= rate <= hi:
            raise _refuse(f"{facts.category}项目质量保证金比例应在{_pct(lo)}至{_pct(hi)}之间，"
                          f"填的是{_pct(rate)}", "P21", "三(七)")
        t.sets["deposit_rate"] = rate
        t.sets["deposit_amount"] = deposit_amount(facts.subsidy, rate)


def _check_filing(t: Transition, facts, values, policy) -> None:
    if values.get("discipline_filed_on"):
        t.sets["discipline_filed_on"] = values["discipline_filed_on"]


def _check_start(t: Transition, facts: ProjectFacts, values, policy) -> None:
    # a late start past the planned end is a P14 matter, not a period to check here
    if facts.planned_end and t.happened_on <= facts.planned_end:
        _check_period(t.happened_on, facts.planned_end, policy, "按此开工日期和计划完工日期，", "开工日期")


def _check_window(t: Transition, facts: ProjectFacts, policy) -> None:
    months = int(policy.adjust_window_months)
    released = facts.plan_approved_on
    if released is None:
        raise _refuse("资金尚未下达（实施方案未批复），不能调整", "P12", "三(三)")
    last = add_months(released, months)
    if t.happened_on > last:
        raise _refuse(f"资金下达（{released.isoformat()}）已超过{months}个月（截至{last.isoformat()}），"
                      "不能再调整项目", "P12", "三(三)")


def _check_adjust(t: Transition, facts: ProjectFacts, values, policy) -> None:
    if facts.pending_adjustment:
        raise _refuse("已有一项调整在审核中，请先录入其批复", "P12", "三(三)")
    _check_window(t, facts, policy)
    t.side_state = ADJUSTING


def _check_adjust_approve(t: Transition, facts: ProjectFacts, values, policy) -> None:
    if not facts.pending_adjustment:
        raise _refuse("没有待批复的调整", "P12", "三(三)")
    _check_window(t, facts, policy)
    t.side_state = ""


def _check_completion(t: Transition, facts: ProjectFacts, values, policy) -> None:
    completed: date = values["completed_on"]
    if completed > t.happened_on:
        raise InputError("完工日期", "不能晚于初检日期")
    if facts.started_on:
        if completed < facts.started_on:
            raise InputError("完工日期", f"不能早于开工日期（{facts.started_on.isoformat()}）")
        _check_period(facts.started_on, completed, policy, "实际", "完工日期")
    t.sets["completed_on"] = completed


def _check_acceptance(t: Transition, facts: ProjectFacts, values, policy) -> None:
    if facts.state == RECTIFYING and facts.open_rectifications:
        raise _refuse(f"还有{facts.open_rectifications}项整改未完成，不能复验", "P18", "四(一)(二)")
    audit_on = facts.audit_opinion_on or values.get("audit_opinion_on")
    if needs_audit_opinion(facts.subsidy, policy):
        if audit_on is None:
            raise _refuse(f"补助达到{policy.audit_threshold_wan}万元，验收前须有审计意见", "P17", "四(二)")
        if audit_on > t.happened_on:
            raise InputError("审计意见日期", "应在验收之前")
        if values.get("audit_opinion_on"):
            t.sets["audit_opinion_on"] = values["audit_opinion_on"]
            t.sets["audit_opinion_doc_no"] = values.get("audit_opinion_doc_no") or ""
    grade = values["grade"]
    t.sets["acceptance_grade"] = grade
    items = values.get("rectifications") or []
    if grade == "不合格":
        if not items:
            raise _refuse("验收不合格须列出整改事项和整改期限", "P18", "四(一)(二)")
        parsed = []
        for row in items:
            if len(row) < 2 or not row[0]:
                raise InputError("整改事项", f"“{'；'.join(row)}”应写成“事项；期限”")
            deadline = parse_date(row[1], "整改期限")
            if deadline < t.happened_on:
                raise InputError("整改期限", f"“{row[0]}”的期限早于验收日期")
            parsed.append((row[0], deadline))
        t.values["rectifications"] = parsed
        t.to_state = RECTIFYING
        t.sets.pop("accepted_on", None)
    else:
        if items:
            raise InputError("整改事项", f"验收{grade}时不填整改事项")
        t.values["rectifications"] = []


def _check_acceptance_entry(t: Transition, facts: ProjectFacts, values, policy) -> None:
    if facts.acceptance_entered_on:
        raise _refuse(f"验收结果已于{facts.acceptance_entered_on.isoformat()}录入平台", section="四(一)")
    if facts.accepted_on and t.happened_on < facts.accepted_on:
        raise InputError("平台录入日期", f"不能早于验收日期（{facts.accepted_on.isoformat()}）")


def _check_rectified(t: Transition, facts: ProjectFacts, values, policy) -> None:
    if not facts.open_rectifications:
        raise _refuse("没有未完成的整改事项", "P18", "四(一)(二)")


def _check_handover(t: Transition, facts: ProjectFacts, values, policy) -> None:
    if not (values.get("maintainer") or "").strip():
        raise _refuse("移交须写明管护责任人", "P19", "四(三)")
    assets = []
    for row in values.get("assets") or []:
        name = row[0] if row else ""
        if not name:
            raise InputError("移交资产", "资产名称不能为空")
        qty = parse_amount(row[1], "资产数量") if len(row) > 1 and row[1] else Decimal("1")
        unit = row[2] if len(row) > 2 else ""
        value = parse_amount(row[3], "资产价值") if len(row) > 3 and row[3] else Decimal("0")
        assets.append((name, qty, unit, value))
    if not assets:
        raise _refuse("移交清单不能为空", "P19", "四(三)")
    t.values["assets"] = assets
    t.values["owner_kind"] = asset_owner_kind(facts.household_project)


def _check_archive(t: Transition, facts: ProjectFacts, values, policy) -> None:
    if facts.missing_documents:
        raise _refuse("档案资料不全，缺：" + "、".join(facts.missing_documents), "R02", "九(五)")


def _check_recall(t: Transition, facts, values, policy) -> None:
    t.side_state = RECALLED


def _check_terminate(t: Transition, facts, values, policy) -> None:
    t.side_state = TERMINATED


_CHECKS = {
    "申报": _check_library,
    "立项批复": _check_approve,
    "上报实施方案": _check_plan_submit,
    "批复实施方案": _check_plan_approve,
    "备案": _check_filing,
    "验收录入平台": _check_acceptance_entry,
    "开工": _check_start,
    "调整": _check_adjust,
    "调整批复": _check_adjust_approve,
    "完工初检": _check_completion,
    "验收": _check_acceptance,
    "整改完成": _check_rectified,
    "移交": _check_handover,
    "归档": _check_archive,
    "收回": _check_recall,
    "终止": _check_terminate,
}


# --------------------------------------------------------------------------- P02


@dataclass(frozen=True)
class Candidate:
    """A project (or library entry being applied for) compared for duplicates and splits."""

    id: int | None
    name: str
    village_id: int | None
    year: int
    content: str
    amount: Decimal
    construction_type: str = "新建"
    applied_on: date | None = None
    approved: bool = True  # 已得到批复 (立项): a duplicate of it is refused in any year
    village_name: str = ""


DUPLICATE, SPLIT, NEAR = "疑似重复申报", "疑似拆分", "内容相近"


@dataclass(frozen=True)
class Similar:
    other: Candidate
    kind: str  # 疑似重复申报 / 疑似拆分 / 内容相近
    how: str = "建设内容相同"  # why they look alike, for the clerk


@lru_cache(maxsize=8192)  # P02 compares every pair of a village's projects: each text normalised once
def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(c for c in text if c.isalnum())


# 一段/二段, 第一期, 3标段, （二）: the numbering a project split in pieces carries
_NUMBERING = re.compile(r"第?[一二三四五六七八九十百零〇两0-9]+(?:标段|段|期|标)|[(（][一二三四五六七八九十0-9]+[)）]")


@lru_cache(maxsize=8192)
def _base(text: str, village_name: str) -> str:
    """Text with its numbering, the village name and punctuation taken out (near-duplicates)."""
    text = unicodedata.normalize("NFKC", text or "")
    if village_name:
        text = text.replace(unicodedata.normalize("NFKC", village_name), "")
    return _norm(_NUMBERING.sub("", text))


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} if len(text) > 1 else {text} if text else set()


def similarity(a: str, b: str) -> Decimal:
    """Dice coefficient of the character bigrams (0 to 1) of two normalised texts."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return Decimal(0)
    return (Decimal(2 * len(x & y)) / (len(x) + len(y))).quantize(Decimal("0.01"))


def _likeness(new: Candidate, other: Candidate, policy) -> str | None:
    """How two projects of one village look alike (None when they do not)."""
    if _norm(new.content) and _norm(other.content) == _norm(new.content):
        return "建设内容相同"
    if _norm(new.name) and _norm(other.name) == _norm(new.name):
        return "项目名称相同"
    for what, a, b in (("建设内容", new.content, other.content), ("项目名称", new.name, other.name)):
        base_a, base_b = _base(a, new.village_name), _base(b, other.village_name)
        if base_a and base_a == base_b:
            return f"{what}去掉段、期、标段编号和村名后相同"
    score = similarity(_base(new.content, new.village_name), _base(other.content, other.village_name))
    if score >= Decimal(policy.near_duplicate_similarity):
        return f"建设内容相似度{score * 100:.0f}%"
    return None


def find_similar(new: Candidate, others: Iterable[Candidate], policy) -> list[Similar]:
    """P02 (二(七)): look-alikes in the same village, shown for a human to confirm.

    - same or near construction content within ``split_window_days``, both under the expert-review
      threshold: 疑似拆分 (a project cut in pieces: 一段/二段, 一期/二期, 标段);
    - otherwise, within the window or against a project approved (已得到批复) in ANY year:
      the same content or name 疑似重复申报, near content 内容相近.
    A 续建 (continuing) project is exempt.
    """
    if new.construction_type == CONTINUING:
        return []
    window = timedelta(days=int(policy.split_window_days))
    threshold = wan(policy.expert_review_threshold_wan)
    when = new.applied_on or date(new.year, 7, 1)
    out = []
    for other in others:
        if other.id is not None and other.id == new.id:
            continue
        if other.village_id != new.village_id:
            continue
        how = _likeness(new, other, policy)
        if how is None:
            continue
        other_when = other.applied_on or date(other.year, 7, 1)
        near = abs(other_when - when) <= window or other.year == new.year
        exact = how in ("建设内容相同", "项目名称相同")
        if near and new.amount < threshold and other.amount < threshold:
            out.append(Similar(other, SPLIT, how))
        elif near or other.approved:
            out.append(Similar(other, DUPLICATE if exact else NEAR, how))
    return out


class NeedsConfirmation(DomainError):
    """P02: the clerk must confirm before the application goes ahead."""

    def __init__(self, similar: list[Similar]):
        self.similar = similar
        names = "、".join(f"{s.other.name}（{s.kind}）" for s in similar[:5])
        super().__init__(f"与已有项目相似，请确认不是重复申报或拆分项目：{names}", rule="P02", section="二(七)")


def with_state(facts: ProjectFacts, **changes) -> ProjectFacts:
    return replace(facts, **changes)
