"""Regular checks of the N8 places and the report of a found camera (N8.2), and the
consent of a nearby secret unit (N10), over HTTP.

Reading needs `view_records`; recording a check `keep_maintenance_log` (maintainers and
administrators: a check is a security check of the premises); the policy (places,
interval), the near-secret-unit flag and a consent need `manage_site` (administrators).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import Field

from vigil.records import privacy_checks, secret_consent
from vigil.records.privacy_checks import Found
from vigil.site.api.common import RowId, StrictBody, actor_of, cite_attachment
from vigil.site.deps import KeepsMaintenanceLog, ManagesSite, ViewsRecords, site

router = APIRouter(tags=["privacy-checks"])


class FoundCamera(StrictBody):
    place: str = Field(description="Where the camera was found.")
    found: str | None = Field(None, description="ISO 8601; default now.")
    description: str = Field(description="What was found.")
    photo_id: RowId | None = Field(None, description="An uploaded photo (attachment id).")


class NewCheck(StrictBody):
    checked_on: str = Field(description="YYYY-MM-DD.")
    checked_by: str = Field(description="Who checked.")
    places: list[str] = Field(description="The places checked.")
    result: str = Field(description="none_found or camera_found.")
    note: str = ""
    found: list[FoundCamera] = Field(default_factory=list, description="Found cameras.")


class PolicyChange(StrictBody):
    places: list[str] | None = Field(None, description="The N8 places the unit manages.")
    interval_days: int | None = Field(None, description="Days between checks.")
    monthly: bool = Field(False, description="Back to the default: monthly.")


class NearSecretUnit(StrictBody):
    near_secret_unit: bool


class NewConsent(StrictBody):
    unit_name: str
    consented_on: str = Field(description="YYYY-MM-DD.")
    document_ref: str
    scope: str
    attachment_id: RowId | None = None


@router.get("/privacy-checks")
def overview(request: Request, who: ViewsRecords) -> dict[str, Any]:
    """The policy, what the self-check reads, and the checks (newest first)."""
    ctx = site(request)
    return {
        "policy": privacy_checks.get_policy(ctx).as_dict(),
        "facts": privacy_checks.facts(ctx).__dict__,
        "checks": [c.as_dict() for c in privacy_checks.list_checks(ctx)],
        "article": privacy_checks.ARTICLE,
    }


@router.post("/privacy-checks", status_code=201)
def add_check(body: NewCheck, request: Request, who: KeepsMaintenanceLog) -> dict[str, Any]:
    view = privacy_checks.record_check(
        site(request),
        actor_of(who),
        checked_on=body.checked_on,
        checked_by=body.checked_by,
        places=body.places,
        result=body.result,
        note=body.note,
        found=[Found(f.place, f.found, f.description, f.photo_id) for f in body.found],
    )
    return view.as_dict()


@router.put("/privacy-checks/policy")
def set_policy(body: PolicyChange, request: Request, who: ManagesSite) -> dict[str, Any]:
    policy = privacy_checks.set_policy(
        site(request),
        actor_of(who),
        places=body.places,
        interval_days=body.interval_days,
        monthly=body.monthly,
    )
    return policy.as_dict()


@router.get("/privacy-reports")
def reports(
    request: Request, who: ViewsRecords, status: str | None = Query(None)
) -> list[dict[str, Any]]:
    """Reports of found cameras (N8.2), newest first; `pending_to_bureau` until sent."""
    ctx = site(request)
    return [
        cite_attachment(ctx, r.as_dict(), "photo_id")
        for r in privacy_checks.list_reports(ctx, status=status)
    ]


@router.get("/privacy-reports/{report_id}")
def report(report_id: RowId, request: Request, who: ViewsRecords) -> dict[str, Any]:
    """One report: its signed document, signature and key id, as the bureau will get it."""
    ctx = site(request)
    found = privacy_checks.get_report(ctx, report_id)
    return {**cite_attachment(ctx, found.as_dict(), "photo_id"),
            "signature_valid": privacy_checks.verify_report(ctx, found)}  # fmt: skip


@router.get("/site/secret-unit")
def secret_unit(request: Request, who: ViewsRecords) -> dict[str, Any]:
    return secret_consent.status(site(request)).as_dict()


@router.put("/site/secret-unit")
def set_near(body: NearSecretUnit, request: Request, who: ManagesSite) -> dict[str, Any]:
    return secret_consent.set_near(site(request), actor_of(who), body.near_secret_unit).as_dict()


@router.post("/site/secret-unit/consents", status_code=201)
def add_consent(body: NewConsent, request: Request, who: ManagesSite) -> dict[str, Any]:
    view = secret_consent.add_consent(
        site(request),
        actor_of(who),
        unit_name=body.unit_name,
        consented_on=body.consented_on,
        document_ref=body.document_ref,
        scope=body.scope,
        attachment_id=body.attachment_id,
    )
    return view.as_dict()
