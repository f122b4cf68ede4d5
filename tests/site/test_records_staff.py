"""Staff roster, training, shifts (A16(4), A17.1), the monitoring-room log (A16(4), A24(4))
and maintenance (A16(1), A16(2)): the domain with a fake clock on the real index, then
the HTTP API over real HTTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from tests.conftest import site_settings
from tests.site.test_api import PASSWORD, free_port
from vigil.access.roles import Role
from vigil.access.users import UserRegistry
from vigil.audit.actor import Actor
from vigil.audit.query import list_entries as audit_entries
from vigil.cameras import CameraRegistry
from vigil.clock import (
    US_PER_S,
    FakeClock,
    SystemClock,
    local_date,
    local_day_start_us,
    us_to_iso,
)
from vigil.config import Settings, load_settings
from vigil.context import SiteContext
from vigil.db.models import (
    DutyShift,
    MaintenanceContract,
    MaintenanceRecord,
    RoomEntry,
    StaffMember,
    TrainingRecord,
)
from vigil.errors import ConflictError, NotFoundError, ValidationError, VigilError
from vigil.records import attachments, common, maintenance, room, shifts, staff
from vigil.site import app as site_app

BY = Actor("test", "administrator")
HOUR_US = 3600 * US_PER_S
PDF = b"%PDF-1.4\n% a signed maintenance contract\n%%EOF\n"


def count(ctx: SiteContext, model: type[Any]) -> int:
    with ctx.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def refused(exc: pytest.ExceptionInfo[VigilError], field: str, article: str | None = None) -> None:
    assert exc.value.field == field, exc.value.describe()
    if article is not None:
        assert exc.value.article == article, exc.value.describe()


def today(ctx: SiteContext) -> date:
    return common.today(ctx)


# -- the roster and training ------------------------------------------------------------------


def test_roster_account_must_fit_the_duty(site: SiteContext) -> None:
    users = UserRegistry(site)
    users.add("mon1", PASSWORD, Role.MONITOR, actor="test")
    users.add("aud1", PASSWORD, Role.AUDITOR, actor="test")
    li = staff.add_staff(site, name="李雷", duty="监看", joined_on="2025-06-01",
                         username="mon1", phone="+86 591-8765 4321", by=BY)  # fmt: skip
    assert (li.duty, li.duty_zh, li.username, li.on_roster) == ("monitoring", "监看", "mon1", True)

    with pytest.raises(ValidationError) as exc:
        staff.add_staff(site, name="Auditor", duty="monitoring", joined_on="2025-06-01",
                        username="aud1", by=BY)  # fmt: skip
    refused(exc, "duty", "A16(4)")
    assert "auditor" in exc.value.message and "monitor" in exc.value.message
    with pytest.raises(ConflictError) as exc:
        staff.add_staff(site, name="Twin", duty="monitoring", joined_on="2025-06-01",
                        username="mon1", by=BY)  # fmt: skip
    refused(exc, "username")
    with pytest.raises(NotFoundError) as exc:
        staff.add_staff(site, name="Ghost", duty="monitoring", joined_on="2025-06-01",
                        username="nobody", by=BY)  # fmt: skip
    refused(exc, "username")
    # Changing the duty of a linked person away from the account's role is refused too.
    with pytest.raises(ValidationError) as exc:
        staff.update_staff(site, li.id, duty="maintenance", by=BY)
    refused(exc, "duty", "A16(4)")
    assert staff.get_staff(site, li.id).duty == "monitoring"
    han = staff.add_staff(site, name="Han", duty="management", joined_on="2025-06-01", by=BY)
    with pytest.raises(ValidationError) as exc:
        staff.update_staff(site, han.id, username="aud1", phone="12345", by=BY)
    refused(exc, "username", "A16(4)")
    assert staff.get_staff(site, han.id).phone == "", "nothing half-saved"
    assert count(site, StaffMember) == 2
    assert len(audit_entries(site, action="staff.add")) == 2
    assert audit_entries(site, action="staff.update") == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 65}, "name"),
        ({"duty": "cook"}, "duty"),
        ({"joined_on": "2025-13-01"}, "joined_on"),
        ({"joined_on": "2099-01-01"}, "joined_on"),
        ({"phone": "call me"}, "phone"),
    ],
)
def test_bad_staff_input_names_the_field(
    site: SiteContext, change: dict[str, str], field: str
) -> None:
    fields = {"name": "Han Meimei", "duty": "management", "joined_on": "2025-01-01", **change}
    with pytest.raises(ValidationError) as exc:
        staff.add_staff(site, **fields, by=BY)
    refused(exc, field)
    assert count(site, StaffMember) == 0
    assert audit_entries(site, action="staff.add") == []


def test_untrained_until_both_records_exist(site: SiteContext, clock: FakeClock) -> None:
    wang = staff.add_staff(site, name="Wang", duty="maintenance", joined_on="2025-01-01", by=BY)
    day = today(site)
    assert [(u.name, u.missing) for u in staff.untrained_staff(site, day)] == [
        ("Wang", ("training", "secrecy"))
    ]
    with pytest.raises(ValidationError) as exc:
        staff.add_training(site, wang.id, kind="secrecy", held_on=day + timedelta(days=1),
                           topic="secrecy", by=BY)  # fmt: skip
    refused(exc, "held_on")
    with pytest.raises(ValidationError) as exc:
        staff.add_training(site, wang.id, kind="first aid", held_on=day, topic="x", by=BY)
    refused(exc, "kind")
    with pytest.raises(ValidationError) as exc:
        staff.add_training(site, wang.id, kind="training", held_on=day, topic="", by=BY)
    refused(exc, "topic")
    assert count(site, TrainingRecord) == 0

    staff.add_training(site, wang.id, kind="培训", held_on="2025-02-01", topic="system use",
                       hours=4, by=BY)  # fmt: skip
    (u,) = staff.untrained_staff(site, day)
    assert u.missing == ("secrecy",) and u.article == "A17.1"
    staff.add_training(site, wang.id, kind="secrecy", held_on="2025-02-02", topic="保密", by=BY)
    assert staff.untrained_staff(site, day) == []
    # ... but not as of a day before the secrecy education was held.
    assert staff.untrained_staff(site, date(2025, 2, 1))[0].missing == ("secrecy",)
    view = staff.get_staff(site, wang.id)
    assert (view.last_training_on, view.last_secrecy_on) == ("2025-02-01", "2025-02-02")

    # Somebody who left the roster is no longer listed.
    zhao = staff.add_staff(site, name="Zhao", duty="monitoring", joined_on="2025-01-01", by=BY)
    assert [u.staff_id for u in staff.untrained_staff(site, day)] == [zhao.id]
    staff.update_staff(site, zhao.id, left_on=day, by=BY)
    clock.advance(days=1)
    assert staff.untrained_staff(site, today(site)) == []
    assert len(audit_entries(site, action="staff.train")) == 2
    assert len(audit_entries(site, action="staff.leave")) == 1


def test_shifts_do_not_overlap_and_hand_over_once(site: SiteContext, clock: FakeClock) -> None:
    a = staff.add_staff(site, name="A", duty="monitoring", joined_on="2025-01-01", by=BY)
    b = staff.add_staff(site, name="B", duty="monitoring", joined_on="2025-01-01", by=BY)
    t0 = clock.now_us()
    first = shifts.add_shift(site, a.id, starts_us=t0, ends_us=t0 + 8 * HOUR_US, post="desk 1",
                            by=BY)  # fmt: skip
    with pytest.raises(ConflictError) as exc:
        shifts.add_shift(site, a.id, starts_us=t0 + 7 * HOUR_US, ends_us=t0 + 9 * HOUR_US, by=BY)
    refused(exc, "starts")
    with pytest.raises(ValidationError) as exc:
        shifts.add_shift(site, a.id, starts_us=t0 + 9 * HOUR_US, ends_us=t0 + 8 * HOUR_US, by=BY)
    refused(exc, "ends")
    with pytest.raises(ValidationError) as exc:
        shifts.add_shift(site, a.id, starts_us=t0, ends_us=t0 + 30 * HOUR_US, by=BY)
    refused(exc, "ends")
    assert count(site, DutyShift) == 1
    # Back to back is not an overlap, for the same person or the next one.
    shifts.add_shift(site, a.id, starts_us=t0 + 8 * HOUR_US, ends_us=t0 + 9 * HOUR_US, by=BY)
    shifts.add_shift(site, b.id, starts_us=t0 + 8 * HOUR_US, ends_us=t0 + 16 * HOUR_US, by=BY)

    with pytest.raises(ValidationError) as exc:
        shifts.handover(site, first.id, to_staff_id=a.id, note="all quiet", by=BY)
    refused(exc, "to_staff_id")
    with pytest.raises(ValidationError) as exc:
        shifts.handover(site, first.id, to_staff_id=b.id, note=" ", by=BY)
    refused(exc, "note")
    clock.advance(seconds=8 * 3600)
    done = shifts.handover(site, first.id, to_staff_id=b.id, note="cam2 flickers\nall else ok",
                          by=BY)  # fmt: skip
    assert (done.handover_to_name, done.handover_us) == ("B", clock.now_us())
    with pytest.raises(ConflictError) as exc:
        shifts.handover(site, first.id, to_staff_id=b.id, note="again", by=BY)
    refused(exc, "shift_id")
    assert shifts.list_shifts(site, staff_id=a.id)[0].handover_note == "cam2 flickers\nall else ok"
    assert len(shifts.list_shifts(site, since_us=t0 + 8 * HOUR_US)) == 2
    assert len(audit_entries(site, action="shift.handover")) == 1


# -- the monitoring-room log ------------------------------------------------------------------


def test_room_entries_flag_people_not_on_the_roster(site: SiteContext, clock: FakeClock) -> None:
    mon = staff.add_staff(site, name="Li", duty="monitoring", joined_on="2025-01-01", by=BY)
    t0 = clock.now_us()
    ok = room.enter(site, staff_id=mon.id, reason="watch shift", by=BY)
    assert (ok.person_name, ok.flagged, ok.flag_reason) == ("Li", False, "")
    visitor = room.enter(site, person_name="Zhang San", organisation="Vendor Co",
                         reason="sales visit", by=BY)  # fmt: skip
    assert visitor.flagged and "not on the roster" in visitor.flag_reason
    assert "A16(4)" in visitor.flag_reason and "A24(4)" in visitor.flag_reason
    assert visitor.as_dict()["article"] == "A24(4)"
    assert [e.id for e in room.flagged_entries(site, t0, t0 + HOUR_US)] == [visitor.id]
    counts = room.room_counts(site, t0, t0 + HOUR_US)
    assert (counts.entries, counts.flagged, counts.inside) == (2, 1, 2)

    clock.advance(seconds=600)
    left = room.leave(site, visitor.id, by=BY)
    assert left.left_us == clock.now_us()
    with pytest.raises(ConflictError) as exc:
        room.leave(site, visitor.id, by=BY)
    refused(exc, "entry_id")
    with pytest.raises(ValidationError) as exc:
        room.leave(site, ok.id, left_us=t0 - US_PER_S, by=BY)
    refused(exc, "left")
    assert room.room_counts(site, t0, t0 + HOUR_US).inside == 1

    # Li leaves the roster today; an entry tomorrow is flagged.
    staff.update_staff(site, mon.id, left_on=today(site), by=BY)
    clock.advance(days=1)
    late = room.enter(site, staff_id=mon.id, reason="collect belongings", by=BY)
    assert late.flagged and f"left the roster on {today(site) - timedelta(days=1)}" in (
        late.flag_reason
    )
    assert len(room.flagged_entries(site)) == 2
    assert len(audit_entries(site, action="room.enter")) == 3
    assert len(audit_entries(site, action="room.leave")) == 1


def test_a_late_recorded_departure_flags_later_entries(site: SiteContext, clock: FakeClock) -> None:
    chen = staff.add_staff(site, name="Chen", duty="maintenance", joined_on="2025-01-01", by=BY)
    clock.advance(days=3)
    entry = room.enter(site, staff_id=chen.id, reason="repair", by=BY)
    assert not entry.flagged
    staff.update_staff(site, chen.id, left_on=today(site) - timedelta(days=2), by=BY)
    again = room.get_entry(site, entry.id)
    assert again.flagged and "left the roster" in again.flag_reason
    assert room.room_counts(site).flagged == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"organisation": ""}, "organisation"),
        ({"person_name": None}, "person_name"),
        ({"entered_us": 10**18}, "entered"),
        ({"staff_id": 999, "person_name": None}, "staff_id"),
        ({"staff_id": 1}, "person_name"),
    ],
)
def test_bad_room_entry_names_the_field(
    site: SiteContext, fields: dict[str, Any], field: str
) -> None:
    staff.add_staff(site, name="Li", duty="monitoring", joined_on="2025-01-01", by=BY)
    args: dict[str, Any] = {"person_name": "Visitor", "organisation": "X", "reason": "visit"}
    with pytest.raises(VigilError) as exc:
        room.enter(site, **{**args, **fields}, by=BY)
    refused(exc, field)
    assert count(site, RoomEntry) == 0
    assert audit_entries(site, action="room.enter") == []


# -- maintenance ------------------------------------------------------------------------------


def test_contract_without_clause_or_file_is_a_shortfall(site: SiteContext) -> None:
    day = today(site)
    bare = maintenance.add_contract(site, contractor="Fuzhou Secure Ltd", scope="cameras",
                                    starts_on="2025-01-01", ends_on="2027-12-31",
                                    security_clause=False, by=BY)  # fmt: skip
    signed = attachments.store(site, PDF, kind="contract", filename="c.pdf", actor=BY)
    photo = attachments.store(site, b"\x89PNG\r\n\x1a\n" + b"0" * 32, kind="sign_photo",
                              filename="s.png", actor=BY)  # fmt: skip
    clause_only = maintenance.add_contract(site, contractor="Minhou Net", scope="NVR",
                                           starts_on="2025-01-01", ends_on="2027-12-31",
                                           security_clause=True, by=BY)  # fmt: skip
    good = maintenance.add_contract(site, contractor="Good Co", scope="all", credit_code=
                                    "91350100M000100Y43", starts_on="2025-01-01",
                                    ends_on="2027-12-31", security_clause=True,
                                    attachment_id=signed.id, by=BY)  # fmt: skip
    maintenance.add_contract(site, contractor="Old Co", scope="all", starts_on="2020-01-01",
                             ends_on="2021-12-31", security_clause=False, by=BY)  # fmt: skip
    short = {f.contract_id: f.problems for f in maintenance.contract_shortfalls(site, day)}
    assert short == {
        bare.id: (
            "no written security-responsibility clause",
            "the signed contract is not on file",
        ),
        clause_only.id: ("the signed contract is not on file",),
    }, "an expired contract is history, not a shortfall"
    assert maintenance.contract_shortfalls(site, day)[0].article == "A16(2)"
    assert good.credit_code == "91350100M000100Y43"

    with pytest.raises(ValidationError) as exc:
        maintenance.update_contract(site, clause_only.id, attachment_id=photo.id, by=BY)
    refused(exc, "attachment_id")
    maintenance.update_contract(site, clause_only.id, attachment_id=signed.id, by=BY)
    assert [f.contract_id for f in maintenance.contract_shortfalls(site, day)] == [bare.id]
    assert len(audit_entries(site, action="contract.update")) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"contractor": ""}, "contractor"),
        ({"scope": ""}, "scope"),
        ({"credit_code": "91350100M000100Y44"}, "credit_code"),
        ({"starts_on": "2025-02-30"}, "starts_on"),
        ({"ends_on": "2024-12-31"}, "ends_on"),
        ({"attachment_id": 999}, "attachment_id"),
    ],
)
def test_bad_contract_names_the_field(
    site: SiteContext, change: dict[str, Any], field: str
) -> None:
    fields: dict[str, Any] = {"contractor": "X Ltd", "scope": "all", "starts_on": "2025-01-01",
                              "ends_on": "2026-01-01", "security_clause": True, **change}  # fmt: skip
    with pytest.raises(VigilError) as exc:
        maintenance.add_contract(site, **fields, by=BY)
    refused(exc, field)
    assert count(site, MaintenanceContract) == 0


def test_open_faults_until_resolved_and_routine_dates(site: SiteContext, clock: FakeClock) -> None:
    CameraRegistry(site).add("cam1", "rtsp://127.0.0.1:1/cam1")
    t0 = clock.now_us()
    assert maintenance.routine_summary(site).last_drill_on is None
    fault = maintenance.add_log(site, kind="fault", summary="no picture", performed_by="Li",
                                camera="cam1", by=BY)  # fmt: skip
    assert [f.id for f in maintenance.open_faults(site)] == [fault.id]
    assert fault.camera_name == "cam1" and fault.as_dict()["open"] is True
    check = maintenance.add_log(site, kind="security_check", summary="monthly check",
                                performed_by="Wang", at_us=t0 - 86400 * US_PER_S, by=BY)  # fmt: skip
    maintenance.add_log(site, kind="drill", summary="power cut drill", performed_by="all", by=BY)
    with pytest.raises(ValidationError) as exc:
        maintenance.resolve(site, check.id, outcome="done", by=BY)
    refused(exc, "record_id")
    with pytest.raises(ValidationError) as exc:
        maintenance.resolve(site, fault.id, outcome="fixed", resolved_us=t0 - US_PER_S, by=BY)
    refused(exc, "resolved")

    summary = maintenance.routine_summary(site)
    assert summary.open_faults == 1 and summary.article == "A16(1)"
    assert summary.last_security_check_on == (today(site) - timedelta(days=1)).isoformat()
    assert summary.last_drill_on == today(site).isoformat()

    clock.advance(seconds=3600)
    done = maintenance.resolve(site, fault.id, outcome="replaced the PoE switch", by=BY)
    assert done.resolved_us == clock.now_us() and done.outcome == "replaced the PoE switch"
    assert maintenance.open_faults(site) == []
    with pytest.raises(ConflictError) as exc:
        maintenance.resolve(site, fault.id, outcome="again", by=BY)
    refused(exc, "record_id")
    assert len(maintenance.list_log(site)) == 3, "the log keeps every entry"
    assert [e.camera_name for e in audit_entries(site, action="maintenance.resolve")] == ["cam1"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "cleaning"}, "kind"),
        ({"summary": ""}, "summary"),
        ({"performed_by": ""}, "performed_by"),
        ({"camera": "nosuch"}, "camera"),
        ({"contract_id": 999}, "contract_id"),
        ({"at_us": 10**18}, "at"),
        ({"kind": "emergency_plan"}, "attachment_id"),
    ],
)
def test_bad_log_entry_names_the_field(
    site: SiteContext, change: dict[str, Any], field: str
) -> None:
    fields: dict[str, Any] = {"kind": "maintenance", "summary": "s", "performed_by": "p", **change}
    with pytest.raises(VigilError) as exc:
        maintenance.add_log(site, **fields, by=BY)
    refused(exc, field)
    assert count(site, MaintenanceRecord) == 0


# -- over HTTP --------------------------------------------------------------------------------


@pytest.fixture
def base(tmp_path: Path, database_url: str | None) -> Iterator[str]:
    ctx = SiteContext.init(tmp_path / "home", SystemClock(), settings=site_settings(database_url))
    users = UserRegistry(ctx)
    for role in ("administrator", "monitor", "maintainer"):
        users.add(role, PASSWORD, Role(role), actor="test")
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(site_app.create_app(ctx), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/api/v1"
    server.should_exit = True
    thread.join(10)
    ctx.close()


def client(base: str, username: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=30)
    r = c.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def error(r: httpx.Response, status: int = 400) -> dict[str, Any]:
    assert r.status_code == status, r.text
    err: dict[str, Any] = r.json()["error"]
    return err


def test_api_roster_room_and_maintenance(base: str) -> None:
    admin, mon, mt = (
        client(base, "administrator"),
        client(base, "monitor"),
        client(base, "maintainer"),
    )
    person = {"name": "Li", "duty": "monitoring", "joined_on": "2025-01-01", "username": "monitor"}
    assert error(admin.post("/staff", json={**person, "duty": "cook"}))["field"] == "duty"
    wrong = error(admin.post("/staff", json={**person, "username": "maintainer"}))
    assert (wrong["field"], wrong["article"]) == ("duty", "A16(4)")
    assert error(admin.post("/staff", json={**person, "nickname": "x"}))["field"] == "nickname"
    assert admin.get("/staff").json() == []
    li = admin.post("/staff", json=person)
    assert li.status_code == 201, li.text
    li_id = li.json()["id"]
    assert [u["missing"] for u in mon.get("/staff/untrained").json()] == [["training", "secrecy"]]

    now = time.time()
    shift = {"staff_id": li_id, "starts": us_to_iso(int(now * US_PER_S)),
             "ends": us_to_iso(int((now - 60) * US_PER_S))}  # fmt: skip
    assert error(admin.post("/shifts", json=shift))["field"] == "ends"
    assert error(admin.post("/shifts", json={**shift, "ends": "tomorrow"}))["field"] == "ends"

    ok = mon.post("/room/entries", json={"staff_id": li_id, "reason": "watch"})
    assert ok.status_code == 201 and ok.json()["flagged"] is False, ok.text
    visitor = {"person_name": "Zhang", "organisation": "Vendor", "reason": "demo"}
    flagged = mt.post("/room/entries", json=visitor).json()
    assert flagged["flagged"] is True and flagged["article"] == "A24(4)"
    assert error(mon.post("/room/entries", json={**visitor, "reason": ""}))["field"] == "reason"
    assert [e["id"] for e in mon.get("/room/entries", params={"flagged": "true"}).json()] == [
        flagged["id"]
    ]
    counts = mon.get("/room/counts").json()
    assert (counts["entries"], counts["flagged"]) == (2, 1)
    assert mon.post(f"/room/entries/{flagged['id']}/leave", json={}).json()["left"] is not None
    assert error(mon.post(f"/room/entries/{flagged['id']}/leave", json={}), 409)["field"] == (
        "entry_id"
    )

    contract = {"contractor": "X Ltd", "scope": "all", "starts_on": "2025-01-01",
                "ends_on": "2099-01-01", "security_clause": "yes"}  # fmt: skip
    assert error(admin.post("/maintenance/contracts", json=contract))["field"] == "security_clause"
    made = admin.post("/maintenance/contracts", json={**contract, "security_clause": False})
    assert made.status_code == 201, made.text
    (short,) = mon.get("/maintenance/contracts/shortfalls").json()
    assert short["contract_id"] == made.json()["id"] and short["article"] == "A16(2)"

    fault = mt.post("/maintenance/log", json={"kind": "fault", "summary": "down",
                                               "performed_by": "Li"})  # fmt: skip
    assert fault.status_code == 201, fault.text
    assert len(mon.get("/maintenance/log", params={"open": "true"}).json()) == 1
    assert error(mt.post(f"/maintenance/log/{fault.json()['id']}/resolve", json={}))["field"] == (
        "outcome"
    )
    resolved = mt.post(f"/maintenance/log/{fault.json()['id']}/resolve", json={"outcome": "ok"})
    assert resolved.json()["open"] is False
    assert mon.get("/maintenance/log", params={"open": "true"}).json() == []
    assert mon.get("/maintenance/summary").json()["open_faults"] == 0


def test_api_contracts_and_log_cite_their_files(base: str) -> None:
    admin, mt = client(base, "administrator"), client(base, "maintainer")
    signed = admin.post("/attachments", data={"kind": "contract"},
                        files={"file": ("合同.pdf", PDF, "application/pdf")}).json()  # fmt: skip
    cited = {k: signed[k] for k in ("id", "filename", "content_type", "bytes", "sha256")}
    assert cited["filename"] == "合同.pdf" and cited["bytes"] == len(PDF)
    contract = {"contractor": "X Ltd", "scope": "all", "starts_on": "2025-01-01",
                "ends_on": "2099-01-01", "security_clause": True}  # fmt: skip
    made = admin.post("/maintenance/contracts", json=contract)
    assert made.status_code == 201 and made.json()["attachment"] is None, made.text
    patched = admin.patch(f"/maintenance/contracts/{made.json()['id']}",
                          json={"attachment_id": signed["id"]})  # fmt: skip
    assert patched.json()["attachment"] == cited
    assert [c["attachment"] for c in mt.get("/maintenance/contracts").json()] == [cited]
    assert admin.get("/maintenance/contracts/shortfalls").json() == []
    plan = mt.post("/maintenance/log", json={"kind": "emergency_plan", "summary": "adopted",
                                             "performed_by": "Li",
                                             "attachment_id": signed["id"]})  # fmt: skip
    assert plan.status_code == 201 and plan.json()["attachment"] == cited, plan.text
    assert mt.get("/maintenance/log").json()[0]["attachment"] == cited


# -- the unit's calendar -----------------------------------------------------------------------


def test_the_units_days_follow_the_unit_timezone_setting(
    site: SiteContext, clock: FakeClock, tmp_path: Path
) -> None:
    # 2025-12-31 23:30 UTC is already 2026-01-01 07:30 in Shanghai.
    at_us = 1_767_223_800 * US_PER_S
    shanghai, utc = ZoneInfo("Asia/Shanghai"), ZoneInfo("UTC")
    assert local_date(at_us, shanghai) == date(2026, 1, 1)
    assert local_date(at_us, utc) == date(2025, 12, 31)
    assert local_day_start_us(date(2026, 1, 1), shanghai) == (1_767_225_600 - 8 * 3600) * US_PER_S
    assert Settings().unit_timezone == "Asia/Shanghai"
    with pytest.raises(ValidationError) as err:
        load_settings_with(tmp_path, "Mars/Olympus_Mons")
    assert err.value.field == "unit_timezone"
    assert load_settings_with(tmp_path, "UTC").unit_tz == utc

    # The same index, as a unit on Shanghai time and as one on UTC.
    clock.set(at_us)
    li = staff.add_staff(site, name="Li", duty="monitoring", joined_on="2025-01-01", by=BY)
    assert common.today(site) == date(2026, 1, 1)
    staff.add_training(site, li.id, kind="secrecy", held_on="2026-01-01", topic="rules", by=BY)
    config = site.home / "vigil.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('"Asia/Shanghai"', '"UTC"'), encoding="utf-8"
    )
    on_utc = SiteContext.open(site.home, clock)
    try:
        assert common.today(on_utc) == date(2025, 12, 31)
        with pytest.raises(ValidationError) as exc:  # held "today" in Shanghai: tomorrow on UTC
            staff.add_training(
                on_utc, li.id, kind="training", held_on="2026-01-01", topic="rules", by=BY
            )
        refused(exc, "held_on")
    finally:
        on_utc.close()


def load_settings_with(tmp_path: Path, zone: str) -> Settings:
    home = tmp_path / "settings"
    home.mkdir(exist_ok=True)
    (home / "vigil.toml").write_text(f'unit_timezone = "{zone}"\n', encoding="utf-8")
    return load_settings(home)
