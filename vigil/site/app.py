"""The unit's console: API under /api/v1 and the single-page app at /."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from vigil import __version__
from vigil.context import SiteContext
from vigil.records.attachments import MAX_ATTACHMENT_BYTES
from vigil.site import errors
from vigil.site.api import (
    admin,
    attachments,
    audit,
    auth,
    cameras,
    compliance,
    exports,
    filings,
    holds,
    live,
    maintenance,
    playback,
    privacy_checks,
    profile,
    room,
    siting,
    staff,
    subject_requests,
)
from vigil.site.deps import authenticate
from vigil.site.limits import MULTIPART_OVERHEAD_BYTES, BodyGuard
from vigil.site.link import router as link_router

STATIC_DIR = Path(__file__).parent / "static"
API_PREFIX = "/api/v1"
ROUTERS = (auth.router, cameras.router, playback.router, live.router, exports.router,
           audit.router, admin.router,
           profile.router, siting.router, attachments.router,
           staff.router, room.router, maintenance.router,
           compliance.router, subject_requests.router, privacy_checks.router,
           holds.router, filings.router)  # fmt: skip


def api_routes() -> set[tuple[str, str]]:
    """(method, path) of every API route; WebSocket routes have the method "WS"."""
    out = set()
    for router in ROUTERS:
        for route in router.routes:
            methods = getattr(route, "methods", None) or {"WS"}
            out |= {(m, API_PREFIX + getattr(route, "path", "")) for m in methods if m != "HEAD"}
    return out


_HOST = re.compile(r"[A-Za-z0-9.\-]+(:\d+)?|\[[0-9A-Fa-f:.]+\](:\d+)?")
HSTS = "max-age=31536000"
"""A year of HTTPS only, once a browser has seen the site under TLS (no subdomains: the
unit's host name is not ours to decide for)."""


def content_security_policy(request: Request) -> str:
    """Scripts, styles and connections of this origin only; the live view's WebSocket is
    named with its scheme, as `'self'` does not cover ws:/wss: in every browser."""
    ws = "wss" if request.url.scheme == "https" else "ws"
    host = request.headers.get("host", "")
    if not _HOST.fullmatch(host):  # a forged Host must not write its own CSP directives
        host = "localhost"
    return (
        "default-src 'self'; media-src 'self' blob:; "
        f"connect-src 'self' {ws}://{host}; "
        "img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )


def create_app(ctx: SiteContext) -> FastAPI:
    app = FastAPI(
        title="Vigil site API",
        version=__version__,
        description="The unit's console: cameras, live view, playback, export and the audit "
        "log of every review, copy and retrieval (A17.2(2)). Every route needs a signed-in "
        "session (cookie + X-CSRF-Token on changes) or an API token (Bearer).",
        openapi_url=f"{API_PREFIX}/openapi.json",
        # Swagger UI loads its scripts from a CDN, which the CSP (rightly) refuses: off.
        # The description is public at openapi.json for any OpenAPI viewer.
        docs_url=None,
        redoc_url=None,
    )
    app.state.ctx = ctx
    app.state.export_jobs = {}
    errors.install(app)
    api = APIRouter(prefix=API_PREFIX)
    for router in ROUTERS:
        api.include_router(router)
    app.include_router(api)
    app.include_router(link_router)  # signed by the pinned bureau, not a session (vigil.link)
    # Added before the headers middleware, so its refusals carry the headers too.
    app.add_middleware(
        BodyGuard,
        authenticate=authenticate,
        limits={f"{API_PREFIX}/attachments": MAX_ATTACHMENT_BYTES + MULTIPART_OVERHEAD_BYTES},
        anonymous=frozenset({f"{API_PREFIX}/auth/login"}),
        prefix=API_PREFIX,
    )

    @app.middleware("http")
    async def security_headers(request, call_next):  # type: ignore[no-untyped-def]
        try:
            response = await call_next(request)
        except Exception:  # answered as JSON; the traceback goes to the log only
            errors.log.exception("unhandled error in %s %s", request.method, request.url.path)
            response = JSONResponse(
                errors.error_body("internal", "internal error; see the server log"), 500
            )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Content-Security-Policy", content_security_policy(request))
        if request.url.scheme == "https":
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if request.url.path.startswith(API_PREFIX):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html")

    return app
