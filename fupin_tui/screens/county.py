"""县级汇总 on screen: the county mode of the app (a county database is opened).

The 全县汇总 figures by township (``services.county_summary``, the same as the workbook) and
the merge history (合并记录) with undo (``services.county_merges``, after a confirm dialog).
The townships' records are their own: the county reads them and never edits them here (the
app refuses the township jobs in county mode, ``FupinApp.action_go``).
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from fupin_tui import keymap as km
from fupin_tui.screens.county_words import READ_ONLY, unreachable
from fupin_tui.widgets.footer import SteadyFooter

OPEN_TOWN = "选中一个乡镇按 Enter 查看它的农户和项目（只读）。"
# said once, on this screen, not as a warning at every start: a server keeps its own backups
SERVER_BACKUP = "服务器上的县级汇总库由服务器自己备份（请管理员用 pg_dump 等定期备份），本程序不做文件备份。"


TOTAL = "全县合计"  # the summary's last row's key: no township's records behind it


def _cell(value) -> str:
    from fupin_tui.services.county_summary import NOT_REPORTED

    if value is None:
        return NOT_REPORTED
    return f"{value:,.2f}" if not isinstance(value, int) else str(value)


class CountyScreen(Screen):
    DEFAULT_CSS = """
    CountyScreen > Vertical { padding: 0 1; }
    CountyScreen .county-title { text-style: bold; height: auto; }
    CountyScreen .county-note { color: $text-muted; height: auto; }
    CountyScreen #county-summary { height: 1fr; min-height: 6; }
    CountyScreen #county-merges { height: 1fr; min-height: 6; }
    """
    towns: dict = {}  # township code -> its county_summary.TownSummary, of the summary shown
    summary = None
    BINDINGS = [
        km.bind("void", "undo_merge", "撤销合并"),  # undoing a merge voids it: the same key as every 作废
        km.bind("reload", "reload"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static("全县汇总（按乡镇；体检问题是最近一次 fupin-tui check 的结果）", classes="county-title")
            yield Static(f"{READ_ONLY}{OPEN_TOWN}", classes="county-note", id="county-read-only")
            yield Static("", classes="county-note", id="county-where", markup=False)
            yield DataTable(id="county-summary", cursor_type="row", zebra_stripes=True)
            yield Static(f"合并记录（选中一条按 {km.shown('void')} 撤销该次合并）", classes="county-title")
            yield DataTable(id="county-merges", cursor_type="row", zebra_stripes=True)
        yield SteadyFooter()

    def on_mount(self) -> None:
        summary = self.query_one("#county-summary", DataTable)
        summary.add_columns("乡镇", "报送期", "户数", "人数", "在册", "已脱贫", "项目数", "体检问题", "体检时间",
                            "批复资金", "已拨付", "已报账")
        merges = self.query_one("#county-merges", DataTable)
        merges.add_columns("编号", "合并时间", "经办人", "乡镇", "报送期", "上报包", "状态")
        if getattr(self.app, "ctx", None) is not None:
            self.database_ready()

    def database_ready(self) -> None:
        db = self.app.ctx.db
        where = f"数据库：{db.where}" + (f"。{SERVER_BACKUP}" if db.is_server else "")
        self.query_one("#county-where", Static).update(where)
        self.action_reload()

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="county-load")
    def _load(self) -> None:
        from fupin_tui.services import county_findings, county_merges, county_summary

        from sqlalchemy.exc import DBAPIError

        ctx = self.app.ctx
        try:
            summary = county_summary.build(ctx)
            county_findings.apply(ctx, summary)  # the last `fupin-tui check`'s counts, not a 体检 now
            history = county_merges.history(ctx)
        except DBAPIError as exc:  # the server went away after the start: said, the app goes on
            self.app.call_from_thread(self.notify, unreachable(ctx.db, exc), severity="error", timeout=20,
                                      markup=False)
            return
        self.app.call_from_thread(self._show, summary, history)

    def _show(self, summary, history) -> None:
        from fupin_tui.services.county_findings import shown
        from fupin_tui.services.county_summary import NOT_REPORTED

        table = self.query_one("#county-summary", DataTable)
        table.clear()
        for t in [*summary.towns, summary.total]:
            status = (lambda s: NOT_REPORTED if t.by_status is None else str(t.by_status.get(s, 0)))
            table.add_row(t.label if t.code else t.name, t.period, str(t.households), _cell(t.people),
                          status("在册"), status("已脱贫"), str(t.projects), shown(t.findings), t.checked,
                          _cell(t.approved), _cell(t.disbursed), _cell(t.reimbursed), key=t.code or TOTAL)
        merges = self.query_one("#county-merges", DataTable)
        merges.clear()
        for m in history:
            merges.add_row(str(m.id), f"{m.merged_at:%Y-%m-%d %H:%M}", m.merged_by or "-", m.township, m.period,
                           m.file_name, m.state, key=str(m.id))
        self.history = {m.id: m for m in history}
        self.towns = {t.code: t for t in summary.towns}
        self.summary = summary

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a township's row: its records, read-only (``screens.county_township``)."""
        if event.data_table.id != "county-summary":
            return
        code = event.row_key.value
        if code == TOTAL:
            self.notify(f"全县合计没有单独的记录：{OPEN_TOWN}", severity="warning")
            return
        from fupin_tui.screens.county_township import CountyTownshipScreen
        from fupin_tui.services.county_records import figure_lines

        town = self.towns[code]  # its figures as this summary shows them: not built again (seconds at 100,000 households)
        self.app.push_screen(CountyTownshipScreen(code, town.name, figure_lines(self.summary, town)))

    def action_undo_merge(self) -> None:
        from fupin_tui.widgets.confirm import ConfirmDialog

        merges = self.query_one("#county-merges", DataTable)
        if not merges.row_count:
            self.notify("还没有合并记录。", severity="warning")
            return
        key = merges.coordinate_to_cell_key(merges.cursor_coordinate).row_key.value
        entry = self.history[int(key)]
        if not entry.live:
            self.notify(f"合并 {entry.id} 已撤销，不能再撤销。", severity="warning")
            return
        message = (f"撤销合并 {entry.id}：{entry.township} {entry.period}（{entry.file_name}）？\n"
                   "该乡镇恢复到这次合并之前的数据；撤下的数据保留在汇总库中，重新导入同一上报包即可恢复。")
        self.app.push_screen(ConfirmDialog(message, title="撤销合并", yes="撤销"),
                             lambda yes: self._undo(entry.id) if yes else None)

    def _undo(self, merge_id: int) -> None:
        from fupin_tui.domain.errors import DomainError
        from fupin_tui.services import county_merges

        from sqlalchemy.exc import DBAPIError

        try:
            outcome = county_merges.undo(self.app.ctx, merge_id)
        except DBAPIError as exc:
            self.notify(unreachable(self.app.ctx.db, exc), severity="error", timeout=20, markup=False)
            return
        except DomainError as exc:
            if isinstance(exc.__cause__, DBAPIError) and self.app.ctx.db.is_server:  # the write's own words are a file's
                self.notify(unreachable(self.app.ctx.db, exc.__cause__), severity="error", timeout=20, markup=False)
                return
            self.notify(str(exc), severity="error", timeout=15, markup=False)
            return
        self.notify("\n".join(outcome.lines()), title="已撤销合并", timeout=15, markup=False)
        self.action_reload()
