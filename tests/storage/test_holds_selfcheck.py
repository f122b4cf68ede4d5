"""The self-check's retention row (A17.2(3) with N17): material kept past 30 days without a
live purpose is flagged with how much it is; a recorded purpose clears it; before
2025-04-01 only the floor is judged; for an other public place N17 is optional (N9.2)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.fabricate import commit_clips, make_clips
from tests.site.test_compliance_report import add_profile, duty
from vigil.cameras import CameraRegistry
from vigil.clock import FakeClock
from vigil.compliance import build_report
from vigil.context import SiteContext
from vigil.db.models import Segment, SiteProfile
from vigil.storage import holds


def test_retention_above_30_days_without_a_purpose_is_flagged_with_its_size(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    add_profile(site)
    cam = CameraRegistry(site).add("vault", "rtsp://127.0.0.1/v", retention_days=60)
    commit_clips(site, cam.id, make_clips(tmp_path_factory.getbasetemp(), 3), clock.now_us())
    with site.sessions() as s:
        size = sum(seg.bytes for seg in s.scalars(select(Segment)))

    clock.advance(days=29)  # inside the floor: nothing to say
    row = duty(build_report(site), "A17.2(3)")
    assert row["articles"] == ["A17.2(3)", "N17"]
    assert row["figures"]["n17"]["segments"] == 0

    clock.advance(days=2)  # day 31, no purpose recorded
    row = duty(build_report(site), "A17.2(3)")
    assert row["status"] == "not_met"
    n17 = row["figures"]["n17"]
    assert (n17["cameras"], n17["segments"], n17["bytes"]) == (1, 3, size)
    assert n17["floor_articles"] == ["A17.2(3)", "N17"]
    assert "without a recorded purpose" in " ".join(row["evidence"])
    assert "vigil hold add" in row["action"]

    hold = holds.add_hold(site, "vault", kind="case", reference="案-2026-7")
    row = duty(build_report(site), "A17.2(3)")
    assert row["status"] == "met" and row["figures"]["n17"]["live_holds"] == 1

    holds.lift_hold(site, hold.id, reason="closed")  # purpose served: flagged again
    assert duty(build_report(site), "A17.2(3)")["status"] == "not_met"

    # before the national regulation only the floor is judged (A17.2(3))
    before = duty(build_report(site, on=date(2025, 3, 31)), "A17.2(3)")
    assert before["articles"] == ["A17.2(3)"] and "n17" not in before["figures"]
    assert before["status"] == "met"

    # an other public place: N17 is optional (N9.2), shown but not binding
    with site.sessions.begin() as s:
        profile = s.scalars(select(SiteProfile)).one()
        profile.national_class = "other_public_place"
    row = duty(build_report(site), "A17.2(3)")
    assert row["status"] == "met" and row["optional_articles"] == ["N17"]
    assert row["figures"]["n17"]["segments"] == 3
    assert "N9.2" in " ".join(row["evidence"])
