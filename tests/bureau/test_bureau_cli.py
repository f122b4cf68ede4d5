"""The bureau's app: init, staff, invitations, its console and API over real HTTP, its
hierarchy by division (A4), and its own hash-chained audit log of every act."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.bureau.conftest import Bureau, vigil
from tests.bureau.test_link_processes import audit_rows
from vigil.audit.verify import check_audit
from vigil.bureau.divisions import within
from vigil.bureau.web.app import ALLOWED

PW = "correct-horse-battery-9"


def signed_in(b: Bureau, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=b.server.url, timeout=30)
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return client


def test_the_console_and_the_api_need_a_session(bureau: Bureau) -> None:
    page = httpx.get(bureau.server.url + "/", timeout=30)
    assert page.status_code == 200 and "监管平台" in page.text and 'lang="zh-CN"' in page.text
    assert page.headers["x-frame-options"] == "DENY"
    r = httpx.get(bureau.server.url + "/api/v1/filings", timeout=30)
    assert r.status_code == 401
    assert httpx.get(bureau.server.url + "/api/v1/units", timeout=30).status_code == 401
    admin = signed_in(bureau, "admin", bureau.admin_password)
    assert admin.get("/api/v1/filings").json()["filings"] == []
    me = admin.get("/api/v1/me").json()
    assert (me["role"], me["division_code"]) == ("administrator", "350100")
    # a change without the session's CSRF token is refused
    bare = httpx.Client(base_url=bureau.server.url, cookies=admin.cookies, timeout=30)
    assert bare.post("/api/v1/auth/logout").status_code == 403
    assert admin.post("/api/v1/auth/logout").status_code == 200
    assert admin.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("role", ["officer", "inspector", "head", "administrator", "民警"])
def test_every_role_reaches_the_routes_the_matrix_allows(bureau: Bureau, role: str) -> None:
    out = vigil("bureau", "user", "add", "u2", "--role", role, "--home", str(bureau.home), "--password-stdin",
                stdin=PW + "\n")  # fmt: skip
    assert out.returncode == 0, out.stderr
    client = signed_in(bureau, "u2", PW)
    mine = client.get("/api/v1/me").json()["role"]
    for route, roles in ALLOWED.items():
        method, path = route.split(" ")
        status = client.request(method, re.sub(r"\{[^}]+\}", "1", path), json={}).status_code
        assert status != 401, route
        assert (status != 403) == (mine in {r.value for r in roles}), (route, status)
    assert [r["role"] for r in audit_rows(bureau, "user_add")][-1] == mine


def test_wrong_passwords_lock_the_account_and_every_attempt_is_registered(bureau: Bureau) -> None:
    url = bureau.server.url + "/api/v1/auth/login"
    for _ in range(5):
        r = httpx.post(url, json={"username": "admin", "password": "wrong-password-1"}, timeout=30)
        assert r.status_code == 401
    r = httpx.post(url, json={"username": "admin", "password": bureau.admin_password}, timeout=30)
    assert r.status_code == 401 and "locked" in r.json()["message"]
    logins = audit_rows(bureau, "login")
    assert [x["result"] for x in logins] == ["refused"] * 6
    assert bureau.admin_password not in str(logins)


def test_invitations_stay_in_the_bureaus_jurisdiction(bureau: Bureau) -> None:
    token = bureau.invite("鼓楼某酒店", "--division", "350102")
    out = bureau.cli("invite", "厦门某商场", "--division", "350203")
    assert out.returncode != 0 and "division" in out.stderr and "A4" in out.stderr
    out = bureau.cli("invite", "某单位", "--division", "350199")
    assert out.returncode != 0 and "GB/T 2260" in out.stderr
    invites = audit_rows(bureau, "link_invite")
    assert [(i["unit"], i["division"], i["valid_h"]) for i in invites] == [
        ("鼓楼某酒店", "350102", 72)
    ]
    assert token not in str(invites)
    # the bureau's own log: the administrator created at init, the invitation, chained
    assert [r["username"] for r in audit_rows(bureau, "user_add")] == ["admin"]
    ctx = bureau.ctx()
    problems, _, links = check_audit(ctx)  # type: ignore[arg-type]
    ctx.close()
    assert problems == [] and links >= 2


def test_a_city_sees_its_counties_not_its_neighbours() -> None:
    assert within("350100", "350102") and within("350100", "350100")
    assert within("350000", "350203")  # the province sees every city's units
    assert not within("350100", "350203")  # Fuzhou does not see Xiamen's
    assert not within("350102", "350103")  # a county does not see its neighbour's
    assert within("350102", "350102")
