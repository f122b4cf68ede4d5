"""The site's handlers of the bureau's filing messages (registered on import).

`filing.accepted` (the receipt 备案回执), `filing.returned` (the reasons) and
`acceptance.recorded` (A13.1, a government-built system's acceptance 验收) are applied in
the transaction that stores the message in the site's inbox: the change and the receipt of
the message commit together, and a redelivered message is applied once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from vigil.filings import submission
from vigil.link import handlers
from vigil.link.envelope import Envelope


def _by(env: Envelope) -> str:
    officer = env.body.get("officer")
    return f"{env.sender}:{officer}" if isinstance(officer, str) and officer else env.sender


@handlers.handles("site", submission.MSG_ACCEPTED)
def on_accepted(s: Session, ctx: Any, env: Envelope) -> None:
    submission.apply_accepted(s, ctx, env.body, by=_by(env), message_id=env.id)


@handlers.handles("site", submission.MSG_RETURNED)
def on_returned(s: Session, ctx: Any, env: Envelope) -> None:
    submission.apply_returned(s, ctx, env.body, by=_by(env), message_id=env.id)


@handlers.handles("site", submission.MSG_ACCEPTANCE)
def on_acceptance(s: Session, ctx: Any, env: Envelope) -> None:
    submission.apply_acceptance(s, ctx, env.body, by=_by(env), message_id=env.id)
