"""The audit log (A17.2(2)): every review, copy, retrieval, sign-in and change, registered.

Each entry is a row in `audit_entries` and a link of the hash chain 'audit' (the same
construction as the camera chains, sealed by the same seals), so an altered or removed
entry is named by `vigil audit verify`. Append-only: no code path updates or deletes an
entry.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from vigil.context import SiteContext
from vigil.db.models import AuditEntry
from vigil.integrity import ledger

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


def record(
    ctx: SiteContext,
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
) -> AuditEntry:
    """Register one act; returns the stored entry (with its chain seq)."""
    rec = AuditRecord(
        at_us=ctx.clock.now_us(),
        actor=actor,
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
    with ledger.chain_lock(AUDIT_CHAIN), ctx.sessions.begin() as s:
        link = ledger.append(s, AUDIT_CHAIN, "audit", rec.body(), rec.at_us)
        entry = AuditEntry(seq=link.seq, **asdict(rec))
        s.add(entry)
    return entry
