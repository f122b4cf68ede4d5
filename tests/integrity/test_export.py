"""Exports (A17.2(2), A18(3), A19): a stream copy of the originals with a signed manifest
that a third party checks with sha256sum and openssl alone.

Segments are real fMP4 files made by ffmpeg and committed through the real store, on the
database under test; the exported files are judged by ffprobe, ffmpeg, openssl and
sha256sum.
"""

from __future__ import annotations

import json
import os
import stat
import struct
import subprocess
import zipfile
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from tests.fabricate import commit_clips, make_clips
from vigil.audit.query import list_entries
from vigil.audit.site_verify import verify_site as verify
from vigil.audit.verify import verify_audit
from vigil.cameras import CameraRegistry
from vigil.clock import US_PER_S, FakeClock, us_to_iso
from vigil.context import SiteContext
from vigil.db.models import ChainEntry, Seal, Segment
from vigil.errors import NotFoundError, ValidationError, VigilError
from vigil.export.mp4 import rewrite_moof
from vigil.export.package import ExportResult, export_clip, verify_export
from vigil.media.probe import probe_file
from vigil.storage.fmp4 import read_layout

S = US_PER_S


@pytest.fixture
def recorded(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> list[Segment]:
    """Four 2-s segments (keyframe every second) from t0; not sealed yet."""
    cam = CameraRegistry(site).add("gate", "rtsp://127.0.0.1:8554/gate")
    segs = commit_clips(site, cam.id, make_clips(tmp_path_factory.getbasetemp(), 4), clock.now_us())
    clock.advance(seconds=60)
    return segs


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    """Where exports go (the site's home is in tmp_path too)."""
    path = tmp_path / "exports"
    path.mkdir()
    return path


def export(site: SiteContext, segs: list[Segment], out: Path, a: float, b: float,
           **kw: Any) -> ExportResult:  # fmt: skip
    t0 = segs[0].start_us
    args: dict[str, Any] = {"purpose": "案件（2026）第17号", "destination": "市公安局刑侦支队",
                            "actor": "cli:tester", "out": out, **kw}  # fmt: skip
    return export_clip(site, "gate", t0 + int(a * S), t0 + int(b * S), **args)


def run(*cmd: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True, timeout=60)


def packets(path: Path) -> list[tuple[float, str, str]]:
    """(dts seconds, flags, SHA-256 of the packet data) of every video packet."""
    out = run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
              "packet=dts_time,flags,data_hash", "-show_data_hash", "sha256", "-of", "csv=p=0",
              str(path))  # fmt: skip
    assert out.returncode == 0, out.stderr
    rows = [line.split(",") for line in out.stdout.splitlines() if line.strip()]
    return [(float(r[0]), r[1], r[2]) for r in rows]


def openssl_verify(folder: Path, name: str) -> subprocess.CompletedProcess[str]:
    return run("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", f"{name}.pub.pem", "-rawin",
               "-in", f"{name}.manifest.json", "-sigfile", f"{name}.manifest.sig", cwd=folder)  # fmt: skip


def writable(path: Path) -> Path:
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    return path


def flip_byte(path: Path, where: float = 0.5) -> None:
    data = bytearray(path.read_bytes())
    data[int(len(data) * where)] ^= 0x01
    path.write_bytes(bytes(data))


def test_export_of_two_segments_is_a_stream_copy(
    site: SiteContext, recorded: list[Segment], outdir: Path
) -> None:
    out = outdir / "out" / "case.mp4"
    progress: list[float] = []
    result = export(site, recorded, out, 2.5, 5.5, progress=progress.append)

    # Segments 2 (2-4 s) and 3 (4-6 s); the cut starts at the keyframe at 2 s.
    t0 = recorded[0].start_us
    assert result.segments == [recorded[1].seq, recorded[2].seq]
    assert (result.actual_from_us, result.actual_to_us) == (t0 + 2 * S, t0 + 6 * S)
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "case.mp4", "case.mp4.manifest.json", "case.mp4.manifest.sig", "case.mp4.pub.pem",
        "case.mp4.sha256",
    ]  # fmt: skip
    assert progress[0] == 0.0 and progress[-1] == 1.0 and progress == sorted(progress)

    probe = probe_file(out)
    assert probe.video_codec == "h264" and (probe.width, probe.height) == (160, 120)
    assert probe.duration_s is not None and probe.duration_s >= 3.0
    sources = [site.segments_dir / s.path for s in recorded[1:3]]
    frames = sum(f.samples for p in sources for f in read_layout(p).fragments)
    assert probe.nb_packets == frames == 40
    # Every packet is an original packet, byte for byte, in order; time runs forward.
    got = packets(out)
    assert [h for _, _, h in got] == [h for p in sources for _, _, h in packets(p)]
    times = [t for t, _, _ in got]
    assert times[0] == 0.0 and all(b > a for a, b in pairwise(times))
    assert got[0][1].startswith("K")
    decode = run("ffmpeg", "-v", "error", "-i", str(out), "-f", "null", "-")
    assert decode.returncode == 0 and not decode.stderr.strip(), decode.stderr

    ok = openssl_verify(out.parent, "case.mp4")
    assert ok.returncode == 0, ok.stderr + ok.stdout
    assert "Signature Verified Successfully" in ok.stdout
    sums = run("sha256sum", "-c", "case.mp4.sha256", cwd=out.parent)
    assert sums.returncode == 0, sums.stdout + sums.stderr
    assert sums.stdout.count(": OK") == 2
    assert verify_export(out) == []
    assert verify_export(out, site) == []
    assert verify(site).ok


def test_manifest_says_what_was_copied_and_proves_it_was_sealed(
    site: SiteContext, recorded: list[Segment], outdir: Path
) -> None:
    with site.sessions() as s:
        assert s.scalar(select(Seal)) is None
    result = export(site, recorded, outdir / "m.mp4", 0.5, 2.5)
    raw = (outdir / "m.mp4.manifest.json").read_bytes()
    manifest = json.loads(raw)
    assert raw == json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode("ascii")
    assert manifest == result.manifest
    site_row = site.site()
    t0 = recorded[0].start_us
    assert manifest["type"] == "vigil.export.v1"
    assert manifest["site"] == site_row.site_uuid and manifest["key_id"] == site_row.key_id
    assert (manifest["camera_name"], manifest["camera_id"]) == ("gate", recorded[0].camera_id)
    assert manifest["requested_from_us"] == t0 + S // 2
    assert manifest["requested_from"] == us_to_iso(t0 + S // 2)
    assert manifest["actual_from_us"] == t0 and manifest["actual_to"] == us_to_iso(t0 + 3 * S)
    assert manifest["purpose"] == "案件（2026）第17号"
    assert manifest["destination"] == "市公安局刑侦支队" and manifest["actor"] == "cli:tester"
    assert manifest["created_us"] == site.clock.now_us()
    assert manifest["file"] == {"name": "m.mp4", "bytes": result.bytes, "sha256": result.sha256}
    with site.sessions() as s:
        seal = s.scalar(select(Seal))  # made by the export: nothing was sealed before
        links = s.scalars(select(ChainEntry).where(ChainEntry.chain == "camera:1"))
        chain = {e.seq: e.chain_hash for e in links}
    assert seal is not None
    for entry, seg in zip(manifest["segments"], recorded[:2], strict=True):
        assert (entry["seq"], entry["start_us"], entry["end_us"], entry["sha256"]) == (
            seg.seq, seg.start_us, seg.end_us, seg.sha256,
        )  # fmt: skip
        assert entry["chain_hash"] == chain[seg.seq]
        assert entry["seal"] == {"id": seal.id, "body": seal.body, "signature": seal.signature_hex}


def test_earliest_covering_seal_is_named(
    site: SiteContext, recorded: list[Segment], clock: FakeClock, tmp_path_factory: pytest.TempPathFactory,
    outdir: Path,
) -> None:  # fmt: skip
    from vigil.integrity.seal import seal_now

    first = seal_now(site)
    clock.advance(seconds=300)
    more = commit_clips(site, recorded[0].camera_id, make_clips(tmp_path_factory.getbasetemp(), 4),
                        recorded[-1].end_us)  # fmt: skip
    second = seal_now(site)
    assert first is not None and second is not None
    t0 = recorded[0].start_us
    result = export_clip(site, "gate", t0 + 7 * S, more[0].end_us, purpose="p", destination="d",
                         actor="cli:tester", out=outdir / "x.mp4")  # fmt: skip
    seals = [e["seal"]["id"] for e in result.manifest["segments"]]
    assert seals == [first.id, second.id]
    assert verify_export(outdir / "x.mp4", site) == []


def test_gap_inside_the_range_stays_a_jump_in_time(
    site: SiteContext, recorded: list[Segment], tmp_path_factory: pytest.TempPathFactory,
    outdir: Path,
) -> None:  # fmt: skip
    later = recorded[-1].end_us + 10 * S  # recording resumes 10 s after the last segment
    commit_clips(site, recorded[0].camera_id, make_clips(tmp_path_factory.getbasetemp(), 4), later)
    out = outdir / "gap.mp4"
    t0 = recorded[0].start_us
    result = export_clip(site, "gate", t0 + 7 * S, later + 2 * S, purpose="p", destination="d",
                         actor="cli:tester", out=out)  # fmt: skip
    assert len(result.segments) == 2
    times = [t for t, _, _ in packets(out)]
    assert all(b > a for a, b in pairwise(times))
    # 1 s before the gap, 10 s of gap, then 2 s: the video clock follows the wall clock.
    assert times[10] == pytest.approx(11.0)
    probe = probe_file(out)
    assert probe.duration_s is not None and probe.duration_s >= 12.9
    assert verify_export(out) == []


def test_flipped_byte_in_the_video_is_named(
    site: SiteContext, recorded: list[Segment], outdir: Path
) -> None:
    out = outdir / "v.mp4"
    export(site, recorded, out, 1, 3)
    flip_byte(out)
    problems = verify_export(out)
    assert len(problems) == 2
    assert problems[0].startswith("video_altered:") and "v.mp4" in problems[0]
    assert problems[1].startswith("checksum:")
    assert run("sha256sum", "-c", "v.mp4.sha256", cwd=outdir).returncode != 0


def test_edited_manifest_fails_its_signature(
    site: SiteContext, recorded: list[Segment], outdir: Path
) -> None:
    out = outdir / "e.mp4"
    export(site, recorded, out, 1, 3)
    manifest = out.with_name("e.mp4.manifest.json")
    manifest.write_bytes(manifest.read_bytes().replace(b"cli:tester", b"cli:someone"))
    problems = verify_export(out)
    assert any(p.startswith("manifest_signature:") for p in problems), problems
    assert openssl_verify(outdir, "e.mp4").returncode != 0


def test_another_key_is_named(site: SiteContext, recorded: list[Segment], outdir: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from vigil.keys.signing import public_pem

    out = outdir / "k.mp4"
    export(site, recorded, out, 1, 3)
    forger = Ed25519PrivateKey.generate()
    manifest = out.with_name("k.mp4.manifest.json").read_bytes()
    out.with_name("k.mp4.manifest.sig").write_bytes(forger.sign(manifest))
    out.with_name("k.mp4.pub.pem").write_bytes(public_pem(forger.public_key()))
    problems = verify_export(out)
    assert any(p.startswith("key_mismatch:") for p in problems), problems
    assert any(p.startswith("seal_invalid:") for p in problems), problems


def test_zip_holds_the_same_files_and_verifies(
    site: SiteContext, recorded: list[Segment], outdir: Path
) -> None:
    out = outdir / "case.zip"
    result = export(site, recorded, out, 2.5, 5.5)
    assert result.files == [out] and result.video_name == "case.mp4"
    assert [p.name for p in outdir.iterdir()] == ["case.zip"]
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == [
            "case.mp4", "case.mp4.manifest.json", "case.mp4.manifest.sig", "case.mp4.pub.pem",
            "case.mp4.sha256",
        ]  # fmt: skip
        zf.extractall(outdir / "x")
    assert verify_export(out) == [] and verify_export(out, site) == []
    folder = outdir / "x"
    assert run("sha256sum", "-c", "case.mp4.sha256", cwd=folder).returncode == 0
    assert openssl_verify(folder, "case.mp4").returncode == 0
    assert probe_file(folder / "case.mp4").nb_packets == 40
    # A zip whose video was altered on the way is named.
    flip_byte(folder / "case.mp4")
    bad = outdir / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, p.name)
    assert [p.split(":")[0] for p in verify_export(bad)] == ["video_altered", "checksum"]


def test_site_check_names_a_segment_whose_chain_changed(
    site: SiteContext, recorded: list[Segment], outdir: Path
) -> None:
    out = outdir / "s.mp4"
    export(site, recorded, out, 1, 3)
    with site.sessions.begin() as s:
        s.execute(
            update(ChainEntry).where(ChainEntry.seq == recorded[0].seq).values(chain_hash="0" * 64)
        )
    assert verify_export(out) == []  # the export itself is intact
    problems = verify_export(out, site)
    assert problems == [f"segment_changed: the site's chain differs at segment #{recorded[0].seq}"]


def test_altered_original_is_not_exported(
    site: SiteContext, recorded: list[Segment], outdir: Path
) -> None:
    offset, size = json.loads(recorded[1].fragments)[-1][:2]
    path = writable(site.segments_dir / recorded[1].path)
    flip_byte(path, (offset + size - 100) / path.stat().st_size)  # inside a picture
    with pytest.raises(VigilError) as err:
        export(site, recorded, outdir / "t.mp4", 1, 5)
    assert f"#{recorded[1].seq}" in err.value.message and "SHA-256" in err.value.message
    assert list(outdir.iterdir()) == []
    (entry,) = list_entries(site, action="export")
    assert entry.result == "failed" and "SHA-256" in entry.detail["error"]


def test_export_is_registered_in_the_audit_log(
    site: SiteContext, recorded: list[Segment], outdir: Path
) -> None:
    result = export(site, recorded, outdir / "a.mp4", 1, 3)
    (entry,) = list_entries(site, action="export")
    assert entry.seq == result.audit_seq and entry.result == "ok"
    assert entry.actor == "cli:tester" and entry.camera_name == "gate"
    assert entry.purpose == "案件（2026）第17号" and entry.destination == "市公安局刑侦支队"
    assert (entry.from_us, entry.to_us) == (result.requested_from_us, result.requested_to_us)
    assert entry.detail["file"] == "a.mp4" and entry.detail["sha256"] == result.sha256
    assert verify_audit(site) == []


@pytest.mark.parametrize(
    ("camera", "a", "b", "kw", "field", "text"),
    [
        ("gate", 1, 3, {"purpose": "   "}, "purpose", "purpose"),
        ("gate", 1, 3, {"purpose": ""}, "purpose", "purpose"),
        ("gate", 1, 3, {"purpose": "x" * 501}, "purpose", "500"),
        ("gate", 1, 3, {"destination": ""}, "destination", "destination"),
        ("gate", 3, 1, {}, "to", "later"),
        ("gate", 3, 3, {}, "to", "later"),
        ("gate", 1, 1 + 24 * 3600 + 1, {}, "to", "24 hours"),
        ("gate", 100, 110, {}, "from", "gap"),
        ("gate", -50, -10, {}, "from", "no recording"),
        ("nope", 1, 3, {}, "camera", "nope"),
        ("gate", 1, 3, {"out": "case.avi"}, "output", ".mp4 or .zip"),
    ],
)
def test_bad_requests_name_the_field_and_are_registered(
    site: SiteContext, recorded: list[Segment], outdir: Path,
    camera: str, a: float, b: float, kw: dict[str, Any], field: str, text: str,
) -> None:  # fmt: skip
    if "out" in kw:
        kw = {**kw, "out": outdir / kw["out"]}
    t0 = recorded[0].start_us
    args: dict[str, Any] = {"purpose": "p", "destination": "d", "actor": "cli:tester",
                            "out": outdir / "bad.mp4", **kw}  # fmt: skip
    with pytest.raises(VigilError) as err:
        export_clip(site, camera, t0 + int(a * S), t0 + int(b * S), **args)
    assert isinstance(err.value, NotFoundError if field == "camera" else ValidationError)
    assert err.value.field == field
    assert text in err.value.message
    if field == "purpose" and "500" not in text:
        assert err.value.article == "A17.2(2)"
    assert list(outdir.iterdir()) == []
    (entry,) = list_entries(site, action="export")
    assert entry.result == "failed" and entry.detail["error"].startswith(f"{field}:")


def test_existing_output_is_never_overwritten(
    site: SiteContext, recorded: list[Segment], outdir: Path
) -> None:
    export(site, recorded, outdir / "o.mp4", 1, 3)
    before = (outdir / "o.mp4").read_bytes()
    with pytest.raises(ValidationError) as err:
        export(site, recorded, outdir / "o.mp4", 3, 5)
    assert err.value.field == "output"
    assert (outdir / "o.mp4").read_bytes() == before


def test_stream_format_change_is_refused(
    site: SiteContext, recorded: list[Segment], outdir: Path
) -> None:
    big = outdir / "big"
    big.mkdir()
    run("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
        "testsrc2=size=320x240:rate=10:duration=2", "-c:v", "libx264", "-preset", "ultrafast",
        "-g", "10", "-bf", "0", "-movflags", "+frag_keyframe+empty_moov+default_base_moof",
        str(big / "clip.mp4"))  # fmt: skip
    commit_clips(site, recorded[0].camera_id, [big / "clip.mp4"], recorded[-1].end_us)
    with pytest.raises(ValidationError) as err:
        export(site, recorded, outdir / "f.mp4", 7, 9)
    assert err.value.field == "to" and "format changes" in err.value.message
    export(site, recorded, outdir / "g.mp4", 8.5, 9.5)  # the new format alone is fine


def test_rewrite_moof_upgrades_a_32_bit_tfdt_and_keeps_data_offsets() -> None:
    def box(typ: bytes, payload: bytes) -> bytes:
        return struct.pack(">I4s", 8 + len(payload), typ) + payload

    tfhd = box(b"tfhd", struct.pack(">II", 0x020000, 1))
    tfdt = box(b"tfdt", struct.pack(">II", 0, 7))  # version 0
    trun = box(b"trun", struct.pack(">IIi", 0x000001, 0, 64))
    moof = box(b"moof", box(b"mfhd", struct.pack(">II", 0, 9)) + box(b"traf", tfhd + tfdt + trun))
    new = rewrite_moof(moof, sequence=3, decode_time=1 << 40, shift=1000)
    assert len(new) == len(moof) + 4
    assert struct.unpack_from(">I", new, 20)[0] == 3  # mfhd sequence
    assert (
        new.find(b"tfdt") > 0 and struct.unpack_from(">Q", new, new.find(b"tfdt") + 8)[0] == 1 << 40
    )
    assert struct.unpack_from(">i", new, new.find(b"trun") + 12)[0] == 68  # mdat moved by 4


# ---- the real command ---------------------------------------------------------------------


def vigil(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(["vigil", *args], env=env, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in out.stdout + out.stderr
    return out


def test_cli_export_and_verify(
    site: SiteContext, recorded: list[Segment], cli_env: dict[str, str], outdir: Path
) -> None:
    env = dict(cli_env, VIGIL_HOME=str(site.home))
    t0 = recorded[0].start_us
    frm, to = us_to_iso(t0 + int(2.5 * S)), us_to_iso(t0 + int(5.5 * S))
    common = ["--from", frm, "--to", to, "--purpose", "案件调查", "--destination", "市公安局"]
    out = vigil(env, "export", "gate", *common, "-o", str(outdir / "c.mp4"))
    assert out.returncode == 0, out.stderr
    assert "c.mp4.manifest.json" in out.stdout and "audit log" in out.stdout
    ok = vigil(env, "export", "verify", str(outdir / "c.mp4"))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "holds" in ok.stdout
    zipped = vigil(env, "export", "gate", *common, "-o", str(outdir / "c.zip"), "--json")
    assert zipped.returncode == 0, zipped.stderr
    assert json.loads(zipped.stdout)["segments"] == [recorded[1].seq, recorded[2].seq]
    assert vigil(env, "export", "verify", str(outdir / "c.zip")).returncode == 0

    flip_byte(outdir / "c.mp4")
    bad = vigil(env, "export", "verify", str(outdir / "c.mp4"))
    assert bad.returncode == 1
    assert "video_altered" in bad.stdout and "c.mp4" in bad.stdout
    offline = vigil(env, "export", "verify", "--offline", "--json", str(outdir / "c.mp4"))
    assert offline.returncode == 1 and json.loads(offline.stdout)["ok"] is False

    missing = vigil(env, "export", "gate", "--from", frm, "--to", to, "--destination", "x",
                    "-o", str(outdir / "d.mp4"))  # fmt: skip
    assert missing.returncode == 2
    assert "purpose:" in missing.stderr and "A17.2(2)" in missing.stderr
    gap = vigil(env, "export", "gate", "--from", us_to_iso(t0 + 100 * S), "--to",
                us_to_iso(t0 + 110 * S), "--purpose", "p", "--destination", "d",
                "-o", str(outdir / "e.mp4"))  # fmt: skip
    assert gap.returncode == 2 and "from:" in gap.stderr and "gap" in gap.stderr
    unknown = vigil(env, "export", "nope", *common, "-o", str(outdir / "f.mp4"))
    assert unknown.returncode == 3 and "camera:" in unknown.stderr

    listed = json.loads(vigil(env, "audit", "list", "--json", "--action", "export").stdout)
    assert [e["result"] for e in listed] == ["ok", "ok", "failed", "failed", "failed"]
    assert all(e["actor"].startswith("cli:") for e in listed)
    assert listed[0]["purpose"] == "案件调查" and listed[0]["destination"] == "市公安局"
    assert "export CAMERA --from ISO" in vigil(env, "export", "--help").stdout
