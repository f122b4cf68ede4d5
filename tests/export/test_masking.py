"""Publication with masking (N22): an export's derived copy with faces, licence plates and
the operator's marked regions pixelated, while the signed original stays as it was.

The recording is real: frames with a real face (Labeled Faces in the Wild, as
scikit-image ships it), a rendered Chinese plate and a shop sign are encoded by the real
ffmpeg into fMP4 segments and committed through the real store, on the database under
test. The masked copy is judged by decoding it with PyAV and running the detector on it.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np
import pytest

from tests.export.scenes import background, face_patch, render_plate
from tests.fabricate import commit_clips
from vigil.audit.query import list_entries
from vigil.audit.verify import verify_audit
from vigil.cameras import CameraRegistry
from vigil.clock import US_PER_S, FakeClock
from vigil.context import SiteContext
from vigil.db.models import Segment
from vigil.errors import ValidationError
from vigil.export.detect import Box, Detector
from vigil.export.masking import MaskRequest, parse_region, parse_regions
from vigil.export.package import ExportResult, export_clip, verify_export

S = US_PER_S
W, H, FPS = 320, 240, 10
FACE_SIZE, PLATE = 80, Box(180, 190, 120, 38, "plate")
SIGN = Box(200, 8, 110, 32, "marked")
SIGN_REGION = "195,4,120,40@1-3"  # the sign, from 1 s to 3 s of the clip


def face_at(i: int) -> Box:
    """The face in frame `i`: it walks right, 2 pixels a frame."""
    return Box(30 + 2 * i, 70, FACE_SIZE, FACE_SIZE, "face")


def frames(count: int) -> list[np.ndarray]:
    """BGR frames: grass, a walking face, a blue plate, a shop sign with the shop's name."""
    ground = background("grass", W, H)
    plate = render_plate("京A·12345", "blue", PLATE.w, PLATE.h)
    sign = np.full((SIGN.h, SIGN.w, 3), 250, np.uint8)
    cv2.putText(sign, "PING AN 88", (4, 23), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (20, 20, 20), 2)
    out = []
    for i in range(count):
        img = ground.copy()
        f = face_at(i)
        img[f.y : f.y + f.h, f.x : f.x + f.w] = face_patch(0, f.w, f.h)
        img[PLATE.y : PLATE.y + PLATE.h, PLATE.x : PLATE.x + PLATE.w] = plate
        img[SIGN.y : SIGN.y + SIGN.h, SIGN.x : SIGN.x + SIGN.w] = sign
        out.append(np.ascontiguousarray(cv2.cvtColor(img, cv2.COLOR_RGB2BGR)))
    return out


def make_face_clips(workdir: Path, count: int = 2, seconds: int = 2) -> list[Path]:
    """fMP4 segments as the recorder writes them (GOP 1 s), by the real ffmpeg."""
    out = workdir / "face-clips"
    if out.is_dir():
        return sorted(out.glob("clip-*.mp4"))
    out.mkdir(parents=True)
    raw = b"".join(f.tobytes() for f in frames(count * seconds * FPS))
    subprocess.run(
        [
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{W}x{H}", "-r", str(FPS), "-i", "-",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", str(FPS), "-bf", "0",
            "-pix_fmt", "yuv420p",
            "-f", "segment", "-segment_time", str(seconds), "-segment_format", "mp4",
            "-segment_format_options", "movflags=+frag_keyframe+empty_moov+default_base_moof",
            "-reset_timestamps", "0", str(out / "clip-%03d.mp4"),
        ],
        input=raw, check=True, timeout=120,
    )  # fmt: skip
    clips = sorted(out.glob("clip-*.mp4"))
    assert len(clips) == count, clips
    return clips


@pytest.fixture
def recorded(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> list[Segment]:
    """Two 2-s segments of the street camera from t0."""
    cam = CameraRegistry(site).add("street", "rtsp://127.0.0.1:8554/street")
    clips = make_face_clips(tmp_path_factory.getbasetemp())
    segs = commit_clips(site, cam.id, clips, clock.now_us())
    clock.advance(seconds=60)
    return segs


def export(site: SiteContext, segs: list[Segment], out: Path, **kw: Any) -> ExportResult:
    t0 = segs[0].start_us
    args: dict[str, Any] = {
        "purpose": "通报（2026）第3号：公开征集线索", "destination": "区公安分局官方微博",
        "actor": "cli:tester", "out": out,
        "mask": MaskRequest(regions=parse_regions([SIGN_REGION])), **kw,
    }  # fmt: skip
    return export_clip(site, "street", t0, t0 + 4 * S, **args)


def decoded(path: Path) -> list[tuple[float, np.ndarray]]:
    """(seconds, BGR image) of every frame, by PyAV."""
    with av.open(str(path)) as c:
        return [(float(f.time), f.to_ndarray(format="bgr24")) for f in c.decode(video=0)]


def busy(img: np.ndarray, box: Box) -> float:
    """Mean difference between horizontal neighbours inside `box`: detail, which
    pixelation takes away."""
    roi = img[box.y : box.y + box.h, box.x : box.x + box.w].astype(np.int16)
    return float(np.abs(np.diff(roi, axis=1)).mean())


def hits(found: list[Box], truth: Box) -> bool:
    return any(b.kind == truth.kind and b.overlap(truth) > 0.3 for b in found)


def run(*cmd: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True, timeout=60)


@pytest.mark.slow
def test_masked_copy_hides_faces_plates_and_marked_regions_and_the_original_verifies(
    site: SiteContext, recorded: list[Segment], tmp_path: Path
) -> None:
    out = tmp_path / "out" / "notice.mp4"
    result = export(site, recorded, out)
    masked = out.with_name("notice.masked.mp4")
    assert result.masked_name == masked.name and masked in result.files
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "notice.masked.mp4", "notice.mp4", "notice.mp4.manifest.json", "notice.mp4.manifest.sig",
        "notice.mp4.pub.pem", "notice.mp4.sha256",
    ]  # fmt: skip
    detector = Detector()
    original, copy = decoded(out), decoded(masked)

    # The input has the face and the plate: the detector finds them in every frame.
    assert len(original) == 4 * FPS
    for i, (_, img) in enumerate(original):
        found = detector.detect(img)
        assert hits(found, face_at(i)), f"frame {i}: the input's face is not found"
        assert hits(found, PLATE), f"frame {i}: the input's plate is not found"
    # The masked copy: none found where the input had them, and the detail is gone.
    assert len(copy) == len(original)
    for i, (_, img) in enumerate(copy):
        found = detector.detect(img)
        assert not hits(found, face_at(i)), f"frame {i}: a face is still found"
        assert not hits(found, PLATE), f"frame {i}: a plate is still found"
        assert busy(img, face_at(i)) < busy(original[i][1], face_at(i)) / 3
        assert busy(img, PLATE) < busy(original[i][1], PLATE) / 3
    # The sign is pixelated from 1 s to 3 s only; the rest of the picture is the input's.
    for (t, img), (_, src) in zip(copy, original, strict=True):
        if 1 <= t < 3:
            assert busy(img, SIGN) < busy(src, SIGN) / 3, t
        else:
            assert busy(img, SIGN) > busy(src, SIGN) * 0.6, t
        corner = Box(0, 0, 20, 20, "x")  # nothing to hide there
        assert abs(busy(img, corner) - busy(src, corner)) < 0.25 * busy(src, corner) + 1
    # Same timing: every frame keeps its timestamp.
    assert [t for t, _ in copy] == [t for t, _ in original]

    # The original is the signed stream copy, and still verifies; the manifest names the
    # derivation and the masked file's hash; sha256sum and openssl agree.
    assert verify_export(out) == [] and verify_export(out, site) == []
    manifest = json.loads(out.with_name("notice.mp4.manifest.json").read_bytes())
    derived = manifest["derived"]
    assert derived["kind"] == "masked for publication" and derived["article"] == "N22"
    assert derived["source"] == {"name": "notice.mp4", "sha256": result.sha256}
    assert manifest["file"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert derived["file"] == {
        "name": "notice.masked.mp4", "bytes": masked.stat().st_size,
        "sha256": hashlib.sha256(masked.read_bytes()).hexdigest(),
    }  # fmt: skip
    models = {m["file"]: m["sha256"] for m in derived["detector"]["models"]}
    cascades = Path(cv2.data.haarcascades)  # type: ignore[attr-defined]
    assert models == {
        name: hashlib.sha256((cascades / name).read_bytes()).hexdigest()
        for name in ("haarcascade_frontalface_default.xml", "haarcascade_profileface.xml")
    }
    assert derived["detector"]["version"] == cv2.__version__
    assert derived["regions"] == [
        {"x": 195, "y": 4, "w": 120, "h": 40, "from_ms": 1000, "to_ms": 3000}
    ]
    assert derived["parameters"]["margin_percent"] > 0
    assert [r["second"] for r in derived["per_second"]] == [0, 1, 2, 3]
    assert all(r["face"] >= 1 and r["plate"] >= 1 and r["frames"] == FPS
               for r in derived["per_second"])  # fmt: skip
    assert [r["marked"] for r in derived["per_second"]] == [0, 1, 1, 0]
    assert derived["frames"] == derived["frames_masked"] == 4 * FPS
    sums = run("sha256sum", "-c", "notice.mp4.sha256", cwd=out.parent)
    assert sums.returncode == 0 and sums.stdout.count(": OK") == 3, sums.stdout
    ok = run("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "notice.mp4.pub.pem", "-rawin",
             "-in", "notice.mp4.manifest.json", "-sigfile", "notice.mp4.manifest.sig",
             cwd=out.parent)  # fmt: skip
    assert "Signature Verified Successfully" in ok.stdout, ok.stderr

    # Registered as an export, with what was masked.
    (entry,) = list_entries(site, action="export")
    assert entry.seq == result.audit_seq and entry.result == "ok"
    assert entry.purpose.startswith("通报") and entry.destination == "区公安分局官方微博"
    assert entry.detail["sha256"] == result.sha256 and entry.detail["masked"] is True
    assert entry.detail["masked_file"] == "notice.masked.mp4"
    assert entry.detail["masked_sha256"] == derived["file"]["sha256"]
    assert entry.detail["masked_boxes"]["marked"] == 2 * FPS
    assert entry.detail["masked_boxes"]["face"] >= 4 * FPS
    assert verify_audit(site) == []


def test_an_altered_or_missing_masked_copy_is_named(
    site: SiteContext, recorded: list[Segment], tmp_path: Path
) -> None:
    out = tmp_path / "notice.mp4"
    export(site, recorded, out, mask=MaskRequest())
    masked = tmp_path / "notice.masked.mp4"
    # Asked about the masked copy, the package of its original is checked.
    assert verify_export(masked) == []
    data = bytearray(masked.read_bytes())
    data[len(data) // 2] ^= 1
    masked.write_bytes(bytes(data))
    assert [p.split(":")[0] for p in verify_export(out)] == ["derived_altered", "checksum"]
    assert [p.split(":")[0] for p in verify_export(masked)] == ["derived_altered", "checksum"]
    masked.unlink()
    (problem,) = verify_export(out)
    assert problem.startswith("derived_missing:") and "N22" in problem


def test_a_zip_for_publication_holds_both_videos_and_verifies(
    site: SiteContext, recorded: list[Segment], tmp_path: Path
) -> None:
    out = tmp_path / "notice.zip"
    result = export(site, recorded, out, mask=MaskRequest())
    assert result.files == [out]
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == [
            "notice.masked.mp4", "notice.mp4", "notice.mp4.manifest.json",
            "notice.mp4.manifest.sig", "notice.mp4.pub.pem", "notice.mp4.sha256",
        ]  # fmt: skip
        zf.extractall(tmp_path / "x")
    assert verify_export(out) == [] and verify_export(out, site) == []
    assert run("sha256sum", "-c", "notice.mp4.sha256", cwd=tmp_path / "x").returncode == 0
    # Without masking the package is as before: one video.
    plain = tmp_path / "plain.zip"
    export(site, recorded, plain, mask=None)
    with zipfile.ZipFile(plain) as zf:
        assert [n for n in zf.namelist() if n.endswith(".mp4")] == ["plain.mp4"]
        assert "derived" not in json.loads(zf.read("plain.mp4.manifest.json"))


def test_a_region_beyond_the_frame_is_refused_and_registered(
    site: SiteContext, recorded: list[Segment], tmp_path: Path
) -> None:
    out = tmp_path / "out" / "notice.mp4"
    with pytest.raises(ValidationError) as err:
        export(site, recorded, out, mask=MaskRequest(regions=[parse_region("300,200,40,40")]))
    assert err.value.field == "mask_region" and err.value.article == "N22"
    assert "320x240" in err.value.message
    assert list(out.parent.iterdir()) == []  # nothing half-made remains
    (entry,) = list_entries(site, action="export")
    assert entry.result == "failed" and entry.detail["masked"] is True
    assert "mask_region" in entry.detail["error"]
