"""The 全县汇总 workbook: the county's figures by township, print-ready like the township package.

One sheet per subject (户情况, 项目状态, 资金, 资金用途, 体检问题), each laid out by
``styles.write_table`` (A4 landscape, header row repeated, fitted to the width; the columns
are chosen so the fit keeps 10 pt text at full size). A figure a township did not report
(``services.county_summary``) is the text 未报送, never a number; totals are values, never
formulas, and a note under the table names the townships they leave out.

    from fupin_tui.excel.county_summary import write_county_summary
    path = write_county_summary(summary, Path("out"))
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from fupin_tui.excel.styles import Column, set_text, write_table
from fupin_tui.filenames import safe_name, save_workbook
from fupin_tui.services.county_summary import ACKNOWLEDGED, NOT_REPORTED, CountySummary, TownSummary

SIGNATURES = ("制表人", "审核人", "日期")


def _n(value):
    return NOT_REPORTED if value is None else value


def _of(mapping: dict | None, key: str):
    return NOT_REPORTED if mapping is None else mapping.get(key, 0)


def _rows(summary: CountySummary, row) -> list[list]:
    return [row(t) for t in summary.towns] + [row(summary.total)]


def _town(t: TownSummary) -> list:
    return [t.code, t.name] if t.code else ["", t.name]


def write_county_summary(summary: CountySummary, out_dir: Path | str, name: str | None = None) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    sub = (f"{summary.county}  截至 {summary.today:%Y-%m-%d}  共 {len(summary.towns)} 个乡镇"
           f"（数据来自各乡镇最新上报包）")
    town_cols = [Column("乡镇代码", 11, "id"), Column("乡镇", 14)]
    gaps = summary.not_reported

    ws = wb.create_sheet("户情况")
    cols = town_cols + [Column("报送期", 9), Column("户数", 8, "int"), Column("人数", 9, "int")] + \
        [Column(s, 8, "int") for s in summary.statuses]
    write_table(ws, title=f"{summary.county}建档立卡贫困户全县汇总（按户状态）", subtitle=sub, columns=cols,
                rows=_rows(summary, lambda t: _town(t) + [t.period, t.households, _n(t.people)]
                           + [_of(t.by_status, s) for s in summary.statuses]),
                signatures=SIGNATURES, key_columns=2)
    _notes(ws, gaps, ("户状态", "人数"))

    ws = wb.create_sheet("项目状态")
    states = summary.states or ("申报",)
    cols = town_cols + [Column("项目数", 8, "int")] + [Column(s, 7, "int") for s in states]
    write_table(ws, title=f"{summary.county}扶贫项目全县汇总（按项目状态）", subtitle=sub, columns=cols,
                rows=_rows(summary, lambda t: _town(t) + [t.projects] + [_of(t.by_state, s) for s in states]),
                signatures=SIGNATURES, key_columns=2)
    _notes(ws, gaps, ("项目状态",))

    ws = wb.create_sheet("资金")
    cols = town_cols + [Column("批复资金（元）", 17, "money"), Column("已拨付（元）", 17, "money"),
                        Column("已报账（元）", 17, "money"), Column("拨付率", 9, "ratio"), Column("报账率", 9, "ratio")]

    def money(t: TownSummary) -> list:
        rate = lambda part, whole: None if part is None or whole is None else (part / whole if whole else 0)  # noqa: E731
        return _town(t) + [_n(t.approved), _n(t.disbursed), _n(t.reimbursed),
                           _n(rate(t.disbursed, t.approved)), _n(rate(t.reimbursed, t.disbursed))]

    write_table(ws, title=f"{summary.county}{summary.year}年度扶贫项目资金全县汇总", subtitle=sub, columns=cols,
                rows=_rows(summary, money), signatures=SIGNATURES, key_columns=2)
    _notes(ws, gaps, ("批复资金", "已拨付", "已报账"))

    ws = wb.create_sheet("资金用途")
    cols = [Column("乡镇", 12)]
    for use in summary.uses:
        cols += [Column(f"{use}（元）", 14, "money"), Column(f"占比（规定{_pct(summary.targets[use])}）", 10, "ratio")]
    write_table(ws, title=f"{summary.county}{summary.year}年度资金用途分配（33112）全县汇总", subtitle=sub,
                columns=cols, rows=_rows(summary, lambda t: [t.name] + [
                    v for use in summary.uses
                    for v in (_of(t.allocation, use), _n(summary.share(t, use)))]),
                signatures=SIGNATURES, key_columns=1)
    _notes(ws, gaps, ("资金用途",))

    ws = wb.create_sheet("体检问题")
    kinds = (*summary.severities, ACKNOWLEDGED)
    cols = town_cols + [Column(f"{k}", 10, "int") for k in kinds] + [Column("未处理合计", 11, "int")]

    def found(t: TownSummary) -> list:
        if t.findings is None:
            return _town(t) + ["未体检"] * (len(kinds) + 1)
        return _town(t) + [t.findings.get(k, 0) for k in kinds] + [sum(t.findings.get(k, 0) for k in summary.severities)]

    write_table(ws, title=f"{summary.county}体检问题全县汇总（按严重程度）", subtitle=sub + "；已确认的问题不计入未处理",
                columns=cols, rows=_rows(summary, found), signatures=SIGNATURES, key_columns=2)
    path = Path(out_dir) / (name or safe_name("全县汇总", summary.county, f"{summary.year}年",
                                              f"{summary.today:%Y%m%d}", ext=".xlsx"))
    return save_workbook(wb, path)


def _pct(x) -> str:
    return f"{(x * 100).normalize():f}%"


def _notes(ws, gaps: dict[str, list[str]], figures: tuple[str, ...]) -> None:
    """Under the signatures: which townships a figure was not reported for (and the totals leave out)."""
    lines = [f"注：{'、'.join(gaps[f])}的上报包未含「{f}」所需的列（乡镇软件较旧），表中记为{NOT_REPORTED}，"
             f"全县合计不含这些乡镇的该项数字。" for f in figures if f in gaps]
    if not lines:
        return
    row = ws.max_row + 1
    for text in lines:
        cell = set_text(ws.cell(row, 1), text)
        cell.font = Font(name="宋体", size=10)
        cell.alignment = Alignment(horizontal="left", vertical="center")
        row += 1
    ws.print_area = f"A1:{get_column_letter(ws.max_column)}{row - 1}"

