"""The bureau's web app: its console (/), its API (/api/v1) and the link (/link/v1).

Every /api/v1 route needs a signed-in session (cookie `vigil_bureau_session`, and the
header X-CSRF-Token on a change) and a role the route allows (`ALLOWED`); the link's routes
are authenticated by signature instead: a join request by its one-time token and the key it
presents, every other message by the sender's pinned key (vigil.link).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy import func, select

import vigil.bureau.seals  # noqa: F401  (registers the bureau's message handlers)
from vigil import __version__
from vigil.bureau.accounts import (
    BureauRole,
    SignInError,
    StaffView,
    session_user,
    sign_in,
    sign_out,
)
from vigil.bureau.context import BureauContext
from vigil.bureau.db.models import Bureau, HeldSeal, SiteCheck, Unit
from vigil.bureau.divisions import prefix, within
from vigil.bureau.enrol import EnrolmentRefused, accept_join
from vigil.bureau.link import BureauSide
from vigil.bureau.web import dashboard_api, filings_api, planning_api, privacy_reports_api
from vigil.errors import ValidationError, VigilError
from vigil.link import inbox
from vigil.link.errors import LinkRefused

STATIC_DIR = Path(__file__).parent / "static"
COOKIE = "vigil_bureau_session"
#: Largest link message accepted (a seal is a few kB; a filing's attachments go elsewhere).
MAX_LINK_BYTES = 4 << 20

ALL_STAFF = frozenset(BureauRole)
#: Which roles may use which route (tests/bureau/test_app.py walks this matrix).
ALLOWED: dict[str, frozenset[BureauRole]] = {
    "GET /api/v1/me": ALL_STAFF,
    "GET /api/v1/units": ALL_STAFF,
    **filings_api.ALLOWED,  # the register of filings, review, checks (vigil.bureau.filings)
    **privacy_reports_api.ALLOWED,  # units' reports of a found camera (N8.2)
    **dashboard_api.ALLOWED,  # dashboard, overdue lists, self-check reports (A4, A13.2, N14)
    **planning_api.ALLOWED,  # the register of planned systems (A6, N6)
}


class Problem(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        self.status, self.body = status, {"code": code, "message": message, **extra}


def _staff(route: str) -> Callable[[Request], StaffView]:
    roles = ALLOWED[route]

    def dependency(request: Request) -> StaffView:
        ctx: BureauContext = request.app.state.ctx
        token = request.cookies.get(COOKIE, "")
        found = session_user(ctx, token) if token else None
        if found is None:
            raise Problem(401, "unauthenticated", "sign in first")
        who, csrf = found
        if request.method not in ("GET", "HEAD") and request.headers.get("x-csrf-token") != csrf:
            raise Problem(403, "csrf", "missing or wrong X-CSRF-Token")
        if who.role not in roles:
            raise Problem(403, "forbidden", f"a {who.role.value} may not use {route}")
        return who

    return dependency


class Login(BaseModel):
    username: str
    password: str


async def _link_json(request: Request) -> Any:
    size = int(request.headers.get("content-length") or 0)
    if size > MAX_LINK_BYTES:
        raise Problem(413, "too_large", f"a link message is at most {MAX_LINK_BYTES} bytes")
    raw = await request.body()
    if len(raw) > MAX_LINK_BYTES:
        raise Problem(413, "too_large", f"a link message is at most {MAX_LINK_BYTES} bytes")
    try:
        return json.loads(raw)
    except ValueError:
        return None


def refusal_response(refusal: LinkRefused) -> JSONResponse:
    status = {"replayed": 409, "unknown_sender": 403, "forged": 403, "wrong_receiver": 421}
    return JSONResponse(
        {"code": "link_refused", "reason": refusal.reason, "message": refusal.message},
        status.get(refusal.reason, 400),
    )


def create_app(ctx: BureauContext) -> FastAPI:
    app = FastAPI(title="Vigil bureau API", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/v1/openapi.json")  # fmt: skip
    app.state.ctx = ctx

    @app.exception_handler(Problem)
    async def _problem(_request: Request, exc: Problem) -> JSONResponse:
        return JSONResponse(exc.body, exc.status)

    @app.exception_handler(VigilError)
    async def _vigil(_request: Request, exc: VigilError) -> JSONResponse:
        return JSONResponse(exc.as_dict(), 400)

    @app.middleware("http")
    async def _headers(request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        if request.url.path.startswith(("/api/", "/link/")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    api = APIRouter(prefix="/api/v1")

    @api.post("/auth/login")
    def login(body: Login, request: Request) -> Response:
        addr = request.client.host if request.client else ""
        try:
            token, csrf, who = sign_in(ctx, body.username, body.password, client_addr=addr)
        except SignInError as exc:
            raise Problem(401, "unauthenticated", exc.message) from None
        resp = JSONResponse({"username": who.username, "role": who.role.value,
                             "csrf_token": csrf})  # fmt: skip
        resp.set_cookie(COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")  # fmt: skip
        return resp

    @api.post("/auth/logout")
    def logout(request: Request, who: StaffView = Depends(_staff("GET /api/v1/me"))) -> Response:
        sign_out(ctx, request.cookies.get(COOKIE, ""), who)
        resp = JSONResponse({"ok": True})
        resp.delete_cookie(COOKIE)
        return resp

    @api.get("/me")
    def me(who: StaffView = Depends(_staff("GET /api/v1/me"))) -> dict[str, Any]:
        bureau = ctx.bureau()
        return {"username": who.username, "role": who.role.value, "role_zh": who.role.label_zh,
                "bureau": bureau.name, "division_code": bureau.division_code}  # fmt: skip

    @api.get("/units")
    def units(
        division: str | None = Query(None, min_length=6, max_length=6, pattern=r"^\d{6}$"),
        page: int | None = Query(None, ge=1, le=100_000),
        per_page: int = Query(50, ge=1, le=200),
        who: StaffView = Depends(_staff("GET /api/v1/units")),
    ) -> dict[str, Any]:
        """The units of this bureau's jurisdiction (its division and those under it), or of
        one division under it; `page` (from 1) bounds the list to `per_page` units by name,
        and the per-unit figures are read for those units only."""
        # One query, one index probe per unit for each figure (uq_held_seals_unit_seal,
        # ix_held_seals_unit_received, ix_site_checks_unit_checked): no scan of a year of
        # seals or of every check-site outcome (bench/bureau.py, docs/performance.md).
        held = select(HeldSeal).where(HeldSeal.unit_id == Unit.id).correlate(Unit)
        newest = held.with_only_columns(HeldSeal.sealed_us).order_by(HeldSeal.seal_id.desc())
        check = (select(SiteCheck).where(SiteCheck.unit_id == Unit.id).correlate(Unit)
                 .order_by(SiteCheck.checked_us.desc(), SiteCheck.id.desc()).limit(1))  # fmt: skip
        with ctx.sessions() as s:
            bureau = s.scalar(select(Bureau))
            assert bureau is not None
            if division is not None and not within(bureau.division_code, division):
                raise ValidationError(f"{division} is outside this bureau's jurisdiction "
                                      f"({bureau.division_code})", field="division",
                                      article="A4")  # fmt: skip
            in_scope = Unit.division_code.like(prefix(division or bureau.division_code) + "%")
            total = s.scalar(select(func.count()).select_from(Unit).where(in_scope))
            listed = select(Unit.id).where(in_scope).order_by(Unit.name)
            if page is not None:
                listed = listed.limit(per_page).offset((page - 1) * per_page)
            rows = s.execute(
                select(
                    Unit,
                    held.with_only_columns(func.count()).scalar_subquery(),
                    newest.limit(1).scalar_subquery(),
                    check.with_only_columns(SiteCheck.checked_us).scalar_subquery(),
                    check.with_only_columns(SiteCheck.ok).scalar_subquery(),
                )
                .where(Unit.id.in_(listed.scalar_subquery()))
                .order_by(Unit.name)
            ).all()
        return {
            "total": total, "page": page, "per_page": per_page if page is not None else None,
            "units": [
                {
                    "name": u.name,
                    "division_code": u.division_code,
                    "state": u.state,
                    "site": u.peer_id,
                    "seals_held": count,
                    "newest_seal_us": newest_us,
                    "last_check": None if checked_us is None else {
                        "at_us": checked_us, "ok": ok},
                }
                for u, count, newest_us, checked_us, ok in rows
            ]
        }  # fmt: skip

    filings_api.mount(api, _staff, ctx)
    dashboard_api.mount(api, _staff, ctx)
    privacy_reports_api.mount(api, _staff, ctx)
    planning_api.mount(api, _staff, ctx)
    app.include_router(api)

    @app.post("/link/v1/join", include_in_schema=False)
    async def join(request: Request) -> JSONResponse:
        data = await _link_json(request)
        addr = request.client.host if request.client else ""
        try:
            return JSONResponse(accept_join(ctx, data, client_addr=addr))
        except EnrolmentRefused as exc:
            return JSONResponse(exc.as_dict(), 403)

    @app.post("/link/v1/inbox", include_in_schema=False)
    async def link_inbox(request: Request) -> JSONResponse:
        data = await _link_json(request)
        try:  # in a worker thread: checking and storing wait on the database, and messages
            # from many units are taken at once (bench/bureau.py, docs/performance.md)
            env = await run_in_threadpool(inbox.receive, BureauSide(ctx), data)
        except LinkRefused as refusal:
            return refusal_response(refusal)
        return JSONResponse({"status": "ok", "id": env.id})

    dashboard_api.mount_pages(app)
    filings_api.mount_pages(app)
    planning_api.mount_pages(app)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html")

    @app.get("/console.js", include_in_schema=False)
    def script() -> FileResponse:
        return FileResponse(STATIC_DIR / "console.js", media_type="text/javascript")

    return app
