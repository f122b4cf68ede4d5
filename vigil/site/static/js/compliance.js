// The self-check report (自查报告): one row per article with a software duty, its status
// (met / not met / needs evidence), the evidence behind it and what to do; summary counts on
// top; the same report as PDF and JSON for the bureau's inspector.

import { get } from "./api.js";
import { download } from "./attachments.js";
import { clear, h } from "./dom.js";
import { fillSelect, formError, select } from "./forms.js";
import { articleZh, getLang, label, onLang, t } from "./i18n.js";
import { section, table, withError } from "./records.js";
import { localText, zoneName } from "./time.js";

export const PATHS = {
  report: "/compliance/report",
  pdf: "/compliance/report.pdf",
  json: "/compliance/report?format=json",
};

const STATUSES = ["not_met", "needs_evidence", "met"];

/** The status of a row, as one of STATUSES (the API may say it in other words). */
function statusOf(row) {
  const s = String(row.status || row.state || "").toLowerCase().replace(/[\s-]+/g, "_");
  if (s === "met" || s === "ok" || s === "pass") return "met";
  if (s.startsWith("not") || s === "unmet" || s === "fail" || s === "failed") return "not_met";
  return "needs_evidence";
}

/** Evidence as lines: a string, a list, or an object of figures. */
function evidenceLines(ev) {
  if (ev === null || ev === undefined || ev === "") return [];
  if (typeof ev === "string") return [ev];
  if (Array.isArray(ev)) return ev.flatMap(evidenceLines);
  if (typeof ev === "object") {
    if (ev.text || ev.message || ev.summary) return [ev.text || ev.message || ev.summary];
    return Object.entries(ev).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`);
  }
  return [String(ev)];
}

const articleOf = (row) => row.id || row.article || "";

/** A text member of a row in the console's language: `evidence_zh` in Chinese, `evidence`
 * in English (and when a report has no Chinese text). */
const inLang = (row, key) => (getLang() === "en" ? row[key] : row[`${key}_zh`] ?? row[key]);

/** The article's number, and its Chinese name under it. */
function articleCell(row) {
  // every article that imposes the duty on the report's day (A… and N…), optional ones marked
  const cited = row.articles && row.articles.length ? row.articles : [articleOf(row)];
  const optional = new Set(row.optional_articles || []);
  return cited.map((id, i) => {
    const zh = articleZh(id);
    const mark = optional.has(id) ? (getLang() === "en" ? " (optional, N9)" : "（非强制，《条例》第九条）") : "";
    return [h(i ? "span" : "strong", {}, id + mark), zh ? h("div", { class: "hint" }, zh) : null];
  }).flat();
}

/** The columns of the report's table, one row an article. */
const COLUMNS = [
  { key: "cp.col.article", col: "article", class: "nowrap", cell: articleCell },
  { key: "cp.col.duty", col: "duty", cell: (r) => (getLang() === "en" ? r.title : r.title_zh) || r.title || "" },
  { key: "cp.col.status", col: "status", class: "nowrap", cell: (r) => h("span", { class: `badge status-${statusOf(r)}` }, label("cp.status", statusOf(r))) },
  { key: "cp.col.evidence", col: "evidence", cell: (r) => h("ul", { class: "evidence" }, evidenceLines(inLang(r, "evidence")).map((line) => h("li", {}, line))) },
  {
    key: "cp.col.action",
    col: "action",
    cell: (r) => {
      const sanctions = inLang(r, "sanctions") || [];
      return [evidenceLines(inLang(r, "action")).join(" "), sanctions.length ? h("ul", { class: "sanctions" }, sanctions.map((x) => h("li", {}, x))) : null];
    },
  },
];

const rowAttrs = (r) => ({ class: `cp-row status-${statusOf(r)}`, testid: `cp-row-${articleOf(r)}`, dataset: { article: articleOf(r), status: statusOf(r) } });

export function mount(container) {
  let report = null;
  const summary = h("div", { class: "summary-cards", testid: "cp-summary" });
  const meta = h("p", { class: "hint", testid: "cp-meta" });
  const rowsBox = h("div");
  const error = formError("cp-error");
  const filter = select("cp-filter", []);
  filter.addEventListener("change", renderRows);

  clear(
    container,
    h("h1", { i18n: "cp.title" }),
    h("p", { class: "hint", i18n: "cp.intro" }),
    h(
      "div",
      { class: "toolbar" },
      download(PATHS.pdf, "cp.pdf", "cp-pdf", "self-check.pdf"),
      download(PATHS.json, "cp.json", "cp-json", "self-check.json"),
      h("button", { type: "button", i18n: "cp.refresh", testid: "cp-refresh", onclick: load }),
      h("label", {}, h("span", { i18n: "cp.show" }), filter),
    ),
    meta,
    summary,
    error,
    section("cp.rows.title", "cp-rows-card", rowsBox),
  );

  function rowsOf() {
    return (report && (report.duties || report.rows)) || [];
  }

  function renderFilter() {
    fillSelect(filter, STATUSES.map((s) => [s, label("cp.status", s)]), { empty: t("au.any") });
  }

  function renderSummary() {
    const rows = rowsOf();
    const counts = { met: 0, not_met: 0, needs_evidence: 0 };
    for (const r of rows) counts[statusOf(r)] += 1;
    clear(
      summary,
      STATUSES.map((s) =>
        h(
          "div",
          { class: `summary-card status-${s}`, testid: `cp-count-${s}` },
          h("span", { class: "count", dataset: { count: String(counts[s]) } }, String(counts[s])),
          h("span", { class: "what" }, label("cp.status", s)),
        ),
      ),
    );
    if (report) {
      const unit = (report.site && report.site.unit_name) || report.unit_name || "";
      const at = report.generated_us ? `${localText(report.generated_us, false)} (${zoneName(report.generated_us)})` : report.generated_at || "";
      meta.textContent = t("cp.meta", { unit: unit || "—", at });
    }
  }

  function renderRows() {
    const wanted = filter.value;
    const rows = rowsOf().filter((r) => !wanted || statusOf(r) === wanted);
    clear(rowsBox, table("cp-table", COLUMNS, rows, { rowAttrs, tableClass: "compliance", bodyTestid: "cp-rows" }));
  }

  async function load() {
    await withError(error, async () => {
      report = await get(PATHS.report);
    });
    renderSummary();
    renderRows();
  }

  renderFilter();
  load();
  return onLang(() => {
    renderFilter();
    renderSummary();
    renderRows();
  });
}
