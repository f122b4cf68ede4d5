"""What the bureau's dashboard counts (bureau migration b0021).

A filing document is a signed JSON object of some size; counting 5,000 units by A7 category
or 100,000 cameras by location type from those documents on every request would not keep the
dashboard under 200 ms. So when a version of a filing is registered (`vigil.bureau.filings`),
the figures the dashboard counts are copied from it into narrow tables in the same
transaction (a mapper event, `_copy_figures`): the unit's A7 categories, its cameras per
location type and the dates its filing deadline counts from (N14, A13.2). The dashboard
counts them with GROUP BY (`vigil.bureau.dashboard`).

Likewise each unit's newest seal received and latest check-site (`UnitStatus`), kept as
each arrives: a year of seals and hourly checks are tens of millions of rows, not to be
searched per request. These events are registered in every bureau process (the package
imports this module). Also here: the unit's self-check reports fetched over the link
(`vigil.bureau.selfcheck`).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    delete,
    event,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from vigil.bureau.db.models import BureauBase, HeldSeal, SiteCheck, Unit
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


class UnitStatus(BureauBase):
    """Each unit's newest seal received and latest check-site: a year of seals and hourly
    checks are tens of millions of rows, so these are kept as they arrive (mapper events
    below, in the transaction that stores the seal or the check) rather than searched."""

    __tablename__ = "bureau_unit_status"
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    newest_seal_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    last_check_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    last_check_ok: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


# A unit's seals and checks in the order they arrived (check-site's and the unit's history).
Index("ix_held_seals_unit_received", HeldSeal.unit_id, HeldSeal.received_us)
Index("ix_site_checks_unit_checked", SiteCheck.unit_id, SiteCheck.checked_us)


@event.listens_for(Unit, "after_insert")
def _status_row(_mapper: Mapper[Any], conn: Connection, row: Unit) -> None:
    conn.execute(insert(UnitStatus).values(unit_id=row.id))


def _status(conn: Connection, unit_id: int, where: Any, **values: Any) -> None:
    """Bring the unit's status row forward (`where`: only if this is newer); a unit
    enrolled by a process that did not load these events gets its row now."""
    done = conn.execute(
        update(UnitStatus).where(UnitStatus.unit_id == unit_id, where).values(**values)
    )
    if done.rowcount == 0 and conn.scalar(
        select(UnitStatus.unit_id).where(UnitStatus.unit_id == unit_id)
    ) is None:  # fmt: skip
        conn.execute(insert(UnitStatus).values(unit_id=unit_id, **values))


def rebuild_status(conn: Connection) -> None:
    """Recompute every unit's status row from the seals and checks held (after a bulk load
    that bypassed the events: the migration, a benchmark's COPY)."""
    conn.execute(delete(UnitStatus))
    conn.execute(text(
        "INSERT INTO bureau_unit_status (unit_id, newest_seal_us) SELECT u.id,"
        " (SELECT max(h.received_us) FROM held_seals h WHERE h.unit_id = u.id) FROM units u"
    ))  # fmt: skip
    conn.execute(text(
        "UPDATE bureau_unit_status SET"
        " last_check_us = (SELECT c.checked_us FROM site_checks c WHERE c.unit_id ="
        " bureau_unit_status.unit_id ORDER BY c.checked_us DESC, c.id DESC LIMIT 1),"
        " last_check_ok = (SELECT c.ok FROM site_checks c WHERE c.unit_id ="
        " bureau_unit_status.unit_id ORDER BY c.checked_us DESC, c.id DESC LIMIT 1)"
    ))  # fmt: skip


@event.listens_for(HeldSeal, "after_insert")
def _seal_received(_mapper: Mapper[Any], conn: Connection, row: HeldSeal) -> None:
    newest = UnitStatus.newest_seal_us
    _status(conn, row.unit_id, or_(newest.is_(None), newest < row.received_us),
            newest_seal_us=row.received_us)  # fmt: skip


@event.listens_for(SiteCheck, "after_insert")
def _site_checked(_mapper: Mapper[Any], conn: Connection, row: SiteCheck) -> None:
    last = UnitStatus.last_check_us
    _status(conn, row.unit_id, or_(last.is_(None), last <= row.checked_us),
            last_check_us=row.checked_us, last_check_ok=row.ok)  # fmt: skip


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
