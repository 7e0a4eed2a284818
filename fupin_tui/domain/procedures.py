"""建档立卡 procedures: identification, exit, return to poverty, removal (H02, H03, H04).

Pure rules over plain values. The service records each completed step as a
``ProcedureStep`` row and, when a step completes a procedure, a status change
(``HouseholdEvent``); the status never changes any other way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from fupin_tui.domain.errors import DomainError

IDENTIFICATION = "识别"
EXIT = "退出"

IDENTIFICATION_STEPS = ("申请", "入户调查", "民主评议", "村委会审核公示", "乡镇审批公示", "县复核公告")
EXIT_STEPS = ("村委会审核公示", "乡镇审批公示", "县复核公告")  # 两公示一公告
STEPS = {IDENTIFICATION: IDENTIFICATION_STEPS, EXIT: EXIT_STEPS}

# Statuses (the same words as models.registry; kept here so the domain stays pure).
IDENTIFYING, REGISTERED, EXITED, RETURNED, REMOVED, VOID = "识别中", "在册", "已脱贫", "返贫", "清退", "作废"

# Which status a procedure may start from, and where its last step leads.
_STARTS_FROM = {IDENTIFICATION: (IDENTIFYING,), EXIT: (REGISTERED, RETURNED)}
_LEADS_TO = {IDENTIFICATION: REGISTERED, EXIT: EXITED}

_SECTION = {IDENTIFICATION: "十二(五)", EXIT: "十二(七)"}
_RULE = {IDENTIFICATION: "H02", EXIT: "H03"}


@dataclass(frozen=True)
class StepDone:
    """A step already recorded in the current round of a procedure."""

    step: str
    done_on: date
    publicity_to: date | None = None


@dataclass(frozen=True)
class StepEntry:
    """A step the clerk is about to record."""

    procedure: str
    step: str
    done_on: date
    responsible: str
    publicity_from: date | None = None
    publicity_to: date | None = None


def is_publicity(step: str) -> bool:
    """公示 steps carry a publicity period; the county's 公告 does not need one."""
    return step.endswith("公示")


def publicity_days_of(start: date, end: date) -> int:
    """Calendar days of a publicity period, both ends counted (1–7 Dec is 7 days)."""
    return (end - start).days + 1


def next_step(procedure: str, done: list[StepDone]) -> str | None:
    """The step to record next, or None when the procedure is complete."""
    steps = STEPS[procedure]
    return steps[len(done)] if len(done) < len(steps) else None


def check_step(entry: StepEntry, done: list[StepDone], status: str, *, publicity_days: int,
               today: date) -> int:
    """Refuse a step that is out of order or badly dated; return its sequence number (1-based).

    ``entry`` and ``done`` are read by attribute only, so the 体检 passes its stored steps
    (``rules.facts.StepData``, which has the same fields) without copying them.
    """
    if entry.procedure not in STEPS:
        raise DomainError(f"未知的程序「{entry.procedure}」", rule="H02", section="十二(五)")
    rule, section = _RULE[entry.procedure], _SECTION[entry.procedure]
    if status not in _STARTS_FROM[entry.procedure]:
        allowed = "、".join(_STARTS_FROM[entry.procedure])
        raise DomainError(f"当前状态为「{status}」，不能办理{entry.procedure}程序（须为{allowed}）",
                          rule=rule, section=section)
    expected = next_step(entry.procedure, done)
    if expected is None:
        raise DomainError(f"{entry.procedure}程序已全部完成", rule=rule, section=section)
    if entry.step != expected:
        raise DomainError(f"须按顺序办理：下一步应为「{expected}」，不能先办「{entry.step}」",
                          rule=rule, section=section)
    if not entry.responsible.strip():
        raise DomainError(f"「{entry.step}」须填写责任人", rule="H06", section="十二(五)")
    if entry.done_on > today:
        raise DomainError(f"「{entry.step}」的日期 {entry.done_on} 在今天之后", rule=rule, section=section)
    if done:
        previous = done[-1]
        # The next step may not start before the previous publicity has ended.
        earliest = previous.publicity_to or previous.done_on
        if entry.done_on < earliest:
            what = "公示结束日" if previous.publicity_to else "办理日期"
            raise DomainError(f"日期不能倒退：「{entry.step}」({entry.done_on}) 早于上一步「{previous.step}」的"
                              f"{what} ({earliest})", rule=rule, section=section)
    _check_publicity(entry, publicity_days, rule, section)
    return len(done) + 1


def _check_publicity(entry: StepEntry, publicity_days: int, rule: str, section: str) -> None:
    start, end = entry.publicity_from, entry.publicity_to
    if not is_publicity(entry.step):
        if start and end and end < start:
            raise DomainError(f"「{entry.step}」公告期结束日早于开始日", rule=rule, section=section)
        return
    if start is None or end is None:
        raise DomainError(f"「{entry.step}」须填写公示期（开始和结束日期）", rule=rule, section=section)
    if start < entry.done_on:
        raise DomainError(f"「{entry.step}」公示开始日 ({start}) 早于办理日期 ({entry.done_on})",
                          rule=rule, section=section)
    if end < start:
        raise DomainError(f"「{entry.step}」公示结束日早于开始日", rule=rule, section=section)
    days = publicity_days_of(start, end)
    if days < publicity_days:
        raise DomainError(f"「{entry.step}」公示期只有{days}天，不得少于{publicity_days}天",
                          rule="H02", section="十二(五)")


def earliest_publicity_end(start: date, publicity_days: int) -> date:
    """The first day a publicity starting on ``start`` may end (default for the form)."""
    return start + timedelta(days=publicity_days - 1)


def status_after(procedure: str, seq: int) -> str | None:
    """The status a household reaches when step ``seq`` completes, if any."""
    return _LEADS_TO[procedure] if seq == len(STEPS[procedure]) else None


def check_exit_standard(per_capita_income: Decimal, poverty_line: Decimal, year: int,
                        basic_needs_met: bool) -> str:
    """H03: exit needs income above the line and 两不愁三保障; return the text to record."""
    if per_capita_income <= poverty_line:
        raise DomainError(f"人均纯收入 {per_capita_income} 元未超过{year}年贫困线 {poverty_line} 元，不能退出",
                          rule="H03", section="十二(七)")
    if not basic_needs_met:
        raise DomainError("须确认已达到“两不愁三保障”才能退出", rule="H03", section="十二(七)")
    return f"退出标准：人均纯收入 {per_capita_income} 元，高于{year}年贫困线 {poverty_line} 元；已达到两不愁三保障"


def check_return(status: str, reason: str) -> str:
    """H04: only an exited household can return to poverty (返贫), with a reason."""
    if status != EXITED:
        raise DomainError(f"当前状态为「{status}」，只有已脱贫户才能登记返贫", rule="H04", section="十二(六)")
    if not reason.strip():
        raise DomainError("登记返贫须说明原因", rule="H04", section="十二(六)")
    return RETURNED


def check_removal(status: str, reason: str) -> str:
    """H04: removal (清退) from any live status, always with a reason; never a deletion."""
    if status in (REMOVED, VOID):
        raise DomainError(f"当前状态为「{status}」，不能再清退", rule="H04", section="十二(六)")
    if not reason.strip():
        raise DomainError("清退须说明原因", rule="H04", section="十二(六)")
    return REMOVED
