"""The app on a county database opens in county mode: the 全县汇总 on screen, the townships'
records refused for editing (visibly), and a merge undone from the screen after a confirm."""

from __future__ import annotations

import re
import sqlite3

import pytest
from textual.widgets import DataTable

from fupin_tui.app import make_app
from fupin_tui.excel.merge import import_packages
from fupin_tui.excel.package import export_package
from tests.pilot.ready import app_ready, until
from tests.screen_text import screen_text

import excel_sample


@pytest.fixture
def county_db(town, other_town, tmp_path):
    county = tmp_path / "county.db"
    import_packages([export_package(town, tmp_path / "a").path, export_package(other_town, tmp_path / "b").path],
                    county, operator="县汇总")
    return county


def _households(db, code: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("select count(*) from household h join countyowned co on co.row_id = h.id and "
                           "co.table_name = 'household' where co.township_code = ?", (code,)).fetchone()[0]
    finally:
        con.close()


def _rows(app, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(table_id, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_county_database_opens_the_summary_refuses_edits_and_undoes_a_merge(county_db):
    app = make_app(county_db, operator="县汇总")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:  # the refusal is a toast
        await app_ready(pilot)
        await until(pilot, lambda: type(app.screen).__name__ == "CountyScreen"
                    and app.screen.query_one("#county-summary", DataTable).row_count == 3, "全县汇总显示")
        rows = _rows(app, "#county-summary")
        assert [r[0] for r in rows] == ["520123101 新安镇", "520123102 坪山乡", "全县合计"]
        assert rows[0][2] == "10" and rows[1][2] == "6" and rows[2][2] == "16"
        # the rows are in the table before they are painted: wait for what the clerk sees
        await until(pilot, lambda: "全县汇总" in screen_text(app) and "新安镇" in screen_text(app), "汇总画在屏幕上")
        assert "县级汇总" in app.title

        # a township's records cannot be edited here: the job is refused, said on screen
        await pilot.press("f3")
        await until(pilot, lambda: "不可用" in screen_text(app).replace("\n", ""), "只读的提示（显示在屏幕上）")
        assert type(app.screen).__name__ == "CountyScreen"
        app.show_rule("H01")  # the palette's way into 体检 is refused the same way
        await pilot.pause()
        assert type(app.screen).__name__ == "CountyScreen" and app.current_mode == "county"

        # undo the newest merge (坪山乡's, listed first) after the confirm dialog
        merges = app.screen.query_one("#county-merges", DataTable)
        merges.focus()
        merges.move_cursor(row=0)
        await pilot.press("ctrl+x")
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmDialog", "确认撤销")
        assert "撤销合并" in screen_text(app) and "坪山乡" in screen_text(app)
        await until(pilot, lambda: app.screen.query_one("#yes").region.area > 0, "撤销按钮")
        app.screen.query_one("#yes").press()  # not a click: a toast may lie over the dialog
        await until(pilot, lambda: type(app.screen).__name__ == "CountyScreen"
                    and app.screen.query_one("#county-summary", DataTable).row_count == 2, "撤销后的汇总")
        assert [r[0] for r in _rows(app, "#county-summary")] == ["520123101 新安镇", "全县合计"]
        assert "已撤销" in _rows(app, "#county-merges")[0][6]
    assert _households(county_db, "520123102") == 0
    assert _households(county_db, "520123101") == 10


async def test_a_township_database_is_not_in_county_mode(ctx):
    app = make_app(ctx.db.path, operator="张会计")
    async with app.run_test(size=(100, 30)) as pilot:
        await app_ready(pilot)
        assert not app.county_mode and type(app.screen).__name__ != "CountyScreen"


async def test_the_app_on_a_server_database_opens_the_county_summary(town, other_town, pg_url, tmp_path):
    """``fupin-tui --db postgresql://…``: the start-up checks the server's audit chain by a query, backs
    nothing up (said once on the screen), and shows the same 全县汇总 as a file; the merge is undone there."""
    from pg_cluster import query

    import_packages([export_package(town, tmp_path / "a").path, export_package(other_town, tmp_path / "b").path],
                    pg_url, operator="县汇总")
    app = make_app(pg_url, operator="县汇总", defer_open=True)  # as the command line starts it
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await app_ready(pilot)
        await until(pilot, lambda: type(app.screen).__name__ == "CountyScreen"
                    and app.screen.query_one("#county-summary", DataTable).row_count == 3, "全县汇总显示")
        rows = _rows(app, "#county-summary")
        assert [r[0] for r in rows] == ["520123101 新安镇", "520123102 坪山乡", "全县合计"]
        assert rows[2][2] == "16"
        assert app.county_mode and app.startup_problem is None and app.warnings == []  # the chain is whole
        await until(pilot, lambda: "由服务器自己备份" in screen_text(app).replace("\n", ""), "服务器备份的说明")
        assert "县级汇总" in app.title
        # the township's records stay read-only on the server too
        await pilot.press("f3")
        await until(pilot, lambda: "不可用" in screen_text(app).replace("\n", ""), "只读的提示")
        assert type(app.screen).__name__ == "CountyScreen"
    assert query(pg_url, "select count(*) from countymerge where undone_at is not null") == [(0,)]


async def test_a_broken_audit_chain_on_the_server_is_said_at_start(town, pg_url, tmp_path):
    from pg_cluster import query

    import_packages([export_package(town, tmp_path / "a").path], pg_url, operator="县汇总")
    query(pg_url, "select 1")  # the cluster is up
    from sqlalchemy import create_engine, text

    from fupin_tui import server

    engine = create_engine(server.engine_url(pg_url))
    with engine.begin() as conn:  # someone edits the log with a SQL tool
        conn.execute(text("update auditlog set operator = '改过' where id = (select min(id) from auditlog)"))
    engine.dispose()
    app = make_app(pg_url, operator="县汇总", defer_open=True)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await app_ready(pilot)
        await until(pilot, lambda: any("审计日志被改动过" in w for w in app.warnings), "审计链断开的提示")


def test_the_command_line_app_start_refuses_a_bad_server_in_one_line(pg_url, capsys, monkeypatch):
    """A wrong database name, an unreachable server, an empty database: one Chinese line, exit 2, nothing
    created — before any screen is drawn."""
    from fupin_tui import cli

    started = []
    monkeypatch.setattr("fupin_tui.app.FupinApp.run", lambda self: started.append(self))
    nosuch = re.sub(r"/t\d+\?", "/nosuch?", pg_url)
    for url, words in ((pg_url, "是空的"), (nosuch, "没有这个数据库"),
                       ("postgresql://county@/x?host=/nonexistent", "连接不上服务器"),
                       ("postgresql://county@10.0.0.5", "缺少数据库名")):
        assert cli.main(["--db", url]) == 2, url
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1 and "Traceback" not in err, err
    monkeypatch.setenv("FUPIN_TUI_DB", pg_url)
    assert cli.main([]) == 2 and "是空的" in capsys.readouterr().err
    assert started == []
    from pg_cluster import query

    assert query(pg_url, "select count(*) from pg_tables where schemaname = 'public'") == [(0,)]


async def test_the_summary_shows_the_last_check_per_township_on_either_engine(town, other_town, county, tmp_path,
                                                                              capsys):
    """No 体检 at start: the findings column shows what the last ``fupin-tui check`` found, with its time;
    a township never checked says 未体检, one merged again since its 体检 says 合并后未体检."""
    import json

    from fupin_tui import cli

    import_packages([export_package(town, tmp_path / "a").path, export_package(other_town, tmp_path / "b").path],
                    county, operator="县汇总")
    assert cli.main(["--db", str(county), "check", "--township", "520123101", "--json"]) in (0, 1)
    found = json.loads(capsys.readouterr().out)
    by_severity: dict[str, int] = {}
    for f in found:
        if not f["acknowledged"]:
            by_severity[f["severity"]] = by_severity.get(f["severity"], 0) + 1
    assert by_severity  # the sample township has findings
    expected = " ".join(f"{k} {by_severity[k]}" for k in ("逾期", "即将到期", "不合规", "提示") if k in by_severity)

    app = make_app(county, operator="县汇总", defer_open=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await app_ready(pilot)
        await until(pilot, lambda: type(app.screen).__name__ == "CountyScreen"
                    and app.screen.query_one("#county-summary", DataTable).row_count == 3, "全县汇总显示")
        rows = _rows(app, "#county-summary")
        assert rows[0][7] == expected and rows[0][8].startswith("体检于 ")
        assert rows[1][7:9] == ["", "未体检"]
        assert rows[2][7] == expected and rows[2][8] == "1 个乡镇未体检"
        await until(pilot, lambda: expected in screen_text(app), "体检问题画在屏幕上")

    # 新安镇 sends a newer package: its old 体检 no longer speaks for it
    excel_sample.fill(town, households=1, projects=0, seed=5)
    import_packages([export_package(town, tmp_path / "c").path], county, operator="县汇总")
    app = make_app(county, operator="县汇总", defer_open=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await app_ready(pilot)
        await until(pilot, lambda: type(app.screen).__name__ == "CountyScreen"
                    and app.screen.query_one("#county-summary", DataTable).row_count == 3, "全县汇总显示")
        assert _rows(app, "#county-summary")[0][7:9] == ["", "合并后未体检"]


def _rename_heads(ctx, names: list[str]) -> None:
    """The first households' heads (and their 户主 member rows) renamed to ``names``."""
    from sqlalchemy import text

    with ctx.db.engine.begin() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM household ORDER BY id LIMIT :n"), {"n": len(names)})]
        for hid, name in zip(ids, names):
            conn.execute(text("UPDATE household SET head_name = :n WHERE id = :h"), {"n": name, "h": hid})
            conn.execute(text("UPDATE member SET name = :n WHERE household_id = :h AND relation = '户主'"),
                         {"n": name, "h": hid})


async def test_a_townships_records_are_read_from_the_summary_in_pinyin_order(town, other_town, county, tmp_path):
    """Enter on a township's row of the 全县汇总 shows its households and projects, read-only; the
    households go by the head's name in pinyin (李 王 张), which neither engine gives by itself:
    SQLite and a C-locale server order by code point (张 U+5F20 before 李 U+674E before 王 U+738B)."""
    from fupin_tui.widgets.lazy_table import LazyTable

    _rename_heads(town, ["张三丰", "李四海", "王五福"])
    import_packages([export_package(town, tmp_path / "a").path, export_package(other_town, tmp_path / "b").path],
                    county, operator="县汇总")
    app = make_app(county, operator="县汇总", defer_open=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await app_ready(pilot)
        await until(pilot, lambda: type(app.screen).__name__ == "CountyScreen"
                    and app.screen.query_one("#county-summary", DataTable).row_count == 3, "全县汇总显示")
        summary = app.screen.query_one("#county-summary", DataTable)
        summary.focus()
        summary.move_cursor(row=0)
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "CountyTownshipScreen" and app.screen.loaded,
                    "新安镇的记录")
        households = app.screen.query_one("#town-households", LazyTable)
        heads = [households.row(i).head_name for i in range(households.total)]
        assert households.total == 10
        assert [h for h in heads if h in ("张三丰", "李四海", "王五福")] == ["李四海", "王五福", "张三丰"]
        assert app.screen.query_one("#town-projects", LazyTable).total == 2
        text = screen_text(app)
        assert "新安镇 的记录（只读）" in text and "农户 10 户" in text and "按户主姓名拼音排序" in text
        assert "李四海" in text  # drawn at 80 columns, not only held
        # the 全县汇总's figures of this township above its records, F08 split included
        flat = text.replace("\n", "")
        assert "户状态：在册 10" in flat and "项目状态：" in flat and "资金用途（F08，实际/规定）：" in flat
        assert "体检问题：未体检" in flat
        # nothing to edit here: the township jobs stay refused, and Esc goes back to the summary
        await pilot.press("f3")
        await until(pilot, lambda: "不可用" in screen_text(app).replace("\n", ""), "只读的提示")
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "CountyScreen", "回到全县汇总")
        # the total row has no records of its own: said, not opened
        summary = app.screen.query_one("#county-summary", DataTable)
        summary.focus()
        summary.move_cursor(row=2)
        await pilot.press("enter")
        await until(pilot, lambda: "全县合计没有单独的记录" in screen_text(app).replace("\n", ""), "合计行的提示")
        assert type(app.screen).__name__ == "CountyScreen"


def test_a_townships_figures_say_what_it_did_not_report():
    """A township whose v1 package lacked the columns: its figures say 未报送, not 0 or 无."""
    from datetime import date
    from decimal import Decimal

    from fupin_tui.services.county_records import figure_lines
    from fupin_tui.services.county_summary import CountySummary, TownSummary

    town = TownSummary("520123102", "坪山乡", households=6, people=None, by_status=None, projects=1,
                       by_state={"申报": 1}, approved=Decimal("1000.00"), disbursed=None, reimbursed=Decimal(0),
                       allocation=None, findings={"逾期": 2, "不合规": 0}, checked="体检于 12-02 20:30")
    summary = CountySummary("示例县", 2026, date(2026, 12, 3), [town], town, ("产业发展",),
                            {"产业发展": Decimal("0.6")}, ("申报",))
    assert figure_lines(summary, town) == [
        "户状态：未报送", "项目状态：申报 1", "2026年资金（元）：批复 1,000.00，已拨付 未报送，已报账 0.00",
        "资金用途（F08，实际/规定）：未报送", "体检问题：逾期 2（体检于 12-02 20:30）"]
    town.allocation = {"产业发展": Decimal("750.00")}
    town.approved = Decimal("1000.00")
    assert figure_lines(summary, town)[3] == "资金用途（F08，实际/规定）：产业发展 100.0%/60%"


async def test_a_server_gone_after_the_start_is_said_in_one_line_and_the_app_goes_on(town, pg_cluster, pg_url,
                                                                                     tmp_path):
    """The county server stops answering while the app is open (stopped, network gone): Ctrl+R on
    the summary, Enter on a township and an undo each say so in one Chinese line; the app stays
    open on the 县级汇总 (it crashed with the driver's traceback)."""
    from pg_cluster import query

    import_packages([export_package(town, tmp_path / "a").path], pg_url, operator="县汇总")
    app = make_app(pg_url, operator="县汇总", defer_open=True)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await app_ready(pilot)
        await until(pilot, lambda: type(app.screen).__name__ == "CountyScreen"
                    and app.screen.query_one("#county-summary", DataTable).row_count == 2, "全县汇总显示")
        import psycopg

        database = pg_url.split("?")[0].rsplit("/", 1)[1]
        admin = psycopg.connect(f"dbname=postgres user=fupin host={pg_cluster.folder}", autocommit=True)
        admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')  # nobody gets in any more
        admin.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'")
        app.ctx.db.engine.dispose()  # the pool's connections are gone with the server's side
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "无法打开县级汇总数据库" in screen_text(app).replace("\n", ""), "连接不上的说明")
        assert "按 Ctrl+R 重试" in screen_text(app).replace("\n", "")
        assert "Traceback" not in screen_text(app) and "psycopg" not in screen_text(app)
        summary = app.screen.query_one("#county-summary", DataTable)
        summary.focus()
        summary.move_cursor(row=0)
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "CountyTownshipScreen", "乡镇记录页")
        await until(pilot, lambda: len(app._notifications) >= 2, "再说一次")
        await pilot.press("escape")
        merges = app.screen.query_one("#county-merges", DataTable)
        merges.focus()
        merges.move_cursor(row=0)
        await pilot.press("ctrl+x")
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmDialog", "确认撤销")
        await until(pilot, lambda: app.screen.query_one("#yes").region.area > 0, "撤销按钮")
        app.screen.query_one("#yes").press()
        await until(pilot, lambda: type(app.screen).__name__ == "CountyScreen" and len(app._notifications) >= 3,
                    "撤销时连不上的说明")
        texts = [n.message for n in app._notifications]
        assert all("无法打开县级汇总数据库" in t and "psycopg" not in t for t in texts), texts
        assert app.is_running and app.return_code is None
        admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
        admin.close()
    assert query(pg_url, "select count(*) from countymerge where undone_at is null") == [(1,)]
