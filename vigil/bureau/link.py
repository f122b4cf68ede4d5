"""The bureau's end of the link: its id is `bureau:<uuid>`, its peers the linked units."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit.log import record
from vigil.bureau.context import BureauContext, previous_key
from vigil.bureau.db.models import Bureau, BureauInbox, BureauOutbox, Unit
from vigil.keys.signing import load_public_pem
from vigil.link.errors import NotLinked
from vigil.link.side import Peer, register_side
from vigil.link.site_side import LINK_ACTOR, link_window_s


def linked_unit(session: Session, peer_id: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.peer_id == peer_id, Unit.state == "linked"))


@dataclass
class BureauSide:
    ctx: BureauContext
    name: str = "bureau"
    outbox: type[BureauOutbox] = BureauOutbox
    inbox: type[BureauInbox] = BureauInbox
    window_s: int = field(default_factory=link_window_s)

    def identity(self, session: Session) -> str:
        row = session.scalar(select(Bureau))
        assert row is not None
        return f"bureau:{row.bureau_uuid}"

    def signing_key(self, queued_us: int | None = None) -> Ed25519PrivateKey:
        if queued_us is not None:
            previous = previous_key(self.ctx)
            if previous is not None and queued_us <= previous[1]:
                return previous[0]
        return self.ctx.signing_key

    def peer(self, session: Session, peer_id: str) -> Peer | None:
        unit = linked_unit(session, peer_id)
        if unit is None:
            return None
        return Peer(peer_id, unit.url, {unit.key_id: load_public_pem(unit.public_key_pem)})

    def default_receiver(self, session: Session) -> str:
        raise NotLinked("a bureau names the unit it sends to (to=site:<uuid>)")

    def audit(self, session: Session, action: str, result: str, detail: dict[str, Any]) -> None:
        record(session, self.ctx, actor=LINK_ACTOR, action=action, result=result, detail=detail)


register_side(BureauContext, BureauSide)
