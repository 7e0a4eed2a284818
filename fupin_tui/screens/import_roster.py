"""导入花名册: file, column mapping the clerk can correct, preview with every problem, confirm."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Select, Static

from fupin_tui import keymap as km
from fupin_tui.widgets.footer import SteadyFooter

NO_COLUMN = -1
FROM_SHEET = "__sheet__"


class ImportRosterScreen(Screen):
    """Read a roster workbook, check it, and import it after the clerk confirms."""

    BINDINGS = [
        km.bind("check", "preview", "检查预览", tooltip="按当前列对应重新检查"),
        km.bind("save", "import", "确认导入", tooltip="导入全部无错误的户（一次完成）"),
        km.bind("print", "report", "保存问题清单", tooltip="把问题写成清单（Excel）"),
        km.bind("back", "back", "返回"),
    ]

    DEFAULT_CSS = """
    ImportRosterScreen .row { height: 3; }
    ImportRosterScreen .row Label { width: 10; padding: 1 1 0 1; }
    ImportRosterScreen .row Input, ImportRosterScreen .row Select { width: 1fr; }
    ImportRosterScreen #roster-mapping { height: auto; max-height: 9; border-top: solid $primary 30%; }
    ImportRosterScreen .map-row { height: 3; width: 1fr; }
    ImportRosterScreen .map-row Label { width: 14; padding: 1 1 0 1; }
    ImportRosterScreen .map-row Select { width: 1fr; }
    ImportRosterScreen #roster-info, ImportRosterScreen #roster-counts { padding: 0 1; height: auto; }
    ImportRosterScreen #roster-problems { height: 1fr; min-height: 4; }
    """

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.initial_path = path
        self.loaded = None
        self.plan = None
        self.busy = False

    def compose(self) -> ComposeResult:
        from fupin_tui.excel.roster_import import FIELDS

        yield Header()
        with Vertical():
            with Horizontal(classes="row"):
                yield Label("文件")
                yield Input(value=self.initial_path, placeholder="花名册路径（.xlsx/.xls/.csv），回车读取",
                            id="roster-path")
            with Horizontal(classes="row"):
                yield Label("导入到村")
                yield Select([("按表中的村列", FROM_SHEET)], value=FROM_SHEET, allow_blank=False, id="roster-village")
            yield Static("输入文件路径后按回车。", id="roster-info", classes="muted")
            with VerticalScroll(id="roster-mapping"):
                for field, (label, _) in FIELDS.items():
                    with Horizontal(classes="map-row"):
                        yield Label(label)
                        yield Select([("（无此列）", NO_COLUMN)], value=NO_COLUMN, allow_blank=False,
                                     id=f"map-{field}")
            yield Static("", id="roster-counts")
            yield DataTable(id="roster-problems", cursor_type="row", zebra_stripes=True)
        yield SteadyFooter()

    def on_mount(self) -> None:
        from fupin_tui.services import township

        table = self.query_one("#roster-problems", DataTable)
        table.add_columns("行", "列", "级别", "问题")
        villages = [(f"{v.name}（{v.code}）", v.code) for v in township.villages(self.app.ctx)]
        self.query_one("#roster-village", Select).set_options([("按表中的村列", FROM_SHEET)] + villages)
        self.query_one("#roster-village", Select).value = FROM_SHEET
        self.query_one("#roster-path", Input).focus()

    # -- reading -----------------------------------------------------------------
    @on(Input.Submitted, "#roster-path")
    def _path_entered(self, event: Input.Submitted) -> None:
        path = event.value.strip().strip('"')
        if not path:
            self._info("文件：请填写花名册的路径。", error=True)
            return
        self._info("正在读取……")
        self._load(Path(path).expanduser())

    @work(thread=True, exclusive=True, group="roster", description="读取花名册")
    def _load(self, path: Path) -> None:
        from fupin_tui.domain.errors import DomainError
        from fupin_tui.excel import roster_import as ri

        try:
            loaded = ri.load(path)
            mapping = ri.guess_mapping(loaded)
        except DomainError as exc:
            self.app.call_from_thread(self._info, str(exc), True)
            return
        self.app.call_from_thread(self._loaded, loaded, mapping)

    def _loaded(self, loaded, mapping: dict[str, int]) -> None:
        from fupin_tui.excel.roster_import import FIELDS, column_label

        self.loaded = loaded
        options = [("（无此列）", NO_COLUMN)] + [
            (column_label(loaded, i), i) for i, h in enumerate(loaded.headers) if h]
        for field in FIELDS:
            select = self.query_one(f"#map-{field}", Select)
            select.set_options(options)
            select.value = mapping.get(field, NO_COLUMN)
        self._info(f"工作表「{loaded.sheet}」，表头在第 {loaded.header_row + 1} 行。"
                   f"请核对下面的列对应，然后按 {km.shown('check')} 检查。")
        self.action_preview()

    def _mapping(self) -> dict[str, int]:
        from fupin_tui.excel.roster_import import FIELDS

        out = {}
        for field in FIELDS:
            value = self.query_one(f"#map-{field}", Select).value
            if isinstance(value, int) and value != NO_COLUMN:
                out[field] = value
        return out

    def _village(self) -> str | None:
        value = self.query_one("#roster-village", Select).value
        return None if value == FROM_SHEET else str(value)

    # -- preview -----------------------------------------------------------------
    def action_preview(self) -> None:
        if self.loaded is None:
            self._info("请先输入文件路径并按回车读取。", error=True)
            return
        self._preview(self.loaded, self._mapping(), self._village())

    @work(thread=True, exclusive=True, group="roster", description="检查花名册")
    def _preview(self, loaded, mapping: dict[str, int], village: str | None) -> None:
        from fupin_tui.domain.errors import DomainError
        from fupin_tui.excel import roster_import as ri

        try:
            plan = ri.preview(self.app.ctx, loaded, mapping, village_code=village)
        except DomainError as exc:
            self.app.call_from_thread(self._info, str(exc), True)
            return
        self.app.call_from_thread(self._previewed, plan)

    def _previewed(self, plan) -> None:
        self.plan = plan
        counts = plan.counts()
        self.query_one("#roster-counts", Static).update(
            "；".join(f"{k} {v}" for k, v in counts.items())
            + (f"。有错误的户不会导入；按 {km.shown('print')} 保存问题清单。" if plan.error_count else f"。按 {km.shown('save')} 确认导入。"))
        table = self.query_one("#roster-problems", DataTable)
        table.clear()
        for p in plan.problems[:2000]:
            table.add_row(str(p.row), p.column, p.level, p.message)

    # -- import --------------------------------------------------------------------
    def action_import(self) -> None:
        from fupin_tui.dialogs.confirm import ConfirmDialog

        if self.plan is None:
            self._info("请先读取并检查花名册。", error=True)
            return
        counts = self.plan.counts()
        if not counts["可导入新户"] and not counts["可导入成员"]:
            self._info("没有可导入的户或成员。", error=True)
            return
        message = (f"将导入 {counts['可导入新户']} 户、{counts['可导入成员']} 人"
                   + (f"；{counts['有错误的户']} 户有错误，不导入" if counts["有错误的户"] else "") + "。确定导入吗？")

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._import(self.plan)

        self.app.push_screen(ConfirmDialog(message, title="确认导入花名册", yes="导入"), confirmed)

    @work(thread=True, exclusive=True, group="roster", description="导入花名册")
    def _import(self, plan) -> None:
        from fupin_tui.domain.errors import DomainError
        from fupin_tui.excel import roster_import as ri

        try:
            summary = ri.import_roster(self.app.ctx, plan)
        except DomainError as exc:
            self.app.call_from_thread(self._info, f"导入失败，数据库未改动：{exc}", True)
            return
        self.app.call_from_thread(self._imported, summary)

    def _imported(self, summary) -> None:
        self.plan = None
        self._info(summary.text())
        self.query_one("#roster-counts", Static).update("")
        self.notify(summary.text(), title="花名册导入完成")

    def action_report(self) -> None:
        from fupin_tui.excel import roster_import as ri

        if self.plan is None or not self.plan.problems:
            self._info("没有问题需要保存。")
            return
        path = ri.report_path(self.app.ctx, self.loaded.path)
        try:
            ri.write_problems(self.plan, path)
        except OSError as exc:
            self._info(f"无法保存问题清单：{exc.strerror or exc}", error=True)
            return
        self._info(f"问题清单已保存到 {path}")

    def action_back(self) -> None:
        self.app.pop_screen()

    def _info(self, text: str, error: bool = False) -> None:
        info = self.query_one("#roster-info", Static)
        info.update(text)
        info.set_class(error, "error-text")
        info.set_class(not error, "muted")
