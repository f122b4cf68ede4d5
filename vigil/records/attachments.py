"""Files the unit keeps on record: sign photos, reference views, plans, reports, contracts.

Invariants:
- a file is stored once, under `HOME/attachments/<sha256>`, read-only, and never
  overwritten: a record that cites an attachment always shows what was approved;
- a file is written to a temporary name, fsynced, then renamed (and the directory
  fsynced) before its `attachments` row is inserted, so a row never names a missing file;
- only JPEG, PNG and PDF are kept, recognised from their first bytes (the name and the
  type the client claims are not trusted), and none larger than `MAX_ATTACHMENT_BYTES`.

"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from vigil.audit.actor import Actor
from vigil.context import SiteContext
from vigil.db.models import Attachment
from vigil.errors import NotFoundError, ValidationError, VigilError
from vigil.storage import files

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
"""The largest file kept (20 MiB): a scanned contract or a camera snapshot fits easily."""

ATTACHMENTS_DIR = "attachments"

#: What an attachment is for; `reference_view` is only ever taken from a recording.
KINDS: dict[str, str] = {
    "sign_photo": "photo of the sign at a camera (A14)",
    "reference_view": "approved view of a camera (A14), taken from its recording",
    "design_plan": "design plan of the system (A13.2)",
    "test_report": "technical test report (A13.2)",
    "acceptance_report": "acceptance documents (A13.1, A13.2)",
    "contract": "maintenance contract with its security-responsibility clause (A16(2))",
    "maintenance": "maintenance, fault or security-check record (A16(1))",
    "training": "training or secrecy-education record (A17.1)",
    # What the county bureaus' filing notices under N14 ask for beside the form (checked for
    # presence, not content: `vigil.filings.document`).
    "authorisation_letter": "stamped letter authorising the handler to file (授权书, N14 notice)",
    "business_licence": "copy of the business licence or credit-code certificate (N14 notice)",
    "handler_id": "ID document of the person who files (经办人身份证, N14 notice)",
    "filing_form": "the filing form as submitted to the bureau (A13.2, N14), made by Vigil",
    "other": "any other document the unit keeps on record",
}
UPLOAD_KINDS = frozenset(KINDS) - {"reference_view", "filing_form"}

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
CONTENT_TYPES = frozenset(kind for _, kind in _MAGIC)
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


@dataclass(frozen=True)
class AttachmentView:
    id: int
    kind: str
    filename: str
    content_type: str
    bytes: int
    sha256: str
    uploaded_by: str
    uploaded_us: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def view(row: Attachment) -> AttachmentView:
    return AttachmentView(
        row.id,
        row.kind,
        row.filename,
        row.content_type,
        row.bytes,
        row.sha256,
        row.uploaded_by,
        row.uploaded_us,
    )


def sniff_content_type(data: bytes, *, field: str = "file") -> str:
    """The type of `data` from its first bytes; `ValidationError` unless JPEG, PNG or PDF."""
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    raise ValidationError(
        "only JPEG or PNG images and PDF documents are kept; this file is none of them",
        field=field,
    )


def check_file(data: bytes, *, field: str = "file") -> str:
    """Size and type checks before anything is stored; returns the sniffed content type."""
    if not data:
        raise ValidationError("the file is empty", field=field)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            f"the file has {len(data):,} bytes; at most {MAX_ATTACHMENT_BYTES:,} "
            f"({MAX_ATTACHMENT_BYTES // (1024 * 1024)} MiB) are kept",
            field=field,
        )
    return sniff_content_type(data, field=field)


def check_kind(kind: str, *, upload: bool = True, field: str = "kind") -> str:
    allowed = UPLOAD_KINDS if upload else frozenset(KINDS)
    if kind not in allowed:
        if kind == "reference_view":
            raise ValidationError(
                "a reference view is taken from the camera's recording, not uploaded (A14)",
                field=field,
                article="A14",
            )
        raise ValidationError(
            f"{kind!r} is not a kind of attachment; use one of: {', '.join(sorted(allowed))}",
            field=field,
        )
    return kind


def clean_filename(name: str | None, default: str = "upload") -> str:
    """The last path component, without control characters, at most 255 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_NAME.sub("", base).strip()
    if base in ("", ".", ".."):
        base = default
    return base[-255:]


def attachments_dir(ctx: SiteContext) -> Path:
    return ctx.home / ATTACHMENTS_DIR


def file_path(ctx: SiteContext, sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return attachments_dir(ctx) / sha256


def _write_content_addressed(ctx: SiteContext, data: bytes, sha256: str) -> Path:
    """Write `data` to attachments/<sha256> durably, unless that file already exists."""
    final = file_path(ctx, sha256)
    if final.exists():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".{sha256}.{uuid.uuid4().hex}.tmp"
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        files.make_read_only(tmp)
        # FileExistsError: another upload of the same bytes won the race; keep its file.
        with contextlib.suppress(FileExistsError):
            files.durable_rename(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return final


def store(
    ctx: SiteContext,
    data: bytes,
    *,
    kind: str,
    filename: str | None,
    actor: Actor,
    upload: bool = True,
    audit: bool = True,
) -> AttachmentView:
    """Check and keep a file; returns its row. Identical bytes share one stored file."""
    check_kind(kind, upload=upload)
    content_type = check_file(data)
    sha256 = hashlib.sha256(data).hexdigest()
    _write_content_addressed(ctx, data, sha256)
    with ctx.sessions.begin() as s:
        row = Attachment(
            kind=kind,
            filename=clean_filename(filename),
            content_type=content_type,
            bytes=len(data),
            sha256=sha256,
            uploaded_by=actor.name[:64],
            uploaded_us=ctx.clock.now_us(),
        )
        s.add(row)
        s.flush()
        out = view(row)
        if audit:
            actor.audit(
                s,
                ctx,
                "attachment_add",
                detail={"attachment": out.id, "kind": kind, "sha256": sha256, "bytes": out.bytes},
            )
    return out


def get(ctx: SiteContext, attachment_id: int, *, field: str = "attachment") -> AttachmentView:
    with ctx.sessions() as s:
        row = s.get(Attachment, attachment_id)
        if row is None:
            raise NotFoundError(f"no attachment with id {attachment_id}", field=field)
        return view(row)


def citations(ctx: SiteContext, ids: Iterable[int | None]) -> dict[int, dict[str, Any]]:
    """What a record shows of the attachments it cites: id → {id, filename, content_type,
    bytes, sha256} (ids without a row are left out)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    with ctx.sessions() as s:
        rows = s.scalars(select(Attachment).where(Attachment.id.in_(wanted)))
        return {
            r.id: {
                "id": r.id,
                "filename": r.filename,
                "content_type": r.content_type,
                "bytes": r.bytes,
                "sha256": r.sha256,
            }
            for r in rows
        }


def list_(ctx: SiteContext, *, kind: str | None = None) -> list[AttachmentView]:
    with ctx.sessions() as s:
        q = select(Attachment).order_by(Attachment.id)
        if kind is not None:
            q = q.where(Attachment.kind == kind)
        return [view(r) for r in s.scalars(q)]


class DamagedAttachmentError(VigilError):
    """A stored file is missing or no longer matches its hash."""

    code = "damaged"
    http_status = 500


def read(ctx: SiteContext, attachment_id: int) -> tuple[AttachmentView, bytes]:
    """The attachment and its bytes, checked against the stored hash."""
    att = get(ctx, attachment_id)
    path = file_path(ctx, att.sha256)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DamagedAttachmentError(
            f"the file of attachment {att.id} is missing from {path.parent}",
            field="attachment",
        ) from None
    if hashlib.sha256(data).hexdigest() != att.sha256:
        raise DamagedAttachmentError(
            f"the file of attachment {att.id} no longer matches its SHA-256; it was altered",
            field="attachment",
        )
    return att, data
