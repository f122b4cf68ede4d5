// The bureau's dashboard (A4, A13.2, N14, A3): counts of the jurisdiction as inline SVG
// charts drawn here (no CDN: the CSP allows this origin only), the list of units, the
// overdue list and a unit's self-check report. zh by default, en.
"use strict";
const SVG = "http://www.w3.org/2000/svg";
let lang = "zh";
let page = 1;
let current = null;
const T = {
  accepted: ["已备案", "accepted"], under_review: ["审核中", "under review"], returned: ["已退回", "returned"],
  not_filed: ["未备案", "not filed"], overdue: ["逾期", "overdue"], due: ["待检查", "due"],
  stale: ["封签中断", "seals stale"], check_failed: ["核查未通过", "check failed"],
  filing: ["备案", "filing"], site_check: ["实地检查", "on-site check"], all: ["全部", "all"],
  never: ["已接入但从未备案：", "Linked, never filed: "], page: ["第 {p} 页，共 {n} 个单位", "page {p}, {n} units"],
  read: ["查看", "read"], none: ["尚无报告", "no report yet"], pending: ["已请求，等待单位回复", "asked, waiting for the unit"],
  received: ["收到于", "received"], met: ["符合", "met"], not_met: ["不符合", "not met"], needs_evidence: ["需补充依据", "needs evidence"],
};
const t = (k) => (T[k] ? T[k][lang === "zh" ? 0 : 1] : k);
function el(tag, attrs = {}, text = "") {
  const e = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}
function translate() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const e of document.querySelectorAll("[data-zh]")) e.textContent = e.dataset[lang];
  document.getElementById("lang").textContent = lang === "zh" ? "English" : "中文";
}
// A horizontal bar chart: one labelled bar per item, scaled to the largest value.
function bars(card, items) {
  card.querySelector("svg")?.remove();
  const rowH = 20, width = 320, labelW = 150;
  const svg = el("svg:svg", { width, height: Math.max(1, items.length) * rowH + 4, role: "img", class: "chart bars" });
  const max = Math.max(1, ...items.map((i) => i.value));
  items.forEach((item, n) => {
    const y = n * rowH + 2, w = Math.round(((width - labelW - 40) * item.value) / max);
    svg.append(el("svg:text", { x: 0, y: y + 14 }, item.label.slice(0, 18)));
    const bar = el("svg:rect", { x: labelW, y, width: Math.max(w, 1), height: rowH - 4, fill: item.color || "#3b6ea5" });
    bar.append(el("svg:title", {}, `${item.label}: ${item.value}`));
    svg.append(bar, el("svg:text", { x: labelW + w + 4, y: y + 14 }, String(item.value)));
  });
  card.append(svg);
}
// A donut: the share of each segment, with a legend.
function donut(card, segments) {
  card.querySelector("svg")?.remove();
  const total = segments.reduce((a, s) => a + s.value, 0);
  const svg = el("svg:svg", { width: 320, height: 120, role: "img", class: "chart donut" });
  const r = 45, c = 2 * Math.PI * r;
  let offset = 0;
  svg.append(el("svg:circle", { cx: 60, cy: 60, r, fill: "none", stroke: "#eee", "stroke-width": 20 }));
  segments.forEach((s, n) => {
    const len = total ? (c * s.value) / total : 0;
    const arc = el("svg:circle", { cx: 60, cy: 60, r, fill: "none", stroke: s.color, "stroke-width": 20,
      "stroke-dasharray": `${len} ${c - len}`, "stroke-dashoffset": String(-offset), transform: "rotate(-90 60 60)" });
    arc.append(el("svg:title", {}, `${s.label}: ${s.value}`));
    svg.append(arc);
    offset += len;
    svg.append(el("svg:rect", { x: 130, y: 10 + n * 18, width: 10, height: 10, fill: s.color }));
    svg.append(el("svg:text", { x: 146, y: 19 + n * 18 }, `${s.label} ${s.value}`));
  });
  svg.append(el("svg:text", { x: 60, y: 64, "text-anchor": "middle" }, String(total)));
  card.append(svg);
}
function cell(text, cls) { const td = el("td", cls ? { class: cls } : {}, String(text ?? "—")); return td; }
async function api(path, opts) {
  const resp = await fetch(path, opts);
  if (resp.status === 401) { showLogin(); throw new Error("unauthenticated"); }
  const body = await resp.json();
  if (!resp.ok) { document.getElementById("problem").textContent = body.message; throw new Error(body.message); }
  document.getElementById("problem").textContent = "";
  return body;
}
function showLogin() { document.getElementById("login").hidden = false; document.getElementById("board").hidden = true; }
function query() {
  const p = new URLSearchParams({ page: String(page), per_page: "50", show: document.getElementById("show").value });
  const d = document.getElementById("division").value;
  if (d) p.set("division", d);
  return p;
}
async function load() {
  const me = await api("/api/v1/me");
  document.getElementById("who").textContent = `${me.bureau} (${me.division_code}) · ${me.username}`;
  const d = await api("/api/v1/dashboard?" + query());
  const sel = document.getElementById("division");
  if (!sel.options.length || sel.dataset.bureau !== d.bureau_division) {
    sel.replaceChildren(el("option", { value: "" }, `${t("all")} (${d.bureau_division})`));
    for (const x of d.by_division) sel.append(el("option", { value: x.division }, x.division));
    sel.dataset.bureau = d.bureau_division;
  }
  const f = d.filings;
  donut(document.getElementById("card-filings"), [
    { label: t("accepted"), value: f.accepted, color: "#2e7d32" }, { label: t("under_review"), value: f.under_review, color: "#f9a825" },
    { label: t("returned"), value: f.returned, color: "#ef6c00" }, { label: t("not_filed"), value: f.not_filed, color: "#9e9e9e" },
    { label: t("overdue"), value: f.overdue, color: "#b00020" }]);
  bars(document.getElementById("card-checks"), [
    { label: t("due"), value: d.checks.due }, { label: t("overdue"), value: d.checks.overdue, color: "#b00020" }]);
  bars(document.getElementById("card-seals"), [
    { label: t("stale"), value: d.seals.stale, color: "#ef6c00" }, { label: t("check_failed"), value: d.seals.check_failed, color: "#b00020" }]);
  bars(document.getElementById("card-categories"), d.by_category.map((c) => ({ label: `${c.article} ${lang === "zh" ? c.zh : c.en}`, value: c.units })));
  bars(document.getElementById("card-locations"), d.cameras_by_location_type.map((c) => ({ label: lang === "zh" ? c.zh : c.en, value: c.cameras })));
  bars(document.getElementById("card-divisions"), d.by_division.map((x) => ({ label: x.division, value: x.units })));
  const body = document.querySelector("#units tbody");
  body.replaceChildren();
  for (const u of d.list.units) {
    const tr = el("tr", { "data-unit": u.name });
    const check = u.last_check ? (u.last_check.ok ? "✓" : "✗") : "—";
    const btn = el("button", { type: "button" }, t("read"));
    btn.addEventListener("click", () => showSelfcheck(u.name));
    const read = el("td"); read.append(btn);
    tr.append(cell(u.name), cell(u.division), cell(u.categories.join(", ")), cell(u.cameras),
      cell(t(u.filing) + (u.filing_overdue ? ` · ${t("overdue")}` : ""), u.filing_overdue ? "bad" : ""),
      cell(u.check_due_on, u.check_overdue ? "bad" : ""), cell(u.seals_stale ? t("stale") : "✓", u.seals_stale ? "bad" : ""),
      cell(check, u.last_check && !u.last_check.ok ? "bad" : ""), read);
    body.append(tr);
  }
  document.getElementById("page").textContent = t("page").replace("{p}", page).replace("{n}", d.list.total);
  document.getElementById("prev").disabled = page <= 1;
  document.getElementById("next").disabled = page * d.list.per_page >= d.list.total;
  const o = await api("/api/v1/overdue?" + new URLSearchParams(document.getElementById("division").value ? { division: document.getElementById("division").value } : {}));
  const ob = document.querySelector("#overdue tbody");
  ob.replaceChildren();
  for (const r of o.overdue) {
    const tr = el("tr");
    tr.append(cell(r.unit), cell(t(r.what)), cell(r.due_on), cell(r.days_overdue, "bad"), cell(`${r.articles.join(", ")} · ${lang === "zh" ? r.rule_zh : r.rule_en}`));
    ob.append(tr);
  }
  document.getElementById("never").textContent = o.never_filed.length ? t("never") + o.never_filed.join("、") : "";
  document.getElementById("login").hidden = true;
  document.getElementById("board").hidden = false;
  if (current) showSelfcheck(current);
}
async function showSelfcheck(name) {
  current = name;
  const r = await api(`/api/v1/units/${encodeURIComponent(name)}/selfcheck`);
  document.getElementById("selfcheck").hidden = false;
  document.getElementById("sc-unit").textContent = name;
  const state = r.report ? `${t("received")} ${r.report.generated_at} · ${r.report.law ? r.report.law.jurisdiction : ""} · key ${String(r.report.key_id).slice(0, 16)}…`
    : r.pending.length ? t("pending") : r.error || t("none");
  document.getElementById("sc-state").textContent = state;
  const tb = document.querySelector("#sc-rows tbody");
  tb.replaceChildren();
  for (const row of r.report ? r.report.rows : []) {
    const tr = el("tr");
    tr.append(cell(row.articles.join(", ")), cell(lang === "zh" ? row.title_zh : row.title), cell(t(row.status), row.status === "not_met" ? "bad" : ""),
      cell((lang === "zh" ? row.evidence_zh : row.evidence).join("；")));
    tb.append(tr);
  }
}
document.getElementById("sc-ask").addEventListener("click", async () => {
  await api(`/api/v1/units/${encodeURIComponent(current)}/selfcheck`, { method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": sessionStorage.getItem("vigil_bureau_csrf") || "" }, body: "{}" });
  showSelfcheck(current);
});
document.getElementById("lang").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; translate(); load(); });
document.getElementById("division").addEventListener("change", () => { page = 1; load(); });
document.getElementById("show").addEventListener("change", () => { page = 1; load(); });
document.getElementById("prev").addEventListener("click", () => { page -= 1; load(); });
document.getElementById("next").addEventListener("click", () => { page += 1; load(); });
document.getElementById("login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  const resp = await fetch("/api/v1/auth/login", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: form.get("username"), password: form.get("password") }) });
  const body = await resp.json();
  if (!resp.ok) { document.getElementById("error").textContent = body.message; return; }
  sessionStorage.setItem("vigil_bureau_csrf", body.csrf_token);
  load();
});
translate();
load().catch(() => {});
