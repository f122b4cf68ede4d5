"""The site profile (one row): the unit and its system (A7, A9, A11, A13, N7, N9, N14).

The profile also names the site's jurisdiction profile (which legal texts apply from which
day, `vigil.regulation.rulesets`) and its national class (an N7 place, or an other public
place under N9); the checks of the profile ask the law in force on the day.

The profile is what the filing form (A13.2) and the bureau see of the unit and its
system. Every change is checked as a whole before anything is written (nothing is
half-saved) and registered in the audit log with the fields it changed.

When the profile gains a site category, the category's default checklist of key
positions is added to the unit's positions (`vigil.records.positions`).

Days are the unit's local calendar days (`unit_timezone`, `vigil.records.common`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vigil.audit.actor import Actor
from vigil.context import SiteContext
from vigil.db.models import Attachment, Camera, SiteProfile
from vigil.errors import ConflictError, ValidationError
from vigil.records.common import text_field, today
from vigil.records.positions import seed_positions
from vigil.regulation import (
    SITE_CATEGORIES,
    SITE_KINDS,
    Builder,
    DeadlineStatus,
    check_builder,
    check_credit_code,
    check_division_code,
    commissioning_check,
    site_category,
)
from vigil.regulation.deadlines import deadline_status
from vigil.regulation.divisions import current_division
from vigil.regulation.rulesets import (
    DEFAULT_JURISDICTION,
    NATIONAL_CATEGORIES,
    LawInForce,
    jurisdiction,
    law_in_force,
)

PROJECT_KINDS = ("existing", "new", "rebuilt", "expanded")
"""`existing`: a system on its own; the others are projects with main works (A11)."""

TEXT_FIELDS = {"unit_name": 200, "address": 500, "contact_name": 64, "contact_phone": 32}
REQUIRED = ("unit_name", "credit_code", "division_code", "address", "categories", "builder")
DATE_FIELDS = (
    "delivered_on",
    "commissioned_on",
    "main_works_started_on",
    "main_works_in_use_on",
    "accepted_on",
    "filed_on",
)
ATTACHMENT_FIELDS = {
    "design_plan_id": "design_plan",
    "test_report_id": "test_report",
    "acceptance_report_id": "acceptance_report",
}
FIELDS = (
    "unit_name",
    "credit_code",
    "division_code",
    "address",
    "categories",
    "site_kind",
    "builder",
    "contact_name",
    "contact_phone",
    "project_kind",
    *DATE_FIELDS,
    *ATTACHMENT_FIELDS,
    "jurisdiction",
    "national_class",
)

#: (earlier, later, why): pairs of dates that must not be out of order.
DATE_ORDER: tuple[tuple[str, str, str], ...] = (
    ("main_works_started_on", "main_works_in_use_on", "the main works start before use"),
    ("delivered_on", "commissioned_on", "a system is put into use on or after its delivery"),
    ("delivered_on", "filed_on", "a system is filed after its delivery (A13.2)"),
    ("accepted_on", "filed_on", "the filing includes the acceptance documents (A13.2)"),
)
#: Dates of acts that cannot lie in the future.
PAST_DATES = ("accepted_on", "filed_on")

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{4,30}$")


# --- validation of single fields ------------------------------------------------------


def parse_day(value: object, field: str) -> date:
    """A calendar day from `YYYY-MM-DD` (or a `date`); `ValidationError` naming `field`."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DAY.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError(f"must be a date written YYYY-MM-DD, got {value!r}", field=field)


def _categories(value: object) -> list[str]:
    if isinstance(value, str):
        value = [p for p in re.split(r"[,\s]+", value) if p]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationError("must be a list of A7 category codes", field="categories")
    out: list[str] = []
    for code in value:
        cat = site_category(code.strip(), field="categories")
        if cat.code not in out:
            out.append(cat.code)
    if not out:
        known = ", ".join(SITE_CATEGORIES)
        raise ValidationError(
            f"choose at least one site category of A7 ({known})", field="categories", article="A7"
        )
    return out


def _optional_code(value: object) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValidationError("must be text", field="site_kind")
    return value.strip()


def _national_class(value: object) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.strip() in NATIONAL_CATEGORIES:
        return value.strip()
    raise ValidationError(
        f"{value!r} is not a national site class; use one of: {', '.join(NATIONAL_CATEGORIES)}",
        field="national_class",
        article="N7",
    )


def _check_site_kind(categories: list[str], site_kind: str | None) -> None:
    split = {kind.category for kind in SITE_KINDS.values()}
    if site_kind is None:
        return  # required_builder names the field if a category needs it
    kind = SITE_KINDS.get(site_kind)
    if kind is None or kind.category not in categories:
        options = [k.code for k in SITE_KINDS.values() if k.category in categories]
        if not options:
            names = ", ".join(sorted(split))
            raise ValidationError(
                f"a site kind is only given for the categories A9.1 splits ({names})",
                field="site_kind",
                article="A9.1",
            )
        raise ValidationError(
            f"{site_kind!r} is not a kind of the chosen categories; use one of: "
            + ", ".join(options),
            field="site_kind",
            article="A9.1",
        )


def check_builder_for(categories: list[str], builder: str, site_kind: str | None) -> None:
    """Refuse a builder that A9 does not allow for any of the chosen categories (A9.3)."""
    for category in categories:
        split = any(k.category == category for k in SITE_KINDS.values())
        kind = SITE_KINDS.get(site_kind) if (split and site_kind) else None
        if kind is not None and kind.government_positions:
            # An open park: the government builds its main passages and entrances (A9.1),
            # the unit the rest (A9.2); either may keep the profile, nobody else (A9.3).
            if builder not in (Builder.GOVERNMENT.value, Builder.UNIT.value):
                check_builder(
                    category,
                    builder,
                    site_kind=kind.code,
                    position=kind.government_positions[0],
                )
            continue
        check_builder(category, builder, site_kind=site_kind if split else None)


def _attachment_id(s: Session, value: object, field: str, kind: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError("must be an attachment id", field=field)
    row = s.get(Attachment, value)
    if row is None:
        raise ValidationError(f"no attachment with id {value}", field=field)
    if row.kind not in (kind, "other"):
        raise ValidationError(f"attachment {value} is a {row.kind!r}, not a {kind!r}", field=field)
    return value


def _dates(values: dict[str, Any], on: date) -> dict[str, date]:
    days = {f: parse_day(values[f], f) for f in DATE_FIELDS if values.get(f) is not None}
    if values["project_kind"] == "existing":
        for f in ("main_works_started_on", "main_works_in_use_on"):
            if f in days:
                raise ValidationError(
                    "main-works dates belong to new, rebuilt or expanded projects; set "
                    "project_kind first or leave them empty",
                    field=f,
                    article="A11",
                )
    for earlier, later, why in DATE_ORDER:
        if earlier in days and later in days and days[later] < days[earlier]:
            raise ValidationError(
                f"{later} {days[later]} is before {earlier} {days[earlier]}: {why}",
                field=later,
            )
    for f in PAST_DATES:
        if f in days and days[f] > on:
            raise ValidationError(f"{days[f]} is later than today ({on})", field=f)
    return days


def validate(
    s: Session, current: Mapping[str, Any] | None, changes: Mapping[str, Any], *, on: date
) -> dict[str, Any]:
    """The whole profile after `changes`, every field checked; raises on the first bad one.

    `changes` maps field names to new values; None (or "") clears an optional field.
    """
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise ValidationError(
            f"unknown profile field; known: {', '.join(FIELDS)}", field=unknown[0]
        )
    merged: dict[str, Any] = {f: None for f in FIELDS} | dict(current or {}) | dict(changes)
    for f in REQUIRED:
        if merged.get(f) in (None, "", []):
            raise ValidationError("is required", field=f)
    out: dict[str, Any] = {}
    for f, limit in TEXT_FIELDS.items():
        out[f] = text_field(merged[f], f, limit, required=f in REQUIRED)
    if out["contact_phone"] and not _PHONE.match(out["contact_phone"]):
        raise ValidationError(
            f"{out['contact_phone']!r} is not a telephone number", field="contact_phone"
        )
    out["credit_code"] = check_credit_code(merged["credit_code"])
    out["division_code"] = check_division_code(merged["division_code"])
    out["categories"] = _categories(merged["categories"])
    out["site_kind"] = _optional_code(merged["site_kind"])
    _check_site_kind(out["categories"], out["site_kind"])
    builder = merged["builder"]
    if not isinstance(builder, str):
        raise ValidationError("must be one of: government, unit", field="builder")
    out["builder"] = builder.strip()
    check_builder_for(out["categories"], out["builder"], out["site_kind"])
    kind = merged["project_kind"] or "existing"
    if kind not in PROJECT_KINDS:
        raise ValidationError(
            f"{kind!r}: use one of {', '.join(PROJECT_KINDS)}", field="project_kind", article="A11"
        )
    out["project_kind"] = kind
    out["jurisdiction"] = jurisdiction(merged["jurisdiction"] or DEFAULT_JURISDICTION).name
    out["national_class"] = _national_class(merged["national_class"])
    days = _dates({**merged, "project_kind": kind}, on)
    for f in DATE_FIELDS:
        out[f] = days[f].isoformat() if f in days else None
    for f, att_kind in ATTACHMENT_FIELDS.items():
        out[f] = _attachment_id(s, merged[f], f, att_kind)
    return out


# --- reading and writing the profile ---------------------------------------------------


def _values(row: SiteProfile) -> dict[str, Any]:
    values = {f: getattr(row, f) for f in FIELDS}
    values["categories"] = json.loads(row.categories or "[]")
    return values


@dataclass(frozen=True)
class Check:
    """One finding about the profile: the article, a state, and what it means."""

    article: str
    state: str  # ok, due, overdue, late, flag, missing
    message: str
    due_date: str | None = None


@dataclass(frozen=True)
class ProfileView:
    values: dict[str, Any]
    updated_us: int
    updated_by: str
    checks: list[Check] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.values,
            "updated_us": self.updated_us,
            "updated_by": self.updated_by,
            "division_name": division_name(self.values.get("division_code")),
            "checks": [asdict(c) for c in self.checks],
        }


def division_name(code: object) -> str | None:
    """The full name of a current division code (福建省福州市鼓楼区 for 350102), else None."""
    found = current_division(code) if isinstance(code, str) else None
    return found.full_name if found else None


def site_law(values: Mapping[str, Any], on: date) -> LawInForce:
    """The law the site's jurisdiction profile applies on `on`."""
    return law_in_force(jurisdiction(values.get("jurisdiction") or DEFAULT_JURISDICTION), on)


def _optional_day(values: Mapping[str, Any], name: str) -> date | None:
    value = values.get(name)
    return parse_day(value, name) if value else None


def filing_deadline(values: Mapping[str, Any], on: date) -> DeadlineStatus | None:
    """The filing deadline of a unit-built system under the law in force on `on` (A13.2,
    A13.3; N14 from 2025-04-01); None if not applicable or its start is not recorded. A
    filing dated after `on` was not yet made on `on`."""
    if values.get("builder") != Builder.UNIT.value:
        return None
    duty = site_law(values, on).filing(
        delivered_on=_optional_day(values, "delivered_on"),
        commissioned_on=_optional_day(values, "commissioned_on"),
        site_class=values.get("national_class"),
    )
    if duty is None or duty.period is None:
        return None
    filed = _optional_day(values, "filed_on")
    if filed is not None and (filed > on or (duty.start is not None and filed < duty.start)):
        filed = None  # not yet filed on `on`, or a filing before the period began
    return deadline_status(duty.period, today=on, done_on=filed, article=duty.governing)


def checks(values: Mapping[str, Any], on: date) -> list[Check]:
    """What the measures say about this profile today: filing (A13), acceptance, A11."""
    out: list[Check] = []
    if values.get("builder") == Builder.UNIT.value:
        status = filing_deadline(values, on)
        duty = site_law(values, on).filing(
            delivered_on=_optional_day(values, "delivered_on"),
            commissioned_on=_optional_day(values, "commissioned_on"),
            site_class=values.get("national_class"),
        )
        cited = ", ".join(duty.articles) if duty else "A13.2"
        if status is None or duty is None:
            out.append(
                Check(
                    cited,
                    "missing",
                    f"give {duty.counted_from if duty else 'delivered_on'}: {duty.rule_en}"
                    if duty
                    else "no filing rule in force for this day",
                )
            )
        else:
            text = (
                f"filing with the county bureau ({duty.rule_en}): "
                + str(status).rsplit(" — ", 1)[0]
            )
            out.append(Check(cited, status.state.value, text, status.due_date.isoformat()))
    elif values.get("builder") == Builder.GOVERNMENT.value:
        accepted, used = values.get("accepted_on"), values.get("commissioned_on")
        if used and (not accepted or accepted > used):
            out.append(
                Check(
                    "A13.1",
                    "flag",
                    "a government-built system was put into use before it passed acceptance: "
                    "acceptance by the city or county government comes first",
                )
            )
        elif used:
            out.append(Check("A13.1", "ok", f"accepted on {accepted}, in use from {used}"))
        elif accepted:
            out.append(Check("A13.1", "ok", f"accepted on {accepted}: it may go into use"))
        else:
            out.append(
                Check(
                    "A13.1",
                    "due",
                    "government-built: not filed with the bureau but accepted by the city or "
                    "county government first; it may not go into use before it passes",
                )
            )
    if values.get("project_kind", "existing") != "existing":
        main = values.get("main_works_in_use_on")
        if not main:
            out.append(
                Check(
                    "A11",
                    "missing",
                    "give main_works_in_use_on to check that the "
                    "system went into use with the main works",
                )
            )
        else:
            used = values.get("commissioned_on")
            result = commissioning_check(
                parse_day(main, "main_works_in_use_on"),
                parse_day(used, "commissioned_on") if used else None,
                today=on,
            )
            if result.late:
                what = f"in use on {used}" if used else "not yet in use"
                out.append(
                    Check(
                        "A11",
                        "flag",
                        f"the system is {what}, {result.days_late} "
                        f"days after the main works (in use on {main})",
                    )
                )
            else:
                out.append(Check("A11", "ok", "in use together with the main works"))
    return out


def filing_facts(s: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    """What a filing under N14 states: the unit, where the system is built, the number of
    cameras and their storage periods (camera types are not recorded by Vigil)."""
    rows = s.execute(select(Camera.retention_days).where(Camera.state == "active")).all()
    return {
        "unit_name": values.get("unit_name"),
        "address": values.get("address"),
        "cameras": len(rows),
        "retention_days": sorted({int(r[0]) for r in rows}),
    }


def filing_changes(filed: Mapping[str, Any] | None, now: Mapping[str, Any]) -> list[str]:
    """The N14 fields that changed since the filing (empty: none, or no snapshot)."""
    if not filed:
        return []
    return [
        k for k in ("unit_name", "address", "cameras", "retention_days") if filed.get(k) != now[k]
    ]


def filed_snapshot(ctx: SiteContext) -> dict[str, Any] | None:
    with ctx.sessions() as s:
        row = s.get(SiteProfile, 1)
        if row is None or not row.filed_snapshot:
            return None
        found: dict[str, Any] = json.loads(row.filed_snapshot)
        return found


def current_filing_facts(ctx: SiteContext) -> dict[str, Any] | None:
    with ctx.sessions() as s:
        row = s.get(SiteProfile, 1)
        return filing_facts(s, _values(row)) if row is not None else None


def get_profile(ctx: SiteContext) -> ProfileView | None:
    with ctx.sessions() as s:
        row = s.get(SiteProfile, 1)
        if row is None:
            return None
        values = _values(row)
        return ProfileView(values, row.updated_us, row.updated_by, checks(values, today(ctx)))


def update_profile(ctx: SiteContext, changes: Mapping[str, Any], actor: Actor) -> ProfileView:
    """Apply `changes` (a partial update) after checking the whole profile; audit it."""
    on = today(ctx)
    try:
        with ctx.sessions.begin() as s:
            row = s.get(SiteProfile, 1)
            before = _values(row) if row is not None else None
            values = validate(s, before, changes, on=on)
            changed = {f: values[f] for f in FIELDS if before is None or before[f] != values[f]}
            if not changed and row is not None:
                return ProfileView(values, row.updated_us, row.updated_by, checks(values, on))
            if row is None:
                row = SiteProfile(id=1)
                s.add(row)
            for f in FIELDS:
                setattr(row, f, json.dumps(values[f]) if f == "categories" else values[f])
            row.updated_us = ctx.clock.now_us()
            row.updated_by = actor.name[:64]
            if "filed_on" in changed and values["filed_on"]:
                # a (change) filing states these facts as they are now (N14)
                row.filed_snapshot = json.dumps(filing_facts(s, values), ensure_ascii=False)
            old_categories = before["categories"] if before else []
            seeded = seed_positions(s, [c for c in values["categories"] if c not in old_categories])
            view = ProfileView(values, row.updated_us, row.updated_by, checks(values, on))
            detail: dict[str, Any] = {"changed": changed}
            if before is not None:
                detail["before"] = {f: before[f] for f in changed}
            if seeded:
                detail["positions_added"] = seeded
            actor.audit(s, ctx, "profile_update", detail=detail)
    except IntegrityError:  # two first saves at once: the loser must not see a 500
        raise ConflictError(
            "someone saved the profile at the same moment; reload it and apply your changes again",
            field="site_profile",
        ) from None
    return view
