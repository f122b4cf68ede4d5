// The bureau's console: sign in, then the units of the jurisdiction (zh by default, en).
"use strict";
let lang = "zh";
function translate() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-zh]")) el.textContent = el.dataset[lang];
  document.getElementById("lang").textContent = lang === "zh" ? "English" : "中文";
}
function cell(text) { const td = document.createElement("td"); td.textContent = text; return td; }
async function showUnits() {
  const me = await fetch("/api/v1/me");
  if (!me.ok) return;
  const who = await me.json();
  document.getElementById("who").textContent = `${who.bureau} (${who.division_code}) · ${who.username} · ${lang === "zh" ? who.role_zh : who.role}`;
  const data = await (await fetch("/api/v1/units")).json();
  const body = document.querySelector("#units tbody");
  body.replaceChildren();
  for (const u of data.units) {
    const tr = document.createElement("tr");
    const check = u.last_check ? (u.last_check.ok ? "✓" : "✗") : "—";
    tr.append(cell(u.name), cell(u.division_code), cell(u.state), cell(String(u.seals_held)), cell(check));
    body.append(tr);
  }
  document.getElementById("login").hidden = true;
  document.getElementById("units").hidden = false;
}
document.getElementById("lang").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; translate(); showUnits(); });
document.getElementById("login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  const resp = await fetch("/api/v1/auth/login", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: form.get("username"), password: form.get("password") }) });
  if (!resp.ok) { document.getElementById("error").textContent = (await resp.json()).message; return; }
  showUnits();
});
translate();
showUnits();
