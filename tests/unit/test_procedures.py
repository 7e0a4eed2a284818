"""Identification, exit, return and removal rules (H02, H03, H04)."""

from datetime import date
from decimal import Decimal

import pytest

from fupin_tui.domain import procedures as p
from fupin_tui.domain.errors import DomainError

TODAY = date(2026, 11, 27)
D = date.fromisoformat




def entry(step, on, proc=p.IDENTIFICATION, who="王村主任", pub=None):
    start, end = pub if pub else (None, None)
    return p.StepEntry(proc, step, D(on), who, D(start) if start else None, D(end) if end else None)


def test_whole_identification_leads_to_registered():
    done = []
    day = D("2026-09-01")
    for seq, step in enumerate(p.IDENTIFICATION_STEPS, start=1):
        pub_from = day if p.is_publicity(step) else None
        pub_to = p.earliest_publicity_end(day, 7) if pub_from else None
        e = p.StepEntry(p.IDENTIFICATION, step, day, "李干部", pub_from, pub_to)
        assert p.check_step(e, done, p.IDENTIFYING, publicity_days=7, today=TODAY) == seq
        done.append(p.StepDone(step, day, pub_to))
        expected = p.REGISTERED if seq == 6 else None
        assert p.status_after(p.IDENTIFICATION, seq) == expected
        day = pub_to or day
    assert p.next_step(p.IDENTIFICATION, done) is None


@pytest.mark.parametrize(
    "done_n, e, status, message, rule",
    [
        # out of order: 民主评议 before 入户调查
        (1, entry("民主评议", "2026-09-10"), p.IDENTIFYING, "下一步应为「入户调查」", "H02"),
        # date going backwards
        (2, entry("民主评议", "2026-08-20"), p.IDENTIFYING, "日期不能倒退", "H02"),
        # a step in the future
        (0, entry("申请", "2026-12-01"), p.IDENTIFYING, "在今天之后", "H02"),
        # no responsible person (谁调查谁负责)
        (0, entry("申请", "2026-09-01", who=" "), p.IDENTIFYING, "须填写责任人", "H06"),
        # publicity step without period
        (3, entry("村委会审核公示", "2026-09-05"), p.IDENTIFYING, "须填写公示期", "H02"),
        # publicity shorter than policy (3 days < 7)
        (3, entry("村委会审核公示", "2026-09-05", pub=("2026-09-05", "2026-09-07")), p.IDENTIFYING,
         "公示期只有3天，不得少于7天", "H02"),
        # publicity starting before the step itself
        (3, entry("村委会审核公示", "2026-09-05", pub=("2026-09-01", "2026-09-10")), p.IDENTIFYING,
         "公示开始日", "H02"),
        # identification on a registered household
        (0, entry("申请", "2026-09-01"), p.REGISTERED, "不能办理识别程序", "H02"),
        # exit from a household still being identified
        (0, entry("村委会审核公示", "2026-09-05", proc=p.EXIT, pub=("2026-09-05", "2026-09-11")),
         p.IDENTIFYING, "不能办理退出程序", "H03"),
        # exit out of order
        (0, entry("县复核公告", "2026-09-05", proc=p.EXIT), p.REGISTERED, "下一步应为「村委会审核公示」", "H03"),
    ],
)
def test_bad_steps_are_refused(done_n, e, status, message, rule):
    done = [p.StepDone(s, D("2026-09-01")) for s in p.STEPS[e.procedure][:done_n]]
    with pytest.raises(DomainError) as exc:
        p.check_step(e, done, status, publicity_days=7, today=TODAY)
    assert message in exc.value.message
    assert exc.value.rule == rule


def test_next_step_may_not_start_during_previous_publicity():
    done = [p.StepDone(s, D("2026-09-01")) for s in p.IDENTIFICATION_STEPS[:3]]
    done.append(p.StepDone("村委会审核公示", D("2026-09-02"), D("2026-09-08")))
    e = entry("乡镇审批公示", "2026-09-05", pub=("2026-09-05", "2026-09-11"))
    with pytest.raises(DomainError, match="公示结束日"):
        p.check_step(e, done, p.IDENTIFYING, publicity_days=7, today=TODAY)
    ok = entry("乡镇审批公示", "2026-09-08", pub=("2026-09-08", "2026-09-14"))
    assert p.check_step(ok, done, p.IDENTIFYING, publicity_days=7, today=TODAY) == 5


def test_publicity_days_follow_the_policy():
    done = [p.StepDone(s, D("2026-09-01")) for s in p.IDENTIFICATION_STEPS[:3]]
    e = entry("村委会审核公示", "2026-09-05", pub=("2026-09-05", "2026-09-09"))  # 5 days
    assert p.check_step(e, done, p.IDENTIFYING, publicity_days=5, today=TODAY) == 4
    with pytest.raises(DomainError):
        p.check_step(e, done, p.IDENTIFYING, publicity_days=6, today=TODAY)


@pytest.mark.parametrize("status", [p.REGISTERED, p.RETURNED])
def test_exit_completes_to_exited(status):
    done = [p.StepDone("村委会审核公示", D("2026-10-01"), D("2026-10-07")),
            p.StepDone("乡镇审批公示", D("2026-10-08"), D("2026-10-14"))]
    e = entry("县复核公告", "2026-10-15", proc=p.EXIT)
    seq = p.check_step(e, done, status, publicity_days=7, today=TODAY)
    assert p.status_after(p.EXIT, seq) == p.EXITED


@pytest.mark.parametrize(
    "income, line, met, message",
    [
        (Decimal("3999.99"), Decimal("4000"), True, "未超过2020年贫困线"),
        (Decimal("4000.00"), Decimal("4000"), True, "未超过"),
        (Decimal("5200"), Decimal("4000"), False, "两不愁三保障"),
    ],
)
def test_exit_standard_refused(income, line, met, message):
    with pytest.raises(DomainError, match=message) as exc:
        p.check_exit_standard(income, line, 2020, met)
    assert exc.value.rule == "H03"


def test_exit_standard_recorded_text():
    text = p.check_exit_standard(Decimal("5200.50"), Decimal("4000.00"), 2026, True)
    assert "5200.50" in text and "4000.00" in text and "两不愁三保障" in text


@pytest.mark.parametrize(
    "status, reason, ok",
    [(p.EXITED, "因病返贫", True), (p.REGISTERED, "因病", False), (p.EXITED, " ", False), (p.RETURNED, "再次", False)],
)
def test_return_to_poverty(status, reason, ok):
    if ok:
        assert p.check_return(status, reason) == p.RETURNED
    else:
        with pytest.raises(DomainError) as exc:
            p.check_return(status, reason)
        assert exc.value.rule == "H04"


@pytest.mark.parametrize(
    "status, reason, ok",
    [(p.IDENTIFYING, "识别错误", True), (p.REGISTERED, "家有财政供养人员", True), (p.EXITED, "购买商品房", True),
     (p.REGISTERED, "", False), (p.REMOVED, "重复", False)],
)
def test_removal_needs_reason(status, reason, ok):
    if ok:
        assert p.check_removal(status, reason) == p.REMOVED
    else:
        with pytest.raises(DomainError) as exc:
            p.check_removal(status, reason)
        assert exc.value.rule == "H04"


def test_publicity_days_count_both_ends():
    assert p.publicity_days_of(D("2026-12-01"), D("2026-12-07")) == 7
    assert p.earliest_publicity_end(D("2026-12-01"), 7) == D("2026-12-07")


def test_stored_steps_are_checked_as_they_are():
    """The 体检 replays its StepData rows through check_step without copying them into StepEntry/StepDone."""
    from fupin_tui.domain.rules.facts import StepData

    first = StepData(p.IDENTIFICATION, "申请", 1, D("2026-09-01"), "李干部")
    assert p.check_step(first, [], p.IDENTIFYING, publicity_days=7, today=TODAY) == 1
    early = StepData(p.IDENTIFICATION, "入户调查", 2, D("2026-08-30"), "李干部")
    with pytest.raises(DomainError, match="日期不能倒退"):
        p.check_step(early, [first], p.IDENTIFYING, publicity_days=7, today=TODAY)


# ---------------------------------------------------------------- the exact refusal the clerk reads

IDENT = p.IDENTIFICATION_STEPS


@pytest.mark.parametrize("done_n, e, status, message, rule, section", [
    (1, entry("民主评议", "2026-09-10"), p.IDENTIFYING,
     "须按顺序办理：下一步应为「入户调查」，不能先办「民主评议」", "H02", "十二(五)"),
    (2, entry("民主评议", "2026-08-20"), p.IDENTIFYING,
     "日期不能倒退：「民主评议」(2026-08-20) 早于上一步「入户调查」的办理日期 (2026-09-01)", "H02", "十二(五)"),
    (0, entry("申请", "2026-11-28"), p.IDENTIFYING, "「申请」的日期 2026-11-28 在今天之后", "H02", "十二(五)"),
    (0, entry("申请", "2026-09-01", who=" "), p.IDENTIFYING, "「申请」须填写责任人", "H06", "十二(五)"),
    (3, entry("村委会审核公示", "2026-09-05"), p.IDENTIFYING,
     "「村委会审核公示」须填写公示期（开始和结束日期）", "H02", "十二(五)"),
    (3, entry("村委会审核公示", "2026-09-05", pub=("2026-09-05", None)), p.IDENTIFYING,
     "「村委会审核公示」须填写公示期（开始和结束日期）", "H02", "十二(五)"),
    (3, entry("村委会审核公示", "2026-09-05", pub=("2026-09-05", "2026-09-10")), p.IDENTIFYING,
     "「村委会审核公示」公示期只有6天，不得少于7天", "H02", "十二(五)"),
    (3, entry("村委会审核公示", "2026-09-05", pub=("2026-09-04", "2026-09-12")), p.IDENTIFYING,
     "「村委会审核公示」公示开始日 (2026-09-04) 早于办理日期 (2026-09-05)", "H02", "十二(五)"),
    (3, entry("村委会审核公示", "2026-09-05", pub=("2026-09-12", "2026-09-11")), p.IDENTIFYING,
     "「村委会审核公示」公示结束日早于开始日", "H02", "十二(五)"),
    (0, entry("申请", "2026-09-01"), p.REGISTERED, "当前状态为「在册」，不能办理识别程序（须为识别中）", "H02", "十二(五)"),
    (0, entry("村委会审核公示", "2026-09-05", proc=p.EXIT, pub=("2026-09-05", "2026-09-11")), p.IDENTIFYING,
     "当前状态为「识别中」，不能办理退出程序（须为在册、返贫）", "H03", "十二(七)"),
    (0, entry("县复核公告", "2026-09-05", proc=p.EXIT), p.REGISTERED,
     "须按顺序办理：下一步应为「村委会审核公示」，不能先办「县复核公告」", "H03", "十二(七)"),
    (6, entry("申请", "2026-09-05"), p.IDENTIFYING, "识别程序已全部完成", "H02", "十二(五)"),
    (2, entry("县复核公告", "2026-09-05", proc=p.EXIT, pub=("2026-09-06", "2026-09-05")), p.REGISTERED,
     "「县复核公告」公告期结束日早于开始日", "H03", "十二(七)"),
    (0, entry("申请", "2026-09-01", proc="迁出"), p.IDENTIFYING, "未知的程序「迁出」", "H02", "十二(五)"),
])
def test_a_refused_step_says_exactly_why(done_n, e, status, message, rule, section):
    steps = p.STEPS.get(e.procedure, IDENT)
    done = [p.StepDone(s, D("2026-09-01")) for s in steps[:done_n]]
    with pytest.raises(DomainError) as exc:
        p.check_step(e, done, status, publicity_days=7, today=TODAY)
    assert (exc.value.message, exc.value.rule, exc.value.section) == (message, rule, section)


def test_the_next_step_waits_for_the_publicity_end_to_the_day():
    done = [p.StepDone(s, D("2026-09-01")) for s in IDENT[:3]] + [
        p.StepDone("村委会审核公示", D("2026-09-02"), D("2026-09-08"))]
    early = entry("乡镇审批公示", "2026-09-07", pub=("2026-09-07", "2026-09-13"))
    with pytest.raises(DomainError) as exc:
        p.check_step(early, done, p.IDENTIFYING, publicity_days=7, today=TODAY)
    assert exc.value.message == ("日期不能倒退：「乡镇审批公示」(2026-09-07) 早于上一步「村委会审核公示」的"
                                 "公示结束日 (2026-09-08)")
    # 公告 without a period, on the very day the previous publicity ends, and a 公示 of exactly 7 days
    assert p.check_step(entry("乡镇审批公示", "2026-09-08", pub=("2026-09-08", "2026-09-14")), done,
                        p.IDENTIFYING, publicity_days=7, today=TODAY) == 5
    done.append(p.StepDone("乡镇审批公示", D("2026-09-08"), D("2026-09-14")))
    assert p.check_step(entry("县复核公告", "2026-09-14"), done, p.IDENTIFYING, publicity_days=7,
                        today=D("2026-09-14")) == 6


@pytest.mark.parametrize("income, met, message", [
    ("4000.00", True, "人均纯收入 4000.00 元未超过2020年贫困线 4000 元，不能退出"),
    ("5200", False, "须确认已达到“两不愁三保障”才能退出"),
])
def test_the_exit_standard_refusal_exactly(income, met, message):
    with pytest.raises(DomainError) as exc:
        p.check_exit_standard(Decimal(income), Decimal("4000"), 2020, met)
    assert (exc.value.message, exc.value.rule, exc.value.section) == (message, "H03", "十二(七)")
    assert p.check_exit_standard(Decimal("4000.01"), Decimal("4000"), 2020, True) == (
        "退出标准：人均纯收入 4000.01 元，高于2020年贫困线 4000 元；已达到两不愁三保障")


@pytest.mark.parametrize("check, status, reason, message", [
    (p.check_return, p.REGISTERED, "因病", "当前状态为「在册」，只有已脱贫户才能登记返贫"),
    (p.check_return, p.EXITED, " ", "登记返贫须说明原因"),
    (p.check_removal, p.REMOVED, "重复", "当前状态为「清退」，不能再清退"),
    (p.check_removal, p.VOID, "重复", "当前状态为「作废」，不能再清退"),
    (p.check_removal, p.REGISTERED, "  ", "清退须说明原因"),
])
def test_return_and_removal_refusals_exactly(check, status, reason, message):
    with pytest.raises(DomainError) as exc:
        check(status, reason)
    assert (exc.value.message, exc.value.rule, exc.value.section) == (message, "H04", "十二(六)")


def test_steps_statuses_and_periods():
    assert p.next_step(p.EXIT, []) == "村委会审核公示"
    assert p.next_step(p.EXIT, [p.StepDone(s, D("2026-09-01")) for s in p.EXIT_STEPS]) is None
    assert [p.status_after(p.EXIT, n) for n in (1, 2, 3)] == [None, None, p.EXITED]
    assert [p.is_publicity(s) for s in p.EXIT_STEPS] == [True, True, False]
    assert p.earliest_publicity_end(D("2026-12-01"), 1) == D("2026-12-01")
    assert p.publicity_days_of(D("2026-12-01"), D("2026-12-01")) == 1


def test_a_one_day_publicity_is_allowed_when_the_county_sets_one_day():
    done = [p.StepDone(s, D("2026-09-01")) for s in IDENT[:3]]
    e = entry("村委会审核公示", "2026-09-05", pub=("2026-09-05", "2026-09-05"))
    assert p.check_step(e, done, p.IDENTIFYING, publicity_days=1, today=TODAY) == 4
    # a 公告 may carry a period or only its start
    done += [p.StepDone("村委会审核公示", D("2026-09-05"), D("2026-09-05")),
             p.StepDone("乡镇审批公示", D("2026-09-06"), D("2026-09-12"))]
    assert p.check_step(entry("县复核公告", "2026-09-13", pub=("2026-09-13", None)), done, p.IDENTIFYING,
                        publicity_days=7, today=TODAY) == 6
    assert p.check_step(entry("县复核公告", "2026-09-13", pub=(None, "2026-09-01")), done, p.IDENTIFYING,
                        publicity_days=7, today=TODAY) == 6
