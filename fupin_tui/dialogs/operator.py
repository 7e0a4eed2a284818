"""Who is working: chosen at each start, the last one offered first (谁登记、谁负责)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from fupin_tui import keymap as km

from fupin_tui.widgets.confirm import DIALOG_CSS


class OperatorDialog(ModalScreen[str | None]):
    DEFAULT_CSS = DIALOG_CSS.format(name="OperatorDialog") + """
    OperatorDialog OptionList { height: auto; max-height: 10; margin-bottom: 1; }
    """
    BINDINGS = [km.bind("back", "cancel", "退出")]

    def __init__(self, names: list[str], last: str | None) -> None:
        super().__init__()
        self.names = names
        self.last = last if last in names else (names[0] if names else None)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("请选择经办人", classes="dialog-title")
            yield Static("本次所有登记和修改都记在经办人名下。回车确认；新经办人请在下面输入姓名。", classes="muted")
            yield OptionList(*[Option(n, id=n) for n in self.names], id="names")
            yield Input(placeholder="新经办人姓名", id="new-name")
            yield Static("", classes="dialog-error")

    def on_mount(self) -> None:
        options = self.query_one("#names", OptionList)
        if self.names:
            options.highlighted = self.names.index(self.last) if self.last else 0
            options.focus()
        else:
            options.display = False
            self.query_one("#new-name", Input).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if not name:
            self.query_one(".dialog-error", Static).update("经办人姓名：不能为空")
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
