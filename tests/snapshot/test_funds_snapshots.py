"""How the progress, funds and voucher screens look at a fixed date (2026-11-27)."""

from datetime import date
from decimal import Decimal as D

import pytest

from fupin_tui.app import make_app
from fupin_tui.services import funds, progress
from fupin_tui.services.funds import LineInput
from tests.pilot.ready import app_ready, settled
from tests.funds_data import make_households, make_project


@pytest.fixture
def project_mid_way(ctx):
    """Tranche 1 paid and reimbursed with an invoice and a roster line; tranche 2 waits for 50% work."""
    pid, (frame, seedlings) = make_project(ctx)
    people = make_households(ctx)
    funds.disburse(ctx, pid, D("50000"), date(2026, 11, 2), document_no="新财拨〔2026〕8号")
    progress.record_progress(ctx, pid, reported_on=date(2026, 11, 3), work_share=D("0.2"), description="钢架进场",
                             spent=D("12000"), households_reached=3)
    vid = funds.create_voucher(ctx, pid, [
        LineInput(frame, D("30000"), invoice_code="052001900111", invoice_no="00012345",
                  invoice_date=date(2026, 11, 5), seller="贵州某钢构公司", attachments=2),
        LineInput(seedlings, D("20000"), household_id=people[0][0], id_number=people[0][2],
                  signed_on=date(2026, 11, 6))], made_on=date(2026, 11, 9), voucher_no="BZ2026-001")
    funds.reimburse(ctx, vid, date(2026, 11, 10))
    progress.record_progress(ctx, pid, reported_on=date(2026, 11, 12), work_share=D("0.4"), description="大棚主体")
    return pid


class TestFundsScreens:
    def test_funds_screen_tranches(self, snap_compare, db_path, project_mid_way):
        """The tranche plan: tranche 1 paid, tranche 2 refused with the reason and rule id."""
        async def run_before(pilot):
            await app_ready(pilot)
            await pilot.app.switch_mode("funds")
            await pilot.press(*"xzc", "enter")
            await settled(pilot, "暂不可拨：[F02]", "第3期")

        assert snap_compare(make_app(db_path=db_path, operator="张会计"), terminal_size=(100, 30),
                            run_before=run_before)

    def test_funds_screen_vouchers_80x24(self, snap_compare, db_path, project_mid_way):
        """The vouchers tab at the smallest size: the voucher and its two kinds of lines."""
        async def run_before(pilot):
            await app_ready(pilot)
            await pilot.app.switch_mode("funds")
            await pilot.press(*"xzc", "enter")
            await settled(pilot, "暂不可拨：[F02]", "第3期")
            await pilot.press("2")
            await settled(pilot, "BZ2026-001", "农户种苗补助")

        assert snap_compare(make_app(db_path=db_path, operator="张会计"), terminal_size=(80, 24),
                            run_before=run_before)

    def test_progress_screen(self, snap_compare, db_path, project_mid_way):
        """Progress entry with the history table and the bar chart."""
        async def run_before(pilot):
            await app_ready(pilot)
            await pilot.app.switch_mode("progress")
            await pilot.press(*"xzc", "enter")
            await settled(pilot, "当前进度40%", "钢架进场")

        assert snap_compare(make_app(db_path=db_path, operator="张会计"), terminal_size=(100, 30),
                            run_before=run_before)
