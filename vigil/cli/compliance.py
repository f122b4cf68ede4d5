"""`vigil compliance report|verify`, `vigil filing form` and `vigil law list`: the self-check,
the filing form, and the legal texts a site's jurisdiction applies on which days.

Every report or form generated is registered in the audit log, like any copy that leaves
the system (A17.2(2)).
"""

from __future__ import annotations

import hashlib
import sys
from datetime import date
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
filing_app = typer.Typer(help="The filing form (备案表, A13.2, N14).", no_args_is_help=True)
law_app = typer.Typer(
    help="The legal texts (rule sets) and the jurisdiction profiles that apply them.",
    no_args_is_help=True,
)


def _on_day(value: str | None, field: str = "on") -> date | None:
    if value is None:
        return None
    from vigil.records.profile import parse_day

    return parse_day(value, field)


@law_app.command("list")
def law_list(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    on: Annotated[
        str | None,
        typer.Option("--on", help="YYYY-MM-DD: the law in force that day (default today)."),
    ] = None,
) -> None:
    """The rule sets (each legal text, in force from when), the jurisdiction profiles, and
    the law the site's profile applies on a day."""
    from vigil.records.common import today
    from vigil.records.profile import get_profile, site_law
    from vigil.regulation.rulesets import DEFAULT_JURISDICTION, PROFILES, RULE_SETS

    day = _on_day(on)
    site_values: dict[str, Any] = {"jurisdiction": DEFAULT_JURISDICTION}
    try:
        ctx = open_site()
        found = get_profile(ctx)
        if found is not None:
            site_values = found.values
        day = day or today(ctx)
    except VigilError:  # no site here: the default profile, today in UTC
        from datetime import UTC, datetime

        day = day or datetime.now(UTC).date()
    law = site_law(site_values, day)
    out: dict[str, Any] = {
        "rule_sets": [
            {
                "id": r.id,
                "prefix": r.prefix,
                "title_zh": r.title_zh,
                "title_en": r.title_en,
                "rank": r.rank,
                "in_force_from": r.in_force_from.isoformat(),
                "articles": len(r.articles()),
            }
            for r in RULE_SETS.values()
        ],
        "profiles": [
            {
                "name": p.name,
                "title": p.title,
                "default": p.name == DEFAULT_JURISDICTION,
                "applies": [
                    {
                        "rule_set": a.rule_set,
                        "from": a.since.isoformat(),
                        "until": a.until.isoformat() if a.until else None,
                    }
                    for a in p.applies
                ],
                "retired": [
                    {"article": r.article, "from": r.since.isoformat(), "note": r.note}
                    for r in p.retired
                ],
                "governing": p.governing,
            }
            for p in PROFILES.values()
        ],
        "in_force": law.describe(),
    }
    if as_json:
        print_json(out)
        return
    table = Table("rule set", "IDs", "title", "rank", "in force from")
    for r in out["rule_sets"]:
        table.add_row(r["id"], f"{r['prefix']}…", r["title_zh"], r["rank"], r["in_force_from"])
    console.print(table)
    for p in out["profiles"]:
        spans = ", ".join(
            f"{a['rule_set']} from {a['from']}" + (f" until {a['until']}" if a["until"] else "")
            for a in p["applies"]
        )
        mark = " (default)" if p["default"] else ""
        console.print(f"[bold]{p['name']}[/bold]{mark}: {spans}", highlight=False)
    sets = ", ".join(law.ids) or "none"
    console.print(
        f"in force on {law.on} for this site ({law.profile.name}): {sets}", highlight=False
    )


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
        cited = ", ".join(d["articles"]) + (" (optional)" if d.get("optional") else "")
        table.add_row(
            cited, d["title"], f"[{c}]{d['status']}[/{c}]", "\n".join(d["evidence"]), action
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
    on: Annotated[
        str | None,
        typer.Option(
            "--on", help="YYYY-MM-DD: judge by the law in force that day (default today)."
        ),
    ] = None,
) -> None:
    """Check every duty of the unit now; print it, or write it as JSON and PDF, signed."""
    ctx = open_site()
    report = build_report(ctx, full_verify=full_verify, period_days=period_days, on=_on_day(on))
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
    on: Annotated[
        str | None,
        typer.Option("--on", help="YYYY-MM-DD: the form the law of that day asks for."),
    ] = None,
) -> None:
    """The filing form: unit, cameras, documents, and the filing deadline (A13.2, A13.3,
    N14), as the law in force asks."""
    from vigil.compliance.filing import filing_form, render_filing_pdf

    ctx = open_site()
    form = filing_form(ctx, on=_on_day(on))
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
        f"{form['unit']['unit_name']}: filing ({', '.join(dl['articles']) or dl['article']}) due "
        f"{dl.get('due_on') or '?'} — {dl['text_zh']}",
        highlight=False,
    )
    if pdf is not None:
        console.print(f"written {pdf}")
