"""The user register: validation, changes, camera rights, and the audit of each change."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from vigil.access.roles import CameraRights, Permission, Role, may
from vigil.access.sessions import SessionStore
from vigil.access.users import UserRegistry
from vigil.cameras import CameraRegistry
from vigil.context import SiteContext
from vigil.db.models import CameraRight
from vigil.errors import ConflictError, NotFoundError, ValidationError, VigilError

from .helpers import PASSWORD, add_camera, add_user, audit_rows


@pytest.fixture
def reg(site: SiteContext) -> UserRegistry:
    return UserRegistry(site)


def test_add_get_list_and_view_has_no_hash(site: SiteContext, reg: UserRegistry) -> None:
    u = reg.add("alice", PASSWORD, "监看", "Alice Li", actor="cli:root")
    assert (u.username, u.role, u.display_name, u.disabled) == ("alice", Role.MONITOR,
                                                                "Alice Li", False)  # fmt: skip
    assert u.created_us == site.clock.now_us() and u.rights == {}
    assert reg.get("alice") == u == reg.get_by_id(u.id)
    add_user(site, "bob", "auditor")
    assert [x.username for x in reg.list()] == ["alice", "bob"]
    assert "hash" not in str(u.as_dict()) and PASSWORD not in repr(u)
    [entry] = audit_rows(site, "user_add")[:1]
    assert entry["actor"] == "cli:root" and entry["result"] == "ok"
    assert entry["detail"] == {"user": "alice", "role": "monitor", "display_name": "Alice Li"}
    assert PASSWORD not in str(audit_rows(site))


@pytest.mark.parametrize(
    ("username", "password", "role", "field"),
    [
        ("al", PASSWORD, "monitor", "username"),
        ("a" * 65, PASSWORD, "monitor", "username"),
        ("al ice", PASSWORD, "monitor", "username"),
        ("alice:x", PASSWORD, "monitor", "username"),
        ("alice", PASSWORD, "root", "role"),
        ("alice", "short", "monitor", "password"),
        ("alice", "alice", "monitor", "password"),
        ("alice", "12345678901", "monitor", "password"),
    ],
)
def test_add_validation_names_the_field(
    reg: UserRegistry, username: str, password: str, role: str, field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        reg.add(username, password, role)
    assert err.value.field == field
    assert reg.list() == []


def test_bad_display_name(reg: UserRegistry) -> None:
    with pytest.raises(ValidationError) as err:
        reg.add("alice", PASSWORD, "monitor", "x\x00y")
    assert err.value.field == "display_name"


def test_duplicate_username_even_in_other_case(reg: UserRegistry) -> None:
    reg.add("alice", PASSWORD, "monitor")
    with pytest.raises(ConflictError) as err:
        reg.add("Alice", PASSWORD, "monitor")
    assert err.value.field == "username"


def test_unknown_user_is_named(reg: UserRegistry) -> None:
    with pytest.raises(NotFoundError) as err:
        reg.disable("nobody", actor="x")
    assert err.value.field == "username"
    with pytest.raises(NotFoundError):
        reg.get_by_id(99)


def test_disable_enable_and_password_change_end_sessions(
    site: SiteContext, reg: UserRegistry
) -> None:
    u = add_user(site)
    store = SessionStore(site)
    t1, _ = store.create(u.id, "10.0.0.5")
    assert reg.disable("alice", actor="admin").disabled
    assert store.validate(t1) is None
    assert not reg.enable("alice", actor="admin").disabled
    assert store.validate(t1) is None, "a disabled user's sessions stay ended"
    t2, _ = store.create(u.id, "10.0.0.5")
    assert store.validate(t2) is not None
    reg.set_password("alice", "another-pass-9", actor="admin")
    assert store.validate(t2) is None
    assert reg.authenticate("alice", "another-pass-9", "10.0.0.5").username == "alice"
    with pytest.raises(ValidationError) as err:
        reg.set_password("alice", "short", actor="admin")
    assert err.value.field == "password"
    actions = [e["action"] for e in audit_rows(site)]
    assert [a for a in actions if a != "logout"] == [
        "user_add",
        "user_disable",
        "user_enable",
        "user_password",
        "login",
    ]
    assert audit_rows(site, "user_password")[0]["detail"]["sessions_revoked"] == 1


def test_set_role_and_the_last_administrator(site: SiteContext, reg: UserRegistry) -> None:
    add_user(site, "root", "administrator")
    add_user(site, "alice")
    assert reg.set_role("alice", "maintainer", actor="root").role is Role.MAINTAINER
    with pytest.raises(ConflictError, match="last enabled administrator"):
        reg.disable("root", actor="x")
    with pytest.raises(ConflictError, match="last enabled administrator"):
        reg.set_role("root", "monitor", actor="x")
    reg.set_role("alice", Role.ADMINISTRATOR, actor="root")
    reg.disable("root", actor="alice")
    entry = audit_rows(site, "user_role")[0]
    assert entry["actor"] == "root" and entry["actor_role"] == "administrator"
    assert entry["detail"] == {"user": "alice", "old_role": "monitor", "role": "maintainer"}
    assert audit_rows(site, "user_disable")[0]["actor_role"] == "administrator"


def test_grant_and_revoke_camera_rights(site: SiteContext, reg: UserRegistry) -> None:
    lobby, gate = add_camera(site, "lobby"), add_camera(site, "gate")
    add_user(site)
    u = reg.grant("alice", "lobby", actor="root")
    assert u.rights == {lobby: CameraRights(live=True, playback=False, export=False)}
    assert may(u, Permission.VIEW_LIVE, lobby) and not may(u, Permission.VIEW_LIVE, gate)
    u = reg.grant("alice", "lobby", live=False, playback=True, export=True, actor="root")
    assert u.rights[lobby] == CameraRights(False, True, True)
    assert not may(u, Permission.VIEW_LIVE, lobby) and may(u, Permission.EXPORT, lobby)
    u = reg.revoke_camera("alice", "lobby", actor="root")
    assert u.rights == {} and not may(u, Permission.EXPORT, lobby)
    with pytest.raises(NotFoundError, match="holds no rights"):
        reg.revoke_camera("alice", "lobby", actor="root")
    grant = audit_rows(site, "right_grant")
    assert grant[1]["camera_id"] == lobby and grant[1]["camera_name"] == "lobby"
    assert grant[1]["detail"] == {"user": "alice", "live": False, "playback": True,
                                  "export": True}  # fmt: skip
    assert audit_rows(site, "right_revoke")[0]["camera_name"] == "lobby"


def test_grant_refusals_name_the_field(site: SiteContext, reg: UserRegistry) -> None:
    add_camera(site, "lobby")
    add_user(site, "root", "administrator")
    add_user(site, "maint", "maintainer")
    add_user(site, "aud", "auditor")
    cases: list[tuple[Callable[[], object], type[VigilError], str]] = [
        (lambda: reg.grant("root", "lobby", actor="x"), ValidationError, "username"),
        (
            lambda: reg.grant("maint", "lobby", playback=True, actor="x"),
            ValidationError,
            "playback",
        ),
        (lambda: reg.grant("maint", "lobby", live=False, actor="x"), ValidationError, "rights"),
        (lambda: reg.grant("aud", "lobby", actor="x"), ValidationError, "live"),
        (lambda: reg.grant("maint", "nope", actor="x"), NotFoundError, "camera"),
    ]
    for call, exc, field in cases:
        with pytest.raises(exc) as err:
            call()
        assert err.value.field == field
    assert reg.grant("maint", "lobby", actor="x").rights  # live only: allowed
    CameraRegistry(site).remove("lobby")
    with pytest.raises(NotFoundError, match="no active camera"):
        reg.grant("maint", "lobby", actor="x")
    reg.revoke_camera("maint", "lobby", actor="x")  # a removed camera's rights can be revoked
    with site.sessions() as s:
        assert s.scalars(select(CameraRight)).all() == []


def test_a_refused_part_of_a_change_leaves_every_part_undone(site: SiteContext) -> None:
    """One PATCH of the last administrator: new password + demotion. The demotion is
    refused, so the password, her sessions and the register stay as they were."""
    reg = UserRegistry(site)
    root = reg.add("root", PASSWORD, "administrator", actor="cli:owner")
    token, _ = SessionStore(site).create(root.id, "127.0.0.1")
    entries = len(audit_rows(site))
    with pytest.raises(ConflictError):
        reg.change("root", password="brand-new-pass-9", role="monitor", actor="root")
    assert reg.authenticate("root", PASSWORD, "127.0.0.1").username == "root"
    assert SessionStore(site).validate(token) is not None
    assert [e["action"] for e in audit_rows(site)[entries:]] == ["login"]
