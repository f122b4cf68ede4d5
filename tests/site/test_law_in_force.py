"""The self-check and siting follow the law in force on the day, citing every text that
imposes a duty (issue 11): rows cite `A…` and `N…` together, N9 sites see five duties as
optional, a jurisdiction without the measures sees national rows only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.site.test_compliance_report import add_profile, duty
from vigil.cameras import CameraRegistry
from vigil.compliance import build_report
from vigil.compliance.filing import filing_form
from vigil.context import SiteContext
from vigil.db.models import SiteProfile
from vigil.errors import RefusedByLawError, ValidationError
from vigil.regulation.articles import is_valid_article_id


def _set(site: SiteContext, **values: str | None) -> None:
    with site.sessions.begin() as s:
        row = s.scalars(select(SiteProfile)).one()
        for name, value in values.items():
            setattr(row, name, value)


def test_rows_cite_both_texts_after_2025_04_01_and_the_measures_before(
    site: SiteContext,
) -> None:
    add_profile(site)
    now = build_report(site)
    assert now["law"]["rule_sets"] == ["measures-2017", "national-2025"]
    rows = {d["id"]: d for d in now["duties"]}
    assert rows["A17.2(3)"]["articles"] == ["A17.2(3)", "N17"]
    assert rows["A8"]["articles"] == ["A8", "N8"]
    assert rows["A13.2"]["articles"] == ["N14", "A13.2"]
    assert "N11" in rows and rows["N11"]["articles"] == ["N11"]
    for row in now["duties"]:
        assert all(is_valid_article_id(a) for a in row["articles"]), row["articles"]
        assert row["optional"] is False and row["optional_articles"] == []
    before = build_report(site, on=date(2025, 3, 31))
    assert before["law"]["rule_sets"] == ["measures-2017"] and before["today"] == "2025-03-31"
    rows = {d["id"]: d for d in before["duties"]}
    assert rows["A17.2(3)"]["articles"] == ["A17.2(3)"]
    assert rows["A13.2"]["articles"] == ["A13.2"]
    assert "N11" not in rows
    assert not any(a.startswith("N") for d in before["duties"] for a in d["articles"])


def test_an_other_public_place_sees_n14_and_n17_as_optional(site: SiteContext) -> None:
    add_profile(site)
    _set(site, national_class="other_public_place")
    report = build_report(site)
    assert report["national_class"] == "other_public_place"
    assert duty(report, "A13.2")["optional_articles"] == ["N14"]
    assert duty(report, "A17.2(3)")["optional_articles"] == ["N17"]
    assert duty(report, "A17.2(2)")["optional_articles"] == ["N16.2(3)"]
    assert duty(report, "A8")["optional_articles"] == []  # N8 binds every public place
    # the provincial duty stays mandatory, so the row is not optional as a whole
    assert duty(report, "A13.2")["optional"] is False
    assert duty(report, "N11")["optional"] is True
    assert duty(report, "A9")["articles"] == ["A9", "N9.1"]
    # under the national regulation alone, the filing and retention rows are optional
    _set(site, jurisdiction="national")
    report = build_report(site)
    assert report["law"]["rule_sets"] == ["national-2025"]
    n14, n17 = duty(report, "N14"), duty(report, "N17")
    assert n14["articles"] == ["N14"] and n14["optional"] is True
    assert n17["articles"] == ["N17"] and n17["optional"] is True
    assert not any(a.startswith("A") for d in report["duties"] for a in d["articles"])
    assert filing_form(site)["deadline"]["optional"] is True
    assert filing_form(site)["attachments"] == []  # N14 asks for no design plan
    _set(site, national_class="crowded_place")
    assert duty(build_report(site), "N14")["optional"] is False


def test_report_on_a_day_is_refused_in_the_future_or_malformed(site: SiteContext) -> None:
    add_profile(site)
    with pytest.raises(ValidationError) as caught:
        build_report(site, on=date(2030, 1, 1))
    assert caught.value.field == "on"


def test_siting_refusals_cite_the_items_in_force(site: SiteContext) -> None:
    add_profile(site)
    reg = CameraRegistry(site)
    for place, cited in (
        ("homestay_room", "N8(1)"),
        ("private_dining_room", "N8(1)"),
        ("staff_rest_room", "N8(2)"),
        ("financial_customer_data_position", "A8(3)"),
        ("hotel_guest_room", "A8(1), N8(1)"),
    ):
        with pytest.raises(RefusedByLawError) as caught:
            reg.add("cam-" + place[:20], "rtsp://10.0.0.9/s", location_type=place, purpose="x")
        assert (caught.value.field, caught.value.article) == ("location_type", cited), place
    # a jurisdiction that retired nothing but applies only the national text: N8 alone
    _set(site, jurisdiction="national")
    with pytest.raises(RefusedByLawError) as caught:
        reg.add("cam-hotel", "rtsp://10.0.0.9/s", location_type="hotel_guest_room", purpose="x")
    assert caught.value.article == "N8(1)"


def test_the_demo_site_is_under_the_default_profile_with_both_texts_rows(
    site: SiteContext,
) -> None:
    from vigil.cli.demo import _demo_profile

    assert _demo_profile(site) == "measures-2017 + national-2025"
    assert _demo_profile(site) == "measures-2017 + national-2025"  # once: kept as it is
    report = build_report(site)
    cited = {a for d in report["duties"] for a in d["articles"]}
    assert {"A17.2(3)", "N17", "A13.2", "N14", "A8", "N8"} <= cited
    assert report["site"]["unit_name"].startswith("演示酒店")


def test_a_change_of_n14_facts_after_the_filing_asks_for_a_change_filing(
    site: SiteContext,
) -> None:
    from vigil.audit.actor import Actor
    from vigil.records import profile

    admin = Actor.cli()
    CameraRegistry(site).add("door", "rtsp://10.0.0.9/s", location_type="entrance", purpose="x")
    profile.update_profile(
        site,
        {
            "unit_name": "某某大酒店",
            "credit_code": "91350100M000100Y43",
            "division_code": "350102",
            "address": "福州市鼓楼区某某路1号",
            "categories": ["hospitality_entertainment"],
            "builder": "unit",
            "delivered_on": "2025-12-10",
            "commissioned_on": "2025-12-10",
            "filed_on": "2025-12-20",
        },
        admin,
    )
    row = duty(build_report(site), "A13.2")
    assert row["status"] in ("met", "needs_evidence") and row["figures"]["state"] == "met"
    assert "changed_since_filing" not in row["figures"]
    CameraRegistry(site).add("hall", "rtsp://10.0.0.9/t", location_type="lobby", purpose="y")
    row = duty(build_report(site), "A13.2")
    assert row["status"] == "needs_evidence"
    assert row["figures"]["changed_since_filing"] == ["cameras"]
    assert "备案变更" in row["action_zh"]
    # the change filed: the facts filed are the facts now
    profile.update_profile(site, {"filed_on": "2026-01-01"}, admin)
    assert "changed_since_filing" not in duty(build_report(site), "A13.2")["figures"]
    # under the measures alone (before 2025-04-01) no change filing is asked
    assert (
        "changed_since_filing"
        not in duty(build_report(site, on=date(2025, 3, 1)), "A13.2")["figures"]
    )
