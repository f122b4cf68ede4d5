"""Rows of the endpoint × role matrix in test_api.py for these routes.

Each row: (method, route as declared, concrete path, JSON body or None, roles allowed),
taken from the role table (vigil/access/roles.py), not from the code under test.
"""

from __future__ import annotations

from typing import Any

ROLES = ("administrator", "monitor", "maintainer", "auditor")


def rows(s: Any) -> list[tuple[str, str, str, dict[str, Any] | None, set[str]]]:
    return []
