"""The people who use the system (A16(4)): add, list, disable, change password, role, rights.

Every change is registered in the audit log (A17.2(2)) with the actor who made it. The
last enabled administrator cannot be disabled or demoted, so someone can always manage
users from the web console (the CLI, run by the site's owner, can add one at any time).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vigil.access.passwords import check_policy, hash_password
from vigil.access.roles import ROLE_PERMISSIONS, CameraRights, Permission, Role
from vigil.access.roster import departed_accounts
from vigil.access.sessions import revoke_user_sessions
from vigil.access.signin import (
    AuthError,
    LockedError,
    RateLimitedError,
    authenticate,
    clear_locks,
)
from vigil.access.views import UserView, check_username, load_view
from vigil.audit.log import record
from vigil.context import SiteContext
from vigil.db.models import Camera, CameraRight, User
from vigil.errors import ConflictError, NotFoundError, ValidationError

__all__ = [
    "AuthError",
    "CameraRights",
    "LockedError",
    "RateLimitedError",
    "UserRegistry",
    "UserView",
]

MAX_DISPLAY_NAME_CHARS = 128


def _check_display_name(display_name: str) -> str:
    name = display_name.strip()
    if len(name) > MAX_DISPLAY_NAME_CHARS or any(not c.isprintable() for c in name):
        raise ValidationError(
            f"must be at most {MAX_DISPLAY_NAME_CHARS} printable characters",
            field="display_name",
        )
    return name


class UserRegistry:
    def __init__(self, ctx: SiteContext):
        self.ctx = ctx

    # -- reading -------------------------------------------------------------------------

    def list(self) -> list[UserView]:
        with self.ctx.sessions() as s:
            return [load_view(s, u) for u in s.scalars(select(User).order_by(User.username))]

    def departed(self) -> dict[int, str]:
        """user id -> last day on the roster, for accounts refused because the person left
        the monitoring-room roster (`vigil.access.roster`, A16(4))."""
        with self.ctx.sessions() as s:
            return departed_accounts(s, self.ctx)

    def get(self, username: str) -> UserView:
        with self.ctx.sessions() as s:
            return load_view(s, self._row(s, username))

    def get_by_id(self, user_id: int) -> UserView:
        with self.ctx.sessions() as s:
            user = s.get(User, user_id)
            if user is None:
                raise NotFoundError(f"no user with id {user_id}", field="user")
            return load_view(s, user)

    # -- changing ------------------------------------------------------------------------

    def add(
        self,
        username: str,
        password: str,
        role: Role | str,
        display_name: str = "",
        *,
        actor: str = "system",
    ) -> UserView:
        check_username(username)
        the_role = Role.parse(role)
        name = _check_display_name(display_name)
        check_policy(password, username)
        password_hash = hash_password(password)
        now = self.ctx.clock.now_us()
        with self.ctx.sessions.begin() as s:
            taken = s.scalar(
                select(User.username).where(func.lower(User.username) == username.lower())
            )
            if taken is not None:
                raise ConflictError(f"user {taken!r} exists", field="username")
            user = User(
                username=username,
                display_name=name,
                role=the_role.value,
                password_hash=password_hash,
                disabled=False,
                created_us=now,
                password_changed_us=now,
            )
            s.add(user)
            s.flush()
            view = load_view(s, user)
            self._audit(s, actor, "user_add", username, role=the_role.value, display_name=name)
        return view

    def disable(self, username: str, *, actor: str) -> UserView:
        """Refuse the user's sign-ins, sessions and tokens (kept, for the record)."""
        return self.change(username, disabled=True, actor=actor)

    def enable(self, username: str, *, actor: str) -> UserView:
        """Allow the user to sign in again; also lifts every lock-out of the account."""
        return self.change(username, disabled=False, actor=actor)

    def set_password(self, username: str, new_password: str, *, actor: str) -> UserView:
        """Change the password, lift lock-outs and sign out every web session of the user."""
        return self.change(username, password=new_password, actor=actor)

    def set_role(self, username: str, role: Role | str, *, actor: str) -> UserView:
        return self.change(username, role=role, actor=actor)

    def change(
        self,
        username: str,
        *,
        password: str | None = None,
        role: Role | str | None = None,
        disabled: bool | None = None,
        actor: str,
    ) -> UserView:
        """Apply several changes to one account in ONE transaction: all of them, each with
        its audit entry, or none (a refused role change leaves the password as it was)."""
        the_role = Role.parse(role) if role is not None else None
        password_hash = None
        if password is not None:
            check_policy(password, username)
            password_hash = hash_password(password)
        with self.ctx.sessions.begin() as s:
            user = self._row(s, username)
            if password_hash is not None:
                user.password_hash = password_hash
                user.password_changed_us = self.ctx.clock.now_us()
                lifted = clear_locks(s, user.id)
                revoked = revoke_user_sessions(s, user.id)
                self._audit(s, actor, "user_password", username, sessions_revoked=revoked,
                            locks_lifted=lifted)  # fmt: skip
            if the_role is not None:
                old = user.role
                if the_role is not Role.ADMINISTRATOR:
                    self._keep_an_administrator(s, user, "demote")
                user.role = the_role.value
                self._audit(s, actor, "user_role", username, old_role=old, role=the_role.value)
            if disabled is True:
                self._keep_an_administrator(s, user, "disable")
                user.disabled = True
                revoke_user_sessions(s, user.id)
                self._audit(s, actor, "user_disable", username)
            elif disabled is False:
                was_disabled = user.disabled
                user.disabled = False
                lifted = clear_locks(s, user.id)
                self._audit(s, actor, "user_enable", username, was_disabled=was_disabled,
                            locks_lifted=lifted)  # fmt: skip
            s.flush()
            view = load_view(s, user)
        return view

    def grant(
        self,
        username: str,
        camera_name: str,
        *,
        live: bool = True,
        playback: bool = False,
        export: bool = False,
        actor: str,
    ) -> UserView:
        """Set the user's rights on one camera (replacing any earlier grant for it)."""
        wanted = {Permission.VIEW_LIVE: live, Permission.PLAYBACK: playback,
                  Permission.EXPORT: export}  # fmt: skip
        if not any(wanted.values()):
            raise ValidationError(
                "grant at least one of live, playback, export (or revoke the camera)",
                field="rights",
            )
        with self.ctx.sessions.begin() as s:
            user = self._row(s, username)
            role = Role.parse(user.role)
            if role is Role.ADMINISTRATOR:
                raise ValidationError(
                    "administrators may use every camera; they need no camera rights",
                    field="username",
                )
            for perm, on in wanted.items():
                if on and perm not in ROLE_PERMISSIONS[role]:
                    flag = "live" if perm is Permission.VIEW_LIVE else perm.value
                    raise ValidationError(
                        f"a {role.value} ({role.label_zh}) may not {perm.label}", field=flag
                    )
            cam = s.scalar(select(Camera).where(Camera.name == camera_name))
            if cam is None or cam.state != "active":
                raise NotFoundError(f"no active camera named {camera_name!r}", field="camera")
            row = s.get(CameraRight, (user.id, cam.id))
            if row is None:
                row = CameraRight(user_id=user.id, camera_id=cam.id)
                s.add(row)
            row.live, row.playback, row.export = live, playback, export
            s.flush()
            view = load_view(s, user)
            cam_id = cam.id
            self._audit(s, actor, "right_grant", username, camera=(cam_id, camera_name),
                        live=live, playback=playback, export=export)  # fmt: skip
        return view

    def revoke_camera(self, username: str, camera_name: str, *, actor: str) -> UserView:
        """Remove every right the user holds on one camera."""
        with self.ctx.sessions.begin() as s:
            user = self._row(s, username)
            cam = s.scalar(select(Camera).where(Camera.name == camera_name))
            if cam is None:
                raise NotFoundError(f"no camera named {camera_name!r}", field="camera")
            row = s.get(CameraRight, (user.id, cam.id))
            if row is None:
                raise NotFoundError(
                    f"{username} holds no rights on camera {camera_name!r}", field="camera"
                )
            s.delete(row)
            s.flush()
            view = load_view(s, user)
            cam_id = cam.id
            self._audit(s, actor, "right_revoke", username, camera=(cam_id, camera_name))
        return view

    def authenticate(self, username: str, password: str, client_addr: str) -> UserView:
        """See `vigil.access.signin.authenticate`."""
        return authenticate(self.ctx, username, password, client_addr)

    # -- helpers -------------------------------------------------------------------------

    def _row(self, s: Session, username: str) -> User:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFoundError(f"no user named {username!r}", field="username")
        return user

    def _keep_an_administrator(self, s: Session, user: User, what: str) -> None:
        if user.role != Role.ADMINISTRATOR.value or user.disabled:
            return
        others = s.scalar(
            select(func.count())
            .select_from(User)
            .where(
                User.role == Role.ADMINISTRATOR.value,
                User.disabled.is_(False),
                User.id != user.id,
            )
        )
        if not others:
            raise ConflictError(
                f"cannot {what} {user.username}: the last enabled administrator; "
                "add or enable another administrator first",
                field="username",
            )

    def _audit(
        self,
        s: Session,
        actor: str,
        action: str,
        username: str,
        *,
        camera: tuple[int, str] | None = None,
        **detail: Any,
    ) -> None:
        role = ""
        if not actor.startswith(("cli:", "system")):
            role = s.scalar(select(User.role).where(User.username == actor)) or ""
        record(
            s,
            self.ctx,
            actor=actor[:64],
            actor_role=role,
            action=action,
            camera_id=camera[0] if camera else None,
            camera_name=camera[1] if camera else "",
            detail={"user": username, **detail},
        )
