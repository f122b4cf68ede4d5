"""The self-check rows N8.2 (regular checks of the forbidden places) and N10 (consent of a
nearby secret unit), on a real index with a fake clock (today 2026-01-01)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.site.test_records_profile import ADMIN, hotel
from vigil.compliance.report import evaluate, gather
from vigil.context import SiteContext
from vigil.records import privacy_checks, secret_consent
from vigil.records.privacy_checks import Found


def row(site: SiteContext, article: str, on: date | None = None) -> dict[str, Any] | None:
    rows = evaluate(gather(site, period_days=30, on=on))
    found = [r for r in rows if r["id"] == article]
    return found[0] if found else None


def check(site: SiteContext, day: str, result: str = "none_found", **extra: Any) -> None:
    privacy_checks.record_check(site, ADMIN, checked_on=day, checked_by="王五",
                                places=["客房"], result=result, **extra)  # fmt: skip


def test_n8_2_asks_for_the_places_then_holds_the_unit_to_its_interval(site: SiteContext) -> None:
    hotel(site)
    first = row(site, "N8.2")
    assert first is not None and first["status"] == "needs_evidence"
    assert first["articles"] == ["N8.2"]
    privacy_checks.set_policy(site, ADMIN, places=["客房 301-320"])
    assert row(site, "N8.2")["status"] == "not_met"  # type: ignore[index]
    check(site, "2025-11-30")  # monthly: due by 2025-12-30, today is 2026-01-01
    late = row(site, "N8.2")
    assert late is not None and late["status"] == "not_met"
    assert late["figures"]["due_on"] == "2025-12-30"
    assert any("N27.2" in s for s in late["sanctions"])
    check(site, "2025-12-02")  # due by 2026-01-02
    assert row(site, "N8.2")["status"] == "met"  # type: ignore[index]
    privacy_checks.set_policy(site, ADMIN, interval_days=14)  # due by 2025-12-16
    assert row(site, "N8.2")["status"] == "not_met"  # type: ignore[index]


def test_n8_2_a_report_not_yet_sent_is_not_met(site: SiteContext) -> None:
    hotel(site)
    check(site, "2025-12-31", "camera_found", found=[Found("客房 302", None, "针孔摄像头")])
    found = row(site, "N8.2")
    assert found is not None and found["status"] == "not_met"
    assert found["figures"]["pending_reports"] == 1


def test_n8_2_a_unit_without_such_places_says_so(site: SiteContext) -> None:
    hotel(site)
    privacy_checks.set_policy(site, ADMIN, places=[])
    assert row(site, "N8.2")["status"] == "met"  # type: ignore[index]


def test_n10_consent_near_a_secret_unit_and_n28_fines(site: SiteContext) -> None:
    hotel(site)
    assert row(site, "N10")["status"] == "met"  # type: ignore[index]
    secret_consent.set_near(site, ADMIN, True)
    missing = row(site, "N10")
    assert missing is not None and missing["status"] == "not_met"
    assert any("N28" in s for s in missing["sanctions"])
    secret_consent.add_consent(site, ADMIN, unit_name="某研究所", consented_on="2025-12-01",
                               document_ref="3号", scope="东门")  # fmt: skip
    assert row(site, "N10")["status"] == "met"  # type: ignore[index]


def test_before_the_national_regulation_there_are_no_such_rows(site: SiteContext) -> None:
    hotel(site)
    assert row(site, "N8.2", on=date(2025, 3, 31)) is None
    assert row(site, "N10", on=date(2025, 3, 31)) is None
    assert row(site, "N8.2", on=date(2025, 4, 1)) is not None
