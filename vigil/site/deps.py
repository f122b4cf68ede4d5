"""Who is asking, and may they: every API route depends on `requires(permission)`.

A caller is a browser session (HttpOnly cookie + CSRF header on every state change) or an
API token (`Authorization: Bearer vgl_…`, scoped). Nothing is served anonymously but the
sign-in route and the static shell of the console.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, WebSocket
from starlette.exceptions import HTTPException

from vigil.access.roles import Permission, may
from vigil.access.sessions import SessionStore
from vigil.access.tokens import TokenStore, token_allows
from vigil.access.users import UserView
from vigil.audit.log import record
from vigil.context import SiteContext

SESSION_COOKIE = "vigil_session"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Principal:
    user: UserView
    via: str  # "session" or "token"
    scopes: frozenset[str]
    client_addr: str

    def can(self, permission: Permission, camera_id: int | None = None) -> bool:
        if not may(self.user, permission, camera_id):
            return False
        return self.via == "session" or token_allows(self.user, self.scopes, permission)

    def require(self, permission: Permission, camera_id: int | None = None) -> None:
        if not self.can(permission, camera_id):
            what = permission.value if camera_id is None else f"{permission.value} on this camera"
            raise HTTPException(403, f"your account may not {what}")


def site(request: Request) -> SiteContext:
    ctx: SiteContext = request.app.state.ctx
    return ctx


def client_addr(request: Request) -> str:
    return request.client.host if request.client else ""


def authenticate(request: Request) -> Principal:
    ctx = site(request)
    addr = client_addr(request)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        info = SessionStore(ctx).validate(token)
        if info is not None:
            if (
                request.method not in _SAFE_METHODS
                and request.headers.get(CSRF_HEADER) != info.csrf_token
            ):
                raise HTTPException(403, f"missing or wrong {CSRF_HEADER} header")
            return Principal(info.user, "session", frozenset(), addr)
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        found = TokenStore(ctx).validate(auth[7:].strip())
        if found is not None:
            user, scopes = found
            return Principal(user, "token", scopes, addr)
    raise HTTPException(401, "sign in first", headers={"WWW-Authenticate": "Bearer"})


def requires(permission: Permission | None) -> Callable[[Request], Principal]:
    """A dependency: the caller, signed in and holding `permission` (None: any role)."""

    def dependency(request: Request) -> Principal:
        who = authenticate(request)
        if permission is not None:
            who.require(permission)
        return who

    dependency.__name__ = f"requires_{permission.value if permission else 'sign_in'}"
    return dependency


# Route parameters: `who: MayExport` makes a route require that permission.
SignedIn = Annotated[Principal, Depends(requires(None))]
ManagesCameras = Annotated[Principal, Depends(requires(Permission.MANAGE_CAMERAS))]
ManagesUsers = Annotated[Principal, Depends(requires(Permission.MANAGE_USERS))]
MayPlayBack = Annotated[Principal, Depends(requires(Permission.PLAYBACK))]
MayExport = Annotated[Principal, Depends(requires(Permission.EXPORT))]
ViewsAudit = Annotated[Principal, Depends(requires(Permission.VIEW_AUDIT))]
ViewsStatus = Annotated[Principal, Depends(requires(Permission.VIEW_STATUS))]
MayVerify = Annotated[Principal, Depends(requires(Permission.VERIFY))]
ViewsRecords = Annotated[Principal, Depends(requires(Permission.VIEW_RECORDS))]
ManagesSite = Annotated[Principal, Depends(requires(Permission.MANAGE_SITE))]
KeepsRoomLog = Annotated[Principal, Depends(requires(Permission.KEEP_ROOM_LOG))]
KeepsMaintenanceLog = Annotated[Principal, Depends(requires(Permission.KEEP_MAINTENANCE_LOG))]


def audit(request: Request, who: Principal, action: str, **fields: Any) -> None:
    """Register an act that changes nothing else (a viewing, a download, a report), before
    it is served: if the entry cannot be written this raises and nothing is served."""
    register(site(request), who, action, **fields)


def register(ctx: SiteContext, who: Principal, action: str, **fields: Any) -> None:
    with ctx.sessions.begin() as s:
        record(
            s,
            ctx,
            actor=who.user.username,
            actor_role=who.user.role.value,
            client_addr=who.client_addr,
            action=action,
            **fields,
        )


def authenticate_ws(websocket: WebSocket) -> Principal:
    """A WebSocket carries the session cookie; its Origin must be this site (no CSWSH)."""
    ctx: SiteContext = websocket.app.state.ctx
    origin = websocket.headers.get("origin")
    host = websocket.headers.get("host", "")
    if origin is not None and origin.split("://", 1)[-1] != host:
        raise HTTPException(403, "cross-site WebSocket refused")
    addr = websocket.client.host if websocket.client else ""
    token = websocket.cookies.get(SESSION_COOKIE)
    if token:
        info = SessionStore(ctx).validate(token)
        if info is not None:
            return Principal(info.user, "session", frozenset(), addr)
    auth = websocket.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        found = TokenStore(ctx).validate(auth[7:].strip())
        if found is not None:
            return Principal(found[0], "token", found[1], addr)
    raise HTTPException(401, "sign in first")


def audit_ws(websocket: WebSocket, who: Principal, action: str, **fields: Any) -> None:
    """As `audit`, for a WebSocket (live view)."""
    register(websocket.app.state.ctx, who, action, **fields)
