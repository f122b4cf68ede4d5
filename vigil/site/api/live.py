"""Live view: fMP4 fragments over a WebSocket into Media Source Extensions.

The socket first sends a JSON text message `{"codec": …}`, then binary messages: the
init segment and every fragment as the recorder writes it (see media/live.py). Each
viewing session is registered when it opens and when it ends (who, camera, from, to).
An open socket re-checks its viewer's right every `RECHECK_S` and ends when the client
goes, even when there is nothing to send.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.exceptions import HTTPException

from vigil.access.roles import Permission
from vigil.cameras import CameraRegistry, CameraView
from vigil.errors import VigilError
from vigil.media.live import LiveTail
from vigil.site.deps import Principal, audit_ws, authenticate_ws
from vigil.site.errors import status_for

router = APIRouter(prefix="/live", tags=["live"])

POLL_S = 0.1
#: How often an open socket re-checks that its viewer may still watch: a revoked right,
#: a disabled user, a signed-out session or a removed camera ends it within this long
#: (whatever process made the change: the console, the API or the CLI).
RECHECK_S = 2.0

#: Live streams being served, one per open socket (read by tests: a socket whose client
#: went away must not go on polling).
_streams: set[asyncio.Task[None]] = set()


def streams_open() -> int:
    return len(_streams)


class _Refused(Exception):
    def __init__(self, code: int, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


def _authorize(websocket: WebSocket, camera: str) -> tuple[Principal, CameraView]:
    """The viewer and the camera, if the viewer may watch it live now; else `_Refused`
    with 4000 + the HTTP status, so a client can tell 401 from 403."""
    ctx = websocket.app.state.ctx
    try:
        who = authenticate_ws(websocket)
        cam = CameraRegistry(ctx).get(camera, include_removed=False)
        who.require(Permission.VIEW_LIVE, cam.id)
    except (HTTPException, VigilError) as exc:
        status = exc.status_code if isinstance(exc, HTTPException) else status_for(exc)
        reason = str(exc.detail if isinstance(exc, HTTPException) else exc.describe())
        raise _Refused(4000 + status, reason[:120]) from exc
    return who, cam


@router.websocket("/{camera}")
async def live(websocket: WebSocket, camera: str) -> None:
    ctx = websocket.app.state.ctx
    try:
        who, cam = await asyncio.to_thread(_authorize, websocket, camera)
    except _Refused as at_open:
        await websocket.accept()
        await websocket.close(code=at_open.code, reason=at_open.reason)
        return
    await websocket.accept()
    started = ctx.clock.now_us()
    audit_ws(websocket, who, "live_start", camera_id=cam.id, camera_name=cam.name, from_us=started)
    tail = LiveTail(ctx.staging_dir / str(cam.id))
    # Three tasks, and the socket ends when the first does: the stream, the client going
    # away (seen even when nothing is sent, e.g. on an offline camera, or when the server
    # shuts down), and the viewer's right going away.
    stream = asyncio.create_task(_stream(websocket, tail))
    gone = asyncio.create_task(_client_gone(websocket))
    recheck = asyncio.create_task(_recheck(websocket, camera))
    tasks = {stream, gone, recheck}
    _streams.add(stream)
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        _streams.discard(stream)
        await asyncio.to_thread(tail.close)
        with contextlib.suppress(Exception):
            audit_ws(
                websocket,
                who,
                "live_end",
                camera_id=cam.id,
                camera_name=cam.name,
                from_us=started,
                to_us=ctx.clock.now_us(),
            )
    refused = recheck.result() if recheck.done() and not recheck.cancelled() else None
    if refused is not None:
        with contextlib.suppress(Exception):
            await websocket.close(code=refused.code, reason=refused.reason)


async def _stream(websocket: WebSocket, tail: LiveTail) -> None:
    sent_codec = False
    try:
        while True:
            chunks = await asyncio.to_thread(tail.poll)
            if chunks and not sent_codec:
                await websocket.send_text(json.dumps({"codec": tail.codec}))
                sent_codec = True
            for chunk in chunks:
                await websocket.send_bytes(chunk)
            await asyncio.sleep(POLL_S)
    except (WebSocketDisconnect, RuntimeError, OSError):
        return


async def _client_gone(websocket: WebSocket) -> None:
    """Returns when the client closes the socket or the connection drops."""
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
    except (WebSocketDisconnect, RuntimeError, OSError):
        return


async def _recheck(websocket: WebSocket, camera: str) -> _Refused:
    """Returns why the viewer may no longer watch, once they may not."""
    while True:
        await asyncio.sleep(RECHECK_S)
        try:
            await asyncio.to_thread(_authorize, websocket, camera)
        except _Refused as refused:
            return refused
