"""What a SQLite file and a PostgreSQL server differ in at the lowest level, free of the database
layer: recognising a server URL, showing it without its password, and the advisory lock.

``db`` needs these for every session; ``server`` (which opens a county database and so sits above
``db``) re-exports them.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # light module: ``is_server_url`` runs before the database libraries load
    from sqlalchemy.engine import URL

SCHEMES = ("postgresql", "postgres")


def is_server_url(target) -> bool:
    """True for ``postgresql://…`` / ``postgres://…`` (any driver suffix), given as text."""
    if not isinstance(target, str) or "://" not in target:
        return False
    scheme = target.split("://", 1)[0].lower()
    return scheme.split("+", 1)[0] in SCHEMES


def lock_key(name: str) -> int:
    """A stable 31-bit number for an advisory lock named ``name``."""
    return zlib.crc32(f"fupin-tui:{name}".encode()) & 0x7FFFFFFF


def lock(conn, name: str) -> None:
    """Hold the lock ``name`` until the transaction ends (PostgreSQL; a no-op on SQLite, whose
    single writer lock already serialises)."""
    from sqlalchemy import text

    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})


def shown(url: "str | URL") -> str:
    """The URL as a clerk may see it: the password replaced by ***."""
    from urllib.parse import unquote

    from sqlalchemy.engine import URL, make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = url if isinstance(url, URL) else make_url(url)
        return unquote(parsed.render_as_string(hide_password=True))
    except ArgumentError:
        return str(url).split("@")[-1]
