"""Due dates the regulation sets for a project, and the yearly duties (RULES.md).

Pure functions: the service hands in a ``ProjectDates`` (plain dates taken from
the project and its dossier), the policy and today; out come ``Deadline`` rows
that the dossier shows and the 体检 rules judge.  Working days only through
``domain.workdays``; a due date that relied on the weekends-only fallback
carries the calendar's warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fupin_tui.domain import workdays

# Rule id -> section of the county regulation (RULES.md).
SECTIONS = {
    "P03": "二(一)", "P04": "二(二)", "P05": "二(三)", "P06": "二(三)", "P07": "二(四)",
    "P08": "五(一)", "P09": "三(五)", "P10": "三(五)", "P13": "三(八)", "P14": "三(三)",
    "P15": "四(一)", "P16": "四(一)", "F04": "六(二)", "Y01": "八(七)", "Y02": "十(六)",
}

# Rule id -> the policy parameter that sets its period (the deadline rules declare the same
# name in their ``params=``; tests/unit/test_rule_params.py holds the two together).
PERIOD_PARAMS = {
    "P03": "review_application_wd", "P04": "approve_after_fund_plan_wd", "P05": "plan_submit_wd",
    "P06": "plan_review_wd", "P07": "filing_wd", "P08": "discipline_filing_wd", "P09": "approval_notice_wd",
    "P10": "site_notice_wd", "P13": "info_entry_wd", "P14": "start_grace_wd", "P15": "acceptance_request_wd",
    "P16": "acceptance_entry_wd", "F04": "final_reimburse_days",
}

# Side states after which no further step of the life cycle is owed.
CLOSED_SIDE_STATES = ("已收回", "已终止")


@dataclass(frozen=True)
class MoneyEvent:
    """A disbursement (拨款) or reimbursement (报账) after which P13 asks for an info entry."""

    on: date
    kind: str  # 拨款 / 报账
    ref: str = ""  # e.g. 第1期, 凭证 BZ-001


@dataclass(frozen=True)
class ProjectDates:
    """The dates of one project that deadlines are measured from and met by."""

    applied_on: date | None = None
    application_reviewed_on: date | None = None
    fund_plan_issued_on: date | None = None
    approved_on: date | None = None
    plan_submitted_on: date | None = None
    plan_approved_on: date | None = None
    filed_on: date | None = None
    discipline_filed_on: date | None = None
    approval_notice_on: date | None = None  # first 立项公告 published
    started_on: date | None = None
    site_notice_on: date | None = None  # first 现场公示 board put up
    completed_on: date | None = None
    initial_inspection_on: date | None = None
    acceptance_requested_on: date | None = None
    accepted_on: date | None = None
    acceptance_grade: str = ""
    acceptance_entered_on: date | None = None
    final_reimbursed_on: date | None = None
    force_majeure: str = ""
    side_state: str = ""
    money_events: tuple[MoneyEvent, ...] = ()
    info_entries: tuple[date, ...] = ()  # dates progress/fund info was entered (P13)


@dataclass(frozen=True)
class Deadline:
    rule: str
    section: str
    label: str  # what is due, in Chinese (上报实施方案)
    due: date
    done_on: date | None
    workdays_left: int  # from today: 0 on the day, negative when late
    estimated: bool  # the due date relied on the weekends-only calendar fallback
    warning: str | None
    since: date | None = None  # the date the period runs from
    basis: str = ""  # how the due date was computed, in Chinese

    @property
    def is_open(self) -> bool:
        return self.done_on is None

    @property
    def done_late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due

    def is_overdue(self, today: date) -> bool:
        return self.done_on is None and today > self.due

    def is_due_soon(self, today: date, warning_wd: int) -> bool:
        return self.done_on is None and today <= self.due and self.workdays_left <= warning_wd


def _wd_deadline(rule: str, label: str, since: date, n: int, done_on: date | None, today: date,
                 since_label: str) -> Deadline:
    result = workdays.workday_result(since, n)
    # counting the days left from today may cross a year the due date did not
    warning = result.warning or _span_warning(today, result.date)
    return Deadline(
        rule=rule, section=SECTIONS[rule], label=label, due=result.date, done_on=done_on,
        workdays_left=workdays.workdays_left(result.date, today),
        estimated=warning is not None, warning=warning, since=since,
        basis=f"{since_label}（{since.isoformat()}）后{n}个工作日",
    )


def _day_deadline(rule: str, label: str, since: date, days: int, done_on: date | None, today: date,
                  since_label: str) -> Deadline:
    due = since + timedelta(days=days)
    # the regulation counts calendar days here (F04: 30 天); every count shown is in working days, so both are said
    return _calendar_deadline(rule, label, due, done_on, today, since=since,
                              basis=f"{since_label}（{since.isoformat()}）后{days}天，"
                                    f"合{workdays.workdays_left(due, since)}个工作日")


def _calendar_deadline(rule: str, label: str, due: date, done_on: date | None, today: date, *,
                       since: date | None = None, basis: str = "") -> Deadline:
    warning = _span_warning(today, due)
    return Deadline(rule=rule, section=SECTIONS[rule], label=label, due=due, done_on=done_on,
                    workdays_left=workdays.workdays_left(due, today), estimated=warning is not None,
                    warning=warning, since=since, basis=basis)


def _span_warning(a: date, b: date) -> str | None:
    first, last = sorted((a, b))
    for year in range(first.year, last.year + 1):
        warning = workdays.calendar_warning(date(year, 1, 1))
        if warning:
            return warning
    return None


span_warning = _span_warning  # public: rules that count days left themselves append it too


def _first_on_or_after(dates: tuple[date, ...], start: date) -> date | None:
    later = [d for d in dates if d >= start]
    return min(later) if later else None


def project_deadlines(p: ProjectDates, policy, today: date) -> list[Deadline]:
    """Every deadline that has started running for this project, done or not, by due date.

    A terminated or recalled project owes nothing new: only deadlines already met
    are kept for the record.
    """
    out: list[Deadline] = []

    def wd(rule, label, since, done_on, since_label):
        if since is not None:
            n = int(getattr(policy, PERIOD_PARAMS[rule]))
            out.append(_wd_deadline(rule, label, since, n, done_on, today, since_label))

    wd("P03", "县级审核项目申报", p.applied_on, p.application_reviewed_on, "项目申报")
    wd("P04", "资金计划下达后立项批复", p.fund_plan_issued_on, p.approved_on, "省级资金计划下达")
    wd("P05", "上报实施方案", p.approved_on, p.plan_submitted_on, "立项批复")
    wd("P06", "县级批复实施方案", p.plan_submitted_on, p.plan_approved_on, "上报实施方案")
    wd("P07", "平台备案", p.plan_approved_on, p.filed_on, "方案批复")
    wd("P08", "资金文件送纪检监察审计备案", p.plan_approved_on, p.discipline_filed_on, "方案批复")
    wd("P09", "立项信息网上公告", p.approved_on, p.approval_notice_on, "立项批复")
    if not p.force_majeure:  # 不可抗力 recorded: the start deadline is suspended (P14)
        wd("P14", "按期开工", p.plan_approved_on, p.started_on, "方案批复")
    wd("P10", "设立项目公示牌", p.started_on, p.site_notice_on, "开工")
    for event in sorted(p.money_events, key=lambda e: e.on):
        what = f"{event.kind}{('（' + event.ref + '）') if event.ref else ''}"
        wd("P13", f"{what}后录入进度与资金信息", event.on, _first_on_or_after(p.info_entries, event.on), what)
    finished = p.initial_inspection_on or p.completed_on
    wd("P15", "初检后申请县级验收", finished, p.acceptance_requested_on,
       "完工初检" if p.initial_inspection_on else "完工")
    if p.accepted_on is not None and p.acceptance_grade != "不合格":
        wd("P16", "验收结果录入平台", p.accepted_on, p.acceptance_entered_on, "验收")
        days = int(getattr(policy, PERIOD_PARAMS["F04"]))
        out.append(_day_deadline("F04", "最终报账", p.accepted_on, days, p.final_reimbursed_on, today, "验收"))
    if p.side_state in CLOSED_SIDE_STATES:
        out = [d for d in out if d.done_on is not None]
    out.sort(key=lambda d: (d.due, d.rule))
    return out


# ---------------------------------------------------------------- yearly duties

# (rule, month, day, label, year offset from the work year it concerns)
YEARLY_DUTIES = (
    ("Y01", 3, 31, "上年度财政专项扶贫资金绩效自评报告", 1),
    ("Y01", 4, 30, "县级完成上年度绩效考评", 1),
    ("Y02", 12, 10, "乡镇脱贫攻坚工作自查总结报告", 0),
    ("Y02", 12, 15, "县级实地核查", 0),
    ("Y02", 1, 20, "县扶贫办考核数据汇总", 1),
)


@dataclass(frozen=True)
class YearlyDuty:
    deadline: Deadline
    work_year: int  # the year the duty reports on


def yearly_deadlines(today: date, *, lookahead_days: int = 60, lookback_days: int = 0) -> list[YearlyDuty]:
    """The yearly duties whose date falls in their season: from ``lookback_days`` ago
    to ``lookahead_days`` ahead of today (calendar days, the dates are fixed in the text).
    """
    start, end = today - timedelta(days=lookback_days), today + timedelta(days=lookahead_days)
    out: list[YearlyDuty] = []
    for year in range(start.year, end.year + 1):
        for rule, month, day, label, offset in YEARLY_DUTIES:
            due = date(year, month, day)
            if start <= due <= end:
                work_year = year - offset
                text = f"{label}（{work_year}年度）"
                out.append(YearlyDuty(_calendar_deadline(rule, text, due, None, today), work_year))
    out.sort(key=lambda y: y.deadline.due)
    return out
