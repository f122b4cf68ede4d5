"""Rows of the endpoint × role matrix in test_api.py for the retention holds (N17).

From the role table (vigil/access/roles.py): every role holds view_records; only
administrators hold manage_site.
"""

from __future__ import annotations

from typing import Any

ROLES = ("administrator", "monitor", "maintainer", "auditor")


def rows(s: Any) -> list[tuple[str, str, str, dict[str, Any] | None, set[str]]]:
    a, m, mt, au = ROLES
    v = "/api/v1"
    hold = {"camera": "cam1", "kind": "case", "reference": "C-1"}
    return [
        ("GET", f"{v}/holds", f"{v}/holds", None, {a, m, mt, au}),
        ("POST", f"{v}/holds", f"{v}/holds", hold, {a}),
        ("POST", f"{v}/holds/{{hold_id}}/lift", f"{v}/holds/999999/lift", {"reason": "x"}, {a}),
    ]  # fmt: skip
