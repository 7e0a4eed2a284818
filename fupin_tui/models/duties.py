"""Records of the obligations RULES-2 part B added: procurement, delegation consent, visits,
enterprise entry conditions (P23, P25, H11, L05).  Columns on existing tables (P22, P24, H10,
H13, H14) sit with their tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

from sqlmodel import Field

from fupin_tui.models.base import Tracked
from fupin_tui.models.types import Money


class Procurement(Tracked, table=True):
    """A contract of a project and how its contractor was chosen (P25, 三(六))."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    contract_name: str
    contract_amount: Decimal = Field(default=Decimal("0"), sa_type=Money)
    method: str  # 公开招标 / 邀请招标 / 竞争性谈判 / 竞争性磋商 / 询价 / 单一来源 / 阳光操作
    procured_on: Optional[date] = None  # 开标、成交或选定日期
    winner: str = ""  # 中标（成交）单位
    awarded_amount: Decimal = Field(default=Decimal("0"), sa_type=Money)  # 中标（成交）金额
    sunshine_note: str = ""  # 阳光操作: how the contractor was chosen, publicly
    note: str = ""


class Delegation(Tracked, table=True):
    """Implementation delegated by agreement, with the beneficiaries' consent first (P23, 三(二))."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    delegate_kind: str  # 扶贫龙头企业 / 农民专业合作社 / 专业大户
    delegate_name: str
    agreement_on: date  # 委托协议签订日期
    agreement_no: str = ""
    consent_on: Optional[date] = None  # 征得受益农户同意的日期
    consent_method: str = ""  # 户主大会、逐户签字 …
    consent_households: int = 0  # 征求意见的受益户数
    consent_agreed: int = 0  # 其中同意的户数


class Visit(Tracked, table=True):
    """A township cadre's visit to a household (遍访, H11)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    visited_on: date = Field(index=True)
    visitor: str
    visitor_unit: str = ""
    note: str = ""


class EnterpriseCondition(Tracked, table=True):
    """One of the five entry conditions of a supported 扶贫龙头企业, with its evidence (L05, 七(三))."""

    id: Optional[int] = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)
    condition: str  # see domain.rules.duties_linkage.CONDITIONS
    evidence: str
    recorded_on: Optional[date] = None
