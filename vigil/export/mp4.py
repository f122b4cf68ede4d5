"""Splicing original fMP4 segments into one playable MP4 by stream copy.

An export is the first source's init part (`ftyp` + `moov`) followed by whole fragments
(`moof` + `mdat`) of the source segments, in order, and an `mfra` index. Every `mdat` —
every byte of every coded picture — is copied unchanged; nothing is decoded or encoded.
In each `moof` only three things are rewritten:
- `mfhd` sequence number: 1, 2, 3 … across the export;
- `tfdt` (decode time of the fragment's first sample): each segment's tfdt starts again at
  0, so it is moved onto one timeline whose 0 is the first exported keyframe and which
  follows the wall clock (a gap between segments stays a jump in time, not a splice);
- byte offsets that depend on where the fragment sits in the file (an explicit
  `base_data_offset`, or a `trun` data offset if the `moof` grew), kept pointing at the
  same sample bytes.
The cut is at fragment granularity: the recorder starts a fragment at every keyframe, so
the export starts at the last keyframe at or before the requested start and ends with
the fragment that holds the requested end.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from vigil.storage.fmp4 import Fragment, SegmentLayout

_BASE_DATA_OFFSET = 0x000001  # tfhd flag
_DEFAULT_BASE_IS_MOOF = 0x020000  # tfhd flag
_DATA_OFFSET_PRESENT = 0x000001  # trun flag


class SpliceError(Exception):
    """The sources cannot be spliced; `index` is the source (segment) at fault."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


class Writer(Protocol):
    def write(self, data: bytes, /) -> object: ...


@dataclass(frozen=True)
class Source:
    """One original segment: where it lies on the wall clock and its fragment table."""

    path: Path
    start_us: int
    layout: SegmentLayout


@dataclass(frozen=True)
class Piece:
    """One fragment chosen for the export, with its wall-clock span."""

    source: int
    fragment: Fragment
    start_us: int
    end_us: int


def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[str, int, int, int]]:
    """(type, offset, header bytes, end offset) of each box in data[start:end]."""
    pos = start
    while pos + 8 <= end:
        size, raw = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            (size,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise ValueError(f"malformed '{raw.decode('latin-1')}' box at byte {pos}")
        yield raw.decode("latin-1"), pos, header, pos + size
        pos += size


def _find(data: bytes, start: int, end: int, path: Sequence[str]) -> list[bytes]:
    """The bytes of every box reached by the type path, e.g. ("moov", "trak")."""
    found: list[bytes] = []
    for typ, off, header, box_end in _boxes(data, start, end):
        if typ == path[0]:
            if len(path) == 1:
                found.append(data[off:box_end])
            else:
                found.extend(_find(data, off + header, box_end, path[1:]))
    return found


def read_init(path: Path, layout: SegmentLayout) -> bytes:
    """The bytes before the first fragment: `ftyp`, `moov` (and any small boxes between)."""
    with path.open("rb") as f:
        return f.read(layout.init_size)


def format_key(init: bytes) -> tuple[bytes, ...]:
    """What fragments depend on: the tracks' sample descriptions, timescales and defaults.

    Two segments with the same key can share one `moov`. Raises SpliceError (index -1)
    unless the init part holds exactly one track (the recorder keeps video only).
    """
    traks = _find(init, 0, len(init), ("moov", "trak"))
    if len(traks) != 1:
        raise SpliceError(f"{len(traks)} tracks; an export copies a single video track", -1)
    mvex = _find(init, 0, len(init), ("moov", "mvex"))
    stbl = ("mdia", "minf", "stbl", "stsd")
    trak = traks[0]
    stsd = _find(trak, 8, len(trak), stbl)
    mdhd = _find(trak, 8, len(trak), ("mdia", "mdhd"))
    tkhd = _find(trak, 8, len(trak), ("tkhd",))
    ids = [t[20:24] if t[8] == 0 else t[28:32] for t in tkhd]  # track_ID, v0 or v1
    scales = [m[20:24] if m[8] == 0 else m[28:32] for m in mdhd]  # timescale
    return (*stsd, *mvex, *ids, *scales)


def plan(sources: Sequence[Source], from_us: int, to_us: int) -> list[Piece]:
    """The fragments covering [from_us, to_us): from the last keyframe at or before from_us
    (or the first keyframe after it, if recording starts later) to the fragment holding
    to_us. Empty when no keyframe lies before to_us."""
    pieces: list[Piece] = []
    for i, src in enumerate(sources):
        frags = src.layout.fragments
        if not frags:
            continue
        t0 = frags[0].decode_time
        for f in frags:
            start = src.start_us + src.layout.to_us(f.decode_time - t0)
            pieces.append(Piece(i, f, start, start + src.layout.to_us(f.duration)))
    keys = [k for k, p in enumerate(pieces) if p.fragment.starts_with_keyframe]
    before = [k for k in keys if pieces[k].start_us <= from_us]
    after = [k for k in keys if from_us < pieces[k].start_us < to_us]
    if before:
        first = before[-1]
    elif after:
        first = after[0]
    else:
        return []
    return [p for p in pieces[first:] if p.start_us < to_us]


def decode_times(sources: Sequence[Source], pieces: Sequence[Piece]) -> list[int]:
    """New tfdt of each piece, in the (shared) timescale: wall-clock offsets from the first
    piece, never overlapping the previous fragment."""
    if not pieces:
        return []
    scale = sources[pieces[0].source].layout.timescale
    first_src = sources[pieces[0].source]

    def rel(p: Piece) -> int:
        src = sources[p.source]
        seg_ticks = ((src.start_us - first_src.start_us) * scale + 500_000) // 1_000_000
        return seg_ticks + p.fragment.decode_time - src.layout.fragments[0].decode_time

    base = rel(pieces[0])
    out: list[int] = []
    prev_end = 0
    for p in pieces:
        t = max(rel(p) - base, prev_end)
        out.append(t)
        prev_end = t + p.fragment.duration
    return out


def rewrite_moof(moof: bytes, *, sequence: int, decode_time: int, shift: int) -> bytes:
    """The moof with a new sequence number and tfdt (written as version 1), its offsets
    kept pointing at the same sample bytes once the fragment moves by `shift` bytes."""
    first = _rebuild_moof(moof, sequence, decode_time, shift, growth=0)
    growth = len(first) - len(moof)
    return first if growth == 0 else _rebuild_moof(moof, sequence, decode_time, shift, growth)


def _box(typ: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), typ) + payload


def _rebuild_moof(moof: bytes, sequence: int, decode_time: int, shift: int, growth: int) -> bytes:
    (typ, _, header, end), *_ = _boxes(moof, 0, len(moof))
    if typ != "moof":
        raise ValueError(f"expected a 'moof' box, found '{typ}'")
    parts: list[bytes] = []
    traf_index = 0
    for child, off, chead, cend in _boxes(moof, header, end):
        if child == "mfhd":
            parts.append(
                _box(b"mfhd", moof[off + chead : off + chead + 4] + struct.pack(">I", sequence))
            )
        elif child == "traf":
            parts.append(
                _rebuild_traf(moof[off:cend], chead, traf_index, decode_time, shift, growth)
            )
            traf_index += 1
        else:
            parts.append(moof[off:cend])
    return _box(b"moof", b"".join(parts))


def _rebuild_traf(
    traf: bytes, header: int, index: int, decode_time: int, shift: int, growth: int
) -> bytes:
    parts: list[bytes] = []
    moof_relative = True
    for child, off, chead, cend in _boxes(traf, header, len(traf)):
        box = bytearray(traf[off:cend])
        p = chead  # payload start within box
        if child == "tfhd":
            flags = int.from_bytes(box[p + 1 : p + 4], "big")
            if flags & _BASE_DATA_OFFSET:
                (base,) = struct.unpack_from(">Q", box, p + 8)
                struct.pack_into(">Q", box, p + 8, base + shift + growth)
                moof_relative = False
            elif not flags & _DEFAULT_BASE_IS_MOOF and index > 0:
                moof_relative = False  # relative to the previous traf's data, which moved too
            parts.append(bytes(box))
        elif child == "tfdt":
            parts.append(_box(b"tfdt", b"\x01\x00\x00\x00" + struct.pack(">Q", decode_time)))
        elif child == "trun":
            flags = int.from_bytes(box[p + 1 : p + 4], "big")
            if flags & _DATA_OFFSET_PRESENT and moof_relative and growth:
                (rel,) = struct.unpack_from(">i", box, p + 8)
                struct.pack_into(">i", box, p + 8, rel + growth)
            parts.append(bytes(box))
        else:
            parts.append(bytes(box))
    return _box(b"traf", b"".join(parts))


def mfra(track_id: int, entries: Sequence[tuple[int, int]]) -> bytes:
    """The random-access index: (decode time, moof offset) of each keyframe fragment."""
    tfra = struct.pack(">I4sBxxxIII", 0, b"tfra", 1, track_id, 0, len(entries))
    tfra += b"".join(struct.pack(">QQBBB", t, off, 1, 1, 1) for t, off in entries)
    tfra = struct.pack(">I", len(tfra)) + tfra[4:]
    total = 8 + len(tfra) + 16
    mfro = struct.pack(">I4sII", 16, b"mfro", 0, total)
    return _box(b"mfra", tfra + mfro)


def write_clip(
    sources: Sequence[Source],
    pieces: Sequence[Piece],
    init: bytes,
    out: Writer,
    advance: Callable[[int], None] | None = None,
) -> int:
    """Write the export to `out` (positioned at 0); returns the bytes written."""
    times = decode_times(sources, pieces)
    track_id = sources[pieces[0].source].layout.video_track_id
    out.write(init)
    pos = len(init)
    index: list[tuple[int, int]] = []
    current: tuple[int, BinaryIO] | None = None
    try:
        for n, (piece, t) in enumerate(zip(pieces, times, strict=True), start=1):
            if current is None or current[0] != piece.source:
                if current is not None:
                    current[1].close()
                current = (piece.source, sources[piece.source].path.open("rb"))
            f = current[1]
            f.seek(piece.fragment.offset)
            data = f.read(piece.fragment.size)
            if len(data) != piece.fragment.size or data[4:8] != b"moof":
                raise SpliceError(
                    f"{sources[piece.source].path}: no whole fragment at byte "
                    f"{piece.fragment.offset}",
                    piece.source,
                )
            (moof_size,) = struct.unpack_from(">I", data, 0)
            moof = rewrite_moof(
                data[:moof_size], sequence=n, decode_time=t, shift=pos - piece.fragment.offset
            )
            if piece.fragment.starts_with_keyframe:
                index.append((t, pos))
            out.write(moof)
            out.write(data[moof_size:])
            pos += len(moof) + len(data) - moof_size
            if advance is not None:
                advance(piece.fragment.size)
    finally:
        if current is not None:
            current[1].close()
    tail = mfra(track_id, index)
    out.write(tail)
    return pos + len(tail)
