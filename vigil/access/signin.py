"""Signing in: password check, lock-out per (account, address), rate limit of an address.

- Wrong password or unknown user: the same `AuthError` ("wrong username or password"),
  after the same argon2 work, so the answer does not tell which usernames exist.
- `MAX_FAILURES` consecutive wrong passwords for an account *from one client address*
  lock the account for that address for `LOCKOUT_US` (`login_locks`). Locking the whole
  account would let anyone lock out anyone, the only administrator included, by
  guessing; per address, the owner still signs in from the addresses they use, and
  `vigil user enable` / `vigil user passwd` (or the same over the API) lift every lock.
  A success from an address resets that address's count only.
- A client address with `ADDR_MAX_FAILURES` failed sign-ins within `ADDR_WINDOW_US` is
  refused without a password check until the oldest of them leaves the window (the
  failures are rows in `login_failures`, so every API process sees them). This also
  bounds guessing against one account from one address, and the entries it writes.

Every outcome is registered in the audit log (A17.2(2)), with one exception that keeps an
anonymous client from flooding the register: refusals of a rate-limited address are
aggregated per address and minute. The first refusal of a minute is registered at once
(result "rate_limited"); the others of that minute are counted (`login_refusals`) and
registered as ONE summary entry (result "rate_limited", detail "refusals": N) in the
first sign-in transaction after the minute has closed, from whatever address. Entries
are append-only, so the count is written once, never updated. An address thus writes at
most two entries per minute while it is refused.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from vigil.access.passwords import hash_password, needs_rehash, verify_dummy, verify_password
from vigil.access.roster import departed_message, left_roster_on
from vigil.access.views import UserView, load_view
from vigil.audit.log import AUDIT_CHAIN, record
from vigil.clock import US_PER_S, us_to_iso
from vigil.context import SiteContext
from vigil.db.models import LoginFailure, LoginLock, LoginRefusal, User
from vigil.errors import VigilError
from vigil.integrity import ledger

MAX_FAILURES = 5
LOCKOUT_US = 15 * 60 * US_PER_S
ADDR_MAX_FAILURES = 20
ADDR_WINDOW_US = 10 * 60 * US_PER_S
#: Refusals of a rate-limited address are registered as one count per this span.
REFUSAL_SPAN_US = 60 * US_PER_S
#: The actor of a summary of refusals: nobody was identified.
ANONYMOUS = "anonymous"

WRONG_CREDENTIALS = "wrong username or password"


class AuthError(VigilError):
    """Sign-in refused."""

    code = "unauthenticated"


class LockedError(AuthError):
    code = "locked"

    def __init__(self, locked_until_us: int):
        self.locked_until_us = locked_until_us
        super().__init__(
            f"the account is locked for this address after {MAX_FAILURES} failed sign-ins "
            f"until {us_to_iso(locked_until_us)}; other addresses are not locked, and an "
            "administrator can unlock it sooner (`vigil user enable`)"
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
            _refused_while_limited(s, ctx, addr, name, now, retry)
        raise RateLimitedError(retry)
    with ctx.sessions() as s:
        user = s.scalar(select(User).where(User.username == username))
        left_on = left_roster_on(s, ctx, user.id) if user is not None else None
        lock = s.get(LoginLock, (user.id, addr)) if user is not None else None
        locked_until = lock.locked_until_us if lock is not None else None
    if user is None:
        verify_dummy(password)
        with ctx.sessions.begin() as s:
            close_refusals(s, ctx, now)
            _note_failure(s, addr, name, now)
            audit(s, "failed", reason="unknown user")
        raise AuthError(WRONG_CREDENTIALS)
    if locked_until is not None and now < locked_until:
        with ctx.sessions.begin() as s:
            close_refusals(s, ctx, now)
            _note_failure(s, addr, name, now)
            audit(s, "locked", user.role, locked_until_us=locked_until)
        raise LockedError(locked_until)
    if not verify_password(user.password_hash, password):
        with ctx.sessions.begin() as s:
            close_refusals(s, ctx, now)
            new_lock = _count_wrong_password(s, user.id, addr, name, now)
            audit(s, "failed", user.role, reason="wrong password")
            if new_lock is not None:
                record(s, ctx, actor=name, actor_role=user.role, action="lockout",
                       result="locked", client_addr=addr,
                       detail={"locked_until_us": new_lock, "failures": MAX_FAILURES,
                               "scope": "this client address"})  # fmt: skip
        if new_lock is None:
            raise AuthError(WRONG_CREDENTIALS)
        raise LockedError(new_lock)
    if user.disabled:
        with ctx.sessions.begin() as s:
            close_refusals(s, ctx, now)
            audit(s, "refused", user.role, reason="disabled")
        raise AuthError("this account is disabled; an administrator can enable it")
    if left_on is not None:  # told only after the password is right
        with ctx.sessions.begin() as s:
            close_refusals(s, ctx, now)
            audit(s, "refused", user.role, reason="left the roster", left_on=left_on)
        raise AuthError(departed_message(left_on))
    with ctx.sessions.begin() as s:
        close_refusals(s, ctx, now)
        row = s.get(User, user.id)
        assert row is not None
        # consecutive failures from this address end here; other addresses keep theirs
        s.execute(delete(LoginLock).where(LoginLock.user_id == user.id,
                                          LoginLock.client_addr == addr))  # fmt: skip
        if needs_rehash(row.password_hash):
            row.password_hash = hash_password(password)
        s.flush()
        view = load_view(s, row)
        audit(s, "ok", user.role)
    return view


def clear_locks(s: Session, user_id: int) -> int:
    """Lift every lock-out and failure count of an account, from every address (an
    administrator's enable or new password); how many addresses had one."""
    held = s.scalar(select(func.count()).select_from(LoginLock).where(LoginLock.user_id == user_id))
    s.execute(delete(LoginLock).where(LoginLock.user_id == user_id))
    return int(held or 0)


def _refused_while_limited(
    s: Session, ctx: SiteContext, addr: str, name: str, now_us: int, retry_s: int
) -> None:
    """Register the first refusal of this address's minute; count the others."""
    close_refusals(s, ctx, now_us)
    minute_us = now_us - now_us % REFUSAL_SPAN_US
    row = s.get(LoginRefusal, addr)
    if row is not None and row.minute_us == minute_us:
        row.suppressed += 1
        return
    if row is None:
        s.add(LoginRefusal(client_addr=addr, minute_us=minute_us, suppressed=0))
    record(s, ctx, actor=name, action="login", result="rate_limited", client_addr=addr,
           detail={"retry_after_s": retry_s,
                   "others_this_minute": "counted, registered once the minute closes"})  # fmt: skip


def close_refusals(s: Session, ctx: SiteContext, now_us: int) -> int:
    """Register one summary entry per address whose counted minute of refusals has closed
    (in the caller's write transaction); how many entries were written."""
    ledger.lock(s, AUDIT_CHAIN)  # one writer decides which minutes are closed
    minute_us = now_us - now_us % REFUSAL_SPAN_US
    closed = list(
        s.scalars(
            select(LoginRefusal)
            .where(LoginRefusal.minute_us < minute_us)
            .order_by(LoginRefusal.minute_us, LoginRefusal.client_addr)
        )
    )
    written = 0
    for row in closed:
        if row.suppressed:
            record(s, ctx, actor=ANONYMOUS, action="login", result="rate_limited",
                   client_addr=row.client_addr,
                   detail={"refusals": row.suppressed,
                           "from_us": row.minute_us, "from": us_to_iso(row.minute_us),
                           "to_us": row.minute_us + REFUSAL_SPAN_US,
                           "to": us_to_iso(row.minute_us + REFUSAL_SPAN_US),
                           "summary": "further refusals of the rate-limited address "
                                      "in this minute, each unregistered on its own"})  # fmt: skip
            written += 1
        s.delete(row)
    s.flush()
    return written


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
    """Count one more consecutive failure of the account from `addr`; the lock's end if
    this one locks it (for that address)."""
    _note_failure(s, addr, username, now_us)
    lock = s.get(LoginLock, (user_id, addr))
    if lock is None:
        lock = LoginLock(user_id=user_id, client_addr=addr, failures=0, last_failure_us=now_us)
        s.add(lock)
    lock.failures += 1
    lock.last_failure_us = now_us
    if lock.failures < MAX_FAILURES:
        return None
    lock.failures, lock.locked_until_us = 0, now_us + LOCKOUT_US
    return lock.locked_until_us
