"""`vigil site profile|positions|coverage|catalogue`: the unit's profile and key positions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from vigil.audit.actor import Actor
from vigil.cli.common import JsonOpt, console, open_site, print_json, read_upload
from vigil.clock import us_to_iso
from vigil.errors import ValidationError
from vigil.records import attachments, positions
from vigil.records import profile as records
from vigil.records.common import today
from vigil.records.coverage import coverage
from vigil.records.positions import PositionInput
from vigil.regulation import LOCATION_TYPES, SITE_CATEGORIES, SITE_KINDS

site_app = typer.Typer(help="The site's profile, key positions and coverage.", no_args_is_help=True)
profile_app = typer.Typer(help="The unit and its system (A7, A9, A11, A13).", no_args_is_help=True)
positions_app = typer.Typer(help="The key positions the unit confirmed (A7.2).")
site_app.add_typer(profile_app, name="profile")
site_app.add_typer(positions_app, name="positions")


def _opt(name: str, help_: str) -> Any:
    return typer.Option(name, help=help_ + " An empty value clears an optional field.")


@profile_app.command("show")
def show(as_json: JsonOpt = False) -> None:
    """The profile and what the measures say about it today."""
    found = records.get_profile(open_site())
    if as_json:
        print_json({"profile": found.as_dict() if found else None})
        return
    if found is None:
        console.print("no profile yet; fill it in with `vigil site profile set --unit-name ...`")
        return
    table = Table("field", "value", show_header=False)
    for f in records.FIELDS:
        value = found.values[f]
        text = (
            ", ".join(value)
            if isinstance(value, list)
            else ("-" if value in (None, "") else str(value))
        )
        if f == "division_code" and records.division_name(value):
            text += f" {records.division_name(value)}"
        table.add_row(f, text)
    table.add_row("updated", f"{us_to_iso(found.updated_us)} by {found.updated_by}")
    console.print(table)
    for c in found.checks:
        colour = {"ok": "green", "due": "yellow"}.get(c.state, "red")
        console.print(f"[{colour}]{c.state}[/{colour}] {c.article}: {c.message}", highlight=False)


_FILE_FIELDS = {
    "design_plan": "design_plan_id",
    "test_report": "test_report_id",
    "acceptance_report": "acceptance_report_id",
}


@profile_app.command("set")
def set_(
    unit_name: Annotated[str | None, _opt("--unit-name", "The unit's registered name.")] = None,
    credit_code: Annotated[
        str | None, _opt("--credit-code", "Unified social credit code (GB 32100, 18 chars).")
    ] = None,
    division_code: Annotated[
        str | None, _opt("--division-code", "Administrative division code (GB/T 2260, 6 digits).")
    ] = None,
    address: Annotated[str | None, _opt("--address", "The site's address.")] = None,
    categories: Annotated[
        str | None,
        _opt("--categories", "A7 category codes, comma-separated (see `vigil site catalogue`)."),
    ] = None,
    site_kind: Annotated[
        str | None, _opt("--site-kind", "Kind of site where A9.1 splits a category.")
    ] = None,
    builder: Annotated[str | None, _opt("--builder", "government (A9.1) or unit (A9.2).")] = None,
    contact_name: Annotated[str | None, _opt("--contact-name", "Contact person.")] = None,
    contact_phone: Annotated[str | None, _opt("--contact-phone", "Contact telephone.")] = None,
    project_kind: Annotated[
        str | None, _opt("--project-kind", "existing, new, rebuilt or expanded (A11).")
    ] = None,
    delivered_on: Annotated[
        str | None, _opt("--delivered-on", "YYYY-MM-DD; the filing is due 30 days later.")
    ] = None,
    commissioned_on: Annotated[
        str | None, _opt("--commissioned-on", "YYYY-MM-DD the system went into use.")
    ] = None,
    main_works_started_on: Annotated[
        str | None, _opt("--main-works-started-on", "YYYY-MM-DD (A11).")
    ] = None,
    main_works_in_use_on: Annotated[
        str | None, _opt("--main-works-in-use-on", "YYYY-MM-DD (A11).")
    ] = None,
    accepted_on: Annotated[str | None, _opt("--accepted-on", "YYYY-MM-DD of acceptance.")] = None,
    filed_on: Annotated[str | None, _opt("--filed-on", "YYYY-MM-DD of the filing.")] = None,
    design_plan: Annotated[
        Path | None, typer.Option("--design-plan", help="The design plan (PDF or image, A13.2).")
    ] = None,
    test_report: Annotated[
        Path | None, typer.Option("--test-report", help="The technical test report (A13.2).")
    ] = None,
    acceptance_report: Annotated[
        Path | None, typer.Option("--acceptance-report", help="The acceptance documents.")
    ] = None,
    jurisdiction: Annotated[
        str | None,
        _opt(
            "--jurisdiction", "The jurisdiction profile: which laws apply when (`vigil law list`)."
        ),
    ] = None,
    national_class: Annotated[
        str | None,
        _opt(
            "--national-class",
            "The site's class under N7/N9 (crowded_place, transport_hub, public_vehicle, "
            "service_area, government_place, other_public_place).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Fill in or change the profile; fields not given are kept. Checked as a whole."""
    given = {
        "unit_name": unit_name,
        "credit_code": credit_code,
        "division_code": division_code,
        "address": address,
        "categories": categories,
        "site_kind": site_kind,
        "builder": builder,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "project_kind": project_kind,
        "delivered_on": delivered_on,
        "commissioned_on": commissioned_on,
        "main_works_started_on": main_works_started_on,
        "main_works_in_use_on": main_works_in_use_on,
        "accepted_on": accepted_on,
        "filed_on": filed_on,
        "jurisdiction": jurisdiction,
        "national_class": national_class,
    }
    changes: dict[str, Any] = {k: (v or None) for k, v in given.items() if v is not None}
    files = {
        "design_plan": design_plan,
        "test_report": test_report,
        "acceptance_report": acceptance_report,
    }
    ctx = open_site()
    actor = Actor.cli()
    blobs: dict[str, bytes] = {}
    for kind, path in files.items():
        if path is not None:
            blobs[kind] = read_upload(path, kind)
            attachments.check_file(blobs[kind], field=kind)
    if not changes and not blobs:
        raise ValidationError("give at least one field to set (see --help)", field="profile")
    # Check the whole profile before any file is kept, so a refusal leaves nothing behind.
    with ctx.sessions() as s:
        current = records.get_profile(ctx)
        records.validate(s, current.values if current else None, changes, on=today(ctx))
    for kind, data in blobs.items():
        path = files[kind]
        assert path is not None
        att = attachments.store(ctx, data, kind=kind, filename=path.name, actor=actor)
        changes[_FILE_FIELDS[kind]] = att.id
    view = records.update_profile(ctx, changes, actor)
    if as_json:
        print_json({"profile": view.as_dict()})
        return
    console.print(f"profile of [bold]{view.values['unit_name']}[/bold] saved")
    code = view.values["division_code"]
    console.print(f"division {code}: {records.division_name(code)}", highlight=False)
    for c in view.checks:
        console.print(f"{c.state} {c.article}: {c.message}", highlight=False)


@positions_app.callback(invoke_without_command=True)
def positions_(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The key positions (no subcommand: list them, with suggestions from the categories)."""
    if ctx.invoked_subcommand is not None:
        return
    site = open_site()
    confirmed = positions.list_positions(site)
    suggested = positions.suggested_positions(site)
    if as_json:
        print_json(
            {
                "positions": [p.as_dict() for p in confirmed],
                "suggested": [p.as_dict() for p in suggested],
            }
        )
        return
    table = Table("code", "label", "category", "required", "note", title="key positions (A7.2)")
    for p in confirmed:
        table.add_row(p.code, p.label, p.category or "-", "yes" if p.required else "no", p.note)
    console.print(table)
    if suggested:
        console.print(
            "suggested for the site's categories: " + ", ".join(p.code for p in suggested)
        )


@positions_app.command("add")
def positions_add(
    code: Annotated[str, typer.Argument(help="A catalogue position, or custom:<slug>.")],
    label: Annotated[str, typer.Option("--label", help="Name (required for custom:).")] = "",
    category: Annotated[str, typer.Option("--category", help="A7 category code.")] = "",
    optional: Annotated[
        bool, typer.Option("--optional", help="Not counted in the coverage report.")
    ] = False,
    note: Annotated[str, typer.Option("--note", help="Free text.")] = "",
) -> None:
    """Add a key position the unit decided on (A7.2)."""
    pos = positions.add_position(
        open_site(), PositionInput(code, label, category, not optional, note), Actor.cli()
    )
    console.print(f"added key position [bold]{pos.code}[/bold] ({pos.label})")


@positions_app.command("drop")
def positions_drop(code: Annotated[str, typer.Argument(help="The position's code.")]) -> None:
    """Drop a key position that does not apply to this site (A7.2)."""
    pos = positions.drop_position(open_site(), code, Actor.cli())
    console.print(f"dropped key position [bold]{pos.code}[/bold] ({pos.label})")


@site_app.command("coverage")
def coverage_(as_json: JsonOpt = False) -> None:
    """Which key positions have a working camera, and the gaps (A7)."""
    report = coverage(open_site())
    if as_json:
        print_json(report.as_dict())
        return
    if not report.positions:
        console.print(
            "no key positions confirmed yet: fill in the profile's categories "
            "(`vigil site profile set --categories ...`)"
        )
        return
    table = Table("position", "label", "status", "cameras", title="coverage of key positions (A7)")
    for row in report.positions:
        colour = {"covered": "green", "not_working": "yellow"}.get(row.status, "red")
        cams = ", ".join(f"{c['name']} ({c['state']})" for c in row.cameras) or "-"
        table.add_row(row.code, row.label, f"[{colour}]{row.status}[/{colour}]", cams)
    console.print(table)
    if report.gaps:
        console.print("gaps (no camera): " + ", ".join(report.gaps), highlight=False)
    if report.not_working:
        console.print("no working camera: " + ", ".join(report.not_working), highlight=False)
    if report.unsited_cameras:
        console.print(
            "cameras without a siting: " + ", ".join(report.unsited_cameras), highlight=False
        )


@site_app.command("catalogue")
def catalogue(as_json: JsonOpt = False) -> None:
    """The codes to use: A7 categories, site kinds (A9.1), location types (A7, A8)."""
    if as_json:
        print_json(
            {
                "categories": {
                    c.code: {"article": c.article, "zh": c.zh, "en": c.en}
                    for c in SITE_CATEGORIES.values()
                },
                "site_kinds": {
                    k.code: {"category": k.category, "zh": k.zh, "en": k.en}
                    for k in SITE_KINDS.values()
                },
                "location_types": {
                    t.code: {"zh": t.zh, "en": t.en, "allowed": t.allowed, "article": t.article}
                    for t in LOCATION_TYPES.values()
                },
            }
        )
        return
    cats = Table("category", "article", "name", title="site categories (A7)")
    for c in SITE_CATEGORIES.values():
        cats.add_row(c.code, c.article, f"{c.zh}\n{c.en}")
    console.print(cats)
    kinds = Table("site kind", "category", "name", title="site kinds (A9.1)")
    for k in SITE_KINDS.values():
        kinds.add_row(k.code, k.category, f"{k.zh} {k.en}")
    console.print(kinds)
    locs = Table("location type", "name", "allowed", title="location types (A7.2, A8)")
    for t in LOCATION_TYPES.values():
        allowed = "yes" if t.allowed else f"[red]no, {t.article}[/red]"
        locs.add_row(t.code, f"{t.zh} {t.en}", allowed)
    console.print(locs)
