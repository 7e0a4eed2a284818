"""Column types that keep money and ratios exact in SQLite.

SQLite has no decimal type and SUM() of a REAL column is a float, so money is
stored as integer fen and ratios as integer parts per ten thousand.  Rounding
is 四舍五入 (ROUND_HALF_UP), never Python's default half-even.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.types import BigInteger, Integer, TypeDecorator


def _to_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # floats only reach here from careless code; go through str to avoid binary noise
        return Decimal(repr(value))
    return Decimal(value)


class _ScaledInteger(TypeDecorator):
    impl = Integer
    cache_ok = True
    scale = 1  # stored integer = value * scale
    places = Decimal("1")

    def load_dialect_impl(self, dialect):
        # PostgreSQL's INTEGER is 32 bits (21 million yuan in fen): a county's sums need BIGINT.
        # SQLite's INTEGER is 64 bits already, and its DDL stays as it was.
        return dialect.type_descriptor(BigInteger() if dialect.name == "postgresql" else Integer())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        scaled = (_to_decimal(value) * self.scale).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        return int(scaled)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / self.scale).quantize(self.places)


class Money(_ScaledInteger):
    """Yuan as Decimal with two places, stored as integer fen."""

    cache_ok = True  # SQLAlchemy looks for it on each subclass, else no statement caching
    scale = 100
    places = Decimal("0.01")


class Ratio(_ScaledInteger):
    """A share between 0 and 1 (e.g. 0.5 = 50%), four places, stored as integer."""

    cache_ok = True  # SQLAlchemy looks for it on each subclass, else no statement caching
    scale = 10000
    places = Decimal("0.0001")


class Quantity(_ScaledInteger):
    """A quantity with three decimal places (亩, 吨, 米 …)."""

    cache_ok = True  # SQLAlchemy looks for it on each subclass, else no statement caching
    scale = 1000
    places = Decimal("0.001")


def to_fen(value) -> int:
    return Money().process_bind_param(value, None)


def from_fen(value: int | None) -> Decimal:
    return Money().process_result_value(value or 0, None)
