"""The monitoring-room entry log over HTTP (A16(4)); flagged entries are possible A24(4)
breaches. Reading needs VIEW_RECORDS, writing KEEP_ROOM_LOG; the log is append-only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import Field

from vigil.records import room
from vigil.records.room import EntryView
from vigil.site.api.common import PeriodQuery, RowId, StrictBody, actor_of, instant, with_times
from vigil.site.deps import KeepsRoomLog, ViewsRecords, site

router = APIRouter(prefix="/room", tags=["room"])


class NewEntry(StrictBody):
    reason: str = Field(description="Why the person entered.")
    staff_id: RowId | None = Field(None, description="A staff member on the roster, or ...")
    person_name: str | None = Field(None, description="... a visitor's name.")
    organisation: str = Field("", description="The visitor's organisation.")
    entered: str | None = Field(None, description="ISO 8601; default now.")


class Leave(StrictBody):
    left: str | None = Field(None, description="ISO 8601; default now.")


def _entry(v: EntryView) -> dict[str, Any]:
    return with_times(v.as_dict(), entered=v.entered_us, left=v.left_us)


@router.get("/entries")
def list_entries(
    request: Request,
    who: ViewsRecords,
    period: PeriodQuery,
    flagged: bool = Query(False, description="Only entries flagged under A16(4)."),
) -> list[dict[str, Any]]:
    """Entries that began in the period, earliest first."""
    entries = room.list_entries(
        site(request), since_us=period.since_us, until_us=period.until_us, flagged_only=flagged
    )
    return [_entry(v) for v in entries]


@router.post("/entries", status_code=201)
def enter(body: NewEntry, request: Request, who: KeepsRoomLog) -> dict[str, Any]:
    return _entry(
        room.enter(
            site(request),
            reason=body.reason,
            staff_id=body.staff_id,
            person_name=body.person_name,
            organisation=body.organisation,
            entered_us=instant(body.entered, "entered"),
            by=actor_of(who),
        )
    )


@router.get("/entries/{entry_id}")
def get_entry(entry_id: RowId, request: Request, who: ViewsRecords) -> dict[str, Any]:
    return _entry(room.get_entry(site(request), entry_id))


@router.post("/entries/{entry_id}/leave")
def leave(entry_id: RowId, body: Leave, request: Request, who: KeepsRoomLog) -> dict[str, Any]:
    left_us = instant(body.left, "left")
    return _entry(room.leave(site(request), entry_id, left_us=left_us, by=actor_of(who)))


@router.get("/counts")
def counts(request: Request, who: ViewsRecords, period: PeriodQuery) -> dict[str, Any]:
    """Entries, flagged entries (possible A24(4) breaches) and people still inside."""
    return room.room_counts(site(request), period.since_us, period.until_us).as_dict()
