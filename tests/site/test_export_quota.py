"""Exports of the web console are bounded and leave (issue 10, #7, #13, #14): a user's
running jobs, the exports' budget, the recording disk's floor; a package is removed after
its download or when it expires, each removal registered; a withdrawn export right stops
downloads; a user change is all or nothing. Real server, real HTTP, real index."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

from tests.site.test_api import Served, error, free_port, iso, login
from tests.site.test_api import served as served
from vigil.access.users import UserRegistry
from vigil.export.jobs import JOB_FILE, Job, exports_dir
from vigil.site.app import create_app


def start(c: httpx.Client, s: Served) -> str:
    r = c.post("/api/v1/exports", json={"camera": "cam1", "from": iso(s.rec_start_us),
                                         "to": iso(s.rec_end_us), "purpose": "case 11",
                                         "destination": "court"})  # fmt: skip
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def finished(c: httpx.Client, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while (job := c.get(f"/api/v1/exports/{job_id}").json())["state"] == "running":
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
    return job  # type: ignore[no-any-return]


def audit(s: Served, action: str) -> list[dict[str, Any]]:
    got = login(s, "administrator").get("/api/v1/audit", params={"action": action})
    return got.json()  # type: ignore[no-any-return]


def test_a_withdrawn_export_right_stops_the_download(served: Served) -> None:
    admin = login(served, "administrator")
    r = admin.put("/api/v1/users/monitor/cameras/cam2", json={"live": True, "export": True})
    assert r.status_code == 200, r.text
    mon = login(served, "monitor")
    job = finished(mon, start(mon, served))
    assert job["state"] == "done", job
    # the export right on cam1 is withdrawn; the one on cam2 stays
    r = admin.put("/api/v1/users/monitor/cameras/cam1", json={"live": True, "playback": True})
    assert r.status_code == 200, r.text
    refused = mon.get(f"/api/v1/exports/{job['id']}/download")
    assert refused.status_code == 403 and "cam1" in refused.text
    assert audit(served, "download") == []


def test_a_downloaded_package_is_removed_and_the_removal_registered(served: Served) -> None:
    mon = login(served, "monitor")
    job = finished(mon, start(mon, served))
    package = exports_dir(served.ctx) / job["id"] / job["file"]
    assert package.exists() and job["bytes"] == package.stat().st_size
    got = mon.get(f"/api/v1/exports/{job['id']}/download")
    assert got.status_code == 200 and got.content[:2] == b"PK"
    deadline = time.monotonic() + 20  # the removal runs once the body has been sent
    while package.exists():
        assert time.monotonic() < deadline, "the downloaded package is still there"
        time.sleep(0.05)
    status = mon.get(f"/api/v1/exports/{job['id']}").json()
    assert status["state"] == "removed" and status["removed"].startswith("downloaded")
    again = mon.get(f"/api/v1/exports/{job['id']}/download")
    assert again.status_code == 410 and "removed" in again.text
    [removal] = audit(served, "export_remove")
    assert (removal["actor"], removal["camera"], removal["detail"]["reason"]) == (
        "monitor", "cam1", "downloaded")  # fmt: skip
    assert removal["detail"]["sha256"] == job["sha256"]
    assert not list(package.parent.glob("*.zip*")) and not list(package.parent.glob(".*"))


def test_an_expired_package_is_removed_by_the_system_and_registered(served: Served) -> None:
    mon = login(served, "monitor")
    old = finished(mon, start(mon, served))
    record_path = exports_dir(served.ctx) / old["id"] / JOB_FILE
    record = json.loads(record_path.read_text())
    record["finished_us"] -= served.ctx.settings.export_keep_s * 1_000_000 + 1
    record_path.write_text(json.dumps(record))
    fresh = finished(mon, start(mon, served))  # each start sweeps the expired away
    assert mon.get(f"/api/v1/exports/{old['id']}").json()["state"] == "removed"
    assert not (record_path.parent / old["file"]).exists()
    assert mon.get(f"/api/v1/exports/{fresh['id']}").json()["state"] == "done"
    [removal] = audit(served, "export_remove")
    assert (removal["actor"], removal["detail"]["reason"], removal["detail"]["job"]) == (
        "system:exports", "expired", old["id"])  # fmt: skip


def test_an_export_over_the_exports_budget_is_refused(served: Served) -> None:
    served.ctx.settings.export_budget_bytes = 1000
    mon = login(served, "monitor")
    job = finished(mon, start(mon, served))
    assert job["state"] == "failed" and "export_budget_bytes" in job["error"], job
    assert not list(exports_dir(served.ctx).rglob("*.zip"))


def test_an_export_that_would_pause_recording_is_refused(served: Served) -> None:
    """Free space minus the package must stay above the disk guard's floor plus a margin."""
    free = shutil.disk_usage(served.ctx.segments_dir).free
    served.ctx.settings.export_disk_margin_bytes = free  # the package cannot fit above it
    mon = login(served, "monitor")
    job = finished(mon, start(mon, served))
    assert job["state"] == "failed" and "kept for recording" in job["error"], job
    [failed] = [e for e in audit(served, "export") if e["result"] == "failed"]
    assert "export_disk_margin_bytes" in failed["detail"]["error"]


@contextmanager
def serving_app(app: Any) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def test_a_user_has_at_most_export_jobs_per_user_running(served: Served) -> None:
    app = create_app(served.ctx)
    uid = UserRegistry(served.ctx).get("monitor").id
    limit = served.ctx.settings.export_jobs_per_user
    for i in range(limit):  # jobs this process is still running (as if their ffmpeg were slow)
        job_id = f"{i:032x}"
        app.state.export_jobs[job_id] = Job(job_id, uid, "cam1", exports_dir(served.ctx) /
                                            job_id / "x.zip", 1, 0, 1, "p", "d")  # fmt: skip
    with serving_app(app) as base:
        mon = login(served, "monitor", base)
        r = mon.post("/api/v1/exports", json={"camera": "cam1", "from": iso(served.rec_start_us),
                                               "to": iso(served.rec_end_us), "purpose": "p",
                                               "destination": "d"})  # fmt: skip
        assert r.status_code == 409 and "export_jobs_per_user" in error(r)["message"], r.text
        # another user is not held back by this one's jobs
        admin = login(served, "administrator", base)
        r = admin.post("/api/v1/exports", json={"camera": "cam1",
                                                 "from": iso(served.rec_start_us),
                                                 "to": iso(served.rec_end_us), "purpose": "p",
                                                 "destination": "d"})  # fmt: skip
        assert r.status_code == 202, r.text


def test_a_refused_part_of_a_user_change_leaves_the_rest_undone(served: Served) -> None:
    """PATCH of the only administrator: a new password and a demotion. The demotion is
    refused (409), so the old password still works and her session lives."""
    admin = login(served, "administrator")
    r = admin.patch("/api/v1/users/administrator",
                    json={"password": "brand-new-pass-9", "role": "monitor"})  # fmt: skip
    assert r.status_code == 409, r.text
    assert admin.get("/api/v1/auth/me").status_code == 200  # not signed out
    login(served, "administrator")  # the old password
    assert [e["action"] for e in audit(served, "user_password")] == []


def test_the_audit_listing_pages_back_to_the_first_entry(served: Served) -> None:
    """Beyond the newest page: the header names the next page back, until the first entry;
    the CSV holds every entry."""
    admin = login(served, "administrator")
    pages: list[list[int]] = []
    params: dict[str, Any] = {"limit": 2}
    while True:
        r = admin.get("/api/v1/audit", params=params)
        assert r.status_code == 200, r.text
        pages.append([e["seq"] for e in r.json()])
        older = r.headers.get("X-Audit-Older-Before")
        if older is None:
            break
        params["before"] = int(older)
    seqs = [seq for page in reversed(pages) for seq in page]
    assert len(pages) > 2 and seqs == list(range(1, len(seqs) + 1))
    csv_rows = admin.get("/api/v1/audit.csv").text.splitlines()[1:]
    assert [int(row.split(",")[0]) for row in csv_rows][: len(seqs)] == seqs
    bad = admin.get("/api/v1/audit", params={"before": 1 << 64})
    assert bad.status_code in (400, 422) and "before" in bad.text
