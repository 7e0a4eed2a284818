"""The 体检 service on a small database: loading, findings, acknowledgements, dashboard figures."""

from datetime import date
from decimal import Decimal

import pytest

from tests.checks_data import build_township
from fupin_tui.domain.errors import InputError
from fupin_tui.services import checks


@pytest.fixture
def town(ctx):
    return build_township(ctx)


def test_loads_the_facts_the_rules_read(ctx, town):
    data = checks.load_check_data(ctx)
    assert data.township == "新安镇"
    a = next(p for p in data.projects if p.id == town["a"])
    assert a.in_library and a.village_name == "新寨村" and a.subsidy == Decimal("300000.00")
    assert [(t.seq, t.amount) for t in a.tranches] == [(1, Decimal("150000.00"))]
    assert a.vouchers[0].lines[0].budget_line_project_id == a.id
    assert a.dates.approval_notice_on == date(2026, 10, 14)
    assert a.notices[0].fields["资金规模"] == "30万元"
    # disbursement and reimbursement both start a P13 clock
    assert [e.kind for e in a.dates.money_events] == ["拨款", "报账"]
    [b] = a.beneficiaries
    assert (b.household_no, b.status_at_approval) == ("5201231012010001", "在册")
    assert len(data.households) == 2 and all(len(h.members) == 1 and len(h.steps) == 6 for h in data.households)


def _by_rule(result, rule):
    return [f for f in result.findings if f.rule == rule]


def test_findings_point_at_the_record_and_tab(ctx, town):
    result = checks.run_checks(ctx)
    [p07] = _by_rule(result, "P07")
    assert (p07.severity, p07.record, p07.tab, p07.due) == ("逾期", f"project:{town['a']}", "基本信息", date(2026, 11, 9))
    [p05] = _by_rule(result, "P05")
    assert p05.severity == "即将到期" and p05.record == f"project:{town['b']}" and p05.workdays_left == 5
    [h05] = _by_rule(result, "H05")
    assert h05.record == f"household:{town['bad']}" and h05.message.startswith("李四：身份证号")
    assert result.failing
    counts = result.counts()
    assert counts["逾期"] >= 1 and counts["即将到期"] >= 1 and counts["已确认"] == 0


def test_only_the_rules_asked_for(ctx, town):
    result = checks.run_checks(ctx, rules=["P05"])
    assert {f.rule for f in result.findings} == {"P05"} and not result.failing


def test_acknowledged_finding_is_kept_shown_and_no_longer_failing(ctx, town):
    result = checks.run_checks(ctx, rules=["P07"])
    [p07] = result.findings
    with pytest.raises(InputError) as err:
        checks.acknowledge(ctx, p07, "  ")
    assert err.value.field == "确认原因"
    checks.acknowledge(ctx, p07, "不可抗力：平台停机维护，已电话报备")
    again = checks.run_checks(ctx, rules=["P07"])
    [acked] = again.findings
    assert acked.ack.reason == "不可抗力：平台停机维护，已电话报备" and acked.ack.by == "张会计"
    assert not again.failing and again.counts()["已确认"] == 1 and again.counts()["逾期"] == 0
    checks.withdraw_ack(ctx, acked, "平台已恢复，应补办")
    assert checks.run_checks(ctx, rules=["P07"]).failing


def test_yearly_duties_are_acknowledged_one_date_at_a_time(ctx):
    result = checks.run_checks(ctx, rules=["Y02"])
    first = min(result.findings, key=lambda f: f.due)
    checks.acknowledge(ctx, first, "已于12月8日报送自查报告")
    acked = [f for f in checks.run_checks(ctx, rules=["Y02"]).findings if f.ack]
    assert [f.due for f in acked] == [first.due]


def test_next_deadlines_soonest_first_with_yearly_duties(ctx, town):
    upcoming = checks.next_deadlines(ctx)
    assert len(upcoming) <= 10
    assert [u.due for u in upcoming] == sorted(u.due for u in upcoming)
    assert all(u.due >= date(2026, 11, 27) for u in upcoming)
    first = upcoming[0]
    assert first.record == f"project:{town['b']}" or first.due <= date(2026, 12, 4)
    assert any(u.rule == "P05" and u.due == date(2026, 12, 4) and u.workdays_left == 5 for u in upcoming)
    assert any(u.rule == "Y02" and u.due == date(2026, 12, 10) for u in upcoming)


def test_dashboard_figures(ctx, town):
    [a, b] = checks.fund_execution(ctx)
    assert (a.name, a.approved, a.disbursed, a.reimbursed) == (
        "新寨村产业路", Decimal("300000.00"), Decimal("150000.00"), Decimal("20000.00"))
    assert b.disbursed == Decimal("0")
    assert checks.households_by_village(ctx) == [("新寨村", {"在册": 2})]
    assert checks.projects_by_state(ctx) == [("立项", 1), ("方案批复", 1)]


def test_rules_list_shows_parameters_with_current_values(ctx):
    from fupin_tui.domain.policy import to_storage
    from fupin_tui.models import PolicyOverride

    with ctx.transaction() as s:
        s.add(PolicyOverride(name="filing_wd", value=to_storage("filing_wd", 7)))
    ctx.reload_policy()
    rows = {r.id: r for r in checks.rules_list(ctx)}
    assert len(rows) == 58  # RULES.md 46 + RULES-2 part B 12
    assert ("filing_wd", "方案批复后平台备案时限", "7工作日") in rows["P07"].params
    assert rows["P07"].section == "二(四)"


def test_empty_database_reports_notices_not_silence(ctx):
    result = checks.run_checks(ctx)
    assert not result.failing
    assert any(f.rule == "P01" and "尚无项目数据" in f.message for f in result.findings)


def test_self_evaluation_indicators_from_the_data(ctx, town):
    e = checks.evaluation(ctx, 2026)
    assert (e.year, e.township, e.projects) == (2026, "新安镇", 2)
    by_name = {i.name: i for i in e.indicators}
    progress = by_name["资金使用进度（报账/批复）"]
    assert progress.value == "5.3%" and "批复380,000.00元，已拨付150,000.00元，已报账20,000.00元" in progress.basis
    assert by_name["结转结余资金"].amount == Decimal("360000.00")
    # P07 overdue and not filed, P08 filed the next day: one of two on time
    assert by_name["平台备案按时率（P07、P08）"].value == "50.0%"
    assert by_name["项目覆盖贫困户"].count == 1
    assert by_name["撬动其他资金"].amount == Decimal("60000.00")
    assert checks.evaluation(ctx, 2024).projects == 0


def test_self_evaluation_prints_as_a_table(ctx, town, tmp_path):
    from openpyxl import load_workbook

    from fupin_tui.excel.evaluation_print import write_evaluation

    path = write_evaluation(checks.evaluation(ctx, 2026), tmp_path / "自评.xlsx")
    ws = load_workbook(path).active
    assert ws["A1"].value == "新安镇2026年度财政专项扶贫资金绩效自评指标"
    assert [c.value for c in ws[3]] == ["序号", "考评内容", "指标", "数值", "计算依据"]
    assert ws["C4"].value == "直接扶持到户资金占比" and ws.print_title_rows


def test_cooperative_poor_members_are_counted_not_read_as_a_flag(ctx):
    """L01 needs the number of poor members; a SUM over a Boolean column must not collapse to 1."""
    from fupin_tui.domain.rules import run_rules
    from fupin_tui.models import Entity, EntityMember
    from fupin_tui.services import checks

    with ctx.transaction() as s:
        e = Entity(kind="合作社", name="坪上村种养合作社")
        s.add(e)
        s.flush()
        for i in range(10):
            s.add(EntityMember(entity_id=e.id, name=f"社员{i}", is_poor=i < 4))
    data = checks.load_check_data(ctx)
    [coop] = [x for x in data.entities if x.name == "坪上村种养合作社"]
    assert (coop.members, coop.poor_members) == (10, 4)
    assert not [f for f in run_rules(data, ctx.policy, ctx.today(), only=["L01"]) if "坪上村种养合作社" in f.record_label]


def test_garbage_collection_is_back_on_after_a_run_even_when_it_fails(ctx, town, monkeypatch):
    import gc

    assert gc.isenabled()
    checks.run_checks(ctx)
    checks.run_checks(ctx, rules=["H01"])
    assert gc.isenabled()

    def broken(_ctx):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(checks, "load_check_data", broken)
    with pytest.raises(RuntimeError):
        checks.run_checks(ctx, rules=["H01"])
    assert gc.isenabled()


def test_repeated_words_are_one_shared_string(ctx, town):
    # 200,000 rows of relations, steps and statuses would otherwise each hold their own copy
    data = checks.load_check_data(ctx)
    a, b = data.households
    assert a.steps[0].procedure is b.steps[0].procedure and a.steps[0].step is b.steps[0].step
    assert a.members[0].relation is b.members[0].relation
