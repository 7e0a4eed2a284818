"""A clerk walks a project through "532" on the screens: tranches, vouchers of both kinds, progress."""

from datetime import date
from decimal import Decimal as D

import pytest
from sqlmodel import select

from fupin_tui.app import make_app
from fupin_tui.models.funds import ProgressReport, Tranche, Voucher, VoucherLine
from fupin_tui.screens.funds_panel import FundsPanel

from tests.funds_data import make_households, make_project


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def _pick_project(app, pilot, keys="xzc"):
    await pilot.press(*keys, "enter")
    await pilot.pause()


async def _dialog(pilot, *keys):
    """Type into the open dialog's focused field, then Ctrl+S."""
    await pilot.press(*keys)
    await pilot.press("ctrl+s")
    await pilot.pause()


async def _select_budget(app, pilot, budget_line_id):
    app.screen.query_one("#budget_line_id").value = budget_line_id  # the clerk's pick in the drop-down
    await pilot.pause()


def _clear(app, widget_id):
    app.screen.query_one(widget_id).value = ""


async def _enter_progress(app, pilot, share: str):
    await app.switch_mode("progress")
    await pilot.pause()
    if not app.screen.query("ProgressPanel"):
        await _pick_project(app, pilot)
    else:  # back in the project box since the last save: Enter on its name opens the report again
        await pilot.press("enter")
        await pilot.pause()
    await pilot.press(*share, "ctrl+s")
    await pilot.pause()
    await app.switch_mode("funds")
    await pilot.pause()
    app.screen.query_one(FundsPanel).refresh_data()


@pytest.fixture
def walk_data(ctx):
    pid, (frame, seedlings) = make_project(ctx)
    people = make_households(ctx)
    return pid, frame, seedlings, people


@pytest.mark.slow  # 30-90 s: a whole job at the keyboard / every workbook rendered
async def test_walk_project_through_532(ctx, db_path, walk_data):
    pid, frame, seedlings, people = walk_data
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.switch_mode("funds")
        await pilot.pause()
        await _pick_project(app, pilot)
        assert "可拨款：第1期" in _text(app, "#funds-status")

        # tranche 1: 50% start-up money, the amount is offered; a typo above the share is refused
        await pilot.press("ctrl+b")
        await pilot.pause()
        _clear(app, "#amount")
        await _dialog(pilot, *"50000.01")
        assert "[F02" in _text(app, "#dialog-error") and "最多拨付补助的50%" in _text(app, "#dialog-error")
        _clear(app, "#amount")
        await _dialog(pilot, *"５００００")  # full-width digits from the IME
        with ctx.read() as s:
            assert [(t.seq, t.amount) for t in s.exec(select(Tranche))] == [(1, D("50000.00"))]

        # progress after the disbursement (P13), 20% done
        await _enter_progress(app, pilot, "20")

        # a voucher: one invoice line and one roster line
        await pilot.press("ctrl+n")
        await pilot.pause()
        await _select_budget(app, pilot, frame)
        app.screen.query_one("#amount").focus()
        await pilot.press(*"30000", "enter", *"052001900111", "enter", *"00012345", "enter", *"2026-11-20", "enter",
                          *"gz", "enter", "2", "enter")
        await pilot.pause()
        await _select_budget(app, pilot, seedlings)
        app.screen.query_one("#amount").focus()
        await pilot.press(*"20000", "enter")
        await pilot.press(*people[0][2][:10], "enter")  # the payee by ID number, picked from the registry
        await pilot.pause()
        await pilot.press(*"2026-11-21", "enter")
        await pilot.pause()
        assert "合计：50,000.00元（2行）" in _text(app, "#voucher-total")
        await pilot.press("ctrl+s")
        await pilot.pause()
        with ctx.read() as s:
            v = s.exec(select(Voucher)).one()
            lines = s.exec(select(VoucherLine).order_by(VoucherLine.id)).all()
        assert v.total == D("50000.00") == sum(l.amount for l in lines)
        assert [(l.kind, l.payee_name) for l in lines] == [("发票", ""), ("名册", "王大山")]
        assert lines[0].seller == "gz" and lines[0].attachments == 2

        # reimburse it; then tranche 2 is still early at 20%
        await pilot.press("ctrl+b")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "已报账" in str(app.screen.query_one("#vouchers").get_row_at(0))
        await _enter_progress(app, pilot, "40")
        await pilot.press("1", "ctrl+b")  # 分期拨款 page, 办理 = 拨款
        await pilot.pause()
        assert not app.screen.query("FieldListDialog")  # refused before the dialog: the reason shows
        assert "需工程进度达到50%，当前40%" in _text(app, "#funds-status")

        # tranche 2: 30% once half the work is done
        await _enter_progress(app, pilot, "55")
        await pilot.press("1", "ctrl+b")  # 分期拨款 page, 办理 = 拨款
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()

        # tranche 3: 20% minus the quality deposit at 100%
        await _enter_progress(app, pilot, "100")
        await pilot.press("1", "ctrl+b")  # 分期拨款 page, 办理 = 拨款
        await pilot.pause()
        assert app.screen.query_one("#amount").value == "15000.00"
        await pilot.press("ctrl+s")
        await pilot.pause()

        with ctx.read() as s:
            tranches = [(t.seq, t.amount, t.deposit_withheld) for t in s.exec(select(Tranche).order_by(Tranche.id))]
            shares = [r.work_share for r in s.exec(select(ProgressReport).order_by(ProgressReport.id))]
        assert tranches == [(1, D("50000.00"), D("0.00")), (2, D("30000.00"), D("0.00")),
                            (3, D("15000.00"), D("5000.00"))]
        assert shares == [D("0.2"), D("0.4"), D("0.55"), D("1")]
        summary = _text(app, "#funds-summary")
        assert "已拨95,000.00" in summary and "质保金5,000.00（已收取）" in summary
        assert "各期资金已全部拨付" in _text(app, "#funds-status")


async def test_duplicate_invoice_is_refused_on_screen_and_nothing_saved(ctx, db_path, walk_data):
    pid, frame, seedlings, people = walk_data
    from fupin_tui.services import funds
    from fupin_tui.services.funds import LineInput

    funds.create_voucher(ctx, pid, [LineInput(frame, D("100"), invoice_code="1", invoice_no="777",
                                              invoice_date=date(2026, 11, 2), seller="某公司")],
                         made_on=date(2026, 11, 2), voucher_no="BZ2026-001")
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.switch_mode("funds")
        await pilot.pause()
        await _pick_project(app, pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        await _select_budget(app, pilot, frame)
        app.screen.query_one("#amount").focus()
        await pilot.press(*"100", "enter", "1", "enter", *"777", "enter", *"2026-11-03", "enter", "x", "enter",
                          "enter")
        await pilot.pause()
        error = _text(app, "#voucher-error")
        assert "已在凭证BZ2026-001（新寨村蔬菜大棚）中报账" in error
        assert app.screen.query_one("#invoice_no").value == "777"  # what was typed stays
    with ctx.read() as s:
        assert len(s.exec(select(Voucher)).all()) == 1
