"""RULES-2 part B, the clauses test_rules_duties.py left loose (found by mutation testing): the
boundaries of the working-day deadlines, several records on one project, partial consent (三(二)),
the threshold and the awarded amount (三(六)), the ledger on the notice's day (十一(九)3), and every
finding naming its record, its label and the tab that fixes it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from fupin_tui.domain import workdays
from fupin_tui.domain.rules.duties_projects import ledger_figures
from fupin_tui.domain.rules.facts import TrancheData, VoucherData
from tests.unit.test_rules import POLICY, TODAY, D, Y, pd, project
from tests.unit.test_rules_duties import APPROVED, DELEGATED, SMALL, SUNNY, TENDER, run, with_project

P = project()


def _since_leaving(left: int, n: int = 5):
    """A plan approval whose n-working-day deadline leaves ``left`` working days today."""
    day = TODAY + timedelta(days=30)
    while True:
        result = workdays.workday_result(day, n)
        if workdays.workdays_left(result.date, TODAY) == left:
            return day, result.date
        day -= timedelta(days=1)


def _one(found):
    assert len(found) == 1, [f.message for f in found]
    return found[0]


def _names_its_record(f, tab="采购备案"):
    assert (f.record, f.record_label, f.tab) == (P.record, P.label, tab), f


@pytest.mark.parametrize(("left", "severity", "words"), [
    (0, "即将到期", "今天到期"), (1, "即将到期", "还剩1个工作日"), (5, "即将到期", "还剩5个工作日"), (6, None, ""),
    (-1, "逾期", "已逾期1个工作日"), (-3, "逾期", "已逾期3个工作日"),
])
def test_p22_deadline_boundaries(left, severity, words):
    """二(四) within filing_wd working days; warned warning_wd (5) days ahead; due today is not yet late."""
    since, due = _since_leaving(left)
    found = run("P22", with_project(project(dates=pd(plan_approved_on=since))), POLICY)
    if severity is None:
        assert found == []
        return
    f = _one(found)
    assert f.severity == severity and words in f.message, f.message
    assert f.due == due and f.workdays_left == left
    _names_its_record(f)


def test_p22_done_late_names_the_due_day_and_done_before_the_approval_is_queried():
    late = _one(run("P22", with_project(project(dates=APPROVED), supervision_entered_on=D(2026, 4, 20)), POLICY))
    assert late.severity == "不合规" and late.due == D(2026, 4, 9) and "晚于时限2026-04-09" in late.message
    _names_its_record(late)
    early = _one(run("P22", with_project(project(dates=APPROVED), supervision_entered_on=D(2026, 3, 30)), POLICY))
    assert early.severity == "不合规" and "早于实施方案批复" in early.message
    _names_its_record(early)
    assert run("P22", with_project(project(dates=APPROVED), supervision_entered_on=D(2026, 4, 1)), POLICY) == []


def test_p24_names_the_adjustment_and_its_approval():
    f = _one(run("P24", with_project(P, adjustments=(replace_adj(D(2026, 5, 6), None),)), POLICY))
    assert "项目调整（变更路线）报县备案" in f.message and "调整批复（2026-05-06）" in f.message
    _names_its_record(f)


def replace_adj(approved, filed):
    from fupin_tui.domain.rules.duties_facts import AdjustmentFilingData

    return AdjustmentFilingData(approved, filed, "变更路线")


# ---------------------------------------------------------------- P23 三(二)


def test_p23_partial_consent_is_a_notice_and_more_agreed_than_asked_a_breach():
    some = _one(run("P23", with_project(P, delegations=(replace(DELEGATED, consent_agreed=29),)), POLICY))
    assert some.severity == "提示" and "同意29户" in some.message
    _names_its_record(some)
    over = _one(run("P23", with_project(P, delegations=(replace(DELEGATED, consent_agreed=31),)), POLICY))
    assert over.severity == "不合规" and "多于征求意见的30户" in over.message
    _names_its_record(over)


def test_p23_one_household_agreeing_is_consent():
    assert run("P23", with_project(P, delegations=(replace(DELEGATED, consent_households=1, consent_agreed=1),)),
               POLICY) == []


def test_p23_every_delegation_of_a_project_is_checked():
    first = replace(DELEGATED, consent_on=None)  # no consent recorded
    second = replace(DELEGATED, delegate_name="坪上专业大户", consent_on=D(2026, 4, 21))  # consent after signing
    found = run("P23", with_project(P, delegations=(first, second)), POLICY)
    assert sorted(("未记录受益农户同意" in f.message, "晚于委托协议" in f.message) for f in found) == [
        (False, True), (True, False)]
    for f in found:
        _names_its_record(f)
    assert any("委托农民专业合作社「新寨种植合作社」实施（协议2026-04-20）" in f.message for f in found)


def test_p23_a_wrong_kind_names_it_and_still_checks_the_consent():
    f = run("P23", with_project(P, delegations=(replace(DELEGATED, delegate_kind="", consent_agreed=0),)), POLICY)
    text = "\n".join(x.message for x in f)
    assert len(f) == 2 and "委托（未写类型）" in text and "只能委托" in text and "缺同意户数" in text


# ---------------------------------------------------------------- P25 三(六)


def test_p25_at_the_threshold_is_procurement_below_it_sunshine():
    limit = Y(POLICY.procurement_threshold_wan) * 10000
    at = _one(run("P25", with_project(P, procurements=(replace(SUNNY, contract_amount=limit),)), POLICY))
    assert at.severity == "不合规" and "达到100万元" in at.message and "「阳光操作」" in at.message
    _names_its_record(at)
    below = replace(SUNNY, contract_amount=limit - Y("0.01"))
    assert run("P25", with_project(P, procurements=(below,)), POLICY) == []


def test_p25_an_unknown_method_and_a_missing_method_are_named():
    f = _one(run("P25", with_project(P, procurements=(replace(SUNNY, method="口头指定"),)), POLICY))
    assert f.severity == "不合规" and "「口头指定」无法识别" in f.message
    _names_its_record(f)
    f = _one(run("P25", with_project(P, procurements=(replace(TENDER, method=""),)), POLICY))
    assert "登记的方式为「未填」" in f.message


def test_p25_an_awarded_amount_of_one_yuan_is_recorded():
    assert run("P25", with_project(P, procurements=(replace(TENDER, awarded_amount=Y("1.00")),)), POLICY) == []
    f = _one(run("P25", with_project(P, procurements=(replace(TENDER, awarded_amount=Y("0.00")),)), POLICY))
    assert "缺少：中标（成交）金额" in f.message


def test_p25_every_contract_of_a_project_is_checked():
    wrong = replace(TENDER, method="阳光操作", sunshine_note="比选")  # at the threshold: not sunshine
    bare = replace(SUNNY, sunshine_note="")  # sunshine without saying how
    found = run("P25", with_project(P, procurements=(wrong, bare, TENDER)), POLICY)
    text = "\n".join(f.message for f in found)
    assert len(found) == 2 and "属政府采购和招投标范围" in text and "未记录如何公开" in text


def test_p25_started_without_contracts_is_a_notice_for_public_works_only():
    started = pd(approved_on=D(2026, 3, 2), plan_approved_on=D(2026, 4, 1), started_on=D(2026, 5, 6))
    f = _one(run("P25", with_project(project(dates=started)), POLICY))
    assert f.severity == "提示" and "尚未登记合同" in f.message
    _names_its_record(f)
    assert run("P25", with_project(project(dates=started, household_project=True)), POLICY) == []
    assert run("P25", with_project(project(state="方案批复", dates=APPROVED)), POLICY) == []


# ---------------------------------------------------------------- P26, P27


def test_p26_names_the_project_and_an_empty_category():
    f = _one(run("P26", with_project(project(category="")), POLICY))
    assert "项目类别「未填」" in f.message and (f.record, f.record_label) == (P.record, P.label)


def test_p27_the_ledger_on_the_notice_day_counts_what_was_paid_that_day():
    p = project(subsidy=Y("300000.00"),
                tranches=(TrancheData(1, 1, D(2026, 10, 12), Y("100000.00")),
                          TrancheData(2, 2, D(2026, 10, 13), Y("50000.00"))),
                vouchers=(VoucherData(1, "BZ-1", D(2026, 10, 1), Y("90000.00"), reimbursed_on=D(2026, 10, 12)),
                          VoucherData(2, "BZ-2", D(2026, 10, 1), Y("10000.00"), reimbursed_on=D(2026, 10, 13)),
                          VoucherData(3, "BZ-3", D(2026, 10, 1), Y("5000.00"))))
    assert ledger_figures(p, D(2026, 10, 12)) == {
        "到位资金": Y("300000.00"), "已拨付资金": Y("100000.00"), "已报账资金": Y("90000.00")}
    assert ledger_figures(p, D(2026, 10, 11)) == {
        "到位资金": Y("300000.00"), "已拨付资金": Y("0.00"), "已报账资金": Y("0.00")}
