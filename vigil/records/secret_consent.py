"""The consent of a nearby unit holding state secrets to the siting of cameras (N10).

N10: a camera built near a military zone or a unit that holds state secrets (涉密单位)
needs that unit's prior consent; N28 fines its lack as N27.1 does a camera in a forbidden
place. The site profile says whether the site is near such a unit (`near_secret_unit`);
while it does, registering a new camera is refused unless a consent is on record (which
unit, the day it was given, its document reference, what it covers, an optional scan).
Every change is registered in the audit log in the act's transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit.actor import Actor
from vigil.context import SiteContext
from vigil.db.models import Attachment, SecretConsent, SiteProfile
from vigil.errors import ConflictError, RefusedByLawError, ValidationError
from vigil.records.common import audit, check_text, parse_day, today

ARTICLE = "N10"
FINE_ARTICLE = "N28"


@dataclass(frozen=True)
class ConsentView:
    id: int
    unit_name: str
    consented_on: str
    document_ref: str
    scope: str
    attachment_id: int | None
    recorded_by: str
    recorded_us: int

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "article": ARTICLE}


@dataclass(frozen=True)
class SecretStatus:
    near_secret_unit: bool
    consents: list[ConsentView]

    def as_dict(self) -> dict[str, Any]:
        return {
            "near_secret_unit": self.near_secret_unit,
            "consents": [c.as_dict() for c in self.consents],
            "article": ARTICLE,
        }


def _view(row: SecretConsent) -> ConsentView:
    return ConsentView(
        row.id,
        row.unit_name,
        row.consented_on,
        row.document_ref,
        row.scope,
        row.attachment_id,
        row.recorded_by,
        row.recorded_us,
    )


def _consents(s: Session) -> list[ConsentView]:
    rows = s.scalars(select(SecretConsent).order_by(SecretConsent.consented_on, SecretConsent.id))
    return [_view(r) for r in rows]


def is_near(s: Session) -> bool:
    row = s.get(SiteProfile, 1)
    return bool(row is not None and row.near_secret_unit)


def status(ctx: SiteContext) -> SecretStatus:
    with ctx.sessions() as s:
        return SecretStatus(is_near(s), _consents(s))


def set_near(ctx: SiteContext, actor: Actor, near: bool) -> SecretStatus:
    """Say in the site profile whether the site is near a secret unit (N10)."""
    if not isinstance(near, bool):
        raise ValidationError("must be true or false", field="near_secret_unit")
    with ctx.sessions.begin() as s:
        row = s.get(SiteProfile, 1)
        if row is None:
            raise ConflictError(
                "fill in the site profile first (`vigil site profile set ...`)",
                field="site_profile",
            )
        if row.near_secret_unit != near:
            before = row.near_secret_unit
            row.near_secret_unit = near
            row.updated_us = ctx.clock.now_us()
            row.updated_by = actor.name[:64]
            actor.audit(
                s,
                ctx,
                "profile_update",
                detail={
                    "changed": {"near_secret_unit": near},
                    "before": {"near_secret_unit": before},
                    "article": ARTICLE,
                },
            )
        return SecretStatus(near, _consents(s))


def add_consent(
    ctx: SiteContext,
    actor: Actor,
    *,
    unit_name: str,
    consented_on: str | date,
    document_ref: str,
    scope: str,
    attachment_id: int | None = None,
) -> ConsentView:
    """Record the secret unit's prior consent (N10): unit, day, document, scope."""
    unit = check_text(unit_name, "unit_name", max_chars=200, required=True, article=ARTICLE)
    day = parse_day(consented_on, "consented_on")
    if day > today(ctx):
        raise ValidationError(f"{day} is later than today", field="consented_on")
    ref = check_text(document_ref, "document_ref", max_chars=200, required=True, article=ARTICLE)
    what = check_text(scope, "scope", max_chars=2000, required=True, multiline=True,
                      article=ARTICLE)  # fmt: skip
    with ctx.sessions.begin() as s:
        if attachment_id is not None and s.get(Attachment, attachment_id) is None:
            raise ValidationError(f"no attachment with id {attachment_id}", field="attachment_id")
        row = SecretConsent(
            unit_name=unit,
            consented_on=day.isoformat(),
            document_ref=ref,
            scope=what,
            attachment_id=attachment_id,
            recorded_by=actor.name[:64],
            recorded_us=ctx.clock.now_us(),
        )
        s.add(row)
        s.flush()
        view = _view(row)
        audit(
            s,
            ctx,
            actor,
            "secret_consent.add",
            consent=row.id,
            unit_name=unit,
            consented_on=row.consented_on,
            document_ref=ref,
            scope=what,
            article=ARTICLE,
        )
    return view


def check_new_siting(s: Session) -> None:
    """Refuse siting a new camera near a secret unit without its recorded consent (N10)."""
    if not is_near(s):
        return
    if s.scalar(select(SecretConsent.id).limit(1)) is None:
        raise RefusedByLawError(
            "the site is near a unit holding state secrets: record that unit's prior consent "
            "(`vigil site secret-unit consent`) before siting a new camera; without it the "
            f"bureau fines as {FINE_ARTICLE} sets",
            field="camera",
            article=ARTICLE,
        )
