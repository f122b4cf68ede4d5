"""Where each camera looks and why (A7, A8, A14, A16(3)): one `camera_siting` row per camera.

- The location type is a key position of the catalogue or one of the unit's own positions
  (`custom:<slug>`); an A8 place is refused with the item of A8 that forbids it, whether a
  camera is registered there or moved there, and nothing is saved.
- A14: the sign at the camera (installed, with a photo) and the camera's fixed view: a
  snapshot decoded from the newest recorded segment is kept as an attachment and becomes
  the reference once an administrator approves it. A change of location or purpose (a
  change A16(3) restricts) withdraws the approval, so the view must be approved anew.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit.actor import Actor
from vigil.context import SiteContext
from vigil.db.models import Attachment, Camera, CameraSiting, Segment, SitePosition, SiteProfile
from vigil.db.states import SegmentState
from vigil.errors import ConflictError, NotFoundError, ValidationError
from vigil.media.snapshot import snapshot_jpeg
from vigil.records import attachments
from vigil.records.attachments import IMAGE_TYPES
from vigil.records.common import text_field, today
from vigil.regulation import FORBIDDEN_LOCATIONS, check_location
from vigil.regulation.rulesets import DEFAULT_JURISDICTION, LawInForce, jurisdiction, law_in_force

PURPOSE_MAX = 500
NOTE_MAX = 500


def _law(s: Session, on: date | None) -> LawInForce:
    """The law of the site's jurisdiction on `on`; without a day, the latest law it knows
    (every text it will have applied, less what it retired): a camera is sited today."""
    row = s.get(SiteProfile, 1)
    name = row.jurisdiction if row is not None and row.jurisdiction else DEFAULT_JURISDICTION
    return law_in_force(jurisdiction(name), on or date.max)


def check_location_type(
    s: Session, code: object, *, field: str = "location_type", on: date | None = None
) -> str:
    """A lawful location type: refused per A8 and N8 first (citing the items in force on
    `on`), then a catalogue or site position."""
    if not isinstance(code, str) or not code.strip():
        raise ValidationError(
            "give the location type, e.g. 'entrance', 'lobby' or 'passage'", field=field
        )
    clean = code.strip()
    if clean in FORBIDDEN_LOCATIONS:
        # raises RefusedByLawError citing every item in force that forbids the place
        check_location(clean, field=field, in_force=_law(s, on).applies)
    if s.scalar(select(SitePosition.id).where(SitePosition.code == clean)) is not None:
        return clean
    if clean.startswith("custom:"):
        raise ValidationError(
            f"{clean!r} is not one of the site's key positions; add it first "
            "(`vigil site positions add`)",
            field=field,
        )
    check_location(clean, field=field)
    return clean


@dataclass(frozen=True)
class SitingView:
    camera: str
    camera_id: int
    location_type: str | None
    location_note: str
    purpose: str
    sign_installed: bool
    sign_photo_id: int | None
    reference_view_id: int | None
    reference_approved_by: str | None
    reference_approved_us: int | None
    updated_us: int | None

    @property
    def reference_approved(self) -> bool:
        return self.reference_view_id is not None and self.reference_approved_by is not None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "reference_approved": self.reference_approved}


def _view(cam: Camera, row: CameraSiting | None) -> SitingView:
    if row is None:
        return SitingView(cam.name, cam.id, None, "", "", False, None, None, None, None, None)
    return SitingView(
        cam.name,
        cam.id,
        row.location_type,
        row.location_note,
        row.purpose,
        row.sign_installed,
        row.sign_photo_id,
        row.reference_view_id,
        row.reference_approved_by,
        row.reference_approved_us,
        row.updated_us,
    )


def _camera(s: Session, name: str) -> Camera:
    cam = s.scalar(select(Camera).where(Camera.name == name, Camera.state == "active"))
    if cam is None:
        raise NotFoundError(f"no active camera named {name!r}", field="camera")
    return cam


def get_siting(ctx: SiteContext, name: str) -> SitingView:
    with ctx.sessions() as s:
        cam = _camera(s, name)
        return _view(cam, s.get(CameraSiting, cam.id))


def list_sitings(ctx: SiteContext) -> list[SitingView]:
    """Every active camera with its siting (empty fields where none is recorded)."""
    with ctx.sessions() as s:
        cams = s.scalars(select(Camera).where(Camera.state == "active").order_by(Camera.name))
        return [_view(c, s.get(CameraSiting, c.id)) for c in cams]


def new_siting(
    s: Session, camera_id: int, location_type: str, purpose: str | None, now_us: int
) -> CameraSiting:
    """The row for a camera being registered (`CameraRegistry.add`), checked first."""
    row = CameraSiting(
        camera_id=camera_id,
        location_type=check_location_type(s, location_type),
        location_note="",
        purpose=text_field(purpose, "purpose", PURPOSE_MAX),
        sign_installed=False,
        updated_us=now_us,
    )
    s.add(row)
    return row


_UNSET: Any = object()


def _sign_photo(s: Session, value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError("must be an attachment id", field="sign_photo_id")
    att = s.get(Attachment, value)
    if att is None:
        raise ValidationError(f"no attachment with id {value}", field="sign_photo_id")
    if att.content_type not in IMAGE_TYPES:
        raise ValidationError(
            f"attachment {value} is a {att.content_type}, not a photo", field="sign_photo_id"
        )
    return value


def update_siting(
    ctx: SiteContext,
    name: str,
    actor: Actor,
    *,
    location_type: str | None = _UNSET,
    location_note: str | None = _UNSET,
    purpose: str | None = _UNSET,
    sign_installed: bool | None = _UNSET,
    sign_photo_id: int | None = _UNSET,
) -> SitingView:
    """Change what is given, after checking all of it; an A8 place leaves the old siting."""
    with ctx.sessions.begin() as s:
        cam = _camera(s, name)
        row = s.get(CameraSiting, cam.id)
        before = _view(cam, row)
        new: dict[str, Any] = {}
        if location_type is not _UNSET:
            new["location_type"] = check_location_type(s, location_type, on=today(ctx))
        elif row is None:
            raise ValidationError(
                "give the location type: where the camera looks (A7, A8)", field="location_type"
            )
        if location_note is not _UNSET:
            new["location_note"] = text_field(location_note, "location_note", NOTE_MAX)
        if purpose is not _UNSET:
            new["purpose"] = text_field(purpose, "purpose", PURPOSE_MAX)
        if sign_photo_id is not _UNSET:
            new["sign_photo_id"] = _sign_photo(s, sign_photo_id)
        if sign_installed is not _UNSET and sign_installed is not None:
            if not isinstance(sign_installed, bool):
                raise ValidationError("must be true or false", field="sign_installed")
            new["sign_installed"] = sign_installed
        if new.get("sign_photo_id") is not None:
            if new.get("sign_installed") is False:
                raise ValidationError(
                    "a sign photo shows an installed sign; drop the photo or set "
                    "sign_installed (A14)",
                    field="sign_photo_id",
                    article="A14",
                )
            new["sign_installed"] = True
        if new.get("sign_installed") is False and "sign_photo_id" not in new:
            new["sign_photo_id"] = None
        if row is None:
            row = CameraSiting(camera_id=cam.id, location_note="", purpose="", sign_installed=False)
            s.add(row)
        changed = {k: v for k, v in new.items() if getattr(before, k) != v}
        for k, v in changed.items():
            setattr(row, k, v)
        moved = bool({"location_type", "purpose"} & set(changed)) and before.location_type
        if moved and row.reference_approved_by is not None:
            row.reference_approved_by = None
            row.reference_approved_us = None
            changed["reference_approved"] = False
        row.updated_us = ctx.clock.now_us()
        after = _view(cam, row)
        if changed:
            detail: dict[str, Any] = {
                "changed": changed,
                "before": {k: getattr(before, k) for k in changed if hasattr(before, k)},
            }
            if moved:
                detail["article"] = "A16(3)"
            actor.audit(
                s, ctx, "siting_update", camera_id=cam.id, camera_name=cam.name, detail=detail
            )
    return after


# --- the reference view (A14) ----------------------------------------------------------


def take_reference(ctx: SiteContext, name: str, actor: Actor) -> SitingView:
    """Snapshot the newest recorded segment and make it the camera's pending reference view."""
    with ctx.sessions() as s:
        cam = _camera(s, name)
        row = s.get(CameraSiting, cam.id)
        if row is None:
            raise ConflictError(
                f"record where {name} looks first (location type, A7/A8), then its view",
                field="location_type",
            )
        seg = s.scalar(
            select(Segment)
            .where(Segment.camera_id == cam.id, Segment.state == SegmentState.SEALED)
            .order_by(Segment.start_us.desc())
            .limit(1)
        )
        if seg is None:
            raise ConflictError(
                f"{name} has no recorded segment yet; record it first, then take its view",
                field="camera",
            )
        path, start_us, cam_id = ctx.segments_dir / seg.path, seg.start_us, cam.id
    jpeg = snapshot_jpeg(str(path))
    att = attachments.store(
        ctx,
        jpeg,
        kind="reference_view",
        upload=False,
        audit=False,
        filename=f"{name}-reference-{start_us}.jpg",
        actor=actor,
    )
    with ctx.sessions.begin() as s:
        row = s.get(CameraSiting, cam_id)
        assert row is not None
        previous = row.reference_view_id
        row.reference_view_id = att.id
        row.reference_approved_by = None
        row.reference_approved_us = None
        row.updated_us = ctx.clock.now_us()
        after = _view(_camera(s, name), row)
        actor.audit(
            s,
            ctx,
            "reference_take",
            camera_id=cam_id,
            camera_name=name,
            detail={
                "attachment": att.id,
                "sha256": att.sha256,
                "segment_start_us": start_us,
                "previous": previous,
            },
        )
    return after


def approve_reference(
    ctx: SiteContext, name: str, actor: Actor, *, attachment_id: int | None = None
) -> SitingView:
    """An administrator approves the pending reference view (A14 fixed capture range)."""
    with ctx.sessions.begin() as s:
        cam = _camera(s, name)
        row = s.get(CameraSiting, cam.id)
        if row is None or row.reference_view_id is None:
            raise ConflictError(
                f"{name} has no reference view to approve; take one first", field="camera"
            )
        if attachment_id is not None and attachment_id != row.reference_view_id:
            raise ConflictError(
                f"the view of {name} is now attachment {row.reference_view_id}, not "
                f"{attachment_id}; look at the current one before approving it",
                field="attachment_id",
            )
        if row.reference_approved_by is not None:
            raise ConflictError(
                f"the view of {name} was already approved by {row.reference_approved_by}",
                field="camera",
            )
        row.reference_approved_by = actor.name[:64]
        row.reference_approved_us = ctx.clock.now_us()
        after = _view(cam, row)
        actor.audit(
            s,
            ctx,
            "reference_approve",
            camera_id=after.camera_id,
            camera_name=name,
            detail={"attachment": after.reference_view_id, "article": "A14"},
        )
    return after


def reference_camera(ctx: SiteContext, attachment_id: int) -> tuple[int, str] | None:
    """The camera whose current reference view `attachment_id` is, if any."""
    with ctx.sessions() as s:
        found = s.execute(
            select(Camera.id, Camera.name)
            .join(CameraSiting, CameraSiting.camera_id == Camera.id)
            .where(CameraSiting.reference_view_id == attachment_id)
        ).first()
    return (int(found[0]), str(found[1])) if found else None
