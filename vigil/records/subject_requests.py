"""Data-subject viewing (N21): a person filmed, a close relative or a guardian asks to view
the related footage; the unit consents or refuses; after a consent, one viewing-only
session in the console plays exactly the consented cameras and range.

N21: with the unit's consent, the person filmed, a close relative or a guardian/carer may
view the related footage to protect life, health or property; they must not pass it on or
publish it. Hence:

- a request records who asks (name, ID document, relation), why, which cameras and which
  range, and who received it when; the ID number is kept but shown masked to everybody but
  administrators (`RequestView.as_dict(reveal_id=...)`);
- only an administrator decides (the API checks the role): a consent (with its
  conditions) or a refusal (with its reasons); a consent lapses after `valid_days` unused;
- the viewing is for watching only: while a viewing is open on an operator's account, that
  account may not export or download (`copy_refused`, used by the export API), and the
  session plays only the consented cameras and range;
- every act (request, decision, viewing opened, closed) and every playback of the viewing
  is registered in the audit log in the act's transaction; the playback entries name the
  request as their purpose and the requester as the caller (A17.2(2), N16.2(3)).

States: pending → consented | refused; consented → viewing → closed. A consent or an open
viewing past `consent_until_us` reads as `expired`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit.actor import Actor
from vigil.clock import US_PER_DAY, parse_recording_instant, us_to_iso
from vigil.context import SiteContext
from vigil.db.models import Camera, SubjectRequest
from vigil.errors import ConflictError, NotFoundError, RefusedByLawError, ValidationError
from vigil.records.common import check_text, not_in_future

ARTICLE = "N21"

RELATIONS: dict[str, tuple[str, str]] = {
    "self": ("本人", "the person filmed"),
    "close_relative": ("近亲属", "a close relative of the person filmed"),
    "guardian": ("监护人", "a guardian or carer of the person filmed"),
}
"""Who N21 lets view: the person filmed, a close relative, a guardian (or carer)."""

ID_DOC_TYPES: dict[str, tuple[str, str]] = {
    "resident_id": ("居民身份证", "resident identity card"),
    "passport": ("护照", "passport"),
    "hk_macao_permit": ("港澳居民来往内地通行证", "Hong Kong/Macao permit"),
    "taiwan_permit": ("台湾居民来往大陆通行证", "Taiwan permit"),
    "residence_permit": ("居住证", "residence permit"),
    "other": ("其他", "other document"),
}

MAX_RANGE_US = 24 * 3600 * 1_000_000
"""A request names at most 24 hours of recording, as a playback does."""
MAX_CAMERAS = 16
DEFAULT_VALID_DAYS = 7
"""How long a consent stays usable when the decision does not say (days)."""
MAX_VALID_DAYS = 30

PURPOSE_PREFIX = "N21 data-subject viewing"
DESTINATION = "viewing only at the unit's console (N21): no copy"


@dataclass(frozen=True)
class RequestView:
    id: int
    requester_name: str
    id_doc_type: str
    id_doc_number: str
    relation: str
    reason: str
    cameras: list[str]
    camera_ids: list[int]
    from_us: int
    to_us: int
    received_by: str
    received_us: int
    state: str
    decided_by: str | None
    decided_us: int | None
    decision_note: str
    consent_until_us: int | None
    viewer_user_id: int | None
    viewing_opened_us: int | None
    viewing_closed_us: int | None
    closed_by: str | None

    def as_dict(self, *, reveal_id: bool = False) -> dict[str, Any]:
        out = asdict(self)
        if not reveal_id:
            out["id_doc_number"] = mask_id(self.id_doc_number)
        out["id_doc_masked"] = not reveal_id
        out["article"] = ARTICLE
        for name in (
            "from_us",
            "to_us",
            "received_us",
            "decided_us",
            "consent_until_us",
            "viewing_opened_us",
            "viewing_closed_us",
        ):
            value = getattr(self, name)
            out[name.removesuffix("_us")] = us_to_iso(value) if value is not None else None
        return out


def mask_id(number: str) -> str:
    """An ID number with all but its last four characters hidden (all of a short one)."""
    if len(number) <= 4:
        return "*" * len(number)
    return "*" * (len(number) - 4) + number[-4:]


def _state(row: SubjectRequest, now_us: int) -> str:
    if row.state in ("consented", "viewing") and (
        row.consent_until_us is not None and now_us >= row.consent_until_us
    ):
        return "expired"
    return row.state


def _view(s: Session, row: SubjectRequest, now_us: int) -> RequestView:
    ids = [int(i) for i in json.loads(row.cameras)]
    rows = s.execute(select(Camera.id, Camera.name).where(Camera.id.in_(ids))).all()
    names = {int(cam_id): str(name) for cam_id, name in rows}
    return RequestView(
        id=row.id,
        requester_name=row.requester_name,
        id_doc_type=row.id_doc_type,
        id_doc_number=row.id_doc_number,
        relation=row.relation,
        reason=row.reason,
        cameras=[names.get(i, f"#{i}") for i in ids],
        camera_ids=ids,
        from_us=row.from_us,
        to_us=row.to_us,
        received_by=row.received_by,
        received_us=row.received_us,
        state=_state(row, now_us),
        decided_by=row.decided_by,
        decided_us=row.decided_us,
        decision_note=row.decision_note,
        consent_until_us=row.consent_until_us,
        viewer_user_id=row.viewer_user_id,
        viewing_opened_us=row.viewing_opened_us,
        viewing_closed_us=row.viewing_closed_us,
        closed_by=row.closed_by,
    )


def _choice(value: object, options: dict[str, tuple[str, str]], field: str) -> str:
    """A code of `options`, or its Chinese label; refused naming the field and N21."""
    if isinstance(value, str):
        wanted = value.strip()
        for code, (zh, _en) in options.items():
            if wanted in (code, zh):
                return code
    known = ", ".join(f"{code} ({zh})" for code, (zh, _en) in options.items())
    raise ValidationError(f"{value!r}: use one of {known}", field=field, article=ARTICLE)


def _cameras(s: Session, names: object) -> list[Camera]:
    if isinstance(names, str):
        names = [n for n in names.replace(",", " ").split() if n]
    if not isinstance(names, list | tuple) or not names:
        raise ValidationError(
            "name at least one camera whose footage is asked for", field="cameras"
        )
    if len(names) > MAX_CAMERAS:
        raise ValidationError(f"at most {MAX_CAMERAS} cameras per request", field="cameras")
    out: list[Camera] = []
    for name in names:
        cam = s.scalar(select(Camera).where(Camera.name == str(name).strip()))
        if cam is None:
            raise NotFoundError(f"no camera named {name!r}", field="cameras")
        if cam not in out:
            out.append(cam)
    return out


def _range(ctx: SiteContext, from_: str, to: str) -> tuple[int, int]:
    now = ctx.clock.now_us()
    start = parse_recording_instant(from_, field="from", now_us=now)
    end = parse_recording_instant(to, field="to", now_us=now)
    if end <= start:
        raise ValidationError("must be later than from", field="to")
    if end - start > MAX_RANGE_US:
        raise ValidationError("a request may name at most 24 hours of recording", field="to")
    return start, end


def add_request(
    ctx: SiteContext,
    actor: Actor,
    *,
    requester_name: str,
    id_doc_type: str,
    id_doc_number: str,
    relation: str,
    reason: str,
    cameras: list[str] | str,
    from_: str,
    to: str,
    received_at: str | None = None,
) -> RequestView:
    """Record a request to view footage (N21), received by `actor` (now or at
    `received_at`); registered in the audit log with the ID number masked."""
    name = check_text(requester_name, "requester_name", max_chars=64, required=True)
    doc_type = _choice(id_doc_type, ID_DOC_TYPES, "id_doc_type")
    number = check_text(id_doc_number, "id_doc_number", max_chars=64, required=True)
    if any(c.isspace() for c in number):
        raise ValidationError("write the document number without spaces", field="id_doc_number")
    rel = _choice(relation, RELATIONS, "relation")
    why = check_text(
        reason,
        "reason",
        max_chars=1000,
        required=True,
        article=ARTICLE,
    )
    start, end = _range(ctx, from_, to)
    now = ctx.clock.now_us()
    received = (
        not_in_future(ctx, parse_recording_instant(received_at, field="received_at", now_us=now),
                      "received_at")
        if received_at
        else now
    )  # fmt: skip
    with ctx.sessions.begin() as s:
        cams = _cameras(s, cameras)
        row = SubjectRequest(
            requester_name=name,
            id_doc_type=doc_type,
            id_doc_number=number,
            relation=rel,
            reason=why,
            cameras=json.dumps([c.id for c in cams]),
            from_us=start,
            to_us=end,
            received_by=actor.name[:64],
            received_us=received,
            state="pending",
            decision_note="",
        )
        s.add(row)
        s.flush()
        view = _view(s, row, now)
        actor.audit(
            s,
            ctx,
            "subject_request.add",
            from_us=start,
            to_us=end,
            detail={
                "request": row.id,
                "requester": name,
                "relation": rel,
                "id_doc": f"{doc_type} {mask_id(number)}",
                "cameras": view.cameras,
                "reason": why,
                "article": ARTICLE,
            },
        )
    return view


def _row(s: Session, request_id: int) -> SubjectRequest:
    row = s.get(SubjectRequest, request_id)
    if row is None:
        raise NotFoundError(f"no data-subject request #{request_id}", field="request")
    return row


def get_request(ctx: SiteContext, request_id: int) -> RequestView:
    with ctx.sessions() as s:
        return _view(s, _row(s, request_id), ctx.clock.now_us())


def list_requests(ctx: SiteContext, *, state: str | None = None) -> list[RequestView]:
    """Every request, newest first; `state` filters by the state as read now."""
    now = ctx.clock.now_us()
    with ctx.sessions() as s:
        rows = s.scalars(select(SubjectRequest).order_by(SubjectRequest.id.desc()))
        views = [_view(s, r, now) for r in rows]
    return [v for v in views if state is None or v.state == state]


def decide(
    ctx: SiteContext,
    request_id: int,
    actor: Actor,
    *,
    consent: bool,
    note: str,
    valid_days: int = DEFAULT_VALID_DAYS,
) -> RequestView:
    """The unit's decision on a pending request: a consent with its conditions (usable for
    `valid_days`), or a refusal with its reasons (required). Only once per request."""
    field = "conditions" if consent else "reasons"
    text = check_text(note, field, max_chars=1000, required=not consent, article=ARTICLE)
    if consent and (
        not isinstance(valid_days, int)
        or isinstance(valid_days, bool)
        or not 1 <= valid_days <= MAX_VALID_DAYS
    ):
        raise ValidationError(
            f"a consent is valid for 1 to {MAX_VALID_DAYS} days", field="valid_days"
        )
    now = ctx.clock.now_us()
    with ctx.sessions.begin() as s:
        row = _row(s, request_id)
        if row.state != "pending":
            raise ConflictError(
                f"request #{request_id} was already decided ({_state(row, now)} by "
                f"{row.decided_by})",
                field="request",
            )
        row.state = "consented" if consent else "refused"
        row.decided_by = actor.name[:64]
        row.decided_us = now
        row.decision_note = text
        row.consent_until_us = now + valid_days * US_PER_DAY if consent else None
        view = _view(s, row, now)
        actor.audit(
            s,
            ctx,
            "subject_request.consent" if consent else "subject_request.refuse",
            from_us=row.from_us,
            to_us=row.to_us,
            detail={
                "request": row.id,
                "requester": row.requester_name,
                "cameras": view.cameras,
                field: text,
                "valid_until": us_to_iso(row.consent_until_us) if row.consent_until_us else None,
                "article": ARTICLE,
            },
        )
    return view


@dataclass(frozen=True)
class Viewing:
    """An opened viewing: what the session may play, and until when."""

    request: RequestView
    cameras: list[tuple[int, str]]
    from_us: int
    to_us: int
    until_us: int


def open_viewing(
    ctx: SiteContext, request_id: int, actor: Actor, *, user_id: int, until_us: int
) -> Viewing:
    """Open (or re-open, by the same operator) the viewing-only session of a consented
    request; one `playback` entry per camera is registered with the request as purpose and
    the requester as caller. `until_us` bounds the session (the consent's end bounds it)."""
    now = ctx.clock.now_us()
    with ctx.sessions.begin() as s:
        row = _row(s, request_id)
        state = _state(row, now)
        if state == "viewing" and row.viewer_user_id != user_id:
            raise ConflictError(
                f"request #{request_id} is being viewed at another operator's console",
                field="request",
            )
        if state not in ("consented", "viewing"):
            why = {
                "pending": "it has not been decided yet",
                "refused": "it was refused",
                "expired": "its consent has lapsed",
                "closed": "its viewing was closed",
            }.get(state, state)
            raise RefusedByLawError(
                f"request #{request_id} cannot be viewed: {why}; N21 allows viewing only "
                "with the unit's consent",
                field="request",
                article=ARTICLE,
            )
        assert row.consent_until_us is not None
        row.state = "viewing"
        row.viewer_user_id = user_id
        if row.viewing_opened_us is None:
            row.viewing_opened_us = now
        view = _view(s, row, now)
        purpose = f"{PURPOSE_PREFIX}, request #{row.id}: {row.reason}"
        for cam_id, cam_name in zip(view.camera_ids, view.cameras, strict=True):
            actor.audit(
                s,
                ctx,
                "playback",
                camera_id=cam_id,
                camera_name=cam_name,
                from_us=row.from_us,
                to_us=row.to_us,
                purpose=purpose[:500],
                destination=DESTINATION,
                detail={
                    "subject_request": row.id,
                    "caller": row.requester_name,
                    "relation": row.relation,
                    "viewing_only": True,
                    "article": ARTICLE,
                },
            )
    return Viewing(
        view,
        list(zip(view.camera_ids, view.cameras, strict=True)),
        view.from_us,
        view.to_us,
        min(until_us, row.consent_until_us),
    )


def close_viewing(ctx: SiteContext, request_id: int, actor: Actor) -> RequestView:
    """End the viewing (and with it the consent): nothing of the request plays after."""
    now = ctx.clock.now_us()
    with ctx.sessions.begin() as s:
        row = _row(s, request_id)
        if row.state not in ("consented", "viewing"):
            raise ConflictError(
                f"request #{request_id} has no open consent or viewing ({_state(row, now)})",
                field="request",
            )
        row.state = "closed"
        row.viewing_closed_us = now
        row.closed_by = actor.name[:64]
        view = _view(s, row, now)
        actor.audit(
            s,
            ctx,
            "subject_request.close",
            detail={"request": row.id, "requester": row.requester_name, "article": ARTICLE},
        )
    return view


class ViewingOnlyError(RefusedByLawError):
    """A copy asked for while a viewing-only session is open (N21): forbidden, not bad input."""

    http_status = 403


def open_viewing_of(ctx: SiteContext, user_id: int) -> int | None:
    """The request whose viewing is open on the account `user_id`, if any."""
    now = ctx.clock.now_us()
    with ctx.sessions() as s:
        for row in s.scalars(
            select(SubjectRequest).where(
                SubjectRequest.state == "viewing", SubjectRequest.viewer_user_id == user_id
            )
        ):
            if _state(row, now) == "viewing":
                return row.id
    return None


def copy_refused(ctx: SiteContext, user_id: int) -> None:
    """Refuse a copy (export, download, snapshot) while a viewing-only session is open on
    the account: N21 lets the requester view, not take the footage away."""
    found = open_viewing_of(ctx, user_id)
    if found is not None:
        raise ViewingOnlyError(
            f"a data-subject viewing (request #{found}) is open on this account: it is for "
            "viewing only, nothing may be exported, downloaded or copied until it is closed",
            field="request",
            article=ARTICLE,
        )
