"""One configuration for every entry point: app, check, export, import-roster and import-package
see the same calendar and code lists; the database keeps what arrived in the config folder."""

import datetime as dt
import sqlite3

import pytest

from fupin_tui import configuration
from fupin_tui.cli import main
from fupin_tui.config import config_dir
from fupin_tui.domain import codes, workdays

# 2027-03-01 is a Monday: the county's file makes it a day off (no library or shipped file does)
HOLIDAYS = """year = 2027
status = "provisional"
source = "县扶贫办转发的2027年放假安排（测试）"
holidays = ["2027-01-01", "2027-03-01"]
workdays = []
"""
MONDAY = dt.date(2027, 3, 1)


@pytest.fixture(autouse=True)
def _reset_calendar():
    yield
    workdays.use_stored(())
    workdays.configure()
    codes.use_stored(None)
    codes.configure()


def _forget():
    """As a fresh process would start: nothing configured."""
    workdays.use_stored(())
    workdays.configure()
    codes.use_stored(None)
    codes.configure()
    assert workdays.is_workday(MONDAY)


@pytest.fixture
def county_file():
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "holidays.toml").write_text(HOLIDAYS, encoding="utf-8")
    return folder / "holidays.toml"


@pytest.fixture
def town(ctx, tmp_path):
    from tests import excel_sample

    excel_sample.fill(ctx, households=3, projects=1)
    path = ctx.db.path
    ctx.db.close()
    return path


def test_every_command_sees_the_config_folders_calendar(town, county_file, tmp_path, capsys):
    seen = {}
    _forget()
    assert main(["check", "--db", str(town), "--rule", "P05"]) in (0, 1)
    seen["check"] = workdays.is_workday(MONDAY)
    assert "已从配置文件夹导入节假日安排" in capsys.readouterr().err  # the notice, once
    _forget()
    assert main(["--db", str(town), "export", "--out", str(tmp_path / "out")]) == 0
    seen["export"] = workdays.is_workday(MONDAY)
    roster = tmp_path / "r.csv"
    roster.write_text("户主姓名,身份证号\n", encoding="utf-8")
    _forget()
    main(["--db", str(town), "import-roster", str(roster), "--dry-run"])
    seen["import-roster"] = workdays.is_workday(MONDAY)
    [package] = (tmp_path / "out").glob("*.zip")
    _forget()
    assert main(["--db", str(tmp_path / "county.db"), "import-package", str(package)]) == 0
    seen["import-package"] = workdays.is_workday(MONDAY)
    assert seen == dict.fromkeys(seen, False)
    assert "已从配置文件夹导入" not in capsys.readouterr().err  # already in the township database


async def test_the_app_sees_the_same_calendar(town, county_file):
    from fupin_tui.app import make_app

    _forget()
    app = make_app(town, operator="张会计")
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not workdays.is_workday(MONDAY)
        [loaded] = app.configuration.files
        assert (loaded.file, loaded.detail, loaded.status) == ("holidays.toml", "2027年", "暂定")
        assert loaded.origin == str(county_file)


def test_the_database_keeps_the_calendar_when_the_file_is_gone(town, county_file, capsys):
    assert main(["check", "--db", str(town), "--rule", "P05"]) in (0, 1)
    county_file.unlink()
    _forget()
    assert main(["check", "--db", str(town), "--rule", "P05"]) in (0, 1)
    assert not workdays.is_workday(MONDAY)
    con = sqlite3.connect(town)
    audit = con.execute("SELECT action, note FROM auditlog WHERE record_id = 'config.holidays'").fetchall()
    con.close()
    assert audit == [("导入", f"节假日安排：从 {county_file} 导入")]


def test_a_broken_file_is_named_and_nothing_changes(town, capsys):
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "holidays.toml").write_text("year = 2027\nholidays = [", encoding="utf-8")
    loaded = configuration.load(town)
    assert loaded.files == [] and "无法使用" in loaded.notices[0] and "holidays.toml" in loaded.notices[0]


def test_code_lists_from_the_config_folder_reach_every_command(town, capsys):
    shipped = codes.load_codes()
    name = shipped.names()[0]
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "codes.toml").write_text(
        f'version = "县2027"\n[lists."{name}"]\nitems = ["甲类", "乙类"]\n', encoding="utf-8")
    _forget()
    assert main(["check", "--db", str(town), "--rule", "P05"]) in (0, 1)
    assert codes.load_codes().items(name) == ["甲类", "乙类"] and codes.load_codes().version == "县2027"
    (folder / "codes.toml").unlink()
    _forget()
    configuration.load(town)
    assert codes.load_codes().items(name) == ["甲类", "乙类"]
    assert "数据库" in codes.load_codes().source_of(name)


async def test_settings_shows_the_config_folder_and_what_was_loaded(town, county_file):
    from fupin_tui.app import make_app
    from tests.screen_text import screen_text

    app = make_app(town, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("f9")
        await pilot.pause()
        app.screen.query_one("#tabs").active = "tab-config"
        await pilot.pause()
        report = app.screen.query_one("#config-report")
        assert report.region.width > 0 and report.region.height > 0
        shown = screen_text(app)
        assert "配置文件夹" in shown and "节假日安排（holidays.toml）：2027年，暂定" in shown
        assert "乡镇数据库" in shown


async def _config_tab(pilot, app):
    await app.workers.wait_for_complete()
    await pilot.press("f9")
    await pilot.pause()
    app.screen.query_one("#tabs").active = "tab-config"
    await pilot.pause()


async def _import_typed(pilot, app, text: str):
    box = app.screen.query_one("#config-file")
    assert box.region.height > 0, "the import box is on the 配置 tab the clerk is looking at"
    box.focus()
    box.value = text
    await pilot.press("enter")
    await pilot.pause()
    return box


async def test_settings_imports_a_code_list_into_the_database_and_every_command_sees_it(town, tmp_path, capsys):
    """设置 → 配置 → 导入: the county's codes.toml, from anywhere (a USB stick), kept in the database."""
    from fupin_tui.app import make_app

    name = codes.load_codes().names()[0]
    stick = tmp_path / "U盘" / "县代码表.toml"  # not named codes.toml: told apart by its [lists]
    stick.parent.mkdir()
    stick.write_text(f'version = "县2028"\n[lists."{name}"]\nitems = ["丙类"]\n', encoding="utf-8")
    app = make_app(town, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await _config_tab(pilot, app)
        box = await _import_typed(pilot, app, str(stick))
        done = app.screen.query_one("#config-done")
        assert "已导入代码表" in str(done.render()) and done.region.height > 0
        assert box.value == ""
        assert "县2028" in str(app.screen.query_one("#config-report").render())
    stick.unlink()  # the file is gone: the database keeps it, for the command line too
    _forget()
    assert main(["check", "--db", str(town), "--rule", "P05"]) in (0, 1)
    assert codes.load_codes().items(name) == ["丙类"] and codes.load_codes().version == "县2028"
    with sqlite3.connect(town) as con:
        assert con.execute("SELECT count(*) FROM auditlog WHERE action = '导入' AND note LIKE '代码表%'").fetchone()[0] == 1


@pytest.mark.parametrize("content, problem", [
    (None, "找不到"),
    ('year = 2027\nsource = "x"\nholidays = ["2027-02-30"]\n', "不是有效日期"),
    ('version = "x"\nlists = {}\n', "没有任何代码表"),
])
async def test_a_file_settings_cannot_use_is_refused_by_name_and_the_path_kept(town, tmp_path, content, problem):
    from fupin_tui.app import make_app

    path = tmp_path / "county.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    before = sqlite3.connect(town).execute("SELECT count(*) FROM appsetting WHERE key LIKE 'config.%'").fetchone()[0]
    app = make_app(town, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await _config_tab(pilot, app)
        box = await _import_typed(pilot, app, str(path))
        error = app.screen.query_one("#config-error")
        shown = str(error.render())
        assert shown.startswith("未导入：文件") and problem in shown, shown
        assert error.region.height > 0 and box.value == str(path)
    assert sqlite3.connect(town).execute(
        "SELECT count(*) FROM appsetting WHERE key LIKE 'config.%'").fetchone()[0] == before


async def test_settings_says_which_keymap_file_this_pc_uses(town):
    from fupin_tui.app import make_app
    from tests.screen_text import screen_text

    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    app = make_app(town, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await _config_tab(pilot, app)
        assert "keymap.toml，本机）：未放置，使用默认按键" in screen_text(app)
    (folder / "keymap.toml").write_text('[keys]\nsave = "f10"\n', encoding="utf-8")
    app = make_app(town, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        await _config_tab(pilot, app)
        assert "改了 1 个按键" in screen_text(app)
