"""受益户公示 (issue 15.8): the list of a project's beneficiary households posted in the village.

Posted on a notice board, so nothing on it identifies a person beyond what the
public may see (H09): ID numbers (5201**********123X), phones (138****5678)
and 一卡通 accounts (last four) are masked by ``domain.idcard``; health is
never printed. Rows are the project's live 受益户 in registry order (village,
户编号) with the head's name, family size, how the household benefits and the
amount; pages are numbered and totalled like the payment roster. The
supervision phone of the project is a public number and is printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from fupin_tui.context import AppContext
from fupin_tui.domain.errors import DomainError
from fupin_tui.domain.idcard import mask_account, mask_id, mask_phone
from fupin_tui.excel.paged_print import Paging, fits_on_page, write_paged_table
from fupin_tui.excel.styles import Column, signature_text
from fupin_tui.filenames import safe_name, save_workbook
from fupin_tui.models import Beneficiary, Household, Member, Project, Village

COLUMNS = [
    Column("序号", 5, "int"), Column("村名", 9), Column("户主姓名", 9), Column("身份证号", 21),
    Column("家庭人口", 5, "int", wrap=True), Column("联系电话", 13), Column("一卡通账号", 10),
    Column("受益方式", 16, wrap=True), Column("补助金额（元）", 13, "money"), Column("备注", 14),
]
AMOUNT = 8
PAGING = Paging(rows_per_page=16, row_pt=20.0, landscape=True)


@dataclass(frozen=True)
class PostedBeneficiary:
    village: str
    head_name: str
    masked_id: str
    size: int | None
    masked_phone: str
    masked_account: str
    benefit: str
    amount: Decimal


def notice_rows(ctx: AppContext, project_id: int) -> list[PostedBeneficiary]:
    """The project's live beneficiaries with only what may be posted (H09)."""
    B, H, G, M = (m.__table__.c for m in (Beneficiary, Household, Village, Member))
    head_id = (select(M.id_number).where(M.household_id == H.id, M.relation == "户主", M.voided == False)  # noqa: E712
               .order_by(M.id).limit(1).scalar_subquery())
    stmt = (select(G.name, H.head_name, head_id, H.size, H.phone, H.bank_account, B.benefit, B.amount)
            .select_from(Beneficiary.__table__.join(Household.__table__, B.household_id == H.id)
                         .join(Village.__table__, H.village_id == G.id))
            .where(B.project_id == project_id, B.voided == False)  # noqa: E712
            .order_by(G.code, H.household_no, B.id))
    with ctx.read() as s:
        return [PostedBeneficiary(v, head, mask_id(number) if number else "", size, mask_phone(phone) if phone else "",
                          _account_tail(account), benefit, amount)
                for v, head, number, size, phone, account, benefit, amount in s.execute(stmt)]


def _account_tail(account: str | None) -> str:
    """尾号1234: the masked account without its run of stars (which would not fit the column)."""
    return f"尾号{mask_account(account).lstrip('*')}" if account else ""


def beneficiary_notice_workbook(ctx: AppContext, project_id: int) -> Workbook:
    with ctx.read() as s:
        project = s.get(Project, project_id)
        if project is None or project.voided:
            raise DomainError("找不到该项目（可能已作废）")
        village = s.get(Village, project.village_id) if project.village_id else None
    rows = notice_rows(ctx, project_id)
    if not rows:
        raise DomainError(f"项目「{project.name}」没有受益户，不能打印受益户公示")
    town = ctx.township()
    today = ctx.today()
    days = int(ctx.policy.publicity_days)
    place = " ".join(x for x in ((town.name if town else ""), (village.name if village else "")) if x)
    assert fits_on_page(PAGING, footer_lines=3)
    wb = Workbook()
    ws = wb.active
    ws.title = "受益户公示"
    households = len({(r.village, r.head_name, r.masked_id) for r in rows})
    write_paged_table(
        ws, title=f"{place} {project.name} 受益户公示", columns=COLUMNS,
        subtitle=(f"公示期：{today.isoformat()} 至 {(today + timedelta(days=days)).isoformat()}（{days}天）    "
                  f"受益 {households} 户    监督电话：{project.supervision_phone or '（未填）'}    金额单位：元"),
        rows=[(i, r.village, r.head_name, r.masked_id, r.size, r.masked_phone, r.masked_account, r.benefit,
               r.amount or None, "") for i, r in enumerate(rows, 1)],
        paging=PAGING, sums=(AMOUNT,), count_label="户",
        footer_lines=["如对公示内容有异议，请在公示期内向村委会、乡镇人民政府反映，或拨打监督电话。",
                      "身份证号、联系电话、一卡通账号已隐去部分数字（只为本人核对）。",
                      signature_text(("村委会（盖章）", "公示人", "公示日期"))],
        page_header=f"{project.name} 受益户公示", label_col=1,
        record=(f"project:{project_id}", f"项目记录号 {project_id}"))
    return wb


def print_beneficiary_notice(ctx: AppContext, project_id: int, folder: Path | None = None) -> Path:
    wb = beneficiary_notice_workbook(ctx, project_id)
    with ctx.read() as s:
        project = s.get(Project, project_id)
    folder = Path(folder) if folder else Path(ctx.db.path).parent / "打印"
    path = folder / safe_name("受益户公示", project.name, ctx.today().isoformat(), ext=".xlsx", sep="_")
    save_workbook(wb, path)
    return path
