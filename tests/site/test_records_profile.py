"""The site profile, key positions, camera siting, attachments and coverage (A7-A14).

Domain functions on a real index (SQLite or PostgreSQL) with a fake clock, and the HTTP
API on a real uvicorn server (the `served` site of test_api.py). Snapshots are decoded by
the real ffmpeg from real fMP4 segments (tests/fabricate.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import struct
import zlib
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.fabricate import commit_clips, make_clips
from tests.site.test_api import Served, login, served  # noqa: F401  (fixture)
from vigil.audit.actor import Actor
from vigil.cameras import CameraRegistry
from vigil.clock import FakeClock
from vigil.context import SiteContext
from vigil.db.models import AuditEntry, Camera, CameraSiting, CameraStatus, SiteProfile
from vigil.errors import ConflictError, RefusedByLawError, ValidationError
from vigil.records import attachments, common, positions, siting
from vigil.records import profile as records
from vigil.records.attachments import MAX_ATTACHMENT_BYTES
from vigil.records.coverage import SitedCamera, compute, coverage
from vigil.records.positions import PositionInput, PositionView
from vigil.regulation import is_working_day

ADMIN = Actor("admin", "administrator", "127.0.0.1")
HOTEL: dict[str, Any] = {
    "unit_name": "福州某酒店有限公司",
    "credit_code": "91350100M000100Y43",
    "division_code": "350102",
    "address": "福州市鼓楼区五四路1号",
    "categories": ["hospitality_entertainment"],
    "builder": "unit",
    "contact_name": "林经理",
    "contact_phone": "+86 591 8888 0000",
}


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def audit_actions(ctx: SiteContext) -> list[str]:
    with ctx.sessions() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def hotel(ctx: SiteContext, **extra: Any) -> records.ProfileView:
    return records.update_profile(ctx, {**HOTEL, **extra}, ADMIN)


# --- profile ---------------------------------------------------------------------------


def test_hotel_profile_is_saved_seeding_its_key_positions_and_audited(site: SiteContext) -> None:
    today = common.today(site)
    delivered = today - timedelta(days=10)
    view = hotel(site, delivered_on=delivered.isoformat(), commissioned_on=delivered.isoformat())
    again = records.get_profile(site)
    assert again is not None and again.values == view.values
    assert again.values["categories"] == ["hospitality_entertainment"]
    assert again.values["credit_code"] == "91350100M000100Y43"
    assert [p.code for p in positions.list_positions(site)] == ["lobby", "passage", "entrance"]
    # in force today: N14 (30 days from use) beside A13.2
    filing = next(c for c in again.checks if c.article == "N14, A13.2")
    assert filing.state == "due" and filing.due_date == (delivered + timedelta(days=30)).isoformat()
    assert "20 days left" in filing.message
    with site.sessions() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "profile_update")).one()
    detail = json.loads(entry.detail)
    assert entry.actor == "admin" and entry.actor_role == "administrator"
    assert detail["changed"]["unit_name"] == "福州某酒店有限公司"
    assert detail["positions_added"] == ["lobby", "passage", "entrance"]


def test_partial_update_changes_and_audits_only_what_changed(site: SiteContext) -> None:
    hotel(site)
    records.update_profile(site, {"address": "福州市鼓楼区五四路2号"}, ADMIN)
    with site.sessions() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    detail = json.loads(last.detail)
    assert detail["changed"] == {"address": "福州市鼓楼区五四路2号"}
    assert detail["before"] == {"address": "福州市鼓楼区五四路1号"}
    before = len(audit_actions(site))
    records.update_profile(site, {"address": "福州市鼓楼区五四路2号"}, ADMIN)
    assert len(audit_actions(site)) == before, "no change, no entry"


def test_invalid_credit_code_names_the_field_and_saves_nothing(site: SiteContext) -> None:
    hotel(site)
    entries = len(audit_actions(site))
    with pytest.raises(ValidationError) as err:
        records.update_profile(
            site, {"unit_name": "改名", "credit_code": "91350100M000100Y44"}, ADMIN
        )
    assert err.value.field == "credit_code" and "should be '3'" in err.value.message
    profile = records.get_profile(site)
    assert profile is not None and profile.values["unit_name"] == HOTEL["unit_name"]
    assert len(audit_actions(site)) == entries


def test_first_save_needs_every_required_field(site: SiteContext) -> None:
    for missing in records.REQUIRED:
        with pytest.raises(ValidationError) as err:
            records.update_profile(site, {k: v for k, v in HOTEL.items() if k != missing}, ADMIN)
        assert err.value.field == missing
    with site.sessions() as s:
        assert s.scalar(select(func.count()).select_from(SiteProfile)) == 0


@pytest.mark.parametrize(
    ("change", "field", "article"),
    [
        ({"division_code": "160000"}, "division_code", None),
        ({"division_code": "35010"}, "division_code", None),
        ({"categories": []}, "categories", None),
        ({"categories": ["hotel"]}, "categories", "A7"),
        ({"builder": "other"}, "builder", "A9.3"),
        ({"builder": "contractor"}, "builder", None),
        ({"categories": ["roads"]}, "builder", "A9.3"),
        ({"categories": ["transport_hubs"]}, "site_kind", "A9.1"),
        ({"categories": ["transport_hubs"], "site_kind": "city_square"}, "site_kind", "A9.1"),
        ({"site_kind": "airport"}, "site_kind", "A9.1"),
        ({"categories": ["transport_hubs"], "site_kind": "urban_rail_station"}, "builder", "A9.3"),
        ({"unit_name": "  "}, "unit_name", None),
        ({"contact_phone": "call me"}, "contact_phone", None),
        ({"project_kind": "demolished"}, "project_kind", "A11"),
        ({"delivered_on": "2025-13-01"}, "delivered_on", None),
        ({"delivered_on": "1/3/2025"}, "delivered_on", None),
        ({"delivered_on": "2025-03-01", "filed_on": "2025-02-28"}, "filed_on", None),
        ({"accepted_on": "2025-03-02", "filed_on": "2025-03-01"}, "filed_on", None),
        ({"delivered_on": "2025-03-01", "commissioned_on": "2025-02-01"}, "commissioned_on", None),
        ({"filed_on": "2999-01-01"}, "filed_on", None),
        ({"main_works_in_use_on": "2025-01-01"}, "main_works_in_use_on", "A11"),
        ({"project_kind": "new", "main_works_started_on": "2025-05-01",
          "main_works_in_use_on": "2025-04-01"}, "main_works_in_use_on", None),
        ({"design_plan_id": 424242}, "design_plan_id", None),
        ({"colour": "red"}, "colour", None),
    ],
)  # fmt: skip
def test_each_bad_field_is_named(
    site: SiteContext, change: dict[str, Any], field: str, article: str | None
) -> None:
    with pytest.raises(ValidationError) as err:
        hotel(site, **change)
    assert err.value.field == field, err.value
    assert err.value.article == article, err.value
    assert records.get_profile(site) is None


def test_open_park_may_be_kept_by_government_or_unit_but_nobody_else(site: SiteContext) -> None:
    park = {"categories": ["crowded_public_places"], "site_kind": "open_park"}
    assert hotel(site, **park, builder="unit").values["builder"] == "unit"
    assert hotel(site, **park, builder="government").values["builder"] == "government"
    with pytest.raises(RefusedByLawError) as err:
        hotel(site, **park, builder="other")
    assert err.value.article == "A9.3"


def test_a11_flags_a_system_commissioned_after_the_main_works(site: SiteContext) -> None:
    view = hotel(site, project_kind="rebuilt", main_works_started_on="2025-01-10",
                 main_works_in_use_on="2025-06-01", commissioned_on="2025-06-11",
                 delivered_on="2025-06-01")  # fmt: skip
    a11 = next(c for c in view.checks if c.article == "A11")
    assert a11.state == "flag" and "10 days after the main works" in a11.message
    view = records.update_profile(site, {"commissioned_on": "2025-06-01"}, ADMIN)
    assert next(c for c in view.checks if c.article == "A11").state == "ok"
    view = records.update_profile(site, {"main_works_in_use_on": None}, ADMIN)
    assert next(c for c in view.checks if c.article == "A11").state == "missing"


def test_filing_deadlines_of_n14_beside_a13_2_and_a13_3(site: SiteContext) -> None:
    today = common.today(site)
    # day 30 after use on a working day, so no holiday moves the last day (art. 203)
    back = next(k for k in range(1, 40) if is_working_day(today - timedelta(days=k)) is not False)
    due = today - timedelta(days=back)
    used = (due - timedelta(days=30)).isoformat()
    view = hotel(site, delivered_on=(due - timedelta(days=35)).isoformat(), commissioned_on=used)
    filing = next(c for c in view.checks if c.article == "N14, A13.2")
    assert filing.state == "overdue" and f"overdue by {back} day" in filing.message
    assert "within 30 days of being put into use (N14)" in filing.message
    view = records.update_profile(site, {"filed_on": today.isoformat()}, ADMIN)
    late = next(c for c in view.checks if c.article == "N14, A13.2")
    assert late.state == "late" and f"{back} day" in late.message
    view = records.update_profile(site, {"filed_on": due.isoformat()}, ADMIN)
    assert next(c for c in view.checks if c.article == "N14, A13.2").state == "met"
    # Delivered in 2016 and filed in 2017 under A13.3: N14 asked for a filing by 2025-06-30
    view = records.update_profile(
        site, {"delivered_on": "2016-05-01", "commissioned_on": "2016-05-02",
               "filed_on": "2017-03-02"}, ADMIN)  # fmt: skip
    legacy = next(c for c in view.checks if c.article == "N14, A13.3")
    assert legacy.state == "overdue" and legacy.due_date == "2025-06-30"
    assert "in use before 2025-04-01" in legacy.message
    view = records.update_profile(site, {"filed_on": "2025-06-30"}, ADMIN)
    assert next(c for c in view.checks if c.article == "N14, A13.3").state == "met"
    # The same records judged on a day before the regulation: A13.3 alone
    [early] = [c for c in records.checks(view.values, date(2017, 3, 1)) if "A13" in c.article]
    assert (early.article, early.due_date) == ("A13.3", "2017-03-02")
    assert "within 60 days of 2017-01-01 (A13.3)" in early.message


def test_government_system_in_use_before_acceptance_is_flagged(site: SiteContext) -> None:
    view = hotel(site, categories=["roads"], builder="government")
    [before_use] = view.checks
    assert (before_use.article, before_use.state) == ("A13.1", "due")
    assert "accepted by the city or county government first" in before_use.message
    assert "A13.2" not in before_use.article and "30 days" not in before_use.message
    view = records.update_profile(site, {"commissioned_on": "2025-03-01"}, ADMIN)
    assert [(c.article, c.state) for c in view.checks] == [("A13.1", "flag")]
    view = records.update_profile(site, {"accepted_on": "2025-02-20"}, ADMIN)
    assert [(c.article, c.state) for c in view.checks] == [("A13.1", "ok")]


# --- key positions ---------------------------------------------------------------------


def test_unit_drops_and_adds_its_own_key_positions(site: SiteContext) -> None:
    hotel(site)
    positions.drop_position(site, "passage", ADMIN)
    positions.add_position(site, PositionInput("custom:back-door", "后门 back door"), ADMIN)
    positions.add_position(site, PositionInput("cash_desk", required=False), ADMIN)
    codes = {p.code: p for p in positions.list_positions(site)}
    assert set(codes) == {"lobby", "entrance", "custom:back-door", "cash_desk"}
    assert codes["cash_desk"].label == "收银台 (cash desk)" and not codes["cash_desk"].required
    assert [p.code for p in positions.suggested_positions(site)] == ["passage"]
    # A change of another field does not bring the dropped position back.
    records.update_profile(site, {"address": "福州市鼓楼区五四路3号"}, ADMIN)
    assert "passage" not in {p.code for p in positions.list_positions(site)}
    assert "positions_update" in audit_actions(site)


@pytest.mark.parametrize(
    ("position", "field", "article"),
    [
        (PositionInput("custom:toilet", "卫生间"), "code", "A8(2), N8(3)"),
        (PositionInput("hotel_guest_room"), "code", "A8(1), N8(1)"),
        (PositionInput("custom:Back Door", "x"), "code", None),
        (PositionInput("custom:back-door"), "label", None),
        (PositionInput("moon_base"), "code", None),
        (PositionInput("lobby2", category="hotels"), "code", None),
        (PositionInput("cash_desk", category="hotels"), "category", "A7"),
    ],
)
def test_bad_positions_are_refused_naming_the_field(
    site: SiteContext, position: PositionInput, field: str, article: str | None
) -> None:
    hotel(site)
    with pytest.raises(ValidationError) as err:
        positions.add_position(site, position, ADMIN)
    assert (err.value.field, err.value.article) == (field, article)
    assert len(positions.list_positions(site)) == 3


def test_a_custom_position_in_use_cannot_be_dropped(site: SiteContext) -> None:
    hotel(site)
    positions.add_position(site, PositionInput("custom:back-door", "后门"), ADMIN)
    CameraRegistry(site).add("back", "rtsp://10.0.0.5/s", location_type="custom:back-door")
    with pytest.raises(ConflictError) as err:
        positions.drop_position(site, "custom:back-door", ADMIN)
    assert err.value.field == "positions" and "1 camera" in err.value.message
    with pytest.raises(ConflictError):
        positions.add_position(site, PositionInput("lobby"), ADMIN)


# --- siting (A8, A14) --------------------------------------------------------------------


def test_camera_in_a_hotel_guest_room_is_refused_citing_a8_1_and_nothing_saved(
    site: SiteContext,
) -> None:
    hotel(site)
    with pytest.raises(RefusedByLawError) as err:
        CameraRegistry(site).add(
            "room-301", "rtsp://10.0.0.9/s", location_type="hotel_guest_room", purpose="x"
        )
    # since 2025-04-01 both texts forbid it: A8(1) and N8(1)
    assert (err.value.field, err.value.article) == ("location_type", "A8(1), N8(1)")
    assert "旅馆客房" in err.value.message
    with site.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Camera)) == 0
        assert s.scalar(select(func.count()).select_from(CameraSiting)) == 0


def test_moving_a_camera_to_a_forbidden_place_keeps_the_old_siting(site: SiteContext) -> None:
    reg = CameraRegistry(site)
    reg.add("hall", "rtsp://10.0.0.9/s", location_type="lobby", purpose="lobby overview")
    before = siting.get_siting(site, "hall")
    entries = len(audit_actions(site))
    for place, item in [("hotel_guest_room", "A8(1), N8(1)"), ("changing_room", "A8(2), N8(3)")]:
        with pytest.raises(RefusedByLawError) as err:
            siting.update_siting(site, "hall", ADMIN, location_type=place, purpose="moved")
        assert err.value.article == item and err.value.field == "location_type"
    assert siting.get_siting(site, "hall") == before
    assert len(audit_actions(site)) == entries


def test_siting_needs_a_location_and_checks_its_fields(site: SiteContext) -> None:
    CameraRegistry(site).add("c1", "rtsp://10.0.0.9/s")
    with pytest.raises(ValidationError) as err:
        siting.update_siting(site, "c1", ADMIN, purpose="no place given")
    assert err.value.field == "location_type"
    with pytest.raises(ValidationError) as err:
        siting.update_siting(site, "c1", ADMIN, location_type="custom:nowhere")
    assert err.value.field == "location_type" and "positions add" in err.value.message
    with pytest.raises(ValidationError) as err:
        siting.update_siting(site, "c1", ADMIN, location_type="lobby", purpose="x" * 501)
    assert err.value.field == "purpose"
    with pytest.raises(ValidationError) as err:
        CameraRegistry(site).add("c2", "rtsp://10.0.0.9/t", purpose="without a place")
    assert err.value.field == "location_type"
    pdf = attachments.store(site, b"%PDF-1.4\n%%EOF\n", kind="other", filename="a.pdf",
                            actor=ADMIN)  # fmt: skip
    with pytest.raises(ValidationError) as err:
        siting.update_siting(site, "c1", ADMIN, location_type="lobby", sign_photo_id=pdf.id)
    assert err.value.field == "sign_photo_id" and "not a photo" in err.value.message
    assert siting.get_siting(site, "c1").location_type is None


def test_sign_and_photo_are_recorded(site: SiteContext) -> None:
    CameraRegistry(site).add("c1", "rtsp://10.0.0.9/s", location_type="entrance")
    photo = attachments.store(site, png_bytes(), kind="sign_photo", filename="sign.png",
                              actor=ADMIN)  # fmt: skip
    view = siting.update_siting(site, "c1", ADMIN, sign_photo_id=photo.id)
    assert view.sign_installed and view.sign_photo_id == photo.id
    with pytest.raises(ValidationError) as err:
        siting.update_siting(site, "c1", ADMIN, sign_installed=False, sign_photo_id=photo.id)
    assert err.value.article == "A14"
    view = siting.update_siting(site, "c1", ADMIN, sign_installed=False)
    assert not view.sign_installed and view.sign_photo_id is None


def test_reference_view_is_taken_from_a_real_segment_and_approved(
    site: SiteContext, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cam = CameraRegistry(site).add("c1", "rtsp://10.0.0.9/s", location_type="entrance")
    with pytest.raises(ConflictError) as err:
        siting.take_reference(site, "c1", ADMIN)
    assert "no recorded segment" in err.value.message
    segs = commit_clips(site, cam.id, make_clips(tmp_path_factory.getbasetemp(), 2),
                        site.clock.now_us() - 10_000_000)  # fmt: skip
    originals = {s.path: (site.segments_dir / s.path).read_bytes() for s in segs}
    view = siting.take_reference(site, "c1", ADMIN)
    assert view.reference_view_id is not None and not view.reference_approved
    att, jpeg = attachments.read(site, view.reference_view_id)
    assert att.kind == "reference_view" and att.content_type == "image/jpeg"
    assert jpeg.startswith(b"\xff\xd8") and len(jpeg) > 500
    stored = attachments.file_path(site, att.sha256)
    assert stored.parent == site.home / "attachments" and stored.name == att.sha256
    assert not stored.stat().st_mode & stat.S_IWUSR, "kept read-only"
    assert str(segs[-1].start_us) in att.filename, "taken from the newest segment"
    for path, data in originals.items():
        assert (site.segments_dir / path).read_bytes() == data, "originals untouched"
    with pytest.raises(ConflictError):
        siting.approve_reference(site, "c1", ADMIN, attachment_id=view.reference_view_id + 1)
    approved = siting.approve_reference(site, "c1", ADMIN, attachment_id=view.reference_view_id)
    assert approved.reference_approved and approved.reference_approved_by == "admin"
    with pytest.raises(ConflictError):
        siting.approve_reference(site, "c1", ADMIN)
    # Moving the camera (A16(3)) withdraws the approval: the view must be approved anew.
    moved = siting.update_siting(site, "c1", ADMIN, location_type="lobby")
    assert moved.reference_view_id == approved.reference_view_id and not moved.reference_approved
    actions = audit_actions(site)
    assert {"reference_take", "reference_approve", "siting_update"} <= set(actions)


# --- attachments -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"plain text, not a photo", "only JPEG or PNG"),
        (b"GIF89a\x01\x00\x01\x00", "only JPEG or PNG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "only JPEG or PNG"),
        (b"", "empty"),
        (b"%PDF-" + b"0" * MAX_ATTACHMENT_BYTES, "at most"),
    ],
)
def test_attachments_refuse_what_is_not_a_small_image_or_pdf(
    site: SiteContext, data: bytes, words: str
) -> None:
    with pytest.raises(ValidationError) as err:
        attachments.store(site, data, kind="sign_photo", filename="x.jpg", actor=ADMIN)
    assert err.value.field == "file" and words in err.value.message
    assert attachments.list_(site) == []
    assert not (site.home / "attachments").exists() or not os.listdir(site.home / "attachments")


def test_attachments_are_content_addressed_and_never_overwritten(site: SiteContext) -> None:
    data = png_bytes()
    one = attachments.store(site, data, kind="sign_photo", filename="../../etc/a.png", actor=ADMIN)
    two = attachments.store(site, data, kind="other", filename="b.png", actor=ADMIN)
    assert one.id != two.id and one.sha256 == two.sha256 == hashlib.sha256(data).hexdigest()
    assert one.filename == "a.png" and one.content_type == "image/png"
    assert os.listdir(site.home / "attachments") == [one.sha256]
    with pytest.raises(ValidationError) as err:
        attachments.store(site, data, kind="reference_view", filename="r.png", actor=ADMIN)
    assert err.value.field == "kind" and err.value.article == "A14"
    with pytest.raises(ValidationError) as err:
        attachments.store(site, data, kind="selfie", filename="r.png", actor=ADMIN)
    assert err.value.field == "kind"
    path = attachments.file_path(site, one.sha256)
    os.chmod(path, 0o600)
    path.write_bytes(data[:-1] + b"\x00")
    with pytest.raises(attachments.DamagedAttachmentError):
        attachments.read(site, one.id)


# --- coverage --------------------------------------------------------------------------


def test_coverage_is_computed_from_positions_and_camera_states() -> None:
    positions = [
        PositionView("lobby", "大厅", "hospitality_entertainment", True, ""),
        PositionView("passage", "通道", "hospitality_entertainment", True, ""),
        PositionView("entrance", "出入口", "hospitality_entertainment", True, ""),
        PositionView("cash_desk", "收银台", "", False, ""),
    ]
    cameras = [
        SitedCamera("door-1", "entrance", "recording"),
        SitedCamera("door-2", "entrance", "offline"),
        SitedCamera("hall-1", "passage", "offline"),
        SitedCamera("spare", None, "recording"),
        SitedCamera("garage", "car_park_entrance", "recording"),
    ]
    report = compute(positions, cameras)
    assert [(r.code, r.status) for r in report.positions] == [
        ("lobby", "gap"), ("passage", "not_working"), ("entrance", "covered"),
    ]  # fmt: skip
    assert report.gaps == ["lobby"] and report.not_working == ["passage"]
    assert report.unsited_cameras == ["spare"]
    assert report.elsewhere == [{"camera": "garage", "location_type": "car_park_entrance"}]
    assert report.optional_positions == ["cash_desk"] and not report.complete
    assert compute([], cameras).complete is False


def test_coverage_lists_a_lobby_without_a_camera(site: SiteContext, clock: FakeClock) -> None:
    hotel(site)
    reg = CameraRegistry(site)
    door = reg.add("door", "rtsp://10.0.0.1/s", location_type="entrance")
    reg.add("hall", "rtsp://10.0.0.2/s", location_type="passage")
    now = site.clock.now_us()
    with site.sessions.begin() as s:
        s.add(CameraStatus(camera_id=door.id, state="recording", since_us=now, detail="",
                           updated_us=now))  # fmt: skip
    report = coverage(site)
    status = {r.code: r.status for r in report.positions}
    assert status == {"lobby": "gap", "passage": "not_working", "entrance": "covered"}
    assert report.gaps == ["lobby"]
    # A stale heartbeat is not working; a removed camera covers nothing.
    clock.advance(seconds=120)
    assert coverage(site).not_working == ["passage", "entrance"]
    reg.remove("door")
    assert coverage(site).gaps == ["lobby", "entrance"]


# --- the same over HTTP ----------------------------------------------------------------


def test_api_profile_siting_refusals_coverage_and_reference(served: Served) -> None:  # noqa: F811
    adm = login(served, "administrator")
    r = adm.put("/api/v1/site/profile", json=HOTEL)
    assert r.status_code == 200, r.text
    assert r.json()["profile"]["categories"] == ["hospitality_entertainment"]
    bad = adm.put("/api/v1/site/profile", json={"credit_code": "91350100M000100Y44"})
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "credit_code"
    refused = adm.put("/api/v1/site/profile", json={"builder": "other"}).json()["error"]
    assert (refused["code"], refused["field"], refused["article"]) == (
        "refused_by_law", "builder", "A9.3")  # fmt: skip
    assert adm.get("/api/v1/site/profile").json()["profile"]["builder"] == "unit"

    # A8(1): no camera in a guest room, neither registered there nor moved there.
    r = adm.post("/api/v1/cameras", json={"name": "room301", "url": "rtsp://10.0.0.9/x",
                                          "location_type": "hotel_guest_room"})  # fmt: skip
    err = r.json()["error"]
    assert r.status_code == 400 and (err["field"], err["article"]) == (
        "location_type",
        "A8(1), N8(1)",
    )
    assert "room301" not in [c["name"] for c in adm.get("/api/v1/cameras").json()]
    r = adm.put("/api/v1/cameras/cam1/siting", json={"location_type": "entrance",
                                                      "purpose": "front door"})  # fmt: skip
    assert r.status_code == 200, r.text
    r = adm.put("/api/v1/cameras/cam1/siting", json={"location_type": "hotel_guest_room"})
    assert r.status_code == 400 and r.json()["error"]["article"] == "A8(1), N8(1)"
    assert adm.get("/api/v1/cameras/cam1/siting").json()["location_type"] == "entrance"

    cov = adm.get("/api/v1/site/coverage").json()
    assert "lobby" in cov["gaps"] and cov["unsited_cameras"] == ["cam2"]

    # Uploads: a PNG is kept as the sign photo; a text file is refused naming the field.
    r = adm.post("/api/v1/attachments", data={"kind": "sign_photo"},
                 files={"file": ("sign.png", png_bytes(), "application/pdf")})  # fmt: skip
    assert r.status_code == 201, r.text
    photo = r.json()
    assert photo["content_type"] == "image/png", "sniffed, not the client's claim"
    r = adm.post("/api/v1/attachments", data={"kind": "sign_photo"},
                 files={"file": ("sign.jpg", b"#!/bin/sh\necho hi\n", "image/jpeg")})  # fmt: skip
    assert r.status_code == 400 and r.json()["error"]["field"] == "file"
    r = adm.put("/api/v1/cameras/cam1/siting", json={"sign_photo_id": photo["id"]})
    assert r.json()["sign_installed"] is True
    got = adm.get(f"/api/v1/attachments/{photo['id']}")
    assert got.content == png_bytes() and got.headers["content-type"] == "image/png"

    # A14: the reference view, from cam1's newest recorded segment, approved.
    mt = login(served, "maintainer")
    r = mt.post("/api/v1/cameras/cam1/reference")
    assert r.status_code == 201, r.text
    ref = r.json()
    assert ref["reference_view_id"] and ref["reference_approved"] is False
    assert mt.post("/api/v1/cameras/cam1/reference/approve").status_code == 403
    r = adm.post("/api/v1/cameras/cam1/reference/approve",
                 json={"attachment_id": ref["reference_view_id"]})  # fmt: skip
    assert r.status_code == 200 and r.json()["reference_approved_by"] == "administrator"
    image = login(served, "monitor").get(f"/api/v1/attachments/{ref['reference_view_id']}")
    assert image.status_code == 200 and image.content.startswith(b"\xff\xd8")
    auditor = login(served, "auditor")
    assert auditor.get(f"/api/v1/attachments/{ref['reference_view_id']}").status_code == 403
    log = adm.get("/api/v1/audit").json()
    assert {"profile_update", "siting_update", "reference_take", "reference_approve",
            "reference_view", "attachment_add"} <= {e["action"] for e in log}  # fmt: skip


def test_api_positions_one_at_a_time_and_records_cite_their_files(
    served: Served,  # noqa: F811 (the fixture of test_api.py)
) -> None:
    adm = login(served, "administrator")
    assert adm.put("/api/v1/site/profile", json=HOTEL).status_code == 200

    # A7.2: one key position added, then dropped; each change registered.
    r = adm.post("/api/v1/site/positions", json={"code": "custom:back-door", "label": "后门"})
    assert r.status_code == 201, r.text
    assert r.json()["added"]["code"] == "custom:back-door"
    assert "custom:back-door" in [p["code"] for p in r.json()["positions"]]
    again = adm.post("/api/v1/site/positions", json={"code": "custom:back-door", "label": "x"})
    assert again.status_code == 409 and again.json()["error"]["field"] == "code"
    toilet = adm.post("/api/v1/site/positions", json={"code": "custom:toilet", "label": "厕所"})
    assert toilet.status_code == 400
    assert (toilet.json()["error"]["field"], toilet.json()["error"]["article"]) == (
        "code",
        "A8(2), N8(3)",
    )
    r = adm.delete("/api/v1/site/positions/custom:back-door")
    assert r.status_code == 200 and r.json()["dropped"]["code"] == "custom:back-door"
    assert "custom:back-door" not in [p["code"] for p in r.json()["positions"]]
    gone = adm.delete("/api/v1/site/positions/custom:back-door")
    assert gone.status_code == 404 and gone.json()["error"]["field"] == "code"
    acts = [e["action"] for e in adm.get("/api/v1/audit", params={"action": "positions_update"})
            .json()]  # fmt: skip
    assert len(acts) == 2

    # Records show the files they cite: the sign photo in every camera's siting, in one call.
    r = adm.post("/api/v1/attachments", data={"kind": "sign_photo"},
                 files={"file": ("sign.png", png_bytes(), "image/png")})  # fmt: skip
    photo = r.json()
    adm.put("/api/v1/cameras/cam1/siting", json={"location_type": "lobby", "sign_photo_id":
                                                 photo["id"]})  # fmt: skip
    mon = login(served, "monitor")
    sitings = {v["camera"]: v for v in mon.get("/api/v1/siting").json()}
    assert set(sitings) == {"cam1", "cam2"}
    cited = {k: photo[k] for k in ("id", "filename", "content_type", "bytes", "sha256")}
    assert sitings["cam1"]["sign_photo"] == cited
    assert sitings["cam1"]["reference_view"] is None and sitings["cam2"]["sign_photo"] is None
    assert mon.get("/api/v1/cameras/cam1/siting").json()["sign_photo"] == cited
    profile = mon.get("/api/v1/site/profile").json()["profile"]
    assert profile["design_plan"] is None and profile["design_plan_id"] is None
