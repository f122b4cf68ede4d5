"""The unit's filings in the site database (migration 0011).

A filing (备案) is one case: the first filing of the system, or a change filing (N14). Each
submission of it is a signed document (`FilingVersion`, never changed once written); a
returned filing is corrected and submitted again as the next version. `FilingEvent` is its
history: submitted, returned (reasons), resubmitted, accepted (receipt 备案回执 number and
day). `SystemAcceptance` holds what the bureau recorded of the acceptance 验收 of a
government-built system (A13.1): until one passed, the system must not be put into use.

Tables live in the db layer (the self-check reads the acceptance too), on the site's metadata
(`vigil.db.models.Base`).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vigil.db.models import Base


class Filing(Base):
    """One filing case and where it stands."""

    __tablename__ = "filings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    """`initial` or `change` (N14: a change of the filed facts is filed again)."""
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    """`submitted` (with the bureau), `returned` (to be corrected), `accepted`."""
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    """The newest version submitted."""
    created_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    updated_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    receipt_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    receipt_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    receipt: Mapped[str | None] = mapped_column(Text, nullable=True)
    """JSON: the receipt as the bureau sent it (signed message body)."""


class FilingVersion(Base):
    """One submission of a filing: the signed document exactly as sent."""

    __tablename__ = "filing_versions"
    __table_args__ = (UniqueConstraint("filing_id", "version", name="uq_filing_versions"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    document: Mapped[str] = mapped_column(Text, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    """SHA-256 of the canonical JSON of the document without its signature."""
    submitted_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    submitted_by: Mapped[str] = mapped_column(String(64), nullable=False)
    message_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The id of the link message that carries it to the bureau."""


class FilingEvent(Base):
    """One step of a filing's history."""

    __tablename__ = "filing_events"
    __table_args__ = (Index("ix_filing_events_filing", "filing_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    event: Mapped[str] = mapped_column(String(16), nullable=False)
    """`submitted`, `resubmitted`, `returned`, `accepted`."""
    at_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    by: Mapped[str] = mapped_column(String(128), nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    """JSON: reasons of a return, the receipt of an acceptance."""
    message_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    """The link message that brought it (a bureau's decision), applied once."""


class SystemAcceptance(Base):
    """The acceptance 验收 of a government-built system as the bureau recorded it (A13.1)."""

    __tablename__ = "system_acceptances"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    accepted_on: Mapped[str] = mapped_column(String(10), nullable=False)
    result: Mapped[str] = mapped_column(String(16), nullable=False)
    """`passed` or `failed`."""
    members: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    documents: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    recorded_by: Mapped[str] = mapped_column(String(128), nullable=False)
    received_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    message_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
