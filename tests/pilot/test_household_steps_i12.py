"""Issue 12 item 4 on the household form: procedure steps, 返贫 and 清退 check the version the form
showed. Another operator's change meanwhile is refused where the clerk sees it (in the dialog, the
typed text kept); the clerk's own steps one after the other go through."""

from sqlmodel import select

from fupin_tui.app import make_app
from fupin_tui.context import open_context
from fupin_tui.models import Household, ProcedureStep
from fupin_tui.services import registry as reg
from tests.funds_data import make_households
from tests.pilot.ready import app_ready, until


def _identifying(ctx) -> int:
    [(hid, _name, _), *_] = make_households(ctx)
    with ctx.transaction() as s:
        h = s.get(Household, hid)
        h.status, h.main_cause, h.attribute = "识别中", "因病", "一般贫困户"
        s.add(h)
    return hid


async def _open_form(app, pilot, hid):
    await app_ready(pilot)
    app.open_record(f"household:{hid}", "程序")
    await until(pilot, lambda: type(app.screen).__name__ == "HouseholdFormScreen"
                and getattr(app.screen, "household_id", None) == hid, "户表打开")
    await pilot.pause()
    return app.screen


async def _record_next_step(app, pilot, form, responsible: str):
    form.action_next_step()
    await until(pilot, lambda: type(app.screen).__name__ == "StepDialog", "程序步骤对话框")
    dialog = app.screen
    await pilot.pause()
    dialog.query_one("#responsible").value = responsible
    await pilot.press("ctrl+s")
    return dialog


def _shown(widget) -> bool:
    return widget.display and widget.region.width > 0 and widget.region.height > 0


async def test_a_step_over_another_operators_change_is_refused_in_the_dialog(ctx, db_path):
    hid = _identifying(ctx)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _open_form(app, pilot, hid)
        other = open_context(db_path, operator="李出纳")  # another window records the step first
        reg.record_step(other, hid, "识别", "申请", ctx.today(), "王干部")
        other.db.close()
        dialog = await _record_next_step(app, pilot, form, "李干部")
        error = dialog.query_one("#dialog-error")
        await until(pilot, lambda: "没有保存" in str(error.render()), "拒绝保存的说明")
        assert app.screen is dialog, "the dialog stays open with what was typed"
        assert _shown(error) and "李出纳" in str(error.render())
        assert dialog.query_one("#responsible").value == "李干部"
    with ctx.read() as s:
        steps = s.exec(select(ProcedureStep).where(ProcedureStep.household_id == hid)).all()
        assert [x.responsible for x in steps] == ["王干部"], "the other operator's step alone"


async def test_a_removal_over_another_operators_change_is_refused_in_the_dialog(ctx, db_path):
    hid = _identifying(ctx)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _open_form(app, pilot, hid)
        other = open_context(db_path, operator="李出纳")
        with other.transaction() as s:
            s.get(Household, hid).phone = "13800000000"
        other.db.close()
        form._remove_pressed()
        await until(pilot, lambda: type(app.screen).__name__ == "ActWithReasonDialog", "清退原因对话框")
        dialog = app.screen
        await pilot.pause()
        await pilot.press(*"识别不准", "ctrl+s")
        error = dialog.query_one("#dialog-error")
        await until(pilot, lambda: "没有保存" in str(error.render()), "拒绝清退的说明")
        assert app.screen is dialog and _shown(error) and "李出纳" in str(error.render())
        assert dialog.query_one("#reason").value == "识别不准"
    with ctx.read() as s:
        assert s.get(Household, hid).status == "识别中"


async def test_two_own_steps_one_after_the_other_both_go_through(ctx, db_path):
    hid = _identifying(ctx)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _open_form(app, pilot, hid)
        for step, who in (("申请", "李干部"), ("入户调查", "王干部")):
            button = form.query_one("#btn-next-step")
            assert button.label.plain == f"办理：{step}"
            await _record_next_step(app, pilot, form, who)
            await until(pilot, lambda: app.screen is form, f"「{step}」登记后回到户表")
        await until(pilot, lambda: form.query_one("#btn-next-step").label.plain == "办理：民主评议", "下一步")
        assert "入户调查" in str(form.query_one("#identification").render())
    with ctx.read() as s:
        steps = s.exec(select(ProcedureStep).where(ProcedureStep.household_id == hid)
                       .order_by(ProcedureStep.seq)).all()
        assert [(x.step, x.responsible) for x in steps] == [("申请", "李干部"), ("入户调查", "王干部")]


async def test_the_next_steps_responsible_person_is_the_previous_steps(ctx, db_path):
    """One person usually carries the procedure: the next step's 责任人 starts as the last one's,
    shown in the dialog, and is saved as shown when the clerk keeps it (found walking in tmux)."""
    hid = _identifying(ctx)
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_form(app, pilot, hid)
        await _record_next_step(app, pilot, form, "李干部")
        await until(pilot, lambda: app.screen is form and form.query_one("#btn-next-step").label.plain
                    == "办理：入户调查", "「申请」登记后回到户表")
        form.action_next_step()
        await until(pilot, lambda: type(app.screen).__name__ == "StepDialog" and app.screen.query("#responsible"),
                    "程序步骤对话框")
        field = app.screen.query_one("#responsible")
        await until(pilot, lambda: field.value == "李干部" and _shown(field), "责任人已带出上一步的「李干部」")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is form, "「入户调查」登记后回到户表")
    with ctx.read() as s:
        steps = s.exec(select(ProcedureStep).where(ProcedureStep.household_id == hid)
                       .order_by(ProcedureStep.seq)).all()
        assert [(x.step, x.responsible) for x in steps] == [("申请", "李干部"), ("入户调查", "李干部")]
