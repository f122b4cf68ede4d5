"""`vigil audit list|verify`: read and check the audit log (A17.2(2))."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vigil.audit.query import list_entries, to_csv
from vigil.audit.verify import verify_audit
from vigil.cli.common import console, open_site, plain, print_json
from vigil.clock import parse_instant
from vigil.integrity.verify import Problem

audit_app = typer.Typer(
    help="The audit log: who reviewed, copied or retrieved what, when, why, and for whom "
    "(A17.2(2)).",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


@audit_app.command("list")
def list_cmd(
    as_json: JsonOpt = False,
    since: Annotated[
        str | None, typer.Option("--since", help="ISO 8601 instant, e.g. 2026-11-28T08:00Z.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="ISO 8601 instant (excluded).")
    ] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor.")] = None,
    action: Annotated[
        str | None, typer.Option("--action", help="Only this action, e.g. export, playback.")
    ] = None,
    camera: Annotated[str | None, typer.Option("--camera", help="Only this camera.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the newest N.")] = None,
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Also write the entries as CSV (UTF-8) here.")
    ] = None,
) -> None:
    """List registered acts, oldest first."""
    ctx = open_site()
    entries = list_entries(
        ctx,
        since_us=parse_instant(since, field="since") if since else None,
        until_us=parse_instant(until, field="until") if until else None,
        actor=actor,
        action=action,
        camera=camera,
        limit=limit,
    )
    if csv_file is not None:
        csv_file.write_text(to_csv(entries), encoding="utf-8", newline="")
    if as_json:
        print_json([e.as_dict() for e in entries])
        return
    table = Table("#", "time (UTC)", "actor", "action", "camera", "range (UTC)",
                  "purpose → destination", "result")  # fmt: skip
    table.columns[1].no_wrap = True
    for e in entries:
        span = f"{e.from_} – {e.to}" if e.from_ or e.to else ""
        why = f"{e.purpose} → {e.destination}" if e.purpose or e.destination else ""
        why += f" ({e.caller_unit})" if e.caller_unit else ""
        colour = "green" if e.result == "ok" else "yellow"
        who = f"{e.actor} ({e.actor_role})" if e.actor_role else e.actor
        # Purposes and destinations are people's words: printed as written, never as markup.
        table.add_row(str(e.seq), e.time, plain(who), plain(e.action), plain(e.camera_name),
                      span, plain(why),
                      f"[{colour}]{e.result}[/{colour}]")  # fmt: skip
    console.print(table)
    console.print(f"{len(entries)} entries" + (f"; CSV written to {csv_file}" if csv_file else ""))


@audit_app.command("verify")
def verify_cmd(as_json: JsonOpt = False) -> None:
    """Check that no registered act was altered, removed or inserted (exit 0 = it holds)."""
    ctx = open_site()
    report_problems(verify_audit(ctx), as_json, "the audit log holds")


def report_problems(problems: Sequence[Problem], as_json: bool, holds: str) -> None:
    """Print an audit log's problems, one line each naming the seq (or as JSON), and exit
    0 when there are none, else 1; also `vigil bureau audit verify` (A27)."""
    if as_json:
        print_json({"ok": not problems, "problems": [asdict(p) for p in problems]})
    else:
        for p in problems:
            console.print(f"[red]FAIL[/red] {p.line()}", highlight=False, soft_wrap=True)
        console.print(
            f"[green]{holds}[/green]" if not problems else f"[red]{len(problems)} problems[/red]"
        )
    raise typer.Exit(0 if not problems else 1)
