// The live wall: a 1/4/9/16 grid of the cameras the user may watch, pages of them, and a
// single full view (double-click a tile; double-click or Esc to return). Camera states come
// from GET /cameras every few seconds; each tile plays through a LivePlayer.

import { get } from "./api.js";
import { clear, fillError, h } from "./dom.js";
import { label, onLang, t } from "./i18n.js";
import { LivePlayer } from "./liveplayer.js";

const GRID_SIZES = [1, 4, 9, 16];
const REFRESH_MS = 4000;
const GRID_KEY = "vigil.live.grid";

export function mount(container) {
  let cameras = [];
  let grid = Number(localStorage.getItem(GRID_KEY)) || 4;
  if (!GRID_SIZES.includes(grid)) grid = 4;
  let page = 0;
  let single = null; // the camera in full view
  const tiles = new Map(); // name -> tile

  const gridSelect = h(
    "select",
    { testid: "grid-size", onchange: () => setGrid(Number(gridSelect.value)) },
    GRID_SIZES.map((n) => h("option", { value: String(n), selected: n === grid }, `${n}`)),
  );
  const pageLabel = h("span", { class: "page-label", testid: "live-page" });
  const prev = h("button", { type: "button", i18n: "live.prev", onclick: () => setPage(page - 1) });
  const next = h("button", { type: "button", i18n: "live.next", onclick: () => setPage(page + 1) });
  const problem = h("div", { class: "error", hidden: true, testid: "live-error" });
  const wall = h("div", { class: "wall", testid: "live-wall" });
  const empty = h("p", { class: "empty", i18n: "live.none", hidden: true, testid: "live-empty" });
  clear(
    container,
    h(
      "div",
      { class: "toolbar" },
      h("label", {}, h("span", { i18n: "live.grid" }), gridSelect),
      prev,
      pageLabel,
      next,
      h("small", { class: "hint", i18n: "live.tile.hint" }),
    ),
    problem,
    empty,
    wall,
  );

  function setGrid(n) {
    grid = n;
    localStorage.setItem(GRID_KEY, String(n));
    page = 0;
    single = null;
    layout();
  }

  function setPage(p) {
    const pages = Math.max(1, Math.ceil(cameras.length / grid));
    page = Math.min(Math.max(0, p), pages - 1);
    layout();
  }

  function shown() {
    if (single) return cameras.filter((c) => c.name === single);
    return cameras.slice(page * grid, page * grid + grid);
  }

  function layout() {
    const visible = shown();
    const names = new Set(visible.map((c) => c.name));
    for (const [name, tile] of tiles) {
      if (!names.has(name)) {
        tile.player.stop();
        tile.el.remove();
        tiles.delete(name);
      }
    }
    const size = single ? 1 : grid;
    wall.className = `wall grid-${size}${single ? " single" : ""}`;
    for (const cam of visible) {
      let tile = tiles.get(cam.name);
      if (!tile) {
        tile = makeTile(cam);
        tiles.set(cam.name, tile);
        tile.player.start();
      }
      wall.append(tile.el); // keeps the order of the camera list
      updateTile(tile, cam);
    }
    const pages = Math.max(1, Math.ceil(cameras.length / grid));
    pageLabel.textContent = t("live.page", { p: page + 1, n: pages });
    prev.disabled = single !== null || page === 0;
    next.disabled = single !== null || page >= pages - 1;
    empty.hidden = cameras.length > 0;
  }

  function makeTile(cam) {
    const video = h("video", { testid: `live-video-${cam.name}`, muted: true, autoplay: true, playsInline: true });
    video.setAttribute("muted", "");
    video.setAttribute("playsinline", "");
    const badge = h("span", { class: "badge", testid: `live-state-${cam.name}` });
    const gaps = h("span", { class: "badge gap", hidden: true });
    const message = h("div", { class: "tile-message", hidden: true, testid: `live-message-${cam.name}` });
    const el = h(
      "div",
      { class: "tile", testid: `live-tile-${cam.name}`, dataset: { camera: cam.name } },
      video,
      h("div", { class: "caption" }, h("span", { class: "name" }, cam.name), badge, gaps),
      message,
    );
    const tile = { el, video, badge, gaps, message, cam, stream: "connecting", detail: "" };
    tile.player = new LivePlayer(video, cam.name, (kind, detail) => {
      tile.stream = kind;
      tile.detail = detail;
      updateTile(tile, tile.cam);
    });
    el.addEventListener("dblclick", () => {
      single = single ? null : cam.name;
      layout();
    });
    return tile;
  }

  function updateTile(tile, cam) {
    tile.cam = cam;
    // The recorder's state, unless the picture itself has stopped: then "gap".
    const state = tile.stream === "stalled" && cam.state === "recording" ? "gap" : cam.state;
    tile.badge.textContent = label("state", state);
    tile.badge.className = `badge state-${state}`;
    tile.badge.title = cam.detail || "";
    tile.gaps.hidden = !cam.gaps_24h;
    tile.gaps.textContent = t("live.gaps24h", { n: cam.gaps_24h });
    const messages = {
      stalled: t("live.nosignal"),
      connecting: tile.detail ? t("live.reconnect") : "",
      forbidden: t("live.forbidden"),
      unsupported: `${t("live.unsupported")} (${tile.detail})`,
      signed_out: t("error.session"),
      error: tile.detail,
    };
    const text = messages[tile.stream] || "";
    tile.message.hidden = !text;
    tile.message.textContent = text;
    tile.el.classList.toggle("offline", cam.state === "offline" || tile.stream === "stalled");
    tile.el.title = single ? t("live.single.hint") : t("live.tile.hint");
  }

  async function refresh() {
    try {
      const list = await get("/cameras");
      cameras = list.filter((c) => c.rights && c.rights.live);
      fillError(problem, null);
      if (single && !cameras.some((c) => c.name === single)) single = null;
      setPage(page);
    } catch (err) {
      fillError(problem, err);
    }
  }

  function onKey(event) {
    if (event.key === "Escape" && single) {
      single = null;
      layout();
    }
  }

  document.addEventListener("keydown", onKey);
  const stopLang = onLang(() => layout());
  refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return () => {
    clearInterval(timer);
    stopLang();
    document.removeEventListener("keydown", onKey);
    for (const tile of tiles.values()) tile.player.stop();
    tiles.clear();
  };
}
