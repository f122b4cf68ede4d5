// One camera's recorded segments into one <video>, straight from the original files.
//
// Each segment file is a complete fMP4 whose media time restarts at 0, so the player sets
// sourceBuffer.timestampOffset = (segment.start_us - origin_us) / 1e6 ("segments" mode) and
// then video.currentTime = (T - origin_us) / 1e6 shows instant T. It fetches the fragment
// table of a segment, then the init segment and byte ranges of fragments near the playhead
// (HTTP Range), keeps ~30 s ahead and evicts what lies well behind.

import { API, fetchBytes, get } from "./api.js";
import { US } from "./time.js";

const AHEAD_S = 30;
const KEEP_BEHIND_S = 10;
const EVICT_AFTER_S = 30;
const CHUNK_S = 8; // at most this much media per range request

/** RFC 6381 codec string from an init segment's avcC / hvcC box. */
export function codecOf(init) {
  const b = new Uint8Array(init);
  for (let i = 4; i + 8 < b.length; i++) {
    if (b[i] === 0x61 && b[i + 1] === 0x76 && b[i + 2] === 0x63 && b[i + 3] === 0x43) {
      const hex = (n) => n.toString(16).padStart(2, "0").toUpperCase();
      return `avc1.${hex(b[i + 5])}${hex(b[i + 6])}${hex(b[i + 7])}`;
    }
    if (b[i] === 0x68 && b[i + 1] === 0x76 && b[i + 2] === 0x63 && b[i + 3] === 0x43) return "hvc1.1.6.L93.B0";
  }
  return "avc1.42E01E";
}

export class SegmentPlayer {
  constructor(video, camera, plan, grant, originUs, durationS) {
    this.video = video;
    this.camera = camera;
    this.segments = [...plan.segments].sort((a, b) => a.start_us - b.start_us);
    this.gaps = plan.gaps || [];
    this.grant = grant;
    this.origin = originUs;
    this.durationS = durationS;
    this.indexes = new Map(); // seq -> fragment table
    this.inits = new Map(); // seq -> init bytes
    this.loaded = new Map(); // "seq:i" -> [t0, t1] seconds on the video's timeline
    this.ops = Promise.resolve(); // SourceBuffer operations, one at a time
    this.generation = 0;
    this.busy = false;
    this.sb = null;
    this.mime = null;
    this.lastSeq = null;
    this.error = null;
    this.ready = this.segments.length ? this.open() : Promise.resolve();
  }

  url(kind, seq) {
    return `${API}/playback/${this.grant}/${kind}/${encodeURIComponent(this.camera)}/${seq}`;
  }

  async open() {
    const first = this.segments[0];
    const index = await this.index(first);
    const init = await this.init(first, index);
    this.mime = `video/mp4; codecs="${codecOf(init)}"`;
    if (!MediaSource.isTypeSupported(this.mime)) throw new Error(`unsupported: ${this.mime}`);
    const ms = new MediaSource();
    this.ms = ms;
    const url = URL.createObjectURL(ms);
    await new Promise((resolve) => {
      ms.addEventListener("sourceopen", resolve, { once: true });
      this.video.src = url;
    });
    URL.revokeObjectURL(url);
    this.sb = ms.addSourceBuffer(this.mime);
    this.sb.mode = "segments";
    ms.duration = this.durationS; // so that currentTime may be set anywhere in the range
  }

  destroy() {
    this.generation += 1;
    this.sb = null;
    this.video.removeAttribute("src");
    this.video.load();
  }

  async index(seg) {
    if (!this.indexes.has(seg.seq)) {
      this.indexes.set(seg.seq, get(`/playback/${this.grant}/segments/${encodeURIComponent(this.camera)}/${seg.seq}`));
    }
    try {
      return await this.indexes.get(seg.seq);
    } catch (err) {
      this.indexes.delete(seg.seq);
      throw err;
    }
  }

  async init(seg, index) {
    if (!this.inits.has(seg.seq)) {
      this.inits.set(seg.seq, await fetchBytes(this.url("media", seg.seq), 0, index.init_size - 1));
    }
    return this.inits.get(seg.seq);
  }

  /** The video-timeline second of instant `us`, and back. */
  secondsOf(us) {
    return (us - this.origin) / US;
  }

  instantOf(seconds) {
    return Math.round(this.origin + seconds * US);
  }

  /** The segment holding instant `us`, else null. */
  segmentAt(us) {
    return this.segments.find((s) => s.start_us <= us && us < s.end_us) || null;
  }

  /** The first segment starting after `us` (to skip a gap), else null. */
  segmentAfter(us) {
    return this.segments.find((s) => s.start_us > us) || null;
  }

  hasDataAt(seconds) {
    const b = this.video.buffered;
    for (let i = 0; i < b.length; i++) if (b.start(i) <= seconds + 0.01 && seconds < b.end(i) - 0.05) return true;
    return false;
  }

  op(fn) {
    const run = () =>
      new Promise((resolve, reject) => {
        if (!this.sb) return resolve();
        const sb = this.sb;
        const done = () => {
          sb.removeEventListener("updateend", done);
          sb.removeEventListener("error", fail);
          resolve();
        };
        const fail = () => {
          sb.removeEventListener("updateend", done);
          sb.removeEventListener("error", fail);
          reject(new Error(`SourceBuffer error (${this.camera})`));
        };
        sb.addEventListener("updateend", done);
        sb.addEventListener("error", fail);
        try {
          if (!fn(sb)) done(); // fn returns false when it started nothing
        } catch (err) {
          sb.removeEventListener("updateend", done);
          sb.removeEventListener("error", fail);
          reject(err);
        }
      });
    this.ops = this.ops.then(run, run);
    return this.ops;
  }

  remove(from, to) {
    for (const [key, [t0, t1]] of this.loaded) if (t1 > from && t0 < to) this.loaded.delete(key);
    return this.op((sb) => {
      if (to <= from) return false;
      sb.remove(from, to);
      return true;
    });
  }

  /** Show instant `us`: keep the buffer if it holds `us`, else start over there. */
  async seek(us) {
    await this.ready;
    const seconds = this.secondsOf(us);
    if (!this.hasDataAt(seconds)) {
      this.generation += 1;
      const b = this.video.buffered;
      if (b.length) await this.remove(0, b.end(b.length - 1) + 1);
      this.loaded.clear();
      this.lastSeq = null;
    }
    this.video.currentTime = seconds;
    await this.fill(us, 1);
    // Seeking before the data arrived may leave the keyframe on screen: seek again now.
    if (this.hasDataAt(seconds)) this.video.currentTime = seconds;
  }

  /** Load what is missing between `us` and `us + AHEAD_S × rate`; evict well behind. */
  async fill(us, rate = 1) {
    await this.ready;
    if (this.busy || !this.sb) return;
    this.busy = true;
    const generation = this.generation;
    try {
      await this.evict(this.secondsOf(us), rate);
      const horizon = us + Math.max(AHEAD_S, 8 * rate) * US;
      for (const seg of this.segments) {
        if (seg.end_us <= us || seg.start_us >= horizon) continue;
        const index = await this.index(seg);
        if (generation !== this.generation) return;
        if (await this.loadFrom(seg, index, us, horizon, generation)) return; // one chunk per call
      }
    } catch (err) {
      this.error = err;
      console.warn("playback", this.camera, err);
    } finally {
      this.busy = false;
    }
  }

  async loadFrom(seg, index, us, horizon, generation) {
    const frags = index.fragments;
    const startOf = (i) => seg.start_us + frags[i][2];
    const endOf = (i) => startOf(i) + frags[i][3];
    let first = frags.findIndex((f, i) => endOf(i) > us && !this.loaded.has(`${seg.seq}:${i}`));
    if (first < 0 || startOf(first) >= horizon) return false;
    while (first > 0 && !frags[first][4]) first -= 1; // decoding starts at a keyframe
    let last = first;
    while (
      last + 1 < frags.length &&
      !this.loaded.has(`${seg.seq}:${last + 1}`) &&
      startOf(last + 1) < horizon &&
      endOf(last + 1) - startOf(first) <= CHUNK_S * US
    ) {
      last += 1;
    }
    const init = await this.init(seg, index);
    const data = await fetchBytes(this.url("media", seg.seq), frags[first][0], frags[last][0] + frags[last][1] - 1);
    if (generation !== this.generation) return true;
    const offset = this.secondsOf(seg.start_us);
    if (this.lastSeq !== seg.seq) {
      await this.op((sb) => {
        sb.appendBuffer(init);
        return true;
      });
      this.lastSeq = seg.seq;
    }
    await this.op((sb) => {
      sb.timestampOffset = offset;
      sb.appendBuffer(data);
      return true;
    });
    for (let i = first; i <= last; i++) {
      this.loaded.set(`${seg.seq}:${i}`, [this.secondsOf(startOf(i)), this.secondsOf(endOf(i))]);
    }
    return true;
  }

  async evict(seconds, rate) {
    const b = this.video.buffered;
    if (!b.length) return;
    if (seconds - b.start(0) > EVICT_AFTER_S) await this.remove(b.start(0), seconds - KEEP_BEHIND_S);
    const far = seconds + Math.max(AHEAD_S, 8 * rate) + EVICT_AFTER_S;
    const end = this.video.buffered.length ? this.video.buffered.end(this.video.buffered.length - 1) : 0;
    if (end > far) await this.remove(far, end);
  }
}
