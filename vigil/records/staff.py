"""The monitoring-room roster, and training and secrecy education.

A16(4): only monitoring (监看), management (管理) and maintenance (维护) staff enter the
monitoring room, so the roster says who they are. A17.1: the unit keeps a duty watch (值班)
and trains its staff in security and secrecy (保密教育); `untrained_staff` lists who lacks
either record, for the self-check report.

Invariants:
- a staff member linked to an account has the duty that fits the account's role
  (monitoring ↔ monitor, management ↔ administrator, maintenance ↔ maintainer);
- a person is on the roster from `joined_on` through `left_on` (both days included);
- every change is registered in the audit log with who made it.

Watch-duty shifts and handovers are in `vigil.records.shifts`. Days are the unit's
local calendar days (`vigil.records.common.today`).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.access.roles import Role
from vigil.audit.actor import Actor
from vigil.context import SiteContext
from vigil.db.models import StaffMember, TrainingRecord, User
from vigil.errors import ConflictError, NotFoundError, ValidationError
from vigil.records.common import audit, check_text, parse_day, today

ROSTER_ARTICLE = "A16(4)"
DUTY_ARTICLE = "A17.1"

DUTIES: dict[str, tuple[str, Role]] = {
    "monitoring": ("监看", Role.MONITOR),
    "management": ("管理", Role.ADMINISTRATOR),
    "maintenance": ("维护", Role.MAINTAINER),
}
"""Duty → (Chinese label, the account role that fits it)."""

TRAINING_KINDS: dict[str, str] = {"training": "培训", "secrecy": "保密教育"}
"""Kinds of record A17.1 asks for: security training and secrecy education."""

MAX_NAME_CHARS = 64
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{2,30}$")


def parse_duty(text: str, *, field: str = "duty") -> str:
    """A duty from its name (`monitoring`) or its Chinese label (`监看`)."""
    wanted = (text or "").strip()
    for duty, (zh, _) in DUTIES.items():
        if wanted.lower() == duty or wanted == zh:
            return duty
    choices = ", ".join(f"{d} ({zh})" for d, (zh, _) in DUTIES.items())
    raise ValidationError(
        f"unknown duty {text!r}; choose one of {choices}", field=field, article=ROSTER_ARTICLE
    )


def parse_training_kind(text: str, *, field: str = "kind") -> str:
    wanted = (text or "").strip()
    for kind, zh in TRAINING_KINDS.items():
        if wanted.lower() == kind or wanted == zh:
            return kind
    choices = ", ".join(f"{k} ({zh})" for k, zh in TRAINING_KINDS.items())
    raise ValidationError(f"unknown kind {text!r}; choose one of {choices}", field=field)


def check_phone(text: str | None) -> str:
    phone = (text or "").strip()
    if phone and not _PHONE.match(phone):
        raise ValidationError(
            f"{phone!r} is not a phone number (digits, spaces, '+', '-', brackets)",
            field="phone",
        )
    return phone


# -- views ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffView:
    id: int
    name: str
    duty: str
    duty_zh: str
    username: str | None
    phone: str
    joined_on: str
    left_on: str | None
    on_roster: bool
    last_training_on: str | None
    last_secrecy_on: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TrainingView:
    id: int
    staff_id: int
    kind: str
    kind_zh: str
    held_on: str
    topic: str
    provider: str
    hours: int | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class UntrainedStaff:
    """A person on the roster without a training or secrecy-education record (A17.1)."""

    staff_id: int
    name: str
    duty: str
    missing: tuple[str, ...]
    article: str = DUTY_ARTICLE

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "missing": list(self.missing)}


def on_roster(member: StaffMember, day: date) -> bool:
    """True if `member` is on the roster on `day` (joined_on ≤ day ≤ left_on)."""
    if day < date.fromisoformat(member.joined_on):
        return False
    return member.left_on is None or day <= date.fromisoformat(member.left_on)


def _last_held(s: Session, staff_id: int, kind: str) -> str | None:
    q = select(TrainingRecord.held_on).where(
        TrainingRecord.staff_id == staff_id, TrainingRecord.kind == kind
    )
    return s.scalar(q.order_by(TrainingRecord.held_on.desc()).limit(1))


def _staff_view(s: Session, m: StaffMember, day: date) -> StaffView:
    username = s.scalar(select(User.username).where(User.id == m.user_id)) if m.user_id else None
    return StaffView(
        id=m.id,
        name=m.name,
        duty=m.duty,
        duty_zh=DUTIES[m.duty][0] if m.duty in DUTIES else m.duty,
        username=username,
        phone=m.phone,
        joined_on=m.joined_on,
        left_on=m.left_on,
        on_roster=on_roster(m, day),
        last_training_on=_last_held(s, m.id, "training"),
        last_secrecy_on=_last_held(s, m.id, "secrecy"),
    )


def _training_view(t: TrainingRecord) -> TrainingView:
    return TrainingView(
        t.id,
        t.staff_id,
        t.kind,
        TRAINING_KINDS.get(t.kind, t.kind),
        t.held_on,
        t.topic,
        t.provider,
        t.hours,
    )


def staff_row(s: Session, staff_id: int, *, field: str = "staff_id") -> StaffMember:
    member = s.get(StaffMember, staff_id)
    if member is None:
        raise NotFoundError(f"no staff member with id {staff_id}", field=field)
    return member


# -- the roster -------------------------------------------------------------------------------


def _account(
    s: Session, username: str, duty: str, *, staff_id: int | None, field: str = "duty"
) -> User:
    """The enabled account `username`, whose role fits `duty` and who is nobody else's."""
    user = s.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise NotFoundError(f"no user account {username!r}", field="username")
    zh, role = DUTIES[duty]
    if user.role != role.value:
        have = Role(user.role)
        raise ValidationError(
            f"the account {user.username!r} has role {have.value} ({have.label_zh}), which does "
            f"not fit duty {duty} ({zh}): {duty} staff use a {role.value} ({role.label_zh}) "
            "account; change the duty or the account's role",
            field=field,
            article=ROSTER_ARTICLE,
        )
    other = s.scalar(
        select(StaffMember.name).where(StaffMember.user_id == user.id, StaffMember.id != staff_id)
        if staff_id is not None
        else select(StaffMember.name).where(StaffMember.user_id == user.id)
    )
    if other is not None:
        raise ConflictError(
            f"the account {user.username!r} already belongs to {other!r} on the roster",
            field="username",
        )
    return user


def add_staff(
    ctx: SiteContext,
    *,
    name: str,
    duty: str,
    joined_on: str | date,
    phone: str = "",
    username: str | None = None,
    by: Actor,
) -> StaffView:
    """Put a person on the roster (A16(4)), linked to their account if they have one."""
    clean_name = check_text(name, "name", max_chars=MAX_NAME_CHARS)
    the_duty = parse_duty(duty)
    joined = parse_day(joined_on, "joined_on")
    now_day = today(ctx)
    if joined > now_day:
        raise ValidationError(f"must not be after today ({now_day})", field="joined_on")
    the_phone = check_phone(phone)
    with ctx.sessions.begin() as s:
        user = _account(s, username, the_duty, staff_id=None) if username else None
        member = StaffMember(
            name=clean_name,
            user_id=user.id if user else None,
            duty=the_duty,
            phone=the_phone,
            joined_on=joined.isoformat(),
            left_on=None,
        )
        s.add(member)
        s.flush()
        view = _staff_view(s, member, now_day)
        audit(
            s,
            ctx,
            by,
            "staff.add",
            staff_id=view.id,
            name=view.name,
            duty=view.duty,
            username=view.username,
            joined_on=view.joined_on,
        )
    return view


def update_staff(
    ctx: SiteContext,
    staff_id: int,
    *,
    phone: str | None = None,
    duty: str | None = None,
    username: str | None = None,
    unlink_account: bool = False,
    left_on: str | date | None = None,
    by: Actor,
) -> StaffView:
    """Change a person's phone, duty or account, or record the day they left the roster.

    `left_on` is the last day on the roster; it is set once (a roster is a trail).
    """
    the_phone = check_phone(phone) if phone is not None else None
    the_duty = parse_duty(duty) if duty is not None else None
    left = parse_day(left_on, "left_on") if left_on is not None else None
    if username is not None and unlink_account:
        raise ValidationError("give an account or unlink it, not both", field="username")
    now_day = today(ctx)
    changes: dict[str, Any] = {}
    with ctx.sessions.begin() as s:
        member = staff_row(s, staff_id)
        if left is not None:
            if member.left_on is not None:
                raise ConflictError(
                    f"{member.name} already left the roster on {member.left_on}", field="left_on"
                )
            if left < date.fromisoformat(member.joined_on):
                raise ValidationError(
                    f"must not be before joined_on ({member.joined_on})", field="left_on"
                )
            member.left_on = changes["left_on"] = left.isoformat()
        if the_phone is not None and the_phone != member.phone:
            member.phone = changes["phone"] = the_phone
        new_duty = the_duty or member.duty
        if unlink_account and member.user_id is not None:
            member.user_id = None
            changes["username"] = None
        if username is not None:
            user = _account(s, username, new_duty, staff_id=member.id, field="username")
            member.user_id = user.id
            changes["username"] = user.username
        elif the_duty is not None and member.user_id is not None:
            linked = s.get(User, member.user_id)
            if linked is not None:
                _account(s, linked.username, new_duty, staff_id=member.id)
        if the_duty is not None and the_duty != member.duty:
            member.duty = changes["duty"] = the_duty
        view = _staff_view(s, member, now_day)
        if changes:
            action = "staff.leave" if set(changes) == {"left_on"} else "staff.update"
            audit(s, ctx, by, action, staff_id=view.id, name=view.name, **changes)
    return view


def get_staff(ctx: SiteContext, staff_id: int) -> StaffView:
    with ctx.sessions() as s:
        return _staff_view(s, staff_row(s, staff_id), today(ctx))


def list_staff(
    ctx: SiteContext, *, include_left: bool = True, on: date | None = None
) -> list[StaffView]:
    """The roster, by name; `on_roster` (and, without `include_left`, who is listed) is
    judged on the day `on` (default the unit's today)."""
    now_day = on or today(ctx)
    with ctx.sessions() as s:
        views = [
            _staff_view(s, m, now_day)
            for m in s.scalars(select(StaffMember).order_by(StaffMember.name, StaffMember.id))
        ]
    return [v for v in views if include_left or v.on_roster]


# -- training and secrecy education (A17.1) --------------------------------------------------


def add_training(
    ctx: SiteContext,
    staff_id: int,
    *,
    kind: str,
    held_on: str | date,
    topic: str,
    provider: str = "",
    hours: int | None = None,
    by: Actor,
) -> TrainingView:
    """Record training or secrecy education a staff member received (A17.1)."""
    the_kind = parse_training_kind(kind)
    held = parse_day(held_on, "held_on")
    if held > today(ctx):
        raise ValidationError(
            "must not be in the future: record training once held", field="held_on"
        )
    the_topic = check_text(topic, "topic", max_chars=500)
    the_provider = check_text(provider, "provider", max_chars=128, required=False)
    if hours is not None and not 1 <= hours <= 1000:
        raise ValidationError("must be between 1 and 1000 hours", field="hours")
    with ctx.sessions.begin() as s:
        member = staff_row(s, staff_id)
        row = TrainingRecord(
            staff_id=member.id,
            kind=the_kind,
            held_on=held.isoformat(),
            topic=the_topic,
            provider=the_provider,
            hours=hours,
        )
        s.add(row)
        s.flush()
        view = _training_view(row)
        audit(
            s,
            ctx,
            by,
            "staff.train",
            staff_id=staff_id,
            name=member.name,
            training_id=view.id,
            kind=view.kind,
            held_on=view.held_on,
            topic=view.topic,
        )
    return view


def list_training(ctx: SiteContext, staff_id: int) -> list[TrainingView]:
    with ctx.sessions() as s:
        staff_row(s, staff_id)
        q = select(TrainingRecord).where(TrainingRecord.staff_id == staff_id)
        return [_training_view(t) for t in s.scalars(q.order_by(TrainingRecord.held_on))]


def untrained_staff(ctx: SiteContext, today: date) -> list[UntrainedStaff]:
    """People on the roster on `today` without a training or a secrecy-education record
    held on or before `today` (A17.1); `missing` names the kinds they lack."""
    out: list[UntrainedStaff] = []
    with ctx.sessions() as s:
        held: dict[int, set[str]] = {}
        q = select(TrainingRecord.staff_id, TrainingRecord.kind).where(
            TrainingRecord.held_on <= today.isoformat()
        )
        for staff_id, kind in s.execute(q):
            held.setdefault(staff_id, set()).add(kind)
        for m in s.scalars(select(StaffMember).order_by(StaffMember.name, StaffMember.id)):
            if not on_roster(m, today):
                continue
            missing = tuple(k for k in TRAINING_KINDS if k not in held.get(m.id, set()))
            if missing:
                out.append(UntrainedStaff(m.id, m.name, m.duty, missing))
    return out
