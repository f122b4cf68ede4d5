// The registration dialog shown before any playback (A17.2(2)): purpose (用途) and
// destination (去向) are required; the request itself is sent by the caller, whose errors
// are shown next to the field they name.

import { field, h, showFormError } from "./dom.js";
import { cite, t } from "./i18n.js";

export const PURPOSE_ARTICLE = "A17.2(2)";

/**
 * Ask for purpose and destination, then call `submit({purpose, destination})`; an error it
 * throws stays in the dialog. Resolves with submit's result, or null when cancelled.
 */
export function askPurpose({ purpose = "", destination = "" }, submit) {
  return new Promise((resolve) => {
    const purposeInput = h("input", { type: "text", maxlength: 500, value: purpose, testid: "purpose-input", i18nPlaceholder: "dlg.purpose.placeholder" });
    const destinationInput = h("input", { type: "text", maxlength: 500, value: destination, testid: "destination-input", i18nPlaceholder: "dlg.destination.placeholder" });
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
