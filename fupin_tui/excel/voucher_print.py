"""Printable 报账单 (F07) and the signed roster (名册, F06), laid out by ``excel.styles``.

The 报账单 lists the voucher's lines against the budget lines, the total in
figures and in Chinese capitals (``amount_in_words``), the tranche, the
quality deposit and the operator, with signature lines.  The roster is the
payment roster of ``payment_print`` for this voucher: one row per payee with
a cell for the signature, 本页小计 on each page and the 合计 at the end.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from fupin_tui.context import AppContext
from fupin_tui.domain.disbursement import ROSTER
from fupin_tui.domain.errors import DomainError
from fupin_tui.domain.money import amount_in_words, format_money
from fupin_tui.excel.styles import Column, report_if_stripped, safe_text, signature_text, write_table
from fupin_tui.services.funds import ProjectFunds, VoucherRow, project_funds
from fupin_tui.filenames import safe_name, save_workbook

VOUCHER_COLUMNS = [
    Column("序号", 6, "int"),
    Column("概算项目", 18),
    Column("票据", 6),
    Column("发票代码/户编号", 16),
    Column("发票号码/领款人", 14),
    Column("销售方/身份证号", 24),
    Column("日期", 12, "date"),
    Column("附件", 6, "int"),
    Column("金额（元）", 14, "money"),
]

APPROVERS = ("审核人", "单位负责人", "乡镇审批")


def _voucher(funds: ProjectFunds, voucher_id: int) -> VoucherRow:
    v = next((v for v in funds.vouchers if v.id == voucher_id), None)
    if v is None:
        raise DomainError("找不到该凭证（可能已作废）")
    if not v.lines:
        raise DomainError(f"凭证{v.voucher_no}没有明细，不能打印")
    return v


def _footer(ws, label: str, total, operator: str, title: str = "", record: tuple[str, str] | None = None) -> None:
    report_if_stripped(title or ws.title, 0, "经办人", operator, record)  # a name typed before the checks
    ws.append([])
    ws.append([safe_text(f"{label}合计：{format_money(total)}元")])
    ws.append([safe_text(f"大写金额（人民币）：{amount_in_words(total)}")])
    ws.append([])
    ws.append([safe_text(f"经办人：{operator}        " + signature_text(APPROVERS))])


def write_voucher_sheet(ws, funds: ProjectFunds, v: VoucherRow, operator: str, township: str = "") -> None:
    rows = []
    for i, line in enumerate(v.lines, start=1):
        if line.kind == ROSTER:
            rows.append((i, line.budget_item, line.kind, line.household_no, line.payee_name, line.id_number,
                         line.signed_on, None, line.amount))
        else:
            rows.append((i, line.budget_item, line.kind, line.invoice_code, line.invoice_no, line.seller,
                         line.invoice_date, line.attachments, line.amount))
    tranche = f"第{v.tranche_seq}期拨款" if v.tranche_seq else "未拨款"
    deposit = f"质量保证金{format_money(funds.deposit)}元（{funds.deposit_state or '未扣留'}）" if funds.deposit else "无质量保证金"
    subtitle = (f"项目：{funds.name}    凭证号：{v.voucher_no}    制单日期：{v.made_on.isoformat()}    "
                f"{tranche}    批复补助{format_money(funds.subsidy)}元    {deposit}"
                + ("    最终报账" if v.is_final else ""))
    title, record = f"{township}财政专项扶贫资金报账单", (f"project:{funds.project_id}", f"凭证号 {v.voucher_no}")
    write_table(ws, title=title, columns=VOUCHER_COLUMNS, rows=rows, subtitle=subtitle, signatures=(), record=record)
    _footer(ws, "本单", v.total, operator, title, record)


def voucher_workbook(ctx: AppContext, project_id: int, funds: ProjectFunds, voucher_id: int) -> Workbook:
    """The 报账单, and the voucher's roster in the payment roster's layout (``payment_print``) when it has one."""
    from fupin_tui.excel.payment_print import write_payment_sheet

    v = _voucher(funds, voucher_id)
    town = ctx.township()
    wb = Workbook()
    ws = wb.active
    ws.title = "报账单"
    write_voucher_sheet(ws, funds, v, ctx.operator, town.name if town else "")
    if any(line.kind == ROSTER for line in v.lines):
        write_payment_sheet(wb.create_sheet("名册"), ctx, project_id, voucher_id)
    return wb


def print_voucher(ctx: AppContext, project_id: int, voucher_id: int, folder: Path | None = None) -> Path:
    """Save the 报账单 (and roster) of a voucher as a workbook; returns its path."""
    funds = project_funds(ctx, project_id)
    v = _voucher(funds, voucher_id)
    wb = voucher_workbook(ctx, project_id, funds, voucher_id)
    folder = folder or Path(ctx.db.path).parent / "打印"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / safe_name("报账单", v.voucher_no, ext=".xlsx")
    save_workbook(wb, path)
    return path
