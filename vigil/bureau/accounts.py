"""The bureau's staff and their sign-in: four roles, argon2, server-side sessions, lock-out.

Roles (A3, A13.2; A23 for who approves): officer 民警 (keeps the register, reviews
filings), inspector 检查人员 (on-site checks, check-site), head 负责人 (approves), and
administrator (accounts). Passwords are hashed with argon2 and held to the site's policy
(`vigil.access.passwords`); a session is a random token whose SHA-256 alone is stored
(`vigil.access.sessions.token_sha256`), with its own CSRF token; five wrong passwords lock
the account for 15 minutes. Every sign-in, refusal and account change is audited.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from vigil.access.passwords import check_policy, hash_password, verify_dummy, verify_password
from vigil.access.sessions import token_sha256
from vigil.audit.actor import Actor
from vigil.bureau.context import BureauContext
from vigil.bureau.db.models import BureauSession, BureauUser
from vigil.clock import US_PER_S
from vigil.errors import ConflictError, ValidationError, VigilError

LOCK_AFTER = 5
LOCK_S = 15 * 60


class BureauRole(StrEnum):
    OFFICER = "officer"
    INSPECTOR = "inspector"
    HEAD = "head"
    ADMINISTRATOR = "administrator"

    @property
    def label_zh(self) -> str:
        return {"officer": "民警", "inspector": "检查人员", "head": "负责人",
                "administrator": "管理员"}[self.value]  # fmt: skip

    @classmethod
    def parse(cls, text: str) -> BureauRole:
        for role in cls:
            if text.strip().lower() == role.value or text.strip() == role.label_zh:
                return role
        choices = ", ".join(f"{r.value} ({r.label_zh})" for r in cls)
        raise ValidationError(f"unknown role {text!r}; choose one of {choices}", field="role")


class SignInError(VigilError):
    code = "unauthorised"
    exit_code = 8


@dataclass(frozen=True)
class StaffView:
    id: int
    username: str
    display_name: str
    role: BureauRole

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role.value)


def add_user(
    ctx: BureauContext,
    username: str,
    role: str,
    *,
    actor: Actor,
    password: str | None = None,
    display_name: str = "",
) -> str:
    """Create an account; its password (generated when none is given, to print once)."""
    name = username.strip()
    if not name or len(name) > 64 or not name.isprintable() or " " in name:
        raise ValidationError("a user name is 1 to 64 characters without spaces", field="username")
    parsed = BureauRole.parse(role)
    password = password or secrets.token_urlsafe(12)
    check_policy(password, name)
    with ctx.sessions.begin() as s:
        if s.scalar(select(BureauUser).where(BureauUser.username == name)):
            raise ConflictError(f"user {name!r} exists", field="username")
        s.add(BureauUser(username=name, display_name=display_name[:128], role=parsed.value,
                         password_hash=hash_password(password), disabled=False,
                         failed_logins=0, created_us=ctx.clock.now_us()))  # fmt: skip
        actor.audit(s, ctx, "user_add", detail={"username": name, "role": parsed.value})
    return password


def set_password(ctx: BureauContext, username: str, password: str, *, actor: Actor) -> None:
    """Give an existing account a new password (held to the policy) and lift a lock-out."""
    check_policy(password, username)
    with ctx.sessions.begin() as s:
        user = s.scalar(select(BureauUser).where(BureauUser.username == username))
        if user is None:
            raise ValidationError(f"no user {username!r}", field="username")
        user.password_hash = hash_password(password)
        user.failed_logins, user.locked_until_us = 0, None
        actor.audit(s, ctx, "user_password", detail={"username": username})


def sign_in(ctx: BureauContext, username: str, password: str, *, client_addr: str = ""
            ) -> tuple[str, str, StaffView]:  # fmt: skip
    """(session token, CSRF token, who) for a right password; `SignInError` otherwise."""
    now_us = ctx.clock.now_us()
    refused = ""
    with ctx.sessions.begin() as s:
        user = s.scalar(select(BureauUser).where(BureauUser.username == username[:64]))
        if user is None:
            verify_dummy(password)
            refused = "unknown user or wrong password"
        elif user.disabled:
            refused = "account disabled"
        elif user.locked_until_us is not None and user.locked_until_us > now_us:
            refused = "account locked after repeated wrong passwords; try again later"
        elif not verify_password(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= LOCK_AFTER:
                user.locked_until_us, user.failed_logins = now_us + LOCK_S * US_PER_S, 0
            refused = "unknown user or wrong password"
        actor = Actor(username[:64], user.role if user else "", client_addr[:64])
        if refused:
            actor.audit(s, ctx, "login", result="refused", detail={"why": refused})
        else:
            assert user is not None
            user.failed_logins, user.locked_until_us = 0, None
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
            hours = ctx.settings.session_hours
            s.add(BureauSession(token_sha256=token_sha256(token), csrf_token=csrf,
                                user_id=user.id, created_us=now_us,
                                expires_us=now_us + hours * 3600 * US_PER_S))  # fmt: skip
            actor.audit(s, ctx, "login")
            view = StaffView(user.id, user.username, user.display_name, BureauRole(user.role))
    if refused:
        raise SignInError(refused, field="password")
    return token, csrf, view


def session_user(ctx: BureauContext, token: str) -> tuple[StaffView, str] | None:
    """Who holds this session token, and its CSRF token; None if no live session."""
    now_us = ctx.clock.now_us()
    with ctx.sessions() as s:
        row = s.execute(
            select(BureauSession, BureauUser)
            .join(BureauUser, BureauUser.id == BureauSession.user_id)
            .where(BureauSession.token_sha256 == token_sha256(token))
        ).first()
    if row is None:
        return None
    sess, user = row
    if sess.revoked_us is not None or sess.expires_us <= now_us or user.disabled:
        return None
    return StaffView(user.id, user.username, user.display_name, BureauRole(user.role)), (
        sess.csrf_token
    )


def sign_out(ctx: BureauContext, token: str, who: StaffView) -> None:
    with ctx.sessions.begin() as s:
        sess = s.scalar(select(BureauSession).where(BureauSession.token_sha256 ==
                                                    token_sha256(token)))  # fmt: skip
        if sess is not None and sess.revoked_us is None:
            sess.revoked_us = ctx.clock.now_us()
            who.actor.audit(s, ctx, "logout")
