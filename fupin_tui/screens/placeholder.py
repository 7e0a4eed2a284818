from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header, Static
from fupin_tui.widgets.footer import SteadyFooter


class PlaceholderScreen(Screen):
    """Shown for a job whose screen is not built yet."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.job_title = title

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"「{self.job_title}」尚在建设中。按 F2 返回工作台。", classes="muted")
        yield SteadyFooter()
