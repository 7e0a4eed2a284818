"""Print-ready 绩效自评 table (seed 八(六)): the indicators of a year with their figures.

The self-evaluation report due by 31 March (Y01) starts from this sheet.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from fupin_tui.excel.styles import Column, write_table
from fupin_tui.filenames import save_workbook

COLUMNS = [
    Column("序号", 6, "int"),
    Column("考评内容", 10),
    Column("指标", 30),
    Column("数值", 18),
    Column("计算依据", 60),
]


def evaluation_rows(evaluation) -> list[tuple]:
    return [(i, ind.group, ind.name, ind.value, ind.basis) for i, ind in enumerate(evaluation.indicators, 1)]


def write_evaluation(evaluation, path: Path | str) -> Path:
    """Write the table to ``path`` (.xlsx) and return it."""
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = f"{evaluation.year}年绩效自评"
    write_table(
        ws,
        title=f"{evaluation.township}{evaluation.year}年度财政专项扶贫资金绩效自评指标",
        subtitle=f"{evaluation.year}年度项目{evaluation.projects}个；数据由系统按台账计算，请核对后填入自评报告",
        columns=COLUMNS,
        rows=evaluation_rows(evaluation),
        signatures=("填报人", "审核人", "单位负责人", "日期"),
    )
    save_workbook(wb, path)
    return path
