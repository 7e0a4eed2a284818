"""A clerk records the RULES-2 part-B duties of a household where they work: the three names of an
identification (H14), the 责任状 and the 一户一档 (H10) on 户信息, and visits on the 走访 tab (H11)."""

from datetime import date

import pytest
from sqlmodel import select

from fupin_tui.app import make_app
from fupin_tui.domain.idcard import check_digit
from fupin_tui.models import Household, Visit
from fupin_tui.services import registry as reg
from fupin_tui.services.township import villages
from tests.screen_text import screen_text

HEAD_ID = "520123197001010" + "11"
HEAD_ID += check_digit(HEAD_ID)


@pytest.fixture
def household_id(ctx):
    village = villages(ctx)[0].id
    saved = reg.save_household(ctx, reg.HouseholdInput(village_id=village, main_cause="因病", checked_by="王审核",
                                                       helper_name="陈帮扶", helper_unit="县教育局"),
                               [reg.MemberInput(name="张三", id_number=HEAD_ID, relation="户主")])
    return saved.id


@pytest.fixture
def app(ctx, db_path):
    return make_app(db_path=db_path, operator="张会计")


async def _open(app, pilot, household_id, tab=None):
    await pilot.pause()
    app.open_record(f"household:{household_id}", tab)
    await pilot.pause()
    await pilot.pause()
    return app.screen


async def _type(pilot, widget_id: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#{widget_id}")
    widget.focus()
    widget.value = ""
    await pilot.pause()
    if any(c in text for c in "，、"):
        widget.value = text  # 、 and ， come from the IME: committed whole, as a paste
    else:
        await pilot.press(*list(text))


def _stored(ctx, household_id):
    with ctx.read() as s:
        return s.get(Household, household_id)


async def test_investigator_who_also_reviews_is_refused_then_the_duties_are_saved(app, ctx, household_id):
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _open(app, pilot, household_id)
        await _type(pilot, "investigator", "王审核")
        await pilot.press("ctrl+s")
        await pilot.pause()
        field = next(f for f in form.fields() if f.label == "审核人")
        error = field.query_one(".field-error")
        assert "不能与调查人为同一人" in str(error.content) and error.region.height > 0
        assert "不能与调查人为同一人" in screen_text(app)
        assert _stored(ctx, household_id).investigator == ""  # nothing saved

        await _type(pilot, "investigator", "杨调查")
        await _type(pilot, "responsibility_letter_on", "2026/3/5")
        await _type(pilot, "file_filed_on", "2026-04-01")
        await _type(pilot, "file_items", "申请书，入户调查表、民主评议记录")
        await pilot.press("ctrl+s")
        await pilot.pause()
        h = _stored(ctx, household_id)
        assert (h.investigator, h.responsibility_letter_on, h.file_filed_on) == (
            "杨调查", date(2026, 3, 5), date(2026, 4, 1))
        assert h.file_items == "申请书、入户调查表、民主评议记录"
        assert form.query_one("#responsibility_letter_on").value == "2026-03-05"


async def test_a_future_letter_date_and_an_unknown_file_item_are_named(app, ctx, household_id):
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _open(app, pilot, household_id)
        await _type(pilot, "file_items", "申请书、身份证复印件")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "身份证复印件」不是档案材料" in screen_text(app)
        await _type(pilot, "file_items", "申请书")
        await _type(pilot, "responsibility_letter_on", "2026-12-01")  # today is 2026-11-27
        await pilot.press("ctrl+s")
        await pilot.pause()
        field = next(f for f in form.fields() if f.label == "责任状签订日期")
        assert "不能晚于今天" in str(field.query_one(".field-error").content)
        assert field.query_one(".field-error").region.height > 0
        h = _stored(ctx, household_id)
        assert (h.file_items, h.responsibility_letter_on) == ("", None)


async def test_a_visit_is_recorded_on_the_visits_tab_and_a_future_date_refused(app, ctx, household_id):
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _open(app, pilot, household_id, tab="走访")  # where an H11 finding opens it
        assert form.query_one("TabbedContent").active == "tab-visits"
        assert "尚无走访记录" in screen_text(app)
        await pilot.press("ctrl+n")
        await pilot.pause()
        dialog = app.screen
        assert dialog.query_one("#visitor").value == "陈帮扶"  # the household's 帮扶责任人 by default
        await _type(pilot, "visited_on", "2026-12-25")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        error = dialog.query_one("#dialog-error")
        assert "走访日期" in str(error.content) and "不能晚于今天" in str(error.content)
        assert error.region.height > 0
        with ctx.read() as s:
            assert s.exec(select(Visit)).all() == []

        await _type(pilot, "visited_on", "2026-11-20")
        await _type(pilot, "note", "了解务工收入")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        with ctx.read() as s:
            v = s.exec(select(Visit)).one()
        assert (v.household_id, v.visited_on, v.visitor, v.visitor_unit, v.note) == (
            household_id, date(2026, 11, 20), "陈帮扶", "县教育局", "了解务工收入")
        text = screen_text(app)
        assert "2026-11-20  陈帮扶（县教育局）  了解务工收入" in text and "2026年已走访1次" in text
