"""Web sessions: a random token in the browser's cookie, only its SHA-256 in the index.

A session ends at the first of: sign-out (`revoke`), a password change or disabling of
its user (`revoke_all`), `IDLE_TIMEOUT_US` without a request, or `ABSOLUTE_LIFETIME_US`
after sign-in. Each session also carries a CSRF token that state-changing requests echo.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vigil.access.roster import departed_message, left_roster_on
from vigil.access.signin import AuthError
from vigil.access.views import UserView, load_view
from vigil.audit.log import record
from vigil.clock import US_PER_S
from vigil.context import SiteContext
from vigil.db.models import User, WebSession
from vigil.errors import NotFoundError

IDLE_TIMEOUT_US = 30 * 60 * US_PER_S
ABSOLUTE_LIFETIME_US = 12 * 3600 * US_PER_S
#: `last_seen_us` is written at most this often, so reading pages does not write each time.
LAST_SEEN_RESOLUTION_US = 60 * US_PER_S
_MAX_TOKEN_CHARS = 256


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SessionInfo:
    user: UserView
    csrf_token: str
    #: When the session ends unless used again: min(absolute end, last use + idle timeout).
    expires_us: int
    created_us: int


def revoke_user_sessions(s: Session, user_id: int) -> int:
    """Mark every live session of a user revoked, in the caller's transaction."""
    result = s.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.revoked.is_(False))
        .values(revoked=True)
    )
    return int(getattr(result, "rowcount", 0) or 0)


class SessionStore:
    def __init__(self, ctx: SiteContext):
        self.ctx = ctx

    def create(self, user_id: int, client_addr: str) -> tuple[str, str]:
        """Start a session for a signed-in user; returns (session token, CSRF token)."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = self.ctx.clock.now_us()
        with self.ctx.sessions.begin() as s:
            user = s.get(User, user_id)
            if user is None:
                raise NotFoundError(f"no user with id {user_id}", field="user")
            if user.disabled:
                raise AuthError("this account is disabled; an administrator can enable it")
            if left_on := left_roster_on(s, self.ctx, user_id):
                raise AuthError(departed_message(left_on))
            s.add(
                WebSession(
                    token_sha256=token_sha256(token),
                    user_id=user_id,
                    csrf_token=csrf,
                    client_addr=client_addr[:64],
                    created_us=now,
                    last_seen_us=now,
                    expires_us=now + ABSOLUTE_LIFETIME_US,
                    revoked=False,
                )
            )
        return token, csrf

    def validate(self, token: str) -> SessionInfo | None:
        """The live session for `token`, or None (unknown, revoked, expired, user disabled or
        off the roster)."""
        if not token or len(token) > _MAX_TOKEN_CHARS:
            return None
        now = self.ctx.clock.now_us()
        with self.ctx.sessions.begin() as s:
            row = s.get(WebSession, token_sha256(token))
            if row is None or row.revoked:
                return None
            if now >= row.expires_us or now - row.last_seen_us >= IDLE_TIMEOUT_US:
                return None
            user = s.get(User, row.user_id)
            if user is None or user.disabled or left_roster_on(s, self.ctx, user.id):
                return None
            if now - row.last_seen_us >= LAST_SEEN_RESOLUTION_US:
                row.last_seen_us = now
            return SessionInfo(
                user=load_view(s, user),
                csrf_token=row.csrf_token,
                expires_us=min(row.expires_us, row.last_seen_us + IDLE_TIMEOUT_US),
                created_us=row.created_us,
            )

    def revoke(self, token: str) -> bool:
        """Sign out one session; registered as a logout. False if there was none live."""
        with self.ctx.sessions.begin() as s:
            row = s.get(WebSession, token_sha256(token)) if token else None
            if row is None or row.revoked:
                return False
            row.revoked = True
            user = s.get(User, row.user_id)
            who, role, addr = (user.username, user.role, row.client_addr) if user else ("", "", "")
            record(s, self.ctx, actor=who, actor_role=role, client_addr=addr, action="logout")
        return True

    def revoke_all(self, user_id: int) -> int:
        """Sign out every session of a user; returns how many were live."""
        with self.ctx.sessions.begin() as s:
            return revoke_user_sessions(s, user_id)

    def active(self, user_id: int) -> int:
        """How many unexpired, unrevoked sessions a user has."""
        now = self.ctx.clock.now_us()
        with self.ctx.sessions() as s:
            rows = s.scalars(
                select(WebSession).where(
                    WebSession.user_id == user_id,
                    WebSession.revoked.is_(False),
                    WebSession.expires_us > now,
                    WebSession.last_seen_us > now - IDLE_TIMEOUT_US,
                )
            )
            return len(list(rows))
