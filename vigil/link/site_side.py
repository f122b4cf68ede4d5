"""The site's end of the link: its identity is `site:<uuid>`, its one peer the bureau."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit.log import record
from vigil.context import SiteContext
from vigil.db.models import Site
from vigil.keys.signing import load_public_pem
from vigil.link.envelope import DEFAULT_WINDOW_S
from vigil.link.errors import NotLinked
from vigil.link.models import LinkBureau, LinkInbox, LinkOutbox
from vigil.link.side import Peer, register_side

#: Who the audit log names for acts of the link itself (refusals of received messages).
LINK_ACTOR = "link"


def link_window_s() -> int:
    """The accepted clock difference of a message: VIGIL_LINK_WINDOW_S, default 300 s."""
    return int(os.environ.get("VIGIL_LINK_WINDOW_S", DEFAULT_WINDOW_S))


def site_identity(session: Session) -> str:
    row = session.scalar(select(Site))
    if row is None:
        raise NotLinked("the index has no site row; run `vigil init`")
    return f"site:{row.site_uuid}"


def bureau_row(session: Session) -> LinkBureau | None:
    return session.scalar(select(LinkBureau).order_by(LinkBureau.id.desc()).limit(1))


@dataclass
class SiteSide:
    ctx: SiteContext
    name: str = "site"
    outbox: type[LinkOutbox] = LinkOutbox
    inbox: type[LinkInbox] = LinkInbox
    window_s: int = field(default_factory=link_window_s)

    def identity(self, session: Session) -> str:
        return site_identity(session)

    def signing_key(self, queued_us: int | None = None) -> Ed25519PrivateKey:
        return self.ctx.signing_key

    def peer(self, session: Session, peer_id: str) -> Peer | None:
        row = bureau_row(session)
        if row is None or row.peer_id != peer_id:
            return None
        return Peer(row.peer_id, row.url, {row.key_id: load_public_pem(row.public_key_pem)})

    def default_receiver(self, session: Session) -> str:
        row = bureau_row(session)
        if row is None:
            raise NotLinked(
                "this site is not linked with a bureau; run `vigil link join URL --token T` "
                "with the token the bureau gave (A13.2)"
            )
        return row.peer_id

    def audit(self, session: Session, action: str, result: str, detail: dict[str, Any]) -> None:
        record(session, self.ctx, actor=LINK_ACTOR, action=action, result=result, detail=detail)


register_side(SiteContext, SiteSide)
