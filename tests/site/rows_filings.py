"""Rows of the endpoint × role matrix in test_api.py for the filing routes.

From the role table (vigil/access/roles.py), not from the code under test: reading where
the filing stands needs `view_records` (all four roles: the A13.1 banner is for everyone);
submitting needs `manage_site` (administrators). On the test site the submission answers
400 (no profile yet): still allowed.
"""

from __future__ import annotations

from typing import Any

ROLES = ("administrator", "monitor", "maintainer", "auditor")


def rows(s: Any) -> list[tuple[str, str, str, dict[str, Any] | None, set[str]]]:
    a, m, mt, au = ROLES
    return [
        ("GET", "/api/v1/filing/status", "/api/v1/filing/status", None, {a, m, mt, au}),
        ("POST", "/api/v1/filing/submissions", "/api/v1/filing/submissions",
         {"attachments": {}}, {a}),
    ]  # fmt: skip
