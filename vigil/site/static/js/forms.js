// The forms of the unit's records: inputs, a form built from a field list, its values in and
// out, and a submit handler that shows the server's error next to the field it names.

import { clear, errorSlot, field, h, showFormError } from "./dom.js";
import { t } from "./i18n.js";
import { isoUtc, parseInstant } from "./time.js";

export const text = (testid, attrs = {}) => h("input", { type: "text", testid, ...attrs });
export const dateInput = (testid, attrs = {}) => h("input", { type: "date", testid, ...attrs });
export const textarea = (testid, attrs = {}) => h("textarea", { rows: 2, testid, ...attrs });
export const checkbox = (testid, attrs = {}) => h("input", { type: "checkbox", testid, ...attrs });
export const fileInput = (testid, attrs = {}) => h("input", { type: "file", testid, ...attrs });
/** A text input for an instant typed as local time (read it with the spec value `instant`). */
export const instantInput = (testid) => text(testid, { placeholder: "YYYY-MM-DD HH:MM" });

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
  return errorSlot("", testid);
}

/** A message box that says a change was saved (cleared on the next submit). */
export function savedNote(testid) {
  return h("span", { class: "saved", testid, hidden: true, i18n: "rec.saved" });
}

/**
 * A form built from field specs [{name, key, input, hint?, wide?, value?, fill?}] with its own
 * error box (`${testid}-error`) and submit button (`${testid}-submit`).
 */
export function specForm(testid, specs, submitKey, { title = null, extra = [] } = {}) {
  const submit = h("button", { type: "submit", class: "primary", i18n: submitKey, testid: `${testid}-submit` });
  return h(
    "form",
    { class: "record-form", novalidate: true, testid },
    title ? h("h3", { i18n: title }) : null,
    h(
      "fieldset",
      { class: "form-body" },
      h("div", { class: "form-grid" }, specs.map((s) => wrap(field(s.name, s.key, s.input, s.hint), s.wide))),
      extra,
      formError(`${testid}-error`),
      h("div", { class: "actions" }, submit),
    ),
  );
}

/**
 * Keep a spec form's fields disabled until `loading` (the record it shows) settles, so that
 * nothing typed meanwhile is overwritten when the record arrives. Resolves to its result.
 */
export async function holdUntil(form, loading) {
  const body = form.querySelector("fieldset.form-body");
  body.disabled = true;
  form.setAttribute("aria-busy", "true");
  try {
    return await loading;
  } finally {
    body.disabled = false;
    form.removeAttribute("aria-busy");
  }
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

/** null for blank values: what the API wants for a blank optional field. */
export function orNull(value) {
  const v = typeof value === "string" ? value.trim() : value;
  return v === "" || v === undefined ? null : v;
}

/** The entries of `body` whose value is not null: the server then applies its defaults. */
export function compact(body) {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null && v !== undefined));
}

/** A spec `value` for a <select> of record ids: the id as a number, or null. */
export const idValue = (el) => (el.value ? Number(el.value) : null);

/** A spec `value` for an instant typed as local "YYYY-MM-DD HH:MM" (or ISO): ISO UTC; blank -> null. */
export function instant(el) {
  const raw = el.value.trim();
  if (!raw) return null;
  const us = parseInstant(raw);
  if (us === null) throw Object.assign(new Error(t("pb.badtime")), { field: el.name });
  return isoUtc(us);
}

/** [values[name], the other values]; an error at field `name` when it is blank. */
export function required(values, name) {
  const { [name]: value, ...rest } = values;
  if (!value) throw { message: t("dlg.required"), field: name };
  return [value, rest];
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

/**
 * Run `fn` (which talks to the API) on behalf of `form`: clear its old errors, disable its
 * `buttons` meanwhile and show a rejection next to the field it names. Resolves to whether
 * `fn` succeeded.
 */
export async function inForm(form, fn, buttons = 'button[type="submit"]') {
  showFormError(form, null);
  const disabled = [...form.querySelectorAll(buttons)];
  disabled.forEach((b) => (b.disabled = true));
  try {
    await fn();
    return true;
  } catch (err) {
    const box = showFormError(form, err);
    if (!box) console.error(err);
    return false;
  } finally {
    disabled.forEach((b) => (b.disabled = false));
  }
}

/** On submit: run `send()` in the form (see inForm), show `note` and call `done(result)` on success. */
export function onSubmit(form, send, done, note) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (note) note.hidden = true;
    return inForm(form, async () => {
      const result = await send();
      if (note) note.hidden = false;
      if (done) await done(result);
    });
  });
  return form;
}

/** onSubmit for a form that adds a record: on success it is emptied and `reload()` runs. */
export function onAdd(form, send, reload) {
  return onSubmit(form, send, () => {
    form.reset();
    return reload();
  });
}
