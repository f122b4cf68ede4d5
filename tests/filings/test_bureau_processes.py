"""A filing between a unit and its bureau, both real processes on loopback (A13.2, N14):
`vigil filing submit` → the officer returns it with a reason → the unit corrects and submits
again → the officer accepts → the receipt 备案回执 is at the unit; the on-site check is
planned within 30 days of receipt (A13.2) and recorded; the register answers 401 without a
session and 403 to a role that may not act; every act is in the bureau's audit log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.bureau.conftest import Bureau, Site, bureau, site_process, vigil, wait_for  # noqa: F401
from tests.filings.helpers import ALL_ITEMS, HOTEL
from vigil.bureau.db.models import AUDIT_ENTRIES

PW = "correct-horse-battery-9"


def staff(b: Bureau, username: str, role: str) -> httpx.Client:
    out = vigil("bureau", "user", "add", username, "--home", str(b.home), "--role", role,
                "--password-stdin", stdin=PW + "\n")  # fmt: skip
    assert out.returncode == 0, out.stderr
    client = httpx.Client(base_url=b.server.url, timeout=30)
    r = client.post("/api/v1/auth/login", json={"username": username, "password": PW})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return client


def site_status(site: Site) -> dict[str, Any]:
    out = site.cli("filing", "status", "--json")
    assert out.returncode == 0, out.stderr
    found: dict[str, Any] = json.loads(out.stdout)
    return found


def register(officer: httpx.Client) -> list[dict[str, Any]]:
    r = officer.get("/api/v1/filings")
    assert r.status_code == 200, r.text
    rows: list[dict[str, Any]] = r.json()["filings"]
    return rows


def bureau_actions(b: Bureau) -> list[str]:
    ctx = b.ctx()
    try:
        with ctx.sessions() as s:
            return list(s.scalars(AUDIT_ENTRIES.select().with_only_columns(
                AUDIT_ENTRIES.c.action).order_by(AUDIT_ENTRIES.c.seq)))  # fmt: skip
    finally:
        ctx.close()


def test_submit_return_resubmit_accept_receipt_between_processes(
    tmp_path: Path,
    bureau: Bureau,  # noqa: F811
    database_url: str | None,
) -> None:
    files = []
    for kind, (data, name) in ALL_ITEMS.items():
        path = tmp_path / name
        path.write_bytes(data)
        files += ["--attach", f"{kind}={path}"]
    assert httpx.get(bureau.server.url + "/api/v1/filings").status_code == 401
    officer = staff(bureau, "li", "officer")
    inspector = staff(bureau, "wang", "inspector")
    with site_process(tmp_path / "site", database_url, VIGIL_LINK_RETRY_MAX_S="1") as site:
        profile = ["--unit-name", HOTEL["unit_name"], "--credit-code", HOTEL["credit_code"],
                   "--division-code", "350102", "--address", HOTEL["address"],
                   "--categories", "hospitality_entertainment", "--builder", "unit",
                   "--delivered-on", "2025-12-01", "--commissioned-on", "2025-12-02"]  # fmt: skip
        out = site.cli("site", "profile", "set", *profile)
        assert out.returncode == 0, out.stderr
        token = bureau.invite(HOTEL["unit_name"], "--division", "350102")
        out = site.cli("link", "join", bureau.server.url, "--token", token)
        assert out.returncode == 0, out.stderr

        out = site.cli("filing", "submit", *files, "--json")
        assert out.returncode == 0, out.stderr
        filing = json.loads(out.stdout)["filing"]
        wait_for(lambda: register(officer), "the bureau to register the filing")
        [row] = register(officer)
        assert (row["unit"], row["filing"], row["version"], row["state"]) == (
            HOTEL["unit_name"],
            filing,
            1,
            "received",
        )
        assert row["n14"]["unit"] == HOTEL["unit_name"]
        assert {a["kind"] for a in row["attachments"]} == set(ALL_ITEMS)
        assert row["check"]["state"] == "due"  # A13.2: 30 days from receipt

        # an inspector may not decide; the officer returns it with a reason
        r = inspector.post("/api/v1/filings/return", json={"filing": filing, "version": 1,
                                                           "reasons": ["x"]})  # fmt: skip
        assert r.status_code == 403, r.text
        r = officer.post("/api/v1/filings/return", json={
            "filing": filing, "version": 1, "reasons": ["授权书未加盖公章"]})  # fmt: skip
        assert r.status_code == 200, r.text
        wait_for(lambda: site_status(site)["state"] == "returned", "the return at the unit")
        history = site_status(site)["filings"][0]["history"]
        assert history[-1]["reasons"] == ["授权书未加盖公章"]

        stamped = tmp_path / "授权书-盖章.pdf"
        stamped.write_bytes(b"%PDF-1.4 stamped letter")
        out = site.cli("filing", "submit", "--attach", f"authorisation_letter={stamped}")
        assert out.returncode == 0, out.stderr
        wait_for(lambda: any(r["version"] == 2 for r in register(officer)), "version 2")
        states = {(r["version"], r["state"]) for r in register(officer)}
        assert states == {(1, "superseded"), (2, "received")}

        r = officer.post("/api/v1/filings/accept", json={"filing": filing, "version": 2})
        assert r.status_code == 200, r.text
        number = r.json()["receipt_number"]
        assert number.startswith("350100备〔") and number.endswith("0001号")  # the city bureau
        wait_for(lambda: site_status(site)["state"] == "accepted", "the receipt at the unit")
        st = site_status(site)
        assert st["receipt"]["number"] == number and st["receipt"]["filing"] == filing
        events = [h["event"] for h in st["filings"][0]["history"]]
        assert events == ["submitted", "returned", "resubmitted", "accepted"]

        # the on-site check: not after its last day (A13.2); planned and recorded
        v2 = next(r for r in register(officer) if r["version"] == 2)
        due = v2["check"]["due_on"]
        late = inspector.post("/api/v1/filings/check-plan", json={
            "filing": filing, "version": 2, "planned_on": "2099-01-01"})  # fmt: skip
        assert late.status_code == 400 and late.json()["article"] == "A13.2"
        ok = inspector.post("/api/v1/filings/check-plan", json={
            "filing": filing, "version": 2, "planned_on": due})  # fmt: skip
        assert ok.status_code == 200, ok.text
        done = inspector.post("/api/v1/filings/check", json={
            "filing": filing, "version": 2, "checked_on": v2["received_on"],
            "result": "与备案一致"})  # fmt: skip
        assert done.status_code == 200, done.text
        v2 = next(r for r in register(officer) if r["version"] == 2)
        assert v2["check"]["state"] == "met" and v2["check_by"] == "wang"
    acts = bureau_actions(bureau)
    for action in ("filing_received", "filing_return", "filing_accept", "filing_check_plan",
                   "filing_check"):  # fmt: skip
        assert action in acts, action
    assert acts.count("filing_received") == 2
