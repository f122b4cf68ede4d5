"""Who may do what (A16(4)): four roles, eight permissions, and per-camera video rights.

Only monitoring, management and maintenance staff use the system; auditors read the
registered acts (A17.2(2)). The three video permissions (live, playback, export) of
monitors and maintainers are further limited per camera by `camera_rights` rows;
administrators need no rows. Everything here is pure: the caller passes a `Principal`
(a `UserView`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from vigil.errors import ValidationError, VigilError

#: The article that limits who may use the system.
ACCESS_ARTICLE = "A16(4)"


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    MONITOR = "monitor"
    MAINTAINER = "maintainer"
    AUDITOR = "auditor"

    @property
    def label_zh(self) -> str:
        return _ROLE_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _ROLE_LABELS[self][1]

    @classmethod
    def parse(cls, text: str | Role, *, field: str = "role") -> Role:
        """A role from its name ('monitor') or its Chinese label ('监看')."""
        if isinstance(text, Role):
            return text
        wanted = text.strip()
        for role in cls:
            if wanted.lower() == role.value or wanted == role.label_zh:
                return role
        choices = ", ".join(f"{r.value} ({r.label_zh})" for r in cls)
        raise ValidationError(f"unknown role {text!r}; choose one of {choices}", field=field)


_ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.ADMINISTRATOR: ("管理", "administrator"),
    Role.MONITOR: ("监看", "monitor"),
    Role.MAINTAINER: ("维护", "maintainer"),
    Role.AUDITOR: ("审计", "auditor"),
}


class Permission(StrEnum):
    VIEW_LIVE = "view_live"
    PLAYBACK = "playback"
    EXPORT = "export"
    VIEW_STATUS = "view_status"
    MANAGE_CAMERAS = "manage_cameras"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    VERIFY = "verify"
    VIEW_RECORDS = "view_records"
    MANAGE_SITE = "manage_site"
    KEEP_ROOM_LOG = "keep_room_log"
    KEEP_MAINTENANCE_LOG = "keep_maintenance_log"

    @property
    def label(self) -> str:
        """What the permission lets a person do, as a verb phrase."""
        return _PERMISSION_LABELS[self]


_PERMISSION_LABELS: dict[Permission, str] = {
    Permission.VIEW_LIVE: "view live video",
    Permission.PLAYBACK: "play back recordings",
    Permission.EXPORT: "export recordings",
    Permission.VIEW_STATUS: "view the system status",
    Permission.MANAGE_CAMERAS: "manage cameras",
    Permission.MANAGE_USERS: "manage users",
    Permission.VIEW_AUDIT: "read the audit log",
    Permission.VERIFY: "verify integrity",
    Permission.VIEW_RECORDS: "read the unit's records and the self-check report",
    Permission.MANAGE_SITE: "edit the site profile, camera siting, staff and contracts",
    Permission.KEEP_ROOM_LOG: "write the monitoring-room log and shift handovers",
    Permission.KEEP_MAINTENANCE_LOG: "write the maintenance and fault log",
}

#: The permissions limited per camera by `camera_rights` (for every role but administrator).
VIDEO_PERMISSIONS: frozenset[Permission] = frozenset(
    {Permission.VIEW_LIVE, Permission.PLAYBACK, Permission.EXPORT}
)

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset(Permission),
    Role.MONITOR: frozenset(
        {
            Permission.VIEW_LIVE,
            Permission.PLAYBACK,
            Permission.EXPORT,
            Permission.VIEW_STATUS,
            Permission.VIEW_RECORDS,
            Permission.KEEP_ROOM_LOG,
        }
    ),
    Role.MAINTAINER: frozenset(
        {
            Permission.VIEW_LIVE,
            Permission.VIEW_STATUS,
            Permission.MANAGE_CAMERAS,
            Permission.VIEW_RECORDS,
            Permission.KEEP_ROOM_LOG,
            Permission.KEEP_MAINTENANCE_LOG,
        }
    ),
    Role.AUDITOR: frozenset(
        {Permission.VIEW_AUDIT, Permission.VIEW_STATUS, Permission.VERIFY, Permission.VIEW_RECORDS}
    ),
}


@dataclass(frozen=True)
class CameraRights:
    """What a monitor or maintainer may do with one camera."""

    live: bool = True
    playback: bool = False
    export: bool = False

    def allows(self, permission: Permission) -> bool:
        return {
            Permission.VIEW_LIVE: self.live,
            Permission.PLAYBACK: self.playback,
            Permission.EXPORT: self.export,
        }.get(permission, False)


class Principal(Protocol):
    """What a check needs to know of a user (`access.views.UserView` is one)."""

    @property
    def username(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def disabled(self) -> bool: ...
    @property
    def rights(self) -> Mapping[int, CameraRights]: ...


class Forbidden(VigilError):
    """The signed-in person's role or camera rights do not allow the act."""

    code = "forbidden"


def may(user: Principal, permission: Permission, camera_id: int | None = None) -> bool:
    """Whether `user` may exercise `permission` (on `camera_id`, for video permissions).

    For a video permission without `camera_id` the answer is whether the user holds it on
    at least one camera (administrators: always). Disabled users may do nothing.
    """
    if user.disabled or permission not in ROLE_PERMISSIONS[user.role]:
        return False
    if permission not in VIDEO_PERMISSIONS or user.role is Role.ADMINISTRATOR:
        return True
    if camera_id is None:
        return any(r.allows(permission) for r in user.rights.values())
    rights = user.rights.get(camera_id)
    return rights is not None and rights.allows(permission)


def require(user: Principal, permission: Permission, camera_id: int | None = None) -> None:
    """Raise `Forbidden` unless `may(user, permission, camera_id)`."""
    if may(user, permission, camera_id):
        return
    who = f"{user.username} ({user.role.value} {user.role.label_zh})"
    if user.disabled:
        why = "the account is disabled"
    elif permission not in ROLE_PERMISSIONS[user.role]:
        why = f"the {user.role.value} role does not include it"
    elif camera_id is None:
        why = "no camera right grants it; an administrator can grant one"
    else:
        why = "no camera right grants it for this camera; an administrator can grant one"
    where = "" if camera_id is None else f" on camera {camera_id}"
    raise Forbidden(f"{who} may not {permission.label}{where}: {why}", article=ACCESS_ARTICLE)
