import time
from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin_tui.domain import workdays as wd
from fupin_tui.domain.errors import DomainError
from fupin_tui.domain.workdays import (
    CalendarUnknown,
    HolidayFileError,
    WorkdayResult,
    add_workdays,
    calendar_warning,
    is_workday,
    load_holiday_file,
    workday_result,
    workdays_between,
    workdays_left,
    year_info,
)

WARN_2027 = ("2027年节假日安排尚未导入，按《全国年节及纪念日放假办法》推算法定假日（未含调休，属估算），"
             "请在 设置 → 节假日 导入国务院办公厅正式安排")
WARN_2150 = "2150年节假日安排尚未收录，按仅周末休息估算，请在设置中导入官方安排"

# A made-up schedule used only to prove that a user file wins; not real data.
FAKE_2027 = """
year = 2027
status = "official"
source = "测试用安排"
holidays = ["2027-01-01", "2027-01-04"]
workdays = ["2027-01-09"]
"""


@pytest.fixture(autouse=True)
def _isolated_calendar(tmp_path, monkeypatch):
    """No user folder, and an empty shipped folder, unless a test sets one."""
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    monkeypatch.setattr(wd, "SHIPPED_DIR", shipped)
    wd.configure(())
    yield
    wd.configure(())


def _write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


# ---------------------------------------------------------------- the real calendar


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2026, 2, 13), True),  # Friday before Spring Festival
        (date(2026, 2, 14), True),  # Saturday, 调休 working day
        (date(2026, 2, 15), False),
        (date(2026, 2, 18), False),
        (date(2026, 2, 23), False),  # Monday, last day of the holiday
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday, 调休 working day
        (date(2026, 3, 1), False),  # plain Sunday
        (date(2025, 9, 28), True),  # Sunday, 调休 for National Day 2025
        (date(2025, 10, 8), False),
        (date(2025, 10, 9), True),
        (date(2025, 10, 11), True),  # Saturday, 调休
        (date(2026, 9, 20), True),  # Sunday, 调休 for National Day 2026
        (date(2026, 10, 7), False),
        (date(2026, 10, 10), True),  # Saturday, 调休
        (date(2026, 1, 4), True),  # Sunday, 调休 after New Year 2026
    ],
)
def test_is_workday(day, working):
    assert is_workday(day) is working


def test_agrees_with_chinesecalendar_2024_to_2026():
    day = date(2024, 1, 1)
    while day.year <= 2026:
        assert is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (date(2026, 2, 12), 1, date(2026, 2, 13)),
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # the 调休 Saturday counts
        (date(2026, 2, 13), 2, date(2026, 2, 24)),  # jumps the whole Spring Festival
        (date(2026, 2, 12), 5, date(2026, 2, 26)),
        (date(2026, 2, 16), 1, date(2026, 2, 24)),  # starting inside the holiday
        (date(2026, 2, 24), -1, date(2026, 2, 14)),
        (date(2026, 2, 24), -2, date(2026, 2, 13)),
        (date(2025, 9, 26), 1, date(2025, 9, 28)),  # Sunday 调休
        (date(2025, 9, 30), 1, date(2025, 10, 9)),  # National Day 2025: 1–8 Oct off
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 10, 9), 1, date(2026, 10, 10)),
        (date(2025, 12, 31), 1, date(2026, 1, 4)),  # across the year: 1–3 Jan off, Sunday on
        (date(2026, 1, 4), -1, date(2025, 12, 31)),
        (date(2026, 3, 2), 20, date(2026, 3, 30)),
        (date(2026, 2, 15), 0, date(2026, 2, 15)),  # n = 0 returns start, even a holiday
    ],
)
def test_add_workdays(start, n, expected):
    assert add_workdays(start, n) == expected


@pytest.mark.parametrize(
    "a, b, count",
    [
        (date(2026, 2, 13), date(2026, 2, 13), 0),
        (date(2026, 2, 13), date(2026, 2, 24), 2),
        (date(2026, 2, 24), date(2026, 2, 13), -2),
        (date(2026, 2, 14), date(2026, 2, 23), 0),
        (date(2025, 12, 31), date(2026, 1, 5), 2),
        # chinese_calendar.get_workdays gives 248 for 2025; 1 Jan is a holiday anyway
        (date(2025, 1, 1), date(2025, 12, 31), 248),
    ],
)
def test_workdays_between(a, b, count):
    assert workdays_between(a, b) == count


@pytest.mark.parametrize(
    "due, today, left",
    [
        (date(2026, 2, 24), date(2026, 2, 24), 0),
        (date(2026, 2, 24), date(2026, 2, 13), 2),
        (date(2026, 2, 13), date(2026, 2, 24), -2),  # overdue by two working days
        (date(2026, 2, 20), date(2026, 2, 24), -1),  # due on a holiday, one working day late
    ],
)
def test_workdays_left(due, today, left):
    assert workdays_left(due, today) == left


@given(
    start=st.dates(min_value=date(2004, 3, 1), max_value=date(2026, 10, 31)),
    n=st.integers(min_value=1, max_value=40),
)
def test_add_and_count_are_inverse(start, n):
    end = add_workdays(start, n)
    assert is_workday(end)
    assert workdays_between(start, end) == n
    assert add_workdays(end, -n) <= start


# ---------------------------------------------------------------- beyond the known years


def test_year_without_schedule_counts_the_statutory_days_off_with_a_warning():
    # 元旦，放假1天（1月1日）: Friday 1 January 2027 is off, the next working day is Monday 4th
    assert add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert not is_workday(date(2027, 1, 1))
    result = workday_result(date(2026, 12, 31), 1)
    assert result == WorkdayResult(date(2027, 1, 4), True, WARN_2027)
    assert calendar_warning(date(2027, 3, 1)) == WARN_2027
    info = year_info(2027)
    assert (info.origin, info.status) == ("statutory", "statutory")
    assert info.source == "全国年节及纪念日放假办法（2024年修订）"


def test_beyond_the_lunar_calendar_weekends_only_with_a_warning():
    assert add_workdays(date(2150, 1, 1), 1) == date(2150, 1, 2)
    assert year_info(2150).origin == "estimated"
    assert calendar_warning(date(2150, 6, 1)) == WARN_2150


@pytest.mark.parametrize(
    "start, n, estimated",
    [
        (date(2026, 12, 1), 5, False),
        (date(2026, 12, 30), 1, False),  # 31 Dec 2026 is known
        (date(2026, 12, 30), 2, True),
        (date(2027, 1, 1), -1, False),  # only 2026 days were counted
        (date(2027, 1, 4), -1, True),  # back over 1 January 2027, off by the 办法
        (date(2027, 3, 1), 0, False),
    ],
)
def test_workday_result_flags_only_estimated_spans(start, n, estimated):
    result = workday_result(start, n)
    assert result.date == add_workdays(start, n)
    assert result.estimated is estimated
    assert (result.warning == WARN_2027) is estimated


def test_known_year_has_no_warning():
    assert calendar_warning(date(2026, 6, 1)) is None
    assert year_info(2026).origin == "library"


@pytest.mark.parametrize(
    "call",
    [
        lambda: is_workday(date(2003, 12, 31)),
        lambda: add_workdays(date(2004, 1, 2), -5),
        lambda: workdays_between(date(2003, 6, 1), date(2004, 6, 1)),
        lambda: calendar_warning(date(1999, 1, 1)),
    ],
)
def test_before_2004_raises(call):
    with pytest.raises(CalendarUnknown, match="不在工作日日历覆盖范围内"):
        call()


def test_calendar_unknown_is_a_domain_error():
    assert issubclass(CalendarUnknown, DomainError)


# ---------------------------------------------------------------- files


def test_user_file_for_2027_takes_precedence(tmp_path):
    wd.configure([tmp_path / "user"])
    _write(tmp_path / "user", "holidays.toml", FAKE_2027)
    wd.clear_cache()
    assert add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 5)
    assert add_workdays(date(2027, 1, 8), 1) == date(2027, 1, 9)  # the Saturday 调休
    assert workday_result(date(2026, 12, 31), 1) == WorkdayResult(date(2027, 1, 5), False, None)
    assert calendar_warning(date(2027, 1, 5)) is None
    assert year_info(2027).origin == "user"


def test_user_file_beats_shipped_and_library(tmp_path):
    _write(wd.SHIPPED_DIR, "2027.toml", FAKE_2027.replace(', "2027-01-04"', ""))
    # A user file for 2026 that forgets Spring Festival replaces the library data.
    user = """
    [[years]]
    year = 2026
    source = "测试"
    holidays = ["2026-01-01"]
    [[years]]
    year = 2027
    source = "测试"
    holidays = ["2027-01-01", "2027-01-04"]
    """
    wd.clear_cache()
    assert year_info(2027).origin == "shipped"
    assert is_workday(date(2027, 1, 4))
    wd.configure([tmp_path / "first", tmp_path / "second"])
    _write(tmp_path / "second", "holidays.toml", user)
    _write(tmp_path / "first", "holidays.toml", FAKE_2027.replace("测试用安排", "第一个文件夹"))
    wd.clear_cache()
    assert is_workday(date(2026, 2, 16))
    assert not is_workday(date(2027, 1, 4))
    assert year_info(2027).source == "第一个文件夹"  # the first folder wins


def test_provisional_file_is_flagged(tmp_path):
    _write(wd.SHIPPED_DIR, "2027.toml", FAKE_2027.replace('"official"', '"provisional"'))
    wd.clear_cache()
    result = workday_result(date(2026, 12, 31), 1)
    assert result.date == date(2027, 1, 5)
    assert result.estimated is True
    assert "暂定" in result.warning


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("year = 2027\nsource = 'x'\nholidays = [", "格式错误"),
        ("source = 'x'\nholidays = ['2027-01-01']", "年份"),
        ("year = 2027\nstatus = 'draft'\nsource = 'x'\nholidays = ['2027-01-01']", "status"),
        ("year = 2027\nholidays = ['2027-01-01']", "source"),
        ("year = 2027\nsource = 'x'\nholidays = ['2026-12-31']", "不属于2027年"),
        ("year = 2027\nsource = 'x'\nholidays = ['2027-02-30']", "不是有效日期"),
        ("year = 2027\nsource = 'x'\nholidays = []", "不能为空"),
        ("year = 2027\nsource = 'x'\nholidays = ['2027-01-09']\nworkdays = ['2027-01-09']",
         "既是放假日又是调休上班日"),
        ("year = 2027\nsource = 'x'\nholidays = ['2027-01-01']\nworkdays = ['2027-01-06']",
         "不是周六或周日"),
        ("year = 2027\nsource = 'x'\nholiday = ['2027-01-01']", "无法识别的项目 holiday"),
    ],
)
def test_load_holiday_file_errors(tmp_path, text, fragment):
    path = _write(tmp_path, "holidays.toml", text)
    with pytest.raises(HolidayFileError, match=fragment):
        load_holiday_file(path)


def test_load_holiday_file_name_must_match_year(tmp_path):
    path = _write(tmp_path, "2028.toml", FAKE_2027)
    with pytest.raises(HolidayFileError, match="文件名的年份"):
        load_holiday_file(path)


def test_load_holiday_file_accepts_toml_dates(tmp_path):
    text = "year = 2027\nsource = 'x'\nholidays = [2027-01-01]\nworkdays = []"
    [year] = load_holiday_file(_write(tmp_path, "2027.toml", text))
    assert year.holidays == {date(2027, 1, 1)} and year.status == "official"


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(HolidayFileError, match="无法读取"):
        load_holiday_file(tmp_path / "nope.toml")


def test_shipped_holiday_files_are_valid():
    # Only copies of a State Council notice may be shipped (see the README there).
    real = wd.Path(wd.__file__).resolve().parents[2] / "data" / "holidays"
    assert (real / "README.md").is_file()
    for path in sorted(real.glob("*.toml")):
        [year] = load_holiday_file(path)
        assert year.source.startswith("国务院办公厅") and year.holidays, path.name


# ---------------------------------------------------------------- speed


def test_add_workdays_is_fast_after_warm_up():
    start = date(2026, 3, 2)
    add_workdays(start, 20)
    t0 = time.perf_counter()
    for _ in range(20_000):
        add_workdays(start, 20)
    per_call = (time.perf_counter() - t0) / 20_000
    assert per_call < 25e-6  # measured about 0.4 µs; generous for slow CI machines
