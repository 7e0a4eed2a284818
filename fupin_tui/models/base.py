"""Shared column groups for every table a clerk edits."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from pydantic import NaiveDatetime

from sqlmodel import Field, SQLModel


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


class Tracked(SQLModel):
    """Who created and last changed a record, and soft delete (作废 with a reason).

    ``created_by``/``updated_by`` are filled from the session's operator by the
    audit hook in ``fupin_tui.db``; nothing a clerk entered is hard-deleted.
    """

    created_at: NaiveDatetime = Field(default_factory=now)
    created_by: str = Field(default="")
    updated_at: Optional[NaiveDatetime] = Field(default=None)
    updated_by: Optional[str] = Field(default=None)
    voided: bool = Field(default=False, index=True)
    # bumped on every change: a form saves only over the version it loaded (no lost update)
    row_version: int = Field(default=0)
    void_reason: Optional[str] = Field(default=None)
