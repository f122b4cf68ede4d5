"""`vigil backup` and `vigil restore` through the real command, on SQLite and PostgreSQL
(pg_dump / pg_restore), with real fMP4 segments committed through the real store."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import BACKEND, PG_URL, _admin_execute, site_settings
from tests.fabricate import commit_clips, make_clips
from vigil.access.roles import Role
from vigil.access.users import UserRegistry
from vigil.cameras import CameraRegistry
from vigil.clock import US_PER_S, SystemClock
from vigil.context import SiteContext


def vigil(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(["vigil", *args], env=env, capture_output=True, text=True, timeout=120)
    if ok:
        assert out.returncode == 0, f"vigil {args}: {out.stdout}\n{out.stderr}"
    return out


@contextmanager
def empty_database() -> Iterator[str | None]:
    """An empty PostgreSQL database (no schema: pg_restore creates it); None on SQLite."""
    if BACKEND != "postgresql":
        yield None
        return
    name = f"vigil_restore_{uuid.uuid4().hex[:12]}"
    _admin_execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL + name
    finally:
        _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode) for p in root.rglob("*")}


@pytest.fixture
def recorded(tmp_path: Path, database_url: str | None, cli_env: dict[str, str]):  # type: ignore[no-untyped-def]
    """A site with one camera, 3 segments, a user and audit entries; its CLI environment."""
    home = tmp_path / "home"
    ctx = SiteContext.init(home, SystemClock(), settings=site_settings(database_url))
    cam = CameraRegistry(ctx).add("cam1", "rtsp://user:pw@127.0.0.1:1/cam1")
    UserRegistry(ctx).add("admin", "correct-horse-9", Role.ADMINISTRATOR, actor="test")
    clips = make_clips(tmp_path, 5)
    start = ctx.clock.now_us() - 3600 * US_PER_S
    segs = commit_clips(ctx, cam.id, clips[:3], start)
    env = dict(cli_env, VIGIL_HOME=str(home))
    env.pop("VIGIL_DATABASE_URL", None)  # the home's vigil.toml names the database
    yield ctx, cam.id, clips, segs, env
    ctx.close()


def test_backup_and_restore_keep_every_segment(recorded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx, cam_id, clips, segs, env = recorded
    dest = tmp_path / "backups" / "monday"
    out = vigil(env, "backup", str(dest), "--json")
    info = json.loads(out.stdout)
    assert info["database"] == ("postgresql" if BACKEND == "postgresql" else "sqlite")
    names = set(info["files"])
    assert {"vigil.toml", "keys/site_ed25519.pem"} <= names
    assert ("index.pgdump" if BACKEND == "postgresql" else "vigil.db") in names
    # Secrets inside: only the owner reads the backup.
    for name, mode in {".": stat.S_IMODE(dest.stat().st_mode), **modes(dest)}.items():
        assert mode & 0o077 == 0, f"{name} is {oct(mode)}"
    # The backup is in the source's audit log.
    listed = json.loads(vigil(env, "audit", "list", "--action", "backup", "--json").stdout)
    assert [e["result"] for e in listed] == ["ok"]

    # Two segments recorded after the backup: a restore must not drop them.
    later = commit_clips(ctx, cam_id, clips[3:], segs[-1].end_us)
    new_home = tmp_path / "restored"
    with empty_database() as url:
        args = ["restore", str(dest), "--home", str(new_home), "--json"]
        report = json.loads(vigil(env, *args, *(["--database-url", url] if url else [])).stdout)
        assert sorted(report["reindexed"]) == sorted(s.path for s in later)
        assert report["missing"] == [] and report["quarantined"] == []
        new_env = dict(env, VIGIL_HOME=str(new_home))
        assert "all holds" in vigil(new_env, "verify").stdout
        vigil(new_env, "audit", "verify")
        listed = json.loads(vigil(new_env, "segments", "cam1", "--json").stdout)
        assert [s["sha256"] for s in listed["segments"]] == [s.sha256 for s in segs + later]
        restored = json.loads(
            vigil(new_env, "audit", "list", "--action", "restore", "--json").stdout
        )
        assert len(restored) == 1 and restored[0]["detail"]["reindexed"] == 2
        # Users came back with the index; the new home is the owner's only.
        assert "admin" in vigil(new_env, "user", "list").stdout
        assert stat.S_IMODE(new_home.stat().st_mode) == 0o700


def test_restore_reports_segments_gone_and_refuses_damage(recorded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx, _cam_id, _clips, segs, env = recorded
    dest = tmp_path / "b"
    vigil(env, "backup", str(dest))
    # Not over an existing backup, not into a home in use.
    assert "not empty" in vigil(env, "backup", str(dest), ok=False).stderr
    assert "not empty" in vigil(env, "restore", str(dest), "--home", str(ctx.home), ok=False).stderr
    # A segment the backup indexes has vanished from the adopted copy: reported, not hidden.
    copy = tmp_path / "segcopy"
    subprocess.run(["cp", "-a", str(ctx.segments_dir), str(copy)], check=True)
    os.chmod(copy / segs[0].path, 0o600)
    (copy / segs[0].path).unlink()
    with empty_database() as url:
        extra = ["--database-url", url] if url else []
        new_home = tmp_path / "r"
        out = vigil(
            env,
            "restore",
            str(dest),
            "--home",
            str(new_home),
            "--segments",
            str(copy),
            "--json",
            *extra,
        )
        assert json.loads(out.stdout)["missing"] == [segs[0].path]
        failed = vigil(dict(env, VIGIL_HOME=str(new_home)), "verify", ok=False)
        assert failed.returncode == 1 and "file_missing" in failed.stdout
    # A damaged backup is refused, naming the file.
    (dest / "vigil.toml").write_text("# edited\n", encoding="utf-8")
    out = vigil(env, "restore", str(dest), "--home", str(tmp_path / "r2"), ok=False)
    assert "vigil.toml" in out.stderr and "damaged" in out.stderr
