"""Issue 13 item 2: after a change, every screen that shows it is current when the clerk looks at it."""

from fupin_tui.app import make_app
from fupin_tui.services import registry_query as rq
from fupin_tui.screens.funds_panel import FundsPanel

from tests.funds_data import make_households, make_project
from tests.pilot.test_dialog_kit import seen, text_of
from tests.screen_text import screen_text
from tests.pilot.ready import dashboard_settled, until


async def test_progress_then_funds_then_dossier_are_current(ctx, db_path):
    pid, _lines = make_project(ctx, subsidy="500000.00")
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # 报账 first, so its panel exists (and would be stale without the signal)
        await app.switch_mode("funds")
        await pilot.pause()
        await pilot.press(*"xzc", "enter")
        await pilot.pause()
        assert "进度0%" in text_of(app.screen.query_one("#funds-summary"))
        # the dossier's 报账 tab is open too
        from fupin_tui.screens.projects import open_record

        open_record(app, pid, "报账")
        await pilot.pause()
        await pilot.pause()
        assert "已拨0.00" in text_of(app.screen.query_one("#funds-summary"))

        await app.switch_mode("progress")
        await pilot.pause()
        await pilot.press(*"xzc", "enter")
        await pilot.pause()
        await pilot.press(*"60", "ctrl+s")
        await pilot.pause()

        await app.switch_mode("funds")  # no refresh, no re-pick
        await pilot.pause()
        summary = app.screen.query_one(FundsPanel).query_one("#funds-summary")
        assert seen(summary) and "进度60%" in text_of(summary), text_of(summary)
        # disburse tranche 1 (250,000) here ...
        await pilot.press("ctrl+b")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        # ... and the dossier's 报账 tab shows it when the clerk goes back
        await app.switch_mode("projects")
        await pilot.pause()
        summary = app.screen.query_one("#funds-summary")
        assert seen(summary) and "已拨250,000.00" in text_of(summary), text_of(summary)


async def test_dashboard_counts_follow_a_save_without_r(ctx, db_path):
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await dashboard_settled(pilot)
        await until(pilot, lambda: "合计" in screen_text(app), "工作台 counts")
        before = rq.counts(ctx, rq.HouseholdFilter())[0]
        await app.switch_mode("registry")
        await pilot.pause()
        make_households(ctx)  # saved elsewhere (another screen's service call): the signal carries it
        await pilot.pause()
        await app.switch_mode("dashboard")
        after = rq.counts(ctx, rq.HouseholdFilter())[0]
        assert after == before + 3

        def total_shown() -> bool:
            lines = [x for x in screen_text(app).splitlines() if "合计" in x]
            return bool(lines) and str(after) in lines[0].split()

        await until(pilot, total_shown, "工作台 count after the save")
        assert seen(app.screen.query_one("#counts"))
        line = next(x for x in screen_text(app).splitlines() if "合计" in x)
        assert str(after) in line.split(), line
        assert app.change_relay.delivered >= 1


async def test_the_picked_projects_label_follows_its_state(ctx, db_path):
    """报账 and 进度 keep the picked project's label in the search box: after a change of state
    elsewhere (here: a save in the same database) it is the new state, not the one picked."""
    from fupin_tui.models import Project

    pid, _lines = make_project(ctx, subsidy="500000.00")
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for mode in ("funds", "progress"):
            await app.switch_mode(mode)
            await until(pilot, lambda: app.screen.query("#project-picker Input"), "the project box")
            await pilot.press("ctrl+f", *"xzc")
            await until(pilot, lambda: app.screen.query_one("#project-picker").has_class("-open"), "matches")
            await pilot.press("enter")
            box = app.screen.query_one("#project-picker Input")
            await until(pilot, lambda: "（实施中）" in box.value, "picked")
        with app.ctx.transaction() as s:
            s.get(Project, pid).state = "完工初检"
        for mode in ("funds", "progress"):
            await app.switch_mode(mode)
            box = app.screen.query_one("#project-picker Input")
            await until(pilot, lambda: "（完工初检）" in box.value, f"{mode}: the new state in the box")
            assert seen(box) and "完工初检" in screen_text(app)
