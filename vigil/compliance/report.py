"""The self-check report: every duty's finding, the site's identity, signed with the site key.

The report is a JSON object of type `vigil.compliance_report.v1`. Its `signature` member
holds an Ed25519 signature, by the site key, of the *canonical JSON* of the report without
that member (keys sorted, no spaces, ASCII with `\\uXXXX` escapes; the same construction as
seals and export manifests, `vigil.integrity.chain.canonical_json`). Anyone with the site's
public key (included, and its `key_id` = SHA-256 of the raw key) can check it:

    body = dict(report); sig = body.pop("signature")
    Ed25519(pub).verify(bytes.fromhex(sig["value"]), canonical_json(body).encode("ascii"))

Figures are integers or strings only, so the canonical form is the same in any language.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature

from vigil.audit.site_verify import verify_site as verify
from vigil.audit.verify import verify_audit
from vigil.clock import US_PER_DAY, local_date, us_to_datetime, us_to_iso
from vigil.compliance import evidence as ev_mod
from vigil.compliance.duties import (
    DUTIES,
    Evidence,
    Status,
    duty_id,
    row_articles,
    sanctions,
    sanctions_zh,
)
from vigil.compliance.findings import en, zh
from vigil.context import SiteContext
from vigil.db.models import AuditEntry
from vigil.errors import ValidationError
from vigil.integrity.chain import canonical_json
from vigil.keys.signing import key_id, load_public_pem
from vigil.records import privacy_checks, secret_consent
from vigil.regulation.articles import ARTICLES
from vigil.regulation.rulesets import DEFAULT_JURISDICTION, law_in_force
from vigil.storage.holds import list_holds, unpurposed_material

REPORT_TYPE = "vigil.compliance_report.v1"
DEFAULT_PERIOD_DAYS = 90
"""The window for room entries and watch shifts: the last 90 days (not a number of the
measures: an inspection looks back over a quarter)."""


def _camera_states(ctx: SiteContext) -> dict[str, str]:
    from vigil.health.status import camera_states

    return {r.name: r.state for r in camera_states(ctx)}


def gather(
    ctx: SiteContext, *, full_verify: bool = False, period_days: int, on: date | None = None
) -> Evidence:
    """Read every figure the checks need, once. `on` (default today) is the day whose law
    judges the records as they stand: deadlines run to that day, and acts dated after it
    were not yet done."""
    if not 1 <= period_days <= 3660:
        raise ValidationError("must be between 1 and 3660 days", field="period_days")
    from sqlalchemy import func, select

    now = ctx.clock.now_us()
    today = local_date(now, ctx.settings.unit_tz)
    if on is not None:
        if isinstance(on, datetime) or not isinstance(on, date):
            raise ValidationError("must be a date written YYYY-MM-DD", field="on")
        if on > today:
            raise ValidationError(f"{on} is later than today ({today})", field="on")
        today = on
    since = now - period_days * US_PER_DAY
    profile = ev_mod.load_profile(ctx)
    law = law_in_force(profile.jurisdiction if profile else DEFAULT_JURISDICTION, today)
    cams = ev_mod.cameras(ctx)
    audit_problems = [p.line() for p in verify_audit(ctx)]
    with ctx.sessions() as s:
        audit_entries = int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0)
    integrity = verify(ctx, rehash=full_verify)
    return Evidence(
        today=today,
        now_us=now,
        period_days=period_days,
        profile=profile,
        cameras=cams,
        coverage=ev_mod.coverage_gaps(ctx),
        camera_states=_camera_states(ctx),
        staff=ev_mod.staff_facts(ctx, today, since),
        room=ev_mod.room_facts(ctx, since, now + 1),
        maintenance=ev_mod.maintenance_facts(ctx, today),
        view_alarms=ev_mod.view_alarms(ctx),
        audit_entries=audit_entries,
        audit_problems=audit_problems,
        integrity_mode="full" if full_verify else "chains_and_seals",
        integrity_problems=[p.line() for p in integrity.problems],
        segments_checked=integrity.segments_checked,
        last_seal_us=ev_mod.last_seal_us(ctx),
        law=law,
        unpurposed=tuple(unpurposed_material(ctx)),
        live_holds=len(list_holds(ctx, live_only=True)),
        privacy=privacy_checks.facts(ctx),
        secret=secret_consent.status(ctx),
    )


def time_zone(ctx: SiteContext, at_us: int) -> str:
    """The unit's time zone as the report names it, e.g. `Asia/Shanghai (UTC+08:00)`."""
    offset = us_to_datetime(at_us).astimezone(ctx.settings.unit_tz).strftime("%z")
    return f"{ctx.settings.unit_timezone} (UTC{offset[:3]}:{offset[3:]})"


def _site_identity(ctx: SiteContext, ev: Evidence) -> dict[str, Any]:
    site = ctx.site()
    p = ev.profile
    return {
        "site_uuid": site.site_uuid,
        "key_id": site.key_id,
        "unit_name": p.unit_name if p else None,
        "credit_code": p.credit_code if p else None,
        "division_code": p.division_code if p else None,
        "address": p.address if p else None,
    }


def evaluate(ev: Evidence) -> list[dict[str, Any]]:
    """One row per duty: id, title, status, evidence, figures, action, sanctions; the texts
    in English and, in the `_zh` members, in Chinese (the console picks by its language)."""
    rows = []
    law = ev.law_on_day
    for duty in DUTIES:
        cited = row_articles(duty, ev)
        if not cited:
            continue  # no text in force that day imposes it
        found = duty.check(ev)
        did = duty_id(duty, ev)
        optional = [a for a in cited if law.optional(a, ev.site_class)]
        rows.append(
            {
                "id": did,
                "articles": list(cited),
                "optional": len(optional) == len(cited),
                "optional_articles": optional,
                "title": duty.title,
                "title_zh": ARTICLES[did].zh,
                "status": found.status.value,
                "evidence": [en(line) for line in found.evidence],
                "evidence_zh": [zh(line) for line in found.evidence],
                "figures": found.figures,
                "action": en(found.action),
                "action_zh": zh(found.action),
                "sanctions": sanctions(cited) if found.status is Status.NOT_MET else [],
                "sanctions_zh": sanctions_zh(cited) if found.status is Status.NOT_MET else [],
            }
        )
    return rows


def build_report(
    ctx: SiteContext,
    *,
    full_verify: bool = False,
    period_days: int = DEFAULT_PERIOD_DAYS,
    on: date | None = None,
) -> dict[str, Any]:
    """Evaluate every duty by the law in force `on` (default today); the signed report."""
    ev = gather(ctx, full_verify=full_verify, period_days=period_days, on=on)
    duties = evaluate(ev)
    summary = {status.value: 0 for status in Status}
    for row in duties:
        summary[row["status"]] += 1
    body: dict[str, Any] = {
        "type": REPORT_TYPE,
        "generated_at": us_to_iso(ev.now_us),
        "generated_us": ev.now_us,
        "today": ev.today.isoformat(),
        "law": ev.law_on_day.describe(),
        "national_class": ev.site_class,
        "time_zone": time_zone(ctx, ev.now_us),
        "period_days": period_days,
        "integrity_check": ev.integrity_mode,
        "site": _site_identity(ctx, ev),
        "summary": {**summary, "total": len(duties)},
        "duties": duties,
    }
    return sign_report(ctx, body)


def sign_report(ctx: SiteContext, body: dict[str, Any]) -> dict[str, Any]:
    message = canonical_json(body).encode("ascii")
    pub = ctx.signing_key.public_key()
    from vigil.keys.signing import public_pem

    return {
        **body,
        "signature": {
            "algorithm": "Ed25519",
            "key_id": key_id(pub),
            "public_key_pem": public_pem(pub).decode("ascii"),
            "signed": "canonical JSON of this object without its 'signature' member",
            "sha256": hashlib.sha256(message).hexdigest(),
            "value": ctx.signing_key.sign(message).hex(),
        },
    }


def report_bytes(report: dict[str, Any]) -> bytes:
    """The report as a file: readable JSON, UTF-8 (the signature covers its content, not
    its layout)."""
    return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def verify_report(data: bytes, public_key_pem: str | None = None) -> list[str]:
    """Problems with a report file (empty: it verifies). With `public_key_pem` (the site's
    own key), the included key must be that one."""
    try:
        report = json.loads(data.decode("utf-8"))
        if not isinstance(report, dict) or report.get("type") != REPORT_TYPE:
            return [f"not a {REPORT_TYPE} report"]
        sig = report.pop("signature")
        pub = load_public_pem(str(sig["public_key_pem"]))
        signature = bytes.fromhex(str(sig["value"]))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        return [f"unreadable: {exc}"]
    problems = []
    if key_id(pub) != sig.get("key_id") or sig.get("key_id") != report["site"].get("key_id"):
        problems.append("key_mismatch: the included key is not the report's key_id")
    if public_key_pem is not None and key_id(load_public_pem(public_key_pem)) != key_id(pub):
        problems.append("other_site: signed by another key than this site's")
    try:
        pub.verify(signature, canonical_json(report).encode("ascii"))
    except (InvalidSignature, ValueError):
        problems.append(
            "signature: does not verify: the report was altered or not signed by this key"
        )
    return problems
