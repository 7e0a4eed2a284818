"""作废: the one way a clerk's record leaves the lists. Never a delete; always a reason."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session

from fupin_tui.domain.errors import DomainError, InputError

T = TypeVar("T")


def require_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InputError("作废原因", "不能为空")
    return reason


def live_row(s: Session, model: type[T], row_id: int, missing: str) -> T:
    """The row if it exists and is not voided; otherwise ``missing`` as the refusal."""
    row = s.get(model, row_id)
    if row is None or row.voided:
        raise DomainError(missing)
    return row


def void(s: Session, row, reason: str) -> None:
    row.voided, row.void_reason = True, reason
    s.add(row)
