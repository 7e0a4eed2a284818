"""One township's records, read-only, from the 县级汇总 screen (Enter on a township's row).

Its households (by the head's name in pinyin, ``services.county_records``) and its projects,
as its last merged package brought them. Nothing here edits: the township corrects its own
database and reports again. Lists are lazy (``LazyTable``): a township has 20,000 households.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from fupin_tui import keymap as km
from fupin_tui.widgets.footer import SteadyFooter
from fupin_tui.widgets.lazy_table import LazyColumn, LazyTable


class _Rows:
    """A LazyTable source over a list already in order."""

    def __init__(self, cells) -> None:
        self.rows: list = []
        self._cells = cells

    def fetch(self, offset: int, limit: int, previous) -> list:
        return self.rows[offset:offset + limit]

    def cells(self, row):
        return self._cells(row)


def _money(value) -> str:
    return f"{value:,.2f}"


def _state(project) -> str:
    return project.state + (f"（{project.side_state}）" if project.side_state else "")


class CountyTownshipScreen(Screen):
    DEFAULT_CSS = """
    CountyTownshipScreen > Vertical { padding: 0 1; }
    CountyTownshipScreen .county-title { text-style: bold; height: auto; }
    CountyTownshipScreen .county-note { color: $text-muted; height: auto; }
    CountyTownshipScreen #town-households { height: 3fr; min-height: 4; }
    CountyTownshipScreen #town-projects { height: 2fr; min-height: 3; }
    """
    BINDINGS = [km.bind("back", "app.pop_screen", "返回汇总")]

    def __init__(self, code: str, name: str, figures: list[str]) -> None:
        super().__init__()
        self.code, self.town_name, self.figures = code, name, figures
        self.loaded = False  # both lists filled (for tests and the screen's own title lines)

    def compose(self) -> ComposeResult:
        from fupin_tui.screens.county_words import READ_ONLY

        self.household_rows = _Rows(lambda h: (h.household_no, h.head_name, h.village, str(h.size), h.status))
        self.project_rows = _Rows(lambda p: (str(p.year), p.name, _state(p), _money(p.subsidy), p.file_number))
        yield Header()
        with Vertical():
            yield Static(f"{self.code} {self.town_name} 的记录（只读）", classes="county-title")
            yield Static(READ_ONLY, classes="county-note", markup=False)
            yield Static("\n".join(self.figures), classes="county-note", id="town-figures", markup=False)
            yield Static("农户：读取中…", classes="county-title", id="town-households-title", markup=False)
            yield LazyTable([LazyColumn("户编号", 18), LazyColumn("户主", 8), LazyColumn("村", 10),
                             LazyColumn("人口", 4, "right"), LazyColumn("状态", 8)],
                            self.household_rows, id="town-households")
            yield Static("项目：读取中…", classes="county-title", id="town-projects-title", markup=False)
            yield LazyTable([LazyColumn("年度", 4), LazyColumn("项目名称", 24), LazyColumn("状态", 10),
                             LazyColumn("财政补助（元）", 14, "right"), LazyColumn("档号", 16)],
                            self.project_rows, id="town-projects")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.title = f"{self.town_name}（只读）"
        self.query_one("#town-households", LazyTable).focus()
        self._load()

    @work(thread=True, exclusive=True, group="county-township-load")
    def _load(self) -> None:
        from sqlalchemy.exc import DBAPIError

        from fupin_tui.screens.county_words import unreachable
        from fupin_tui.services import county_records

        ctx = self.app.ctx
        try:
            households = county_records.households(ctx, self.code)
            projects = county_records.projects(ctx, self.code)
        except DBAPIError as exc:  # the server went away: said, the summary screen stays
            self.app.call_from_thread(self.notify, unreachable(ctx.db, exc), severity="error", timeout=20,
                                      markup=False)
            return
        self.app.call_from_thread(self._show, households, projects)

    def _show(self, households, projects) -> None:
        self.household_rows.rows, self.project_rows.rows = households, projects
        people = sum(h.size for h in households)
        self.query_one("#town-households-title", Static).update(
            f"农户 {len(households):,} 户 {people:,} 人（按户主姓名拼音排序）")
        self.query_one("#town-projects-title", Static).update(f"项目 {len(projects):,} 个（新年度在前）")
        self.query_one("#town-households", LazyTable).reset(len(households))
        self.query_one("#town-projects", LazyTable).reset(len(projects))
        self.loaded = True
