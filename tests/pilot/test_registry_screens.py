"""A clerk registers a household at the keyboard, finds it again, and runs it through the procedures."""

from datetime import date

import pytest
from sqlmodel import select

from fupin_tui.app import make_app
from fupin_tui.domain.idcard import check_digit
from fupin_tui.models.audit import AuditLog
from fupin_tui.models.registry import Household, HouseholdEvent, Member, ProcedureStep
from fupin_tui.services import registry as reg
from fupin_tui.services.township import villages
from fupin_tui.widgets.lazy_table import LazyTable
from tests.pilot.ready import until


def pid(birth: str, seq: str) -> str:
    first17 = "520123" + birth + seq
    return first17 + check_digit(first17)


HEAD_ID, WIFE_ID, KID_ID = pid("19700101", "011"), pid("19720202", "022"), pid("20150505", "031")


async def type_into(pilot, widget_id: str, text: str) -> None:
    """Focus a field as the clerk would land on it and type."""
    pilot.app.screen.query_one(f"#{widget_id}").focus()
    await pilot.pause()
    await pilot.press(*list(text))


async def pick(pilot, widget_id: str, text: str) -> None:
    """Open a dropdown with Enter, type to pick, Enter to take it."""
    pilot.app.screen.query_one(f"#{widget_id}").focus()
    await pilot.press("enter")
    await pilot.press(*list(text))
    await pilot.press("enter")
    await pilot.pause()


async def type_member(pilot, name, number, relation, education="", school=""):
    await pilot.press("ctrl+n")
    await pilot.press(*list(name))
    await pilot.press("enter")  # Enter moves to the ID number
    pilot.app.screen.focused.value = number  # pasted: 18 keystrokes each are covered by the head row
    await pilot.press("enter")
    await pilot.pause()
    await pick(pilot, "m_relation", relation)
    if education:
        await pick(pilot, "m_education", education)
    if school:
        await pick(pilot, "m_school_status", school)


@pytest.fixture
def app(ctx, db_path):
    return make_app(db_path=db_path, operator="张会计")


@pytest.mark.slow  # 30-90 s: a whole job at the keyboard / every workbook rendered
async def test_clerk_types_a_household_finds_it_and_runs_procedures(app, ctx):
    async with app.run_test(size=(120, 40)) as pilot:
        await app.switch_mode("registry")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        await pick(pilot, "village_id", "新寨")
        await pick(pilot, "main_cause", "因病")
        await type_into(pilot, "address", "新寨村一组")
        await pilot.press("enter")  # next field: 联系电话
        await pilot.press(*list("13800138000"))
        await type_into(pilot, "wage_income", "９０００")
        await type_into(pilot, "transfer_income", "1200.5")
        # the head row is there already: fill it, then add two more people
        await type_into(pilot, "m_name", "张三")
        await pilot.press("enter")
        await pilot.press(*list(HEAD_ID))
        await pick(pilot, "m_education", "小学")
        await type_member(pilot, "李四", WIFE_ID, "配偶", education="初中")
        await type_member(pilot, "张小明", KID_ID, "之子", school="小学")
        assert "3 人，人均纯收入 3,400.17 元" in str(form.query_one("#income-line").content)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.household_id is not None
        assert "张三" in form.title

        with ctx.read() as s:
            h = s.exec(select(Household)).one()
            members = s.exec(select(Member).order_by(Member.id)).all()
        assert (h.head_name, h.size, h.phone, h.address, h.main_cause) == ("张三", 3, "13800138000", "新寨村一组", "因病")
        assert str(h.per_capita_income) == "3400.17"
        assert [(m.name, m.relation, m.gender) for m in members] == [("张三", "户主", "男"), ("李四", "配偶", "女"),
                                                                     ("张小明", "之子", "男")]
        assert members[2].birth_date == date(2015, 5, 5) and members[2].school_status == "小学"

        # back to the list: find by pinyin initials of the wife
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+f")
        await pilot.press("l", "s")
        await pilot.pause()
        table = app.screen.query_one(LazyTable)
        assert table.total == 1 and table.current.head_name == "张三"
        await pilot.press("ctrl+f", "backspace", "backspace", *list("wxy"))
        await pilot.pause()
        assert table.total == 0
        await pilot.press("backspace", "backspace", "backspace", *list("zxm"))
        await pilot.pause()
        assert table.total == 1
        await pilot.press("enter")  # the only match: Enter in the search box opens it
        await pilot.pause()
        form = app.screen
        assert form.household_id == h.id

        # identification: six steps, each with date, responsible person and publicity
        days = ["2026-09-01", "2026-09-03", "2026-09-05", "2026-09-07", "2026-09-14", "2026-09-21"]
        for day in days:
            await pilot.press("ctrl+b")
            await pilot.pause()
            dialog = app.screen
            dialog.query_one("#done_on").value = day
            if dialog.query("#publicity_from"):
                dialog.query_one("#publicity_from").value = day
                end = date.fromisoformat(day).replace(day=date.fromisoformat(day).day + 6)
                dialog.query_one("#publicity_to").value = end.isoformat()
            await type_into(pilot, "responsible", "李干部")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is form, dialog.query_one(".dialog-error").content
        assert form.title.endswith("在册")

        # exit: needs income above the line, so feed the ledger first
        form.query_one("TabbedContent").active = "tab-ledger"  # 台账 page, then 新增
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pick(pilot, "direction", "收入")
        await pick(pilot, "category", "工资")
        await type_into(pilot, "amount", "15000")
        await type_into(pilot, "item", "外出务工")
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one("#btn-ledger-apply").press()
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"  # 计入收入 replaces the year's income: asked
        await pilot.press("y")
        await pilot.pause()
        for day in ["2026-10-08", "2026-10-15", "2026-10-22"]:
            await pilot.press("ctrl+b")
            await pilot.pause()
            dialog = app.screen
            dialog.query_one("#done_on").value = day
            if dialog.query("#publicity_from"):
                dialog.query_one("#publicity_from").value = day
                dialog.query_one("#publicity_to").value = day[:-2] + str(int(day[-2:]) + 6)
            if dialog.query("#basic_needs_met"):
                dialog.query_one("#basic_needs_met").value = True
            await type_into(pilot, "responsible", "王主任")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is form, dialog.query_one(".dialog-error").content
        assert form.title.endswith("已脱贫")
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert "在册 变为 已脱贫" in str(form.query_one("#history").content)

    with ctx.read() as s:
        h = s.get(Household, h.id)
        events = [(e.from_status, e.to_status, e.created_by) for e in s.exec(select(HouseholdEvent).order_by(HouseholdEvent.id))]
        steps = s.exec(select(ProcedureStep).order_by(ProcedureStep.id)).all()
        audit = s.exec(select(AuditLog).where(AuditLog.table_name.in_(["household", "member", "procedurestep"]))).all()
    assert h.status == "已脱贫" and str(h.per_capita_income) == "5000.00"
    assert events == [("", "识别中", "张会计"), ("识别中", "在册", "张会计"), ("在册", "已脱贫", "张会计")]
    assert [s.step for s in steps] == [*reg.proc.IDENTIFICATION_STEPS, *reg.proc.EXIT_STEPS]
    assert all(s.responsible for s in steps) and steps[3].publicity_to == date(2026, 9, 13)
    assert {a.operator for a in audit} == {"张会计"}
    assert sum(1 for a in audit if a.table_name == "member" and a.action == "新增") == 3
    assert sum(1 for a in audit if a.table_name == "procedurestep") == 9


async def test_duplicate_id_is_refused_naming_the_other_household(app, ctx):
    vid = villages(ctx)[0].id
    first = reg.save_household(ctx, reg.HouseholdInput(village_id=vid, main_cause="因病"),
                               [reg.MemberInput("王五", HEAD_ID, "户主")])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.switch_mode("registry")
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        await pick(pilot, "village_id", "坪上")
        await pick(pilot, "main_cause", "因学")
        await type_into(pilot, "m_name", "赵六")
        await pilot.press("enter")
        form.query_one("#m_id_number").value = HEAD_ID
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = str(form.query_one("#m_id_number").parent.query_one(".field-error").content)
        assert f"已登记在 户号 {first.household_no}（户主 王五）" in error
        assert form.query_one("#m_name").value == "赵六"  # nothing typed is lost
        assert form.household_id is None
    with ctx.read() as s:
        assert len(s.exec(select(Household)).all()) == 1


async def test_escape_asks_before_dropping_changes(app, ctx):
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("registry")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await type_into(pilot, "address", "一组")
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("escape")  # keep editing
        await pilot.pause()
        assert type(app.screen).__name__ == "HouseholdFormScreen"


async def test_quality_run_lists_problems_and_removal_keeps_the_household(app, ctx):
    vid = villages(ctx)[0].id
    saved = reg.save_household(ctx, reg.HouseholdInput(village_id=vid, main_cause="因病", phone="12345"),
                               [reg.MemberInput("王五", HEAD_ID, "户主")])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.switch_mode("registry")
        await pilot.pause()
        await pilot.press("ctrl+t")  # 数据检查 over the whole registry
        await until(pilot, lambda: type(app.screen).__name__ == "QualityScreen"
                    and app.screen.query_one(LazyTable).current is not None, "数据检查 result")
        assert type(app.screen).__name__ == "QualityScreen"
        problem = app.screen.query_one(LazyTable).current
        assert (problem.rule, problem.household_no) == ("H08", saved.household_no)
        assert "户联系电话「12345」不是11位手机号码" in problem.message
        await pilot.press("enter")  # open the household to fix it
        await pilot.pause()
        form = app.screen
        assert form.household_id == saved.id
        form.query_one("#btn-remove").press()
        await pilot.pause()
        await pilot.press(*list("重复识别"), "enter")
        await pilot.pause()
        assert form.title.endswith("清退")
    with ctx.read() as s:
        h = s.get(Household, saved.id)
        event = s.exec(select(HouseholdEvent).where(HouseholdEvent.to_status == "清退")).one()
    assert h.status == "清退" and event.reason == "重复识别" and event.from_status == "识别中"


async def test_member_editor_is_built_when_first_needed(app, ctx):
    vid = villages(ctx)[0].id
    saved = reg.save_household(ctx, reg.HouseholdInput(village_id=vid, main_cause="因病"),
                               [reg.MemberInput("王五", HEAD_ID, "户主"), reg.MemberInput("李四", WIFE_ID, "配偶")])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.switch_mode("registry")
        await pilot.pause()
        app.open_record(f"household:{saved.id}")
        await pilot.pause()
        form = app.screen
        assert not form.query("#m_name")  # opening the household does not build the member editor
        form.query_one("TabbedContent").active = "tab-members"
        await pilot.pause()
        assert form.query_one("#m_name").value == "王五" and form.query_one("#members").row_count == 2
        await pilot.press("escape")  # looking at the members changed nothing: leave without asking
        await pilot.pause()
        assert type(app.screen).__name__ == "HouseholdListScreen"

        app.open_record(f"household:{saved.id}")
        await pilot.pause()
        form = app.screen
        await pilot.press("ctrl+n")  # from the first tab: the editor is built and the new row focused
        await pilot.pause()
        assert form.query_one("TabbedContent").active == "tab-members"
        assert form.focused is form.query_one("#m_name") and form.query_one("#members").row_count == 3
        await pilot.press(*list("张小明"))
        await pilot.press("enter")
        form.focused.value = KID_ID
        await pick(pilot, "m_relation", "之子")
        await pilot.press("ctrl+s")
        await pilot.pause()
    with ctx.read() as s:
        assert [m.name for m in s.exec(select(Member).where(Member.household_id == saved.id))] == ["王五", "李四", "张小明"]


async def test_the_form_is_built_once_and_refilled_for_each_household(app, ctx):
    """Issue 18: a second household opens in the same form, showing only its own data."""
    vid = villages(ctx)[0].id
    first = reg.save_household(ctx, reg.HouseholdInput(village_id=vid, main_cause="因病", address="一组"),
                               [reg.MemberInput("王五", HEAD_ID, "户主")])
    second = reg.save_household(ctx, reg.HouseholdInput(village_id=vid, main_cause="缺资金", address="二组"),
                                [reg.MemberInput("李四", WIFE_ID, "户主"), reg.MemberInput("李小", KID_ID, "之子")])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.switch_mode("registry")
        await pilot.pause()
        app.open_record(f"household:{first.id}")
        await pilot.pause()
        form = app.screen
        form.query_one("TabbedContent").active = "tab-members"
        await pilot.pause()
        await type_into(pilot, "m_id_number", "x")  # a problem shown next to a field of the first household
        form.query_one("#address").value = "改了"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")  # unsaved: asks
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        app.screen.dismiss(True)  # 放弃修改
        await pilot.pause()
        assert type(app.screen).__name__ == "HouseholdListScreen"

        app.open_record(f"household:{second.id}")
        await pilot.pause()
        assert app.screen is form  # the same widgets, refilled
        assert form.household_id == second.id and "李四" in form.title
        assert form.query_one("TabbedContent").active == "tab-household"
        assert form.query_one("#address").value == "二组" and form.query_one("#address").region.width > 0
        assert not form.query(".-has-error")
        assert not form.dirty
        form.query_one("TabbedContent").active = "tab-members"
        await pilot.pause()
        assert form.query_one("#members").row_count == 2 and form.query_one("#m_name").value == "李四"
        await pilot.press("escape")  # nothing changed: leaves without asking
        await pilot.pause()
        assert type(app.screen).__name__ == "HouseholdListScreen"
    with ctx.read() as s:
        assert s.get(Household, first.id).address == "一组"  # the dropped edit was never saved


async def test_ctrl_n_on_a_new_household_fills_the_head_row_before_adding_another(app, ctx):
    """A new household has its 户主 row waiting: Ctrl+N goes to it instead of adding a second empty row;
    once it is filled in, Ctrl+N adds the next person."""
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("registry")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        await pilot.press("ctrl+n")
        await pilot.pause()
        table = form.query_one("#members")
        name = form.query_one("#m_name")
        assert table.row_count == 1 and form.focused is name and name.region.height > 0
        assert form.query_one("#m_relation").value == "户主"
        await pilot.press(*"张三")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert table.row_count == 2 and form.focused is name and name.value == ""
