"""The app shell as a clerk meets it: first start, operator, dashboard, settings."""

from decimal import Decimal

from sqlmodel import select

from fupin_tui.app import make_app
from fupin_tui.models import AuditLog, PolicyOverride, Township
from tests.screen_text import screen_text
from tests.pilot.ready import dashboard_settled, until


async def test_first_start_asks_for_the_township_and_operator_before_anything_else(db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "SetupScreen"
        await pilot.press(*"示例县", "enter", *"新安镇", "enter", *"52012", "enter", *"张会计")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # a 5-digit code is refused next to the field, nothing is saved, the typing stays
        assert type(app.screen).__name__ == "SetupScreen"
        assert "9 位数字" in str(app.screen.query_one("#code").parent.query_one(".field-error").render())
        assert app.ctx.township() is None
        app.screen.query_one("#code").value = "520123101"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"
        assert app.ctx.operator == "张会计"
        assert "经办人：张会计" in app.title
    with app.ctx.read() as s:
        town = s.exec(select(Township)).one()
        audit = s.exec(select(AuditLog).where(AuditLog.table_name == "township")).one()
    assert (town.county, town.name, town.code) == ("示例县", "新安镇", "520123101")
    assert audit.operator == "张会计"


async def test_the_operator_is_chosen_at_each_start_with_the_last_one_offered(ctx):
    from fupin_tui.services import township

    township.add_operator(ctx, "李文书")
    township.set_setting(ctx, "last_operator", "李文书")
    app = make_app(ctx.db.path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "OperatorDialog"
        await pilot.press("enter")
        await pilot.pause()
        assert app.ctx.operator == "李文书"
        assert type(app.screen).__name__ == "DashboardScreen"


async def test_dashboard_counts_households_and_projects(tmp_path):
    from fupin_tui.demo import generate

    path = tmp_path / "demo.db"
    generate(path, households=200, seed=2)
    app = make_app(path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await dashboard_settled(pilot)
        await until(pilot, lambda: "新安镇（示例县）" in screen_text(app) and "实施中" in screen_text(app), "工作台 figures")
        shown = screen_text(app)
    assert "新安镇（示例县）" in shown
    assert "200" in shown  # households in total
    assert "在册" in shown and "实施中" in shown


async def test_f_keys_switch_between_the_jobs(ctx):
    app = make_app(ctx.db.path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        assert type(app.screen).__name__ == "SettingsScreen"
        await pilot.press("f2")
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"


async def _open_policy_tab(pilot, app):
    await pilot.press("f9")
    await pilot.pause()
    app.screen.query_one("#tabs").active = "tab-params"
    await pilot.pause()
    table = app.screen.query_one("#params")
    table.focus()
    row = list(app.screen.param_rows).index("info_entry_wd")
    table.move_cursor(row=row)
    await pilot.pause()


async def test_a_policy_parameter_is_changed_with_validation(ctx):
    app = make_app(ctx.db.path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_policy_tab(pilot, app)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert type(dialog).__name__ == "ParamDialog"
        dialog.query_one("#value").value = "-3"
        await pilot.press("enter")
        await pilot.pause()
        assert "不能为负数" in str(dialog.query_one(".dialog-error").render())
        dialog.query_one("#value").value = "７"  # full-width, as an IME types it
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "SettingsScreen"
        assert app.ctx.policy.info_entry_wd == 7
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert app.ctx.policy.info_entry_wd == 5
    with ctx.read() as s:
        assert s.exec(select(PolicyOverride)).all() == []
        actions = [a.action for a in s.exec(select(AuditLog).where(AuditLog.table_name == "policyoverride"))]
    assert actions == ["新增", "恢复默认"]


async def test_tranche_shares_that_do_not_sum_to_one_are_refused(ctx):
    from fupin_tui.domain.errors import InputError
    from fupin_tui.services.policy_settings import set_param

    try:
        set_param(ctx, "tranche_shares", "50%, 30%, 10%")
    except InputError as exc:
        assert exc.field == "分期拨付比例" or "100%" in exc.problem
    else:
        raise AssertionError("shares summing to 90% were accepted")
    assert ctx.policy.tranche_shares == (Decimal("0.5"), Decimal("0.3"), Decimal("0.2"))


# box drawing, block elements, and the characters STYLE.md found drawn two cells wide on conhost
BOX_AND_BLOCKS = {chr(c) for c in range(0x2500, 0x25A0)} | set("…—·●→⭘")


async def test_ascii_borders_leave_no_box_drawing_characters_on_the_dashboard(ctx):
    from fupin_tui.services import township

    township.set_setting(ctx, "border_style", "ascii")
    app = make_app(ctx.db.path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await dashboard_settled(pilot)
        await until(pilot, lambda: app.has_class("-ascii") and "建档立卡" in screen_text(app), "ASCII 工作台")
        assert app.has_class("-ascii")
        shown = screen_text(app)
    assert "建档立卡" in shown
    assert not (set(shown) & BOX_AND_BLOCKS), sorted(set(shown) & BOX_AND_BLOCKS)
