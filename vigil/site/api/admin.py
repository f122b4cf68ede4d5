"""Site administration over HTTP: users and their camera rights, status, verification."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from vigil.access.roles import Role
from vigil.access.users import UserRegistry, UserView
from vigil.audit.site_verify import verify_site as verify
from vigil.health.status import status as site_status
from vigil.site.api.auth import user_json
from vigil.site.deps import ManagesUsers, MayVerify, ViewsStatus, site

router = APIRouter(tags=["admin"])


class NewUser(BaseModel):
    username: str
    password: str
    role: Role
    display_name: str = ""


class UserChange(BaseModel):
    disabled: bool | None = None
    role: Role | None = None
    password: str | None = None


class Rights(BaseModel):
    live: bool = True
    playback: bool = False
    export: bool = False


def _user(u: UserView, departed: dict[int, str]) -> dict[str, Any]:
    return {
        **user_json(u),
        "disabled": u.disabled,
        "created_us": u.created_us,
        "locked_until_us": u.locked_until_us,
        # set when the account is refused because its person left the roster (A16(4))
        "left_roster_on": departed.get(u.id),
    }


@router.get("/users")
def list_users(request: Request, who: ManagesUsers) -> list[dict[str, Any]]:
    registry = UserRegistry(site(request))
    departed = registry.departed()
    return [_user(u, departed) for u in registry.list()]


@router.post("/users", status_code=201)
def add_user(body: NewUser, request: Request, who: ManagesUsers) -> dict[str, Any]:
    reg = UserRegistry(site(request))
    added = reg.add(
        body.username, body.password, body.role, body.display_name, actor=who.user.username
    )
    return _user(added, reg.departed())


@router.patch("/users/{username}")
def change_user(
    username: str, body: UserChange, request: Request, who: ManagesUsers
) -> dict[str, Any]:
    reg = UserRegistry(site(request))
    # one transaction: a refused part (the last administrator's demotion) leaves the
    # password, the sessions and everything else as they were
    changed = reg.change(username, password=body.password, role=body.role,
                         disabled=body.disabled, actor=who.user.username)  # fmt: skip
    return _user(changed, reg.departed())


@router.put("/users/{username}/cameras/{camera}")
def grant(
    username: str, camera: str, body: Rights, request: Request, who: ManagesUsers
) -> dict[str, Any]:
    reg = UserRegistry(site(request))
    reg.grant(
        username,
        camera,
        live=body.live,
        playback=body.playback,
        export=body.export,
        actor=who.user.username,
    )
    return _user(reg.get(username), reg.departed())


@router.delete("/users/{username}/cameras/{camera}")
def revoke(username: str, camera: str, request: Request, who: ManagesUsers) -> dict[str, Any]:
    reg = UserRegistry(site(request))
    reg.revoke_camera(username, camera, actor=who.user.username)
    return _user(reg.get(username), reg.departed())


@router.get("/status")
def status(request: Request, who: ViewsStatus) -> dict[str, Any]:
    return site_status(site(request))


@router.post("/verify")
def run_verify(request: Request, who: MayVerify) -> dict[str, Any]:
    report = verify(site(request))
    return {**report.as_dict(), "problems": [asdict(p) for p in report.problems]}
