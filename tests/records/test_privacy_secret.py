"""N8.2 regular checks of the forbidden places with the one-step report of a found camera,
and N10 consent of a nearby secret unit, on a real index (SQLite or PostgreSQL)."""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from tests.site.test_records_profile import ADMIN, hotel, png_bytes
from vigil.alarms import active_alarms
from vigil.cameras import CameraRegistry
from vigil.clock import FakeClock
from vigil.context import SiteContext
from vigil.db.models import AuditEntry, PrivacyCheck, PrivacyReport
from vigil.errors import RefusedByLawError, ValidationError
from vigil.keys.signing import load_public_pem
from vigil.records import attachments, privacy_checks, secret_consent
from vigil.records.privacy_checks import Found, add_months

URL = "rtsp://cam.example/stream"


def test_a_check_without_a_camera_is_recorded_and_audited(site: SiteContext) -> None:
    view = privacy_checks.record_check(
        site, ADMIN, checked_on="2025-12-10", checked_by="王五",
        places=["客房 301-320", "员工休息室"], result="none_found",
    )  # fmt: skip
    assert view.result == "none_found" and view.reports == []
    with site.sessions() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "privacy_check.add")).one()
    assert json.loads(entry.detail)["article"] == "N8.2"
    assert not [a for a in active_alarms(site) if a.kind == privacy_checks.ALARM_KIND]


def test_a_found_camera_makes_a_signed_report_pending_to_the_bureau_and_a_critical_alarm(
    site: SiteContext,
) -> None:
    hotel(site)
    photo = attachments.store(site, png_bytes(), kind="other", filename="cam.png", actor=ADMIN)
    view = privacy_checks.record_check(
        site, ADMIN, checked_on="2025-12-10", checked_by="王五", places=["客房 305"],
        result="camera_found",
        found=[Found("客房 305 烟雾报警器内", "2025-12-10T02:00:00Z", "针孔摄像头一个", photo.id)],
    )  # fmt: skip
    (report,) = view.reports
    assert report.status == "pending_to_bureau"
    doc = report.document
    assert doc["article"] == "N8.2" and doc["unit"]["unit_name"] == "福州某酒店有限公司"
    assert doc["found"]["photo"]["sha256"] == photo.sha256
    assert doc["found"]["place"] == "客房 305 烟雾报警器内"
    # the signature is the site's Ed25519 over the RFC 8785 form of the document
    public = load_public_pem(site.site().public_key_pem)
    assert isinstance(public, Ed25519PublicKey)
    public.verify(base64.b64decode(report.signature), rfc8785.dumps(doc))
    assert privacy_checks.verify_report(site, report)
    tampered = privacy_checks.ReportView(**{**report.__dict__, "document": {**doc, "unit": None}})
    assert not privacy_checks.verify_report(site, tampered)
    (alarm,) = [a for a in active_alarms(site) if a.kind == privacy_checks.ALARM_KIND]
    assert alarm.severity == "critical" and "N8.2" in alarm.message
    assert [r.id for r in privacy_checks.list_reports(site, status="pending_to_bureau")] == [
        report.id
    ]


def test_a_found_camera_needs_its_report_and_bad_input_is_refused_whole(site: SiteContext) -> None:
    with pytest.raises(ValidationError) as err:
        privacy_checks.record_check(site, ADMIN, checked_on="2025-12-10", checked_by="王五",
                                    places=["客房"], result="camera_found")  # fmt: skip
    assert err.value.field == "found" and err.value.article == "N8.2"
    with pytest.raises(ValidationError) as err:
        privacy_checks.record_check(site, ADMIN, checked_on="2025-12-10", checked_by="王五",
                                    places=[], result="none_found")  # fmt: skip
    assert err.value.field == "places"
    with pytest.raises(ValidationError) as err:
        privacy_checks.record_check(
            site, ADMIN, checked_on="2025-12-10", checked_by="王五", places=["客房"],
            result="camera_found", found=[Found("客房 1", None, "")],
        )  # fmt: skip
    assert err.value.field == "description"
    with site.sessions() as s:  # nothing half-saved
        assert s.scalars(select(PrivacyCheck)).all() == []
        assert s.scalars(select(PrivacyReport)).all() == []


def test_checks_are_due_monthly_by_default_or_at_the_interval_the_unit_sets(
    site: SiteContext,
) -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    privacy_checks.record_check(site, ADMIN, checked_on="2025-10-31", checked_by="王五",
                                places=["客房"], result="none_found")  # fmt: skip
    assert privacy_checks.facts(site).due_on == "2025-11-30"
    policy = privacy_checks.set_policy(site, ADMIN, places=["客房", "员工宿舍"], interval_days=14)
    assert policy.interval == "every 14 days"
    assert privacy_checks.facts(site).due_on == "2025-11-14"
    with pytest.raises(ValidationError) as err:
        privacy_checks.set_policy(site, ADMIN, interval_days=0)
    assert err.value.field == "interval_days"
    assert privacy_checks.set_policy(site, ADMIN, monthly=True).interval_days is None


def test_near_a_secret_unit_a_new_camera_needs_its_consent(site: SiteContext) -> None:
    reg = CameraRegistry(site)
    reg.add("gate", URL)  # not near: no consent asked
    hotel(site)
    secret_consent.set_near(site, ADMIN, True)
    with pytest.raises(RefusedByLawError) as refused:
        reg.add("lobby", URL)
    assert refused.value.article == "N10" and "N28" in refused.value.message
    with site.sessions() as s:
        assert s.scalar(select(AuditEntry.action).order_by(AuditEntry.seq.desc())) == (
            "profile_update"
        )
    with pytest.raises(ValidationError) as err:
        secret_consent.add_consent(site, ADMIN, unit_name="某研究所", consented_on="2025-12-05",
                                   document_ref="", scope="东门两台")  # fmt: skip
    assert err.value.field == "document_ref"
    consent = secret_consent.add_consent(
        site, ADMIN, unit_name="某研究所", consented_on="2025-12-05",
        document_ref="所保密〔2026〕3号", scope="东门、大堂各一台，不朝向研究所",
    )  # fmt: skip
    assert reg.add("lobby", URL).name == "lobby"
    status = secret_consent.status(site)
    assert status.near_secret_unit and [c.id for c in status.consents] == [consent.id]


def test_a_consent_dated_in_the_future_is_refused(site: SiteContext, clock: FakeClock) -> None:
    with pytest.raises(ValidationError) as err:
        secret_consent.add_consent(site, ADMIN, unit_name="某研究所", consented_on="2999-01-01",
                                   document_ref="x", scope="y")  # fmt: skip
    assert err.value.field == "consented_on"
