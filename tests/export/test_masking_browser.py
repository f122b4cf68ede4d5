"""N22 in a real browser: the export form's checkbox 用于公开发布（打码） and its regions;
a bad region is shown beside its field citing N22; the package downloaded holds the
masked copy, and it verifies.

Debian's Chromium, a real camera, recorder and server (tests/site/conftest.py).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.site.conftest import Console
from tests.site.conftest import browser as browser
from tests.site.conftest import console as console
from tests.site.conftest import page as page
from tests.site.test_browser import sign_in
from vigil.audit.query import list_entries
from vigil.clock import US_PER_S, us_to_iso
from vigil.export.package import verify_export

pytestmark = pytest.mark.slow


def test_the_export_form_asks_for_a_masked_copy_for_publication(
    page: Any, console: Console, tmp_path: Path
) -> None:
    start = console.segments("cam1")[0].start_us + 500_000
    sign_in(page, console, "admin", "#/exports")
    page.get_by_test_id("export-camera").locator("option", has_text="cam1").wait_for(
        state="attached"
    )
    page.get_by_test_id("export-camera").select_option("cam1")
    page.get_by_test_id("export-from").fill(us_to_iso(start))
    page.get_by_test_id("export-to").fill(us_to_iso(start + 3 * US_PER_S))
    page.get_by_test_id("export-purpose").fill("公开征集线索 mask-test")
    page.get_by_test_id("export-destination").fill("区公安分局官方微博")
    regions = page.get_by_test_id("export-mask-regions")
    expect(regions).to_be_disabled()  # regions belong to a copy for publication
    page.get_by_label("用于公开发布（打码）").check()
    regions.fill("10,10,60\n")
    page.get_by_test_id("export-submit").click()
    expect(page.get_by_test_id("error-mask_region")).to_contain_text("x,y,w,h")
    expect(page.get_by_test_id("error-mask_region")).to_contain_text("N22")

    regions.fill("10,10,60,30@0-2\n\n200,150,100,60")
    page.get_by_test_id("export-submit").click()
    expect(page.get_by_test_id("export-masked")).to_have_text("打码副本")
    link = page.get_by_test_id("export-download")
    link.wait_for(timeout=120_000)
    with page.expect_download() as info:
        link.click()
    package = tmp_path / "export.zip"
    info.value.save_as(package)
    with zipfile.ZipFile(package) as z:
        assert sorted(n for n in z.namelist() if n.endswith(".mp4"))[0].endswith(".masked.mp4")
    assert verify_export(package) == []
    [entry] = [e for e in list_entries(console.ctx, action="export")
               if e.purpose == "公开征集线索 mask-test" and e.result == "ok"]  # fmt: skip
    assert entry.detail["masked"] is True and entry.detail["marked_regions"] == 2
