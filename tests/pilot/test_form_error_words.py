"""A refused save says what is wrong in the field's own words (不能为空, 应在0到100之间…), beside the field
and in the message, not 输入有误，请按提示修改 written over the field's line (seen in tmux: 进度 saved
without 工程量完成比例 showed 输入有误 under it and in the toast)."""

from fupin_tui.app import make_app
from fupin_tui.services import progress as service
from fupin_tui.widgets.forms import Field

from tests.funds_data import make_project
from tests.pilot.ready import app_ready, progress_form_open, until
from tests.pilot.test_dialog_kit import seen


async def test_progress_saved_without_its_share_says_it_is_empty(ctx, db_path):
    pid, _lines = make_project(ctx, subsidy="500000.00")
    app = make_app(db_path=db_path, operator="张会计")
    async with app.run_test(size=(80, 24)) as pilot:
        await app_ready(pilot)
        await progress_form_open(pilot)
        await pilot.press("ctrl+s")
        field = next(f for f in app.screen.query(Field) if f.widget.id == "work_share")
        error = field.query_one(".field-error")
        await until(pilot, lambda: seen(error), "工程量完成比例下的错误")
        assert "不能为空" in str(error.render()), str(error.render())
        assert any(n.message == "工程量完成比例：不能为空" for n in app._notifications), \
            [n.message for n in app._notifications]
        assert service.history(app.ctx, pid) == []  # nothing saved
        await pilot.press(*"150", "ctrl+s")  # a wrong value: its own words again
        await until(pilot, lambda: "0到100" in str(error.render()), "超出范围的说明")
        assert "输入有误" not in str(error.render())
