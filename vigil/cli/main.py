"""The `vigil` command."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from vigil.cli import cameras, demo, inspect, recording, serve, users
from vigil.cli.audit import audit_app
from vigil.cli.backup import backup, restore
from vigil.cli.bureau import bureau_app
from vigil.cli.common import (
    console,
    err_console,
    home,
    plain,
    register,
    set_home,
    setup_logging,
)
from vigil.cli.compliance import compliance_app, filing_app, law_app
from vigil.cli.export import export_app
from vigil.cli.filings import status_cmd as filing_status
from vigil.cli.filings import submit_cmd as filing_submit
from vigil.cli.holds import hold_app
from vigil.cli.link import link_app
from vigil.cli.privacy import privacy_app, secret_app, subject_app
from vigil.cli.site_records import site_app
from vigil.cli.staff import maintenance_app, room_app, staff_app
from vigil.context import SiteContext, restrict_umask
from vigil.errors import VigilError

app = typer.Typer(
    name="vigil",
    help="Vigil: record public-safety cameras and keep the originals intact (A2, A17.2(3)).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(cameras.app, name="camera")
app.add_typer(users.user_app, name="user")
app.add_typer(users.token_app, name="token")
app.add_typer(audit_app, name="audit")
app.add_typer(export_app, name="export")
app.add_typer(site_app, name="site")
app.add_typer(staff_app, name="staff")
app.add_typer(room_app, name="room")
app.add_typer(maintenance_app, name="maintenance")
app.add_typer(compliance_app, name="compliance")
filing_app.command("submit")(filing_submit)
filing_app.command("status")(filing_status)
app.add_typer(filing_app, name="filing")
app.add_typer(law_app, name="law")
app.add_typer(link_app, name="link")
app.add_typer(bureau_app, name="bureau")
app.add_typer(hold_app, name="hold")
app.add_typer(subject_app, name="subject-request")
app.add_typer(privacy_app, name="privacy-check")
site_app.add_typer(secret_app, name="secret-unit")
inspect.register(app)
recording.register(app)
serve.register(app)
demo.register(app)
app.command()(backup)
app.command()(restore)


@app.callback()
def _root(
    home_dir: Annotated[
        Path | None,
        typer.Option(
            "--home", help="Data directory (default: $VIGIL_HOME or ~/.local/share/vigil)."
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log more.")] = False,
) -> None:
    if home_dir is not None:
        set_home(home_dir)
    restrict_umask()  # before the log file is created: it is the owner's only
    setup_logging(home() if home().exists() else None, verbose=verbose)


@app.command()
def init(
    home_dir: Annotated[
        Path | None, typer.Option("--home", help="Data directory to create.")
    ] = None,
) -> None:
    """Create a site's data directory, settings, signing key and index."""
    if home_dir is not None:
        set_home(home_dir)
    ctx = SiteContext.init(home())
    site = ctx.site()
    register(ctx, "init", detail={"home": str(ctx.home), "site": site.site_uuid,
                                  "key_id": site.key_id})  # fmt: skip
    console.print(f"Vigil home ready at [bold]{ctx.home}[/bold]")
    console.print(f"site {site.site_uuid}, signing key {site.key_id[:16]}…")
    ctx.close()


def main() -> None:
    try:
        app()
    except VigilError as exc:
        err_console.print(f"[red]error:[/red] {plain(exc.describe())}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # never a stack trace to a user; the log keeps it
        logging.getLogger("vigil").exception("unexpected error")
        err_console.print(
            f"[red]internal error:[/red] {type(exc).__name__}: {plain(exc)}. "
            "The full report is in the log (HOME/logs/vigil.log).",
            highlight=False,
        )
        sys.exit(70)


if __name__ == "__main__":
    main()
