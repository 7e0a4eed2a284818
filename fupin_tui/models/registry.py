"""建档立卡 registry: households, members, procedure steps, events, cash ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

from sqlalchemy import Index, text
from sqlmodel import Field

from fupin_tui.models.base import Tracked
from fupin_tui.models.types import Money, Quantity

HOUSEHOLD_LIST_INDEX = "ix_household_list"
HOUSEHOLD_LIST_COLUMNS = ("village_id", "status", "size", "search_keys")  # a village picked: a search in it

# Household statuses (户状态); the list itself is data in codes.toml, these are
# the ones the procedures move between.
IDENTIFYING = "识别中"
REGISTERED = "在册"
EXITED = "已脱贫"
RETURNED = "返贫"
REMOVED = "清退"
VOID = "作废"


class Household(Tracked, table=True):
    # The list's count and its few-match page read this narrow index, not the wide rows: a keystroke
    # in the search box scans 20,000 households in 10-15 ms instead of 30 (``registry_query``).
    __table_args__ = (Index(HOUSEHOLD_LIST_INDEX, *HOUSEHOLD_LIST_COLUMNS),)

    id: Optional[int] = Field(default=None, primary_key=True)
    household_no: str = Field(unique=True)  # 户编号
    village_id: int = Field(foreign_key="village.id", index=True)
    head_name: str = Field(index=True)  # kept in step with the 户主 member row
    status: str = Field(default=IDENTIFYING, index=True)
    status_since: Optional[date] = None
    identified_year: Optional[int] = None
    identification_standard: str = "国家标准"
    attribute: str = "一般贫困户"  # 贫困户属性
    main_cause: str = ""  # 主要致贫原因
    other_causes: str = ""  # 其他致贫原因, 、-separated, at most two
    address: str = ""
    phone: str = ""
    bank_account: str = ""  # 一卡通
    bank_name: str = ""
    # living conditions
    housing_structure: str = ""
    house_area: Optional[Decimal] = Field(default=None, sa_type=Quantity)
    dangerous_house: bool = False
    dangerous_grade: str = ""
    drinking_water: str = ""
    safe_drinking_water: bool = True
    water_difficulty: bool = False
    production_power: bool = True
    living_power: bool = True
    radio_tv: bool = True
    road_type: str = ""
    road_distance_km: Optional[Decimal] = Field(default=None, sa_type=Quantity)
    sanitary_toilet: bool = False
    fuel_types: str = ""
    relocated: bool = False  # 易地扶贫搬迁
    cultivated_land_mu: Optional[Decimal] = Field(default=None, sa_type=Quantity)
    irrigated_land_mu: Optional[Decimal] = Field(default=None, sa_type=Quantity)
    forest_land_mu: Optional[Decimal] = Field(default=None, sa_type=Quantity)
    # income of the assessed year (元/年)
    income_year: Optional[int] = None
    wage_income: Decimal = Field(default=Decimal("0"), sa_type=Money)
    business_income: Decimal = Field(default=Decimal("0"), sa_type=Money)
    property_income: Decimal = Field(default=Decimal("0"), sa_type=Money)
    transfer_income: Decimal = Field(default=Decimal("0"), sa_type=Money)
    business_expense: Decimal = Field(default=Decimal("0"), sa_type=Money)
    net_income: Decimal = Field(default=Decimal("0"), sa_type=Money)  # computed
    size: int = 0  # 家庭人口, computed from members
    per_capita_income: Decimal = Field(default=Decimal("0"), sa_type=Money)  # computed
    # “四看”
    look_house: str = ""
    look_grain: str = ""
    look_labour: str = ""
    look_study: str = ""
    # 帮扶责任人
    helper_name: str = ""
    helper_unit: str = ""
    helper_phone: str = ""
    remarks: str = ""
    entered_by: str = ""  # 谁登记 (H06)
    checked_by: str = ""  # 谁审核 (H06)
    search_keys: str = ""  # pinyin keys, names, ID numbers, household no; see domain.pinyin
    # 谁调查、谁登记、谁审核 (H14): the investigator beside entered_by / checked_by, and the 责任状
    # (NOT NULL columns added by a migration carry a server default, so old and new files match)
    investigator: str = Field(default="", sa_column_kwargs={"server_default": ""})
    responsibility_letter_on: Optional[date] = None
    # 一户一档 (H10): when the household's file was put together and what it holds (、-separated)
    file_filed_on: Optional[date] = None
    file_items: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # 控制规模 (H13): the county's approval of a household identified beyond the township's quota
    county_approval_no: str = Field(default="", sa_column_kwargs={"server_default": ""})
    county_approved_on: Optional[date] = None


class Member(Tracked, table=True):
    # One person (ID number) in one household only (H05): unique among live rows.
    __table_args__ = (
        Index("ux_member_id_number", "id_number", unique=True, sqlite_where=text("voided = 0"),
              postgresql_where=text("NOT voided")),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    name: str
    id_number: str
    gender: str = ""
    birth_date: Optional[date] = None
    relation: str = ""  # 与户主关系
    ethnicity: str = "汉族"
    political_status: str = "群众"
    education: str = ""  # 文化程度
    school_status: str = ""  # 在校生状况
    health: str = "健康"  # several may apply, 、-separated
    disability_kind: str = ""
    labour_skill: str = ""
    work_place: str = ""  # 务工所在地
    work_months: Optional[int] = None
    work_company: str = ""
    medical_insurance: str = "城乡居民基本医疗保险"
    serious_illness_insurance: bool = False
    pension_insurance: bool = False
    dibao: bool = False  # 享受低保
    tekun: bool = False  # 特困供养
    speaks_mandarin: bool = True
    phone: str = ""
    remarks: str = ""


class ProcedureStep(Tracked, table=True):
    """One step of identification (识别) or exit (退出) — see domain.procedures."""

    id: Optional[int] = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    procedure: str  # 识别 / 退出
    step: str  # e.g. 民主评议
    seq: int
    round_no: int = 1  # 1st exit, or the exit after a 返贫 (2, 3 …): steps restart each round
    done_on: date
    responsible: str
    publicity_from: Optional[date] = None
    publicity_to: Optional[date] = None
    document_no: str = ""
    note: str = ""
    # H03 (十二(七)): at the first exit step, 两不愁三保障 confirmed (False: not recorded)
    basic_needs_met: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class HouseholdEvent(Tracked, table=True):
    """A status change of a household (识别, 在册, 脱贫, 返贫, 清退): never deleted (H04)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    happened_on: date
    from_status: str
    to_status: str
    reason: str = ""
    document_no: str = ""


class CashLedgerLine(Tracked, table=True):
    """现金收支台账 (H07): a yearly income or expenditure line of a household."""

    id: Optional[int] = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    year: int = Field(index=True)
    direction: str  # 收入 / 支出
    category: str  # 工资性收入, 生产经营性收入, 财产性收入, 转移性收入, 生产经营性支出, 生活支出 …
    item: str = ""
    amount: Decimal = Field(default=Decimal("0"), sa_type=Money)
    occurred_on: Optional[date] = None
    note: str = ""
