"""Live view end to end: a real camera, the real recorder, fragments over a WebSocket."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
import websockets.sync.client as ws
from sqlalchemy import select
from websockets.exceptions import ConnectionClosed

from tests.conftest import site_settings
from vigil.access.roles import Role
from vigil.access.users import UserRegistry
from vigil.cameras import CameraRegistry
from vigil.clock import SystemClock
from vigil.context import SiteContext
from vigil.db.models import AuditEntry
from vigil.media.service import RecordingService
from vigil.media.simulated import MountSpec, SimulatedCameraServer, free_tcp_port
from vigil.site.api import live
from vigil.site.app import create_app

pytestmark = pytest.mark.slow
PASSWORD = "correct-horse-9"


@pytest.fixture
def live_server(tmp_path: Path, database_url: str | None) -> Iterator[tuple[SiteContext, str]]:
    settings = site_settings(database_url, segment_s=4, fragment_ms=1000)
    ctx = SiteContext.init(tmp_path / "home", SystemClock(), settings=settings)
    with SimulatedCameraServer([MountSpec("cam1", overlay="s")]) as cams:
        CameraRegistry(ctx).add("cam1", cams.url("cam1"))
        # A camera that never answers: its live socket has nothing to send.
        CameraRegistry(ctx).add("dark", f"rtsp://127.0.0.1:{free_tcp_port()}/none")
        users = UserRegistry(ctx)
        users.add("admin", PASSWORD, Role.ADMINISTRATOR, actor="test")
        users.add("watcher", PASSWORD, Role.MONITOR, actor="test")
        users.grant("watcher", "cam1", live=True, playback=True, export=False, actor="test")
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


def sign_in(hostport: str, username: str) -> tuple[str, str]:
    """The session cookie header and the CSRF token of a fresh sign-in."""
    with httpx.Client(base_url=f"http://{hostport}") as c:
        r = c.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
        assert r.is_success, r.text
        return f"vigil_session={c.cookies['vigil_session']}", r.json()["csrf_token"]


def closed_code(conn: ws.ClientConnection, deadline_s: float = 30) -> int:
    """Read until the server closes the socket; its close code."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            conn.recv(timeout=deadline_s)
        except ConnectionClosed as closed:
            assert closed.rcvd is not None, "closed without a close frame"
            return closed.rcvd.code
        except TimeoutError:
            break
    raise AssertionError("the server kept the socket open")


@pytest.mark.parametrize(
    ("change", "code"), [("revoke", 4403), ("disable", 4401), ("sign_out", 4401)]
)
def test_a_live_socket_ends_when_its_viewer_may_no_longer_watch(
    live_server: tuple[SiteContext, str], change: str, code: int
) -> None:
    ctx, hostport = live_server
    cookie, csrf = sign_in(hostport, "watcher")
    with ws.connect(f"ws://{hostport}/api/v1/live/cam1",
                    additional_headers={"Cookie": cookie}) as conn:  # fmt: skip
        assert json.loads(conn.recv(timeout=20))["codec"].startswith("avc1.")
        conn.recv(timeout=10)  # streaming
        if change == "revoke":
            UserRegistry(ctx).revoke_camera("watcher", "cam1", actor="test")
        elif change == "disable":
            UserRegistry(ctx).disable("watcher", actor="test")
        else:
            with httpx.Client(base_url=f"http://{hostport}") as c:
                r = c.post("/api/v1/auth/logout",
                           headers={"Cookie": cookie, "X-CSRF-Token": csrf})  # fmt: skip
                assert r.is_success, r.text
        assert closed_code(conn) == code
    wait_until("the stream to end", lambda: live.streams_open() == 0)


def wait_until(what: str, cond: Callable[[], bool], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not cond():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_sockets_closed_by_their_clients_on_an_offline_camera_end_their_streams(
    live_server: tuple[SiteContext, str],
) -> None:
    _, hostport = live_server
    cookie, _ = sign_in(hostport, "admin")
    with contextlib.ExitStack() as sockets:
        for _ in range(5):
            url = f"ws://{hostport}/api/v1/live/dark"
            sockets.enter_context(ws.connect(url, additional_headers={"Cookie": cookie}))
        wait_until("5 streams", lambda: live.streams_open() == 5)
    # Nothing was ever sent on them: only watching the client notices that it went.
    wait_until("every stream to end", lambda: live.streams_open() == 0)


def test_sigterm_with_open_live_sockets_stops_serve_and_closes_every_segment(
    cli_env: dict[str, str],
) -> None:
    env = {**cli_env, "VIGIL_SEGMENT_S": "4", "VIGIL_SEAL_INTERVAL_S": "5"}
    vigil = [sys.executable, "-m", "vigil.cli.main"]
    port = free_tcp_port()
    with SimulatedCameraServer([MountSpec("cam1", overlay="s")]) as cams:
        subprocess.run([*vigil, "init"], env=env, check=True, capture_output=True)
        for name, url in (
            ("cam1", cams.url("cam1")),
            ("dark", f"rtsp://127.0.0.1:{free_tcp_port()}/x"),
        ):
            subprocess.run([*vigil, "camera", "add", name, "--url", url],
                           env=env, check=True, capture_output=True)  # fmt: skip
        subprocess.run([*vigil, "user", "add", "admin", "--role", "administrator",
                        "--password-stdin"], input=PASSWORD, text=True, env=env,
                       check=True, capture_output=True)  # fmt: skip
        serve = subprocess.Popen([*vigil, "serve", "--port", str(port)], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        try:
            hostport = f"127.0.0.1:{port}"
            wait_until("the server", lambda: _answers(hostport), 60)
            cookie, _ = sign_in(hostport, "admin")
            header = {"Cookie": cookie}
            with (
                ws.connect(f"ws://{hostport}/api/v1/live/dark", additional_headers=header),
                ws.connect(f"ws://{hostport}/api/v1/live/cam1", additional_headers=header) as cam,
            ):
                assert json.loads(cam.recv(timeout=30))["codec"].startswith("avc1.")
                serve.send_signal(signal.SIGTERM)
                try:
                    serve.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    raise AssertionError("vigil serve ignored SIGTERM with sockets open") from None
        finally:
            if serve.poll() is None:
                serve.kill()
                serve.wait()
        stderr = serve.stderr.read().decode() if serve.stderr else ""
        assert serve.returncode == 0, stderr
    home = Path(env["VIGIL_HOME"])
    assert not list((home / "staging").rglob("*.part")), "every open segment was closed"
    check = subprocess.run([*vigil, "verify"], env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def _answers(hostport: str) -> bool:
    try:
        return httpx.get(f"http://{hostport}/", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
