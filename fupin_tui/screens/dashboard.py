"""工作台: where the township stands, and the way to the jobs."""

from __future__ import annotations

import importlib

from rich.table import Table
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from fupin_tui import keymap as km
from fupin_tui.widgets.footer import SteadyFooter

NAV = [
    ("registry", "建档立卡", "F3"),
    ("projects", "项目档案", "F4"),
    ("progress", "进度录入", "F5"),
    ("funds", "报账", "F6"),
    ("export", "导出上报", "F7"),
    ("check", "体检", "F8"),
    ("settings", "设置", "F9"),
]

# Panels from fupin_tui.widgets.dashboard_panels.  On a short terminal (80x24) what needs doing
# (体检, deadlines, the fund line) comes before the counts, so it is seen without scrolling; on a
# tall one the counts come first and everything still fits.
URGENT_PANELS = ("SeverityCounts", "NextDeadlines", "FundExecutionChart")
OTHER_PANELS = ("HouseholdsByVillageChart", "ProjectsByStateChart")
SHORT_SCREEN = 30  # terminal rows below which the dashboard is drawn compact
FRAME_SHOWN = 0.08  # s after the first frame is written before the figures load (the terminal draws it)


class DashboardScreen(Screen):
    DEFAULT_CSS = """
    DashboardScreen #nav { width: 18; height: 100%; border-right: vkey $primary 40%; }
    DashboardScreen #figures { padding: 0 1; }
    DashboardScreen #counts { height: auto; margin-top: 1; }
    DashboardScreen #township { height: auto; }
    DashboardScreen .panel { height: auto; margin-top: 1; }
    DashboardScreen #warnings { height: auto; color: $warning; border: round $warning; padding: 0 1; }
    DashboardScreen #warnings.-empty { display: none; }
    """
    BINDINGS = [km.bind("reload", "reload", "刷新")]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield OptionList(*[Option(f"{key:<4}{title}", id=mode) for mode, title, key in NAV], id="nav")
            with VerticalScroll(id="figures"):
                yield Static("", id="warnings", classes="-empty")
                yield Static("正在打开数据库，请稍候", id="township")
                yield Static("", id="counts", classes="panel-counts")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#nav", OptionList).focus()
        if self.app.ctx is not None:
            self.database_ready()
        else:
            # after the first frame: the counts straight from the file and the kept 体检 figures
            # (plain sqlite3, one read), drawn before the database layer starts loading.
            # ``call_after_refresh`` ran before the first frame was written (at start the screen
            # is idle before it is current): the frame itself says when (``_compositor_refresh``),
            # and a timer in case it never does.
            self.set_timer(0.5, self._after_first_frame)

    _first_frame = False

    def _compositor_refresh(self) -> None:  # Textual 8.2.8 (pinned): writes a frame of this screen
        app = self.app
        # the frame is written only once the app runs and no update is held back (App._display)
        written = app._running and not app._batch_count and self is app.screen
        super()._compositor_refresh()
        if written and not self._first_frame and app.ctx is None:
            # a moment for the terminal (a process too, on the same two cores) to draw the frame
            self.set_timer(FRAME_SHOWN, self._after_first_frame)

    def _after_first_frame(self) -> None:
        if self._first_frame:
            return
        self._first_frame = True
        self._mount_panels()
        self._load_early()

    _early: dict | None = None  # the kept 体检 summary read at start, while it was current

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard-early")
    def _load_early(self) -> None:
        from fupin_tui.services.check_fast import stored_summary
        from fupin_tui.services.overview import read_overview

        summary = overview = None
        try:  # what needs doing first (体检 counts, 近期期限), then the counts by status
            summary = stored_summary(self.app.db_path)
            self.app.call_from_thread(self._show_early_summary, summary)
            overview = read_overview(self.app.db_path)
        except Exception:  # noqa: BLE001 - only a head start: the full open says what is wrong
            pass
        self.app.call_from_thread(self._show_early_overview, overview)

    def _show_early_summary(self, summary) -> None:
        if summary is not None and self.app.ctx is None:
            self._early = summary
            for panel in self.query(".panel"):
                panel.show_early(summary)

    def _show_early_overview(self, overview) -> None:
        if overview is not None and self._overview_answered < 0:
            self._show(overview)
        # the database layer's imports hold the GIL for a while: only once these figures are drawn
        self.call_after_refresh(self.app.open_database_soon)

    _overview_asked = 0
    _overview_answered = -1

    def database_ready(self) -> None:
        self.show_warnings()
        running = getattr(self, "_overview", None)
        if running is None or running.is_finished:  # called again at once (mount, then the app): one read
            self._overview = self._load_overview()
        if self.query(".panel") and self.app.ctx is not None and not getattr(self, "_panels_live", False):
            self._panels_live = True  # mounted before the database was open: now fetch for real
            for panel in self.query(".panel"):
                reload = getattr(panel, "reload", None)
                if reload:
                    reload()
        else:
            self._mount_panels()

    def show_warnings(self) -> None:
        """Read-only file, failed backup, broken audit chain: said on the dashboard, not a 体检 finding."""
        warnings = list(getattr(self.app, "warnings", []))
        box = self.query_one("#warnings", Static)
        box.update("\n".join(f"注意：{w}" for w in warnings))
        box.set_class(not warnings, "-empty")

    def _mount_panels(self) -> None:
        if self.query(".panel"):
            return
        try:
            module = importlib.import_module("fupin_tui.widgets.dashboard_panels")
        except ModuleNotFoundError:
            return
        figures = self.query_one("#figures")
        self._panels_live = self.app.ctx is not None
        panels = [getattr(module, name)(classes="panel -urgent") for name in URGENT_PANELS]
        panels += [getattr(module, name)(classes="panel") for name in OTHER_PANELS]
        if self._early is not None and not self._panels_live:
            for panel in panels:
                panel.show_early(self._early)
        figures.mount_all(panels)
        self._arrange()

    def on_resize(self) -> None:
        self._arrange()

    def _arrange(self) -> None:
        urgent = list(self.query(".-urgent"))
        if not urgent:
            return
        figures, counts = self.query_one("#figures"), self.query_one("#counts")
        short = self.app.size.height < SHORT_SCREEN
        for panel in urgent:
            set_short = getattr(panel, "set_short", None)
            if set_short:
                set_short(short)
        if short and figures.children.index(counts) < figures.children.index(urgent[0]):
            figures.move_child(counts, after=urgent[-1])
        elif not short and figures.children.index(counts) > figures.children.index(urgent[0]):
            figures.move_child(counts, before=urgent[0])

    @property
    def settled(self) -> bool:
        """The database is ready and every figure drawn answers the latest load (snapshots wait for it)."""
        panels = self.query(".panel")
        return (self.app.change_relay is not None and self._overview_answered == self._overview_asked
                and len(panels) > 0 and all(p.current for p in panels))

    def data_changed(self, _changes) -> None:
        """Any save may move a count: fetch again (the relay calls this when the dashboard is on top)."""
        self.action_reload()

    def action_reload(self) -> None:
        if self.app.ctx is not None:
            self._load_overview()
            for panel in self.query(".panel"):
                reload = getattr(panel, "reload", None)
                if reload:
                    reload()

    def _load_overview(self):
        self._overview_asked += 1
        return self._load(self._overview_asked)

    @work(thread=True, exclusive=True, group="dashboard")
    def _load(self, asked: int = 0) -> None:
        from fupin_tui.services.overview import read_overview

        data = read_overview(self.app.db_path)
        if data is not None:
            self.app.call_from_thread(self._show, data, asked)

    def _show(self, data, asked: int = 0) -> None:
        if asked and asked != self._overview_asked:
            return  # an older load's answer, come late
        self._overview_answered = asked
        grid = Table.grid(padding=(0, 3))
        households = Table(title="贫困户（按状态）", title_justify="left", show_edge=False, box=None, min_width=24)
        households.add_column("状态")
        households.add_column("户数", justify="right")
        households.add_column("人数", justify="right")
        for status, count, people in data.households_by_status:
            households.add_row(status, f"{count:,}", f"{people:,}")
        households.add_row("合计", f"{data.households_total:,}", f"{data.people_total:,}", style="bold")
        projects = Table(title="项目（按阶段）", title_justify="left", show_edge=False, box=None, min_width=20)
        projects.add_column("阶段")
        projects.add_column("个数", justify="right")
        for state, count in data.projects_by_state:
            projects.add_row(state, f"{count:,}")
        projects.add_row("合计", f"{data.projects_total:,}", style="bold")
        grid.add_row(households, projects)
        self.query_one("#township", Static).update(f"[b]{data.township}[/b]")
        self.query_one("#counts", Static).update(grid)
        self.figures_shown = True

    @on(OptionList.OptionSelected, "#nav")
    def _go(self, event: OptionList.OptionSelected) -> None:
        self.app.action_go(event.option.id)
