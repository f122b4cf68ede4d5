// The site's records: the profile the filing form is made from (A7, A9, A11, A13.2), the key
// positions the unit confirmed (A7 last paragraph), the coverage report (which positions a
// working camera watches), the filing form PDF (备案表) and its attachments.

import { get, put } from "./api.js";
import { filingSection } from "./filings.js";
import { attach, attachmentLink, download } from "./attachments.js";
import { clear, errorSlot, h, showFormError } from "./dom.js";
import { cite, label, onLang, t } from "./i18n.js";
import { dateInput, fileInput, fillSelect, fillSpecs, formError, holdUntil, inForm, onSubmit, readOnly, savedNote, select, specForm, text, valuesOf } from "./forms.js";
import { articles, can, nameOf, section, table, verdict, withError } from "./records.js";
import { holdsCard } from "./holds.js";

export const PATHS = {
  catalogue: "/regulation/catalogue",
  profile: "/site/profile",
  positions: "/site/positions",
  coverage: "/site/coverage",
  filingPdf: "/filing/form.pdf",
};

const STATE_CLASS = { ok: "ok", due: "warn", missing: "warn", overdue: "bad", late: "bad", flag: "bad" };

const ATTACHMENTS = [
  ["design_plan", "site.att.design_plan"],
  ["test_report", "site.att.test_report"],
  ["acceptance_report", "site.att.acceptance_report"],
];

export function mount(container, { user }) {
  const editor = can(user, "manage_site");
  let catalogue = { categories: [], site_kinds: [], builders: [], project_kinds: [], key_positions: [] };
  let profile = null;

  // -- the profile form ---------------------------------------------------------------------
  const categoryBox = h("div", { class: "checks", testid: "site-categories" });
  const categoriesSpec = {
    name: "categories",
    key: "field.categories",
    wide: true,
    input: categoryBox,
    value: () => [...categoryBox.querySelectorAll("input:checked")].map((el) => el.value),
    fill: (_, v) => {
      const chosen = new Set(v || []);
      for (const el of categoryBox.querySelectorAll("input")) el.checked = chosen.has(el.value);
      showKind();
    },
  };
  const siteKind = select("site-site_kind", []);
  const builder = select("site-builder", []);
  const projectKind = select("site-project_kind", []);
  const jurisdiction = select("site-jurisdiction", []);
  const nationalClass = select("site-national_class", []);
  const specs = [
    { name: "unit_name", key: "field.unit_name", input: text("site-unit_name", { maxlength: 200 }) },
    { name: "credit_code", key: "field.credit_code", input: text("site-credit_code", { maxlength: 18 }), hint: "site.credit.hint" },
    { name: "division_code", key: "field.division_code", input: text("site-division_code", { maxlength: 6 }), hint: "site.division.hint" },
    { name: "address", key: "field.address", input: text("site-address"), wide: true },
    categoriesSpec,
    { name: "site_kind", key: "field.site_kind", input: siteKind, hint: "site.kind.hint" },
    { name: "builder", key: "field.builder", input: builder },
    { name: "contact_name", key: "field.contact_name", input: text("site-contact_name", { maxlength: 64 }) },
    { name: "contact_phone", key: "field.contact_phone", input: text("site-contact_phone", { maxlength: 32 }) },
    { name: "project_kind", key: "field.project_kind", input: projectKind },
    { name: "delivered_on", key: "field.delivered_on", input: dateInput("site-delivered_on") },
    { name: "commissioned_on", key: "field.commissioned_on", input: dateInput("site-commissioned_on") },
    { name: "accepted_on", key: "field.accepted_on", input: dateInput("site-accepted_on") },
    { name: "filed_on", key: "field.filed_on", input: dateInput("site-filed_on") },
    { name: "main_works_started_on", key: "field.main_works_started_on", input: dateInput("site-main_works_started_on"), hint: "site.mainworks.hint" },
    { name: "main_works_in_use_on", key: "field.main_works_in_use_on", input: dateInput("site-main_works_in_use_on"), hint: "site.mainworks.hint" },
    // Which laws apply from which day, and the site's class under N7/N9 (admin only, audited).
    { name: "jurisdiction", key: "field.jurisdiction", input: jurisdiction, hint: "site.jurisdiction.hint" },
    { name: "national_class", key: "field.national_class", input: nationalClass, hint: "site.national_class.hint" },
  ];
  const note = savedNote("site-profile-saved");
  const status = h("div", { class: "status-lines", testid: "site-status" });
  const form = specForm("site-profile", specs, "rec.save", { extra: [status] });
  form.querySelector(".actions").prepend(note);
  const kindRow = siteKind.closest(".field");
  const mainRows = ["main_works_started_on", "main_works_in_use_on"].map((n) => form.querySelector(`[name="${n}"]`).closest(".field"));

  function showKind() {
    const chosen = new Set(categoriesSpec.value());
    const kinds = catalogue.site_kinds.filter((k) => chosen.has(k.category));
    const current = siteKind.value || (profile && profile.site_kind) || "";
    fillSelect(siteKind, kinds.map((k) => [k.code, `${nameOf(k, k.code)} (${k.code})`]), { empty: "—", value: current });
    kindRow.hidden = kinds.length === 0;
  }
  function showMainWorks() {
    const existing = !projectKind.value || projectKind.value === "existing";
    for (const row of mainRows) row.hidden = existing;
  }
  projectKind.addEventListener("change", showMainWorks);
  categoryBox.addEventListener("change", showKind);

  function renderCatalogue() {
    const chosen = new Set(categoriesSpec.value().length ? categoriesSpec.value() : (profile && profile.categories) || []);
    clear(
      categoryBox,
      catalogue.categories.map((c) =>
        h(
          "label",
          { class: "check", title: c.zh },
          h("input", { type: "checkbox", value: c.code, checked: chosen.has(c.code), testid: `site-category-${c.code}`, disabled: !editor }),
          h("span", {}, `${c.article} ${nameOf(c, c.code)}`),
        ),
      ),
    );
    const builders = (catalogue.builders || []).map((b) => (typeof b === "string" ? { code: b } : b));
    fillSelect(builder, builders.map((b) => [b.code, b.zh || b.en ? `${nameOf(b, b.code)} (${b.code})` : t(`site.builder.${b.code}`)]), { value: builder.value || (profile && profile.builder) || "unit" });
    const kinds = (catalogue.project_kinds || []).map((k) => (typeof k === "string" ? { code: k } : k));
    fillSelect(projectKind, kinds.map((k) => [k.code, k.zh || k.en ? nameOf(k, k.code) : t(`site.project.${k.code}`)]), { value: projectKind.value || (profile && profile.project_kind) || "existing" });
    fillSelect(jurisdiction, (catalogue.jurisdictions || []).map((j) => [j.code, `${j.code}: ${j.en}`]), { value: jurisdiction.value || (profile && profile.jurisdiction) || "province" });
    fillSelect(nationalClass, (catalogue.national_classes || []).map((c) => [c.code, `${c.article} ${nameOf(c, c.code)}`]), { empty: "—", value: nationalClass.value || (profile && profile.national_class) || "" });
    showKind();
    showMainWorks();
  }

  function renderStatus() {
    const items = (profile && profile.checks) || [];
    clear(
      status,
      profile && profile.division_name
        ? h("div", { class: "status-line ok", testid: "site-division-name" }, t("site.division.name", { code: profile.division_code, name: profile.division_name }))
        : null,
      items.map((item, i) =>
        h(
          "div",
          { class: `status-line ${STATE_CLASS[item.state] || "warn"}`, testid: `site-check-${i}`, dataset: { article: item.article, state: item.state } },
          h("span", {}, item.message),
          item.due_date ? h("span", { class: "hint" }, t("site.check.due", { date: item.due_date })) : null,
          item.article ? h("span", { class: "error-article" }, cite(item.article)) : null,
        ),
      ),
    );
  }

  onSubmit(
    form,
    () => put(PATHS.profile, valuesOf(specs)),
    async (saved) => {
      profile = saved.profile;
      fillSpecs(specs, profile);
      renderStatus();
      await Promise.all([loadPositions(), loadCoverage()]);
    },
    note,
  );
  if (!editor) readOnly(form);

  // -- key positions (the unit confirms the suggested ones, drops or adds its own; A7.2) --------
  const posBox = h("div", { testid: "site-positions-list" });
  const posError = formError("site-positions-error");
  const newCode = text("site-position-code", { maxlength: 64, i18nPlaceholder: "site.pos.code.placeholder" });
  const newLabel = text("site-position-label", { maxlength: 128, i18nPlaceholder: "site.pos.new.placeholder" });
  const addForm = h(
    "form",
    { class: "inline-form edit-only", novalidate: true, testid: "site-position-add" },
    h("div", { class: "field" }, newCode, errorSlot("code", "error-position-code")),
    h("div", { class: "field" }, newLabel, errorSlot("label", "error-position-label")),
    h("button", { type: "submit", i18n: "site.pos.add", testid: "site-position-add-submit" }),
    formError("site-position-add-error"),
  );
  newCode.name = "code";
  newLabel.name = "label";
  let positions = [];
  let suggested = [];
  const asBody = (p) => ({ code: p.code, label: p.label || "", category: p.category || "", required: p.required !== false, note: p.note || "" });

  /** A code the unit types: a catalogue position as is, anything else as custom:<slug>. */
  function codeOf(typed) {
    const raw = typed.trim();
    if (!raw || raw.includes(":") || catalogue.key_positions.some((p) => p.code === raw)) return raw;
    return `custom:${raw.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "")}`;
  }

  onSubmit(
    addForm,
    () => savePositions([...positions.map(asBody), { code: codeOf(newCode.value), label: newLabel.value.trim(), category: "", required: true, note: "" }]),
    () => {
      newCode.value = "";
      newLabel.value = "";
    },
  );

  async function savePositions(list) {
    const data = await put(PATHS.positions, { positions: list });
    positions = data.positions || [];
    suggested = data.suggested || [];
    renderPositions();
    await loadCoverage();
  }

  function renderPositions() {
    const item = (p, proposed) =>
      h(
        "li",
        { class: proposed ? "pos proposed" : "pos confirmed", testid: `site-position-${p.code}`, dataset: { code: p.code, proposed: String(proposed) } },
        h("span", { class: "pos-name" }, positionName(p)),
        h("span", { class: "hint" }, ` ${p.code}`),
        proposed ? h("span", { class: "badge", i18n: "site.pos.proposed" }) : null,
        !proposed && p.required === false ? h("span", { class: "badge", i18n: "site.pos.optional" }) : null,
        editor
          ? h(
              "span",
              { class: "row-actions" },
              proposed
                ? h("button", { type: "button", i18n: "site.pos.confirm", testid: `site-position-confirm-${p.code}`, onclick: () => change([...positions, p]) })
                : h("button", { type: "button", i18n: "site.pos.drop", testid: `site-position-drop-${p.code}`, onclick: () => change(positions.filter((x) => x.code !== p.code)) }),
            )
          : null,
      );
    const rows = [...positions.map((p) => item(p, false)), ...suggested.map((p) => item(p, true))];
    clear(posBox, rows.length ? h("ul", { class: "positions" }, rows) : h("p", { class: "empty", i18n: "site.pos.none" }));
  }

  function positionName(p) {
    const known = catalogue.key_positions.find((k) => k.code === p.code);
    return known ? nameOf(known, p.code) : p.label || p.code;
  }

  function change(list) {
    return withError(posError, () => savePositions(list.map(asBody)));
  }

  function loadPositions() {
    return withError(posError, async () => {
      const data = await get(PATHS.positions);
      positions = data.positions || [];
      suggested = data.suggested || [];
      renderPositions();
    });
  }

  // -- coverage -------------------------------------------------------------------------------
  const coverageBox = h("div", { testid: "site-coverage" });
  const coverageError = formError("site-coverage-error");
  let coverage = null;

  function renderCoverage() {
    if (!coverage) return clear(coverageBox);
    const rows = coverage.positions || [];
    const gaps = rows.filter((r) => r.status !== "covered");
    clear(
      coverageBox,
      verdict(gaps.length || !rows.length, "site-coverage-summary", t("site.cov.summary", { n: rows.length, gaps: gaps.length })),
      table(
        "site-coverage-table",
        [
          { key: "site.cov.col.position", col: "position", cell: (r) => [positionName(r), h("span", { class: "hint" }, ` ${r.code}`)] },
          { key: "site.cov.col.cameras", col: "cameras", cell: (r) => r.cameras.map((c) => `${c.name} (${label("state", c.state)})`).join(", ") || "—" },
          { key: "site.cov.col.state", col: "state", cell: (r) => h("span", { class: `badge ${r.status === "covered" ? "yes" : "no"}` }, label("site.cov", r.status)) },
        ],
        rows,
        { rowAttrs: (r) => ({ class: r.status === "covered" ? "covered" : "gap", testid: `coverage-${r.code}`, dataset: { status: r.status } }) },
      ),
      (coverage.unsited_cameras || []).length
        ? h("p", { class: "warn", testid: "site-coverage-unsited" }, t("site.cov.unsited", { names: coverage.unsited_cameras.join(", ") }))
        : null,
      (coverage.elsewhere || []).length
        ? h("p", { class: "hint", testid: "site-coverage-elsewhere" }, t("site.cov.elsewhere", { list: coverage.elsewhere.map((e) => `${e.camera} → ${e.location_type}`).join(", ") }))
        : null,
    );
  }

  async function loadCoverage() {
    const loaded = await withError(coverageError, async () => {
      coverage = await get(PATHS.coverage);
    });
    if (!loaded) coverage = null;
    renderCoverage();
  }

  // -- filing form and attachments -------------------------------------------------------------
  const attBox = h("div", { class: "attachments", testid: "site-attachments" });
  const attForm = h("form", { novalidate: true, testid: "site-attachments-form" }, attBox, formError("site-attachments-error"));

  function renderAttachments() {
    clear(
      attBox,
      ATTACHMENTS.map(([kind, key]) => {
        const input = fileInput(`site-upload-${kind}`, {
          name: kind,
          class: "edit-only",
          onchange: () => input.files.length && inForm(attForm, () => store(input, kind)),
        });
        const current = profile && profile[`${kind}_id`];
        return h(
          "div",
          { class: "field attachment", testid: `site-attachment-${kind}` },
          h("label", { i18n: key }),
          h("span", { testid: `site-attachment-current-${kind}` }, attachmentLink(current, `site-attachment-link-${kind}`)),
          editor ? input : null,
          errorSlot(kind, `error-${kind}`),
        );
      }),
    );
  }

  /** Upload the file chosen in `input` and file it in the profile as its `kind`. */
  async function store(input, kind) {
    try {
      const id = await attach(input, kind);
      profile = (await put(PATHS.profile, { [`${kind}_id`]: id })).profile;
    } catch (err) {
      throw Object.assign(err, { field: err.field ? err.field.replace(/_id$/, "") : kind });
    }
    renderAttachments();
  }

  const bureau = filingSection(user);
  const holds = holdsCard(user);
  const filing = section(
    "site.filing.title",
    "site-filing",
    articles("A13.2"),
    h("p", { class: "hint", i18n: "site.filing.hint" }),
    h("div", { class: "actions start" }, download(PATHS.filingPdf, "site.filing.download", "site-filing-pdf", "filing-form.pdf")),
    attForm,
  );

  clear(
    container,
    h("h1", { i18n: "site.title" }),
    section("site.profile.title", "site-profile-card", articles("A7, A9, A11, A13.2"), form),
    section("site.pos.title", "site-positions", articles("A7"), h("p", { class: "hint", i18n: "site.pos.hint" }), posBox, editor ? addForm : null, posError),
    section("site.cov.title", "site-coverage-card", articles("A7"), coverageBox, coverageError),
    filing,
    bureau.el,
    holds.card,
  );

  async function loadProfile() {
    try {
      profile = (await get(PATHS.profile)).profile;
    } catch (err) {
      showFormError(form, err);
      profile = null;
    }
    fillSpecs(specs, profile);
    renderStatus();
  }

  async function loadForm() {
    try {
      catalogue = { ...catalogue, ...(await get(PATHS.catalogue)) };
    } catch (err) {
      showFormError(form, err);
    }
    renderCatalogue();
    await loadProfile();
    renderCatalogue();
    showMainWorks();
  }

  async function load() {
    await holdUntil(form, loadForm());
    renderAttachments();
    await Promise.all([loadPositions(), loadCoverage(), bureau.load()]);
  }

  load();
  const stopLang = onLang(() => {
    renderCatalogue();
    renderPositions();
    renderCoverage();
  });
  return () => {
    stopLang();
    bureau.stop();
    holds.stop();
  };
}
