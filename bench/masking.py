"""How well and how fast the N22 masking finds faces and licence plates on this CPU.

    .venv/bin/python bench/masking.py [--repeat 3] [--seconds 10] [--json out.json]

Recall and false positives: the detector (`vigil.export.detect.Detector`, default
parameters) runs on every scene of the labelled set `tests/export/data/labelled.json`
(scikit-image's photographs with faces of its Labeled Faces in the Wild subset pasted on
them and Chinese plates rendered, boxes recorded; the astronaut photograph labelled by
hand; scenes without anything to find). A labelled box is found when a detection of its
kind covers at least half of it and is at most four times its area; a detection that
covers no labelled box of its kind by a fifth of its own area is a false positive.
Masked: the labelled box is covered to at least 90 % by the regions actually pixelated
(detections grown by the margin). Found after masking: the detector run again on the
masked scene still finds something of the label's kind on a fifth of the label.

Speed at the demo resolution (640x360, 10 fps): `detect` = one detection on one frame
(median over the scenes); `mask` = frames per second of the whole masked copy (PyAV decode,
detection every `detect_every` frames, pixelation, libx264 encode) of a `--seconds` clip
of the composed scenes, one second each.

In a video (`walking`): four faces (28-80 px) and two plates crossing a wall at 2-6 pixels
a frame for 8 s; for each (frame, true box), whether the detector finds it in the input,
and whether it still finds it in the masked copy made with the defaults (detection every
2nd frame, boxes held 4 frames either side) and without smoothing (detection on every
frame, nothing held): `hidden` = its detail is gone (neighbour differences inside the
true box under half the input's), `still_found` = the detector finds it in the copy.
Nothing here asserts anything.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from tests.export.scenes import compose, scenes  # noqa: E402
from vigil.export.detect import Box, Detector  # noqa: E402
from vigil.export.masking import MaskParams, MaskRequest, mask_video, pixelate  # noqa: E402


def covered(label: Box, boxes: list[Box]) -> float:
    """The share of `label` inside the union of `boxes`."""
    grid = np.zeros((label.h, label.w), bool)
    for b in boxes:
        x0, y0 = max(b.x - label.x, 0), max(b.y - label.y, 0)
        x1, y1 = min(b.x + b.w - label.x, label.w), min(b.y + b.h - label.y, label.h)
        if x1 > x0 and y1 > y0:
            grid[y0:y1, x0:x1] = True
    return float(grid.mean())


def intersection(a: Box, b: Box) -> int:
    ix = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    iy = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    return max(ix, 0) * max(iy, 0)


def score(detector: Detector, params: MaskParams) -> dict[str, Any]:
    stats: dict[str, dict[str, int]] = {
        k: {"labelled": 0, "found": 0, "masked": 0, "false_positives": 0, "found_after_masking": 0}
        for k in ("face", "plate")
    }
    misses, times, empty_fp = [], [], 0
    for scene in scenes():
        img, labels = compose(scene)
        t0 = time.perf_counter()
        found = detector.detect(img)
        times.append(time.perf_counter() - t0)
        h, w = img.shape[:2]
        grown = [b.grown(params.margin_percent, w, h) for b in found]
        masked = img.copy()
        for b in grown:
            pixelate(masked, b, params)
        after = detector.detect(masked)
        for label in labels:
            s = stats[label.kind]
            s["found_after_masking"] += any(
                b.kind == label.kind and intersection(b, label) >= 0.2 * label.w * label.h
                for b in after
            )
            s["labelled"] += 1
            hit = any(
                b.kind == label.kind
                and intersection(b, label) >= 0.5 * label.w * label.h
                and b.w * b.h <= 4 * label.w * label.h
                for b in found
            )
            s["found"] += hit
            s["masked"] += covered(label, grown) >= 0.9
            if not hit:
                where = f"{label.x},{label.y} {label.w}x{label.h}"
                misses.append(f"{scene['id']}: {label.kind} at {where}")
        for b in found:
            if not any(
                t.kind == b.kind and intersection(b, t) >= 0.2 * b.w * b.h for t in labels
            ):
                stats[b.kind]["false_positives"] += 1
                empty_fp += not labels
    for s in stats.values():
        s["recall_percent"] = round(100 * s["found"] / max(s["labelled"], 1), 1)
        s["masked_percent"] = round(100 * s["masked"] / max(s["labelled"], 1), 1)
    return {
        "scenes": len(scenes()),
        "empty_scenes": sum(1 for s in scenes() if not s.get("items")),
        "false_positives_in_empty_scenes": empty_fp,
        "by_kind": stats,
        "misses": misses,
        "detect_ms_median": round(1000 * statistics.median(times), 1),
    }


def clip(path: Path, seconds: int) -> None:
    """The composed 640x360 scenes, one a second, at 10 fps, as the recorder encodes."""
    frames = [compose(s)[0] for s in scenes() if s.get("size", [640, 360]) == [640, 360]]
    encode([frames[(i // 10) % len(frames)] for i in range(seconds * 10)], path)


def walking(seconds: int = 8) -> tuple[list[np.ndarray], list[list[Box]]]:
    """640x360 frames at 10 fps: faces (28-80 px) and plates crossing a brick wall at 2-6
    pixels a frame; with each frame's true boxes."""
    from tests.export.scenes import background, face_patch, render_plate

    ground = background("brick", 640, 360)
    movers = [  # kind, source, size (w, h), start (x, y), step (dx, dy)
        ("face", 0, (80, 80), (10, 40), (6, 0)), ("face", 14, (56, 56), (560, 200), (-5, 0)),
        ("face", 28, (40, 40), (200, 300), (3, -2)), ("face", 42, (28, 28), (300, 20), (2, 1)),
        ("plate", "京A·12345", (120, 38), (40, 300), (4, 0)),
        ("plate", "粤B·D2309", (80, 25), (600, 120), (-5, 1)),
    ]  # fmt: skip
    patches = [
        face_patch(int(src), *size) if kind == "face" else render_plate(str(src), "blue", *size)
        for kind, src, size, _, _ in movers
    ]
    frames, truth = [], []
    for i in range(seconds * 10):
        img, boxes = ground.copy(), []
        for (kind, _, (w, h), (x0, y0), (dx, dy)), patch in zip(movers, patches, strict=True):
            x, y = x0 + dx * i, y0 + dy * i
            if 0 <= x <= 640 - w and 0 <= y <= 360 - h:
                img[y : y + h, x : x + w] = patch
                boxes.append(Box(x, y, w, h, kind))
        frames.append(np.ascontiguousarray(img[..., ::-1]))
        truth.append(boxes)
    return frames, truth


def video_scores(detector: Detector, tmp: Path) -> dict[str, Any]:
    """On the walking clip: the share of (frame, true box) the detector finds in the input,
    and still finds in the masked copy, with the defaults and without smoothing."""
    import av

    frames, truth = walking()
    src = tmp / "walking.mp4"
    encode(frames, src)

    def found(imgs: list[np.ndarray]) -> dict[str, list[int]]:
        out = {"face": [0, 0], "plate": [0, 0]}
        for img, boxes in zip(imgs, truth, strict=True):
            got = detector.detect(img)
            for t in boxes:
                out[t.kind][1] += 1
                out[t.kind][0] += any(b.kind == t.kind and intersection(b, t) >= 0.2 * t.w * t.h
                                      for b in got)  # fmt: skip
        return out

    def decoded(path: Path) -> list[np.ndarray]:
        with av.open(str(path)) as c:
            return [f.to_ndarray(format="bgr24") for f in c.decode(video=0)]

    def hidden(imgs: list[np.ndarray]) -> dict[str, list[int]]:
        """(frame, true box) whose detail the masking took away (neighbour differences
        inside the box less than half the input's)."""
        out = {"face": [0, 0], "plate": [0, 0]}
        for img, src_img, boxes in zip(imgs, inputs, truth, strict=True):
            for t in boxes:
                out[t.kind][1] += 1
                out[t.kind][0] += detail(img, t) < 0.5 * detail(src_img, t)
        return out

    inputs = decoded(src)
    result: dict[str, Any] = {"frames": len(frames), "found_in_input": found(inputs)}
    variants = {
        "masked_default": MaskParams(),
        "masked_every_frame_no_hold": MaskParams(detect_every=1, hold_frames=0),
    }
    for name, params in variants.items():
        dst = tmp / f"{name}.mp4"
        mask_video(src, dst, MaskRequest(params=params), detector=detector)
        masked = decoded(dst)
        result[name] = {"hidden": hidden(masked), "still_found": found(masked)}
    return result


def detail(img: np.ndarray, box: Box) -> float:
    roi = img[box.y : box.y + box.h, box.x : box.x + box.w].astype(np.int16)
    return float(np.abs(np.diff(roi, axis=1)).mean())


def encode(frames: list[np.ndarray], path: Path) -> None:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "rawvideo",
         "-pix_fmt", "bgr24", "-s", "640x360", "-r", "10", "-i", "-", "-c:v", "libx264",
         "-preset", "veryfast", "-g", "10", "-bf", "0", "-pix_fmt", "yuv420p", str(path)],
        input=b"".join(f.tobytes() for f in frames), check=True,
    )  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of the masked copy")
    ap.add_argument("--seconds", type=int, default=10, help="length of the timed clip")
    ap.add_argument("--json", type=Path, help="write the figures here too")
    args = ap.parse_args()
    detector, params = Detector(), MaskParams()
    result: dict[str, Any] = {"cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}
    result.update(score(detector, params))
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "scenes.mp4"
        clip(src, args.seconds)
        fps = []
        for i in range(args.repeat):
            t0 = time.perf_counter()
            info = mask_video(src, Path(tmp) / f"masked-{i}.mp4", MaskRequest(), detector=detector)
            fps.append(info["frames"] / (time.perf_counter() - t0))
        result["walking"] = video_scores(detector, Path(tmp))
    result["mask_fps_640x360"] = [round(f, 1) for f in fps]
    result["mask_fps_median"] = round(statistics.median(fps), 1)
    result["detect_every"] = params.detect_every
    result["load_after"] = os.getloadavg()[0]
    print(json.dumps(result, indent=1, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
