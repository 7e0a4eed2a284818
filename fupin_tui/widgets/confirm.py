"""Plain questions: yes or no, and what to do with a kept draft. Below every form and dialog kit, so any of them can ask."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from fupin_tui import keymap as km

DIALOG_CSS = """
{name} {{ align: center middle; background: $background 60%; }}
{name} > Vertical {{ width: 60; max-width: 95%; height: auto; border: round $accent; background: $panel; padding: 1 2; }}
{name} .dialog-title {{ text-style: bold; margin-bottom: 1; }}
{name} .dialog-error {{ color: $error; height: auto; }}
{name} Horizontal {{ height: auto; align-horizontal: right; margin-top: 1; }}
{name} Button {{ margin-left: 2; min-width: 10; }}
"""


class ConfirmDialog(ModalScreen[bool]):
    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmDialog")
    BINDINGS = [
        km.bind("back", "answer(False)", "取消"),
        km.bind("yes", "answer(True)", "确定", show=False),
    ]

    def __init__(self, message: str, *, title: str = "请确认", yes: str = "确定", no: str = "取消") -> None:
        super().__init__()
        self.message, self.title_text, self.yes, self.no = message, title, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.message)
            with Horizontal():
                yield Button(self.yes, id="yes", variant="primary")
                yield Button(self.no, id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class DraftOfferDialog(ModalScreen[str | None]):
    """恢复草稿 / 丢弃草稿 / 稍后 (Esc): dropping a draft is always a choice of its own, never Esc."""

    DEFAULT_CSS = DIALOG_CSS.format(name="DraftOfferDialog")
    BINDINGS = [km.bind("back", "later", "稍后")]

    def __init__(self, when: str, title: str) -> None:
        super().__init__()
        self.when, self.what = when, title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("未保存的草稿", classes="dialog-title")
            yield Static(f"这张表有 {self.when} 未保存的填写（{self.what}）。\n恢复后核对一遍再按 Ctrl+S 保存；"
                         "丢弃后无法找回；按 Esc 稍后再说，下次打开时还会询问。", markup=False)
            with Horizontal():
                yield Button("恢复草稿", id="restore", variant="primary")
                yield Button("丢弃草稿", id="discard", variant="error")
                yield Button("稍后", id="later")

    def on_mount(self) -> None:
        self.query_one("#restore", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "later" else event.button.id)

    def action_later(self) -> None:
        self.dismiss(None)
