"""The footer is rebuilt only when the keys it shows change, not on every focus move
(opening the household form moved the focus several times, rebuilding it each time)."""

from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from fupin_tui.widgets.footer import SteadyFooter
from tests.pilot.ready import until


class Special(Widget, can_focus=True):
    BINDINGS = [("ctrl+t", "noop", "特别")]
    DEFAULT_CSS = "Special { height: 1; }"


class Shell(App):
    BINDINGS = [("ctrl+s", "noop", "保存")]

    def compose(self) -> ComposeResult:
        yield Input(id="a")
        yield Input(id="b")
        yield Special(id="s")
        yield SteadyFooter()

    def action_noop(self) -> None:
        pass


def _shown(app) -> list[str]:
    return [k.description for k in app.screen.query(FooterKey)]


async def test_footer_kept_while_the_keys_stay_the_same_and_redrawn_when_they_change():
    app = Shell()
    async with app.run_test(size=(80, 10)) as pilot:
        await until(pilot, lambda: "保存" in _shown(app), "footer drawn")
        keys_before = list(app.screen.query(FooterKey))
        app.query_one("#b").focus()
        await pilot.pause()
        await pilot.pause()
        assert list(app.screen.query(FooterKey)) == keys_before  # the same widgets: not rebuilt
        app.query_one("#s").focus()
        await until(pilot, lambda: "特别" in _shown(app), "the focused widget's key shown")
        key = next(k for k in app.screen.query(FooterKey) if k.description == "特别")
        assert key.region.width > 0
        app.query_one("#a").focus()
        await until(pilot, lambda: "特别" not in _shown(app), "its key gone again")
