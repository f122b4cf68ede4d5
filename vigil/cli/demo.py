"""`vigil demo`: simulated cameras, yesterday's (simulated) footage, recorder and console."""

from __future__ import annotations

import contextlib
import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, TaskID
from sqlalchemy import func, select

from vigil.access.roles import Role
from vigil.access.users import UserRegistry
from vigil.audit.actor import Actor
from vigil.cameras import CameraRegistry
from vigil.cli.common import console, home, set_home
from vigil.clock import US_PER_S
from vigil.config import default_home
from vigil.context import SiteContext
from vigil.db.models import Segment
from vigil.errors import ConflictError, VigilError
from vigil.media.backfill import backfill

DEMO_CAMERAS = ("lobby", "entrance", "corridor")
#: Where the demo cameras look (A7 key positions). The lobby camera is left for the user
#: to site, so the coverage report shows a gap until they do.
DEMO_SITING = {
    "entrance": ("entrance", "watch people entering and leaving (demo)"),
    "corridor": ("passage", "watch the ground-floor corridor (demo)"),
}
DEMO_USER = "demo"


def _demo_home() -> Path:
    if os.environ.get("VIGIL_HOME") is None and home() == default_home():
        set_home(default_home().with_name("vigil-demo"))
    return home()


def _yesterday_morning_us() -> int:
    y = datetime.now(UTC).date() - timedelta(days=1)
    return int(datetime(y.year, y.month, y.day, 9, 0, tzinfo=UTC).timestamp()) * US_PER_S


def _seed_history(ctx: SiteContext, names: list[str], minutes: int) -> None:
    """Give each new demo camera `minutes` of yesterday's footage, once."""
    reg = CameraRegistry(ctx)
    todo = []
    for name in names:
        cam = reg.get(name)
        with ctx.sessions() as s:
            n = s.scalar(
                select(func.count()).select_from(Segment).where(Segment.camera_id == cam.id)
            )
        if not n:
            todo.append(cam)
    if not todo or minutes <= 0:
        return
    start = _yesterday_morning_us()
    with Progress(console=console, transient=True) as bar:
        for cam in todo:
            task = bar.add_task(f"simulating yesterday's footage for {cam.name}", total=1.0)

            def advance(fraction: float, task: TaskID = task) -> None:
                bar.update(task, completed=fraction)

            backfill(ctx, cam.id, start, minutes * 60, progress=advance)


def _demo_profile(ctx: SiteContext) -> str:
    """A demo unit under the province's default jurisdiction profile, once: the self-check
    then shows rows citing both texts (the measures and the national regulation). Returns
    the rule sets in force today."""
    from vigil.records import profile
    from vigil.records.common import today

    day = today(ctx)
    if profile.get_profile(ctx) is None:
        started = (day - timedelta(days=20)).isoformat()
        profile.update_profile(
            ctx,
            {
                "unit_name": "演示酒店有限公司 (demo)",
                "credit_code": "91350100M000100Y43",
                "division_code": "350102",
                "address": "福州市鼓楼区演示路1号",
                "categories": ["hospitality_entertainment"],
                "builder": "unit",
                "delivered_on": started,
                "commissioned_on": started,
                "national_class": "crowded_place",
            },
            Actor.cli(),
        )
    found = profile.get_profile(ctx)
    values = found.values if found is not None else {}
    return " + ".join(profile.site_law(values, day).ids)


def _demo_login(ctx: SiteContext) -> str:
    """A fresh password for the demo administrator at every start (printed once)."""
    password = "demo-" + secrets.token_urlsafe(9)
    users = UserRegistry(ctx)
    try:
        users.add(
            DEMO_USER,
            password,
            Role.ADMINISTRATOR,
            "演示管理员 Demo administrator",
            actor=Actor.cli().name,
        )
    except ConflictError:
        users.set_password(DEMO_USER, password, actor=Actor.cli().name)
    return password


def demo(
    port: Annotated[int, typer.Option("--port", help="Port of the web console.")] = 8080,
    rtsp_port: Annotated[
        int, typer.Option("--rtsp-port", help="Port of the simulated cameras.")
    ] = 18554,
    cameras: Annotated[
        int, typer.Option("--cameras", min=1, max=16, help="How many to simulate.")
    ] = 3,
    history_minutes: Annotated[
        int,
        typer.Option(
            "--history-minutes",
            min=0,
            max=120,
            help="Minutes of yesterday's simulated footage per new camera.",
        ),
    ] = 5,
    duration: Annotated[
        float | None, typer.Option("--duration", help="Stop after this many seconds.")
    ] = None,
) -> None:
    """Simulated cameras (a clock burnt into the picture), recorded, with the web console."""
    from vigil.cli.serve import run_server
    from vigil.media.simulated import MountSpec, SimulatedCameraServer, gstreamer_available

    demo_home = _demo_home()
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
                location, purpose = DEMO_SITING.get(n, (None, None))
                with contextlib.suppress(ConflictError):
                    registry.add(
                        n, server.url(n), location_type=location, purpose=purpose, by=Actor.cli()
                    )
        _seed_history(ctx, names, history_minutes)
        password = _demo_login(ctx)
        law = _demo_profile(ctx)
        console.print(f"demo home: [bold]{demo_home}[/bold]")
        console.print(
            f"law in force today (jurisdiction profile 'province'): {law}; "
            "self-check: vigil compliance report (`vigil law list` for the dates)",
            highlight=False,
        )
        for n in names:
            console.print(f"simulated camera {n}: {server.url(n)}")
        console.print(
            f"\n  console: [bold]http://127.0.0.1:{port}/[/bold]\n"
            f"  sign in: [bold]{DEMO_USER}[/bold] / [bold]{password}[/bold]\n"
            "  (CLI meanwhile: "
            f"VIGIL_HOME={demo_home} vigil status | vigil segments {names[0]} | vigil verify)\n"
            "  Ctrl-C stops and closes every open segment.\n"
        )
        run_server(ctx, "127.0.0.1", port, None, None, record=True, stop_after_s=duration)


def register(app: typer.Typer) -> None:
    app.command()(demo)
