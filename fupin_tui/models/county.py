"""County merge (县级汇总): which township each merged row belongs to, the packages read,
and the merge history with what each merge replaced (so a merge can be undone).

Only a county database has rows here.  A township's own database leaves these
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


class CountyMerge(SQLModel, table=True):
    """One merge of a package (合并记录): who, when, which package, how many rows; undoable.

    The newest live merge of a township can be undone (``services.county_merges.undo``): the
    rows it replaced come back and the rows it brought are kept aside (``CountyMergeRow``).
    """

    id: Optional[int] = Field(default=None, primary_key=True)
    package_id: int = Field(index=True)  # CountyPackage.id
    township_code: str = Field(index=True)
    township_name: str
    period: str
    file_name: str = ""
    status: str = ""  # 新导入 / 已更新
    merged_at: NaiveDatetime = Field(default_factory=now)
    merged_by: str = ""
    counts: str = "{}"  # JSON: live rows of 户表/成员表/项目 and rows replaced
    undone_at: Optional[NaiveDatetime] = None
    undone_by: str = ""
    row_version: int = 0  # bumped by an undo: two county users cannot undo the same merge twice


class CountyMergeRow(SQLModel, table=True):
    """A row a merge took out of the live tables, kept whole (JSON) — never hard-deleted.

    ``role`` 'replaced': the township's previous state, put back by an undo;
    'undone': what an undone merge had brought in.
    """

    __table_args__ = (Index("ix_county_merge_row", "merge_id", "role", "table_name"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    merge_id: int
    role: str
    table_name: str
    row_id: int
    data: str
