"""Who acts, as the audit log registers them: a signed-in user or the CLI's OS user."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from vigil.audit.log import record
from vigil.context import Context


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user (with role and address) or the CLI's OS user."""

    name: str
    role: str = ""
    client_addr: str = ""

    @classmethod
    def cli(cls) -> Actor:
        try:
            return cls("cli:" + getpass.getuser())
        except (OSError, KeyError):
            return cls("cli:unknown")

    def audit(self, session: Session, ctx: Context, action: str, **fields: Any) -> int:
        """Register `action` by this actor in the caller's write transaction; its seq."""
        return record(
            session,
            ctx,
            actor=self.name[:64],
            actor_role=self.role,
            client_addr=self.client_addr,
            action=action,
            **fields,
        )


#: The system itself (the recorder, retention, a library caller that names nobody).
SYSTEM = Actor("system")
