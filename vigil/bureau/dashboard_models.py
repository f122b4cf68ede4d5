"""What the bureau's dashboard counts (bureau migration b0021).

A filing document is a signed JSON object of some size; counting 5,000 units by A7 category
or 100,000 cameras by location type from those documents on every request would not keep the
dashboard under 200 ms. So when a version of a filing is registered (`vigil.bureau.filings`),
the figures the dashboard counts are copied from it into narrow tables in the same
transaction (a mapper event, `_copy_figures`): the unit's A7 categories, its cameras per
location type and the dates its filing deadline counts from (N14, A13.2). The dashboard
counts them with GROUP BY (`vigil.bureau.dashboard`).

Also here: the unit's self-check reports fetched over the link (`vigil.bureau.selfcheck`),
and the indexes that find a unit's newest held seal and latest check-site at once.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    delete,
    event,
    insert,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from vigil.bureau.db.models import BureauBase, HeldSeal, SiteCheck
from vigil.bureau.filings_models import BureauFiling


class UnitCategory(BureauBase):
    """One A7 category a unit's newest filing names (a unit may name several)."""

    __tablename__ = "bureau_unit_categories"
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(64), primary_key=True)


class UnitCameras(BureauBase):
    """How many cameras of one location type a unit's newest filing lists."""

    __tablename__ = "bureau_unit_cameras"
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    location_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    cameras: Mapped[int] = mapped_column(Integer, nullable=False)


class UnitFacts(BureauBase):
    """The dates and builder a unit's newest filing states: its filing deadline counts from
    them (N14 from the day of use, A13.2 from delivery)."""

    __tablename__ = "bureau_unit_facts"
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    builder: Mapped[str] = mapped_column(String(16), nullable=False)
    jurisdiction: Mapped[str] = mapped_column(String(32), nullable=False)
    delivered_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    commissioned_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    national_class: Mapped[str | None] = mapped_column(String(32), nullable=True)
    cameras: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class SelfCheckReport(BureauBase):
    """A unit's self-check report asked for over the link (`selfcheck.request`) and, once
    it arrived (`selfcheck.report`), the signed report as the unit signed it."""

    __tablename__ = "bureau_selfchecks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), nullable=False, index=True)
    request_id: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    requested_by: Mapped[str] = mapped_column(String(64), nullable=False)
    requested_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    received_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    report: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


# The newest seal held and the latest check of each unit, found by one index probe per unit.
Index("ix_held_seals_unit_received", HeldSeal.unit_id, HeldSeal.received_us)
Index("ix_site_checks_unit_checked", SiteCheck.unit_id, SiteCheck.checked_us)


def figures(doc: dict[str, Any]) -> tuple[list[str], dict[str, int], dict[str, Any]]:
    """A filing document's A7 categories, cameras per location type, and deadline facts."""
    unit = doc.get("unit") or {}
    cats = sorted({str(c.get("code")) for c in unit.get("categories") or []
                   if isinstance(c, dict) and c.get("code")})  # fmt: skip
    cams: dict[str, int] = {}
    for cam in doc.get("cameras") or []:
        kind = str((cam or {}).get("location_type") or "not_recorded")[:64]
        cams[kind] = cams.get(kind, 0) + 1
    dates = doc.get("dates") or {}
    law = doc.get("law") or {}
    facts = {
        "builder": str(unit.get("builder") or "unit")[:16],
        "jurisdiction": str(law.get("jurisdiction") or "province")[:32],
        "delivered_on": dates.get("delivered_on"),
        "commissioned_on": dates.get("commissioned_on"),
        "national_class": doc.get("national_class") or law.get("national_class"),
        "cameras": sum(cams.values()),
    }
    return cats, cams, facts


def copy_figures(conn: Connection, unit_id: int, doc: dict[str, Any]) -> None:
    """Replace the unit's counted figures by those of `doc` (in the caller's transaction)."""
    cats, cams, facts = figures(doc)
    for table in (UnitCategory, UnitCameras, UnitFacts):
        conn.execute(delete(table).where(table.unit_id == unit_id))
    if cats:
        conn.execute(insert(UnitCategory), [{"unit_id": unit_id, "category": c} for c in cats])
    if cams:
        conn.execute(insert(UnitCameras), [{"unit_id": unit_id, "location_type": k,
                                            "cameras": n} for k, n in cams.items()])  # fmt: skip
    conn.execute(insert(UnitFacts).values(unit_id=unit_id, **facts))


@event.listens_for(BureauFiling, "after_insert")
def _copy_figures(_mapper: Mapper[Any], conn: Connection, row: BureauFiling) -> None:
    """Each version registered brings the unit's counted figures up to date with it."""
    copy_figures(conn, row.unit_id, json.loads(row.document))
