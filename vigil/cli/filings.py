"""`vigil filing submit|status`: file the system with the county bureau over the link, and
follow the filing to its receipt 备案回执 (A13.2, N14). Registered on `vigil filing`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vigil.audit.actor import Actor
from vigil.cli.common import console, open_site, plain, print_json, when
from vigil.errors import ValidationError

AttachOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--attach",
        help="KIND=FILE (PDF, JPEG or PNG), repeatable: design_plan, test_report, "
        "acceptance_report (A13.2); authorisation_letter, business_licence, handler_id "
        "(the bureau's notice under N14); other.",
    ),
]


def _attachments(values: list[str]) -> dict[str, tuple[bytes, str | None]]:
    out: dict[str, tuple[bytes, str | None]] = {}
    for value in values:
        kind, sep, name = value.partition("=")
        if not sep or not kind.strip() or not name.strip():
            raise ValidationError(f"write KIND=FILE, not {value!r}", field="attach")
        path = Path(name.strip()).expanduser()
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ValidationError(f"cannot read {path}: {exc.strerror}", field="attach") from None
        out[kind.strip()] = (data, path.name)
    return out


def submit_cmd(
    attach: AttachOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Submit the filing (or its correction, or a change filing) to the bureau the site is
    linked with: the form, N14's fields and the documents the law in force asks for."""
    from vigil.filings.submission import submit

    files = _attachments(attach or [])
    ctx = open_site()
    done = submit(ctx, Actor.cli(), attach=files)
    if as_json:
        print_json(done.as_dict())
        return
    what = "change filing" if done.kind == "change" else "filing"
    console.print(
        f"{what} {done.filing_uuid} version {done.version} submitted; queued for the bureau "
        f"as message {done.message_id}",
        highlight=False,
    )
    if done.changes:
        console.print("changed since the last filing: " + ", ".join(done.changes))


def status_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Where the site's filings stand: each version, the bureau's decisions, the receipt."""
    from vigil.filings.submission import status

    found = status(open_site())
    if as_json:
        print_json(found)
        return
    acc = found["acceptance"]
    if acc is not None and not acc["passed"]:
        console.print(f"[red]{acc['banner_zh']} (A13.1)[/red] {acc['banner_en']}")
    if not found["filings"]:
        console.print("not filed yet: `vigil filing submit --attach KIND=FILE ...`")
        return
    receipt = found["receipt"]
    if receipt is not None:
        console.print(
            f"receipt 备案回执 {plain(receipt['number'])} of {receipt['on']} "
            f"(filing {receipt['filing']})",
            highlight=False,
        )
    for f in found["filings"]:
        console.print(f"{f['kind']} filing {f['filing']}: {f['state']} (version {f['version']})")
        for h in f["history"]:
            extra = ""
            if h.get("reasons"):
                extra = " — " + "; ".join(plain(r) for r in h["reasons"])
            elif h.get("receipt_number"):
                extra = f" — receipt {plain(h['receipt_number'])} of {h['receipt_on']}"
            console.print(
                f"  {when(h['at_us'])}  v{h['version']} {h['event']} by {plain(h['by'])}{extra}",
                highlight=False,
            )
