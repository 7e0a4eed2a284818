"""Issue 13 item 7: the step list has labelled columns, and a wrongly recorded step is voided with a
reason — kept in 历史, nothing deleted — and can be recorded again."""

from datetime import date

from rich.cells import cell_len
from sqlmodel import select

from fupin_tui.app import make_app
from fupin_tui.models import AuditLog, ProcedureStep
from fupin_tui.services import registry as reg

from tests.funds_data import make_households
from tests.pilot.test_dialog_kit import seen
from tests.screen_text import screen_text


async def test_a_slip_is_seen_under_its_label_then_voided_with_a_reason(ctx, db_path):
    [(hid, _name, _), *_] = make_households(ctx)
    from fupin_tui.models import Household

    with ctx.transaction() as s:  # back to 识别中, so the identification steps can be recorded
        h = s.get(Household, hid)
        h.status, h.main_cause, h.attribute = "识别中", "因病", "一般贫困户"
        s.add(h)
    reg.record_step(ctx, hid, "识别", "申请", date(2026, 9, 1), "李干部")
    # the slip of the issue: typed top-down into the wrong fields, the date became 责任人
    reg.record_step(ctx, hid, "识别", "入户调查", date(2026, 9, 3), "2026-09-03", document_no="李干部")
    app = make_app(db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_record(f"household:{hid}", "程序")
        await pilot.pause()
        await pilot.pause()
        form = app.screen
        steps = form.query_one("#identification")
        assert seen(steps)
        lines = str(steps.render()).splitlines()
        header = next(x for x in lines if "办理日期" in x and "责任人" in x)
        slip = next(x for x in lines if "入户调查" in x)
        # the slip stands under the labels: the 责任人 column holds a date, the 文号 column a name
        second_date = slip.index("2026-09-03", slip.index("2026-09-03") + 1)
        assert cell_len(slip[:second_date]) == cell_len(header[:header.index("责任人")])
        assert cell_len(slip[:slip.index("李干部")]) == cell_len(header[:header.index("文号")])
        assert "责任人" in screen_text(app) and "公示期" in screen_text(app)  # on the screen at 80x24
        form.query_one("#btn-void-step").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ in ("ReasonDialog", "ActWithReasonDialog")
        await pilot.press(*"责任人录成了日期", "enter")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is form
        assert "入户调查" not in str(steps.render()).split("[x]")[-1] or "[ ] 入户调查" in str(steps.render())
        assert form.query_one("#btn-next-step").label.plain == "办理：入户调查"
    with ctx.read() as s:
        rows = s.exec(select(ProcedureStep).where(ProcedureStep.household_id == hid)).all()
        voided = [r for r in rows if r.voided]
        assert len(rows) == 2 and [r.step for r in voided] == ["入户调查"]  # kept, marked, not deleted
        assert voided[0].void_reason == "责任人录成了日期"
        assert s.exec(select(AuditLog).where(AuditLog.table_name == "procedurestep",
                                             AuditLog.action == "作废")).first() is not None
    assert any("作废，原因：责任人录成了日期" in r.text for r in reg.history(ctx, hid))


def test_voiding_the_last_identification_step_takes_the_status_back(ctx):
    [(hid, _name, _), *_] = make_households(ctx)
    from fupin_tui.models import Household

    with ctx.transaction() as s:
        h = s.get(Household, hid)
        h.status = "识别中"
        s.add(h)
    days = [date(2026, 9, d) for d in (1, 3, 5, 7, 14, 21)]
    for step, day in zip(("申请", "入户调查", "民主评议", "村委会审核公示", "乡镇审批公示", "县复核公告"), days):
        pub = (day, date(2026, 9, day.day + 6)) if "公示" in step or "公告" in step else (None, None)
        status = reg.record_step(ctx, hid, "识别", step, day, "李干部", *pub)
    assert status == "在册"
    reg.void_last_step(ctx, hid, "公告日期录错")
    with ctx.read() as s:
        assert s.get(Household, hid).status == "识别中"
    assert reg.procedure_view(ctx, hid).next_identification == "县复核公告"
