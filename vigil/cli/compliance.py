"""(placeholder: being written) `vigil compliance|filing ...`."""

from __future__ import annotations

import typer

compliance_app = typer.Typer(help="The self-check report.", no_args_is_help=True)
filing_app = typer.Typer(help="The filing form (A13.2).", no_args_is_help=True)
