"""Export (copy): an MP4 by stream copy from the originals with a signed manifest.

Jobs run in a worker thread and report progress; the package is a zip holding the video,
the manifest, its Ed25519 signature and the public key (docs/integrity.md, "Exports").
Purpose and destination are required up front (A17.2(2)); the export and every download
are registered.

Each job keeps `exports/<id>/job.json` beside its package (`vigil.export.jobs`: the
record, the quota per user and for the disk, the removal after download or expiry).
Progress is kept in memory by the process that runs the job (one API process per site:
docs/deployment.md).
"""

from __future__ import annotations

import logging
import threading
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException

from vigil.access.roles import Permission
from vigil.audit.caller import caller_unit
from vigil.cameras import CameraRegistry
from vigil.errors import ValidationError, VigilError
from vigil.export import jobs as export_jobs
from vigil.export.jobs import JOB_ID, Job
from vigil.records.subject_requests import copy_refused
from vigil.site.api.playback import check_purpose, check_range
from vigil.site.deps import MayExport, Principal, audit, site

log = logging.getLogger(__name__)
router = APIRouter(prefix="/exports", tags=["exports"])


class ExportRequest(BaseModel):
    camera: str
    from_: str = Field(alias="from", description="ISO 8601 start.")
    to: str = Field(description="ISO 8601 end.")
    purpose: str = Field("", description="Why the material is copied (A17.2(2)).")
    destination: str = Field("", description="Where the copy goes (A17.2(2)).")
    caller_unit: str | None = Field(
        None,
        description="The caller's unit (N16.2(3)); default: the site's own unit (profile).",
    )
    mask: bool = Field(
        False,
        description="For publication (N22): the package also holds a masked copy with faces, "
        "licence plates and mask_regions pixelated.",
    )
    mask_regions: list[str] = Field(
        [], description="With mask: rectangles to pixelate too, x,y,w,h[@from-to] (N22)."
    )


def _jobs(request: Request) -> dict[str, Job]:
    jobs: dict[str, Job] = request.app.state.export_jobs
    return jobs


@router.post("", status_code=202)
def start_export(body: ExportRequest, request: Request, who: MayExport) -> dict[str, Any]:
    from vigil.export.package import export_clip

    ctx = site(request)
    copy_refused(ctx, who.user.id)  # a data-subject viewing is open: viewing only (N21)
    purpose, destination = check_purpose(body.purpose, body.destination)
    unit = caller_unit(ctx, body.caller_unit)
    masking = _mask_request(body.mask, body.mask_regions)
    start, end = check_range(body.from_, body.to, now_us=ctx.clock.now_us())
    cam = CameraRegistry(ctx).get(body.camera, include_removed=True)
    if not who.can(Permission.EXPORT, cam.id):
        raise HTTPException(403, f"your account may not export {cam.name}")
    running = [j for j in _jobs(request).values() if j.state == "running"]
    for removed in export_jobs.sweep(ctx, {j.id for j in running}):
        _jobs(request).pop(removed, None)  # its record on disk says why it is gone
    export_jobs.check_running(ctx, sum(j.user_id == who.user.id for j in running))
    job_id = uuid.uuid4().hex
    out_dir = ctx.home / "exports" / job_id
    out_dir.mkdir(parents=True)
    job = Job(job_id, who.user.id, cam.name, out_dir / f"{cam.name}-{start}.zip", cam.id,
              start, end, purpose, destination, caller_unit=unit,
              masked=masking is not None)  # fmt: skip

    def progress(fraction: float) -> None:
        job.progress = fraction

    def run() -> None:
        try:
            result = export_clip(
                ctx,
                cam.name,
                start,
                end,
                purpose=purpose,
                destination=destination,
                caller_unit=unit or None,  # None: the site's own (none recorded yet)
                mask=masking,
                actor=who.user.username,
                out=job.path,
                progress=progress,
            )
            job.sha256 = getattr(result, "sha256", "")
            job.bytes = job.path.stat().st_size
            job.finished_us = ctx.clock.now_us()
            job.progress, job.state = 1.0, "done"
        except VigilError as exc:
            job.state, job.error = "failed", exc.describe()
        except Exception as exc:  # reported to the user; the traceback goes to the log
            log.exception("export %s failed", job_id)
            job.state, job.error = "failed", f"internal error: {type(exc).__name__}"
        finally:
            export_jobs.release(out_dir)
        try:
            job.save()
        except OSError:
            log.exception("export %s: its record could not be written", job_id)

    job.save()
    _jobs(request)[job_id] = job
    threading.Thread(target=run, name=f"export-{job_id[:8]}", daemon=True).start()
    return job.as_dict()


def _mask_request(mask: bool, regions: list[str]) -> Any:
    """The masking asked for (N22), its regions checked before the job starts."""
    if not mask:
        if regions:
            raise ValidationError("regions are masked in a copy for publication: set mask",
                                  field="mask_region", article="N22")  # fmt: skip
        return None
    from vigil.export.masking import MaskRequest, parse_regions  # PyAV and OpenCV: only here

    return MaskRequest(regions=parse_regions(regions))


def _own_job(request: Request, who: Principal, job_id: str) -> Job:
    job = _jobs(request).get(job_id)
    if job is None and JOB_ID.fullmatch(job_id):
        job = Job.load(export_jobs.exports_dir(site(request)) / job_id)
    if job is None or (job.user_id != who.user.id and not who.can(Permission.MANAGE_USERS)):
        raise HTTPException(404, "no such export")
    return job


@router.get("/{job_id}")
def export_status(job_id: str, request: Request, who: MayExport) -> dict[str, Any]:
    return _own_job(request, who, job_id).as_dict()


@router.get("/{job_id}/download")
def download(job_id: str, request: Request, who: MayExport) -> FileResponse:
    copy_refused(site(request), who.user.id)  # viewing only while a N21 viewing is open
    job = _own_job(request, who, job_id)
    if not who.can(Permission.EXPORT, job.camera_id):  # the right may have been withdrawn
        raise HTTPException(403, f"your account may no longer export {job.camera}")
    if job.state == "removed":
        raise HTTPException(410, f"the export's package was removed ({job.removed})")
    if job.state != "done":
        raise HTTPException(409, "the export is not finished")
    audit(
        request,
        who,
        "download",
        camera_id=job.camera_id,
        camera_name=job.camera,
        from_us=job.from_us,
        to_us=job.to_us,
        purpose=job.purpose,
        destination=job.destination,
        detail={
            "file": job.path.name,
            "sha256": job.sha256,
            "caller_unit": job.caller_unit,
            **({"masked": True} if job.masked else {}),  # a copy for publication (N22)
        },
    )
    ctx = site(request)
    # Runs only once the whole body has been sent: the package leaves with its downloader
    # (its digest stays in the register) and stops occupying the recording disk.
    removal = BackgroundTask(export_jobs.remove_package, ctx, job, "downloaded",
                             actor=who.user.username, actor_role=who.user.role.value,
                             client_addr=who.client_addr)  # fmt: skip
    return FileResponse(job.path, media_type="application/zip", filename=job.path.name,
                        background=removal)  # fmt: skip
