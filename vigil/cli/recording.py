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

#: The status display refreshes every 2 s, less often when a refresh is dear (months of
#: history, many cameras), so that it never takes more than 5 % of a core from recording.
_STATUS_MIN_INTERVAL_S = 2.0
_STATUS_MAX_SHARE = 0.05


def _run_until_signal(svc: RecordingService, duration_s: float | None, show_status: bool) -> None:
    done = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        done.set()

    old = {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM)}
    deadline = time.monotonic() + duration_s if duration_s else None
    try:
        if show_status:
            with Live(console=console, refresh_per_second=1, transient=False) as live:
                wait_s = _STATUS_MIN_INTERVAL_S
                while not done.wait(wait_s):
                    started_s = time.monotonic()
                    live.update(_status_table(svc.ctx))
                    took_s = time.monotonic() - started_s
                    wait_s = max(_STATUS_MIN_INTERVAL_S, took_s / _STATUS_MAX_SHARE)
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
