"""The audit log (A17.2(2)): every review, copy, retrieval, sign-in and change, registered.

Each entry is a row in `audit_entries` and a link of the hash chain 'audit' (the same
construction as the camera chains, sealed by the same seals), so an altered or removed
entry is named by `vigil audit verify`. Append-only: no code path updates or deletes an
entry.

`record` joins the caller's write transaction (`ctx.sessions.begin()`): the act and its
entry commit together or not at all, so no change can exist that the register never saw.
Appends are serialised by that transaction (`vigil.integrity.ledger`), so the chain stays
linear with several processes writing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from dataclasses import fields as fields_of
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, TextClause, insert, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from vigil.context import Context
from vigil.db.models import AuditEntry
from vigil.integrity import ledger
from vigil.integrity.chain import canonical_json

AUDIT_CHAIN = "audit"

#: Acts that must state a purpose and a destination before they happen (A17.2(2)).
ACTS_NEEDING_PURPOSE = frozenset({"playback", "export", "download"})


@dataclass(frozen=True)
class AuditRecord:
    """What is registered about one act; also the body of its chain link."""

    at_us: int
    actor: str
    action: str
    result: str
    actor_role: str = ""
    client_addr: str = ""
    camera_id: int | None = None
    camera_name: str = ""
    from_us: int | None = None
    to_us: int | None = None
    purpose: str = ""
    destination: str = ""
    detail: str = "{}"

    def body(self) -> dict[str, Any]:
        return {"kind": "audit", **asdict(self)}


_AUDIT_TABLE = cast(Table, AuditEntry.__table__)


def record(
    session: Session,
    ctx: Context,
    *,
    actor: str,
    action: str,
    result: str = "ok",
    actor_role: str = "",
    client_addr: str = "",
    camera_id: int | None = None,
    camera_name: str = "",
    from_us: int | None = None,
    to_us: int | None = None,
    purpose: str = "",
    destination: str = "",
    detail: dict[str, Any] | None = None,
) -> int:
    """Register one act in the caller's write transaction; returns the entry's chain seq.

    If the transaction rolls back, the entry goes with it; if the entry cannot be written,
    the exception propagates and the act's transaction must not commit.
    """
    ledger.lock(session, AUDIT_CHAIN)
    # Stamped once the chain is ours, so entries' instants follow their seq order.
    rec = AuditRecord(
        at_us=ctx.clock.now_us(),
        actor=actor[:64],
        action=action,
        result=result,
        actor_role=actor_role,
        client_addr=client_addr,
        camera_id=camera_id,
        camera_name=camera_name,
        from_us=from_us,
        to_us=to_us,
        purpose=purpose,
        destination=destination,
        detail=json.dumps(detail or {}, sort_keys=True, ensure_ascii=False),
    )
    fields = asdict(rec)
    if session.get_bind().dialect.name == "postgresql":
        # The link and the entry in one statement: the fewer round trips while the chain's
        # lock is held, the more appends per second several writers get.
        body_json = canonical_json({"kind": "audit", **fields})
        params = ledger.link_params(AUDIT_CHAIN, "audit", body_json, rec.at_us)
        params.update({f"a_{k}": v for k, v in fields.items()})
        return int(session.execute(_pg_add_entry(session.get_bind().dialect), params).scalar_one())
    link = ledger.add_link(session, AUDIT_CHAIN, "audit", {"kind": "audit", **fields}, rec.at_us)
    session.execute(insert(_AUDIT_TABLE), {"seq": link.seq, **fields})
    return link.seq


@cache
def _pg_add_entry(dialect: Dialect) -> TextClause:
    """PostgreSQL: add the audit chain's link and the entry that carries the same fields."""
    names = [f.name for f in fields_of(AuditRecord)]
    # Typed casts: a NULL parameter would otherwise be taken as text in a SELECT list.
    values = ", ".join(
        f"CAST(:a_{n} AS {_AUDIT_TABLE.c[n].type.compile(dialect=dialect)})" for n in names
    )
    return text(
        f"WITH link AS ({ledger.PG_ADD_LINK_SQL}) "
        f"INSERT INTO audit_entries (seq, {', '.join(names)}) "
        f"SELECT link.seq, {values} FROM link RETURNING seq"
    )


def register(ctx: Context, **fields: Any) -> int:
    """Register an act that changes nothing else in the index (a viewing, a download, a
    report) in a transaction of its own, before the act is served; its seq. `fields` are
    `record`'s. If this raises, the act must not happen."""
    with ctx.sessions.begin() as s:
        return record(s, ctx, **fields)
