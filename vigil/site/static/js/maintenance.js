// Maintenance (A16(1), A16(2)): contracts with the written security-responsibility clause on
// file, the maintenance and fault log (open faults first), security checks, drills and the
// emergency plan.

import { get, post } from "./api.js";
import { attach, attachmentLink } from "./attachments.js";
import { clear, fillError, h } from "./dom.js";
import { label, onLang, t } from "./i18n.js";
import { checkbox, compact, dateInput, fileInput, fillSelect, formError, idValue, instant, instantInput, onAdd, select, specForm, text, textarea, valuesOf } from "./forms.js";
import { articles, can, listOf, section, table, verdict, when, withError, yesNo } from "./records.js";

export const PATHS = {
  contracts: "/maintenance/contracts",
  log: "/maintenance/log",
  resolve: (id) => `/maintenance/log/${encodeURIComponent(id)}/resolve`,
  summary: "/maintenance/summary",
  cameras: "/cameras",
};

const KINDS = ["maintenance", "fault", "repair", "security_check", "drill", "emergency_plan"];

/** The attachment of a record: {id, filename} or its id. */
const attachmentOf = (r) => r.attachment || r.attachment_id;

/** A send() that uploads the file chosen in `file` (of kind `kindOf(values)`), then posts the form's values with its id. */
function poster(specs, path, file, kindOf) {
  return async () => {
    const { attachment, ...body } = valuesOf(specs);
    body.attachment_id = await attach(file, kindOf(body));
    return post(path, compact(body));
  };
}

export function mount(container, { user }) {
  const siteEditor = can(user, "manage_site");
  const logKeeper = can(user, "keep_maintenance_log");
  let contracts = [];
  let log = [];

  // -- contracts ------------------------------------------------------------------------------
  const contractBox = h("div", { testid: "mt-contracts" });
  const contractError = formError("mt-contracts-error");
  const contractFile = fileInput("contract-file");
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
  onAdd(contractForm, poster(contractSpecs, PATHS.contracts, contractFile, () => "contract"), load);

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
          { key: "field.contract_file", col: "file", cell: (c) => attachmentLink(attachmentOf(c), `contract-file-${c.id}`) },
        ],
        contracts,
        { rowAttrs: (c) => ({ testid: `contract-row-${c.id}`, class: c.security_clause && attachmentOf(c) ? "" : "attention" }) },
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
  const logFile = fileInput("log-file");
  const logSpecs = [
    { name: "kind", key: "field.kind", input: logKind },
    { name: "at", key: "field.at", input: instantInput("log-at"), value: instant, hint: "room.time.hint" },
    { name: "camera", key: "field.camera", input: logCamera },
    { name: "contract_id", key: "field.contract", input: logContract, value: idValue },
    { name: "summary", key: "field.summary", input: textarea("log-summary", { maxlength: 2000 }), wide: true },
    { name: "performed_by", key: "field.performed_by", input: text("log-performed_by", { maxlength: 128 }) },
    { name: "outcome", key: "field.outcome", input: text("log-outcome") },
    { name: "attachment", key: "field.file", input: logFile, value: () => undefined },
  ];
  const logForm = specForm("log-add", logSpecs, "mt.log.add", { title: "mt.log.add.title" });
  onAdd(logForm, poster(logSpecs, PATHS.log, logFile, (body) => (body.kind === "emergency_plan" ? "other" : "maintenance")), load);

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
        { key: "field.file", col: "file", cell: (r) => (attachmentOf(r) ? attachmentLink(attachmentOf(r), `log-file-${r.id}`) : "") },
      ],
      rows,
      { rowAttrs: (r) => ({ testid: `${testid}-row-${r.id}`, class: isOpen(r) ? "attention" : "", dataset: { kind: r.kind } }) },
    );
  }

  function renderLog() {
    const open = log.filter(isOpen);
    clear(openBox, verdict(open.length, "mt-open-count", t("mt.open.count", { n: open.length })), open.length ? logTable("open-faults", open, true) : null);
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
        h("li", { class: plans.length ? "ok" : "bad", testid: "mt-plan-state" }, plans.length ? t("mt.plan.on_file", { when: last(plans) }) : t("mt.plan.none"), plans[0] ? [" ", attachmentLink(attachmentOf(plans[0]), "mt-plan-file")] : null),
        h("li", { class: drills.length ? "ok" : "bad", testid: "mt-drill-state" }, drills.length ? t("mt.drill.last", { when: last(drills), n: drills.length }) : t("mt.drill.none")),
        h("li", { class: checks.length ? "ok" : "bad", testid: "mt-check-state" }, checks.length ? t("mt.check.last", { when: last(checks), n: checks.length }) : t("mt.check.none")),
      ),
    );
  }

  async function resolve(r) {
    const outcome = window.prompt(t("mt.resolve.prompt"), r.outcome || "");
    if (outcome === null) return;
    await withError(logError, async () => {
      await post(PATHS.resolve(r.id), { outcome });
      await load();
    });
  }

  function renderKinds() {
    fillSelect(kindFilter, KINDS.map((k) => [k, label("mtkind", k)]), { empty: t("au.any") });
    fillSelect(logKind, KINDS.map((k) => [k, `${label("mtkind", k)} (${k})`]), { value: logKind.value || "maintenance" });
  }

  renderKinds();
  clear(
    container,
    h("h1", { i18n: "mt.title" }),
    section("mt.plan.title", "mt-plan-card", articles("A16(1)"), planBox),
    section("mt.open.title", "mt-open-card", openBox),
    section("mt.contracts.title", "mt-contracts-card", articles("A16(2)"), contractBox, contractError, siteEditor ? contractForm : null),
    section(
      "mt.log.title",
      "mt-log-card",
      articles("A16(1)"),
      h("div", { class: "filters" }, h("label", { class: "inline" }, h("span", { i18n: "field.kind" }), kindFilter)),
      logBox,
      logError,
      logKeeper ? logForm : null,
    ),
  );

  async function load() {
    await withError(logError, async () => {
      const [c, l] = await Promise.all([get(PATHS.contracts), get(PATHS.log)]);
      contracts = listOf(c, "contracts");
      log = listOf(l, "entries", "log");
      log.sort((a, b) => (b.at_us || 0) - (a.at_us || 0));
      fillError(contractError, null);
    });
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
