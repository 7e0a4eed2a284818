"""The 项目档案 job: the project list (mode "projects") and ``open_record``."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from fupin_tui import keymap as km

from fupin_tui.domain.lifecycle import ALL_STATES
from fupin_tui.domain.money import format_money
from fupin_tui.widgets.footer import SteadyFooter


def open_record(app, project_id: int, tab: str | None = None, back_to: str | None = None) -> None:
    """Open a project's dossier (at ``tab``) from anywhere, on top of the project list;
    closing it goes back to the mode ``back_to`` when given (see ``FupinApp.open_record``)."""
    from fupin_tui.screens.dossier import open_dossier

    def push() -> None:
        open_dossier(app, project_id, tab, back_to=back_to)
        if tab == "利益联结":  # entities (L01-L05) are edited on the linkage screen, over the dossier
            from fupin_tui.screens.linkage import LinkageScreen

            app.push_screen(LinkageScreen(project_id))

    if app.current_mode != "projects":
        app.switch_mode("projects")
        app.call_after_refresh(push)
    else:
        push()


class ProjectListScreen(Screen):
    DEFAULT_CSS = """
    ProjectListScreen #project-filter { height: 1; border: none; padding: 0 1; background: $boost; }
    ProjectListScreen #project-count { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        km.bind("open", "open", "打开档案", tooltip="打开所选项目的档案"),
        km.bind("library", "library", "项目库", tooltip="项目库：入库、申报"),
        km.bind("find", "filter", "筛选", tooltip="按名称、拼音首字母、档号或状态筛选"),
        km.bind("reload", "reload", "刷新", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows = []
        self.ready = False  # ScreenResume arrives before the first mount
        self._asked = 0  # fetches asked for; ``_shown`` of them drawn (Enter waits for the last)
        self._shown = 0
        self._open_when_shown = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="筛选：项目名称、拼音首字母（如 zzt）、档号或状态（如 实施中）", id="project-filter")
        yield Static("", id="project-count")
        yield DataTable(id="projects", cursor_type="row", zebra_stripes=True)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("年度", "村", "项目名称", "状态", "补助（元）", "档案", "档号")
        self.ready = True
        if self.app.ctx is not None:
            self.load()
        self.query_one(DataTable).focus()

    def database_ready(self) -> None:
        if self.ready:
            self.load()

    def on_screen_resume(self) -> None:
        if self.app.ctx is not None and self.ready:
            self.load()

    @on(Input.Changed, "#project-filter")
    def _filter_changed(self) -> None:
        self.load()

    @on(Input.Submitted, "#project-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        """Enter opens the highlighted project (the first match), as in 建档立卡; typed before the
        list of what was typed is drawn, it waits for that list, not the one still on screen."""
        event.stop()
        if self._shown < self._asked:
            self._open_when_shown = True
        else:
            self._open_highlighted()

    def _open_highlighted(self) -> None:
        if self.selected() is None:
            self.notify("没有找到符合条件的项目。", severity="warning")
            return
        self.action_open()

    def on_key(self, event) -> None:
        # Down in the filter goes to the list, to highlight another match (the list has its own Down)
        if event.key == "down" and self.focused is self.query_one("#project-filter", Input):
            event.stop()
            self.query_one(DataTable).focus()

    def load(self) -> None:
        self._asked += 1
        self._fetch(self.query_one("#project-filter", Input).value, self._asked)

    @work(thread=True, exclusive=True, group="project-list")
    def _fetch(self, text: str, asked: int) -> None:
        from fupin_tui.services import projects

        text = text.strip()
        state = text if text in STATE_WORDS else ""
        rows = projects.list_projects(self.app.ctx, text="" if state else text, state=state)
        self.app.call_from_thread(self._show, rows, asked)

    def _show(self, rows, asked: int) -> None:
        if asked < self._asked:
            return  # an older filter's answer, arriving late: the newer one is on its way
        self._shown = asked
        table = self.query_one(DataTable)
        # the same project stays highlighted (back from its dossier); a new filter starts on its first match
        before = self.selected()
        keep = next((i for i, r in enumerate(rows) if before is not None and r.id == before.id), 0)
        self.rows = rows
        table.clear()
        for r in rows:
            state = r.state + (f"/{r.side_state}" if r.side_state else "")
            table.add_row(str(r.year), r.village, r.name, state, format_money(r.subsidy),
                          r.archive + ("" if r.archive_complete else " 缺"), r.file_number)
        if rows:
            table.move_cursor(row=keep)
        complete = sum(1 for r in rows if r.archive_complete)
        self.query_one("#project-count", Static).update(
            f"共{len(rows)}个项目，档案齐全{complete}个。Enter 打开档案，{km.shown('library')} 项目库（在库里申报新项目）")
        if self._open_when_shown:
            self._open_when_shown = False
            self._open_highlighted()

    def selected(self):
        index = self.query_one(DataTable).cursor_row
        return self.rows[index] if 0 <= index < len(self.rows) else None

    @on(DataTable.RowSelected, "#projects")
    def _row_chosen(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        row = self.selected()
        if row is not None:
            from fupin_tui.screens.dossier import open_dossier

            open_dossier(self.app, row.id)

    def action_library(self) -> None:
        from fupin_tui.screens.library import LibraryScreen

        self.app.push_screen(LibraryScreen())

    def action_filter(self) -> None:
        self.query_one("#project-filter", Input).focus()

    def action_reload(self) -> None:
        self.load()


STATE_WORDS = set(ALL_STATES)
