// The bureau's register of filings: review (accept, or return with reasons), the on-site
// check's last day (A13.2), and the overdue lists. Every act is checked and audited by the
// server; this page only calls /api/v1/filings*.
"use strict";
const CSRF_KEY = "vigil-bureau-csrf";
const STATE_ZH = { received: "待审核 received", returned: "已退回 returned",
  accepted: "已受理 accepted", superseded: "已重新提交 superseded" };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "testid") node.dataset.testid = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

function fail(message) { document.getElementById("error").textContent = message || ""; }

async function act(path, body) {
  fail("");
  const resp = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json",
    "X-CSRF-Token": sessionStorage.getItem(CSRF_KEY) || "" }, body: JSON.stringify(body) });
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    fail(`${data.message || resp.status}${data.article ? ` (${data.article})` : ""}`);
    return;
  }
  await load();
}

function review(f) {
  const which = { filing: f.filing, version: f.version };
  if (f.state === "received") {
    const reason = el("input", { placeholder: "退回理由 reason", testid: `reason-${f.version}` });
    return el("span", {},
      el("button", { type: "button", testid: `accept-${f.version}`,
        onclick: () => act("/api/v1/filings/accept", which) }, "受理 Accept"),
      " ", reason, " ",
      el("button", { type: "button", testid: `return-${f.version}`,
        onclick: () => act("/api/v1/filings/return", { ...which, reasons: [reason.value] }) },
        "退回 Return"));
  }
  if (f.check && !f.checked_on) {
    const day = el("input", { type: "date", testid: `plan-day-${f.version}` });
    return el("span", {}, f.check_planned_on ? `计划 planned ${f.check_planned_on} ` : "", day,
      el("button", { type: "button", testid: `plan-${f.version}`,
        onclick: () => act("/api/v1/filings/check-plan", { ...which, planned_on: day.value }) },
        "安排检查 Plan check"));
  }
  return f.checked_on ? `已检查 checked ${f.checked_on}` : "";
}

function render(data) {
  document.getElementById("today").textContent = `今日 today ${data.today}`;
  const body = document.querySelector("[data-testid=bureau-filings] tbody");
  body.replaceChildren(...data.filings.map((f) => el("tr", { testid: `filing-row-${f.version}` },
    el("td", {}, f.unit), el("td", {}, String(f.version)), el("td", {}, f.kind),
    el("td", { testid: `state-${f.version}` }, STATE_ZH[f.state] || f.state),
    el("td", {}, f.received_on),
    el("td", {}, f.check ? `${f.check.due_on} (${f.check.state})` : "—"),
    el("td", { testid: `receipt-${f.version}` }, f.receipt_number || ""),
    el("td", {}, (f.reasons || []).join("；")),
    el("td", {}, review(f)))));
  const list = (testid, items) => document.querySelector(`[data-testid=${testid}]`)
    .replaceChildren(...items.map((t) => el("li", {}, t)));
  list("overdue-checks", data.overdue_checks.map((o) => `${o.unit}: ${o.due_on}, ${o.days_overdue} 日 (${o.articles.join(", ")})`));
  list("overdue-filings", data.overdue_filings.map((o) => `${o.unit}: ${o.due_on}, ${o.days_overdue} 日 (${o.articles.join(", ")})`));
  list("not-filed", data.not_filed);
}

async function load() {
  const resp = await fetch("/api/v1/filings");
  const signedIn = resp.ok && sessionStorage.getItem(CSRF_KEY);
  document.getElementById("login").hidden = Boolean(signedIn);
  document.getElementById("register").hidden = !signedIn;
  if (signedIn) render(await resp.json());
}

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
