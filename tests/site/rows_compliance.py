"""Rows of the endpoint × role matrix in test_api.py for these routes.

Each row: (method, route as declared, concrete path, JSON body or None, roles allowed),
taken from the role table (vigil/access/roles.py), not from the code under test: the
self-check report and the filing form need `view_records`, held by all four roles; the
report with `verify=true` (re-hashing every file) needs `verify` too (administrator,
auditor). The filing form answers 400 (no profile yet) on the test site: still allowed.
"""

from __future__ import annotations

from typing import Any

ROLES = ("administrator", "monitor", "maintainer", "auditor")


def rows(s: Any) -> list[tuple[str, str, str, dict[str, Any] | None, set[str]]]:
    a, m, mt, au = ROLES
    everyone = {a, m, mt, au}
    return [
        ("GET", "/api/v1/compliance/report", "/api/v1/compliance/report", None, everyone),
        ("GET", "/api/v1/compliance/report", "/api/v1/compliance/report?verify=true", None,
         {a, au}),
        ("GET", "/api/v1/compliance/report.pdf", "/api/v1/compliance/report.pdf", None,
         everyone),
        ("GET", "/api/v1/filing/form", "/api/v1/filing/form", None, everyone),
        ("GET", "/api/v1/filing/form.pdf", "/api/v1/filing/form.pdf", None, everyone),
    ]  # fmt: skip
