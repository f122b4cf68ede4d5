"""Regular checks of the places where cameras are forbidden (N8.2), and the one-step report
of a camera found there.

N8: no camera inside guest rooms and private rooms of lodging and dining businesses
(homestays included), student dormitories and staff rest rooms, baths, toilets, changing,
nursing and fitting rooms, or any other place where it could film private life (A8 names
most of them too). N8.2: whoever manages such places checks them regularly and reports a
camera found there to the local bureau at once. The law gives no interval: the unit sets
one (`interval_days`; default monthly) and the self-check holds it to it.

- The policy (one row) names the N8 places the unit manages and the interval.
- A check records the day, who checked, the places checked and the result: `none_found`
  or `camera_found`. A found camera needs its report (place, when, description, an
  optional photo) in the same act: the report is a self-contained JSON document signed
  with the site's Ed25519 key, kept in `privacy_reports`, and a critical alarm is raised.
  When the site is linked with its bureau (`vigil link join`), the report is queued for it
  as a `privacy.found_camera` message in the same transaction (`vigil.link.outbox`: delivered
  in order, nothing lost while the bureau is away) and its status is `sent_to_bureau`; a
  site not linked keeps it as `pending_to_bureau`, and the self-check says it waits, until
  `send_pending` queues it when the site links (`vigil link join`).
- Every act is registered in the audit log in the act's transaction.
"""

from __future__ import annotations

import base64
import calendar
import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import rfc8785
from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.alarms import raise_alarm
from vigil.audit.actor import Actor
from vigil.clock import parse_instant, us_to_iso
from vigil.context import SiteContext
from vigil.db.models import Attachment, PrivacyCheck, PrivacyCheckPolicy, PrivacyReport, SiteProfile
from vigil.errors import NotFoundError, ValidationError
from vigil.keys.signing import key_id, load_private_key
from vigil.link import outbox
from vigil.link.site_side import bureau_row
from vigil.records.attachments import IMAGE_TYPES
from vigil.records.common import audit, check_text, not_in_future, parse_day, today

ARTICLE = "N8.2"
RESULTS = {
    "none_found": ("未发现", "no camera found"),
    "camera_found": ("发现摄像设备", "camera found"),
}
PENDING = "pending_to_bureau"
SENT = "sent_to_bureau"
#: The link message that carries a found camera's signed report to the bureau (N8.2).
MSG_FOUND_CAMERA = "privacy.found_camera"
ALARM_KIND = "n8_camera_found"
MAX_PLACES = 200
MAX_INTERVAL_DAYS = 366
DOCUMENT_TYPE = "vigil.n8_camera_report"


@dataclass(frozen=True)
class Policy:
    places: list[str]
    interval_days: int | None  # None: monthly
    updated_by: str | None
    updated_us: int | None

    @property
    def interval(self) -> str:
        return "monthly" if self.interval_days is None else f"every {self.interval_days} days"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "interval": self.interval, "article": ARTICLE}


@dataclass(frozen=True)
class Found:
    """A camera found in an N8 place, as the checker reports it."""

    place: str
    found_at: str | None = None  # ISO 8601; None: now
    description: str = ""
    photo_id: int | None = None


@dataclass(frozen=True)
class ReportView:
    id: int
    check_id: int
    place: str
    found_us: int
    description: str
    photo_id: int | None
    status: str
    key_id: str
    signature: str
    document: dict[str, Any]
    created_us: int

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "found": us_to_iso(self.found_us), "article": ARTICLE}


@dataclass(frozen=True)
class CheckView:
    id: int
    checked_on: str
    checked_by: str
    places: list[str]
    result: str
    note: str
    recorded_by: str
    recorded_us: int
    reports: list[ReportView]

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["reports"] = [r.as_dict() for r in self.reports]
        out["article"] = ARTICLE
        return out


def _places(value: object, field: str = "places", *, required: bool = True) -> list[str]:
    if isinstance(value, str):
        value = [p for p in value.split(";")]
    if not isinstance(value, list | tuple):
        raise ValidationError("must be a list of places", field=field)
    out: list[str] = []
    for item in value:
        text = check_text(item, field, max_chars=200, required=False)
        if text and text not in out:
            out.append(text)
    if required and not out:
        raise ValidationError(
            "name the places checked (guest rooms, dormitories, toilets, ...)",
            field=field,
            article=ARTICLE,
        )
    if len(out) > MAX_PLACES:
        raise ValidationError(f"at most {MAX_PLACES} places", field=field)
    return out


def _policy(row: PrivacyCheckPolicy | None) -> Policy:
    if row is None:
        return Policy([], None, None, None)
    return Policy(json.loads(row.places), row.interval_days, row.updated_by, row.updated_us)


def get_policy(ctx: SiteContext) -> Policy:
    with ctx.sessions() as s:
        return _policy(s.get(PrivacyCheckPolicy, 1))


def set_policy(
    ctx: SiteContext,
    actor: Actor,
    *,
    places: list[str] | str | None = None,
    interval_days: int | None = None,
    monthly: bool = False,
) -> Policy:
    """Name the N8 places the unit manages and/or the interval of its checks (None keeps
    a part; `monthly` resets the interval to the default)."""
    if interval_days is not None and (
        isinstance(interval_days, bool)
        or not isinstance(interval_days, int)
        or not 1 <= interval_days <= MAX_INTERVAL_DAYS
    ):
        raise ValidationError(
            f"give 1 to {MAX_INTERVAL_DAYS} days (N8.2 sets no interval; the unit does)",
            field="interval_days",
            article=ARTICLE,
        )
    new_places = _places(places, required=False) if places is not None else None
    with ctx.sessions.begin() as s:
        row = s.get(PrivacyCheckPolicy, 1)
        before = _policy(row)
        if row is None:
            row = PrivacyCheckPolicy(id=1, places="[]", interval_days=None)
            s.add(row)
        if new_places is not None:
            row.places = json.dumps(new_places, ensure_ascii=False)
        if monthly:
            row.interval_days = None
        elif interval_days is not None:
            row.interval_days = interval_days
        row.updated_by = actor.name[:64]
        row.updated_us = ctx.clock.now_us()
        after = _policy(row)
        audit(
            s,
            ctx,
            actor,
            "privacy_check.policy",
            before={"places": before.places, "interval": before.interval},
            after={"places": after.places, "interval": after.interval},
            article=ARTICLE,
        )
    return after


def _report_view(row: PrivacyReport) -> ReportView:
    return ReportView(
        row.id,
        row.check_id,
        row.place,
        row.found_us,
        row.description,
        row.photo_id,
        row.status,
        row.key_id,
        row.signature,
        json.loads(row.document),
        row.created_us,
    )


def _check_view(s: Session, row: PrivacyCheck) -> CheckView:
    reports = s.scalars(
        select(PrivacyReport).where(PrivacyReport.check_id == row.id).order_by(PrivacyReport.id)
    )
    return CheckView(
        row.id,
        row.checked_on,
        row.checked_by,
        json.loads(row.places),
        row.result,
        row.note,
        row.recorded_by,
        row.recorded_us,
        [_report_view(r) for r in reports],
    )


def _photo(s: Session, value: int | None) -> Attachment | None:
    if value is None:
        return None
    att = s.get(Attachment, value)
    if att is None:
        raise ValidationError(f"no attachment with id {value}", field="photo_id")
    if att.content_type not in IMAGE_TYPES:
        raise ValidationError(f"attachment {value} is not a photo", field="photo_id")
    return att


def canonical(document: dict[str, Any]) -> bytes:
    """The bytes the signature covers: RFC 8785 canonical JSON."""
    return rfc8785.dumps(document)


def verify_report(ctx: SiteContext, report: ReportView) -> bool:
    """Whether the report's signature is the site's over its document."""
    from cryptography.exceptions import InvalidSignature

    public = load_private_key(ctx.home).public_key()
    try:
        public.verify(base64.b64decode(report.signature), canonical(report.document))
    except (InvalidSignature, ValueError):
        return False
    return True


def record_check(
    ctx: SiteContext,
    actor: Actor,
    *,
    checked_on: str | date,
    checked_by: str,
    places: list[str] | str,
    result: str,
    note: str = "",
    found: list[Found] | None = None,
) -> CheckView:
    """Record a check of the N8 places; a found camera's report is made, signed and queued
    for the bureau in the same transaction, and a critical alarm raised (N8.2)."""
    day = parse_day(checked_on, "checked_on")
    if day > today(ctx):
        raise ValidationError(f"{day} is later than today", field="checked_on")
    who = check_text(checked_by, "checked_by", max_chars=128, required=True)
    where = _places(places)
    if result not in RESULTS:
        raise ValidationError(
            f"{result!r}: use none_found or camera_found", field="result", article=ARTICLE
        )
    remark = check_text(note, "note", max_chars=1000, required=False, multiline=True)
    found = list(found or [])
    if result == "camera_found" and not found:
        raise ValidationError(
            "a found camera is reported to the bureau at once: give the place and what was found",
            field="found",
            article=ARTICLE,
        )
    if result == "none_found" and found:
        raise ValidationError("no camera was found: drop the report", field="found")
    now = ctx.clock.now_us()
    items: list[tuple[str, int, str, int | None]] = []
    for f in found:
        place = check_text(f.place, "place", max_chars=200, required=True, article=ARTICLE)
        at = (
            not_in_future(ctx, parse_instant(f.found_at, field="found_at"), "found_at")
            if f.found_at
            else now
        )
        what = check_text(f.description, "description", max_chars=2000, required=True,
                          multiline=True, article=ARTICLE)  # fmt: skip
        items.append((place, at, what, f.photo_id))
    key = load_private_key(ctx.home) if items else None
    with ctx.sessions.begin() as s:
        row = PrivacyCheck(
            checked_on=day.isoformat(),
            checked_by=who,
            places=json.dumps(where, ensure_ascii=False),
            result=result,
            note=remark,
            recorded_by=actor.name[:64],
            recorded_us=now,
        )
        s.add(row)
        s.flush()
        report_ids: list[int] = []
        for place, at, what, photo_id in items:
            assert key is not None
            photo = _photo(s, photo_id)
            report = PrivacyReport(
                check_id=row.id,
                place=place,
                found_us=at,
                description=what,
                photo_id=photo.id if photo else None,
                document="{}",
                signature="",
                key_id=key_id(key.public_key()),
                status=PENDING,
                created_us=now,
            )
            s.add(report)
            s.flush()
            document = _document(s, ctx, row, report, photo)
            report.document = json.dumps(document, ensure_ascii=False, sort_keys=True)
            report.signature = base64.b64encode(key.sign(canonical(document))).decode("ascii")
            if bureau_row(s) is not None:  # N8.2: to the bureau at once, with the act
                outbox.enqueue(s, ctx, MSG_FOUND_CAMERA,
                               {"document": document, "signature": report.signature})  # fmt: skip
                report.status = SENT
            report_ids.append(report.id)
        view = _check_view(s, row)
        audit(
            s,
            ctx,
            actor,
            "privacy_check.add",
            check=row.id,
            checked_on=row.checked_on,
            checked_by=who,
            places=where,
            result=result,
            reports=report_ids,
            article=ARTICLE,
        )
    for r in view.reports:
        state = (
            "is sent to the bureau over the link"
            if r.status == SENT
            else "is waiting to be sent to the bureau"
        )
        raise_alarm(
            ctx,
            ALARM_KIND,
            "critical",
            f"camera found in an N8 place ({r.place}): report #{r.id} {state} (N8.2)",
        )
    return view


def send_pending(ctx: SiteContext, actor: Actor) -> list[int]:
    """Queue for the bureau every report still `pending_to_bureau` (made before the site was
    linked), oldest first, each marked sent in the same transaction (N8.2); their ids."""
    with ctx.sessions.begin() as s:
        if bureau_row(s) is None:
            return []
        rows = list(
            s.scalars(
                select(PrivacyReport)
                .where(PrivacyReport.status == PENDING)
                .order_by(PrivacyReport.id)
            )
        )
        for row in rows:
            body = {"document": json.loads(row.document), "signature": row.signature}
            outbox.enqueue(s, ctx, MSG_FOUND_CAMERA, body)
            row.status = SENT
        if rows:
            audit(s, ctx, actor, "privacy_report.send", reports=[r.id for r in rows],
                  article=ARTICLE)  # fmt: skip
    return [r.id for r in rows]


def _document(
    s: Session,
    ctx: SiteContext,
    check: PrivacyCheck,
    report: PrivacyReport,
    photo: Attachment | None,
) -> dict[str, Any]:
    """The report as the bureau reads it: self-contained, the photo named by its SHA-256."""
    profile = s.get(SiteProfile, 1)
    site = ctx.site()
    unit = (
        {
            "unit_name": profile.unit_name,
            "credit_code": profile.credit_code,
            "division_code": profile.division_code,
            "address": profile.address,
            "contact_name": profile.contact_name,
            "contact_phone": profile.contact_phone,
        }
        if profile is not None
        else None
    )
    return {
        "type": DOCUMENT_TYPE,
        "article": ARTICLE,
        "site": site.site_uuid,
        "key_id": report.key_id,
        "report_id": report.id,
        "created": us_to_iso(report.created_us),
        "unit": unit,
        "check": {
            "id": check.id,
            "checked_on": check.checked_on,
            "checked_by": check.checked_by,
            "places": json.loads(check.places),
        },
        "found": {
            "place": report.place,
            "at": us_to_iso(report.found_us),
            "description": report.description,
            "photo": (
                {
                    "sha256": photo.sha256,
                    "filename": photo.filename,
                    "content_type": photo.content_type,
                    "bytes": photo.bytes,
                }
                if photo is not None
                else None
            ),
        },
    }


def list_checks(ctx: SiteContext, *, limit: int = 200) -> list[CheckView]:
    with ctx.sessions() as s:
        rows = s.scalars(
            select(PrivacyCheck)
            .order_by(PrivacyCheck.checked_on.desc(), PrivacyCheck.id.desc())
            .limit(limit)
        )
        return [_check_view(s, r) for r in rows]


def list_reports(ctx: SiteContext, *, status: str | None = None) -> list[ReportView]:
    with ctx.sessions() as s:
        q = select(PrivacyReport).order_by(PrivacyReport.id.desc())
        if status:
            q = q.where(PrivacyReport.status == status)
        return [_report_view(r) for r in s.scalars(q)]


def get_report(ctx: SiteContext, report_id: int) -> ReportView:
    with ctx.sessions() as s:
        row = s.get(PrivacyReport, report_id)
        if row is None:
            raise NotFoundError(f"no report #{report_id}", field="report")
        return _report_view(row)


# --- what the self-check reads -------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months (the 31st becomes the month's last day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(policy: Policy, last: date) -> date:
    """The day by which the next check is due after one on `last`."""
    if policy.interval_days is None:
        return add_months(last, 1)
    return last + timedelta(days=policy.interval_days)


@dataclass(frozen=True)
class CheckFacts:
    """What the N8.2 row reads: the policy, the latest check, the due day, open reports."""

    places: list[str]
    interval: str
    last_checked_on: str | None
    due_on: str | None
    checks: int
    pending_reports: int
    policy_set: bool = False
    """The unit has said which N8 places it manages (none is an answer too)."""


def facts(ctx: SiteContext) -> CheckFacts:
    with ctx.sessions() as s:
        policy = _policy(s.get(PrivacyCheckPolicy, 1))
        last = s.scalar(select(PrivacyCheck.checked_on).order_by(PrivacyCheck.checked_on.desc()))
        count = len(s.scalars(select(PrivacyCheck.id)).all())
        pending = len(
            s.scalars(select(PrivacyReport.id).where(PrivacyReport.status == PENDING)).all()
        )
    due = next_due(policy, date.fromisoformat(last)).isoformat() if last else None
    return CheckFacts(
        policy.places, policy.interval, last, due, count, pending, policy.updated_by is not None
    )
