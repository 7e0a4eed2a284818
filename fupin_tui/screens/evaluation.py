"""绩效自评: the performance self-evaluation indicators of a year (seed 八(六)), on screen and printed.

Opened from 体检 (key P, or Enter on a Y01 finding).  Figures come from the
data in a thread; E writes the print-ready table next to the database.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from fupin_tui import keymap as km
from fupin_tui.widgets.footer import SteadyFooter


def default_year(today) -> int:
    """Before May the report concerns last year (due 31 March, Y01); afterwards the current one."""
    return today.year - 1 if today.month <= 4 else today.year


class EvaluationScreen(Screen):
    DEFAULT_CSS = """
    EvaluationScreen #eval-title { height: 1; padding: 0 1; text-style: bold; }
    EvaluationScreen #eval-table { height: 1fr; }
    EvaluationScreen #eval-note { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        km.bind("prev-year", "year(-1)", "上一年"),
        km.bind("next-year", "year(1)", "下一年"),
        km.bind("print", "export", "导出", tooltip="生成绩效自评表（Excel）"),
        km.bind("back", "back", "返回"),
    ]

    def __init__(self, year: int | None = None) -> None:
        super().__init__()
        self.year = year
        self.evaluation = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="eval-title")
        yield DataTable(id="eval-table", cursor_type="row", zebra_stripes=True)
        yield Static("数值由系统按台账计算，请核对后写入自评报告（每年3月底前报送，Y01）。", id="eval-note")
        yield SteadyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("考评内容", width=8, key="group")
        table.add_column("指标", width=28, key="name")
        table.add_column("数值", width=16, key="value")
        table.add_column("计算依据", key="basis")
        table.focus()
        if self.year is None:
            self.year = default_year(self.app.ctx.today())
        self._load()

    def _load(self) -> None:
        self.query_one("#eval-title", Static).update(f"{self.year}年度财政专项扶贫资金绩效自评  正在计算…")
        self._compute(self.year)

    @work(thread=True, exclusive=True, group="evaluation", description="计算绩效自评指标")
    def _compute(self, year: int) -> None:
        from fupin_tui.services.checks import evaluation

        result = evaluation(self.app.ctx, year)
        self.app.call_from_thread(self._show, result)

    def _show(self, evaluation) -> None:
        if evaluation.year != self.year:
            return
        self.evaluation = evaluation
        self.query_one("#eval-title", Static).update(
            f"{evaluation.township}{evaluation.year}年度财政专项扶贫资金绩效自评（项目{evaluation.projects}个）")
        table = self.query_one(DataTable)
        table.clear()
        previous = ""
        for ind in evaluation.indicators:
            group = ind.group if ind.group != previous else ""
            previous = ind.group
            table.add_row(group, ind.name, Text(ind.value, justify="right"), ind.basis)

    def action_year(self, delta: int) -> None:
        self.year += delta
        self._load()

    def export_path(self) -> Path:
        town = self.evaluation.township if self.evaluation else ""
        return Path(self.app.db_path).parent / "导出" / f"{town}{self.year}年度绩效自评.xlsx"

    def action_export(self) -> None:
        if self.evaluation is None:
            self.notify("指标还在计算，请稍候。", severity="warning")
            return
        from fupin_tui.excel.evaluation_print import write_evaluation

        from fupin_tui.dialogs.stripped import printed
        from fupin_tui.excel.styles import collect_stripped

        try:
            with collect_stripped() as stripped:
                path = write_evaluation(self.evaluation, self.export_path())
        except OSError as exc:
            self.notify(f"导出失败：{exc.strerror or exc}", severity="error")
            return
        printed(self, stripped, f"已导出：{path}")

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
