"""(placeholder: being written) `vigil site ...`."""

from __future__ import annotations

import typer

site_app = typer.Typer(help="The site's profile, key positions and coverage.", no_args_is_help=True)
