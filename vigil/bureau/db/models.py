"""The bureau's database: its own metadata and migrations (vigil/bureau/db/migrations).

The audit log and its chain use the very tables of the site (`chain_entries`,
`audit_entries`, copied into this metadata), so `vigil.audit` and `vigil.integrity` write
and check them unchanged.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from vigil.db.models import AuditEntry, ChainEntry
from vigil.link.models import InboxColumns, OutboxColumns


class BureauBase(DeclarativeBase):
    pass


CHAIN_ENTRIES = cast(Table, ChainEntry.__table__).to_metadata(BureauBase.metadata)
AUDIT_ENTRIES = cast(Table, AuditEntry.__table__).to_metadata(BureauBase.metadata)


class Bureau(BureauBase):
    """The single row naming this bureau, its division (GB/T 2260) and its key."""

    __tablename__ = "bureau"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bureau_uuid: Mapped[str] = mapped_column(String(36), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    division_code: Mapped[str] = mapped_column(String(6), nullable=False)
    created_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    public_key_pem: Mapped[str] = mapped_column(Text, nullable=False)
    key_id: Mapped[str] = mapped_column(String(64), nullable=False)
    # The tip of the bureau's own seal chain (A27, vigil.bureau.audit_seals), as the site
    # row keeps the site's: verify finds a newest seal deleted by it.
    last_seal_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_seal_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)


class BureauUser(BureauBase):
    """A member of the bureau's staff: officer 民警, inspector 检查人员, head 负责人 or
    administrator; argon2 password hash (vigil.access.passwords)."""

    __tablename__ = "bureau_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(128), nullable=False, default="")
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    password_hash: Mapped[str] = mapped_column(Text, nullable=False)
    disabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_us: Mapped[int] = mapped_column(BigInteger, nullable=False)


class BureauSession(BureauBase):
    """A signed-in session, server side: only the token's SHA-256 is stored."""

    __tablename__ = "bureau_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("bureau_users.id"), nullable=False)
    created_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    expires_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    revoked_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class Unit(BureauBase):
    """A unit under this bureau: invited, then linked (its site's id and key pinned)."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    division_code: Mapped[str] = mapped_column(String(6), nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="invited")
    peer_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    public_key_pem: Mapped[str] = mapped_column(Text, nullable=False, default="")
    key_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    url: Mapped[str] = mapped_column(Text, nullable=False, default="")
    invited_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    joined_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class Invite(BureauBase):
    """A one-time enrolment token (its SHA-256 only), valid 72 h."""

    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), nullable=False)
    token_sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    expires_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    used_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)


class HeldSeal(BureauBase):
    """A unit's seal as it handed it over: body and signature exactly as the unit signed."""

    __tablename__ = "held_seals"
    __table_args__ = (UniqueConstraint("unit_id", "seal_id", name="uq_held_seals_unit_seal"),)
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), nullable=False, index=True)
    seal_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sealed_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    key_id: Mapped[str] = mapped_column(String(64), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    signature_hex: Mapped[str] = mapped_column(String(128), nullable=False)
    received_us: Mapped[int] = mapped_column(BigInteger, nullable=False)


class SiteCheck(BureauBase):
    """The outcome of one `check-site`: ok, or the findings naming chain and seq."""

    __tablename__ = "site_checks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), nullable=False, index=True)
    checked_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    ok: Mapped[bool] = mapped_column(Boolean, nullable=False)
    findings: Mapped[str] = mapped_column(Text, nullable=False, default="[]")


class BureauOutbox(OutboxColumns, BureauBase):
    __tablename__ = "link_outbox"


class BureauInbox(InboxColumns, BureauBase):
    __tablename__ = "link_inbox"


class BureauSeal(BureauBase):
    """The bureau's own seal over its chain heads (its audit log, A27): the body signed
    with the bureau's key, chained to the previous seal (vigil.integrity.seal)."""

    __tablename__ = "bureau_seals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sealed_us: Mapped[int] = mapped_column(BigInteger, nullable=False, index=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    signature_hex: Mapped[str] = mapped_column(String(128), nullable=False)
    key_id: Mapped[str] = mapped_column(String(64), nullable=False)
