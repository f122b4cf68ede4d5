"""The monitoring-room entry log over HTTP (A16(4)); flagged entries are possible A24(4)
breaches. Reading needs VIEW_RECORDS, writing KEEP_ROOM_LOG; the log is append-only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from vigil.clock import us_to_iso
from vigil.site.api.staff import actor, instant
from vigil.site.deps import KeepsRoomLog, ViewsRecords, site
from vigil.site.records import room
from vigil.site.records.room import EntryView

router = APIRouter(prefix="/room", tags=["room"])


class NewEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(description="Why the person entered.")
    staff_id: int | None = Field(None, description="A staff member on the roster, or ...")
    person_name: str | None = Field(None, description="... a visitor's name.")
    organisation: str = Field("", description="The visitor's organisation.")
    entered: str | None = Field(None, description="ISO 8601; default now.")


class Leave(BaseModel):
    model_config = ConfigDict(extra="forbid")
    left: str | None = Field(None, description="ISO 8601; default now.")


def _entry(v: EntryView) -> dict[str, Any]:
    return {
        **v.as_dict(),
        "entered": us_to_iso(v.entered_us),
        "left": us_to_iso(v.left_us) if v.left_us is not None else None,
    }


@router.get("/entries")
def list_entries(
    request: Request,
    who: ViewsRecords,
    since: str | None = Query(None, description="ISO 8601; entries from this instant."),
    until: str | None = Query(None, description="ISO 8601; entries before this instant."),
    flagged: bool = Query(False, description="Only entries flagged under A16(4)."),
) -> list[dict[str, Any]]:
    entries = room.list_entries(
        site(request),
        since_us=instant(since, "since"),
        until_us=instant(until, "until"),
        flagged_only=flagged,
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
            by=actor(who),
        )
    )


@router.get("/entries/{entry_id}")
def get_entry(entry_id: int, request: Request, who: ViewsRecords) -> dict[str, Any]:
    return _entry(room.get_entry(site(request), entry_id))


@router.post("/entries/{entry_id}/leave")
def leave(entry_id: int, body: Leave, request: Request, who: KeepsRoomLog) -> dict[str, Any]:
    return _entry(
        room.leave(site(request), entry_id, left_us=instant(body.left, "left"), by=actor(who))
    )


@router.get("/counts")
def counts(
    request: Request,
    who: ViewsRecords,
    since: str | None = Query(None, description="ISO 8601."),
    until: str | None = Query(None, description="ISO 8601."),
) -> dict[str, Any]:
    """Entries, flagged entries (possible A24(4) breaches) and people still inside."""
    return room.room_counts(
        site(request), instant(since, "since"), instant(until, "until")
    ).as_dict()
