"""Nothing under a home is readable by other local users (index, keys, recordings, logs)."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from tests.fabricate import commit_clips, make_clips
from vigil.cameras import CameraRegistry
from vigil.context import SiteContext


def loose(root: Path) -> list[str]:
    """Entries under `root` (and root) that a group or other user may read or enter."""
    out = []
    for p in [root, *root.rglob("*")]:
        if not p.is_symlink() and stat.S_IMODE(p.lstat().st_mode) & 0o077:
            out.append(f"{p.relative_to(root)} {oct(stat.S_IMODE(p.lstat().st_mode))}")
    return out


def test_a_new_home_and_its_recordings_are_the_owners_only(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    home = Path(cli_env["VIGIL_HOME"])
    old = os.umask(0o022)  # the usual umask: the code must not rely on a strict one
    try:
        subprocess.run(["vigil", "init"], env=cli_env, check=True, capture_output=True)
        subprocess.run(["vigil", "status"], env=cli_env, check=True, capture_output=True)
        ctx = SiteContext.open(home)
        cam = CameraRegistry(ctx).add("cam1", "rtsp://127.0.0.1:1/cam1")
        segs = commit_clips(ctx, cam.id, make_clips(tmp_path, 1), ctx.clock.now_us() - 10**8)
        ctx.close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((ctx.segments_dir / segs[0].path).stat().st_mode) == 0o400
    assert (home / "logs" / "vigil.log").exists()
    assert loose(home) == []


def test_init_tightens_an_existing_home(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    home = Path(cli_env["VIGIL_HOME"])
    subprocess.run(["vigil", "init"], env=cli_env, check=True, capture_output=True)
    # As an older version left it: 0755 directories, 0644 files.
    for p in [home, *home.rglob("*")]:
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    (home / "exports").mkdir(mode=0o755)
    (home / "exports" / "old.zip").write_bytes(b"x")
    os.chmod(home / "exports" / "old.zip", 0o644)
    assert loose(home) != []
    subprocess.run(["vigil", "init"], env=cli_env, check=True, capture_output=True)
    assert loose(home) == []
