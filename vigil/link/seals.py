"""Seals held by the bureau (A3, A13.2; docs/integrity.md): the site side.

Every seal the site makes is queued for its bureau in the seal's own transaction (a
listener of `vigil.integrity.seal`), so the bureau holds a copy the unit cannot take back.
When the bureau checks the site (`vigil bureau check-site`) it POSTs a signed "chains.query"
to PEER/link/v1/query; the site answers with a signed "chains.report": the head of every
chain and, for each chain the bureau asks about, the links from the seq it names on. The
bureau recomputes those links from the hashes it holds, so a history rewritten and re-signed
with the unit's own key cannot pass.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.context import SiteContext
from vigil.db.models import ChainEntry, Seal
from vigil.errors import ValidationError
from vigil.integrity.seal import chain_heads, seal_listeners
from vigil.link import handlers, inbox, outbox
from vigil.link.envelope import Envelope, new_id, sign
from vigil.link.site_side import SiteSide, bureau_row

SEAL_MSG = "seal"
QUERY_MSG = "chains.query"
REPORT_MSG = "chains.report"
QUERY_PATH = "/link/v1/query"


def max_links_per_chain() -> int:
    """Most links one report carries per chain (VIGIL_LINK_REPORT_LINKS, default 100,000);
    the bureau asks again from where a report stopped."""
    return max(1, int(os.environ.get("VIGIL_LINK_REPORT_LINKS", 100_000)))


def seal_message(seal: Seal) -> dict[str, Any]:
    return {
        "seal_id": seal.id,
        "sealed_us": seal.sealed_us,
        "key_id": seal.key_id,
        "body": seal.body,
        "signature_hex": seal.signature_hex,
    }


def queue_seal(session: Session, ctx: SiteContext, seal: Seal) -> None:
    """Queue `seal` for the bureau, if the site has one, in the seal's transaction."""
    if bureau_row(session) is not None:
        outbox.enqueue(session, ctx, SEAL_MSG, seal_message(seal))


def queue_newest_seal(session: Session, ctx: SiteContext) -> str | None:
    """At enrolment: hand over the newest seal made before, so the bureau holds one now."""
    seal = session.scalar(select(Seal).order_by(Seal.id.desc()).limit(1))
    if seal is None:
        return None
    return outbox.enqueue(session, ctx, SEAL_MSG, seal_message(seal))


if queue_seal not in seal_listeners:
    seal_listeners.append(queue_seal)


@handlers.handles("site", QUERY_MSG)
def _query_received(session: Session, ctx: Any, env: Envelope) -> None:
    """The bureau's check is registered in the site's audit log too."""
    SiteSide(ctx).audit(
        session, "link_chain_query", "ok", {"from": env.sender, "id": env.id,
                                            "chains": sorted(_wanted(env))},
    )  # fmt: skip


def _wanted(env: Envelope) -> dict[str, int]:
    wanted = env.body.get("from", {})
    if not isinstance(wanted, dict) or not all(
        isinstance(k, str) and type(v) is int and v >= 1 for k, v in wanted.items()
    ):
        raise ValidationError("from must map chain names to positive seqs", field="from")
    return dict(wanted)


def answer_query(ctx: SiteContext, data: Any) -> dict[str, Any]:
    """Check the bureau's signed query (registered; refusals too) and sign the report."""
    side = SiteSide(ctx)
    env = inbox.receive(side, data)
    wanted = _wanted(env)
    chains: dict[str, list[list[object]]] = {}
    with ctx.sessions() as s:
        for chain, first in sorted(wanted.items()):
            rows = s.execute(
                select(ChainEntry.seq, ChainEntry.body, ChainEntry.chain_hash)
                .where(ChainEntry.chain == chain, ChainEntry.seq >= first)
                .order_by(ChainEntry.seq)
                .limit(max_links_per_chain())
            ).all()
            chains[chain] = [[int(seq), body, h] for seq, body, h in rows]
        me = side.identity(s)
    report = {"request": env.id, "heads": chain_heads(ctx), "chains": chains}
    return sign(
        ctx.signing_key, Envelope(me, env.sender, REPORT_MSG, new_id(), ctx.clock.now_us(), report)
    )
