// The self-check report (自查报告): one row per article with a software duty, its status
// (met / not met / needs evidence), the evidence behind it and what to do; summary counts on
// top; the same report as PDF and JSON for the bureau's inspector.

import { get } from "./api.js";
import { clear, fillError, h } from "./dom.js";
import { articleZh, getLang, label, onLang, t } from "./i18n.js";
import { download, formError, section } from "./records.js";
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

export function mount(container) {
  let report = null;
  const summary = h("div", { class: "summary-cards", testid: "cp-summary" });
  const meta = h("p", { class: "hint", testid: "cp-meta" });
  const body = h("tbody", { testid: "cp-rows" });
  const error = formError("cp-error");
  const filter = h("select", { testid: "cp-filter" });
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
    section(
      "cp.rows.title",
      "cp-rows-card",
      h(
        "div",
        { class: "table-wrap records" },
        h(
          "table",
          { testid: "cp-table", class: "compliance" },
          h("thead", {}, h("tr", {}, ["article", "duty", "status", "evidence", "action"].map((c) => h("th", { i18n: `cp.col.${c}` })))),
          body,
        ),
      ),
    ),
  );

  function rowsOf() {
    return (report && (report.duties || report.rows)) || [];
  }

  function renderFilter() {
    const value = filter.value;
    clear(filter, h("option", { value: "" }, t("au.any")), STATUSES.map((s) => h("option", { value: s }, label("cp.status", s))));
    filter.value = value;
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
    clear(
      body,
      rows.length
        ? rows.map((r) => {
            const status = statusOf(r);
            const id = r.id || r.article || "";
            const zh = articleZh(id);
            return h(
              "tr",
              { class: `cp-row status-${status}`, testid: `cp-row-${id}`, dataset: { article: id, status } },
              h("td", { class: "nowrap", dataset: { col: "article" } }, h("strong", {}, id), zh ? h("div", { class: "hint" }, zh) : null),
              h("td", { dataset: { col: "duty" } }, (getLang() === "en" ? r.title : r.title_zh) || r.title || ""),
              h("td", { class: "nowrap", dataset: { col: "status" } }, h("span", { class: `badge status-${status}` }, label("cp.status", status))),
              h("td", { dataset: { col: "evidence" } }, h("ul", { class: "evidence" }, evidenceLines(r.evidence).map((line) => h("li", {}, line)))),
              h(
                "td",
                { dataset: { col: "action" } },
                evidenceLines(r.action).join(" "),
                (r.sanctions || []).length ? h("ul", { class: "sanctions" }, r.sanctions.map((x) => h("li", {}, x))) : null,
              ),
            );
          })
        : h("tr", {}, h("td", { colspan: 5, class: "empty", i18n: "rec.none" })),
    );
  }

  async function load() {
    fillError(error, null);
    try {
      report = await get(PATHS.report);
    } catch (err) {
      fillError(error, err);
    }
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
