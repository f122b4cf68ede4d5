"""The one call that carries a filing message to the bureau: the link's outbox.

`send` queues a message in the caller's transaction (`vigil.link.outbox.enqueue`), so a
filing and the message that carries it commit together or not at all. A site not linked to
a bureau cannot file through Vigil: the refusal says how to link it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from vigil.context import SiteContext
from vigil.errors import ConflictError

NOT_LINKED = "not linked to a bureau: vigil link join URL --token T"


class NotLinkedError(ConflictError):
    """The site has no bureau to send to."""

    code = "not_linked"


def send(session: Session, ctx: SiteContext, msg_type: str, body: dict[str, Any]) -> str:
    """Queue `body` as a `msg_type` message to the site's bureau; the message id."""
    try:
        from vigil.link import outbox
    except ImportError:  # a build without the link
        raise NotLinkedError(NOT_LINKED, field="bureau", article="N14") from None
    try:
        return str(outbox.enqueue(session, ctx, msg_type, body))
    except outbox.NotLinked:
        raise NotLinkedError(NOT_LINKED, field="bureau", article="N14") from None
