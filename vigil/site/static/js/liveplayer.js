// One live camera into one <video>: fMP4 over a WebSocket into Media Source Extensions.
//
// The socket sends {"codec": "avc1.xxxxxx"} first, then the init segment and each fragment
// as the recorder closes it; at every segment boundary a new init segment comes, which the
// SourceBuffer takes in "sequence" mode without a break in the timeline. The player keeps
// latency low (skips ahead when it falls behind), trims old buffer, and reconnects with
// backoff when the socket closes.

import { wsUrl } from "./api.js";

const MAX_LAG_S = 1.0; // behind the newest frame by more than this (plus one fragment): catch up
const JUMP_BACK_S = 0.2; // where a hard catch-up lands, before the buffered end
const KEEP_BEHIND_S = 10; // buffer kept behind the playhead
const TRIM_AFTER_S = 30; // trim once this much lies behind the playhead
const STALL_S = 5; // nothing received this long: show "no picture"
const RECONNECT_STALL_S = 15; // ... and this long: reconnect
const BACKOFF_S = [1, 2, 4, 8, 15];
const MAX_QUEUE = 64; // chunks waiting to be appended (a hidden tab): start afresh beyond

export class LivePlayer {
  /** onStatus(kind, detail): kind is "playing", "connecting", "stalled", "forbidden", "signed_out", "unsupported", "error" */
  constructor(video, camera, onStatus = () => {}) {
    this.video = video;
    this.camera = camera;
    this.onStatus = onStatus;
    this.ws = null;
    this.ms = null;
    this.sb = null;
    this.queue = [];
    this.stopped = true;
    this.attempt = 0;
    this.retryTimer = null;
    this.lastDataAt = 0;
    this.fragmentS = 1.0; // running estimate of one fragment's duration
    this.status = "";
    this.watchdog = null;
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
    this.watchdog = setInterval(() => this.check(), 500);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.watchdog);
    this.closeSocket();
    this.resetMedia();
  }

  setStatus(kind, detail = "") {
    if (kind === this.status && !detail) return;
    this.status = kind;
    this.onStatus(kind, detail);
  }

  connect() {
    this.closeSocket();
    this.setStatus("connecting");
    const ws = new WebSocket(wsUrl(`/live/${encodeURIComponent(this.camera)}`));
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    this.lastDataAt = performance.now();
    ws.onmessage = (event) => {
      if (ws !== this.ws) return;
      this.lastDataAt = performance.now();
      if (typeof event.data === "string") {
        const hello = JSON.parse(event.data);
        if (hello.codec) this.openMedia(hello.codec);
        return;
      }
      this.queue.push(event.data);
      if (this.queue.length > MAX_QUEUE) {
        this.reconnect(); // too far behind to catch up: start again at the newest fragment
        return;
      }
      this.pump();
    };
    ws.onclose = (event) => {
      if (ws !== this.ws || this.stopped) return;
      this.ws = null;
      if (event.code === 4403) return this.setStatus("forbidden", event.reason);
      if (event.code === 4401) return this.setStatus("signed_out", event.reason);
      if (event.code === 4404) return this.setStatus("error", event.reason);
      this.scheduleReconnect();
    };
  }

  scheduleReconnect() {
    clearTimeout(this.retryTimer);
    const delay = BACKOFF_S[Math.min(this.attempt, BACKOFF_S.length - 1)];
    this.attempt += 1;
    this.setStatus("connecting", `${delay}s`);
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) this.connect();
    }, delay * 1000);
  }

  reconnect() {
    this.closeSocket();
    this.resetMedia();
    this.scheduleReconnect();
  }

  closeSocket() {
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onmessage = ws.onclose = null;
      try {
        ws.close();
      } catch {
        /* already closed */
      }
    }
  }

  resetMedia() {
    this.queue = [];
    this.sb = null;
    if (this.ms) {
      try {
        if (this.ms.readyState === "open") this.ms.endOfStream();
      } catch {
        /* closing anyway */
      }
    }
    this.ms = null;
    this.video.removeAttribute("src");
    this.video.load();
  }

  openMedia(codec) {
    const mime = `video/mp4; codecs="${codec}"`;
    if (!window.MediaSource || !MediaSource.isTypeSupported(mime)) {
      this.closeSocket();
      return this.setStatus("unsupported", codec);
    }
    this.resetMedia();
    const ms = new MediaSource();
    this.ms = ms;
    const url = URL.createObjectURL(ms);
    ms.addEventListener(
      "sourceopen",
      () => {
        URL.revokeObjectURL(url);
        if (ms !== this.ms) return;
        const sb = ms.addSourceBuffer(mime);
        sb.mode = "sequence";
        sb.addEventListener("updateend", () => this.pump());
        sb.addEventListener("error", () => this.reconnect());
        this.sb = sb;
        this.pump();
      },
      { once: true },
    );
    this.video.src = url;
  }

  pump() {
    const sb = this.sb;
    if (!sb || sb.updating || this.ms.readyState !== "open") return;
    if (this.trim()) return; // updateend pumps again
    this.keepUp();
    const chunk = this.queue.shift();
    if (!chunk) return;
    const before = this.bufferedEnd();
    try {
      sb.appendBuffer(chunk);
      sb.addEventListener(
        "updateend",
        () => {
          const added = this.bufferedEnd() - before;
          if (before > 0 && added > 0.05 && added < 10) this.fragmentS = 0.7 * this.fragmentS + 0.3 * added;
        },
        { once: true },
      );
    } catch (err) {
      if (err.name === "QuotaExceededError") {
        this.queue.unshift(chunk);
        this.trim(true);
      } else {
        console.warn("live append", this.camera, err);
        this.reconnect();
      }
    }
  }

  bufferedEnd() {
    const b = this.video.buffered;
    return b.length ? b.end(b.length - 1) : 0;
  }

  /** Remove old buffer; true when a removal started. */
  trim(force = false) {
    const b = this.video.buffered;
    if (!this.sb || !b.length) return false;
    const t = this.video.currentTime;
    if (!force && t - b.start(0) < TRIM_AFTER_S) return false;
    const upTo = Math.max(b.start(0), t - (force ? 2 : KEEP_BEHIND_S));
    if (upTo <= b.start(0)) return false;
    this.sb.remove(b.start(0), upTo);
    return true;
  }

  /** Stay near the live edge: a fragment plus MAX_LAG_S behind at most. */
  keepUp() {
    const v = this.video;
    const end = this.bufferedEnd();
    if (!end) return;
    const lag = end - v.currentTime;
    const allowed = Math.max(MAX_LAG_S, this.fragmentS + 0.3);
    if (lag > allowed || v.currentTime < this.video.buffered.start(0)) {
      v.currentTime = Math.max(v.buffered.start(0), end - Math.max(JUMP_BACK_S, Math.min(this.fragmentS, allowed) - 0.3));
    }
    if (v.paused) v.play().catch(() => {});
  }

  check() {
    if (this.stopped || !this.ws) return;
    const idle = (performance.now() - this.lastDataAt) / 1000;
    if (idle > RECONNECT_STALL_S) {
      this.reconnect();
      return;
    }
    if (idle > STALL_S) this.setStatus("stalled");
    else if (this.sb && this.video.readyState >= 2) {
      this.attempt = 0;
      this.keepUp();
      this.setStatus("playing");
    }
  }
}
