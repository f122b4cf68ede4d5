"""`vigil record` (foreground recorder) and `vigil demo` (simulated cameras + recorder)."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group
from rich.live import Live
from rich.text import Text

from vigil.cli.common import console, home, open_site, set_home
from vigil.cli.inspect import render_status
from vigil.config import default_home
from vigil.context import SiteContext
from vigil.errors import ConflictError, VigilError
from vigil.health.status import status as site_status
from vigil.media.service import RecordingService
from vigil.storage.locks import HomeLock


def _run_until_signal(svc: RecordingService, duration_s: float | None, show_status: bool) -> None:
    done = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        done.set()

    old = {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM)}
    deadline = time.monotonic() + duration_s if duration_s else None
    try:
        if show_status:
            with Live(console=console, refresh_per_second=1, transient=False) as live:
                while not done.wait(2.0):
                    live.update(_status_table(svc.ctx))
                    if deadline and time.monotonic() >= deadline:
                        break
        else:
            while not done.wait(1.0):
                if deadline and time.monotonic() >= deadline:
                    break
    finally:
        console.print("stopping: closing open segments…")
        svc.shutdown()
        for s, h in old.items():
            signal.signal(s, h)


def _status_table(ctx: SiteContext) -> Group:
    with console.capture() as cap:
        render_status(site_status(ctx))
    return Group(Text.from_ansi(cap.get()), Text("Ctrl-C stops and closes every open segment."))


def record(
    duration: Annotated[
        float | None, typer.Option("--duration", help="Stop after this many seconds.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No live status display.")] = False,
) -> None:
    """Record every active camera in the foreground until SIGINT/SIGTERM."""
    ctx = open_site()
    with HomeLock(ctx.home):
        svc = RecordingService(ctx)
        svc.start()
        console.print(f"recording {len(svc.recorders)} cameras into {ctx.segments_dir}")
        _run_until_signal(svc, duration, show_status=not quiet and console.is_terminal)


DEMO_CAMERAS = ("lobby", "entrance", "corridor")


def demo(
    rtsp_port: Annotated[
        int, typer.Option("--rtsp-port", help="Port of the simulated cameras.")
    ] = 18554,
    duration: Annotated[
        float | None, typer.Option("--duration", help="Stop after this many seconds.")
    ] = None,
    cameras: Annotated[
        int, typer.Option("--cameras", min=1, max=16, help="How many to simulate.")
    ] = 3,
) -> None:
    """Start simulated cameras (a clock burnt into the picture) and record them."""
    from vigil.media.simulated import MountSpec, SimulatedCameraServer, gstreamer_available
    from vigil.site.cameras import CameraRegistry

    if os.environ.get("VIGIL_HOME") is None and home() == default_home():
        set_home(default_home().with_name("vigil-demo"))
    demo_home: Path = home()
    # Short segments and frequent seals so that a demo shows results quickly.
    ctx = SiteContext.init(demo_home, settings={"segment_s": 10, "seal_interval_s": 60})
    if not gstreamer_available():
        raise VigilError(
            "the simulated cameras need GStreamer's RTSP server for Debian's python3 "
            "(run the README's set-up command)"
        )
    names = [
        DEMO_CAMERAS[i] if i < len(DEMO_CAMERAS) else f"camera-{i + 1}" for i in range(cameras)
    ]
    mounts = [
        MountSpec(n, width=640, height=360, fps=10, gop=10, bitrate_kbps=500, overlay="ms")
        for n in names
    ]
    registry = CameraRegistry(ctx)
    existing = {c.name for c in registry.list()}
    with SimulatedCameraServer(mounts, port=rtsp_port) as server:
        for n in names:
            if n not in existing:
                with contextlib.suppress(ConflictError):
                    registry.add(n, server.url(n))
        console.print(f"demo home: [bold]{demo_home}[/bold]")
        for n in names:
            console.print(f"simulated camera {n}: {server.url(n)}")
        with HomeLock(ctx.home):
            svc = RecordingService(ctx)
            svc.start()
            console.print(
                "recording; in another terminal try: "
                f"VIGIL_HOME={demo_home} vigil segments {names[0]} / vigil verify / vigil status"
            )
            _run_until_signal(svc, duration, show_status=console.is_terminal)


def register(app: typer.Typer) -> None:
    app.command()(record)
    app.command()(demo)
