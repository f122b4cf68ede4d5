"""Queueing a message in the sender's transaction: the act and what it sends commit together.

    with ctx.sessions.begin() as s:
        ...the act, its audit entry...
        msg_id = outbox.enqueue(s, ctx, "filing.submit", {...})

A site sends to its bureau (`NotLinked` if it has none); a bureau names the unit (`to=`).
The delivery worker (`vigil.link.delivery`) sends the queue in order once committed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

import rfc8785
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import vigil.link.site_side  # noqa: F401  (registers the site's side)
from vigil.errors import ValidationError
from vigil.link.envelope import new_id
from vigil.link.errors import NotLinked
from vigil.link.side import LinkSide, side_for

__all__ = ["NotLinked", "OutboxStatus", "enqueue", "status"]


def enqueue(
    session: Session, ctx: Any, msg_type: str, body: dict[str, Any], *, to: str | None = None
) -> str:
    """Queue `body` as a message of `msg_type` in the caller's write transaction; its id.

    `to` is the receiver's link id (a bureau names the unit's `site:<uuid>`); a site's
    messages go to its bureau. Raises `NotLinked` when there is nobody to send to, and
    `ValidationError` for a body that is not canonical JSON (floats, huge integers)."""
    side = side_for(ctx)
    if not msg_type or len(msg_type) > 64:
        raise ValidationError("a message type is 1 to 64 characters", field="msg_type")
    receiver = to if to is not None else side.default_receiver(session)
    if side.peer(session, receiver) is None:
        raise NotLinked(f"{receiver} is not linked with this {side.name}")
    try:
        rfc8785.dumps(body)
    except (rfc8785.CanonicalizationError, TypeError) as exc:
        raise ValidationError(
            f"the message body is not canonical JSON: {exc}", field="body"
        ) from None
    msg_id = new_id()
    now_us = side.ctx.clock.now_us()
    session.add(
        cast(Any, side.outbox)(
            msg_id=msg_id,
            receiver=receiver,
            msg_type=msg_type,
            body=json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")),
            created_us=now_us,
            attempts=0,
            next_attempt_us=0,
            last_error="",
        )
    )
    return msg_id


@dataclass(frozen=True)
class OutboxStatus:
    depth: int  # messages not yet delivered
    delivered: int
    refused: int  # closed because the peer refused their content for good
    last_delivered_us: int | None
    oldest_waiting_us: int | None
    last_error: str
    next_attempt_us: int | None


def status(session: Session, side: LinkSide) -> OutboxStatus:
    box = side.outbox
    depth, oldest = session.execute(
        select(func.count(), func.min(box.created_us)).where(box.delivered_us.is_(None))
    ).one()
    delivered, last = session.execute(
        select(func.count(), func.max(box.delivered_us)).where(
            box.delivered_us.is_not(None), box.last_error == ""
        )
    ).one()
    refused = session.scalar(
        select(func.count()).where(box.delivered_us.is_not(None), box.last_error != "")
    )
    head = session.scalar(select(box).where(box.delivered_us.is_(None)).order_by(box.id).limit(1))
    return OutboxStatus(
        depth=int(depth),
        delivered=int(delivered),
        refused=int(refused or 0),
        last_delivered_us=last,
        oldest_waiting_us=oldest,
        last_error=head.last_error if head is not None else "",
        next_attempt_us=head.next_attempt_us if head is not None else None,
    )
