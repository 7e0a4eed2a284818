"""项目档案: library entries, projects and everything in their dossier."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

from sqlalchemy import Index, text
from sqlmodel import Field

from fupin_tui.models.base import Tracked
from fupin_tui.models.types import Money, Quantity, Ratio

from fupin_tui.domain.states import SIDE_STATES, STATES  # noqa: F401  (re-exported)


class LibraryEntry(Tracked, table=True):
    """项目库 entry (P01): only these can be applied for."""

    id: Optional[int] = Field(default=None, primary_key=True)
    village_id: Optional[int] = Field(default=None, foreign_key="village.id", index=True)
    year: int = Field(index=True)
    name: str
    category: str  # 项目类别
    construction_type: str = "新建"  # 建设性质
    fund_type: str = "发展资金"  # 资金类型
    location: str = ""
    content: str = ""  # 建设内容
    subsidy_standard: str = ""  # 补助标准
    amount_total: Decimal = Field(default=Decimal("0"), sa_type=Money)
    amount_fiscal: Decimal = Field(default=Decimal("0"), sa_type=Money)  # 财政专项
    amount_integrated: Decimal = Field(default=Decimal("0"), sa_type=Money)  # 整合资金
    amount_self: Decimal = Field(default=Decimal("0"), sa_type=Money)  # 自筹
    amount_other: Decimal = Field(default=Decimal("0"), sa_type=Money)
    planned_start: Optional[date] = None
    planned_end: Optional[date] = None
    responsible_unit: str = ""
    responsible_person: str = ""
    beneficiary_households: int = 0
    beneficiary_people: int = 0
    poor_households: int = 0
    poor_people: int = 0
    performance_goals: str = ""  # 绩效目标 — an entry without them is not admitted
    benefit_mechanism: str = ""  # 带贫减贫机制
    participation: str = ""  # 群众参与
    priority: int = 3  # 1 = highest
    status: str = "在库"  # 在库 / 已申报 / 已立项 / 已出库
    search_keys: str = ""


class Project(Tracked, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    library_entry_id: int = Field(foreign_key="libraryentry.id", index=True)
    village_id: Optional[int] = Field(default=None, foreign_key="village.id", index=True)
    year: int = Field(index=True)
    name: str
    category: str
    construction_type: str = "新建"
    fund_type: str = "发展资金"
    location: str = ""
    content: str = ""
    state: str = Field(default="申报", index=True)
    side_state: str = ""  # 调整中 / 已收回 / 已终止, shown beside state
    subsidy: Decimal = Field(default=Decimal("0"), sa_type=Money)  # 财政补助 (approved)
    total_investment: Decimal = Field(default=Decimal("0"), sa_type=Money)
    disbursement_mode: str = "532"  # 532 / 先建后补
    household_project: bool = False  # 到户项目: assets belong to households (P19)
    public_infrastructure: bool = False  # 公益性基础设施 (P20 exemption)
    implementing_unit: str = ""
    responsible_person: str = ""
    supervision_phone: str = ""
    file_number: Optional[str] = Field(default=None)  # 档号 (R01)
    # quality deposit (P21)
    deposit_rate: Optional[Decimal] = Field(default=None, sa_type=Ratio)
    deposit_amount: Decimal = Field(default=Decimal("0"), sa_type=Money)
    deposit_state: str = ""  # "" / 已收取 / 已退还 / 已转入
    deposit_changed_on: Optional[date] = None
    # the dates the rules measure from; each set by the life-cycle action
    applied_on: Optional[date] = None
    application_reviewed_on: Optional[date] = None  # 立项评估意见 (P03)
    fund_plan_issued_on: Optional[date] = None  # 省下达资金计划 (P04)
    approved_on: Optional[date] = None  # 立项批复
    approval_doc_no: str = ""
    plan_submitted_on: Optional[date] = None
    plan_review_kind: str = ""  # 专家评审 / 县扶贫办审核 (P06)
    plan_approved_on: Optional[date] = None  # 方案批复 = funds released
    plan_approval_doc_no: str = ""
    filed_on: Optional[date] = None  # 备案 (P07)
    discipline_filed_on: Optional[date] = None  # 送纪检监察审计备案 (P08)
    planned_start: Optional[date] = None
    planned_end: Optional[date] = None
    started_on: Optional[date] = None
    completed_on: Optional[date] = None
    initial_inspection_on: Optional[date] = None
    acceptance_requested_on: Optional[date] = None
    audit_opinion_on: Optional[date] = None  # 审计意见 (P17)
    audit_opinion_doc_no: str = ""
    accepted_on: Optional[date] = None
    acceptance_grade: str = ""  # 优良 / 合格 / 不合格
    acceptance_entered_on: Optional[date] = None  # P16
    final_reimbursed_on: Optional[date] = None
    handed_over_on: Optional[date] = None
    archived_on: Optional[date] = None
    force_majeure: str = ""  # 不可抗力 recorded to exempt P14
    search_keys: str = ""
    supervision_entered_on: Optional[date] = None  # 录入贵州省涉农资金监管系统 (P22)


Index("ux_project_file_number", Project.__table__.c.file_number, unique=True,
      sqlite_where=text("file_number IS NOT NULL"), postgresql_where=text("file_number IS NOT NULL"))


class ProjectEvent(Tracked, table=True):
    """One life-cycle transition: date, document number, operator."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    action: str  # e.g. 立项批复
    from_state: str
    to_state: str
    happened_on: date
    document_no: str = ""
    approver: str = ""
    note: str = ""


class BudgetLine(Tracked, table=True):
    """资金概算 line of the implementation plan (F05)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    item: str
    unit: str = ""
    quantity: Decimal = Field(default=Decimal("0"), sa_type=Quantity)
    unit_price: Decimal = Field(default=Decimal("0"), sa_type=Money)
    amount: Decimal = Field(default=Decimal("0"), sa_type=Money)
    spending_kind: str = "工程建设"  # 支出类别: decides roster or invoice (F06)
    adjusted_amount: Optional[Decimal] = Field(default=None, sa_type=Money)  # after an approved adjustment


class Beneficiary(Tracked, table=True):
    """受益户 of a project (P20): a household from the registry."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    benefit: str = ""  # how it benefits (到户补助, 务工, 分红 …)
    amount: Decimal = Field(default=Decimal("0"), sa_type=Money)
    applied: bool = True  # 贫困农户提出申请


class Notice(Tracked, table=True):
    """公示: 立项公告 (P09) or 项目公示牌 (P10). ``fields`` holds each required item."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    kind: str  # 立项公告 / 现场公示
    published_on: date
    place: str = ""  # portal address or board location
    fields_json: str = "{}"  # {"资金规模": "...", ...}
    photo_paths: str = ""  # one path a line


class Adjustment(Tracked, table=True):
    """项目调整 (P12): filed and approved within the window after fund release."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    filed_on: date
    approved_on: Optional[date] = None
    document_no: str = ""
    content: str = ""
    county_filed_on: Optional[date] = None  # 批复后报县备案 (P24)


class Acceptance(Tracked, table=True):
    """初检 / 县级验收 / 复验 record (P15–P18)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    kind: str  # 初检 / 县级验收 / 复验
    done_on: date
    grade: str = ""  # 优良 / 合格 / 不合格
    organiser: str = ""
    report_no: str = ""
    note: str = ""


class Rectification(Tracked, table=True):
    """整改 item opened by a 不合格 acceptance (P18)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    acceptance_id: Optional[int] = Field(default=None, foreign_key="acceptance.id")
    item: str
    deadline: date
    done_on: Optional[date] = None
    note: str = ""


class Asset(Tracked, table=True):
    """移交清单 line (P19): who owns the asset and who maintains it."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    name: str
    quantity: Decimal = Field(default=Decimal("1"), sa_type=Quantity)
    unit: str = ""
    value: Decimal = Field(default=Decimal("0"), sa_type=Money)
    owner_kind: str = "村集体"  # 受益农户 / 村集体
    owner_name: str = ""
    maintainer: str = ""
    maintenance_duty: str = ""
    handed_over_on: Optional[date] = None


class ArchiveItem(Tracked, table=True):
    """One of the 18 documents of R02 in a project's dossier."""

    __table_args__ = (Index("ux_archive_doc", "project_id", "doc_no", unique=True),)

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    doc_no: int  # 1..18
    received_on: Optional[date] = None
    copies: int = 1
    pages: int = 0
    storage_place: str = ""
    scan_path: str = ""
    note: str = ""
