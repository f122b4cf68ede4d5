"""Live view: fMP4 fragments over a WebSocket into Media Source Extensions.

The socket first sends a JSON text message `{"codec": …}`, then binary messages: the
init segment and every fragment as the recorder writes it (see media/live.py). Each
viewing session is registered when it opens and when it ends (who, camera, from, to).
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.exceptions import HTTPException

from vigil.access.roles import Permission
from vigil.cameras import CameraRegistry
from vigil.errors import VigilError
from vigil.media.live import LiveTail
from vigil.site.deps import audit_ws, authenticate_ws
from vigil.site.errors import status_for

router = APIRouter(prefix="/live", tags=["live"])

POLL_S = 0.1


@router.websocket("/{camera}")
async def live(websocket: WebSocket, camera: str) -> None:
    ctx = websocket.app.state.ctx
    try:
        who = authenticate_ws(websocket)
        cam = CameraRegistry(ctx).get(camera, include_removed=False)
        who.require(Permission.VIEW_LIVE, cam.id)
    except (HTTPException, VigilError) as exc:
        # Accept, then close with 4000 + the HTTP status, so a client can tell 401 from 403.
        status = exc.status_code if isinstance(exc, HTTPException) else status_for(exc)
        reason = str(exc.detail if isinstance(exc, HTTPException) else exc.describe())
        await websocket.accept()
        await websocket.close(code=4000 + status, reason=reason[:120])
        return
    await websocket.accept()
    started = ctx.clock.now_us()
    audit_ws(websocket, who, "live_start", camera_id=cam.id, camera_name=cam.name, from_us=started)
    tail = LiveTail(ctx.staging_dir / str(cam.id))
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
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        tail.close()
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
