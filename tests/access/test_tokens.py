"""API tokens: shown once, hashed at rest, scoped within the role, expiring, revocable."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from vigil.access.roles import CameraRights, Permission, Role, may
from vigil.access.tokens import DEFAULT_EXPIRES_DAYS, SCOPES, TokenStore, token_allows
from vigil.access.users import UserRegistry
from vigil.access.views import UserView
from vigil.clock import FakeClock
from vigil.context import SiteContext
from vigil.db.models import ApiToken
from vigil.errors import NotFoundError, ValidationError

from .helpers import add_camera, add_user, audit_rows

P = Permission


def test_create_validate_hashed_at_rest(site: SiteContext, clock: FakeClock) -> None:
    u = add_user(site)
    store = TokenStore(site)
    plain, view = store.create("alice", "backup", ["live", "read", "live"], actor="root")
    assert plain.startswith("vgl_") and len(plain) >= 47
    assert view.scopes == ("live", "read") and view.state == "active"
    # No lifetime given: the default one (a forgotten token ends by itself).
    assert view.expires_us == clock.now_us() + DEFAULT_EXPIRES_DAYS * 86_400_000_000
    assert view.last_used_us is None
    with site.sessions() as s:
        [row] = s.scalars(select(ApiToken)).all()
    assert row.token_sha256 == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in str(view.as_dict())
    found = store.validate(plain)
    assert found is not None
    user, scopes = found
    assert user == u and scopes == {"live", "read"}
    assert store.list()[0].last_used_us == clock.now_us()
    for bad in ("", "vgl_", plain[:-1], plain[4:], "vgl_" + "x" * 400):
        assert store.validate(bad) is None
    [entry] = audit_rows(site, "token_create")
    assert entry["actor"] == "root" and entry["detail"]["scopes"] == ["live", "read"]
    assert plain not in str(audit_rows(site))


def test_revoke(site: SiteContext) -> None:
    add_user(site)
    store = TokenStore(site)
    plain, view = store.create("alice", "ci", ["read"], actor="root")
    assert store.revoke(view.id, actor="root").state == "revoked"
    assert store.validate(plain) is None
    store.revoke(view.id, actor="root")  # again: no change, no second entry
    assert len(audit_rows(site, "token_revoke")) == 1
    with pytest.raises(NotFoundError) as err:
        store.revoke(42, actor="root")
    assert err.value.field == "id"


def test_expiry(site: SiteContext, clock: FakeClock) -> None:
    add_user(site)
    store = TokenStore(site)
    plain, view = store.create("alice", "ci", ["read"], expires_days=2, actor="root")
    assert view.expires_us == clock.now_us() + 2 * 86_400_000_000
    clock.advance(days=2, seconds=-1)
    assert store.validate(plain) is not None
    clock.advance(seconds=1)
    assert store.validate(plain) is None
    assert store.list("alice")[0].state == "expired"


def test_disabled_user_token_refused(site: SiteContext) -> None:
    add_user(site)
    store = TokenStore(site)
    plain, _ = store.create("alice", "ci", ["read"], actor="root")
    UserRegistry(site).disable("alice", actor="root")
    assert store.validate(plain) is None
    with pytest.raises(ValidationError) as err:
        store.create("alice", "ci2", ["read"], actor="root")
    assert err.value.field == "username"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scopes": ["read", "root"]}, "scopes"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["audit"]}, "scopes"),  # a monitor's role has nothing 'audit' grants
        ({"name": ""}, "name"),
        ({"name": "x" * 65}, "name"),
        ({"expires_days": 0}, "expires_days"),
        ({"username": "nobody"}, "username"),
    ],
)
def test_create_validation(site: SiteContext, kwargs: dict[str, object], field: str) -> None:
    add_user(site)
    args: dict[str, object] = {"username": "alice", "name": "ci", "scopes": ["read"], **kwargs}
    with pytest.raises((ValidationError, NotFoundError)) as err:
        TokenStore(site).create(**args, actor="root")  # type: ignore[arg-type]
    assert err.value.field == field


def test_scopes_map_to_permissions() -> None:
    admin = UserView(1, "root", "", Role.ADMINISTRATOR, False, 0, None, {})
    assert SCOPES == ("read", "live", "playback", "export", "audit", "records", "admin")
    expected = {
        "read": {P.VIEW_STATUS, P.VIEW_RECORDS},
        "live": {P.VIEW_LIVE},
        "playback": {P.PLAYBACK},
        "export": {P.EXPORT},
        "audit": {P.VIEW_AUDIT, P.VERIFY},
        "records": {P.KEEP_ROOM_LOG, P.KEEP_MAINTENANCE_LOG},
        "admin": {P.MANAGE_CAMERAS, P.MANAGE_USERS, P.MANAGE_SITE},
    }
    for scope, perms in expected.items():
        assert {p for p in Permission if token_allows(admin, [scope], p)} == perms
    assert not token_allows(admin, [], P.VIEW_STATUS)
    assert not token_allows(admin, ["bogus"], P.VIEW_STATUS)


def test_token_never_exceeds_the_role_or_camera_rights(site: SiteContext) -> None:
    cam = add_camera(site)
    other = add_camera(site, "gate")
    add_user(site, "maint", "maintainer")
    UserRegistry(site).grant("maint", "lobby", actor="root")
    store = TokenStore(site)
    plain, _ = store.create("maint", "ci", ["live", "admin"], actor="root")
    found = store.validate(plain)
    assert found is not None
    user, scopes = found

    def allowed(p: Permission, camera: int | None = None) -> bool:  # what the API checks
        return may(user, p, camera) and token_allows(user, scopes, p)

    assert allowed(P.VIEW_LIVE, cam) and not allowed(P.VIEW_LIVE, other)
    assert allowed(P.MANAGE_CAMERAS)
    assert not allowed(P.MANAGE_USERS), "'admin' scope, but a maintainer's role lacks it"
    assert not allowed(P.VIEW_STATUS), "the role has it, but no 'read' scope"
    UserRegistry(site).set_role("maint", "auditor", actor="root")
    found = store.validate(plain)
    assert found is not None and not token_allows(found[0], found[1], P.VIEW_LIVE)
    assert user.rights == {cam: CameraRights()}


def test_a_token_without_lifetime_ends_after_the_default(
    site: SiteContext, clock: FakeClock
) -> None:
    add_user(site)
    store = TokenStore(site)
    plain, _view = store.create("alice", "script", ["read"], actor="root")
    clock.advance(days=DEFAULT_EXPIRES_DAYS, seconds=-1)
    assert store.validate(plain) is not None
    clock.advance(seconds=1)
    assert store.validate(plain) is None
    assert [t.state for t in store.list("alice")] == ["expired"]
