"""What may be shown about a user: never the password hash.

`UserView` is what every check (`roles.may`) and every caller works with; it is built
from the `users` row and the user's `camera_rights` rows in one place, `load_view`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vigil.access.roles import CameraRights, Role
from vigil.db.models import CameraRight, LoginLock, User
from vigil.errors import ValidationError

_USERNAME = re.compile(r"^[A-Za-z0-9._-]{3,64}$")


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    display_name: str
    role: Role
    disabled: bool
    created_us: int
    locked_until_us: int | None  # the latest lock-out from any one client address
    rights: dict[int, CameraRights] = field(default_factory=dict)

    def locked(self, now_us: int) -> bool:
        return self.locked_until_us is not None and now_us < self.locked_until_us

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: role as its name, rights keyed by camera id (as a string)."""
        data = asdict(self)
        data["role"] = self.role.value
        data["rights"] = {str(cam): asdict(r) for cam, r in sorted(self.rights.items())}
        return data


def check_username(username: str, *, field: str = "username") -> str:
    if not _USERNAME.match(username):
        raise ValidationError(
            f"must be 3-64 characters of letters, digits, '.', '_', '-' (got {username!r})",
            field=field,
        )
    return username


def load_view(session: Session, user: User) -> UserView:
    rows = session.scalars(select(CameraRight).where(CameraRight.user_id == user.id))
    rights = {r.camera_id: CameraRights(r.live, r.playback, r.export) for r in rows}
    # The latest lock-out of the account from any one client address (they are per address)
    locked_until = session.scalar(
        select(func.max(LoginLock.locked_until_us)).where(LoginLock.user_id == user.id)
    )
    return UserView(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role.parse(user.role),
        disabled=user.disabled,
        created_us=user.created_us,
        locked_until_us=locked_until,
        rights=rights,
    )
