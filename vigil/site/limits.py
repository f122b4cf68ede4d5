"""Request bodies: authenticated first, bounded always, refused before they are read.

One ASGI middleware, installed by the app factory, so that no route can forget it:
- a request that carries a body to a route that needs a caller is authenticated before a
  byte of the body is read (an anonymous 200 MB upload is answered 401 at once, and a
  malformed body from an anonymous client is a 401, not a parse error);
- a body longer than its route's limit is answered 413: at once when `Content-Length`
  says so, else as soon as the bytes read pass the limit (chunked bodies).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

JSON_BODY_MAX_BYTES = 1 << 20
"""The largest JSON body of any route (1 MiB): the largest real one, a site profile with
its texts, is a few KiB."""

MULTIPART_OVERHEAD_BYTES = 64 << 10
"""Room for the form's boundaries and headers around an upload's file."""

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

Authenticate = Callable[[Request], object]
"""Raises HTTPException (401, or 403 for a missing CSRF header) unless the caller is known."""


class BodyTooLarge(HTTPException):
    """FastAPI's own HTTPException: raised while FastAPI reads the body, it passes through
    as itself (any other exception there becomes a vague 400)."""

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(413, f"the request body is larger than {limit_bytes:,} bytes")


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    code = {401: "unauthenticated", 403: "forbidden", 413: "too_large"}.get(status, "error")
    body = {"error": {"code": code, "message": message, "field": None, "article": None}}
    return JSONResponse(body, status, headers=dict(headers or {}))


class BodyGuard:
    """`limits` maps a path to its body limit (default `JSON_BODY_MAX_BYTES`); `anonymous`
    are the paths that take a body without a caller (sign-in)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        authenticate: Authenticate,
        limits: Mapping[str, int],
        anonymous: frozenset[str],
        prefix: str,
    ) -> None:
        self.app = app
        self.authenticate = authenticate
        self.limits = dict(limits)
        self.anonymous = anonymous
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self.limits.get(path, JSON_BODY_MAX_BYTES)
        declared = Request(scope).headers.get("content-length")
        if path.startswith(self.prefix) and path not in self.anonymous:
            try:
                await run_in_threadpool(self.authenticate, Request(scope))
            except StarletteHTTPException as exc:
                await _error(exc.status_code, str(exc.detail), exc.headers)(scope, receive, send)
                return
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _error(413, str(BodyTooLarge(limit).detail))(scope, receive, send)
            return
        await self.app(scope, _bounded(receive, limit), send)


def _bounded(receive: Receive, limit: int) -> Callable[[], Awaitable[Message]]:
    """`receive` that raises BodyTooLarge (answered 413) once more than `limit` bytes came."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message: dict[str, Any] = dict(await receive())
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return wrapped
