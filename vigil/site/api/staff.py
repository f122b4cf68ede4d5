"""The roster, training records and watch-duty shifts over HTTP (A16(4), A17.1).

Reading needs VIEW_RECORDS; the roster, training and the shift schedule need MANAGE_SITE;
a handover is written by whoever keeps the room log (KEEP_ROOM_LOG). Every change is
registered in the audit log by the domain (`vigil.records.staff`, `.shifts`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import Field

from vigil.clock import parse_instant
from vigil.records import shifts, staff
from vigil.records.common import day_or_today
from vigil.records.shifts import ShiftView
from vigil.site.api.common import PeriodQuery, RowId, StrictBody, actor_of, with_times
from vigil.site.deps import KeepsRoomLog, ManagesSite, ViewsRecords, site

router = APIRouter(tags=["staff"])


class NewStaff(StrictBody):
    name: str = Field(description="Full name as on the roster.", max_length=64)
    duty: str = Field(description="monitoring (监看), management (管理) or maintenance (维护).")
    joined_on: str = Field(description="Day the person joined the roster, YYYY-MM-DD.")
    phone: str = Field("", description="Phone number.")
    username: str | None = Field(
        None, description="Their account; its role must fit the duty (A16(4))."
    )


class StaffChange(StrictBody):
    phone: str | None = None
    duty: str | None = None
    username: str | None = Field(None, description="Link this account.")
    unlink_account: bool = Field(False, description="Remove the link to the account.")
    left_on: str | None = Field(None, description="Last day on the roster, YYYY-MM-DD (once).")


class NewTraining(StrictBody):
    kind: str = Field(description="training (培训) or secrecy (保密教育) (A17.1).")
    held_on: str = Field(description="Day it was held, YYYY-MM-DD.")
    topic: str = Field(description="What it covered.")
    provider: str = Field("", description="Who gave it.")
    hours: int | None = Field(None, description="Length in hours.")


class NewShift(StrictBody):
    staff_id: RowId = Field(description="Who is on watch.")
    starts: str = Field(description="ISO 8601 start.")
    ends: str = Field(description="ISO 8601 end; after the start.")
    post: str = Field("", description="Post or seat, e.g. console 1.")


class Handover(StrictBody):
    to_staff_id: RowId = Field(description="Who takes over the watch.")
    note: str = Field(description="What the next person must know.")


def _shift(v: ShiftView) -> dict[str, Any]:
    return with_times(v.as_dict(), starts=v.starts_us, ends=v.ends_us, handover_at=v.handover_us)


@router.get("/staff")
def list_staff(
    request: Request,
    who: ViewsRecords,
    include_left: bool = Query(True, description="Also people who left the roster."),
) -> list[dict[str, Any]]:
    return [v.as_dict() for v in staff.list_staff(site(request), include_left=include_left)]


@router.post("/staff", status_code=201)
def add_staff(body: NewStaff, request: Request, who: ManagesSite) -> dict[str, Any]:
    return staff.add_staff(site(request), **body.model_dump(), by=actor_of(who)).as_dict()


@router.get("/staff/untrained")
def untrained(
    request: Request,
    who: ViewsRecords,
    today: str | None = Query(None, description="Day to judge, YYYY-MM-DD; default today."),
) -> list[dict[str, Any]]:
    """People on the roster without training or secrecy education (A17.1)."""
    ctx = site(request)
    return [u.as_dict() for u in staff.untrained_staff(ctx, day_or_today(ctx, today))]


@router.get("/staff/{staff_id}")
def get_staff(staff_id: RowId, request: Request, who: ViewsRecords) -> dict[str, Any]:
    return staff.get_staff(site(request), staff_id).as_dict()


@router.patch("/staff/{staff_id}")
def change_staff(
    staff_id: RowId, body: StaffChange, request: Request, who: ManagesSite
) -> dict[str, Any]:
    changes = body.model_dump()
    return staff.update_staff(site(request), staff_id, **changes, by=actor_of(who)).as_dict()


@router.get("/staff/{staff_id}/training")
def list_training(staff_id: RowId, request: Request, who: ViewsRecords) -> list[dict[str, Any]]:
    return [t.as_dict() for t in staff.list_training(site(request), staff_id)]


@router.post("/staff/{staff_id}/training", status_code=201)
def add_training(
    staff_id: RowId, body: NewTraining, request: Request, who: ManagesSite
) -> dict[str, Any]:
    training = body.model_dump()
    return staff.add_training(site(request), staff_id, **training, by=actor_of(who)).as_dict()


@router.get("/shifts")
def list_shifts(
    request: Request,
    who: ViewsRecords,
    period: PeriodQuery,
    staff_id: RowId | None = Query(None),
) -> list[dict[str, Any]]:
    """Shifts that overlap the period (ending after `since`, starting before `until`)."""
    found = shifts.list_shifts(
        site(request), since_us=period.since_us, until_us=period.until_us, staff_id=staff_id
    )
    return [_shift(v) for v in found]


@router.post("/shifts", status_code=201)
def add_shift(body: NewShift, request: Request, who: ManagesSite) -> dict[str, Any]:
    return _shift(
        shifts.add_shift(
            site(request),
            body.staff_id,
            starts_us=parse_instant(body.starts, field="starts"),
            ends_us=parse_instant(body.ends, field="ends"),
            post=body.post,
            by=actor_of(who),
        )
    )


@router.post("/shifts/{shift_id}/handover")
def handover(
    shift_id: RowId, body: Handover, request: Request, who: KeepsRoomLog
) -> dict[str, Any]:
    note = body.model_dump()
    return _shift(shifts.handover(site(request), shift_id, **note, by=actor_of(who)))
