// The console shell: sign-in, the top bar (user, role, language, sign-out), the navigation
// a role may use, and a router by hash (#/live, #/playback, #/exports, #/audit, and the
// unit's records: #/site, #/siting, #/staff, #/maintenance, #/compliance).

import { get, onUnauthorized, post, setCsrf } from "./api.js";
import { clear, h } from "./dom.js";
import { acceptanceBanner } from "./filings.js";
import { getLang, label, onLang, setLang, t } from "./i18n.js";
import { mountLogin } from "./login.js";

const VIEWS = [
  { path: "live", key: "nav.live", permission: "view_live", load: () => import("./live.js") },
  { path: "playback", key: "nav.playback", permission: "playback", load: () => import("./playback.js") },
  { path: "exports", key: "nav.exports", permission: "export", load: () => import("./exports.js") },
  { path: "audit", key: "nav.audit", permission: "view_audit", load: () => import("./audit.js") },
  { path: "site", key: "nav.site", permission: "view_records", load: () => import("./site.js") },
  { path: "siting", key: "nav.siting", permission: "view_records", load: () => import("./siting.js") },
  { path: "staff", key: "nav.staff", permission: "view_records", load: () => import("./staff.js") },
  { path: "maintenance", key: "nav.maintenance", permission: "view_records", load: () => import("./maintenance.js") },
  { path: "compliance", key: "nav.compliance", permission: "view_records", load: () => import("./compliance.js") },
  { path: "subjects", key: "nav.subjects", permission: "view_records", load: () => import("./subjects.js") },
  { path: "privacy", key: "nav.privacy", permission: "view_records", load: () => import("./privacy.js") },
];

const root = document.getElementById("app");
const session = { user: null };
let unmountView = null;
let routeToken = 0;

function allowedViews(user) {
  const perms = new Set(user.permissions || []);
  return VIEWS.filter((v) => perms.has(v.permission));
}

function langButton() {
  return h("button", {
    type: "button",
    class: "lang",
    i18n: "lang.switch",
    i18nTitle: "lang.switch.title",
    testid: "lang-switch",
    onclick: () => setLang(getLang() === "en" ? "zh" : "en"),
  });
}

function showLogin(notice) {
  stopView();
  session.user = null;
  setCsrf(null);
  clear(root, h("header", { class: "topbar" }, h("span", { class: "brand", i18n: "app.title" }), h("span", { class: "spacer" }), langButton()));
  const main = h("main", { class: "login-main" });
  root.append(main);
  mountLogin(main, { onSignedIn: start, notice });
}

function roleBadge(role) {
  const el = h("span", { class: `role role-${role}`, testid: "user-role" }, label("role", role));
  const stop = onLang(() => (el.textContent = label("role", role)));
  return [el, stop];
}

let stopRoleLabel = null;

function renderShell() {
  const user = session.user;
  const views = allowedViews(user);
  if (stopRoleLabel) stopRoleLabel();
  const [role, stop] = roleBadge(user.role);
  stopRoleLabel = stop;
  const nav = h(
    "nav",
    { class: "nav", testid: "nav" },
    views.map((v) => h("a", { href: `#/${v.path}`, i18n: v.key, testid: `nav-${v.path}`, dataset: { path: v.path } })),
  );
  const signOut = h("button", { type: "button", class: "logout", i18n: "logout", testid: "logout", onclick: logout });
  clear(
    root,
    h(
      "header",
      { class: "topbar" },
      h("span", { class: "brand", i18n: "app.title" }),
      nav,
      h("span", { class: "spacer" }),
      h("span", { class: "user", testid: "user-name" }, user.display_name || user.username),
      role,
      langButton(),
      signOut,
    ),
    h("main", { id: "view", class: "view" }),
  );
}

function stopView() {
  if (unmountView) {
    try {
      unmountView();
    } catch (err) {
      console.error(err);
    }
  }
  unmountView = null;
}

async function route() {
  if (!session.user) return;
  const views = allowedViews(session.user);
  const wanted = (location.hash.match(/^#\/(\w+)/) || [])[1];
  const view = views.find((v) => v.path === wanted) || views[0];
  const container = document.getElementById("view");
  stopView();
  const token = ++routeToken;
  for (const a of root.querySelectorAll("nav a")) a.classList.toggle("active", view && a.dataset.path === view.path);
  if (!view) {
    clear(container, h("p", { class: "empty", i18n: "nav.none" }));
    return;
  }
  if (wanted !== view.path) history.replaceState(null, "", `#/${view.path}`);
  clear(container, h("p", { class: "loading", i18n: "loading" }));
  const module = await view.load();
  if (token !== routeToken) return; // the user went elsewhere meanwhile
  clear(container);
  unmountView = module.mount(container, { user: session.user });
}

function start(me) {
  session.user = me.user;
  setCsrf(me.csrf_token);
  renderShell();
  acceptanceBanner(root, me.user); // A13.1: a government-built system not yet accepted
  route();
}

async function logout() {
  try {
    await post("/auth/logout");
  } catch (err) {
    console.warn("sign-out", err);
  }
  showLogin();
}

async function boot() {
  onUnauthorized(() => {
    if (session.user) showLogin(t("error.session"));
  });
  window.addEventListener("hashchange", route);
  try {
    start(await get("/auth/me"));
  } catch (err) {
    showLogin(err.status === 401 ? null : err);
  }
}

boot();
