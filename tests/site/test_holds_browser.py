"""The site page in a real browser (Debian's Chromium, a real camera, recorder and server):
an administrator records a retention hold (N17) and lifts it, a monitor only reads the list;
the jurisdiction profile and the national class are set from the profile form (N7, N9) and
the change is audited."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.site.conftest import Console
from tests.site.rows_profile import HOTEL
from tests.site.test_browser import api_client, sign_in
from vigil.audit.query import list_entries
from vigil.storage import holds

pytestmark = pytest.mark.slow


def test_admin_sets_and_lifts_a_hold_and_a_monitor_only_reads(
    page: Any, console: Console, browser: Any
) -> None:
    ref = f"闽公刑立字〔2026〕{uuid.uuid4().hex[:4]}号"
    sign_in(page, console, "admin", "#/site")
    card = page.get_by_test_id("site-holds")
    expect(card).to_contain_text("N17")
    expect(page.get_by_test_id("hold-camera").locator("option")).not_to_have_count(0)
    page.get_by_test_id("hold-camera").select_option("cam1")
    page.get_by_test_id("hold-kind").select_option("case")
    page.get_by_test_id("hold-add-submit").click()  # no reference: refused, field named
    expect(page.get_by_test_id("error-reference")).to_contain_text("N17")
    page.get_by_test_id("hold-reference").fill(ref)
    page.get_by_test_id("hold-until").fill("2099-12-31")
    page.get_by_test_id("hold-add-submit").click()
    row = card.locator("tr").filter(has_text=ref)
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-live", "true")
    [hold] = [h for h in holds.list_holds(console.ctx) if h.reference == ref]
    assert (hold.camera, hold.kind, hold.until, hold.set_by) == (
        "cam1",
        "case",
        "2099-12-31",
        "admin",
    )

    other = browser.new_context()  # a monitor reads the list but has no form
    try:
        watcher = other.new_page()
        sign_in(watcher, console, "watcher", "#/site")
        expect(
            watcher.get_by_test_id("site-holds").locator("tr").filter(has_text=ref)
        ).to_have_count(1)
        expect(watcher.get_by_test_id("hold-add")).to_have_count(0)
        expect(watcher.get_by_test_id(f"hold-lift-{hold.id}")).to_have_count(0)
    finally:
        other.close()

    page.get_by_test_id(f"hold-lift-reason-{hold.id}").fill("判决生效")
    page.get_by_test_id(f"hold-lift-submit-{hold.id}").click()
    expect(card.locator("tr").filter(has_text=ref)).to_have_attribute("data-live", "false")
    acts = [(e.action, e.actor) for e in list_entries(console.ctx)
            if e.action.startswith("hold_") and e.detail.get("reference") == ref]  # fmt: skip
    assert acts == [("hold_set", "admin"), ("hold_lift", "admin")]


def test_jurisdiction_and_national_class_from_the_profile_form(page: Any, console: Console) -> None:
    with api_client(console, "admin") as admin:
        assert admin.put("/api/v1/site/profile", json=HOTEL).status_code == 200
    sign_in(page, console, "admin", "#/site")
    expect(page.get_by_test_id("site-jurisdiction")).to_have_value("province")
    page.get_by_test_id("site-national_class").select_option("other_public_place")
    page.get_by_test_id("site-jurisdiction").select_option("national")
    page.get_by_test_id("site-profile-submit").click()
    expect(page.get_by_test_id("site-profile-saved")).to_be_visible()
    with api_client(console, "admin") as admin:
        profile = admin.get("/api/v1/site/profile").json()["profile"]
        assert (profile["jurisdiction"], profile["national_class"]) == (
            "national", "other_public_place")  # fmt: skip
        admin.put("/api/v1/site/profile", json={"jurisdiction": "province", "national_class": None})
    entry = [e for e in list_entries(console.ctx, action="profile_update") if e.actor == "admin"][
        -2
    ]
    assert "national_class" in str(entry.detail) and "jurisdiction" in str(entry.detail)
