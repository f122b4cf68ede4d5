// The register of reviews, copies and retrievals (A17.2(2)) for auditors: filters, a table
// of who did what, when, on which camera and range, for what purpose and where it went; a
// CSV of the same selection.

import { API, get, query } from "./api.js";
import { clear, field, h, showFormError } from "./dom.js";
import { cite, label, onLang, t } from "./i18n.js";
import { isoUtc, parseInstant } from "./time.js";

const ACTIONS = ["playback", "export", "download", "export_remove", "live_start", "live_end", "login", "logout"];
const COLUMNS = ["seq", "time", "actor", "role", "client", "action", "camera", "range", "purpose", "destination", "caller_unit", "result", "detail"];

const DETAIL_CHARS = 90;
// Entries per request; "older entries" fetches the page before the oldest shown, so the
// whole register can be paged through (nothing is cut off at the newest N).
const PAGE = 1000;

/** The detail as key=value pairs, shortened; the whole JSON in the tooltip. */
function detailCell(detail) {
  if (!detail || !Object.keys(detail).length) return h("td", { class: "detail" });
  const text = Object.entries(detail)
    .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : v}`)
    .join(" ");
  const short = text.length > DETAIL_CHARS ? `${text.slice(0, DETAIL_CHARS)}…` : text;
  return h("td", { class: "detail", title: JSON.stringify(detail, null, 1) }, short);
}

export function mount(container) {
  let entries = [];
  let olderBefore = null; // seq of the oldest entry shown, when older ones exist
  let params = {};
  const since = h("input", { type: "text", testid: "audit-since", placeholder: "YYYY-MM-DD HH:MM" });
  const until = h("input", { type: "text", testid: "audit-until", placeholder: "YYYY-MM-DD HH:MM" });
  const actor = h("input", { type: "text", testid: "audit-actor" });
  const action = h("select", { testid: "audit-action" });
  const camera = h("input", { type: "text", testid: "audit-camera" });
  const csv = h("a", { href: `${API}/audit.csv`, download: "audit.csv", i18n: "au.csv", testid: "audit-csv", class: "button" });
  const count = h("span", { class: "hint", testid: "audit-count" });
  const body = h("tbody", { testid: "audit-rows" });
  const older = h("button", { type: "button", i18n: "au.older", testid: "audit-older", hidden: true });
  const head = h("tr");
  const form = h(
    "form",
    { class: "filters", novalidate: true, testid: "audit-filters" },
    field("since", "field.since", since),
    field("until", "field.until", until),
    field("actor", "field.actor", actor),
    field("action", "field.action", action),
    field("camera", "field.camera", camera),
    h("button", { type: "submit", class: "primary", i18n: "au.filter", testid: "audit-filter" }),
    csv,
    count,
    h("div", { class: "error", hidden: true, dataset: { errorFor: "" }, testid: "audit-error" }),
  );
  clear(
    container,
    h("h1", { i18n: "au.title" }),
    h("p", { class: "article" }, cite("A17.2(2)")),
    form,
    h("div", { class: "table-wrap" }, h("table", { testid: "audit-table" }, h("thead", {}, head), body)),
    older,
  );

  function renderActions() {
    const current = action.value;
    clear(action, h("option", { value: "" }, t("au.any")), ACTIONS.map((a) => h("option", { value: a }, `${label("action", a)} (${a})`)));
    action.value = current;
  }

  function filters() {
    const params = { actor: actor.value.trim(), action: action.value, camera: camera.value.trim() };
    for (const [name, input] of [["since", since], ["until", until]]) {
      if (!input.value.trim()) continue;
      const us = parseInstant(input.value);
      if (us === null) throw Object.assign(new Error(t("pb.badtime")), { field: name });
      params[name] = isoUtc(us);
    }
    return params;
  }

  function renderTable() {
    clear(head, COLUMNS.map((c) => h("th", {}, t(`au.col.${c}`))));
    clear(
      body,
      entries.map((e) =>
        h(
          "tr",
          { class: `result-${e.result}`, testid: `audit-row-${e.seq}`, dataset: { action: e.action } },
          h("td", {}, e.seq),
          h("td", { class: "nowrap" }, e.time),
          h("td", {}, e.actor),
          h("td", {}, e.role ? label("role", e.role) : ""),
          h("td", {}, e.client),
          h("td", { dataset: { col: "action" } }, label("action", e.action)),
          h("td", { dataset: { col: "camera" } }, e.camera || ""),
          h("td", { class: "nowrap" }, e.from ? `${e.from} – ${e.to || ""}` : ""),
          h("td", { dataset: { col: "purpose" } }, e.purpose || ""),
          h("td", { dataset: { col: "destination" } }, e.destination || ""),
          h("td", { dataset: { col: "caller_unit" } }, e.caller_unit || ""),
          h("td", {}, e.result),
          detailCell(e.detail),
        ),
      ),
    );
    count.textContent = t(olderBefore === null ? "au.count" : "au.more", { n: entries.length });
    older.hidden = olderBefore === null;
  }

  /** One page of the selection, newest first; `before` pages further back. */
  async function fetchPage(before) {
    const page = (await get(`/audit${query({ ...params, limit: PAGE, before })}`)).reverse();
    olderBefore = page.length === PAGE ? page[page.length - 1].seq : null;
    return page;
  }

  async function load() {
    showFormError(form, null);
    try {
      params = filters();
    } catch (err) {
      return showFormError(form, err);
    }
    csv.href = `${API}/audit.csv${query(params)}`;
    try {
      entries = await fetchPage(null);
      renderTable();
    } catch (err) {
      showFormError(form, err);
    }
  }

  async function loadOlder() {
    if (olderBefore === null) return;
    try {
      entries = entries.concat(await fetchPage(olderBefore));
      renderTable();
    } catch (err) {
      showFormError(form, err);
    }
  }

  older.addEventListener("click", loadOlder);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    load();
  });
  renderActions();
  load();
  const stopLang = onLang(() => {
    renderActions();
    renderTable();
  });
  return stopLang;
}
