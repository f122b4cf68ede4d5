"""Watch-duty shifts and their handovers (A17.1): who is on watch, when, and what the
next person was told.

Invariants:
- a shift ends after it starts and lasts at most `MAX_SHIFT_HOURS`;
- one person's shifts never overlap, and a person holds shifts only on days they are on
  the roster (`vigil.records.staff.on_roster`);
- a shift is handed over once, to somebody else on the roster; the note is kept as written;
- every change is registered in the audit log with who made it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit.actor import Actor
from vigil.clock import US_PER_S
from vigil.context import SiteContext
from vigil.db.models import DutyShift, StaffMember
from vigil.errors import ConflictError, NotFoundError, ValidationError
from vigil.records.common import audit, check_text, local_day
from vigil.records.staff import ROSTER_ARTICLE, on_roster, staff_row

MAX_SHIFT_HOURS = 24
"""A longer shift is a typing mistake, not a watch."""


@dataclass(frozen=True)
class ShiftView:
    id: int
    staff_id: int
    staff_name: str
    starts_us: int
    ends_us: int
    post: str
    handover_to_id: int | None
    handover_to_name: str | None
    handover_note: str
    handover_us: int | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _shift_view(s: Session, sh: DutyShift) -> ShiftView:
    def name(staff_id: int | None) -> str | None:
        if staff_id is None:
            return None
        return s.scalar(select(StaffMember.name).where(StaffMember.id == staff_id))

    return ShiftView(
        id=sh.id,
        staff_id=sh.staff_id,
        staff_name=name(sh.staff_id) or "",
        starts_us=sh.starts_us,
        ends_us=sh.ends_us,
        post=sh.post,
        handover_to_id=sh.handover_to_id,
        handover_to_name=name(sh.handover_to_id),
        handover_note=sh.handover_note,
        handover_us=sh.handover_us,
    )


def add_shift(
    ctx: SiteContext,
    staff_id: int,
    *,
    starts_us: int,
    ends_us: int,
    post: str = "",
    by: Actor,
) -> ShiftView:
    """Schedule a watch shift; refused if it ends before it starts or overlaps another of the
    same person's shifts."""
    if ends_us <= starts_us:
        raise ValidationError("must be after starts", field="ends")
    if ends_us - starts_us > MAX_SHIFT_HOURS * 3600 * US_PER_S:
        raise ValidationError(f"a shift lasts at most {MAX_SHIFT_HOURS} hours", field="ends")
    the_post = check_text(post, "post", max_chars=64, required=False)
    with ctx.sessions.begin() as s:
        member = s.get(StaffMember, staff_id, with_for_update=True)
        if member is None:
            raise NotFoundError(f"no staff member with id {staff_id}", field="staff_id")
        day = local_day(ctx, starts_us)
        if not on_roster(member, day):
            raise ValidationError(
                f"{member.name} is not on the roster on {day} (joined {member.joined_on}, "
                f"left {member.left_on or '-'})",
                field="staff_id",
                article=ROSTER_ARTICLE,
            )
        clash = s.scalar(
            select(DutyShift).where(
                DutyShift.staff_id == staff_id,
                DutyShift.starts_us < ends_us,
                DutyShift.ends_us > starts_us,
            )
        )
        if clash is not None:
            raise ConflictError(
                f"overlaps shift {clash.id} of {member.name}; a person holds one shift at a time",
                field="starts",
            )
        row = DutyShift(
            staff_id=staff_id, starts_us=starts_us, ends_us=ends_us, post=the_post, handover_note=""
        )
        s.add(row)
        s.flush()
        view = _shift_view(s, row)
        audit(
            s,
            ctx,
            by,
            "shift.add",
            shift_id=view.id,
            staff_id=staff_id,
            name=view.staff_name,
            starts_us=starts_us,
            ends_us=ends_us,
            post=view.post,
        )
    return view


def handover(
    ctx: SiteContext, shift_id: int, *, to_staff_id: int, note: str, by: Actor
) -> ShiftView:
    """Hand the watch over at the end of a shift, with a note for the next person (once)."""
    the_note = check_text(note, "note", multiline=True)
    now = ctx.clock.now_us()
    with ctx.sessions.begin() as s:
        shift = s.get(DutyShift, shift_id, with_for_update=True)
        if shift is None:
            raise NotFoundError(f"no shift with id {shift_id}", field="shift_id")
        if shift.handover_us is not None:
            raise ConflictError(
                f"shift {shift_id} was already handed over; a handover note is kept as written",
                field="shift_id",
            )
        if now < shift.starts_us:
            raise ValidationError("the shift has not started yet", field="shift_id")
        nxt = staff_row(s, to_staff_id, field="to_staff_id")
        if nxt.id == shift.staff_id:
            raise ValidationError("hand over to somebody else", field="to_staff_id")
        if not on_roster(nxt, local_day(ctx, now)):
            raise ValidationError(
                f"{nxt.name} is not on the roster today",
                field="to_staff_id",
                article=ROSTER_ARTICLE,
            )
        shift.handover_to_id = nxt.id
        shift.handover_note = the_note
        shift.handover_us = now
        view = _shift_view(s, shift)
        audit(
            s,
            ctx,
            by,
            "shift.handover",
            shift_id=shift_id,
            staff_id=view.staff_id,
            to_staff_id=to_staff_id,
            note=the_note,
        )
    return view


def list_shifts(
    ctx: SiteContext,
    *,
    since_us: int | None = None,
    until_us: int | None = None,
    staff_id: int | None = None,
) -> list[ShiftView]:
    """Shifts that overlap [since_us, until_us), earliest first."""
    q = select(DutyShift)
    if since_us is not None:
        q = q.where(DutyShift.ends_us > since_us)
    if until_us is not None:
        q = q.where(DutyShift.starts_us < until_us)
    if staff_id is not None:
        q = q.where(DutyShift.staff_id == staff_id)
    with ctx.sessions() as s:
        return [_shift_view(s, sh) for sh in s.scalars(q.order_by(DutyShift.starts_us))]
