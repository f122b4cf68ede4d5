"""Retention holds: the recorded purposes that keep a camera's material past 30 days (N17).

N17: "保存不少于30日；30日后，对已经实现处理目的的视频图像信息，应当予以删除。法律、行政法规
对视频图像信息保存期限另有规定的，从其规定。" Material is kept at least 30 days (with A17.2(3))
and afterwards only while it serves a purpose. A hold records that purpose: its kind (an
evidence hold, an open case, or another law that sets a longer period, named), a reference,
who set it and when, until which day (or until lifted), and who lifted it, when and why.
Each set and lift is registered in the audit log in the transaction that makes it.

What a hold does to the retention run (`vigil.storage.retention`):
- an `evidence` or `case` hold keeps the material it covers past the camera's retention,
  however long, until it ends; the next run after that expires it;
- a `law` hold states why the camera's retention is longer than 30 days (N17's second
  sentence): it justifies that retention but does not extend it;
- no hold ever lets anything go sooner: deletion stays bound by the camera's retention and
  the 30-day floor (A17.2(3), N17, A18(2)).

What Vigil does not do on its own: delete material between 30 days and a longer camera
retention because no purpose is recorded. Whether a purpose "has been achieved" is the
unit's judgement, and another law may set the longer period; deleting originals is
irreversible. The self-check flags that material instead, with how much it is
(`unpurposed_material`), and the unit records a purpose or lowers the retention.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import Session

from vigil.audit.actor import SYSTEM, Actor
from vigil.clock import US_PER_DAY, local_date, local_day_start_us, parse_day, us_to_iso
from vigil.context import SiteContext
from vigil.db.models import Camera, RetentionHold, Segment
from vigil.db.states import SegmentState
from vigil.errors import ConflictError, NotFoundError, ValidationError
from vigil.regulation.retention import MIN_RETENTION_DAYS
from vigil.text import check_text

HOLD_ARTICLE = "N17"

#: kind -> (English, Chinese) label.
HOLD_KINDS: dict[str, tuple[str, str]] = {
    "evidence": ("evidence hold", "证据保全"),
    "case": ("open case", "案件办理"),
    "law": ("period set by another law", "法律、行政法规另有规定"),
}
#: Kinds that keep covered material past the camera's retention (a `law` hold does not).
EXTENDING_KINDS = frozenset({"evidence", "case"})
REFERENCE_MAX = 200
REASON_MAX = 500


@dataclass(frozen=True)
class HoldView:
    id: int
    camera: str
    camera_id: int
    kind: str
    kind_zh: str
    reference: str
    from_: str | None
    to: str | None
    until: str | None
    set_by: str
    set_at: str
    lifted_by: str | None
    lifted_at: str | None
    lift_reason: str | None
    live: bool

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["from"] = d.pop("from_")
        return d


def is_live(hold: RetentionHold, now_us: int) -> bool:
    """Not lifted, and its last day not over."""
    return hold.lifted_us is None and (hold.until_us is None or now_us < hold.until_us)


def covers(hold: RetentionHold, start_us: int, end_us: int) -> bool:
    """True if the hold's span of recorded time touches [start_us, end_us]."""
    return (hold.from_us is None or end_us > hold.from_us) and (
        hold.to_us is None or start_us < hold.to_us
    )


def _view(h: RetentionHold, camera: str, now_us: int) -> HoldView:
    def iso(us: int | None) -> str | None:
        return us_to_iso(us) if us is not None else None

    return HoldView(
        id=h.id,
        camera=camera,
        camera_id=h.camera_id,
        kind=h.kind,
        kind_zh=HOLD_KINDS.get(h.kind, (h.kind, h.kind))[1],
        reference=h.reference,
        from_=iso(h.from_us),
        to=iso(h.to_us),
        until=h.until_on,
        set_by=h.set_by,
        set_at=us_to_iso(h.set_us),
        lifted_by=h.lifted_by,
        lifted_at=iso(h.lifted_us),
        lift_reason=h.lift_reason,
        live=is_live(h, now_us),
    )


def check_kind(kind: object) -> str:
    if not isinstance(kind, str) or kind not in HOLD_KINDS:
        raise ValidationError(
            f"must be one of {', '.join(HOLD_KINDS)} (got {kind!r})",
            field="kind",
            article=HOLD_ARTICLE,
        )
    return kind


def _camera(s: Session, name: str) -> Camera:
    cam = s.scalar(select(Camera).where(Camera.name == name))
    if cam is None:
        raise NotFoundError(f"no camera named {name!r}", field="camera")
    return cam


def add_hold(
    ctx: SiteContext,
    camera: str,
    *,
    kind: str,
    reference: str,
    until: str | date | None = None,
    from_us: int | None = None,
    to_us: int | None = None,
    by: Actor = SYSTEM,
) -> HoldView:
    """Record a purpose for keeping `camera`'s material (or its span [from_us, to_us])."""
    kind = check_kind(kind)
    # The case or evidence number; for a `law` hold, the law's name.
    reference = check_text(reference, "reference", max_chars=REFERENCE_MAX, article=HOLD_ARTICLE)
    if from_us is not None and to_us is not None and to_us <= from_us:
        raise ValidationError("must be later than from", field="to")
    now = ctx.clock.now_us()
    tz = ctx.settings.unit_tz
    until_on: date | None = None
    until_us: int | None = None
    if until is not None and until != "":
        until_on = parse_day(until, "until")
        if until_on < local_date(now, tz):
            raise ValidationError(f"{until_on} is already past", field="until")
        until_us = local_day_start_us(until_on + timedelta(days=1), tz)
    with ctx.sessions.begin() as s:
        cam = _camera(s, camera)
        hold = RetentionHold(
            camera_id=cam.id,
            kind=kind,
            reference=reference,
            from_us=from_us,
            to_us=to_us,
            until_on=until_on.isoformat() if until_on else None,
            until_us=until_us,
            set_by=by.name[:64],
            set_us=now,
        )
        s.add(hold)
        s.flush()
        by.audit(
            s,
            ctx,
            "hold_set",
            camera_id=cam.id,
            camera_name=cam.name,
            from_us=from_us,
            to_us=to_us,
            detail={
                "hold": hold.id,
                "kind": kind,
                "reference": reference,
                "until": hold.until_on,
                "article": HOLD_ARTICLE,
            },
        )
        return _view(hold, cam.name, now)


def lift_hold(ctx: SiteContext, hold_id: int, *, reason: str, by: Actor = SYSTEM) -> HoldView:
    """End a hold now: its purpose is served. The next retention run may expire what it
    kept, never what is still inside the camera's retention (N17, A18(2))."""
    reason = check_text(reason, "reason", max_chars=REASON_MAX, article=HOLD_ARTICLE)
    now = ctx.clock.now_us()
    with ctx.sessions.begin() as s:
        hold = s.get(RetentionHold, hold_id)
        if hold is None:
            raise NotFoundError(f"no hold {hold_id}", field="id")
        if hold.lifted_us is not None:
            raise ConflictError(
                f"hold {hold_id} was lifted by {hold.lifted_by} at {us_to_iso(hold.lifted_us)}",
                field="id",
            )
        cam = s.get(Camera, hold.camera_id)
        assert cam is not None
        hold.lifted_by = by.name[:64]
        hold.lifted_us = now
        hold.lift_reason = reason
        by.audit(
            s,
            ctx,
            "hold_lift",
            camera_id=cam.id,
            camera_name=cam.name,
            from_us=hold.from_us,
            to_us=hold.to_us,
            detail={
                "hold": hold.id,
                "kind": hold.kind,
                "reference": hold.reference,
                "reason": reason,
                "article": HOLD_ARTICLE,
            },
        )
        return _view(hold, cam.name, now)


def list_holds(ctx: SiteContext, *, live_only: bool = False) -> list[HoldView]:
    now = ctx.clock.now_us()
    with ctx.sessions() as s:
        rows = s.execute(
            select(RetentionHold, Camera.name)
            .join(Camera, Camera.id == RetentionHold.camera_id)
            .order_by(RetentionHold.id)
        ).all()
    views = [_view(h, name, now) for h, name in rows]
    return [v for v in views if v.live] if live_only else views


def live_holds(s: Session, camera_id: int, now_us: int) -> list[RetentionHold]:
    """The camera's live holds, read in the caller's session (the retention run reads them
    again in the transaction that marks segments for expiry)."""
    rows = s.scalars(
        select(RetentionHold).where(
            RetentionHold.camera_id == camera_id,
            RetentionHold.lifted_us.is_(None),
            or_(RetentionHold.until_us.is_(None), RetentionHold.until_us > now_us),
        )
    )
    return list(rows)


def not_covered(now_us: int, *, extending_only: bool) -> ColumnElement[bool]:
    """SQL: the `Segment` row is covered by no live hold of its camera (by none that keeps
    material past retention, with `extending_only`): `covers` and `is_live` in the query, so
    held rows are never read to be skipped."""
    h = RetentionHold
    live = (
        (h.camera_id == Segment.camera_id)
        & h.lifted_us.is_(None)
        & (h.until_us.is_(None) | (h.until_us > now_us))
        & (h.from_us.is_(None) | (Segment.end_us > h.from_us))
        & (h.to_us.is_(None) | (Segment.start_us < h.to_us))
    )
    if extending_only:
        live = live & h.kind.in_(sorted(EXTENDING_KINDS))
    return ~exists().where(live)


def held(holds: Iterable[RetentionHold], start_us: int, end_us: int) -> bool:
    """True if a hold that keeps material past retention covers [start_us, end_us]."""
    return any(h.kind in EXTENDING_KINDS and covers(h, start_us, end_us) for h in holds)


@dataclass(frozen=True)
class Unpurposed:
    """Material older than 30 days that no live purpose covers, on a camera whose retention
    keeps it longer (N17): what the self-check flags."""

    camera: str
    retention_days: int
    segments: int
    bytes: int


def unpurposed_material(ctx: SiteContext) -> list[Unpurposed]:
    """Per camera with a retention above 30 days: sealed material past the 30-day floor
    that no live hold covers."""
    now = ctx.clock.now_us()
    floor = now - MIN_RETENTION_DAYS * US_PER_DAY
    out: list[Unpurposed] = []
    with ctx.sessions() as s:
        cams = s.scalars(
            select(Camera).where(Camera.retention_days > MIN_RETENTION_DAYS).order_by(Camera.name)
        ).all()
        for cam in cams:
            n, total = s.execute(
                select(func.count(), func.coalesce(func.sum(Segment.bytes), 0)).where(
                    Segment.camera_id == cam.id,
                    Segment.state == SegmentState.SEALED,
                    Segment.end_us <= floor,
                    not_covered(now, extending_only=False),
                )
            ).one()
            count, size = int(n), int(total)
            if count:
                out.append(Unpurposed(cam.name, cam.retention_days, count, size))
    return out
