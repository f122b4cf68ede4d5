"""The unit's console: API under /api/v1 and the single-page app at /."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from vigil import __version__
from vigil.context import SiteContext
from vigil.site import errors
from vigil.site.api import (
    admin,
    attachments,
    audit,
    auth,
    cameras,
    compliance,
    exports,
    live,
    maintenance,
    playback,
    profile,
    room,
    siting,
    staff,
)

STATIC_DIR = Path(__file__).parent / "static"
API_PREFIX = "/api/v1"
ROUTERS = (auth.router, cameras.router, playback.router, live.router, exports.router,
           audit.router, admin.router,
           profile.router, siting.router, attachments.router,
           staff.router, room.router, maintenance.router,
           compliance.router)  # fmt: skip


def api_routes() -> set[tuple[str, str]]:
    """(method, path) of every API route; WebSocket routes have the method "WS"."""
    out = set()
    for router in ROUTERS:
        for route in router.routes:
            methods = getattr(route, "methods", None) or {"WS"}
            out |= {(m, API_PREFIX + getattr(route, "path", "")) for m in methods if m != "HEAD"}
    return out


def create_app(ctx: SiteContext) -> FastAPI:
    app = FastAPI(
        title="Vigil site API",
        version=__version__,
        description="The unit's console: cameras, live view, playback, export and the audit "
        "log of every review, copy and retrieval (A17.2(2)). Every route needs a signed-in "
        "session (cookie + X-CSRF-Token on changes) or an API token (Bearer).",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.ctx = ctx
    app.state.export_jobs = {}
    errors.install(app)
    api = APIRouter(prefix=API_PREFIX)
    for router in ROUTERS:
        api.include_router(router)
    app.include_router(api)

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
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; media-src 'self' blob:; connect-src 'self' ws: wss:; "
            "img-src 'self' data: blob:; style-src 'self'; script-src 'self'",
        )
        if request.url.path.startswith(API_PREFIX):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html")

    return app
