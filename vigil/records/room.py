"""The monitoring-room entry log (A16(4)): who entered, when, why, and when they left.

Only monitoring, management and maintenance staff enter the monitoring room (A16(4));
letting anybody else in is punishable under A24(4). Every entry is logged as it happened
and *flagged* (with a reason a person can read) when the person is not on the roster that
day: a visitor, somebody who has not joined yet or has already left, or a staff member whose
duty is not one the room admits.

Invariants:
- the log is append-only: an entry is never edited or deleted; the only later change is
  its `left_us`, set once; a mistake is corrected by a new entry;
- an entry's flag is evaluated when it is written, and again against the current roster
  when it is read, so a departure recorded late still flags the entries made after it;
- every entry and departure is registered in the audit log.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit.actor import Actor
from vigil.context import SiteContext
from vigil.db.models import RoomEntry, StaffMember
from vigil.db.sql import within
from vigil.errors import ConflictError, NotFoundError, ValidationError
from vigil.records.common import audit, check_text, local_day, not_in_future
from vigil.records.staff import DUTIES, ROSTER_ARTICLE, on_roster, staff_row

BREACH_ARTICLE = "A24(4)"
"""Letting others into the monitoring room is an A16 violation punished under A24(4)."""

ROOM_DUTIES: frozenset[str] = frozenset(DUTIES)
"""Duties whose staff A16(4) admits to the monitoring room."""


@dataclass(frozen=True)
class EntryView:
    id: int
    person_name: str
    staff_id: int | None
    organisation: str
    reason: str
    entered_us: int
    left_us: int | None
    flagged: bool
    flag_reason: str
    recorded_by: str
    recorded_us: int

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "article": BREACH_ARTICLE if self.flagged else None}


@dataclass(frozen=True)
class RoomCounts:
    """Entries that began in a period, how many are flagged, and who is still inside."""

    since_us: int | None
    until_us: int | None
    entries: int
    flagged: int
    inside: int
    article: str = BREACH_ARTICLE

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def flag_reason(member: StaffMember | None, day: date) -> str:
    """Why an entry on `day` by `member` (None: not a staff member) is a possible breach of
    A16(4), or "" when the person may enter."""
    tail = (
        f"only monitoring, management and maintenance staff may enter the monitoring room "
        f"({ROSTER_ARTICLE}); possible {BREACH_ARTICLE} breach"
    )
    if member is None:
        return f"not on the roster: {tail}"
    if day < date.fromisoformat(member.joined_on):
        return f"not on the roster until {member.joined_on}: {tail}"
    if not on_roster(member, day):
        return f"left the roster on {member.left_on}: {tail}"
    if member.duty not in ROOM_DUTIES:
        return f"on the roster with duty {member.duty!r}, which the room does not admit: {tail}"
    return ""


def _view(ctx: SiteContext, entry: RoomEntry, member: StaffMember | None) -> EntryView:
    reason = entry.flag_reason if entry.flagged else ""
    if not entry.flagged:
        # Evaluated again: a departure recorded after the entry still flags it.
        reason = flag_reason(member, local_day(ctx, entry.entered_us))
    return EntryView(
        id=entry.id,
        person_name=entry.person_name,
        staff_id=entry.staff_id,
        organisation=entry.organisation,
        reason=entry.reason,
        entered_us=entry.entered_us,
        left_us=entry.left_us,
        flagged=bool(reason),
        flag_reason=reason,
        recorded_by=entry.recorded_by,
        recorded_us=entry.recorded_us,
    )


def _views(ctx: SiteContext, s: Session, entries: list[RoomEntry]) -> list[EntryView]:
    ids = {e.staff_id for e in entries if e.staff_id is not None}
    staff = (
        {m.id: m for m in s.scalars(select(StaffMember).where(StaffMember.id.in_(ids)))}
        if ids
        else {}
    )
    return [_view(ctx, e, staff.get(e.staff_id) if e.staff_id else None) for e in entries]


def enter(
    ctx: SiteContext,
    *,
    reason: str,
    staff_id: int | None = None,
    person_name: str | None = None,
    organisation: str = "",
    entered_us: int | None = None,
    by: Actor,
) -> EntryView:
    """Log that somebody entered the monitoring room: a staff member (`staff_id`) or a
    visitor (`person_name` and `organisation`). Never refused for who it is — flagged."""
    the_reason = check_text(reason, "reason", max_chars=500)
    now = ctx.clock.now_us()
    at = not_in_future(ctx, entered_us, "entered") if entered_us is not None else now
    if staff_id is None:
        name = check_text(person_name, "person_name", max_chars=64)
        org = check_text(organisation, "organisation", max_chars=128)  # a visitor says where from
    else:
        if person_name:
            raise ValidationError(
                "give a staff member or a visitor's name, not both", field="person_name"
            )
        org = check_text(organisation, "organisation", max_chars=128, required=False)
        name = ""
    with ctx.sessions.begin() as s:
        member = staff_row(s, staff_id) if staff_id is not None else None
        if member is not None:
            name = member.name
        why = flag_reason(member, local_day(ctx, at))
        entry = RoomEntry(
            person_name=name,
            staff_id=staff_id,
            organisation=org,
            reason=the_reason,
            entered_us=at,
            left_us=None,
            flagged=bool(why),
            flag_reason=why,
            recorded_by=by.name[:64],
            recorded_us=now,
        )
        s.add(entry)
        s.flush()
        view = _view(ctx, entry, member)
        audit(
            s,
            ctx,
            by,
            "room.enter",
            entry_id=view.id,
            person_name=name,
            staff_id=staff_id,
            organisation=org,
            reason=the_reason,
            entered_us=at,
            flagged=view.flagged,
            flag_reason=view.flag_reason,
        )
    return view


def leave(ctx: SiteContext, entry_id: int, *, left_us: int | None = None, by: Actor) -> EntryView:
    """Log that the person of entry `entry_id` left the room (once)."""
    at = not_in_future(ctx, left_us, "left") if left_us is not None else ctx.clock.now_us()
    with ctx.sessions.begin() as s:
        entry = s.get(RoomEntry, entry_id, with_for_update=True)
        if entry is None:
            raise NotFoundError(f"no room entry with id {entry_id}", field="entry_id")
        if entry.left_us is not None:
            raise ConflictError(
                f"entry {entry_id} already has its departure logged; "
                "the log is append-only, add a new entry to correct it",
                field="entry_id",
            )
        if at < entry.entered_us:
            raise ValidationError("must not be before the person entered", field="left")
        entry.left_us = at
        member = s.get(StaffMember, entry.staff_id) if entry.staff_id else None
        view = _view(ctx, entry, member)
        audit(s, ctx, by, "room.leave", entry_id=entry_id, person_name=view.person_name, left_us=at)
    return view


def get_entry(ctx: SiteContext, entry_id: int) -> EntryView:
    with ctx.sessions() as s:
        entry = s.get(RoomEntry, entry_id)
        if entry is None:
            raise NotFoundError(f"no room entry with id {entry_id}", field="entry_id")
        return _views(ctx, s, [entry])[0]


def list_entries(
    ctx: SiteContext,
    *,
    since_us: int | None = None,
    until_us: int | None = None,
    flagged_only: bool = False,
) -> list[EntryView]:
    """Entries that began in [since_us, until_us), earliest first."""
    if since_us is not None and until_us is not None and until_us < since_us:
        raise ValidationError("must not be before since", field="until")
    q = within(select(RoomEntry), RoomEntry.entered_us, since_us, until_us)
    with ctx.sessions() as s:
        views = _views(ctx, s, list(s.scalars(q.order_by(RoomEntry.entered_us, RoomEntry.id))))
    return [v for v in views if v.flagged] if flagged_only else views


def flagged_entries(
    ctx: SiteContext, since_us: int | None = None, until_us: int | None = None
) -> list[EntryView]:
    """Entries in [since_us, until_us) by somebody not on the roster: possible A24(4) breaches."""
    return list_entries(ctx, since_us=since_us, until_us=until_us, flagged_only=True)


def room_counts(
    ctx: SiteContext, since_us: int | None = None, until_us: int | None = None
) -> RoomCounts:
    """How many entries began in [since_us, until_us), how many are flagged, and how many of
    them have no departure logged."""
    views = list_entries(ctx, since_us=since_us, until_us=until_us)
    return RoomCounts(
        since_us=since_us,
        until_us=until_us,
        entries=len(views),
        flagged=sum(1 for v in views if v.flagged),
        inside=sum(1 for v in views if v.left_us is None),
    )
