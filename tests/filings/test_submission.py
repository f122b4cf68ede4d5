"""The unit files (A13.2, N14): the document, the refusals, the history, the receipt.

Real parts: the site database (SQLite, or PostgreSQL with VIGIL_TEST_DATABASE=postgresql),
the attachments store, the PDF form, the site's Ed25519 key, the link's outbox and inbox
(the bureau's decisions arrive as signed envelopes through `vigil.link.inbox.receive`).
"""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from vigil.audit.query import list_entries
from vigil.clock import FakeClock
from vigil.compliance import build_report
from vigil.context import SiteContext
from vigil.errors import ConflictError, ValidationError
from vigil.filings import document
from vigil.filings.submission import (
    FILE_PART_BYTES,
    MSG_FILE,
    MSG_SUBMITTED,
    MUST_NOT_USE_ZH,
    acceptance,
    status,
    submit,
    version_document,
)
from vigil.filings.transport import NotLinkedError
from vigil.link.errors import LinkRefused
from vigil.records.profile import get_profile

from .helpers import ADMIN, ALL_ITEMS, bureau_says, hotel, outbox, pin_bureau


def actions(ctx: SiteContext) -> list[str]:
    return [e.action for e in list_entries(ctx, limit=1000)]


def test_missing_items_are_named_with_their_articles(site: SiteContext) -> None:
    hotel(site)
    pin_bureau(site)
    with pytest.raises(ValidationError) as caught:
        submit(site, ADMIN, attach={"design_plan": ALL_ITEMS["design_plan"]})
    text = caught.value.describe()
    for kind in ("test_report", "acceptance_report"):
        assert f"{kind} " in text
    assert "A13.2" in text
    for kind, zh in (("authorisation_letter", "授权书"), ("business_licence", "营业执照"),
                     ("handler_id", "经办人身份证件")):  # fmt: skip
        assert kind in text and zh in text
    assert "N14 (county bureau filing notice)" in text
    assert "design_plan " not in text  # given
    assert caught.value.field == "attach"
    assert outbox(site) == [] and status(site)["state"] == "not_filed"


def test_under_the_national_regulation_alone_no_a13_documents(site: SiteContext) -> None:
    hotel(site, jurisdiction="national")
    pin_bureau(site)
    notice = {k: v for k, v in ALL_ITEMS.items()
              if k in ("authorisation_letter", "business_licence", "handler_id")}  # fmt: skip
    done = submit(site, ADMIN, attach=notice)
    doc = version_document(site, done.filing_uuid, 1)
    assert doc["law"]["rule_sets"] == ["national-2025"]
    assert sorted(a["kind"] for a in doc["attachments"]) == sorted(notice)
    assert {a["asked_by"] for a in doc["attachments"]} == {document.LOCAL_NOTICE}


def test_not_linked_stores_nothing(site: SiteContext) -> None:
    hotel(site)
    with pytest.raises(NotLinkedError) as caught:
        submit(site, ADMIN, attach=ALL_ITEMS)
    assert "not linked to a bureau: vigil link join URL --token T" in caught.value.describe()
    assert status(site)["filings"] == []
    assert "filing_submit" not in actions(site)


def test_the_document_is_signed_and_references_its_files(site: SiteContext) -> None:
    hotel(site)
    pin_bureau(site)
    done = submit(site, ADMIN, attach=ALL_ITEMS)
    queued = outbox(site)
    # the seven files first (six attached, the form PDF), then the document, in that order
    assert [t for _, t, _ in queued] == [MSG_FILE] * 7 + [MSG_SUBMITTED]
    (msg_id, _, raw) = queued[-1]
    assert msg_id == done.message_id
    doc = json.loads(raw)["document"]
    files = {}
    for _, _, part in queued[:-1]:
        p = json.loads(part)
        assert (p["part"], p["parts"]) == (1, 1)
        files[p["sha256"]] = base64.b64decode(p["data"])
    site_pem = doc["signature"]["public_key_pem"]
    assert document.verify_document(doc, public_key_pem=site_pem, files=files) == []
    assert document.document_sha256(doc) == done.document_sha256
    # N14's fields, the cameras by location type, the storage period, the law of the day
    assert doc["n14"]["unit"] == "福州某酒店有限公司" and doc["n14"]["cameras"] == 2
    assert doc["n14"]["cameras_by_location_type"] == {"entrance": 1, "lobby": 1}
    assert doc["n14"]["storage_days"] == {"min": 30, "max": 30}
    assert doc["articles"] == ["N14", "A13.2"] and doc["on"] == "2026-01-01"
    assert doc["filing"] == {"uuid": done.filing_uuid, "version": 1, "kind": "initial",
                             "changes": []}  # fmt: skip
    # every file by its SHA-256, the form PDF too
    kinds = {a["kind"]: a for a in doc["attachments"]}
    assert set(kinds) == set(ALL_ITEMS)
    for kind, (data, _name) in ALL_ITEMS.items():
        assert kinds[kind]["sha256"] == hashlib.sha256(data).hexdigest()
    assert files[doc["form_pdf"]["sha256"]].startswith(b"%PDF-")
    # altered document, altered file, missing file, another site's key: each caught
    forged = json.loads(json.dumps(doc))
    forged["n14"]["cameras"] = 1
    assert any(p.startswith("signature") for p in document.verify_document(forged))
    bad = dict(files)
    bad[kinds["handler_id"]["sha256"]] = b"other"
    assert any(p.startswith("file_altered") for p in document.verify_document(doc, files=bad))
    del bad[kinds["handler_id"]["sha256"]]
    assert any(p.startswith("file_missing") for p in document.verify_document(doc, files=bad))
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from vigil.keys.signing import public_pem

    other = public_pem(Ed25519PrivateKey.generate().public_key()).decode("ascii")
    assert any(
        p.startswith("other_site") for p in document.verify_document(doc, public_key_pem=other)
    )
    entry = next(e for e in list_entries(site, limit=100) if e.action == "filing_submit")
    assert entry.actor == "admin" and entry.detail["sha256"] == done.document_sha256
    assert entry.detail["message_id"] == done.message_id


def test_submit_return_resubmit_accept_receipt(site: SiteContext, clock: FakeClock) -> None:
    hotel(site)
    key = pin_bureau(site)
    first = submit(site, ADMIN, attach=ALL_ITEMS)
    with pytest.raises(ConflictError):  # with the bureau: no second submission meanwhile
        submit(site, ADMIN)
    clock.advance(days=2)
    bureau_says(site, key, "filing.returned", {
        "filing": first.filing_uuid, "version": 1, "officer": "李警官",
        "reasons": ["授权书未加盖公章"],
    })  # fmt: skip
    assert status(site)["state"] == "returned"
    clock.advance(days=1)
    # the correction: only the letter is attached again; the rest is carried over
    again = submit(
        site, ADMIN, attach={"authorisation_letter": (b"%PDF-1.4 stamped", "授权书.pdf")}
    )
    assert (again.filing_uuid, again.version) == (first.filing_uuid, 2)
    doc2 = version_document(site, first.filing_uuid, 2)
    assert len(doc2["attachments"]) == 6
    letter = next(a for a in doc2["attachments"] if a["kind"] == "authorisation_letter")
    assert letter["sha256"] == hashlib.sha256(b"%PDF-1.4 stamped").hexdigest()
    # a decision on the old version does not apply
    with pytest.raises(LinkRefused):
        bureau_says(site, key, "filing.accepted", {
            "filing": first.filing_uuid, "version": 1, "receipt_number": "X", "receipt_on": "2026-01-05",
        })  # fmt: skip
    clock.advance(days=2)
    bureau_says(site, key, "filing.accepted", {
        "filing": first.filing_uuid, "version": 2, "officer": "李警官",
        "receipt_number": "鼓公备〔2026〕0001号", "receipt_on": "2026-01-06",
    })  # fmt: skip
    st = status(site)
    assert st["state"] == "accepted"
    assert st["receipt"] == {"filing": first.filing_uuid, "number": "鼓公备〔2026〕0001号",
                             "on": "2026-01-06"}  # fmt: skip
    events = [(h["event"], h["version"]) for h in st["filings"][0]["history"]]
    assert events == [("submitted", 1), ("returned", 1), ("resubmitted", 2), ("accepted", 2)]
    assert st["filings"][0]["history"][1]["reasons"] == ["授权书未加盖公章"]
    # the profile records the filing day (the accepted version's) and what it stated
    view = get_profile(site)
    assert view is not None and view.values["filed_on"] == "2026-01-04"
    assert [a for a in actions(site) if a.startswith("filing_")] == [
        "filing_submit", "filing_returned", "filing_submit", "filing_accepted"]  # fmt: skip
    # nothing changed since: no change filing
    with pytest.raises(ConflictError) as caught:
        submit(site, ADMIN)
    assert caught.value.article == "N14"


def test_a_change_since_the_accepted_filing_is_filed_as_a_change(site: SiteContext) -> None:
    hotel(site)
    key = pin_bureau(site)
    first = submit(site, ADMIN, attach=ALL_ITEMS)
    bureau_says(site, key, "filing.accepted", {
        "filing": first.filing_uuid, "version": 1, "receipt_number": "R1", "receipt_on": "2026-01-01",
    })  # fmt: skip
    from vigil.cameras import CameraRegistry

    CameraRegistry(site).add("bar1", "rtsp://10.0.0.1/bar1")
    report = build_report(site)
    change = submit(site, ADMIN)  # the files of the accepted filing are carried over
    assert change.kind == "change" and change.changes == ["cameras"]
    assert change.filing_uuid != first.filing_uuid
    doc = version_document(site, change.filing_uuid, 1)
    assert doc["filing"]["kind"] == "change" and doc["n14"]["cameras"] == 3
    assert report["type"]  # the self-check ran with the change pending


def test_government_built_must_not_be_used_until_the_bureau_records_acceptance(
    site: SiteContext,
) -> None:
    hotel(site, categories=["roads"], builder="government")
    key = pin_bureau(site)
    found = acceptance(site)
    assert found is not None and not found["passed"] and found["banner_zh"] == MUST_NOT_USE_ZH
    bureau_says(site, key, "acceptance.recorded", {
        "accepted_on": "2025-11-30", "result": "failed", "members": ["市政府验收组"],
    })  # fmt: skip
    assert acceptance(site)["passed"] is False  # type: ignore[index]
    bureau_says(site, key, "acceptance.recorded", {
        "accepted_on": "2025-12-01", "result": "passed", "members": ["市政府验收组"],
    })  # fmt: skip
    found = acceptance(site)
    assert found is not None and found["passed"] and found["banner_zh"] is None
    assert "acceptance_recorded" in actions(site)


def test_a_unit_built_system_has_no_acceptance_banner(site: SiteContext) -> None:
    hotel(site)
    assert acceptance(site) is None


def test_camera_types_are_counted_where_recorded(site: SiteContext) -> None:
    from sqlalchemy import update

    from vigil.db.models import Camera

    hotel(site)
    pin_bureau(site)
    with site.sessions.begin() as s:
        s.execute(update(Camera).where(Camera.name == "lobby1").values(camera_type="dome"))
    done = submit(site, ADMIN, attach=ALL_ITEMS)
    doc = version_document(site, done.filing_uuid, 1)
    assert doc["n14"]["camera_types"] == {"dome": 1, "not_recorded": 1}
    assert doc["n14"]["cameras_by_location_type"] == {"entrance": 1, "lobby": 1}


def test_a_large_file_travels_in_parts_and_is_sent_once(site: SiteContext) -> None:
    hotel(site)
    key = pin_bureau(site)
    big = b"%PDF-1.4 " + bytes(range(256)) * (FILE_PART_BYTES // 256 * 2 + 10)
    first = submit(site, ADMIN, attach={**ALL_ITEMS, "design_plan": (big, "设计方案.pdf")})
    parts = [json.loads(b) for _, t, b in outbox(site) if t == MSG_FILE]
    big_sha = hashlib.sha256(big).hexdigest()
    mine = sorted((p["part"], p["parts"]) for p in parts if p["sha256"] == big_sha)
    assert mine == [(1, 3), (2, 3), (3, 3)]
    data = b"".join(base64.b64decode(p["data"]) for p in sorted(
        (p for p in parts if p["sha256"] == big_sha), key=lambda p: p["part"]))  # fmt: skip
    assert data == big
    bureau_says(site, key, "filing.returned", {
        "filing": first.filing_uuid, "version": 1, "reasons": ["经办人身份证件不清晰"],
    })  # fmt: skip
    before = len(outbox(site))
    submit(site, ADMIN, attach={"handler_id": (b"\xff\xd8\xff\xe0 clearer", "id.jpg")})
    sent = [(t, json.loads(b)) for _, t, b in outbox(site)[before:]]
    # only the new ID scan and the new form PDF (unless byte-identical) travel, then the
    # document; the large plan, sent with version 1, does not
    new_id = hashlib.sha256(b"\xff\xd8\xff\xe0 clearer").hexdigest()
    form_sha = sent[-1][1]["document"]["form_pdf"]["sha256"]
    assert sent[-1][0] == MSG_SUBMITTED
    assert {t for t, _ in sent[:-1]} == {MSG_FILE}
    assert new_id in {b["sha256"] for _, b in sent[:-1]}
    assert {b["sha256"] for _, b in sent[:-1]} <= {new_id, form_sha}
