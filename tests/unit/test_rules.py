"""Every rule of RULES.md: a case that breaks it and a case that keeps it (today 2026-11-27)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from fupin_tui.domain.deadlines import MoneyEvent, ProjectDates
from fupin_tui.domain.idcard import check_digit
from fupin_tui.domain.policy import Policy
from fupin_tui.domain.quality import MemberData
from fupin_tui.domain.rules import CheckData, rule_ids, run_rules
from fupin_tui.domain.rules.facts import (
    AdjustmentData, AssetData, BeneficiaryData, BudgetLineData, CollectiveIncomeData, DividendData, EntityData,
    EventData, HouseholdInfo, NoticeData, ProgressData, ProjectData, RectificationData, ShareData, StepData,
    TrancheData, VoucherData, VoucherLineData,
)
from fupin_tui.domain.rules.projects import APPROVAL_NOTICE_FIELDS, SITE_NOTICE_FIELDS

POLICY = Policy.defaults()
TODAY = date(2026, 11, 27)
D = date
Y = Decimal


def pid(birth: str = "19800101", seq: str = "001", sex_digit: str = "1") -> str:
    first17 = "520123" + birth + seq[:2] + sex_digit
    return first17 + check_digit(first17)


def project(state="实施中", pid_=1, **kw) -> ProjectData:
    dates = kw.pop("dates", ProjectDates())
    base = dict(id=pid_, name="新寨村产业路", year=2026, state=state, dates=dates, village_id=1,
                village_name="新寨村", category="基础设施", content="硬化产业路2公里", subsidy=Y("300000.00"))
    base.update(kw)
    return ProjectData(**base)


def pd(**kw) -> ProjectDates:
    return ProjectDates(**kw)


def household(status="在册", **kw) -> HouseholdInfo:
    members = kw.pop("members", (
        MemberData("张三", pid(), "户主", "男", D(1980, 1, 1), "初中", "", "健康", "普通劳动力", "13800000000"),
    ))
    base = dict(id=1, household_no="5201231012010001", head_name="张三", status=status, village_name="新寨村",
                identified_year=2020, income_year=2020, per_capita_income=Y("3000.00"),
                looks=("砖木结构住房60平方米", "人均耕地1亩", "劳动力1人", "无在校生"),
                entered_by="李登记", checked_by="王审核", members=members)
    base.update(kw)
    return HouseholdInfo(**base)


IDENT_STEPS = (
    StepData("识别", "申请", 1, D(2020, 1, 2), "张三"),
    StepData("识别", "入户调查", 2, D(2020, 1, 5), "李登记"),
    StepData("识别", "民主评议", 3, D(2020, 1, 8), "村民代表会"),
    StepData("识别", "村委会审核公示", 4, D(2020, 1, 10), "村委会", D(2020, 1, 10), D(2020, 1, 16)),
    StepData("识别", "乡镇审批公示", 5, D(2020, 1, 17), "镇政府", D(2020, 1, 17), D(2020, 1, 23)),
    StepData("识别", "县复核公告", 6, D(2020, 1, 24), "县扶贫办"),
)
EXIT_STEPS = (
    StepData("退出", "村委会审核公示", 1, D(2021, 11, 1), "村委会", D(2021, 11, 1), D(2021, 11, 7), True),
    StepData("退出", "乡镇审批公示", 2, D(2021, 11, 8), "镇政府", D(2021, 11, 8), D(2021, 11, 14)),
    StepData("退出", "县复核公告", 3, D(2021, 11, 15), "县扶贫办"),
)


def notice(kind, fields, on=D(2026, 11, 4)):
    return NoticeData(kind, on, {f: "有" for f in fields})


def voucher(lines, total=None, **kw):
    total = total if total is not None else sum((ln.amount for ln in lines), Y("0"))
    return VoucherData(id=1, voucher_no="BZ-001", made_on=D(2026, 11, 2), total=total, operator="张会计",
                       lines=tuple(lines), **kw)


def invoice_line(amount="9000.00", **kw):
    base = dict(budget_line_id=1, kind="发票", amount=Y(amount), budget_line_project_id=1, invoice_code="052001",
                invoice_no="00012345", invoice_date=D(2026, 11, 1), seller="某建材公司")
    base.update(kw)
    return VoucherLineData(**base)


BUDGET = (BudgetLineData(1, "水泥", Y("10000.00"), "材料设备"),)
ALL_DOCS = frozenset(range(1, 19))


def entity(kind, **kw):
    return EntityData(id=1, kind=kind, name="新寨村种养合作社", project_id=1, **kw)


def share(mode, amount, dividends):
    return ShareData("5201231012010001", "张三", Y(amount), mode,
                     tuple(DividendData(y, Y(a), Y(p)) for y, a, p in dividends))


# (rule, data that breaks it, severities expected, data that keeps it)
CASES = [
    ("P01", [project("立项", in_library=False)], {"不合规"}, [project("立项")]),
    ("P02", [project(subsidy=Y("200000")), project(pid_=2, subsidy=Y("200000"))], {"提示"},
     [project(), project(pid_=2, content="修建蓄水池1口", name="新寨村蓄水池")]),
    ("P03", [project("申报", dates=pd(applied_on=D(2026, 11, 2)))], {"逾期"},
     [project("申报", dates=pd(applied_on=D(2026, 11, 2), application_reviewed_on=D(2026, 11, 10)))]),
    ("P04", [project("申报", dates=pd(fund_plan_issued_on=D(2026, 10, 8)))], {"逾期"},
     [project("立项", dates=pd(fund_plan_issued_on=D(2026, 10, 8), approved_on=D(2026, 10, 20)))]),
    ("P05", [project("立项", dates=pd(approved_on=D(2026, 11, 20)))], {"即将到期"},
     [project("方案已报", dates=pd(approved_on=D(2026, 11, 20), plan_submitted_on=D(2026, 11, 25)))]),
    ("P06", [project("方案批复", subsidy=Y("600000"), plan_review_kind="县扶贫办审核",
                     dates=pd(plan_submitted_on=D(2026, 11, 2), plan_approved_on=D(2026, 11, 5)))], {"不合规"},
     [project("方案批复", subsidy=Y("600000"), plan_review_kind="专家评审",
              dates=pd(plan_submitted_on=D(2026, 11, 2), plan_approved_on=D(2026, 11, 5)))]),
    ("P07", [project("方案批复", dates=pd(plan_approved_on=D(2026, 11, 2)))], {"逾期"},
     [project("方案批复", dates=pd(plan_approved_on=D(2026, 11, 2), filed_on=D(2026, 11, 5)))]),
    ("P08", [project("方案批复", dates=pd(plan_approved_on=D(2026, 11, 2)))], {"逾期"},
     [project("方案批复", dates=pd(plan_approved_on=D(2026, 11, 2), discipline_filed_on=D(2026, 11, 3)))]),
    ("P09", [project("立项", dates=pd(approved_on=D(2026, 11, 2), approval_notice_on=D(2026, 11, 4)),
                     notices=(notice("立项公告", APPROVAL_NOTICE_FIELDS[:-1]),))], {"不合规"},
     [project("立项", dates=pd(approved_on=D(2026, 11, 2), approval_notice_on=D(2026, 11, 4)),
              notices=(notice("立项公告", APPROVAL_NOTICE_FIELDS),))]),
    ("P10", [project(dates=pd(started_on=D(2026, 11, 2)))], {"逾期"},
     [project(dates=pd(started_on=D(2026, 11, 2), site_notice_on=D(2026, 11, 4)),
              notices=(notice("现场公示", SITE_NOTICE_FIELDS),))]),
    ("P11", [project(dates=pd(started_on=D(2025, 6, 1)))], {"逾期"},
     [project(dates=pd(started_on=D(2026, 6, 1)))]),
    ("P12", [project(dates=pd(plan_approved_on=D(2026, 1, 5)),
                     adjustments=(AdjustmentData(D(2026, 5, 10), D(2026, 5, 20), "改线"),))], {"不合规"},
     [project(dates=pd(plan_approved_on=D(2026, 1, 5)),
              adjustments=(AdjustmentData(D(2026, 2, 1), D(2026, 2, 20), "改线"),))]),
    ("P13", [project(dates=pd(money_events=(MoneyEvent(D(2026, 11, 2), "拨款", "第1期"),)))], {"逾期"},
     [project(dates=pd(money_events=(MoneyEvent(D(2026, 11, 2), "拨款", "第1期"),),
                       info_entries=(D(2026, 11, 4),)))]),
    ("P14", [project("方案批复", dates=pd(plan_approved_on=D(2026, 10, 1)))], {"逾期"},
     [project("实施中", dates=pd(plan_approved_on=D(2026, 10, 1), started_on=D(2026, 10, 12)))]),
    ("P15", [project("完工初检", dates=pd(completed_on=D(2026, 10, 1)))], {"逾期"},
     [project("申请验收", dates=pd(completed_on=D(2026, 10, 1), acceptance_requested_on=D(2026, 10, 10)))]),
    ("P16", [project("已验收", dates=pd(accepted_on=D(2026, 11, 2), acceptance_grade="合格"))], {"逾期"},
     [project("已验收", dates=pd(accepted_on=D(2026, 11, 2), acceptance_grade="合格",
                                  acceptance_entered_on=D(2026, 11, 3)))]),
    ("P17", [project("已验收", subsidy=Y("600000"), dates=pd(accepted_on=D(2026, 11, 2)))], {"不合规"},
     [project("已验收", subsidy=Y("600000"), audit_opinion_on=D(2026, 10, 20),
              dates=pd(accepted_on=D(2026, 11, 2)))]),
    ("P18", [project("整改"), project("整改", pid_=2, rectifications=(RectificationData("路面修补", D(2026, 11, 20)),))],
     {"不合规", "逾期"},
     [project("整改", rectifications=(RectificationData("路面修补", D(2026, 12, 20)),))]),
    ("P19", [project("已移交")], {"不合规"},
     [project("已移交", assets=(AssetData("产业路2公里", "村集体", "新寨村村委会", "新寨村村委会", "日常养护"),))]),
    ("P20", [project("立项", dates=pd(approved_on=D(2026, 3, 2)),
                     beneficiaries=(BeneficiaryData(1, "5201231012010001", "张三", "已脱贫"),))], {"不合规"},
     [project("立项", dates=pd(approved_on=D(2026, 3, 2)),
              beneficiaries=(BeneficiaryData(1, "5201231012010001", "张三", "在册"),))]),
    ("P21", [project("方案批复", category="产业发展", deposit_rate=Y("0.03"), deposit_amount=Y("9000.00"),
                     dates=pd(plan_approved_on=D(2026, 11, 2)))], {"不合规"},
     [project("方案批复", category="产业发展", deposit_rate=Y("0.05"), deposit_amount=Y("15000.00"),
              dates=pd(plan_approved_on=D(2026, 11, 2)))]),
    ("F01", [project(budget_lines=BUDGET, vouchers=(voucher([invoice_line(budget_line_project_id=2)]),))],
     {"不合规"}, [project(budget_lines=BUDGET, vouchers=(voucher([invoice_line()]),))]),
    ("F02", [project(subsidy=Y("100000"), tranches=(TrancheData(1, 1, D(2026, 11, 2), Y("60000.00")),))],
     {"不合规"}, [project(subsidy=Y("100000"), tranches=(TrancheData(1, 1, D(2026, 11, 2), Y("50000.00")),))]),
    ("F03", [project(tranches=(TrancheData(1, 1, D(2026, 9, 2), Y("50000.00")),),
                     vouchers=(voucher([invoice_line("60000.00")], reimbursed_on=D(2026, 10, 2)),))], {"不合规"},
     [project(tranches=(TrancheData(1, 1, D(2026, 9, 2), Y("50000.00")),),
              vouchers=(voucher([invoice_line("40000.00")], reimbursed_on=D(2026, 10, 2)),))]),
    ("F04", [project("已验收", dates=pd(accepted_on=D(2026, 10, 1), acceptance_grade="合格"))], {"逾期"},
     [project("已报账", dates=pd(accepted_on=D(2026, 10, 1), acceptance_grade="合格",
                                  final_reimbursed_on=D(2026, 10, 20)))]),
    ("F05", [project(budget_lines=BUDGET, vouchers=(voucher([invoice_line("12000.00")]),))], {"不合规"},
     [project(budget_lines=BUDGET, vouchers=(voucher([invoice_line("9000.00")]),))]),
    ("F06", [project(budget_lines=BUDGET, vouchers=(voucher([invoice_line(seller="")]),))], {"不合规"},
     [project(budget_lines=BUDGET, vouchers=(voucher([invoice_line()]),))]),
    ("F07", [project(budget_lines=BUDGET, vouchers=(voucher([invoice_line()], total=Y("9500.00")),))], {"不合规"},
     [project(budget_lines=BUDGET, vouchers=(voucher([invoice_line()]),))]),
    ("L01", [], {"不合规"}, []),  # entities filled in below
    ("L02", [], {"不合规"}, []),
    ("L03", [], {"不合规"}, []),
    ("L04", [], {"不合规"}, []),
    ("H01", [household(looks=("", "人均耕地1亩", "", "无在校生"))], {"不合规"}, [household()]),
    ("H02", [household(steps=IDENT_STEPS[:4])], {"不合规"}, [household(steps=IDENT_STEPS)]),
    ("H03", [household("已脱贫", income_year=2020, per_capita_income=Y("3500.00"), steps=IDENT_STEPS + EXIT_STEPS)],
     {"不合规"},
     [household("已脱贫", income_year=2021, per_capita_income=Y("5200.00"), steps=IDENT_STEPS + EXIT_STEPS)]),
    ("H04", [household()], {"不合规"}, [household(events=(EventData(D(2020, 1, 24), "识别中", "在册"),))]),
    ("H05", [household(members=(MemberData("张三", pid()[:-1] + ("0" if pid()[-1] != "0" else "1"), "户主"),))],
     {"不合规"}, [household()]),
    ("H06", [household(checked_by="")], {"不合规"}, [household()]),
    ("H07", [household()], {"不合规"}, [household(ledger_years=frozenset({2025}))]),
    ("H08", [household(members=(MemberData("张三", pid(), "户主"), MemberData("张四", pid(seq="002"), "户主")))],
     {"不合规"}, [household()]),
    ("H09", [project(notices=(NoticeData("现场公示", D(2026, 11, 4), {"受益农户": f"张三 {pid()}"}),))], {"不合规"},
     [project(notices=(NoticeData("现场公示", D(2026, 11, 4), {"受益农户": "张三 5201**********0018"}),))]),
    ("R01", [project("已验收")], {"不合规"}, [project("已验收", file_number="2026-新安镇-001")]),
    ("R02", [project("已归档", archive_docs=frozenset(range(1, 18)))], {"不合规"},
     [project("已归档", archive_docs=ALL_DOCS)]),
]

ENTITY_CASES = {
    "L01": ([entity("合作社", members=10, poor_members=2)], [entity("合作社", members=10, poor_members=5)]),
    "L02": ([entity("村集体", incomes=(CollectiveIncomeData(2025, Y("80000"), Y("30000"), Y("24000")),))],
            [entity("村集体", incomes=(CollectiveIncomeData(2025, Y("80000"), Y("60000"), Y("24000")),))]),
    "L03": ([entity("企业", shares=(share("保底分红", "10000", [(2024, "600", "0"), (2025, "550", "0")]),))],
            [entity("企业", shares=(share("保底分红", "10000", [(2024, "500", "0"), (2025, "600", "0")]),))]),
    "L04": ([entity("企业", shares=(share("股份分红", "10000", [(2025, "550", "1000")]),))],
            [entity("企业", shares=(share("股份分红", "10000", [(2025, "700", "1000")]),))]),
}


def data_for(rule, items):
    if rule.startswith("L"):
        return CheckData(entities=tuple(items))
    if rule.startswith("H0") and rule != "H09":
        return CheckData(households=tuple(items))
    return CheckData(projects=tuple(items))


def severities(rule, items, today=TODAY):
    findings = [f for f in run_rules(data_for(rule, items), POLICY, today, only=[rule])]
    assert all(f.rule == rule for f in findings)
    return findings, {f.severity for f in findings}


@pytest.mark.parametrize(("rule", "breaks", "expected", "keeps"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_finds_the_breach_and_passes_the_kept_case(rule, breaks, expected, keeps):
    if rule in ENTITY_CASES:
        breaks, keeps = ENTITY_CASES[rule]
    found, sev = severities(rule, breaks)
    assert sev == expected, [f.message for f in found]
    for f in found:
        assert f.section and f.message and f.record_label
    kept, kept_sev = severities(rule, keeps)
    assert not kept_sev & {"逾期", "不合规", "即将到期"}, [f.message for f in kept]


def test_every_rule_of_the_regulation_is_covered():
    expected = ([f"P{i:02d}" for i in range(1, 28)] + [f"F{i:02d}" for i in range(1, 9)]
                + [f"L{i:02d}" for i in range(1, 6)] + [f"H{i:02d}" for i in range(1, 15)]
                + ["R01", "R02", "Y01", "Y02"])
    assert rule_ids() == expected
    from tests.unit.test_rules_duties import PART_B  # RULES-2 part B: cases in test_rules_duties.py

    tested = {c[0] for c in CASES} | {"F08", "Y01", "Y02"} | set(PART_B)
    assert tested == set(expected)


def test_a_rule_without_data_says_so_instead_of_passing():
    findings = run_rules(CheckData(), POLICY, TODAY, only=["P05", "L01", "H05", "F06"])
    assert [(f.rule, f.severity) for f in findings] == [("P05", "提示"), ("F06", "提示"), ("L01", "提示"),
                                                        ("H05", "提示")]
    assert "尚无项目数据" in findings[0].message and "尚无受扶持合作社" in findings[2].message


def test_overdue_finding_names_the_due_date_the_days_late_and_what_to_do():
    [f] = run_rules(data_for("P07", CASES[6][1]), POLICY, TODAY, only=["P07"])
    assert f.due == D(2026, 11, 9) and f.workdays_left == -14
    assert "逾期14个工作日" in f.message and "平台备案" in f.message and "登记备案日期" in f.message
    assert (f.record, f.tab) == ("project:1", "基本信息")


def test_a_deadline_met_late_stays_non_compliant():
    late = project("方案批复", dates=pd(plan_approved_on=D(2026, 11, 2), filed_on=D(2026, 11, 20)))
    [f] = run_rules(CheckData(projects=(late,)), POLICY, TODAY, only=["P07"])
    assert f.severity == "不合规" and "晚于时限2026-11-09" in f.message


def test_force_majeure_turns_the_start_warning_into_a_notice():
    exempt = project("方案批复", dates=pd(plan_approved_on=D(2026, 10, 1), force_majeure="暴雨冲毁便道"))
    findings = run_rules(CheckData(projects=(exempt,)), POLICY, TODAY, only=["P14"])
    assert [f.severity for f in findings] == ["提示"] and "暴雨冲毁便道" in findings[0].message


def test_allocation_split_is_shown_against_the_county_ratio():
    projects = (project(category="产业发展", subsidy=Y("900000"), dates=pd(approved_on=D(2026, 3, 2))),
                project(pid_=2, category="基础设施", subsidy=Y("100000"), dates=pd(approved_on=D(2026, 3, 2)),
                        content="蓄水池"))
    [f] = run_rules(CheckData(projects=projects), POLICY, TODAY, only=["F08"])
    assert f.severity == "提示" and "产业发展90%（规定30%）" in f.message and "偏离较大" in f.message


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2027, 3, 25), [("Y01", "即将到期", D(2027, 3, 31)), ("Y01", "提示", D(2027, 4, 30))]),
        (D(2027, 4, 10), [("Y01", "逾期", D(2027, 3, 31)), ("Y01", "提示", D(2027, 4, 30))]),
        (D(2026, 12, 14), [("Y02", "逾期", D(2026, 12, 10)), ("Y02", "即将到期", D(2026, 12, 15)),
                           ("Y02", "提示", D(2027, 1, 20))]),
        (D(2026, 7, 1), []),
    ],
)
def test_yearly_duties_in_their_season(today, expected):
    findings = run_rules(CheckData(), POLICY, today, only=["Y01", "Y02"])
    got = sorted((f.rule, f.severity, f.due) for f in findings)
    assert got == sorted(expected)
    assert all(f.record.startswith("year:") for f in findings)


def test_p20_flags_a_household_that_did_not_apply_and_one_missing_from_the_registry():
    p = project("立项", dates=pd(approved_on=D(2026, 3, 2)), beneficiaries=(
        BeneficiaryData(1, "5201231012010001", "张三", "在册", applied=False),
        BeneficiaryData(2, "?", "", None)))
    messages = [f.message for f in run_rules(CheckData(projects=(p,)), POLICY, TODAY, only=["P20"])]
    assert any("未登记本人申请" in m for m in messages) and any("不在建档立卡名册" in m for m in messages)


def test_h05_reports_one_person_in_two_households():
    a, b = household(), replace(household(), id=2, household_no="5201231012010002", head_name="张三")
    data = CheckData(households=(a, b), shared_ids=((pid(), (a, b)),))
    findings = run_rules(data, POLICY, TODAY, only=["H05"])
    assert {f.record for f in findings} == {"household:1", "household:2"}
    assert all(pid() not in f.message for f in findings)  # the message itself masks the number


def test_progress_well_behind_plan_stops_funds_unless_the_county_switched_it_off():
    # 三(三): 不按照项目实施方案进度推进的……通知财政部门停止拨款、报账
    p = project(planned_start=D(2026, 3, 1), planned_end=D(2026, 12, 31), dates=pd(started_on=D(2026, 3, 1)),
                progress=(ProgressData(D(2026, 10, 1), Y("0.2")),))
    findings = run_rules(CheckData(projects=(p,)), POLICY, TODAY, only=["P14"])
    assert [f.severity for f in findings] == ["不合规"] and "进度落后计划" in findings[0].message
    assert "暂停拨付" in findings[0].message
    off = POLICY.with_override("block_tranches_when_behind", "否")
    findings = run_rules(CheckData(projects=(p,)), off, TODAY, only=["P14"])
    assert [f.severity for f in findings] == ["提示"] and "暂停" not in findings[0].message


@pytest.mark.parametrize("registered, expected", [
    (D(2026, 3, 1), set()),          # a share from this year owes no dividend yet
    (D(2025, 3, 1), {"不合规"}),      # a year on, still nothing paid
    (None, {"不合规"}),
])
def test_a_share_owes_its_first_guaranteed_dividend_the_year_after(registered, expected):
    e = entity("合作社", shares=(share("保底分红", "10000", []),), registered_on=registered)
    assert severities("L03", [e])[1] == expected
