"""Rows of the endpoint × role matrix in test_api.py for data-subject viewing (N21), the
checks of the N8 places (N8.2) and the secret-unit consent (N10).

From the role table (vigil/access/roles.py), not from the code under test: VIEW_RECORDS
all four roles; PLAYBACK administrator and monitor; MANAGE_SITE administrator;
KEEP_MAINTENANCE_LOG administrator and maintainer.
"""

from __future__ import annotations

from typing import Any

from vigil.clock import us_to_iso

ROLES = ("administrator", "monitor", "maintainer", "auditor")


def rows(s: Any) -> list[tuple[str, str, str, dict[str, Any] | None, set[str]]]:
    a, m, mt, au = ROLES
    read, play, admin, upkeep = {a, m, mt, au}, {a, m}, {a}, {a, mt}
    v = "/api/v1"
    sr = f"{v}/subject-requests"
    ask = {
        "requester_name": "张三",
        "id_doc_type": "resident_id",
        "id_doc_number": "350102199001011234",
        "relation": "self",
        "reason": "wallet lost in the lobby",
        "cameras": ["cam1"],
        "from": us_to_iso(s.rec_start_us),
        "to": us_to_iso(s.rec_end_us),
    }
    check = {"checked_on": "2025-01-02", "checked_by": "王五", "places": ["room 301"],
             "result": "none_found"}  # fmt: skip
    consent = {"unit_name": "某研究所", "consented_on": "2025-01-02", "document_ref": "3号",
               "scope": "east gate"}  # fmt: skip
    return [
        ("GET", f"{sr}/options", f"{sr}/options", None, read),
        ("GET", sr, sr, None, read),
        ("POST", sr, sr, ask, play),
        ("GET", f"{sr}/{{request_id}}", f"{sr}/999", None, read),
        ("POST", f"{sr}/{{request_id}}/decision", f"{sr}/999/decision",
         {"consent": False, "note": "no"}, admin),
        ("POST", f"{sr}/{{request_id}}/viewing", f"{sr}/999/viewing", None, play),
        ("POST", f"{sr}/{{request_id}}/close", f"{sr}/999/close", None, play),
        ("GET", f"{v}/privacy-checks", f"{v}/privacy-checks", None, read),
        ("POST", f"{v}/privacy-checks", f"{v}/privacy-checks", check, upkeep),
        ("PUT", f"{v}/privacy-checks/policy", f"{v}/privacy-checks/policy",
         {"interval_days": 30}, admin),
        ("GET", f"{v}/privacy-reports", f"{v}/privacy-reports", None, read),
        ("GET", f"{v}/privacy-reports/{{report_id}}", f"{v}/privacy-reports/999", None, read),
        ("GET", f"{v}/site/secret-unit", f"{v}/site/secret-unit", None, read),
        ("PUT", f"{v}/site/secret-unit", f"{v}/site/secret-unit",
         {"near_secret_unit": False}, admin),
        ("POST", f"{v}/site/secret-unit/consents", f"{v}/site/secret-unit/consents", consent,
         admin),
    ]  # fmt: skip
