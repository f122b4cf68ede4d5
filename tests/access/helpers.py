"""Shared helpers for the access tests: a camera, users, and the audit entries written."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from vigil.access.users import UserRegistry, UserView
from vigil.cameras import CameraRegistry
from vigil.context import SiteContext
from vigil.db.models import AuditEntry

PASSWORD = "correct-horse-7"


def add_camera(site: SiteContext, name: str = "lobby") -> int:
    return CameraRegistry(site).add(name, "rtsp://10.0.0.1/s1").id


def add_user(site: SiteContext, username: str = "alice", role: str = "monitor") -> UserView:
    return UserRegistry(site).add(username, PASSWORD, role, actor="admin")


def audit_rows(site: SiteContext, action: str | None = None) -> list[dict[str, Any]]:
    with site.sessions() as s:
        q = select(AuditEntry).order_by(AuditEntry.seq)
        if action is not None:
            q = q.where(AuditEntry.action == action)
        return [
            {
                "actor": e.actor,
                "actor_role": e.actor_role,
                "action": e.action,
                "result": e.result,
                "client_addr": e.client_addr,
                "camera_id": e.camera_id,
                "camera_name": e.camera_name,
                "detail": json.loads(e.detail),
            }
            for e in s.scalars(q)
        ]
