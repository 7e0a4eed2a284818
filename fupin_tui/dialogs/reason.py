"""A reason to give before an act that must say why (作废, 确认, 撤销确认 …)."""

from __future__ import annotations

from textual.app import ComposeResult

from fupin_tui.dialogs.kit import FormDialog
from fupin_tui.widgets.forms import Field, TextInput


class ReasonDialog(FormDialog):
    """Asks for a reason; an empty reason is refused (作废 and 确认 must say why). Dismisses with the text or None."""

    def __init__(self, title: str, prompt: str = "原因", *, placeholder: str = "") -> None:
        short = prompt.split("（")[0]  # 清退原因（如 识别不准…）: the example goes above the field
        super().__init__(title, notes=[prompt] if short != prompt else [])
        self.prompt, self.placeholder = short, placeholder

    def compose_fields(self) -> ComposeResult:
        yield Field(self.prompt, TextInput(id="reason", required=True, placeholder=self.placeholder),
                    label_width=min(len(self.prompt) * 2 + 2, 20))

    def submit(self, confirmed: bool = False) -> str:
        return self.parsed_values()["reason"]
