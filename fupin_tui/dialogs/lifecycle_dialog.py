"""Dialogs of the project dossier that ask only what one step needs.

``LifecycleDialog`` is the kit's ``SpecDialog`` (fupin_tui.dialogs.kit) for one
life-cycle step: the ``FieldSpec`` list the domain gives for it, handed to a
service call; a refusal shows on the dialog's error line with its rule id, and
nothing typed is lost.  ``ActionMenu`` picks the step.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from fupin_tui.dialogs.kit import SpecDialog, Submit
from fupin_tui.domain.lifecycle import FieldSpec


class LifecycleDialog(SpecDialog):
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
