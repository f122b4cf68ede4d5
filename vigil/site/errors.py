"""Errors as JSON for people and programs: the field, the article, never a stack trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from vigil.errors import ConflictError, NotFoundError, ValidationError, VigilError

log = logging.getLogger(__name__)

_STATUS: list[tuple[type[VigilError], int]] = [
    (ValidationError, 400),
    (NotFoundError, 404),
    (ConflictError, 409),
]


def status_for(exc: VigilError) -> int:
    code = getattr(exc, "http_status", None)
    if isinstance(code, int):
        return code
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return {"forbidden": 403, "unauthenticated": 401, "rate_limited": 429, "locked": 423}.get(
        exc.code, 400
    )


def error_body(
    code: str, message: str, field: str | None = None, article: str | None = None
) -> dict[str, object]:
    return {"error": {"code": code, "message": message, "field": field, "article": article}}


def install(app: FastAPI) -> None:
    @app.exception_handler(VigilError)
    async def _vigil(_: Request, exc: VigilError) -> JSONResponse:
        headers = {}
        retry = getattr(exc, "retry_after_s", None)
        if retry:
            headers["Retry-After"] = str(int(retry))
        return JSONResponse(
            error_body(exc.code, exc.message, exc.field, exc.article),
            status_code=status_for(exc),
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        if first.get("type") == "json_invalid":
            # Its loc is ("body", character offset): name the body, say where it broke.
            reason = (first.get("ctx") or {}).get("error", "malformed")
            where = first.get("loc", ("body", 0))[-1]
            message = f"the request body is not valid JSON ({reason} at character {where})"
            return JSONResponse(error_body("invalid_json", message, "body"), 400)
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
        field = ".".join(loc) or None
        return JSONResponse(error_body("invalid", str(first.get("msg", "invalid")), field), 400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 413: "too_large"}.get(
            exc.status_code, "error"
        )
        return JSONResponse(
            error_body(code, str(exc.detail)),
            exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error in a request")
        return JSONResponse(error_body("internal", "internal error; see the server log"), 500)
