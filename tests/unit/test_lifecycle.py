"""The project life cycle (RULES section A): every refused transition names its rule."""

from datetime import date
from decimal import Decimal

import pytest

from fupin_tui.domain import lifecycle as L
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.policy import Policy

TODAY = date(2026, 11, 27)
POLICY = Policy.defaults()


def facts(state, **kw):
    base = dict(category="基础设施", subsidy=Decimal("300000"), budget_lines=2,
                plan_approved_on=date(2026, 3, 1), started_on=date(2026, 3, 10))
    base.update(kw)
    return L.ProjectFacts(state=state, **base)


# (case, action, facts, values, rule expected in the refusal)
REFUSALS = [
    ("P01 entry left the library", "申报", facts("入库", in_library=False), {"date": "2026-03-01"}, "P01"),
    ("P01 approval needs a library entry", "立项批复", facts("申报", in_library=False),
     {"date": "2026-03-01", "document_no": "县扶发〔2026〕1号", "approver": "县扶贫办", "subsidy": "300000"}, "P01"),
    ("P11 planned period 13 months", "上报实施方案", facts("立项"),
     {"date": "2026-03-01", "document_no": "方案1", "planned_start": "2026-04-01", "planned_end": "2027-05-01"}, "P11"),
    ("F05 plan without budget lines", "上报实施方案", facts("立项", budget_lines=0),
     {"date": "2026-03-01", "document_no": "方案1", "planned_start": "2026-04-01", "planned_end": "2026-10-01"}, "F05"),
    ("P21 deposit 3% below 5%", "批复实施方案", facts("方案已报"),
     {"date": "2026-03-01", "document_no": "批1", "approver": "县扶贫办", "deposit_rate": "3%",
      "review_kind": "县扶贫办审核"}, "P21"),
    ("P21 deposit 12% above 10%", "批复实施方案", facts("方案已报", category="产业发展"),
     {"date": "2026-03-01", "document_no": "批1", "approver": "县扶贫办", "deposit_rate": "0.12",
      "review_kind": "县扶贫办审核"}, "P21"),
    ("P11 start too early for the planned end", "开工", facts("方案批复", planned_end=date(2027, 9, 1)),
     {"date": "2026-04-01"}, "P11"),
    ("P11 actual period 14 months", "完工初检", facts("实施中", started_on=date(2025, 8, 1)),
     {"date": "2026-10-05", "completed_on": "2026-10-01", "organiser": "乡镇"}, "P11"),
    ("P12 adjustment after 3 months", "调整", facts("实施中", plan_approved_on=date(2026, 3, 1)),
     {"date": "2026-06-02", "document_no": "调1", "content": "改线"}, "P12"),
    ("P12 no funds released yet", "调整", facts("方案批复", plan_approved_on=None),
     {"date": "2026-03-02", "document_no": "调1", "content": "改线"}, "P12"),
    ("P12 approval of an adjustment out of window", "调整批复",
     facts("实施中", plan_approved_on=date(2026, 3, 1), pending_adjustment=True),
     {"date": "2026-06-05", "document_no": "调批1", "approver": "县扶贫办"}, "P12"),
    ("P17 no audit opinion at 50万", "验收", facts("申请验收", subsidy=Decimal("500000")),
     {"date": "2026-11-01", "document_no": "验1", "grade": "合格", "organiser": "县扶贫办"}, "P17"),
    ("P18 不合格 without items", "验收", facts("申请验收"),
     {"date": "2026-11-01", "document_no": "验1", "grade": "不合格", "organiser": "县扶贫办"}, "P18"),
    ("P18 re-acceptance with open items", "验收", facts("整改", open_rectifications=2),
     {"date": "2026-11-01", "document_no": "验2", "grade": "合格", "organiser": "县扶贫办"}, "P18"),
    ("P18 nothing to rectify", "整改完成", facts("整改", open_rectifications=0), {"date": "2026-11-01"}, "P18"),
    ("P19 handover without maintainer", "移交", facts("已报账"),
     {"date": "2026-11-01", "assets": "机耕道；1；条；300000", "maintainer": " "}, "P19"),
    ("R02 archive with missing documents", "归档", facts("已移交", missing_documents=("审计意见",)),
     {"date": "2026-11-01"}, "R02"),
]


@pytest.mark.parametrize("case,action,f,values,rule", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refused_transition_names_its_rule(case, action, f, values, rule):
    with pytest.raises(DomainError) as err:
        L.decide(action, f, values, POLICY, TODAY)
    assert err.value.rule == rule
    assert f"[{rule}" in str(err.value)
    assert err.value.section  # a clerk can look the section up


WRONG_STATE = [
    ("立项批复", "入库"), ("开工", "立项"), ("验收", "实施中"), ("移交", "已验收"),
    ("归档", "已报账"), ("最终报账", "申请验收"), ("完工初检", "方案批复"),
]


@pytest.mark.parametrize("action,state", WRONG_STATE)
def test_action_from_the_wrong_state_says_where_it_belongs(action, state):
    with pytest.raises(DomainError) as err:
        L.decide(action, facts(state), {"date": "2026-11-01"}, POLICY, TODAY)
    assert f"当前为“{state}”" in err.value.message


@pytest.mark.parametrize("side", ["已收回", "已终止"])
def test_recalled_or_terminated_project_accepts_nothing(side):
    f = facts("实施中", side_state=side)
    assert L.allowed_actions(f) == []
    with pytest.raises(DomainError, match=side):
        L.decide("完工初检", f, {"date": "2026-11-01", "completed_on": "2026-10-01", "organiser": "x"}, POLICY, TODAY)


@pytest.mark.parametrize("typed,problem", [
    ("2026-02-28", "日期不能倒退"),
    ("2026-11-28", "不能晚于今天"),
    ("", "不能为空"),
    ("2026-02-30", "日期不存在"),
])
def test_dates_never_go_backwards_or_into_the_future(typed, problem):
    f = facts("方案批复", last_event_on=date(2026, 3, 1))
    with pytest.raises(InputError) as err:
        L.decide("开工", f, {"date": typed}, POLICY, TODAY)
    assert err.value.field == "开工日期"
    assert problem in err.value.problem


@pytest.mark.parametrize("subsidy,kind", [
    ("499999.99", "县扶贫办审核"), ("500000", "专家评审"), ("1200000", "专家评审"), ("80000", "县扶贫办审核"),
])
def test_review_kind_follows_the_expert_threshold(subsidy, kind):
    assert L.review_kind(Decimal(subsidy), POLICY) == kind


@pytest.mark.parametrize("asked", ["专家评审", "县扶贫办审核"])
def test_the_review_kind_is_asked_and_recorded_as_the_county_did_it(asked):
    f = facts("方案已报", category="教育", subsidy=Decimal("600000"))
    spec = next(s for s in L.fields_for("批复实施方案", f, POLICY) if s.key == "review_kind")
    assert spec.label == "审查方式" and spec.choices == ("专家评审", "县扶贫办审核") and spec.required
    t = L.decide("批复实施方案", f, {"date": "2026-03-05", "document_no": "批", "approver": "县",
                                   "review_kind": asked}, POLICY, TODAY)
    assert t.sets["plan_review_kind"] == asked  # recorded as typed; P06 judges it
    assert "deposit_rate" not in t.sets  # 教育 carries no deposit
    with pytest.raises(InputError, match="审查方式"):
        L.decide("批复实施方案", f, {"date": "2026-03-05", "document_no": "批", "approver": "县"}, POLICY, TODAY)


@pytest.mark.parametrize("rate,amount", [("5%", "15000.00"), ("0.08", "24000.00"), ("10%", "30000.00")])
def test_deposit_within_range_sets_amount(rate, amount):
    t = L.decide("批复实施方案", facts("方案已报"),
                 {"date": "2026-03-05", "document_no": "批", "approver": "县", "deposit_rate": rate,
                  "review_kind": "县扶贫办审核"}, POLICY, TODAY)
    assert t.sets["deposit_amount"] == Decimal(amount)
    assert t.to_state == "方案批复"


def test_deposit_is_asked_only_for_industry_and_infrastructure():
    asked = {c: [s.key for s in L.fields_for("批复实施方案", facts("方案已报", category=c), POLICY)]
             for c in ("产业发展", "基础设施", "教育", "危房改造")}
    assert "deposit_rate" in asked["产业发展"] and "deposit_rate" in asked["基础设施"]
    assert "deposit_rate" not in asked["教育"] and "deposit_rate" not in asked["危房改造"]


def test_failed_acceptance_opens_rectification_then_reacceptance():
    t = L.decide("验收", facts("申请验收"), {"date": "2026-11-01", "document_no": "验1", "grade": "不合格",
                                          "organiser": "县扶贫办",
                                          "rectifications": "路面裂缝修补；2026-12-20\n排水沟清淤；2026-12-10"},
                 POLICY, TODAY)
    assert t.to_state == "整改"
    assert t.values["rectifications"] == [("路面裂缝修补", date(2026, 12, 20)), ("排水沟清淤", date(2026, 12, 10))]
    assert "accepted_on" not in t.sets
    again = L.decide("验收", facts("整改", open_rectifications=0),
                     {"date": "2026-11-20", "document_no": "验2", "grade": "合格", "organiser": "县扶贫办"}, POLICY, TODAY)
    assert again.to_state == "已验收" and again.sets["accepted_on"] == date(2026, 11, 20)


def test_audit_opinion_given_at_acceptance_is_recorded():
    t = L.decide("验收", facts("申请验收", subsidy=Decimal("600000")),
                 {"date": "2026-11-01", "document_no": "验1", "grade": "优良", "organiser": "县",
                  "audit_opinion_on": "2026-10-20", "audit_opinion_doc_no": "审2026-3"}, POLICY, TODAY)
    assert t.sets["audit_opinion_on"] == date(2026, 10, 20)
    assert t.to_state == "已验收"


@pytest.mark.parametrize("household_project,owner", [(True, "受益农户"), (False, "村集体")])
def test_handover_records_owner_and_maintainer(household_project, owner):
    t = L.decide("移交", facts("已报账", household_project=household_project),
                 {"date": "2026-11-01", "assets": "机耕道；1.5；公里；300000", "maintainer": "村委会"}, POLICY, TODAY)
    assert t.values["owner_kind"] == owner
    assert t.values["assets"] == [("机耕道", Decimal("1.5"), "公里", Decimal("300000"))]


@pytest.mark.parametrize("start,months,expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2026, 3, 1), 12, date(2027, 3, 1)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)), (date(2026, 11, 30), 3, date(2027, 2, 28)),
])
def test_add_months_clamps_to_month_end(start, months, expected):
    assert L.add_months(start, months) == expected


def cand(i, **kw):
    base = dict(id=i, name="新寨村组组通硬化", village_id=1, year=2026, content="硬化道路2公里",
                amount=Decimal("300000"), applied_on=date(2026, 3, 1))
    base.update(kw)
    return L.Candidate(**base)


@pytest.mark.parametrize("new,other,kind", [
    (cand(None), cand(1), "疑似拆分"),  # both under 50万: a project cut in pieces
    (cand(None, amount=Decimal("800000")), cand(1), "疑似重复申报"),
    (cand(None, name="另一个名字"), cand(1), "疑似拆分"),  # same content
    (cand(None, construction_type="续建"), cand(1), None),  # 续建 is exempt
    (cand(None, village_id=2), cand(1), None),  # another village
    (cand(None, content="修建水池", name="水池"), cand(1), None),  # other content
    # 二(七) 除续建项目外，已得到批复的项目不得以相同建设内容……重复申报: any year, not only the window
    (cand(None, applied_on=date(2029, 3, 2), year=2029), cand(1), "疑似重复申报"),
    (cand(None, applied_on=date(2029, 3, 2), year=2029), cand(1, approved=False), None),  # never approved
    (cand(None, applied_on=date(2029, 3, 2), year=2029, construction_type="续建"), cand(1), None),
    # 拆分项目: one road cut into 一段/二段, 一期/二期, 标段 within the window
    (cand(None, name="新寨村组组通硬化二段", content="硬化道路二段1公里"),
     cand(1, name="新寨村组组通硬化一段", content="硬化道路一段1公里"), "疑似拆分"),
    (cand(None, name="新寨村组组通硬化（二期）", content="第二期硬化道路2公里"),
     cand(1, name="新寨村组组通硬化（一期）", content="第一期硬化道路2公里"), "疑似拆分"),
    (cand(None, name="新寨村道路2标段", content="硬化道路2公里2标段", amount=Decimal("800000")),
     cand(1, name="新寨村道路1标段", content="硬化道路2公里1标段", amount=Decimal("800000")), "内容相近"),
])
def test_duplicates_and_splits_are_flagged_for_a_human(new, other, kind):
    found = L.find_similar(new, [other], POLICY)
    assert [s.kind for s in found] == ([kind] if kind else [])


def test_a_renamed_project_with_the_village_name_is_found_near():
    new = cand(None, name="坪上村产业路", content="坪上村硬化产业路3公里", village_name="坪上村",
               amount=Decimal("800000"))
    other = cand(1, name="产业路建设", content="硬化产业路3公里", village_name="坪上村", amount=Decimal("800000"))
    [s] = L.find_similar(new, [other], POLICY)
    assert (s.kind, s.how) == ("内容相近", "建设内容去掉段、期、标段编号和村名后相同")


def test_near_content_is_measured_by_character_pairs():
    assert L.similarity("硬化道路2公里", "硬化道路2公里") == 1
    assert L.similarity("硬化道路2公里", "修建蓄水池1口") == 0
    new = cand(None, name="通组路", content="硬化通组道路2公里及排水沟", amount=Decimal("800000"))
    other = cand(1, name="组组通", content="硬化通组道路2公里排水沟", amount=Decimal("800000"))
    [s] = L.find_similar(new, [other], POLICY)
    assert s.kind == "内容相近" and s.how.startswith("建设内容相似度")
    assert L.find_similar(new, [other], POLICY.with_override("near_duplicate_similarity", "0.99")) == []


def test_allowed_actions_follow_the_state():
    assert L.allowed_actions(facts("申报")) == ["立项评估", "立项批复", "终止"]
    assert "调整批复" in L.allowed_actions(facts("实施中", pending_adjustment=True))
    # P16 (四(一)): the platform entry of the acceptance result stays recordable after 归档, once
    assert L.allowed_actions(facts("已归档")) == ["验收录入平台"]
    assert L.allowed_actions(facts("已归档", acceptance_entered_on=date(2026, 5, 1))) == []


def test_platform_entry_may_follow_later_steps_but_not_precede_acceptance():
    f = facts("已归档", accepted_on=date(2026, 4, 1), last_event_on=date(2026, 6, 1))
    t = L.decide("验收录入平台", f, {"date": "2026-04-10"}, POLICY, date(2026, 11, 27))
    assert t.sets == {"acceptance_entered_on": date(2026, 4, 10)} and t.to_state == "已归档"
    with pytest.raises(InputError, match="不能早于验收日期"):
        L.decide("验收录入平台", f, {"date": "2026-03-31"}, POLICY, date(2026, 11, 27))
    with pytest.raises(DomainError, match="已于2026-04-10录入平台"):
        L.decide("验收录入平台", L.with_state(f, acceptance_entered_on=date(2026, 4, 10)), {"date": "2026-04-10"},
                 POLICY, date(2026, 11, 27))


def test_full_happy_path_reaches_archive():
    state, last = "申报", date(2026, 2, 1)
    steps = [
        ("立项批复", {"document_no": "县批1", "approver": "县扶贫办", "subsidy": "300000"}),
        ("上报实施方案", {"document_no": "方案", "planned_start": "2026-03-10", "planned_end": "2026-09-30"}),
        ("批复实施方案", {"document_no": "方批", "approver": "县扶贫办", "deposit_rate": "5%",
                    "review_kind": "县扶贫办审核"}),
        ("开工", {}),
        ("完工初检", {"completed_on": "{d}", "organiser": "乡镇"}),
        ("申请验收", {}),
        ("验收", {"document_no": "验", "grade": "合格", "organiser": "县"}),
        ("最终报账", {"document_no": "报"}),
        ("移交", {"assets": "道路；1；条", "maintainer": "村委会"}),
        ("归档", {}),
    ]
    for i, (action, extra) in enumerate(steps):
        on = date(2026, 3 + i // 2, 1 + 10 * (i % 2))
        values = {"date": on.isoformat(), **{k: v.replace("{d}", on.isoformat()) for k, v in extra.items()}}
        t = L.decide(action, facts(state, last_event_on=last, plan_approved_on=on, started_on=on), values,
                     POLICY, TODAY)
        state, last = t.to_state, on
    assert state == "已归档"


def test_look_alikes_are_judged_one_by_one_among_many():
    new = cand(None, construction_type="新建")
    others = [cand(7, village_id=2), cand(8, content="修建蓄水池", name="蓄水池"), cand(9), cand(None, name="本条目")]
    assert [(s.other.id, s.kind) for s in L.find_similar(new, others, POLICY)] == [(9, "疑似拆分"), (None, "疑似拆分")]
    same = cand(9)
    assert L.find_similar(same, [cand(9)], POLICY) == []  # a project is not its own look-alike


def test_empty_texts_are_not_alike():
    a = cand(None, name="水池", content="", amount=Decimal("900000"))
    b = cand(1, name="道路", content="", amount=Decimal("900000"))
    assert L.find_similar(a, [b], POLICY) == []
    assert L.find_similar(cand(None, name="", content=""), [cand(1, name="", content="")], POLICY) == []


@pytest.mark.parametrize("applied, other_applied, kind", [
    (date(2027, 3, 1), date(2026, 3, 1), "疑似拆分"),      # 365 days apart: inside the window
    (date(2027, 3, 2), date(2026, 3, 1), "疑似重复申报"),  # 366 days: outside, the other was approved
])
def test_the_split_window_counts_days(applied, other_applied, kind):
    new = cand(None, year=applied.year, applied_on=applied)
    other = cand(1, year=other_applied.year, applied_on=other_applied)
    assert [s.kind for s in L.find_similar(new, [other], POLICY)] == [kind]
    # without application dates the middle of the year stands in
    assert [s.kind for s in L.find_similar(cand(None, applied_on=None), [cand(1, applied_on=None)], POLICY)] == ["疑似拆分"]


@pytest.mark.parametrize("subsidy,offered", [
    # 二(三): 补助…万元以上的项目…组织专家…评审，…万元以下的项目经县扶贫办审核 (threshold 50万 by default)
    ("499999.99", "县扶贫办审核"), ("500000", "专家评审"), ("80000", "县扶贫办审核"),
])
def test_the_dialog_starts_on_the_review_the_amount_calls_for(subsidy, offered):
    f = facts("方案已报", category="教育", subsidy=Decimal(subsidy))
    spec = next(s for s in L.fields_for("批复实施方案", f, POLICY) if s.key == "review_kind")
    assert spec.default == offered  # the clerk changes it only when the county did otherwise
