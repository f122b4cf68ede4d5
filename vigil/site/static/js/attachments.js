// Files of the unit's records: uploading the file chosen in an input as an attachment, links
// to attachments by id (named once the name is known) and download links to API resources.

import { API, post } from "./api.js";
import { h } from "./dom.js";

export const ATTACHMENTS_PATH = "/attachments";

const attachmentNames = new Map(); // id -> file name, from uploads and HEAD requests

/** Upload `file` (multipart field "file", plus `extra` fields) to an API path. */
export function upload(path, file, extra = {}) {
  const data = new FormData();
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== null) data.append(k, v);
  data.append("file", file, file.name);
  return post(path, data);
}

/**
 * Upload the file chosen in `input` (if any) as an attachment of `kind` and return its id
 * (null when no file is chosen). A rejection about the file is told at the input's field.
 */
export async function attach(input, kind) {
  if (!input.files || !input.files.length) return null;
  try {
    const saved = await upload(ATTACHMENTS_PATH, input.files[0], { kind });
    rememberAttachment(saved);
    return saved.id;
  } catch (err) {
    throw Object.assign(err, { field: err.field && err.field !== "file" ? err.field : input.name });
  }
}

/** A link that downloads an API resource (the session cookie goes along). */
export function download(path, key, testid, filename = "") {
  return h("a", { href: `${API}${path}`, download: filename, i18n: key, testid, class: "button" });
}

/** The URL of an attachment's bytes. */
export function attachmentUrl(id) {
  return `${API}${ATTACHMENTS_PATH}/${encodeURIComponent(id)}`;
}

/** Remember an uploaded attachment's file name (the API lists attachments by id). */
export function rememberAttachment(saved) {
  if (saved && saved.id) attachmentNames.set(saved.id, saved.filename);
}

/** A link to an attachment by id (or {id, filename}), or "—"; named once its name is known. */
export function attachmentLink(att, testid) {
  if (!att) return h("span", { class: "hint" }, "—");
  const id = typeof att === "object" ? att.id : att;
  if (typeof att === "object" && att.filename) attachmentNames.set(id, att.filename);
  const href = attachmentUrl(id);
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
