"""The bureau's filing review in a real Chromium (A13.2, N14): an officer signs in to the
register page of a running `vigil bureau serve`, returns a unit's filing with a reason,
then accepts the corrected version; the unit (a running `vigil serve`) shows the return
and then the receipt 备案回执 with the number the page shows."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.bureau.conftest import Bureau, Site, bureau, site_process, vigil, wait_for  # noqa: F401
from tests.filings.helpers import ALL_ITEMS, HOTEL
from tests.site.conftest import CHROMIUM, chromium

pytestmark = pytest.mark.slow
PW = "correct-horse-battery-9"


def reload_until(page: Any, testid: str, what: str) -> None:
    """Reload the register until a row shows (delivery over the link takes its time)."""
    deadline = time.monotonic() + 60
    while page.get_by_test_id(testid).count() == 0:
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        page.wait_for_timeout(300)
        page.reload()
        expect(page.get_by_test_id("bureau-filings")).to_be_visible()


def status(site: Site) -> dict[str, Any]:
    out = site.cli("filing", "status", "--json")
    assert out.returncode == 0, out.stderr
    found: dict[str, Any] = json.loads(out.stdout)
    return found


def test_officer_returns_then_accepts_in_the_bureau_console(
    tmp_path: Path,
    bureau: Bureau,  # noqa: F811
    database_url: str | None,
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    out = vigil("bureau", "user", "add", "li", "--home", str(bureau.home), "--role", "officer",
                "--password-stdin", stdin=PW + "\n")  # fmt: skip
    assert out.returncode == 0, out.stderr
    files = []
    for kind, (data, name) in ALL_ITEMS.items():
        (tmp_path / name).write_bytes(data)
        files += ["--attach", f"{kind}={tmp_path / name}"]
    with site_process(tmp_path / "site", database_url, VIGIL_LINK_RETRY_MAX_S="1") as site:
        profile = ["--unit-name", HOTEL["unit_name"], "--credit-code", HOTEL["credit_code"],
                   "--division-code", "350102", "--address", HOTEL["address"],
                   "--categories", "hospitality_entertainment", "--builder", "unit",
                   "--delivered-on", "2025-12-01", "--commissioned-on", "2025-12-02"]  # fmt: skip
        assert site.cli("site", "profile", "set", *profile).returncode == 0
        token = bureau.invite(HOTEL["unit_name"], "--division", "350102")
        assert site.cli("link", "join", bureau.server.url, "--token", token).returncode == 0
        out = site.cli("filing", "submit", *files)
        assert out.returncode == 0, out.stderr

        with chromium() as browser:
            context = browser.new_context()  # type: ignore[attr-defined]
            context.set_default_timeout(30_000)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(bureau.server.url + "/filings")
            page.get_by_test_id("login-username").fill("li")
            page.get_by_test_id("login-password").fill(PW)
            page.get_by_test_id("login-submit").click()
            table = page.get_by_test_id("bureau-filings")
            expect(table).to_be_visible()  # signed in (argon2 may take a while under load)
            reload_until(page, "filing-row-1", "the filing to reach the bureau")
            expect(table).to_contain_text(HOTEL["unit_name"])
            expect(page.get_by_test_id("state-1")).to_contain_text("待审核")
            page.get_by_test_id("reason-1").fill("授权书未加盖公章")
            page.get_by_test_id("return-1").click()
            expect(page.get_by_test_id("state-1")).to_contain_text("已退回")
            wait_for(lambda: status(site)["state"] == "returned", "the return at the unit")
            assert status(site)["filings"][0]["history"][-1]["reasons"] == ["授权书未加盖公章"]

            stamped = tmp_path / "授权书-盖章.pdf"
            stamped.write_bytes(b"%PDF-1.4 stamped")
            out = site.cli("filing", "submit", "--attach", f"authorisation_letter={stamped}")
            assert out.returncode == 0, out.stderr
            reload_until(page, "filing-row-2", "version 2 to reach the bureau")
            page.get_by_test_id("accept-2").click()
            receipt = page.get_by_test_id("receipt-2")
            expect(receipt).to_contain_text("备〔")
            number = receipt.inner_text()
            wait_for(lambda: status(site)["state"] == "accepted", "the receipt at the unit")
            assert status(site)["receipt"]["number"] == number
            context.close()
            assert not errors, errors
