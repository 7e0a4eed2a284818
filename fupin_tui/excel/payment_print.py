"""到户补助资金发放花名册 (issue 15.7): the roster payees sign, page by page, for the county's files.

One row per 名册 line of the project's live vouchers (or of one voucher),
ordered by village and 户编号 — the order of the registry, not of the
vouchers — with 家庭人口 and 一卡通账号 beside the amount and an empty
领款人签名 cell a signature fits in. Each page ends with its 本页小计, the
last with the 合计 (in figures and in Chinese capitals) and the lines for
发放人, 村干部, 驻村工作队 and 审核人. The roster is kept in the office, not
posted, so numbers are printed in full; the public list is
``beneficiary_print``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from fupin_tui.context import AppContext
from fupin_tui.domain.disbursement import ROSTER
from fupin_tui.domain.errors import DomainError
from fupin_tui.domain.money import amount_in_words, format_money
from fupin_tui.excel.paged_print import Paging, fits_on_page, write_paged_table
from fupin_tui.excel.styles import Column, signature_text
from fupin_tui.filenames import safe_name, save_workbook
from fupin_tui.models import BudgetLine, Household, Project, Village, Voucher, VoucherLine

COLUMNS = [  # full size on A4 landscape; LibreOffice prints a digit of 宋体 10 pt a little wider than a width unit
    Column("序号", 5, "int"), Column("村名", 7), Column("户编号", 19, "id"), Column("领款人", 8),
    Column("身份证号", 21, "id"), Column("家庭人口", 5, "int", wrap=True), Column("一卡通账号", 22, "id"),
    Column("补助项目", 9, wrap=True), Column("金额（元）", 12, "money"), Column("领款人签名", 13),
    Column("签领日期", 11, "date"),
]
AMOUNT = 8
# 12 rows of 24 pt (8.5 mm: room for a signature or a fingerprint) a landscape page
PAGING = Paging(rows_per_page=12, row_pt=24.0, landscape=True)
SIGNERS = ("发放人", "村干部（村委会主任）", "驻村工作队", "乡镇审核人")


@dataclass(frozen=True)
class RosterPayLine:
    village: str
    household_no: str
    payee: str
    id_number: str
    size: int | None
    bank_account: str
    item: str
    amount: Decimal
    signed_on: object
    voucher_no: str


def payment_rows(ctx: AppContext, project_id: int, voucher_id: int | None = None) -> list[RosterPayLine]:
    """The live roster lines of the project (or one voucher), in registry order."""
    L, V, H, B, G = (m.__table__.c for m in (VoucherLine, Voucher, Household, BudgetLine, Village))
    stmt = (select(G.name, H.household_no, L.payee_name, L.id_number, H.size, H.bank_account, B.item, L.amount,
                   L.signed_on, V.voucher_no)
            .select_from(VoucherLine.__table__.join(Voucher.__table__, L.voucher_id == V.id)
                         .join(BudgetLine.__table__, L.budget_line_id == B.id)
                         .outerjoin(Household.__table__, L.household_id == H.id)
                         .outerjoin(Village.__table__, H.village_id == G.id))
            .where(V.project_id == project_id, L.kind == ROSTER, L.voided == False, V.voided == False))  # noqa: E712
    if voucher_id is not None:
        stmt = stmt.where(V.id == voucher_id)
    with ctx.read() as s:
        found = [RosterPayLine(r[0] or "", r[1] or "", r[2], r[3], r[4], r[5] or "", r[6], r[7], r[8], r[9])
                 for r in s.execute(stmt.order_by(G.code, H.household_no, V.voucher_no, L.id))]
    return found


def payment_workbook(ctx: AppContext, project_id: int, voucher_id: int | None = None) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "发放花名册"
    write_payment_sheet(ws, ctx, project_id, voucher_id)
    return wb


def write_payment_sheet(ws, ctx: AppContext, project_id: int, voucher_id: int | None = None) -> int:
    """The roster on an empty sheet (also the 名册 sheet of a voucher's printout); returns its pages."""
    with ctx.read() as s:
        project = s.get(Project, project_id)
        if project is None or project.voided:
            raise DomainError("找不到该项目（可能已作废）")
        vouchers = None
        if voucher_id is not None:
            v = s.get(Voucher, voucher_id)
            if v is None or v.voided or v.project_id != project_id:
                raise DomainError("找不到该凭证（可能已作废）")
            vouchers = v.voucher_no
    rows = payment_rows(ctx, project_id, voucher_id)
    if not rows:
        raise DomainError(f"项目「{project.name}」没有领款名册（到户补助）明细，不能打印发放花名册")
    town = ctx.township()
    total = sum((r.amount for r in rows), Decimal(0))
    assert fits_on_page(PAGING, footer_lines=3)
    subtitle = (f"项目：{project.name}    档号：{project.file_number or '未编'}    "
                + (f"凭证号：{vouchers}    " if vouchers else "")
                + f"共{len(rows)}人次    金额单位：元")
    return write_paged_table(
        ws, title=f"{town.name if town else ''}到户补助资金发放花名册", subtitle=subtitle, columns=COLUMNS,
        rows=[(i, r.village, r.household_no, r.payee, r.id_number, r.size, r.bank_account, r.item, r.amount, "",
               r.signed_on) for i, r in enumerate(rows, 1)],
        paging=PAGING, sums=(AMOUNT,), count_label="人次",
        footer_lines=[f"合计金额（大写）：人民币{amount_in_words(total)}（{format_money(total)}元）",
                      signature_text(SIGNERS[:2]) + "        " + signature_text(SIGNERS[2:]),
                      f"制表人：{ctx.operator}        制表日期：{ctx.today().isoformat()}        "
                      "领款人本人签名或按手印；代领的注明代领人及关系"],
        page_header=f"{project.name} 到户补助资金发放花名册", label_col=1,
        record=(f"project:{project_id}", f"项目记录号 {project_id}"))


def print_payment_roster(ctx: AppContext, project_id: int, voucher_id: int | None = None,
                         folder: Path | None = None) -> Path:
    """Save the roster as a workbook in ``folder`` (default: 打印 beside the database); return its path."""
    wb = payment_workbook(ctx, project_id, voucher_id)
    with ctx.read() as s:
        project = s.get(Project, project_id)
    folder = Path(folder) if folder else Path(ctx.db.path).parent / "打印"
    path = folder / safe_name("发放花名册", project.name, ctx.today().isoformat(), ext=".xlsx", sep="_")
    save_workbook(wb, path)
    return path
