"""The bureau's register of planned systems (bureau migration b0051): what city and county
governments plan to build (A6, N6), kept beside the filings of systems built (A13.2, N14)."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vigil.bureau.db.models import BureauBase


class PlannedSystem(BureauBase):
    """A system a government or department plans (A6, N6), from plan to built or cancelled."""

    __tablename__ = "planned_systems"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    planner: Mapped[str] = mapped_column(String(200), nullable=False)
    """The government or department that plans it (A6: city and county governments)."""
    division_code: Mapped[str] = mapped_column(String(6), nullable=False, index=True)
    category: Mapped[str | None] = mapped_column(String(40), nullable=True)
    """The A7 category (`vigil.regulation.SITE_CATEGORIES`), if the provincial list applies."""
    national_class: Mapped[str | None] = mapped_column(String(40), nullable=True)
    """The N7 class (`vigil.regulation.rulesets.NATIONAL_CATEGORIES`)."""
    places: Mapped[str] = mapped_column(Text, nullable=False)
    """JSON list of the places' names."""
    cameras: Mapped[str] = mapped_column(Text, nullable=False)
    """JSON object: planned number of cameras per location type (`LOCATION_TYPES`)."""
    build_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    use_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    status: Mapped[str] = mapped_column(String(24), nullable=False)
    """planned, under_construction, built (with `unit_id`) or cancelled."""
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(64), nullable=False)
    updated_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
