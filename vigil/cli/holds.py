"""`vigil hold add|list|lift`: the recorded purposes that keep material past 30 days (N17)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from vigil.audit.actor import Actor
from vigil.cli.common import JsonOpt, console, open_site, plain, print_json
from vigil.clock import parse_recording_instant
from vigil.storage import holds

hold_app = typer.Typer(
    help="Retention holds: why a camera's material is kept past 30 days (N17).",
    no_args_is_help=True,
)


@hold_app.command("add")
def add(
    camera: Annotated[str, typer.Argument(help="The camera whose material is kept.")],
    kind: Annotated[
        str, typer.Option("--kind", help="evidence (evidence hold), case (open case) or law.")
    ],
    ref: Annotated[
        str, typer.Option("--ref", help="Case or evidence number; for --kind law, the law.")
    ],
    until: Annotated[
        str | None,
        typer.Option("--until", help="Last day of the hold (YYYY-MM-DD); default: until lifted."),
    ] = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="Keep only material from this instant.")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="... up to this instant.")] = None,
) -> None:
    """Record a purpose: the retention run keeps the material it covers (N17)."""
    ctx = open_site()
    now = ctx.clock.now_us()
    view = holds.add_hold(
        ctx,
        camera,
        kind=kind,
        reference=ref,
        until=until,
        from_us=parse_recording_instant(from_, field="from", now_us=now) if from_ else None,
        to_us=parse_recording_instant(to, field="to", now_us=now) if to else None,
        by=Actor.cli(),
    )
    span = f" {view.from_ or '…'} – {view.to or '…'}" if view.from_ or view.to else ""
    console.print(
        f"hold {view.id} on {view.camera}{span}: {view.kind} {plain(view.reference)}, "
        f"until {view.until or 'lifted'}"
    )


@hold_app.command("list")
def list_(
    as_json: JsonOpt = False,
    live: Annotated[bool, typer.Option("--live", help="Only holds in force.")] = False,
) -> None:
    """Every hold, live or ended, with who set and lifted it."""
    views = holds.list_holds(open_site(), live_only=live)
    if as_json:
        print_json([v.as_dict() for v in views])
        return
    table = Table("id", "camera", "kind", "reference", "span", "until", "set", "lifted", "live")
    for v in views:
        table.add_row(
            str(v.id),
            v.camera,
            v.kind,
            plain(v.reference),
            f"{v.from_ or '…'} – {v.to or '…'}" if v.from_ or v.to else "all",
            v.until or "-",
            f"{v.set_by} {v.set_at}",
            f"{v.lifted_by} {v.lifted_at}: {plain(v.lift_reason or '')}" if v.lifted_at else "-",
            "yes" if v.live else "no",
        )
    console.print(table)


@hold_app.command("lift")
def lift(
    hold_id: Annotated[int, typer.Argument(metavar="ID", help="The hold's id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why its purpose is served.")],
) -> None:
    """End a hold; the next retention run expires what is past the camera's retention."""
    view = holds.lift_hold(open_site(), hold_id, reason=reason, by=Actor.cli())
    console.print(f"hold {view.id} on {view.camera} lifted by {view.lifted_by}")
