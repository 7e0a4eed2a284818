"""L01-L04 benefit-linkage checks with the county's default parameters."""

from decimal import Decimal as D

import pytest

from fupin_tui.domain import linkage
from fupin_tui.domain.linkage import DividendYear as Y
from fupin_tui.domain.policy import Policy

POLICY = Policy.defaults()


@pytest.mark.parametrize("members, poor, ok", [(10, 3, True), (10, 2, False), (7, 3, True), (0, 0, False)])
def test_l01_coop_poor_share(members, poor, ok):
    problems = linkage.coop_poor_share(members, poor, POLICY)
    assert (not problems) == ok
    assert all(p.rule == "L01" and p.section == "七(一)" for p in problems)


@pytest.mark.parametrize("increase, net, support, rules", [
    ("50000", "80000", "24000", []),
    ("49999.99", "80000", "24000", ["L02"]),
    ("60000", "80000", "23999.99", ["L02"]),
    ("10000", "80000", "0", ["L02", "L02"]),
])
def test_l02_collective_income(increase, net, support, rules):
    problems = linkage.collective_income(2026, D(net), D(increase), D(support), POLICY)
    assert [p.rule for p in problems] == rules


@pytest.mark.parametrize("years, messages", [
    ([Y(2025, D("500")), Y(2026, D("550"))], []),
    ([Y(2025, D("499.99"))], ["低于入股资金"]),
    ([Y(2025, D("600")), Y(2026, D("550"))], ["少于2025年的600.00元，应逐年递增"]),
    # 七(五) 不低于入股扶贫资金的5%并逐年递增: the same 500 two years running is not 递增
    ([Y(2025, D("500")), Y(2026, D("500"))], ["与2025年的500.00元相同，应逐年递增"]),
    ([Y(2026, D("500")), Y(2025, D("500.01"))], ["少于2025年"]),  # judged in year order
    ([Y(2024, D("500")), Y(2025, D("500.01")), Y(2026, D("500.02"))], []),
])
def test_l03_guaranteed_dividend(years, messages):
    problems = linkage.guaranteed_dividends(D("10000"), years, POLICY)
    assert len(problems) == len(messages)
    for p, words in zip(problems, messages):
        assert p.rule == "L03" and words in p.message


@pytest.mark.parametrize("amount, proceeds, count", [
    ("600", "1000", 0),  # 60% of proceeds and above 5% of the share
    ("599", "1000", 1),  # below 60% of proceeds
    ("400", "500", 1),  # 80% of proceeds but below 5% of a 10,000 share
])
def test_l04_share_dividends(amount, proceeds, count):
    problems = linkage.dividend_problems("股份分红", D("10000"), [Y(2026, D(amount), D(proceeds))], POLICY)
    assert len(problems) == count and all(p.rule == "L04" for p in problems)


def test_linkage_service_lists_entities_with_findings(ctx):
    from datetime import date

    from tests.funds_data import make_households, make_project

    from fupin_tui.services import linkage as svc

    pid, _ = make_project(ctx)
    people = make_households(ctx)
    coop = svc.add_entity(ctx, pid, kind="合作社", name="新寨蔬菜专业合作社", funded_amount=D("100000"))
    for hid, _, _ in people[:1]:
        svc.add_member(ctx, coop, household_id=hid)
    for name in ("甲", "乙", "丙"):
        svc.add_member(ctx, coop, name=name)
    share = svc.add_share(ctx, coop, people[0][0], D("10000"))
    svc.record_dividend(ctx, share, 2025, D("600"), paid_on=date(2025, 12, 20))
    svc.record_dividend(ctx, share, 2026, D("550"))
    with pytest.raises(Exception) as exc:
        svc.record_dividend(ctx, share, 2026, D("700"))
    assert "已登记" in str(exc.value)
    [row] = svc.entities(ctx, pid)
    assert (row.members, row.poor_members) == (4, 1)
    rules = sorted(p.rule for p in row.problems)
    assert rules == ["L01", "L03"]  # 25% poor members; 2026 below 2025
    assert any("王大山户" in p.message for p in row.problems)
