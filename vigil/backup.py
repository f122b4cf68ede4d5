"""Backup and restore of a site's index, keys, settings and records' files (A18(2)).

A backup is a directory: `vigil.toml`, `keys/`, `attachments/`, the index (`vigil.db`,
a consistent online copy by SQLite's backup API; or `index.pgdump`, by `pg_dump`, which
reads one snapshot) and `backup.json`, which names every file with its SHA-256. The
recorded originals are not copied: they are immutable files, backed up by copying
`segments/` (rsync) and adopted by the restore. Everything is written owner-only: the
index holds password hashes and camera credentials, `keys/` the site's signing key.

A restore builds a NEW home from a backup and the segments on disk, then reconciles:
segments past retention since the backup are expired through the chain as retention
would have done; files recorded after the backup are indexed anew (flag `reindexed`)
or, when their camera was added after the backup, moved to quarantine and reported;
indexed segments whose file is gone are reported. Nothing on disk is dropped silently.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import make_url

from vigil import __version__
from vigil.alarms import raise_alarm
from vigil.audit.actor import Actor
from vigil.clock import us_to_iso
from vigil.config import CONFIG_FILE, DB_FILE
from vigil.context import SiteContext, restrict_umask
from vigil.db.models import Camera, Segment
from vigil.db.states import SegmentState
from vigil.errors import ValidationError, VigilError
from vigil.integrity.digest import sha256_file
from vigil.integrity.seal import seal_now
from vigil.keys import signing as keys
from vigil.records.attachments import ATTACHMENTS_DIR
from vigil.storage import files
from vigil.storage.retention import expire
from vigil.storage.segment_store import SegmentStore, segment_key

MANIFEST = "backup.json"
PG_DUMP_FILE = "index.pgdump"
FORMAT = 1
REINDEXED_FLAG = "reindexed"


class BackupError(VigilError):
    code = "backup_failed"


@dataclass
class BackupInfo:
    """What `backup.json` says about a backup."""

    format: int
    vigil_version: str
    site_uuid: str
    key_id: str
    taken_us: int
    taken_at: str
    home: str
    database: str  # "sqlite" or "postgresql"
    files: dict[str, str]  # relative path -> SHA-256

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RestoreReport:
    home: str
    backup_taken_at: str
    segments_adopted: int = 0
    expired: int = 0
    reindexed: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pg_env(url: str) -> dict[str, str]:
    """libpq's environment for `url`: the password never appears on a command line."""
    u = make_url(url)
    env = dict(os.environ)
    for var, value in (
        ("PGHOST", u.host),
        ("PGPORT", u.port),
        ("PGUSER", u.username),
        ("PGPASSWORD", u.password),
        ("PGDATABASE", u.database),
    ):
        if value is not None:
            env[var] = str(value)
    return env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{cmd[0]} is not installed; it is needed to {what}") from None
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} failed to {what}: {done.stderr.strip()[-500:]}")


def _copy_tree(src: Path, dst: Path) -> None:
    if src.is_dir():
        shutil.copytree(src, dst, copy_function=shutil.copyfile)
    else:
        dst.mkdir()


def _hash_files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): sha256_file(p)[0]
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def backup(ctx: SiteContext, dest: Path, *, actor: Actor) -> BackupInfo:
    """Write a backup of `ctx` to the new directory `dest`, and register it in the audit log."""
    restrict_umask()
    dest = dest.expanduser().absolute()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ValidationError(f"{dest} exists and is not empty; give a new directory", field="dest")
    dest.parent.mkdir(parents=True, exist_ok=True)
    # Built beside the destination and renamed at the end: a half-written backup never
    # carries the final name.
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        site = ctx.site()
        taken_us = ctx.clock.now_us()
        database = "sqlite" if ctx.engine.dialect.name == "sqlite" else "postgresql"
        if database == "sqlite":
            _sqlite_copy(ctx, work / DB_FILE)
        else:
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={work / PG_DUMP_FILE}",
                ],
                _pg_env(ctx.engine.url.render_as_string(hide_password=False)),
                "dump the index",
            )
        shutil.copyfile(ctx.home / CONFIG_FILE, work / CONFIG_FILE)
        _copy_tree(keys.keys_dir(ctx.home), work / "keys")
        _copy_tree(ctx.home / ATTACHMENTS_DIR, work / ATTACHMENTS_DIR)
        info = BackupInfo(
            format=FORMAT,
            vigil_version=__version__,
            site_uuid=site.site_uuid,
            key_id=site.key_id,
            taken_us=taken_us,
            taken_at=us_to_iso(taken_us),
            home=str(ctx.home),
            database=database,
            files=_hash_files(work),
        )
        (work / MANIFEST).write_text(json.dumps(info.as_dict(), indent=2), encoding="utf-8")
        _owner_only(work)
        if dest.exists():
            dest.rmdir()
        os.rename(work, dest)
        files.fsync_dir(dest.parent)
    except BaseException as exc:
        shutil.rmtree(work, ignore_errors=True)
        with ctx.sessions.begin() as s:
            actor.audit(
                s,
                ctx,
                "backup",
                result="failed",
                detail={"dest": str(dest), "error": str(exc)[:500]},
            )
        raise
    with ctx.sessions.begin() as s:
        actor.audit(
            s,
            ctx,
            "backup",
            detail={"dest": str(dest), "taken_at": info.taken_at, "database": database},
        )
    return info


def _sqlite_copy(ctx: SiteContext, target: Path) -> None:
    """A consistent copy while the recorder writes: SQLite's online backup API."""
    raw = ctx.engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
    finally:
        raw.close()
    if check != "ok":
        raise BackupError(f"the copy of the index fails SQLite's integrity check: {check}")


def read_backup(src: Path) -> BackupInfo:
    """The manifest of the backup at `src`, after checking every file's SHA-256."""
    try:
        data = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
        info = BackupInfo(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise ValidationError(f"{src} is not a Vigil backup ({exc})", field="src") from None
    if info.format != FORMAT:
        raise ValidationError(f"backup format {info.format} is not {FORMAT}", field="src")
    found = _hash_files(src)
    for name, sha in info.files.items():
        if found.get(name) != sha:
            what = "is missing" if name not in found else "differs from its recorded SHA-256"
            raise ValidationError(f"{src / name} {what}; the backup is damaged", field="src")
    return info


def restore(
    src: Path,
    home: Path,
    *,
    segments: Path | None = None,
    database_url: str | None = None,
    actor: Actor,
) -> RestoreReport:
    """Build the new home `home` from the backup `src` and the segments directory
    `segments` (default: the backed-up home's, if it is still there)."""
    restrict_umask()
    src = src.expanduser().absolute()
    home = home.expanduser().absolute()
    info = read_backup(src)
    if home.exists() and any(home.iterdir()):
        raise ValidationError(
            f"{home} exists and is not empty; restore into a new home", field="home"
        )
    if info.database == "postgresql" and not database_url:
        raise ValidationError(
            "this backup holds a PostgreSQL dump; give --database-url of an empty database",
            field="database_url",
        )
    seg_src = segments if segments is not None else Path(info.home) / "segments"
    home.mkdir(parents=True, exist_ok=True)
    os.chmod(home, 0o700)
    shutil.copyfile(src / CONFIG_FILE, home / CONFIG_FILE)
    if database_url:
        _set_database_url(home / CONFIG_FILE, database_url)
    shutil.copytree(src / "keys", home / "keys", copy_function=shutil.copyfile)
    shutil.copytree(src / ATTACHMENTS_DIR, home / ATTACHMENTS_DIR, copy_function=shutil.copyfile)
    for kept in (home / ATTACHMENTS_DIR).rglob("*"):
        if kept.is_file():
            files.make_read_only(kept)
    if info.database == "sqlite":
        shutil.copyfile(src / DB_FILE, home / DB_FILE)
    else:
        assert database_url is not None
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={_pg_env(database_url)['PGDATABASE']}",
                str(src / PG_DUMP_FILE),
            ],
            _pg_env(database_url),
            "restore the index",
        )
    report = RestoreReport(str(home), info.taken_at)
    report.segments_adopted = _adopt_segments(seg_src, home / "segments")
    ctx = SiteContext.init(home)
    try:
        if ctx.site().site_uuid != info.site_uuid:
            raise BackupError("the restored index belongs to another site than the backup")
        report.expired = sum(expire(ctx).expired.values())
        _reconcile(ctx, report)
        with ctx.sessions.begin() as s:
            actor.audit(
                s,
                ctx,
                "restore",
                detail={
                    "backup": str(src),
                    "backup_taken_at": info.taken_at,
                    "segments_adopted": report.segments_adopted,
                    "expired": report.expired,
                    "reindexed": len(report.reindexed),
                    "quarantined": len(report.quarantined),
                    "missing": len(report.missing),
                },
            )
        # The re-indexed links and the restore's own entry are signed at once, not at the
        # next seal of a running recorder.
        seal_now(ctx)
    finally:
        ctx.close()
    return report


def _set_database_url(config: Path, url: str) -> None:
    lines = [
        ln
        for ln in config.read_text(encoding="utf-8").splitlines()
        if not ln.lstrip("# ").startswith("database_url")
    ]
    lines.append(f"database_url = {json.dumps(url)}")
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _adopt_segments(src: Path, dst: Path) -> int:
    """Hard-link (or copy, across file systems) the recorded files into the new home."""
    dst.mkdir(parents=True, exist_ok=True)
    if not src.is_dir():
        return 0
    count = 0
    for file in sorted(src.rglob("*")):
        if not file.is_file():
            continue
        target = dst / file.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(file, target)
        except OSError:
            shutil.copy2(file, target)
        count += 1
    return count


def _reconcile(ctx: SiteContext, report: RestoreReport) -> None:
    with ctx.sessions() as s:
        known = set(s.scalars(select(Segment.path)))
        cameras = {c.id for c in s.scalars(select(Camera))}
        sealed = list(s.execute(select(Segment.path).where(Segment.state == SegmentState.SEALED)))
    root = ctx.segments_dir
    store = SegmentStore(ctx)
    unknown: list[tuple[int, int, Path]] = []
    for file in root.rglob("*.mp4"):
        key = str(file.relative_to(root))
        if key in known:
            continue
        parts = file.relative_to(root).parts
        cam, start = parts[0], file.stem
        if not cam.isdigit() or not start.isdigit() or segment_key(int(cam), int(start)) != key:
            report.quarantined.append(_set_aside(ctx, file, "its name is not a segment's"))
            continue
        unknown.append((int(cam), int(start), file))
    for cam_id, start_us, file in sorted(unknown):
        key = str(file.relative_to(root))
        if cam_id not in cameras:
            why = "its camera was added after the backup"
            report.quarantined.append(_set_aside(ctx, file, why))
            continue
        try:
            store.index_existing(cam_id, key, start_us, flags=REINDEXED_FLAG)
        except (OSError, ValueError) as exc:
            report.quarantined.append(_set_aside(ctx, file, str(exc)))
            continue
        report.reindexed.append(key)
    report.missing = [p for (p,) in sealed if not (root / p).exists()]


def _set_aside(ctx: SiteContext, file: Path, why: str) -> str:
    """Move a file the restored index cannot take to `quarantine/restore/`, with an alarm."""
    rel = file.relative_to(ctx.segments_dir)
    dest = ctx.quarantine_dir / "restore" / rel
    files.durable_rename(file, dest)
    raise_alarm(
        ctx,
        "segment_quarantined",
        "warning",
        f"{rel} could not be indexed after the restore ({why}); kept as {dest}",
    )
    return str(rel)


def _owner_only(root: Path) -> None:
    """Backups hold the signing key and password hashes: only their owner reads them."""
    os.chmod(root, 0o700)
    for path in root.rglob("*"):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
