"""Web sessions: hashed at rest, idle and absolute expiry on the fake clock, revocation."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from vigil.access.sessions import ABSOLUTE_LIFETIME_US, IDLE_TIMEOUT_US, SessionStore
from vigil.access.signin import AuthError
from vigil.access.users import UserRegistry
from vigil.clock import US_PER_S, FakeClock
from vigil.context import SiteContext
from vigil.db.models import WebSession
from vigil.errors import NotFoundError

from .helpers import add_user, audit_rows

IDLE_S = IDLE_TIMEOUT_US / US_PER_S


def test_constants() -> None:
    assert IDLE_TIMEOUT_US == 30 * 60 * US_PER_S
    assert ABSOLUTE_LIFETIME_US == 12 * 3600 * US_PER_S


def test_create_validate_and_only_the_hash_is_stored(site: SiteContext, clock: FakeClock) -> None:
    u = add_user(site)
    store = SessionStore(site)
    token, csrf = store.create(u.id, "10.0.0.5")
    assert len(token) >= 43 and len(csrf) >= 43 and token != csrf
    info = store.validate(token)
    assert info is not None and info.user == u and info.csrf_token == csrf
    assert info.expires_us == clock.now_us() + IDLE_TIMEOUT_US
    with site.sessions() as s:
        [row] = s.scalars(select(WebSession)).all()
    assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (row.token_sha256, row.csrf_token)
    assert store.validate("not-a-token") is None and store.validate("") is None
    assert store.validate(token + "x") is None


def test_idle_timeout(site: SiteContext, clock: FakeClock) -> None:
    store = SessionStore(site)
    token, _ = store.create(add_user(site).id, "")
    clock.advance(seconds=IDLE_S - 1)
    assert store.validate(token) is not None  # use keeps it alive
    clock.advance(seconds=IDLE_S - 1)
    assert store.validate(token) is not None
    clock.advance(seconds=IDLE_S)
    assert store.validate(token) is None


def test_last_seen_is_written_at_most_once_a_minute(site: SiteContext, clock: FakeClock) -> None:
    store = SessionStore(site)
    token, _ = store.create(add_user(site).id, "")
    start = clock.now_us()

    def last_seen() -> int:
        with site.sessions() as s:
            return int(s.scalars(select(WebSession.last_seen_us)).one())

    clock.advance(seconds=30)
    store.validate(token)
    assert last_seen() == start
    clock.advance(seconds=30)
    store.validate(token)
    assert last_seen() == clock.now_us()


def test_absolute_lifetime(site: SiteContext, clock: FakeClock) -> None:
    store = SessionStore(site)
    token, _ = store.create(add_user(site).id, "")
    for _ in range(int(ABSOLUTE_LIFETIME_US / IDLE_TIMEOUT_US) * 2 - 1):  # busy all day
        clock.advance(seconds=IDLE_S / 2)
        assert store.validate(token) is not None
    info = store.validate(token)
    assert info is not None and info.expires_us == info.created_us + ABSOLUTE_LIFETIME_US
    clock.advance(seconds=IDLE_S / 2)
    assert store.validate(token) is None


def test_revoke_and_revoke_all(site: SiteContext) -> None:
    u = add_user(site)
    other = add_user(site, "bob")
    store = SessionStore(site)
    t1, _ = store.create(u.id, "10.0.0.5")
    t2, _ = store.create(u.id, "10.0.0.6")
    t3, _ = store.create(other.id, "10.0.0.7")
    assert store.revoke(t1) and not store.revoke(t1)
    assert store.validate(t1) is None and store.validate(t2) is not None
    [logout] = audit_rows(site, "logout")
    assert (logout["actor"], logout["client_addr"]) == ("alice", "10.0.0.5")
    assert store.active(u.id) == 1
    assert store.revoke_all(u.id) == 1
    assert store.validate(t2) is None and store.validate(t3) is not None


def test_disabled_user_sessions_are_refused(site: SiteContext) -> None:
    u = add_user(site)
    store = SessionStore(site)
    token, _ = store.create(u.id, "")
    UserRegistry(site).disable("alice", actor="admin")
    assert store.validate(token) is None
    with pytest.raises(AuthError, match="disabled"):
        store.create(u.id, "")
    with pytest.raises(NotFoundError):
        store.create(999, "")


def test_session_sees_role_and_rights_changes(site: SiteContext) -> None:
    u = add_user(site)
    store = SessionStore(site)
    token, _ = store.create(u.id, "")
    UserRegistry(site).set_role("alice", "auditor", actor="admin")
    info = store.validate(token)
    assert info is not None and info.user.role.value == "auditor"
