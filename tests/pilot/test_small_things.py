"""Issue 13 item 12: small things that cost a clerk time, as seen on the screen."""

from decimal import Decimal

from textual.widgets import Input

from fupin_tui.app import make_app
from fupin_tui.models import Project
from fupin_tui.services import registry as reg

from tests.funds_data import make_households, make_project
from tests.pilot.test_dialog_kit import seen
from tests.screen_text import screen_text
from tests.pilot.ready import check_loaded, until


async def test_enter_in_the_search_box_opens_the_only_match_and_a_whole_id_shows(ctx, db_path):
    [(hid, name, id_number), *_] = make_households(ctx)
    app = make_app(db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press(*id_number)
        await pilot.pause()
        search = app.screen.query_one("#search", Input)
        # the whole 18-digit number is on the screen while it is typed, at 80 columns
        assert seen(search) and search.content_size.width >= 19
        assert id_number in screen_text(app).splitlines()[1]
        assert "全部致贫原因" in screen_text(app)  # and the filters beside it are not cut
        await pilot.press(*["backspace"] * 18, *name)  # the test's households are found by name
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == "HouseholdFormScreen" and app.screen.household_id == hid
        assert name in app.screen.title


async def test_enter_opens_the_highlighted_one_of_several(ctx, db_path):
    households = make_households(ctx)
    app = make_app(db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen.total == len(households)
        await pilot.press("down", "down")  # from the box into the list, then to the second household
        await pilot.pause()
        chosen = app.screen.query_one("#households").current
        await pilot.press("ctrl+f", "enter")  # back to the box, Enter: the highlighted one opens
        await pilot.pause()
        await pilot.pause()
        assert app.screen.household_id == chosen.id


async def test_total_investment_adds_up_the_budget_lines(ctx, db_path):
    pid, _lines = make_project(ctx, state="方案已报", subsidy="100000.00")
    app = make_app(db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        from fupin_tui.services import projects

        app.open_record(f"project:{pid}")
        await pilot.pause()
        await pilot.pause()
        projects.add_budget_line(app.ctx, pid, item="水泥", unit="吨", quantity=Decimal("10"),
                                 unit_price=Decimal("550.50"), spending_kind="工程建设")
        # 60,000 + 40,000 + 5,505, once the change signal has refilled the dossier
        await until(pilot, lambda: "总投资：105,505.00元" in screen_text(app), "总投资 refreshed")
        assert "总投资：105,505.00元" in screen_text(app)
        [line] = [b for b in projects.budget_lines(app.ctx, pid) if b.item == "水泥"]
        projects.void_budget_line(app.ctx, line.id, "录错了")
        await pilot.pause()
        await pilot.pause()
        assert "总投资：100,000.00元" in screen_text(app)
    with ctx.read() as s:
        assert s.get(Project, pid).total_investment == Decimal("100000.00")


async def test_f04_says_its_calendar_days_in_working_days_too(ctx, db_path):
    from datetime import date

    from fupin_tui.services.checks import run_checks

    pid, _ = make_project(ctx, state="已验收")
    with ctx.transaction() as s:
        p = s.get(Project, pid)
        p.accepted_on = date(2026, 11, 2)
        s.add(p)
    [f04] = [f for f in run_checks(ctx).findings if f.rule == "F04" and f.record == f"project:{pid}"]
    assert "后30天，合" in f04.message and "个工作日" in f04.message.split("后30天，合")[1]
    app = make_app(db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.database_is_ready, "数据库就绪")
        await pilot.press("f8")
        await check_loaded(pilot)
        await pilot.press("ctrl+f", *"F04", "enter")
        await until(pilot, lambda: "后30天，合" in screen_text(app), "F04 detail")
        detail = app.screen.query_one("#check-detail")
        assert seen(detail) and "后30天，合" in screen_text(app)
