"""The form kit: labelled fields that parse what a clerk types, and a FormScreen.

A field widget parses its own text (``get_value()``) and raises ``InputError``
naming its label; ``Field`` shows that error on the line under the input.
Validation runs on blur and on save, never on each keystroke (IME composing).
``FormScreen`` gives every form the same keys: Enter = next field, Ctrl+S =
save, Esc = leave (asking when something changed).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Iterable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from fupin_tui import keymap as km

from fupin_tui.domain.errors import InputError
from fupin_tui.widgets.drafts import DraftKeeping


class _Parsing:
    """Mixin for field widgets: ``field_label`` names the field in messages."""

    field_label: str = ""
    required: bool = False

    def get_value(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def set_value(self, value: Any) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def raw(self) -> Any:
        """What is on screen now, for spotting unsaved changes."""
        return self.get_raw()


class TextInput(_Parsing, Input):
    """Plain text; ``required`` refuses an empty value."""

    DEFAULT_CSS = """
    TextInput { border: none; height: 1; padding: 0 1; background: $boost; }
    TextInput:focus { border: none; background: $accent 30%; text-style: bold; }
    TextInput.-invalid, TextInput.-invalid:focus { border: none; background: $error 25%; }
    """

    def __init__(self, value: str = "", *, required: bool = False, placeholder: str = "",
                 max_length: int = 0, id: str | None = None, classes: str | None = None) -> None:
        # Reached by Tab (or Enter from the field before), the text is selected and typing replaces
        # it, as in a Windows edit box: 12000 -> 15000 is five keys, not five Backspaces first.
        # A click puts the cursor where clicked (Input's mouse-down, after the focus); a field
        # focused again when a dialog closes keeps its cursor (Textual sends it no new Focus).
        super().__init__(value=value, placeholder=placeholder, max_length=max_length, id=id, classes=classes,
                         select_on_focus=True)
        self.required = required

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        if not self.selection.is_empty:
            # A value put in by the program (a refill, a draft restored) must not keep a selection from
            # Tab over part of it: the next key would replace that part. Typing sets its own cursor after.
            self.cursor_position = len(value)

    def text(self) -> str:
        return self.value.strip()

    def get_value(self) -> Any:
        text = self.text()
        if self.required and not text:
            raise InputError(self.field_label, "不能为空")
        return self.parse(text) if text else self.empty_value()

    def parse(self, text: str) -> Any:
        return text

    def empty_value(self) -> Any:
        return ""

    def set_value(self, value: Any) -> None:
        self.value = "" if value is None else self.format(value)

    def format(self, value: Any) -> str:
        return str(value)

    def get_raw(self) -> Any:
        return self.value


class MoneyInput(TextInput):
    """Yuan: full-width digits, 。 as the decimal point and ， separators are accepted."""

    def parse(self, text: str) -> Decimal:
        from fupin_tui.domain.money import parse_amount

        return parse_amount(text, self.field_label)

    def empty_value(self) -> Any:
        return None if self.required else Decimal("0")

    def format(self, value: Any) -> str:
        return f"{Decimal(value):.2f}"


class DecimalInput(TextInput):
    """A quantity or a share, with up to ``places`` decimals."""

    def __init__(self, value: str = "", *, places: int = 3, **kwargs) -> None:
        super().__init__(value, **kwargs)
        self.places = places

    def parse(self, text: str) -> Decimal:
        from fupin_tui.domain.money import parse_decimal

        return parse_decimal(text, self.field_label, places=self.places)

    def empty_value(self) -> Any:
        return None

    def format(self, value: Any) -> str:
        return format(Decimal(value).normalize(), "f")


class IntInput(TextInput):
    def parse(self, text: str) -> int:
        import unicodedata

        normal = unicodedata.normalize("NFKC", text).replace(",", "")
        if not normal.lstrip("-").isdigit():
            raise InputError(self.field_label, f"应为整数，而不是「{text}」")
        return int(normal)

    def empty_value(self) -> Any:
        return None


class DateInput(TextInput):
    """Dates as clerks type them: 2026-03-05, 2026/3/5, 20260305, 2026年3月5日."""

    def __init__(self, value: str = "", **kwargs) -> None:
        kwargs.setdefault("placeholder", "年-月-日")
        super().__init__(value, **kwargs)

    def parse(self, text: str) -> date:
        from fupin_tui.domain.money import parse_date

        return parse_date(text, self.field_label)

    def empty_value(self) -> Any:
        return None

    def format(self, value: Any) -> str:
        return value.isoformat() if isinstance(value, date) else str(value)


class CodeSelect(_Parsing, Select):
    """A choice from a code list; typing while it is open picks the matching item."""

    DEFAULT_CSS = """
    CodeSelect { height: 1; }
    CodeSelect > SelectCurrent { border: none; height: 1; padding: 0 1; background: $boost; }
    CodeSelect:focus > SelectCurrent { border: none; background: $accent 30%; }
    CodeSelect > SelectOverlay { max-height: 12; }
    """

    def __init__(self, items: Iterable[str] | Sequence[tuple[str, Any]], *, value: Any = None,
                 required: bool = False, id: str | None = None, prompt: str = "请选择") -> None:
        options = [(i, i) if isinstance(i, str) else i for i in items]
        values = {v for _label, v in options}
        if value not in (None, "") and value not in values:
            # an imported value not in the list is kept (and visible), never dropped
            options.append((f"{value}（不在代码表中）", value))
        super().__init__(options, prompt=prompt, allow_blank=True, id=id, type_to_search=True,
                         value=value if value not in (None, "") else Select.NULL)
        self.required = required

    def set_options(self, options: Iterable[tuple[Any, Any]]) -> None:
        """Safe before the select has composed (a screen fed as the database opens): Select's
        own set_options fills the list widget at once and raises NoMatches while it does not
        exist yet; then the options are only kept, and Select's mount shows them."""
        if not self.query("SelectOverlay"):
            self._setup_variables_for_options(options)
            self._init_selected_option()
            return
        super().set_options(options)

    def get_value(self) -> Any:
        if self.value is Select.NULL:
            if self.required:
                raise InputError(self.field_label, "请选择一项")
            return ""
        return self.value

    def set_value(self, value: Any) -> None:
        self.value = Select.NULL if value in (None, "") else value

    def get_raw(self) -> Any:
        return self.value


class CheckField(_Parsing, Checkbox):
    DEFAULT_CSS = """
    CheckField { border: none; height: 1; padding: 0; background: transparent; }
    CheckField:focus { border: none; background: $accent 30%; }
    """

    def __init__(self, value: bool = False, *, label: str = "", id: str | None = None) -> None:
        super().__init__(label, value=value, id=id, button_first=True)

    def get_value(self) -> bool:
        return bool(self.value)

    def set_value(self, value: Any) -> None:
        self.value = bool(value)

    def get_raw(self) -> Any:
        return self.value


class Field(Widget):
    """A label and the input on one line, and under them an error line when the value is wrong.

    Two widgets in a two-column grid, and the error line (spanning both columns, indented to the
    input) only once there is an error: a form of 33 fields is ~70 widgets fewer than with an
    inner Horizontal and a hidden error line per field, and Textual's layout of every widget is
    most of opening a form."""

    DEFAULT_CSS = """
    Field { layout: grid; grid-size: 2; grid-columns: 14 1fr; grid-rows: auto;
            height: auto; width: 1fr; min-width: 24; }
    Field > .field-label { width: 100%; height: 1; color: $text-muted; }
    Field > .field-label.-required { color: $text; }
    Field > .field-error { column-span: 2; width: 100%; height: auto; color: $error; padding-left: 14; }
    """

    def __init__(self, label: str, widget: Widget, *, id: str | None = None, label_width: int | None = None) -> None:
        super().__init__(id=id)
        self.label = label
        self.widget = widget
        self.label_width = label_width
        self._error: Static | None = None
        if label_width:
            self.styles.grid_columns = f"{label_width} 1fr"
        if isinstance(widget, _Parsing):
            widget.field_label = label

    @staticmethod
    def label_text(label: str, required: bool) -> str:
        """The label as drawn: a required field's is marked *."""
        return ("*" if required else "") + label

    def compose(self) -> ComposeResult:
        required = getattr(self.widget, "required", False)
        yield Label(self.label_text(self.label, required), classes="field-label" + (" -required" if required else ""),
                    markup=False)
        yield self.widget

    def show_error(self, message: str) -> None:
        if self._error is None:
            self._error = Static(message, classes="field-error", markup=False)
            if self.label_width:
                self._error.styles.padding = (0, 0, 0, self.label_width)
            self.mount(self._error)
        else:
            self._error.update(message)
            self._error.display = True
        self.add_class("-has-error")
        self.widget.add_class("-invalid")

    def clear_error(self) -> None:
        if self._error is None:
            return  # nothing shown: a refill of 33 fields must not touch them
        self._error.display = False
        self.remove_class("-has-error")
        self.widget.remove_class("-invalid")

    def validate(self) -> Any:
        """Parse the value, showing (and re-raising) the problem next to the field."""
        try:
            value = self.widget.get_value()
        except InputError as exc:
            self.show_error(exc.problem)
            raise
        self.clear_error()
        return value

    _emptied = False

    def empty(self) -> None:
        """Emptied by the program for the next entry (a report just saved): not "wrong" until the
        clerk types in it, so the cursor leaving it shows no 不能为空 (the next save still checks it)."""
        self.widget.set_value(None)
        self.clear_error()
        self._emptied = True

    @on(Input.Changed)
    def _typed_in(self, event: Input.Changed) -> None:
        if event.input is self.widget and event.value:
            self._emptied = False

    @on(Input.Blurred)
    def _validate_on_blur(self, event: Input.Blurred) -> None:
        if event.input is self.widget:
            if self._emptied and not event.input.value:
                return
            try:
                self.validate()
            except InputError:
                pass


def parse_fields(fields) -> dict[str, Any]:
    """Each field's value by its widget id: every problem shown at once beside its field, the first
    one focused, and one InputError naming it (a form's save and a panel's share this)."""
    result, problems = {}, []
    for f in fields:
        if not isinstance(f.widget, _Parsing):
            continue
        try:
            result[f.widget.id or f.label] = f.validate()
        except InputError as exc:
            problems.append((f, exc))
    if problems:
        raise first_problem(problems)
    return result


def first_problem(problems: list) -> InputError:
    """The first bad field focused, and its own words (不能为空, 日期格式不对…) for the message: whoever
    shows the error beside the field or in a toast repeats what is wrong, not 输入有误 (every bad
    field already shows its own line)."""
    field, exc = problems[0]
    field.widget.focus()
    return InputError(field.label, exc.problem)


class FormScreen(DraftKeeping, Screen):
    """A screen of Fields with the standard keys.

    Subclasses compose Fields (widget ids become the keys of ``values()``),
    implement ``save(values)`` (call a service; raise InputError/DomainError),
    and may override ``after_save``. A ``draft_key`` keeps what is typed as a
    draft (``widgets.drafts``): it survives Esc, a crash or a closed terminal.
    """

    BINDINGS = [
        km.bind("save", "save", "保存", tooltip="保存本页（一次完整保存）"),
        km.bind("back", "leave", "返回", tooltip="离开；有未保存的修改时会询问"),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._snapshot: dict[str, Any] = {}

    def on_mount(self) -> None:
        self.call_after_refresh(self._clean_and_offer)

    def _clean_and_offer(self) -> None:
        self.mark_clean()
        self.start_drafts()

    # -- drafts: a keystroke raises a flag, the timer / leaving a field writes ---
    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _draft_changed(self, _event) -> None:
        self.note_change()

    @on(Input.Blurred)
    def _draft_field_left(self, _event) -> None:
        self.flush_draft()

    # -- values -------------------------------------------------------------
    def fields(self) -> list[Field]:
        return list(self.query(Field))

    def raw_values(self) -> dict[str, Any]:
        return self._raw_of(self.fields())

    @staticmethod
    def _raw_of(fields: list) -> dict[str, Any]:
        return {f.widget.id or f.label: f.widget.raw() for f in fields if isinstance(f.widget, _Parsing)}

    def draft_values(self) -> dict[str, Any]:
        return self._raw_of(self.draft_fields())

    def mark_clean(self) -> None:
        self._snapshot = self._draft_baseline = self.raw_values()

    @property
    def dirty(self) -> bool:
        return self.raw_values() != self._snapshot

    def values(self) -> dict[str, Any]:
        """Every field parsed; all problems are shown at once, the first one focused."""
        return parse_fields(self.fields())

    def show_field_error(self, error: InputError) -> bool:
        """Put a service's InputError next to the field it names; False if no such field."""
        for f in self.fields():
            if f.label == error.field or f.widget.id == error.field:
                f.show_error(error.problem)
                f.widget.focus()
                return True
        return False

    # -- keys ---------------------------------------------------------------
    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    # A choice made from a dropdown stays on the dropdown (as in every dialog): Tab moves on.
    # Moving on by itself made the clerk's next Tab skip a field (an address typed into 联系电话).

    def action_save(self) -> None:
        from fupin_tui.domain.errors import DomainError

        draft_key = self.draft_key  # a new record's key changes once it is saved
        try:
            values = self.values()
            self.save(values)
        except InputError as exc:
            self.show_field_error(exc)
            self.notify(str(exc), title="未保存", severity="error", markup=False)
            return
        except DomainError as exc:  # rule refusals and DatabaseProblem (disk full, read-only …)
            self.notify(str(exc), title="未保存", severity="error", timeout=8, markup=False)
            return
        except Exception as exc:  # noqa: BLE001 - never lose what the clerk typed to a bug
            from fupin_tui.errorlog import log_exception

            log_exception(exc)
            self.notify(f"保存失败（程序错误 {type(exc).__name__}），填写的内容仍在屏幕上。已记录到错误日志。",
                        title="未保存", severity="error", timeout=10)
            return
        self.mark_clean()
        self.discard_draft(draft_key)  # saved: the draft has done its work
        self.after_save()

    def save(self, values: dict[str, Any]) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def after_save(self) -> None:
        self.notify("已保存")

    def action_leave(self) -> None:
        if not self.dirty:
            self.leave()
            return
        from fupin_tui.widgets.confirm import ConfirmDialog

        self.flush_draft(force=True)  # whatever is answered, what was typed is kept as a draft

        def answered(yes: bool | None) -> None:
            if yes:
                self.leave()

        kept = "（填写的内容已存为草稿，下次打开这张表时可以恢复或丢弃。）" if self.draft_key else ""
        self.app.push_screen(ConfirmDialog(f"有未保存的修改，确定离开吗？{kept}", yes="离开", no="继续编辑"), answered)

    def leave(self) -> None:
        self.dismiss(None)
