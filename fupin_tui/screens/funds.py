"""报账 (mode "funds"): pick a project, then tranches, vouchers and lines; the township's overview.

Keys (fupin_tui/keymap.py): Ctrl+F find a project, Ctrl+B 拨款 or 报账 (by page), Ctrl+N 新凭证,
Ctrl+D 打印, Ctrl+L 利益联结, Ctrl+W 全镇资金概况.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from fupin_tui import keymap as km

from fupin_tui.domain.disbursement import pct
from fupin_tui.domain.money import format_money as M
from fupin_tui.screens.project_pick import ProjectPickScreen
from fupin_tui.services import funds as service
from fupin_tui.services import progress as progress_service
from fupin_tui.screens.funds_panel import FundsPanel
from fupin_tui.widgets.footer import SteadyFooter


class ReimbursementScreen(ProjectPickScreen):
    """Type a project's name and Enter; the project's money appears below."""

    DEFAULT_CSS = """
    ReimbursementScreen #funds-project { height: 1; color: $accent; text-style: bold; padding: 0 1; }
    ReimbursementScreen #funds-body { height: 1fr; }
    ReimbursementScreen #funds-hint { color: $text-muted; padding: 1 1; }
    """
    PREFIX = "funds"
    HINT = f"先在上方查找并选定项目。{km.shown('overview')} 查看全镇资金概况。"
    BINDINGS = [
        km.bind("linkage", "linkage", "利益联结", tooltip="本项目扶持的合作社、村集体、企业与分红"),
        km.bind("overview", "overview", "全镇概况", tooltip="全镇各项目资金与33112比例"),
    ]

    async def show_project(self, project_id: int, tab: str | None = None) -> None:
        self.project_id = project_id
        self._update_title()
        body = self.query_one("#funds-body")
        await body.remove_children()
        panel = FundsPanel(project_id, tab_keys=True)
        await body.mount(panel)
        panel.query_one("#tranche-plan").focus()

    def _update_title(self, choice=None) -> None:
        choice = choice or progress_service.project_choice(self.app.ctx, self.project_id)
        self.query_one("#funds-project", Static).update(
            f"{choice.name}  {choice.village}  {choice.state}  补助{M(choice.subsidy)}元")

    def picked_changed(self, choice) -> None:
        self._update_title(choice)

    def action_linkage(self) -> None:
        if self.project_id is None:
            self.notify("请先选定项目", severity="warning")
            return
        from fupin_tui.screens.linkage import LinkageScreen

        self.app.push_screen(LinkageScreen(self.project_id))

    def action_overview(self) -> None:
        self.app.push_screen(TownshipFundsScreen())


class TownshipFundsScreen(Screen):
    """Every project's approved, disbursed, reimbursed, balance and deposit; the year's split (F08)."""

    DEFAULT_CSS = """
    TownshipFundsScreen #town-totals { height: auto; padding: 0 1; text-style: bold; }
    TownshipFundsScreen #town-projects { height: 1fr; }
    TownshipFundsScreen #town-split { height: auto; max-height: 8; }
    """
    BINDINGS = [
        km.bind("back", "app.pop_screen", "返回"),
        km.bind("prev-year", "year(-1)", "上一年"),
        km.bind("next-year", "year(1)", "下一年"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.year: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="town-totals")
        yield DataTable(id="town-projects", cursor_type="row", zebra_stripes=True)
        yield Static("资金用途分配（33112）：", classes="title")
        yield DataTable(id="town-split", cursor_type="row")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.year = self.app.ctx.today().year
        self.query_one("#town-projects", DataTable).add_columns(
            "年度", "项目", "状态", "批复", "已拨", "已报账", "待报账", "未拨", "质保金")
        self.query_one("#town-split", DataTable).add_columns("用途", "金额", "实际占比", "规定比例", "差额")
        self.refresh_data()
        self.query_one("#town-projects").focus()

    def action_year(self, step: int) -> None:
        self.year += step
        self.refresh_data()

    def refresh_data(self) -> None:
        town = service.township_funds(self.app.ctx, self.year)
        t = town.totals
        self.query_one("#town-totals", Static).update(
            f"{self.year}年  项目{t.projects}个  批复{M(t.approved)}  已拨{M(t.disbursed)}  已报账{M(t.reimbursed)}"
            f"  待报账{M(t.unreimbursed)}  未拨{M(t.undisbursed)}  质保金{M(t.deposit_held)}")
        table = self.query_one("#town-projects", DataTable)
        table.clear()
        for r in town.rows:
            x = r.totals
            table.add_row(str(r.year), r.name, r.state, M(x.approved), M(x.disbursed), M(x.reimbursed),
                          M(x.unreimbursed), M(x.undisbursed), M(x.deposit_held), key=str(r.project_id))
        split = self.query_one("#town-split", DataTable)
        split.clear()
        for a in town.allocation:
            split.add_row(a.use, M(a.amount), pct(a.share), pct(a.target), pct(a.gap))

    @on(DataTable.RowSelected, "#town-projects")
    async def _open_project(self, event: DataTable.RowSelected) -> None:
        """Enter on a project opens it on the funds screen."""
        project_id = int(event.row_key.value)
        self.app.pop_screen()
        screen = self.app.screen
        if isinstance(screen, ReimbursementScreen):
            await screen.show_project(project_id)
