"""SQL expressions that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, cast, func


def sum_int(expr: Any) -> ColumnElement[int]:
    """SUM as a 64-bit integer, 0 when there are no rows.

    PostgreSQL's SUM over bigint is numeric (a Decimal in Python); SQLite's is an int.
    """
    return cast(func.coalesce(func.sum(expr), 0), BigInteger)
