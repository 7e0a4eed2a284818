"""Type to pick: an input line with the matches listed under it (projects, payees).

The search runs in a thread worker after a short pause in typing, so a big
registry never stalls the keyboard; Down moves into the list, Enter picks.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from fupin_tui.widgets.forms import TextInput

Search = Callable[[str], Sequence[tuple[str, Any]]]


class SearchPicker(Vertical):
    DEFAULT_CSS = """
    SearchPicker { height: auto; }
    SearchPicker > OptionList { height: auto; max-height: 8; border: none; display: none; padding: 0; }
    SearchPicker.-open > OptionList { display: block; }
    """
    BINDINGS = [Binding("down", "into_list", "选择", id="picker-down", show=False)]

    class Picked(Message):
        def __init__(self, picker: "SearchPicker", value: Any, label: str) -> None:
            super().__init__()
            self.picker, self.value, self.label = picker, value, label

        @property
        def control(self) -> "SearchPicker":
            return self.picker

    def __init__(self, search: Search, *, placeholder: str = "", id: str | None = None,
                 min_chars: int = 1) -> None:
        super().__init__(id=id)
        self.search, self.placeholder, self.min_chars = search, placeholder, min_chars
        self._matches: list[tuple[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield TextInput(placeholder=self.placeholder)
        yield OptionList()

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def focus(self, scroll_visible: bool = True) -> "SearchPicker":
        self.input.focus(scroll_visible)
        return self

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._lookup(event.value)

    @work(thread=True, exclusive=True, group="search-picker")
    def _lookup(self, text: str) -> None:
        text = text.strip()
        matches = list(self.search(text)) if len(text) >= self.min_chars else []
        self.app.call_from_thread(self._show, matches)

    def _show(self, matches: list[tuple[str, Any]]) -> None:
        self._matches = matches
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(label) for label, _ in matches] or [Option("（没有找到）", disabled=True)])
        self.set_class(bool(self.input.value.strip()), "-open")
        if matches:
            options.highlighted = 0

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if len(self._matches) == 1 and self._matches[0][0].strip() == text:
            # Enter on the label of the record picked before (back in the box after a save): pick it
            # again; searching for the label itself finds nothing, and Enter seemed to do nothing
            self._pick(0)
            return
        if len(text) >= self.min_chars:  # do not rely on a lookup still running in the worker
            self._matches = list(self.search(text))
        if self._matches:
            self._pick(0)

    def action_into_list(self) -> None:
        if self._matches:
            self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option_index)

    def _pick(self, index: int) -> None:
        label, value = self._matches[index]
        self.remove_class("-open")
        with self.input.prevent(Input.Changed):
            self.input.value = label
        self._matches = [(label, value)]
        self.post_message(self.Picked(self, value, label))

    def relabel(self, value: Any, label: str) -> None:
        """The picked record changed (its state is in its label): show the fresh label, unless the clerk
        has since typed a new search into the box."""
        if len(self._matches) == 1 and self._matches[0][1] == value and self.input.value == self._matches[0][0]:
            with self.input.prevent(Input.Changed):
                self.input.value = label
            self._matches = [(label, value)]

    def clear(self) -> None:
        self._matches = []
        with self.input.prevent(Input.Changed):
            self.input.value = ""
        self.remove_class("-open")
