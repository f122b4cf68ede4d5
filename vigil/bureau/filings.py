"""The bureau's side of filings (A13.2, N14, A13.1): the register, the review, the on-site
check.

A unit's filing arrives over the link: its files first (`filing.file`, in parts), then the
signed document (`filing.submitted`). The document is checked against the unit's pinned key
and every file against its SHA-256 before it is registered; the on-site check falls due
30 days after receipt (A13.2; a last day on a holiday moves to the next working day), where
the law in force on the day of receipt asks for one.

An officer (or the head) reviews the version received: accepts it, which numbers the
receipt 备案回执 and sends `filing.accepted` to the unit, or returns it with reasons
(`filing.returned`); the unit corrects and submits the next version. An inspector schedules
the on-site check (on or before its last day) and records it. The acceptance 验收 of a
government-built system is recorded here and sent to the unit (`acceptance.recorded`,
A13.1). Every act is audited in the bureau's log in the transaction that makes it, with the
message it sends.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vigil.audit.log import record
from vigil.bureau.accounts import BureauRole, StaffView
from vigil.bureau.context import BureauContext
from vigil.bureau.db.models import Bureau, Unit
from vigil.bureau.divisions import prefix, within
from vigil.bureau.filings_models import BureauFiling, BureauFilingFile
from vigil.bureau.link import linked_unit
from vigil.clock import local_date
from vigil.errors import ConflictError, NotFoundError, RefusedByLawError, ValidationError
from vigil.filings import deadlines
from vigil.filings.document import file_hashes, verify_document
from vigil.filings.submission import (
    MSG_ACCEPTANCE,
    MSG_ACCEPTED,
    MSG_FILE,
    MSG_RETURNED,
    MSG_SUBMITTED,
)
from vigil.link import handlers, outbox
from vigil.link.envelope import Envelope
from vigil.link.site_side import LINK_ACTOR
from vigil.records.profile import parse_day
from vigil.regulation.deadlines import DeadlineState
from vigil.text import check_text

BUREAU_TZ = ZoneInfo("Asia/Shanghai")
"""The bureau's calendar: the days the law counts (receipt, check) are China's."""

REVIEWERS = frozenset({BureauRole.OFFICER, BureauRole.HEAD})
INSPECTORS = frozenset({BureauRole.INSPECTOR, BureauRole.OFFICER, BureauRole.HEAD})


def _today(ctx: BureauContext) -> date:
    return local_date(ctx.clock.now_us(), BUREAU_TZ)


# --- receiving --------------------------------------------------------------------------------


def _unit(session: Session, env: Envelope) -> Unit:
    unit = linked_unit(session, env.sender)
    if unit is None:
        raise NotFoundError(f"{env.sender} is not a linked unit", field="sender")
    return unit


@handlers.handles("bureau", MSG_FILE)
def receive_file(session: Session, ctx: Any, env: Envelope) -> None:
    """Keep one part of a file a unit sends with its filing."""
    unit = _unit(session, env)
    b = env.body
    sha, part, parts, data = b.get("sha256"), b.get("part"), b.get("parts"), b.get("data")
    if not isinstance(sha, str) or len(sha) != 64:
        raise ValidationError("a SHA-256 in hex", field="sha256")
    if type(part) is not int or type(parts) is not int or not 1 <= part <= parts <= 64:
        raise ValidationError("1 <= part <= parts <= 64", field="part")
    if not isinstance(data, str):
        raise ValidationError("base64 text", field="data")
    known = session.scalar(
        select(BureauFilingFile.id).where(
            BureauFilingFile.unit_id == unit.id,
            BureauFilingFile.sha256 == sha,
            BureauFilingFile.part == part,
        )
    )
    if known is None:
        session.add(BureauFilingFile(unit_id=unit.id, sha256=sha, part=part, parts=parts,
                                     data=data, received_us=ctx.clock.now_us()))  # fmt: skip


def _files(session: Session, unit_id: int, hashes: Sequence[str]) -> dict[str, bytes]:
    """The files of `hashes` as received (whole ones only)."""
    out: dict[str, bytes] = {}
    for sha in hashes:
        rows = list(
            session.scalars(
                select(BureauFilingFile)
                .where(BureauFilingFile.unit_id == unit_id, BureauFilingFile.sha256 == sha)
                .order_by(BureauFilingFile.part)
            )
        )
        if rows and len(rows) == rows[0].parts:
            out[sha] = b"".join(base64.b64decode(r.data) for r in rows)
    return out


@handlers.handles("bureau", MSG_SUBMITTED)
def receive_filing(session: Session, ctx: Any, env: Envelope) -> None:
    """Register a version of a unit's filing once its signature and files check out."""
    unit = _unit(session, env)
    doc = env.body.get("document")
    if not isinstance(doc, Mapping):
        raise ValidationError("a filing message carries its document", field="document")
    files = _files(session, unit.id, list(file_hashes(doc)))
    problems = verify_document(doc, public_key_pem=unit.public_key_pem, files=files)
    if doc.get("site", {}).get("site_uuid") != env.sender.removeprefix("site:"):
        problems.append("other_site: the document names another site than its sender")
    if problems:
        raise ValidationError("the filing does not verify: " + "; ".join(problems),
                              field="document", article="N14")  # fmt: skip
    filing = doc["filing"]
    filing_uuid, version = str(filing["uuid"]), int(filing["version"])
    earlier = session.scalar(
        select(BureauFiling).where(
            BureauFiling.filing_uuid == filing_uuid, BureauFiling.version == version - 1
        )
    )
    if version > 1 and (earlier is None or earlier.state != "returned"):
        raise ConflictError(f"version {version} follows no returned version", field="version")
    if earlier is not None:
        earlier.state = "superseded"
    now = ctx.clock.now_us()
    received_on = local_date(now, BUREAU_TZ)
    jurisdiction = str(doc.get("law", {}).get("jurisdiction") or "province")
    due = deadlines.site_check_deadline(received_on, received_on, jurisdiction=jurisdiction)
    sha = hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()
    row = BureauFiling(
        unit_id=unit.id, filing_uuid=filing_uuid, version=version,
        kind=str(filing.get("kind", "initial"))[:16], state="received",
        document=json.dumps(doc, ensure_ascii=False), sha256=sha, jurisdiction=jurisdiction,
        received_us=now, received_on=received_on.isoformat(),
        check_due_on=due.due_date.isoformat() if due is not None else None,
    )  # fmt: skip
    session.add(row)
    record(session, ctx, actor=LINK_ACTOR, action="filing_received",
           detail={"unit": unit.name, "filing": filing_uuid, "version": version,
                   "check_due_on": row.check_due_on, "message_id": env.id})  # fmt: skip


# --- the officer's review ---------------------------------------------------------------------


def _row(
    s: Session, ctx: BureauContext, filing_uuid: str, version: int
) -> tuple[BureauFiling, Unit]:
    row = s.scalar(
        select(BureauFiling).where(
            BureauFiling.filing_uuid == filing_uuid, BureauFiling.version == version
        )
    )
    unit = s.get(Unit, row.unit_id) if row is not None else None
    bureau = s.scalar(select(Bureau))
    if (
        row is None
        or unit is None
        or bureau is None
        or not within(bureau.division_code, unit.division_code)
    ):
        raise NotFoundError(f"no filing {filing_uuid} version {version}", field="filing")
    return row, unit


def _require(who: StaffView, roles: frozenset[BureauRole], what: str) -> None:
    if who.role not in roles:
        names = ", ".join(sorted(r.value for r in roles))
        raise ConflictError(f"a {who.role.value} may not {what}; {names} may", field="role")


def _receipt_number(s: Session, bureau: Bureau, on: date) -> str:
    year = on.year
    taken = s.scalar(select(func.count()).where(BureauFiling.receipt_on.like(f"{year}-%"))) or 0
    return f"{bureau.division_code}备〔{year}〕{int(taken) + 1:04d}号"


def accept(ctx: BureauContext, who: StaffView, filing_uuid: str, version: int) -> dict[str, Any]:
    """Accept the version under review: number the receipt and send it to the unit."""
    _require(who, REVIEWERS, "accept a filing")
    today = _today(ctx)
    with ctx.sessions.begin() as s:
        row, unit = _row(s, ctx, filing_uuid, version)
        if row.state != "received":
            raise ConflictError(f"filing version {version} is {row.state}", field="version")
        bureau = s.scalar(select(Bureau))
        assert bureau is not None
        number = _receipt_number(s, bureau, today)
        row.state, row.decided_by, row.decided_us = "accepted", who.username, ctx.clock.now_us()
        row.receipt_number, row.receipt_on = number, today.isoformat()
        body = {"filing": filing_uuid, "version": version, "receipt_number": number,
                "receipt_on": today.isoformat(), "officer": who.display_name or who.username,
                "bureau": bureau.name}  # fmt: skip
        msg = outbox.enqueue(s, ctx, MSG_ACCEPTED, body, to=unit.peer_id)
        who.actor.audit(s, ctx, "filing_accept",
                        detail={"unit": unit.name, "filing": filing_uuid, "version": version,
                                "receipt_number": number, "message_id": msg})  # fmt: skip
    return {**body, "message_id": msg}


def return_filing(
    ctx: BureauContext, who: StaffView, filing_uuid: str, version: int, reasons: Sequence[str]
) -> dict[str, Any]:
    """Return the version under review with its reasons; the unit corrects it."""
    _require(who, REVIEWERS, "return a filing")
    kept = [check_text(r, "reasons", max_chars=2000, multiline=True) for r in reasons]
    if not kept:
        raise ValidationError("name at least one reason", field="reasons")
    with ctx.sessions.begin() as s:
        row, unit = _row(s, ctx, filing_uuid, version)
        if row.state != "received":
            raise ConflictError(f"filing version {version} is {row.state}", field="version")
        row.state, row.decided_by, row.decided_us = "returned", who.username, ctx.clock.now_us()
        row.reasons = json.dumps(kept, ensure_ascii=False)
        body = {"filing": filing_uuid, "version": version, "reasons": kept,
                "officer": who.display_name or who.username}  # fmt: skip
        msg = outbox.enqueue(s, ctx, MSG_RETURNED, body, to=unit.peer_id)
        who.actor.audit(s, ctx, "filing_return",
                        detail={"unit": unit.name, "filing": filing_uuid, "version": version,
                                "reasons": kept, "message_id": msg})  # fmt: skip
    return {**body, "message_id": msg}


def schedule_check(
    ctx: BureauContext, who: StaffView, filing_uuid: str, version: int, planned_on: object
) -> dict[str, Any]:
    """Plan the on-site check, on or before its last day (A13.2)."""
    _require(who, INSPECTORS, "schedule an on-site check")
    day = parse_day(planned_on, "planned_on")
    with ctx.sessions.begin() as s:
        row, unit = _row(s, ctx, filing_uuid, version)
        if day < date.fromisoformat(row.received_on):
            raise ValidationError(f"{day} is before the filing was received ({row.received_on})",
                                  field="planned_on")  # fmt: skip
        if row.check_due_on is not None and day.isoformat() > row.check_due_on:
            raise RefusedByLawError(
                f"the on-site check is due by {row.check_due_on}, 30 days after the filing was "
                f"received on {row.received_on}; {day} is too late",
                field="planned_on", article="A13.2",
            )  # fmt: skip
        row.check_planned_on = day.isoformat()
        who.actor.audit(s, ctx, "filing_check_plan",
                        detail={"unit": unit.name, "filing": filing_uuid, "version": version,
                                "planned_on": day.isoformat()})  # fmt: skip
    return {"filing": filing_uuid, "version": version, "planned_on": day.isoformat()}


def record_check(
    ctx: BureauContext, who: StaffView, filing_uuid: str, version: int, checked_on: object,
    result: str,
) -> dict[str, Any]:  # fmt: skip
    """Record the on-site check done (A13.2): when, by whom, what was found."""
    _require(who, INSPECTORS, "record an on-site check")
    day = parse_day(checked_on, "checked_on")
    found = check_text(result, "result", max_chars=4000, multiline=True)
    if day > _today(ctx):
        raise ValidationError(f"{day} is later than today", field="checked_on")
    with ctx.sessions.begin() as s:
        row, unit = _row(s, ctx, filing_uuid, version)
        row.checked_on, row.check_by, row.check_result = day.isoformat(), who.username, found
        who.actor.audit(s, ctx, "filing_check",
                        detail={"unit": unit.name, "filing": filing_uuid, "version": version,
                                "checked_on": day.isoformat(), "article": "A13.2"})  # fmt: skip
    return {"filing": filing_uuid, "version": version, "checked_on": day.isoformat()}


def record_acceptance(
    ctx: BureauContext, who: StaffView, unit_name: str, accepted_on: object, result: str,
    members: Sequence[str], documents: Sequence[str] = (),
) -> dict[str, Any]:  # fmt: skip
    """Record the acceptance 验收 of a government-built system and send it to the unit
    (A13.1: until it passed, the system must not be put into use)."""
    _require(who, REVIEWERS, "record an acceptance")
    day = parse_day(accepted_on, "accepted_on")
    if result not in ("passed", "failed"):
        raise ValidationError("passed or failed", field="result", article="A13.1")
    body = {"accepted_on": day.isoformat(), "result": result,
            "members": [check_text(m, "members", max_chars=200) for m in members],
            "documents": [check_text(d, "documents", max_chars=500) for d in documents],
            "officer": who.display_name or who.username}  # fmt: skip
    with ctx.sessions.begin() as s:
        unit = s.scalar(select(Unit).where(Unit.name == unit_name))
        bureau = s.scalar(select(Bureau))
        if (
            unit is None
            or unit.peer_id is None
            or bureau is None
            or not within(bureau.division_code, unit.division_code)
        ):
            raise NotFoundError(f"no linked unit {unit_name!r}", field="unit")
        msg = outbox.enqueue(s, ctx, MSG_ACCEPTANCE, body, to=unit.peer_id)
        who.actor.audit(s, ctx, "acceptance_record",
                        detail={"unit": unit.name, **body, "message_id": msg,
                                "article": "A13.1"})  # fmt: skip
    return {**body, "unit": unit_name, "message_id": msg}


# --- the register -----------------------------------------------------------------------------


def register(
    ctx: BureauContext, *, division: str | None = None, page: int | None = None,
    per_page: int = 50,
) -> dict[str, Any]:  # fmt: skip
    """The filings of this bureau's jurisdiction (newest first) with their check deadlines,
    and the overdue lists: on-site checks past their last day (A13.2).

    `division` narrows the list to one division under the bureau's (A4); `page` (from 1)
    bounds it to `per_page` versions, read and decoded in the database's order, so a city's
    thousands of filings answer a page at a time (bench/bureau.py). A page leaves out the
    overdue lists, which cover the whole jurisdiction: GET /api/v1/overdue pages them (and
    the whole register still carries them, from the filings' columns and one query)."""
    if page is not None and (page < 1 or not 1 <= per_page <= 200):
        raise ValidationError("page 1 or more, per_page 1 to 200", field="page")
    today = _today(ctx)
    out = []
    received: list[deadlines.ReceivedFiling] = []
    with ctx.sessions() as s:
        bureau = s.scalar(select(Bureau))
        assert bureau is not None
        if division and not (len(division) == 6 and division.isdigit()
                             and within(bureau.division_code, division)):  # fmt: skip
            raise ValidationError(
                f"a GB/T 2260 code within this bureau's jurisdiction ({bureau.division_code})",
                field="division", article="A4",
            )  # fmt: skip
        listed = (
            select(BureauFiling)
            .join(Unit, Unit.id == BureauFiling.unit_id)
            .where(Unit.division_code.like(prefix(division or bureau.division_code) + "%"))
            .order_by(BureauFiling.received_us.desc(), BureauFiling.id.desc())
        )
        total = s.scalar(select(func.count()).select_from(listed.subquery())) or 0
        if page is not None:
            listed = listed.limit(per_page).offset((page - 1) * per_page)
        rows = list(s.scalars(listed))
        # the whole register judges every unit of the jurisdiction; a page reads its own
        in_city = Unit.division_code.like(prefix(bureau.division_code) + "%")
        units = {u.id: u for u in s.scalars(select(Unit).where(
            in_city if page is None else Unit.id.in_({r.unit_id for r in rows})))}  # fmt: skip
        if page is None:  # a page leaves the overdue lists to GET /api/v1/overdue
            for unit_id, received_on, checked_on, jurisdiction in s.execute(
                select(BureauFiling.unit_id, BureauFiling.received_on, BureauFiling.checked_on,
                       BureauFiling.jurisdiction)
                .where(BureauFiling.state != "superseded", BureauFiling.check_due_on.is_not(None))
            ):  # fmt: skip
                if unit_id in units:
                    received.append(
                        deadlines.ReceivedFiling(
                            units[unit_id].name,
                            date.fromisoformat(received_on),
                            date.fromisoformat(checked_on) if checked_on else None,
                            jurisdiction,
                        )
                    )
        for r in rows:
            unit = units[r.unit_id]
            doc = json.loads(r.document)
            check = None
            if r.check_due_on is not None:
                st = deadlines.site_check_deadline(
                    date.fromisoformat(r.received_on), today,
                    checked_on=date.fromisoformat(r.checked_on) if r.checked_on else None,
                    jurisdiction=r.jurisdiction,
                )  # fmt: skip
                if st is not None:
                    check = {"due_on": st.due_date.isoformat(), "state": st.state.value,
                             "days_left": st.days_left,
                             "days_overdue": st.days_overdue}  # fmt: skip
            out.append({
                "unit": unit.name, "division_code": unit.division_code,
                "filing": r.filing_uuid, "version": r.version, "kind": r.kind,
                "state": r.state, "received_on": r.received_on, "received_us": r.received_us,
                "decided_by": r.decided_by,
                "reasons": json.loads(r.reasons) if r.reasons else [],
                "receipt_number": r.receipt_number, "receipt_on": r.receipt_on,
                "check": check, "check_planned_on": r.check_planned_on,
                "checked_on": r.checked_on, "check_by": r.check_by,
                "n14": doc.get("n14"), "articles": doc.get("articles"),
                "attachments": [{"kind": a["kind"], "filename": a["filename"],
                                 "sha256": a["sha256"], "asked_by": a.get("asked_by")}
                                for a in doc.get("attachments", [])],
            })  # fmt: skip
        if page is not None:
            return {"today": today.isoformat(), "filings": out, "total": int(total),
                    "page": page, "per_page": per_page, "overdue": "/api/v1/overdue",
                    "due_states": [st.value for st in DeadlineState]}  # fmt: skip
        systems = _systems(s, units)
        filed = set(s.scalars(select(BureauFiling.unit_id).distinct()))
        not_filed = sorted(u.name for u in units.values()
                           if u.state == "linked" and u.id not in filed)  # fmt: skip

    def line(o: deadlines.Overdue) -> dict[str, Any]:
        return {"unit": o.unit, "what": o.what, "due_on": o.status.due_date.isoformat(),
                "days_overdue": o.status.days_overdue, "articles": list(o.articles),
                "rule_zh": o.rule_zh}  # fmt: skip

    return {
        "today": today.isoformat(),
        "filings": out,
        "total": int(total),
        "overdue_checks": [line(o) for o in deadlines.overdue_checks(received, today)],
        "overdue_filings": [line(o) for o in deadlines.overdue_filings(systems, today)],
        "not_filed": not_filed,
        "due_states": [st.value for st in DeadlineState],
    }


def _day(dates: Mapping[str, Any], name: str) -> date | None:
    value = dates.get(name)
    return date.fromisoformat(value) if isinstance(value, str) else None


def _systems(s: Session, units: Mapping[int, Unit]) -> list[deadlines.RegisteredSystem]:
    """Each unit's system as its first filing states it, with the day it counts as filed
    (`deadlines.counted_filing_day`: a returned filing not yet re-submitted is no filing)."""
    out = []
    initial: dict[int, list[BureauFiling]] = {}
    for row in s.scalars(select(BureauFiling).where(BureauFiling.kind == "initial")
                         .order_by(BureauFiling.unit_id, BureauFiling.received_us)):  # fmt: skip
        initial.setdefault(row.unit_id, []).append(row)
    for unit in units.values():
        rows = initial.get(unit.id, [])
        if not rows:
            continue
        history: list[tuple[str, date]] = []
        for r in rows:
            history.append(("resubmitted" if r.version > 1 else "submitted",
                            date.fromisoformat(r.received_on)))  # fmt: skip
            if r.state in ("returned", "superseded", "accepted") and r.decided_us is not None:
                decided = local_date(r.decided_us, BUREAU_TZ)
                history.append(("accepted" if r.state == "accepted" else "returned", decided))
        doc = json.loads(rows[-1].document)
        dates, who = doc.get("dates", {}), doc.get("unit", {})
        out.append(
            deadlines.RegisteredSystem(
                unit.name, str(who.get("builder") or "unit"),
                delivered_on=_day(dates, "delivered_on"),
                commissioned_on=_day(dates, "commissioned_on"),
                filed_on=deadlines.counted_filing_day(history),
                jurisdiction=rows[-1].jurisdiction,
            )
        )  # fmt: skip
    return out
