"""Holiday schedules: import the State Council's arrangement, see which calendar each year uses.

``fupin-tui holidays import FILE`` / ``holidays list`` and 设置 → 节假日 both call these.
An imported file is validated (``workdays.load_holiday_file``), merged by year into
``holidays.toml`` in the settings folder (a year imported again replaces the earlier one), and
the working-day calendar is recomputed at once. No database is needed: the calendar is the
same for every database on the machine.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from fupin_tui.domain import workdays

STATUS_TEXT = {"official": "正式", "provisional": "暂定", "statutory": "按放假办法推算", "estimated": "仅周末（估算）"}
ORIGIN_TEXT = {"user": "已导入", "shipped": "随程序提供", "library": "chinesecalendar", "statutory": "推算",
               "estimated": "估算"}


@dataclass(frozen=True)
class YearRow:
    year: int
    status: str  # 正式 / 暂定 / 按放假办法推算 / 仅周末（估算）
    origin: str  # 已导入 / 随程序提供 / chinesecalendar / 推算 / 估算
    source: str
    days_off: int  # weekdays off (statutory holidays on working days)
    make_up: int  # 调休 working Saturdays/Sundays
    warning: str | None


def user_file(config_dir: Path) -> Path:
    return Path(config_dir) / workdays.USER_FILE


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a TOML basic string is JSON-escaped


def _dates(days) -> str:
    return "[" + ", ".join(f'"{d.isoformat()}"' for d in sorted(days)) + "]"


def _render(years: list[workdays.HolidayYear]) -> str:
    out = ["# 节假日安排（由 fupin-tui holidays import 或 设置 → 节假日 导入）", ""]
    for y in sorted(years, key=lambda y: y.year):
        out += ["[[years]]", f"year = {y.year}", f"status = {_toml_string(y.status)}",
                f"source = {_toml_string(y.source)}", f"holidays = {_dates(y.holidays)}",
                f"workdays = {_dates(y.workdays)}", ""]
    return "\n".join(out)


def import_file(path: Path, config_dir: Path) -> list[workdays.HolidayYear]:
    """Validate ``path`` and merge its years into the settings folder; HolidayFileError when unusable."""
    new = workdays.load_holiday_file(Path(path))
    target = user_file(config_dir)
    kept: dict[int, workdays.HolidayYear] = {}
    if target.is_file():
        kept = {y.year: y for y in workdays.load_holiday_file(target)}
    kept.update({y.year: y for y in new})
    from fupin_tui.filenames import write_private_text

    write_private_text(target, _render(list(kept.values())))
    workdays.clear_cache()
    return new


def _counts(year: int) -> tuple[int, int]:
    first = dt.date(year, 1, 1)
    days = [first + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - first).days)]
    off = sum(1 for d in days if d.weekday() < 5 and not workdays.is_workday(d))
    on = sum(1 for d in days if d.weekday() >= 5 and workdays.is_workday(d))
    return off, on


def year_rows(today: dt.date, config_dir: Path | None = None) -> list[YearRow]:
    """Last year to three years ahead, and every year imported or shipped besides."""
    years = set(range(today.year - 1, today.year + 4))
    if config_dir is not None and user_file(config_dir).is_file():
        years |= {y.year for y in workdays.load_holiday_file(user_file(config_dir))}
    years |= {int(p.stem) for p in Path(workdays.SHIPPED_DIR).glob("*.toml") if p.stem.isdigit()}
    rows = []
    for year in sorted(y for y in years if y >= workdays.FIRST_KNOWN_YEAR):
        info = workdays.year_info(year)
        off, on = _counts(year)
        rows.append(YearRow(year, STATUS_TEXT.get(info.status, info.status), ORIGIN_TEXT.get(info.origin, info.origin),
                            info.source, off, on, info.warning))
    return rows
