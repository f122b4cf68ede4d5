"""`vigil export CAMERA --from … --to … --purpose … --destination … -o FILE` and
`vigil export verify FILE` (A17.2(2), A18(3), A19).

The export is registered in the audit log with the actor "cli:<OS user>", whether it
succeeds or not.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from typer.core import TyperGroup

from vigil.cli.common import console, err_console, home, open_site, print_json
from vigil.clock import parse_recording_instant, us_to_iso
from vigil.context import NotInitialisedError, SiteContext
from vigil.errors import ValidationError
from vigil.export.package import export_clip
from vigil.export.verify import verify_export_manifest

if TYPE_CHECKING:
    from vigil.export.masking import MaskRequest

_USAGE = (
    "CAMERA --from ISO --to ISO --purpose TEXT --destination TEXT [--caller-unit TEXT] "
    "-o FILE [--mask] | verify FILE"
)
_SUBCOMMAND = "vigil.export.subcommand"
_EXPORT_OPTIONS = ("--from", "--to", "--purpose", "--destination", "-o", "--output", "--mask",
                   "--mask-region", "--caller-unit")  # fmt: skip


class _ExportGroup(TyperGroup):
    """A command (export CAMERA) that also has a subcommand (verify FILE).

    Click would read `verify` as the CAMERA argument, and stop reading options at CAMERA.
    So: when the first word names a subcommand and no export option follows, the CAMERA
    argument is left out (a camera named "verify" is still exported when the export
    options are given); otherwise options may follow CAMERA.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        sub = bool(args) and args[0] in self.commands
        sub = sub and not any(a.split("=")[0] in _EXPORT_OPTIONS for a in args[1:])
        ctx.meta[_SUBCOMMAND] = sub
        ctx.allow_interspersed_args = not sub
        return super().parse_args(ctx, args)

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        if ctx.command is not self or ctx.meta.get(_SUBCOMMAND):
            return [p for p in params if p.param_type_name != "argument"]
        return params

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [_USAGE]


export_app = typer.Typer(
    cls=_ExportGroup,
    invoke_without_command=True,
    no_args_is_help=True,
    help="Copy a camera's recording to one MP4 with a signed manifest, or check such a copy.\n\n"
    "  vigil export CAMERA --from ISO --to ISO --purpose TEXT --destination TEXT -o FILE\n\n"
    "  vigil export verify FILE\n\n"
    "FILE ending in .mp4: the video, with FILE.manifest.json, FILE.manifest.sig, FILE.pub.pem "
    "and FILE.sha256 beside it; ending in .zip: the same files inside one zip. "
    "The video is a stream copy of the originals (never re-encoded), starting at the "
    "keyframe at or before --from. Every export is registered in the audit log with its "
    "purpose and destination (A17.2(2)).\n\n"
    "For publication (N22), --mask also writes FILE's stem + .masked.mp4: a derived copy with "
    "faces, licence plates and every --mask-region pixelated, re-encoded with the same "
    "timing; the signed manifest records how it was made and its SHA-256.",
)


def cli_actor() -> str:
    try:
        return "cli:" + getpass.getuser()
    except (OSError, KeyError):
        return "cli:unknown"


@export_app.callback()
def export(
    ctx: typer.Context,
    camera: Annotated[str | None, typer.Argument(help="Camera name.", show_default=False)] = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="ISO 8601 start, e.g. 2026-11-28T08:00Z.")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="ISO 8601 end (at most 24 h later).")
    ] = None,
    purpose: Annotated[
        str | None, typer.Option("--purpose", help="Why the copy is made (registered).")
    ] = None,
    destination: Annotated[
        str | None,
        typer.Option("--destination", help="Where or to whom the copy goes (registered)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The .mp4 or .zip to write.")
    ] = None,
    caller_unit: Annotated[
        str | None,
        typer.Option(
            "--caller-unit",
            help="The caller's unit (N16.2(3), registered); default: the site's own unit.",
        ),
    ] = None,
    mask: Annotated[
        bool,
        typer.Option(
            "--mask",
            help="For publication (N22): also write a masked copy with faces and licence "
            "plates pixelated; the original is unchanged.",
        ),
    ] = False,
    mask_region: Annotated[
        list[str] | None,
        typer.Option(
            "--mask-region",
            help="With --mask, a rectangle to pixelate too (a name, a business licence): "
            "x,y,w,h in the source's pixels, or x,y,w,h@FROM-TO in seconds of the clip. "
            "Repeatable.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Copy [--from, --to) of CAMERA to FILE by stream copy, with a signed manifest."""
    if ctx.invoked_subcommand is not None:
        return
    if camera is None:
        raise ValidationError("name the camera to export", field="camera")
    if from_ is None:
        raise ValidationError("--from is required", field="from")
    if to is None:
        raise ValidationError("--to is required", field="to")
    if output is None:
        raise ValidationError("-o FILE (.mp4 or .zip) is required", field="output")
    masking = _mask_request(mask, mask_region or [])
    site = open_site()
    now_us = site.clock.now_us()
    from_us = parse_recording_instant(from_, field="from", now_us=now_us)
    to_us = parse_recording_instant(to, field="to", now_us=now_us)
    with Progress(
        TextColumn("exporting"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
        console=err_console, transient=True, disable=as_json or not err_console.is_terminal,
    ) as bar:  # fmt: skip
        task = bar.add_task("export", total=1.0)
        result = export_clip(
            site, camera, from_us, to_us, purpose=purpose or "", destination=destination or "",
            actor=cli_actor(), out=output, mask=masking, caller_unit=caller_unit,
            progress=lambda f: bar.update(task, completed=f),
        )  # fmt: skip
    if as_json:
        print_json(result.as_dict())
        return
    console.print(
        f"exported camera [bold]{result.camera}[/bold] "
        f"{us_to_iso(result.actual_from_us)} – {us_to_iso(result.actual_to_us)} "
        f"from {len(result.segments)} original segments (stream copy)",
        highlight=False,
    )
    if result.actual_from_us < result.requested_from_us:
        console.print(
            f"starts {(result.requested_from_us - result.actual_from_us) / 1e6:.1f} s before "
            "--from, at the keyframe there",
            highlight=False,
        )
    for path in result.files:
        console.print(f"wrote {path}", highlight=False, soft_wrap=True)
    console.print(f"video SHA-256 {result.sha256}", highlight=False, soft_wrap=True)
    if result.masked_name:
        console.print(f"{_derived_line(result.manifest.get('derived') or {})}; SHA-256 "
                      f"{result.masked_sha256}", highlight=False, soft_wrap=True)  # fmt: skip
    console.print(f"registered in the audit log as #{result.audit_seq}", highlight=False)


def _mask_request(mask: bool, regions: list[str]) -> MaskRequest | None:
    if not mask:
        if regions:
            raise ValidationError("marks a region of a copy for publication: add --mask",
                                  field="mask_region", article="N22")  # fmt: skip
        return None
    from vigil.export.masking import MaskRequest, parse_regions  # PyAV and OpenCV: only here

    return MaskRequest(regions=parse_regions(regions))


def _derived_line(derived: dict[str, Any]) -> str:
    boxes = derived.get("masked_boxes") or {}
    return (
        f"{(derived.get('file') or {}).get('name')} is a derived copy, masked for publication "
        f"(N22), of {(derived.get('source') or {}).get('name')}, not the original: "
        f"{derived.get('frames_masked')} of {derived.get('frames')} frames masked "
        f"(face boxes {boxes.get('face', 0)}, plate boxes {boxes.get('plate', 0)}, marked "
        f"regions {boxes.get('marked', 0)})"
    )


@export_app.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help="The exported .mp4 or .zip.")],
    offline: Annotated[
        bool, typer.Option("--offline", help="Use only the export's own files, not this site.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Check an export's signature, hashes and chain proof (exit 0 = it holds)."""
    site: SiteContext | None = None
    if not offline:
        try:
            site = SiteContext.open(home())
        except NotInitialisedError:
            site = None
    problems, manifest = verify_export_manifest(file, site)
    derived = (manifest or {}).get("derived")
    checked = "its own files and this site's chain" if site else "its own files only"
    if as_json:
        out: dict[str, Any] = {"ok": not problems, "checked": checked, "problems": problems}
        if derived:
            out["derived"] = {k: derived[k] for k in ("file", "source", "frames",
                                                      "frames_masked", "masked_boxes")}  # fmt: skip
        print_json(out)
    else:
        for p in problems:
            console.print(f"[red]FAIL[/red] {p}", highlight=False, soft_wrap=True)
        if derived:
            console.print(_derived_line(derived), highlight=False, soft_wrap=True)
        verdict = "[red]it does not hold[/red]" if problems else "[green]the export holds[/green]"
        console.print(f"{verdict} (checked with {checked})", highlight=False)
    raise typer.Exit(0 if not problems else 1)
