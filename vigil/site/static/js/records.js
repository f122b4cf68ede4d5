// Building blocks shared by the pages of the unit's records (site, cameras, staff,
// maintenance, compliance): permission checks, cards, tables, form inputs, a submit handler
// that shows the server's error next to the field it names, uploads and downloads.

import { API, post } from "./api.js";
import { clear, field, fillError, h, showFormError } from "./dom.js";
import { getLang, t } from "./i18n.js";
import { localText } from "./time.js";

/** Whether the signed-in user holds `permission` (as /auth/me lists them). */
export function can(user, permission) {
  return Boolean(user && (user.permissions || []).includes(permission));
}

/** A titled card: h2 + children. */
export function section(titleKey, testid, ...children) {
  return h("section", { class: "card record", testid }, h("h2", { i18n: titleKey }), ...children);
}

/** A bilingual name from a catalogue entry ({zh, en} or {name_zh, name_en}), else the code. */
export function nameOf(entry, code) {
  if (!entry) return String(code ?? "");
  const zh = entry.zh ?? entry.name_zh ?? entry.label_zh;
  const en = entry.en ?? entry.name_en ?? entry.label_en;
  const text = getLang() === "en" ? en || zh : zh || en;
  return text || entry.label || entry.name || String(code ?? entry.code ?? "");
}

/** "2026-11-28 12:43" from microseconds (local), or "". */
export function when(us) {
  return us === null || us === undefined || us === "" ? "" : localText(Number(us), false).slice(0, 16);
}

/** A table: columns [{key: i18n key, cell: row => node|text, class?}], rows, options. */
export function table(testid, columns, rows, { rowAttrs = () => ({}), emptyKey = "rec.none" } = {}) {
  const body = rows.length
    ? rows.map((row) => h("tr", rowAttrs(row), columns.map((c) => h("td", { class: c.class, dataset: c.col ? { col: c.col } : undefined }, c.cell(row)))))
    : [h("tr", {}, h("td", { colspan: columns.length, class: "empty", i18n: emptyKey }))];
  return h(
    "div",
    { class: "table-wrap records" },
    h("table", { testid }, h("thead", {}, h("tr", {}, columns.map((c) => h("th", { i18n: c.key })))), h("tbody", {}, body)),
  );
}

export const text = (testid, attrs = {}) => h("input", { type: "text", testid, ...attrs });
export const dateInput = (testid, attrs = {}) => h("input", { type: "date", testid, ...attrs });
export const textarea = (testid, attrs = {}) => h("textarea", { rows: 2, testid, ...attrs });
export const checkbox = (testid, attrs = {}) => h("input", { type: "checkbox", testid, ...attrs });

/** A <select> of [value, label] pairs, with an optional empty first choice. */
export function select(testid, options, { empty = null, value = "" } = {}) {
  const el = h("select", { testid });
  fillSelect(el, options, { empty, value });
  return el;
}

export function fillSelect(el, options, { empty = null, value = el.value } = {}) {
  clear(el, empty !== null ? h("option", { value: "" }, empty) : null, options.map(([v, label, attrs = {}]) => h("option", { value: v, ...attrs }, label)));
  el.value = value ?? "";
}

/** The error box for errors that name no field of this form. */
export function formError(testid) {
  return h("div", { class: "error", hidden: true, dataset: { errorFor: "" }, testid });
}

/** A message box that says a change was saved (cleared on the next submit). */
export function savedNote(testid) {
  return h("span", { class: "saved", testid, hidden: true, i18n: "rec.saved" });
}

/**
 * On submit: clear old errors, run `send()` (which talks to the API), show a rejected
 * promise's error next to the field it names, and call `done(result)` on success.
 */
export function onSubmit(form, send, done, note) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showFormError(form, null);
    if (note) note.hidden = true;
    const buttons = [...form.querySelectorAll('button[type="submit"]')];
    buttons.forEach((b) => (b.disabled = true));
    try {
      const result = await send();
      if (note) note.hidden = false;
      if (done) await done(result);
    } catch (err) {
      const box = showFormError(form, err);
      if (!box) console.error(err);
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  });
  return form;
}

/** Upload `file` (multipart field "file", plus `extra` fields) to an API path. */
export function upload(path, file, extra = {}) {
  const data = new FormData();
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== null) data.append(k, v);
  data.append("file", file, file.name);
  return post(path, data);
}

/** A link that downloads an API resource (the session cookie goes along). */
export function download(path, key, testid, filename = "") {
  return h("a", { href: `${API}${path}`, download: filename, i18n: key, testid, class: "button" });
}

const attachmentNames = new Map(); // id -> file name, from uploads and HEAD requests

/** Remember an uploaded attachment's file name (the API lists attachments by id). */
export function rememberAttachment(saved) {
  if (saved && saved.id) attachmentNames.set(saved.id, saved.filename);
}

/** A link to an attachment by id (or {id, filename}), or "—"; named once its name is known. */
export function attachmentLink(att, testid) {
  if (!att) return h("span", { class: "hint" }, "—");
  const id = typeof att === "object" ? att.id : att;
  if (typeof att === "object" && att.filename) attachmentNames.set(id, att.filename);
  const href = `${API}/attachments/${encodeURIComponent(id)}`;
  const link = h("a", { href, target: "_blank", rel: "noopener", testid }, attachmentNames.get(id) || `#${id}`);
  if (!attachmentNames.has(id)) {
    fetch(href, { method: "HEAD", credentials: "same-origin" })
      .then((r) => {
        const m = /filename\*=UTF-8''([^;]+)/i.exec(r.headers.get("Content-Disposition") || "");
        if (!r.ok || !m) return;
        attachmentNames.set(id, decodeURIComponent(m[1]));
        link.textContent = attachmentNames.get(id);
      })
      .catch(() => {});
  }
  return link;
}

/** "" for empty values: what the API wants for a blank optional field. */
export function orNull(value) {
  const v = typeof value === "string" ? value.trim() : value;
  return v === "" || v === undefined ? null : v;
}

/** A line for a page that failed to load. */
export function loadError(box, err) {
  fillError(box, err);
}

/** A small yes/no badge. */
export function yesNo(value, testid) {
  return h("span", { class: `badge ${value ? "yes" : "no"}`, testid, i18n: value ? "rec.yes" : "rec.no" });
}

/**
 * A form built from field specs [{name, key, input, hint?, wide?}] with its own error box
 * (`${testid}-error`) and submit button (`${testid}-submit`).
 */
export function specForm(testid, specs, submitKey, { title = null, extra = [] } = {}) {
  const submit = h("button", { type: "submit", class: "primary", i18n: submitKey, testid: `${testid}-submit` });
  return h(
    "form",
    { class: "record-form", novalidate: true, testid },
    title ? h("h3", { i18n: title }) : null,
    h("div", { class: "form-grid" }, specs.map((s) => wrap(field(s.name, s.key, s.input, s.hint), s.wide))),
    extra,
    formError(`${testid}-error`),
    h("div", { class: "actions" }, submit),
  );
}

function wrap(el, wide) {
  if (wide) el.classList.add("wide");
  return el;
}

/** The values of spec inputs: trimmed text (null when blank), booleans for checkboxes. */
export function valuesOf(specs) {
  const out = {};
  for (const s of specs) {
    const el = s.input;
    if (s.value) out[s.name] = s.value(el);
    else if (el.type === "checkbox") out[s.name] = el.checked;
    else if (el.type === "number") out[s.name] = el.value === "" ? null : Number(el.value);
    else out[s.name] = orNull(el.value);
  }
  return out;
}

/** The entries of `body` whose value is not null: the server then applies its defaults. */
export function compact(body) {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null && v !== undefined));
}

/** Put a record's values into spec inputs. */
export function fillSpecs(specs, record) {
  for (const s of specs) {
    const v = record ? record[s.name] : null;
    if (s.fill) s.fill(s.input, v);
    else if (s.input.type === "checkbox") s.input.checked = Boolean(v);
    else s.input.value = v ?? "";
  }
}

/** Disable every input of a form (read-only view for those who may not edit). */
export function readOnly(form) {
  for (const el of form.querySelectorAll("input, select, textarea")) el.disabled = true;
  for (const el of form.querySelectorAll('button[type="submit"], .edit-only')) el.remove();
}

export { t };
