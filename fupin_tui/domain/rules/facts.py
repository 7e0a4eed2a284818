"""The narrow view of the data the 体检 rules read: plain frozen dataclasses.

``services.checks`` builds them with a few bulk queries; the rules never see a
session or a model class, so every rule can be tested on a handful of values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

from fupin_tui.domain.deadlines import ProjectDates
from fupin_tui.domain.quality import MemberData
from fupin_tui.domain.rules.duties_facts import DutiesData

ZERO = Decimal("0.00")


# ---------------------------------------------------------------- projects


@dataclass(frozen=True)
class TrancheData:
    id: int
    seq: int
    on: date
    amount: Decimal
    deposit_withheld: Decimal = ZERO


@dataclass(frozen=True)
class VoucherLineData:
    budget_line_id: int | None
    kind: str  # 发票 / 名册
    amount: Decimal
    budget_line_project_id: int | None = None  # F01: must be the voucher's project
    invoice_code: str = ""
    invoice_no: str = ""
    invoice_date: date | None = None
    seller: str = ""
    household_id: int | None = None
    payee_name: str = ""
    id_number: str = ""
    signed_on: date | None = None


@dataclass(frozen=True)
class VoucherData:
    id: int
    voucher_no: str
    made_on: date
    total: Decimal
    reimbursed_on: date | None = None
    is_final: bool = False
    operator: str = ""  # created_by (F07)
    tranche_project_id: int | None = None  # F01: the tranche it draws on belongs to this project
    lines: tuple[VoucherLineData, ...] = ()


@dataclass(frozen=True)
class BudgetLineData:
    id: int
    item: str
    amount: Decimal
    spending_kind: str = "工程建设"
    adjusted_amount: Decimal | None = None


@dataclass(frozen=True)
class ProgressData:
    reported_on: date
    work_share: Decimal
    platform_entered_on: date | None = None


@dataclass(frozen=True)
class BeneficiaryData:
    household_id: int
    household_no: str
    head_name: str
    status_at_approval: str | None  # None: the household is not (or no longer) in the registry
    applied: bool = True


@dataclass(frozen=True)
class NoticeData:
    kind: str  # 立项公告 / 现场公示
    published_on: date
    fields: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    place: str = ""


@dataclass(frozen=True)
class AdjustmentData:
    filed_on: date
    approved_on: date | None = None
    content: str = ""


@dataclass(frozen=True)
class RectificationData:
    item: str
    deadline: date
    done_on: date | None = None


@dataclass(frozen=True)
class AssetData:
    name: str
    owner_kind: str
    owner_name: str = ""
    maintainer: str = ""
    maintenance_duty: str = ""


@dataclass(frozen=True)
class ProjectData:
    id: int
    name: str
    year: int
    state: str
    dates: ProjectDates
    village_id: int | None = None
    village_name: str = ""
    category: str = ""
    content: str = ""
    construction_type: str = "新建"
    side_state: str = ""
    subsidy: Decimal = ZERO
    disbursement_mode: str = "532"
    household_project: bool = False
    public_infrastructure: bool = False
    in_library: bool = True  # its 项目库 entry exists and is not voided (P01)
    plan_review_kind: str = ""
    planned_start: date | None = None
    planned_end: date | None = None
    audit_opinion_on: date | None = None
    handed_over_on: date | None = None
    deposit_rate: Decimal | None = None
    deposit_amount: Decimal = ZERO
    deposit_state: str = ""
    file_number: str | None = None
    tranches: tuple[TrancheData, ...] = ()
    vouchers: tuple[VoucherData, ...] = ()
    budget_lines: tuple[BudgetLineData, ...] = ()
    progress: tuple[ProgressData, ...] = ()
    beneficiaries: tuple[BeneficiaryData, ...] = ()
    notices: tuple[NoticeData, ...] = ()
    adjustments: tuple[AdjustmentData, ...] = ()
    rectifications: tuple[RectificationData, ...] = ()
    assets: tuple[AssetData, ...] = ()
    archive_docs: frozenset[int] = frozenset()

    @property
    def record(self) -> str:
        return f"project:{self.id}"

    @property
    def label(self) -> str:
        return f"{self.name}（{self.village_name}）" if self.village_name else self.name

    @property
    def closed(self) -> bool:
        return self.side_state in ("已收回", "已终止")


# ---------------------------------------------------------------- households


class StepData(NamedTuple):  # a tuple: 140,000 of them load in a blink
    procedure: str  # 识别 / 退出
    step: str
    seq: int
    done_on: date
    responsible: str = ""
    publicity_from: date | None = None
    publicity_to: date | None = None
    basic_needs_met: bool = False  # 两不愁三保障 confirmed at the first exit step (H03)


class EventData(NamedTuple):
    happened_on: date
    from_status: str
    to_status: str
    reason: str = ""


@dataclass(frozen=True)
class HouseholdInfo:
    id: int
    household_no: str
    head_name: str
    status: str
    village_name: str = ""
    identified_year: int | None = None
    income_year: int | None = None
    per_capita_income: Decimal = ZERO
    looks: tuple[str, str, str, str] = ("", "", "", "")  # 看房、看粮、看劳动力、看读书郎
    entered_by: str = ""
    checked_by: str = ""
    phone: str = ""
    helper_phone: str = ""
    members: tuple[MemberData, ...] = ()
    steps: tuple[StepData, ...] = ()
    events: tuple[EventData, ...] = ()
    ledger_years: frozenset[int] = frozenset()

    @property
    def record(self) -> str:
        return f"household:{self.id}"

    @property
    def label(self) -> str:
        return f"{self.household_no} {self.head_name}"


# ---------------------------------------------------------------- benefit linkage


@dataclass(frozen=True)
class DividendData:
    year: int
    amount: Decimal
    proceeds: Decimal = ZERO


@dataclass(frozen=True)
class ShareData:
    household_no: str
    head_name: str
    amount: Decimal
    dividend_mode: str
    dividends: tuple[DividendData, ...] = ()


@dataclass(frozen=True)
class CollectiveIncomeData:
    year: int
    net_income: Decimal
    increase: Decimal
    poor_support: Decimal


@dataclass(frozen=True)
class EntityData:
    id: int
    kind: str  # 合作社 / 村集体 / 企业
    name: str
    project_id: int | None = None
    members: int = 0
    poor_members: int = 0
    shares: tuple[ShareData, ...] = ()
    incomes: tuple[CollectiveIncomeData, ...] = ()
    registered_on: date | None = None  # a share's first dividend is due the year after

    @property
    def record(self) -> str:
        # Entities are edited in their project's dossier (利益联结 tab).
        return f"project:{self.project_id}" if self.project_id else ""


# ---------------------------------------------------------------- everything


@dataclass(frozen=True)
class CheckData:
    township: str = ""
    projects: tuple[ProjectData, ...] = ()
    households: tuple[HouseholdInfo, ...] = ()
    entities: tuple[EntityData, ...] = ()
    # H05 across households: a normalised ID number held by live members of several households
    shared_ids: tuple[tuple[str, tuple[HouseholdInfo, ...]], ...] = ()
    roster_kinds: frozenset[str] = frozenset({"直接补助到户", "培训务工补助", "技工补助"})
    # counts when households were not loaded in full (a rule limited to projects)
    households_loaded: bool = True
    duties: DutiesData = DutiesData()  # what the part-B rules of RULES-2 read (P22-P27, L05, H10-H14)
