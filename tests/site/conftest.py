"""A real console for browser tests: simulated cameras, the recorder, the API on loopback.

`console` (module scope: the cameras record while the tests of a module run) yields a
`Console` with the base URL, the site and the passwords; `browser` is Debian's Chromium
driven by Playwright's sync API (never `playwright install`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from tests.conftest import BACKEND, postgres_database, site_settings
from vigil.access.roles import Role
from vigil.access.users import UserRegistry
from vigil.cameras import CameraRegistry
from vigil.clock import SystemClock
from vigil.context import SiteContext
from vigil.db.models import Segment
from vigil.media.service import RecordingService
from vigil.media.simulated import MountSpec, SimulatedCameraServer, free_tcp_port
from vigil.site.app import create_app

CHROMIUM = os.environ.get("VIGIL_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORDS = {
    "admin": "admin-pass-2024",
    "watcher": "watcher-pass-2024",
    "checker": "checker-pass-2024",
}
CAMERAS = ("cam1", "cam2")
VIEWPORT = {"width": 1280, "height": 900}
MIN_SEGMENTS = 2


@dataclass
class Console:
    ctx: SiteContext
    base: str
    passwords: dict[str, str]
    cams: SimulatedCameraServer

    def segments(self, camera: str) -> list[Segment]:
        """Sealed segments of `camera`, oldest first."""
        cam = CameraRegistry(self.ctx).get(camera)
        with self.ctx.sessions() as s:
            q = select(Segment).where(Segment.camera_id == cam.id, Segment.state == "sealed")
            return list(s.scalars(q.order_by(Segment.seq)))


@contextmanager
def _database() -> Iterator[str | None]:
    """Like tests/conftest.py's `database_url`, for a module-scoped site."""
    if BACKEND == "sqlite":
        yield None
        return
    with postgres_database("vigil_b") as url:
        yield url


def _sealed_counts(ctx: SiteContext) -> dict[int, int]:
    with ctx.sessions() as s:
        rows = s.execute(
            select(Segment.camera_id, func.count())
            .where(Segment.state == "sealed")
            .group_by(Segment.camera_id)
        )
        return {int(cam): int(n) for cam, n in rows}


@contextmanager
def running_console(
    home: Path, *, min_segments: int = MIN_SEGMENTS, cameras: tuple[str, ...] = CAMERAS
) -> Iterator[Console]:
    """Cameras cam1 and cam2 (320×240, 10 fps, ms clock burnt in), recorded in 4 s segments,
    served on a free port; users admin (管理), watcher (监看, cam1 only), checker (审计)."""
    mounts = [MountSpec(n, width=320, height=240, fps=10, gop=10, overlay="ms") for n in cameras]
    with _database() as database_url, SimulatedCameraServer(mounts) as cams:
        settings = site_settings(database_url, segment_s=4, fragment_ms=1000, seal_interval_s=5)
        ctx = SiteContext.init(home, SystemClock(), settings=settings)
        registry = CameraRegistry(ctx)
        for name in cameras:
            registry.add(name, cams.url(name))
        users = UserRegistry(ctx)
        users.add("admin", PASSWORDS["admin"], Role.ADMINISTRATOR, "值班主任", actor="test")
        users.add("watcher", PASSWORDS["watcher"], Role.MONITOR, actor="test")
        users.grant("watcher", "cam1", live=True, playback=True, export=True, actor="test")
        users.add("checker", PASSWORDS["checker"], Role.AUDITOR, actor="test")
        service = RecordingService(ctx)
        service.start()
        port = free_tcp_port()
        config = uvicorn.Config(create_app(ctx), host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="console", daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 60
            while True:
                assert time.monotonic() < deadline, "no server or too few segments after 60 s"
                counts = _sealed_counts(ctx)
                if server.started and all(
                    counts.get(registry.get(n).id, 0) >= min_segments for n in cameras
                ):
                    break
                time.sleep(0.25)
            base = f"http://127.0.0.1:{port}"
            assert httpx.get(base + "/", timeout=10).status_code == 200
            yield Console(ctx, base, dict(PASSWORDS), cams)
        finally:
            server.should_exit = True
            thread.join(10)
            service.shutdown()
            ctx.close()


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    with running_console(tmp_path_factory.mktemp("console") / "home") as served:
        yield served


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: Any, console: Console) -> Iterator[Any]:
    """A fresh browser context (no cookies, no localStorage); uncaught page errors fail."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(20_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"
