"""Shared CLI plumbing: the home directory, JSON output, and errors for people."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from vigil.config import default_home
from vigil.context import SiteContext

console = Console()
err_console = Console(stderr=True)

_state: dict[str, Path | None] = {"home": None}


def set_home(home: Path | None) -> None:
    _state["home"] = home


def home() -> Path:
    return _state["home"] or default_home()


def open_site() -> SiteContext:
    return SiteContext.open(home())


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


class _BriefFormatter(logging.Formatter):
    """The terminal gets the message only: tracebacks go to the log file, never to users."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname} {record.getMessage()}"


def setup_logging(site_home: Path | None, *, verbose: bool = False) -> None:
    """Log to the terminal briefly and to HOME/logs/vigil.log in full (tracebacks too)."""
    root = logging.getLogger()
    if getattr(setup_logging, "_done", False):
        return
    setup_logging._done = True  # type: ignore[attr-defined]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    term = logging.StreamHandler(sys.stderr)
    term.setLevel(logging.DEBUG if verbose else logging.WARNING)
    term.setFormatter(_BriefFormatter("%(levelname)s %(message)s"))
    root.addHandler(term)
    if site_home is not None and site_home.exists():
        (site_home / "logs").mkdir(exist_ok=True)
        fh = logging.FileHandler(site_home / "logs" / "vigil.log", encoding="utf-8")
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.addHandler(fh)


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)
