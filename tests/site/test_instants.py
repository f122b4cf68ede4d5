"""Instants are checked where they enter (playback, export, timeline: 2000 to now + 1 day),
and a stored time no date can hold never breaks reading the audit log (issue 10, #2)."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.site import test_api
from tests.site.test_api import Served, error, iso, login
from vigil.audit.log import register
from vigil.clock import US_PER_DAY
from vigil.db.models import AuditEntry

#: The request that once broke the log: accepted, failed, and registered with a time
#: (year 10000 UTC) that Python cannot turn into a date.
YEAR_10000 = "9999-12-31T23:00:00-14:00"
YEAR_10000_US = 253_402_354_800_000_000

served = test_api.served  # the same real server and site as the API tests


def _audit_count(served: Served) -> int:
    with served.ctx.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def test_playback_and_export_refuse_instants_out_of_range(served: Served) -> None:
    c = login(served, "administrator")
    why = {"purpose": "case 7", "destination": "court"}
    start = iso(served.rec_start_us)
    tomorrow = iso(served.ctx.clock.now_us() + 2 * US_PER_DAY)
    before = _audit_count(served)
    for path, extra in (("/api/v1/exports", {"camera": "cam1"}),
                        ("/api/v1/playback", {"cameras": ["cam1"]})):  # fmt: skip
        e = error(c.post(path, json={"from": start, "to": YEAR_10000, **why, **extra}))
        assert e["field"] == "to" and "outside the accepted range" in e["message"]
        assert "2000-01-01" in e["message"]
        e = error(c.post(path, json={"from": YEAR_10000, "to": YEAR_10000, **why, **extra}))
        assert e["field"] == "from"
        e = error(c.post(path, json={"from": "1999-12-31T23:00Z", "to": start, **why, **extra}))
        assert e["field"] == "from"
        e = error(c.post(path, json={"from": start, "to": tomorrow, **why, **extra}))
        assert e["field"] == "to"
    r = c.get("/api/v1/cameras/cam1/timeline", params={"from": start, "to": YEAR_10000})
    assert r.status_code == 400 and error(r)["field"] == "to"
    # refused before anything was planned: no failed export was registered
    assert _audit_count(served) == before


def test_a_stored_time_no_date_can_hold_does_not_break_the_log(served: Served) -> None:
    register(served.ctx, actor="eve", action="export", camera_name="cam1",
             from_us=YEAR_10000_US, to_us=YEAR_10000_US + 1, purpose="p", destination="d")  # fmt: skip
    with served.ctx.sessions.begin() as s:  # a row damaged in the index, as a bad write left it
        row = s.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
        assert row is not None
        row.at_us = -(2**62)
    c = login(served, "auditor")
    r = c.get("/api/v1/audit")
    assert r.status_code == 200, r.text
    body = r.json()
    eve = [e for e in (body if isinstance(body, list) else body["entries"]) if e["actor"] == "eve"]
    assert len(eve) == 1
    assert eve[0]["time"] == f"<{-(2**62)} us: not a date>"
    assert eve[0]["from"] == f"<{YEAR_10000_US} us: not a date>"
    csv = c.get("/api/v1/audit.csv")
    assert csv.status_code == 200, csv.text
    assert f"<{YEAR_10000_US} us: not a date>" in csv.text
