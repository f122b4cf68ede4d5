"""Rows of the endpoint × role matrix in test_api.py for these routes.

Each row: (method, route as declared, concrete path, JSON body or None, roles allowed),
taken from the role table (vigil/access/roles.py), not from the code under test:
VIEW_RECORDS all four roles; MANAGE_SITE administrator; KEEP_ROOM_LOG administrator,
monitor, maintainer; KEEP_MAINTENANCE_LOG administrator, maintainer.
"""

from __future__ import annotations

from typing import Any

from vigil.clock import US_PER_S, us_to_iso

ROLES = ("administrator", "monitor", "maintainer", "auditor")


def rows(s: Any) -> list[tuple[str, str, str, dict[str, Any] | None, set[str]]]:
    a, m, mt, au = ROLES
    read, site, room, upkeep = {a, m, mt, au}, {a}, {a, m, mt}, {a, mt}
    v = "/api/v1"
    person = {"name": "Li Lei", "duty": "monitoring", "joined_on": "2024-01-01"}
    training = {"kind": "secrecy", "held_on": "2024-02-01", "topic": "secrecy rules"}
    shift = {
        "staff_id": 1,
        "starts": us_to_iso(s.rec_start_us),
        "ends": us_to_iso(s.rec_start_us + 8 * 3600 * US_PER_S),
    }
    contract = {
        "contractor": "Minhang Security Ltd",
        "scope": "cameras and NVR",
        "starts_on": "2024-01-01",
        "ends_on": "2030-12-31",
        "security_clause": True,
    }
    entry = {"reason": "inspection", "person_name": "Visitor", "organisation": "Vendor Co"}
    fault = {"kind": "fault", "summary": "cam2 offline", "performed_by": "duty officer"}
    return [
        ("GET", f"{v}/staff", f"{v}/staff", None, read),
        ("POST", f"{v}/staff", f"{v}/staff", person, site),
        ("GET", f"{v}/staff/untrained", f"{v}/staff/untrained", None, read),
        ("GET", f"{v}/staff/{{staff_id}}", f"{v}/staff/1", None, read),
        ("PATCH", f"{v}/staff/{{staff_id}}", f"{v}/staff/1", {"phone": "0591-8765432"}, site),
        ("GET", f"{v}/staff/{{staff_id}}/training", f"{v}/staff/1/training", None, read),
        ("POST", f"{v}/staff/{{staff_id}}/training", f"{v}/staff/1/training", training, site),
        ("GET", f"{v}/shifts", f"{v}/shifts", None, read),
        ("POST", f"{v}/shifts", f"{v}/shifts", shift, site),
        ("POST", f"{v}/shifts/{{shift_id}}/handover", f"{v}/shifts/1/handover",
         {"to_staff_id": 1, "note": "all quiet"}, room),
        ("GET", f"{v}/room/entries", f"{v}/room/entries?flagged=true", None, read),
        ("POST", f"{v}/room/entries", f"{v}/room/entries", entry, room),
        ("GET", f"{v}/room/entries/{{entry_id}}", f"{v}/room/entries/1", None, read),
        ("POST", f"{v}/room/entries/{{entry_id}}/leave", f"{v}/room/entries/1/leave", {}, room),
        ("GET", f"{v}/room/counts", f"{v}/room/counts", None, read),
        ("GET", f"{v}/maintenance/contracts", f"{v}/maintenance/contracts", None, read),
        ("POST", f"{v}/maintenance/contracts", f"{v}/maintenance/contracts", contract, site),
        ("GET", f"{v}/maintenance/contracts/shortfalls", f"{v}/maintenance/contracts/shortfalls",
         None, read),
        ("PATCH", f"{v}/maintenance/contracts/{{contract_id}}", f"{v}/maintenance/contracts/1",
         {"security_clause": True}, site),
        ("GET", f"{v}/maintenance/log", f"{v}/maintenance/log?open=true", None, read),
        ("POST", f"{v}/maintenance/log", f"{v}/maintenance/log", fault, upkeep),
        ("POST", f"{v}/maintenance/log/{{record_id}}/resolve", f"{v}/maintenance/log/1/resolve",
         {"outcome": "restarted"}, upkeep),
        ("GET", f"{v}/maintenance/summary", f"{v}/maintenance/summary", None, read),
    ]  # fmt: skip
