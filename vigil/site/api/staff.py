"""The roster, training records and watch-duty shifts over HTTP (A16(4), A17.1).

Reading needs VIEW_RECORDS; the roster, training and the shift schedule need MANAGE_SITE;
a handover is written by whoever keeps the room log (KEEP_ROOM_LOG). Every change is
registered in the audit log by the domain (`vigil.site.records.staff`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from vigil.clock import parse_instant, us_to_iso
from vigil.site.deps import KeepsRoomLog, ManagesSite, Principal, ViewsRecords, site
from vigil.site.records import staff
from vigil.site.records.attachments import Actor
from vigil.site.records.staff import ShiftView, parse_day

router = APIRouter(tags=["staff"])


def actor(who: Principal) -> Actor:
    """The audit log's view of the caller."""
    return Actor(who.user.username, who.user.role.value, who.client_addr)


def instant(text: str | None, field: str) -> int | None:
    """An optional ISO 8601 query or body value as microseconds, refused naming `field`."""
    return parse_instant(text, field=field) if text else None


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewStaff(_Body):
    name: str = Field(description="Full name as on the roster.", max_length=64)
    duty: str = Field(description="monitoring (监看), management (管理) or maintenance (维护).")
    joined_on: str = Field(description="Day the person joined the roster, YYYY-MM-DD.")
    phone: str = Field("", description="Phone number.")
    username: str | None = Field(
        None, description="Their account; its role must fit the duty (A16(4))."
    )


class StaffChange(_Body):
    phone: str | None = None
    duty: str | None = None
    username: str | None = Field(None, description="Link this account.")
    unlink_account: bool = Field(False, description="Remove the link to the account.")
    left_on: str | None = Field(None, description="Last day on the roster, YYYY-MM-DD (once).")


class NewTraining(_Body):
    kind: str = Field(description="training (培训) or secrecy (保密教育) (A17.1).")
    held_on: str = Field(description="Day it was held, YYYY-MM-DD.")
    topic: str = Field(description="What it covered.")
    provider: str = Field("", description="Who gave it.")
    hours: int | None = Field(None, description="Length in hours.")


class NewShift(_Body):
    staff_id: int = Field(description="Who is on watch.")
    starts: str = Field(description="ISO 8601 start.")
    ends: str = Field(description="ISO 8601 end; after the start.")
    post: str = Field("", description="Post or seat, e.g. console 1.")


class Handover(_Body):
    to_staff_id: int = Field(description="Who takes over the watch.")
    note: str = Field(description="What the next person must know.")


def _shift(v: ShiftView) -> dict[str, Any]:
    return {
        **v.as_dict(),
        "starts": us_to_iso(v.starts_us),
        "ends": us_to_iso(v.ends_us),
        "handover_at": us_to_iso(v.handover_us) if v.handover_us is not None else None,
    }


@router.get("/staff")
def list_staff(
    request: Request,
    who: ViewsRecords,
    include_left: bool = Query(True, description="Also people who left the roster."),
) -> list[dict[str, Any]]:
    return [v.as_dict() for v in staff.list_staff(site(request), include_left=include_left)]


@router.post("/staff", status_code=201)
def add_staff(body: NewStaff, request: Request, who: ManagesSite) -> dict[str, Any]:
    return staff.add_staff(
        site(request),
        name=body.name,
        duty=body.duty,
        joined_on=body.joined_on,
        phone=body.phone,
        username=body.username,
        by=actor(who),
    ).as_dict()


@router.get("/staff/untrained")
def untrained(
    request: Request,
    who: ViewsRecords,
    today: str | None = Query(None, description="Day to judge, YYYY-MM-DD; default today."),
) -> list[dict[str, Any]]:
    """People on the roster without training or secrecy education (A17.1)."""
    ctx = site(request)
    day: date = parse_day(today, "today") if today else staff.today(ctx)
    return [u.as_dict() for u in staff.untrained_staff(ctx, day)]


@router.get("/staff/{staff_id}")
def get_staff(staff_id: int, request: Request, who: ViewsRecords) -> dict[str, Any]:
    return staff.get_staff(site(request), staff_id).as_dict()


@router.patch("/staff/{staff_id}")
def change_staff(
    staff_id: int, body: StaffChange, request: Request, who: ManagesSite
) -> dict[str, Any]:
    return staff.update_staff(
        site(request),
        staff_id,
        phone=body.phone,
        duty=body.duty,
        username=body.username,
        unlink_account=body.unlink_account,
        left_on=body.left_on,
        by=actor(who),
    ).as_dict()


@router.get("/staff/{staff_id}/training")
def list_training(staff_id: int, request: Request, who: ViewsRecords) -> list[dict[str, Any]]:
    return [t.as_dict() for t in staff.list_training(site(request), staff_id)]


@router.post("/staff/{staff_id}/training", status_code=201)
def add_training(
    staff_id: int, body: NewTraining, request: Request, who: ManagesSite
) -> dict[str, Any]:
    return staff.add_training(
        site(request),
        staff_id,
        kind=body.kind,
        held_on=body.held_on,
        topic=body.topic,
        provider=body.provider,
        hours=body.hours,
        by=actor(who),
    ).as_dict()


@router.get("/shifts")
def list_shifts(
    request: Request,
    who: ViewsRecords,
    since: str | None = Query(None, description="ISO 8601; shifts ending after it."),
    until: str | None = Query(None, description="ISO 8601; shifts starting before it."),
    staff_id: int | None = Query(None),
) -> list[dict[str, Any]]:
    shifts = staff.list_shifts(
        site(request),
        since_us=instant(since, "since"),
        until_us=instant(until, "until"),
        staff_id=staff_id,
    )
    return [_shift(v) for v in shifts]


@router.post("/shifts", status_code=201)
def add_shift(body: NewShift, request: Request, who: ManagesSite) -> dict[str, Any]:
    return _shift(
        staff.add_shift(
            site(request),
            body.staff_id,
            starts_us=parse_instant(body.starts, field="starts"),
            ends_us=parse_instant(body.ends, field="ends"),
            post=body.post,
            by=actor(who),
        )
    )


@router.post("/shifts/{shift_id}/handover")
def handover(shift_id: int, body: Handover, request: Request, who: KeepsRoomLog) -> dict[str, Any]:
    return _shift(
        staff.handover(
            site(request), shift_id, to_staff_id=body.to_staff_id, note=body.note, by=actor(who)
        )
    )
