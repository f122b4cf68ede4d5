"""Reports of a camera found in a forbidden place, received from units (N8.2; bureau
migration b0031).

N8.2: whoever manages a place where N8 forbids cameras (guest rooms, dormitories, toilets,
changing rooms, ...) checks it regularly and reports a camera found there to the local bureau
at once. The unit signs the report with its Ed25519 key (`vigil.records.privacy_checks`) and
sends it over the link as a `privacy.found_camera` message. The bureau keeps it only when the
signature verifies with the unit's pinned key and the report names the sending site; one row
per (unit, report id), a report sent twice is kept once. Receipt is registered in the
bureau's audit log in the same transaction; staff read the list at `GET /api/v1/reports`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from vigil.audit.log import record
from vigil.bureau.context import BureauContext
from vigil.bureau.db.models import Bureau, BureauBase, Unit
from vigil.bureau.divisions import within
from vigil.bureau.link import linked_unit
from vigil.errors import ValidationError
from vigil.keys.signing import load_public_pem
from vigil.link import handlers
from vigil.link.envelope import Envelope
from vigil.link.errors import LinkRefused
from vigil.link.site_side import LINK_ACTOR
from vigil.records.privacy_checks import DOCUMENT_TYPE, MSG_FOUND_CAMERA

ARTICLE = "N8.2"


class FoundCameraReport(BureauBase):
    """A unit's signed report of a camera found in an N8 place, as received (N8.2)."""

    __tablename__ = "found_camera_reports"
    __table_args__ = (
        UniqueConstraint("unit_id", "report_id", name="uq_found_camera_reports_unit_report"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), nullable=False, index=True)
    report_id: Mapped[int] = mapped_column(Integer, nullable=False)
    place: Mapped[str] = mapped_column(Text, nullable=False)
    found_at: Mapped[str] = mapped_column(String(40), nullable=False)
    document: Mapped[str] = mapped_column(Text, nullable=False)
    signature: Mapped[str] = mapped_column(String(128), nullable=False)
    message_id: Mapped[str] = mapped_column(String(64), nullable=False)
    received_us: Mapped[int] = mapped_column(BigInteger, nullable=False, index=True)


def _check(doc: Mapping[str, Any], signature: str, public_key_pem: str, site: str) -> None:
    """Refuse a report that is not the unit's signed N8.2 report of its own site."""
    if doc.get("type") != DOCUMENT_TYPE or doc.get("article") != ARTICLE:
        raise ValidationError(f"not a report of type {DOCUMENT_TYPE}", field="document",
                              article=ARTICLE)  # fmt: skip
    try:
        load_public_pem(public_key_pem).verify(base64.b64decode(signature), rfc8785.dumps(doc))
    except (InvalidSignature, ValueError, TypeError, rfc8785.CanonicalizationError):
        raise ValidationError("the report does not verify with the unit's pinned key",
                              field="signature", article=ARTICLE) from None  # fmt: skip
    if doc.get("site") != site:
        raise ValidationError("the report names another site than its sender", field="document",
                              article=ARTICLE)  # fmt: skip
    found = doc.get("found")
    if type(doc.get("report_id")) is not int or not isinstance(found, Mapping):
        raise ValidationError("the report has no id or no finding", field="document",
                              article=ARTICLE)  # fmt: skip


@handlers.handles("bureau", MSG_FOUND_CAMERA)
def receive_report(session: Session, ctx: Any, env: Envelope) -> None:
    unit = linked_unit(session, env.sender)
    if unit is None:
        raise LinkRefused("unknown_sender", f"{env.sender} is not linked")
    doc, signature = env.body.get("document"), env.body.get("signature")
    if not isinstance(doc, Mapping) or not isinstance(signature, str):
        raise ValidationError("a report message carries its document and signature",
                              field="document", article=ARTICLE)  # fmt: skip
    _check(doc, signature, unit.public_key_pem, env.sender.removeprefix("site:"))
    report_id = int(doc["report_id"])
    held = session.scalar(
        select(FoundCameraReport).where(
            FoundCameraReport.unit_id == unit.id, FoundCameraReport.report_id == report_id
        )
    )
    if held is not None:
        return  # the same report again (a lost acknowledgement): kept once
    found = doc["found"]
    session.add(FoundCameraReport(
        unit_id=unit.id, report_id=report_id, place=str(found.get("place", ""))[:2000],
        found_at=str(found.get("at", ""))[:40],
        document=json.dumps(doc, ensure_ascii=False, sort_keys=True), signature=signature,
        message_id=env.id, received_us=ctx.clock.now_us(),
    ))  # fmt: skip
    record(session, ctx, actor=LINK_ACTOR, action="found_camera_report_received",
           detail={"unit": unit.name, "report": report_id, "message_id": env.id,
                   "article": ARTICLE})  # fmt: skip


def list_reports(ctx: BureauContext, *, limit: int = 500) -> list[dict[str, Any]]:
    """The found-camera reports of this bureau's jurisdiction, newest first (N8.2, A4)."""
    with ctx.sessions() as s:
        bureau = s.scalar(select(Bureau))
        assert bureau is not None
        rows = s.execute(
            select(FoundCameraReport, Unit)
            .join(Unit, Unit.id == FoundCameraReport.unit_id)
            .order_by(FoundCameraReport.received_us.desc())
            .limit(limit)
        ).all()
        return [
            {
                "id": r.id,
                "unit": u.name,
                "division_code": u.division_code,
                "report_id": r.report_id,
                "place": r.place,
                "found_at": r.found_at,
                "received_us": r.received_us,
                "message_id": r.message_id,
                "document": json.loads(r.document),
                "signature": r.signature,
                "article": ARTICLE,
            }
            for r, u in rows
            if within(bureau.division_code, u.division_code)
        ]
