"""体检 as a clerk uses it: see what is overdue, filter, open the record, acknowledge with a reason."""

from sqlmodel import select

from fupin_tui.app import make_app
from fupin_tui.models import FindingAck
from tests.checks_data import build_township
from tests.pilot.ready import check_loaded, dashboard_settled, until
from tests.screen_text import screen_text


async def _open_check(app, pilot):
    await until(pilot, lambda: app.database_is_ready, "数据库就绪")
    await app.switch_mode("check")
    await check_loaded(pilot)


async def test_filter_then_enter_opens_the_project_at_the_right_tab(ctx, db_path, monkeypatch):
    town = build_township(ctx)
    app = make_app(db_path=db_path, operator="张会计")
    opened = []
    monkeypatch.setattr(app, "open_record", lambda record, tab=None, back_to=None: opened.append((record, tab)))
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_check(app, pilot)
        text = screen_text(app)
        assert "逾期1" in text and "即将到期" in text
        await pilot.press("ctrl+f", *"P07")
        await pilot.pause()
        screen = app.screen
        assert [f.rule for f in screen.source.rows] == ["P07"]
        await pilot.press("enter")  # leaves the filter for the list
        await pilot.press("enter")  # opens the finding's record
        await pilot.pause()
        assert opened == [(f"project:{town['a']}", "基本信息")]
        assert "平台备案已逾期" in screen_text(app)


async def test_acknowledge_with_a_reason_is_kept_and_shown(ctx, db_path):
    build_township(ctx)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_check(app, pilot)
        await pilot.press("ctrl+f", *"P07", "enter")
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReasonDialog"
        await pilot.press("enter")  # an empty reason is refused
        await pilot.pause()
        assert type(app.screen).__name__ == "ReasonDialog"
        await pilot.press(*"不可抗力平台停机", "enter")
        await until(pilot, lambda: "已确认1" in screen_text(app), "确认后重新体检")
        text = screen_text(app)
        assert "[已确认]" in text and "已确认：不可抗力平台停机（张会计" in text
        assert "已确认1" in text
    with ctx.read() as s:
        [ack] = s.exec(select(FindingAck)).all()
    assert (ack.rule, ack.reason, ack.acknowledged_by) == ("P07", "不可抗力平台停机", "张会计")


async def test_groups_by_severity_and_rule(ctx, db_path):
    build_township(ctx)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_check(app, pilot)
        groups = app.screen.query_one("#check-groups")
        labels = [str(groups.get_option_at_index(i).prompt) for i in range(groups.option_count)]
        assert labels[0].startswith("全部") and "逾期 1" in labels and "  P07 1" in labels
        groups.focus()
        await pilot.press("down")  # 逾期
        await pilot.pause()
        assert {f.severity for f in app.screen.source.rows} == {"逾期"}


async def test_self_evaluation_screen_and_export(ctx, db_path):
    build_township(ctx)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_check(app, pilot)
        await pilot.press("ctrl+z")
        await until(pilot, lambda: type(app.screen).__name__ == "EvaluationScreen", "绩效自评")
        # the figures arrive from a worker: wait for them, not for a moment (a busy CI machine)
        await until(pilot, lambda: "资金使用进度（报账/批复）" in screen_text(app), "自评指标", timeout=30)
        screen = app.screen
        assert screen.year == 2026
        text = screen_text(app)
        assert "新安镇2026年度财政专项扶贫资金绩效自评（项目2个）" in text
        assert "资金使用进度（报账/批复）" in text and "批复380,000.00元" in text
        await pilot.press("ctrl+d")
        await pilot.pause()
        path = screen.export_path()
        assert path.exists() and path.name == "新安镇2026年度绩效自评.xlsx"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "CheckScreen"


async def test_dashboard_panels_show_counts_deadlines_and_pictures(ctx, db_path):
    build_township(ctx)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 60)) as pilot:
        await dashboard_settled(pilot)
        await until(pilot, lambda: "逾期 1" in screen_text(app), "工作台 counts")
        text = screen_text(app)
        assert "逾期 1" in text and "即将到期 5" in text
        # the next deadlines: P05 of the cistern project is the first still ahead
        assert "2026-12-04" in text and "P05 上报实施方案" in text and "新寨村蓄水池" in text
        assert "全乡镇：批复380,000元  已拨付39%  已报账5%" in text and "拨50% 报7%" in text
        assert "新寨村" in text and "在册2户" in text
        assert "方案批复" in text
