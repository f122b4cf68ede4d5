"""Retention holds over real HTTP (N17): an administrator sets and lifts them, every role
reads them, bad input names the field and the article, each act is audited."""

from __future__ import annotations

from tests.site.rows_profile import HOTEL
from tests.site.test_api import Served, login, served  # noqa: F401 (fixture)
from vigil.audit.query import list_entries


def test_admin_sets_and_lifts_a_hold_over_http(served: Served) -> None:  # noqa: F811
    admin = login(served, "administrator")
    bad = admin.post("/api/v1/holds", json={"camera": "cam1", "kind": "whim", "reference": "x"})
    assert bad.status_code == 400
    assert (bad.json()["error"]["field"], bad.json()["error"]["article"]) == ("kind", "N17")
    empty = admin.post("/api/v1/holds", json={"camera": "cam1", "kind": "case", "reference": ""})
    assert empty.status_code == 400 and empty.json()["error"]["field"] == "reference"
    unknown = admin.post("/api/v1/holds", json={"camera": "cam1", "kind": "case",
                                                "reference": "C", "purpose": "typo"})  # fmt: skip
    assert unknown.status_code in (400, 422)

    r = admin.post("/api/v1/holds", json={
        "camera": "cam1", "kind": "evidence", "reference": "E-2026-3", "until": "2099-01-31",
        "from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z"})  # fmt: skip
    assert r.status_code == 201, r.text
    hold = r.json()
    assert hold["live"] and hold["set_by"] == "administrator" and hold["until"] == "2099-01-31"
    assert hold["from"].startswith("2026-01-01T00:00:00")

    monitor = login(served, "monitor")
    assert [h["id"] for h in monitor.get("/api/v1/holds").json()] == [hold["id"]]
    refused = monitor.post(f"/api/v1/holds/{hold['id']}/lift", json={"reason": "x"})
    assert refused.status_code == 403

    lifted = admin.post(f"/api/v1/holds/{hold['id']}/lift", json={"reason": "released"})
    assert lifted.status_code == 200 and lifted.json()["live"] is False
    again = admin.post(f"/api/v1/holds/{hold['id']}/lift", json={"reason": "again"})
    assert again.status_code == 409
    assert admin.get("/api/v1/holds?live=true").json() == []

    entries = [e for e in list_entries(served.ctx) if e.action.startswith("hold_")]
    assert [(e.action, e.actor, e.actor_role) for e in entries] == [
        ("hold_set", "administrator", "administrator"),
        ("hold_lift", "administrator", "administrator"),
    ]
    assert entries[0].camera_name == "cam1" and entries[0].detail["reference"] == "E-2026-3"


def test_jurisdiction_and_national_class_over_http(served: Served) -> None:  # noqa: F811
    """`vigil site profile set --jurisdiction/--national-class`, over the web API: an
    administrator only, refused naming the field, audited."""
    admin = login(served, "administrator")
    catalogue = admin.get("/api/v1/regulation/catalogue").json()
    assert {j["code"] for j in catalogue["jurisdictions"]} == {"province", "national"}
    assert "other_public_place" in {c["code"] for c in catalogue["national_classes"]}
    assert admin.put("/api/v1/site/profile", json=HOTEL).status_code == 200
    bad = admin.put("/api/v1/site/profile", json={"jurisdiction": "mars"})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "jurisdiction"
    bad = admin.put("/api/v1/site/profile", json={"national_class": "castle"})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "national_class"
    refused = login(served, "monitor").put(
        "/api/v1/site/profile", json={"jurisdiction": "national"}
    )
    assert refused.status_code == 403
    ok = admin.put("/api/v1/site/profile",
                   json={"jurisdiction": "national", "national_class": "other_public_place"})  # fmt: skip
    assert ok.status_code == 200
    profile = ok.json()["profile"]
    assert (profile["jurisdiction"], profile["national_class"]) == (
        "national",
        "other_public_place",
    )
    last = list_entries(served.ctx, action="profile_update")[-1]
    assert last.actor == "administrator" and "jurisdiction" in str(last.detail)
