"""Data-subject viewing (N21) in a real browser (Debian's Chromium via Playwright) against a
real console whose simulated cameras are being recorded: a monitor records the request, an
administrator consents, the monitor opens the viewing-only session, the consented range
plays, nothing offers a copy, the server refuses an export and any segment outside the
range, and the audit log holds the playback with the request as purpose."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.site.conftest import VIEWPORT, Console
from tests.site.test_browser import api_client, sign_in
from vigil.clock import us_to_iso

pytestmark = pytest.mark.slow

NUMBER = "350102199001011234"


def test_request_consent_and_viewing_only_in_the_console(
    page: Any, browser: Any, console: Console
) -> None:
    segs = console.segments("cam1")
    inside, outside = segs[0], segs[1]
    sign_in(page, console, "watcher", "#/subjects")
    page.get_by_test_id("sr-requester_name").fill("张三")
    page.get_by_test_id("sr-id_doc_type").select_option("resident_id")
    page.get_by_test_id("sr-id_doc_number").fill(NUMBER)
    page.get_by_test_id("sr-relation").select_option("self")
    page.get_by_test_id("sr-reason").fill("钱包在大堂遗失，查看是否被拿走")
    page.get_by_test_id("sr-cameras").fill("cam1")
    page.get_by_test_id("sr-from").fill(us_to_iso(inside.start_us))
    page.get_by_test_id("sr-to").fill(us_to_iso(inside.end_us))
    page.get_by_test_id("sr-add-submit").click()
    row = page.get_by_test_id("sr-table").locator('tr[data-state="pending"]')
    expect(row).to_have_count(1)
    request_id = row.get_attribute("data-id")
    expect(row.locator('[data-col="id_doc"]')).to_have_text("*" * 14 + "1234")  # masked
    expect(page.get_by_test_id("sr-decide")).to_have_count(0)  # a monitor does not decide

    # An administrator consents, in her own browser session.
    context = browser.new_context(viewport=VIEWPORT)
    admin = context.new_page()
    sign_in(admin, console, "admin", "#/subjects")
    adm_row = admin.get_by_test_id("sr-table").locator(f'tr[data-id="{request_id}"]')
    expect(adm_row.locator('[data-col="id_doc"]')).to_have_text(NUMBER)  # in full
    admin.get_by_test_id("sr-decide-request").select_option(request_id)
    admin.get_by_test_id("sr-decide-note").fill("在值班民警陪同下查看")
    admin.get_by_test_id("sr-decide-submit").click()
    expect(adm_row).to_have_attribute("data-state", "consented")
    context.close()

    page.reload()
    page.get_by_test_id("user-name").wait_for()
    with page.expect_response(lambda r: r.url.endswith(f"/{request_id}/viewing")) as opened:
        page.get_by_test_id(f"sr-open-{request_id}").click()
    grant = opened.value.json()["grant"]
    panel = page.get_by_test_id("sr-viewing")
    expect(panel).to_be_visible()
    expect(page.get_by_test_id("sr-viewonly")).to_contain_text("不得导出")
    page.get_by_test_id("sr-play").click()
    page.wait_for_function(
        "() => { const v = document.querySelector('[data-testid=\"sr-video-cam1\"]');"
        " return v && v.readyState >= 2 && v.currentTime > 0.5; }",
        timeout=30_000,
    )
    # nothing in the view offers a copy (the navigation's Exports page is the monitor's own)
    view = page.locator("#view")
    copy = (
        '[data-testid*="export"], [data-testid*="download"], [data-testid*="snapshot"], a[download]'
    )
    assert view.locator(copy).count() == 0
    assert view.get_by_role("button", name="导出").count() == 0
    assert page.get_by_test_id("sr-video-cam1").get_attribute("controlslist") == "nodownload"

    # the grant plays the consented segment only
    status = "(url) => fetch(url, {credentials: 'same-origin'}).then((r) => r.status)"
    base = f"/api/v1/playback/{grant}/media/cam1"
    assert page.evaluate(status, f"{base}/{inside.seq}") in (200, 206)
    assert page.evaluate(status, f"{base}/{outside.seq}") == 403
    assert page.evaluate(status, f"/api/v1/playback/{grant}/media/cam2/{inside.seq}") == 403

    # the export API refuses the account while the viewing is open (N21)
    with api_client(console, "watcher") as watcher:
        r = watcher.post("/api/v1/exports", json={
            "camera": "cam1", "from": us_to_iso(inside.start_us), "to": us_to_iso(inside.end_us),
            "purpose": "copy", "destination": "usb"})  # fmt: skip
        assert r.status_code == 403 and r.json()["error"]["article"] == "N21"

    with api_client(console, "admin") as adm:
        entries = adm.get("/api/v1/audit?action=playback").json()
        ours = [e for e in entries if f"request #{request_id}" in e["purpose"]]
        assert ours and all(e["actor"] == "watcher" and e["camera"] == "cam1" for e in ours)
        detail = ours[0]["detail"]
        detail = detail if isinstance(detail, dict) else json.loads(detail)
        assert detail["caller"] == "张三" and detail["viewing_only"] is True
        actions = {e["action"] for e in adm.get("/api/v1/audit").json()}
        assert {"subject_request.add", "subject_request.consent"} <= actions

    page.get_by_test_id("sr-close").click()
    expect(panel).to_have_count(0)
    expect(
        page.get_by_test_id("sr-table").locator(f'tr[data-id="{request_id}"]')
    ).to_have_attribute("data-state", "closed")


def test_a_found_camera_is_reported_in_one_step(page: Any, console: Console) -> None:
    sign_in(page, console, "admin", "#/privacy")
    expect(page.get_by_test_id("pc-due")).to_contain_text("尚无检查记录")
    page.get_by_test_id("pc-checked_on").fill("2025-11-30")
    page.get_by_test_id("pc-checked_by").fill("王五")
    page.get_by_test_id("pc-places").fill("客房 301；客房 302")
    page.get_by_test_id("pc-result").select_option("camera_found")
    page.get_by_test_id("pc-add-submit").click()  # no description of the find: refused
    expect(page.get_by_test_id("error-place")).to_contain_text("N8.2")
    page.get_by_test_id("pc-place").fill("客房 302 插座内")
    page.get_by_test_id("pc-description").fill("针孔摄像头一个")
    page.get_by_test_id("pc-add-submit").click()
    report = page.get_by_test_id("pc-reports-table").locator("tbody tr[data-id]")
    expect(report).to_have_attribute("data-status", "pending_to_bureau")
    expect(page.get_by_test_id("pc-due")).to_contain_text("2025-12-30")
    with api_client(console, "admin") as adm:
        (found,) = adm.get("/api/v1/privacy-reports").json()
        assert found["document"]["found"]["place"] == "客房 302 插座内"
        assert adm.get(f"/api/v1/privacy-reports/{found['id']}").json()["signature_valid"]
        alarms = adm.get("/api/v1/status").json()
        assert "n8_camera_found" in json.dumps(alarms, ensure_ascii=False)
