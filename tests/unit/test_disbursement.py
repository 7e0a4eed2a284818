"""F02-F08 and P13 as pure rules: the "532" plan, refusals with their rule id."""

from datetime import date
from decimal import Decimal as D

import pytest

from fupin_tui.domain import disbursement as dis
from fupin_tui.domain.deadlines import MoneyEvent
from fupin_tui.domain.errors import DomainError
from fupin_tui.domain.policy import Policy

POLICY = Policy.defaults()
TODAY = date(2026, 11, 27)


def facts(**kw) -> dis.FundFacts:
    base = dict(mode="532", subsidy=D("100000.00"), deposit=D("5000.00"))
    base.update(kw)
    return dis.FundFacts(**base)


def paid(*rows) -> tuple[dis.PaidTranche, ...]:
    return tuple(dis.PaidTranche(seq, date(2026, 6, seq), D(amount), D(dep)) for seq, amount, dep in rows)


def test_532_plan_splits_subsidy_and_withholds_deposit_from_last():
    plan = dis.tranche_plan("532", D("100000.01"), D("5000.00"), POLICY)
    assert [t.planned for t in plan] == [D("50000.01"), D("30000.00"), D("20000.00")]
    assert sum(t.planned for t in plan) == D("100000.01")  # the last takes the rounding rest
    assert [t.threshold for t in plan] == [D(0), D("0.5"), D(1)]
    assert plan[-1].payable == D("15000.00") and plan[0].deposit == 0


def test_pay_after_completion_is_one_tranche_at_full_progress():
    plan = dis.tranche_plan("先建后补", D("80000"), D("4000"), POLICY)
    assert len(plan) == 1 and plan[0].threshold == 1 and plan[0].payable == D("76000.00")


@pytest.mark.parametrize("state, amount, rule, words", [
    # tranche 1 is start-up money: above 50% is refused
    (dict(), "50000.01", "F02", "最多拨付补助的50%"),
    # tranche 2 before half of the work is done
    (dict(tranches=paid((1, "50000", "0")), reimbursed=D("50000"), work_share=D("0.4")), "30000", "F02", "需工程进度达到50%"),
    # tranche 2 before tranche 1 is reimbursed
    (dict(tranches=paid((1, "50000", "0")), reimbursed=D("20000"), work_share=D("0.6")), "30000", "F02", "须先报账第1期"),
    # tranche 3 above 20% minus the deposit
    (dict(tranches=paid((1, "50000", "0"), (2, "30000", "0")), reimbursed=D("80000"), work_share=D(1)),
     "20000", "F02", "已扣留质量保证金5,000.00元"),
    # plan not approved: no money was released
    (dict(funds_released=False), "100", "F02", "实施方案尚未批复"),
    (dict(closed="已终止"), "100", "F03", "已终止"),
    (dict(tranches=paid((1, "50000", "0"), (2, "30000", "0"), (3, "15000", "5000")), work_share=D(1)),
     "1", "F03", "已全部拨付"),
])
def test_refused_disbursements_name_rule_and_reason(state, amount, rule, words):
    with pytest.raises(DomainError) as exc:
        dis.check_disbursement(facts(**state), D(amount), POLICY, TODAY)
    assert exc.value.rule == rule
    assert words in exc.value.message


@pytest.mark.parametrize("state, amount, seq, deposit", [
    (dict(), "50000", 1, "0"),
    (dict(), "20000", 1, "0"),  # less than the share is fine
    (dict(tranches=paid((1, "20000", "0"))), "30000", 1, "0"),  # the rest of tranche 1
    (dict(tranches=paid((1, "50000", "0")), reimbursed=D("50000"), work_share=D("0.5")), "30000", 2, "0"),
    (dict(tranches=paid((1, "50000", "0"), (2, "30000", "0")), reimbursed=D("50000"), work_share=D(1)),
     "15000", 3, "5000"),
])
def test_allowed_disbursements(state, amount, seq, deposit):
    t = dis.check_disbursement(facts(**state), D(amount), POLICY, TODAY)
    assert t.seq == seq
    assert dis.deposit_to_withhold(t) == D(deposit)


def test_availability_explains_what_and_why():
    av = dis.availability(facts(tranches=paid((1, "50000", "0")), reimbursed=D("50000"), work_share=D("0.6")),
                          POLICY, TODAY)
    assert av.allowed and av.amount == D("30000.00")
    assert "第2期" in av.reason and "60%" in av.reason
    av = dis.availability(facts(tranches=paid((1, "50000", "0")), reimbursed=D("50000"), work_share=D("0.2")),
                          POLICY, TODAY)
    assert not av.allowed and av.amount == 0 and "需工程进度达到50%" in av.reason


@pytest.mark.parametrize("event_on, entries, blocked", [
    (date(2026, 11, 16), (), True),  # Mon 16 Nov + 5 wd = Mon 23 Nov, today 27 Nov: overdue
    (date(2026, 11, 23), (), False),  # due 30 Nov: still running
    (date(2026, 11, 16), (date(2026, 11, 26),), False),  # entered late, but entered: unblocked
    (date(2026, 11, 16), (date(2026, 11, 10),), True),  # a report before the payment does not count
])
def test_p13_missing_info_entry_blocks_money(event_on, entries, blocked):
    f = facts(tranches=paid((1, "50000", "0")), reimbursed=D("50000"), work_share=D("0.6"),
              money_events=(MoneyEvent(event_on, "拨款", "第1期"),), info_entries=entries)
    problem = dis.info_entry_block(f, POLICY, TODAY)
    assert (problem is not None) == blocked
    if blocked:
        with pytest.raises(DomainError) as exc:
            dis.check_disbursement(f, D("30000"), POLICY, TODAY)
        assert exc.value.rule == "P13"
        with pytest.raises(DomainError) as exc:
            dis.check_reimbursement(f, D("100"), POLICY, TODAY)
        assert exc.value.rule == "P13" and "请先在进度录入中登记进度" in exc.value.message


@pytest.mark.parametrize("disbursed, reimbursed, amount, refused", [
    ("50000", "0", "50000", False),
    ("50000", "49000", "1000.01", True),
    ("0", "0", "1", True),
])
def test_f03_reimbursed_never_exceeds_disbursed(disbursed, reimbursed, amount, refused):
    f = facts(tranches=paid((1, disbursed, "0")) if D(disbursed) else (), reimbursed=D(reimbursed))
    assert (dis.over_disbursed(f, D(amount)) is not None) == refused


def test_refunded_deposit_counts_as_disbursed():
    f = facts(tranches=paid((1, "50000", "0"), (2, "30000", "0"), (3, "15000", "5000")),
              reimbursed=D("95000"), deposit_refunded=D("5000"))
    assert f.disbursed == D("100000") and dis.over_disbursed(f, D("5000")) is None


@pytest.mark.parametrize("amount, adjusted, tolerance, spent, new, refused", [
    ("10000", None, "0", "9000", "1000", False),
    ("10000", None, "0", "9000", "1000.01", True),
    ("10000", "12000", "0", "9000", "3000", False),  # approved adjustment raises the ceiling
    ("10000", None, "0.05", "10000", "500", False),  # county tolerance 5%
    ("10000", None, "0.05", "10000", "500.01", True),
])
def test_f05_budget_line_ceiling(amount, adjusted, tolerance, spent, new, refused):
    p = dis.over_budget_line("水泥", D(amount), D(adjusted) if adjusted else None, D(spent), D(new), D(tolerance))
    assert (p is not None) == refused
    if p:
        assert p.rule == "F05" and "水泥" in p.message


ROSTER_KINDS = ("直接补助到户", "培训务工补助", "技工补助")


@pytest.mark.parametrize("spending, kind, ok", [
    ("直接补助到户", "名册", True),
    ("直接补助到户", "发票", False),
    ("技工补助", "名册", True),
    ("工程建设", "发票", True),
    ("材料设备", "名册", False),
])
def test_f06_roster_or_invoice_by_spending_kind(spending, kind, ok):
    p = dis.wrong_line_kind("某项", spending, kind, ROSTER_KINDS)
    assert (p is None) == ok
    if p:
        assert p.rule == "F06"


def test_f04_due_thirty_days_after_acceptance():
    d = dis.final_reimbursement_deadline(date(2026, 10, 20), "合格", None, POLICY, TODAY)
    assert d.due == date(2026, 11, 19) and d.is_overdue(TODAY)
    assert dis.final_reimbursement_deadline(None, "", None, POLICY, TODAY) is None
    assert dis.final_reimbursement_problem(date(2026, 10, 20), "不合格").rule == "F04"


@pytest.mark.parametrize("paid_rows, refused, names", [
    # 六(二): 50% to start, 30% at half the work, the rest (less the deposit) reimbursed at completion
    ((), True, "第1期50,000.00元、第2期30,000.00元、第3期15,000.00元"),
    (((1, "50000", "0"),), True, "第2期30,000.00元、第3期15,000.00元"),
    (((1, "50000", "0"), (2, "30000", "0")), True, "第3期15,000.00元"),
    (((1, "50000", "0"), (2, "30000", "0"), (3, "15000", "5000")), False, ""),
    (((1, "50000", "0"), (2, "30000", "0"), (3, "9000", "5000")), False, ""),  # cost came in lower: paid in part
])
def test_f04_final_reimbursement_comes_after_every_tranche_is_paid(paid_rows, refused, names):
    plan = dis.tranche_plan("532", D("100000.00"), D("5000.00"), POLICY, paid(*paid_rows))
    problem = dis.final_reimbursement_problem(date(2026, 11, 2), "合格", plan)
    assert (problem is not None) == refused
    if refused:
        assert problem.rule == "F04" and f"{names}尚未拨付" in problem.message, problem.message


def test_f04_pay_after_completion_final_comes_after_its_one_payment():
    unpaid = dis.tranche_plan("先建后补", D("80000"), D("4000"), POLICY)
    assert dis.final_reimbursement_problem(date(2026, 11, 2), "合格", unpaid).rule == "F04"
    done = dis.tranche_plan("先建后补", D("80000"), D("4000"), POLICY, paid((1, "76000", "4000")))
    assert dis.final_reimbursement_problem(date(2026, 11, 2), "合格", done) is None


def test_f08_split_against_allocation_ratio():
    rows = dis.allocation_split([("产业发展", D("600")), ("基础设施", D("200")), ("培训", D("100")),
                                 ("项目管理费", D("100"))], POLICY.allocation_ratio)
    by_use = {r.use: r for r in rows}
    assert by_use["产业发展"].share == D("0.6") and by_use["产业发展"].gap == D("0.3")
    assert by_use["培训与就业"].amount == D("100") and by_use["其他"].amount == D("100")
    assert by_use["生活条件改善"].amount == 0


@pytest.mark.parametrize("subsidy, rate, amount, due", [
    ("100000", "0.05", None, "5000.00"),
    ("100000", None, "8000", "8000.00"),
    ("100000", None, None, "0.00"),
])
def test_deposit_due(subsidy, rate, amount, due):
    assert dis.deposit_due(D(subsidy), D(rate) if rate else None, D(amount) if amount else None) == D(due)
