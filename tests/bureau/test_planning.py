"""The register of planned systems (A6, N6) against a real `vigil bureau serve` process, on
SQLite and PostgreSQL: who may read and change plans, the jurisdiction (A4), bad input named
with its field (and the article where the law is the reason), the N6 warning of duplicate
building, the status from planned to built (linked to an enrolled unit), and the audit
entries each change leaves in the bureau's log."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.bureau.conftest import Bureau, Server, empty_postgres, env_for, vigil
from tests.bureau.test_bureau_cli import signed_in
from tests.bureau.test_link_processes import audit_rows
from vigil.audit.verify import check_audit
from vigil.bureau import planning
from vigil.bureau.dashboard_models import UnitCategory, UnitFacts
from vigil.bureau.db.models import Unit

PW = "planning-password-42"

SQUARE: dict[str, Any] = {
    "name": "鼓楼区五一广场视频监控系统",
    "planner": "福州市鼓楼区人民政府",
    "division_code": "350102",
    "category": "crowded_public_places",
    "national_class": "crowded_place",
    "places": ["五一广场", "东街口"],
    "cameras": {"crowd_area": 12, "junction": 4},
    "build_on": "2027-03-01",
    "use_on": "2027-09-01",
    "notes": "与地铁站共用立杆",
}


def add_user(b: Bureau, name: str, role: str) -> httpx.Client:
    out = vigil("bureau", "user", "add", name, "--role", role, "--home", str(b.home),
                "--password-stdin", stdin=PW + "\n")  # fmt: skip
    assert out.returncode == 0, out.stderr
    return signed_in(b, name, PW)


def test_plans_are_read_by_all_staff_changed_by_heads_and_administrators_and_audited(
    bureau: Bureau,
) -> None:
    url = bureau.server.url
    assert httpx.get(url + "/api/v1/plans", timeout=30).status_code == 401
    assert httpx.post(url + "/api/v1/plans", json=SQUARE, timeout=30).status_code == 401
    admin = signed_in(bureau, "admin", bureau.admin_password)
    head = add_user(bureau, "zhang", "head")
    officer = add_user(bureau, "li", "officer")
    inspector = add_user(bureau, "wang", "inspector")
    for reader in (officer, inspector):  # they read, they do not plan
        assert reader.post("/api/v1/plans", json=SQUARE).status_code == 403
        assert reader.get("/api/v1/plans").json()["plans"] == []

    first = admin.post("/api/v1/plans", json=SQUARE)
    assert first.status_code == 200, first.text
    a = first.json()["plan"]
    assert (a["status"], a["places"], a["cameras"]) == ("planned", SQUARE["places"],
                                                         SQUARE["cameras"])  # fmt: skip
    assert first.json()["warnings"] == []
    # the same square planned again by a department, under another name: kept, with a warning
    again = head.post("/api/v1/plans", json={**SQUARE, "name": "公交站台监控",
                                              "planner": "福州市交通运输局", "category": None,
                                              "national_class": "transport_hub",
                                              "places": ["五一 广场"]})  # fmt: skip
    assert again.status_code == 200, again.text
    b = again.json()["plan"]
    (warning,) = again.json()["warnings"]
    assert (warning["article"], warning["other"], warning["places"]) == (
        "N6",
        a["id"],
        ["五一广场"],
    )
    assert "N6" in warning["message"]
    # the same category in the same county, elsewhere: warned of the first plan (N6)
    park = {**SQUARE, "name": "西湖公园监控", "places": ["西湖公园"], "national_class": None}
    c = head.post("/api/v1/plans", json=park).json()
    assert [(w["other"], w["same"]) for w in c["warnings"]] == [(a["id"], ["category"])]
    # another county's square of the same name is not a duplicate
    taijiang = head.post("/api/v1/plans", json={**SQUARE, "division_code": "350103"}).json()
    assert taijiang["warnings"] == []

    # status: planned -> under construction -> built, linked to the unit that enrolled
    plan_url = f"/api/v1/plans/{a['id']}"
    assert officer.patch(plan_url, json={"status": "under_construction"}).status_code == 403
    r = head.patch(plan_url, json={"status": "under_construction"})
    assert r.status_code == 200 and r.json()["plan"]["status"] == "under_construction"
    r = head.patch(plan_url, json={"status": "planned"})  # no way back
    assert r.status_code == 400 and (r.json()["code"], r.json()["field"]) == ("conflict", "status")
    r = head.patch(plan_url, json={"status": "built"})
    assert r.status_code == 400 and r.json()["field"] == "unit_id"
    ctx = bureau.ctx()
    try:
        with ctx.sessions.begin() as s:
            unit = Unit(name="五一广场管理处", division_code="350102", state="linked",
                        peer_id=f"site:{uuid.uuid4()}", public_key_pem="", key_id="k", url="",
                        invited_us=0, joined_us=0)  # fmt: skip
            s.add(unit)
            s.flush()
            unit_id = unit.id
    finally:
        ctx.close()
    r = head.patch(plan_url, json={"status": "built", "unit_id": 999})
    assert r.status_code == 400 and r.json()["field"] == "unit_id"
    assert head.patch("/api/v1/plans/9999", json={"notes": "x"}).status_code == 404
    r = admin.patch(plan_url, json={"status": "built", "unit_id": unit_id})
    assert r.status_code == 200, r.text
    assert (r.json()["plan"]["status"], r.json()["plan"]["unit"]) == ("built", "五一广场管理处")
    r = head.patch(plan_url, json={"status": "cancelled"})  # built is final
    assert r.status_code == 400 and r.json()["field"] == "status"
    r = head.patch(f"/api/v1/plans/{c['plan']['id']}", json={"status": "cancelled"})
    assert r.status_code == 200 and r.json()["warnings"] == []  # a cancelled plan warns of none

    # reading: the whole city, one county, or one plan; a division outside is named
    every = officer.get("/api/v1/plans").json()
    assert [p["id"] for p in every["plans"]] == [a["id"], b["id"], c["plan"]["id"],
                                                 taijiang["plan"]["id"]]  # fmt: skip
    gulou = officer.get("/api/v1/plans", params={"division": "350102"}).json()
    assert {p["division_code"] for p in gulou["plans"]} == {"350102"}
    assert gulou["counts"] == {"planned": 1, "under_construction": 0, "built": 1,
                               "cancelled": 1, "cameras_planned": 32}  # fmt: skip
    r = officer.get("/api/v1/plans", params={"division": "350203"})  # Xiamen (A4)
    assert r.status_code == 400 and (r.json()["field"], r.json()["article"]) == ("division", "A4")
    one = inspector.get(f"/api/v1/plans/{b['id']}").json()
    assert [w["other"] for w in one["warnings"]] == [a["id"]]
    assert inspector.get("/api/v1/plans/9999").status_code == 404
    ctx = bureau.ctx()
    try:
        with ctx.sessions() as s:
            figures = planning.counts(s, ["350102", "350103", "350100"])
    finally:
        ctx.close()
    assert figures["350103"]["planned"] == 1 and figures["350100"]["planned"] == 2
    assert figures["350102"]["built"] == 1

    # every change is in the bureau's log, by whom, with the overlaps it was warned of
    created = audit_rows(bureau, "plan_create")
    assert [(x["plan"], x["n6_overlaps"]) for x in created] == [
        (a["id"], []), (b["id"], [a["id"]]), (c["plan"]["id"], [a["id"]]),
        (taijiang["plan"]["id"], []),
    ]  # fmt: skip
    updates = audit_rows(bureau, "plan_update")
    assert [(x["plan"], x["status_from"], x["status"]) for x in updates] == [
        (a["id"], "planned", "under_construction"), (a["id"], "under_construction", "built"),
        (c["plan"]["id"], "planned", "cancelled"),
    ]  # fmt: skip
    assert updates[1]["unit_id"] == unit_id
    ctx = bureau.ctx()
    try:
        problems, _, _ = check_audit(ctx)  # type: ignore[arg-type]
        assert problems == []
    finally:
        ctx.close()


def test_a_plan_is_warned_of_a_system_already_built_and_filed_there(bureau: Bureau) -> None:
    """N6: a unit of the same county whose filing names the same A7 category or N7 class has
    built such a system already; the plan is kept and the answer names the unit."""
    ctx = bureau.ctx()
    try:
        with ctx.sessions.begin() as s:
            ids = []
            for name, division in (("东街口商场", "350102"), ("台江商场", "350103")):
                unit = Unit(name=name, division_code=division, state="linked",
                            peer_id=f"site:{uuid.uuid4()}", public_key_pem="", key_id="k",
                            url="", invited_us=0, joined_us=0)  # fmt: skip
                s.add(unit)
                s.flush()
                s.add(UnitCategory(unit_id=unit.id, category="crowded_public_places"))
                s.add(UnitFacts(unit_id=unit.id, builder="unit", jurisdiction="national",
                                national_class="crowded_place", cameras=20))  # fmt: skip
                ids.append(unit.id)
    finally:
        ctx.close()
    head = add_user(bureau, "zhang", "head")
    r = head.post("/api/v1/plans", json=SQUARE)
    assert r.status_code == 200, r.text
    (warning,) = r.json()["warnings"]  # the Gulou unit, not Taijiang's
    assert (warning["kind"], warning["unit_id"], warning["article"]) == ("unit", ids[0], "N6")
    assert warning["same"] == ["category", "national_class"]
    # once the plan is built by that very unit, it is no longer warned of itself
    plan = r.json()["plan"]["id"]
    head.patch(f"/api/v1/plans/{plan}", json={"status": "under_construction"})
    r = head.patch(f"/api/v1/plans/{plan}", json={"status": "built", "unit_id": ids[0]})
    assert r.status_code == 200 and r.json()["warnings"] == []
    (created,) = audit_rows(bureau, "plan_create")
    assert (created["n6_overlaps"], created["n6_units"]) == ([], [ids[0]])


BAD: list[tuple[dict[str, Any], str, str | None]] = [
    ({"name": " "}, "name", None),
    ({"planner": None}, "planner", None),
    ({"division_code": "350199"}, "division_code", None),  # not a GB/T 2260 code
    ({"division_code": "350203"}, "division_code", "A4"),  # another city's
    ({"category": "castle"}, "category", "A7"),
    ({"national_class": "castle"}, "national_class", "N7"),
    ({"category": None, "national_class": None}, "category", "A7, N7"),
    ({"places": []}, "places", None),
    ({"cameras": {"toilet": 2}}, "cameras", "A8"),  # no camera where A8/N8 forbid one
    ({"cameras": {"junction": -1}}, "cameras", None),
    ({"build_on": "2027-13-01"}, "build_on", None),
    ({"use_on": "2027-01-01"}, "use_on", "A11"),  # in use before it is built
    ({"status": "dreamt"}, "status", None),
    ({"colour": "red"}, "colour", None),
]


def test_bad_input_is_refused_naming_the_field_and_leaves_no_plan(bureau: Bureau) -> None:
    admin = signed_in(bureau, "admin", bureau.admin_password)
    for change, field, article in BAD:
        r = admin.post("/api/v1/plans", json={**SQUARE, **change})
        assert r.status_code == 400, (change, r.text)
        assert r.json()["field"] == field, (change, r.json())
        if article is not None:
            assert article in (r.json()["article"] or ""), (change, r.json())
    assert admin.get("/api/v1/plans").json()["plans"] == []
    assert audit_rows(bureau, "plan_create") == []


@pytest.fixture
def county(tmp_path: Path) -> Iterator[Bureau]:
    """A county bureau (鼓楼区, 350102) as its own process."""
    with empty_postgres() as url:
        home = tmp_path / "county"
        args = ["bureau", "init", "--home", str(home), "--name", "鼓楼分局", "--division",
                "350102"] + (["--database-url", url] if url else [])  # fmt: skip
        out = vigil(*args)
        assert out.returncode == 0, out.stderr
        server = Server(["bureau", "serve", "--home", str(home)], env_for())
        server.start()
        try:
            yield Bureau(home, server, out.stdout.strip().splitlines()[-1].split(": ")[-1])
        finally:
            server.stop()


def test_a_county_bureau_plans_and_sees_only_its_own_county(county: Bureau) -> None:
    admin = signed_in(county, "admin", county.admin_password)
    assert admin.post("/api/v1/plans", json=SQUARE).status_code == 200
    r = admin.post("/api/v1/plans", json={**SQUARE, "division_code": "350103"})  # 台江区
    assert r.status_code == 400 and (r.json()["field"], r.json()["article"]) == (
        "division_code", "A4")  # fmt: skip
    r = admin.get("/api/v1/plans", params={"division": "350103"})
    assert r.status_code == 400 and r.json()["field"] == "division"
    r = admin.get("/api/v1/plans", params={"division": "350100"})  # its city: above it
    assert r.status_code == 400 and r.json()["article"] == "A4"
    assert [p["division_code"] for p in admin.get("/api/v1/plans").json()["plans"]] == ["350102"]
