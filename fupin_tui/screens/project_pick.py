"""A job screen that starts by picking a project: type its name, pinyin initials or file number, Enter."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from fupin_tui import keymap as km

from fupin_tui.widgets.search_picker import SearchPicker
from fupin_tui.widgets.footer import SteadyFooter


def project_search(ctx):
    from fupin_tui.services import progress as service

    def search(text: str):
        return [(c.label, c.id) for c in service.find_projects(ctx, text, limit=30)]
    return search


class ProjectPickScreen(Screen):
    """Subclasses set PREFIX (widget ids ``{PREFIX}-project`` / ``-body`` / ``-hint``) and HINT,
    and implement ``show_project``."""

    PREFIX = "picked"
    HINT = "先在上方查找并选定项目。"
    BINDINGS = [
        km.bind("find", "pick_project", "选项目", tooltip="输入项目名称、拼音首字母或档号查找"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.project_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield SearchPicker(project_search(self.app.ctx), placeholder="查找项目：输入名称、拼音首字母、档号或编号，回车选定",
                           id="project-picker")
        yield Static("", id=f"{self.PREFIX}-project", classes="picked-project")
        with Vertical(id=f"{self.PREFIX}-body", classes="picked-body"):
            yield Static(self.HINT, id=f"{self.PREFIX}-hint", classes="picked-hint")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one(SearchPicker).focus()

    def action_pick_project(self) -> None:
        self.query_one(SearchPicker).focus()

    @on(SearchPicker.Picked)
    async def _picked(self, event: SearchPicker.Picked) -> None:
        await self.show_project(event.value)

    def data_changed(self, changes) -> None:
        """A change to the picked project (a 报账 that closes it, a state step in the dossier) shows in
        the box's label too: the clerk never reads an old state above fresh figures."""
        if self.project_id is not None and changes.touches("project", self.project_id):
            from fupin_tui.services import progress as service

            choice = service.project_choice(self.app.ctx, self.project_id)
            self.query_one(SearchPicker).relabel(self.project_id, choice.label)
            self.picked_changed(choice)

    def picked_changed(self, choice) -> None:
        """What a screen shows of the picked project besides the box (its title line), from ``choice``
        (``services.progress.ProjectChoice``, just read)."""

    async def show_project(self, project_id: int) -> None:  # pragma: no cover - each screen
        raise NotImplementedError
