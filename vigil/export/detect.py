"""What a copy for publication must hide (N22): faces and licence plates, found on the CPU.

Faces: OpenCV's Haar cascades as the `opencv-python-headless` wheel ships them
(`cv2.data.haarcascades`: the frontal face, and the profile face looking either way);
nothing is downloaded at run time, and each model file is named with its SHA-256 in the
export's manifest. Plates: the Chinese plates (GA 36: white on blue, black on yellow,
black on the green of new-energy cars) are found by their colour and their row of
characters: a patch of the plate colour about three times as wide as high with
light-or-dark strokes across it. OpenCV's bundled plate cascade is trained on Russian
plates; it found none of the Chinese plates of the labelled set, so it is not used.

Recall and false positives on the labelled set are measured by `bench/masking.py` and
written in docs/performance.md ("Masking (N22)").
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[Any]
"""A frame: height x width x 3 bytes, BGR."""

FACE_MODELS = ("haarcascade_frontalface_default.xml", "haarcascade_profileface.xml")
DETECTOR_NAME = "opencv-haar-faces+plate-colour"


@dataclass(frozen=True)
class Box:
    """A region to hide, in the frame's pixels; `kind` is "face", "plate" or "marked"."""

    x: int
    y: int
    w: int
    h: int
    kind: str

    def grown(self, percent: int, width: int, height: int) -> Box:
        """The box with `percent` of its size added on every side, clipped to the frame."""
        dx, dy = self.w * percent // 100, self.h * percent // 100
        x0, y0 = max(self.x - dx, 0), max(self.y - dy, 0)
        x1, y1 = min(self.x + self.w + dx, width), min(self.y + self.h + dy, height)
        return Box(x0, y0, max(x1 - x0, 0), max(y1 - y0, 0), self.kind)

    def overlap(self, other: Box) -> float:
        """Intersection over the smaller box's area (0 when apart)."""
        ix = min(self.x + self.w, other.x + other.w) - max(self.x, other.x)
        iy = min(self.y + self.h, other.y + other.h) - max(self.y, other.y)
        if ix <= 0 or iy <= 0:
            return 0.0
        return ix * iy / max(min(self.w * self.h, other.w * other.h), 1)


@dataclass(frozen=True)
class DetectorParams:
    """The detector's settings, recorded in the manifest (integers: the manifest is
    canonical JSON of integers only)."""

    face_scale_permille: int = 1100
    """Step between the scales searched (1100 = each scale 1.1 times the last)."""
    face_min_neighbors: int = 4
    profile_scale_permille: int = 1200
    """The same for the profile faces (coarser: they cost twice the frontal search)."""
    face_min_px: int = 20
    """The smallest face searched, in pixels of the frame."""
    plate_min_width_px: int = 36


# The plate colours in OpenCV's HSV (H 0-179): blue, yellow and new-energy green.
_PLATE_COLOURS = {
    "blue": ((100, 110, 50), (128, 255, 255)),
    "yellow": ((18, 140, 110), (34, 255, 255)),
    "green": ((38, 60, 90), (85, 255, 255)),
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Detector:
    """Faces and Chinese licence plates in BGR frames; `describe()` names it for the
    manifest (name, OpenCV version, each model file and its SHA-256, the parameters)."""

    def __init__(self, params: DetectorParams | None = None) -> None:
        self.params = params or DetectorParams()
        root = Path(cv2.data.haarcascades)  # type: ignore[attr-defined]
        self._model_paths = [root / name for name in FACE_MODELS]
        self._frontal, self._profile = (
            cv2.CascadeClassifier(str(p)) for p in self._model_paths
        )  # fmt: skip
        if self._frontal.empty() or self._profile.empty():
            raise RuntimeError(f"the OpenCV face models in {root} cannot be read")

    def describe(self) -> dict[str, Any]:
        return {
            "name": DETECTOR_NAME,
            "library": "opencv-python-headless",
            "version": cv2.__version__,
            "models": [{"file": p.name, "sha256": _sha256(p)} for p in self._model_paths],
            "parameters": asdict(self.params),
        }

    def detect(self, bgr: Image) -> list[Box]:
        return self.faces(bgr) + self.plates(bgr)

    def faces(self, bgr: Image) -> list[Box]:
        p = self.params
        # No histogram equalisation: on the labelled set it lost a quarter of the faces.
        gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        width = gray.shape[1]
        kw: dict[str, Any] = {
            "scaleFactor": p.face_scale_permille / 1000,
            "minNeighbors": p.face_min_neighbors,
            "minSize": (p.face_min_px, p.face_min_px),
        }
        found = [tuple(int(v) for v in r) for r in self._frontal.detectMultiScale(gray, **kw)]
        kw["scaleFactor"] = p.profile_scale_permille / 1000
        found += [tuple(int(v) for v in r) for r in self._profile.detectMultiScale(gray, **kw)]
        flipped = self._profile.detectMultiScale(cv2.flip(gray, 1), **kw)  # the other side
        found += [(width - int(x) - int(w), int(y), int(w), int(h)) for x, y, w, h in flipped]
        return _merge([Box(x, y, w, h, "face") for x, y, w, h in found])

    def plates(self, bgr: Image) -> list[Box]:
        hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
        gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        out: list[Box] = []
        for lo, hi in _PLATE_COLOURS.values():
            mask = cv2.inRange(hsv, np.array(lo, np.uint8), np.array(hi, np.uint8))
            closed = cv2.morphologyEx(
                mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 5))
            )
            contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
            for contour in contours:
                x, y, w, h = (int(v) for v in cv2.boundingRect(contour))
                if self._plate_like(mask, gray, x, y, w, h):
                    out.append(Box(x, y, w, h, "plate"))
        return _merge(out)

    def _plate_like(self, mask: Image, gray: Image, x: int, y: int, w: int, h: int) -> bool:
        if w < self.params.plate_min_width_px or h < 8 or not 2.0 <= w / h <= 6.0:
            return False
        colour = mask[y : y + h, x : x + w] > 0
        share = float(colour.mean())
        if not 0.35 <= share <= 0.93:  # a plate's colour with characters on it
            return False
        # Characters: along the middle rows, the shade crosses the plate's own several
        # times (a plain coloured board or sky does not).
        band = slice(y + h * 3 // 10, y + h * 7 // 10 + 1)
        rows = gray[band, x : x + w].astype(np.int16)
        on_colour = mask[band, x : x + w] > 0
        if not on_colour.any() or on_colour.all():
            return False
        ground = float(rows[on_colour].mean())
        strokes = (np.abs(rows - ground) > 45) & ~on_colour
        crossings = np.count_nonzero(np.diff(strokes.astype(np.int8), axis=1) == 1, axis=1)
        return float(np.median(crossings)) >= 5


def _merge(boxes: list[Box]) -> list[Box]:
    """One box for boxes of a kind that mostly overlap (the larger is kept)."""
    kept: list[Box] = []
    for box in sorted(boxes, key=lambda b: b.w * b.h, reverse=True):
        if not any(k.kind == box.kind and k.overlap(box) > 0.5 for k in kept):
            kept.append(box)
    return kept
