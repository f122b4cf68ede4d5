// Maintenance (A16.1, A16.2): contracts with the written security-responsibility clause on
// file, the maintenance and fault log (open faults first), security checks, drills and the
// emergency plan.

import { get, post } from "./api.js";
import { clear, fillError, h } from "./dom.js";
import { cite, label, onLang, t } from "./i18n.js";
import { isoUtc, parseInstant } from "./time.js";
import {
  attachmentLink,
  can,
  checkbox,
  compact,
  dateInput,
  fillSelect,
  formError,
  onSubmit,
  rememberAttachment,
  section,
  select,
  specForm,
  table,
  text,
  textarea,
  upload,
  valuesOf,
  when,
  yesNo,
} from "./records.js";

export const PATHS = {
  contracts: "/maintenance/contracts",
  log: "/maintenance/log",
  resolve: (id) => `/maintenance/log/${encodeURIComponent(id)}/resolve`,
  summary: "/maintenance/summary",
  attachments: "/attachments",
  cameras: "/cameras",
};

const KINDS = ["maintenance", "fault", "repair", "security_check", "drill", "emergency_plan"];

function instant(el) {
  const raw = el.value.trim();
  if (!raw) return null;
  const us = parseInstant(raw);
  if (us === null) throw Object.assign(new Error(t("pb.badtime")), { field: el.name });
  return isoUtc(us);
}

/** Upload the file chosen in `input` (if any) and return its attachment id. */
async function attach(input, kind) {
  if (!input.files || !input.files.length) return null;
  try {
    const saved = await upload(PATHS.attachments, input.files[0], { kind });
    rememberAttachment(saved);
    return saved.id;
  } catch (err) {
    throw Object.assign(err, { field: err.field && err.field !== "file" ? err.field : input.name });
  }
}

export function mount(container, { user }) {
  const siteEditor = can(user, "manage_site");
  const logKeeper = can(user, "keep_maintenance_log");
  let contracts = [];
  let log = [];

  // -- contracts ------------------------------------------------------------------------------
  const contractBox = h("div", { testid: "mt-contracts" });
  const contractError = formError("mt-contracts-error");
  const contractFile = h("input", { type: "file", testid: "contract-file" });
  const contractSpecs = [
    { name: "contractor", key: "field.contractor", input: text("contract-contractor", { maxlength: 200 }) },
    { name: "credit_code", key: "field.contractor_credit_code", input: text("contract-credit_code", { maxlength: 18 }) },
    { name: "scope", key: "field.scope", input: text("contract-scope"), wide: true },
    { name: "starts_on", key: "field.starts_on", input: dateInput("contract-starts_on") },
    { name: "ends_on", key: "field.ends_on", input: dateInput("contract-ends_on") },
    { name: "security_clause", key: "field.security_clause", input: checkbox("contract-security_clause"), hint: "mt.clause.hint" },
    { name: "attachment", key: "field.contract_file", input: contractFile, value: () => undefined },
  ];
  const contractForm = specForm("contract-add", contractSpecs, "mt.contract.add", { title: "mt.contract.add.title" });
  onSubmit(
    contractForm,
    async () => {
      const { attachment, ...body } = valuesOf(contractSpecs);
      body.attachment_id = await attach(contractFile, "contract");
      return post(PATHS.contracts, compact(body));
    },
    () => {
      contractForm.reset();
      return load();
    },
  );

  function renderContracts() {
    clear(
      contractBox,
      table(
        "contracts-table",
        [
          { key: "field.contractor", col: "contractor", cell: (c) => c.contractor },
          { key: "field.scope", col: "scope", cell: (c) => c.scope || "" },
          { key: "mt.col.period", col: "period", class: "nowrap", cell: (c) => `${c.starts_on} – ${c.ends_on}` },
          { key: "field.security_clause", col: "clause", cell: (c) => yesNo(c.security_clause, `contract-clause-${c.id}`) },
          { key: "field.contract_file", col: "file", cell: (c) => attachmentLink(c.attachment || c.attachment_id, `contract-file-${c.id}`) },
        ],
        contracts,
        { rowAttrs: (c) => ({ testid: `contract-row-${c.id}`, class: c.security_clause && (c.attachment || c.attachment_id) ? "" : "attention" }) },
      ),
    );
    fillSelect(logContract, contracts.map((c) => [String(c.id), c.contractor]), { empty: "—" });
  }

  // -- the log --------------------------------------------------------------------------------
  const openBox = h("div", { testid: "mt-open-faults" });
  const logBox = h("div", { testid: "mt-log" });
  const planBox = h("div", { testid: "mt-plan" });
  const logError = formError("mt-log-error");
  const kindFilter = select("mt-kind-filter", []);
  kindFilter.addEventListener("change", renderLog);
  const logKind = select("log-kind", []);
  const logCamera = select("log-camera", []);
  const logContract = select("log-contract", []);
  const logFile = h("input", { type: "file", testid: "log-file" });
  const logSpecs = [
    { name: "kind", key: "field.kind", input: logKind },
    { name: "at", key: "field.at", input: text("log-at", { placeholder: "YYYY-MM-DD HH:MM" }), value: instant, hint: "room.time.hint" },
    { name: "camera", key: "field.camera", input: logCamera },
    { name: "contract_id", key: "field.contract", input: logContract, value: (el) => (el.value ? Number(el.value) : null) },
    { name: "summary", key: "field.summary", input: textarea("log-summary", { maxlength: 2000 }), wide: true },
    { name: "performed_by", key: "field.performed_by", input: text("log-performed_by", { maxlength: 128 }) },
    { name: "outcome", key: "field.outcome", input: text("log-outcome") },
    { name: "attachment", key: "field.file", input: logFile, value: () => undefined },
  ];
  const logForm = specForm("log-add", logSpecs, "mt.log.add", { title: "mt.log.add.title" });
  onSubmit(
    logForm,
    async () => {
      const { attachment, ...body } = valuesOf(logSpecs);
      body.attachment_id = await attach(logFile, body.kind === "emergency_plan" ? "other" : "maintenance");
      return post(PATHS.log, compact(body));
    },
    () => {
      logForm.reset();
      return load();
    },
  );

  const isOpen = (r) => r.kind === "fault" && !r.resolved_us && !r.resolved;

  function logTable(testid, rows, withResolve) {
    return table(
      testid,
      [
        { key: "field.at", col: "at", class: "nowrap", cell: (r) => when(r.at_us) || r.at || "" },
        { key: "field.kind", col: "kind", cell: (r) => label("mtkind", r.kind) },
        { key: "field.camera", col: "camera", cell: (r) => r.camera || r.camera_name || "" },
        { key: "field.summary", col: "summary", cell: (r) => r.summary },
        { key: "field.performed_by", col: "by", cell: (r) => r.performed_by || "" },
        { key: "field.outcome", col: "outcome", cell: (r) => r.outcome || "" },
        {
          key: "mt.col.resolved",
          col: "resolved",
          class: "nowrap",
          cell: (r) =>
            r.resolved_us
              ? when(r.resolved_us)
              : isOpen(r) && withResolve && logKeeper
                ? h("button", { type: "button", i18n: "mt.resolve", testid: `log-resolve-${r.id}`, onclick: () => resolve(r) })
                : isOpen(r)
                  ? h("span", { class: "badge no", i18n: "mt.open" })
                  : "",
        },
        { key: "field.file", col: "file", cell: (r) => (r.attachment || r.attachment_id ? attachmentLink(r.attachment || r.attachment_id, `log-file-${r.id}`) : "") },
      ],
      rows,
      { rowAttrs: (r) => ({ testid: `${testid}-row-${r.id}`, class: isOpen(r) ? "attention" : "", dataset: { kind: r.kind } }) },
    );
  }

  function renderLog() {
    const open = log.filter(isOpen);
    clear(openBox, h("p", { class: open.length ? "summary bad" : "summary ok", testid: "mt-open-count" }, t("mt.open.count", { n: open.length })), open.length ? logTable("open-faults", open, true) : null);
    const kind = kindFilter.value;
    clear(logBox, logTable("log-table", kind ? log.filter((r) => r.kind === kind) : log, true));
    const plans = log.filter((r) => r.kind === "emergency_plan");
    const drills = log.filter((r) => r.kind === "drill");
    const checks = log.filter((r) => r.kind === "security_check");
    const last = (rows) => (rows.length ? when(rows[0].at_us) || rows[0].at : null);
    clear(
      planBox,
      h(
        "ul",
        { class: "facts" },
        h("li", { class: plans.length ? "ok" : "bad", testid: "mt-plan-state" }, plans.length ? t("mt.plan.on_file", { when: last(plans) }) : t("mt.plan.none"), plans[0] ? [" ", attachmentLink(plans[0].attachment || plans[0].attachment_id, "mt-plan-file")] : null),
        h("li", { class: drills.length ? "ok" : "bad", testid: "mt-drill-state" }, drills.length ? t("mt.drill.last", { when: last(drills), n: drills.length }) : t("mt.drill.none")),
        h("li", { class: checks.length ? "ok" : "bad", testid: "mt-check-state" }, checks.length ? t("mt.check.last", { when: last(checks), n: checks.length }) : t("mt.check.none")),
      ),
    );
  }

  async function resolve(r) {
    const outcome = window.prompt(t("mt.resolve.prompt"), r.outcome || "");
    if (outcome === null) return;
    fillError(logError, null);
    try {
      await post(PATHS.resolve(r.id), { outcome });
      await load();
    } catch (err) {
      fillError(logError, err);
    }
  }

  function renderKinds() {
    fillSelect(kindFilter, KINDS.map((k) => [k, label("mtkind", k)]), { empty: t("au.any") });
    fillSelect(logKind, KINDS.map((k) => [k, `${label("mtkind", k)} (${k})`]), { value: logKind.value || "maintenance" });
  }

  renderKinds();
  clear(
    container,
    h("h1", { i18n: "mt.title" }),
    section("mt.plan.title", "mt-plan-card", h("p", { class: "article" }, cite("A16.1")), planBox),
    section("mt.open.title", "mt-open-card", openBox),
    section("mt.contracts.title", "mt-contracts-card", h("p", { class: "article" }, cite("A16.2")), contractBox, contractError, siteEditor ? contractForm : null),
    section(
      "mt.log.title",
      "mt-log-card",
      h("p", { class: "article" }, cite("A16.1")),
      h("div", { class: "filters" }, h("label", { class: "inline" }, h("span", { i18n: "field.kind" }), kindFilter)),
      logBox,
      logError,
      logKeeper ? logForm : null,
    ),
  );

  async function load() {
    try {
      const [c, l] = await Promise.all([get(PATHS.contracts), get(PATHS.log)]);
      contracts = Array.isArray(c) ? c : c.contracts || [];
      log = Array.isArray(l) ? l : l.entries || l.log || [];
      log.sort((a, b) => (b.at_us || 0) - (a.at_us || 0));
      fillError(logError, null);
      fillError(contractError, null);
    } catch (err) {
      fillError(logError, err);
    }
    renderContracts();
    renderLog();
  }

  (async () => {
    try {
      const cams = await get(PATHS.cameras);
      fillSelect(logCamera, cams.map((c) => [c.name, c.name]), { empty: "—" });
    } catch (err) {
      fillSelect(logCamera, [], { empty: "—" });
    }
    await load();
  })();

  return onLang(() => {
    renderKinds();
    renderContracts();
    renderLog();
  });
}
