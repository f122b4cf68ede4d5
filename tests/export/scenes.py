"""The labelled set for the N22 detector: pictures whose faces and plates are known.

`data/labelled.json` lists each scene: a background that scikit-image ships (its own
photographs: astronaut, the cat, coffee, rocket, ...), the faces pasted on it (the faces
of scikit-image's `lfw_subset`, Labeled Faces in the Wild, by index) and the Chinese
licence plates rendered on it (text and colour), each with its box in the scene's
pixels. The astronaut photograph itself is labelled by hand (its one face).
`bench/masking.py` measures recall and false positives on it; the tests use single
scenes of it to make clips.
"""

from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from skimage import data as skdata

from vigil.export.detect import Box

LABELS = Path(__file__).parent / "data" / "labelled.json"

# Plate colours (RGB) and their characters' colour, as GA 36 has them.
PLATE_STYLE = {
    "blue": ((0, 72, 186), (255, 255, 255)),
    "yellow": ((250, 200, 0), (10, 10, 10)),
    "green": ((60, 200, 110), (10, 10, 10)),
}


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A CJK font as fontconfig finds it (Noto Sans CJK on Debian)."""
    try:
        path = subprocess.run(
            ["fc-match", "-f", "%{file}", "Noto Sans CJK SC:bold"],
            capture_output=True, text=True, check=True, timeout=10,
        ).stdout.strip()  # fmt: skip
        return ImageFont.truetype(path, size, index=2 if path.endswith(".ttc") else 0)
    except (OSError, subprocess.SubprocessError):
        return ImageFont.load_default(size)


def render_plate(text: str, colour: str, w: int, h: int) -> np.ndarray:
    """A Chinese plate of `w` x `h` pixels (RGB): coloured ground, light frame, characters."""
    ground, ink = PLATE_STYLE[colour]
    scale = 4  # drawn large, then reduced: smooth edges like a camera's
    img = Image.new("RGB", (w * scale, h * scale), ground)
    draw = ImageDraw.Draw(img)
    edge = max(h * scale // 14, 2)
    frame = ink if colour == "blue" else (30, 30, 30)
    draw.rounded_rectangle(
        (edge, edge, w * scale - edge, h * scale - edge), radius=edge * 2, outline=frame,
        width=max(edge // 2, 1),
    )  # fmt: skip
    font = _font(int(h * scale * 0.62))
    box = draw.textbbox((0, 0), text, font=font)
    if box[2] - box[0] > w * scale * 0.9:  # eight characters: a narrower type, as on the plate
        font = _font(int(h * scale * 0.62 * w * scale * 0.9 / (box[2] - box[0])))
        box = draw.textbbox((0, 0), text, font=font)
    tw, th = box[2] - box[0], box[3] - box[1]
    draw.text(((w * scale - tw) / 2 - box[0], (h * scale - th) / 2 - box[1]), text, fill=ink,
              font=font)  # fmt: skip
    return np.asarray(img.resize((w, h), Image.Resampling.LANCZOS))


@functools.cache
def _lfw() -> np.ndarray:
    return (skdata.lfw_subset() * 255).astype(np.uint8)


def face_patch(index: int, w: int, h: int) -> np.ndarray:
    """Face number `index` of lfw_subset (0-99 are faces), as RGB of `w` x `h`."""
    gray = cv2.resize(_lfw()[index], (w, h), interpolation=cv2.INTER_CUBIC)
    return np.asarray(cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB))


def background(name: str, w: int, h: int) -> np.ndarray:
    """A scikit-image picture (RGB) scaled and centre-cropped to cover `w` x `h`."""
    img = np.asarray(getattr(skdata, name)())
    if img.dtype != np.uint8:  # the horse is a bool mask, a few are floats in [0, 1]
        img = (img.astype(np.float64) * (255 if img.max() <= 1 else 1)).astype(np.uint8)
    if img.ndim == 2:
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)
    img = img[..., :3].astype(np.uint8)
    s = max(w / img.shape[1], h / img.shape[0])
    size = (max(round(img.shape[1] * s), w), max(round(img.shape[0] * s), h))
    img = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
    y0, x0 = (img.shape[0] - h) // 2, (img.shape[1] - w) // 2
    return np.ascontiguousarray(img[y0 : y0 + h, x0 : x0 + w])


def compose(scene: dict[str, Any]) -> tuple[np.ndarray, list[Box]]:
    """The scene as a BGR frame and its labelled boxes."""
    w, h = scene.get("size", [640, 360])
    if scene.get("native"):
        img = getattr(skdata, scene["background"])()[..., :3].astype(np.uint8).copy()
    else:
        img = background(scene["background"], w, h)
    labels = []
    for item in scene.get("items", []):
        x, y, bw, bh = item["box"]
        if "lfw" in item:
            img[y : y + bh, x : x + bw] = face_patch(item["lfw"], bw, bh)
        elif "plate" in item:
            img[y : y + bh, x : x + bw] = render_plate(item["plate"], item["colour"], bw, bh)
        if item["kind"] in ("face", "plate"):
            labels.append(Box(x, y, bw, bh, item["kind"]))
    return np.ascontiguousarray(cv2.cvtColor(img, cv2.COLOR_RGB2BGR)), labels


def scenes() -> list[dict[str, Any]]:
    scenes: list[dict[str, Any]] = json.loads(LABELS.read_text(encoding="utf-8"))["scenes"]
    return scenes


def scene(scene_id: str) -> dict[str, Any]:
    return next(s for s in scenes() if s["id"] == scene_id)
