"""Live view end to end: a real camera, the real recorder, fragments over a WebSocket."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
import websockets.sync.client as ws
from sqlalchemy import select

from tests.conftest import site_settings
from vigil.access.roles import Role
from vigil.access.users import UserRegistry
from vigil.cameras import CameraRegistry
from vigil.clock import SystemClock
from vigil.context import SiteContext
from vigil.db.models import AuditEntry
from vigil.media.service import RecordingService
from vigil.media.simulated import MountSpec, SimulatedCameraServer, free_tcp_port
from vigil.site.app import create_app

pytestmark = pytest.mark.slow
PASSWORD = "correct-horse-9"


@pytest.fixture
def live_server(tmp_path: Path, database_url: str | None) -> Iterator[tuple[SiteContext, str]]:
    settings = site_settings(database_url, segment_s=4, fragment_ms=1000)
    ctx = SiteContext.init(tmp_path / "home", SystemClock(), settings=settings)
    with SimulatedCameraServer([MountSpec("cam1", overlay="s")]) as cams:
        CameraRegistry(ctx).add("cam1", cams.url("cam1"))
        UserRegistry(ctx).add("admin", PASSWORD, Role.ADMINISTRATOR, actor="test")
        svc = RecordingService(ctx)
        svc.start()
        port = free_tcp_port()
        server = uvicorn.Server(uvicorn.Config(create_app(ctx), host="127.0.0.1", port=port,
                                               log_level="warning"))  # fmt: skip
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        try:
            yield ctx, f"127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(10)
            svc.shutdown()
    ctx.close()


def test_live_socket_streams_init_then_fragments_and_is_registered(
    live_server: tuple[SiteContext, str],
) -> None:
    ctx, hostport = live_server
    with httpx.Client(base_url=f"http://{hostport}") as c:
        assert c.post(
            "/api/v1/auth/login", json={"username": "admin", "password": PASSWORD}
        ).is_success
        cookie = f"vigil_session={c.cookies['vigil_session']}"
    with ws.connect(f"ws://{hostport}/api/v1/live/cam1",
                    additional_headers={"Cookie": cookie}) as conn:  # fmt: skip
        hello = json.loads(conn.recv(timeout=20))
        assert hello["codec"].startswith("avc1.")
        init = conn.recv(timeout=10)
        assert isinstance(init, bytes) and init[4:8] == b"ftyp" and b"moov" in init
        arrivals = []
        deadline = time.monotonic() + 15
        while len(arrivals) < 3 and time.monotonic() < deadline:
            msg = conn.recv(timeout=10)
            assert isinstance(msg, bytes)
            if msg[4:8] == b"moof":
                arrivals.append(time.monotonic())
        assert len(arrivals) >= 3
        # Fragments of 1 s arrive about once a second: live, not a burst of old material.
        assert arrivals[-1] - arrivals[0] > 1.0
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with ctx.sessions() as s:
            acts = [
                e.action
                for e in s.scalars(select(AuditEntry).where(AuditEntry.camera_name == "cam1"))
            ]
        if "live_end" in acts:
            break
        time.sleep(0.2)
    assert acts[-2:] == ["live_start", "live_end"]


def test_cross_site_websocket_is_refused(live_server: tuple[SiteContext, str]) -> None:
    _, hostport = live_server
    with httpx.Client(base_url=f"http://{hostport}") as c:
        c.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
        cookie = f"vigil_session={c.cookies['vigil_session']}"
    with (
        pytest.raises(Exception) as refused,
        ws.connect(
            f"ws://{hostport}/api/v1/live/cam1",
            origin="http://evil.example",  # type: ignore[arg-type]
            additional_headers={"Cookie": cookie},
        ) as conn,  # fmt: skip
    ):
        conn.recv(timeout=5)
    assert "4403" in str(refused.value)
