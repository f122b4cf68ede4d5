// Where each camera looks and why (A7, A8, A14): its location type from the catalogue (the
// places A8 forbids are listed, and the server refuses them citing the item), its purpose,
// the sign (with a photo), and the reference view an administrator approves (the fixed
// range the health checks compare the picture with).

import { get, post, put } from "./api.js";
import { attach, attachmentUrl } from "./attachments.js";
import { clear, errorSlot, h, showFormError } from "./dom.js";
import { onLang, t } from "./i18n.js";
import { checkbox, fileInput, fillSelect, fillSpecs, formError, inForm, onSubmit, readOnly, required, savedNote, select, specForm, text, textarea, valuesOf } from "./forms.js";
import { articles, can, nameOf, section, table, when, withError, yesNo } from "./records.js";

export const PATHS = {
  catalogue: "/regulation/catalogue",
  positions: "/site/positions",
  all: "/siting", // every camera's siting in one call, rights to video not needed
  siting: (cam) => `/cameras/${encodeURIComponent(cam)}/siting`,
  reference: (cam) => `/cameras/${encodeURIComponent(cam)}/reference`,
  approve: (cam) => `/cameras/${encodeURIComponent(cam)}/reference/approve`,
};

const textOf = (el) => el.value.trim();

export function mount(container, { user }) {
  const editor = can(user, "manage_site");
  const aimer = editor || can(user, "manage_cameras"); // maintainers aim cameras: they take views
  let types = [];
  let custom = []; // the unit's own key positions (custom:<slug>)
  let rows = [];
  let current = null; // the camera being edited

  const list = h("div", { testid: "siting-list" });
  const listError = formError("siting-list-error");

  const camera = select("siting-camera", []);
  const locationType = select("siting-location_type", []);
  const specs = [
    { name: "camera", key: "field.camera", input: camera, value: (el) => el.value, fill: () => {} },
    { name: "location_type", key: "field.location_type", input: locationType },
    { name: "location_note", key: "field.location_note", input: text("siting-location_note", { maxlength: 200 }), value: textOf },
    { name: "purpose", key: "field.purpose", input: textarea("siting-purpose", { maxlength: 500 }), wide: true, value: textOf },
    { name: "sign_installed", key: "field.sign_installed", input: checkbox("siting-sign_installed") },
  ];
  const note = savedNote("siting-saved");
  const form = specForm("siting-form", specs, "rec.save");
  form.querySelector(".actions").prepend(note);
  camera.addEventListener("change", () => pick(camera.value));

  onSubmit(
    form,
    () => {
      const [name, body] = required(valuesOf(specs), "camera");
      return put(PATHS.siting(name), body);
    },
    () => load(camera.value),
    note,
  );
  if (!editor) readOnly(form);

  // sign photo and reference view of the chosen camera
  const signBox = h("div", { class: "media-box", testid: "siting-sign" });
  const refBox = h("div", { class: "media-box", testid: "siting-reference" });
  const mediaForm = h("form", { novalidate: true, testid: "siting-media" }, h("div", { class: "media-row" }, signBox, refBox), formError("siting-media-error"));

  /** The heading, article and picture (or "none") of a media box. */
  const picture = (titleKey, id, testid, noneKey) => [
    h("h3", { i18n: titleKey }),
    articles("A14"),
    id ? h("img", { src: attachmentUrl(id), alt: t(titleKey), testid }) : h("p", { class: "empty", i18n: noneKey }),
  ];

  function renderMedia() {
    const r = current;
    if (!r) {
      clear(signBox);
      clear(refBox);
      return;
    }
    const file = fileInput("siting-sign-upload", {
      accept: "image/*",
      name: "sign_photo",
      onchange: () =>
        act(async () => {
          const id = await attach(file, "sign_photo");
          if (id) await put(PATHS.siting(r.camera), { sign_photo_id: id });
        }),
    });
    clear(
      signBox,
      picture("siting.sign.title", r.sign_photo_id, "siting-sign-img", "siting.sign.none"),
      editor ? h("label", { class: "upload" }, h("span", { i18n: "siting.sign.upload" }), file) : null,
      errorSlot("sign_photo", "error-sign_photo"),
    );
    const view = r.reference_view_id;
    const approvedBy = r.reference_approved_by;
    const approvedUs = r.reference_approved_us;
    clear(
      refBox,
      picture("siting.ref.title", view, "siting-ref-img", "siting.ref.none"),
      view
        ? h(
            "p",
            { class: approvedBy ? "ok" : "warn", testid: "siting-ref-state" },
            approvedBy ? t("siting.ref.approved", { who: approvedBy, when: when(approvedUs) }) : t("siting.ref.pending"),
          )
        : null,
      h(
        "div",
        { class: "actions start" },
        aimer ? h("button", { type: "button", i18n: "siting.ref.take", testid: "siting-ref-take", onclick: () => act(() => post(PATHS.reference(r.camera))) }) : null,
        editor && view && !approvedBy
          ? h("button", { type: "button", class: "primary", i18n: "siting.ref.approve", testid: "siting-ref-approve", onclick: () => act(() => post(PATHS.approve(r.camera), { attachment_id: view })) })
          : null,
      ),
      errorSlot("camera", "error-reference"),
    );
  }

  /** Run `fn` for the media of the chosen camera, then show them again. */
  function act(fn) {
    return inForm(
      mediaForm,
      async () => {
        await fn();
        await load(current && current.camera);
      },
      "button",
    );
  }

  function renderTypes() {
    const allowed = types.filter((x) => x.allowed !== false);
    const forbidden = types.filter((x) => x.allowed === false);
    const value = locationType.value;
    clear(
      locationType,
      h("option", { value: "" }, "—"),
      h("optgroup", { label: t("siting.types.allowed") }, allowed.map((x) => h("option", { value: x.code }, `${nameOf(x, x.code)} (${x.code})`))),
      custom.length ? h("optgroup", { label: t("siting.types.custom") }, custom.map((p) => h("option", { value: p.code }, `${p.label} (${p.code})`))) : null,
      h(
        "optgroup",
        { label: t("siting.types.forbidden") },
        forbidden.map((x) => h("option", { value: x.code, class: "forbidden" }, `${nameOf(x, x.code)} — ${x.article} (${x.code})`)),
      ),
    );
    locationType.value = value;
  }

  function typeName(code) {
    const x = types.find((y) => y.code === code);
    if (x) return nameOf(x, code);
    const own = custom.find((p) => p.code === code);
    return own ? own.label : code || "—";
  }

  function renderList() {
    clear(
      list,
      table(
        "siting-table",
        [
          { key: "field.camera", col: "camera", cell: (r) => h("a", { href: "#/siting", onclick: (e) => (e.preventDefault(), pick(r.camera)) }, r.camera) },
          { key: "field.location_type", col: "location", cell: (r) => (r.location_type ? `${typeName(r.location_type)}${r.location_note ? ` · ${r.location_note}` : ""}` : h("span", { class: "warn", i18n: "siting.unsited" })) },
          { key: "field.purpose", col: "purpose", cell: (r) => r.purpose || "" },
          { key: "field.sign_installed", col: "sign", cell: (r) => yesNo(r.sign_installed, `siting-sign-${r.camera}`) },
          { key: "siting.ref.title", col: "reference", cell: (r) => yesNo(Boolean(r.reference_approved), `siting-ref-${r.camera}`) },
        ],
        rows,
        { rowAttrs: (r) => ({ testid: `siting-row-${r.camera}`, class: r.location_type && r.sign_installed ? "" : "attention" }) },
      ),
    );
  }

  function pick(name) {
    current = rows.find((r) => r.camera === name) || null;
    camera.value = name || "";
    showFormError(form, null);
    fillSpecs(specs, current);
    renderMedia();
  }

  clear(
    container,
    h("h1", { i18n: "siting.title" }),
    section("siting.list.title", "siting-list-card", articles("A7, A8, A14"), list, listError),
    section("siting.edit.title", "siting-edit", form, mediaForm),
  );

  async function load(keep) {
    await withError(listError, async () => {
      rows = await get(PATHS.all);
    });
    fillSelect(camera, rows.map((r) => [r.camera, r.camera]), { value: keep || camera.value || (rows[0] && rows[0].camera) || "" });
    renderList();
    pick(camera.value);
  }

  (async () => {
    await withError(listError, async () => {
      const [cat, pos] = await Promise.all([get(PATHS.catalogue), get(PATHS.positions)]);
      types = cat.location_types || [];
      custom = (pos.positions || []).filter((p) => p.code.startsWith("custom:"));
    });
    renderTypes();
    await load();
  })();

  return onLang(() => {
    renderTypes();
    renderList();
    renderMedia();
  });
}
