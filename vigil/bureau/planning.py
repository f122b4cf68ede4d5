"""The bureau's register of planned systems (A6, N6).

City and county governments plan the public-safety video systems of their area (A6; N6:
local governments plan and avoid duplicate building). The bureau keeps their plans beside
the filings of systems built: who plans it, where (a GB/T 2260 division within the bureau's
jurisdiction, A4, and the places), for which sites (an A7 category or an N7 class), how many
cameras at which location types (none at a place A8/N8 forbids), when it is to be built and
put into use (A11), and its status: planned → under construction → built (linked to the unit
that runs and files it once it enrols) or cancelled.

Administrators and the head record and change plans; every member of staff reads them.
Each act is audited in the bureau's log in the transaction that makes it. A plan whose
places overlap another live plan in the same division (the same place name, or the same
category there) is kept but answered with a warning naming the other plan (N6): duplicate
building is for the government to avoid, not for the register to refuse.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from vigil.bureau.accounts import BureauRole, StaffView
from vigil.bureau.context import BureauContext
from vigil.bureau.dashboard_models import UnitCategory, UnitFacts
from vigil.bureau.db.models import Bureau, Unit
from vigil.bureau.divisions import prefix, within
from vigil.bureau.planning_models import PlannedSystem
from vigil.errors import ConflictError, NotFoundError, ValidationError
from vigil.records.profile import parse_day
from vigil.regulation import SITE_CATEGORIES, check_location
from vigil.regulation.identifiers import check_division_code
from vigil.regulation.rulesets import NATIONAL_CATEGORIES
from vigil.text import check_text

WRITERS = frozenset({BureauRole.ADMINISTRATOR, BureauRole.HEAD})
STATUSES = ("planned", "under_construction", "built", "cancelled")
#: Where a plan may go from each status; built and cancelled are final.
NEXT: dict[str, frozenset[str]] = {
    "planned": frozenset({"under_construction", "cancelled"}),
    "under_construction": frozenset({"built", "cancelled"}),
    "built": frozenset(),
    "cancelled": frozenset(),
}
FIELDS = frozenset({"name", "planner", "division_code", "category", "national_class", "places",
                    "cameras", "build_on", "use_on", "status", "unit_id", "notes"})  # fmt: skip
MAX_PLACES = 200
MAX_CAMERAS = 100_000


def _require(who: StaffView) -> None:
    if who.role not in WRITERS:
        names = ", ".join(sorted(r.value for r in WRITERS))
        raise ConflictError(f"a {who.role.value} may not change plans; {names} may",
                            field="role")  # fmt: skip


def _bureau(s: Session) -> Bureau:
    bureau: Bureau | None = s.scalar(select(Bureau))
    assert bureau is not None
    return bureau


def _division(value: object, bureau: Bureau, field: str = "division_code") -> str:
    if not isinstance(value, str):
        raise ValidationError("a 6-digit division code (GB/T 2260)", field=field)
    code = check_division_code(value, field=field)
    if not within(bureau.division_code, code):
        raise ValidationError(f"{code} is outside this bureau's jurisdiction "
                              f"({bureau.division_code})", field=field, article="A4")  # fmt: skip
    return code


def _places(value: object) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValidationError("a list of one or more place names", field="places")
    if len(value) > MAX_PLACES:
        raise ValidationError(f"at most {MAX_PLACES} places", field="places")
    places = [check_text(p, "places", max_chars=200) for p in value]
    return list(dict.fromkeys(places))


def _cameras(value: object) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ValidationError("an object of location type → planned number", field="cameras")
    out: dict[str, int] = {}
    for kind, n in value.items():
        check_location(str(kind), field="cameras")  # none where A8/N8 forbid a camera
        if type(n) is not int or not 0 <= n <= MAX_CAMERAS:
            raise ValidationError(f"the number at {kind} must be a whole number from 0 to "
                                  f"{MAX_CAMERAS}", field="cameras")  # fmt: skip
        out[str(kind)] = n
    return out


def _apply(s: Session, row: PlannedSystem, data: Mapping[str, Any], bureau: Bureau) -> list[str]:
    """Check and set the fields given in `data`; the names of those set."""
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise ValidationError(f"unknown field; known: {', '.join(sorted(FIELDS))}",
                              field=unknown[0])  # fmt: skip
    if "name" in data:
        row.name = check_text(data["name"], "name", max_chars=200)
    if "planner" in data:  # A6: the city or county government (or its department) that plans
        row.planner = check_text(data["planner"], "planner", max_chars=200)
    if "division_code" in data:
        row.division_code = _division(data["division_code"], bureau)
    if "category" in data:
        cat = data["category"] or None
        if cat is not None and cat not in SITE_CATEGORIES:
            raise ValidationError(f"one of: {', '.join(SITE_CATEGORIES)}", field="category",
                                  article="A7")  # fmt: skip
        row.category = cat
    if "national_class" in data:
        cls = data["national_class"] or None
        if cls is not None and cls not in NATIONAL_CATEGORIES:
            raise ValidationError(f"one of: {', '.join(NATIONAL_CATEGORIES)}",
                                  field="national_class", article="N7")  # fmt: skip
        row.national_class = cls
    if "places" in data:
        row.places = json.dumps(_places(data["places"]), ensure_ascii=False)
    if "cameras" in data:
        row.cameras = json.dumps(_cameras(data["cameras"]), ensure_ascii=False, sort_keys=True)
    for day in ("build_on", "use_on"):
        if day in data:
            value = data[day]
            setattr(row, day, None if value in (None, "") else parse_day(value, day).isoformat())
    if "notes" in data:
        row.notes = check_text(data["notes"], "notes", max_chars=4000, required=False,
                               multiline=True)  # fmt: skip
    if "status" in data:
        status = data["status"]
        if status not in STATUSES:
            raise ValidationError(f"one of: {', '.join(STATUSES)}", field="status")
        if status != row.status:
            if row.status and status not in NEXT[row.status]:
                raise ConflictError(f"a plan that is {row.status} cannot become {status}",
                                    field="status")  # fmt: skip
            row.status = status
    if "unit_id" in data:
        row.unit_id = _unit(s, data["unit_id"], bureau)
    # the whole record, as it now stands
    for name in ("name", "planner", "division_code"):
        if not getattr(row, name):
            raise ValidationError("required", field=name)
    if not json.loads(row.places):
        raise ValidationError("a list of one or more place names", field="places")
    if row.category is None and row.national_class is None:
        raise ValidationError("an A7 category or an N7 class is required", field="category",
                              article="A7, N7")  # fmt: skip
    if row.build_on and row.use_on and row.use_on < row.build_on:
        raise ValidationError("put into use on or after the day building starts", field="use_on",
                              article="A11")  # fmt: skip
    if row.status == "built" and row.unit_id is None:
        raise ValidationError("a built system names the unit that runs and files it",
                              field="unit_id", article="A13.2, N14")  # fmt: skip
    if row.status != "built" and row.unit_id is not None:
        raise ValidationError("only a built system is linked to a unit", field="unit_id")
    return sorted(data)


def _unit(s: Session, value: object, bureau: Bureau) -> int | None:
    if value is None:
        return None
    if type(value) is not int:
        raise ValidationError("the id of an enrolled unit", field="unit_id")
    unit = s.get(Unit, value)
    if unit is None or not within(bureau.division_code, unit.division_code):
        raise ValidationError(f"no unit {value} in this bureau's jurisdiction", field="unit_id")
    return unit.id


def _norm(place: str) -> str:
    return "".join(place.split()).casefold()


def overlaps(s: Session, row: PlannedSystem) -> list[dict[str, Any]]:
    """Live plans in the same division that share a place name or the category (N6)."""
    if row.status == "cancelled":
        return []
    mine = {_norm(p) for p in json.loads(row.places)}
    others = s.scalars(
        select(PlannedSystem)
        .where(PlannedSystem.division_code == row.division_code,
               PlannedSystem.status != "cancelled", PlannedSystem.id != row.id)
        .order_by(PlannedSystem.id)
    )  # fmt: skip
    warnings = []
    for other in others:
        shared = sorted(p for p in json.loads(other.places) if _norm(p) in mine)
        same = [
            c
            for c in ("category", "national_class")
            if getattr(row, c) is not None and getattr(row, c) == getattr(other, c)
        ]
        if not shared and not same:
            continue
        why = (f"the same place ({', '.join(shared)})" if shared
               else f"the same {same[0].replace('_', ' ')} ({getattr(row, same[0])})")  # fmt: skip
        warnings.append({
            "article": "N6", "kind": "plan", "other": other.id, "other_name": other.name,
            "other_status": other.status, "places": shared, "same": same,
            "message": f"plan {other.id} ({other.name}, {other.status}) covers {why} in "
                       f"{row.division_code}: avoid building twice (N6)",
        })  # fmt: skip
    return warnings + _built_units(s, row)


def _built_units(s: Session, row: PlannedSystem) -> list[dict[str, Any]]:
    """Units of the same division whose newest filing names the plan's A7 category or N7
    class: systems already built there (N6), other than the one the plan became."""
    found: dict[int, tuple[str, list[str]]] = {}
    queries = []
    if row.category is not None:
        queries.append(("category", select(Unit.id, Unit.name).join(
            UnitCategory, UnitCategory.unit_id == Unit.id).where(
            UnitCategory.category == row.category)))  # fmt: skip
    if row.national_class is not None:
        queries.append(("national_class", select(Unit.id, Unit.name).join(
            UnitFacts, UnitFacts.unit_id == Unit.id).where(
            UnitFacts.national_class == row.national_class)))  # fmt: skip
    for what, q in queries:
        for unit_id, name in s.execute(q.where(Unit.division_code == row.division_code)):
            if unit_id != row.unit_id:
                found.setdefault(unit_id, (name, []))[1].append(what)
    return [
        {"article": "N6", "kind": "unit", "unit_id": unit_id, "other_name": name,
         "other_status": "filed", "places": [], "same": same,
         "message": f"unit {unit_id} ({name}) has filed a system of the same "
                    f"{same[0].replace('_', ' ')} in {row.division_code}: avoid building "
                    f"twice (N6)"}
        for unit_id, (name, same) in sorted(found.items())
    ]  # fmt: skip


def _overlap_ids(warnings: list[dict[str, Any]]) -> dict[str, list[int]]:
    """For the audit entry: the plans and the units a change was warned of (N6)."""
    return {"n6_overlaps": [w["other"] for w in warnings if w["kind"] == "plan"],
            "n6_units": [w["unit_id"] for w in warnings if w["kind"] == "unit"]}  # fmt: skip


def view(row: PlannedSystem, unit_name: str | None = None) -> dict[str, Any]:
    return {
        "id": row.id, "name": row.name, "planner": row.planner,
        "division_code": row.division_code, "category": row.category,
        "national_class": row.national_class, "places": json.loads(row.places),
        "cameras": json.loads(row.cameras), "build_on": row.build_on, "use_on": row.use_on,
        "status": row.status, "unit_id": row.unit_id, "unit": unit_name, "notes": row.notes,
        "created_by": row.created_by, "created_us": row.created_us,
        "updated_by": row.updated_by, "updated_us": row.updated_us,
    }  # fmt: skip


def create(ctx: BureauContext, who: StaffView, data: Mapping[str, Any]) -> dict[str, Any]:
    """Register a planned system (A6); the answer warns of overlapping plans (N6)."""
    _require(who)
    now = ctx.clock.now_us()
    with ctx.sessions.begin() as s:
        bureau = _bureau(s)
        row = PlannedSystem(status="", places="[]", cameras="{}", notes="",
                            created_by=who.username, created_us=now, updated_by=who.username,
                            updated_us=now)  # fmt: skip
        _apply(s, row, {"status": "planned", "cameras": {}, **data}, bureau)
        s.add(row)
        s.flush()
        warnings = overlaps(s, row)
        who.actor.audit(s, ctx, "plan_create",
                        detail={"plan": row.id, "name": row.name, "division": row.division_code,
                                "status": row.status,
                                **_overlap_ids(warnings)})  # fmt: skip
        return {"plan": view(row), "warnings": warnings}


def update(
    ctx: BureauContext, who: StaffView, plan_id: int, data: Mapping[str, Any]
) -> dict[str, Any]:
    """Change a plan's fields or status (planned → under construction → built, or cancelled)."""
    _require(who)
    with ctx.sessions.begin() as s:
        bureau = _bureau(s)
        row = _get(s, bureau, plan_id)
        before = row.status
        changed = _apply(s, row, data, bureau)
        row.updated_by, row.updated_us = who.username, ctx.clock.now_us()
        s.flush()
        warnings = overlaps(s, row)
        who.actor.audit(s, ctx, "plan_update",
                        detail={"plan": row.id, "name": row.name, "division": row.division_code,
                                "fields": changed, "status_from": before, "status": row.status,
                                "unit_id": row.unit_id,
                                **_overlap_ids(warnings)})  # fmt: skip
        return {"plan": view(row, _unit_name(s, row)), "warnings": warnings}


def _get(s: Session, bureau: Bureau, plan_id: int) -> PlannedSystem:
    row = s.get(PlannedSystem, plan_id)
    if row is None or not within(bureau.division_code, row.division_code):
        raise NotFoundError(f"no plan {plan_id} in this bureau's jurisdiction", field="plan")
    return row


def _unit_name(s: Session, row: PlannedSystem) -> str | None:
    if row.unit_id is None:
        return None
    return s.scalar(select(Unit.name).where(Unit.id == row.unit_id))


def get(ctx: BureauContext, plan_id: int) -> dict[str, Any]:
    """One plan of this bureau's jurisdiction, with its overlaps (N6)."""
    with ctx.sessions() as s:
        row = _get(s, _bureau(s), plan_id)
        return {"plan": view(row, _unit_name(s, row)), "warnings": overlaps(s, row)}


def list_plans(
    ctx: BureauContext, *, division: str | None = None, status: str | None = None
) -> dict[str, Any]:
    """The plans of this bureau's jurisdiction (A4), or of one division under it."""
    with ctx.sessions() as s:
        bureau = _bureau(s)
        code = bureau.division_code if division is None else _division(division, bureau, "division")
        if status is not None and status not in STATUSES:
            raise ValidationError(f"one of: {', '.join(STATUSES)}", field="status")
        q = (select(PlannedSystem, Unit.name)
             .outerjoin(Unit, Unit.id == PlannedSystem.unit_id)
             .where(PlannedSystem.division_code.like(prefix(code) + "%"))
             .order_by(PlannedSystem.division_code, PlannedSystem.id))  # fmt: skip
        if status is not None:
            q = q.where(PlannedSystem.status == status)
        plans = [view(row, unit) for row, unit in s.execute(q)]
    return {"division": code, "plans": plans, "counts": _tally(plans)}


def _tally(plans: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    out = dict.fromkeys(STATUSES, 0) | {"cameras_planned": 0}
    for p in plans:
        out[p["status"]] += 1
        if p["status"] != "cancelled":
            out["cameras_planned"] += sum(p["cameras"].values())
    return out


def counts(session: Session, divisions: Iterable[str]) -> dict[str, dict[str, int]]:
    """Per division code given (each with those under it): plans by status and the cameras
    planned in plans not cancelled, for the dashboard (A6)."""
    codes = list(dict.fromkeys(divisions))
    if not codes:
        return {}
    rows = session.execute(
        select(PlannedSystem.division_code, PlannedSystem.status, PlannedSystem.cameras).where(
            or_(*(PlannedSystem.division_code.like(prefix(c) + "%") for c in codes))
        )
    ).all()
    return {
        c: _tally(
            {"status": st, "cameras": json.loads(cams)}
            for d, st, cams in rows
            if d.startswith(prefix(c))
        )
        for c in codes
    }
