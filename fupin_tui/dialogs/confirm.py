"""Typed dialogs: a yes/no question and a reason to give (作废, 确认 …)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

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


class ReasonDialog(ModalScreen[str | None]):
    """Asks for a reason; an empty reason is refused (作废 and 确认 must say why)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ReasonDialog")
    BINDINGS = [km.bind("back", "cancel", "取消")]

    def __init__(self, title: str, prompt: str = "原因", *, placeholder: str = "") -> None:
        super().__init__()
        self.title_text, self.prompt, self.placeholder = title, prompt, placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="dialog-title")
            yield Label(self.prompt)
            yield Input(placeholder=self.placeholder, id="reason")
            yield Static("", classes="dialog-error")
            with Horizontal():
                yield Button("确定", id="ok", variant="primary")
                yield Button("取消", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def _submit(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one(".dialog-error", Static).update(f"{self.prompt}：不能为空")
            return
        self.dismiss(reason)

    @on(Input.Submitted)
    def _entered(self) -> None:
        self._submit()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
