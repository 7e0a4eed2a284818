"""Findings, severities and the registry every rule adds itself to."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from fupin_tui.domain.deadlines import Deadline, project_deadlines
from fupin_tui.domain.rules.facts import CheckData, ProjectData

OVERDUE = "逾期"
DUE_SOON = "即将到期"
BREACH = "不合规"
NOTICE = "提示"
SEVERITIES = (OVERDUE, DUE_SOON, BREACH, NOTICE)
# What makes ``fupin-tui check`` exit 1 (the county's import gate).
FAILING = (OVERDUE, BREACH)

TOWNSHIP_RECORD = ""  # findings about the township as a whole open nothing


@dataclass(frozen=True)
class Ack:
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class Finding:
    rule: str
    section: str
    severity: str
    record: str  # "project:5", "household:12", "year:2026" or "" (the township)
    record_label: str
    message: str  # what is wrong and what to do, in Chinese
    due: date | None = None
    tab: str | None = None  # the dossier tab to open
    workdays_left: int | None = None
    ack: Ack | None = None
    township: str = ""  # set over a county database: whose data the finding is about

    @property
    def failing(self) -> bool:
        return self.severity in FAILING and self.ack is None


def ack_key(f: Finding) -> tuple[str, str]:
    """What an acknowledgement is stored under: the rule and the record.

    A yearly duty is acknowledged per date (the 自查报告 done says nothing of the 实地核查);
    a township-wide finding by its text.
    """
    if f.record.startswith("year:") and f.due:
        return (f.rule, f"{f.record}@{f.due.isoformat()}")
    return (f.rule, f.record or f.message)


def ack_of(reason: str, by: str, at) -> Ack:
    """An Ack from a findingack row (``at`` is a datetime, or ISO text from plain sqlite3)."""
    return Ack(reason, by, at if isinstance(at, datetime) else datetime.fromisoformat(at))


@dataclass(frozen=True)
class RuleSpec:
    id: str
    section: str
    title: str  # the rule in a few Chinese words
    params: tuple[str, ...] = ()
    population: str = ""  # what it looks at, for the "no data yet" notice


@dataclass
class Env:
    """What a rule run shares: data, policy, today, and deadlines computed once per project."""

    data: CheckData
    policy: object
    today: date
    _deadlines: dict[int, list[Deadline]] = field(default_factory=dict)
    cache: dict = field(default_factory=dict)  # results several rules share (e.g. quality problems)

    @property
    def warning_wd(self) -> int:
        return int(getattr(self.policy, "warning_wd", 5))

    def deadlines(self, p: ProjectData) -> list[Deadline]:
        if p.id not in self._deadlines:
            self._deadlines[p.id] = project_deadlines(p.dates, self.policy, self.today)
        return self._deadlines[p.id]


CheckFn = Callable[[Env], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    spec: RuleSpec
    check: CheckFn
    has_data: Callable[[CheckData], bool]


REGISTRY: dict[str, Rule] = {}


def rule(id: str, section: str, title: str, *, params: tuple[str, ...] = (), population: str = "项目",
         has_data: Callable[[CheckData], bool] | None = None):
    """Register a check; ``has_data`` says whether there is anything to look at yet."""
    present = has_data or (lambda d: bool(d.projects))

    def wrap(fn: CheckFn) -> CheckFn:
        REGISTRY[id] = Rule(RuleSpec(id, section, title, params, population), fn, present)
        return fn

    return wrap


def finding(spec_id: str, severity: str, record: str, label: str, message: str, *,
            due: date | None = None, tab: str | None = None, workdays_left: int | None = None) -> Finding:
    spec = REGISTRY[spec_id].spec
    return Finding(spec.id, spec.section, severity, record, label, message, due, tab, workdays_left)


def no_data(spec: RuleSpec) -> Finding:
    return Finding(spec.id, spec.section, NOTICE, TOWNSHIP_RECORD, "全乡镇",
                   f"尚无{spec.population}数据，本条（{spec.title}）暂无可检查内容；录入后自动检查。")


def deadline_findings(env: Env, p: ProjectData, rule_id: str, tab: str, what_to_do: str) -> Iterator[Finding]:
    """Overdue, due soon, or met late: the three things a deadline can say."""
    for d in env.deadlines(p):
        if d.rule != rule_id:
            continue
        note = f"（{d.warning}）" if d.warning else ""
        if d.is_overdue(env.today):
            yield finding(rule_id, OVERDUE, p.record, p.label,
                          f"{d.label}已逾期{-d.workdays_left}个工作日（{d.basis}，应于{d.due.isoformat()}前）。"
                          f"{what_to_do}{note}", due=d.due, tab=tab, workdays_left=d.workdays_left)
        elif d.is_due_soon(env.today, env.warning_wd):
            left = "今天到期" if d.workdays_left == 0 else f"还剩{d.workdays_left}个工作日"
            yield finding(rule_id, DUE_SOON, p.record, p.label,
                          f"{d.label}{left}（{d.basis}，应于{d.due.isoformat()}前）。{what_to_do}{note}",
                          due=d.due, tab=tab, workdays_left=d.workdays_left)
        elif d.done_late:
            yield finding(rule_id, BREACH, p.record, p.label,
                          f"{d.label}于{d.done_on.isoformat()}完成，晚于时限{d.due.isoformat()}（{d.basis}）。"
                          "已无法补救的，请在确认时说明原因。", due=d.due, tab=tab)
