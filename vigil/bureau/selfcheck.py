"""The units' self-check reports, asked for over the link and read at the bureau (A4).

An officer, inspector or the head asks a unit of the jurisdiction for its self-check report
(`selfcheck.request`, queued in the bureau's outbox with the act's audit entry). The unit
answers with its signed report (`selfcheck.report`, `vigil.compliance.link_selfcheck`); it is
kept only if its signature verifies with the unit's pinned key and it answers a request this
bureau made of that unit. Every row of the report (article, status, evidence, in zh and en)
is then readable at the bureau.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit.log import record
from vigil.bureau.accounts import BureauRole, StaffView
from vigil.bureau.context import BureauContext
from vigil.bureau.dashboard_models import SelfCheckReport
from vigil.bureau.db.models import Bureau, Unit
from vigil.bureau.divisions import within
from vigil.bureau.link import linked_unit
from vigil.compliance.link_selfcheck import MSG_REPORT, MSG_REQUEST
from vigil.compliance.report import DEFAULT_PERIOD_DAYS, verify_report
from vigil.errors import ConflictError, NotFoundError, ValidationError
from vigil.link import handlers, outbox
from vigil.link.envelope import Envelope
from vigil.link.site_side import LINK_ACTOR

ASKERS = frozenset({BureauRole.OFFICER, BureauRole.INSPECTOR, BureauRole.HEAD})


def _unit(s: Session, name: str) -> Unit:
    unit = s.scalar(select(Unit).where(Unit.name == name))
    bureau = s.scalar(select(Bureau))
    if unit is None or bureau is None or not within(bureau.division_code, unit.division_code):
        raise NotFoundError(f"no unit {name!r} in this bureau's jurisdiction", field="unit")
    return unit


def request(
    ctx: BureauContext, who: StaffView, unit_name: str, period_days: int = DEFAULT_PERIOD_DAYS
) -> dict[str, Any]:
    """Ask a linked unit of the jurisdiction for its signed self-check report."""
    if who.role not in ASKERS:
        raise ConflictError(f"a {who.role.value} may not ask for a self-check", field="role")
    if not 1 <= period_days <= 3660:
        raise ValidationError("1 to 3660 days", field="period_days")
    with ctx.sessions.begin() as s:
        unit = _unit(s, unit_name)
        if unit.state != "linked" or unit.peer_id is None:
            raise ConflictError(f"unit {unit_name!r} has not joined yet", field="unit")
        msg = outbox.enqueue(s, ctx, MSG_REQUEST, {"period_days": period_days}, to=unit.peer_id)
        s.add(SelfCheckReport(unit_id=unit.id, request_id=msg, requested_by=who.username,
                              requested_us=ctx.clock.now_us()))  # fmt: skip
        who.actor.audit(s, ctx, "selfcheck_request",
                        detail={"unit": unit.name, "message_id": msg,
                                "period_days": period_days, "article": "A4"})  # fmt: skip
    return {"unit": unit_name, "request": msg, "period_days": period_days}


@handlers.handles("bureau", MSG_REPORT)
def receive_report(session: Session, ctx: Any, env: Envelope) -> None:
    """Keep a unit's report if it answers our request and verifies with its pinned key."""
    unit = linked_unit(session, env.sender)
    if unit is None:
        raise NotFoundError(f"{env.sender} is not a linked unit", field="sender")
    req = env.body.get("request")
    row = session.scalar(
        select(SelfCheckReport).where(
            SelfCheckReport.request_id == str(req), SelfCheckReport.unit_id == unit.id
        )
    )
    if row is None or row.received_us is not None:
        raise ValidationError(f"no open self-check request {req!r} of this unit",
                              field="request")  # fmt: skip
    report, error = env.body.get("report"), env.body.get("error")
    if report is not None:
        if not isinstance(report, dict):
            raise ValidationError("a report is a JSON object", field="report")
        problems = verify_report(json.dumps(report).encode("utf-8"), unit.public_key_pem)
        if problems:
            raise ValidationError("the report does not verify: " + "; ".join(problems),
                                  field="report", article="A4")  # fmt: skip
        row.report = json.dumps(report, ensure_ascii=False)
    else:
        row.error = str(error or "the unit sent no report")[:2000]
    row.received_us = ctx.clock.now_us()
    record(session, ctx, actor=LINK_ACTOR, action="selfcheck_received",
           result="ok" if report is not None else "failed",
           detail={"unit": unit.name, "request": row.request_id, "message_id": env.id,
                   "summary": (report or {}).get("summary"), "error": row.error})  # fmt: skip


def latest(ctx: BureauContext, unit_name: str) -> dict[str, Any]:
    """The unit's newest self-check report received (its rows: article IDs, status,
    evidence in zh and en) and whether a newer request is still open."""
    with ctx.sessions() as s:
        unit = _unit(s, unit_name)
        rows = list(s.scalars(select(SelfCheckReport).where(SelfCheckReport.unit_id == unit.id)
                              .order_by(SelfCheckReport.id.desc()).limit(20)))  # fmt: skip
    got = next((r for r in rows if r.received_us is not None), None)
    pending = [r for r in rows if r.received_us is None and (got is None or r.id > got.id)]
    out: dict[str, Any] = {
        "unit": unit_name,
        "pending": [
            {
                "request": r.request_id,
                "requested_us": r.requested_us,
                "requested_by": r.requested_by,
            }
            for r in pending
        ],
        "received_us": got.received_us if got else None,
        "error": got.error if got else None,
        "report": None,
    }
    if got is not None and got.report is not None:
        rep = json.loads(got.report)
        out["report"] = {
            "generated_at": rep.get("generated_at"), "today": rep.get("today"),
            "law": rep.get("law"), "site": rep.get("site"), "summary": rep.get("summary"),
            "key_id": rep.get("signature", {}).get("key_id"),
            "sha256": rep.get("signature", {}).get("sha256"),
            "rows": [{k: d.get(k) for k in ("id", "articles", "status", "title", "title_zh",
                                            "evidence", "evidence_zh", "action", "action_zh")}
                     for d in rep.get("duties", [])],
        }  # fmt: skip
    return out
