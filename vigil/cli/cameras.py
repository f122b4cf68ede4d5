"""`vigil camera add|list|set|remove`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from vigil.cli.common import console, open_site, print_json
from vigil.clock import us_to_iso
from vigil.site.cameras import CameraRegistry

app = typer.Typer(help="Manage cameras.", no_args_is_help=True)

RetentionOpt = Annotated[
    int,
    typer.Option(
        "--retention-days",
        help="Days the originals are kept; at least 30 (A17.2(3)).",
    ),
]
MaxOpt = Annotated[
    int | None,
    typer.Option(
        "--max-retention-days",
        help="Optional: delete material at the latest after this many days.",
    ),
]


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Short unique name, e.g. lobby-1.")],
    url: Annotated[str, typer.Option("--url", help="rtsp://[user:pass@]host[:port]/path")],
    retention_days: Annotated[
        int | None,
        typer.Option(
            "--retention-days",
            help="Days the originals are kept; at least 30 (A17.2(3)). Default: the site's.",
        ),
    ] = None,
    max_retention_days: MaxOpt = None,
) -> None:
    """Register a camera (the password in the URL is stored encrypted)."""
    ctx = open_site()
    cam = CameraRegistry(ctx).add(name, url, retention_days, max_retention_days)
    console.print(
        f"added camera [bold]{cam.name}[/bold] {cam.url} (retention {cam.retention_days} d)"
    )


@app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Include removed cameras.")] = False,
) -> None:
    """List cameras (passwords are never shown)."""
    cams = CameraRegistry(open_site()).list(include_removed=all_)
    if as_json:
        print_json([c.as_dict() for c in cams])
        return
    table = Table("name", "url", "retention (days)", "max (days)", "state", "added")
    for c in cams:
        table.add_row(
            c.name, c.url, str(c.retention_days), str(c.max_retention_days or "-"), c.state,
            us_to_iso(c.created_us),
        )  # fmt: skip
    console.print(table)


@app.command("set")
def set_(
    name: str,
    retention_days: RetentionOpt,
    max_retention_days: MaxOpt = None,
) -> None:
    """Change a camera's retention (never below 30 days, A17.2(3))."""
    cam = CameraRegistry(open_site()).set_retention(name, retention_days, max_retention_days)
    console.print(
        f"{cam.name}: retention {cam.retention_days} d, max {cam.max_retention_days or '-'}"
    )


@app.command("remove")
def remove(name: str) -> None:
    """Stop recording a camera. Its footage stays until its retention ends (A18(2))."""
    cam, kept = CameraRegistry(open_site()).remove(name)
    console.print(
        f"removed camera [bold]{cam.name}[/bold]; its {kept} segments are kept until their "
        f"{cam.retention_days}-day retention ends (A18(2))"
    )
