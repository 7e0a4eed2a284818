"""Print-ready workbooks of the project dossiers: the library table and the archive index (卷内目录)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from fupin_tui.context import AppContext
from fupin_tui.excel.styles import Column, write_table
from fupin_tui.services import archive, library, projects
from fupin_tui.filenames import save_workbook

LIBRARY_COLUMNS = [
    Column("序号", 6, "int"), Column("年度", 6, "int"), Column("所在村", 10), Column("项目名称", 26),
    Column("项目类别", 12), Column("建设性质", 8), Column("资金类型", 12), Column("建设地点", 14),
    Column("建设内容", 30), Column("总投资（元）", 14, "money"), Column("财政专项（元）", 14, "money"),
    Column("受益户", 8, "int"), Column("其中贫困户", 10, "int"), Column("绩效目标", 30),
    Column("带贫减贫机制", 20), Column("优先级", 6, "int"), Column("状态", 8),
]
INDEX_COLUMNS = [
    Column("序号", 6, "int"), Column("文件材料", 36), Column("收到日期", 12, "date"), Column("份数", 6, "int"),
    Column("页数", 6, "int"), Column("存放位置", 16), Column("备注", 20),
]


def _township_name(ctx: AppContext) -> str:
    t = ctx.township()
    return f"{t.county}{t.name}" if t else ""


def write_library(ctx: AppContext, path: Path, *, year: int | None = None) -> int:
    """项目库 table of a year (or all years); returns the number of entries written."""
    entries = library.list_entries(ctx, year=year, limit=100000)
    rows = []
    for n, e in enumerate(entries, 1):
        full = library.get_entry(ctx, e.id)
        rows.append([n, e.year, e.village, e.name, e.category, e.construction_type, full["fund_type"],
                     full["location"], full["content"], e.amount_total, e.amount_fiscal,
                     full["beneficiary_households"], e.poor_households, full["performance_goals"],
                     full["benefit_mechanism"], e.priority, e.status])
    wb = Workbook()
    ws = wb.active
    ws.title = "项目库"
    title = f"{_township_name(ctx)}{year or ''}{'年度' if year else ''}脱贫攻坚项目库"
    write_table(ws, title=title, columns=LIBRARY_COLUMNS, rows=rows,
                subtitle=f"共{len(rows)}个项目", signatures=("制表人", "审核人", "乡镇（盖章）", "日期"))
    save_workbook(wb, path)
    return len(rows)


def write_archive_index(ctx: AppContext, project_id: int, path: Path) -> int:
    """卷内目录 of one project: the needed documents of R02 in order, with where each is kept."""
    d = projects.dossier(ctx, project_id)
    rows = [[r.doc_no, r.title, r.received_on, r.copies or None, r.pages or None, r.storage_place,
             r.note or ("" if r.present else "缺")]
            for r in archive.checklist(ctx, project_id) if r.needed]
    wb = Workbook()
    ws = wb.active
    ws.title = "卷内目录"
    subtitle = f"档号：{d.file_number or '（未编号）'}    项目：{d.name}    {d.village}    {d.year}年度"
    write_table(ws, title=f"{_township_name(ctx)}扶贫项目档案卷内目录", columns=INDEX_COLUMNS, rows=rows,
                subtitle=subtitle, signatures=("立卷人", "检查人", "日期"), landscape=False,
                record=(f"project:{project_id}", f"项目记录号 {project_id}"))
    save_workbook(wb, path)
    return len(rows)


def print_dir(ctx: AppContext) -> Path:
    """Printouts go beside the database, in 打印 (easy to find and carry on a USB stick)."""
    return Path(ctx.db.path).parent / "打印"
