"""The unit's key positions (A7, A7.2): where its cameras must look.

When the profile gains a site category, the category's default checklist
(`vigil.regulation.default_checklist`) is added to the unit's positions (`seed_positions`);
the unit then drops what does not apply and adds its own (`custom:<slug>` with a label),
because the unit decides its key positions (A7 last paragraph, A7.2). Positions dropped
once are not added again unless their category is removed and chosen anew.

Invariants:
- a position is a catalogue key position or `custom:<slug>`; an A8 place never is;
- a position cameras are sited at is not dropped;
- every change is registered in the audit log (`positions_update`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit.actor import Actor
from vigil.context import SiteContext
from vigil.db.models import CameraSiting, SitePosition, SiteProfile
from vigil.errors import ConflictError, NotFoundError, RefusedByLawError, ValidationError
from vigil.records.common import text_field
from vigil.regulation import (
    FORBIDDEN_LOCATIONS,
    KEY_POSITIONS,
    check_location,
    default_checklist,
    site_category,
)

_CUSTOM = re.compile(r"^custom:[a-z0-9][a-z0-9_-]{0,56}$")


@dataclass(frozen=True)
class PositionView:
    code: str
    label: str
    category: str
    required: bool
    note: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _position_view(row: SitePosition) -> PositionView:
    return PositionView(row.code, row.label, row.category, row.required, row.note)


def catalogue_label(code: str) -> str:
    pos = KEY_POSITIONS[code]
    return f"{pos.zh} ({pos.en})"


def seed_positions(s: Session, categories: Iterable[str]) -> list[str]:
    """Add the default checklist of each of `categories` (codes the unit has not got yet);
    returns the codes added. Called by `profile.update_profile` in its transaction."""
    existing = set(s.scalars(select(SitePosition.code)))
    added: list[str] = []
    for category in categories:
        for pos in default_checklist(category):
            if pos.code not in existing:
                s.add(
                    SitePosition(
                        code=pos.code,
                        label=catalogue_label(pos.code),
                        category=category,
                        required=True,
                        note="",
                    )
                )
                existing.add(pos.code)
                added.append(pos.code)
    return added


def check_position_code(code: str, *, field: str = "code") -> str:
    """A catalogue key position or `custom:<slug>`; A8 places are refused."""
    if not isinstance(code, str) or not code.strip():
        raise ValidationError("give a key position code such as 'lobby'", field=field)
    clean = code.strip()
    if clean.startswith("custom:"):
        if not _CUSTOM.match(clean):
            raise ValidationError(
                "a unit's own position is 'custom:' followed by 1-57 lower-case letters, "
                f"digits, '_' or '-', got {clean!r}",
                field=field,
            )
        place = FORBIDDEN_LOCATIONS.get(clean[7:].replace("-", "_"))
        if place is not None:
            raise RefusedByLawError(
                f"a key position may not be {place.en} ({place.zh})",
                field=field,
                article=", ".join(place.articles),
            )
        return clean
    entry = check_location(clean, field=field)
    if not entry.allowed:  # pragma: no cover - check_location refuses these
        raise RefusedByLawError(f"{clean!r} is forbidden", field=field, article=entry.article)
    return clean


@dataclass(frozen=True)
class PositionInput:
    code: str
    label: str = ""
    category: str = ""
    required: bool = True
    note: str = ""


def _check_position(p: PositionInput, index: int | None = None) -> SitePosition:
    def name(f: str) -> str:
        return f if index is None else f"positions.{index}.{f}"

    code = check_position_code(p.code, field=name("code"))
    label = text_field(p.label, name("label"), 128, required=code.startswith("custom:"))
    category = site_category(p.category, field=name("category")).code if p.category else ""
    return SitePosition(
        code=code,
        label=label or catalogue_label(code),
        category=category,
        required=bool(p.required),
        note=text_field(p.note, name("note"), 2000),
    )


def list_positions(ctx: SiteContext) -> list[PositionView]:
    with ctx.sessions() as s:
        rows = s.scalars(select(SitePosition).order_by(SitePosition.id))
        return [_position_view(r) for r in rows]


def suggested_positions(ctx: SiteContext) -> list[PositionView]:
    """Defaults of the profile's categories that the unit has not confirmed (A7.2)."""
    with ctx.sessions() as s:
        row = s.get(SiteProfile, 1)
        categories: list[str] = json.loads(row.categories or "[]") if row is not None else []
    have = {p.code for p in list_positions(ctx)}
    out: list[PositionView] = []
    for category in categories:
        for pos in default_checklist(category):
            if pos.code not in have:
                out.append(PositionView(pos.code, catalogue_label(pos.code), category, True, ""))
                have.add(pos.code)
    return out


def _in_use(s: Session, codes: set[str]) -> dict[str, int]:
    """Custom codes among `codes` that cameras are sited at, with how many cameras."""
    custom = {c for c in codes if c.startswith("custom:")}
    if not custom:
        return {}
    out: dict[str, int] = {}
    for loc in s.scalars(
        select(CameraSiting.location_type).where(CameraSiting.location_type.in_(custom))
    ):
        out[loc] = out.get(loc, 0) + 1
    return out


def set_positions(
    ctx: SiteContext, positions: list[PositionInput], actor: Actor
) -> list[PositionView]:
    """Replace the unit's key positions with `positions` (the whole list, A7.2)."""
    rows = [_check_position(p, i) for i, p in enumerate(positions)]
    codes = [r.code for r in rows]
    dup = next((c for c in codes if codes.count(c) > 1), None)
    if dup is not None:
        raise ValidationError(f"{dup!r} is listed twice", field="positions")
    with ctx.sessions.begin() as s:
        old = {r.code: r for r in s.scalars(select(SitePosition))}
        dropped = set(old) - set(codes)
        used = _in_use(s, dropped)
        if used:
            code = sorted(used)[0]
            raise ConflictError(
                f"{code!r} is the location of {used[code]} camera(s); site them elsewhere "
                "before dropping it",
                field="positions",
            )
        changed = []
        for r in rows:
            prev = old.get(r.code)
            if prev is None:
                s.add(r)
            elif (prev.label, prev.category, prev.required, prev.note) != (
                r.label,
                r.category,
                r.required,
                r.note,
            ):
                prev.label, prev.category = r.label, r.category
                prev.required, prev.note = r.required, r.note
                changed.append(r.code)
        for code in dropped:
            s.delete(old[code])
        added = [c for c in codes if c not in old]
        if added or dropped or changed:
            actor.audit(
                s,
                ctx,
                "positions_update",
                detail={"added": added, "dropped": sorted(dropped), "changed": changed},
            )
    return list_positions(ctx)


def add_position(ctx: SiteContext, position: PositionInput, actor: Actor) -> PositionView:
    """Add one key position; `ConflictError` if the unit already has it."""
    current = list_positions(ctx)
    code = _check_position(position).code
    if any(p.code == code for p in current):
        raise ConflictError(f"{code!r} is already a key position", field="code")
    keep = [PositionInput(p.code, p.label, p.category, p.required, p.note) for p in current]
    set_positions(ctx, [*keep, position], actor)
    return next(p for p in list_positions(ctx) if p.code == code)


def drop_position(ctx: SiteContext, code: str, actor: Actor) -> PositionView:
    current = list_positions(ctx)
    found = next((p for p in current if p.code == code), None)
    if found is None:
        raise NotFoundError(f"{code!r} is not one of the site's key positions", field="code")
    keep = [
        PositionInput(p.code, p.label, p.category, p.required, p.note)
        for p in current
        if p.code != code
    ]
    set_positions(ctx, keep, actor)
    return found
