"""The link's tables: the outbox and inbox columns both apps share, and the site's own.

The mixins are mapped once per app: here on the site's metadata (`vigil.db.models.Base`,
migration 0012), and on the bureau's (`vigil.bureau.db.models`).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vigil.db.models import Base


class OutboxColumns:
    """A message waiting to be sent, or sent: the queue is the undelivered rows by id."""

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    msg_id: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    receiver: Mapped[str] = mapped_column(String(64), nullable=False)
    msg_type: Mapped[str] = mapped_column(String(64), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)  # canonical JSON
    created_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_us: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    delivered_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")


class InboxColumns:
    """A message received and applied; the unique id makes a second copy a replay."""

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    msg_id: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    sender: Mapped[str] = mapped_column(String(64), nullable=False)
    msg_type: Mapped[str] = mapped_column(String(64), nullable=False)
    sent_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    received_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)


class LinkOutbox(OutboxColumns, Base):
    __tablename__ = "link_outbox"


class LinkInbox(InboxColumns, Base):
    __tablename__ = "link_inbox"


class LinkBureau(Base):
    """The bureau this site is enrolled with (at most one row), its key pinned at join.

    `previous_keys_pem` holds keys the bureau rotated away from (one PEM after another),
    still accepted for messages signed before the rotation reached this site."""

    __tablename__ = "link_bureau"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer_id: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    division_code: Mapped[str] = mapped_column(String(6), nullable=False, default="")
    url: Mapped[str] = mapped_column(Text, nullable=False)
    public_key_pem: Mapped[str] = mapped_column(Text, nullable=False)
    key_id: Mapped[str] = mapped_column(String(64), nullable=False)
    unit_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    site_url: Mapped[str] = mapped_column(Text, nullable=False, default="")
    joined_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
