"""SQL expressions that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import BigInteger, ColumnElement, Select, cast, func

Q = TypeVar("Q", bound=Select[*tuple[Any, ...]])


def sum_int(expr: Any) -> ColumnElement[int]:
    """SUM as a 64-bit integer, 0 when there are no rows.

    PostgreSQL's SUM over bigint is numeric (a Decimal in Python); SQLite's is an int.
    """
    return cast(func.coalesce(func.sum(expr), 0), BigInteger)


def within(q: Q, column: Any, since_us: int | None, until_us: int | None) -> Q:
    """`q` limited to rows whose `column` lies in [since_us, until_us); None leaves that
    end open."""
    if since_us is not None:
        q = q.where(column >= since_us)
    if until_us is not None:
        q = q.where(column < until_us)
    return q
