"""The register of planned systems in Chromium (A6, N6) against a real `vigil bureau serve`:
the head signs in at /planning, registers a plan, registers another on the same square and
sees the N6 warning naming the first, filters by division, and sees a bad field named."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.bureau.conftest import Bureau
from tests.bureau.test_planning import SQUARE, add_user
from tests.site.conftest import CHROMIUM, CHROMIUM_ARGS


@pytest.mark.slow
def test_the_planning_page_registers_warns_and_filters(bureau: Bureau) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import expect, sync_playwright

    assert 'href="/planning"' in httpx.get(bureau.server.url + "/", timeout=30).text  # the nav
    head = add_user(bureau, "zhang", "head")
    first = head.post("/api/v1/plans", json={**SQUARE, "division_code": "350103"}).json()["plan"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context().new_page()
            page.set_default_timeout(20_000)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(bureau.server.url + "/planning")
            page.fill("#login input[name=username]", "zhang")
            page.fill("#login input[name=password]", "planning-password-42")
            page.click("#login button[type=submit]")
            expect(page.locator("[data-testid=plans] tbody tr")).to_have_count(1)
            form = page.locator("#create")
            form.locator("[name=name]").fill("台江区广场补点")
            form.locator("[name=planner]").fill("福州市台江区人民政府")
            form.locator("[name=division_code]").fill("350103")
            form.locator("[name=category]").fill("crowded_public_places")
            form.locator("[name=places]").fill("五一广场")
            form.locator("[name=cameras]").fill("crowd_area=3")
            page.click("[data-testid=plan-submit]")
            expect(page.locator("[data-testid=plan-warnings]")).to_contain_text(
                f"plan {first['id']}"
            )
            expect(page.locator("[data-testid=plan-warnings]")).to_contain_text("N6")
            expect(page.locator("[data-testid=plans] tbody tr")).to_have_count(2)
            expect(page.locator("[data-testid=plan-counts]")).to_contain_text("摄像机 cameras 19")
            page.fill("[data-testid=division-filter]", "350102")
            page.click("[data-testid=filter-submit]")
            expect(page.locator("[data-testid=plans] tbody tr")).to_have_count(0)
            form.locator("[name=cameras]").fill("toilet=1")  # A8/N8: no camera there
            page.click("[data-testid=plan-submit]")
            expect(page.locator("[data-testid=planning-error]")).to_contain_text("cameras")
            assert not errors, errors
        finally:
            browser.close()
