// Building the page without innerHTML (so server text can never become markup), plus the
// ways errors are shown: the message, the field it names and the article it cites.

import { cite, t } from "./i18n.js";

/**
 * h("button", {class: "x", i18n: "pb.go", onclick: fn, testid: "seek-button"}, ...children)
 * i18n / i18nPlaceholder / i18nTitle keys are re-applied when the language changes.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") el.className = value;
    else if (name === "testid") el.dataset.testid = value;
    else if (name === "i18n") {
      el.dataset.i18n = value;
      el.textContent = t(value);
    } else if (name === "i18nPlaceholder") {
      el.dataset.i18nPlaceholder = value;
      el.placeholder = t(value);
    } else if (name === "i18nTitle") {
      el.dataset.i18nTitle = value;
      el.title = t(value);
    } else if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name in el && typeof value !== "string") el[name] = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A block explaining an error: message, then the field and the article, if any. */
export function errorBox(err, testid = "error") {
  const box = h("div", { class: "error", role: "alert", testid });
  fillError(box, err);
  return box;
}

export function fillError(box, err) {
  if (!err) {
    clear(box);
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const parts = [h("span", { class: "error-message" }, messageOf(err))];
  if (err.field) {
    parts.push(h("span", { class: "error-field" }, `${t("error.field")}: ${fieldName(err.field)}`));
  }
  if (err.article) parts.push(h("span", { class: "error-article" }, cite(err.article)));
  clear(box, parts);
}

export function messageOf(err) {
  if (err && err.network) return t("error.network");
  return String((err && err.message) || err);
}

export function fieldName(field) {
  const key = `field.${field}`;
  const text = t(key);
  return text === key ? field : `${text} (${field})`;
}

/**
 * Show err next to the input it names: inside `form`, the element [data-error-for=<field>];
 * errors naming no known field go to the [data-error-for=""] box. Returns the box used.
 */
export function showFormError(form, err) {
  for (const box of form.querySelectorAll("[data-error-for]")) fillError(box, null);
  for (const input of form.querySelectorAll(".invalid")) input.classList.remove("invalid");
  if (!err) return null;
  let box = err.field ? form.querySelector(`[data-error-for="${CSS.escape(err.field)}"]`) : null;
  if (box) {
    const input = form.querySelector(`[name="${CSS.escape(err.field)}"]`);
    if (input) input.classList.add("invalid");
  } else {
    box = form.querySelector('[data-error-for=""]');
  }
  if (box) fillError(box, err);
  return box;
}

/** A labelled input row with its own error box. */
export function field(name, labelKey, input, hintKey) {
  input.name = name;
  input.id = input.id || `f-${name}-${Math.random().toString(36).slice(2, 8)}`;
  return h(
    "div",
    { class: "field" },
    h("label", { for: input.id, i18n: labelKey }),
    input,
    hintKey ? h("small", { class: "hint", i18n: hintKey }) : null,
    errorSlot(name, `error-${name}`),
  );
}

/**
 * The hidden box where showFormError puts an error that names `name` ("" for the box of the
 * errors that name no field of the form).
 */
export function errorSlot(name, testid) {
  return h("div", { class: "error", hidden: true, dataset: { errorFor: name }, testid });
}
