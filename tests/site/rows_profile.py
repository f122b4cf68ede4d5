"""Rows of the endpoint × role matrix in test_api.py for these routes.

Each row: (method, route as declared, concrete path, JSON body or None, roles allowed),
taken from the role table (vigil/access/roles.py), not from the code under test:
every role holds view_records; only administrators hold manage_site; uploads need
manage_site or keep_maintenance_log (administrator, maintainer); taking a reference view
needs manage_site or manage_cameras (administrator, maintainer).
"""

from __future__ import annotations

from typing import Any

ROLES = ("administrator", "monitor", "maintainer", "auditor")

HOTEL = {
    "unit_name": "福州某酒店有限公司",
    "credit_code": "91350100M000100Y43",
    "division_code": "350102",
    "address": "福州市鼓楼区五四路1号",
    "categories": ["hospitality_entertainment"],
    "builder": "unit",
}


def rows(s: Any) -> list[tuple[str, str, str, dict[str, Any] | None, set[str]]]:
    a, m, mt, au = ROLES
    every = {a, m, mt, au}
    v = "/api/v1"
    return [
        ("GET", f"{v}/regulation/catalogue", f"{v}/regulation/catalogue", None, every),
        ("GET", f"{v}/site/profile", f"{v}/site/profile", None, every),
        ("PUT", f"{v}/site/profile", f"{v}/site/profile", HOTEL, {a}),
        ("GET", f"{v}/site/positions", f"{v}/site/positions", None, every),
        ("PUT", f"{v}/site/positions", f"{v}/site/positions",
         {"positions": [{"code": "lobby"}, {"code": "entrance"}]}, {a}),
        ("POST", f"{v}/site/positions", f"{v}/site/positions", {"code": "cash_desk"}, {a}),
        ("DELETE", f"{v}/site/positions/{{code}}", f"{v}/site/positions/nosuch", None, {a}),
        ("GET", f"{v}/site/coverage", f"{v}/site/coverage", None, every),
        ("GET", f"{v}/siting", f"{v}/siting", None, every),
        ("GET", f"{v}/cameras/{{name}}/siting", f"{v}/cameras/cam1/siting", None, every),
        ("PUT", f"{v}/cameras/{{name}}/siting", f"{v}/cameras/cam1/siting",
         {"location_type": "entrance", "purpose": "front door"}, {a}),
        ("POST", f"{v}/cameras/{{name}}/reference", f"{v}/cameras/cam1/reference", None, {a, mt}),
        ("POST", f"{v}/cameras/{{name}}/reference/approve",
         f"{v}/cameras/cam1/reference/approve", None, {a}),
        ("POST", f"{v}/attachments", f"{v}/attachments", None, {a, mt}),
        ("GET", f"{v}/attachments/{{attachment_id}}", f"{v}/attachments/999999", None, every),
    ]  # fmt: skip
