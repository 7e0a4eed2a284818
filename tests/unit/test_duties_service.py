"""Recording the part-B duties: bad input gets a Chinese message naming the field, nothing saved half."""

from datetime import date

import pytest
from sqlmodel import select

from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.models import Delegation, Procurement, Project, Visit
from fupin_tui.services import checks, duties
from tests.funds_data import make_households, make_project


def _count(ctx, model):
    with ctx.read() as s:
        return len(s.exec(select(model)).all())


def test_a_procurement_amount_that_is_not_money_is_refused_naming_the_field(ctx):
    pid, _ = make_project(ctx)
    with pytest.raises(InputError) as bad:
        duties.add_procurement(ctx, pid, contract_name="大棚钢架", contract_amount="十万元", method="阳光操作",
                               sunshine_note="公开比选")
    assert bad.value.field == "合同金额"
    with pytest.raises(DomainError, match="政府采购和招投标"):
        duties.add_procurement(ctx, pid, contract_name="大棚钢架", contract_amount="1,000,000", method="阳光操作",
                               sunshine_note="公开比选")
    with pytest.raises(InputError, match="中标"):
        duties.add_procurement(ctx, pid, contract_name="大棚钢架", contract_amount="1000000", method="公开招标",
                               procured_on=date(2026, 4, 1), awarded_amount="990000")
    assert _count(ctx, Procurement) == 0
    duties.add_procurement(ctx, pid, contract_name="大棚钢架", contract_amount="６０，０００。００", method="阳光操作",
                           sunshine_note="村务公开栏公示比选")
    assert _count(ctx, Procurement) == 1


def test_a_visit_dated_in_the_future_is_refused(ctx):
    [(hid, _name, _id), *_] = make_households(ctx)
    with pytest.raises(InputError) as bad:
        duties.add_visit(ctx, hid, visited_on=date(2026, 11, 28), visitor="王干部")
    assert bad.value.field == "走访日期" and "不能晚于今天" in bad.value.problem
    with pytest.raises(InputError, match="走访人"):
        duties.add_visit(ctx, hid, visited_on=date(2026, 11, 2), visitor=" ")
    assert _count(ctx, Visit) == 0
    duties.add_visit(ctx, hid, visited_on="2026-11-02", visitor="王干部", visitor_unit="镇扶贫站")
    assert [v.visitor for v in duties.visits(ctx, hid)] == ["王干部"]


def test_the_same_person_as_investigator_and_reviewer_is_refused():
    with pytest.raises(InputError) as bad:
        duties.check_three_names("李四", "张会计", "李四")
    assert bad.value.field == "审核人" and "调查人" in bad.value.problem
    duties.check_three_names("李四", "李四", "王五")  # the investigator may also register


def test_consent_after_the_delegation_agreement_is_refused(ctx):
    pid, _ = make_project(ctx)
    kw = dict(delegate_kind="农民专业合作社", delegate_name="新寨合作社", agreement_on=date(2026, 4, 1),
              consent_method="户主大会", consent_households="30", consent_agreed="28")
    with pytest.raises(InputError, match="先征得受益农户同意"):
        duties.add_delegation(ctx, pid, consent_on=date(2026, 4, 2), **kw)
    with pytest.raises(InputError, match="只能委托"):
        duties.add_delegation(ctx, pid, consent_on=date(2026, 3, 30), **{**kw, "delegate_kind": "建筑公司"})
    assert _count(ctx, Delegation) == 0
    duties.add_delegation(ctx, pid, consent_on=date(2026, 3, 30), **kw)
    assert _count(ctx, Delegation) == 1


def test_recorded_duties_reach_the_check(ctx):
    pid, _ = make_project(ctx, approved_on=date(2026, 11, 2))
    found = {f.rule for f in checks.run_checks(ctx, rules=["P22"]).findings if f.record == f"project:{pid}"}
    assert found == {"P22"}
    duties.record_supervision_entry(ctx, pid, date(2026, 11, 3))
    assert not [f for f in checks.run_checks(ctx, rules=["P22"]).findings if f.record == f"project:{pid}"]
    with pytest.raises(InputError, match="不能早于实施方案批复"):
        duties.record_supervision_entry(ctx, pid, date(2026, 10, 1))
    with ctx.read() as s:
        assert s.get(Project, pid).supervision_entered_on == date(2026, 11, 3)
