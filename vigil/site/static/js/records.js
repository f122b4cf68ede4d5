// Building blocks shared by the pages of the unit's records (site, cameras, staff,
// maintenance, compliance): permission checks, cards, tables, badges and loading a part of a
// page with its error box. Forms are in forms.js, files in attachments.js.

import { fillError, h } from "./dom.js";
import { cite, getLang } from "./i18n.js";
import { localText } from "./time.js";

/** Whether the signed-in user holds `permission` (as /auth/me lists them). */
export function can(user, permission) {
  return Boolean(user && (user.permissions || []).includes(permission));
}

/** A titled card: h2 + children. */
export function section(titleKey, testid, ...children) {
  return h("section", { class: "card record", testid }, h("h2", { i18n: titleKey }), ...children);
}

/** The line that cites the articles a card is about ("A7, A14"). */
export function articles(ids) {
  return h("p", { class: "article" }, cite(ids));
}

/** A one-line verdict in green, or red when `bad`. */
export function verdict(bad, testid, ...children) {
  return h("p", { class: bad ? "summary bad" : "summary ok", testid }, ...children);
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

/**
 * A table: columns [{key: i18n key, cell: row => node|text, col?, class?}], rows, options
 * (attributes of each row, the text when there are none, the table's class, the body's testid).
 */
export function table(testid, columns, rows, { rowAttrs = () => ({}), emptyKey = "rec.none", tableClass, bodyTestid } = {}) {
  const body = rows.length
    ? rows.map((row) => h("tr", rowAttrs(row), columns.map((c) => h("td", { class: c.class, dataset: c.col ? { col: c.col } : undefined }, c.cell(row)))))
    : [h("tr", {}, h("td", { colspan: columns.length, class: "empty", i18n: emptyKey }))];
  return h(
    "div",
    { class: "table-wrap records" },
    h(
      "table",
      { testid, class: tableClass },
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { i18n: c.key })))),
      h("tbody", { testid: bodyTestid }, body),
    ),
  );
}

/** A small yes/no badge. */
export function yesNo(value, testid) {
  return h("span", { class: `badge ${value ? "yes" : "no"}`, testid, i18n: value ? "rec.yes" : "rec.no" });
}

/** The list in an API answer: the answer itself, or the first of `keys` it has. */
export function listOf(data, ...keys) {
  if (Array.isArray(data)) return data;
  for (const key of keys) if (data && data[key]) return data[key];
  return [];
}

/**
 * Run `fn` (which talks to the API) with `box` telling its error: cleared first, filled if
 * `fn` throws. Resolves to whether it succeeded.
 */
export async function withError(box, fn) {
  fillError(box, null);
  try {
    await fn();
    return true;
  } catch (err) {
    fillError(box, err);
    return false;
  }
}
