"""Every branch of every 体检 rule, with the exact finding a clerk reads.

Each rule runs over a list of records that walk its clauses (one breaking each, others keeping,
closed or out-of-scope ones that must be skipped, several in one run so a rule that stops early is
seen). The findings -- severity, record, label, message, due date, tab, working days left -- are
compared with ``golden/findings.json``, which a person reads: the messages are the regulation's
demands as the clerk sees them. After an intended change of wording, regenerate and read the diff:

    .venv/bin/python -m tests.unit.test_rule_scenarios
"""

from __future__ import annotations

import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from fupin_tui.domain.deadlines import MoneyEvent, ProjectDates
from fupin_tui.domain.quality import MemberData
from fupin_tui.domain.rules import CheckData, run_rules
from fupin_tui.domain.rules.facts import (
    AdjustmentData, AssetData, BeneficiaryData, BudgetLineData, CollectiveIncomeData, EventData, NoticeData,
    ProgressData, RectificationData, TrancheData, VoucherData, VoucherLineData,
)

from dataclasses import replace

from tests.unit.test_rules import EXIT_STEPS, IDENT_STEPS, POLICY, entity, household, invoice_line, pid, project, share


def voucher(lines, total=None, no="BZ-001", **kw):
    total = total if total is not None else sum((ln.amount for ln in lines), Y("0"))
    base = dict(id=1, voucher_no=no, made_on=D(2026, 11, 2), total=total, operator="张会计", lines=tuple(lines))
    base.update(kw)
    return VoucherData(**base)

GOLDEN = Path(__file__).with_name("golden") / "findings.json"
D, Y = date, Decimal
TODAY = date(2026, 11, 27)
pd = ProjectDates


def _projects():
    """(rule, [(today, CheckData)])"""
    P = project
    out = {}
    out["P01"] = [P("入库", in_library=False), P("申报", pid_=2, in_library=False), P("立项", pid_=3)]
    out["P02"] = [P(subsidy=Y("200000")), P(pid_=2, subsidy=Y("200000")),
                  P(pid_=3, name="新寨村产业路二段", content="硬化产业路二段2公里", subsidy=Y("200000")),
                  P(pid_=4, village_id=2, village_name="坪上村"),
                  P(pid_=5, side_state="已终止"),
                  P(pid_=6, year=2023, name="产业路", content="硬化产业路2公里", subsidy=Y("900000"),
                    dates=pd(applied_on=D(2023, 3, 1), approved_on=D(2023, 4, 1))),
                  P(pid_=7, year=2026, name="通村路", content="修建蓄水池1口", construction_type="续建")]
    out["P06"] = [P("方案批复", subsidy=Y("600000"), plan_review_kind="县扶贫办审核",
                    dates=pd(plan_submitted_on=D(2026, 11, 2), plan_approved_on=D(2026, 11, 5))),
                  P("方案批复", pid_=2, subsidy=Y("100000"), plan_review_kind="",
                    dates=pd(plan_submitted_on=D(2026, 11, 2), plan_approved_on=D(2026, 11, 5))),
                  P("方案批复", pid_=3, subsidy=Y("100000"), plan_review_kind="专家评审",
                    dates=pd(plan_submitted_on=D(2026, 11, 2), plan_approved_on=D(2026, 11, 5))),
                  P("方案批复", pid_=4, subsidy=Y("500000"), plan_review_kind="专家评审",
                    dates=pd(plan_submitted_on=D(2026, 11, 2), plan_approved_on=D(2026, 11, 5))),
                  P("方案已报", pid_=5, dates=pd(plan_submitted_on=D(2026, 11, 20)))]
    out["P11"] = [P(planned_start=D(2026, 4, 1), planned_end=D(2027, 4, 2)),
                  P(pid_=2, dates=pd(started_on=D(2025, 1, 10), completed_on=D(2026, 1, 11))),
                  P(pid_=3, dates=pd(started_on=D(2025, 11, 1))),
                  P(pid_=4, dates=pd(started_on=D(2025, 12, 1))),
                  P(pid_=5, dates=pd(started_on=D(2025, 1, 10), completed_on=D(2026, 1, 10))),
                  P(pid_=6, side_state="已收回", dates=pd(started_on=D(2024, 1, 1))),
                  P(pid_=7, dates=pd(started_on=D(2026, 6, 1)))]
    out["P12"] = [P(dates=pd(plan_approved_on=D(2026, 1, 5)),
                    adjustments=(AdjustmentData(D(2026, 4, 10), D(2026, 4, 20), "改线"),
                                 AdjustmentData(D(2026, 2, 1), D(2026, 2, 20), ""))),
                  P(pid_=2, dates=pd(plan_approved_on=D(2026, 6, 1)), adjustments=(AdjustmentData(D(2026, 8, 1)),)),
                  P(pid_=3, dates=pd(plan_approved_on=D(2026, 9, 1)), adjustments=(AdjustmentData(D(2026, 11, 1)),)),
                  P(pid_=4, dates=pd(plan_approved_on=D(2026, 10, 1)), adjustments=(AdjustmentData(D(2026, 11, 1)),)),
                  P(pid_=5, adjustments=(AdjustmentData(D(2026, 11, 1)),))]
    out["P14"] = [P("方案批复", dates=pd(plan_approved_on=D(2026, 10, 1))),
                  P("方案批复", pid_=2, dates=pd(plan_approved_on=D(2026, 10, 1), force_majeure="暴雨冲毁便道")),
                  P(pid_=3, planned_start=D(2026, 3, 1), planned_end=D(2026, 12, 31),
                    dates=pd(started_on=D(2026, 3, 1)),
                    progress=(ProgressData(D(2026, 5, 1), Y("0.9")), ProgressData(D(2026, 10, 1), Y("0.2")))),
                  P(pid_=4, planned_start=D(2026, 3, 1), planned_end=D(2026, 12, 31),
                    dates=pd(started_on=D(2026, 3, 1)), progress=(ProgressData(D(2026, 10, 1), Y("0.6")),)),
                  P(pid_=5, planned_start=D(2026, 3, 1), planned_end=D(2026, 12, 31), side_state="已终止",
                    dates=pd(started_on=D(2026, 3, 1))),
                  P(pid_=6, planned_start=D(2026, 3, 1), planned_end=D(2026, 12, 31),
                    dates=pd(started_on=D(2026, 3, 1), force_majeure="山体滑坡")),
                  P(pid_=7, planned_start=D(2026, 3, 1), planned_end=D(2026, 3, 1), dates=pd(started_on=D(2026, 3, 1))),
                  P(pid_=8, planned_start=D(2026, 3, 1), planned_end=D(2026, 12, 31),
                    dates=pd(started_on=D(2026, 3, 1), completed_on=D(2026, 10, 1)))]
    out["P17"] = [P("已验收", subsidy=Y("600000"), dates=pd(accepted_on=D(2026, 11, 2))),
                  P("已验收", pid_=2, subsidy=Y("600000"), audit_opinion_on=D(2026, 11, 3),
                    dates=pd(accepted_on=D(2026, 11, 2))),
                  P("完工初检", pid_=3, subsidy=Y("500000")),
                  P("实施中", pid_=4, subsidy=Y("500000")),
                  P("完工初检", pid_=5, subsidy=Y("499999.99")),
                  P("完工初检", pid_=6, subsidy=Y("800000"), side_state="已终止"),
                  P("完工初检", pid_=7, subsidy=Y("800000"), audit_opinion_on=D(2026, 10, 1))]
    out["P18"] = [P("已验收", dates=pd(acceptance_grade="良好")),
                  P("整改", pid_=2),
                  P("整改", pid_=3, rectifications=(RectificationData("路面修补", D(2026, 11, 20)),
                                                   RectificationData("排水沟", D(2026, 12, 1)),
                                                   RectificationData("护栏", D(2026, 12, 30)),
                                                   RectificationData("标志", D(2026, 11, 1), D(2026, 11, 5)))),
                  P("整改", pid_=4, side_state="已终止", rectifications=(RectificationData("路面", D(2026, 11, 1)),)),
                  P("已验收", pid_=5, dates=pd(acceptance_grade="合格"))]
    asset = AssetData("产业路2公里", "村集体", "新寨村村委会", "新寨村村委会", "日常养护")
    out["P19"] = [P("已移交"),
                  P("已移交", pid_=2, assets=(AssetData("水池", "受益农户", "张三", "", ""),)),
                  P("已移交", pid_=3, household_project=True, assets=(asset,)),
                  P("已报账", pid_=4, handed_over_on=D(2026, 11, 1), assets=(asset,)),
                  P("已报账", pid_=5),
                  P("已移交", pid_=6, household_project=True,
                    assets=(AssetData("圈舍", "受益农户", "张三", "张三", "自管"),))]
    ok = BeneficiaryData(1, "5201231012010001", "张三", "在册")
    out["P20"] = [P("立项", dates=pd(approved_on=D(2026, 3, 2))),
                  P("立项", pid_=2, dates=pd(approved_on=D(2026, 3, 2)), beneficiaries=(
                      BeneficiaryData(2, "5201231012010002", "李四", None),
                      BeneficiaryData(3, "5201231012010003", "王五", "已脱贫", applied=False),
                      BeneficiaryData(4, "5201231012010004", "赵六", "返贫"), ok)),
                  P("立项", pid_=3, public_infrastructure=True, dates=pd(approved_on=D(2026, 3, 2))),
                  P("申报", pid_=4),
                  P("立项", pid_=5, side_state="已终止", dates=pd(approved_on=D(2026, 3, 2)))]
    out["P21"] = [P("方案批复", category="产业发展", dates=pd(plan_approved_on=D(2026, 11, 2))),
                  P("方案批复", pid_=2, category="基础设施", deposit_rate=Y("0.12"), deposit_amount=Y("36000.00"),
                    dates=pd(plan_approved_on=D(2026, 11, 2))),
                  P("方案批复", pid_=3, category="产业发展", deposit_rate=Y("0.05"), deposit_amount=Y("14000.00"),
                    dates=pd(plan_approved_on=D(2026, 11, 2))),
                  P("已验收", pid_=4, category="产业发展", deposit_rate=Y("0.05"), deposit_amount=Y("15000.00"),
                    deposit_state="已收取", dates=pd(plan_approved_on=D(2026, 3, 2), accepted_on=D(2026, 11, 2),
                                                    acceptance_grade="合格")),
                  P("已验收", pid_=5, category="产业发展", deposit_rate=Y("0.05"), deposit_amount=Y("15000.00"),
                    deposit_state="已收取", dates=pd(plan_approved_on=D(2026, 3, 2), accepted_on=D(2026, 11, 2),
                                                    acceptance_grade="不合格")),
                  P("方案批复", pid_=6, category="教育", dates=pd(plan_approved_on=D(2026, 11, 2))),
                  P("立项", pid_=7, category="产业发展"),
                  P("方案批复", pid_=8, category="产业发展", side_state="已收回",
                    dates=pd(plan_approved_on=D(2026, 11, 2)))]
    budget = (BudgetLineData(1, "水泥", Y("10000.00"), "材料设备"),
              BudgetLineData(2, "补助", Y("5000.00"), "直接补助到户", adjusted_amount=Y("6000.00")))
    roster = VoucherLineData(2, "名册", Y("3000.00"), 1, household_id=1, id_number=pid(), signed_on=D(2026, 11, 1))
    out["F01"] = [P(vouchers=(voucher([invoice_line(budget_line_project_id=2)], tranche_project_id=1),)),
                  P(pid_=2, vouchers=(voucher([invoice_line(budget_line_project_id=None)], tranche_project_id=3),)),
                  P(pid_=3, vouchers=(voucher([invoice_line(budget_line_project_id=3)]),))]
    tr = TrancheData
    out["F02"] = [P(subsidy=Y("100000"), tranches=(tr(1, 1, D(2026, 5, 2), Y("60000.00")),)),
                  P(pid_=2, subsidy=Y("100000"), progress=(ProgressData(D(2026, 7, 1), Y("0.45")),),
                    tranches=(tr(2, 1, D(2026, 5, 2), Y("50000.00")), tr(3, 2, D(2026, 7, 2), Y("30000.00")))),
                  P(pid_=3, subsidy=Y("100000"), progress=(ProgressData(D(2026, 9, 1), Y("1")),),
                    tranches=(tr(4, 1, D(2026, 5, 2), Y("50000.00")), tr(5, 4, D(2026, 9, 2), Y("100.00")))),
                  P(pid_=4, subsidy=Y("100000"), deposit_rate=Y("0.05"), deposit_amount=Y("5000.00"),
                    progress=(ProgressData(D(2026, 6, 1), Y("0.5")), ProgressData(D(2026, 9, 1), Y("1"))),
                    tranches=(tr(6, 1, D(2026, 5, 2), Y("50000.00")), tr(7, 2, D(2026, 6, 2), Y("30000.00")),
                              tr(8, 3, D(2026, 9, 2), Y("20000.00")))),
                  P(pid_=5, subsidy=Y("100000"), disbursement_mode="先建后补",
                    progress=(ProgressData(D(2026, 9, 1), Y("0.8")),),
                    tranches=(tr(9, 1, D(2026, 9, 2), Y("100000.00")),)),
                  P(pid_=6)]
    out["F03"] = [P(subsidy=Y("100000"), tranches=(tr(1, 1, D(2026, 5, 2), Y("120000.00")),)),
                  P(pid_=2, tranches=(tr(2, 1, D(2026, 9, 2), Y("50000.00")),),
                    vouchers=(voucher([invoice_line("60000.00")], reimbursed_on=D(2026, 10, 2)),)),
                  P(pid_=3, vouchers=(voucher([invoice_line("60000.00")]),)),
                  P(pid_=4)]
    out["F05"] = [P(budget_lines=budget, vouchers=(voucher([invoice_line("12000.00"),
                                                             invoice_line("100.00", budget_line_id=None)]),
                                                    voucher([roster]))),
                  P(pid_=2, budget_lines=budget, vouchers=(voucher([invoice_line("10000.00"),
                                                                    replace(roster, amount=Y("6000.00"))]),))]
    out["F06"] = [P(budget_lines=budget, vouchers=(voucher([invoice_line(seller=""), invoice_line(budget_line_id=2),
                                                             roster, VoucherLineData(1, "名册", Y("10.00"), 1)]),)),
                  P(pid_=2, budget_lines=budget, vouchers=(voucher([invoice_line(budget_line_id=9)]),))]
    out["F07"] = [P(budget_lines=budget, vouchers=(voucher([invoice_line()], total=Y("9500.00")),
                                                    voucher([invoice_line()], no="BZ-002", operator=" "),
                                                    voucher([], no="BZ-003", total=Y("1000000000000000")))),
                  P(pid_=2, vouchers=(voucher([invoice_line()]),))]
    out["R01"] = [P("已验收"), P("立项", pid_=2), P("立项", pid_=3, side_state="已终止"), P("申报", pid_=4),
                  P("已验收", pid_=5, file_number="2026-新安镇-01"), P("已验收", pid_=6, file_number="2026-新安镇-001")]
    out["R02"] = [P("已归档", archive_docs=frozenset(range(1, 18))),
                  P("方案批复", pid_=2, archive_docs=frozenset({1, 2})),
                  P("方案批复", pid_=3, side_state="已终止"),
                  P("已归档", pid_=4, subsidy=Y("800000"), archive_docs=frozenset(range(1, 19)) - {15}),
                  P("已归档", pid_=5, archive_docs=frozenset(range(1, 19)), beneficiaries=(
                      BeneficiaryData(1, "5201231012010001", "张三", "非贫困户"),
                      BeneficiaryData(2, "5201231012010002", "李四", "非贫困户"),
                      BeneficiaryData(3, "5201231012010003", "王五", "在册"))),
                  P("已归档", pid_=6, public_infrastructure=True, archive_docs=frozenset(range(1, 19)),
                    beneficiaries=(BeneficiaryData(1, "5201231012010001", "张三", "非贫困户"),))]
    out["H09"] = [P(notices=(NoticeData("现场公示", D(2026, 11, 4), {"受益农户": f"张三 {pid()}",
                                                                  "监督投诉方式": "13812345678",
                                                                  "健康状况": "良好",
                                                                  "预期目标": "张三患有大病，账号6217001234567890123"},
                                       place="李四 13912345678"),)),
                  P(pid_=2, notices=(NoticeData("立项公告", D(2026, 11, 4), {"监督电话": "0851-12345678",
                                                                          "分配结果": "张三 5201**********0018"}),))]
    return out


def _households():
    H = household
    ledger = frozenset({2025})
    out = {}
    out["H01"] = [H(members=()), H(looks=("", "人均耕地1亩", "", "无在校生"), id=2),
                  H("识别中", id=3, income_year=2020, per_capita_income=Y("4000.00")),
                  H("识别中", id=4, income_year=2020, per_capita_income=Y("3999.99")),
                  H(id=5, income_year=2020, per_capita_income=Y("4000.01")),
                  H(id=6, income_year=2013, per_capita_income=Y("9000")),
                  H("作废", id=7, members=()), H("已脱贫", id=8, looks=("", "", "", ""))]
    out["H02"] = [H(steps=IDENT_STEPS[:4]), H(id=2, steps=IDENT_STEPS[:2] + IDENT_STEPS[3:]),
                  H("识别中", id=3, steps=IDENT_STEPS[:3]), H("作废", id=4), H(id=5, steps=IDENT_STEPS)]
    out["H03"] = [H("已脱贫", income_year=2020, per_capita_income=Y("3500.00"), steps=IDENT_STEPS + EXIT_STEPS),
                  H("已脱贫", id=2, income_year=2021, per_capita_income=Y("5200.00"), steps=IDENT_STEPS + EXIT_STEPS[:2]),
                  H("已脱贫", id=3, income_year=2021, per_capita_income=Y("5200.00"),
                    steps=IDENT_STEPS + EXIT_STEPS[1:]),
                  H("已脱贫", id=4, income_year=2021, per_capita_income=Y("5200.00"),
                    steps=IDENT_STEPS + (EXIT_STEPS[0]._replace(basic_needs_met=False),) + EXIT_STEPS[1:]),
                  H(id=5, steps=IDENT_STEPS),
                  H("已脱贫", id=6, income_year=2013, per_capita_income=Y("5200.00"), steps=IDENT_STEPS + EXIT_STEPS)]
    ev = EventData
    out["H04"] = [H(), H("清退", id=2, events=(ev(D(2025, 3, 1), "在册", "清退", ""),)),
                  H("返贫", id=3, events=(ev(D(2025, 3, 1), "已脱贫", "返贫", "因病"),)),
                  H("识别中", id=4), H("作废", id=5), H(id=6, events=(ev(D(2020, 1, 24), "识别中", "在册"),))]
    bad_id = pid()[:-1] + ("0" if pid()[-1] != "0" else "1")
    out["H05"] = [H(members=(MemberData("张三", bad_id, "户主"),)),
                  H(id=2, members=(MemberData("张三", pid(), "户主"), MemberData("张四", pid(), "子女"))),
                  H(id=3)]
    out["H06"] = [H(checked_by=""), H(id=2, entered_by=" ", checked_by=""), H(id=3, checked_by="李登记"),
                  H("作废", id=4, checked_by=""), H(id=5)]
    out["H07"] = [H(), H(id=2, ledger_years=ledger), H("已脱贫", id=3), H(id=4, identified_year=2026),
                  H("识别中", id=5), H("清退", id=6)]
    kid = MemberData("张小", pid(birth="20150301", seq="003"), "子女", "", None, "小学", "在校", "健康", "", "")
    idle = MemberData("张五", pid(birth="19900101", seq="005"), "子女", "", None, "", "", "健康", "无劳动力", "")
    out["H08"] = [H(members=(MemberData("张三", pid(), "户主"), MemberData("张四", pid(seq="002"), "户主"))),
                  H(id=2, members=(MemberData("张三", pid(), "户主"), kid, idle)),
                  H(id=3)]
    return out


def _entities():
    E = entity
    return {
        "L01": [E("合作社", members=10, poor_members=2), E("合作社", members=0, poor_members=0),
                E("合作社", members=10, poor_members=3), E("企业")],
        "L02": [E("村集体", incomes=(CollectiveIncomeData(2025, Y("80000"), Y("30000"), Y("23000")),
                                     CollectiveIncomeData(2024, Y("0"), Y("50000"), Y("0")))),
                E("村集体", incomes=(CollectiveIncomeData(2025, Y("80000"), Y("60000"), Y("24000")),))],
        "L03": [E("企业", shares=(share("保底分红", "10000", [(2024, "600", "0"), (2025, "600", "0"),
                                                              (2026, "450", "0")]),
                                  share("股份分红", "10000", [(2025, "100", "1000")]),
                                  share("保底分红", "10000", []))),
                E("合作社", shares=(share("保底分红", "10000", []),), registered_on=D(2026, 3, 1))],
        "L04": [E("企业", shares=(share("股份分红", "10000", [(2025, "550", "1000"), (2026, "400", "500")]),
                                  share("股份分红", "10000", [(2025, "700", "1000")])))],
    }


def scenarios():
    out = []
    for rule, items in _projects().items():
        out.append((rule, TODAY, CheckData(projects=tuple(items), township="新安镇")))
    for rule, items in _households().items():
        data = CheckData(households=tuple(items))
        if rule == "H05":
            a, b = items[2], items[2].__class__(**{**items[2].__dict__, "id": 9, "household_no": "5201231012010009"})
            data = CheckData(households=tuple(items) + (b,), shared_ids=((pid(), (a, b)),))
        out.append((rule, TODAY, data))
    out.append(("H07", D(2026, 12, 2), CheckData(households=tuple(_households()["H07"]))))
    for rule, items in _entities().items():
        out.append((rule, TODAY, CheckData(entities=tuple(items))))
    for today in (D(2027, 3, 25), D(2027, 4, 10), D(2026, 12, 14), D(2027, 1, 10), D(2026, 7, 1)):
        out += [("Y01", today, CheckData()), ("Y02", today, CheckData())]
    f08 = (project(category="产业发展", subsidy=Y("900000"), dates=pd(approved_on=D(2026, 3, 2))),
           project(pid_=2, category="基础设施", subsidy=Y("100000"), dates=pd(approved_on=D(2026, 3, 2))),
           project(pid_=3, category="基础设施", subsidy=Y("100000"), year=2025, dates=pd(approved_on=D(2025, 3, 2))),
           project(pid_=4, category="基础设施", subsidy=Y("100000"), side_state="已终止",
                   dates=pd(approved_on=D(2026, 3, 2))),
           project(pid_=5, category="基础设施", subsidy=Y("100000")))
    out.append(("F08", TODAY, CheckData(projects=f08)))
    out.append(("F08", D(2027, 2, 1), CheckData(projects=f08)))
    even = tuple(project(pid_=i, category=c, subsidy=Y(a), dates=pd(approved_on=D(2026, 3, 2)))
                 for i, (c, a) in enumerate((("产业发展", "300000"), ("基础设施", "320000"), ("生活条件改善", "100000"),
                                             ("培训与就业", "80000"), ("其他", "200000")), start=1))
    out.append(("F08", TODAY, CheckData(projects=even)))
    money = project(dates=pd(money_events=(MoneyEvent(D(2026, 11, 2), "拨款", "第1期"),
                                           MoneyEvent(D(2026, 11, 20), "报账", "")),
                             info_entries=(D(2026, 11, 21),)))
    out.append(("P13", TODAY, CheckData(projects=(money,))))
    # due today; due soon in a year whose holidays were computed (the calendar's warning follows)
    out.append(("P05", TODAY, CheckData(projects=(project("立项", dates=pd(approved_on=D(2026, 11, 13))),))))
    out.append(("P03", D(2027, 1, 5), CheckData(projects=(project("申报", dates=pd(applied_on=D(2026, 12, 24))),))))
    out.append(("P03", D(2027, 1, 20), CheckData(projects=(project("申报", dates=pd(applied_on=D(2026, 12, 24))),))))
    out.append(("ALL", TODAY, CheckData()))  # every rule with nothing to look at says so
    return out


def _row(f):
    return [f.severity, f.record, f.record_label, f.message, f.due.isoformat() if f.due else None, f.tab,
            f.workdays_left]


def _keyed():
    out = {}
    for rule, today, data in scenarios():
        key = f"{rule} {today.isoformat()}"
        while key in out:
            key += "+"
        out[key] = (rule, today, data)
    return out


# The 46 rules of RULES.md (the rules of RULES-2 part B have their own cases where they are written).
FIRST_46 = ([f"P{i:02d}" for i in range(1, 22)] + [f"F{i:02d}" for i in range(1, 9)] + [f"L{i:02d}" for i in range(1, 5)]
            + [f"H{i:02d}" for i in range(1, 10)] + ["R01", "R02", "Y01", "Y02"])


def _findings(rule, today, data):
    return [[f.rule, f.section] + _row(f) if rule == "ALL" else _row(f)
            for f in run_rules(data, POLICY, today, only=FIRST_46 if rule == "ALL" else [rule])]


def compute():
    return {key: _findings(*args) for key, args in _keyed().items()}


EXPECTED = json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}


@pytest.mark.parametrize("key", sorted(_keyed()))
def test_each_branch_says_what_the_clerk_reads(key):
    assert _findings(*_keyed()[key]) == EXPECTED.get(key), f"regenerate and read the diff: python -m {__name__}"


if __name__ == "__main__":
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(compute(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}", file=sys.stderr)
