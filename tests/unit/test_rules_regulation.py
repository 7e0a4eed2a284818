"""Clauses of the regulation each rule must hold, built from the text's own words, dates and amounts.

Every case names the clause it comes from. The breaking data is written out here (the field names
as the regulation lists them, the dates and amounts it gives), never taken from the rule's constants,
so a rule that drops a clause fails here.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from fupin_tui.domain.deadlines import ProjectDates
from fupin_tui.domain.policy import Policy
from fupin_tui.domain.rules import CheckData, run_rules
from fupin_tui.domain.rules.facts import StepData

from tests.unit.test_rules import EXIT_STEPS, IDENT_STEPS, household, project

POLICY = Policy.defaults()
TODAY = date(2026, 11, 27)
D, Y = date, Decimal


def findings(rule, *, projects=(), households=(), entities=(), today=TODAY, policy=POLICY, **data):
    return run_rules(CheckData(projects=tuple(projects), households=tuple(households), entities=tuple(entities),
                               **data), policy, today, only=[rule])


def breaches(rule, **kw):
    return [f.message for f in findings(rule, **kw) if f.severity in ("不合规", "逾期")]


# ---------------------------------------------------------------- H03 十二(七)


def test_h03_exit_without_basic_needs_recorded_is_a_breach():
    # 十二(七) 退出标准: 收入稳定超过国家扶贫标准且吃穿不愁，义务教育、基本医疗、住房安全有保障
    steps = IDENT_STEPS + (EXIT_STEPS[0]._replace(basic_needs_met=False),) + EXIT_STEPS[1:]
    h = household("已脱贫", income_year=2021, per_capita_income=Y("5200.00"), steps=steps)
    [m] = breaches("H03", households=[h])
    assert "两不愁三保障" in m
    kept = household("已脱贫", income_year=2021, per_capita_income=Y("5200.00"), steps=IDENT_STEPS + EXIT_STEPS)
    assert breaches("H03", households=[kept]) == []


# ---------------------------------------------------------------- 三(五) notices

# 三(五): the items as the regulation lists them, typed out here
APPROVAL_ITEMS = ["资金规模", "资金来源", "资金用途", "使用单位", "分配原则", "分配结果", "监督电话"]
SITE_ITEMS = ["项目名称", "实施地点", "建设内容", "实施期限", "实施单位及责任人", "资金来源", "资金构成及规模",
              "政府采购及招投标情况", "预期目标", "受益农户", "监督投诉方式"]


def _notice(kind, items, on=D(2026, 11, 4)):
    from fupin_tui.domain.rules.facts import NoticeData

    return NoticeData(kind, on, {i: "已公示" for i in items})


@pytest.mark.parametrize("left_out", APPROVAL_ITEMS)
def test_p09_an_approval_notice_missing_any_item_is_a_breach(left_out):
    p = project("立项", dates=ProjectDates(approved_on=D(2026, 11, 2), approval_notice_on=D(2026, 11, 4)),
                notices=(_notice("立项公告", [i for i in APPROVAL_ITEMS if i != left_out]),))
    [m] = breaches("P09", projects=[p])
    assert m == f"立项公告缺少：{left_out}。请补充公告内容后重新公告。"
    full = replace(p, notices=(_notice("立项公告", APPROVAL_ITEMS),))
    assert breaches("P09", projects=[full]) == []


@pytest.mark.parametrize("left_out", SITE_ITEMS)
def test_p10_a_site_board_missing_any_item_is_a_breach(left_out):
    p = project(dates=ProjectDates(started_on=D(2026, 11, 2), site_notice_on=D(2026, 11, 4)),
                notices=(_notice("现场公示", [i for i in SITE_ITEMS if i != left_out]),))
    [m] = breaches("P10", projects=[p])
    assert m == f"项目公示牌缺少：{left_out}。请补全公示牌内容。"


def test_p10_a_blank_item_counts_as_missing_and_the_first_board_is_judged():
    from fupin_tui.domain.rules.facts import NoticeData

    blank = NoticeData("现场公示", D(2026, 11, 4), {**{i: "有" for i in SITE_ITEMS}, "预期目标": "  "})
    later = _notice("现场公示", SITE_ITEMS, D(2026, 11, 20))
    p = project(dates=ProjectDates(started_on=D(2026, 11, 2), site_notice_on=D(2026, 11, 4)),
                notices=(later, blank))
    assert breaches("P10", projects=[p]) == ["项目公示牌缺少：预期目标。请补全公示牌内容。"]


# ---------------------------------------------------------------- 三(四) 12 months, 三(三) 3 months


def test_p11_finished_more_than_12_months_after_the_start_is_a_breach():
    late = project("完工初检", dates=ProjectDates(started_on=D(2025, 1, 10), completed_on=D(2026, 1, 11)))
    assert breaches("P11", projects=[late]) == ["2025-01-10开工、2026-01-11完工，工期超过12个月。"]
    on_time = project("完工初检", dates=ProjectDates(started_on=D(2025, 1, 10), completed_on=D(2026, 1, 10)))
    assert breaches("P11", projects=[on_time]) == []


def test_p11_a_planned_period_over_12_months_is_a_breach():
    p = project("方案批复", planned_start=D(2026, 4, 1), planned_end=D(2027, 4, 2))
    assert breaches("P11", projects=[p]) == ["计划工期2026-04-01至2027-04-02超过12个月。请调整实施方案的工期。"]
    assert breaches("P11", projects=[replace(p, planned_end=D(2027, 4, 1))]) == []


def test_p12_an_adjustment_approved_after_the_3_month_window_is_a_breach():
    from fupin_tui.domain.rules.facts import AdjustmentData

    # 三(三) 应当在项目资金下达后3个月内完成: released 5 January, last day 5 April
    late = project(dates=ProjectDates(plan_approved_on=D(2026, 1, 5)),
                   adjustments=(AdjustmentData(D(2026, 3, 20), D(2026, 4, 6), "改线"),))
    assert breaches("P12", projects=[late]) == [
        "项目调整（改线）批复2026-04-06，超过资金下达（2026-01-05）后3个月的期限2026-04-05。"]
    ok = replace(late, adjustments=(AdjustmentData(D(2026, 3, 20), D(2026, 4, 5), "改线"),))
    assert breaches("P12", projects=[ok]) == []


def test_p12_an_adjustment_still_waiting_after_the_window_is_overdue():
    from fupin_tui.domain.rules.facts import AdjustmentData

    p = project(dates=ProjectDates(plan_approved_on=D(2026, 6, 1)), adjustments=(AdjustmentData(D(2026, 8, 1)),))
    [f] = findings("P12", projects=[p])
    assert (f.severity, f.due) == ("逾期", D(2026, 9, 1))
    assert f.message.startswith("项目调整尚未批复，可调整期限为2026-09-01")


# ---------------------------------------------------------------- 四(二) audit, 三(七) deposit


def test_p17_an_audit_opinion_dated_after_acceptance_is_a_breach():
    # 四(二) 补助资金50万元以上……须有审计意见 before acceptance
    p = project("已验收", subsidy=Y("500000"), audit_opinion_on=D(2026, 11, 3),
                dates=ProjectDates(accepted_on=D(2026, 11, 2)))
    [m] = breaches("P17", projects=[p])
    assert "审计意见（2026-11-03）晚于验收（2026-11-02）" in m and "50万元" in m
    assert breaches("P17", projects=[replace(p, audit_opinion_on=D(2026, 11, 2))]) == []
    assert breaches("P17", projects=[replace(p, subsidy=Y("499999.99"), audit_opinion_on=None)]) == []


@pytest.mark.parametrize("rate, ok", [("0.0499", False), ("0.05", True), ("0.10", True), ("0.1001", False),
                                      ("0.12", False)])
def test_p21_the_deposit_rate_lies_between_5_and_10_percent(rate, ok):
    # 三(七) 按补助资金的5%-**%收取质量保证金
    amount = (Y("300000") * Y(rate)).quantize(Y("0.01"))
    p = project("方案批复", category="产业发展", deposit_rate=Y(rate), deposit_amount=amount,
                dates=ProjectDates(plan_approved_on=D(2026, 11, 2)))
    messages = breaches("P21", projects=[p])
    assert (messages == []) is ok
    if not ok:
        shown = {"0.0499": "4.99%", "0.1001": "10.01%", "0.12": "12%"}[rate]
        assert messages == [f"质量保证金比例{shown}不在5%至10%之间。"]


# ---------------------------------------------------------------- 六(一)(二) funds


def test_f02_a_tranche_paid_before_its_progress_threshold_is_a_breach():
    from fupin_tui.domain.rules.facts import ProgressData, TrancheData

    # 六(二) 工程进度达到50%以上……拨付第二笔30%
    tranches = (TrancheData(1, 1, D(2026, 5, 1), Y("150000.00")), TrancheData(2, 2, D(2026, 8, 1), Y("90000.00")))
    early = project(tranches=tranches, progress=(ProgressData(D(2026, 7, 20), Y("0.40")),
                                                 ProgressData(D(2026, 8, 5), Y("0.60"))))
    assert breaches("F02", projects=[early]) == ["第2期于2026-08-01拨付时工程进度为40%，未达到该期所需的50%。"]
    ready = replace(early, progress=(ProgressData(D(2026, 8, 1), Y("0.50")),))
    assert breaches("F02", projects=[ready]) == []


def test_f01_a_voucher_drawing_on_another_projects_tranche_is_a_breach():
    from fupin_tui.domain.rules.facts import VoucherData

    v = VoucherData(1, "BZ-007", D(2026, 11, 2), Y("100.00"), tranche_project_id=2, operator="张会计")
    assert breaches("F01", projects=[project(vouchers=(v,))]) == [
        "凭证BZ-007对应的拨款属于另一个项目。请更正凭证所属拨款。"]
    assert breaches("F01", projects=[project(vouchers=(replace(v, tranche_project_id=1),))]) == []


# ---------------------------------------------------------------- 十二(六) 有进有出, 十二(五) 公示


@pytest.mark.parametrize("to_status", ["清退", "返贫"])
def test_h04_removal_or_return_without_a_reason_is_a_breach(to_status):
    from fupin_tui.domain.rules.facts import EventData

    events = (EventData(D(2020, 1, 24), "识别中", "在册"), EventData(D(2025, 3, 1), "在册", to_status, " "))
    h = household(to_status, events=events)
    assert breaches("H04", households=[h]) == [f"2025-03-01转为「{to_status}」没有写明原因。请补充。"]
    given = (events[0], EventData(D(2025, 3, 1), "在册", to_status, "家庭成员死亡"))
    assert breaches("H04", households=[household(to_status, events=given)]) == []


@pytest.mark.parametrize("field, text, shown", [
    ("受益农户", "张三 开户账号6217001234567890123", "完整银行账号"),
    ("受益农户", "张三 13812345678", "完整手机号"),
])
def test_h09_a_full_bank_account_or_phone_in_a_notice_is_a_breach(field, text, shown):
    from fupin_tui.domain.rules.facts import NoticeData

    p = project(notices=(NoticeData("现场公示", D(2026, 11, 4), {field: text}),))
    [m] = breaches("H09", projects=[p])
    assert f"「{field}」显示了" in m and shown in m


# ---------------------------------------------------------------- 九 archives


def test_r01_a_file_number_off_the_county_pattern_is_a_breach():
    # 九(二)(四) 一项目一档号 numbered as the county says: {year}-{township}-{seq:03d}
    wrong = project("已验收", file_number="2026-新安镇-1")
    assert breaches("R01", projects=[wrong], township="新安镇") == [
        "档号「2026-新安镇-1」不符合县规定格式「{year}-{township}-{seq:03d}」。"]
    assert breaches("R01", projects=[replace(wrong, file_number="2026-新安镇-001")], township="新安镇") == []
    assert breaches("R01", projects=[replace(wrong, file_number="2026-坪上镇-001")], township="新安镇") != []
    assert breaches("R01", projects=[replace(wrong, file_number="26-新安镇-001")], township="新安镇") != []


def test_r02_a_roster_with_too_few_poor_households_is_a_breach():
    from fupin_tui.domain.rules.facts import BeneficiaryData

    # 九(五)11 涉及农户花名册 (贫困户覆盖 ≥ 50%): 1 poor (建档立卡) of 4 is 25%
    people = tuple(BeneficiaryData(i, f"52012310120100{i:02d}", f"户{i}", s)
                   for i, s in enumerate(("在册", "非贫困户", None, "清退"), start=1))
    p = project("已归档", archive_docs=frozenset(range(1, 19)), beneficiaries=people)
    assert breaches("R02", projects=[p]) == ["涉及农户花名册4户中贫困户1户，占25%，低于50%。"]
    half = people[:1] + (replace(people[1], status_at_approval="已脱贫"),) + people[2:]
    assert breaches("R02", projects=[replace(p, beneficiaries=half)]) == []
