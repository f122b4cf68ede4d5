"""Reading the audit log (A17.2(2)): filtered listings and a CSV for auditors.

Reading never changes the log. Times are ISO 8601 UTC in every human-facing form; the
`*_us` integers (microseconds since the epoch) stay alongside for programs.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Select, select

from vigil.clock import us_to_iso
from vigil.context import SiteContext
from vigil.db.models import AuditEntry
from vigil.db.sql import within
from vigil.errors import ValidationError

#: Columns of `to_csv`, in order.
CSV_COLUMNS = (
    "seq", "time", "actor", "role", "client", "action", "camera",
    "from", "to", "purpose", "destination", "caller_unit", "result", "detail",
)  # fmt: skip


@dataclass(frozen=True)
class AuditView:
    """One registered act as it may be shown; `detail` is decoded from its stored JSON."""

    seq: int
    at_us: int
    time: str
    actor: str
    actor_role: str
    client_addr: str
    action: str
    camera_id: int | None
    camera_name: str
    from_us: int | None
    to_us: int | None
    from_: str
    to: str
    purpose: str
    destination: str
    result: str
    detail: dict[str, Any]
    caller_unit: str = ""
    """The caller's unit of a review or retrieval (N16.2(3)), from `detail`."""

    def as_dict(self) -> dict[str, Any]:
        return {("from" if k == "from_" else k): v for k, v in asdict(self).items()}


def _iso(us: int | None) -> str:
    return us_to_iso(us) if us is not None else ""


def _detail(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        return {"raw": raw}
    return value if isinstance(value, dict) else {"value": value}


def view(entry: AuditEntry) -> AuditView:
    detail = _detail(entry.detail)
    unit = detail.get("caller_unit", "")
    return AuditView(
        seq=entry.seq,
        at_us=entry.at_us,
        time=us_to_iso(entry.at_us),
        actor=entry.actor,
        actor_role=entry.actor_role,
        client_addr=entry.client_addr,
        action=entry.action,
        camera_id=entry.camera_id,
        camera_name=entry.camera_name,
        from_us=entry.from_us,
        to_us=entry.to_us,
        from_=_iso(entry.from_us),
        to=_iso(entry.to_us),
        purpose=entry.purpose,
        destination=entry.destination,
        result=entry.result,
        detail=detail,
        caller_unit=unit if isinstance(unit, str) else "",
    )


def _selection(
    since_us: int | None,
    until_us: int | None,
    actor: str | None,
    action: str | None,
    camera: str | None,
) -> Select[AuditEntry]:
    if since_us is not None and until_us is not None and until_us <= since_us:
        raise ValidationError("must be later than --since", field="until")
    q = within(select(AuditEntry), AuditEntry.at_us, since_us, until_us)
    if actor is not None:
        q = q.where(AuditEntry.actor == actor)
    if action is not None:
        q = q.where(AuditEntry.action == action)
    if camera is not None:
        q = q.where(AuditEntry.camera_name == camera)
    return q


def list_entries(
    ctx: SiteContext,
    *,
    since_us: int | None = None,
    until_us: int | None = None,
    actor: str | None = None,
    action: str | None = None,
    camera: str | None = None,
    limit: int | None = None,
    before_seq: int | None = None,
) -> list[AuditView]:
    """Entries in seq order, registered in [since_us, until_us), optionally filtered by
    actor, action and camera name (exact matches). With `limit`, the newest `limit`; with
    `before_seq`, only entries older than that one: a page further back (the listing
    pages through the whole log, see `page_cursor`)."""
    if limit is not None and limit < 1:
        raise ValidationError(f"must be at least 1 (got {limit})", field="limit")
    q = _selection(since_us, until_us, actor, action, camera)
    if before_seq is not None:
        q = q.where(AuditEntry.seq < before_seq)
    q = q.order_by(AuditEntry.seq.desc())
    if limit is not None:
        q = q.limit(limit)
    with ctx.sessions() as s:
        rows = list(s.scalars(q))
    return [view(e) for e in reversed(rows)]


def page_cursor(entries: list[AuditView], limit: int) -> int | None:
    """The `before_seq` of the page older than `entries` (a full page), or None: the start
    of the log is shown."""
    return entries[0].seq if len(entries) >= limit and entries else None


def iter_entries(
    ctx: SiteContext,
    *,
    since_us: int | None = None,
    until_us: int | None = None,
    actor: str | None = None,
    action: str | None = None,
    camera: str | None = None,
    batch: int = 2000,
) -> Iterator[AuditView]:
    """Every selected entry, oldest first, read `batch` at a time (the whole log can be
    written out, e.g. as CSV, without holding it in memory). The selection is checked
    here, before the first entry is read."""
    q = _selection(since_us, until_us, actor, action, camera).order_by(AuditEntry.seq)
    return _pages(ctx, q, batch)


def _pages(ctx: SiteContext, q: Select[AuditEntry], batch: int) -> Iterator[AuditView]:
    after = 0
    while True:
        with ctx.sessions() as s:
            rows = list(s.scalars(q.where(AuditEntry.seq > after).limit(batch)))
        yield from (view(e) for e in rows)
        if len(rows) < batch:
            return
        after = rows[-1].seq


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def to_csv(entries: Iterable[AuditView]) -> str:
    """RFC 4180 CSV with a header row (CSV_COLUMNS); write it out as UTF-8 (`csv_chunks`)."""
    return "".join(csv_chunks(entries))


def csv_chunks(entries: Iterable[AuditView], rows_per_chunk: int = 500) -> Iterator[str]:
    """`to_csv` in pieces of `rows_per_chunk` rows, for streaming a whole log.

    Free-text cells that a spreadsheet would run as a formula (starting with = + - @, tab
    or CR) get a leading apostrophe, as OWASP advises against CSV injection: a purpose
    typed by one user must not run in an auditor's spreadsheet. The signed, verifiable
    copy of the log is the chain (`vigil audit verify`), not this file.
    """
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow(CSV_COLUMNS)
    for n, e in enumerate(entries, 1):
        out.writerow(
            [
                e.seq, e.time, _cell(e.actor), e.actor_role, _cell(e.client_addr), e.action,
                _cell(e.camera_name) or ("" if e.camera_id is None else str(e.camera_id)),
                e.from_, e.to, _cell(e.purpose), _cell(e.destination), _cell(e.caller_unit),
                e.result,
                json.dumps(e.detail, sort_keys=True, ensure_ascii=False),
            ]
        )  # fmt: skip
        if n % rows_per_chunk == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
