"""The township's own data and per-installation settings."""

from __future__ import annotations

from typing import Optional

from pydantic import NaiveDatetime

from sqlmodel import Field, SQLModel

from fupin_tui.models.base import Tracked, now


class Township(Tracked, table=True):
    """One row: the township this database belongs to."""

    id: Optional[int] = Field(default=None, primary_key=True)
    county: str
    name: str
    code: str  # 乡镇行政区划代码 (9 digits, e.g. 520123101)


class Village(Tracked, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(unique=True)  # 行政村代码 (12 digits)
    name: str
    is_poor_village: bool = False  # 贫困村


class Operator(Tracked, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    active: bool = True


class PolicyOverride(SQLModel, table=True):
    """A policy parameter the county set; absent means the shipped default."""

    name: str = Field(primary_key=True)
    value: str  # JSON text, see domain.policy.to_storage
    updated_at: NaiveDatetime = Field(default_factory=now)
    updated_by: str = ""


class AppSetting(SQLModel, table=True):
    """Small key/value settings: last operator, border style, last backup …"""

    key: str = Field(primary_key=True)
    value: str
