"""进度录入 (mode "progress"): pick a project by typing, enter a dated report, see its history."""

from __future__ import annotations

from textual import on
from textual.widgets import Static

from fupin_tui.domain.disbursement import pct
from fupin_tui.services import progress as service
from fupin_tui.screens.project_pick import ProjectPickScreen
from fupin_tui.screens.progress_panel import ProgressPanel
from fupin_tui.widgets.search_picker import SearchPicker


class ProgressEntryScreen(ProjectPickScreen):
    """Type a project's name (or pinyin initials, file number), Enter, then type the report and Ctrl+S."""

    DEFAULT_CSS = """
    ProgressEntryScreen #progress-project { height: 1; color: $accent; text-style: bold; padding: 0 1; }
    ProgressEntryScreen #progress-body { height: 1fr; }
    ProgressEntryScreen #progress-hint { color: $text-muted; padding: 1 1; }
    """
    PREFIX = "progress"
    HINT = "先在上方查找并选定项目，再填写进度。进度每次拨款、报账后都要及时录入（P13）。"

    async def show_project(self, project_id: int) -> None:
        self.project_id = project_id
        choice = service.project_choice(self.app.ctx, project_id)
        self._update_title(choice)
        body = self.query_one("#progress-body")
        await body.remove_children()
        await body.mount(ProgressPanel(project_id))
        self.query_one("#work_share").focus()

    def _update_title(self, choice=None) -> None:
        ctx = self.app.ctx
        choice = choice or service.project_choice(ctx, self.project_id)
        share = service.current_share(ctx, choice.id)
        self.query_one("#progress-project", Static).update(
            f"{choice.name}  {choice.village}  {choice.state}  当前进度{pct(share)}")

    def picked_changed(self, choice) -> None:
        self._update_title(choice)

    @on(ProgressPanel.Saved)
    def _saved(self, event: ProgressPanel.Saved) -> None:
        self._update_title()
        # the report is done: back to the project box (its text selected), so the next project is typed at once
        self.query_one(SearchPicker).focus()
