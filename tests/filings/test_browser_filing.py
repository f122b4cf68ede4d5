"""Filing from the console in a real Chromium (A13.2, N14, A13.1): the unit uploads what the
law in force asks, submits, sees the bureau's return with its reasons, submits again, and
sees the receipt; a government-built system shows the A13.1 banner until the bureau records
its acceptance as passed. The bureau's decisions arrive as signed envelopes through the
site's inbox (`vigil.link.inbox.receive`), as its link route delivers them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.site.conftest import Console, browser, console, page  # noqa: F401  (fixtures)
from tests.site.test_browser import api_client, sign_in

from .helpers import HOTEL, PDF, bureau_says, pin_bureau

pytestmark = pytest.mark.slow


def test_submit_return_resubmit_accept_in_the_console(
    page: Any,  # noqa: F811
    console: Console,  # noqa: F811
    tmp_path: Path,
) -> None:
    with api_client(console, "admin") as admin:
        r = admin.put("/api/v1/site/profile", json=HOTEL)
        assert r.status_code == 200, r.text
    key = pin_bureau(console.ctx)
    sign_in(page, console, "admin", "#/site")
    card = page.get_by_test_id("filing-bureau")
    expect(card.get_by_test_id("filing-state-line")).to_contain_text("尚未备案")
    expect(page.get_by_test_id("acceptance-banner")).to_have_count(0)  # unit-built

    # Nothing attached yet: the refusal names every missing item with its article.
    card.get_by_test_id("filing-submit").click()
    error = card.get_by_test_id("filing-error")
    expect(error).to_contain_text("design_plan")
    expect(error).to_contain_text("authorisation_letter")
    expect(error).to_contain_text("N14 (county bureau filing notice)")

    # A13.2's documents in the profile's uploads; the N14 notice's in the filing card.
    for kind in ("design_plan", "test_report", "acceptance_report"):
        f = tmp_path / f"{kind}.pdf"
        f.write_bytes(PDF + kind.encode())
        page.get_by_test_id(f"site-upload-{kind}").set_input_files(str(f))
        expect(page.get_by_test_id(f"site-attachment-link-{kind}")).to_have_text(f.name)
    for kind in ("authorisation_letter", "business_licence", "handler_id"):
        f = tmp_path / f"{kind}.pdf"
        f.write_bytes(PDF + kind.encode())
        card.get_by_test_id(f"filing-upload-{kind}").set_input_files(str(f))
        expect(card.get_by_test_id(f"filing-attachment-link-{kind}")).to_have_text(f.name)
    card.get_by_test_id("filing-submit").click()
    expect(card.get_by_test_id("filing-state-line")).to_contain_text("已提交")
    expect(card.get_by_test_id("filing-error")).to_be_hidden()
    expect(card.get_by_test_id("filing-submit")).to_be_disabled()

    with api_client(console, "admin") as admin:
        filing = admin.get("/api/v1/filing/status").json()["filings"][0]["filing"]
    bureau_says(console.ctx, key, "filing.returned", {
        "filing": filing, "version": 1, "officer": "李警官", "reasons": ["授权书未加盖公章"],
    })  # fmt: skip
    page.reload()
    card = page.get_by_test_id("filing-bureau")
    expect(card.get_by_test_id("filing-state-line")).to_contain_text("已退回")
    expect(card.get_by_test_id("filing-history")).to_contain_text("授权书未加盖公章")

    stamped = tmp_path / "授权书.pdf"
    stamped.write_bytes(PDF + b"stamped")
    card.get_by_test_id("filing-upload-authorisation_letter").set_input_files(str(stamped))
    expect(card.get_by_test_id("filing-attachment-link-authorisation_letter")).to_have_text(
        "授权书.pdf"
    )
    card.get_by_test_id("filing-submit").click()
    expect(card.get_by_test_id("filing-state-line")).to_contain_text("已提交")

    bureau_says(console.ctx, key, "filing.accepted", {
        "filing": filing, "version": 2, "officer": "李警官",
        "receipt_number": "鼓公备〔2026〕0007号", "receipt_on": "2026-01-06",
    })  # fmt: skip
    page.reload()
    card = page.get_by_test_id("filing-bureau")
    expect(card.get_by_test_id("filing-state-line")).to_contain_text("已受理")
    expect(card.get_by_test_id("filing-receipt")).to_contain_text("鼓公备〔2026〕0007号")
    rows = card.get_by_test_id("filing-history").locator("tbody tr")
    expect(rows).to_have_count(4)
    # the auditor reads it too, but gets no submit button
    page.get_by_test_id("logout").click()
    sign_in(page, console, "checker", "#/site")
    card = page.get_by_test_id("filing-bureau")
    expect(card.get_by_test_id("filing-receipt")).to_contain_text("鼓公备〔2026〕0007号")
    expect(card.get_by_test_id("filing-submit")).to_have_count(0)

    # A government-built system: the banner on every page until the bureau records a pass.
    with api_client(console, "admin") as admin:
        r = admin.put(
            "/api/v1/site/profile", json={"builder": "government", "categories": ["roads"]}
        )
        assert r.status_code == 200, r.text
    page.reload()
    banner = page.get_by_test_id("acceptance-banner")
    expect(banner).to_have_text("系统未经验收合格，不得投入使用 (A13.1)")
    page.get_by_test_id("nav-compliance").click()
    expect(banner).to_be_visible()
    bureau_says(console.ctx, key, "acceptance.recorded", {
        "accepted_on": "2025-12-01", "result": "passed", "members": ["市政府验收组"],
    })  # fmt: skip
    with page.expect_response("**/api/v1/filing/status") as answered:
        page.reload()
    assert answered.value.json()["acceptance"]["passed"] is True
    answered.value.finished()
    # two painted frames after the answer: a banner from it would be there by now
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    expect(page.get_by_test_id("acceptance-banner")).to_have_count(0)
