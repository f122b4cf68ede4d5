"""N16.2(3) in a real browser: the playback dialog asks the caller's unit, prefilled with the
site's own unit; the audit entry and the audit page carry what was registered.

Debian's Chromium, a real camera, recorder and server (tests/site/conftest.py).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.site.conftest import Console
from tests.site.rows_profile import HOTEL
from tests.site.test_browser import api_client, recorded_instant, sign_in
from vigil.audit.query import list_entries
from vigil.clock import us_to_iso

pytestmark = pytest.mark.slow

BUREAU = "福州市公安局鼓楼分局"


def test_playback_dialog_asks_the_callers_unit_and_the_audit_entry_carries_it(
    page: Any, console: Console
) -> None:
    tag = uuid.uuid4().hex[:6]
    with api_client(console, "admin") as admin:
        assert admin.put("/api/v1/site/profile", json=HOTEL).status_code == 200
    sign_in(page, console, "admin", "#/playback")
    page.get_by_test_id("pb-camera-cam1").wait_for()
    page.get_by_test_id("play-toggle").click()
    page.get_by_test_id("seek-input").fill(us_to_iso(recorded_instant(console)))
    page.get_by_test_id("seek-button").click()

    dialog = page.get_by_test_id("purpose-dialog")
    unit = dialog.get_by_test_id("caller-unit-input")
    expect(unit).to_have_value(HOTEL["unit_name"])  # default: the site's own unit
    expect(dialog.get_by_test_id("caller-unit-article")).to_contain_text("N16.2(3)")
    expect(dialog.get_by_test_id("caller-unit-article")).to_contain_text("《条例》第十六条第二款")
    page.get_by_test_id("purpose-input").fill(f"民警调阅-{tag}")
    page.get_by_test_id("destination-input").fill("现场查看")
    unit.fill(BUREAU)  # an officer viewing at the unit names their bureau
    page.get_by_test_id("purpose-submit").click()
    expect(dialog).to_have_count(0)

    [entry] = [e for e in list_entries(console.ctx, action="playback")
               if e.purpose == f"民警调阅-{tag}"]  # fmt: skip
    assert entry.caller_unit == BUREAU and entry.actor == "admin"
    assert entry.camera_name == "cam1" and entry.from_us is not None  # the content

    page.goto(f"{console.base}/#/audit")
    row = page.get_by_test_id("audit-rows").locator("tr").filter(has_text=f"民警调阅-{tag}")
    expect(row).to_have_count(1)
    expect(row.locator('[data-col="caller_unit"]')).to_have_text(BUREAU)
