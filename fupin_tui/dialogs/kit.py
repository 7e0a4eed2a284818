"""The one dialog kit: every dialog that asks for typed input is a ``FormDialog``.

What every such dialog does the same way:

- Fields (``widgets.forms.Field``) in the order a clerk fills them; Enter moves
  to the next field (and submits from the last), Tab moves exactly one field.
- Ctrl+S submits: ``submit()`` (a service call) either returns the result the
  dialog is dismissed with, or raises.  An ``InputError`` marks the field it
  names *and* is written on the dialog's one error line; a ``DomainError``
  (a rule refusing, with its id) is written on that line.  The dialog stays
  open and nothing typed is lost.
- The error line is ``#dialog-error`` (class ``dialog-error``): below the
  fields, above the key hint, outside the scrolling part, so it is on screen
  whenever the dialog is.
- Esc leaves; when something was typed it asks first (放弃填写的内容？).

Class names are unique in the app (Textual's CSS type selectors match by class
name, so two classes of one name share — and break — each other's styles).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from fupin_tui import keymap as km

from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.widgets.drafts import DraftKeeping
from fupin_tui.widgets.forms import CodeSelect, Field, TextInput

KEYS_HINT = "Ctrl+S 确定　Esc 取消　Enter 下一项"


class FormDialog(DraftKeeping, ModalScreen[Any]):
    """Base of every input dialog; subclasses implement ``compose_fields`` and ``submit``.

    Set ``draft_key`` (e.g. ``f"project:{id}:basics"``) to keep what is typed as a draft
    (``widgets.drafts``): offered back when the same dialog opens again, removed on saving.
    """

    DEFAULT_CSS = """
    FormDialog { align: center middle; background: $background 60%; }
    FormDialog > .dialog-box { width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $panel; padding: 0 1; }
    FormDialog .dialog-title { text-style: bold; height: auto; }
    FormDialog .dialog-note { color: $text-muted; height: auto; }
    FormDialog .dialog-body { height: auto; max-height: 65vh; }
    FormDialog .dialog-error { color: $error; text-style: bold; height: auto; display: none; }
    FormDialog .dialog-error.-shown { display: block; }
    FormDialog .dialog-keys { color: $text-muted; text-align: right; height: 1; }
    FormDialog Field > TextArea { height: 4; width: 1fr; }
    FormDialog Field.-tall > .field-label { height: auto; padding-right: 1; }
    FormDialog Field > TextInput, FormDialog Field > CodeSelect { width: 1fr; }
    """
    BINDINGS = [
        km.bind("save", "submit", "确定", tooltip="保存（一次完整保存）"),
        km.bind("back", "cancel", "取消", tooltip="离开；填写了内容时会询问"),
    ]
    LABEL_WIDTH = 16

    def __init__(self, title: str, *, notes: Sequence[str] = ()) -> None:
        super().__init__()
        self.title_text = title
        self.notes = [n for n in notes if n]
        self._snapshot: dict[str, Any] | None = None

    # -- layout -------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            for note in self.notes:
                yield Static(note, classes="dialog-note", markup=False)
            with VerticalScroll(classes="dialog-body"):
                yield from self.compose_fields()
            yield Static("", id="dialog-error", classes="dialog-error", markup=False)
            yield Static(KEYS_HINT, classes="dialog-keys")

    def compose_fields(self) -> ComposeResult:  # pragma: no cover - each dialog
        raise NotImplementedError

    def on_mount(self) -> None:
        inputs = self.inputs()
        if inputs:
            inputs[0].focus()
        self.call_after_refresh(self._mark_clean)

    def _mark_clean(self) -> None:
        self._snapshot = self.raw_values()
        self._draft_baseline = FormDialog.raw_values(self)
        self.start_drafts()

    # -- drafts: widget ids (as restored), whatever ``raw_values`` a subclass shows
    def draft_values(self) -> dict[str, Any]:
        return FormDialog.raw_values(self)  # a dialog is small: no cache needed

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(TextArea.Changed)
    def _draft_changed(self, _event) -> None:
        self.note_change()

    @on(Input.Blurred)
    def _draft_field_left(self, _event) -> None:
        self.flush_draft()

    # -- values ---------------------------------------------------------------
    def fields(self) -> list[Field]:
        return list(self.query(Field))

    def inputs(self) -> list:
        return [f.widget for f in self.fields()]

    def raw_values(self) -> dict[str, Any]:
        """What is on screen, keyed by widget id (TextArea text, Select value or "", Input text)."""
        out: dict[str, Any] = {}
        for widget in self.inputs():
            if isinstance(widget, TextArea):
                value: Any = widget.text
            elif isinstance(widget, Select):
                value = "" if widget.value is Select.NULL else widget.value
            elif isinstance(widget, (Input, Checkbox)):
                value = widget.value
            else:
                value = getattr(widget, "value", None)
            out[widget.id or ""] = value
        return out

    @property
    def dirty(self) -> bool:
        return self._snapshot is not None and self.raw_values() != self._snapshot

    def parsed_values(self) -> dict[str, Any]:
        """Every Field parsed by its widget; all problems marked, the first focused and raised."""
        values, first = {}, None
        for f in self.fields():
            try:
                values[f.widget.id] = f.validate()
            except InputError as exc:
                first = first or (f, exc)
        if first is not None:
            first[0].widget.focus()
            raise first[1]
        return values

    # -- errors ---------------------------------------------------------------
    @property
    def error_line(self) -> Static:
        return self.query_one("#dialog-error", Static)

    def clear_errors(self) -> None:
        self.error_line.remove_class("-shown")
        self.error_line.update("")
        for f in self.fields():
            f.clear_error()

    def show_error(self, error: DomainError | str) -> None:
        """The refusal on the error line; an InputError also next to the field it names."""
        if isinstance(error, InputError):
            for f in self.fields():
                if f.label == error.field or f.widget.id == error.field or (
                        error.field and f.label.startswith(error.field)) or error.field.startswith(f.label):
                    f.show_error(error.problem)
                    f.widget.focus()
                    f.scroll_visible()
                    break
        line = self.error_line
        line.update(f"未保存：{error}" if not isinstance(error, str) else error)
        line.add_class("-shown")

    # -- keys -----------------------------------------------------------------
    def submit(self, confirmed: bool = False) -> Any:  # pragma: no cover - each dialog
        raise NotImplementedError

    def action_submit(self, confirmed: bool = False) -> None:
        self.clear_errors()
        draft_key = self.draft_key
        try:
            result = self.submit(confirmed)
        except DomainError as exc:
            if getattr(exc, "similar", None) and not confirmed:
                self.ask_confirmation(exc)
                return
            self.show_error(exc)
            return
        self.discard_draft(draft_key)
        self.dismiss(True if result is None else result)

    def ask_confirmation(self, exc: DomainError) -> None:
        """P02 look-alike: list the similar projects, submit again if the clerk confirms."""
        from fupin_tui.widgets.confirm import ConfirmDialog

        lines = [f"{s.other.name}（{s.other.year}年，{s.other.amount:,.2f}元）：{s.kind}（{s.how}）" for s in exc.similar]
        message = (f"[{exc.rule} {exc.section}] 与下列项目同村、同建设内容：\n" + "\n".join(lines)
                   + "\n确认不是重复申报或拆分项目吗？")

        def answered(yes: bool | None) -> None:
            if yes:
                self.action_submit(confirmed=True)

        self.app.push_screen(ConfirmDialog(message, title="疑似重复或拆分", yes="确认申报", no="返回修改"), answered)

    def action_cancel(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return
        from fupin_tui.widgets.confirm import ConfirmDialog

        self.flush_draft(force=True)  # Esc by mistake: what was typed is kept as a draft first

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        if self.draft_key:
            self.app.push_screen(ConfirmDialog("已填写的内容尚未保存，确定关闭吗？（已存为草稿，下次打开时可以恢复或丢弃。）",
                                               title="关闭对话框", yes="关闭", no="继续填写"), answered)
            return
        self.app.push_screen(ConfirmDialog("已填写的内容尚未保存，确定放弃吗？", title="放弃填写",
                                           yes="放弃", no="继续填写"), answered)

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = self.inputs()
        if inputs and event.input is inputs[-1]:
            self.action_submit()
        else:
            self.focus_next()


class FieldListDialog(FormDialog):
    """A dialog of ready-made Fields; ``action(parsed values)`` is the service call."""

    def __init__(self, title: str, fields: list[Field], action: Callable[[dict[str, Any]], Any], *,
                 info: str = "", notes: Sequence[str] = ()) -> None:
        super().__init__(title, notes=[info, *notes])
        self._fields, self.action = fields, action

    def compose_fields(self) -> ComposeResult:
        yield from self._fields

    def submit(self, confirmed: bool = False) -> Any:
        return self.action(self.parsed_values())


Submit = Callable[[dict[str, Any], bool], Any]


class SpecDialog(FormDialog):
    """A form built from the domain's ``FieldSpec`` list; ``submit(raw text, confirmed)`` is the service call."""

    def __init__(self, title: str, fields: Sequence, submit: Submit, *, notes: Sequence[str] = (),
                 initial: Mapping[str, str] | None = None) -> None:
        super().__init__(title, notes=notes)
        self.specs = list(fields)
        self.submit_fn = submit
        self.initial = dict(initial or {})

    def _widget(self, spec):
        wid = f"f-{spec.key}"
        value = str(self.initial.get(spec.key, "") or spec.default)
        if spec.kind == "choice":
            return CodeSelect(spec.choices, value=value or None, id=wid)
        if spec.kind == "lines":
            return TextArea(value, id=wid, soft_wrap=True, show_line_numbers=False)
        placeholder = {"date": "年-月-日", "money": "元", "ratio": "如 5%"}.get(spec.kind, "")
        return TextInput(value, placeholder=spec.hint or placeholder, id=wid)

    def label_width(self) -> int:
        """18 cells, or as wide as the longest one-line label with its * (at most 24): never cut."""
        from rich.cells import cell_len

        widths = [cell_len(Field.label_text(spec.label, spec.required)) + 1
                  for spec in self.specs if spec.kind != "lines"]  # a multi-line field's label wraps
        return max(18, min(24, max(widths, default=0)))

    def compose_fields(self) -> ComposeResult:
        width = self.label_width()
        for spec in self.specs:
            widget = self._widget(spec)
            if not isinstance(widget, TextArea):
                widget.required = spec.required  # the label is marked *, an empty one is named on leaving it
            field = Field(spec.label, widget, label_width=width)  # a TextArea's row is as tall as it is
            if isinstance(widget, TextArea):
                field.add_class("-tall")  # its label (how to fill it: 每行：名称；数量…) wraps beside the box
            yield field

    def raw_values(self) -> dict[str, Any]:
        values = super().raw_values()
        return {spec.key: values.get(f"f-{spec.key}", "") for spec in self.specs}

    def submit(self, confirmed: bool = False) -> Any:
        return self.submit_fn(self.raw_values(), confirmed)
