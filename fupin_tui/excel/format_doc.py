"""The "Sheets and columns" part of docs/PACKAGE_FORMAT.md, written from ``schema.SHEETS``.

The county builds on the package format; generating its column list from the
same declaration the export and the merge use keeps the document true.
Regenerate with ``python -m fupin_tui.excel.format_doc docs/PACKAGE_FORMAT.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fupin_tui import sheets as schema

KINDS = {
    "text": "文本", "id": "文本（号码，不转数字）", "int": "整数", "date": "日期",
    "money": "金额（元，两位小数）", "ratio": "比例（0到1，显示为百分比）", "bool": "是/否", "qty": "数量（三位小数）",
    "time": "日期时间（文本 2026-11-02 09:15:00）",
}
START = "## Sheets and columns"


def sheets_markdown() -> str:
    out = [START, ""]
    for workbook in schema.workbooks():
        out += [f"### {workbook}", ""]
        for sheet in schema.sheets_of(workbook):
            out += [f"**工作表「{sheet.name}」**（{sheet.title}；表 `{sheet.table}`）", "",
                    "| 列 | 类型 | 字段 | 说明 |", "|---|---|---|---|"]
            for f in sheet.fields:
                note = f"引用「{f.ref}」的记录号" if f.ref else ("仅供阅读，汇总时不读回" if f.shown_only else "")
                out.append(f"| {f.header} | {KINDS[f.kind]} | `{f.attr}` | {note} |")
            out += ["| 作废 | 是/空 | `voided` | |", "| 作废原因 | 文本 | `void_reason` | |", ""]
    return "\n".join(out).rstrip() + "\n"


def rewrite(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    head = text[: text.index(START)] if START in text else text + "\n"
    doc.write_text(head + sheets_markdown(), encoding="utf-8")


if __name__ == "__main__":
    rewrite(Path(sys.argv[1]))
