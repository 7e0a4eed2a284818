"""Working-day arithmetic on the official Chinese calendar (the `wd` of RULES.md).

Statutory holidays are off and 调休 make-up days are on. Per year the first
source that has the year wins:

1. ``holidays.toml`` in a user config folder (set by ``configure``),
2. ``data/holidays/<year>.toml`` shipped with the app,
3. the ``chinesecalendar`` library (2004 to its last published year).

A later year that no source covers gets the statutory days off computed from
《全国年节及纪念日放假办法》 (``domain.statutory``: 元旦, 春节 除夕 to 初三, 清明,
劳动节 2 days, 端午, 中秋, 国庆 3 days, weekend days made up), status
``statutory``; beyond the lunar library's range it is estimated as
weekends-only. Either way every result that relied on it carries a visible
warning: the State Council publishes next year's schedule (with its 调休)
only in November, and a deadline must never look certain when it is not.
Years before 2004 raise ``CalendarUnknown``.

Each year is turned once into a sorted list of working-day ordinals, so a
call is a bisect and an index (about a microsecond after warm-up).
"""

from __future__ import annotations

import datetime as dt
import functools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from fupin_tui.config import shipped_file
from fupin_tui.domain import statutory
from fupin_tui.domain.errors import DomainError

__all__ = [
    "CalendarUnknown",
    "HolidayFileError",
    "HolidayYear",
    "WorkdayResult",
    "YearInfo",
    "add_workdays",
    "calendar_warning",
    "clear_cache",
    "configure",
    "is_workday",
    "load_holiday_file",
    "parse_holiday_toml",
    "workday_result",
    "workdays_between",
    "workdays_left",
    "year_info",
]

SHIPPED_DIR = shipped_file("holidays")
USER_FILE = "holidays.toml"
FIRST_KNOWN_YEAR = 2004  # first year of chinesecalendar's data

_user_dirs: tuple[Path, ...] = ()


class CalendarUnknown(DomainError):
    """No source knows the holidays of that year and guessing is not allowed."""


class HolidayFileError(DomainError):
    """A holiday file cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class HolidayYear:
    year: int
    status: str  # "official" | "provisional"
    source: str  # the notice, e.g. 国务院办公厅关于2027年部分节假日安排的通知
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]  # 调休 make-up working days


@dataclass(frozen=True)
class YearInfo:
    year: int
    origin: str  # "user" | "shipped" | "library" | "statutory" | "estimated"
    status: str  # "official" | "provisional" | "statutory" | "estimated"
    source: str
    warning: str | None


@dataclass(frozen=True)
class WorkdayResult:
    date: dt.date
    estimated: bool  # some day counted came from a non-official calendar
    warning: str | None


@dataclass(frozen=True)
class _Year:
    info: YearInfo
    days: tuple[int, ...]  # sorted ordinals of working days in the year


# ---------------------------------------------------------------- configuration


def configure(user_dirs: Iterable[Path] = ()) -> None:
    """Set the folders searched for ``holidays.toml`` (first wins) and reset caches."""
    global _user_dirs
    _user_dirs = tuple(Path(p) for p in user_dirs)
    clear_cache()


_stored_years: dict[int, HolidayYear] = {}


def use_stored(years: Iterable[HolidayYear] = ()) -> None:
    """Holiday years kept in the database (fupin_tui.configuration): over shipped data and the
    library, under a ``holidays.toml`` in a configured folder."""
    global _stored_years
    _stored_years = {y.year: y for y in years}
    clear_cache()


def clear_cache() -> None:
    """Forget computed years, e.g. after the user imported a new holiday file."""
    _year.cache_clear()
    _user_years.cache_clear()


# ---------------------------------------------------------------- holiday files

_KEYS = {"year", "status", "source", "holidays", "workdays", "note"}


def _as_date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise HolidayFileError(f"{where}：“{value}”不是有效日期（应写成2027-01-01）")


def _parse_year(table: dict, origin: str) -> HolidayYear:
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise HolidayFileError(f"{origin}：无法识别的项目 {'、'.join(unknown)}")
    year = table.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200:
        raise HolidayFileError(f"{origin}：缺少年份或年份无效（year = 2027）")
    where = f"{origin}（{year}年）"
    status = table.get("status", "official")
    if status not in ("official", "provisional"):
        raise HolidayFileError(f"{where}：status 只能是 official（正式）或 provisional（暂定）")
    source = table.get("source")
    if not isinstance(source, str) or not source.strip():
        raise HolidayFileError(f"{where}：请在 source 中注明依据，如国务院办公厅的通知名称")
    days: dict[str, frozenset[dt.date]] = {}
    for key, label in (("holidays", "放假日期"), ("workdays", "调休上班日期")):
        raw = table.get(key, [])
        if not isinstance(raw, list):
            raise HolidayFileError(f"{where}：{label}（{key}）应为日期列表")
        parsed = [_as_date(v, f"{where}{label}") for v in raw]
        for d in parsed:
            if d.year != year:
                raise HolidayFileError(f"{where}：{label}中的{d.isoformat()}不属于{year}年")
        days[key] = frozenset(parsed)
    if not days["holidays"]:
        raise HolidayFileError(f"{where}：放假日期（holidays）不能为空")
    both = sorted(days["holidays"] & days["workdays"])
    if both:
        raise HolidayFileError(f"{where}：{both[0].isoformat()}既是放假日又是调休上班日")
    for d in sorted(days["workdays"]):
        if d.weekday() < 5:
            raise HolidayFileError(f"{where}：调休上班日{d.isoformat()}不是周六或周日")
    return HolidayYear(year, status, source.strip(), days["holidays"], days["workdays"])


def parse_holiday_toml(text: str, origin: str = "节假日文件") -> list[HolidayYear]:
    """Parse one year (top-level keys) or several (``[[years]]`` tables)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise HolidayFileError(f"{origin}：格式错误（{exc}）") from None
    if "years" in doc:
        tables = doc["years"]
        if not isinstance(tables, list) or set(doc) != {"years"}:
            raise HolidayFileError(f"{origin}：多个年份请都写在 [[years]] 表中")
    else:
        tables = [doc]
    result = [_parse_year(t, origin) for t in tables]
    years = [y.year for y in result]
    if len(set(years)) != len(years):
        raise HolidayFileError(f"{origin}：同一年份出现了多次")
    return result


def load_holiday_file(path: Path) -> list[HolidayYear]:
    """Read and validate a holiday file; raises HolidayFileError in Chinese."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise HolidayFileError(f"{path.name}：无法读取（{exc.strerror or exc}）") from None
    except UnicodeDecodeError:
        raise HolidayFileError(f"{path.name}：不是UTF-8编码的文本文件") from None
    years = parse_holiday_toml(text, path.name)
    if path.stem.isdigit() and [y.year for y in years] != [int(path.stem)]:
        raise HolidayFileError(f"{path.name}：文件名的年份与文件内容不一致")
    return years


@functools.lru_cache(maxsize=1)
def _user_years() -> dict[int, HolidayYear]:
    found: dict[int, HolidayYear] = dict(_stored_years)
    for folder in reversed(_user_dirs):  # earlier folders override later ones
        path = folder / USER_FILE
        if path.is_file():
            found.update({y.year: y for y in load_holiday_file(path)})
    return found


def _shipped_year(year: int) -> HolidayYear | None:
    path = SHIPPED_DIR / f"{year}.toml"
    return load_holiday_file(path)[0] if path.is_file() else None


# ---------------------------------------------------------------- one year


def _days_of(year: int):
    d = dt.date(year, 1, 1).toordinal()
    end = dt.date(year, 12, 31).toordinal()
    return range(d, end + 1)


def _from_file(hy: HolidayYear) -> tuple[int, ...]:
    off = {d.toordinal() for d in hy.holidays}
    on = {d.toordinal() for d in hy.workdays}
    # date.fromordinal(o).weekday() == (o - 1) % 7 with Monday = 0
    return tuple(o for o in _days_of(hy.year) if o in on or ((o - 1) % 7 < 5 and o not in off))


def _from_library(year: int) -> tuple[int, ...] | None:
    import chinese_calendar  # lazy: only when a year is first needed

    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return None
    return tuple(o for o in _days_of(year) if chinese_calendar.is_workday(dt.date.fromordinal(o)))


def _estimate_warning(year: int) -> str:
    return f"{year}年节假日安排尚未收录，按仅周末休息估算，请在设置中导入官方安排"


def _provisional_warning(year: int) -> str:
    return f"{year}年节假日安排为暂定，请以国务院办公厅正式通知为准"


@functools.lru_cache(maxsize=None)
def _year(year: int) -> _Year:
    origin, hy = "user", _user_years().get(year)
    if hy is None:
        origin, hy = "shipped", _shipped_year(year)
    if hy is not None:
        warn = _provisional_warning(year) if hy.status == "provisional" else None
        return _Year(YearInfo(year, origin, hy.status, hy.source, warn), _from_file(hy))
    days = _from_library(year) if year >= FIRST_KNOWN_YEAR else None
    if days is not None:
        return _Year(YearInfo(year, "library", "official", "chinesecalendar", None), days)
    if year < FIRST_KNOWN_YEAR:
        raise CalendarUnknown(f"{year}年不在工作日日历覆盖范围内（{FIRST_KNOWN_YEAR}年起），无法计算工作日")
    try:
        computed = statutory.statutory_year(year)
    except statutory.LunarUnknown:
        computed = None
    if computed is not None:
        off = {d.toordinal() for d in computed.holidays}
        days = tuple(o for o in _days_of(year) if (o - 1) % 7 < 5 and o not in off)
        info = YearInfo(year, "statutory", "statutory", statutory.SOURCE, statutory.statutory_warning(year))
        return _Year(info, days)
    warn = _estimate_warning(year)
    weekdays = tuple(o for o in _days_of(year) if (o - 1) % 7 < 5)
    return _Year(YearInfo(year, "estimated", "estimated", "仅周末休息（估算）", warn), weekdays)


def year_info(year: int) -> YearInfo:
    """Where a year's calendar comes from, for the settings screen."""
    return _year(year).info


def calendar_warning(d: dt.date) -> str | None:
    """The warning to show next to a date whose year is not officially known."""
    return _year(d.year).info.warning


# ---------------------------------------------------------------- arithmetic


def is_workday(d: dt.date) -> bool:
    days = _year(d.year).days
    o = d.toordinal()
    i = bisect_left(days, o)
    return i < len(days) and days[i] == o


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day strictly after ``start`` (before it if n < 0)."""
    if n == 0:
        return start
    o = start.toordinal()
    year = start.year
    days = _year(year).days
    if n > 0:
        i = bisect_right(days, o) + n - 1
        while i >= len(days):  # continue into the following years
            i -= len(days)
            year += 1
            days = _year(year).days
        return dt.date.fromordinal(days[i])
    i = bisect_left(days, o) + n  # n < 0
    while i < 0:
        year -= 1
        days = _year(year).days
        i += len(days)
    return dt.date.fromordinal(days[i])


def workdays_between(a: dt.date, b: dt.date) -> int:
    """Working days after ``a`` up to and including ``b``; negative if b < a."""
    if b < a:
        return -workdays_between(b, a)
    total = 0
    for year in range(a.year, b.year + 1):
        days = _year(year).days
        lo = bisect_right(days, a.toordinal()) if year == a.year else 0
        hi = bisect_right(days, b.toordinal()) if year == b.year else len(days)
        total += hi - lo
    return total


def workdays_left(due: dt.date, today: dt.date) -> int:
    """Working days from today to the due date: 0 on the day, negative when late."""
    return workdays_between(today, due)


def _span_warning(first: dt.date, last: dt.date) -> str | None:
    for year in range(first.year, last.year + 1):
        warning = _year(year).info.warning
        if warning:
            return warning
    return None


def workday_result(start: dt.date, n: int) -> WorkdayResult:
    """``add_workdays`` plus whether the answer relied on an estimated calendar."""
    end = add_workdays(start, n)
    if n == 0:
        return WorkdayResult(end, False, None)
    one = dt.timedelta(days=1)
    first, last = (start + one, end) if n > 0 else (end, start - one)
    warning = _span_warning(first, last)
    return WorkdayResult(end, warning is not None, warning)
