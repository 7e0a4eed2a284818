"""进度与报账: progress reports, tranches, vouchers; benefit linkage (利益联结)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

from sqlalchemy import Index, text
from sqlmodel import Field

from fupin_tui.models.base import Tracked
from fupin_tui.models.types import Money, Ratio


class ProgressReport(Tracked, table=True):
    """进度 entered after a disbursement or reimbursement (P13)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    reported_on: date
    work_share: Decimal = Field(default=Decimal("0"), sa_type=Ratio)  # 工程量完成比例 0..1
    description: str = ""
    spent: Decimal = Field(default=Decimal("0"), sa_type=Money)  # money used so far
    households_reached: int = 0
    photos_before: str = ""
    photos_during: str = ""
    photos_after: str = ""
    platform_entered_on: Optional[date] = None  # 录入扶贫云平台
    regress_reason: str = ""  # required when work_share goes down


class Tranche(Tracked, table=True):
    """拨款: one disbursement to the project (F02, F03)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    seq: int  # 1, 2, 3 under 532; 1 under 先建后补
    disbursed_on: date
    amount: Decimal = Field(default=Decimal("0"), sa_type=Money)
    deposit_withheld: Decimal = Field(default=Decimal("0"), sa_type=Money)
    document_no: str = ""
    note: str = ""


class Voucher(Tracked, table=True):
    """报账凭证: belongs to one project (F01); its total is the sum of its lines."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    voucher_no: str = Field(index=True)
    made_on: date
    reimbursed_on: Optional[date] = None
    tranche_id: Optional[int] = Field(default=None, foreign_key="tranche.id")
    total: Decimal = Field(default=Decimal("0"), sa_type=Money)
    is_final: bool = False  # 最终报账 (F04)
    note: str = ""


class VoucherLine(Tracked, table=True):
    """A voucher line matched to a budget line: tax invoice (发票) or signed roster (名册)."""

    __table_args__ = (
        # An invoice is used once across the township's vouchers.
        Index("ux_invoice", "invoice_code", "invoice_no", unique=True,
              sqlite_where=text("voided = 0 AND kind = '发票'"),
              postgresql_where=text("NOT voided AND kind = '发票'")),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    voucher_id: int = Field(foreign_key="voucher.id", index=True)
    budget_line_id: int = Field(foreign_key="budgetline.id", index=True)
    kind: str  # 发票 / 名册
    amount: Decimal = Field(default=Decimal("0"), sa_type=Money)
    # invoice
    invoice_code: str = ""
    invoice_no: str = ""
    invoice_date: Optional[date] = None
    seller: str = ""
    attachments: int = 0
    # roster
    household_id: Optional[int] = Field(default=None, foreign_key="household.id")
    payee_name: str = ""
    id_number: str = ""
    signed_on: Optional[date] = None
    note: str = ""


class Entity(Tracked, table=True):
    """合作社 / 村集体经济组织 / 龙头企业 funded by a project (section C)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str  # 合作社 / 村集体 / 企业
    name: str
    village_id: Optional[int] = Field(default=None, foreign_key="village.id")
    project_id: Optional[int] = Field(default=None, foreign_key="project.id", index=True)
    funded_amount: Decimal = Field(default=Decimal("0"), sa_type=Money)
    registered_on: Optional[date] = None


class EntityMember(Tracked, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)
    household_id: Optional[int] = Field(default=None, foreign_key="household.id")
    name: str
    is_poor: bool = False


class Share(Tracked, table=True):
    """量化入股: a poor household's quantified share in an entity."""

    id: Optional[int] = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    amount: Decimal = Field(default=Decimal("0"), sa_type=Money)
    dividend_mode: str = "保底分红"  # 保底分红 / 股份分红


class Dividend(Tracked, table=True):
    """Yearly dividend paid on a share (L03, L04)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    share_id: int = Field(foreign_key="share.id", index=True)
    year: int
    amount: Decimal = Field(default=Decimal("0"), sa_type=Money)
    proceeds: Decimal = Field(default=Decimal("0"), sa_type=Money)  # the share's proceeds (收益) that year
    paid_on: Optional[date] = None


class CollectiveIncome(Tracked, table=True):
    """村集体 yearly net income and what went to poor households (L02)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)
    year: int
    net_income: Decimal = Field(default=Decimal("0"), sa_type=Money)
    increase: Decimal = Field(default=Decimal("0"), sa_type=Money)
    poor_support: Decimal = Field(default=Decimal("0"), sa_type=Money)
    share_to_poor: Optional[Decimal] = Field(default=None, sa_type=Ratio)
