"""Due dates in working days on the official calendar (P03-P16, F04) and the yearly duties."""

from datetime import date

import pytest

from fupin_tui.domain.deadlines import MoneyEvent, ProjectDates, project_deadlines, yearly_deadlines
from fupin_tui.domain.policy import Policy

POLICY = Policy.defaults()
TODAY = date(2026, 11, 27)


def only(deadlines, rule):
    found = [d for d in deadlines if d.rule == rule]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("rule", "dates", "due"),
    [
        # 立项 on 2026-02-10, 10 wd: the 2026 Spring Festival (02-15..02-23 off) and the
        # 调休 Saturdays 02-14 and 02-28 both count -> 03-02, not 02-24 by weekdays.
        ("P05", ProjectDates(approved_on=date(2026, 2, 10)), date(2026, 3, 2)),
        ("P09", ProjectDates(approved_on=date(2026, 2, 10)), date(2026, 3, 2)),
        # The 调休 Saturday 02-14 counts among the five working days after Friday 02-13 ...
        ("P07", ProjectDates(plan_approved_on=date(2026, 2, 13)), date(2026, 2, 27)),
        # ... and a due date can itself fall on a 调休 Saturday (02-28).
        ("P08", ProjectDates(plan_approved_on=date(2026, 2, 23)), date(2026, 2, 28)),
        # 2026-09-20 is a 调休 Sunday before National Day: 09-18, 09-20, 09-21, 09-22, 09-23.
        ("P10", ProjectDates(started_on=date(2026, 9, 17)), date(2026, 9, 23)),
        # National Day 2026 (10-01..10-07 off), 10-10 Saturday 调休 is the fifth working day.
        ("P10", ProjectDates(started_on=date(2026, 9, 28)), date(2026, 10, 10)),
        # Spring Festival 2025: 01-26 (Sunday) is a 调休 working day, 01-28..02-04 off.
        ("P16", ProjectDates(accepted_on=date(2025, 1, 24)), date(2025, 2, 7)),
        # Plain weeks: 10 wd from a Monday is the Monday two weeks later.
        ("P03", ProjectDates(applied_on=date(2026, 11, 2)), date(2026, 11, 16)),
        ("P04", ProjectDates(fund_plan_issued_on=date(2026, 3, 2)), date(2026, 3, 30)),
        ("P06", ProjectDates(plan_submitted_on=date(2026, 3, 2)), date(2026, 3, 16)),
        ("P08", ProjectDates(plan_approved_on=date(2026, 3, 2)), date(2026, 3, 9)),
        ("P14", ProjectDates(plan_approved_on=date(2026, 3, 2)), date(2026, 3, 30)),
        ("P15", ProjectDates(completed_on=date(2026, 11, 2)), date(2026, 11, 16)),
        # The initial inspection, when recorded, starts the P15 clock instead of completion.
        ("P15", ProjectDates(completed_on=date(2026, 10, 26), initial_inspection_on=date(2026, 11, 2)),
         date(2026, 11, 16)),
        # F04 counts calendar days, holidays included.
        ("F04", ProjectDates(accepted_on=date(2026, 9, 28)), date(2026, 10, 28)),
    ],
)
def test_due_dates_follow_the_official_calendar(rule, dates, due):
    deadline = only(project_deadlines(dates, POLICY, TODAY), rule)
    assert deadline.due == due
    assert not deadline.estimated and deadline.warning is None


def test_each_disbursement_and_reimbursement_opens_its_own_info_entry_deadline():
    dates = ProjectDates(
        money_events=(MoneyEvent(date(2026, 9, 28), "拨款", "第1期"), MoneyEvent(date(2026, 11, 20), "报账", "BZ-1")),
        info_entries=(date(2026, 9, 30),),
    )
    first, second = [d for d in project_deadlines(dates, POLICY, TODAY) if d.rule == "P13"]
    assert (first.due, first.done_on) == (date(2026, 10, 10), date(2026, 9, 30))
    # the entry of 09-30 came before the reimbursement and does not count for it
    assert (second.due, second.done_on) == (date(2026, 11, 27), None)
    assert second.workdays_left == 0 and not second.is_overdue(TODAY)
    assert "BZ-1" in second.label


def test_late_and_open_deadlines_are_told_apart():
    dates = ProjectDates(approved_on=date(2026, 10, 12), plan_submitted_on=date(2026, 10, 30))
    p05 = only(project_deadlines(dates, POLICY, TODAY), "P05")
    assert p05.due == date(2026, 10, 26) and p05.done_late and not p05.is_open
    p06 = only(project_deadlines(dates, POLICY, TODAY), "P06")
    assert p06.due == date(2026, 11, 13)
    assert p06.is_overdue(TODAY) and p06.workdays_left == -10


def test_due_soon_uses_the_warning_window_in_working_days():
    dates = ProjectDates(plan_approved_on=date(2026, 11, 25))  # P07 due 12-02: 3 wd left
    p07 = only(project_deadlines(dates, POLICY, TODAY), "P07")
    assert p07.workdays_left == 3
    assert p07.is_due_soon(TODAY, 5) and not p07.is_due_soon(TODAY, 2)


def test_a_year_without_an_official_schedule_is_estimated_and_says_so():
    dates = ProjectDates(approved_on=date(2031, 3, 3))
    p05 = only(project_deadlines(dates, POLICY, date(2031, 3, 3)), "P05")
    assert p05.estimated
    assert "2031" in p05.warning and "估算" in p05.warning


def test_force_majeure_suspends_the_start_deadline():
    dates = ProjectDates(plan_approved_on=date(2026, 3, 2), force_majeure="洪灾冲毁便道，县扶贫办同意延期")
    assert not [d for d in project_deadlines(dates, POLICY, TODAY) if d.rule == "P14"]


def test_a_terminated_project_owes_nothing_new_but_keeps_what_was_done():
    dates = ProjectDates(approved_on=date(2026, 3, 2), plan_submitted_on=date(2026, 3, 5), side_state="已终止")
    assert [d.rule for d in project_deadlines(dates, POLICY, TODAY)] == ["P05"]


def test_a_failed_acceptance_starts_no_entry_or_final_reimbursement_clock():
    dates = ProjectDates(accepted_on=date(2026, 11, 2), acceptance_grade="不合格")
    assert not {"P16", "F04"} & {d.rule for d in project_deadlines(dates, POLICY, TODAY)}


def test_deadlines_follow_the_policy_the_county_set():
    county = POLICY.with_override("plan_submit_wd", 5)
    p05 = only(project_deadlines(ProjectDates(approved_on=date(2026, 11, 2)), county, TODAY), "P05")
    assert p05.due == date(2026, 11, 9)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 27), [("Y02", date(2026, 12, 10), 2026), ("Y02", date(2026, 12, 15), 2026),
                              ("Y02", date(2027, 1, 20), 2026)]),
        (date(2027, 3, 10), [("Y01", date(2027, 3, 31), 2026), ("Y01", date(2027, 4, 30), 2026)]),
        (date(2026, 7, 1), []),  # out of season: nothing to show
    ],
)
def test_yearly_duties_appear_in_their_season(today, expected):
    got = [(y.deadline.rule, y.deadline.due, y.work_year) for y in yearly_deadlines(today)]
    assert got == expected
