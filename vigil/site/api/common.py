"""What the routers of the unit's records share: the caller as the audit log names them,
strict bodies, instants and periods in requests, ISO 8601 times and cited attachments in
replies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from annotated_types import Ge, Le
from fastapi import Depends, Query
from pydantic import BaseModel, ConfigDict

from vigil.audit.actor import Actor
from vigil.clock import parse_instant, us_to_iso
from vigil.context import SiteContext
from vigil.records.attachments import citations
from vigil.site.deps import Principal

INT64_MAX = (1 << 63) - 1

RowId = Annotated[int, Ge(1), Le(INT64_MAX)]
"""The id of a stored row, in a path, query or body: a number beyond the index's 64-bit
integers is refused (400, naming the parameter), never sent to the database."""

Seq = Annotated[int, Ge(0), Le(INT64_MAX)]
"""A position in a chain (a segment's seq)."""


def actor_of(who: Principal) -> Actor:
    """The signed-in caller as the audit log registers them."""
    return Actor(who.user.username, who.user.role.value, who.client_addr)


class StrictBody(BaseModel):
    """A request body that refuses fields it does not know (a typo is not ignored)."""

    model_config = ConfigDict(extra="forbid")


def instant(text: str | None, field: str) -> int | None:
    """An optional ISO 8601 query or body value as microseconds, refused naming `field`."""
    return parse_instant(text, field=field) if text else None


@dataclass(frozen=True)
class Period:
    """[since_us, until_us) from the `since` and `until` query parameters; None: open."""

    since_us: int | None
    until_us: int | None


def _period(
    since: str | None = Query(None, description="ISO 8601 instant: from it on."),
    until: str | None = Query(None, description="ISO 8601 instant: before it."),
) -> Period:
    return Period(instant(since, "since"), instant(until, "until"))


PeriodQuery = Annotated[Period, Depends(_period)]


def with_times(data: dict[str, Any], **instants: int | None) -> dict[str, Any]:
    """`data` with each `name=us` given added as `name`: ISO 8601 UTC (None stays None)."""
    return {**data, **{k: us_to_iso(v) if v is not None else None for k, v in instants.items()}}


def cite_attachments(
    ctx: SiteContext, rows: Iterable[dict[str, Any]], *fields: str
) -> list[dict[str, Any]]:
    """`rows` with, beside each `<name>_id` of `fields`, `<name>`: the cited attachment as
    {id, filename, content_type, bytes, sha256}, or None when none is cited."""
    rows = list(rows)
    found = citations(ctx, (row.get(f) for row in rows for f in fields))
    return [
        {**row, **{f.removesuffix("_id"): found.get(row[f]) for f in fields if f in row}}
        for row in rows
    ]


def cite_attachment(ctx: SiteContext, row: dict[str, Any], *fields: str) -> dict[str, Any]:
    """`cite_attachments` of one row."""
    return cite_attachments(ctx, [row], *fields)[0]
