"""The dashboard between real processes on loopback (A4, A3, A13.2): `vigil bureau serve`
(checking its units by itself every second) and a unit's `vigil serve`, linked. The
dashboard answers 401 without a session; it lists the unit with its seals and the outcome of
the scheduled check-site; an officer asks the unit for its self-check report over the link
and reads its rows once it arrived, an administrator may not ask; in Chromium the page draws
its charts and filters by division."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

import vigil.link.seals  # noqa: F401  (the seal listener, as in every `vigil` process)
from tests.bureau.conftest import Bureau, site_process, wait_for
from tests.bureau.test_link_processes import audit_rows, join, site_audit
from tests.filings.test_bureau_processes import staff
from tests.site.conftest import CHROMIUM, CHROMIUM_ARGS
from vigil.integrity.seal import seal_now


def admin(b: Bureau) -> httpx.Client:
    client = httpx.Client(base_url=b.server.url, timeout=30)
    r = client.post("/api/v1/auth/login",
                    json={"username": "admin", "password": b.admin_password})  # fmt: skip
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return client


@pytest.fixture
def linked(tmp_path: Path, bureau: Bureau, database_url: str | None) -> Any:
    bureau.server.stop()
    bureau.server.args += ["--check-every", "1"]
    bureau.server.start()
    with site_process(tmp_path / "a", database_url) as a:
        join(a, bureau, bureau.invite("鼓楼酒店", "--division", "350102"))
        ctx = a.ctx()
        seal_now(ctx, only_if_changed=False)
        ctx.close()
        yield a


def test_dashboard_lists_the_unit_with_its_scheduled_check_and_its_self_check_report(
    bureau: Bureau, linked: Any
) -> None:
    assert httpx.get(bureau.server.url + "/api/v1/dashboard").status_code == 401
    assert httpx.get(bureau.server.url + "/api/v1/overdue").status_code == 401
    boss = admin(bureau)

    def checked() -> Any:
        units = boss.get("/api/v1/dashboard").json()["list"]["units"]
        return units and units[0]["last_check"] and units[0]["newest_seal_us"]

    wait_for(checked, "the scheduled check-site and a seal on the dashboard")
    board = boss.get("/api/v1/dashboard").json()
    [unit] = board["list"]["units"]
    assert unit["name"] == "鼓楼酒店" and unit["last_check"]["ok"] and not unit["seals_stale"]
    assert board["seals"] == {"stale": 0, "check_failed": 0, "article": "A3"}
    assert board["filings"]["not_filed"] == 1
    assert boss.get("/api/v1/overdue").json()["never_filed"] == ["鼓楼酒店"]
    r = boss.get("/api/v1/dashboard", params={"division": "350203"})
    assert r.status_code == 400 and r.json()["field"] == "division"
    assert boss.get("/api/v1/dashboard", params={"division": "350102"}).json()["units"][
        "total"] == 1  # fmt: skip
    assert boss.get("/api/v1/dashboard", params={"division": "350103"}).json()["units"][
        "total"] == 0  # fmt: skip

    # the self-check report: asked by an officer, not by an administrator (403)
    assert boss.post("/api/v1/units/鼓楼酒店/selfcheck", json={}).status_code == 403
    officer = staff(bureau, "li", "officer")
    r = officer.post("/api/v1/units/鼓楼酒店/selfcheck", json={"period_days": 30})
    assert r.status_code == 200, r.text

    def arrived() -> Any:
        return officer.get("/api/v1/units/鼓楼酒店/selfcheck").json()["report"]

    wait_for(arrived, "the unit's self-check report at the bureau")
    got = officer.get("/api/v1/units/鼓楼酒店/selfcheck").json()
    assert got["pending"] == [] and got["report"]["rows"]
    assert all(row["id"] and row["status"] in ("met", "not_met", "needs_evidence")
               for row in got["report"]["rows"])  # fmt: skip
    assert [a["unit"] for a in audit_rows(bureau, "selfcheck_received")] == ["鼓楼酒店"]
    assert [d["request"] for _r, d in site_audit(linked, "selfcheck_sent")] == [
        r.json()["request"]]  # fmt: skip
    assert audit_rows(bureau, "check_site")[0]["unit"] == "鼓楼酒店"


@pytest.mark.slow
def test_the_dashboard_page_draws_its_charts_and_filters_by_division(
    bureau: Bureau, linked: Any
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context().new_page()
            page.set_default_timeout(20_000)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(bureau.server.url + "/dashboard")
            page.fill("#login input[name=username]", "admin")
            page.fill("#login input[name=password]", bureau.admin_password)
            page.click("#login button[type=submit]")
            expect(page.locator("#board")).to_be_visible()
            expect(page.locator("svg.chart")).to_have_count(6)
            expect(page.locator("#card-filings svg.donut")).to_contain_text("1")
            expect(page.locator("#units tbody tr")).to_have_count(1)
            expect(page.locator("#units tbody")).to_contain_text("鼓楼酒店")
            expect(page.locator("#never")).to_contain_text("鼓楼酒店")
            page.select_option("#division", "350102")
            expect(page.locator("#units tbody tr")).to_have_count(1)
            page.click("#lang")
            expect(page.locator("h1")).to_contain_text("Supervision dashboard")
            page.locator("#units tbody tr button").click()
            expect(page.locator("#sc-state")).to_contain_text("no report yet")
            assert not errors, errors
        finally:
            browser.close()
