"""Export jobs of the web console: their durable record, their quota and their clean-up.

Each job keeps `HOME/exports/<id>/job.json` beside its package, written durably when it
starts, when it ends and when its package is removed, so a finished export can still be
downloaded after the server restarts, one cut off by a restart says so instead of
vanishing, and a removed one says when and why.

The packages share the disk with the recordings, so they are bounded (docs/deployment.md,
"Exports"):
- a user has at most `export_jobs_per_user` jobs running at once;
- all packages together hold at most `export_budget_bytes`, and an export is refused if
  it would leave the recording disk with less than `min_free_bytes` +
  `export_disk_margin_bytes` free, so an export never makes the disk guard pause
  recording (A18(2): recording must not stop for a copy);
- a package is removed once it has been downloaded in full, or `export_keep_s` after it
  was finished if nobody downloads it. Each removal is registered (action
  "export_remove") in the transaction that marks the job removed; the file goes after
  that commits, so no package disappears unregistered.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigil.audit.log import record
from vigil.clock import us_to_iso
from vigil.context import SiteContext
from vigil.errors import ConflictError, StorageFullError
from vigil.storage.files import write_durably

log = logging.getLogger(__name__)

JOB_FILE = "job.json"
JOB_ID = re.compile(r"[0-9a-f]{32}")
INTERRUPTED = "interrupted: the server stopped before the export finished; start it again"
#: The actor of a removal at expiry (a download's removal is the downloader's act).
SYSTEM_ACTOR = "system:exports"


def exports_dir(ctx: SiteContext) -> Path:
    return ctx.home / "exports"


@dataclass
class Job:
    id: str
    user_id: int
    camera: str
    path: Path
    camera_id: int
    from_us: int
    to_us: int
    purpose: str
    destination: str
    state: str = "running"  # running, done, failed, removed
    progress: float = 0.0
    error: str = ""
    sha256: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    finished_us: int | None = None
    bytes: int = 0
    removed: str = ""  # why the package was removed (downloaded, expired)
    caller_unit: str = ""  # the caller's unit (N16.2(3)), registered with each download
    masked: bool = False  # the package holds a masked copy for publication (N22)

    def save(self) -> None:
        """Write the job's record beside its package (state, not progress)."""
        record = {k: v for k, v in self.__dict__.items() if k not in ("path", "progress")}
        write_durably(
            self.path.parent / JOB_FILE, json.dumps({**record, "file": self.path.name}).encode()
        )

    @classmethod
    def load(cls, job_dir: Path) -> Job | None:
        """The job recorded in `job_dir`; one still "running" there was cut off by a restart."""
        try:
            record = json.loads((job_dir / JOB_FILE).read_text(encoding="utf-8"))
            job = cls(path=job_dir / record.pop("file"), **record)
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if job.state == "running":  # no process of ours runs it any longer
            job.state, job.error = "failed", INTERRUPTED
        job.progress = 1.0 if job.state in ("done", "removed") else 0.0
        return job

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "camera": self.camera,
            "state": self.state,
            "progress": round(self.progress, 3),
            "error": self.error,
            "file": self.path.name if self.state == "done" else None,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "finished": us_to_iso(self.finished_us) if self.finished_us else None,
            "removed": self.removed or None,
            "masked": self.masked,
        }


# ---- quota ----------------------------------------------------------------------------


class _Claims:
    """Bytes promised to exports being written, so two starting at once cannot both take
    the last of the budget (one API process per site: docs/deployment.md)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.bytes: dict[Path, int] = {}


_CLAIMS = _Claims()


def check_running(ctx: SiteContext, running_of_user: int) -> None:
    """Refuse another job of a user who already has `export_jobs_per_user` running."""
    most = ctx.settings.export_jobs_per_user
    if running_of_user >= most:
        raise ConflictError(
            f"you have {running_of_user} exports running; at most {most} at once "
            "(export_jobs_per_user): wait until one has finished",
            field="camera",
        )


def packages_bytes(ctx: SiteContext) -> int:
    """What the packages under HOME/exports occupy, finished or being written."""
    root = exports_dir(ctx)
    if not root.is_dir():
        return 0
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def claim(ctx: SiteContext, out_dir: Path, need_bytes: int) -> None:
    """Reserve `need_bytes` of the exports budget for a package written in `out_dir`
    (under HOME/exports), or refuse with StorageFullError; `release` ends the claim."""
    budget = ctx.settings.export_budget_bytes
    with _CLAIMS.lock:
        used = packages_bytes(ctx) + sum(_CLAIMS.bytes.values())
        if used + need_bytes > budget:
            raise StorageFullError(
                f"the export needs about {need_bytes} bytes; the exports hold {used} of their "
                f"budget of {budget} bytes (export_budget_bytes): download or let finished "
                "exports expire first",
                field="exports",
            )
        _CLAIMS.bytes[out_dir] = need_bytes


def release(out_dir: Path) -> None:
    with _CLAIMS.lock:
        _CLAIMS.bytes.pop(out_dir, None)


def is_job_dir(ctx: SiteContext, out_dir: Path) -> bool:
    return out_dir.parent == exports_dir(ctx)


# ---- clean-up -------------------------------------------------------------------------


def remove_package(
    ctx: SiteContext,
    job: Job,
    reason: str,
    *,
    actor: str = SYSTEM_ACTOR,
    actor_role: str = "",
    client_addr: str = "",
) -> bool:
    """Remove a finished job's package, registered (action "export_remove"); False if it
    was already removed. The job's record stays, saying when and why."""
    if job.state != "done":
        return False
    gone = job.path.with_name(f".{job.path.name}.removed")
    try:
        job.path.rename(gone)  # out of reach first: no download starts from here on
    except FileNotFoundError:
        gone = job.path
    try:
        with ctx.sessions.begin() as s:
            record(
                s, ctx, actor=actor[:64], actor_role=actor_role, action="export_remove",
                client_addr=client_addr[:64], camera_id=job.camera_id, camera_name=job.camera,
                from_us=job.from_us, to_us=job.to_us,
                detail={"job": job.id, "file": job.path.name, "sha256": job.sha256,
                        "bytes": job.bytes, "reason": reason},
            )  # fmt: skip
            job.state, job.removed = "removed", f"{reason} at {us_to_iso(ctx.clock.now_us())}"
            job.save()  # within the transaction: if the record fails, nothing is committed
    except BaseException:
        job.state, job.removed = "done", ""
        if gone != job.path and gone.exists():
            gone.rename(job.path)  # unregistered: the package stays as it was
        job.save()
        raise
    gone.unlink(missing_ok=True)
    return True


def sweep(ctx: SiteContext, running: set[str] | None = None) -> list[str]:
    """Remove every package finished more than `export_keep_s` ago; the job ids removed.
    `running` are jobs this process runs (their records are not final)."""
    root = exports_dir(ctx)
    if not root.is_dir():
        return []
    cutoff = ctx.clock.now_us() - ctx.settings.export_keep_s * 1_000_000
    removed = []
    for job_dir in sorted(root.iterdir()):
        if not JOB_ID.fullmatch(job_dir.name) or job_dir.name in (running or set()):
            continue
        job = Job.load(job_dir)
        if job is None or job.state != "done":
            continue
        finished_us = job.finished_us or int((job_dir / JOB_FILE).stat().st_mtime * 1_000_000)
        if finished_us <= cutoff:
            try:
                if remove_package(ctx, job, "expired"):
                    removed.append(job.id)
            except Exception:
                log.exception("export %s: could not remove its expired package", job.id)
    return removed
