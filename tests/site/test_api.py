"""The HTTP API over real HTTP: every endpoint × every role, and bad input named.

A real uvicorn server on loopback, the real index, real argon2; segments are real fMP4
files committed through the real store (tests/fabricate.py).
"""

from __future__ import annotations

import io
import json
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from tests.conftest import site_settings
from tests.fabricate import commit_clips, make_clips
from tests.site import (
    rows_compliance,
    rows_filings,
    rows_holds,
    rows_profile,
    rows_staff,
    rows_subject,
)
from vigil.access.roles import Role
from vigil.access.users import UserRegistry
from vigil.cameras import CameraRegistry
from vigil.clock import US_PER_S, SystemClock, us_to_iso
from vigil.context import SiteContext
from vigil.site.app import api_routes, create_app

PASSWORD = "correct-horse-9"
ROLES = ("administrator", "monitor", "maintainer", "auditor")


@dataclass
class Served:
    ctx: SiteContext
    base: str
    rec_start_us: int
    rec_end_us: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path, database_url, tmp_path_factory) -> Iterator[Served]:  # type: ignore[no-untyped-def]
    ctx = SiteContext.init(tmp_path / "home", SystemClock(), settings=site_settings(database_url))
    cams = CameraRegistry(ctx)
    cam1 = cams.add("cam1", "rtsp://127.0.0.1:1/cam1")
    cams.add("cam2", "rtsp://127.0.0.1:1/cam2")
    start = ctx.clock.now_us() - 3600 * US_PER_S
    segs = commit_clips(ctx, cam1.id, make_clips(tmp_path_factory.getbasetemp(), 3), start)
    users = UserRegistry(ctx)
    for role in ROLES:
        users.add(role, PASSWORD, Role(role), actor="test")
    users.grant("monitor", "cam1", live=True, playback=True, export=True, actor="test")
    users.grant("maintainer", "cam1", live=True, actor="test")
    with serving(ctx) as base:
        yield Served(ctx, base, segs[0].start_us, segs[-1].end_us)
    ctx.close()


@contextmanager
def serving(ctx: SiteContext) -> Iterator[str]:
    """A fresh app of the site on a real uvicorn server on loopback; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(ctx), host="127.0.0.1", port=port,
                                           log_level="warning"))  # fmt: skip
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


def login(served: Served, role: str, base: str | None = None) -> httpx.Client:
    client = httpx.Client(base_url=base or served.base, timeout=30)
    r = client.post("/api/v1/auth/login", json={"username": role, "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return client


def iso(us: int) -> str:
    return us_to_iso(us)


Row = tuple[str, str, str, dict | None, set[str]]  # type: ignore[type-arg]


def matrix(s: Served) -> list[Row]:
    """(method, route, concrete path, body, roles allowed): from the role table, not the code."""
    a, m, mt, au = ROLES
    rng = {"from": iso(s.rec_start_us), "to": iso(s.rec_end_us)}
    purpose = {"purpose": "incident 42", "destination": "police station"}
    tl = f"/api/v1/cameras/cam1/timeline?from={rng['from']}&to={rng['to']}"
    new_user = {"username": "u9", "password": PASSWORD, "role": "monitor"}
    return [
        ("GET", "/api/v1/auth/me", "/api/v1/auth/me", None, {a, m, mt, au}),
        ("GET", "/api/v1/cameras", "/api/v1/cameras", None, {a, m, mt, au}),
        ("POST", "/api/v1/cameras", "/api/v1/cameras",
         {"name": "new1", "url": "rtsp://10.0.0.9/x"}, {a, mt}),
        ("PATCH", "/api/v1/cameras/{name}", "/api/v1/cameras/cam1", {"retention_days": 31}, {a, mt}),
        ("DELETE", "/api/v1/cameras/{name}", "/api/v1/cameras/nosuch", None, {a, mt}),
        ("GET", "/api/v1/cameras/{name}/timeline", tl, None, {a, m}),
        ("POST", "/api/v1/playback", "/api/v1/playback",
         {"cameras": ["cam1"], **rng, **purpose}, {a, m}),
        ("POST", "/api/v1/exports", "/api/v1/exports", {"camera": "nosuch", **rng, **purpose}, {a, m}),
        ("GET", "/api/v1/exports/{job_id}", "/api/v1/exports/nosuch", None, {a, m}),
        ("GET", "/api/v1/exports/{job_id}/download", "/api/v1/exports/nosuch/download", None, {a, m}),
        ("GET", "/api/v1/audit", "/api/v1/audit", None, {a, au}),
        ("GET", "/api/v1/audit.csv", "/api/v1/audit.csv", None, {a, au}),
        ("GET", "/api/v1/audit/verify", "/api/v1/audit/verify", None, {a, au}),
        ("GET", "/api/v1/users", "/api/v1/users", None, {a}),
        ("POST", "/api/v1/users", "/api/v1/users", new_user, {a}),
        ("PATCH", "/api/v1/users/{username}", "/api/v1/users/auditor", {"disabled": False}, {a}),
        ("PUT", "/api/v1/users/{username}/cameras/{camera}", "/api/v1/users/monitor/cameras/cam2",
         {"live": False}, {a}),
        ("DELETE", "/api/v1/users/{username}/cameras/{camera}",
         "/api/v1/users/maintainer/cameras/cam2", None, {a}),
        ("GET", "/api/v1/status", "/api/v1/status", None, {a, m, mt, au}),
        ("POST", "/api/v1/verify", "/api/v1/verify", None, {a, au}),
        ("POST", "/api/v1/auth/logout", "/api/v1/auth/logout", None, {a, m, mt, au}),
        *rows_profile.rows(s),
        *rows_staff.rows(s),
        *rows_compliance.rows(s),
        *rows_subject.rows(s),
        *rows_holds.rows(s),
        *rows_filings.rows(s),
    ]  # fmt: skip


# Routes checked elsewhere in this file, with the reason.
SPECIAL = {
    ("POST", "/api/v1/auth/login"): "anonymous by design; test_login_and_lockout",
    ("GET", "/api/v1/playback/{grant}/segments/{camera}/{seq}"): "grant-bound; test_playback_grant",
    ("GET", "/api/v1/playback/{grant}/media/{camera}/{seq}"): "grant-bound; test_playback_grant",
    ("WS", "/api/v1/live/{camera}"): "WebSocket; test_live_socket_rights",
}


def test_matrix_covers_every_route(served: Served) -> None:
    routes = api_routes()
    paths = set(create_app(served.ctx).openapi()["paths"])
    assert {p for _, p in routes if _ != "WS"} == paths, "every router is mounted"
    covered = {(method, route) for method, route, _, _, _ in matrix(served)}
    assert routes == covered | set(SPECIAL)


def test_every_endpoint_refuses_anonymous(served: Served) -> None:
    with httpx.Client(base_url=served.base) as anon:
        for method, _, path, body, _ in matrix(served):
            r = anon.request(method, path, json=body)
            assert r.status_code == 401, (method, path, r.status_code)
        assert anon.get("/api/v1/cameras").json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_by_role(served: Served, role: str) -> None:
    client = login(served, role)
    for method, _, path, body, allowed in matrix(served):
        if method == "POST" and path.endswith("/logout"):
            continue
        r = client.request(method, path, json=body)
        if role in allowed:
            assert r.status_code not in (401, 403) and r.status_code < 500, (
                role,
                method,
                path,
                r.text,
            )
        else:
            assert r.status_code == 403, (role, method, path, r.status_code, r.text)


def test_state_change_needs_csrf_header(served: Served) -> None:
    client = login(served, "administrator")
    del client.headers["X-CSRF-Token"]
    r = client.post(
        "/api/v1/users", json={"username": "x1", "password": PASSWORD, "role": "monitor"}
    )
    assert r.status_code == 403 and "CSRF" in r.json()["error"]["message"]


def test_cookie_is_httponly_and_strict(served: Served) -> None:
    with httpx.Client(base_url=served.base) as c:
        r = c.post("/api/v1/auth/login", json={"username": "monitor", "password": PASSWORD})
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie


def test_login_and_lockout(served: Served) -> None:
    with httpx.Client(base_url=served.base) as c:
        bad = c.post("/api/v1/auth/login", json={"username": "monitor", "password": "nope-nope-1"})
        assert bad.status_code == 401
        ghost = c.post("/api/v1/auth/login", json={"username": "ghost", "password": "nope-nope-1"})
        assert ghost.json()["error"]["message"] == bad.json()["error"]["message"]
        for _ in range(5):
            c.post("/api/v1/auth/login", json={"username": "auditor", "password": "wrong-pass-1"})
        locked = c.post("/api/v1/auth/login", json={"username": "auditor", "password": PASSWORD})
        assert locked.status_code in (423, 429), locked.text


def test_monitor_cannot_see_camera_without_rights(served: Served) -> None:
    names = [c["name"] for c in login(served, "monitor").get("/api/v1/cameras").json()]
    assert names == ["cam1"]
    admin_names = [c["name"] for c in login(served, "administrator").get("/api/v1/cameras").json()]
    assert admin_names == ["cam1", "cam2"]


def error(r: httpx.Response) -> dict:  # type: ignore[type-arg]
    assert 400 <= r.status_code < 500, r.text
    return r.json()["error"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", ["/api/v1/playback", "/api/v1/exports"])
def test_bad_input_names_the_field(served: Served, path: str) -> None:
    c = login(served, "administrator")
    good = {"from": iso(served.rec_start_us), "to": iso(served.rec_end_us),
            "purpose": "case 7", "destination": "court"}  # fmt: skip

    def body(**change: object) -> dict:  # type: ignore[type-arg]
        b = dict(good, **change)
        if path.endswith("playback"):
            b["cameras"] = [b.pop("camera", "cam1")]
        else:
            b.setdefault("camera", "cam1")
        return {k: v for k, v in b.items() if v is not None}

    e = error(c.post(path, json=body(purpose=None)))
    assert e["field"] == "purpose" and e["article"] == "A17.2(2)"
    e = error(c.post(path, json=body(destination="  ")))
    assert e["field"] == "destination"
    e = error(c.post(path, json=body(**{"from": good["to"], "to": good["from"]})))
    assert e["field"] == "to"
    r = c.post(path, json=body(camera="nosuch"))
    assert r.status_code == 404 and error(r)["field"] == "camera"
    e = error(c.post(path, json=body(to=iso(served.rec_start_us + 25 * 3600 * US_PER_S))))
    assert e["field"] == "to" and "24" in e["message"]
    e = error(c.post(path, json=body(**{"from": "not a time"})))
    assert e["field"] == "from"
    if path.endswith("playback"):
        gap_from = served.rec_end_us + 60 * US_PER_S
        e = error(
            c.post(path, json=body(**{"from": iso(gap_from), "to": iso(gap_from + US_PER_S)}))
        )
        assert e["field"] == "from" and "gap" in e["message"]


def test_playback_grant(served: Served) -> None:
    mon = login(served, "monitor")
    r = mon.post("/api/v1/playback", json={"cameras": ["cam1"], "from": iso(served.rec_start_us),
                 "to": iso(served.rec_end_us), "purpose": "p", "destination": "d"})  # fmt: skip
    assert r.status_code == 200, r.text
    plan = r.json()
    seg = plan["cameras"]["cam1"]["segments"][0]
    grant = plan["grant"]
    idx = mon.get(f"/api/v1/playback/{grant}/segments/cam1/{seg['seq']}").json()
    first = idx["fragments"][0]
    media = mon.get(f"/api/v1/playback/{grant}/media/cam1/{seg['seq']}",
                    headers={"Range": f"bytes={first[0]}-{first[0] + first[1] - 1}"})  # fmt: skip
    assert media.status_code == 206 and media.content[4:8] == b"moof"
    # Someone else's grant, a forged grant, another camera: refused.
    adm = login(served, "administrator")
    assert adm.get(f"/api/v1/playback/{grant}/media/cam1/{seg['seq']}").status_code == 403
    forged = grant[:-2] + ("AA" if not grant.endswith("AA") else "BB")
    assert mon.get(f"/api/v1/playback/{forged}/media/cam1/{seg['seq']}").status_code == 403
    assert mon.get(f"/api/v1/playback/{grant}/media/cam2/{seg['seq']}").status_code == 403
    audit = adm.get("/api/v1/audit?action=playback").json()
    assert [(e["actor"], e["camera"], e["purpose"], e["destination"]) for e in audit] == [
        ("monitor", "cam1", "p", "d")
    ]


def test_live_socket_rights(served: Served) -> None:
    import websockets.sync.client as ws

    mon = login(served, "monitor")
    cookie = "; ".join(f"{k}={v}" for k, v in mon.cookies.items())
    url = served.base.replace("http", "ws") + "/api/v1/live/"
    with (
        pytest.raises(Exception) as refused,
        ws.connect(url + "cam2", additional_headers={"Cookie": cookie}) as conn,
    ):
        conn.recv(timeout=5)
    assert "4403" in str(refused.value) or "403" in str(refused.value)
    with pytest.raises(Exception) as anon, ws.connect(url + "cam1") as conn:
        conn.recv(timeout=5)
    assert "4401" in str(anon.value) or "401" in str(anon.value)


def test_openapi_is_published(served: Served) -> None:
    r = httpx.get(served.base + "/api/v1/openapi.json")
    assert r.status_code == 200 and "/api/v1/playback" in r.json()["paths"]
    assert httpx.get(served.base + "/api/v1/cameras").status_code == 401


def test_exports_outlive_a_restart_of_the_server(served: Served) -> None:
    """A finished export stays downloadable from a new server process's app; one that a
    restart cut off reports so, naming why, instead of vanishing."""
    c = login(served, "monitor")
    r = c.post("/api/v1/exports", json={"camera": "cam1", "from": iso(served.rec_start_us),
                                         "to": iso(served.rec_end_us), "purpose": "case 9",
                                         "destination": "court"})  # fmt: skip
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    deadline = time.monotonic() + 60
    while (job := c.get(f"/api/v1/exports/{job_id}").json())["state"] == "running":
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
    assert job["state"] == "done", job
    # A second job whose process died mid-way: its record still says "running".
    cut_off = served.ctx.home / "exports" / ("f" * 32)
    cut_off.mkdir()
    record = json.loads((served.ctx.home / "exports" / job_id / "job.json").read_text())
    record.update(id="f" * 32, state="running", sha256="")
    (cut_off / "job.json").write_text(json.dumps(record))

    with serving(served.ctx) as base:  # a new app: nothing of the old one's memory
        again = login(served, "monitor", base)
        status = again.get(f"/api/v1/exports/{job_id}").json()
        assert (status["state"], status["progress"], status["sha256"]) == (
            "done",
            1.0,
            job["sha256"],
        )
        got = again.get(f"/api/v1/exports/{job_id}/download")
        assert got.status_code == 200 and got.content[:2] == b"PK"
        names = zipfile.ZipFile(io.BytesIO(got.content)).namelist()
        assert any(n.endswith(".mp4") for n in names), names
        lost = again.get(f"/api/v1/exports/{'f' * 32}").json()
        assert lost["state"] == "failed" and "interrupted" in lost["error"]
        assert again.get(f"/api/v1/exports/{'f' * 32}/download").status_code == 409
        other = login(served, "maintainer", base)
        assert other.get(f"/api/v1/exports/{job_id}").status_code in (403, 404)
        assert again.get("/api/v1/exports/..%2F..%2Fkeys").status_code == 404
