"""API tokens for automation: `vgl_…`, shown once, stored as SHA-256, scoped, revocable.

A token acts for its user and never grants more than the user's role (and camera rights)
allow: a caller needs both `roles.may(user, permission, camera)` and
`token_allows(user, scopes, permission)`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import select

from vigil.access.roles import ROLE_PERMISSIONS, Permission, Role
from vigil.access.roster import departed_message, left_roster_on
from vigil.access.sessions import token_sha256
from vigil.access.views import UserView, load_view
from vigil.audit.log import record
from vigil.clock import US_PER_DAY
from vigil.context import SiteContext
from vigil.db.models import ApiToken, User
from vigil.errors import NotFoundError, ValidationError

TOKEN_PREFIX = "vgl_"
MAX_EXPIRES_DAYS = 3650
DEFAULT_EXPIRES_DAYS = 90
"""A token's lifetime unless one is given: a forgotten token in a script ends by itself."""
LAST_USED_RESOLUTION_US = 60 * 1_000_000
_MAX_TOKEN_CHARS = 256

#: What each scope lets a token do (within its user's role).
SCOPE_PERMISSIONS: Mapping[str, frozenset[Permission]] = {
    "read": frozenset({Permission.VIEW_STATUS, Permission.VIEW_RECORDS}),
    "live": frozenset({Permission.VIEW_LIVE}),
    "playback": frozenset({Permission.PLAYBACK}),
    "export": frozenset({Permission.EXPORT}),
    "audit": frozenset({Permission.VIEW_AUDIT, Permission.VERIFY}),
    "records": frozenset({Permission.KEEP_ROOM_LOG, Permission.KEEP_MAINTENANCE_LOG}),
    "admin": frozenset(
        {Permission.MANAGE_CAMERAS, Permission.MANAGE_USERS, Permission.MANAGE_SITE}
    ),
}
SCOPES: tuple[str, ...] = tuple(SCOPE_PERMISSIONS)


def token_allows(user: UserView, scopes: Iterable[str], permission: Permission) -> bool:
    """Whether a token with `scopes` may use `permission` (the user's role must allow it too)."""
    if permission not in ROLE_PERMISSIONS[user.role]:
        return False
    return any(permission in SCOPE_PERMISSIONS.get(scope, frozenset()) for scope in scopes)


def check_scopes(scopes: Sequence[str], role: Role | None = None) -> tuple[str, ...]:
    """The scopes, sorted and without repeats; unknown ones (or, for `role`, useless ones)
    raise ValidationError(field="scopes")."""
    wanted = sorted({s.strip().lower() for s in scopes})
    if not wanted:
        raise ValidationError(f"give at least one of {', '.join(SCOPES)}", field="scopes")
    unknown = [s for s in wanted if s not in SCOPE_PERMISSIONS]
    if unknown:
        raise ValidationError(
            f"unknown scope {', '.join(unknown)}; choose from {', '.join(SCOPES)}",
            field="scopes",
        )
    if role is not None:
        for scope in wanted:
            if not SCOPE_PERMISSIONS[scope] & ROLE_PERMISSIONS[role]:
                raise ValidationError(
                    f"scope {scope!r} grants a {role.value} ({role.label_zh}) nothing",
                    field="scopes",
                )
    return tuple(wanted)


@dataclass(frozen=True)
class TokenView:
    """What may be shown about a token: never the token or its hash."""

    id: int
    username: str
    name: str
    scopes: tuple[str, ...]
    created_us: int
    expires_us: int | None
    revoked_us: int | None
    last_used_us: int | None
    state: str  # active, expired or revoked

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["scopes"] = list(self.scopes)
        return data


def _view(tok: ApiToken, username: str, now_us: int) -> TokenView:
    if tok.revoked_us is not None:
        state = "revoked"
    elif tok.expires_us is not None and now_us >= tok.expires_us:
        state = "expired"
    else:
        state = "active"
    return TokenView(tok.id, username, tok.name, tuple(tok.scopes.split()), tok.created_us,
                     tok.expires_us, tok.revoked_us, tok.last_used_us, state)  # fmt: skip


class TokenStore:
    def __init__(self, ctx: SiteContext):
        self.ctx = ctx

    def create(
        self,
        username: str,
        name: str,
        scopes: Sequence[str],
        *,
        expires_days: int | None = None,
        actor: str,
    ) -> tuple[str, TokenView]:
        """A new token for `username`; the plaintext is returned once and never stored."""
        label = name.strip()
        if expires_days is None:
            expires_days = DEFAULT_EXPIRES_DAYS
        if not 1 <= len(label) <= 64 or not label.isprintable():
            raise ValidationError("must be 1-64 printable characters", field="name")
        if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRES_DAYS:
            raise ValidationError(
                f"must be between 1 and {MAX_EXPIRES_DAYS} days", field="expires_days"
            )
        now = self.ctx.clock.now_us()
        plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.ctx.sessions.begin() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                raise NotFoundError(f"no user named {username!r}", field="username")
            if user.disabled:
                raise ValidationError(f"user {username!r} is disabled", field="username")
            if left_on := left_roster_on(s, self.ctx, user.id):
                raise ValidationError(departed_message(left_on), field="username")
            clean = check_scopes(scopes, Role.parse(user.role))
            tok = ApiToken(
                user_id=user.id,
                name=label,
                token_sha256=token_sha256(plain),
                scopes=" ".join(clean),
                created_us=now,
                expires_us=now + expires_days * US_PER_DAY,
            )
            s.add(tok)
            s.flush()
            view = _view(tok, username, now)
            record(s, self.ctx, actor=actor, action="token_create", detail={
                "token_id": view.id, "user": username, "name": label, "scopes": list(clean),
                "expires_us": view.expires_us})  # fmt: skip
        return plain, view

    def validate(self, token: str) -> tuple[UserView, frozenset[str]] | None:
        """The token's user and scopes, or None (unknown, revoked, expired, user disabled or
        off the roster)."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > _MAX_TOKEN_CHARS:
            return None
        now = self.ctx.clock.now_us()
        with self.ctx.sessions.begin() as s:
            tok = s.scalar(select(ApiToken).where(ApiToken.token_sha256 == token_sha256(token)))
            if tok is None or tok.revoked_us is not None:
                return None
            if tok.expires_us is not None and now >= tok.expires_us:
                return None
            user = s.get(User, tok.user_id)
            if user is None or user.disabled or left_roster_on(s, self.ctx, user.id):
                return None
            if tok.last_used_us is None or now - tok.last_used_us >= LAST_USED_RESOLUTION_US:
                tok.last_used_us = now
            return load_view(s, user), frozenset(tok.scopes.split())

    def revoke(self, token_id: int, *, actor: str) -> TokenView:
        """Revoke a token for good (revoking a revoked token changes nothing)."""
        now = self.ctx.clock.now_us()
        with self.ctx.sessions.begin() as s:
            tok = s.get(ApiToken, token_id)
            if tok is None:
                raise NotFoundError(f"no token with id {token_id}", field="id")
            already = tok.revoked_us is not None
            if not already:
                tok.revoked_us = now
            username = s.scalar(select(User.username).where(User.id == tok.user_id)) or ""
            view = _view(tok, username, now)
            if not already:
                detail = {"token_id": token_id, "user": username, "name": view.name}
                record(s, self.ctx, actor=actor, action="token_revoke", detail=detail)
        return view

    def list(self, username: str | None = None) -> list[TokenView]:
        now = self.ctx.clock.now_us()
        with self.ctx.sessions() as s:
            q = select(ApiToken, User.username).join(User, User.id == ApiToken.user_id)
            if username is not None:
                q = q.where(User.username == username)
            rows = s.execute(q.order_by(ApiToken.id)).all()
        return [_view(tok, uname, now) for tok, uname in rows]
