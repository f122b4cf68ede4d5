"""The unit's camera register: add, list, change retention, remove.

Removing a camera stops recording it but keeps its footage: A18(2) forbids deleting
originals inside retention, so its segments expire on the normal schedule.

A camera may be registered with its location type and purpose (its siting); a place A8
forbids is refused before anything is saved (`vigil.records.siting`). Its type (bullet,
dome, PTZ, fisheye, other) is recorded for the filing: N14 files the number and types of
cameras (`vigil.compliance.filing` counts them per type).

Each change is registered in the audit log (A17.2(2)) in the transaction that makes it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select

from vigil.audit.actor import SYSTEM, Actor
from vigil.context import SiteContext
from vigil.db.models import Camera, Segment
from vigil.db.states import SegmentState
from vigil.errors import ConflictError, NotFoundError, ValidationError
from vigil.media.urls import validate_camera_url
from vigil.records.common import text_field
from vigil.records.secret_consent import check_new_siting
from vigil.records.siting import PURPOSE_MAX, check_location_type, new_siting
from vigil.regulation.retention import check_max_retention_days, check_retention_days
from vigil.text import redact

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

#: Camera types the filing counts (N14: "图像采集设备的数量、类型"): code -> (zh, en).
CAMERA_TYPES: dict[str, tuple[str, str]] = {
    "bullet": ("枪机", "bullet"),
    "dome": ("球机", "dome"),
    "ptz": ("云台", "PTZ"),
    "fisheye": ("鱼眼", "fisheye"),
    "other": ("其他", "other"),
}
TYPE_ARTICLE = "N14"


def check_camera_type(value: object, *, field: str = "camera_type") -> str:
    """A camera type code of `CAMERA_TYPES`, refused naming the field and citing N14."""
    if not isinstance(value, str) or value.strip().lower() not in CAMERA_TYPES:
        raise ValidationError(
            f"must be one of {', '.join(CAMERA_TYPES)} (got {value!r})",
            field=field,
            article=TYPE_ARTICLE,
        )
    return value.strip().lower()


@dataclass(frozen=True)
class CameraView:
    """What may be shown about a camera: never the password."""

    id: int
    name: str
    url: str
    retention_days: int
    max_retention_days: int | None
    state: str
    created_us: int
    camera_type: str | None = None
    """N14's type (`CAMERA_TYPES`), None while not recorded."""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _view(cam: Camera) -> CameraView:
    return CameraView(
        cam.id,
        cam.name,
        redact(cam.url_redacted),  # again: a row stored before query secrets were masked
        cam.retention_days,
        cam.max_retention_days,
        cam.state,
        cam.created_us,
        cam.camera_type,
    )


def check_name(name: str, *, field: str = "name") -> str:
    if not _NAME.match(name):
        raise ValidationError(
            "must be 1-64 characters of letters, digits, '_', '.', '-', starting with a letter "
            f"or digit (got {name!r})",
            field=field,
        )
    return name


class CameraRegistry:
    def __init__(self, ctx: SiteContext):
        self.ctx = ctx

    def add(
        self,
        name: str,
        url: str,
        retention_days: int | None = None,
        max_retention_days: int | None = None,
        *,
        location_type: str | None = None,
        purpose: str | None = None,
        camera_type: str | None = None,
        by: Actor = SYSTEM,
    ) -> CameraView:
        check_name(name)
        kind = check_camera_type(camera_type) if camera_type is not None else None
        clean_url = validate_camera_url(url)
        if retention_days is None:
            retention_days = self.ctx.settings.default_retention_days
        days = check_retention_days(retention_days)
        max_days = check_max_retention_days(max_retention_days, days)
        if purpose is not None and location_type is None:
            raise ValidationError(
                "give the location type with the purpose: where the camera looks (A7, A8)",
                field="location_type",
            )
        if location_type is not None:
            with self.ctx.sessions() as s:  # refuse an A8 place before anything is written
                check_location_type(s, location_type)
            text_field(purpose, "purpose", PURPOSE_MAX)
        with self.ctx.sessions.begin() as s:
            check_new_siting(s)  # near a unit holding state secrets: its consent first (N10)
            existing = s.scalar(select(Camera).where(Camera.name == name))
            if existing is not None:
                why = "exists" if existing.state == "active" else "belongs to a removed camera"
                raise ConflictError(f"camera name {name!r} {why}", field="name")
            cam = Camera(
                name=name,
                url_redacted=redact(clean_url),
                url_encrypted=self.ctx.secrets.encrypt(clean_url),
                retention_days=days,
                max_retention_days=max_days,
                state="active",
                created_us=self.ctx.clock.now_us(),
                camera_type=kind,
            )
            s.add(cam)
            s.flush()
            detail: dict[str, Any] = {"url": cam.url_redacted, "retention_days": days}
            if max_days is not None:
                detail["max_retention_days"] = max_days
            if kind is not None:
                detail["camera_type"] = kind
            if location_type is not None:
                new_siting(s, cam.id, location_type, purpose, cam.created_us)
                detail |= {"location_type": location_type, "purpose": (purpose or "").strip()}
            by.audit(s, self.ctx, "camera_add", camera_id=cam.id, camera_name=name, detail=detail)
            return _view(cam)

    def list(self, *, include_removed: bool = False) -> list[CameraView]:
        with self.ctx.sessions() as s:
            q = select(Camera).order_by(Camera.name)
            if not include_removed:
                q = q.where(Camera.state == "active")
            return [_view(c) for c in s.scalars(q)]

    def get(self, name: str, *, include_removed: bool = True) -> CameraView:
        with self.ctx.sessions() as s:
            cam = s.scalar(select(Camera).where(Camera.name == name))
        if cam is None or (cam.state != "active" and not include_removed):
            raise NotFoundError(f"no camera named {name!r}", field="camera")
        return _view(cam)

    def set_retention(
        self,
        name: str,
        retention_days: int,
        max_retention_days: int | None = None,
        *,
        by: Actor = SYSTEM,
    ) -> CameraView:
        days = check_retention_days(retention_days)
        max_days = check_max_retention_days(max_retention_days, days)
        with self.ctx.sessions.begin() as s:
            cam = s.scalar(select(Camera).where(Camera.name == name))
            if cam is None:
                raise NotFoundError(f"no camera named {name!r}", field="camera")
            before = [cam.retention_days, cam.max_retention_days]
            cam.retention_days = days
            cam.max_retention_days = max_days
            by.audit(s, self.ctx, "retention_change", camera_id=cam.id, camera_name=name,
                     detail={"from": before, "to": [days, max_days]})  # fmt: skip
            return _view(cam)

    def set_type(self, name: str, camera_type: str, *, by: Actor = SYSTEM) -> CameraView:
        """Record the camera's type (N14: the filing states the types of cameras)."""
        kind = check_camera_type(camera_type)
        with self.ctx.sessions.begin() as s:
            cam = s.scalar(select(Camera).where(Camera.name == name))
            if cam is None:
                raise NotFoundError(f"no camera named {name!r}", field="camera")
            before = cam.camera_type
            cam.camera_type = kind
            by.audit(s, self.ctx, "camera_type", camera_id=cam.id, camera_name=name,
                     detail={"from": before, "to": kind, "article": TYPE_ARTICLE})  # fmt: skip
            return _view(cam)

    def remove(self, name: str, *, by: Actor = SYSTEM) -> tuple[CameraView, int]:
        """Stop recording `name`; returns the view and how many segments stay in retention."""
        with self.ctx.sessions.begin() as s:
            cam = s.scalar(select(Camera).where(Camera.name == name, Camera.state == "active"))
            if cam is None:
                raise NotFoundError(f"no active camera named {name!r}", field="camera")
            cam.state = "removed"
            cam.removed_us = self.ctx.clock.now_us()
            kept = s.scalar(
                select(func.count())
                .select_from(Segment)
                .where(Segment.camera_id == cam.id, Segment.state == SegmentState.SEALED)
            )
            by.audit(s, self.ctx, "camera_remove", camera_id=cam.id, camera_name=name,
                     detail={"segments_kept": int(kept or 0)})  # fmt: skip
            return _view(cam), int(kept or 0)
