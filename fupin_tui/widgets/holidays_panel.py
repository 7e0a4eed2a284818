"""设置 → 节假日: which calendar each year's working days come from, and importing the official one."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label, Static


class HolidaysPanel(Vertical):
    """Years with their source and status; a file path typed and Enter imports it."""

    DEFAULT_CSS = """
    HolidaysPanel { height: 1fr; }
    HolidaysPanel #holiday-years { height: 1fr; }
    HolidaysPanel .hint { color: $text-muted; height: auto; }
    HolidaysPanel #holiday-warning { color: $warning; height: auto; }
    HolidaysPanel #holiday-error { color: $error; height: auto; }
    HolidaysPanel #holiday-done { color: $success; height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Static("工作日按国务院办公厅公布的节假日安排计算。尚未公布的年份按《全国年节及纪念日放假办法》"
                     "推算法定假日（不含调休），相关日期都会提示。每年11月公布次年安排后，请在此导入。", classes="hint")
        yield DataTable(id="holiday-years", cursor_type="row", zebra_stripes=True)
        yield Static("", id="holiday-warning")
        yield Label("导入节假日安排文件（输入文件路径后回车；格式见 fupin-tui holidays import --help）")
        yield Input(placeholder="如 D:\\2027年节假日.toml", id="holiday-file")
        yield Static("", id="holiday-error")
        yield Static("", id="holiday-done")

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        from fupin_tui.config import config_dir
        from fupin_tui.services import holidays

        table = self.query_one("#holiday-years", DataTable)
        table.clear(columns=True)
        table.add_columns("年份", "状态", "来源", "工作日放假", "调休上班", "依据")
        rows = holidays.year_rows(self.app.ctx.today() if self.app.ctx else _today(), config_dir())
        for r in rows:
            table.add_row(str(r.year), r.status, r.origin, f"{r.days_off}天", f"{r.make_up}天", r.source,
                          key=str(r.year))
        warned = [r.year for r in rows if r.warning]
        self.query_one("#holiday-warning", Static).update(
            f"未导入正式安排的年份：{'、'.join(map(str, warned))}。这些年份的期限为推算，请及时导入。" if warned else "")

    @on(Input.Submitted, "#holiday-file")
    def _import(self, event: Input.Submitted) -> None:
        from fupin_tui.config import config_dir
        from fupin_tui.domain.workdays import HolidayFileError
        from fupin_tui.services import holidays

        error, done = self.query_one("#holiday-error", Static), self.query_one("#holiday-done", Static)
        text = event.value.strip().strip('"')
        error.update("")
        done.update("")
        if not text:
            error.update("文件：请输入节假日安排文件的路径")
            return
        try:
            years = holidays.import_file(Path(text).expanduser(), config_dir())
        except HolidayFileError as exc:
            error.update(f"文件：{exc.message}")  # what was typed stays in the input
            return
        done.update("已导入：" + "；".join(f"{y.year}年（{holidays.STATUS_TEXT[y.status]}，{y.source}）" for y in years))
        event.input.value = ""
        self.app.reload_configuration()  # kept in the database too, every screen recounts its deadlines
        self.reload()


def _today():
    from fupin_tui.clock import today

    return today()
