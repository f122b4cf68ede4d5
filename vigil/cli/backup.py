"""`vigil backup DEST` and `vigil restore SRC --home NEW` (docs/deployment.md, "Backup")."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vigil.audit.actor import Actor
from vigil.backup import backup as take_backup
from vigil.backup import restore as run_restore
from vigil.cli.common import JsonOpt, console, open_site, print_json


def backup(
    dest: Annotated[Path, typer.Argument(help="New directory to write the backup to.")],
    as_json: JsonOpt = False,
) -> None:
    """Copy the index (online, consistent), keys, settings and records' files to DEST."""
    ctx = open_site()
    try:
        info = take_backup(ctx, dest, actor=Actor.cli())
    finally:
        ctx.close()
    if as_json:
        print_json({"dest": str(dest.absolute()), **info.as_dict()})
        return
    console.print(
        f"backup of site {info.site_uuid} taken at {info.taken_at} ({info.database} index, "
        f"{len(info.files)} files) in [bold]{dest.absolute()}[/bold]"
    )
    console.print(f"The recordings are not in it: copy {ctx.home / 'segments'} as well (rsync).")


def restore(
    src: Annotated[Path, typer.Argument(help="A directory written by `vigil backup`.")],
    new_home: Annotated[Path, typer.Option("--home", help="The new home to create.")],
    segments: Annotated[
        Path | None,
        typer.Option(
            "--segments",
            help="Recorded segments to adopt (default: the backed-up home's segments/).",
        ),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="Empty PostgreSQL database for a PostgreSQL backup."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Build a new home from a backup and the segments on disk, reconciling the two."""
    report = run_restore(
        src, new_home, segments=segments, database_url=database_url, actor=Actor.cli()
    )
    if as_json:
        print_json(report.as_dict())
        return
    console.print(
        f"restored the backup of {report.backup_taken_at} into [bold]{report.home}[/bold]"
    )
    console.print(
        f"{report.segments_adopted} recorded files adopted, {report.expired} expired "
        f"since the backup, {len(report.reindexed)} recorded since it re-indexed"
    )
    for key in report.reindexed:
        console.print(f"re-indexed {key}", highlight=False)
    for key in report.quarantined:
        console.print(f"[yellow]quarantined[/yellow] {key}", highlight=False)
    for key in report.missing:
        console.print(
            f"[red]missing[/red] {key}: indexed, but the file is not on disk", highlight=False
        )
    console.print("check it with `vigil verify` and `vigil audit verify`")
