"""Small forms of the funds screens: a dialog of Fields that stays open until its action succeeds.

The action calls a service; an ``InputError`` is shown under the field it
names, a ``DomainError`` (a rule refusing) under the form with its rule id,
and nothing typed is lost either way.
"""

from __future__ import annotations

from typing import Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from fupin_tui import keymap as km

from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.widgets.forms import Field

Action = Callable[[dict[str, Any]], Any]


class FieldsDialog(ModalScreen[Any]):
    DEFAULT_CSS = """
    FieldsDialog { align: center middle; background: $background 60%; }
    FieldsDialog > Vertical { width: 70; max-width: 98%; height: auto; max-height: 95%;
        border: round $accent; background: $panel; padding: 0 1; }
    FieldsDialog .dialog-title { text-style: bold; height: 1; }
    FieldsDialog .dialog-info { color: $text-muted; height: auto; }
    FieldsDialog .dialog-error { color: $error; height: auto; }
    FieldsDialog Horizontal { height: auto; align-horizontal: right; }
    FieldsDialog Button { margin-left: 2; min-width: 10; }
    """
    BINDINGS = [
        km.bind("save", "submit", "确定"),
        km.bind("back", "cancel", "取消"),
    ]

    def __init__(self, title: str, fields: list[Field], action: Action, *, info: str = "", ok: str = "确定") -> None:
        super().__init__()
        self.title_text, self.fields, self.action, self.info, self.ok = title, fields, action, info, ok

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="dialog-title")
            if self.info:
                yield Static(self.info, classes="dialog-info")
            yield from self.fields
            yield Static("", classes="dialog-error", id="dialog-error")
            with Horizontal():
                yield Button(f"{self.ok}(Ctrl+S)", id="ok", variant="primary")
                yield Button("取消(Esc)", id="cancel")

    def on_mount(self) -> None:
        self.fields[0].widget.focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input is self.fields[-1].widget:
            self.action_submit()
        else:
            self.focus_next()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        error = self.query_one("#dialog-error", Static)
        values, bad = {}, None
        for f in self.fields:
            try:
                values[f.widget.id] = f.validate()
            except InputError:
                bad = bad or f
        if bad is not None:
            bad.widget.focus()
            error.update("输入有误，请按提示修改")
            return
        try:
            result = self.action(values)
        except InputError as exc:
            for f in self.fields:
                if f.label == exc.field:
                    f.show_error(exc.problem)
                    f.widget.focus()
                    break
            error.update(str(exc))
            return
        except DomainError as exc:
            error.update(f"不能办理：{exc}")
            return
        self.dismiss(result if result is not None else True)
