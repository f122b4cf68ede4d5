"""Shared CLI plumbing: the home directory, JSON output, tables, instants, files to keep on
record, and errors for people."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from vigil.audit.actor import Actor
from vigil.clock import parse_instant, us_to_iso
from vigil.config import default_home
from vigil.context import SiteContext
from vigil.errors import ValidationError
from vigil.records import attachments
from vigil.text import RedactingFilter, printable

T = TypeVar("T")

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="ISO 8601 instant.")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="ISO 8601 instant.")]
FileOpt = Annotated[
    Path | None,
    typer.Option("--file", help="Keep this file (PDF, JPEG or PNG) on record and cite it."),
]

console = Console()
# Errors are never broken across lines: a path or a field name in a message must survive
# copying, and a program reading stderr sees one line per error.
err_console = Console(stderr=True, soft_wrap=True)

_state: dict[str, Path | None] = {"home": None}


def set_home(home: Path | None) -> None:
    _state["home"] = home


def home() -> Path:
    return _state["home"] or default_home()


def open_site() -> SiteContext:
    return SiteContext.open(home())


def register(ctx: SiteContext, action: str, **fields: Any) -> int:
    """Register a CLI act that changes nothing else in the index (a report written, a copy
    saved) as the OS user, in its own transaction; its seq. Acts that change the index are
    registered by the domain function, in the transaction that makes the change."""
    with ctx.sessions.begin() as s:
        return Actor.cli().audit(s, ctx, action, **fields)


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
    # On the handlers, not on loggers: a handler's filter sees every record it writes,
    # whichever library logged it, so a log never carries a camera password.
    term.addFilter(RedactingFilter())
    root.addHandler(term)
    if site_home is not None and site_home.exists():
        (site_home / "logs").mkdir(exist_ok=True)
        fh = logging.FileHandler(site_home / "logs" / "vigil.log", encoding="utf-8")
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        fh.addFilter(RedactingFilter())
        root.addHandler(fh)


def plain(value: object) -> str:
    """Stored or typed text for a Rich console: its `[markup]` printed as written, and any
    control character (a terminal escape in a row stored before text was checked) shown as
    `\\xNN` instead of reaching the terminal."""
    return escape(printable(str(value)))


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {plain(message)}", highlight=False)
    return typer.Exit(code)


def instant(text: str | None, field: str) -> int | None:
    """An optional ISO 8601 option as microseconds, refused naming `field`."""
    return parse_instant(text, field=field) if text else None


def when(us: int | None) -> str:
    """An instant for a table: ISO 8601 UTC, or "-"."""
    return us_to_iso(us) if us is not None else "-"


def show(
    items: Sequence[T],
    as_json: bool,
    columns: Sequence[str],
    cells: Callable[[T], Sequence[str]],
    *,
    to_json: Callable[[T], Any] | None = None,
) -> None:
    """`items` as a JSON list (`to_json`, default each item's `as_dict()`) or a table."""
    if as_json:
        print_json([to_json(v) if to_json else v.as_dict() for v in items])  # type: ignore[attr-defined]
        return
    table = Table(*columns)
    for v in items:
        table.add_row(*(plain(c) for c in cells(v)))
    console.print(table)


def read_upload(path: Path, field: str) -> bytes:
    """The bytes of a file to keep on record; refused naming `field` if unreadable or too big."""
    limit = attachments.MAX_ATTACHMENT_BYTES
    try:
        if path.stat().st_size > limit:
            raise ValidationError(
                f"{path} is larger than {limit // (1024 * 1024)} MiB", field=field
            )
        return path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror}", field=field) from None


def keep_file(
    ctx: SiteContext, path: Path, *, kind: str, field: str = "file", actor: Actor | None = None
) -> int:
    """Keep the file at `path` on record (`vigil.records.attachments`); its id."""
    data = read_upload(path, field)
    attachments.check_file(data, field=field)
    att = attachments.store(ctx, data, kind=kind, filename=path.name, actor=actor or Actor.cli())
    return att.id


def attachment_or_file(
    ctx: SiteContext, attachment_id: int | None, path: Path | None, *, kind: str
) -> int | None:
    """The attachment a record cites: `--attachment-id`, or `--file` kept on record now."""
    if path is None:
        return attachment_id
    if attachment_id is not None:
        raise ValidationError("give --attachment-id or --file, not both", field="file")
    return keep_file(ctx, path, kind=kind)
