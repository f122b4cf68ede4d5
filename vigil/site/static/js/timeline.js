// The day timeline: one row per camera with recorded spans (green) and gaps (red), a time
// axis in local time, and the playhead. Zoom from the whole day down to one minute (wheel,
// or zoomIn/zoomOut); click or drag to scrub; shift+wheel or a sideways wheel pans.

import { h } from "./dom.js";
import { DAY_US, HOUR_US, US, localText } from "./time.js";

const LABEL_W = 84; // camera names, left of the bars
const AXIS_H = 22;
const ROW_H = 22;
const ROW_GAP = 6;
const MIN_SPAN_US = 60 * US;
const STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600];

function css(name, fallback) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export class Timeline {
  constructor({ onSeek }) {
    this.onSeek = onSeek;
    this.canvas = h("canvas", { testid: "timeline", height: AXIS_H + ROW_H + 8 });
    this.el = h("div", { class: "timeline-canvas" }, this.canvas);
    this.rows = [];
    this.dayStart = 0;
    this.viewStart = 0;
    this.viewEnd = DAY_US;
    this.playhead = null;
    this.scrub = null; // instant under a drag in progress
    this.hover = null;
    this.now = null;
    this.canvas.addEventListener("mousedown", (e) => this.down(e));
    this.canvas.addEventListener("mousemove", (e) => this.move(e));
    this.canvas.addEventListener("mouseleave", () => {
      this.hover = null;
      this.draw();
    });
    this.canvas.addEventListener("wheel", (e) => this.wheel(e), { passive: false });
    this.onUp = (e) => this.up(e);
    window.addEventListener("mouseup", this.onUp);
    this.resize = new ResizeObserver(() => this.draw());
    this.resize.observe(this.el);
  }

  destroy() {
    window.removeEventListener("mouseup", this.onUp);
    this.resize.disconnect();
  }

  setDay(dayStart) {
    this.dayStart = dayStart;
    this.viewStart = dayStart;
    this.viewEnd = dayStart + DAY_US;
    this.draw();
  }

  /** rows: [{name, recorded: [[start_us, end_us], ...], gaps: [{start_us, end_us}], until_us}] */
  setRows(rows) {
    this.rows = rows;
    this.draw();
  }

  setPlayhead(us) {
    if (us === this.playhead) return;
    this.playhead = us;
    this.draw();
  }

  /** Zoom by `factor` (<1 zooms in) around `centerUs` (default: the playhead or the middle). */
  zoom(factor, centerUs) {
    const span = this.viewEnd - this.viewStart;
    let center = centerUs ?? this.playhead;
    if (center === null || center < this.viewStart || center > this.viewEnd) center = this.viewStart + span / 2;
    const next = Math.min(DAY_US, Math.max(MIN_SPAN_US, span * factor));
    const left = center - ((center - this.viewStart) / span) * next;
    this.setView(left, left + next);
  }

  setView(start, end) {
    const span = end - start;
    const lo = this.dayStart;
    const hi = this.dayStart + DAY_US;
    if (start < lo) [start, end] = [lo, lo + span];
    if (end > hi) [start, end] = [hi - span, hi];
    this.viewStart = Math.max(lo, Math.round(start));
    this.viewEnd = Math.min(hi, Math.round(end));
    this.draw();
  }

  /** Pan so that `us` is inside the view (used when playback runs past the edge). */
  ensureVisible(us) {
    const span = this.viewEnd - this.viewStart;
    if (us < this.viewStart || us > this.viewEnd) this.setView(us - span / 2, us + span / 2);
  }

  // -- geometry --------------------------------------------------------------------------------

  barWidth() {
    return Math.max(1, this.canvas.clientWidth - LABEL_W - 8);
  }

  xOf(us) {
    return LABEL_W + ((us - this.viewStart) / (this.viewEnd - this.viewStart)) * this.barWidth();
  }

  usAt(clientX) {
    const rect = this.canvas.getBoundingClientRect();
    const x = Math.min(Math.max(clientX - rect.left - LABEL_W, 0), this.barWidth());
    return Math.round(this.viewStart + (x / this.barWidth()) * (this.viewEnd - this.viewStart));
  }

  // -- events ------------------------------------------------------------------------------------

  down(e) {
    if (e.button !== 0) return;
    e.preventDefault();
    this.scrub = this.usAt(e.clientX);
    this.draw();
  }

  move(e) {
    this.hover = this.usAt(e.clientX);
    if (this.scrub !== null) this.scrub = this.hover;
    this.draw();
  }

  up(e) {
    if (this.scrub === null) return;
    const at = e.target === this.canvas ? this.usAt(e.clientX) : this.scrub;
    this.scrub = null;
    this.playhead = at;
    this.draw();
    this.onSeek(at);
  }

  wheel(e) {
    e.preventDefault();
    const span = this.viewEnd - this.viewStart;
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      const delta = ((e.deltaX || e.deltaY) / this.barWidth()) * span;
      this.setView(this.viewStart + delta, this.viewEnd + delta);
    } else {
      this.zoom(e.deltaY < 0 ? 0.8 : 1.25, this.usAt(e.clientX));
    }
  }

  // -- drawing -----------------------------------------------------------------------------------

  draw() {
    const c = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const cssW = c.clientWidth || 600;
    const cssH = AXIS_H + Math.max(1, this.rows.length) * (ROW_H + ROW_GAP) + 4;
    c.style.height = `${cssH}px`;
    if (c.width !== Math.round(cssW * ratio) || c.height !== Math.round(cssH * ratio)) {
      c.width = Math.round(cssW * ratio);
      c.height = Math.round(cssH * ratio);
    }
    c.dataset.viewStartUs = String(this.viewStart);
    c.dataset.viewEndUs = String(this.viewEnd);
    c.dataset.labelWidth = String(LABEL_W);
    const g = c.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, cssW, cssH);
    g.font = "11px sans-serif";
    g.textBaseline = "middle";
    this.drawAxis(g, cssH);
    this.rows.forEach((row, i) => this.drawRow(g, row, AXIS_H + i * (ROW_H + ROW_GAP)));
    const mark = this.scrub ?? this.playhead;
    if (mark !== null && mark >= this.viewStart && mark <= this.viewEnd) {
      const x = this.xOf(mark);
      g.fillStyle = "#ffffff";
      g.fillRect(Math.round(x) - 1, 2, 2, cssH - 4);
      g.beginPath();
      g.moveTo(x - 5, 0);
      g.lineTo(x + 5, 0);
      g.lineTo(x, 7);
      g.fill();
    }
    if (this.hover !== null) {
      const text = localText(this.hover, this.viewEnd - this.viewStart < 10 * 60 * US);
      const x = Math.min(Math.max(this.xOf(this.hover), LABEL_W + 60), cssW - 70);
      g.fillStyle = "rgba(0,0,0,0.8)";
      g.fillRect(x - 64, 2, 128, 16);
      g.fillStyle = "#ffffff";
      g.textAlign = "center";
      g.fillText(text.slice(11), x, 10);
      g.textAlign = "left";
    }
  }

  drawAxis(g, height) {
    const span = this.viewEnd - this.viewStart;
    const minLabelPx = 70;
    const stepS = STEPS_S.find((s) => (s * US * this.barWidth()) / span >= minLabelPx) || 21600;
    const step = stepS * US;
    const zoneOffset = -new Date(this.viewStart / 1000).getTimezoneOffset() * 60 * US;
    let tick = Math.ceil((this.viewStart + zoneOffset) / step) * step - zoneOffset;
    g.fillStyle = css("--muted", "#9aa3b2");
    g.strokeStyle = "rgba(255,255,255,0.08)";
    for (; tick <= this.viewEnd; tick += step) {
      const x = Math.round(this.xOf(tick)) + 0.5;
      g.beginPath();
      g.moveTo(x, AXIS_H - 6);
      g.lineTo(x, height);
      g.stroke();
      const text = localText(tick, false).slice(11, stepS < 60 ? 19 : 16);
      if (x + 3 + g.measureText(text).width < LABEL_W + this.barWidth()) g.fillText(text, x + 3, AXIS_H / 2);
    }
    if (span === DAY_US || span >= 12 * HOUR_US) {
      g.fillText(localText(this.viewStart, false).slice(0, 10), 4, AXIS_H / 2);
    }
  }

  drawRow(g, row, y) {
    const x0 = LABEL_W;
    const w = this.barWidth();
    g.fillStyle = css("--text", "#e4e7ec");
    g.fillText(row.name, 4, y + ROW_H / 2, LABEL_W - 8);
    g.fillStyle = css("--panel-2", "#252a33");
    g.fillRect(x0, y, w, ROW_H);
    const span = (s, e, color) => {
      if (e <= this.viewStart || s >= this.viewEnd) return;
      const a = Math.max(x0, this.xOf(s));
      const b = Math.min(x0 + w, this.xOf(e));
      g.fillStyle = color;
      g.fillRect(a, y, Math.max(1, b - a), ROW_H);
    };
    for (const [s, e] of row.recorded || []) span(s, e, css("--rec", "#2fb866"));
    for (const gap of row.gaps || []) {
      const end = row.until_us ? Math.min(gap.end_us, row.until_us) : gap.end_us;
      span(gap.start_us, end, css("--gap", "#e5484d"));
    }
  }
}
