// Playback: choose cameras, a day timeline per camera, jump to an instant, speeds 0.5×–16×.
// Before anything plays, the purpose dialog registers the review (A17.2(2)) and the server
// returns a grant for those cameras and that day. Several cameras play in sync: one clock
// (the first selected camera with material at the playhead), the others follow within 0.3 s.

import { get, post, query } from "./api.js";
import { clear, fillError, h } from "./dom.js";
import { onLang, t } from "./i18n.js";
import { SegmentPlayer } from "./pbplayer.js";
import { askPurpose } from "./purpose.js";
import { DAY_US, US, isoUtc, localDate, localDayStart, localText, nowUs, parseInstant, zoneName } from "./time.js";
import { Timeline } from "./timeline.js";

const SPEEDS = [0.5, 1, 2, 4, 8, 16];
const SYNC_S = 0.3;
const TICK_MS = 200;
const TIMELINE_REFRESH_MS = 10000;
const EDGE_US = 300_000; // a span ending within this is over (skip to the next)
const STALL_MS = 1500; // playing, yet the clock stood still this long: look past the stall

export function mount(container) {
  let cameras = [];
  const selected = [];
  let dayStart = localDayStart(nowUs());
  let session = null; // {grant, from_us, to_us, cameras: plans, names, purpose, destination}
  let players = []; // [{name, player, video, wrap, badge}]
  let clockS = null; // the playhead, seconds from session.from_us
  let playing = true;
  let rate = 1;
  let moving = false; // a seek is in progress
  let lastLeader = null;
  let [stallS, stallSince] = [null, 0]; // the clock stood still at stallS since stallSince
  let last = { purpose: "", destination: "" };

  const problem = h("div", { class: "error", hidden: true, testid: "playback-error" });
  const camList = h("div", { class: "pb-cams", testid: "pb-cameras" });
  const seekInput = h("input", { type: "text", testid: "seek-input", i18nPlaceholder: "pb.jump.placeholder" });
  const seekButton = h("button", { type: "button", class: "primary", i18n: "pb.go", testid: "seek-button" });
  const playButton = h("button", { type: "button", testid: "play-toggle" });
  const speed = h(
    "select",
    { testid: "speed" },
    SPEEDS.map((s) => h("option", { value: String(s), selected: s === 1 }, `${s}×`)),
  );
  const registered = h("div", { class: "pb-registered", testid: "pb-registered" });
  const videos = h("div", { class: "pb-videos", testid: "pb-videos" });
  const clockUtc = h("span", { class: "utc", testid: "playback-clock" });
  const clockLocal = h("span", { class: "local", testid: "playback-clock-local" });
  const dayLabel = h("strong", { testid: "pb-day" });
  const timeline = new Timeline({ onSeek: (us) => goTo(us) });

  clear(
    container,
    h(
      "div",
      { class: "pb-layout" },
      h(
        "aside",
        { class: "pb-side" },
        h("div", {}, h("h2", { i18n: "pb.cameras" }), camList),
        h("label", { class: "field" }, h("span", { i18n: "pb.jump" }), seekInput),
        seekButton,
        h("div", { class: "pb-controls" }, playButton, h("label", {}, h("span", { i18n: "pb.speed" }), speed)),
        registered,
      ),
      h(
        "section",
        {},
        problem,
        videos,
        h("div", { class: "pb-clock" }, h("span", {}, h("span", { i18n: "pb.utc" }), " ", clockUtc), h("span", {}, clockLocal)),
        h(
          "div",
          { class: "timeline" },
          h(
            "div",
            { class: "timeline-head" },
            h("button", { type: "button", i18n: "pb.prevday", onclick: () => setDay(dayStart - DAY_US / 2) }),
            dayLabel,
            h("button", { type: "button", i18n: "pb.nextday", onclick: () => setDay(dayStart + DAY_US * 1.5) }),
            h("button", { type: "button", i18n: "pb.zoomin", testid: "zoom-in", onclick: () => timeline.zoom(0.5) }),
            h("button", { type: "button", i18n: "pb.zoomout", testid: "zoom-out", onclick: () => timeline.zoom(2) }),
            h(
              "span",
              { class: "legend" },
              h("span", {}, h("i", { class: "swatch rec" }), h("span", { i18n: "pb.legend.rec" })),
              h("span", {}, h("i", { class: "swatch gap" }), h("span", { i18n: "pb.legend.gap" })),
              h("span", {}, h("i", { class: "swatch none" }), h("span", { i18n: "pb.legend.none" })),
            ),
          ),
          timeline.el,
        ),
      ),
    ),
  );

  // -- cameras, day, timeline ------------------------------------------------------------------

  function renderCameras() {
    clear(
      camList,
      cameras.length
        ? cameras.map((cam) =>
            h(
              "label",
              {},
              h("input", {
                type: "checkbox",
                checked: selected.includes(cam.name),
                testid: `pb-camera-${cam.name}`,
                onchange: (e) => toggleCamera(cam.name, e.target.checked),
              }),
              cam.name,
            ),
          )
        : h("p", { class: "empty", i18n: "pb.none" }),
    );
  }

  function toggleCamera(name, on) {
    const i = selected.indexOf(name);
    if (on && i < 0) selected.push(name);
    if (!on && i >= 0) selected.splice(i, 1);
    selected.sort((a, b) => cameras.findIndex((c) => c.name === a) - cameras.findIndex((c) => c.name === b));
    loadTimeline();
    if (session && clockS !== null) goTo(instant()); // the new set of cameras is registered anew
  }

  function setDay(us) {
    dayStart = localDayStart(us);
    dayLabel.textContent = localDate(dayStart);
    timeline.setDay(dayStart);
    loadTimeline();
  }

  async function loadTimeline() {
    const until = Math.min(dayStart + DAY_US, nowUs());
    if (until <= dayStart) return timeline.setRows(selected.map((name) => ({ name, recorded: [], gaps: [] })));
    const range = query({ from: isoUtc(dayStart), to: isoUtc(until) });
    try {
      const rows = await Promise.all(
        selected.map(async (name) => ({ name, until_us: until, ...(await get(`/cameras/${encodeURIComponent(name)}/timeline${range}`)) })),
      );
      timeline.setRows(rows);
    } catch (err) {
      fillError(problem, err);
    }
  }

  // -- registering and seeking -----------------------------------------------------------------

  const instant = () => (session && clockS !== null ? session.from_us + Math.round(clockS * US) : null);

  function covers(us) {
    return (
      session &&
      us >= session.from_us &&
      us < session.to_us &&
      session.names.length === selected.length &&
      session.names.every((n, i) => n === selected[i])
    );
  }

  async function register(day) {
    const body = { cameras: [...selected], from: isoUtc(day), to: isoUtc(day + DAY_US) };
    const result = await askPurpose(last, (values) => post("/playback", { ...body, ...values }).then((r) => ({ ...r, ...values })));
    if (!result) return false;
    last = { purpose: result.purpose, destination: result.destination, caller_unit: result.caller_unit || "" };
    session = { ...result, names: [...selected] };
    registered.textContent = t("pb.registered", last);
    buildPlayers();
    return true;
  }

  function buildPlayers() {
    for (const p of players) p.player.destroy();
    players = session.names.map((name, i) => {
      const video = h("video", { testid: `playback-video-${name}`, muted: true, playsInline: true, preload: "auto" });
      video.setAttribute("muted", "");
      const badge = h("span", { class: "badge state-gap", hidden: true, i18n: "pb.ingap", testid: `playback-gap-${name}` });
      const wrap = h("div", { class: `pb-video${i === 0 ? " master" : ""}` }, video, h("div", { class: "caption" }, h("span", { class: "name" }, name), badge));
      const durationS = (session.to_us - session.from_us) / US;
      const player = new SegmentPlayer(video, name, session.cameras[name], session.grant, session.from_us, durationS);
      player.ready.catch((err) => fillError(problem, err));
      return { name, player, video, wrap, badge };
    });
    clear(videos, players.map((p) => p.wrap));
  }

  async function goTo(us) {
    fillError(problem, null);
    if (!selected.length) return fillError(problem, { message: t("pb.pickcamera"), field: "cameras" });
    const day = localDayStart(us);
    if (!covers(us)) {
      try {
        if (!(await register(day))) return;
      } catch (err) {
        return fillError(problem, err);
      }
    }
    if (day !== dayStart) setDay(day);
    timeline.ensureVisible(us);
    clockS = (us - session.from_us) / US;
    moving = true;
    try {
      await Promise.all(players.map((p) => p.player.seek(us).catch((err) => fillError(problem, err))));
    } finally {
      moving = false;
    }
    tick();
  }

  function onSeekClick() {
    const us = parseInstant(seekInput.value);
    if (us === null) return fillError(problem, { message: `${t("pb.badtime")}: ${seekInput.value}`, field: "seek" });
    goTo(us);
  }

  // -- the clock -------------------------------------------------------------------------------

  function tick() {
    if (!players.length || clockS === null || moving) return renderClock();
    const us = instant();
    // Cameras with material here that goes on for a while (a span is over EDGE_US before
    // its end: media and wall-clock ends differ by a frame or so). The leader, whose picture
    // is the clock, is the first of them showing the playhead.
    const here = players.filter((p) => p.player.segmentAt(us) && p.player.segmentAt(us + EDGE_US));
    const leader = here.find((p) => p.player.hasDataAt(clockS) && !p.video.seeking) || null;
    const stalled = playing && clockS === stallS && performance.now() - stallSince > STALL_MS;
    if (clockS !== stallS) [stallS, stallSince] = [clockS, performance.now()];
    const ahead = players.some((p) => p.player.segmentAt(us + STALL_MS * 1000));
    if (!here.length || (stalled && !ahead)) {
      // A gap of every camera: on to the next recorded span, if any.
      const next = players.map((p) => p.player.segmentAfter(us)).filter(Boolean).sort((a, b) => a.start_us - b.start_us)[0];
      if (next && playing) return goTo(next.start_us);
    }
    if (leader) {
      // A camera that just became the leader joins the clock first.
      if (leader !== lastLeader && Math.abs(leader.video.currentTime - clockS) > SYNC_S) leader.video.currentTime = clockS;
      else clockS = leader.video.currentTime;
    }
    lastLeader = leader;
    const now = instant();
    // Within 0.3 s of the clock (more at high speed, where 0.3 s of video passes in ~50 ms).
    const tolerance = Math.max(SYNC_S, rate / 4);
    for (const p of players) {
      const v = p.video;
      p.player.fill(now, rate);
      p.badge.hidden = Boolean(p.player.segmentAt(now));
      const has = leader !== null && p.player.hasDataAt(clockS); // no leader: everyone waits
      const drift = v.currentTime - clockS;
      v.playbackRate = rate;
      if (p !== leader && has) {
        // A seek waiting where this camera has no data (it starts later) is superseded.
        const stuck = v.seeking && !p.player.hasDataAt(v.currentTime);
        if (stuck || (!v.seeking && Math.abs(drift) > tolerance)) v.currentTime = clockS;
        else if (!v.seeking && Math.abs(drift) > 0.08) v.playbackRate = rate * (drift > 0 ? 0.9 : 1.1); // converge
      }
      if (playing && has && v.paused) v.play().catch(() => {});
      if ((!playing || !has) && !v.paused) v.pause();
    }
    renderClock();
    if (playing) timeline.ensureVisible(now);
  }

  function renderClock() {
    const us = instant();
    clockUtc.textContent = us === null ? "—" : isoUtc(us);
    clockLocal.textContent = us === null ? "" : `${t("pb.local")} ${localText(us)} (${zoneName(us)})`;
    if (us !== null) timeline.setPlayhead(us);
    playButton.textContent = playing ? t("pb.pause") : t("pb.play");
  }

  // -- wiring ------------------------------------------------------------------------------------

  seekButton.addEventListener("click", onSeekClick);
  seekInput.addEventListener("keydown", (e) => e.key === "Enter" && onSeekClick());
  playButton.addEventListener("click", () => {
    playing = !playing;
    if (playing && clockS === null) goTo(parseInstant(seekInput.value) ?? nowUs() - 60 * US);
    tick();
  });
  speed.addEventListener("change", () => {
    rate = Number(speed.value);
    tick();
  });

  async function start() {
    try {
      cameras = (await get("/cameras")).filter((c) => c.rights && c.rights.playback);
    } catch (err) {
      return fillError(problem, err);
    }
    if (cameras.length) selected.push(cameras[0].name);
    renderCameras();
    setDay(dayStart);
  }

  setDay(dayStart);
  start();
  renderClock();
  const timer = setInterval(tick, TICK_MS);
  const refresher = setInterval(() => {
    if (nowUs() < dayStart + DAY_US + 60 * US) loadTimeline();
  }, TIMELINE_REFRESH_MS);
  const stopLang = onLang(() => {
    renderClock();
    if (session) registered.textContent = t("pb.registered", last);
  });
  return () => {
    clearInterval(timer);
    clearInterval(refresher);
    stopLang();
    timeline.destroy();
    for (const p of players) p.player.destroy();
  };
}
