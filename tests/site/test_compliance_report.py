"""The self-check report and the filing form on a real index, with real PDFs.

Rows are written straight through the models, and judged by the record modules the report
reads them through; PDFs are read back with poppler's pdftotext, pdfdetach and pdftoppm.
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from PIL import Image
from sqlalchemy import select

from tests.site.test_api import Served, login, served  # noqa: F401 (fixture)
from vigil.audit.actor import Actor
from vigil.audit.query import list_entries
from vigil.cameras import CameraRegistry
from vigil.clock import US_PER_DAY, FakeClock, local_date
from vigil.compliance import build_report, report_bytes, verify_report
from vigil.compliance.filing import filing_form, render_filing_pdf
from vigil.compliance.pdf import render_report_pdf
from vigil.context import SiteContext
from vigil.db.models import (
    Attachment,
    CameraSiting,
    CameraStatus,
    DutyShift,
    MaintenanceContract,
    MaintenanceRecord,
    PrivacyCheck,
    PrivacyCheckPolicy,
    RoomEntry,
    SitePosition,
    SiteProfile,
    StaffMember,
    TrainingRecord,
)
from vigil.errors import ValidationError
from vigil.integrity.chain import canonical_json
from vigil.keys.signing import load_public_pem
from vigil.records import attachments
from vigil.regulation.articles import is_valid_article_id

UNIT = "某某大酒店"
ADMIN = Actor("admin", "administrator")


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {d["id"]: d["status"] for d in report["duties"]}


def duty(report: dict[str, Any], article: str) -> dict[str, Any]:
    return next(d for d in report["duties"] if d["id"] == article)


def attachment(s: Any, now: int, kind: str, name: str) -> int:
    row = Attachment(
        kind=kind,
        filename=name,
        content_type="application/pdf",
        bytes=10,
        sha256="ab" * 32,
        uploaded_by="admin",
        uploaded_us=now,
    )
    s.add(row)
    s.flush()
    return int(row.id)


def add_profile(
    ctx: SiteContext,
    *,
    delivered_on: str = "2025-12-02",
    filed_on: str | None = None,
    documents: bool = False,
    commissioned_on: str = "2025-12-01",
) -> None:
    now = ctx.clock.now_us()
    with ctx.sessions.begin() as s:
        docs = {}
        if documents:
            docs = {
                "design_plan_id": attachment(s, now, "design_plan", "设计方案.pdf"),
                "test_report_id": attachment(s, now, "test_report", "检测报告.pdf"),
                "acceptance_report_id": attachment(s, now, "acceptance", "验收.pdf"),
            }
        s.add(
            SiteProfile(
                id=1,
                unit_name=UNIT,
                credit_code="91350100M000100Y43",
                division_code="350102",
                address="福州市鼓楼区某某路1号",
                categories='["hospitality_entertainment"]',
                builder="unit",
                contact_name="张三",
                contact_phone="0591-12345678",
                project_kind="new",
                delivered_on=delivered_on,
                commissioned_on=commissioned_on,
                main_works_started_on="2024-06-01",
                main_works_in_use_on="2025-12-01",
                filed_on=filed_on,
                updated_us=now,
                updated_by="admin",
                **docs,
            )
        )


def fill_records(ctx: SiteContext) -> None:
    """A hotel whose records show every duty met."""
    add_profile(ctx, filed_on="2025-12-20", documents=True)
    # The signed contract is on file: its bytes are in the attachments store, as A16(2)'s
    # shortfall check (`maintenance.contract_shortfalls`) looks for them, not only its row.
    contract = attachments.store(
        ctx, b"%PDF-1.4 signed contract", kind="contract", filename="合同.pdf", actor=ADMIN
    )
    cams = CameraRegistry(ctx)
    for name in ("lobby1", "door1"):
        cams.add(name, f"rtsp://10.0.0.1/{name}")
    now = ctx.clock.now_us()
    with ctx.sessions.begin() as s:
        for code, label in (("lobby", "大堂"), ("entrance", "正门出入口")):
            s.add(SitePosition(code=code, label=label, category="hospitality_entertainment"))
        ids = {c.name: c.id for c in cams.list()}
        for name, where in (("lobby1", "lobby"), ("door1", "entrance")):
            photo = attachment(s, now, "sign_photo", f"{name}-sign.jpg")
            ref = attachment(s, now, "reference_view", f"{name}-ref.jpg")
            s.add(
                CameraSiting(
                    camera_id=ids[name],
                    location_type=where,
                    purpose="治安防范",
                    sign_installed=True,
                    sign_photo_id=photo,
                    reference_view_id=ref,
                    reference_approved_by="admin",
                    reference_approved_us=now,
                    updated_us=now,
                )
            )
            s.add(
                CameraStatus(camera_id=ids[name], state="recording", since_us=now, updated_us=now)
            )
        staff = StaffMember(name="李四", duty="monitoring", joined_on="2025-01-01")
        s.add(staff)
        s.flush()
        for kind in ("training", "secrecy"):
            s.add(
                TrainingRecord(
                    staff_id=staff.id, kind=kind, held_on="2025-06-01", topic="安全保密教育"
                )
            )
        s.add(DutyShift(staff_id=staff.id, starts_us=now - 3 * 3600 * 10**6, ends_us=now))
        s.add(
            RoomEntry(
                person_name="李四",
                staff_id=staff.id,
                reason="值班",
                entered_us=now - 1,
                recorded_by="admin",
                recorded_us=now,
            )
        )
        s.add(
            MaintenanceContract(
                contractor="某某安防公司",
                starts_on="2025-01-01",
                ends_on="2026-12-31",
                security_clause=True,
                attachment_id=contract.id,
                recorded_by="admin",
                recorded_us=now,
            )
        )
        # N8.2: the guest rooms were checked yesterday (monthly)
        yesterday = date.fromordinal(local_date(now, ctx.settings.unit_tz).toordinal() - 1)
        s.add(PrivacyCheckPolicy(id=1, places='["客房"]', updated_by="admin", updated_us=now))
        s.add(PrivacyCheck(checked_on=yesterday.isoformat(), checked_by="王五", places='["客房"]',
                           result="none_found", note="", recorded_by="admin", recorded_us=now))  # fmt: skip
        for kind in ("security_check", "emergency_plan", "drill"):
            s.add(
                MaintenanceRecord(
                    kind=kind,
                    at_us=now - US_PER_DAY,
                    summary=kind,
                    performed_by="王五",
                    recorded_by="admin",
                    recorded_us=now,
                )
            )


def test_empty_site_lists_unmet_duties(site: SiteContext) -> None:
    report = build_report(site)
    st = statuses(report)
    assert all(is_valid_article_id(i) for i in st), st
    for article in ("A7", "A9", "A11", "A13.1", "A13.2", "A16(4)", "A17.1"):
        assert st[article] == "not_met", (article, duty(report, article))
    assert "site profile" in duty(report, "A13.2")["action"]
    assert st["A17.2(2)"] == "met" and st["A18(2)"] == "met"
    s = report["summary"]
    assert s["met"] + s["not_met"] + s["needs_evidence"] == s["total"] == len(st)
    assert report["site"]["key_id"] == site.site().key_id and report["site"]["unit_name"] is None


def test_filled_records_turn_the_rows_met(site: SiteContext, clock: FakeClock) -> None:
    fill_records(site)
    report = build_report(site)
    st = statuses(report)
    # A16(3) asks for evidence until the view is watched automatically (see its own test).
    expected = {i: "needs_evidence" if i == "A16(3)" else "met" for i in st}
    assert st == expected, [d for d in report["duties"] if d["status"] != expected[d["id"]]]
    assert report["site"]["unit_name"] == UNIT and report["summary"]["not_met"] == 0
    a173 = duty(report, "A17.2(3)")["figures"]["cameras"]
    assert {c["camera"]: c["retention_days"] for c in a173} == {"door1": 30, "lobby1": 30}

    # A camera in a guest room, a stranger in the monitoring room, a contract without the
    # clause: each turns its row, citing the item and the sanction.
    now = clock.now_us()
    cam = CameraRegistry(site).add("room101", "rtsp://10.0.0.1/r101")
    with site.sessions.begin() as s:
        s.add(CameraSiting(camera_id=cam.id, location_type="hotel_guest_room", updated_us=now))
        s.add(
            RoomEntry(
                person_name="陌生人",
                reason="参观",
                entered_us=now,
                flagged=True,
                flag_reason="not on the roster",
                recorded_by="admin",
                recorded_us=now,
            )
        )
        s.add(
            MaintenanceContract(
                contractor="无条款公司",
                starts_on="2025-01-01",
                ends_on="2026-12-31",
                security_clause=False,
                recorded_by="admin",
                recorded_us=now,
            )
        )
    report = build_report(site)
    st = statuses(report)
    assert st["A8"] == st["A16(4)"] == st["A16(2)"] == st["A14"] == "not_met"
    assert "A8(1)" in " ".join(duty(report, "A8")["evidence"])
    # since 2025-04-01 the national N27.1 sets the fines for it, not A25
    a8 = duty(report, "A8")
    assert a8["articles"] == ["A8", "N8"] and "N8(1)" in " ".join(a8["evidence"])
    assert any(x.startswith("N27.1") for x in a8["sanctions"])
    assert not any(x.startswith("A25") for x in a8["sanctions"])
    assert any(x.startswith("A24(4)") for x in duty(report, "A16(4)")["sanctions"])
    assert "陌生人" in " ".join(duty(report, "A16(4)")["evidence"])

    # 40 days on, nothing was recorded: material is missing for the retention period.
    clock.advance(days=40)
    report = build_report(site)
    a173 = duty(report, "A17.2(3)")
    assert a173["status"] == "not_met" and any(x.startswith("A24(5)") for x in a173["sanctions"])
    assert {c["missing_days"] for c in a173["figures"]["cameras"]} == {30}
    assert duty(report, "A16(1)")["status"] == "not_met"  # heartbeats went silent


# --- each "not met" verdict, from records where everything else is met ------------------------


def set_profile(ctx: SiteContext, **values: str | None) -> None:
    with ctx.sessions.begin() as s:
        row = s.get(SiteProfile, 1)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)


def only_not_met(report: dict[str, Any]) -> list[str]:
    return sorted(i for i, st in statuses(report).items() if st == "not_met")


def test_a7_a_required_key_position_without_a_camera_is_not_met(site: SiteContext) -> None:
    fill_records(site)
    with site.sessions.begin() as s:
        door = next(c for c in s.scalars(select(CameraSiting)) if c.location_type == "entrance")
        door.location_type = "lobby"  # the entrance has no camera now
    report = build_report(site)
    assert only_not_met(report) == ["A7"]
    a7 = duty(report, "A7")
    assert a7["figures"]["uncovered"] == 1 and a7["figures"]["gaps"] == ["entrance (正门出入口)"]
    assert "entrance" in " ".join(a7["evidence"])
    assert any(x.startswith("A24(1)") for x in a7["sanctions"])


def test_a9_a_unit_building_what_the_government_must_build_is_not_met(
    site: SiteContext,
) -> None:
    fill_records(site)
    set_profile(site, categories='["hospitality_entertainment", "roads"]')
    report = build_report(site)
    a9 = duty(report, "A9")
    assert a9["status"] == "not_met", a9
    assert "A9.1" in " ".join(a9["evidence"]) or "A9.3" in " ".join(a9["evidence"])
    set_profile(site, categories='["hospitality_entertainment"]')
    assert duty(build_report(site), "A9")["status"] == "met"


def test_a11_a_system_put_into_use_after_the_main_works_is_not_met(site: SiteContext) -> None:
    fill_records(site)
    set_profile(site, commissioned_on="2025-12-11")  # main works in use on 2025-12-01
    report = build_report(site)
    assert only_not_met(report) == ["A11"]
    a11 = duty(report, "A11")
    assert a11["figures"]["days_late"] == 10
    assert any(x.startswith("A24(2)") for x in a11["sanctions"])
    set_profile(site, commissioned_on="2025-12-01")
    assert duty(build_report(site), "A11")["status"] == "met"


def test_a13_1_a_government_system_in_use_without_acceptance_is_not_met(
    site: SiteContext,
) -> None:
    fill_records(site)
    set_profile(site, builder="government", categories='["roads"]', accepted_on=None)
    assert duty(build_report(site), "A13.1")["status"] == "not_met"  # never accepted
    # the unit's own record is not enough: the acceptance that counts is the bureau's
    set_profile(site, accepted_on="2025-11-30")
    a131 = duty(build_report(site), "A13.1")
    assert a131["status"] == "not_met"
    assert "不得投入使用" in a131["action_zh"] and "(A13.1)" in a131["action"]
    bureau_records_acceptance(site, "2025-12-05", "passed")  # in use since 2025-12-01: late
    a131 = duty(build_report(site), "A13.1")
    assert a131["status"] == "not_met" and "2025-12-05" in " ".join(a131["evidence"])
    bureau_records_acceptance(site, "2025-11-30", "failed")
    assert duty(build_report(site), "A13.1")["status"] == "not_met"
    bureau_records_acceptance(site, "2025-11-30", "passed")
    assert duty(build_report(site), "A13.1")["status"] == "met"


def bureau_records_acceptance(site: SiteContext, day: str, result: str) -> None:
    """What the site does when the bureau's `acceptance.recorded` message arrives."""
    from vigil.filings.submission import apply_acceptance

    with site.sessions.begin() as s:
        body = {"accepted_on": day, "result": result, "members": ["市政府验收组"]}
        apply_acceptance(s, site, body, by="bureau:350102", message_id=None)


def test_every_row_carries_its_evidence_and_remedy_in_chinese_and_english(
    site: SiteContext,
) -> None:
    add_profile(site, delivered_on="2025-11-01")
    report = build_report(site)
    for row in report["duties"]:
        assert len(row["evidence_zh"]) == len(row["evidence"]), row["id"]
        assert row["action_zh"] and row["action"], row["id"]
        assert len(row["sanctions_zh"]) == len(row["sanctions"]), row["id"]
        assert any(re.search("[\u4e00-\u9fff]", line) for line in row["evidence_zh"]), row
        assert re.search("[\u4e00-\u9fff]", row["action_zh"]), row["id"]
        assert row["action"] != row["action_zh"], row["id"]
    a132 = duty(report, "A13.2")
    assert a132["status"] == "not_met"
    assert (
        "自系统投入使用之日起 30 日内向县级公安机关备案（《条例》第十四条）" in a132["evidence_zh"]
    )
    assert a132["articles"] == ["N14", "A13.2"]
    assert "立即向县级公安机关备案" in a132["action_zh"]
    assert duty(report, "A16(4)")["sanctions_zh"] == [
        "第二十四条第（四）项：责令限期改正；逾期不改正的，对单位处 2000–10000 元罚款，"
        "对直接负责的主管人员和其他直接责任人员处 200–1000 元罚款"
    ]


def test_a16_3_is_not_met_on_a_view_alarm_and_needs_evidence_without_one(
    site: SiteContext,
) -> None:
    """Nothing watches the view automatically yet, so without an alarm the row cannot say
    that no camera moved: it needs evidence, never "met"."""
    fill_records(site)
    a163 = duty(build_report(site), "A16(3)")
    assert a163["status"] == "needs_evidence"
    assert "not checked automatically" in " ".join(a163["evidence"])


def test_overdue_filing_flips_on_day_31(site: SiteContext, clock: FakeClock) -> None:
    # The fake clock starts at 2026-01-01 08:00 CST: day 30 after use on 2025-12-02 (N14),
    # and New Year's Day. The holiday runs to 01-03, so the period ends on Sunday 2026-01-04,
    # a working day in exchange for it (Civil Code art. 203).
    add_profile(site, delivered_on="2025-11-20", commissioned_on="2025-12-02")
    a132 = duty(build_report(site), "A13.2")
    assert a132["articles"] == ["N14", "A13.2"] and a132["figures"]["governing"] == "N14"
    assert a132["status"] == "needs_evidence"
    assert a132["figures"]["due_on"] == "2026-01-04" and a132["figures"]["days_left"] == 3
    form = filing_form(site)["deadline"]
    assert (
        form["state"] == "due"
        and "2026-01-01 为法定休假日，期限顺延至 2026-01-04" in (form["text_zh"])
    )
    assert "自系统投入使用之日起 30 日内" in form["rule_zh"] and form["articles"] == [
        "N14",
        "A13.2",
    ]
    clock.advance(days=3)
    a132 = duty(build_report(site), "A13.2")
    assert a132["status"] == "needs_evidence" and a132["figures"]["days_left"] == 0
    clock.advance(days=1)
    a132 = duty(build_report(site), "A13.2")
    assert a132["status"] == "not_met" and a132["figures"]["days_overdue"] == 1
    assert any(x.startswith("N29") for x in a132["sanctions"])
    assert "已逾期 1 日" in filing_form(site)["deadline"]["text_zh"]
    with site.sessions.begin() as s:
        row = s.get(SiteProfile, 1)
        assert row is not None
        row.delivered_on, row.commissioned_on = "2016-05-01", "2016-05-02"
    report = build_report(site)
    assert "A13.3" in statuses(report) and "A13.2" not in statuses(report)
    a133 = duty(report, "A13.3")
    assert a133["articles"] == ["N14", "A13.3"] and a133["figures"]["due_on"] == "2025-06-30"
    # The same records judged by the law of 2017-01-20: A13.3 alone, 60 days from 2017-01-01
    early = duty(build_report(site, on=date(2017, 1, 20)), "A13.3")
    assert early["articles"] == ["A13.3"] and early["figures"]["due_on"] == "2017-03-02"
    assert early["status"] == "needs_evidence"


def test_signature_verifies_with_the_site_key_and_fails_after_a_byte_change(
    site: SiteContext,
) -> None:
    add_profile(site)
    data = report_bytes(build_report(site))
    pem = site.site().public_key_pem
    assert verify_report(data, pem) == []
    # Checked as a third party would: the site's public key, the canonical JSON.
    body = json.loads(data)
    sig = body.pop("signature")
    pub = load_public_pem(pem)
    assert isinstance(pub, Ed25519PublicKey)
    pub.verify(bytes.fromhex(sig["value"]), canonical_json(body).encode("ascii"))
    text = data.decode("utf-8")
    for before, after in (("某某大酒店", "某某小酒店"), ('"not_met"', '"met"'.ljust(9))):
        assert before in text
        changed = text.replace(before, after, 1).encode("utf-8")
        assert verify_report(changed, pem), f"{before} → {after} went unnoticed"
    flipped = bytearray(data)
    flipped[len(flipped) // 2] ^= 0x01
    assert verify_report(bytes(flipped), pem)


def run(*args: str) -> str:
    out = subprocess.run(args, capture_output=True, text=True, timeout=60, check=True)
    return out.stdout


def assert_renders(pdf: Path, tmp_path: Path) -> None:
    """pdftoppm draws page 1 as a PNG with real ink on it."""
    run("pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page"))
    png = next(tmp_path.glob("page*.png"))
    with Image.open(png) as image:
        gray = image.convert("L")
        dark = sum(gray.histogram()[:128])
    assert dark > 0.005 * gray.width * gray.height, f"page looks blank ({dark} dark pixels)"


def test_report_pdf_has_the_chinese_text_and_the_signed_json(
    site: SiteContext, tmp_path: Path
) -> None:
    add_profile(site)
    report = build_report(site)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_report_pdf(report))
    text = run("pdftotext", "-enc", "UTF-8", str(pdf), "-")
    for needle in (
        UNIT,
        "自查报告",
        "91350100M000100Y43",
        "A17.2(3)",
        "不符合",
        report["signature"]["value"][:32],
        "未登记任何摄像机",  # evidence in Chinese
        "登记摄像机。",  # the remedy in Chinese
        "责令限期改正",  # the sanction in Chinese
    ):
        assert needle in text, needle
    assert "no camera registered" not in text and "Register the cameras" not in text
    assert "NotoSansCJK" in run("pdffonts", str(pdf)) or "WenQuanYi" in run("pdffonts", str(pdf))
    run("pdfdetach", "-saveall", "-o", str(tmp_path), str(pdf))
    embedded = (tmp_path / "compliance-report.json").read_bytes()
    assert verify_report(embedded, site.site().public_key_pem) == []
    assert json.loads(embedded)["signature"]["value"] == report["signature"]["value"]
    assert_renders(pdf, tmp_path)


def test_filing_form_pdf_in_chinese(site: SiteContext, tmp_path: Path) -> None:
    add_profile(site, documents=False, commissioned_on="2025-12-02")
    cam = CameraRegistry(site).add("lobby1", "rtsp://10.0.0.1/l")
    with site.sessions.begin() as s:
        s.add(
            CameraSiting(
                camera_id=cam.id,
                location_type="lobby",
                purpose="大堂治安",
                sign_installed=True,
                updated_us=site.clock.now_us(),
            )
        )
    form = filing_form(site)
    assert [a["file"] for a in form["attachments"]] == [None, None, None]
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(render_filing_pdf(form))
    text = run("pdftotext", "-enc", "UTF-8", str(pdf), "-")
    for needle in (
        "备案表",
        UNIT,
        "350102",
        "旅馆",
        "本单位建设",
        "新建",
        "lobby1",
        "大厅",
        "大堂治安",
        "已设置",
        "30 日",
        "设计方案",
        "技术检测",
        "工程验收",
        "缺",
        "2026-01-04",  # day 30, 2026-01-01, is New Year's Day
        "还有 3 日",
        "顺延",
        "自系统投入使用之日起",
        "张三",
        "《公共安全视频图像信息系统管理条例》第十四条",
        "图像采集设备数量",
        "1 台",
        "视频图像信息存储期限",
    ):
        assert needle in text, needle
    assert_renders(pdf, tmp_path)


def test_filing_form_without_a_profile_says_what_to_fill_in(site: SiteContext) -> None:
    with pytest.raises(ValidationError) as err:
        filing_form(site)
    assert err.value.field == "site_profile" and err.value.article == "A13.2"
    assert "credit code" in err.value.message and "delivery date" in err.value.message


def test_api_serves_the_signed_report_and_registers_every_generation(
    served: Served,  # noqa: F811 (the fixture of test_api.py)
) -> None:
    mon = login(served, "monitor")
    r = mon.get("/api/v1/compliance/report")
    assert r.status_code == 200, r.text
    assert verify_report(r.content, served.ctx.site().public_key_pem) == []
    pdf = mon.get("/api/v1/compliance/report?format=pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    e = mon.get("/api/v1/filing/form.pdf").json()["error"]
    assert e["field"] == "site_profile" and e["article"] == "A13.2"
    assert mon.get("/api/v1/compliance/report?verify=true").status_code == 403
    assert mon.get("/api/v1/compliance/report?period_days=0").json()["error"]["field"] == (
        "period_days"
    )
    acts = [e.action for e in list_entries(served.ctx, actor="monitor")]
    assert acts.count("compliance_report") == 2
