"""One end of the link as the shared code sees it: a site's or a bureau's.

Each app registers a factory for its context type (`register_side`); `side_for(ctx)` then
gives the tables, identity, keys, peers and audit log that outbox, delivery and inbox use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.orm import Session

from vigil.link.models import InboxColumns, OutboxColumns


@dataclass(frozen=True)
class Peer:
    """The other party as pinned here: its id, where it listens, its keys by key id."""

    peer_id: str
    url: str
    keys: Mapping[str, Ed25519PublicKey] = field(default_factory=dict)


class LinkSide(Protocol):
    @property
    def name(self) -> str:
        """ "site" or "bureau"."""
        ...

    @property
    def ctx(self) -> Any: ...

    @property
    def outbox(self) -> type[OutboxColumns]: ...

    @property
    def inbox(self) -> type[InboxColumns]: ...

    @property
    def window_s(self) -> int: ...

    def identity(self, session: Session) -> str: ...

    def signing_key(self, queued_us: int | None = None) -> Ed25519PrivateKey:
        """The key that signs a message queued at `queued_us` (None: now). After a key
        rotation, what was queued before it, the rotation notice included, is signed with
        the old key, so the peer, which pins the new key on that notice, accepts each."""
        ...

    def peer(self, session: Session, peer_id: str) -> Peer | None: ...

    def default_receiver(self, session: Session) -> str:
        """Where a message goes when the sender names nobody; `NotLinked` if nowhere."""
        ...

    def audit(self, session: Session, action: str, result: str, detail: dict[str, Any]) -> None:
        """Register a link act (join, refusal) in this side's audit log, in `session`."""
        ...


_FACTORIES: list[tuple[type, Callable[[Any], LinkSide]]] = []


def register_side(ctx_type: type, factory: Callable[[Any], LinkSide]) -> None:
    if all(t is not ctx_type for t, _ in _FACTORIES):
        _FACTORIES.append((ctx_type, factory))


def side_for(ctx: Any) -> LinkSide:
    for ctx_type, factory in _FACTORIES:
        if isinstance(ctx, ctx_type):
            return factory(ctx)
    raise TypeError(f"no link side for {type(ctx).__name__}")
