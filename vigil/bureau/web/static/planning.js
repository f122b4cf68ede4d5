// The bureau's register of planned systems (A6): the list with a division filter, and a form
// for administrators and the head; the server checks and audits every change and answers
// with a warning where a plan overlaps another in the same division (N6).
"use strict";
const CSRF_KEY = "vigil-bureau-csrf";
const STATUS_ZH = { planned: "规划 planned", under_construction: "在建 under construction",
  built: "已建成 built", cancelled: "已取消 cancelled" };

function cell(text, testid) {
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  if (testid) td.dataset.testid = testid;
  return td;
}

function fail(message) { document.getElementById("error").textContent = message || ""; }

function render(data) {
  const c = data.counts;
  document.getElementById("counts").textContent = `${data.division}: 规划 ${c.planned} · 在建 ${c.under_construction} · ` +
    `已建成 ${c.built} · 已取消 ${c.cancelled} · 摄像机 cameras ${c.cameras_planned}`;
  const body = document.querySelector("[data-testid=plans] tbody");
  body.replaceChildren(...data.plans.map((p) => {
    const tr = document.createElement("tr");
    tr.dataset.testid = `plan-row-${p.id}`;
    const cams = Object.entries(p.cameras).map(([k, n]) => `${k} ${n}`).join(", ");
    tr.append(cell(p.id), cell(p.name), cell(p.planner), cell(p.division_code),
      cell([p.category, p.national_class].filter(Boolean).join(" / ")), cell(p.places.join("、")),
      cell(cams), cell(`${p.build_on || "—"} / ${p.use_on || "—"}`),
      cell(STATUS_ZH[p.status] || p.status, `plan-status-${p.id}`), cell(p.unit || ""));
    return tr;
  }));
}

async function load() {
  const division = document.querySelector("[data-testid=division-filter]").value.trim();
  const resp = await fetch("/api/v1/plans" + (division ? `?division=${encodeURIComponent(division)}` : ""));
  const signedIn = resp.status !== 401 && sessionStorage.getItem(CSRF_KEY);
  document.getElementById("login").hidden = Boolean(signedIn);
  document.getElementById("register").hidden = !signedIn;
  if (!signedIn) return;
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) { fail(`${data.field ? data.field + ": " : ""}${data.message || resp.status}${data.article ? ` (${data.article})` : ""}`); return; }
  fail("");
  render(data);
}

function lines(text) { return text.split("\n").map((s) => s.trim()).filter(Boolean); }

document.getElementById("create").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const cameras = {};
  for (const line of lines(f.get("cameras"))) {
    const [kind, n] = line.split("=");
    cameras[kind.trim()] = Number.parseInt(n, 10);
  }
  const body = { name: f.get("name"), planner: f.get("planner"), division_code: f.get("division_code"),
    category: f.get("category") || null, national_class: f.get("national_class") || null,
    places: lines(f.get("places")), cameras, build_on: f.get("build_on") || null,
    use_on: f.get("use_on") || null, notes: f.get("notes") };
  const resp = await fetch("/api/v1/plans", { method: "POST", headers: { "Content-Type": "application/json",
    "X-CSRF-Token": sessionStorage.getItem(CSRF_KEY) || "" }, body: JSON.stringify(body) });
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    fail(`${data.field ? data.field + ": " : ""}${data.message || resp.status}${data.article ? ` (${data.article})` : ""}`);
    return;
  }
  document.getElementById("warnings").replaceChildren(...data.warnings.map((w) => {
    const li = document.createElement("li");
    li.textContent = `⚠ ${w.message}`;
    return li;
  }));
  await load();
});

document.getElementById("filter").addEventListener("submit", (ev) => { ev.preventDefault(); load(); });

document.getElementById("login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  const resp = await fetch("/api/v1/auth/login", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: form.get("username"), password: form.get("password") }) });
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) { fail(data.message || String(resp.status)); return; }
  sessionStorage.setItem(CSRF_KEY, data.csrf_token);
  fail("");
  await load();
});
load();
