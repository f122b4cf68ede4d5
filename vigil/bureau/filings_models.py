"""The bureau's register of filings (bureau migration b0011): each version a unit submitted,
the files it carried, the officer's decision, the receipt, and the on-site check (A13.2)."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vigil.bureau.db.models import BureauBase


class BureauFiling(BureauBase):
    """One version of a unit's filing as received, and what the bureau did with it."""

    __tablename__ = "bureau_filings"
    __table_args__ = (
        UniqueConstraint("filing_uuid", "version", name="uq_bureau_filings_version"),
        UniqueConstraint("receipt_number", name="uq_bureau_filings_receipt"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), nullable=False, index=True)
    filing_uuid: Mapped[str] = mapped_column(String(36), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    """`received` (to review), `returned`, `accepted`, or `superseded` by a later version."""
    document: Mapped[str] = mapped_column(Text, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    jurisdiction: Mapped[str] = mapped_column(String(32), nullable=False)
    received_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    received_on: Mapped[str] = mapped_column(String(10), nullable=False)
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    reasons: Mapped[str | None] = mapped_column(Text, nullable=True)
    receipt_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    receipt_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    check_due_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    """The last day of the on-site check (A13.2), None where the law sets none."""
    check_planned_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    checked_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    check_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    check_result: Mapped[str | None] = mapped_column(Text, nullable=True)


class BureauFilingFile(BureauBase):
    """One part of a file a unit sent with its filing (`filing.file`), base64."""

    __tablename__ = "bureau_filing_files"
    __table_args__ = (
        UniqueConstraint("unit_id", "sha256", "part", name="uq_bureau_filing_files_part"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    part: Mapped[int] = mapped_column(Integer, nullable=False)
    parts: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[str] = mapped_column(Text, nullable=False)
    received_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
