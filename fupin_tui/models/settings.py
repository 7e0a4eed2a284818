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
    # bumped by every save (schema 5): a settings dialog saves only over the value it showed
    row_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class AppSetting(SQLModel, table=True):
    """Small key/value settings: last operator, border style, last backup …"""

    key: str = Field(primary_key=True)
    value: str
    # schema 5: who changed it last and a version, as for every other edited row (no lost update)
    updated_at: Optional[NaiveDatetime] = Field(default=None)
    updated_by: str = Field(default="", sa_column_kwargs={"server_default": ""})
    row_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class FormDraft(SQLModel, table=True):
    """What a clerk has typed into an open form, kept as they type (schema 5).

    One row per operator and form (``form_key`` such as ``household:new`` or ``project:5:修改基本信息``);
    written outside the ORM (``services.drafts``: not audited, no change signal, it is not a record),
    offered back when that form is opened again, removed when the form is saved or the clerk discards it.
    """

    operator: str = Field(primary_key=True)
    form_key: str = Field(primary_key=True)
    title: str = ""
    values_json: str = "{}"
    saved_at: NaiveDatetime = Field(default_factory=now)
