"""A third party checks Vigil's seals and segments with openssl and sha256sum alone."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.fabricate import commit_clips, make_clips
from vigil.cameras import CameraRegistry
from vigil.context import SiteContext
from vigil.db.models import ChainEntry
from vigil.integrity.seal import export_seal, seal_now


@pytest.fixture
def sealed(site: SiteContext, tmp_path_factory: pytest.TempPathFactory) -> SiteContext:
    cam = CameraRegistry(site).add("hall", "rtsp://127.0.0.1:8554/hall")
    commit_clips(site, cam.id, make_clips(tmp_path_factory.getbasetemp(), 3), site.clock.now_us())
    return site


def openssl_verify(pub: Path, msg: Path, sig: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(pub), "-rawin",
         "-in", str(msg), "-sigfile", str(sig)],
        capture_output=True, text=True,
    )  # fmt: skip


def test_seal_verifies_with_openssl(sealed: SiteContext, tmp_path: Path) -> None:
    seal = seal_now(sealed)
    assert seal is not None
    msg, sig, pub = export_seal(sealed, seal, tmp_path / "out")
    ok = openssl_verify(pub, msg, sig)
    assert ok.returncode == 0, ok.stderr + ok.stdout
    assert "Signature Verified Successfully" in ok.stdout
    msg.write_bytes(msg.read_bytes().replace(b'"seq":3', b'"seq":2'))
    bad = openssl_verify(pub, msg, sig)
    assert bad.returncode != 0


def test_chain_recomputes_from_the_documented_formula(sealed: SiteContext) -> None:
    """The formula in docs/design/recording.md, written out with hashlib only."""
    with sealed.sessions() as s:
        entries = list(
            s.scalars(
                select(ChainEntry).where(ChainEntry.chain == "camera:1").order_by(ChainEntry.seq)
            )
        )
    prev = "0" * 64
    for e in entries:
        body = json.loads(e.body)
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        prev = hashlib.sha256(bytes.fromhex(prev) + canonical.encode()).hexdigest()
        assert prev == e.chain_hash
    seal = seal_now(sealed)
    assert seal is not None
    assert json.loads(seal.body)["heads"]["camera:1"] == {"seq": len(entries), "hash": prev}


def test_segments_check_with_sha256sum(
    sealed: SiteContext, cli_env: dict[str, str], tmp_path: Path
) -> None:
    env = dict(cli_env, VIGIL_HOME=str(sealed.home))
    listing = subprocess.run(
        ["vigil", "segments", "hall", "--sha256sum"], env=env, capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    assert len(listing.splitlines()) == 3
    check = subprocess.run(["sha256sum", "-c", "-"], input=listing, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == 3
