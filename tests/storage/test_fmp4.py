"""vigil.storage.fmp4 against real fragmented MP4s written by the system ffmpeg, checked with ffprobe.

Files are made by ffmpeg itself; the only hand-made bytes are explicit corruption or re-muxing
cases (cut-off tails, zero-filled tails, a size-0 mdat, 64-bit box sizes, tfhd defaults moved
to trex), each of which ffprobe must still read the way the test expects.
"""

from __future__ import annotations

import io
import json
import signal
import struct
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from vigil.storage.fmp4 import (
    Fmp4Error,
    Fragment,
    SegmentLayout,
    read_layout,
    truncate_to_whole_fragments,
)

FRAG = "+frag_keyframe+empty_moov+default_base_moof"
TESTSRC = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10"]
X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-bf", "0"]
TIMESCALE = 10240  # what ffmpeg's mp4 muxer picks for a 10 fps stream


def ffmpeg(*args: str | Path) -> None:
    cmd = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *map(str, args)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)


def has_encoder(name: str) -> bool:
    out = subprocess.run(
        ["ffmpeg", "-hide_banner", "-encoders"], capture_output=True, text=True, check=True
    ).stdout
    return any(line.split()[1:2] == [name] for line in out.splitlines() if line.strip())


@dataclass(frozen=True)
class Packet:
    dts: int
    pos: int
    size: int
    key: bool


def ffprobe_json(path: Path, *args: str) -> dict[str, Any]:
    run = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", *args, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == "", run.stderr  # ffprobe found nothing to complain about
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def probe(path: Path) -> tuple[list[Packet], dict[str, Any]]:
    """ffprobe's video packets and video stream of a file (one ffprobe run)."""
    entries = "packet=dts,pos,size,flags:stream=time_base,width,height,duration_ts,codec_tag_string"
    out = ffprobe_json(path, "-select_streams", "v:0", "-show_entries", entries)
    packets = [
        Packet(int(p["dts"]), int(p["pos"]), int(p["size"]), p["flags"].startswith("K"))
        for p in out["packets"]
    ]
    stream: dict[str, Any] = out["streams"][0]
    return packets, stream


def video_packets(path: Path) -> list[Packet]:
    return probe(path)[0]


def video_stream(path: Path) -> dict[str, Any]:
    return probe(path)[1]


def assert_agrees_with_ffprobe(path: Path, layout: SegmentLayout) -> None:
    """Each fragment holds exactly the video packets ffprobe places in its byte range, and the
    fragment's decode time and keyframe flag are those of its first packet."""
    packets, stream = probe(path)
    assert sum(f.samples for f in layout.fragments) == len(packets)
    for frag in layout.fragments:
        inside = [p for p in packets if frag.offset <= p.pos < frag.offset + frag.size]
        assert len(inside) == frag.samples, frag
        assert inside[0].dts == frag.decode_time, frag
        assert inside[0].key == frag.starts_with_keyframe, frag
    assert stream["time_base"] == f"1/{layout.timescale}"
    assert (stream["width"], stream["height"]) == (layout.width, layout.height)
    assert stream["codec_tag_string"] == layout.codec


def box_at(data: bytes, offset: int) -> tuple[int, bytes]:
    size, typ = struct.unpack_from(">I4s", data, offset)
    return size, typ


# -- files ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fmp4")


@pytest.fixture(scope="module")
def plain(media: Path) -> Path:
    """The brief's reference file: 6 s, a keyframe every second, one fragment per keyframe."""
    path = media / "plain.mp4"
    ffmpeg(*TESTSRC, "-t", "6", *X264, "-movflags", FRAG, "-f", "mp4", path)
    return path


@pytest.fixture(scope="module")
def plain_layout(plain: Path) -> SegmentLayout:
    return read_layout(plain)


# -- whole files ------------------------------------------------------------------------------


def test_plain_file_fragment_table(plain: Path, plain_layout: SegmentLayout) -> None:
    data = plain.read_bytes()
    layout = plain_layout
    assert (layout.codec, layout.width, layout.height) == ("avc1", 320, 240)
    assert (layout.timescale, layout.video_track_id) == (TIMESCALE, 1)
    assert len(layout.fragments) == 6
    assert all(f.duration == TIMESCALE and f.samples == 10 for f in layout.fragments)
    assert all(f.starts_with_keyframe for f in layout.fragments)
    expected_time = 0
    for frag in layout.fragments:
        assert frag.decode_time == expected_time
        expected_time += frag.duration
        assert data[frag.offset + 4 : frag.offset + 8] == b"moof"
        assert box_at(data, frag.offset + box_at(data, frag.offset)[0])[1] == b"mdat"
    assert layout.duration() == 6 * TIMESCALE
    assert layout.to_us(layout.duration()) == 6_000_000
    assert layout.to_us(1) == 97  # 97.66 µs, rounded down
    # ftyp + moov, then the fragments back to back, then ffmpeg's mfra index
    assert box_at(data, 0)[1] == b"ftyp" and box_at(data, box_at(data, 0)[0])[1] == b"moov"
    assert layout.init_size == box_at(data, 0)[0] + box_at(data, 28)[0]
    assert layout.fragments[0].offset == layout.init_size
    frag_end = layout.init_size + sum(f.size for f in layout.fragments)
    mfra_size, mfra = box_at(data, frag_end)
    assert mfra == b"mfra" and frag_end + mfra_size == len(data)
    assert (layout.complete_size, layout.trailing_garbage) == (len(data), 0)
    assert_agrees_with_ffprobe(plain, layout)


def test_segment_muxer_as_the_recorder_runs_it(media: Path, plain: Path) -> None:
    """Stream copy through the segment muxer with the recorder's options. Each segment is a
    standalone fMP4 (own ftyp+moov, own mfra) and its tfdt restarts at 0 in ffmpeg 5.1 even
    with -reset_timestamps 0: a segment's wall-clock start must come from elsewhere."""
    out = media / "segments"
    out.mkdir()
    opts = f"movflags={FRAG}:frag_duration=2000000"
    ffmpeg("-i", plain, "-c", "copy", "-f", "segment", "-segment_time", "2",
           "-segment_format", "mp4", "-segment_format_options", opts,
           "-reset_timestamps", "0", out / "seg%03d.mp4")  # fmt: skip
    segments = sorted(out.iterdir())
    assert len(segments) == 3
    for seg in segments:
        data = seg.read_bytes()
        layout = read_layout(seg)
        assert box_at(data, 0)[1] == b"ftyp" and box_at(data, 28)[1] == b"moov"
        assert layout.init_size == 28 + box_at(data, 28)[0]
        assert [f.decode_time for f in layout.fragments] == [0, TIMESCALE]  # restarts at 0
        assert [f.duration for f in layout.fragments] == [TIMESCALE, TIMESCALE]
        assert all(f.starts_with_keyframe for f in layout.fragments)
        last = layout.fragments[-1]
        assert box_at(data, last.offset + last.size)[1] == b"mfra"
        assert (layout.complete_size, layout.trailing_garbage) == (len(data), 0)
        assert_agrees_with_ffprobe(seg, layout)


def test_audio_track_first_video_still_found(media: Path) -> None:
    path = media / "av.mp4"
    ffmpeg(*TESTSRC, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "4",
           "-map", "1:a", "-map", "0:v", *X264, "-c:a", "aac", "-movflags", FRAG, path)  # fmt: skip
    layout = read_layout(path)
    assert (layout.video_track_id, layout.codec, layout.timescale) == (2, "avc1", TIMESCALE)
    assert len(layout.fragments) == 4
    assert sum(f.samples for f in layout.fragments) == 40
    # The video track's own duration (ffprobe agrees), not the 44.1 kHz audio track's.
    assert layout.duration() == int(video_stream(path)["duration_ts"])
    assert abs(layout.to_us(layout.duration()) - 4_000_000) < 50_000
    assert_agrees_with_ffprobe(path, layout)


def test_audio_only_file_has_no_video_track(media: Path) -> None:
    path = media / "audio.mp4"
    ffmpeg("-f", "lavfi", "-i", "sine", "-t", "1", "-c:a", "aac", "-movflags", FRAG, path)
    with pytest.raises(Fmp4Error, match=r"no video track.*'soun'.*at byte 28"):
        read_layout(path)


def test_per_sample_durations_of_variable_frame_rate(media: Path) -> None:
    """Dropped frames make ffmpeg write per-sample durations in the trun."""
    path = media / "vfr.mp4"
    ffmpeg(*TESTSRC, "-t", "4", "-vf", "select='not(eq(mod(n,4),1))'", "-fps_mode", "vfr",
           *X264, "-movflags", FRAG, path)  # fmt: skip
    layout = read_layout(path)
    assert len({f.duration for f in layout.fragments}) > 1
    assert [f.duration for f in layout.fragments] != [f.samples * 1024 for f in layout.fragments]
    assert layout.duration() == int(video_stream(path)["duration_ts"])
    assert_agrees_with_ffprobe(path, layout)


def test_fragments_cut_by_duration_need_not_start_on_keyframes(media: Path) -> None:
    path = media / "halfsec.mp4"
    ffmpeg(*TESTSRC, "-t", "4", *X264, "-frag_duration", "500000",
           "-movflags", "+empty_moov+default_base_moof", path)  # fmt: skip
    layout = read_layout(path)
    assert [f.starts_with_keyframe for f in layout.fragments] == [True, False] * 4
    assert_agrees_with_ffprobe(path, layout)


@pytest.mark.parametrize("tag", [None, "hvc1"])
def test_hevc(media: Path, tag: str | None) -> None:
    if not has_encoder("libx265"):
        pytest.skip("this ffmpeg has no libx265")
    path = media / f"hevc-{tag}.mp4"
    tag_args = ["-tag:v", tag] if tag else []
    ffmpeg(*TESTSRC, "-t", "2", "-c:v", "libx265", "-preset", "ultrafast",
           "-x265-params", "log-level=error:keyint=10:scenecut=0", *tag_args,
           "-movflags", FRAG, path)  # fmt: skip
    layout = read_layout(path)
    assert layout.codec == (tag or "hev1")
    assert (layout.width, layout.height, len(layout.fragments)) == (320, 240, 2)
    assert layout.duration() == 2 * TIMESCALE
    assert_agrees_with_ffprobe(path, layout)


# -- cut-off tails and recovery -----------------------------------------------------------------


def _moof_size(data: bytes, frag: Fragment) -> int:
    return box_at(data, frag.offset)[0]


# (name, cut offset from file bytes + layout, number of whole fragments left)
CUTS: list[tuple[str, Callable[[bytes, SegmentLayout], int], int]] = [
    ("inside last mdat", lambda d, lay: lay.fragments[-1].offset + lay.fragments[-1].size - 99, 5),
    ("inside last moof header", lambda d, lay: lay.fragments[-1].offset + 5, 5),
    ("inside last moof body", lambda d, lay: lay.fragments[-1].offset + 40, 5),
    ("inside last mdat header",
     lambda d, lay: lay.fragments[-1].offset + _moof_size(d, lay.fragments[-1]) + 3, 5),
    ("just after last moof",
     lambda d, lay: lay.fragments[-1].offset + _moof_size(d, lay.fragments[-1]), 5),
    ("inside third mdat", lambda d, lay: lay.fragments[2].offset + 5000, 2),
    ("inside mfra", lambda d, lay: len(d) - 10, 6),
    ("at the end of the last fragment",
     lambda d, lay: lay.fragments[-1].offset + lay.fragments[-1].size, 6),
    ("just after the moov", lambda d, lay: lay.init_size, 0),
]  # fmt: skip


@pytest.mark.parametrize(("name", "cut_at", "whole"), CUTS, ids=[c[0] for c in CUTS])
def test_cut_tail_is_reported_and_truncated(
    tmp_path: Path,
    plain: Path,
    plain_layout: SegmentLayout,
    name: str,
    cut_at: Callable[[bytes, SegmentLayout], int],
    whole: int,
) -> None:
    data = plain.read_bytes()
    cut = cut_at(data, plain_layout)
    path = tmp_path / "cut.mp4"
    path.write_bytes(data[:cut])
    kept = plain_layout.fragments[:whole]
    if name == "inside mfra":
        end = len(data) - box_at(data, kept[-1].offset + kept[-1].size)[0]
    else:
        end = kept[-1].offset + kept[-1].size if kept else plain_layout.init_size

    layout = read_layout(path)
    assert layout.fragments == kept
    assert (layout.complete_size, layout.trailing_garbage) == (end, cut - end)
    assert layout.init_size == plain_layout.init_size

    fixed = truncate_to_whole_fragments(path)
    assert path.stat().st_size == end
    assert path.read_bytes() == data[:end]
    assert fixed.fragments == kept
    assert (fixed.complete_size, fixed.trailing_garbage) == (end, 0)
    if kept:
        assert_agrees_with_ffprobe(path, fixed)
    assert truncate_to_whole_fragments(path) == fixed  # idempotent


@pytest.mark.parametrize("cut", [0, 5, 27, 28, 40, 300])
def test_no_complete_ftyp_and_moov_raises(tmp_path: Path, plain: Path, cut: int) -> None:
    """Cut inside the ftyp or the moov: nothing to recover, and the file is left untouched."""
    path = tmp_path / "cut.mp4"
    path.write_bytes(plain.read_bytes()[:cut])
    with pytest.raises(Fmp4Error, match=r"at byte \d+") as err:
        read_layout(path)
    assert err.value.offset in (0, 28)
    with pytest.raises(Fmp4Error):
        truncate_to_whole_fragments(path)
    assert path.stat().st_size == cut


def test_not_an_mp4(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("this is a text file, not a video\n")
    with pytest.raises(Fmp4Error, match="first box"):
        read_layout(path)


def test_zero_filled_tail(tmp_path: Path, plain: Path, plain_layout: SegmentLayout) -> None:
    """What a power cut can leave: the file size grew but the last blocks were never written."""
    data = plain.read_bytes()
    path = tmp_path / "zeros.mp4"
    path.write_bytes(data + bytes(4096))
    layout = read_layout(path)
    assert layout.fragments == plain_layout.fragments
    assert (layout.complete_size, layout.trailing_garbage) == (len(data), 4096)
    truncate_to_whole_fragments(path)
    assert path.read_bytes() == data


def test_size_zero_mdat(tmp_path: Path, plain: Path, plain_layout: SegmentLayout) -> None:
    """A last mdat whose size field is 0 (runs to end of file) is whole only when all the sample
    bytes its moof describes are present."""
    last = plain_layout.fragments[-1]
    data = bytearray(plain.read_bytes()[: last.offset + last.size])  # no mfra
    mdat_at = last.offset + _moof_size(bytes(data), last)
    data[mdat_at : mdat_at + 4] = bytes(4)
    path = tmp_path / "size0.mp4"
    path.write_bytes(data)
    assert read_layout(path).fragments == plain_layout.fragments
    assert len(video_packets(path)) == 60  # ffprobe reads it too

    path.write_bytes(data[:-1])  # one sample byte short
    layout = read_layout(path)
    assert layout.fragments == plain_layout.fragments[:5]
    assert layout.trailing_garbage == len(data) - 1 - last.offset
    assert truncate_to_whole_fragments(path).fragments == plain_layout.fragments[:5]
    assert path.stat().st_size == last.offset


# -- box-level re-muxes of a real file: 64-bit sizes, trex defaults --------------------------


def _boxes(buf: bytes) -> list[tuple[bytes, bytes]]:
    out, pos = [], 0
    while pos < len(buf):
        size, typ = struct.unpack_from(">I4s", buf, pos)
        assert size >= 8  # ffmpeg's small files use 32-bit sizes only
        out.append((typ, buf[pos + 8 : pos + size]))
        pos += size
    return out


def _box(typ: bytes, payload: bytes, large: bool = False) -> bytes:
    if large:
        return struct.pack(">I4sQ", 1, typ, 16 + len(payload)) + payload
    return struct.pack(">I4s", 8 + len(payload), typ) + payload


def _edit(buf: bytes, typ: bytes, fn: Callable[[bytes], bytes]) -> bytes:
    return b"".join(_box(t, fn(p) if t == typ else p) for t, p in _boxes(buf))


def _drop_tfhd_duration(tfhd: bytes) -> bytes:
    (vf,) = struct.unpack_from(">I", tfhd)
    assert vf & 0x8 and not vf & 0x3  # duration present; no base offset / description index
    return struct.pack(">I", vf & ~0x8) + tfhd[4:8] + tfhd[12:]


def _shift_trun(trun: bytes, shift: int) -> bytes:
    vf, _count, offset = struct.unpack_from(">IIi", trun)
    assert vf & 0x1  # data-offset-present
    return trun[:8] + struct.pack(">i", offset + shift) + trun[12:]


def remux(data: bytes, *, large: bool = False, trex_duration: int | None = None) -> bytes:
    """Rewrite a real ffmpeg fMP4 box by box: 64-bit sizes for moov and mdat, and/or the
    tfhd default sample duration moved into the trex. The mfra goes (its offsets would be
    stale); trun data offsets are fixed up so players read the same samples. (No 64-bit moof:
    ffmpeg's demuxer assumes an 8-byte moof header when it resolves default-base-is-moof.)"""

    def trex(p: bytes) -> bytes:
        return p[:12] + struct.pack(">I", trex_duration or 0) + p[16:]

    out = []
    for typ, original in _boxes(data):
        payload = original
        if typ == b"mfra":
            continue
        if typ == b"moov" and trex_duration is not None:
            payload = _edit(payload, b"mvex", lambda mvex: _edit(mvex, b"trex", trex))
        if typ == b"moof":
            if trex_duration is not None:
                payload = _edit(payload, b"traf", lambda t: _edit(t, b"tfhd", _drop_tfhd_duration))
            # the moof shrank or grew, and a 64-bit mdat header is 8 bytes longer
            shift = len(payload) - len(original) + (8 if large else 0)

            def shift_truns(traf: bytes, shift: int = shift) -> bytes:
                return _edit(traf, b"trun", lambda r: _shift_trun(r, shift))

            payload = _edit(payload, b"traf", shift_truns)
        out.append(_box(typ, payload, large and typ in (b"moov", b"mdat")))
    return b"".join(out)


def test_64_bit_box_sizes(tmp_path: Path, plain: Path, plain_layout: SegmentLayout) -> None:
    path = tmp_path / "large.mp4"
    path.write_bytes(remux(plain.read_bytes(), large=True))
    packets, original = video_packets(path), video_packets(plain)
    assert [(p.dts, p.size, p.key) for p in packets] == [(p.dts, p.size, p.key) for p in original]
    layout = read_layout(path)
    assert layout.init_size == plain_layout.init_size + 8  # the moov's header
    assert [(f.offset, f.size) for f in layout.fragments] == [
        (f.offset + 8 + 8 * i, f.size + 8) for i, f in enumerate(plain_layout.fragments)
    ]
    assert [f.decode_time for f in layout.fragments] == [
        f.decode_time for f in plain_layout.fragments
    ]
    assert (layout.complete_size, layout.trailing_garbage) == (path.stat().st_size, 0)
    assert_agrees_with_ffprobe(path, layout)

    path.write_bytes(path.read_bytes()[:-30])  # cut in the last 64-bit mdat
    assert truncate_to_whole_fragments(path).fragments == layout.fragments[:5]


def test_sample_duration_from_trex(
    tmp_path: Path, plain: Path, plain_layout: SegmentLayout
) -> None:
    """No per-sample durations in the trun and none in the tfhd: the trex default applies."""
    path = tmp_path / "trex.mp4"
    path.write_bytes(remux(plain.read_bytes(), trex_duration=1024))
    assert [p.dts for p in video_packets(path)] == [p.dts for p in video_packets(plain)]
    layout = read_layout(path)
    assert [(f.decode_time, f.duration, f.samples) for f in layout.fragments] == [
        (f.decode_time, f.duration, f.samples) for f in plain_layout.fragments
    ]
    assert_agrees_with_ffprobe(path, layout)


# -- a real crash and a big file ----------------------------------------------------------------


def test_recorder_killed_with_sigkill(media: Path, tmp_path: Path) -> None:
    """Kill ffmpeg mid-recording the way a crash would, then recover the segment it was writing."""
    source = media / "source.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x480:rate=10", "-t", "8", *X264, source)
    path = tmp_path / "rec.mp4"
    opts = f"movflags={FRAG}:frag_duration=2000000"
    cmd = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-readrate", "8",
           "-i", str(source), "-c", "copy", "-f", "segment", "-segment_time", "100",
           "-segment_format", "mp4", "-segment_format_options", opts,
           "-reset_timestamps", "0", str(tmp_path / "rec%d.mp4")]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        path = tmp_path / "rec0.mp4"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and proc.poll() is None:
            if path.exists() and path.stat().st_size > 200_000:
                break
            time.sleep(0.005)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    before = read_layout(path)
    assert before.fragments, "ffmpeg wrote no whole fragment before it was killed"
    after = truncate_to_whole_fragments(path)
    assert after.fragments == before.fragments
    assert path.stat().st_size == after.complete_size == before.complete_size
    assert after.trailing_garbage == 0
    assert all(f.starts_with_keyframe for f in after.fragments)
    assert_agrees_with_ffprobe(path, after)


def test_reads_only_headers_of_a_30_mb_file(media: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = media / "big.mp4"
    noisy = "testsrc2=size=640x480:rate=25,noise=alls=100:allf=t"
    ffmpeg("-f", "lavfi", "-i", noisy, "-t", "2", "-c:v", "libx264", "-preset", "ultrafast",
           "-qp", "0", "-g", "5", "-movflags", FRAG, path)  # fmt: skip
    assert path.stat().st_size > 25_000_000

    requested = 0

    class Counting(io.BufferedReader):
        def read(self, size: int | None = -1) -> bytes:
            nonlocal requested
            data = super().read(size)
            requested += len(data)
            return data

    real_open = Path.open

    def counting_open(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if mode == "rb":
            return Counting(io.FileIO(self, "r"))
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", counting_open)
    start = time.perf_counter()
    layout = read_layout(path)
    elapsed = time.perf_counter() - start
    assert len(layout.fragments) == 10 and layout.trailing_garbage == 0
    assert requested < 20_000  # box headers, the moov and ten moofs; no mdat payload
    assert elapsed < 0.5
