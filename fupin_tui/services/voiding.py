"""作废: the one way a clerk's record leaves the lists. Never a delete; always a reason."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session

from fupin_tui.db import refuse_if_changed
from fupin_tui.domain.errors import DomainError, InputError

T = TypeVar("T")


def require_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InputError("作废原因", "不能为空")
    return reason


def live_row(s: Session, model: type[T], row_id: int, missing: str, *,
             loaded_version: int | None = None, what: str = "这条记录") -> T:
    """The row if it exists and is not voided; otherwise ``missing`` as the refusal.

    With ``loaded_version`` (the ``row_version`` the clerk's screen showed) a row changed since
    is refused too, naming who changed it and when (``db.refuse_if_changed``): no lost update.
    """
    row = s.get(model, row_id)
    if row is None or row.voided:
        raise DomainError(missing)
    refuse_if_changed(row, loaded_version, what)
    return row


def void(s: Session, row, reason: str) -> None:
    row.voided, row.void_reason = True, reason
    s.add(row)
