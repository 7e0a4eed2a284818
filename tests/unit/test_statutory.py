"""Statutory days off computed from 《全国年节及纪念日放假办法》(2024年修订) for years without a schedule."""

from datetime import date

import chinese_calendar
import pytest

from fupin_tui.domain.statutory import LunarUnknown, statutory_year

D = date


def test_2027_days_off_as_the_banfa_gives_them():
    y = statutory_year(2027)
    given = {f.name: f.days for f in y.festivals}
    assert given == {
        "元旦": (D(2027, 1, 1),),                                                      # 1月1日
        "春节": (D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)),         # 除夕、正月初一至初三
        "清明节": (D(2027, 4, 5),),                                                    # 农历清明当日
        "劳动节": (D(2027, 5, 1), D(2027, 5, 2)),                                      # 5月1日、2日
        "端午节": (D(2027, 6, 9),),                                                    # 农历端午当日
        "中秋节": (D(2027, 9, 15),),                                                   # 农历中秋当日
        "国庆节": (D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)),                   # 10月1日至3日
    }
    assert sum(len(d) for d in given.values()) == 13


def test_a_day_off_on_a_weekend_is_made_up_on_the_next_weekdays():
    # 第六条: 适逢星期六、星期日，应当在工作日补假. 2027: 春节 6-7 Feb, 劳动节 1-2 May, 国庆 2-3 Oct.
    y = statutory_year(2027)
    made_up = {f.name: f.made_up for f in y.festivals if f.made_up}
    assert made_up == {"春节": (D(2027, 2, 9), D(2027, 2, 10)), "劳动节": (D(2027, 5, 3), D(2027, 5, 4)),
                       "国庆节": (D(2027, 10, 4), D(2027, 10, 5))}
    assert y.name_of(D(2027, 2, 9)) == "春节补假" and y.name_of(D(2027, 2, 5)) == "春节"
    assert y.name_of(D(2027, 2, 11)) is None


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_statutory_day_is_off_in_the_published_schedules(year):
    # the years the State Council has published: each day the 办法 gives is a holiday there
    for f in statutory_year(year).festivals:
        for d in f.days:
            assert chinese_calendar.is_holiday(d), (f.name, d)


def test_years_before_the_amendment_or_beyond_the_lunar_calendar_are_not_computed():
    with pytest.raises(LunarUnknown):
        statutory_year(2024)
    with pytest.raises(LunarUnknown):
        statutory_year(2150)


def test_yearly_duties_and_p11_in_2027_carry_the_calendar_warning():
    from fupin_tui.domain.deadlines import ProjectDates
    from fupin_tui.domain.policy import Policy
    from fupin_tui.domain.rules import CheckData, run_rules
    from fupin_tui.domain.rules.facts import ProjectData

    policy = Policy.defaults()
    # 八(七): 3月底前完成绩效自评 — seen from 25 March 2027, a year not yet published
    found = run_rules(CheckData(), policy, D(2027, 3, 25), only=["Y01"])
    assert found and all("全国年节及纪念日放假办法" in f.message for f in found)
    p = ProjectData(id=1, name="产业路", year=2026, state="实施中", dates=ProjectDates(started_on=D(2026, 1, 20)))
    [f] = run_rules(CheckData(projects=(p,)), policy, D(2027, 1, 14), only=["P11"])
    assert f.severity == "即将到期" and "未含调休" in f.message


def test_the_kept_lunar_dates_are_the_holidays_packages_for_every_year():
    # statutory reads 2025-2099 from lunar_dates, not from ``holidays`` (0.2 s to import): the same days
    from fupin_tui.domain import lunar_dates, statutory

    assert sorted(lunar_dates.TABLE) == list(range(lunar_dates.FIRST, lunar_dates.LAST + 1))
    for year in lunar_dates.TABLE:
        assert statutory._lunar_dates(year) == statutory._library_dates(year), year


def test_a_year_in_the_kept_table_does_not_import_the_holidays_package():
    import subprocess
    import sys

    code = ("import sys; from fupin_tui.domain.statutory import statutory_year; y = statutory_year(2031); "
            "print(len(y.festivals), 'holidays' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["7", "False"], out.stdout + out.stderr
