"""Exports: a copy of one camera's recording, by stream copy, with a signed manifest.

A17.2(2) (every copy registered: who, when, purpose, destination), A18(3) (material only
to whom the measures allow: the purpose and destination are stated and registered) and
A19 (no illegal copying: every export is signed and traceable to the site and the act).

`export_clip` checks the request, re-hashes the source originals against their chain,
splices their fragments into one MP4 (`export_mp4`: no re-encoding), writes the signed
manifest and its side files (`export_manifest`), and registers the act in the audit log,
also when it fails. `verify_export` checks an export with its own files only, and
optionally against the site that made it.

An export for publication (`mask`, N22) also writes `X.masked.mp4`, a derived copy with
faces, plates and marked regions masked (`vigil.export.masking`), described in the
signed manifest; the original beside it is the same stream copy as without `mask`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import shutil
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import select

from vigil.audit.caller import caller_unit as caller_unit_of
from vigil.audit.log import record
from vigil.clock import US_PER_S, us_to_iso
from vigil.context import SiteContext
from vigil.db.models import Camera, Gap, Segment, User
from vigil.db.states import SegmentState
from vigil.errors import NotFoundError, StorageFullError, ValidationError, VigilError
from vigil.export import jobs
from vigil.export import manifest as em
from vigil.export.mp4 import (
    Source,
    SpliceError,
    format_key,
    plan,
    read_init,
    write_clip,
)
from vigil.export.proof import ExportIntegrityError, manifest_draft
from vigil.export.verify import verify_export
from vigil.integrity.chain import canonical_json
from vigil.storage.files import durable_rename, fsync_dir
from vigil.storage.fmp4 import Fmp4Error, read_layout
from vigil.text import check_text as check_free_text
from vigil.text import printable

if TYPE_CHECKING:
    from vigil.export.masking import MaskRequest

log = logging.getLogger(__name__)

__all__ = [
    "MAX_EXPORT_US",
    "ExportIntegrityError",
    "ExportResult",
    "export_clip",
    "verify_export",
]

#: The longest range one export may cover.
MAX_EXPORT_US = 24 * 3600 * US_PER_S
#: The longest purpose or destination, in characters.
MAX_TEXT_CHARS = 500
ARTICLE = "A17.2(2)"
_CHUNK = 1 << 20

ProgressFn = Callable[[float], None]


@dataclass(frozen=True)
class ExportResult:
    path: Path  # the .mp4 or .zip asked for
    files: list[Path]  # everything written
    video_name: str
    bytes: int
    sha256: str
    camera: str
    requested_from_us: int
    requested_to_us: int
    actual_from_us: int
    actual_to_us: int
    segments: list[int]  # seqs of the source segments
    manifest_sha256: str
    manifest: em.ExportManifest = field(repr=False)
    audit_seq: int = 0  # the audit entry that registered the export
    masked_name: str = ""  # the masked copy for publication (N22), if asked for
    masked_sha256: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["path"] = str(self.path)
        data["files"] = [str(p) for p in self.files]
        data["actual_from"] = us_to_iso(self.actual_from_us)
        data["actual_to"] = us_to_iso(self.actual_to_us)
        del data["manifest"]
        return data


# ---- checks of the request ------------------------------------------------------------


def check_text(value: str | None, name: str) -> str:
    """A stated purpose or destination: non-empty once stripped, at most 500 characters."""
    clean = (value or "").strip()
    if not clean:
        what = "why it is made" if name == "purpose" else "where it goes"
        raise ValidationError(
            f"every copy must state its {name} ({what}); it is registered", field=name,
            article=ARTICLE,
        )  # fmt: skip
    return check_free_text(clean, name, max_chars=MAX_TEXT_CHARS, article=ARTICLE)


def check_range(from_us: int, to_us: int) -> None:
    if to_us <= from_us:
        raise ValidationError("must be later than --from", field="to")
    if to_us - from_us > MAX_EXPORT_US:
        hours = (to_us - from_us) / 3600 / US_PER_S
        raise ValidationError(
            f"the range is {hours:.1f} hours; one export covers at most 24 hours: split it",
            field="to",
        )


def output_names(out: Path) -> tuple[str, list[Path]]:
    """The video's name and every path the export will create for `out`."""
    if out.suffix.lower() == ".mp4":
        return out.name, [out, *(out.with_name(out.name + s) for s in em.SIDE_SUFFIXES)]
    if out.suffix.lower() == ".zip":
        return out.stem + ".mp4", [out]
    raise ValidationError(f"must end in .mp4 or .zip (got {out.name!r})", field="output")


def _check_output(out: Path) -> None:
    _, targets = output_names(out)
    for target in targets:
        if target.exists():
            raise ValidationError(f"{target} exists; an export never overwrites", field="output")


def _find_camera(ctx: SiteContext, name: str) -> Camera:
    with ctx.sessions() as s:
        cam = s.scalar(select(Camera).where(Camera.name == name))
    if cam is None:
        raise NotFoundError(f"no camera named {name!r}", field="camera")
    return cam


# ---- export ---------------------------------------------------------------------------


def export_clip(
    ctx: SiteContext,
    camera: str,
    from_us: int,
    to_us: int,
    *,
    purpose: str,
    destination: str,
    actor: str,
    out: Path,
    progress: ProgressFn | None = None,
    client_addr: str = "",
    mask: MaskRequest | None = None,
    caller_unit: str | None = None,
) -> ExportResult:
    """Copy [from_us, to_us) of `camera` to `out` (.mp4 with side files, or .zip); with
    `mask`, also its masked copy for publication (N22).

    Registered in the audit log (action "export") whether it succeeds or fails.
    """
    out = Path(out).absolute()
    cam: Camera | None = None
    audit = {
        "actor": (actor or "").strip()[:64], "camera_name": camera[:64],
        "from_us": from_us, "to_us": to_us,
        # A refused attempt is registered with what was typed, its control characters
        # spelled out so that none reaches a reader of the register.
        "purpose": printable((purpose or "").strip())[:MAX_TEXT_CHARS],
        "destination": printable((destination or "").strip())[:MAX_TEXT_CHARS],
        "client_addr": client_addr[:64],
        # N16.2(3): the caller's unit; None is the site's own (its profile's unit name).
        "caller_unit": printable((caller_unit if caller_unit is not None else "").strip())[:200],
    }  # fmt: skip
    try:
        cam = _find_camera(ctx, camera)
        check_range(from_us, to_us)
        clean_purpose = check_text(purpose, "purpose")
        clean_destination = check_text(destination, "destination")
        audit["caller_unit"] = unit = caller_unit_of(ctx, caller_unit)
        if not audit["actor"]:
            raise ValidationError("who makes the copy must be known", field="actor")
        _check_output(out)
        result = _make(
            ctx, cam, from_us, to_us, clean_purpose, clean_destination, str(audit["actor"]),
            out, progress, mask, unit,
        )  # fmt: skip
    except BaseException as exc:
        error = exc.describe() if isinstance(exc, VigilError) else f"{type(exc).__name__}: {exc}"
        failed: dict[str, Any] = {"file": out.name, "error": error}
        if mask is not None:
            failed["masked"] = True
        try:
            _register(ctx, cam, audit, "failed", failed)
        except Exception:
            log.exception("could not register the failed export in the audit log")
        raise
    try:
        seq = _register(
            ctx, cam, audit, "ok",
            {"file": out.name, "video": result.video_name, "sha256": result.sha256,
             "bytes": result.bytes, "manifest_sha256": result.manifest_sha256,
             "actual_from_us": result.actual_from_us, "actual_to_us": result.actual_to_us,
             **_masked_detail(result)},
        )  # fmt: skip
    except BaseException:
        for path in result.files:  # an unregistered copy must not remain (A17.2(2))
            path.unlink(missing_ok=True)
        raise
    return replace(result, audit_seq=seq)


def _masked_detail(result: ExportResult) -> dict[str, Any]:
    """For the register: a copy for publication (N22), its file and what it masks."""
    derived = result.manifest.get("derived")
    if not derived:
        return {}
    return {
        "masked": True, "masked_file": result.masked_name, "masked_sha256": result.masked_sha256,
        "masked_frames": derived["frames_masked"], "masked_boxes": derived["masked_boxes"],
        "marked_regions": len(derived["regions"]),
    }  # fmt: skip


def _register(
    ctx: SiteContext, cam: Camera | None, audit: dict[str, Any], result: str, detail: dict[str, Any]
) -> int:
    """Register the export (its own transaction: the copy is a file, not a row); its seq."""
    actor = str(audit["actor"]) or "unknown"
    with ctx.sessions.begin() as s:
        role = ""
        if not actor.startswith(("cli:", "system")):
            role = s.scalar(select(User.role).where(User.username == actor)) or ""
        return record(
            s, ctx, actor=actor, actor_role=role, action="export", result=result,
            client_addr=str(audit.get("client_addr", "")),
            camera_id=cam.id if cam else None,
            camera_name=cam.name if cam else audit["camera_name"],
            from_us=audit["from_us"], to_us=audit["to_us"], purpose=audit["purpose"],
            destination=audit["destination"],
            detail={**detail, "caller_unit": audit.get("caller_unit", "")},  # N16.2(3)
        )  # fmt: skip


class _Progress:
    def __init__(self, callback: ProgressFn | None, total: int) -> None:
        self.callback, self.total, self.done = callback, max(total, 1), 0
        self.report(0.0)

    def report(self, fraction: float) -> None:
        if self.callback is not None:
            self.callback(min(max(fraction, 0.0), 1.0))

    def advance(self, n: int) -> None:
        self.done += n
        self.report(self.done / self.total)


def _material(
    ctx: SiteContext, cam: Camera, from_us: int, to_us: int
) -> tuple[list[Segment], list[Gap]]:
    with ctx.sessions() as s:
        segs = list(
            s.scalars(
                select(Segment)
                .where(Segment.camera_id == cam.id, Segment.state == SegmentState.SEALED)
                .where(Segment.end_us > from_us, Segment.start_us < to_us)
                .order_by(Segment.start_us)
            )
        )
        gaps = list(
            s.scalars(
                select(Gap)
                .where(Gap.camera_id == cam.id, Gap.end_us > from_us, Gap.start_us < to_us)
                .order_by(Gap.start_us)
            )
        )
    if not segs:
        why = ", ".join(sorted({g.reason for g in gaps}))
        raise ValidationError(
            f"camera {cam.name} has no recording between {us_to_iso(from_us)} and "
            f"{us_to_iso(to_us)}: the range lies in a gap" + (f" ({why})" if why else ""),
            field="from",
        )
    return segs, gaps


def _sources(ctx: SiteContext, segs: Sequence[Segment]) -> list[Source]:
    out = []
    for seg in segs:
        path = ctx.segments_dir / seg.path
        try:
            out.append(Source(path, seg.start_us, read_layout(path)))
        except (OSError, Fmp4Error) as exc:
            raise ExportIntegrityError(
                f"original #{seg.seq} ({seg.path}) cannot be read: {exc}; run `vigil verify`"
            ) from None
    return out


def _check_formats(sources: Sequence[Source], used: Sequence[int], segs: Sequence[Segment]) -> None:
    first = None
    for i in used:
        try:
            key = format_key(read_init(sources[i].path, sources[i].layout))
        except SpliceError as exc:
            msg = f"original #{segs[i].seq} cannot be exported by stream copy: {exc}"
            raise VigilError(msg) from None
        except (OSError, ValueError) as exc:
            raise ExportIntegrityError(f"original #{segs[i].seq}: {exc}") from None
        if first is None:
            first = key
        elif key != first:
            raise ValidationError(
                f"the camera's stream format changes at {us_to_iso(segs[i].start_us)} "
                f"(segment #{segs[i].seq}); export the parts before and after it separately",
                field="to",
            )


def _check_space(ctx: SiteContext, out_dir: Path, need: int) -> None:
    """Refuse an export that would bring the recording disk near the disk guard's floor
    (it would pause recording for a copy), or exceed the console's exports budget."""
    free = shutil.disk_usage(out_dir).free
    reserve = 0
    if out_dir.stat().st_dev == ctx.segments_dir.stat().st_dev:
        # the recorder's own floor, plus room for recording to go on after the copy
        reserve = ctx.settings.min_free_bytes + ctx.settings.export_disk_margin_bytes
    if free - need < reserve:
        raise StorageFullError(
            f"the export needs about {need} bytes; {out_dir} has {free} free"
            + (f" of which {reserve} are kept for recording (min_free_bytes + "
               "export_disk_margin_bytes)" if reserve else ""),
            field="output",
        )  # fmt: skip
    if jobs.is_job_dir(ctx, out_dir):
        jobs.claim(ctx, out_dir, need)  # released by the job when it ends


def _hash_file(path: Path, advance: Callable[[int], None]) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
            advance(len(chunk))
    return h.hexdigest()


def _make(
    ctx: SiteContext, cam: Camera, from_us: int, to_us: int, purpose: str, destination: str,
    actor: str, out: Path, progress: ProgressFn | None, mask: MaskRequest | None = None,
    caller_unit: str = "",
) -> ExportResult:  # fmt: skip
    segs, gaps = _material(ctx, cam, from_us, to_us)
    sources = _sources(ctx, segs)
    pieces = plan(sources, from_us, to_us)
    if not pieces:
        raise ValidationError(
            f"no keyframe of camera {cam.name} before {us_to_iso(to_us)} in the range",
            field="from",
        )
    used = sorted({p.source for p in pieces})
    _check_formats(sources, used, segs)
    zipped = out.suffix.lower() == ".zip"
    video_bytes = sources[used[0]].layout.init_size + sum(p.fragment.size for p in pieces)
    out.parent.mkdir(parents=True, exist_ok=True)
    copies = (2 if zipped else 1) * (2 if mask else 1)  # a masked copy: about as large
    _check_space(ctx, out.parent, video_bytes * copies + (1 << 20))
    meter = _Progress(
        progress,
        sum(segs[i].bytes for i in used) + video_bytes * (1 + (mask is not None)) * (1 + zipped),
    )

    # The originals must be exactly what the chain recorded before anything is copied.
    for i in used:
        if _hash_file(sources[i].path, meter.advance) != segs[i].sha256:
            raise ExportIntegrityError(
                f"original #{segs[i].seq} ({segs[i].path}) does not match its recorded SHA-256; "
                "nothing was exported; run `vigil verify`"
            )
    manifest = manifest_draft(
        ctx, cam, [segs[i] for i in used], gaps, pieces, from_us, to_us, purpose, destination,
        actor, caller_unit,
    )  # fmt: skip
    video_name, targets = output_names(out)
    derived_name = em.masked_name(video_name) if mask is not None else ""
    if derived_name and not zipped:
        targets.append(out.with_name(derived_name))
        _check_output(out.with_name(derived_name))
    work = out.parent / f".{out.name}.{secrets.token_hex(4)}.d"
    work.mkdir()
    moved: list[Path] = []
    try:
        video = work / video_name
        with video.open("wb") as f:
            sink = _HashingWriter(f)
            init = read_init(sources[used[0]].path, sources[used[0]].layout)
            try:
                write_clip(sources, pieces, init, sink, meter.advance)
            except (SpliceError, ValueError) as exc:
                seq = segs[getattr(exc, "index", used[0])].seq
                raise ExportIntegrityError(f"original #{seq}: {exc}; run `vigil verify`") from None
            f.flush()
            os.fsync(f.fileno())
        manifest["file"] = {"name": video_name, "bytes": sink.size, "sha256": sink.hexdigest()}
        sums = [(sink.hexdigest(), video_name)]
        if mask is not None:
            manifest["derived"] = _masked_copy(work, video_name, derived_name, mask, meter,
                                               video_bytes, sink.hexdigest())  # fmt: skip
            sums.append((manifest["derived"]["file"]["sha256"], derived_name))
        body = canonical_json(manifest).encode("ascii")
        signature = ctx.signing_key.sign(body)
        bundle = {
            video_name + em.MANIFEST_SUFFIX: body,
            video_name + em.SIGNATURE_SUFFIX: signature,
            video_name + em.PUBLIC_KEY_SUFFIX: ctx.site().public_key_pem.encode("ascii"),
            video_name + em.SUMS_SUFFIX: em.sha256sums(
                [*sums, (hashlib.sha256(body).hexdigest(), video_name + em.MANIFEST_SUFFIX)]
            ).encode("ascii"),
        }  # fmt: skip
        for name, data in bundle.items():
            (work / name).write_bytes(data)
        derived = [derived_name] if derived_name else []
        if zipped:
            _zip(work, [video_name, *derived, *bundle], out, meter.advance)
        else:
            for name in [*bundle, *derived, video_name]:  # the video last: it appears complete
                durable_rename(work / name, out.parent / name)
                moved.append(out.parent / name)
    except BaseException:
        for path in moved:
            path.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    meter.report(1.0)
    return ExportResult(
        path=out, files=targets, video_name=video_name, bytes=sink.size, sha256=sink.hexdigest(),
        camera=cam.name, requested_from_us=from_us, requested_to_us=to_us,
        actual_from_us=pieces[0].start_us, actual_to_us=pieces[-1].end_us,
        segments=[segs[i].seq for i in used],
        manifest_sha256=hashlib.sha256(body).hexdigest(), manifest=manifest,
        masked_name=derived_name,
        masked_sha256=manifest["derived"]["file"]["sha256"] if derived_name else "",
    )  # fmt: skip


def _masked_copy(
    work: Path, video_name: str, derived_name: str, mask: MaskRequest, meter: _Progress,
    video_bytes: int, source_sha256: str,
) -> dict[str, Any]:  # fmt: skip
    """Write the masked copy for publication (N22) beside the original in `work`; its
    derivation for the manifest."""
    from vigil.export.masking import mask_video  # PyAV and OpenCV: loaded only to mask

    start = meter.done

    def progress(fraction: float) -> None:
        meter.report((start + fraction * video_bytes) / meter.total)

    derivation = mask_video(work / video_name, work / derived_name, mask, progress=progress)
    meter.advance(video_bytes)
    digest = _hash_file(work / derived_name, lambda n: None)
    return {
        **derivation,
        "source": {"name": video_name, "sha256": source_sha256},
        "file": {"name": derived_name, "bytes": (work / derived_name).stat().st_size,
                 "sha256": digest},
    }  # fmt: skip


class _HashingWriter:
    def __init__(self, f: BinaryIO) -> None:
        self.f, self.h, self.size = f, hashlib.sha256(), 0

    def write(self, data: bytes, /) -> int:
        self.h.update(data)
        self.size += len(data)
        return self.f.write(data)

    def hexdigest(self) -> str:
        return self.h.hexdigest()


def _zip(work: Path, names: Sequence[str], out: Path, advance: Callable[[int], None]) -> None:
    tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
    try:
        with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
            for name in names:
                info = zipfile.ZipInfo.from_file(work / name, arcname=name)
                video = name.endswith(".mp4")
                info.compress_type = zipfile.ZIP_STORED if video else zipfile.ZIP_DEFLATED
                with (work / name).open("rb") as src, zf.open(info, "w", force_zip64=True) as dst:
                    while chunk := src.read(_CHUNK):
                        dst.write(chunk)
                        if video:
                            advance(len(chunk))
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        if out.exists():
            raise ValidationError(f"{out} exists; an export never overwrites", field="output")
        os.rename(tmp, out)
        fsync_dir(out.parent)
    finally:
        tmp.unlink(missing_ok=True)
