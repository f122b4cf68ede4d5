"""The unit's side of filing (备案, A13.2, N14): submit, follow, keep the receipt.

A filing goes `submitted` → (`returned` with reasons → corrected and `resubmitted`)* →
`accepted` with the receipt 备案回执 (number and day), which the unit keeps. After an
accepted filing, a change of what N14 files (unit, address, number of cameras, storage
periods: `vigil.records.profile.filing_changes`) is filed again as a change filing.

Invariants:
- a submission refuses while any item the law in force asks for is missing, naming each
  with its article (or the bureau's notice under N14);
- the filing's rows, its audit entry and the message that carries it to the bureau are
  written in one transaction: nothing is stored as submitted that was not queued to be
  sent, and a site that is not linked stores nothing (`transport.NotLinkedError`);
- a bureau's decision applies to the version it names, once (the message id is unique).
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit.actor import Actor
from vigil.clock import local_date
from vigil.compliance.filing import filing_form, render_filing_pdf
from vigil.context import SiteContext
from vigil.db.filings import Filing, FilingEvent, FilingVersion, SystemAcceptance
from vigil.db.models import Attachment, SiteProfile
from vigil.errors import ConflictError, NotFoundError, ValidationError
from vigil.filings import document, transport
from vigil.records import attachments
from vigil.records import profile as records
from vigil.records.attachments import AttachmentView
from vigil.text import check_text

MSG_SUBMITTED = "filing.submitted"
MSG_FILE = "filing.file"
FILE_PART_BYTES = 2 * 1024 * 1024
"""A file travels in parts of at most 2 MiB (base64: under 3 MiB, within a link message)."""
MSG_ACCEPTED = "filing.accepted"
MSG_RETURNED = "filing.returned"
MSG_ACCEPTANCE = "acceptance.recorded"

MUST_NOT_USE_ZH = "系统未经验收合格，不得投入使用"
MUST_NOT_USE_EN = "The system has not passed acceptance and must not be put into use"


@dataclass(frozen=True)
class Submitted:
    filing_uuid: str
    version: int
    kind: str
    document_sha256: str
    message_id: str
    changes: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "filing": self.filing_uuid,
            "version": self.version,
            "kind": self.kind,
            "state": "submitted",
            "document_sha256": self.document_sha256,
            "message_id": self.message_id,
            "changes": self.changes,
        }


def file_parts(sha256: str, data: bytes) -> list[dict[str, Any]]:
    """The `filing.file` message bodies that carry `data` (its SHA-256 `sha256`)."""
    chunks = [data[i : i + FILE_PART_BYTES] for i in range(0, len(data), FILE_PART_BYTES)]
    return [
        {"sha256": sha256, "part": n, "parts": len(chunks), "bytes": len(data),
         "data": base64.b64encode(chunk).decode("ascii")}
        for n, chunk in enumerate(chunks, start=1)
    ]  # fmt: skip


def _sent_files(s: Session) -> set[str]:
    """SHA-256 of every file a version submitted so far referenced (sent with it)."""
    out: set[str] = set()
    for raw in s.scalars(select(FilingVersion.document)):
        out |= set(document.file_hashes(json.loads(raw)))
    return out


def _latest(s: Session) -> Filing | None:
    return s.scalars(select(Filing).order_by(Filing.id.desc()).limit(1)).first()


def _version(s: Session, filing: Filing, version: int) -> FilingVersion:
    row = s.scalars(
        select(FilingVersion).where(
            FilingVersion.filing_id == filing.id, FilingVersion.version == version
        )
    ).one()
    return row


def _present(
    s: Session, values: Mapping[str, Any], previous: Mapping[str, Any] | None
) -> dict[str, AttachmentView]:
    """The files already on record for a filing: those of the last version submitted, then
    the profile's documents (A13.2) — a later one of a kind replaces an earlier one."""
    out: dict[str, AttachmentView] = {}
    if previous is not None:
        for a in previous.get("attachments", []):
            row = s.scalars(
                select(Attachment)
                .where(Attachment.sha256 == a["sha256"], Attachment.kind == a["kind"])
                .order_by(Attachment.id.desc())
                .limit(1)
            ).first()
            if row is not None:
                out[row.kind] = attachments.view(row)
    for field_name, kind in records.ATTACHMENT_FIELDS.items():
        att_id = values.get(field_name)
        row = s.get(Attachment, att_id) if att_id is not None else None
        if row is not None:
            out[kind] = attachments.view(row)
    return out


def submit(
    ctx: SiteContext,
    actor: Actor,
    *,
    attach: Mapping[str, tuple[bytes, str | None]] | None = None,
    attached: Mapping[str, int] | None = None,
) -> Submitted:
    """Submit the site's filing (or its correction, or a change filing) to the bureau.

    `attach` maps an attachment kind to (bytes, file name): new files for this submission;
    `attached` maps a kind to the id of a file already kept (uploaded in the console).
    Refuses with every missing item named and cited; refuses while a submission is with the
    bureau; refuses an accepted filing with nothing changed since (N14)."""
    attach = dict(attach or {})
    for att_kind, (data, _name) in attach.items():
        attachments.check_kind(att_kind, field=f"attach {att_kind}")
        attachments.check_file(data, field=f"attach {att_kind}")
    form = filing_form(ctx)
    on = date.fromisoformat(form["today"])
    view = records.get_profile(ctx)
    assert view is not None  # filing_form refused a site without a profile
    values = view.values
    law = records.site_law(values, on)
    with ctx.sessions() as s:
        latest = _latest(s)
        previous_doc: dict[str, Any] | None = None
        if latest is None:
            filing_uuid, version, kind, event = str(uuid.uuid4()), 1, "initial", "submitted"
        elif latest.state == "submitted":
            raise ConflictError(
                f"filing {latest.uuid} (version {latest.version}) is with the bureau; "
                "wait for its decision (accepted or returned) before submitting again",
                field="filing",
            )
        elif latest.state == "returned":
            filing_uuid, version = latest.uuid, latest.version + 1
            kind, event = latest.kind, "resubmitted"
            previous_doc = json.loads(_version(s, latest, latest.version).document)
        else:
            previous_doc = json.loads(_version(s, latest, latest.version).document)
            filing_uuid, version, kind, event = str(uuid.uuid4()), 1, "change", "submitted"
        facts = records.filing_facts(s, values)
        changes = (
            records.filing_changes(previous_doc.get("facts"), facts)
            if kind == "change" and previous_doc
            else []
        )
        if latest is not None and latest.state == "accepted" and not changes:
            raise ConflictError(
                f"the filing was accepted (receipt {latest.receipt_number}, "
                f"{latest.receipt_on}) and nothing it states has changed since: a change "
                "filing is made when the unit, the address, the number of cameras or the "
                "storage period changes",
                field="filing",
                article="N14",
            )
        present = _present(s, values, previous_doc)
        for att_kind, att_id in (attached or {}).items():
            att_row = s.get(Attachment, att_id)
            if att_row is None or att_row.kind != att_kind:
                raise ValidationError(
                    f"no {att_kind} attachment with id {att_id}", field=f"attached {att_kind}"
                )
            present[att_kind] = attachments.view(att_row)
    required = document.required_attachments(law, str(values.get("builder")))
    given = {k: True for k in attach}
    missing = document.missing_attachments(required, {**present, **given})
    if missing:
        raise ValidationError(
            "the filing lacks: " + document.describe_missing(missing)
            + "; attach each with --attach KIND=FILE",
            field="attach",
            article=", ".join(sorted({r.article for r in missing})),
        )  # fmt: skip
    for att_kind, (data, name) in attach.items():
        present[att_kind] = attachments.store(ctx, data, kind=att_kind, filename=name, actor=actor)
    pdf = render_filing_pdf(form)
    form_pdf = attachments.store(
        ctx, pdf, kind="filing_form", filename=f"filing-{filing_uuid}-v{version}.pdf",
        actor=actor, upload=False, audit=False,
    )  # fmt: skip
    now = ctx.clock.now_us()
    doc = document.build_document(
        ctx, form=form, facts=facts, law=law, filing_uuid=filing_uuid, version=version,
        kind=kind, changes=changes, attachments=present, form_pdf=form_pdf,
        required=required, submitted_by=actor.name[:64], now_us=now,
    )  # fmt: skip
    sha = document.document_sha256(doc)
    files = {form_pdf.sha256: pdf}
    for att in present.values():
        files[att.sha256] = attachments.read(ctx, att.id)[1]
    with ctx.sessions.begin() as s:
        # The files go first, each in parts a link message can carry (in order, so the bureau
        # has them when the document arrives); a file sent with an earlier version is not
        # sent again.
        sent = _sent_files(s)
        for file_sha, data in files.items():
            if file_sha not in sent:
                for part in file_parts(file_sha, data):
                    transport.send(s, ctx, MSG_FILE, part)
        row = s.scalars(select(Filing).where(Filing.uuid == filing_uuid)).first()
        if row is None:
            row = Filing(uuid=filing_uuid, kind=kind, state="submitted", version=version,
                         created_us=now, updated_us=now)  # fmt: skip
            s.add(row)
            s.flush()
        elif row.state != "returned" or row.version != version - 1:
            raise ConflictError("the filing changed meanwhile; submit again", field="filing")
        row.state, row.version, row.updated_us = "submitted", version, now
        message_id = transport.send(s, ctx, MSG_SUBMITTED, {"document": doc})
        s.add(FilingVersion(filing_id=row.id, version=version, sha256=sha, submitted_us=now,
                            document=json.dumps(doc, ensure_ascii=False),
                            submitted_by=actor.name[:64], message_id=message_id))  # fmt: skip
        detail = json.dumps({"changes": changes})
        s.add(FilingEvent(filing_id=row.id, version=version, event=event, at_us=now,
                          by=actor.name[:128], detail=detail))  # fmt: skip
        actor.audit(
            s, ctx, "filing_submit",
            detail={"filing": filing_uuid, "version": version, "kind": kind, "sha256": sha,
                    "message_id": message_id, "changes": changes,
                    "files": {k: a.sha256 for k, a in present.items()}
                    | {"filing_form": form_pdf.sha256}},
        )  # fmt: skip
    return Submitted(filing_uuid, version, kind, sha, message_id, changes)


# --- the bureau's decisions, as they arrive over the link -------------------------------------


def _str(body: Mapping[str, Any], name: str, limit: int = 200) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("is required", field=name)
    return check_text(value, name, max_chars=limit)


def _decided(s: Session, body: Mapping[str, Any]) -> tuple[Filing, int]:
    filing_uuid = _str(body, "filing")
    version = body.get("version")
    row = s.scalars(select(Filing).where(Filing.uuid == filing_uuid)).first()
    if row is None:
        raise NotFoundError(f"no filing {filing_uuid} at this site", field="filing")
    if not isinstance(version, int) or version != row.version or row.state != "submitted":
        raise ConflictError(
            f"filing {filing_uuid} is {row.state} at version {row.version}; a decision on "
            f"version {version!r} does not apply",
            field="version",
        )
    return row, version


def apply_accepted(
    s: Session, ctx: SiteContext, body: Mapping[str, Any], *, by: str, message_id: str | None
) -> None:
    """The bureau accepted a filing: keep its receipt (number, day) and record the filing day
    and what it stated in the profile (a later change is then seen, N14)."""
    row, version = _decided(s, body)
    number = _str(body, "receipt_number", 64)
    receipt_on = records.parse_day(body.get("receipt_on"), "receipt_on").isoformat()
    now = ctx.clock.now_us()
    row.state, row.updated_us = "accepted", now
    row.receipt_number, row.receipt_on = number, receipt_on
    row.receipt = json.dumps(dict(body), ensure_ascii=False)
    s.add(FilingEvent(filing_id=row.id, version=version, event="accepted", at_us=now,
                      by=by[:128], message_id=message_id,
                      detail=json.dumps({"receipt_number": number, "receipt_on": receipt_on},
                                        ensure_ascii=False)))  # fmt: skip
    doc = json.loads(_version(s, row, version).document)
    profile = s.get(SiteProfile, 1)
    if profile is not None:
        submitted_on = local_date(int(doc["submitted_us"]), ctx.settings.unit_tz).isoformat()
        profile.filed_on = submitted_on
        profile.filed_snapshot = json.dumps(doc["facts"], ensure_ascii=False)
    Actor(by[:64]).audit(
        s, ctx, "filing_accepted",
        detail={"filing": row.uuid, "version": version, "receipt_number": number,
                "receipt_on": receipt_on, "message_id": message_id},
    )  # fmt: skip


def apply_returned(
    s: Session, ctx: SiteContext, body: Mapping[str, Any], *, by: str, message_id: str | None
) -> None:
    """The bureau returned a filing with its reasons: the unit corrects it and submits again."""
    row, version = _decided(s, body)
    reasons = body.get("reasons")
    if not isinstance(reasons, list) or not reasons:
        raise ValidationError("a returned filing names at least one reason", field="reasons")
    kept = [check_text(r, "reasons", max_chars=2000, multiline=True) for r in reasons]
    now = ctx.clock.now_us()
    row.state, row.updated_us = "returned", now
    s.add(FilingEvent(filing_id=row.id, version=version, event="returned", at_us=now,
                      by=by[:128], message_id=message_id,
                      detail=json.dumps({"reasons": kept}, ensure_ascii=False)))  # fmt: skip
    Actor(by[:64]).audit(
        s, ctx, "filing_returned",
        detail={"filing": row.uuid, "version": version, "reasons": kept,
                "message_id": message_id},
    )  # fmt: skip


def apply_acceptance(
    s: Session, ctx: SiteContext, body: Mapping[str, Any], *, by: str, message_id: str | None
) -> None:
    """The bureau recorded the acceptance 验收 of a government-built system (A13.1)."""
    accepted_on = records.parse_day(body.get("accepted_on"), "accepted_on").isoformat()
    result = body.get("result")
    if result not in ("passed", "failed"):
        raise ValidationError("must be passed or failed", field="result", article="A13.1")
    members = [check_text(m, "members", max_chars=200) for m in body.get("members") or []]
    docs = [check_text(d, "documents", max_chars=500) for d in body.get("documents") or []]
    s.add(SystemAcceptance(accepted_on=accepted_on, result=result, members=json.dumps(members,
                           ensure_ascii=False), documents=json.dumps(docs, ensure_ascii=False),
                           recorded_by=by[:128], received_us=ctx.clock.now_us(),
                           message_id=message_id))  # fmt: skip
    Actor(by[:64]).audit(
        s, ctx, "acceptance_recorded",
        detail={"accepted_on": accepted_on, "result": result, "members": members,
                "message_id": message_id, "article": "A13.1"},
    )  # fmt: skip


# --- what the unit sees -----------------------------------------------------------------------


def acceptance(ctx: SiteContext) -> dict[str, Any] | None:
    """For a government-built system (A9.1): the acceptance as the bureau recorded it, and
    whether the system may be put into use (A13.1); None for a unit-built system."""
    with ctx.sessions() as s:
        profile = s.get(SiteProfile, 1)
        if profile is None or profile.builder != "government":
            return None
        row = s.scalars(
            select(SystemAcceptance).order_by(SystemAcceptance.id.desc()).limit(1)
        ).first()
    passed = row is not None and row.result == "passed"
    return {
        "article": "A13.1",
        "passed": passed,
        "result": row.result if row else None,
        "accepted_on": row.accepted_on if row else None,
        "members": json.loads(row.members) if row else [],
        "recorded_by": row.recorded_by if row else None,
        "banner_zh": None if passed else MUST_NOT_USE_ZH,
        "banner_en": None if passed else MUST_NOT_USE_EN,
    }


def status(ctx: SiteContext) -> dict[str, Any]:
    """Every filing with its versions and history, newest first; the receipt of the last
    accepted one; the acceptance of a government-built system."""
    out: list[dict[str, Any]] = []
    with ctx.sessions() as s:
        for f in s.scalars(select(Filing).order_by(Filing.id.desc())):
            events = s.scalars(
                select(FilingEvent).where(FilingEvent.filing_id == f.id).order_by(FilingEvent.id)
            )
            versions = s.scalars(
                select(FilingVersion)
                .where(FilingVersion.filing_id == f.id)
                .order_by(FilingVersion.version)
            )
            out.append(
                {
                    "filing": f.uuid,
                    "kind": f.kind,
                    "state": f.state,
                    "version": f.version,
                    "receipt_number": f.receipt_number,
                    "receipt_on": f.receipt_on,
                    "versions": [
                        {"version": v.version, "sha256": v.sha256, "submitted_us": v.submitted_us,
                         "submitted_by": v.submitted_by, "message_id": v.message_id}
                        for v in versions
                    ],
                    "history": [
                        {"event": e.event, "version": e.version, "at_us": e.at_us, "by": e.by,
                         **json.loads(e.detail or "{}")}
                        for e in events
                    ],
                }
            )  # fmt: skip
    receipt = next((f for f in out if f["state"] == "accepted"), None)
    return {
        "state": out[0]["state"] if out else "not_filed",
        "filings": out,
        "receipt": {
            "filing": receipt["filing"],
            "number": receipt["receipt_number"],
            "on": receipt["receipt_on"],
        }
        if receipt
        else None,
        "acceptance": acceptance(ctx),
    }


def version_document(ctx: SiteContext, filing_uuid: str, version: int) -> dict[str, Any]:
    """The signed document of one version, as submitted."""
    with ctx.sessions() as s:
        row = s.scalars(select(Filing).where(Filing.uuid == filing_uuid)).first()
        if row is None:
            raise NotFoundError(f"no filing {filing_uuid}", field="filing")
        found: dict[str, Any] = json.loads(_version(s, row, version).document)
        return found
