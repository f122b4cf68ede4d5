"""The site profile, key positions, coverage, and the catalogue forms are built from.

Reads need `view_records` (every role); changes need `manage_site` (administrators), the
jurisdiction profile and the national class (N7, N9) included; every change is audited
(`profile_update`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from vigil.records import positions
from vigil.records import profile as records
from vigil.records.attachments import KINDS
from vigil.records.coverage import coverage
from vigil.records.positions import PositionInput
from vigil.records.profile import ATTACHMENT_FIELDS, PROJECT_KINDS, ProfileView
from vigil.regulation import KEY_POSITIONS, LOCATION_TYPES, SITE_CATEGORIES, SITE_KINDS, Builder
from vigil.regulation.rulesets import NATIONAL_CATEGORIES, PROFILES
from vigil.site.api.common import RowId, actor_of, cite_attachment
from vigil.site.deps import ManagesSite, ViewsRecords, site

router = APIRouter(tags=["profile"])


class ProfileChange(BaseModel):
    """Fields left out are kept; null clears an optional field."""

    unit_name: str | None = Field(None, description="The unit's registered name.")
    credit_code: str | None = Field(
        None, description="Unified social credit code, 18 characters (GB 32100-2015)."
    )
    division_code: str | None = Field(
        None, description="Administrative division code of the site, 6 digits (GB/T 2260)."
    )
    address: str | None = None
    categories: list[str] | None = Field(None, description="A7 category codes; at least one.")
    site_kind: str | None = Field(None, description="Kind of site where A9.1 splits a category.")
    builder: str | None = Field(None, description="government (A9.1) or unit (A9.2).")
    contact_name: str | None = None
    contact_phone: str | None = None
    project_kind: str | None = Field(None, description="existing, new, rebuilt or expanded.")
    delivered_on: str | None = Field(None, description="YYYY-MM-DD; filing due 30 days later.")
    commissioned_on: str | None = Field(None, description="YYYY-MM-DD the system went into use.")
    main_works_started_on: str | None = Field(None, description="YYYY-MM-DD (A11).")
    main_works_in_use_on: str | None = Field(None, description="YYYY-MM-DD (A11).")
    accepted_on: str | None = Field(None, description="YYYY-MM-DD of acceptance (A13).")
    filed_on: str | None = Field(None, description="YYYY-MM-DD of filing with the bureau.")
    design_plan_id: RowId | None = Field(None, description="Attachment id (A13.2).")
    test_report_id: RowId | None = Field(None, description="Attachment id (A13.2).")
    acceptance_report_id: RowId | None = Field(None, description="Attachment id (A13.2).")
    jurisdiction: str | None = Field(
        None, description="The jurisdiction profile: which laws apply from which day."
    )
    national_class: str | None = Field(
        None, description="The site's national class (N7 place, or other_public_place, N9)."
    )


class PositionBody(BaseModel):
    code: str = Field(description="A catalogue key position, or custom:<slug> with a label.")
    label: str = ""
    category: str = ""
    required: bool = True
    note: str = ""


class PositionsBody(BaseModel):
    positions: list[PositionBody] = Field(description="The whole list of key positions (A7.2).")


@router.get("/regulation/catalogue")
def catalogue(who: ViewsRecords) -> dict[str, Any]:
    """Codes and names forms are built from: A7 categories, key positions, location types."""
    return {
        "categories": [
            {
                "code": c.code,
                "article": c.article,
                "zh": c.zh,
                "en": c.en,
                "default_positions": list(c.default_positions),
            }
            for c in SITE_CATEGORIES.values()
        ],
        "site_kinds": [
            {"code": k.code, "category": k.category, "zh": k.zh, "en": k.en}
            for k in SITE_KINDS.values()
        ],
        "builders": [b.value for b in Builder if b is not Builder.OTHER],
        "project_kinds": list(PROJECT_KINDS),
        "key_positions": [{"code": p.code, "zh": p.zh, "en": p.en} for p in KEY_POSITIONS.values()],
        "location_types": [
            {"code": t.code, "zh": t.zh, "en": t.en, "allowed": t.allowed, "article": t.article}
            for t in LOCATION_TYPES.values()
        ],
        "attachment_kinds": dict(KINDS),
        "jurisdictions": [{"code": p.name, "en": p.title} for p in PROFILES.values()],
        "national_classes": [
            {"code": c.code, "article": c.article, "zh": c.zh, "en": c.en}
            for c in NATIONAL_CATEGORIES.values()
        ],
    }


def _profile(request: Request, view: ProfileView | None) -> dict[str, Any]:
    """{"profile": ...}, its documents cited as {id, filename, content_type, bytes, sha256}."""
    if view is None:
        return {"profile": None}
    return {"profile": cite_attachment(site(request), view.as_dict(), *ATTACHMENT_FIELDS)}


@router.get("/site/profile")
def get_profile(request: Request, who: ViewsRecords) -> dict[str, Any]:
    """The profile (null until filled in) and what the measures say about it today."""
    return _profile(request, records.get_profile(site(request)))


@router.put("/site/profile")
def put_profile(body: ProfileChange, request: Request, who: ManagesSite) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    return _profile(request, records.update_profile(site(request), changes, actor_of(who)))


def _positions(request: Request) -> dict[str, Any]:
    ctx = site(request)
    return {
        "positions": [p.as_dict() for p in positions.list_positions(ctx)],
        "suggested": [p.as_dict() for p in positions.suggested_positions(ctx)],
        "article": "A7.2",
    }


@router.get("/site/positions")
def get_positions(request: Request, who: ViewsRecords) -> dict[str, Any]:
    """The unit's key positions, and defaults of its categories it has not confirmed."""
    return _positions(request)


@router.put("/site/positions")
def put_positions(body: PositionsBody, request: Request, who: ManagesSite) -> dict[str, Any]:
    """Replace the key positions with the list given (the unit decides them, A7.2)."""
    entries = [PositionInput(**p.model_dump()) for p in body.positions]
    positions.set_positions(site(request), entries, actor_of(who))
    return _positions(request)


@router.post("/site/positions", status_code=201)
def add_position(body: PositionBody, request: Request, who: ManagesSite) -> dict[str, Any]:
    """Add one key position (the unit decides them, A7.2); 409 if the unit has it already."""
    added = positions.add_position(site(request), PositionInput(**body.model_dump()), actor_of(who))
    return {"added": added.as_dict(), **_positions(request)}


@router.delete("/site/positions/{code}")
def drop_position(code: str, request: Request, who: ManagesSite) -> dict[str, Any]:
    """Drop one key position that does not apply to the site (A7.2); 409 while cameras are
    sited there."""
    dropped = positions.drop_position(site(request), code, actor_of(who))
    return {"dropped": dropped.as_dict(), **_positions(request)}


@router.get("/site/coverage")
def get_coverage(request: Request, who: ViewsRecords) -> dict[str, Any]:
    """For each key position, its cameras and whether they work; the gaps (A7)."""
    return coverage(site(request)).as_dict()
