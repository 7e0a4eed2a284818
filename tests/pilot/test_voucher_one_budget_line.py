"""A project with one budget line (a road: 路面): the new voucher has it chosen and the cursor on 金额, so the
clerk types the invoice at once (four keys fewer per voucher: open the list, Down, Enter, Tab)."""

from decimal import Decimal as D

from sqlmodel import select

from fupin_tui.app import make_app
from fupin_tui.models.funds import VoucherLine
from tests.funds_data import make_project
from tests.pilot.ready import until


async def _new_voucher(app, pilot):
    await app.switch_mode("funds")
    await pilot.pause()
    await pilot.press(*"xzc", "enter")
    await until(pilot, lambda: app.screen.query("FundsPanel"), "项目的资金")
    await pilot.press("ctrl+n")
    await until(pilot, lambda: type(app.screen).__name__ == "VoucherEntryScreen", "新凭证")
    await pilot.pause()


async def test_the_only_budget_line_is_chosen_and_the_amount_typed_first(ctx, db_path):
    pid, (road,) = make_project(ctx, budget=(("路面硬化C25混凝土", "工程建设", "100000.00"),))
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await _new_voucher(app, pilot)
        screen = app.screen
        assert screen.query_one("#budget_line_id").value == road
        shown = screen.query_one("#budget_line_id SelectCurrent #label")
        label = screen.budget[road].label  # 路面硬化C25混凝土（发票，余100,000.00）: wrapped in half the width
        drawn = "".join(line.text for line in shown.render_lines(shown.region.reset_offset)).strip()
        assert drawn == label and shown.region.height == 1, (drawn, label, shown.region)  # whole, one line at 80 columns
        assert screen.focused is screen.query_one("#amount")
        assert not screen.query_one("#invoice-fields").has_class("-hidden")  # an invoice line, as 路面 is
        await pilot.press(*"1000", "enter", *"052001900111", "enter", *"00012399", "enter", *"2026-11-20", "enter",
                          *"gl", "enter", "1", "enter")
        await until(pilot, lambda: "（1行）" in str(screen.query_one("#voucher-total").render()), "一行明细")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: type(app.screen).__name__ == "ReimbursementScreen", "凭证已保存")
    with ctx.read() as s:
        assert [(l.budget_line_id, l.amount) for l in s.exec(select(VoucherLine))] == [(road, D("1000.00"))]


async def test_with_two_budget_lines_the_clerk_chooses(ctx, db_path):
    make_project(ctx)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await _new_voucher(app, pilot)
        screen = app.screen
        assert screen.query_one("#budget_line_id").is_blank()
        assert screen.focused is screen.query_one("#budget_line_id")


async def test_an_only_roster_line_shows_the_roster_fields(ctx, db_path):
    make_project(ctx, budget=(("农户种苗补助", "直接补助到户", "40000.00"),))
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await _new_voucher(app, pilot)
        screen = app.screen
        await until(pilot, lambda: not screen.query_one("#roster-fields").has_class("-hidden"), "名册栏")
        assert screen.query_one("#invoice-fields").has_class("-hidden")
