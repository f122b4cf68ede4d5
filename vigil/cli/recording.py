"""`vigil record`: the recorders in the foreground, with a live status display."""

from __future__ import annotations

import signal
import threading
import time
from typing import Annotated

import typer
from rich.console import Group
from rich.live import Live
from rich.text import Text

from vigil.cli.common import console, open_site
from vigil.cli.inspect import render_status
from vigil.context import SiteContext
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


def register(app: typer.Typer) -> None:
    app.command()(record)
