"""Issue 13 item 9: a household's history as a person reads it: Chinese field names, old → new,
who did it, and the date a step was done told apart from the time an edit was saved."""

from decimal import Decimal

from fupin_tui.app import make_app
from fupin_tui.models import Household

from tests.funds_data import make_households
from tests.pilot.test_dialog_kit import seen
from tests.screen_text import screen_text


async def test_an_income_edit_reads_old_to_new_in_chinese(ctx, db_path):
    [(hid, name, _), *_] = make_households(ctx)
    with ctx.transaction() as s:
        h = s.get(Household, hid)
        h.wage_income, h.phone = Decimal("9000.00"), "13800138000"
        h.main_cause, h.attribute = "因病", "一般贫困户"  # what the form requires before it saves
        s.add(h)
    app = make_app(db_path, operator="李文书")
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_record(f"household:{hid}")
        await pilot.pause()
        await pilot.pause()
        form = app.screen
        form.query_one("#wage_income").value = "12000"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+y")  # 历史
        await pilot.pause()
        history = form.query_one("#history")
        text = screen_text(app)
        assert seen(history)
        line = next(x for x in str(history.render()).splitlines() if "工资性收入" in x and "李文书" in x)
        assert "工资性收入 9,000.00 → 12,000.00" in line and line.startswith("录入 2026-")
        assert "12,000.00" in text  # on the screen, not only in the widget
        assert "wage_income" not in text and "business_expense" not in text and "{" not in text
        assert "办理＝状态变动的办理日期" in text
