"""Signing in: one message for wrong name or password, lock-out, rate limit, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from vigil.access.passwords import hash_password
from vigil.access.signin import (
    ADDR_MAX_FAILURES,
    LOCKOUT_US,
    MAX_FAILURES,
    WRONG_CREDENTIALS,
)
from vigil.access.users import AuthError, LockedError, RateLimitedError, UserRegistry
from vigil.clock import FakeClock, us_to_iso
from vigil.context import SiteContext
from vigil.db.models import User
from vigil.errors import VigilError

from .helpers import PASSWORD, add_user, audit_rows

ADDR = "192.0.2.10"


def attempt(site: SiteContext, username: str, password: str, addr: str = ADDR) -> VigilError:
    with pytest.raises(AuthError) as err:
        UserRegistry(site).authenticate(username, password, addr)
    return err.value


def test_success_is_audited_and_returns_the_view(site: SiteContext) -> None:
    add_user(site)
    u = UserRegistry(site).authenticate("alice", PASSWORD, ADDR)
    assert u.username == "alice"
    [entry] = audit_rows(site, "login")
    assert (entry["actor"], entry["actor_role"], entry["result"], entry["client_addr"]) == (
        "alice", "monitor", "ok", ADDR)  # fmt: skip


def test_same_message_for_unknown_user_and_wrong_password(site: SiteContext) -> None:
    add_user(site)
    wrong_pw = attempt(site, "alice", "wrong-password-1")
    no_user = attempt(site, "mallory", PASSWORD)
    assert type(wrong_pw) is type(no_user) is AuthError
    assert wrong_pw.message == no_user.message == WRONG_CREDENTIALS
    assert wrong_pw.code == "unauthenticated"
    results = [(e["actor"], e["result"], e["detail"]["reason"]) for e in audit_rows(site, "login")]
    assert results == [("alice", "failed", "wrong password"), ("mallory", "failed", "unknown user")]
    assert "wrong-password-1" not in str(audit_rows(site))


def test_lockout_after_five_failures_and_release_after_fifteen_minutes(
    site: SiteContext, clock: FakeClock
) -> None:
    add_user(site)
    for _ in range(MAX_FAILURES - 1):
        assert type(attempt(site, "alice", "wrong-password-1")) is AuthError
    locked = attempt(site, "alice", "wrong-password-1")
    assert isinstance(locked, LockedError) and locked.code == "locked"
    until = clock.now_us() + LOCKOUT_US
    assert locked.locked_until_us == until and us_to_iso(until) in locked.message
    clock.advance(seconds=14 * 60 + 59)
    still = attempt(site, "alice", PASSWORD)  # the right password does not help
    assert isinstance(still, LockedError)
    assert UserRegistry(site).get("alice").locked(clock.now_us())
    clock.advance(seconds=1)
    assert UserRegistry(site).authenticate("alice", PASSWORD, ADDR).username == "alice"
    lockouts = audit_rows(site, "lockout")
    assert len(lockouts) == 1 and lockouts[0]["detail"]["locked_until_us"] == until
    assert lockouts[0]["client_addr"] == ADDR
    assert [e["result"] for e in audit_rows(site, "login")] == ["failed"] * 5 + ["locked", "ok"]


def test_guessing_from_one_address_does_not_lock_out_the_others(
    site: SiteContext, clock: FakeClock
) -> None:
    """The only administrator, guessed at from one address, still signs in from hers."""
    add_user(site, "root", "administrator")
    reg = UserRegistry(site)
    for _ in range(MAX_FAILURES):
        attempt(site, "root", "wrong-password-1", "203.0.113.66")
    assert isinstance(attempt(site, "root", PASSWORD, "203.0.113.66"), LockedError)
    assert reg.authenticate("root", PASSWORD, ADDR).username == "root"  # her own address
    # failures spread over addresses do not add up to a lock of any of them
    for i in range(MAX_FAILURES):
        assert type(attempt(site, "root", "wrong-password-1", f"10.0.0.{i}")) is AuthError
    assert reg.authenticate("root", PASSWORD, "10.0.0.0").username == "root"
    # an enable (the CLI's reset, `vigil user enable`) lifts the lock of every address
    reg.enable("root", actor="cli:owner")
    assert reg.authenticate("root", PASSWORD, "203.0.113.66").username == "root"
    [enable] = audit_rows(site, "user_enable")
    assert enable["detail"]["locks_lifted"] >= 1


def test_refusals_of_a_rate_limited_address_are_registered_once_per_minute(
    site: SiteContext, clock: FakeClock
) -> None:
    """A rate-limited client hammering the sign-in writes two entries a minute (the first
    refusal, then the count of the rest), not one per request (A17.2(2) register kept
    readable)."""
    add_user(site)
    flooder = "198.51.100.7"
    for i in range(ADDR_MAX_FAILURES):
        attempt(site, f"nobody{i}", "wrong-password-1", flooder)
    before = len(audit_rows(site))
    clock.set(clock.now_us() - clock.now_us() % 60_000_000 + 60_000_000)  # a minute starts
    for _ in range(50):
        assert isinstance(attempt(site, "alice", "x", flooder), RateLimitedError)
        clock.advance(seconds=0.5)  # 25 s: all in one minute
    limited = audit_rows(site)[before:]
    assert [(e["actor"], e["result"]) for e in limited] == [("alice", "rate_limited")]
    # the minute closes: the next sign-in attempt, from anywhere, registers the count
    clock.advance(seconds=40)
    UserRegistry(site).authenticate("alice", PASSWORD, ADDR)
    after = audit_rows(site)[before:]
    summary = [e for e in after if e["actor"] == "anonymous"]
    assert len(summary) == 1 and summary[0]["detail"]["refusals"] == 49
    assert summary[0]["client_addr"] == flooder and summary[0]["result"] == "rate_limited"
    assert len(after) == 3  # first refusal, the count of the others, alice's sign-in
    # a new minute of refusals starts with an entry of its own
    attempt(site, "alice", "x", flooder)
    assert audit_rows(site)[-1]["actor"] == "alice"


def test_success_resets_the_count_of_failures(site: SiteContext) -> None:
    add_user(site)
    reg = UserRegistry(site)
    for _ in range(3):
        attempt(site, "alice", "wrong-password-1")
    reg.authenticate("alice", PASSWORD, ADDR)
    for _ in range(MAX_FAILURES - 1):
        assert type(attempt(site, "alice", "wrong-password-1")) is AuthError


def test_enable_lifts_a_lockout(site: SiteContext) -> None:
    add_user(site)
    for _ in range(MAX_FAILURES):
        attempt(site, "alice", "wrong-password-1")
    reg = UserRegistry(site)
    reg.enable("alice", actor="admin")
    assert reg.authenticate("alice", PASSWORD, ADDR).username == "alice"


def test_rate_limit_per_client_address(site: SiteContext, clock: FakeClock) -> None:
    add_user(site)
    for i in range(ADDR_MAX_FAILURES):
        attempt(site, f"nobody{i}", "wrong-password-1")
        clock.advance(seconds=10)
    limited = attempt(site, "alice", PASSWORD)  # even the right password is not checked
    assert isinstance(limited, RateLimitedError) and limited.code == "rate_limited"
    # the first failure was 200 s ago: it leaves the 10-minute window in 400 s
    assert limited.retry_after_s == 400 and "400 s" in limited.message
    assert UserRegistry(site).authenticate("alice", PASSWORD, "192.0.2.99").username == "alice"
    clock.advance(seconds=399)
    assert isinstance(attempt(site, "alice", PASSWORD), RateLimitedError)
    clock.advance(seconds=1)
    assert UserRegistry(site).authenticate("alice", PASSWORD, ADDR).username == "alice"
    assert audit_rows(site, "login")[-4]["result"] == "rate_limited"


def test_disabled_user_cannot_sign_in(site: SiteContext) -> None:
    add_user(site)
    UserRegistry(site).disable("alice", actor="admin")
    err = attempt(site, "alice", PASSWORD)
    assert "disabled" in err.message
    assert type(attempt(site, "alice", "wrong-password-1")) is AuthError
    assert [e["result"] for e in audit_rows(site, "login")] == ["refused", "failed"]


def test_old_hash_is_upgraded_on_sign_in(site: SiteContext) -> None:
    from argon2 import PasswordHasher

    add_user(site)
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    with site.sessions.begin() as s:
        user = s.scalar(select(User).where(User.username == "alice"))
        assert user is not None
        user.password_hash = weak
    UserRegistry(site).authenticate("alice", PASSWORD, ADDR)
    with site.sessions() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "alice"))
    assert stored != weak and stored is not None
    assert stored.split("$")[3] == hash_password("x").split("$")[3]  # today's parameters
