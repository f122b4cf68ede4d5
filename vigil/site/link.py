"""The site's end of the link over HTTP (vigil.link): /link/v1/inbox and /link/v1/query.

Outside /api/v1 and its sessions: every request is a message signed by the bureau this
site pinned at `vigil link join`, checked (sender, receiver, signature, time window, unseen
id) before anything is read or done; a refusal is answered with its reason and registered in
the site's audit log. The body is bounded like any other (BodyGuard, 1 MiB).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from vigil.context import SiteContext
from vigil.link import inbox
from vigil.link.errors import LinkRefused
from vigil.link.rotation import pin_new_key
from vigil.link.seals import answer_query
from vigil.link.site_side import SiteSide

router = APIRouter(prefix="/link/v1", include_in_schema=False)
#: The handlers of what the bureau sends are registered by importing their modules.
HANDLERS = (pin_new_key, answer_query)

_STATUS = {"replayed": 409, "unknown_sender": 403, "forged": 403, "wrong_receiver": 421}


def refusal_response(refusal: LinkRefused) -> JSONResponse:
    return JSONResponse(
        {"code": "link_refused", "reason": refusal.reason, "message": refusal.message},
        _STATUS.get(refusal.reason, 400),
    )


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except ValueError:
        return None


@router.post("/inbox")
async def link_inbox(request: Request) -> JSONResponse:
    ctx: SiteContext = request.app.state.ctx
    data = await _json(request)
    try:
        env = await run_in_threadpool(inbox.receive, SiteSide(ctx), data)
    except LinkRefused as refusal:
        return refusal_response(refusal)
    return JSONResponse({"status": "ok", "id": env.id})


@router.post("/query")
async def link_query(request: Request) -> JSONResponse:
    ctx: SiteContext = request.app.state.ctx
    data = await _json(request)
    try:
        report = await run_in_threadpool(answer_query, ctx, data)
    except LinkRefused as refusal:
        return refusal_response(refusal)
    return JSONResponse(report)
