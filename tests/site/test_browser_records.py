"""The unit's records in a real browser: site profile, camera siting, coverage, filing form,
staff and room log, maintenance, and the self-check report (issue 4's "Done means").

One console per module (tests/site/conftest.py): cameras cam1 and cam2 recording, users
admin (管理), watcher (监看) and checker (审计). The tests run in file order and build on
each other's records, as a unit filling in its console would; each states what it needs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.site.conftest import Console
from tests.site.test_browser import api_client, sign_in
from vigil.clock import SystemClock, local_date
from vigil.config import Settings

pytestmark = pytest.mark.slow

UNIT = "榕城大酒店有限公司"
CREDIT_CODE = "91350100M000100Y43"  # a valid GB 32100-2015 code
BAD_CREDIT_CODE = "91350100M000100Y44"  # the same with a wrong check character


def days_ago(n: int) -> str:
    """The unit's calendar day (the default `unit_timezone`) n days ago, YYYY-MM-DD."""
    return (local_date(SystemClock().now_us(), Settings().unit_tz) - timedelta(days=n)).isoformat()


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def download(page: Any, testid: str, to: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_test_id(testid).click()
    info.value.save_as(to)
    return to


# -- 0: the profile form holds still until the saved profile has arrived ------------------------


def test_profile_form_is_disabled_until_the_profile_arrives(page: Any, console: Console) -> None:
    # The profile's GET is held back (Playwright routing in the real browser; the server is
    # untouched) to open the window in which typed text used to be overwritten on arrival.
    held: list[Any] = []
    page.route("**/api/v1/site/profile", lambda route: held.append(route))
    try:
        sign_in(page, console, "admin", "#/site")
        field = page.get_by_test_id("site-unit_name")
        expect(field).to_be_disabled()
        expect(page.get_by_test_id("site-profile")).to_have_attribute("aria-busy", "true")
        deadline = time.monotonic() + 10
        while not held:  # each round trip lets Playwright dispatch the held route
            assert time.monotonic() < deadline, "the profile was never requested"
            page.evaluate("() => 0")
        with page.expect_response("**/api/v1/site/profile") as arrived:
            held[0].continue_()
        arrived.value.finished()
        expect(field).to_be_enabled()
        field.fill("typed after arrival")
        # Two painted frames after the profile arrived: any late fill from it has landed.
        page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        expect(field).to_have_value("typed after arrival")
    finally:
        page.unroute("**/api/v1/site/profile")


# -- 1: the hotel's profile, a refused guest-room camera, coverage and the filing form -----------


def test_hotel_profile_guest_room_refused_coverage_and_filing_form(
    page: Any, console: Console, tmp_path: Path
) -> None:
    sign_in(page, console, "admin", "#/site")
    expect(page.get_by_test_id("nav").locator("a.active")).to_have_text("场所")
    page.get_by_test_id("site-unit_name").fill(UNIT)
    page.get_by_test_id("site-credit_code").fill(BAD_CREDIT_CODE)
    page.get_by_test_id("site-division_code").fill("350102")
    page.get_by_test_id("site-address").fill("福建省福州市鼓楼区五四路 1 号")
    page.get_by_test_id("site-category-hospitality_entertainment").check()
    page.get_by_test_id("site-builder").select_option("unit")
    page.get_by_test_id("site-contact_name").fill("林经理")
    page.get_by_test_id("site-contact_phone").fill("0591-87654321")
    page.get_by_test_id("site-delivered_on").fill(days_ago(10))
    page.get_by_test_id("site-commissioned_on").fill(days_ago(9))

    # A wrong check character: refused at the field, naming it; nothing is saved.
    page.get_by_test_id("site-profile-submit").click()
    error = page.get_by_test_id("error-credit_code")
    expect(error).to_be_visible()
    expect(error).to_contain_text("统一社会信用代码")
    expect(page.get_by_test_id("site-credit_code")).to_have_class("invalid")
    expect(page.get_by_test_id("site-profile-saved")).to_be_hidden()
    with api_client(console, "admin") as admin:
        assert admin.get("/api/v1/site/profile").json()["profile"] is None

    page.get_by_test_id("site-credit_code").fill(CREDIT_CODE)
    page.get_by_test_id("site-profile-submit").click()
    expect(page.get_by_test_id("site-profile-saved")).to_be_visible()
    expect(error).to_be_hidden()
    # The filing deadline: since 2025-04-01 N14 (30 days from use) beside A13.2, both cited.
    filing = page.get_by_test_id("site-status").locator('[data-article="N14, A13.2"]')
    expect(filing).to_contain_text("第十三条第二款")
    expect(filing).to_contain_text("《条例》第十四条")
    # The category's usual key positions are now the site's; the lobby has no camera.
    expect(page.get_by_test_id("site-position-lobby")).to_be_visible()
    lobby = page.get_by_test_id("coverage-lobby")
    expect(lobby).to_have_attribute("data-status", "gap")
    expect(lobby).to_contain_text("无摄像机")

    # A camera in a hotel guest room: refused citing A8 (the item the server names).
    page.get_by_test_id("nav-siting").click()
    page.get_by_test_id("siting-camera").select_option("cam1")
    forbidden = page.get_by_test_id("siting-location_type").locator(
        'option[value="hotel_guest_room"]'
    )
    expect(forbidden).to_contain_text("A8(1)")  # listed, marked as forbidden
    page.get_by_test_id("siting-location_type").select_option("hotel_guest_room")
    page.get_by_test_id("siting-purpose").fill("客房安全")
    page.get_by_test_id("siting-form-submit").click()
    refusal = page.get_by_test_id("error-location_type")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("A8(1)")
    expect(refusal).to_contain_text("第八条第（一）项")
    expect(refusal).to_contain_text("旅馆客房")
    expect(page.get_by_test_id("siting-saved")).to_be_hidden()
    with api_client(console, "admin") as admin:
        sited = admin.get("/api/v1/cameras/cam1/siting").json()
        assert sited["location_type"] is None and sited["purpose"] == "", sited

    # At the entrance it is accepted, with its sign.
    page.get_by_test_id("siting-location_type").select_option("entrance")
    page.get_by_test_id("siting-location_note").fill("正门")
    page.get_by_test_id("siting-purpose").fill("大门出入口")
    page.get_by_test_id("siting-sign_installed").check()
    page.get_by_test_id("siting-form-submit").click()
    expect(page.get_by_test_id("siting-saved")).to_be_visible()
    expect(refusal).to_be_hidden()
    row = page.get_by_test_id("siting-row-cam1")
    expect(row.locator('[data-col="location"]')).to_contain_text("出入口")
    expect(row.locator('[data-col="location"]')).to_contain_text("正门")

    # The coverage report: the entrance is covered by a working camera, the lobby is not.
    page.get_by_test_id("nav-site").click()
    expect(page.get_by_test_id("coverage-entrance")).to_have_attribute("data-status", "covered")
    expect(page.get_by_test_id("coverage-entrance")).to_contain_text("cam1")
    expect(page.get_by_test_id("coverage-lobby")).to_have_attribute("data-status", "gap")
    expect(page.get_by_test_id("site-coverage-summary")).to_contain_text("未覆盖")

    # The filing form (备案表), in Chinese.
    pdf = download(page, "site-filing-pdf", tmp_path / "filing.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert UNIT in text, text[:2000]
    assert CREDIT_CODE in text, text[:2000]
    assert "备案" in text, text[:2000]

    # Its attachments: a text file is refused at the field; a PDF is kept and listed.
    junk = tmp_path / "plan.txt"
    junk.write_text("not a plan", "utf-8")
    page.get_by_test_id("site-upload-design_plan").set_input_files(str(junk))
    expect(page.get_by_test_id("error-design_plan")).to_be_visible()
    expect(page.get_by_test_id("site-attachment-link-design_plan")).to_have_count(0)
    page.get_by_test_id("site-upload-design_plan").set_input_files(str(pdf))
    expect(page.get_by_test_id("site-attachment-link-design_plan")).to_have_text("filing.pdf")
    expect(page.get_by_test_id("error-design_plan")).to_be_hidden()
    with api_client(console, "admin") as admin:
        assert admin.get("/api/v1/site/profile").json()["profile"]["design_plan_id"]


# -- 2: the self-check report ------------------------------------------------------------------


def test_compliance_page_shows_which_duties_are_unmet(
    page: Any, console: Console, tmp_path: Path
) -> None:
    # Needs: the hotel's profile; cam2 without siting or sign; nobody on the roster yet.
    with api_client(console, "admin") as admin:
        assert admin.get("/api/v1/site/profile").json()["profile"]["unit_name"] == UNIT
    sign_in(page, console, "admin", "#/compliance")
    rows = page.get_by_test_id("cp-rows").locator("tr")
    expect(rows.first).to_have_attribute("data-article", "A7")
    not_met = page.get_by_test_id("cp-count-not_met").locator(".count")
    expect(not_met).not_to_have_text("0")

    a14 = page.get_by_test_id("cp-row-A14")  # signs and fixed views (A14)
    expect(a14).to_have_attribute("data-status", "not_met")
    expect(a14.locator('[data-col="status"]')).to_have_text("未履行")
    expect(a14.locator('[data-col="evidence"]')).to_contain_text("cam2")
    expect(a14.locator('[data-col="evidence"]')).to_contain_text("未设置标识")
    expect(a14.locator('[data-col="action"]')).to_contain_text("设置明显标识")
    a164 = page.get_by_test_id("cp-row-A16(4)")  # nobody on the roster: the sanction in zh
    expect(a164.locator('[data-col="action"]')).to_contain_text(
        "第二十四条第（四）项：责令限期改正"
    )
    expect(a14.locator('[data-col="article"]')).to_contain_text("第十四条")
    a17 = page.get_by_test_id("cp-row-A17.1")  # nobody trained on the roster
    expect(a17).to_have_attribute("data-status", "not_met")
    expect(a17.locator('[data-col="action"]')).not_to_be_empty()
    expect(page.get_by_test_id("cp-meta")).to_contain_text(UNIT)

    # Only what is unmet, on request; in English on request.
    page.get_by_test_id("cp-filter").select_option("not_met")
    statuses = rows.evaluate_all("rs => rs.map(r => r.dataset.status)")
    assert statuses and set(statuses) == {"not_met"}, statuses
    page.get_by_test_id("lang-switch").click()
    expect(a14.locator('[data-col="status"]')).to_have_text("not met")
    expect(a14.locator('[data-col="evidence"]')).to_contain_text("without a sign")
    expect(a14.locator('[data-col="evidence"]')).not_to_contain_text("未设置标识")
    expect(a14.locator('[data-col="action"]')).to_contain_text("Put up a clear sign")
    expect(page.get_by_test_id("cp-rows-card").locator("h2")).to_have_text("Article by article")
    page.get_by_test_id("lang-switch").click()

    # The same report as JSON (signed) and PDF for the inspector.
    report = json.loads(download(page, "cp-json", tmp_path / "report.json").read_text("utf-8"))
    by_id = {d["id"]: d["status"] for d in report["duties"]}
    assert by_id["A14"] == "not_met" and by_id["A17.1"] == "not_met", by_id
    assert report["summary"]["not_met"] == int(not_met.inner_text())
    text = pdf_text(download(page, "cp-pdf", tmp_path / "report.pdf"))
    assert "A14" in text and UNIT in text, text[:2000]


# -- 3: staff, training and the monitoring-room log ----------------------------------------------


def test_staff_training_and_a_flagged_room_entry(page: Any, console: Console) -> None:
    sign_in(page, console, "admin", "#/staff")
    page.get_by_test_id("staff-name").fill("王监看")
    page.get_by_test_id("staff-duty").select_option("monitoring")
    page.get_by_test_id("staff-user").select_option("watcher")
    page.get_by_test_id("staff-joined_on").fill(days_ago(60))
    page.get_by_test_id("staff-add-submit").click()
    member = page.get_by_test_id("staff-table").locator('tr[data-name="王监看"]')
    expect(member).to_have_attribute("data-trained", "false")  # highlighted until trained
    expect(member).to_have_class("attention")
    expect(member.locator('[data-col="account"]')).to_have_text("watcher")
    expect(page.get_by_test_id("staff-untrained-count")).to_contain_text("1")

    # A record dated in the future is refused at its field.
    page.get_by_test_id("training-staff").select_option(label="王监看 (监看)")
    page.get_by_test_id("training-kind").select_option("training")
    page.get_by_test_id("training-held_on").fill(days_ago(-3))
    page.get_by_test_id("training-topic").fill("监控系统操作规程")
    page.get_by_test_id("training-add-submit").click()
    expect(page.get_by_test_id("error-held_on")).to_contain_text("future")
    for kind, topic in (("training", "监控系统操作规程"), ("secrecy", "保密教育")):
        page.get_by_test_id("training-staff").select_option(label="王监看 (监看)")
        page.get_by_test_id("training-kind").select_option(kind)
        page.get_by_test_id("training-held_on").fill(days_ago(20))
        page.get_by_test_id("training-topic").fill(topic)
        page.get_by_test_id("training-add-submit").click()
        expect(member.locator(f'[data-col="{kind}"]')).to_have_text(days_ago(20))
        expect(page.get_by_test_id("error-held_on")).to_be_hidden()
    expect(member).to_have_attribute("data-trained", "true")
    expect(page.get_by_test_id("staff-untrained-count")).to_contain_text("0")

    # A visitor in the monitoring room is flagged (possible A24(4)); the watcher is not.
    page.get_by_test_id("room-person_name").fill("张三")
    page.get_by_test_id("room-organisation").fill("某广告公司")
    page.get_by_test_id("room-reason").fill("洽谈业务")
    page.get_by_test_id("room-entry-submit").click()
    visitor = page.get_by_test_id("room-table").locator("tbody tr", has_text="张三")
    expect(visitor).to_have_attribute("data-flagged", "true")
    expect(visitor).to_have_class("flagged")
    counted = page.get_by_test_id("room-flagged-count")
    expect(counted).to_contain_text("1")
    expect(counted).to_contain_text("第二十四条第（四）项")

    page.get_by_test_id("room-staff").select_option(label="王监看 (监看)")
    page.get_by_test_id("room-reason").fill("值班")
    page.get_by_test_id("room-entry-submit").click()
    staff_entry = page.get_by_test_id("room-table").locator("tbody tr", has_text="值班")
    expect(staff_entry).to_have_attribute("data-flagged", "false")
    staff_entry.get_by_role("button").click()  # registers the exit
    expect(staff_entry.get_by_role("button")).to_have_count(0)
    expect(counted).to_contain_text("1")


def test_shift_and_handover_note(page: Any, console: Console) -> None:
    # Needs: 王监看 on the roster (test 3).
    sign_in(page, console, "admin", "#/staff")
    page.get_by_test_id("staff-name").fill("李管理")
    page.get_by_test_id("staff-duty").select_option("management")
    page.get_by_test_id("staff-joined_on").fill(days_ago(100))
    page.get_by_test_id("staff-add-submit").click()
    expect(page.get_by_test_id("staff-table").locator('tr[data-name="李管理"]')).to_be_visible()

    now = datetime.now().astimezone()  # the browser's zone is this machine's
    local = "%Y-%m-%d %H:%M"
    page.get_by_test_id("shift-staff").select_option(label="王监看 (监看)")
    page.get_by_test_id("shift-post").fill("1 号监看席")
    page.get_by_test_id("shift-starts").fill((now - timedelta(hours=1)).strftime(local))
    page.get_by_test_id("shift-ends").fill((now - timedelta(hours=2)).strftime(local))
    page.get_by_test_id("shift-add-submit").click()
    expect(page.get_by_test_id("error-ends")).to_contain_text("after")  # ends before it starts
    page.get_by_test_id("shift-ends").fill((now + timedelta(hours=7)).strftime(local))
    page.get_by_test_id("shift-add-submit").click()
    shift = page.get_by_test_id("shifts-table").locator("tbody tr", has_text="1 号监看席")
    expect(shift).to_have_count(1)
    expect(page.get_by_test_id("error-ends")).to_be_hidden()

    page.get_by_test_id("shift-handover-shift").select_option(index=1)
    page.get_by_test_id("shift-handover-to").select_option(label="李管理 (管理)")
    page.get_by_test_id("shift-handover-note").fill("2 号门摄像机画面偏移，已报维保")
    page.get_by_test_id("shift-handover-submit").click()
    expect(shift.locator('[data-col="to"]')).to_have_text("李管理")
    expect(shift.locator('[data-col="note"]')).to_have_text("2 号门摄像机画面偏移，已报维保")


# -- 4: maintenance ----------------------------------------------------------------------------


def test_maintenance_fault_stays_open_until_resolved(page: Any, console: Console) -> None:
    sign_in(page, console, "admin", "#/maintenance")
    expect(page.get_by_test_id("mt-plan-state")).to_contain_text("没有应急预案记录")
    page.get_by_test_id("log-kind").select_option("fault")
    page.get_by_test_id("log-camera").select_option("cam2")
    page.get_by_test_id("log-summary").fill("cam2 画面模糊")
    page.get_by_test_id("log-performed_by").fill("值班员王监看")
    page.get_by_test_id("log-add-submit").click()
    expect(page.get_by_test_id("mt-open-count")).to_contain_text("1")
    fault = page.get_by_test_id("open-faults").locator("tbody tr").first
    expect(fault).to_contain_text("cam2 画面模糊")

    page.once("dialog", lambda dialog: dialog.accept("清洁镜头"))
    fault.get_by_role("button").click()
    expect(page.get_by_test_id("mt-open-count")).to_contain_text("0")
    expect(page.get_by_test_id("log-table").locator("tbody tr").first).to_contain_text("清洁镜头")

    # A contract without the security clause is kept but highlighted (A16(2)).
    page.get_by_test_id("contract-contractor").fill("闽安技防工程有限公司")
    page.get_by_test_id("contract-scope").fill("全部摄像机及录像设备")
    page.get_by_test_id("contract-starts_on").fill(days_ago(30))
    page.get_by_test_id("contract-ends_on").fill(days_ago(-335))
    page.get_by_test_id("contract-add-submit").click()
    contract = page.get_by_test_id("contracts-table").locator("tbody tr").first
    expect(contract).to_contain_text("闽安技防工程有限公司")
    expect(contract).to_have_class("attention")


# -- 5: the sign's photo and the approved reference view (A14) -----------------------------------


def test_sign_photo_and_reference_view_approved(
    page: Any, console: Console, tmp_path: Path
) -> None:
    # Needs: cam1 sited at the entrance (test 1).
    photo = tmp_path / "sign.png"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=yellow:s=64x48",
         "-frames:v", "1", str(photo)],
        check=True, timeout=60,
    )  # fmt: skip
    sign_in(page, console, "admin", "#/siting")
    page.get_by_test_id("siting-camera").select_option("cam1")
    expect(page.get_by_test_id("siting-location_type")).to_have_value("entrance")
    page.get_by_test_id("siting-sign-upload").set_input_files(str(photo))
    img = page.get_by_test_id("siting-sign-img")
    expect(img).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=siting-sign-img]').naturalWidth === 64"
    )

    expect(page.get_by_test_id("siting-ref-img")).to_have_count(0)
    page.get_by_test_id("siting-ref-take").click()
    view = page.get_by_test_id("siting-ref-img")
    expect(view).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=siting-ref-img]').naturalWidth === 320"
    )  # a frame of cam1's recording (320×240)
    expect(page.get_by_test_id("siting-ref-state")).to_have_text("待管理人员批准")
    page.get_by_test_id("siting-ref-approve").click()
    expect(page.get_by_test_id("siting-ref-state")).to_contain_text("已由 admin")
    expect(page.get_by_test_id("siting-ref-approve")).to_have_count(0)
    expect(page.get_by_test_id("siting-ref-cam1")).to_have_text("是")
    expect(page.get_by_test_id("siting-ref-cam2")).to_have_text("否")


# -- 6: an auditor reads everything and can change nothing --------------------------------------


def test_auditor_sees_the_report_but_no_edit_controls(page: Any, console: Console) -> None:
    sign_in(page, console, "checker", "#/compliance")
    expect(page.get_by_test_id("nav").locator("a")).to_have_text(
        ["查阅登记", "场所", "点位", "人员", "维保", "自查", "当事人查看", "禁装检查"]
    )
    expect(page.get_by_test_id("cp-row-A14")).to_have_attribute("data-status", "not_met")
    expect(page.get_by_test_id("cp-pdf")).to_be_visible()

    page.get_by_test_id("nav-site").click()
    expect(page.get_by_test_id("site-unit_name")).to_have_value(UNIT)
    expect(page.get_by_test_id("site-unit_name")).to_be_disabled()
    expect(page.get_by_test_id("site-category-hospitality_entertainment")).to_be_disabled()
    expect(page.get_by_test_id("coverage-lobby")).to_have_attribute("data-status", "gap")
    expect(page.get_by_test_id("site-filing-pdf")).to_be_visible()
    for testid in ("site-profile-submit", "site-position-add", "site-upload-design_plan"):
        expect(page.get_by_test_id(testid)).to_have_count(0)
    expect(page.get_by_test_id("site-positions").get_by_role("button")).to_have_count(0)

    page.get_by_test_id("nav-siting").click()
    expect(page.get_by_test_id("siting-row-cam1")).to_contain_text("出入口")
    for testid in ("siting-form-submit", "siting-ref-take", "siting-ref-approve"):
        expect(page.get_by_test_id(testid)).to_have_count(0)

    page.get_by_test_id("nav-staff").click()
    expect(page.get_by_test_id("staff-table")).to_contain_text("王监看")
    expect(page.get_by_test_id("room-table").locator('tr[data-flagged="true"]')).to_have_count(1)
    for testid in ("staff-add", "training-add", "shift-add", "shift-handover", "room-entry"):
        expect(page.get_by_test_id(testid)).to_have_count(0)
    expect(page.get_by_test_id("room-table").get_by_role("button")).to_have_count(0)

    page.get_by_test_id("nav-maintenance").click()
    expect(page.get_by_test_id("log-table")).to_contain_text("清洁镜头")
    for testid in ("log-add", "contract-add"):
        expect(page.get_by_test_id(testid)).to_have_count(0)

    # And the server agrees: the auditor's change is refused.
    status = page.evaluate(
        """async () => {
             const me = await (await fetch('/api/v1/auth/me')).json();
             const r = await fetch('/api/v1/site/profile', {method: 'PUT', body: '{"unit_name": "x"}',
               headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token}});
             return r.status;
           }"""
    )
    assert status == 403
