"""County merge (县级汇总): which township each merged row belongs to, and the packages read.

Only a county database has rows here.  A township's own database leaves both
tables empty: everything in it is that township's.
"""

from __future__ import annotations

from typing import Optional

from pydantic import NaiveDatetime
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from fupin_tui.models.base import now


class CountyPackage(SQLModel, table=True):
    """A township submission package read into the county database (newest per township counts)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    township_code: str = Field(index=True)
    township_name: str
    county: str = ""
    period: str  # YYYY-MM
    exported_at: str  # ISO time from the manifest
    exported_by: str = ""
    app_version: str = ""
    manifest_sha256: str = Field(index=True)
    file_name: str = ""
    imported_at: NaiveDatetime = Field(default_factory=now)
    imported_by: str = ""
    summary: str = ""  # what changed, in Chinese


class CountyOwned(SQLModel, table=True):
    """A top-level row (village, household, library entry, project, entity) and its township."""

    __table_args__ = (Index("ix_county_owned", "township_code", "table_name"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    township_code: str
    table_name: str
    row_id: int  # id in the county database
    source_id: int  # 记录号: the id the row has in the township's own database
