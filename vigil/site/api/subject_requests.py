"""Data-subject viewing over HTTP (N21): requests, the unit's decision, and the
viewing-only session.

Reading needs `view_records` (the ID number shown in full to administrators only);
recording a request needs `playback`; deciding needs `manage_site` (administrators);
opening and closing a viewing needs `playback` on every consented camera, in a console
session (not an API token: the viewing happens at the unit's screen). The viewing issues
a playback grant for exactly the consented cameras and range, fetched through the
playback routes; nothing can be exported or downloaded by the account while it is open.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import Field
from starlette.exceptions import HTTPException

from vigil.access.roles import Permission
from vigil.keys.signing import keys_dir
from vigil.records import subject_requests as records
from vigil.records.subject_requests import RequestView
from vigil.site import grants
from vigil.site.api.common import RowId, StrictBody, actor_of
from vigil.site.deps import ManagesSite, MayPlayBack, Principal, ViewsRecords, site
from vigil.storage.catalog import catalog

router = APIRouter(prefix="/subject-requests", tags=["subject-requests"])

VIEWING_GRANT_US = 30 * 60 * 1_000_000
"""A viewing's playback grant lasts 30 minutes (at most to the consent's end); opening the
viewing again renews it, registered anew. A grant cannot be withdrawn, so this bounds what
a closed viewing's grant still fetches (and only for its operator, who holds the playback
right on those cameras anyway)."""


class NewRequest(StrictBody):
    requester_name: str = Field(description="Who asks to view.")
    id_doc_type: str = Field(description="resident_id, passport, ... (see GET .../options).")
    id_doc_number: str = Field(description="Kept; shown masked to all but administrators.")
    relation: str = Field(description="self, close_relative or guardian (N21).")
    reason: str = Field(description="Why (to protect life, health or property, N21).")
    cameras: list[str] = Field(min_length=1, max_length=records.MAX_CAMERAS)
    from_: str = Field(alias="from", description="ISO 8601 start of the range asked for.")
    to: str = Field(description="ISO 8601 end of the range asked for.")
    received: str | None = Field(None, description="ISO 8601; default now.")


class Decision(StrictBody):
    consent: bool = Field(description="true: consent; false: refusal.")
    note: str = Field("", description="The conditions of a consent, the reasons of a refusal.")
    valid_days: int = Field(records.DEFAULT_VALID_DAYS, description="How long a consent lasts.")


def _out(v: RequestView, who: Principal) -> dict[str, Any]:
    return v.as_dict(reveal_id=who.can(Permission.MANAGE_USERS))


@router.get("/options")
def options(who: ViewsRecords) -> dict[str, Any]:
    """The relations and ID documents a form offers (codes, zh, en)."""
    return {
        "relations": [{"code": c, "zh": zh, "en": en} for c, (zh, en) in records.RELATIONS.items()],
        "id_doc_types": [
            {"code": c, "zh": zh, "en": en} for c, (zh, en) in records.ID_DOC_TYPES.items()
        ],
        "default_valid_days": records.DEFAULT_VALID_DAYS,
        "max_valid_days": records.MAX_VALID_DAYS,
        "article": records.ARTICLE,
    }


@router.get("")
def list_requests(
    request: Request,
    who: ViewsRecords,
    state: str | None = Query(None, description="pending, consented, refused, viewing, ..."),
) -> list[dict[str, Any]]:
    return [_out(v, who) for v in records.list_requests(site(request), state=state)]


@router.post("", status_code=201)
def add_request(body: NewRequest, request: Request, who: MayPlayBack) -> dict[str, Any]:
    view = records.add_request(
        site(request),
        actor_of(who),
        requester_name=body.requester_name,
        id_doc_type=body.id_doc_type,
        id_doc_number=body.id_doc_number,
        relation=body.relation,
        reason=body.reason,
        cameras=body.cameras,
        from_=body.from_,
        to=body.to,
        received_at=body.received,
    )
    return _out(view, who)


@router.get("/{request_id}")
def get_request(request_id: RowId, request: Request, who: ViewsRecords) -> dict[str, Any]:
    return _out(records.get_request(site(request), request_id), who)


@router.post("/{request_id}/decision")
def decide(request_id: RowId, body: Decision, request: Request, who: ManagesSite) -> dict[str, Any]:
    view = records.decide(site(request), request_id, actor_of(who), consent=body.consent,
                          note=body.note, valid_days=body.valid_days)  # fmt: skip
    return _out(view, who)


@router.post("/{request_id}/viewing")
def open_viewing(request_id: RowId, request: Request, who: MayPlayBack) -> dict[str, Any]:
    """Open the viewing-only session: a playback grant for exactly the consented cameras
    and range; each camera's playback is registered with the request as its purpose."""
    ctx = site(request)
    if who.via != "session":
        raise HTTPException(403, "a data-subject viewing happens in the console (N21)")
    pending = records.get_request(ctx, request_id)
    for cam_id, name in zip(pending.camera_ids, pending.cameras, strict=True):
        if not who.can(Permission.PLAYBACK, cam_id):
            raise HTTPException(403, f"your account may not play back {name}")
    now = ctx.clock.now_us()
    viewing = records.open_viewing(ctx, request_id, actor_of(who), user_id=who.user.id,
                                   until_us=now + VIEWING_GRANT_US)  # fmt: skip
    plans: dict[str, Any] = {}
    for _cam_id, name in viewing.cameras:
        cat = catalog(ctx, name, viewing.from_us, viewing.to_us)
        plans[name] = {
            "segments": [
                {"seq": s.seq, "start_us": s.start_us, "end_us": s.end_us, "codec": s.codec,
                 "width": s.width, "height": s.height}
                for s in cat.segments
            ],
            "gaps": [
                {"start_us": g.start_us, "end_us": g.end_us, "reason": g.reason} for g in cat.gaps
            ],
        }  # fmt: skip
    grant = grants.Grant(who.user.id, tuple(c for c, _ in viewing.cameras), viewing.from_us,
                         viewing.to_us, viewing.until_us)  # fmt: skip
    return {
        "request": _out(viewing.request, who),
        "grant": grants.issue(keys_dir(ctx.home), grant),
        "from_us": viewing.from_us,
        "to_us": viewing.to_us,
        "until_us": viewing.until_us,
        "cameras": plans,
        "viewing_only": True,
        "article": records.ARTICLE,
    }


@router.post("/{request_id}/close")
def close_viewing(request_id: RowId, request: Request, who: MayPlayBack) -> dict[str, Any]:
    """End the viewing (its operator or an administrator); the consent ends with it."""
    ctx = site(request)
    found = records.get_request(ctx, request_id)
    if found.viewer_user_id not in (None, who.user.id) and not who.can(Permission.MANAGE_SITE):
        raise HTTPException(403, "only its operator or an administrator closes a viewing")
    return _out(records.close_viewing(ctx, request_id, actor_of(who)), who)
