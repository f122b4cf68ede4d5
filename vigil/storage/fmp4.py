"""Fragment table of a fragmented MP4 segment, and crash recovery of its tail.

The recorder writes each segment as a fragmented MP4 (ffmpeg ``movflags=+frag_keyframe+
empty_moov+default_base_moof``): ``ftyp``, ``moov`` (the init part, no samples), then ``moof`` +
``mdat`` pairs, and an ``mfra`` index when the muxer finished cleanly. Playback needs each
fragment's byte range and start time to seek and to serve HLS byte ranges; after a crash the
last file may stop in the middle of a fragment and must be cut back to its last whole one.

No Python library exposes fMP4 fragment byte offsets cheaply (the general MP4 parsers read or
decode far more than needed), so this is a small hand-written ISO BMFF box walker. It reads
only box headers and the few small boxes it needs (``tkhd``/``mdhd``/``hdlr``/``stsd``/``trex``
in the ``moov``; ``tfhd``/``tfdt``/``trun`` in each ``moof``) and seeks past every ``mdat``
payload, so a 30 MB segment costs a few dozen small reads.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

__all__ = ["Fmp4Error", "Fragment", "SegmentLayout", "read_layout", "truncate_to_whole_fragments"]

_MAX_META = 64 << 20  # a moov or moof larger than this is corruption, not something to read
_NON_SYNC = 0x0001_0000  # sample_is_non_sync_sample in sample flags


class Fmp4Error(Exception):
    """The file is not a usable fragmented MP4; says what is wrong and at which byte offset."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} (at byte {offset})")
        self.offset = offset


@dataclass(frozen=True)
class Fragment:
    offset: int  # byte offset of the moof box in the file
    size: int  # bytes of moof + its mdat
    decode_time: int  # tfdt of the video track, in track timescale units
    duration: int  # sum of the video track's sample durations in this fragment
    samples: int  # video sample count
    starts_with_keyframe: bool


@dataclass(frozen=True)
class SegmentLayout:
    init_size: int  # bytes before the first moof (ftyp + moov)
    timescale: int  # video track timescale (mdhd)
    video_track_id: int
    codec: str  # sample entry fourcc of the video track: "avc1", "hvc1", "hev1", ...
    width: int
    height: int
    fragments: list[Fragment]
    complete_size: int  # offset just past the last whole fragment or whole trailing box
    trailing_garbage: int  # bytes after complete_size that do not form whole boxes

    def duration(self) -> int:
        """Total video duration in timescale units."""
        return sum(f.duration for f in self.fragments)

    def to_us(self, ticks: int) -> int:
        """Timescale ticks to microseconds, rounded down."""
        return ticks * 1_000_000 // self.timescale


@dataclass(frozen=True)
class _Box:
    type: str
    offset: int
    header: int
    end: int  # may lie past the end of the file when the box is cut short
    to_eof: bool  # size field 0: the box extends to the end of the file


@dataclass
class _Track:
    track_id: int = 0
    timescale: int = 0
    handler: str = ""
    codec: str = ""
    width: int = 0
    height: int = 0


_Trex = tuple[int, int, int]  # default sample duration, size, flags


@dataclass
class _Moof:
    decode_time: int | None = None
    duration: int = 0
    samples: int = 0
    keyframe: bool = False
    data_end: int = 0  # file offset just past the last sample byte any trun references


def _fourcc(raw: bytes) -> str:
    return raw.decode("latin-1")


def _read_header(f: BinaryIO, pos: int, file_size: int) -> _Box:
    f.seek(pos)
    head = f.read(min(16, file_size - pos))
    if len(head) < 8:
        raise Fmp4Error(f"box header cut short: {len(head)} of 8 bytes", pos)
    size, raw = struct.unpack_from(">I4s", head)
    if not all(0x20 <= b < 0x7F for b in raw):
        raise Fmp4Error(f"not a box header: type bytes {raw.hex()}", pos)
    header = 8
    if size == 1:
        if len(head) < 16:
            raise Fmp4Error(f"64-bit size of '{_fourcc(raw)}' box cut short", pos)
        (size,) = struct.unpack_from(">Q", head, 8)
        header = 16
    elif size == 0:
        return _Box(_fourcc(raw), pos, header, file_size, True)
    if size < header:
        raise Fmp4Error(f"'{_fourcc(raw)}' box has impossible size {size}", pos)
    return _Box(_fourcc(raw), pos, header, pos + size, False)


def _read_body(f: BinaryIO, box: _Box) -> tuple[memoryview, int]:
    if box.end - box.offset > _MAX_META:
        raise Fmp4Error(f"'{box.type}' box is implausibly large", box.offset)
    f.seek(box.offset + box.header)
    return memoryview(f.read(box.end - box.offset - box.header)), box.offset + box.header


def _children(data: memoryview, base: int) -> Iterator[tuple[str, memoryview, int]]:
    """(type, payload, payload file offset) of each box in data (at file offset base)."""
    pos = 0
    while pos < len(data):
        if len(data) - pos < 8:
            raise Fmp4Error("box header cut short inside its parent", base + pos)
        size, raw = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1 and len(data) - pos >= 16:
            (size,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif size == 0:
            size = len(data) - pos
        if size < header or pos + size > len(data):
            raise Fmp4Error(f"'{_fourcc(raw)}' box does not fit its parent", base + pos)
        yield _fourcc(raw), data[pos + header : pos + size], base + pos + header
        pos += size


def _field(fmt: str, data: memoryview, pos: int, box: str, offset: int) -> tuple[int, ...]:
    try:
        return struct.unpack_from(fmt, data, pos)
    except struct.error:
        raise Fmp4Error(f"'{box}' box too short ({len(data)} payload bytes)", offset) from None


def _parse_trak(data: memoryview, base: int) -> _Track:
    track = _Track()
    stack = [(data, base)]
    while stack:
        for typ, body, off in _children(*stack.pop()):
            if typ in ("mdia", "minf", "stbl"):
                stack.append((body, off))
            elif typ in ("tkhd", "mdhd"):
                v1 = _field(">B", body, 0, typ, off)[0] == 1
                if typ == "tkhd":
                    track.track_id = _field(">I", body, 20 if v1 else 12, typ, off)[0]
                    if not track.width:  # the sample entry's coded size wins over this one
                        w, h = _field(">II", body, 88 if v1 else 76, typ, off)
                        track.width, track.height = w >> 16, h >> 16
                else:
                    track.timescale = _field(">I", body, 20 if v1 else 12, typ, off)[0]
            elif typ == "hdlr":
                track.handler = _fourcc(bytes(body[8:12]))
            elif typ == "stsd":
                count = _field(">I", body, 4, typ, off)[0]
                track.codec = _fourcc(bytes(body[12:16])) if count and len(body) >= 16 else ""
                if count and len(body) >= 44:
                    w, h = _field(">HH", body, 40, typ, off)
                    if w and h:
                        track.width, track.height = w, h
    return track


def _read_moov(f: BinaryIO, box: _Box) -> tuple[_Track, dict[int, _Trex]]:
    data, base = _read_body(f, box)
    tracks: list[_Track] = []
    trex: dict[int, _Trex] = {}
    for typ, body, off in _children(data, base):
        if typ == "trak":
            tracks.append(_parse_trak(body, off))
        elif typ == "mvex":
            for sub, sbody, soff in _children(body, off):
                if sub == "trex":
                    _, tid, _, dur, size, flags = _field(">6I", sbody, 0, sub, soff)
                    trex[tid] = (dur, size, flags)
    video = next((t for t in tracks if t.handler == "vide"), None)
    if video is None:
        handlers = ", ".join(repr(t.handler) for t in tracks) or "none"
        raise Fmp4Error(f"no video track (hdlr 'vide'); track handlers: {handlers}", box.offset)
    if video.timescale <= 0:
        raise Fmp4Error(f"video track {video.track_id} has timescale {video.timescale}", box.offset)
    return video, trex


def _parse_moof(
    data: memoryview, base: int, moof_offset: int, video_id: int, trex: dict[int, _Trex]
) -> _Moof:
    out = _Moof()
    prev_end: int | None = None  # end of the previous traf's data
    for typ, traf, traf_off in _children(data, base):
        if typ != "traf":
            continue
        boxes = list(_children(traf, traf_off))
        tfhd = next(((b, o) for t, b, o in boxes if t == "tfhd"), None)
        if tfhd is None:
            raise Fmp4Error("'traf' without 'tfhd'", traf_off)
        body, off = tfhd
        vf, track_id = _field(">II", body, 0, "tfhd", off)
        flags, pos = vf & 0xFFFFFF, 8
        opt: dict[int, int] = {}
        # base data offset, sample description index, default duration, size, flags
        for bit, fmt in ((0x1, ">Q"), (0x2, ">I"), (0x8, ">I"), (0x10, ">I"), (0x20, ">I")):
            if flags & bit:
                opt[bit] = _field(fmt, body, pos, "tfhd", off)[0]
                pos += struct.calcsize(fmt)
        implied = moof_offset if prev_end is None or flags & 0x20000 else prev_end
        cursor = base_offset = opt.get(0x1, implied)
        dur, size, sflags = trex.get(track_id, (0, 0, 0))  # mvex defaults, then tfhd ones
        dur, size, sflags = opt.get(0x8, dur), opt.get(0x10, size), opt.get(0x20, sflags)
        video = track_id == video_id
        for sub, sbody, soff in boxes:
            if sub == "tfdt" and video and out.decode_time is None:
                v1 = _field(">B", sbody, 0, sub, soff)[0] == 1
                out.decode_time = _field(">Q" if v1 else ">I", sbody, 4, sub, soff)[0]
            elif sub == "trun":
                vf, count = _field(">II", sbody, 0, sub, soff)
                tflags, pos = vf & 0xFFFFFF, 8
                if tflags & 0x1:  # data-offset-present: relative to the traf's base offset
                    cursor = base_offset + _field(">i", sbody, pos, sub, soff)[0]
                    pos += 4
                first = _field(">I", sbody, pos, sub, soff)[0] if tflags & 0x4 else None
                pos += 4 if tflags & 0x4 else 0
                present = [bit for bit in (0x100, 0x200, 0x400, 0x800) if tflags & bit]
                n = len(present)
                if len(sbody) < pos + 4 * n * count:
                    raise Fmp4Error(f"'trun' too short for its {count} samples", soff)
                values = _field(f">{count * n}I", sbody, pos, sub, soff) if n else ()
                col = {bit: values[i::n] for i, bit in enumerate(present)}
                cursor += sum(col[0x200]) if 0x200 in col else count * size
                out.data_end = max(out.data_end, cursor)
                if video and count:
                    if out.samples == 0:
                        f0 = col[0x400][0] if 0x400 in col else sflags
                        out.keyframe = not ((first if first is not None else f0) & _NON_SYNC)
                    out.samples += count
                    out.duration += sum(col[0x100]) if 0x100 in col else count * dur
        prev_end = cursor
    return out


def _read_fragment(
    f: BinaryIO, moof: _Box, file_size: int, video_id: int, trex: dict[int, _Trex], next_time: int
) -> Fragment | None:
    """The fragment starting at this moof, or None if the moof or its mdat is not whole."""
    if moof.to_eof or moof.end > file_size:
        return None
    data, base = _read_body(f, moof)
    info = _parse_moof(data, base, moof.offset, video_id, trex)
    try:
        mdat = _read_header(f, moof.end, file_size)
    except Fmp4Error:
        return None  # header missing or cut short
    if mdat.type != "mdat":
        raise Fmp4Error(f"'moof' followed by '{mdat.type}', not 'mdat'", mdat.offset)
    # A size-0 mdat runs to the end of the file by definition; it is whole only if the
    # sample data the moof describes is all there.
    whole = info.data_end <= file_size if mdat.to_eof else mdat.end <= file_size
    if not whole:
        return None
    decode_time = next_time if info.decode_time is None else info.decode_time
    return Fragment(
        moof.offset, mdat.end - moof.offset, decode_time, info.duration, info.samples, info.keyframe
    )


def _scan(f: BinaryIO, file_size: int) -> SegmentLayout:
    video: _Track | None = None
    trex: dict[int, _Trex] = {}
    fragments: list[Fragment] = []
    init_size: int | None = None
    pos = 0
    while pos < file_size:
        try:
            box = _read_header(f, pos, file_size)
        except Fmp4Error:
            if video is None:
                raise
            break  # the tail does not start with a box header: trailing garbage
        if pos == 0 and box.type != "ftyp":
            raise Fmp4Error(f"not an MP4 file: first box is '{box.type}', not 'ftyp'", 0)
        if video is None:  # still in the init part: everything must be whole
            if box.end > file_size:
                msg = f"'{box.type}' box cut short by the end of file; no complete ftyp+moov"
                raise Fmp4Error(msg, pos)
            if box.type == "moof":
                raise Fmp4Error("'moof' before any 'moov'", pos)
            if box.type == "moov":
                video, trex = _read_moov(f, box)
            pos = box.end
            continue
        if box.type == "moof":
            next_time = fragments[-1].decode_time + fragments[-1].duration if fragments else 0
            frag = _read_fragment(f, box, file_size, video.track_id, trex, next_time)
            if frag is None:
                break
            init_size = pos if init_size is None else init_size
            fragments.append(frag)
            pos += frag.size
            continue
        if box.end > file_size:
            break
        pos = box.end  # a whole box outside the fragments: mfra, free, sidx, ...
    if video is None:
        raise Fmp4Error("no 'moov' box: the file has no complete ftyp+moov", pos)
    return SegmentLayout(
        init_size=pos if init_size is None else init_size,
        timescale=video.timescale,
        video_track_id=video.track_id,
        codec=video.codec,
        width=video.width,
        height=video.height,
        fragments=fragments,
        complete_size=pos,
        trailing_garbage=file_size - pos,
    )


def read_layout(path: Path | str) -> SegmentLayout:
    """The fragment table of a fragmented MP4; a cut-short tail is reported, not an error.

    Raises Fmp4Error when the file has no complete ftyp+moov, no video track, or a whole box
    whose contents are malformed.
    """
    with Path(path).open("rb") as f:
        return _scan(f, os.fstat(f.fileno()).st_size)


def truncate_to_whole_fragments(path: Path | str) -> SegmentLayout:
    """Cut the file back to its last whole fragment (or whole trailing box), fsync it, and
    return the layout of the result. A file without trailing garbage is left as it is."""
    with Path(path).open("r+b") as f:
        layout = _scan(f, os.fstat(f.fileno()).st_size)
        if layout.trailing_garbage:
            f.truncate(layout.complete_size)
            f.flush()
        os.fsync(f.fileno())
        return _scan(f, os.fstat(f.fileno()).st_size)
