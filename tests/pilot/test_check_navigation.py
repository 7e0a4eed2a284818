"""Issue 13 items 3, 6 and 8 (ledger): from a 体检 finding to the tab that fixes it, the fix done from
the keyboard, Esc back to the same finding, and F8 later still the 体检 list."""

import shutil

import pytest
from sqlmodel import select
from textual.widgets import TabbedContent

from fupin_tui.app import make_app
from fupin_tui.models import CashLedgerLine, Household

from tests.pilot.test_dialog_kit import seen
from tests.screen_text import screen_text


@pytest.fixture(scope="module")
def demo_once(tmp_path_factory):
    from fupin_tui.demo import generate

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    generate(path, households=300, seed=1)
    return path


@pytest.fixture
def demo_db(demo_once, tmp_path):
    path = tmp_path / "demo.db"
    shutil.copy(demo_once, path)
    return path


async def _check_filtered(app, pilot, needle: str):
    await app.workers.wait_for_complete()
    await pilot.press("f8")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("ctrl+f", *needle, "enter")
    await pilot.pause()


async def _settle(app, pilot):
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def test_h07_opens_the_ledger_at_the_missing_year_and_the_fix_clears_it(demo_db):
    app = make_app(demo_db, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await _check_filtered(app, pilot, "H07 没有2025年")
        check = app.screen
        await pilot.press("down")  # the second finding: the cursor must come back to its place
        finding = check.current
        household_id = int(finding.record.split(":")[1])
        await pilot.press("enter")
        await _settle(app, pilot)
        form = app.screen
        assert type(form).__name__ == "HouseholdFormScreen"
        assert form.query_one(TabbedContent).active == "tab-ledger"
        ledger = form.query_one("#ledger")
        assert seen(ledger) and "2025年 现金收支台账" in str(ledger.render())
        assert app.focused.id == "btn-ledger-add"
        # 记一笔: 收支 收入, 类别 工资性收入, 项目, 金额 — a dropdown choice stays put, Tab moves on
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "LedgerDialog"
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert app.focused.id == "direction"
        await pilot.press("tab", "enter", "down", "enter", "tab")
        await pilot.pause()
        assert app.focused.id == "item"
        await pilot.press(*"务工", "tab", *"8000", "ctrl+s")
        await _settle(app, pilot)
        assert app.screen is form and "8,000.00" in str(ledger.render())
        with app.ctx.read() as s:
            [line] = s.exec(select(CashLedgerLine).where(CashLedgerLine.household_id == household_id,
                                                         CashLedgerLine.year == 2025)).all()
        assert (line.direction, line.category, line.amount) == ("收入", "工资性收入", 8000)
        await pilot.press("escape")
        await _settle(app, pilot)
        # back on the 体检 list, on the finding's place; the fixed finding is gone
        assert app.screen is check and app.current_mode == "check"
        assert all(f.record != finding.record for f in check.source.rows)
        assert check.query_one("#check-findings").cursor_row == 1  # where it was: now the next one
        assert finding.record_label not in screen_text(app)
        # another job and back: F8 is still the list, not the household
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        assert app.screen is check


async def test_esc_from_a_project_finding_comes_back_to_it_and_f4_is_the_project_list(demo_db):
    app = make_app(demo_db, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await _check_filtered(app, pilot, "P")
        check = app.screen
        await pilot.press("down")
        finding = check.current
        assert finding.record.startswith("project:")
        await pilot.press("enter")
        await _settle(app, pilot)
        assert type(app.screen).__name__ == "ProjectDossierScreen"
        await pilot.press("escape")
        await _settle(app, pilot)
        assert app.screen is check and check.current == finding
        assert seen(check.query_one("#check-detail")) and finding.message[:10] in screen_text(app)
        await pilot.press("f4")
        await pilot.pause()
        assert type(app.screen).__name__ == "ProjectListScreen"


async def test_income_from_the_ledger_is_asked_before_it_replaces_the_year(demo_db):
    app = make_app(demo_db, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        with app.ctx.read() as s:
            h = s.exec(select(Household).where(Household.status == "在册")).first()
        before = (h.wage_income, h.income_year)
        app.open_record(f"household:{h.id}", "台账")
        await _settle(app, pilot)
        app.screen.query_one("#btn-ledger-apply").focus()
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert type(dialog).__name__ == "ConfirmDialog"
        shown = screen_text(app)
        assert "替换该户的收入" in shown and "工资性收入：" in shown and "→" in shown
        await pilot.press("escape")  # no: nothing replaced
        await pilot.pause()
        with app.ctx.read() as s:
            again = s.get(Household, h.id)
        assert (again.wage_income, again.income_year) == before
