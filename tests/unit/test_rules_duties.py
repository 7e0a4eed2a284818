"""RULES-2 part B (P22-P27, L05, H10-H14): a break and a keep case per clause, from the regulation's words.

Today is 2026-11-27 (a Friday) as in test_rules.py.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import MappingProxyType

import pytest

from fupin_tui.domain.policy import Policy, load_defaults
from fupin_tui.domain.rules import CheckData, rule_ids, rule_specs, run_rules
from fupin_tui.domain.rules.duties_facts import (
    AdjustmentFilingData, DelegationData, DutiesData, HouseholdDuties, ProcurementData, ProjectDuties, VisitYear,
)
from fupin_tui.domain.rules.duties_linkage import CONDITIONS
from fupin_tui.domain.rules.duties_registry import FILE_ITEMS
from fupin_tui.domain.rules.facts import EventData, TrancheData, VoucherData
from fupin_tui.domain.rules.facts import NoticeData
from tests.unit.test_rules import D, POLICY, TODAY, Y, entity, household, pd, project

PART_B = ["P22", "P23", "P24", "P25", "P26", "P27", "L05", "H10", "H11", "H12", "H13", "H14"]
FULL_FILE = frozenset(FILE_ITEMS)
GOOD_HH = HouseholdDuties("王帮扶", "县农业局", "13900000000", "李调查", D(2020, 1, 3), D(2020, 2, 1), FULL_FILE,
                          visits=MappingProxyType({2025: VisitYear(2), 2026: VisitYear(1)}))
ALL_EVIDENCE = MappingProxyType({c: "证明材料已存档" for c in CONDITIONS})


def with_project(p, **duties) -> CheckData:
    return CheckData(projects=(p,), duties=DutiesData(projects=MappingProxyType({p.id: ProjectDuties(**duties)})))


def with_household(h, d: HouseholdDuties = GOOD_HH) -> CheckData:
    return CheckData(households=(h,), duties=DutiesData(households=MappingProxyType({h.id: d})))


def hh_with(**kw) -> HouseholdDuties:
    return GOOD_HH._replace(**kw)


def enterprise(evidence) -> CheckData:
    e = entity("企业")
    return CheckData(entities=(e,), duties=DutiesData(conditions=MappingProxyType({e.id: MappingProxyType(evidence)})))


APPROVED = pd(approved_on=D(2026, 3, 2), plan_approved_on=D(2026, 4, 1), filed_on=D(2026, 4, 3))
DONE = pd(approved_on=D(2026, 3, 2), plan_approved_on=D(2026, 4, 1), started_on=D(2026, 5, 6),
          completed_on=D(2026, 10, 9))
# P27: a completed project with one tranche of 150,000 and one voucher reimbursed
PAID = dict(dates=DONE, subsidy=Y("300000.00"), tranches=(TrancheData(1, 1, D(2026, 5, 6), Y("150000.00")),),
            vouchers=(VoucherData(1, "BZ-1", D(2026, 9, 1), Y("120000.00"), reimbursed_on=D(2026, 9, 2)),))
FIGURES = {"到位资金": "300,000.00元", "已拨付资金": "150000", "已报账资金": "120000.00"}
DELEGATED = DelegationData("农民专业合作社", "新寨种植合作社", D(2026, 4, 20), D(2026, 4, 15), "户主大会", 30, 30)
BIG, SMALL = Y("1200000.00"), Y("80000.00")
TENDER = ProcurementData("产业路施工", BIG, "公开招标", D(2026, 4, 25), "黔路公司", Y("1150000.00"))
SUNNY = ProcurementData("苗木采购", SMALL, "阳光操作", sunshine_note="村务公开栏公示比选三家，群众代表监督")
REG = EventData(D(2026, 3, 1), "识别中", "在册")


def notice(kind, fields, on):
    return NoticeData(kind, on, MappingProxyType(dict(fields)))


def quota(n: int, year: int = 2026) -> Policy:
    return POLICY.with_override("identification_quota", {str(year): n})


def intake(approved_last: bool) -> CheckData:
    """Three households identified in 2026; the quota is two, so the third needs the county's approval."""
    hs = tuple(household(id=i, household_no=f"52012310120100{i:02d}", identified_year=2026,
                         events=(REG._replace(happened_on=D(2026, 3, i)),)) for i in (1, 2, 3))
    third = hh_with(approval_no="县扶贫办〔2026〕12号", approved_on=D(2026, 3, 2)) if approved_last else GOOD_HH
    return CheckData(households=hs, duties=DutiesData(households=MappingProxyType(
        {1: GOOD_HH, 2: GOOD_HH, 3: third})))


# (rule, clause, breaking data, expected severities, keeping data, policy)
CASES = [
    # P22 二(四): 同时按要求将有关信息录入“贵州省涉农资金监管系统” — within the filing period
    ("P22", "未录入监管系统", with_project(project(dates=APPROVED)), {"逾期"},
     with_project(project(dates=APPROVED), supervision_entered_on=D(2026, 4, 7)), POLICY),
    ("P22", "录入晚于时限", with_project(project(dates=APPROVED), supervision_entered_on=D(2026, 4, 20)), {"不合规"},
     with_project(project(dates=APPROVED), supervision_entered_on=D(2026, 4, 8)), POLICY),
    ("P22", "即将到期", with_project(project(dates=replace(APPROVED, plan_approved_on=D(2026, 11, 25)))), {"即将到期"},
     with_project(project(dates=replace(APPROVED, plan_approved_on=D(2026, 11, 25))),
                  supervision_entered_on=D(2026, 11, 26)), POLICY),
    # P23 三(二): 在征得受益农户同意后 … 协议委托扶贫龙头企业、农民专业合作社或者专业大户组织实施
    ("P23", "未记录同意", with_project(project(), delegations=(replace(DELEGATED, consent_on=None),)), {"不合规"},
     with_project(project(), delegations=(DELEGATED,)), POLICY),
    ("P23", "同意晚于协议", with_project(project(), delegations=(replace(DELEGATED, consent_on=D(2026, 4, 21)),)),
     {"不合规"}, with_project(project(), delegations=(replace(DELEGATED, consent_on=D(2026, 4, 20)),)), POLICY),
    ("P23", "受托方类型", with_project(project(), delegations=(replace(DELEGATED, delegate_kind="建筑公司"),)),
     {"不合规"}, with_project(project(), delegations=(replace(DELEGATED, delegate_kind="专业大户"),)), POLICY),
    ("P23", "同意户数", with_project(project(), delegations=(replace(DELEGATED, consent_agreed=0),)), {"不合规"},
     with_project(project(), delegations=(replace(DELEGATED, consent_agreed=30),)), POLICY),
    ("P23", "征求方式", with_project(project(), delegations=(replace(DELEGATED, consent_method=" "),)), {"不合规"},
     with_project(project(), delegations=(replace(DELEGATED, consent_method="逐户签字"),)), POLICY),
    # P24 三(三): 确需调整的，必须按照原程序报批和备案
    ("P24", "批复后未备案", with_project(project(dates=APPROVED), adjustments=(
        AdjustmentFilingData(D(2026, 5, 6), None, "变更路线"),)), {"逾期"},
     with_project(project(dates=APPROVED), adjustments=(AdjustmentFilingData(D(2026, 5, 6), D(2026, 5, 8), "变更路线"),)),
     POLICY),
    ("P24", "备案晚于时限", with_project(project(dates=APPROVED), adjustments=(
        AdjustmentFilingData(D(2026, 5, 6), D(2026, 5, 20), "变更路线"),)), {"不合规"},
     with_project(project(dates=APPROVED), adjustments=(AdjustmentFilingData(None, None, "审核中"),)), POLICY),
    ("P24", "即将到期", with_project(project(dates=APPROVED), adjustments=(
        AdjustmentFilingData(D(2026, 11, 25), None, "变更路线"),)), {"即将到期"},
     with_project(project(dates=APPROVED), adjustments=(AdjustmentFilingData(D(2026, 11, 25), D(2026, 11, 26), "变更路线"),)),
     POLICY),
    # P25 三(六): 属于政府采购和招投标范围的 … 执行；未达到 … 标准的 … 实行阳光操作
    ("P25", "达到标准未招标", with_project(project(), procurements=(replace(TENDER, method="阳光操作", sunshine_note="比选"),)),
     {"不合规"}, with_project(project(), procurements=(TENDER,)), POLICY),
    ("P25", "招标缺中标单位", with_project(project(), procurements=(replace(TENDER, winner=""),)), {"不合规"},
     with_project(project(), procurements=(TENDER,)), POLICY),
    ("P25", "招标缺日期", with_project(project(), procurements=(replace(TENDER, procured_on=None),)), {"不合规"},
     with_project(project(), procurements=(TENDER,)), POLICY),
    ("P25", "招标缺金额", with_project(project(), procurements=(replace(TENDER, awarded_amount=Y("0.00")),)), {"不合规"},
     with_project(project(), procurements=(TENDER,)), POLICY),
    ("P25", "阳光操作无记录", with_project(project(), procurements=(replace(SUNNY, sunshine_note=""),)), {"不合规"},
     with_project(project(), procurements=(SUNNY,)), POLICY),
    ("P25", "门槛按县规定", with_project(project(), procurements=(replace(SUNNY, contract_amount=Y("1000000.00")),)),
     {"不合规"}, with_project(project(), procurements=(replace(SUNNY, contract_amount=Y("999999.99")),)), POLICY),
    ("P25", "方式无法识别", with_project(project(), procurements=(replace(SUNNY, method="直接指定"),)), {"不合规"},
     with_project(project(), procurements=(replace(SUNNY, method="询价", procured_on=D(2026, 5, 1), winner="某店",
                                                   awarded_amount=SMALL),)), POLICY),
    ("P25", "已开工未登记合同", with_project(project(state="实施中")), {"提示"},
     with_project(project(state="实施中", household_project=True)), POLICY),
    # P26 一(三)、二(七): 不得将财政专项扶贫资金用于与扶贫对象脱贫致富无关的项目
    ("P26", "用途之外", with_project(project(state="申报", category="项目管理费")), {"不合规"},
     with_project(project(state="申报", category="小额贷款风险补偿")), POLICY),
    ("P26", "县里增加的用途", with_project(project(state="申报", category="项目管理费")), {"不合规"},
     with_project(project(state="申报", category="其他")), POLICY.with_override("allowed_uses", "产业发展、其他")),
    # P27 十一(九)3: 做好 … 资金使用 … 的公示公告工作 — at completion, dated, the three figures
    ("P27", "完工未公示", with_project(project(**PAID)), {"逾期"},
     with_project(project(**PAID, notices=(notice("资金使用公示", FIGURES, D(2026, 10, 12)),))), POLICY),
    ("P27", "公示晚于时限", with_project(project(**PAID, notices=(notice("资金使用公示", FIGURES, D(2026, 10, 30)),))),
     {"不合规"}, with_project(project(**PAID, notices=(notice("资金使用公示", FIGURES, D(2026, 10, 15)),))), POLICY),
    ("P27", "缺已报账", with_project(project(**PAID, notices=(notice("资金使用公示", {**FIGURES, "已报账资金": ""},
                                                                  D(2026, 10, 12)),))), {"不合规"},
     with_project(project(**PAID, notices=(notice("资金使用公示", FIGURES, D(2026, 10, 12)),))), POLICY),
    ("P27", "与账面不符", with_project(project(**PAID, notices=(notice("资金使用公示", {**FIGURES, "已拨付资金": "300000"},
                                                                   D(2026, 10, 12)),))), {"不合规"},
     with_project(project(**PAID, notices=(notice("资金使用公示", FIGURES, D(2026, 10, 12)),))), POLICY),
    ("P27", "即将到期", with_project(project(**{**PAID, "dates": replace(DONE, completed_on=D(2026, 11, 25))})),
     {"即将到期"}, with_project(project(**{**PAID, "dates": replace(DONE, completed_on=D(2026, 11, 25))},
                                       notices=(notice("资金使用公示", FIGURES, D(2026, 11, 26)),))), POLICY),
    # L05 七(三)(四): 企业运转正常、带动贫困户效果好、覆盖贫困户面广、积极参与“三变”改革、有社会扶贫责任
    *[("L05", f"缺{c}", enterprise({k: v for k, v in ALL_EVIDENCE.items() if k != c}), {"不合规"},
       enterprise(ALL_EVIDENCE), POLICY) for c in CONDITIONS],
    ("L05", "证明为空", enterprise({**ALL_EVIDENCE, CONDITIONS[2]: "  "}), {"不合规"}, enterprise(ALL_EVIDENCE), POLICY),
    # H10 十(三)2(9): 建档立卡档案资料立卷和归档
    ("H10", "未归档", with_household(household(), hh_with(file_filed_on=None)), {"不合规"},
     with_household(household()), POLICY),
    *[("H10", f"缺{item}", with_household(household(), hh_with(file_items=FULL_FILE - {item})), {"不合规"},
       with_household(household()), POLICY) for item in FILE_ITEMS],
    # H11 十(三)2(6)、十一(七)3: 组织乡(镇)干部遍访贫困户 … “两个遍访”全覆盖
    ("H11", "去年未走访", with_household(household(), hh_with(visits=MappingProxyType({2026: VisitYear(1)}))),
     {"不合规"}, with_household(household()), POLICY),
    ("H11", "走访未记走访人", with_household(household(), hh_with(visits=MappingProxyType(
        {2025: VisitYear(1, 1), 2026: VisitYear(1)}))), {"不合规"}, with_household(household()), POLICY),
    ("H11", "次数按县规定", with_household(household(), hh_with(visits=MappingProxyType(
        {2025: VisitYear(1), 2026: VisitYear(2)}))), {"不合规"},
     with_household(household(), hh_with(visits=MappingProxyType({2025: VisitYear(2), 2026: VisitYear(2)}))),
     POLICY.with_override("visits_per_year", 2)),
    ("H11", "新识别户本年走访", with_household(household(identified_year=2026), hh_with(visits=MappingProxyType({}))),
     {"提示"}, with_household(household(identified_year=2026), hh_with(visits=MappingProxyType({2026: VisitYear(1)}))),
     POLICY),
    # H12 十一(七)3: 建立“包户包人”责任一览表，实现“包户包人”全覆盖
    ("H12", "无帮扶责任人", with_household(household(), hh_with(helper_name="")), {"不合规"},
     with_household(household()), POLICY),
    ("H12", "无单位", with_household(household(), hh_with(helper_unit="")), {"不合规"}, with_household(household()), POLICY),
    ("H12", "无电话", with_household(household(), hh_with(helper_phone="")), {"不合规"}, with_household(household()), POLICY),
    # H13 十二(三): 控制规模
    ("H13", "超规模无县批准", intake(False), {"不合规"}, intake(True), quota(2)),
    ("H13", "批准缺日期", intake(False), {"不合规"}, intake(True), quota(2)),
    # H14 十二(五): 谁调查、谁登记、谁审核、谁负责，并层层签订了“责任状”
    ("H14", "无调查人", with_household(household(), hh_with(investigator="")), {"不合规"},
     with_household(household()), POLICY),
    ("H14", "调查人即审核人", with_household(household(checked_by="李调查")), {"不合规"},
     with_household(household(entered_by="李调查")), POLICY),
    ("H14", "三人同一人", with_household(household(entered_by="王审核"), hh_with(investigator="王审核")), {"不合规"},
     with_household(household(entered_by="王审核")), POLICY),
    ("H14", "无责任状", with_household(household(), hh_with(letter_on=None)), {"不合规"},
     with_household(household()), POLICY),
]


def run(rule, data, policy, today=TODAY):
    found = run_rules(data, policy, today, only=[rule])
    assert all(f.rule == rule for f in found)
    return found


@pytest.mark.parametrize(("rule", "clause", "breaks", "expected", "keeps", "policy"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_each_clause_breaks_and_keeps(rule, clause, breaks, expected, keeps, policy):
    found = run(rule, breaks, policy)
    assert {f.severity for f in found} == expected, [f.message for f in found]
    for f in found:
        assert f.section and f.record and f.tab, f
        assert re.search(r"请|应", f.message), f.message  # says what to do
    kept = run(rule, keeps, policy)
    assert not {f.severity for f in kept} & {"逾期", "不合规", "即将到期"}, [f.message for f in kept]


def test_every_new_rule_has_cases_and_58_rules_are_listed():
    assert {c[0] for c in CASES} == set(PART_B)
    assert len(rule_ids()) == 58 and set(PART_B) <= set(rule_ids())


def test_overdue_names_the_due_date_and_the_tab_that_fixes_it():
    [f] = run("P22", with_project(project(dates=APPROVED)), POLICY)
    assert f.due == D(2026, 4, 9) and "应于2026-04-09前" in f.message and f.tab == "采购备案"
    assert "贵州省涉农资金监管系统" in f.message and f.record == "project:1"


def test_h13_checks_nothing_without_a_county_quota():
    assert run("H13", intake(False), POLICY) == []
    [f] = run("H13", intake(False), quota(2))
    assert f.record == "household:3" and "第3户" in f.message


def test_h11_reminds_only_late_in_the_year():
    data = with_household(household(), hh_with(visits=MappingProxyType({2025: VisitYear(1)})))
    assert run("H11", data, POLICY, today=date(2026, 6, 1)) == []
    assert {f.severity for f in run("H11", data, POLICY, today=date(2026, 12, 28))} == {"即将到期"}


def test_p27_figures_are_read_as_money():
    data = with_project(project(**PAID, notices=(notice("资金使用公示", {**FIGURES, "已报账资金": "十二万"},
                                                        D(2026, 10, 12)),)))
    [f] = run("P27", data, POLICY)
    assert "与账面不符" in f.message


# ---------------------------------------------------------------- both RULES files


def _rules_files() -> list[Path]:
    root = Path(__file__).resolve().parents[3] / "shared" / "domain"
    return [root / "RULES.md", root / "RULES-2.md"]


def _table_rows(text: str):
    for line in text.splitlines():
        m = re.match(r"\|\s*([PFLHRY]\d\d)\s*\|(.*)\|\s*$", line)
        if m:
            cells = [c.strip() for c in m.group(2).split("|")]
            yield m.group(1), cells


def test_rule_ids_and_parameters_agree_with_both_rules_files():
    files = _rules_files()
    if not all(f.exists() for f in files):
        pytest.skip("RULES files not beside the repository")
    documented: dict[str, set[str]] = {}
    for f in files:
        for rid, cells in _table_rows(f.read_text(encoding="utf-8")):
            documented.setdefault(rid, set()).update(re.findall(r"`([a-z_]+)`", cells[-1]))
    assert set(documented) == set(rule_ids())
    specs = {s.id: s for s in rule_specs()}
    known = set(load_defaults())
    for rid, params in documented.items():
        assert params <= known, (rid, params - known)
        # each documented parameter is one the rule declares (warning_wd and shared ones may be extra)
        assert params <= set(specs[rid].params) | {"allocation_ratio"}, (rid, params, specs[rid].params)
    for rid in PART_B:
        assert documented[rid] <= set(specs[rid].params)
