"""The project life cycle, the 532 money rules and the deadlines, call by call, with the exact answer.

Each scenario is one call of ``domain.lifecycle`` / ``domain.disbursement`` / ``domain.deadlines`` on
data written out here (dates and amounts as the regulation gives them: 5%-10% deposit, 50/30/20
tranches at 0/50/100% progress, 3 months to adjust, 12 months to build, 30 days to reimburse).
What comes back -- the new state and columns, or the refusal with its rule and section, or the due
dates -- is compared with ``golden/domain.json``, which a person reads. After an intended change,
regenerate and read the diff:

    .venv/bin/python -m tests.unit.test_domain_scenarios
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, is_dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from fupin_tui.domain import disbursement as dis
from fupin_tui.domain import lifecycle as L
from fupin_tui.domain.deadlines import MoneyEvent, ProjectDates, project_deadlines, yearly_deadlines
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.policy import Policy

GOLDEN = Path(__file__).with_name("golden") / "domain.json"
POLICY = Policy.defaults()
TODAY = date(2026, 11, 27)
D, Y = date, Decimal


def _plain(x):
    if is_dataclass(x) and not isinstance(x, type):
        return {k: _plain(v) for k, v in asdict(x).items()}
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set, frozenset)):
        items = [_plain(v) for v in x]
        return sorted(items, key=str) if isinstance(x, (set, frozenset)) else items
    if isinstance(x, (date, Decimal)):
        return str(x)
    return x


def _call(fn, *args, **kw):
    try:
        return _plain(fn(*args, **kw))
    except InputError as exc:
        return ["InputError", exc.field, exc.problem]
    except DomainError as exc:
        return ["DomainError", exc.message, exc.rule, exc.section]


def F(state, **kw):
    return L.ProjectFacts(state=state, **kw)


BASE = {"date": "2026-11-20", "document_no": "县扶发〔2026〕1号", "approver": "县扶贫办"}


def _lifecycle():
    out = {}
    facts = {
        "入库": F("入库"), "申报": F("申报", subsidy=Y("300000")),
        "立项": F("立项", budget_lines=2), "方案已报": F("方案已报", category="产业发展", subsidy=Y("300000")),
        "方案批复": F("方案批复", plan_approved_on=D(2026, 9, 1), planned_end=D(2027, 6, 30)),
        "实施中": F("实施中", plan_approved_on=D(2026, 9, 1), started_on=D(2026, 9, 10)),
        "完工初检": F("完工初检", subsidy=Y("300000")), "申请验收": F("申请验收", subsidy=Y("300000")),
        "整改": F("整改", open_rectifications=1), "已验收": F("已验收"), "已报账": F("已报账"),
        "已移交": F("已移交"), "已归档": F("已归档"),
    }
    for state, f in facts.items():
        out[f"allowed {state}"] = _call(L.allowed_actions, f)
        out[f"allowed {state} 调整中"] = _call(L.allowed_actions, L.with_state(f, pending_adjustment=True))
    out["allowed 已终止"] = _call(L.allowed_actions, F("实施中", side_state="已终止"))
    for action in L.ACTIONS:
        for cat in ("产业发展", "教育"):
            f = F("方案已报", category=cat, subsidy=Y("600000"))
            out[f"fields {action} {cat}"] = _call(L.fields_for, action, f, POLICY)
            out[f"notes {action} {cat}"] = _call(L.notes_for, action, f, POLICY)
    out["notes 验收 opinion"] = _call(L.notes_for, "验收", F("申请验收", subsidy=Y("600000"),
                                                            audit_opinion_on=D(2026, 10, 1)), POLICY)
    out["notes 归档 missing"] = _call(L.notes_for, "归档", F("已移交", missing_documents=("15审计意见",)), POLICY)
    out["notes 移交 到户"] = _call(L.notes_for, "移交", F("已报账", household_project=True), POLICY)
    out["fields 验收 opinion known"] = _call(L.fields_for, "验收", F("申请验收", subsidy=Y("600000"),
                                                                    audit_opinion_on=D(2026, 10, 1)), POLICY)
    cases = [
        ("申报", F("入库"), {"date": "2026-11-20"}),
        ("申报", F("入库", in_library=False), {"date": "2026-11-20"}),
        ("立项评估", F("申报"), {"date": "2026-11-20"}),
        ("立项批复", F("申报"), {**BASE, "subsidy": "300,000.00", "fund_plan_issued_on": "2026-11-01"}),
        ("立项批复", F("申报"), {**BASE, "subsidy": "0"}),
        ("立项批复", F("申报", in_library=False), {**BASE, "subsidy": "1"}),
        ("立项批复", F("申报"), {**BASE, "subsidy": "1", "document_no": ""}),
        ("立项批复", F("申报"), {**BASE, "subsidy": "1", "date": "2026-11-28"}),
        ("立项批复", F("申报", last_event_on=D(2026, 11, 21)), {**BASE, "subsidy": "1"}),
        ("立项批复", F("立项"), {**BASE, "subsidy": "1"}),
        ("立项批复", F("申报", side_state="已收回"), {**BASE, "subsidy": "1"}),
        ("没有的", F("申报"), {}),
        ("上报实施方案", F("立项", budget_lines=1), {**BASE, "planned_start": "2026-12-01", "planned_end": "2027-12-01"}),
        ("上报实施方案", F("立项", budget_lines=1), {**BASE, "planned_start": "2026-12-01", "planned_end": "2027-12-02"}),
        ("上报实施方案", F("立项", budget_lines=1), {**BASE, "planned_start": "2026-12-01", "planned_end": "2026-11-30"}),
        ("上报实施方案", F("立项", budget_lines=0), {**BASE, "planned_start": "2026-12-01", "planned_end": "2027-03-01"}),
        ("批复实施方案", F("方案已报", category="产业发展", subsidy=Y("300000")),
         {**BASE, "review_kind": "县扶贫办审核", "deposit_rate": "8%"}),
        ("批复实施方案", F("方案已报", category="产业发展", subsidy=Y("300000")),
         {**BASE, "review_kind": "县扶贫办审核", "deposit_rate": "4.99%"}),
        ("批复实施方案", F("方案已报", category="基础设施", subsidy=Y("300000")),
         {**BASE, "review_kind": "专家评审", "deposit_rate": "10.01%"}),
        ("批复实施方案", F("方案已报", category="教育"), {**BASE, "review_kind": "其他"}),
        ("备案", F("方案批复"), {"date": "2026-11-20", "discipline_filed_on": "2026-11-19"}),
        ("备案", F("实施中"), {"date": "2026-11-20"}),
        ("开工", F("方案批复", planned_end=D(2027, 11, 20)), {"date": "2026-11-20"}),
        ("开工", F("方案批复", planned_end=D(2027, 11, 21)), {"date": "2026-11-20"}),
        ("开工", F("方案批复", planned_end=D(2026, 11, 1)), {"date": "2026-11-20"}),
        ("开工", F("方案批复"), {"date": "2026-11-20"}),
        ("调整", F("实施中", plan_approved_on=D(2026, 8, 20)), {**BASE, "content": "改线"}),
        ("调整", F("实施中", plan_approved_on=D(2026, 8, 19)), {**BASE, "content": "改线"}),
        ("调整", F("实施中"), {**BASE, "content": "改线"}),
        ("调整", F("实施中", plan_approved_on=D(2026, 9, 1), pending_adjustment=True), {**BASE, "content": "改线"}),
        ("调整批复", F("实施中", plan_approved_on=D(2026, 9, 1), pending_adjustment=True), BASE),
        ("调整批复", F("实施中", plan_approved_on=D(2026, 9, 1)), BASE),
        ("调整批复", F("方案批复", plan_approved_on=D(2026, 8, 1), pending_adjustment=True), BASE),
        ("完工初检", F("实施中", started_on=D(2025, 11, 20)), {"date": "2026-11-20", "completed_on": "2026-11-20",
                                                              "organiser": "镇政府"}),
        ("完工初检", F("实施中", started_on=D(2025, 11, 19)), {"date": "2026-11-20", "completed_on": "2026-11-20",
                                                              "organiser": "镇政府"}),
        ("完工初检", F("实施中", started_on=D(2026, 9, 1)), {"date": "2026-11-20", "completed_on": "2026-11-21",
                                                            "organiser": "镇政府"}),
        ("完工初检", F("实施中", started_on=D(2026, 9, 1)), {"date": "2026-11-20", "completed_on": "2026-08-31",
                                                            "organiser": "镇政府"}),
        ("完工初检", F("实施中"), {"date": "2026-11-20", "completed_on": "2026-11-01", "organiser": "镇政府"}),
        ("申请验收", F("完工初检"), {"date": "2026-11-20"}),
        ("验收", F("申请验收", subsidy=Y("300000")), {**BASE, "grade": "合格", "organiser": "县扶贫办"}),
        ("验收", F("申请验收", subsidy=Y("300000")), {**BASE, "grade": "优良", "organiser": "县扶贫办",
                                                   "rectifications": "路面；2026-12-20"}),
        ("验收", F("申请验收", subsidy=Y("300000")), {**BASE, "grade": "不合格", "organiser": "县扶贫办",
                                                   "rectifications": "路面修补；2026-12-20\n排水沟；2026-12-30"}),
        ("验收", F("申请验收", subsidy=Y("300000")), {**BASE, "grade": "不合格", "organiser": "县扶贫办"}),
        ("验收", F("申请验收", subsidy=Y("300000")), {**BASE, "grade": "不合格", "organiser": "县扶贫办",
                                                   "rectifications": "路面修补"}),
        ("验收", F("申请验收", subsidy=Y("300000")), {**BASE, "grade": "不合格", "organiser": "县扶贫办",
                                                   "rectifications": "路面修补；2026-11-19"}),
        ("验收", F("申请验收", subsidy=Y("300000")), {**BASE, "grade": "良好", "organiser": "县扶贫办"}),
        ("验收", F("申请验收", subsidy=Y("500000")), {**BASE, "grade": "合格", "organiser": "县扶贫办"}),
        ("验收", F("申请验收", subsidy=Y("500000")), {**BASE, "grade": "合格", "organiser": "县扶贫办",
                                                   "audit_opinion_on": "2026-11-19", "audit_opinion_doc_no": "审1"}),
        ("验收", F("申请验收", subsidy=Y("500000")), {**BASE, "grade": "合格", "organiser": "县扶贫办",
                                                   "audit_opinion_on": "2026-11-21"}),
        ("验收", F("申请验收", subsidy=Y("500000"), audit_opinion_on=D(2026, 11, 1)),
         {**BASE, "grade": "合格", "organiser": "县扶贫办"}),
        ("验收", F("整改", open_rectifications=2), {**BASE, "grade": "合格", "organiser": "县扶贫办"}),
        ("验收", F("整改"), {**BASE, "grade": "合格", "organiser": "县扶贫办"}),
        ("整改完成", F("整改", open_rectifications=1), {"date": "2026-11-20"}),
        ("整改完成", F("整改"), {"date": "2026-11-20"}),
        ("最终报账", F("已验收"), BASE),
        ("移交", F("已报账"), {"date": "2026-11-20", "assets": "机耕道；1.5；公里；300000\n水池", "maintainer": "村委会"}),
        ("移交", F("已报账", household_project=True), {"date": "2026-11-20", "assets": "圈舍", "maintainer": "张三"}),
        ("移交", F("已报账"), {"date": "2026-11-20", "assets": "机耕道", "maintainer": " "}),
        ("移交", F("已报账"), {"date": "2026-11-20", "maintainer": "村委会"}),
        ("移交", F("已报账"), {"date": "2026-11-20", "assets": "；1", "maintainer": "村委会"}),
        ("归档", F("已移交"), {"date": "2026-11-20"}),
        ("归档", F("已移交", missing_documents=("15审计意见", "18移交清单")), {"date": "2026-11-20"}),
        ("收回", F("实施中"), {**BASE, "reason": "进度滞后"}),
        ("终止", F("申报"), {**BASE, "reason": "群众不同意"}),
        ("终止", F("已归档"), {**BASE, "reason": "x"}),
        ("终止", F("申报"), {**BASE, "reason": ""}),
        # the edges: today itself, the same day as the last step, a note, typing slips
        ("立项评估", F("申报", last_event_on=D(2026, 11, 27)), {"date": "2026-11-27", "note": "  评估通过 "}),
        ("立项批复", F("申报"), {**BASE, "subsidy": "三十万"}),
        ("立项批复", F("申报"), {**BASE, "subsidy": "300000", "fund_plan_issued_on": " "}),
        ("立项批复", F("申报"), {**BASE, "subsidy": "300000", "fund_plan_issued_on": "2026-13-01"}),
        ("批复实施方案", F("方案已报", category="产业发展"), {**BASE, "review_kind": "县扶贫办审核", "deposit_rate": "五"}),
        ("批复实施方案", F("方案已报", category="产业发展"), {**BASE, "review_kind": "县扶贫办审核"}),
        ("移交", F("已报账"), {"date": "2026-11-20", "assets": "水池；；口\n机耕道；2", "maintainer": "村委会"}),
        ("移交", F("已报账"), {"date": "2026-11-20", "assets": "水池；一点五", "maintainer": "村委会"}),
        ("移交", F("已报账"), {"date": "2026-11-20", "assets": "水池；1；口；三万", "maintainer": "村委会"}),
        ("移交", F("已报账"), {"date": "2026-11-20", "assets": "\n \n", "maintainer": "村委会"}),
        ("验收", F("申请验收", subsidy=Y("300000")), {**BASE, "grade": " 合格 ", "organiser": "县扶贫办",
                                                   "rectifications": " "}),
    ]
    for i, (action, f, raw) in enumerate(cases):
        out[f"decide {i:02d} {action}"] = _call(L.decide, action, f, raw, POLICY, TODAY)
    for i, (subsidy, expected) in enumerate((("499999.99", None), ("500000", None))):
        out[f"review {i}"] = [_call(L.review_kind, Y(subsidy), POLICY), _call(L.needs_audit_opinion, Y(subsidy), POLICY)]
    out["months"] = [str(L.add_months(D(2026, 1, 31), 1)), str(L.add_months(D(2026, 11, 30), 3)),
                     str(L.add_months(D(2024, 2, 29), 12)), str(L.add_months(D(2026, 3, 15), 0))]
    S = L.Schedule
    sched = {
        "behind": S(D(2026, 3, 1), D(2026, 12, 31), D(2026, 2, 1), D(2026, 3, 1), None, "", Y("0.2")),
        "at the edge": S(D(2026, 3, 1), D(2026, 12, 31), D(2026, 2, 1), D(2026, 3, 1), None, "", Y("0.5874")),
        "force majeure": S(D(2026, 3, 1), D(2026, 12, 31), D(2026, 2, 1), D(2026, 3, 1), None, "暴雨", Y("0.2")),
        "not started late": S(None, None, D(2026, 10, 1), None),
        "not started in time": S(None, None, D(2026, 11, 1), None),
        "finished": S(D(2026, 3, 1), D(2026, 12, 31), D(2026, 2, 1), D(2026, 3, 1), D(2026, 10, 1), "", Y("0.2")),
        "no plan": S(None, D(2026, 12, 31), D(2026, 2, 1), D(2026, 3, 1), None, "", Y("0")),
        "zero span": S(D(2026, 3, 1), D(2026, 3, 1), D(2026, 2, 1), D(2026, 3, 1), None, "", Y("0")),
        "before start": S(D(2026, 12, 1), D(2027, 6, 1), D(2026, 2, 1), D(2026, 11, 1), None, "", Y("0")),
        "past the end": S(D(2026, 1, 1), D(2026, 6, 1), D(2026, 2, 1), D(2026, 1, 1), None, "", Y("0.69")),
    }
    off = POLICY.with_override("block_tranches_when_behind", "否")
    for name, s in sched.items():
        behind = L.behind_schedule(s, POLICY, TODAY)
        out[f"schedule {name}"] = [_plain(behind), behind.message if behind else None,
                                   L.schedule_block(s, POLICY, TODAY), L.schedule_block(s, off, TODAY)]
    out["similarity"] = [str(L.similarity("硬化道路2公里", "硬化道路3公里")), str(L.similarity("", "路")),
                         str(L.similarity("路", "路")), str(L.similarity("修路", "修桥"))]
    return out


def _money():
    out = {}
    f = lambda **kw: dis.FundFacts(**{"mode": "532", "subsidy": Y("100000.00"), "deposit": Y("5000.00"), **kw})  # noqa: E731
    pt = dis.PaidTranche
    tranches1 = (pt(1, D(2026, 6, 1), Y("50000.00")),)
    tranches2 = tranches1 + (pt(2, D(2026, 8, 1), Y("30000.00")),)
    cases = {
        "fresh": f(),
        "not released": f(funds_released=False),
        "closed": f(closed="已收回"),
        "second early": f(tranches=tranches1, work_share=Y("0.49"), reimbursed=Y("50000.00")),
        "second not reimbursed": f(tranches=tranches1, work_share=Y("0.5"), reimbursed=Y("49999.99")),
        "second ok": f(tranches=tranches1, work_share=Y("0.5"), reimbursed=Y("50000.00")),
        "third with deposit": f(tranches=tranches2, work_share=Y("1"), reimbursed=Y("80000.00")),
        "third not reimbursed": f(tranches=tranches2, work_share=Y("1"), reimbursed=Y("79999.99")),
        "all paid": f(tranches=tranches2 + (pt(3, D(2026, 10, 1), Y("15000.00"), Y("5000.00")),), work_share=Y("1"),
                      reimbursed=Y("95000.00")),
        "part paid": f(tranches=(pt(1, D(2026, 6, 1), Y("20000.00")),)),
        "after completion": f(mode="先建后补", work_share=Y("0.99")),
        "after completion done": f(mode="先建后补", work_share=Y("1")),
        "info overdue": f(money_events=(MoneyEvent(D(2026, 11, 2), "拨款", "第1期"),)),
        "info entered": f(money_events=(MoneyEvent(D(2026, 11, 2), "拨款", "第1期"),), info_entries=(D(2026, 11, 3),)),
        "behind": f(tranches=tranches1, work_share=Y("0.5"), reimbursed=Y("50000.00"),
                    schedule=L.Schedule(D(2026, 3, 1), D(2026, 12, 31), D(2026, 2, 1), D(2026, 3, 1), None, "",
                                        Y("0.5"))),
        "not started": f(schedule=L.Schedule(None, None, D(2026, 10, 1), None)),
        "two reasons": f(tranches=tranches1, work_share=Y("0.3"), reimbursed=Y("100.00")),
        "half a yuan left": f(tranches=(pt(1, D(2026, 6, 1), Y("49999.50")),)),
        "paid in two parts": f(tranches=(pt(1, D(2026, 6, 1), Y("20000.00")), pt(1, D(2026, 6, 2), Y("20000.00")))),
        "last partly paid": f(tranches=tranches2 + (pt(3, D(2026, 10, 1), Y("10000.00"), Y("5000.00")),),
                              work_share=Y("1"), reimbursed=Y("90000.00")),
    }
    for name, facts in cases.items():
        out[f"availability {name}"] = _call(dis.availability, facts, POLICY, TODAY)
        for amount in ("0", "0.01", "15000.00", "50000.00", "50000.01"):
            out[f"disburse {name} {amount}"] = _call(dis.check_disbursement, facts, Y(amount), POLICY, TODAY)
        for amount in ("0", "1.00", "50000.00", "50000.01"):
            out[f"reimburse {name} {amount}"] = _call(dis.check_reimbursement, facts, Y(amount), POLICY, TODAY)
    out["withhold"] = [_call(dis.deposit_to_withhold, t) for t in dis.tranche_plan("532", Y("100000"), Y("5000"),
                                                                                    POLICY, tranches2)]
    out["deposit due"] = [str(dis.deposit_due(Y("300000"), Y("0.05"), None)), str(dis.deposit_due(Y("300000"), None, None)),
                          str(dis.deposit_due(Y("300000"), Y("0.05"), Y("14000.004")))]
    out["plan 532"] = _call(dis.tranche_plan, "532", Y("100000.01"), Y("5000.00"), POLICY, tranches2)
    out["plan 532 rounding"] = _call(dis.tranche_plan, "532", Y("100000.03"), Y("0"), POLICY)
    last_part = dis.tranche_plan("532", Y("100000"), Y("5000"), POLICY,
                                 tranches2 + (pt(3, D(2026, 10, 1), Y("10000.00"), Y("5000.00")),))
    out["withhold once"] = [_call(dis.deposit_to_withhold, t) for t in last_part]
    withheld = f(tranches=tranches2 + (pt(3, D(2026, 10, 1), Y("15000.00"), Y("5000.00")),))
    out["over subsidy withheld"] = [_call(dis.over_subsidy, withheld, Y("0.01")), _call(dis.over_subsidy, withheld, Y("0"))]
    out["final done"] = _call(dis.final_reimbursement_deadline, D(2026, 11, 1), "合格", D(2026, 11, 20), POLICY, TODAY)
    out["plan after"] = _call(dis.tranche_plan, "先建后补", Y("80000"), Y("4000"), POLICY)
    out["over subsidy"] = [_call(dis.over_subsidy, f(tranches=tranches2), Y("20000.00")),
                           _call(dis.over_subsidy, f(tranches=tranches2), Y("15000.00"), Y("5000.00")),
                           _call(dis.over_subsidy, f(tranches=tranches2), Y("15000.00"), Y("5000.01"))]
    out["over disbursed"] = [_call(dis.over_disbursed, f(tranches=tranches1, reimbursed=Y("40000")), Y("10000.00")),
                             _call(dis.over_disbursed, f(tranches=tranches1, reimbursed=Y("40000")), Y("10000.01")),
                             _call(dis.over_disbursed, f(tranches=tranches1, deposit_refunded=Y("5000"),
                                                         reimbursed=Y("50000")), Y("5000.00"))]
    out["final"] = [_call(dis.final_reimbursement_problem, None, ""), _call(dis.final_reimbursement_problem, D(2026, 11, 1),
                    "不合格"), _call(dis.final_reimbursement_problem, D(2026, 11, 1), "合格"),
                    _call(dis.final_reimbursement_deadline, D(2026, 11, 1), "合格", None, POLICY, TODAY),
                    _call(dis.final_reimbursement_deadline, D(2026, 11, 1), "不合格", None, POLICY, TODAY)]
    out["budget"] = [str(dis.budget_limit(Y("10000"), None, Y("0"))), str(dis.budget_limit(Y("10000"), Y("12000"), Y("0.1"))),
                     _call(dis.over_budget_line, "水泥", Y("10000"), None, Y("9000"), Y("1000.00"), Y("0")),
                     _call(dis.over_budget_line, "水泥", Y("10000"), None, Y("9000"), Y("1000.01"), Y("0")),
                     _call(dis.over_budget_line, "水泥", Y("10000"), Y("12000"), Y("9000"), Y("4000"), Y("0"))]
    roster = frozenset({"直接补助到户", "培训务工补助", "技工补助"})
    out["line kind"] = [_call(dis.wrong_line_kind, "补助", "直接补助到户", "名册", roster),
                        _call(dis.wrong_line_kind, "补助", "直接补助到户", "发票", roster),
                        _call(dis.wrong_line_kind, "水泥", "材料设备", "名册", roster),
                        _call(dis.wrong_line_kind, "水泥", "材料设备", "发票", roster)]
    out["incomplete"] = [_call(dis.incomplete_line, "发票"),
                         _call(dis.incomplete_line, "发票", invoice_code="1", invoice_no="2", invoice_date=D(2026, 1, 1),
                               seller="某公司"),
                         _call(dis.incomplete_line, "名册"),
                         _call(dis.incomplete_line, "名册", household_id=1, id_number="x", signed_on=D(2026, 1, 1))]
    ratio = POLICY.allocation_ratio
    out["allocation"] = [_call(dis.allocation_split, [("产业发展", Y("300")), ("危房改造", Y("100")), ("培训", Y("100")),
                                                      ("不知道", Y("500"))], ratio),
                         _call(dis.allocation_split, [], ratio)]
    totals = dis.FundTotals(Y("100"), Y("80"), Y("50"), Y("5"), 2)
    out["totals"] = [str(totals.undisbursed), str(totals.unreimbursed)]
    return out


def _deadlines():
    out = {}
    full = ProjectDates(applied_on=D(2026, 3, 2), fund_plan_issued_on=D(2026, 3, 1), approved_on=D(2026, 3, 20),
                        plan_submitted_on=D(2026, 4, 1), plan_approved_on=D(2026, 4, 15), filed_on=D(2026, 4, 30),
                        started_on=D(2026, 5, 6), site_notice_on=D(2026, 5, 7), completed_on=D(2026, 10, 9),
                        initial_inspection_on=D(2026, 10, 12), accepted_on=D(2026, 11, 2), acceptance_grade="合格",
                        money_events=(MoneyEvent(D(2026, 5, 8), "拨款", "第1期"), MoneyEvent(D(2026, 9, 1), "报账", "")),
                        info_entries=(D(2026, 5, 9),))
    out["full"] = _call(project_deadlines, full, POLICY, TODAY)
    out["failed"] = _call(project_deadlines, ProjectDates(accepted_on=D(2026, 11, 2), acceptance_grade="不合格",
                                                          completed_on=D(2026, 10, 9)), POLICY, TODAY)
    out["force majeure"] = _call(project_deadlines, ProjectDates(plan_approved_on=D(2026, 10, 1), force_majeure="暴雨"),
                                 POLICY, TODAY)
    out["terminated"] = _call(project_deadlines, ProjectDates(plan_approved_on=D(2026, 10, 1), filed_on=D(2026, 10, 2),
                                                              side_state="已终止"), POLICY, TODAY)
    out["recalled"] = _call(project_deadlines, ProjectDates(plan_approved_on=D(2026, 10, 1), side_state="已收回"),
                            POLICY, TODAY)
    out["2027"] = _call(project_deadlines, ProjectDates(approved_on=D(2026, 12, 24)), POLICY, TODAY)
    # seen from 2027 (computed calendar) a deadline inside 2026 still warns: the days left cross 1 January
    out["seen from 2027"] = _call(project_deadlines, ProjectDates(approved_on=D(2026, 11, 2)), POLICY, D(2027, 1, 6))
    out["entered the same day"] = _call(project_deadlines, ProjectDates(
        money_events=(MoneyEvent(D(2026, 11, 2), "拨款", "第1期"),), info_entries=(D(2026, 11, 2), D(2026, 11, 1))),
        POLICY, TODAY)
    d = project_deadlines(ProjectDates(approved_on=D(2026, 11, 20)), POLICY, TODAY)[0]
    out["states"] = [d.is_open, d.done_late, d.is_overdue(D(2026, 12, 4)), d.is_overdue(D(2026, 12, 5)),
                     d.is_due_soon(D(2026, 11, 27), 5), d.is_due_soon(D(2026, 11, 27), 4),
                     d.is_due_soon(D(2026, 12, 5), 5)]
    for today in (D(2026, 1, 1), D(2026, 3, 1), D(2026, 12, 10), D(2027, 1, 21)):
        out[f"yearly {today}"] = _call(yearly_deadlines, today)
        out[f"yearly {today} 30 back"] = _call(yearly_deadlines, today, lookahead_days=10, lookback_days=30)
    return out


def compute():
    return {"lifecycle": _lifecycle(), "money": _money(), "deadlines": _deadlines()}


EXPECTED = json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}
PARTS = {"lifecycle": _lifecycle, "money": _money, "deadlines": _deadlines}


@pytest.mark.parametrize("part", PARTS)
def test_each_call_gives_the_answer_a_person_read(part):
    got, expected = PARTS[part](), EXPECTED.get(part, {})
    wrong = {k: (got.get(k), expected.get(k)) for k in set(got) | set(expected) if got.get(k) != expected.get(k)}
    assert not wrong, f"regenerate and read the diff: python -m {__name__}\n{json.dumps(wrong, ensure_ascii=False)[:3000]}"


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(compute(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}", file=sys.stderr)
