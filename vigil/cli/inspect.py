"""`vigil segments`, `vigil status`, `vigil verify`, `vigil seal`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from vigil.audit.actor import Actor
from vigil.audit.site_verify import verify_site as run_verify
from vigil.cli.common import console, err_console, open_site, plain, print_json
from vigil.clock import parse_instant
from vigil.db.models import Segment
from vigil.db.sql import sum_int
from vigil.db.states import RecorderState, SegmentState
from vigil.health.status import status as site_status
from vigil.integrity.seal import export_seal, seal_now
from vigil.storage.catalog import catalog


def _human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1024:
            return f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} PB"


def segments(
    camera: Annotated[str, typer.Argument(help="Camera name.")],
    from_: Annotated[
        str | None, typer.Option("--from", help="ISO 8601 start, e.g. 2026-11-28T08:00Z")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="ISO 8601 end.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    sha256sum: Annotated[
        bool,
        typer.Option("--sha256sum", help="Print lines for `sha256sum -c` (check without Vigil)."),
    ] = False,
) -> None:
    """List a camera's recorded segments and gaps."""
    ctx = open_site()
    cat = catalog(
        ctx,
        camera,
        parse_instant(from_, field="from") if from_ else None,
        parse_instant(to, field="to") if to else None,
    )
    if as_json:
        print_json(cat.as_dict())
        return
    if sha256sum:
        for s in cat.segments:
            print(f"{s.sha256}  {s.path}")
        return
    rows: list[tuple[int, Any]] = [(s.start_us, s) for s in cat.segments] + [
        (g.start_us, g) for g in cat.gaps
    ]
    table = Table("#", "start (UTC)", "end (UTC)", "seconds", "size", "what")
    for _, item in sorted(rows, key=lambda r: r[0]):
        if hasattr(item, "sha256"):
            what = f"{item.codec} {item.width}x{item.height} {item.fragments} fragments"
            if item.flags:
                what += f" [{item.flags}]"
            table.add_row(str(item.seq), item.start, item.end, f"{item.duration_s:.1f}",
                          _human_bytes(item.bytes), what)  # fmt: skip
        else:
            table.add_row(str(item.seq), item.start, item.end, f"{item.duration_s:.1f}", "",
                          f"[yellow]gap: {item.reason}[/yellow]")  # fmt: skip
    console.print(table)
    console.print(f"{len(cat.segments)} segments, {len(cat.gaps)} gaps")


def status(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Cameras, disk space, capacity forecast and active alarms."""
    data = site_status(open_site())
    if as_json:
        print_json(data)
        return
    render_status(data)


def render_status(data: dict[str, Any]) -> None:
    table = Table("camera", "state", "bitrate", "last segment", "segments", "gaps 24h", "drift")
    for c in data["cameras"]:
        rate = f"{c['bitrate_bps'] / 1e6:.2f} Mbit/s" if c["bitrate_bps"] else "-"
        gaps = f"{c['gaps_24h']} ({c['gap_seconds_24h']:.0f} s)" if c["gaps_24h"] else "0"
        drift = f"{c['clock_drift_ppm']} ppm" if c["clock_drift_ppm"] is not None else "-"
        colour = {
            RecorderState.RECORDING: "green",
            RecorderState.PAUSED: "red",
            RecorderState.OFFLINE: "yellow",
        }.get(c["state"], "white")
        table.add_row(c["name"], f"[{colour}]{c['state']}[/{colour}]", rate,
                      c["last_segment_end"] or "-", str(c["segments"]), gaps, drift)  # fmt: skip
    console.print(table)
    d, f = data["disk"], data["forecast"]
    console.print(
        f"disk: {_human_bytes(d['free_bytes'])} free, "
        f"recordings {_human_bytes(d['recordings_bytes'])}"
    )
    if f["days_held_at_capacity"] is not None:
        verdict = "[red]SHORT[/red]" if f["short"] else "[green]ok[/green]"
        console.print(
            f"forecast: {_human_bytes(f['bytes_per_day'])}/day; "
            f"full in {f['days_until_full']} days; "
            f"holds {f['days_held_at_capacity']} days vs {f['required_days']} required: {verdict}"
        )
    for a in data["alarms"]:
        console.print(f"[red]ALARM[/red] {a['severity']} {a['kind']}: {plain(a['message'])}")


def verify(
    camera: Annotated[str | None, typer.Option("--camera", help="Check one camera only.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Re-hash every original, walk the hash chains and check the seals (exit 0 = all holds)."""
    ctx = open_site()
    if camera is not None:
        from vigil.cameras import CameraRegistry

        CameraRegistry(ctx).get(camera)
    total = _bytes_to_hash(ctx, camera)
    with Progress(
        TextColumn("verifying"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
        console=err_console, transient=True, disable=as_json or not err_console.is_terminal,
    ) as bar:  # fmt: skip
        task = bar.add_task("hash", total=total)
        report = run_verify(ctx, camera, progress=lambda n: bar.advance(task, n))
    if as_json:
        print_json(report.as_dict())
    else:
        console.print(
            f"{report.segments_checked} segments ({_human_bytes(report.bytes_hashed)}) re-hashed, "
            f"{report.chain_entries} chain entries walked, {report.seals_checked} seals checked"
        )
        for p in report.problems:
            console.print(f"[red]FAIL[/red] {p.line()}", highlight=False)
        console.print(
            "[green]all holds[/green]"
            if report.ok
            else f"[red]{len(report.problems)} problems[/red]"
        )
    raise typer.Exit(0 if report.ok else 1)


def _bytes_to_hash(ctx: Any, camera: str | None) -> int:
    from sqlalchemy import select

    from vigil.db.models import Camera

    with ctx.sessions() as s:
        q = select(sum_int(Segment.bytes)).where(Segment.state == SegmentState.SEALED)
        if camera:
            q = q.join(Camera, Camera.id == Segment.camera_id).where(Camera.name == camera)
        return int(s.scalar(q) or 0)


def seal(
    export: Annotated[
        Path | None,
        typer.Option("--export", help="Write the latest seal for openssl to this folder."),
    ] = None,
) -> None:
    """Sign the heads of all chains now, the audit log's included (the recorder also does
    this every few minutes); registered in the audit log, under the seal it makes."""
    from sqlalchemy import select

    from vigil.db.models import Seal

    ctx = open_site()
    made = seal_now(ctx, register=lambda s: Actor.cli().audit(s, ctx, "seal"))
    with ctx.sessions() as s:
        latest = s.scalar(select(Seal).order_by(Seal.id.desc()).limit(1))
    assert latest is not None  # a new seal covers at least its own audit entry
    console.print(f"{'new' if made else 'latest'} seal #{latest.id}")
    if export is not None:
        for p in export_seal(ctx, latest, export):
            console.print(f"wrote {p}")


def register(app: typer.Typer) -> None:
    app.command()(segments)
    app.command()(status)
    app.command()(verify)
    app.command()(seal)
