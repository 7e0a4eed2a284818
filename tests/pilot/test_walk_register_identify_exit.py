"""One household from registration to 已脱贫, keyboard only, at 80×24 (issue 13, "How to know it is done").

The clerk's keys only: no service is called and no field is set from the test. The clock moves as
it does in a township office: the app is opened again on the day each 7-day 公示 has run its course
(FUPIN_TUI_TODAY). At each stage the test reads what the clerk sees (status in the title, the step
list, a refusal in its dialog, displayed with a non-zero region) and what the database holds.
The keys are counted; the same walk was done in tmux at 80×24 (the counts are in the report).
"""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from fupin_tui.app import make_app
from fupin_tui.clock import TODAY_ENV
from fupin_tui.models.registry import Household, HouseholdEvent, Member, ProcedureStep
from fupin_tui.services import registry as reg

from tests.pilot.ready import app_ready, dashboard_settled, until
from tests.pilot.test_dialog_kit import seen
from tests.pilot.test_registry_screens import pid
from tests.screen_text import screen_text

HEAD, HEAD_ID = "吴大山", pid("19680315", "013")
SIZE = (80, 24)


class Keys:
    """pilot.press, counting each key (a typed character is one key)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    async def press(self, pilot, stage: str, *keys: str) -> None:
        self.counts[stage] = self.counts.get(stage, 0) + len(keys)
        await pilot.press(*keys)


def _on(app, name: str) -> bool:
    return type(app.screen).__name__ == name


def _household(ctx) -> Household:
    with ctx.read() as s:
        return s.exec(select(Household).where(Household.head_name == HEAD)).one()


def _steps(ctx) -> list[tuple[str, str, date]]:
    with ctx.read() as s:
        return [(p.procedure, p.step, p.done_on) for p in
                s.exec(select(ProcedureStep).where(ProcedureStep.voided == False).order_by(ProcedureStep.id))]  # noqa: E712


async def _form_shows(pilot, status: str) -> None:
    app = pilot.app
    await until(pilot, lambda: _on(app, "HouseholdFormScreen") and f"户主 {HEAD}" in str(app.screen.title)
                and str(app.screen.title).endswith(status) and f"{HEAD}" in screen_text(app)
                and status in screen_text(app), f"{HEAD}的户表，状态 {status}")


async def _step(pilot, keys: Keys, stage: str, title: str, *typed: str) -> None:
    """Ctrl+B, the step dialog titled ``title``, ``typed`` (Ctrl+S included), back on the form."""
    app = pilot.app
    await keys.press(pilot, stage, "ctrl+b")
    await until(pilot, lambda: _on(app, "StepDialog") and title in screen_text(app), f"「{title}」对话框")
    await keys.press(pilot, stage, *typed)
    await until(pilot, lambda: _on(app, "HouseholdFormScreen"), f"「{title}」已登记")
    assert any(f"已登记「{title.split('：')[1]}」" in n.message for n in app._notifications)


async def _refused(pilot, words: str) -> None:
    app = pilot.app
    await until(pilot, lambda: _on(app, "StepDialog") and seen(app.screen.query_one("#dialog-error"))
                and words in str(app.screen.query_one("#dialog-error").render()), f"拒绝：{words}")


async def _open_by_name(pilot, keys: Keys, stage: str, status: str) -> None:
    """A new day, the app opened again: F3, Ctrl+F, the head's name, Enter."""
    await app_ready(pilot)
    await dashboard_settled(pilot)
    await keys.press(pilot, stage, "f3", "ctrl+f", *HEAD, "enter")
    await _form_shows(pilot, status)


@pytest.mark.slow  # 30-90 s: a whole job at the keyboard / every workbook rendered
async def test_register_identify_and_exit_one_household_at_the_keyboard(ctx, db_path, monkeypatch):
    keys = Keys()

    # -- day 1 (2026-12-02): register the household, then the first four identification steps --
    monkeypatch.setenv(TODAY_ENV, "2026-12-02")
    app = make_app(db_path, operator="张会计")
    async with app.run_test(size=SIZE) as pilot:
        await app_ready(pilot)
        await dashboard_settled(pilot)
        stage = "登记：村、地址、电话、致贫原因、户主和身份证号、保存"
        await keys.press(pilot, stage, "f3")
        await until(pilot, lambda: _on(app, "HouseholdListScreen"), "建档立卡")
        await keys.press(pilot, stage, "ctrl+n")
        await until(pilot, lambda: _on(app, "HouseholdFormScreen") and app.focused is not None
                    and app.focused.id == "village_id", "新增贫困户，光标在「村」")
        form = app.screen
        await keys.press(pilot, stage, "enter", "新", "enter")  # 村: open, type to pick, take it
        await keys.press(pilot, stage, "tab", "tab", *"新寨村五组", "tab", *"13800138000")  # 户编号 left empty
        await keys.press(pilot, stage, "tab", "tab", "tab", "enter", "因", "enter")  # 主要致贫原因 因病
        await keys.press(pilot, stage, "ctrl+n", *HEAD, "enter", *HEAD_ID)  # the waiting 户主 row
        assert f"由身份证号：出生 1968-03-15，性别 男" in screen_text(app)
        await keys.press(pilot, stage, "ctrl+s")
        await _form_shows(pilot, "识别中")
        assert any(n.message == "已保存" for n in app._notifications)
        h = _household(ctx)
        assert (h.address, h.phone, h.main_cause, h.status, h.size) == ("新寨村五组", "13800138000", "因病", "识别中", 1)
        with ctx.read() as s:
            head = s.exec(select(Member).where(Member.household_id == h.id)).one()
        assert (head.id_number, head.relation, head.gender, head.birth_date) == (HEAD_ID, "户主", "男", date(1968, 3, 15))

        stage = "识别第1天：申请、入户调查、民主评议、村委会审核公示"
        await _step(pilot, keys, stage, "识别程序：申请", "enter", *"李干部", "ctrl+s")  # 办理日期 is today
        await _step(pilot, keys, stage, "识别程序：入户调查", "ctrl+s")  # 责任人 carried over
        await _step(pilot, keys, stage, "识别程序：民主评议", "ctrl+s")
        await _step(pilot, keys, stage, "识别程序：村委会审核公示", "ctrl+s")  # 公示 2026-12-02 to 12-08
        assert "2026-12-02至2026-12-08" in screen_text(app)

        stage = "识别第1天：乡镇审批公示，公示未满，被拒"
        await keys.press(pilot, stage, "ctrl+b")
        await until(pilot, lambda: _on(app, "StepDialog"), "「乡镇审批公示」对话框")
        await keys.press(pilot, stage, "ctrl+s")
        await _refused(pilot, "日期不能倒退")
        await keys.press(pilot, stage, "escape")
        await until(pilot, lambda: app.screen is form, "回到户表")
        assert [s for _p, s, _d in _steps(ctx)] == ["申请", "入户调查", "民主评议", "村委会审核公示"]

    # -- day 8: 乡镇审批公示; day 15: 县复核公告, the household is 在册 --
    for today, status, stage, title in (
            ("2026-12-09", "识别中", "识别第8天：乡镇审批公示", "识别程序：乡镇审批公示"),
            ("2026-12-16", "识别中", "识别第15天：县复核公告", "识别程序：县复核公告")):
        monkeypatch.setenv(TODAY_ENV, today)
        app = make_app(db_path, operator="张会计")
        async with app.run_test(size=SIZE) as pilot:
            await _open_by_name(pilot, keys, stage, status)
            await _step(pilot, keys, stage, title, "ctrl+s")
            if today == "2026-12-16":
                await _form_shows(pilot, "在册")
                form = app.screen

                # -- the same day: income raised, then the exit's first 公示 --
                stage = "退出第1天：收入（Ctrl+PgUp 到户信息，17 Tab 到工资性收入，改为12000，保存）"
                await keys.press(pilot, stage, "ctrl+pageup", "ctrl+pageup")
                await until(pilot, lambda: app.focused is not None and app.focused.id == "village_id", "户信息")
                await keys.press(pilot, stage, *["tab"] * 17)
                await until(pilot, lambda: app.focused is form.query_one("#wage_income"), "光标在「工资性收入」")
                await keys.press(pilot, stage, "end", *["backspace"] * 4, *"12000", "ctrl+s")  # 0.00 → 12000
                await until(pilot, lambda: _household(ctx).wage_income == Decimal("12000"), "收入已保存")
                await until(pilot, lambda: "人均纯收入 12,000.00 元" in screen_text(app), "人均纯收入看得见")

                stage = "退出第1天：村委会审核公示（先被拒：两不愁三保障）"
                await keys.press(pilot, stage, "ctrl+b")
                await until(pilot, lambda: _on(app, "StepDialog") and "退出程序：村委会审核公示" in screen_text(app),
                            "退出「村委会审核公示」")
                await keys.press(pilot, stage, "enter", "enter", "enter", *"王主任", "ctrl+s")
                await _refused(pilot, "两不愁三保障")
                await keys.press(pilot, stage, "tab", "tab", "tab", "space", "ctrl+s")  # tick 已达到
                await until(pilot, lambda: app.screen is form, "已登记退出第一步")
                await _form_shows(pilot, "在册")
                assert "2026-12-16至2026-12-22" in screen_text(app)

    for today, stage, title, status in (
            ("2026-12-23", "退出第8天：乡镇审批公示", "退出程序：乡镇审批公示", "在册"),
            ("2026-12-30", "退出第15天：县复核公告", "退出程序：县复核公告", "已脱贫")):
        monkeypatch.setenv(TODAY_ENV, today)
        app = make_app(db_path, operator="张会计")
        async with app.run_test(size=SIZE) as pilot:
            await _open_by_name(pilot, keys, stage, "在册")
            await _step(pilot, keys, stage, title, "ctrl+s")
            await _form_shows(pilot, status)

    h = _household(ctx)
    assert h.status == "已脱贫" and h.per_capita_income == Decimal("12000")
    assert _steps(ctx) == [
        *[("识别", s, date(2026, 12, 2)) for s in ("申请", "入户调查", "民主评议", "村委会审核公示")],
        ("识别", "乡镇审批公示", date(2026, 12, 9)), ("识别", "县复核公告", date(2026, 12, 16)),
        ("退出", "村委会审核公示", date(2026, 12, 16)), ("退出", "乡镇审批公示", date(2026, 12, 23)),
        ("退出", "县复核公告", date(2026, 12, 30))]
    with ctx.read() as s:
        events = [(e.from_status, e.to_status) for e in
                  s.exec(select(HouseholdEvent).where(HouseholdEvent.household_id == h.id).order_by(HouseholdEvent.id))]
    assert events == [("", "识别中"), ("识别中", "在册"), ("在册", "已脱贫")]
    assert reg.procedure_view(ctx, h.id).status == "已脱贫"
    print("\nkeys, register → identify → exit at 80×24:")
    for stage, n in keys.counts.items():
        print(f"  {n:3d}  {stage}")
    print(f"  {sum(keys.counts.values()):3d}  in all")
