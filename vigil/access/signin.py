"""Signing in: password check, lock-out of an account, rate limit of a client address.

- Wrong password or unknown user: the same `AuthError` ("wrong username or password"),
  after the same argon2 work, so the answer does not tell which usernames exist.
- `MAX_FAILURES` consecutive wrong passwords lock the account for `LOCKOUT_US`.
- A client address with `ADDR_MAX_FAILURES` failed sign-ins within `ADDR_WINDOW_US` is
  refused without a password check until the oldest of them leaves the window (the
  failures are rows in `login_failures`, so every API process sees them).

Every outcome is registered in the audit log (A17.2(2)).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from vigil.access.passwords import hash_password, needs_rehash, verify_dummy, verify_password
from vigil.access.roster import departed_message, left_roster_on
from vigil.access.views import UserView, load_view
from vigil.audit.log import record
from vigil.clock import US_PER_S, us_to_iso
from vigil.context import SiteContext
from vigil.db.models import LoginFailure, User
from vigil.errors import VigilError

MAX_FAILURES = 5
LOCKOUT_US = 15 * 60 * US_PER_S
ADDR_MAX_FAILURES = 20
ADDR_WINDOW_US = 10 * 60 * US_PER_S

WRONG_CREDENTIALS = "wrong username or password"


class AuthError(VigilError):
    """Sign-in refused."""

    code = "unauthenticated"


class LockedError(AuthError):
    code = "locked"

    def __init__(self, locked_until_us: int):
        self.locked_until_us = locked_until_us
        super().__init__(
            f"the account is locked after {MAX_FAILURES} failed sign-ins until "
            f"{us_to_iso(locked_until_us)}; an administrator can unlock it sooner "
            "(`vigil user enable`)"
        )


class RateLimitedError(AuthError):
    code = "rate_limited"

    def __init__(self, retry_after_s: int):
        self.retry_after_s = retry_after_s
        super().__init__(
            f"too many failed sign-ins from this address; try again in {retry_after_s} s"
        )


def authenticate(ctx: SiteContext, username: str, password: str, client_addr: str) -> UserView:
    """The user whose password this is, or AuthError / LockedError / RateLimitedError.

    Every outcome is registered (A17.2(2)) in the same transaction as the counters it
    changes, so a refused attempt is never counted without its entry, nor the reverse.
    """
    now = ctx.clock.now_us()
    addr = client_addr[:64]
    name = username[:64]

    def audit(s: Session, result: str, role: str = "", **detail: Any) -> None:
        record(s, ctx, actor=name, actor_role=role, action="login", result=result,
               client_addr=addr, detail=detail)  # fmt: skip

    retry = retry_after_s(ctx, addr, now)
    if retry:
        with ctx.sessions.begin() as s:
            audit(s, "rate_limited", retry_after_s=retry)
        raise RateLimitedError(retry)
    with ctx.sessions() as s:
        user = s.scalar(select(User).where(User.username == username))
        left_on = left_roster_on(s, ctx, user.id) if user is not None else None
    if user is None:
        verify_dummy(password)
        with ctx.sessions.begin() as s:
            _note_failure(s, addr, name, now)
            audit(s, "failed", reason="unknown user")
        raise AuthError(WRONG_CREDENTIALS)
    if user.locked_until_us is not None and now < user.locked_until_us:
        with ctx.sessions.begin() as s:
            _note_failure(s, addr, name, now)
            audit(s, "locked", user.role, locked_until_us=user.locked_until_us)
        raise LockedError(user.locked_until_us)
    if not verify_password(user.password_hash, password):
        with ctx.sessions.begin() as s:
            locked_until = _count_wrong_password(s, user.id, addr, name, now)
            audit(s, "failed", user.role, reason="wrong password")
            if locked_until is not None:
                record(s, ctx, actor=name, actor_role=user.role, action="lockout",
                       result="locked", client_addr=addr,
                       detail={"locked_until_us": locked_until,
                               "failures": MAX_FAILURES})  # fmt: skip
        if locked_until is None:
            raise AuthError(WRONG_CREDENTIALS)
        raise LockedError(locked_until)
    if user.disabled:
        with ctx.sessions.begin() as s:
            audit(s, "refused", user.role, reason="disabled")
        raise AuthError("this account is disabled; an administrator can enable it")
    if left_on is not None:  # told only after the password is right
        with ctx.sessions.begin() as s:
            audit(s, "refused", user.role, reason="left the roster", left_on=left_on)
        raise AuthError(departed_message(left_on))
    with ctx.sessions.begin() as s:
        row = s.get(User, user.id)
        assert row is not None
        row.failed_logins = 0
        row.locked_until_us = None
        if needs_rehash(row.password_hash):
            row.password_hash = hash_password(password)
        s.flush()
        view = load_view(s, row)
        audit(s, "ok", user.role)
    return view


def retry_after_s(ctx: SiteContext, client_addr: str, now_us: int) -> int:
    """Seconds until `client_addr` may try again (0: now)."""
    with ctx.sessions() as s:
        recent = list(
            s.scalars(
                select(LoginFailure.at_us)
                .where(
                    LoginFailure.client_addr == client_addr,
                    LoginFailure.at_us > now_us - ADDR_WINDOW_US,
                )
                .order_by(LoginFailure.at_us.desc())
                .limit(ADDR_MAX_FAILURES)
            )
        )
    if len(recent) < ADDR_MAX_FAILURES:
        return 0
    frees_at = recent[-1] + ADDR_WINDOW_US  # when the oldest of the last N leaves the window
    return max(1, -(-(frees_at - now_us) // US_PER_S))


def _note_failure(s: Session, addr: str, username: str, now_us: int) -> None:
    s.execute(delete(LoginFailure).where(LoginFailure.at_us <= now_us - ADDR_WINDOW_US))
    s.add(LoginFailure(client_addr=addr, username=username, at_us=now_us))


def _count_wrong_password(
    s: Session, user_id: int, addr: str, username: str, now_us: int
) -> int | None:
    """Count one more consecutive failure; returns the lock's end if this one locks."""
    _note_failure(s, addr, username, now_us)
    count = s.execute(
        update(User)
        .where(User.id == user_id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
    ).scalar_one()
    if count < MAX_FAILURES:
        return None
    until = now_us + LOCKOUT_US
    s.execute(update(User).where(User.id == user_id).values(failed_logins=0, locked_until_us=until))
    return until
