"""Audit log: who changed what, when, before and after (written in the same transaction)."""

from __future__ import annotations

from typing import Optional

from pydantic import NaiveDatetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from fupin_tui.models.base import now


class AuditLog(SQLModel, table=True):
    __table_args__ = (Index("ix_audit_record", "table_name", "record_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    at: NaiveDatetime = Field(default_factory=now, index=True)
    operator: str
    table_name: str
    record_id: str
    action: str  # 新增 / 修改 / 作废 / 导入 …
    before: Optional[str] = None  # JSON
    after: Optional[str] = None  # JSON
    note: Optional[str] = None
    # sha256 over this row's content and the previous row's row_hash (fupin_tui.audit_chain)
    row_hash: Optional[str] = None


class FindingAck(SQLModel, table=True):
    """A 体检 finding the clerk acknowledged with a reason (e.g. 不可抗力)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    rule: str = Field(index=True)
    record: str = Field(index=True)  # "project:12", "household:3"
    reason: str
    acknowledged_by: str
    acknowledged_at: NaiveDatetime = Field(default_factory=now)
    voided: bool = False
