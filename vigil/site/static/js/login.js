// The sign-in page: username and password; errors (wrong password, lock-out, rate limit)
// are shown as the server words them.

import { post } from "./api.js";
import { errorBox, field, h, showFormError } from "./dom.js";

export function mountLogin(container, { onSignedIn, notice }) {
  const username = h("input", { type: "text", autocomplete: "username", required: true, testid: "login-username" });
  const password = h("input", { type: "password", autocomplete: "current-password", required: true, testid: "login-password" });
  const submit = h("button", { type: "submit", class: "primary", i18n: "login.submit", testid: "login-submit" });
  const form = h(
    "form",
    { class: "card login", testid: "login-form", novalidate: true },
    h("h1", { i18n: "login.title" }),
    notice ? errorBox(typeof notice === "string" ? { message: notice } : notice, "login-notice") : null,
    field("username", "login.username", username),
    field("password", "login.password", password),
    h("div", { class: "error", hidden: true, dataset: { errorFor: "" }, testid: "login-error" }),
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showFormError(form, null);
    submit.disabled = true;
    try {
      const me = await post("/auth/login", { username: username.value.trim(), password: password.value });
      password.value = "";
      onSignedIn(me);
    } catch (err) {
      // Wrong credentials name no field (on purpose): they show under the form.
      showFormError(form, err);
      submit.disabled = false;
      password.select();
    }
  });
  container.append(form);
  username.focus();
}
