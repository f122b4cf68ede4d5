"""Sign-in and sign-out: server-side sessions in an HttpOnly, SameSite=Strict cookie."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from vigil.access.roles import ROLE_PERMISSIONS
from vigil.access.sessions import SessionStore
from vigil.access.users import UserRegistry, UserView
from vigil.site.deps import SESSION_COOKIE, SignedIn, client_addr, site

router = APIRouter(prefix="/auth", tags=["auth"])


class Login(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


def user_json(user: UserView) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role.value,
        "permissions": sorted(p.value for p in ROLE_PERMISSIONS[user.role]),
        "rights": {
            str(cam): {"live": r.live, "playback": r.playback, "export": r.export}
            for cam, r in user.rights.items()
        },
    }


@router.post("/login")
def login(body: Login, request: Request, response: Response) -> dict[str, Any]:
    """Sign in; the session cookie is HttpOnly and SameSite=Strict."""
    ctx = site(request)
    addr = client_addr(request)
    user = UserRegistry(ctx).authenticate(body.username, body.password, addr)
    token, csrf = SessionStore(ctx).create(user.id, addr)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return {"user": user_json(user), "csrf_token": csrf}


@router.post("/logout")
def logout(request: Request, response: Response, who: SignedIn) -> dict[str, bool]:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        SessionStore(site(request)).revoke(token)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return {"ok": True}


@router.get("/me")
def me(request: Request, who: SignedIn) -> dict[str, Any]:
    info = None
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        info = SessionStore(site(request)).validate(token)
    return {"user": user_json(who.user), "csrf_token": info.csrf_token if info else None}
