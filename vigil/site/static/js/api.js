// The API under /api/v1: same-origin cookie session, X-CSRF-Token on every change, and
// JSON errors ({"error": {code, message, field, article}}) thrown as ApiError.

export const API = "/api/v1";

let csrfToken = null;
let onSignedOut = null;

export function setCsrf(token) {
  csrfToken = token || null;
}

/** Called (once per burst) when the server answers 401 to a signed-in request. */
export function onUnauthorized(fn) {
  onSignedOut = fn;
}

export class ApiError extends Error {
  constructor(status, error = {}) {
    super(error.message || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = error.code || "error";
    this.field = error.field || null;
    this.article = error.article || null;
  }
}

export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin", cache: "no-store" };
  if (body instanceof FormData) {
    init.body = body; // multipart: the browser writes the boundary
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (method !== "GET" && method !== "HEAD" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let response;
  try {
    response = await fetch(API + path, init);
  } catch (err) {
    const e = new ApiError(0, { code: "network", message: String(err) });
    e.network = true;
    throw e;
  }
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const error = (data && data.error) || { message: `HTTP ${response.status}` };
    if (response.status === 401 && !path.startsWith("/auth/login") && onSignedOut) onSignedOut();
    throw new ApiError(response.status, error);
  }
  return data;
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body === undefined ? {} : body);
export const put = (path, body) => api("PUT", path, body === undefined ? {} : body);
export const patch = (path, body) => api("PATCH", path, body === undefined ? {} : body);
export const del = (path) => api("DELETE", path);

/** "?a=1&b=2" from the non-empty entries of an object. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** Bytes of a URL (optionally a byte range, inclusive end) as an ArrayBuffer. */
export async function fetchBytes(url, start, end) {
  const headers = {};
  if (start !== undefined) headers.Range = `bytes=${start}-${end}`;
  let response;
  try {
    response = await fetch(url, { headers, credentials: "same-origin" });
  } catch (err) {
    const e = new ApiError(0, { code: "network", message: String(err) });
    e.network = true;
    throw e;
  }
  if (!response.ok) {
    const data = await response.json().catch(() => null);
    throw new ApiError(response.status, (data && data.error) || {});
  }
  return response.arrayBuffer();
}

export function wsUrl(path) {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}${API}${path}`;
}
