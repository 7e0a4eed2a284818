"""Issue 13 item 4: 技工补助 and 培训务工补助 rosters take any person (六(三)), checked as ID numbers;
a 直接补助到户 roster still pays only households of the registry."""

from datetime import date
from decimal import Decimal as D

import pytest
from sqlmodel import select

from fupin_tui.app import make_app
from fupin_tui.domain.errors import InputError
from fupin_tui.domain.idcard import check_digit
from fupin_tui.models.funds import VoucherLine
from fupin_tui.services import funds
from fupin_tui.services.funds import LineInput

from tests.funds_data import make_households, make_project
from tests.pilot.test_dialog_kit import seen

OUTSIDER = "520123198505050033"[:17] + check_digit("52012319850505003")  # not in the registry


@pytest.fixture
def roster_project(ctx):
    pid, (technician, direct) = make_project(ctx, budget=(("砌墙技工补助", "技工补助", "6000.00"),
                                                          ("农户种苗补助", "直接补助到户", "4000.00")))
    funds.disburse(ctx, pid, D("5000.00"), date(2026, 11, 2))  # reimbursing needs money disbursed first
    return pid, technician, direct


@pytest.mark.parametrize("number, problem", [("52012319850505003", "应为18位"), ("520123198505050030", "校验")])
def test_a_bad_id_number_is_refused_by_name_of_the_field(ctx, roster_project, number, problem):
    pid, technician, _ = roster_project
    with pytest.raises(InputError) as exc:
        funds.check_voucher(ctx, pid, [LineInput(technician, D("300"), id_number=number, payee_name="陈师傅",
                                                 signed_on=date(2026, 11, 20))], made_on=date(2026, 11, 20))
    assert exc.value.field == "身份证号" and (problem in exc.value.problem or "校验" in str(exc.value))


def test_a_direct_household_roster_still_needs_a_registry_household(ctx, roster_project):
    pid, _, direct = roster_project
    with pytest.raises(InputError, match="直接补助到户的名册须从建档立卡户中选择农户"):
        funds.check_voucher(ctx, pid, [LineInput(direct, D("300"), id_number=OUTSIDER, payee_name="陈师傅",
                                                 signed_on=date(2026, 11, 20))], made_on=date(2026, 11, 20))


async def test_a_technician_outside_the_registry_is_paid_on_the_roster(ctx, db_path, roster_project):
    pid, technician, _ = roster_project
    make_households(ctx)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.switch_mode("funds")
        await pilot.pause()
        await pilot.press(*"xzc", "enter")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        app.screen.query_one("#budget_line_id").value = technician
        await pilot.pause()
        app.screen.query_one("#amount").focus()
        await pilot.press(*"300", "enter", *"陈师傅")  # typed in the payee box: nobody of the registry
        await pilot.pause()
        app.screen.query_one("#id_number").focus()
        await pilot.press(*OUTSIDER, "enter", *"2026-11-20", "enter")
        await pilot.pause()
        total = app.screen.query_one("#voucher-total")
        assert seen(total) and "300.00" in str(total.render()), str(app.screen.query_one("#voucher-error").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
    with ctx.read() as s:
        [line] = s.exec(select(VoucherLine)).all()
    assert (line.kind, line.payee_name, line.id_number, line.household_id) == ("名册", "陈师傅", OUTSIDER, None)
