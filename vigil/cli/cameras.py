"""`vigil camera add|list|set|remove|site|reference`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vigil.audit.actor import Actor
from vigil.cameras import CameraRegistry, check_camera_type
from vigil.cli.common import console, open_site, plain, print_json, read_upload
from vigil.clock import us_to_iso
from vigil.errors import ValidationError
from vigil.records import attachments, siting

app = typer.Typer(help="Manage cameras.", no_args_is_help=True)

MaxOpt = Annotated[
    int | None,
    typer.Option(
        "--max-retention-days",
        help="Optional: delete material at the latest after this many days.",
    ),
]


LocationOpt = Annotated[
    str | None,
    typer.Option(
        "--location-type",
        help="Where it looks: a key position such as entrance, lobby, passage, or "
        "custom:<slug>; places A8 forbids are refused.",
    ),
]
PurposeOpt = Annotated[str | None, typer.Option("--purpose", help="What the camera is for.")]
TypeOpt = Annotated[
    str | None,
    typer.Option("--type", help="bullet, dome, ptz, fisheye or other (N14 files the types)."),
]


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Short unique name, e.g. lobby-1.")],
    url: Annotated[str, typer.Option("--url", help="rtsp://[user:pass@]host[:port]/path")],
    retention_days: Annotated[
        int | None,
        typer.Option(
            "--retention-days",
            help="Days the originals are kept; at least 30 (A17.2(3)). Default: the site's.",
        ),
    ] = None,
    max_retention_days: MaxOpt = None,
    location_type: LocationOpt = None,
    purpose: PurposeOpt = None,
    camera_type: TypeOpt = None,
) -> None:
    """Register a camera (the password in the URL is stored encrypted)."""
    ctx = open_site()
    cam = CameraRegistry(ctx).add(
        name,
        url,
        retention_days,
        max_retention_days,
        location_type=location_type,
        purpose=purpose,
        camera_type=camera_type,
        by=Actor.cli(),
    )
    where = f", sited at {location_type}" if location_type else ""
    console.print(
        f"added camera [bold]{cam.name}[/bold] {cam.url} (retention {cam.retention_days} d{where})"
    )


@app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Include removed cameras.")] = False,
) -> None:
    """List cameras (passwords are never shown)."""
    cams = CameraRegistry(open_site()).list(include_removed=all_)
    if as_json:
        print_json([c.as_dict() for c in cams])
        return
    table = Table("name", "url", "type", "retention (days)", "max (days)", "state", "added")
    for c in cams:
        table.add_row(
            c.name, c.url, c.camera_type or "-", str(c.retention_days),
            str(c.max_retention_days or "-"), c.state, us_to_iso(c.created_us),
        )  # fmt: skip
    console.print(table)


@app.command("set")
def set_(
    name: str,
    retention_days: Annotated[
        int | None,
        typer.Option(
            "--retention-days", help="Days the originals are kept; at least 30 (A17.2(3))."
        ),
    ] = None,
    max_retention_days: MaxOpt = None,
    camera_type: TypeOpt = None,
) -> None:
    """Change a camera's retention (never below 30 days, A17.2(3)) or its type (N14)."""
    if retention_days is None and camera_type is None:
        raise ValidationError("give --retention-days or --type", field="retention_days")
    if max_retention_days is not None and retention_days is None:
        raise ValidationError("give --retention-days with --max-retention-days",
                              field="retention_days")  # fmt: skip
    if camera_type is not None:
        check_camera_type(camera_type)  # refused before anything changes
    reg = CameraRegistry(open_site())
    cam = reg.get(name)
    if retention_days is not None:
        cam = reg.set_retention(name, retention_days, max_retention_days, by=Actor.cli())
    if camera_type is not None:
        cam = reg.set_type(name, camera_type, by=Actor.cli())
    console.print(
        f"{cam.name}: retention {cam.retention_days} d, max {cam.max_retention_days or '-'}, "
        f"type {cam.camera_type or '-'}"
    )


@app.command("remove")
def remove(name: str) -> None:
    """Stop recording a camera. Its footage stays until its retention ends (A18(2))."""
    cam, kept = CameraRegistry(open_site()).remove(name, by=Actor.cli())
    console.print(
        f"removed camera [bold]{cam.name}[/bold]; its {kept} segments are kept until their "
        f"{cam.retention_days}-day retention ends (A18(2))"
    )


def _print_siting(v: siting.SitingView) -> None:
    ref = "none"
    if v.reference_view_id is not None:
        ref = f"attachment {v.reference_view_id}, " + (
            f"approved by {v.reference_approved_by} at {us_to_iso(v.reference_approved_us or 0)}"
            if v.reference_approved
            else "not yet approved"
        )
    table = Table("field", "value", show_header=False)
    table.add_row("camera", v.camera)
    table.add_row("location type", v.location_type or "- (not sited)")
    table.add_row("location note", plain(v.location_note or "-"))
    table.add_row("purpose", plain(v.purpose or "-"))
    table.add_row("sign installed (A14)", "yes" if v.sign_installed else "no")
    table.add_row("sign photo", f"attachment {v.sign_photo_id}" if v.sign_photo_id else "-")
    table.add_row("reference view (A14)", ref)
    console.print(table)


@app.command("site")
def site_(
    name: Annotated[str, typer.Argument(help="The camera.")],
    location_type: LocationOpt = None,
    note: Annotated[
        str | None, typer.Option("--note", help="Where exactly, e.g. 'east door'.")
    ] = None,
    purpose: PurposeOpt = None,
    sign: Annotated[
        bool | None, typer.Option("--sign/--no-sign", help="A sign is installed (A14).")
    ] = None,
    sign_photo: Annotated[
        Path | None, typer.Option("--sign-photo", help="Photo of the sign (JPEG or PNG).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Record where a camera looks and why, and its sign (A7, A8, A14); no option: show."""
    ctx = open_site()
    actor = Actor.cli()
    changes: dict[str, object] = {}
    if location_type is not None:
        changes["location_type"] = location_type
    if note is not None:
        changes["location_note"] = note
    if purpose is not None:
        changes["purpose"] = purpose
    if sign is not None:
        changes["sign_installed"] = sign
    if sign_photo is not None:
        data = read_upload(sign_photo, "sign_photo")
        if attachments.check_file(data, field="sign_photo") not in attachments.IMAGE_TYPES:
            raise ValidationError("the sign photo must be a JPEG or PNG image", field="sign_photo")
        siting.get_siting(ctx, name)  # the camera exists before the photo is kept
        att = attachments.store(ctx, data, kind="sign_photo", filename=sign_photo.name, actor=actor)
        changes["sign_photo_id"] = att.id
    view = (
        siting.update_siting(ctx, name, actor, **changes)  # type: ignore[arg-type]
        if changes
        else siting.get_siting(ctx, name)
    )
    if as_json:
        print_json(view.as_dict())
    else:
        _print_siting(view)


@app.command("reference")
def reference(
    name: Annotated[str, typer.Argument(help="The camera.")],
    take: Annotated[
        bool, typer.Option("--take", help="Snapshot the newest recording as its view.")
    ] = False,
    approve: Annotated[
        bool, typer.Option("--approve", help="Approve the view as its fixed range (A14).")
    ] = False,
    save: Annotated[
        Path | None, typer.Option("--save", help="Write the current view (JPEG) to this file.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """A camera's reference view (A14): take it from the recording, then approve it."""
    ctx = open_site()
    actor = Actor.cli()
    view = siting.get_siting(ctx, name)
    if take:
        view = siting.take_reference(ctx, name, actor)
    if approve:
        view = siting.approve_reference(ctx, name, actor, attachment_id=view.reference_view_id)
    if save is not None:
        if view.reference_view_id is None:
            raise ValidationError(f"{name} has no reference view yet; use --take", field="save")
        _, data = attachments.read(ctx, view.reference_view_id)
        with ctx.sessions.begin() as s:  # registered before the copy is written
            actor.audit(
                s,
                ctx,
                "reference_view",
                camera_id=view.camera_id,
                camera_name=name,
                detail={"attachment": view.reference_view_id, "saved_to": str(save)},
            )
        save.write_bytes(data)
    if as_json:
        print_json(view.as_dict())
    else:
        _print_siting(view)
