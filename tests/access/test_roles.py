"""The role → permission matrix (A16(4)) and per-camera video rights."""

from __future__ import annotations

import pytest

from vigil.access.roles import (
    ROLE_PERMISSIONS,
    VIDEO_PERMISSIONS,
    CameraRights,
    Forbidden,
    Permission,
    Role,
    may,
    require,
)
from vigil.access.views import UserView
from vigil.errors import ValidationError

P = Permission


def user(
    role: Role, rights: dict[int, CameraRights] | None = None, *, disabled: bool = False
) -> UserView:
    return UserView(1, "u1", "", role, disabled, 0, None, rights or {})


MATRIX = {
    Role.ADMINISTRATOR: set(Permission),
    Role.MONITOR: {
        P.VIEW_LIVE,
        P.PLAYBACK,
        P.EXPORT,
        P.VIEW_STATUS,
        P.VIEW_RECORDS,
        P.KEEP_ROOM_LOG,
    },
    Role.MAINTAINER: {
        P.VIEW_LIVE,
        P.VIEW_STATUS,
        P.MANAGE_CAMERAS,
        P.VIEW_RECORDS,
        P.KEEP_ROOM_LOG,
        P.KEEP_MAINTENANCE_LOG,
    },
    Role.AUDITOR: {P.VIEW_AUDIT, P.VIEW_STATUS, P.VERIFY, P.VIEW_RECORDS},
}


def test_matrix_is_as_specified() -> None:
    assert {r: set(p) for r, p in ROLE_PERMISSIONS.items()} == MATRIX
    assert {P.VIEW_LIVE, P.PLAYBACK, P.EXPORT} == VIDEO_PERMISSIONS


def test_labels_and_parse() -> None:
    assert [(r.value, r.label_zh) for r in Role] == [
        ("administrator", "管理"), ("monitor", "监看"), ("maintainer", "维护"), ("auditor", "审计"),
    ]  # fmt: skip
    assert Role.parse("监看") is Role.MONITOR
    assert Role.parse(" Auditor ") is Role.AUDITOR
    assert Role.MAINTAINER.label_en == "maintainer"
    with pytest.raises(ValidationError) as err:
        Role.parse("root")
    assert err.value.field == "role" and "监看" in err.value.message


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("perm", [p for p in Permission if p not in VIDEO_PERMISSIONS])
def test_non_video_permissions_follow_the_role(role: Role, perm: Permission) -> None:
    assert may(user(role), perm) == (perm in MATRIX[role])
    assert may(user(role), perm, camera_id=7) == (perm in MATRIX[role])


def test_administrator_needs_no_camera_rights() -> None:
    admin = user(Role.ADMINISTRATOR)
    for perm in VIDEO_PERMISSIONS:
        assert may(admin, perm, 1) and may(admin, perm)


def test_monitor_video_is_limited_per_camera() -> None:
    m = user(Role.MONITOR, {1: CameraRights(live=True), 2: CameraRights(True, True, True)})
    assert may(m, P.VIEW_LIVE, 1) and not may(m, P.PLAYBACK, 1) and not may(m, P.EXPORT, 1)
    assert may(m, P.PLAYBACK, 2) and may(m, P.EXPORT, 2)
    assert not may(m, P.VIEW_LIVE, 3)
    assert may(m, P.EXPORT)  # on at least one camera
    assert not may(user(Role.MONITOR), P.VIEW_LIVE)  # no rights at all


def test_maintainer_rights_never_exceed_the_role() -> None:
    mt = user(Role.MAINTAINER, {1: CameraRights(True, True, True)})
    assert may(mt, P.VIEW_LIVE, 1)
    assert not may(mt, P.PLAYBACK, 1) and not may(mt, P.EXPORT, 1)
    assert may(mt, P.MANAGE_CAMERAS)


def test_auditor_sees_no_video_even_with_a_stray_row() -> None:
    a = user(Role.AUDITOR, {1: CameraRights(True, True, True)})
    assert not any(may(a, p, 1) for p in VIDEO_PERMISSIONS)


def test_disabled_user_may_do_nothing() -> None:
    off = user(Role.ADMINISTRATOR, disabled=True)
    assert not any(may(off, p) for p in Permission)
    with pytest.raises(Forbidden, match="disabled"):
        require(off, P.VIEW_STATUS)


def test_require_explains_the_refusal() -> None:
    require(user(Role.AUDITOR), P.VIEW_AUDIT)
    with pytest.raises(Forbidden) as err:
        require(user(Role.AUDITOR), P.EXPORT, 4)
    assert err.value.code == "forbidden" and err.value.article == "A16(4)"
    assert "export recordings on camera 4" in err.value.message
    assert "auditor role does not include it" in err.value.message
    with pytest.raises(Forbidden, match="no camera right grants it for this camera"):
        require(user(Role.MONITOR, {1: CameraRights()}), P.PLAYBACK, 1)
