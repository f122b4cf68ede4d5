// The registration dialog shown before any playback (A17.2(2)): purpose (用途) and
// destination (去向) are required, and the caller's unit (N16.2(3), 调取人员的单位) is
// asked, prefilled with the site's own unit; the request itself is sent by the caller, whose
// errors are shown next to the field they name.

import { get } from "./api.js";
import { field, h, showFormError } from "./dom.js";
import { cite, t } from "./i18n.js";

export const PURPOSE_ARTICLE = "A17.2(2)";
export const CALLER_ARTICLE = "N16.2(3)";

let ownUnit = null;

/** The site's own unit name (the profile's), the caller's unit by default; "" if none. */
export async function defaultCallerUnit() {
  if (ownUnit === null) {
    try {
      const data = await get("/site/profile");
      ownUnit = (data && data.profile && data.profile.unit_name) || "";
    } catch {
      ownUnit = "";
    }
  }
  return ownUnit;
}

/** The caller's unit field: an input prefilled with `value`, else the site's own unit. */
export function callerUnitInput(testid, value = "") {
  const input = h("input", { type: "text", maxlength: 200, value, testid, i18nPlaceholder: "dlg.caller_unit.placeholder" });
  if (!value) defaultCallerUnit().then((unit) => {
    if (!input.value) input.value = unit;
  });
  return input;
}

/**
 * Ask for purpose and destination, then call `submit({purpose, destination})`; an error it
 * throws stays in the dialog. Resolves with submit's result, or null when cancelled.
 */
export function askPurpose({ purpose = "", destination = "", caller_unit = "" }, submit) {
  return new Promise((resolve) => {
    const purposeInput = h("input", { type: "text", maxlength: 500, value: purpose, testid: "purpose-input", i18nPlaceholder: "dlg.purpose.placeholder" });
    const destinationInput = h("input", { type: "text", maxlength: 500, value: destination, testid: "destination-input", i18nPlaceholder: "dlg.destination.placeholder" });
    const unitInput = callerUnitInput("caller-unit-input", caller_unit);
    const ok = h("button", { type: "submit", class: "primary", i18n: "dlg.submit", testid: "purpose-submit" });
    const cancel = h("button", { type: "button", i18n: "dlg.cancel", testid: "purpose-cancel" });
    const form = h(
      "form",
      { method: "dialog", novalidate: true },
      h("h2", { i18n: "dlg.title" }),
      h("p", { i18n: "dlg.intro" }),
      h("p", { class: "article", testid: "purpose-article" }, cite(PURPOSE_ARTICLE)),
      field("purpose", "field.purpose", purposeInput),
      field("destination", "field.destination", destinationInput),
      field("caller_unit", "field.caller_unit", unitInput, "dlg.caller_unit.hint"),
      h("p", { class: "article", testid: "caller-unit-article" }, cite(CALLER_ARTICLE)),
      h("div", { class: "error", hidden: true, dataset: { errorFor: "" }, testid: "purpose-error" }),
      h("div", { class: "actions" }, cancel, ok),
    );
    const dialog = h("dialog", { testid: "purpose-dialog" }, form);
    document.body.append(dialog);

    const close = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    cancel.addEventListener("click", () => close(null));
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      close(null);
    });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const values = { purpose: purposeInput.value.trim(), destination: destinationInput.value.trim() };
      // Left empty, the server registers the site's own unit (N16.2(3)).
      if (unitInput.value.trim()) values.caller_unit = unitInput.value.trim();
      for (const name of ["purpose", "destination"]) {
        if (!values[name]) {
          showFormError(form, { message: t("dlg.required"), field: name, article: PURPOSE_ARTICLE });
          (name === "purpose" ? purposeInput : destinationInput).focus();
          return;
        }
      }
      showFormError(form, null);
      ok.disabled = true;
      try {
        close(await submit(values));
      } catch (err) {
        showFormError(form, err);
        ok.disabled = false;
      }
    });
    dialog.showModal();
    (purpose ? destinationInput : purposeInput).focus();
  });
}
