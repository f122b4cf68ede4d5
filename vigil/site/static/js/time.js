// Instants are integers of microseconds since the epoch (UTC), as in the API.

export const US = 1_000_000;
export const HOUR_US = 3600 * US;
export const DAY_US = 24 * HOUR_US;

const pad = (n, w = 2) => String(n).padStart(w, "0");

export function nowUs() {
  return Date.now() * 1000;
}

/** "2026-11-28T04:43:14.123Z" */
export function isoUtc(us) {
  return new Date(Math.floor(us / 1000)).toISOString();
}

/** "2026-11-28 12:43:14.123" in the browser's time zone (ms optional). */
export function localText(us, withMs = true) {
  const d = new Date(Math.floor(us / 1000));
  const text =
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMs ? `${text}.${pad(d.getMilliseconds(), 3)}` : text;
}

/** "UTC+08:00" for the browser's offset at `us`. */
export function zoneName(us) {
  const off = -new Date(Math.floor(us / 1000)).getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  return `UTC${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

/**
 * A typed instant: ISO with a zone ("…Z", "…+08:00") is taken as is; a plain
 * "YYYY-MM-DD[ T]HH:MM[:SS[.mmm]]" is local time. Returns microseconds or null.
 */
export function parseInstant(text) {
  const raw = String(text || "").trim();
  if (!raw) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(raw);
  if (!m) return null;
  const [, y, mo, d, hh = "0", mm = "0", ss = "0", frac = "0", zone] = m;
  const fracUs = Number(frac.padEnd(6, "0"));
  let ms;
  if (zone) {
    ms = Date.UTC(+y, +mo - 1, +d, +hh, +mm, +ss);
    if (zone.toUpperCase() !== "Z") {
      const sign = zone[0] === "-" ? -1 : 1;
      const digits = zone.slice(1).replace(":", "");
      ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60000;
    }
  } else {
    ms = new Date(+y, +mo - 1, +d, +hh, +mm, +ss).getTime();
  }
  if (Number.isNaN(ms)) return null;
  return ms * 1000 + fracUs;
}

/** Local midnight at or before `us`. */
export function localDayStart(us) {
  const d = new Date(Math.floor(us / 1000));
  d.setHours(0, 0, 0, 0);
  return d.getTime() * 1000;
}

/** "YYYY-MM-DD" of the local day containing `us`. */
export function localDate(us) {
  return localText(us, false).slice(0, 10);
}

/** A short duration label: "2 h", "15 min", "30 s". */
export function spanLabel(us) {
  if (us >= HOUR_US) return `${+(us / HOUR_US).toFixed(1)} h`;
  if (us >= 60 * US) return `${+(us / 60 / US).toFixed(1)} min`;
  return `${+(us / US).toFixed(1)} s`;
}
