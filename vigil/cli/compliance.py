"""`vigil compliance report|verify` and `vigil filing form`: the self-check and the filing form.

Every report or form generated is registered in the audit log, like any copy that leaves
the system (A17.2(2)).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from vigil.cli.common import console, err_console, open_site, print_json, register
from vigil.compliance import DEFAULT_PERIOD_DAYS, build_report, report_bytes, verify_report
from vigil.context import SiteContext
from vigil.errors import ValidationError, VigilError

compliance_app = typer.Typer(
    help="The self-check report: each duty of the measures, met or not, with its evidence.",
    no_args_is_help=True,
)
filing_app = typer.Typer(help="The filing form (备案表, A13.2).", no_args_is_help=True)

_COLOUR = {"met": "green", "not_met": "red", "needs_evidence": "yellow"}


def _registered_write(
    ctx: SiteContext, action: str, files: list[tuple[Path, bytes, str]], detail: dict[str, Any]
) -> None:
    """Register the copy first (A17.2(2)): if the entry can't be written, nothing is written.
    A write that then fails is registered as failed before the error is shown."""
    destination = ", ".join(str(path) for path, _, _ in files)
    register(ctx, action, destination=destination, detail=detail)
    for path, data, field in files:
        try:
            path.write_bytes(data)
        except OSError as exc:
            register(
                ctx, action, result="failed", destination=str(path),
                detail={**detail, "error": exc.strerror or str(exc)},
            )  # fmt: skip
            raise ValidationError(f"cannot write {path}: {exc.strerror}", field=field) from None


def _print_report(report: dict[str, Any]) -> None:
    site = report["site"]
    console.print(
        f"[bold]Self-check report[/bold] {site.get('unit_name') or '(no profile)'} "
        f"{site.get('credit_code') or ''} · {report['generated_at']}",
        highlight=False,
    )
    table = Table("article", "duty", "status", "evidence", "action", show_lines=True)
    for d in report["duties"]:
        c = _COLOUR[d["status"]]
        action = d["action"] + ("\n" + "\n".join(d["sanctions"]) if d["sanctions"] else "")
        table.add_row(
            d["id"], d["title"], f"[{c}]{d['status']}[/{c}]", "\n".join(d["evidence"]), action
        )
    console.print(table)
    s = report["summary"]
    console.print(
        f"met {s['met']} · not met {s['not_met']} · needs evidence "
        f"{s['needs_evidence']} · signed by key {report['signature']['key_id'][:16]}…"
    )


@compliance_app.command("report")
def report_cmd(
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Write the report as PDF (Chinese) here.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the signed report as JSON.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write the signed JSON to this file.")
    ] = None,
    full_verify: Annotated[
        bool,
        typer.Option("--verify", help="Re-hash every recorded file (slow on big sites)."),
    ] = False,
    period_days: Annotated[
        int, typer.Option("--period-days", help="Window for room entries and watch shifts.")
    ] = DEFAULT_PERIOD_DAYS,
) -> None:
    """Check every duty of the unit now; print it, or write it as JSON and PDF, signed."""
    ctx = open_site()
    report = build_report(ctx, full_verify=full_verify, period_days=period_days)
    detail: dict[str, Any] = {
        "summary": report["summary"],
        "signature_sha256": report["signature"]["sha256"],
    }
    files: list[tuple[Path, bytes, str]] = []
    if pdf is not None:
        from vigil.compliance.pdf import render_report_pdf

        data = render_report_pdf(report)
        files.append((pdf, data, "pdf"))
        detail["pdf_sha256"] = hashlib.sha256(data).hexdigest()
    if out is not None:
        files.append((out, report_bytes(report), "out"))
    _registered_write(ctx, "compliance_report", files, detail)
    if as_json:
        sys.stdout.write(report_bytes(report).decode("utf-8"))
        sys.stdout.flush()
    elif pdf is None and out is None:
        _print_report(report)
    else:
        written = ", ".join(str(p) for p in (pdf, out) if p is not None)
        s = report["summary"]
        err_console.print(
            f"written {written}: met {s['met']}, not met {s['not_met']}, "
            f"needs evidence {s['needs_evidence']}",
            highlight=False,
        )


@compliance_app.command("verify")
def verify_cmd(
    file: Annotated[Path, typer.Argument(help="A report saved as JSON (--json or --out).")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Check a report's signature (exit 0: it verifies and is this site's)."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ValidationError(f"cannot read {file}: {exc.strerror}", field="file") from None
    pem: str | None = None
    try:
        pem = open_site().site().public_key_pem
    except VigilError:  # verifying away from the site: the included key is used
        pem = None
    problems = verify_report(data, pem)
    if as_json:
        print_json({"ok": not problems, "problems": problems})
    else:
        for p in problems:
            console.print(f"[red]FAIL[/red] {p}", highlight=False)
        console.print(
            "[green]the report verifies[/green]"
            if not problems
            else f"[red]{len(problems)} problems[/red]"
        )
    raise typer.Exit(0 if not problems else 1)


@filing_app.command("form")
def form_cmd(
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Write the filing form (Chinese PDF) here.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the form's content.")] = False,
) -> None:
    """The filing form: unit, cameras, documents, and the filing deadline (A13.2, A13.3)."""
    from vigil.compliance.filing import filing_form, render_filing_pdf

    ctx = open_site()
    form = filing_form(ctx)
    detail: dict[str, Any] = {"deadline": form["deadline"].get("state")}
    files: list[tuple[Path, bytes, str]] = []
    if pdf is not None:
        data = render_filing_pdf(form)
        files.append((pdf, data, "pdf"))
        detail["pdf_sha256"] = hashlib.sha256(data).hexdigest()
    _registered_write(ctx, "filing_form", files, detail)
    if as_json:
        print_json(form)
        return
    dl = form["deadline"]
    console.print(
        f"{form['unit']['unit_name']}: filing ({dl['article']}) due "
        f"{dl.get('due_on') or '?'} — {dl['text_zh']}",
        highlight=False,
    )
    if pdf is not None:
        console.print(f"written {pdf}")
