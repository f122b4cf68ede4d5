"""(placeholder: being written) `vigil staff|room|maintenance ...`."""

from __future__ import annotations

import typer

staff_app = typer.Typer(help="The monitoring-room roster and training.", no_args_is_help=True)
room_app = typer.Typer(help="The monitoring-room entry log.", no_args_is_help=True)
maintenance_app = typer.Typer(help="Maintenance contracts and log.", no_args_is_help=True)
