"""A copy for publication (N22): the exported clip with faces, licence plates and the
regions an operator marks (names, business licences) pixelated, as a derived MP4.

The signed original clip is written first and never changed; the masked copy is decoded
from it with PyAV, masked frame by frame and re-encoded with libx264 keeping every
frame's timestamp. Its derivation (the source's SHA-256, the detector with its model
files and their SHA-256, the parameters, the operator's regions, the masked regions per
second, the masked file's SHA-256) goes into the export's signed manifest under
`derived`, so `vigil export verify` checks the masked file too and says it is a derived
copy, not the original.

Detection runs every `detect_every` frames; a frame is masked with every box found within
`hold_frames` before or after it (the frames wait in a short queue for the detections
after them), so a face missed in one frame, or that moved in between, is still covered.
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import cv2

from vigil.errors import ValidationError
from vigil.export.detect import Box, Detector, Image
from vigil.export.manifest import MASKED_SUFFIX, masked_name

__all__ = ["ARTICLE", "MASKED_SUFFIX", "MaskParams", "MaskRequest", "mask_video", "masked_name"]

ARTICLE = "N22"
FIELD = "mask_region"
DERIVED_KIND = "masked for publication"
#: The most regions an operator may mark on one export.
MAX_REGIONS = 50

_REGION = re.compile(
    r"^\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*"
    r"(?:@\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*)?$"
)


@dataclass(frozen=True)
class MarkedRegion:
    """A rectangle the operator marks, in the source's pixels, over the whole clip or
    from `from_ms` to `to_ms` of video time (0 = the clip's first frame)."""

    x: int
    y: int
    w: int
    h: int
    from_ms: int = 0
    to_ms: int = -1
    """-1: to the end of the clip."""

    def active(self, t_ms: int) -> bool:
        return self.from_ms <= t_ms and (self.to_ms < 0 or t_ms < self.to_ms)

    def box(self) -> Box:
        return Box(self.x, self.y, self.w, self.h, "marked")


def parse_region(text: str) -> MarkedRegion:
    """`x,y,w,h` or `x,y,w,h@from-to` (pixels of the source; seconds of the clip)."""
    m = _REGION.match(text or "")
    if m is None:
        raise ValidationError(
            f"{text!r} is not x,y,w,h or x,y,w,h@from-to (pixels of the source frame, "
            "seconds from the clip's start), e.g. 40,300,120,40@2-8.5",
            field=FIELD, article=ARTICLE,
        )  # fmt: skip
    x, y, w, h = (int(v) for v in m.group(1, 2, 3, 4))
    if w == 0 or h == 0:
        raise ValidationError(f"{text!r} has no area: w and h must be at least 1 pixel",
                              field=FIELD, article=ARTICLE)  # fmt: skip
    from_ms, to_ms = 0, -1
    if m.group(5) is not None:
        from_ms, to_ms = round(float(m.group(5)) * 1000), round(float(m.group(6)) * 1000)
        if to_ms <= from_ms:
            raise ValidationError(f"{text!r}: the end of its time range must be after its start",
                                  field=FIELD, article=ARTICLE)  # fmt: skip
    return MarkedRegion(x, y, w, h, from_ms, to_ms)


def parse_regions(texts: Sequence[str]) -> list[MarkedRegion]:
    if len(texts) > MAX_REGIONS:
        raise ValidationError(f"{len(texts)} regions marked; at most {MAX_REGIONS}",
                              field=FIELD, article=ARTICLE)  # fmt: skip
    return [parse_region(t) for t in texts]


def check_regions(regions: Sequence[MarkedRegion], width: int, height: int) -> None:
    for r in regions:
        if r.x + r.w > width or r.y + r.h > height:
            raise ValidationError(
                f"{r.x},{r.y},{r.w},{r.h} reaches beyond the {width}x{height} frame of the "
                "source; regions are in the source's pixels",
                field=FIELD, article=ARTICLE,
            )  # fmt: skip


@dataclass(frozen=True)
class MaskParams:
    """How the copy is masked and encoded (recorded in the manifest; integers only)."""

    margin_percent: int = 25
    """Added to a detected box on every side, in percent of its size."""
    block_min_px: int = 8
    block_fraction: int = 4
    """Pixelation blocks: a quarter of the box's longer side, at least `block_min_px` (with
    a sixth, the detector still found a face in one pixelated frame of the tests' clip)."""
    detect_every: int = 2
    """Detect on every n-th frame."""
    hold_frames: int = 4
    """A frame is masked with every box detected up to this many frames before or after."""
    detect_max_width: int = 960
    """Wider frames are scaled down to this width for detection (boxes scaled back)."""
    crf: int = 20
    preset: str = "veryfast"


@dataclass(frozen=True)
class MaskRequest:
    regions: list[MarkedRegion] = field(default_factory=list)
    params: MaskParams = field(default_factory=MaskParams)


def pixelate(img: Image, box: Box, params: MaskParams) -> None:
    """Replace `box` of `img` (in place) by blocks of its mean colour."""
    if box.w <= 0 or box.h <= 0:
        return
    block = max(params.block_min_px, max(box.w, box.h) // params.block_fraction)
    roi = img[box.y : box.y + box.h, box.x : box.x + box.w]
    small = cv2.resize(
        roi, (max(math.ceil(box.w / block), 1), max(math.ceil(box.h / block), 1)),
        interpolation=cv2.INTER_AREA,
    )  # fmt: skip
    roi[:] = cv2.resize(small, (box.w, box.h), interpolation=cv2.INTER_NEAREST)


@dataclass
class _Counts:
    """Masked regions per second of video: frames, and the most of each kind in a frame."""

    seconds: dict[int, dict[str, int]] = field(default_factory=dict)
    frames: int = 0
    frames_masked: int = 0
    boxes: dict[str, int] = field(default_factory=lambda: {"face": 0, "plate": 0, "marked": 0})

    def add(self, t_ms: int, boxes: Sequence[Box]) -> None:
        row = self.seconds.setdefault(
            t_ms // 1000, {"second": t_ms // 1000, "frames": 0, "face": 0, "plate": 0,
                           "marked": 0},
        )  # fmt: skip
        row["frames"] += 1
        self.frames += 1
        self.frames_masked += bool(boxes)
        for kind in ("face", "plate", "marked"):
            n = sum(b.kind == kind for b in boxes)
            row[kind] = max(row[kind], n)
            self.boxes[kind] += n


def _detect(detector: Detector, img: Image, params: MaskParams) -> list[Box]:
    width = img.shape[1]
    if width <= params.detect_max_width:
        return detector.detect(img)
    s = params.detect_max_width / width
    small = cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    return [
        Box(int(b.x / s), int(b.y / s), math.ceil(b.w / s), math.ceil(b.h / s), b.kind)
        for b in detector.detect(small)
    ]


def _union(found: Sequence[Box]) -> list[Box]:
    """Boxes of a kind from neighbouring detections: overlapping ones (the same face or
    plate, maybe moving) become the one box around them."""
    kept: list[Box] = []
    for box in found:
        while True:
            same = next((k for k in kept if k.kind == box.kind and k.overlap(box) > 0.3), None)
            if same is None:
                break
            kept.remove(same)
            x0, y0 = min(box.x, same.x), min(box.y, same.y)
            x1 = max(box.x + box.w, same.x + same.w)
            y1 = max(box.y + box.h, same.y + same.h)
            box = Box(x0, y0, x1 - x0, y1 - y0, box.kind)
        kept.append(box)
    return kept


def mask_video(
    src: Path,
    dst: Path,
    request: MaskRequest,
    *,
    detector: Detector | None = None,
    progress: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """Write the masked copy of `src` to `dst`; the derivation (without the files)."""
    detector = detector or Detector()
    params = request.params
    counts = _Counts()
    with av.open(str(src)) as inp, av.open(str(dst), "w", format="mp4") as out:
        vin = inp.streams.video[0]
        width, height = vin.codec_context.width, vin.codec_context.height
        check_regions(request.regions, width, height)
        time_base = vin.time_base or Fraction(1, 90000)
        vout = out.add_stream("libx264", rate=vin.average_rate or vin.guessed_rate or 10)
        vout.width, vout.height, vout.pix_fmt = width, height, "yuv420p"
        vout.time_base = time_base
        vout.codec_context.time_base = time_base
        vout.options = {"crf": str(params.crf), "preset": params.preset}
        duration_us = max(int(inp.duration or 0), 1)
        first_pts: int | None = None
        queue: deque[tuple[int, av.VideoFrame, Image, int]] = deque()
        detections: dict[int, list[Box]] = {}

        def emit(index: int, frame: av.VideoFrame, img: Image, t_ms: int) -> None:
            near = [
                b
                for j in range(index - params.hold_frames, index + params.hold_frames + 1)
                for b in detections.get(j, ())
            ]
            boxes = [b.grown(params.margin_percent, width, height) for b in _union(near)]
            boxes += [r.box() for r in request.regions if r.active(t_ms)]
            for box in boxes:
                pixelate(img, box, params)
            counts.add(t_ms, boxes)
            new = av.VideoFrame.from_ndarray(img, format="bgr24")
            new.pts, new.time_base = frame.pts, frame.time_base
            for packet in vout.encode(new):
                out.mux(packet)
            for old in [j for j in detections if j < index - params.hold_frames]:
                del detections[old]

        for index, frame in enumerate(inp.decode(vin)):
            pts = int(frame.pts if frame.pts is not None else index)
            first_pts = pts if first_pts is None else first_pts
            t_ms = int((pts - first_pts) * time_base * 1000)
            img = frame.to_ndarray(format="bgr24")
            if index % params.detect_every == 0:
                detections[index] = _detect(detector, img, params)
            queue.append((index, frame, img, t_ms))
            while queue and queue[0][0] <= index - params.hold_frames:
                emit(*queue.popleft())
            if progress is not None:
                progress(min(float((pts - first_pts) * time_base) * 1e6 / duration_us, 1.0))
        if queue:  # the last frames: detect on the very last one too
            last = queue[-1]
            detections.setdefault(last[0], _detect(detector, last[2], params))
        while queue:
            emit(*queue.popleft())
        for packet in vout.encode(None):
            out.mux(packet)
    if counts.frames == 0:
        raise ValidationError("the clip has no video frame to mask", field="mask",
                              article=ARTICLE)  # fmt: skip
    return {
        "kind": DERIVED_KIND,
        "article": ARTICLE,
        "detector": detector.describe(),
        "parameters": asdict(params),
        "encoder": f"libx264 (PyAV {av.__version__}), every frame's timestamp kept",
        "regions": [asdict(r) for r in request.regions],
        "width": width,
        "height": height,
        "frames": counts.frames,
        "frames_masked": counts.frames_masked,
        "masked_boxes": counts.boxes,
        "per_second": [counts.seconds[s] for s in sorted(counts.seconds)],
    }
