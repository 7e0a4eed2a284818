"""Tab into a text field selects its text, as a Windows edit box does: typing replaces the number
(five keys for 12000 -> 15000, not five Backspaces first). A click puts the cursor where clicked,
and a value put in by the program leaves no selection behind: neither wipes what is there."""

from decimal import Decimal

import pytest

from fupin_tui.app import make_app
from fupin_tui.domain.idcard import check_digit
from fupin_tui.models import Household
from fupin_tui.services import registry as reg
from fupin_tui.services.township import villages
from tests.pilot.ready import app_ready, until
from tests.screen_text import screen_text

HEAD_ID = "520123197001010" + "11"
HEAD_ID += check_digit(HEAD_ID)


@pytest.fixture
def household_id(ctx):
    saved = reg.save_household(ctx, reg.HouseholdInput(village_id=villages(ctx)[0].id, main_cause="因病",
                                                       income_year=2025, wage_income=Decimal("12000")),
                               [reg.MemberInput(name="张三", id_number=HEAD_ID, relation="户主")])
    return saved.id


@pytest.fixture
def app(ctx, db_path):
    return make_app(db_path=db_path, operator="张会计")


async def _open(app, pilot, household_id):
    await app_ready(pilot)
    app.open_record(f"household:{household_id}")
    await until(pilot, lambda: type(app.screen).__name__ == "HouseholdFormScreen", "户表")
    await pilot.pause()
    return app.screen


async def test_tab_into_a_number_and_type_replaces_it(app, ctx, household_id):
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _open(app, pilot, household_id)
        wage = form.query_one("#wage_income")
        assert wage.value == "12000.00"
        form.query_one("#income_year").focus()
        await pilot.pause()
        await pilot.press("tab")
        await until(pilot, lambda: app.focused is wage, "工资性收入 focused")
        await pilot.press(*"15000")
        assert wage.value == "15000"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: wage.value == "15000.00", "saved and shown again")
        with ctx.read() as s:
            assert s.get(Household, household_id).wage_income == Decimal("15000")
        assert "15000.00" in screen_text(app)


async def test_a_click_and_a_value_put_in_wipe_nothing(app, ctx, household_id):
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _open(app, pilot, household_id)
        wage = form.query_one("#wage_income")
        await pilot.click(wage, offset=(3, 0))  # padding 1: the cursor between "12" and "000.00"
        await until(pilot, lambda: app.focused is wage, "工资性收入 focused by the click")
        await pilot.pause()
        await pilot.press("5")
        assert wage.value == "125000.00"  # inserted where clicked, nothing replaced

        form.query_one("#income_year").focus()
        await pilot.press("tab")
        await until(pilot, lambda: app.focused is wage and not wage.selection.is_empty, "selected by Tab")
        wage.set_value(Decimal("8000"))  # a refill or a restored draft while the field has the focus
        await pilot.press("1")
        assert wage.value == "8000.001"  # appended: the old selection did not eat the new value


async def test_inside_a_field_shift_home_selects_it_and_f1_says_so(app, ctx, household_id):
    """Back in a field already entered (the cursor at its end), Ctrl+A/Ctrl+K are the key map's, not
    the field's: Shift+Home selects what is before the cursor and typing replaces it. F1 names the key,
    so the clerk finds it rather than pressing Backspace once a character."""
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open(app, pilot, household_id)
        wage = form.query_one("#wage_income")
        wage.focus()
        await pilot.press("end", "f1")
        await until(pilot, lambda: type(app.screen).__name__ == "KeyHelpScreen", "F1")
        here = app.screen.query_one("#key-help-here")
        text = str(here.render())
        assert "Shift+Home" in text and "选中到开头，再输入即替换" in text
        await pilot.press("escape")
        await until(pilot, lambda: app.focused is wage, "back in 工资性收入")
        await pilot.press("shift+home", *"800")
        assert wage.value == "800"
