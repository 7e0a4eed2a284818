"""The county → township update package (更新包): the county's decisions and what each side sent or applied.

County side: ``CountyDecision`` (a decision the county took on a township's
project, entered with ``fupin-tui county-decide``) and ``UpdateIssued`` (each
package written, with its sequence number per township). Township side:
``UpdateApplied`` (each package applied, its sequence and the decisions it
carried out). A database only ever fills its own side.
"""

from __future__ import annotations

from datetime import date
from typing import Optional

from pydantic import NaiveDatetime
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from fupin_tui.models.base import Tracked, now

from fupin_tui.domain.decisions import DECISIONS  # noqa: F401 - the county's steps, kept free of the ORM


class CountyDecision(Tracked, table=True):
    """A county decision on one township project (立项批复, 方案批复, 验收 result, 收回 of funds)."""

    __table_args__ = (Index("ix_countydecision_town", "township_code", "project_ref"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    township_code: str
    project_ref: int  # the project's 记录号: its id in the township's own database
    project_name: str  # as the county knows it: checked at the township before applying
    action: str  # one of DECISIONS
    decided_on: date
    document_no: str = ""
    fields_json: str = "{}"  # the other values the township's dialog asks for (key -> text)


class UpdateIssued(SQLModel, table=True):
    """An update package written at the county: the sequence number grows per township."""

    id: Optional[int] = Field(default=None, primary_key=True)
    township_code: str = Field(index=True)
    sequence: int
    file_name: str = ""
    manifest_sha256: str = ""
    created_at: NaiveDatetime = Field(default_factory=now)
    created_by: str = ""
    decisions: int = 0


class UpdateApplied(SQLModel, table=True):
    """An update package applied at the township (newest sequence per county counts)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    county_code: str = Field(index=True)
    sequence: int
    manifest_sha256: str = Field(index=True)
    file_name: str = ""
    created_at: str = ""  # the package's creation time (ISO, from its manifest)
    applied_at: NaiveDatetime = Field(default_factory=now)
    applied_by: str = ""
    decisions_json: str = "[]"  # uids of the decisions carried out by this package
    summary: str = ""  # what changed, in Chinese
