// Exports (copies): camera, range, purpose and destination (A17.2(2)) -> a job on the
// server; its progress is polled and a download link appears when the package is ready.
// Errors are shown next to the field they name.

import { API, get, post } from "./api.js";
import { clear, field, fillError, h, showFormError } from "./dom.js";
import { cite, label, onLang, t } from "./i18n.js";
import { CALLER_ARTICLE, PURPOSE_ARTICLE, callerUnitInput } from "./purpose.js";
import { US, isoUtc, localText, nowUs, parseInstant } from "./time.js";

const POLL_MS = 1000;

export function mount(container) {
  const jobs = new Map(); // id -> {job, row, timer, range}
  const camera = h("select", { testid: "export-camera" });
  const from = h("input", { type: "text", testid: "export-from", value: localText(nowUs() - 2 * 60 * US, false) });
  const to = h("input", { type: "text", testid: "export-to", value: localText(nowUs() - 60 * US, false) });
  const purpose = h("input", { type: "text", maxlength: 500, testid: "export-purpose", i18nPlaceholder: "dlg.purpose.placeholder" });
  const destination = h("input", { type: "text", maxlength: 500, testid: "export-destination", i18nPlaceholder: "dlg.destination.placeholder" });
  const callerUnit = callerUnitInput("export-caller-unit");
  // For publication (N22): a masked copy beside the original; regions one per line.
  const mask = h("input", { type: "checkbox", testid: "export-mask" });
  const maskRegions = h("textarea", { rows: 2, testid: "export-mask-regions", placeholder: "x,y,w,h@from-to", disabled: true });
  mask.addEventListener("change", () => { maskRegions.disabled = !mask.checked; });
  const submit = h("button", { type: "submit", class: "primary", i18n: "ex.submit", testid: "export-submit" });
  const form = h(
    "form",
    { class: "card", novalidate: true, testid: "export-form" },
    h("h1", { i18n: "ex.title" }),
    h("p", { class: "article" }, cite(PURPOSE_ARTICLE)),
    h(
      "div",
      { class: "form-grid" },
      field("camera", "ex.camera", camera),
      field("from", "ex.from", from, "ex.time.hint"),
      field("to", "ex.to", to, "ex.time.hint"),
      field("purpose", "ex.purpose", purpose),
      field("destination", "ex.destination", destination),
      field("caller_unit", "field.caller_unit", callerUnit, "dlg.caller_unit.hint"),
      field("mask", "ex.mask", mask, "ex.mask.hint"),
      field("mask_region", "ex.mask.regions", maskRegions, "ex.mask.regions.hint"),
    ),
    h("p", { class: "article", testid: "export-caller-unit-article" }, cite(CALLER_ARTICLE)),
    h("div", { class: "error", hidden: true, dataset: { errorFor: "" }, testid: "export-error" }),
    h("div", { class: "actions" }, submit),
  );
  const list = h("div", { class: "jobs", testid: "export-jobs" }, h("h2", { i18n: "ex.jobs" }));
  clear(container, form, list);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showFormError(form, null);
    const values = {
      camera: camera.value,
      from: parseInstant(from.value),
      to: parseInstant(to.value),
      purpose: purpose.value.trim(),
      destination: destination.value.trim(),
    };
    // Left empty, the server registers the site's own unit (N16.2(3)).
    if (callerUnit.value.trim()) values.caller_unit = callerUnit.value.trim();
    if (mask.checked) {
      values.mask = true;
      values.mask_regions = maskRegions.value.split("\n").map((line) => line.trim()).filter(Boolean);
    }
    for (const name of ["from", "to"]) {
      if (values[name] === null) return showFormError(form, { message: t("pb.badtime"), field: name });
    }
    for (const name of ["purpose", "destination"]) {
      if (!values[name]) return showFormError(form, { message: t("dlg.required"), field: name, article: PURPOSE_ARTICLE });
    }
    submit.disabled = true;
    try {
      const job = await post("/exports", { ...values, from: isoUtc(values.from), to: isoUtc(values.to) });
      track(job, `${localText(values.from, false)} – ${localText(values.to, false)}`);
    } catch (err) {
      showFormError(form, err);
    } finally {
      submit.disabled = false;
    }
  });

  function track(job, range) {
    const progress = h("progress", { max: 1, value: 0, testid: "export-progress" });
    const state = h("span", { class: "badge", testid: "export-state" });
    const link = h("span", { class: "job-link" });
    const error = h("div", { class: "error", hidden: true, testid: "export-job-error" });
    const row = h(
      "div",
      { class: "card job", testid: `export-job-${job.id}`, dataset: { job: job.id } },
      h("div", {}, h("strong", {}, job.camera), " ", h("span", { class: "hint" }, range),
        job.masked ? h("span", { class: "badge", i18n: "ex.masked", testid: "export-masked" }) : null, error),
      h("div", {}, progress, " ", state),
      link,
    );
    list.append(row);
    const entry = { job, row, progress, state, link, error, timer: null };
    jobs.set(job.id, entry);
    render(entry);
    poll(entry);
  }

  async function poll(entry) {
    if (entry.job.state !== "running") return;
    entry.timer = setTimeout(async () => {
      try {
        entry.job = await get(`/exports/${encodeURIComponent(entry.job.id)}`);
        fillError(entry.error, null);
      } catch (err) {
        fillError(entry.error, err);
      }
      render(entry);
      poll(entry);
    }, POLL_MS);
  }

  function render(entry) {
    const { job } = entry;
    entry.progress.value = job.state === "done" ? 1 : job.progress || 0;
    entry.state.textContent = `${label("ex", job.state)} ${Math.round((job.progress || 0) * 100)}%`;
    entry.state.className = `badge state-${job.state === "done" ? "recording" : job.state === "failed" ? "failed" : "connecting"}`;
    if (job.state === "failed" && job.error) fillError(entry.error, { message: job.error });
    if (job.state === "done" && !entry.link.firstChild) {
      const href = `${API}/exports/${encodeURIComponent(job.id)}/download`;
      entry.link.append(h("a", { href, download: job.file || "", i18n: "ex.download", testid: "export-download", class: "button" }));
    }
  }

  async function loadCameras() {
    try {
      const cams = (await get("/cameras")).filter((c) => c.rights && c.rights.export);
      clear(camera, cams.map((c) => h("option", { value: c.name }, c.name)));
      if (!cams.length) showFormError(form, { message: t("ex.none") });
    } catch (err) {
      showFormError(form, err);
    }
  }

  loadCameras();
  const stopLang = onLang(() => jobs.forEach(render));
  return () => {
    stopLang();
    for (const entry of jobs.values()) clearTimeout(entry.timer);
  };
}
