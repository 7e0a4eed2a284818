"""Options given to a CodeSelect before it has composed are kept and shown once it has
(the registry's filters get their villages as the database opens, maybe before they compose)."""

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import Select

from fupin_tui.widgets.forms import CodeSelect
from tests.pilot.ready import until


class _Host(App):
    def compose(self) -> ComposeResult:
        yield Vertical(id="box")


async def test_options_set_before_compose_are_shown_when_opened():
    app = _Host()
    async with app.run_test(size=(60, 20)) as pilot:
        select = CodeSelect([], id="village", prompt="全部村")
        app.query_one("#box").mount(select)  # not awaited: in the DOM, not yet composed
        select.set_options([("红星村", 1), ("前进村", 2)])  # raised NoMatches: SelectOverlay
        await pilot.pause()
        assert select.value is Select.NULL
        select.focus()
        await pilot.press("enter")
        await until(pilot, lambda: select.expanded, "下拉列表打开")
        overlay = select.query_one("SelectOverlay")
        prompts = [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]
        assert prompts == ["全部村", "红星村", "前进村"]
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: select.value == 2, "选中前进村")
        assert "前进村" in str(select.query_one("SelectCurrent #label").render())
