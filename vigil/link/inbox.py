"""Receiving a message: check the envelope, apply it once, register every refusal.

`receive` runs the handler of the message's type and adds the inbox row in one write
transaction, so a message is applied exactly when its receipt commits; the inbox's unique
message id turns a second copy (a redelivery whose acknowledgement was lost, or a replay)
into a refusal with reason "replayed", which the sender's outbox takes as delivered.
A refusal is registered in the receiving side's audit log with its reason, sender, type
and id (never the body), in a transaction of its own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vigil.errors import VigilError
from vigil.link import handlers
from vigil.link.envelope import Envelope, open_envelope
from vigil.link.errors import LinkRefused
from vigil.link.side import LinkSide

REFUSED_ACTION = "link_refused"


def _about(data: Any) -> dict[str, str]:
    """What a refusal registers of the message: who says it sent it, to whom, what, which."""
    if not isinstance(data, Mapping):
        return {}
    return {k: str(data.get(k, ""))[:80] for k in ("sender", "receiver", "type", "id")}


def check(side: LinkSide, session: Session, data: Any) -> Envelope:
    """The checked envelope of `data` (see `open_envelope`), in the caller's transaction."""
    box = side.inbox

    def keys_of(sender: str) -> Mapping[str, Ed25519PublicKey] | None:
        peer = side.peer(session, sender)
        return None if peer is None else peer.keys

    def seen(msg_id: str) -> bool:
        return session.scalar(select(box.id).where(box.msg_id == msg_id)) is not None

    return open_envelope(
        data,
        me=side.identity(session),
        keys_of=keys_of,
        now_us=side.ctx.clock.now_us(),
        seen=seen,
        window_s=side.window_s,
    )


def register_refusal(side: LinkSide, data: Any, refusal: LinkRefused) -> None:
    with side.ctx.sessions.begin() as s:
        side.audit(
            s, REFUSED_ACTION, "refused",
            {"reason": refusal.reason, "why": refusal.message, **_about(data)},
        )  # fmt: skip


def store(side: LinkSide, session: Session, env: Envelope) -> None:
    session.add(
        cast(Any, side.inbox)(
            msg_id=env.id,
            sender=env.sender,
            msg_type=env.type,
            sent_us=env.time,
            received_us=side.ctx.clock.now_us(),
            body=json.dumps(dict(env.body), sort_keys=True, ensure_ascii=False),
        )
    )
    session.flush()


def receive(side: LinkSide, data: Any) -> Envelope:
    """Check and apply one message; `LinkRefused` (already registered) if refused."""
    try:
        with side.ctx.sessions.begin() as s:
            env = check(side, s, data)
            fn = handlers.handler(side.name, env.type)
            if fn is None:
                raise LinkRefused("unknown_type", f"this {side.name} has no use for {env.type!r}")
            store(side, s, env)  # first: a concurrent copy fails here, before applying
            try:
                fn(s, side.ctx, env)
            except LinkRefused:
                raise
            except VigilError as exc:
                raise LinkRefused("rejected", exc.describe()) from None
    except IntegrityError:
        refusal = LinkRefused("replayed", "message was received before")
        register_refusal(side, data, refusal)
        raise refusal from None
    except LinkRefused as refusal:
        register_refusal(side, data, refusal)
        raise
    return env
