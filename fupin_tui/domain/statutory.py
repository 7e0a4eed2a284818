"""The statutory days off of any year, from 《全国年节及纪念日放假办法》 (as amended in 2024).

Used by ``domain.workdays`` for a year that no official schedule covers yet (the State Council
publishes next year's arrangement each November; ``chinesecalendar`` stops at its last release).
The 办法 (第二条, in force since 2025-01-01) gives every citizen these days off:

- 元旦，放假1天（1月1日）
- 春节，放假4天（农历除夕、正月初一至初三）
- 清明节，放假1天（农历清明当日）
- 劳动节，放假2天（5月1日、2日）
- 端午节，放假1天（农历端午当日）
- 中秋节，放假1天（农历中秋当日）
- 国庆节，放假3天（10月1日至3日）

and (第六条) a day of these falling on a Saturday or Sunday is made up on a working day (补假):
here the next weekdays after the festival. What the State Council adds by moving weekends
(调休 make-up working days, the bridges it builds) cannot be known in advance: a year computed
here carries the status ``statutory`` and a warning on every date that used it.

The lunar and solar-term dates (除夕, 端午, 中秋, 清明) come from the ``holidays`` package
(its Chinese lunisolar calendar, maintained and covering 1901-2099), kept for 2025-2099 in
``lunar_dates`` so that the package is imported only beyond; the rules of the 办法 are
applied here, not taken from it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

SOURCE = "全国年节及纪念日放假办法（2024年修订）"
FIRST_YEAR = 2025  # the 2024 amendment (春节 4 days with 除夕, 劳动节 2 days) is in force from 2025

# The lunar festivals as the ``holidays`` package names them (English names, language pinned).
_SPRING, _QINGMING, _DRAGON, _MOON = (
    "Chinese New Year (Spring Festival)", "Tomb-Sweeping Day", "Dragon Boat Festival", "Mid-Autumn Festival",
)


class LunarUnknown(Exception):
    """The lunar calendar library has no dates for that year."""


@dataclass(frozen=True)
class Festival:
    name: str  # 春节
    days: tuple[dt.date, ...]  # the days the 办法 gives
    made_up: tuple[dt.date, ...] = ()  # 补假: weekdays after it for its days on a weekend


@dataclass(frozen=True)
class StatutoryYear:
    year: int
    festivals: tuple[Festival, ...]

    @property
    def holidays(self) -> frozenset[dt.date]:
        return frozenset(d for f in self.festivals for d in f.days + f.made_up)

    def name_of(self, day: dt.date) -> str | None:
        for f in self.festivals:
            if day in f.days:
                return f.name
            if day in f.made_up:
                return f"{f.name}补假"
        return None


LUNAR_NAMES = (_SPRING, _QINGMING, _DRAGON, _MOON)


def _lunar_dates(year: int) -> dict[str, dt.date]:
    from fupin_tui.domain import lunar_dates  # the package's dates, kept: importing it costs 0.2 s

    known = lunar_dates.TABLE.get(year)
    if known is None:
        return _library_dates(year)
    return {name: dt.date(year, int(day[:2]), int(day[2:])) for name, day in zip(LUNAR_NAMES, known.split())}


def _library_dates(year: int) -> dict[str, dt.date]:
    import holidays  # lazy: only for a year without an official schedule, outside lunar_dates

    cn = holidays.country_holidays("CN", years=year, language="en_US")
    out: dict[str, dt.date] = {}
    for name in LUNAR_NAMES:
        days = [d for d, n in cn.items() if name in n.split("; ") and "observed" not in n]
        if not days:
            raise LunarUnknown(f"{year}年的农历日期无法计算")
        out[name] = min(days)
    return out


def _made_up(days: tuple[dt.date, ...], taken: set[dt.date]) -> tuple[dt.date, ...]:
    """第六条: each day on a Saturday or Sunday is made up on the next free weekday after the festival."""
    owed = sum(1 for d in days if d.weekday() >= 5)
    out: list[dt.date] = []
    d = max(days)
    while len(out) < owed:
        d += dt.timedelta(days=1)
        if d.weekday() < 5 and d not in taken:
            out.append(d)
            taken.add(d)
    return tuple(out)


@functools.lru_cache(maxsize=None)
def statutory_year(year: int) -> StatutoryYear:
    """The days off the 办法 gives in ``year``; raises LunarUnknown outside the lunar library's range."""
    if year < FIRST_YEAR:
        raise LunarUnknown(f"{year}年早于{SOURCE}的施行（{FIRST_YEAR}年）")
    lunar = _lunar_dates(year)
    one = dt.timedelta(days=1)
    spring = lunar[_SPRING]
    given = (
        ("元旦", (dt.date(year, 1, 1),)),
        ("春节", (spring - one, spring, spring + one, spring + 2 * one)),  # 除夕、初一至初三
        ("清明节", (lunar[_QINGMING],)),
        ("劳动节", (dt.date(year, 5, 1), dt.date(year, 5, 2))),
        ("端午节", (lunar[_DRAGON],)),
        ("中秋节", (lunar[_MOON],)),
        ("国庆节", (dt.date(year, 10, 1), dt.date(year, 10, 2), dt.date(year, 10, 3))),
    )
    taken = {d for _, days in given for d in days}
    festivals = tuple(Festival(name, days, _made_up(days, taken)) for name, days in given)
    return StatutoryYear(year, festivals)


def statutory_warning(year: int) -> str:
    return (f"{year}年节假日安排尚未导入，按《全国年节及纪念日放假办法》推算法定假日（未含调休，属估算），"
            "请在 设置 → 节假日 导入国务院办公厅正式安排")
