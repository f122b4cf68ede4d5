"""The filing document (备案材料): what a unit files with its county bureau, signed.

One JSON object, made from the site profile, the cameras (with their location types and,
where recorded, camera types), their storage periods, the filing form PDF
(`vigil.compliance.filing`) and the attachments that the law in force on the filing day asks
for (`required_attachments`):

- N14 (from 2025-04-01): the unit, where the system is built, the number and types of
  cameras, the storage period; the county bureaus' filing notices under N14 also ask for a
  stamped authorisation letter (授权书), a copy of the business licence or credit-code
  certificate, and the handler's ID — checked for presence, not content;
- A13.2 (while the provincial measures apply, for a unit-built system): the design plan,
  the technical test report and the acceptance documents.

Files are referenced by SHA-256 (they travel beside the document, and the receiver checks
each against its hash). The document is signed with the site's Ed25519 key over its
canonical JSON without the `signature` member (`vigil.integrity.chain.canonical_json`:
keys sorted, no spaces, ASCII, integers only), exactly as the self-check report is; any
holder of the site's public key can check it (`verify_document`), the bureau included.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature

from vigil.clock import us_to_iso
from vigil.compliance.report import sign_report
from vigil.context import SiteContext
from vigil.integrity.chain import canonical_json
from vigil.keys.signing import key_id, load_public_pem
from vigil.records.attachments import AttachmentView
from vigil.regulation.rulesets import LawInForce

DOCUMENT_TYPE = "vigil.filing.v1"
LOCAL_NOTICE = "N14 (county bureau filing notice)"
"""How an item asked by a bureau's notice under N14, not by N14's text, is cited."""


@dataclass(frozen=True, slots=True)
class Requirement:
    """An attachment a filing must carry, and who asks for it."""

    kind: str
    zh: str
    en: str
    article: str
    """The article (or notice under it) that asks for it."""


A13_ITEMS = (
    Requirement("design_plan", "设计方案", "design plan", "A13.2"),
    Requirement("test_report", "技术检测材料", "technical test report", "A13.2"),
    Requirement("acceptance_report", "工程验收材料", "acceptance documents", "A13.2"),
)
N14_NOTICE_ITEMS = (
    Requirement("authorisation_letter", "授权书（加盖公章）", "stamped authorisation letter",
                LOCAL_NOTICE),
    Requirement("business_licence", "营业执照或统一社会信用代码证书复印件",
                "copy of the business licence or credit-code certificate", LOCAL_NOTICE),
    Requirement("handler_id", "经办人身份证件", "the handler's ID document", LOCAL_NOTICE),
)  # fmt: skip


def required_attachments(law: LawInForce, builder: str) -> tuple[Requirement, ...]:
    """What the law in force (and the bureaus' notices under it) asks a filing to carry."""
    out: list[Requirement] = []
    if builder == "unit" and law.applies("A13.2"):
        out += A13_ITEMS
    if law.has("national-2025") and law.applies("N14"):
        out += N14_NOTICE_ITEMS
    return tuple(out)


def missing_attachments(
    required: tuple[Requirement, ...], present: Mapping[str, object]
) -> list[Requirement]:
    """The required items of which no file is given (presence only, not content)."""
    return [r for r in required if present.get(r.kind) is None]


def describe_missing(missing: list[Requirement]) -> str:
    """The missing items, each named with the article or notice asking for it."""
    return "; ".join(f"{r.kind} {r.zh} ({r.en}, {r.article})" for r in missing)


def _file(att: AttachmentView) -> dict[str, Any]:
    return {
        "kind": att.kind,
        "filename": att.filename,
        "content_type": att.content_type,
        "bytes": att.bytes,
        "sha256": att.sha256,
    }


def build_document(
    ctx: SiteContext,
    *,
    form: Mapping[str, Any],
    facts: Mapping[str, Any],
    law: LawInForce,
    filing_uuid: str,
    version: int,
    kind: str,
    changes: list[str],
    attachments: Mapping[str, AttachmentView],
    form_pdf: AttachmentView,
    required: tuple[Requirement, ...],
    submitted_by: str,
    now_us: int,
) -> dict[str, Any]:
    """The signed filing document. `form` is the filing form's content on the day, `facts`
    what N14 files (`vigil.records.profile.filing_facts`), `attachments` kind → file."""
    site = ctx.site()
    cams = list(form["cameras"])
    n14 = dict(form["n14"])
    by_location = Counter(str(c.get("location_type") or "not_recorded") for c in cams)
    asked = {r.kind: r.article for r in required}
    body: dict[str, Any] = {
        "type": DOCUMENT_TYPE,
        "filing": {
            "uuid": filing_uuid,
            "version": version,
            "kind": kind,
            "changes": list(changes),
        },
        "site": {"site_uuid": site.site_uuid, "key_id": site.key_id},
        "submitted_at": us_to_iso(now_us),
        "submitted_us": now_us,
        "submitted_by": submitted_by,
        "on": form["today"],
        "law": law.describe(),
        "articles": list(form["deadline"].get("articles") or []),
        "unit": dict(form["unit"]),
        "dates": dict(form["dates"]),
        "deadline": {
            k: form["deadline"].get(k)
            for k in ("article", "articles", "due_on", "state", "text_zh")
        },
        "n14": {
            "unit": n14.get("unit"),
            "where_built": n14.get("where_built"),
            "cameras": len(cams),
            "camera_types": n14.get("camera_types"),
            "cameras_by_location_type": dict(sorted(by_location.items())),
            "storage_days": n14.get("storage_days"),
        },
        "facts": dict(facts),
        "cameras": cams,
        "form_pdf": _file(form_pdf),
        "attachments": [
            {**_file(att), "asked_by": asked.get(k)} for k, att in sorted(attachments.items())
        ],
    }
    return sign_report(ctx, body)


def document_sha256(doc: Mapping[str, Any]) -> str:
    """SHA-256 of the document's canonical JSON without its signature (what is signed)."""
    body = {k: v for k, v in doc.items() if k != "signature"}
    return hashlib.sha256(canonical_json(body).encode("ascii")).hexdigest()


def file_hashes(doc: Mapping[str, Any]) -> dict[str, str]:
    """sha256 → kind of every file the document references (the form PDF included)."""
    out = {str(doc["form_pdf"]["sha256"]): "filing_form"}
    for a in doc.get("attachments", []):
        out[str(a["sha256"])] = str(a["kind"])
    return out


def verify_document(
    doc: Mapping[str, Any],
    *,
    public_key_pem: str | None = None,
    files: Mapping[str, bytes] | None = None,
) -> list[str]:
    """Problems with a filing document (empty: it verifies). With `public_key_pem` (the
    unit's key as pinned by the bureau), the document must be signed by that key; with
    `files` (sha256 → bytes), every file it references must be there and match."""
    try:
        if doc.get("type") != DOCUMENT_TYPE:
            return [f"type: not a {DOCUMENT_TYPE} document"]
        sig = doc["signature"]
        pub = load_public_pem(str(sig["public_key_pem"]))
        signature = bytes.fromhex(str(sig["value"]))
        body = {k: v for k, v in doc.items() if k != "signature"}
        message = canonical_json(body).encode("ascii")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return [f"unreadable: {exc}"]
    problems = []
    if key_id(pub) != sig.get("key_id") or sig.get("key_id") != body["site"].get("key_id"):
        problems.append("key_mismatch: the included key is not the document's key_id")
    if public_key_pem is not None and key_id(load_public_pem(public_key_pem)) != key_id(pub):
        problems.append("other_site: signed by another key than the unit's")
    try:
        pub.verify(signature, message)
    except (InvalidSignature, ValueError):
        problems.append("signature: does not verify: the document was altered or not signed")
    if files is not None:
        for sha, kind in file_hashes(doc).items():
            data = files.get(sha)
            if data is None:
                problems.append(f"file_missing: {kind} {sha[:16]}… was not sent")
            elif hashlib.sha256(data).hexdigest() != sha:
                problems.append(f"file_altered: {kind} does not match its SHA-256")
    return problems
