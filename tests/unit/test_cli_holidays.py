"""fupin-tui holidays import FILE / holidays list."""

from datetime import date

import pytest

from fupin_tui.cli import main
from fupin_tui.domain import workdays

OFFICIAL_2027 = """year = 2027
status = "official"
source = "国务院办公厅关于2027年部分节假日安排的通知"
holidays = ["2027-01-01", "2027-02-05", "2027-02-06"]
workdays = ["2027-02-20"]
"""


@pytest.fixture(autouse=True)
def _forget_imported_calendars():
    yield
    workdays.configure(())


def test_list_shows_2027_computed_from_the_banfa_with_its_warning(capsys):
    assert main(["holidays", "list"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith("2027"))
    assert "按放假办法推算" in line and "全国年节及纪念日放假办法（2024年修订）" in line
    assert "提示：2027年节假日安排尚未导入" in out and "设置 → 节假日" in out


def test_import_then_list_shows_the_official_schedule_and_the_calendar_uses_it(tmp_path, capsys):
    path = tmp_path / "2027.toml"
    path.write_text(OFFICIAL_2027, encoding="utf-8")
    assert main(["holidays", "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "已导入2027年节假日安排（正式，国务院办公厅关于2027年部分节假日安排的通知）" in out
    assert "放假3天，调休上班1天" in out
    assert main(["holidays", "list"]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("2027"))
    assert "正式" in line and "已导入" in line
    assert workdays.is_workday(date(2027, 2, 20))  # the Saturday 调休 from the file
    assert workdays.calendar_warning(date(2027, 6, 1)) is None


def test_a_second_import_of_another_year_keeps_the_first(tmp_path, capsys):
    first, second = tmp_path / "2027.toml", tmp_path / "2028.toml"
    first.write_text(OFFICIAL_2027, encoding="utf-8")
    second.write_text(OFFICIAL_2027.replace("2027", "2028"), encoding="utf-8")
    assert main(["holidays", "import", str(first)]) == 0
    assert main(["holidays", "import", str(second)]) == 0
    assert workdays.year_info(2027).origin == "user" and workdays.year_info(2028).origin == "user"


def test_a_bad_file_is_one_line_and_exit_2(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('year = 2027\nsource = "x"\nholidays = ["2027-02-30"]\n', encoding="utf-8")
    assert main(["holidays", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "不是有效日期" in err and "Traceback" not in err
