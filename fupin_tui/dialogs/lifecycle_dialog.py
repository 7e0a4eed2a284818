"""Dialogs of the project dossier that ask only what one step needs.

``FieldsDialog`` shows the ``FieldSpec`` list the domain gives for a step
(date, document number, approver …), hands the typed text to a ``submit``
callback (a service call) and stays open until it succeeds: an ``InputError``
appears under the field it names, a ``DomainError`` (with its rule id) at the
top, and nothing typed is lost.  A P02 look-alike (``NeedsConfirmation``) asks
the clerk to confirm with the similar projects listed, then submits again.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.lifecycle import FieldSpec
from fupin_tui.widgets.forms import CodeSelect, TextInput

Submit = Callable[[dict[str, Any], bool], Any]


class FieldsDialog(ModalScreen[Any]):
    """A small form built from FieldSpecs; dismisses with what ``submit`` returned."""

    DEFAULT_CSS = """
    FieldsDialog { align: center middle; background: $background 60%; }
    FieldsDialog > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
                              border: round $accent; background: $panel; padding: 0 1; }
    FieldsDialog .dialog-title { text-style: bold; }
    FieldsDialog .dialog-note { color: $text-muted; }
    FieldsDialog .dialog-error { color: $error; height: auto; display: none; }
    FieldsDialog .dialog-error.-shown { display: block; }
    FieldsDialog VerticalScroll { height: auto; max-height: 16; }
    FieldsDialog .row { height: auto; }
    FieldsDialog .row Label { width: 18; height: auto; }
    FieldsDialog .row.-required Label { text-style: bold; }
    FieldsDialog .row TextInput, FieldsDialog .row CodeSelect { width: 1fr; }
    FieldsDialog TextArea { height: 4; width: 1fr; }
    FieldsDialog .field-error { color: $error; padding-left: 18; height: auto; display: none; }
    FieldsDialog .field-error.-shown { display: block; }
    FieldsDialog .dialog-keys { color: $text-muted; text-align: right; }
    """
    BINDINGS = [
        Binding("ctrl+s", "submit", "确定", id="submit", tooltip="保存这一步（一次完整保存）"),
        Binding("escape", "cancel", "取消", id="cancel"),
    ]

    def __init__(self, title: str, fields: Sequence[FieldSpec], submit: Submit, *,
                 notes: Sequence[str] = (), initial: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.specs = list(fields)
        self.submit_fn = submit
        self.notes = list(notes)
        self.initial = dict(initial or {})

    # -- layout ---------------------------------------------------------------
    def _widget(self, spec: FieldSpec):
        wid = f"f-{spec.key}"
        value = str(self.initial.get(spec.key, "") or "")
        if spec.kind == "choice":
            return CodeSelect(spec.choices, value=value or None, id=wid)
        if spec.kind == "lines":
            area = TextArea(value, id=wid, soft_wrap=True, show_line_numbers=False)
            return area
        placeholder = {"date": "年-月-日", "money": "元", "ratio": "如 5%"}.get(spec.kind, spec.hint)
        return TextInput(value, placeholder=spec.hint or placeholder, id=wid)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="dialog-title")
            for note in self.notes:
                yield Static(note, classes="dialog-note")
            yield Static("", id="dialog-error", classes="dialog-error")
            with VerticalScroll():
                for spec in self.specs:
                    with Horizontal(classes="row" + (" -required" if spec.required else "")):
                        yield Label(("*" if spec.required else "") + spec.label)
                        yield self._widget(spec)
                    yield Static("", id=f"e-{spec.key}", classes="field-error")
            yield Static("Ctrl+S 确定　Esc 取消　Enter 下一项", classes="dialog-keys")

    def on_mount(self) -> None:
        if self.specs:
            self.query_one(f"#f-{self.specs[0].key}").focus()

    # -- values ---------------------------------------------------------------
    def raw_values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in self.specs:
            widget = self.query_one(f"#f-{spec.key}")
            if isinstance(widget, TextArea):
                out[spec.key] = widget.text
            elif isinstance(widget, Select):
                out[spec.key] = "" if widget.value is Select.NULL else widget.value
            else:
                out[spec.key] = widget.value
        return out

    def _clear_errors(self) -> None:
        for node in self.query(".-shown"):
            node.remove_class("-shown")

    def show_error(self, error: DomainError) -> None:
        if isinstance(error, InputError):
            for spec in self.specs:
                if spec.label == error.field or spec.key == error.field or error.field.startswith(spec.label):
                    line = self.query_one(f"#e-{spec.key}", Static)
                    line.update(error.problem)
                    line.add_class("-shown")
                    self.query_one(f"#f-{spec.key}").focus()
                    return
        top = self.query_one("#dialog-error", Static)
        top.update(str(error))
        top.add_class("-shown")

    def action_submit(self, confirmed: bool = False) -> None:
        self._clear_errors()
        raw = self.raw_values()
        try:
            result = self.submit_fn(raw, confirmed)
        except DomainError as exc:
            similar = getattr(exc, "similar", None)
            if similar and not confirmed:
                self._ask_confirmation(exc)
                return
            self.show_error(exc)
            return
        self.dismiss(result)

    def _ask_confirmation(self, exc: DomainError) -> None:
        from fupin_tui.dialogs.confirm import ConfirmDialog

        lines = [f"{s.other.name}（{s.other.year}年，{s.other.amount:,.2f}元）：{s.kind}（{s.how}）" for s in exc.similar]
        message = (f"[{exc.rule} {exc.section}] 与下列项目同村、同建设内容：\n" + "\n".join(lines)
                   + "\n确认不是重复申报或拆分项目吗？")

        def answered(yes: bool | None) -> None:
            if yes:
                self.action_submit(confirmed=True)

        self.app.push_screen(ConfirmDialog(message, title="疑似重复或拆分", yes="确认申报", no="返回修改"), answered)

    def action_cancel(self) -> None:
        self.dismiss(None)

    # -- keys -----------------------------------------------------------------
    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = [w for w in self.query("TextInput, CodeSelect, TextArea")]
        if inputs and event.input is inputs[-1]:
            self.action_submit()
        else:
            self.focus_next()


class LifecycleDialog(FieldsDialog):
    """One life-cycle step of a project (立项批复, 验收 …), as the domain describes it."""

    def __init__(self, project_name: str, action: str, fields: Sequence[FieldSpec], notes: Sequence[str],
                 submit: Submit, initial: Mapping[str, str] | None = None) -> None:
        super().__init__(f"{action}：{project_name}", fields, submit, notes=notes, initial=initial)
        self.action_name = action


class ActionMenu(ModalScreen[str | None]):
    """Pick the next step among those the project's state allows."""

    DEFAULT_CSS = """
    ActionMenu { align: center middle; background: $background 60%; }
    ActionMenu > Vertical { width: 40; height: auto; max-height: 100%; border: round $accent;
                            background: $panel; padding: 0 1; }
    ActionMenu OptionList, ActionMenu OptionList:focus { height: auto; max-height: 16; border: none; }
    """
    BINDINGS = [Binding("escape", "cancel", "取消", id="cancel")]

    def __init__(self, title: str, actions: Sequence[str]) -> None:
        super().__init__()
        self.title_text, self.actions = title, list(actions)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            if self.actions:
                yield OptionList(*[Option(a, id=a) for a in self.actions])
            else:
                yield Static("当前状态下没有可办理的步骤。")

    def on_mount(self) -> None:
        if self.actions:
            self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
