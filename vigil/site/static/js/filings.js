// Filing with the bureau (备案, A13.2, N14): where the filing stands, its history (returns
// with their reasons), the receipt 备案回执, the documents the county bureaus' notices under
// N14 ask for, and the submission. Also the banner every page shows while a government-built
// system has not passed acceptance (A13.1).

import { get, post } from "./api.js";
import { attach, attachmentLink } from "./attachments.js";
import { clear, h } from "./dom.js";
import { addStrings, label, onLang, t } from "./i18n.js";
import { articles, can, section, table, verdict, when, withError } from "./records.js";

addStrings({
  "filing.bureau.title": ["向公安机关备案", "Filing with the bureau"],
  "filing.bureau.hint": [
    "备案通过与公安机关的连接提交：备案表、《条例》第十四条的基本信息及现行规定要求的材料。退回的备案修改后重新提交；受理后保存备案回执。",
    "The filing goes to the bureau over the link: the form, N14's fields and the documents the law in force asks for. A returned filing is corrected and submitted again; the receipt is kept once it is accepted.",
  ],
  "filing.state": ["备案状态", "Filing state"],
  "filing.state.not_filed": ["尚未备案", "not filed yet"],
  "filing.state.submitted": ["已提交，等待公安机关审核", "submitted, awaiting the bureau"],
  "filing.state.returned": ["已退回，请修改后重新提交", "returned: correct it and submit again"],
  "filing.state.accepted": ["已受理", "accepted"],
  "filing.receipt": ["备案回执", "Receipt"],
  "filing.event": ["事项", "Event"],
  "filing.version": ["版本", "Version"],
  "filing.by": ["经办", "By"],
  "filing.detail": ["说明", "Detail"],
  "filing.at": ["时间", "Time"],
  "filing.event.submitted": ["提交", "submitted"],
  "filing.event.resubmitted": ["重新提交", "resubmitted"],
  "filing.event.returned": ["退回", "returned"],
  "filing.event.accepted": ["受理", "accepted"],
  "filing.att.authorisation_letter": ["授权书（加盖公章）", "Authorisation letter (stamped)"],
  "filing.att.business_licence": ["营业执照或统一社会信用代码证书复印件", "Business licence or credit-code certificate"],
  "filing.att.handler_id": ["经办人身份证件", "Handler's ID"],
  "filing.submit": ["提交备案", "Submit the filing"],
  "filing.submitted": ["已提交，消息已排队发送给公安机关。", "Submitted; queued for the bureau."],
  "filing.banner": ["系统未经验收合格，不得投入使用 (A13.1)", "The system has not passed acceptance and must not be put into use (A13.1)"],
});

export const FILING_STATUS = "/filing/status";
const SUBMISSIONS = "/filing/submissions";
const NOTICE_ITEMS = ["authorisation_letter", "business_licence", "handler_id"];

function detailOf(entry) {
  if (entry.reasons) return entry.reasons.join("；");
  if (entry.receipt_number) return `${entry.receipt_number} (${entry.receipt_on})`;
  if (entry.changes && entry.changes.length) return entry.changes.join(", ");
  return "";
}

/** The card of the filing page: state, receipt, history, the N14 notice documents, submit. */
export function filingSection(user) {
  const editor = can(user, "manage_site");
  const stateBox = h("div", { testid: "filing-state" });
  const historyBox = h("div", { testid: "filing-history-box" });
  const errorBox = h("div", { class: "error", role: "alert", testid: "filing-error", hidden: true });
  const noteBox = h("p", { class: "hint", testid: "filing-note", hidden: true });
  const chosen = {}; // kind -> attachment id uploaded here
  let status = null;

  const uploads = NOTICE_ITEMS.map((kind) => {
    const current = h("span", { testid: `filing-attachment-current-${kind}` }, attachmentLink(null));
    const input = h("input", {
      type: "file",
      name: kind,
      accept: "application/pdf,image/jpeg,image/png",
      testid: `filing-upload-${kind}`,
      onchange: () =>
        withError(errorBox, async () => {
          chosen[kind] = await attach(input, kind);
          clear(current, attachmentLink(chosen[kind], `filing-attachment-link-${kind}`));
        }),
    });
    return h("div", { class: "field attachment" }, h("label", { i18n: `filing.att.${kind}` }), current, input);
  });

  const submitButton = h("button", {
    type: "button",
    class: "primary",
    i18n: "filing.submit",
    testid: "filing-submit",
    onclick: async () => {
      noteBox.hidden = true;
      const ok = await withError(errorBox, () => post(SUBMISSIONS, { attachments: chosen }));
      if (ok) {
        noteBox.hidden = false;
        noteBox.textContent = t("filing.submitted");
        await load();
      }
    },
  });

  function render() {
    if (!status) return;
    const st = status.state;
    const receipt = status.receipt;
    clear(
      stateBox,
      verdict(st === "returned" || st === "not_filed", "filing-state-line", `${t("filing.state")}：${label("filing.state", st)}`),
      receipt ? h("p", { testid: "filing-receipt" }, `${t("filing.receipt")}：${receipt.number}（${receipt.on}）`) : null,
    );
    const rows = [];
    for (const f of status.filings) for (const e of f.history) rows.push(e);
    rows.sort((a, b) => b.at_us - a.at_us);
    clear(
      historyBox,
      table(
        "filing-history",
        [
          { key: "filing.at", cell: (e) => when(e.at_us) },
          { key: "filing.version", cell: (e) => String(e.version) },
          { key: "filing.event", cell: (e) => label("filing.event", e.event), col: "event" },
          { key: "filing.by", cell: (e) => e.by },
          { key: "filing.detail", cell: (e) => detailOf(e), col: "detail" },
        ],
        rows,
      ),
    );
    submitButton.disabled = st === "submitted";
  }

  async function load() {
    await withError(errorBox, async () => {
      status = await get(FILING_STATUS);
    });
    render();
  }

  const stop = onLang(render);
  const el = section(
    "filing.bureau.title",
    "filing-bureau",
    articles("A13.2, N14"),
    h("p", { class: "hint", i18n: "filing.bureau.hint" }),
    stateBox,
    historyBox,
    editor ? h("div", { class: "attachments", testid: "filing-attachments" }, uploads) : null,
    editor ? h("div", { class: "actions start" }, submitButton) : null,
    noteBox,
    errorBox,
  );
  return { el, load, stop };
}

/** The A13.1 banner above the page while a government-built system has not passed
 * acceptance; nothing otherwise (or when the records cannot be read). */
export async function acceptanceBanner(root, user) {
  if (!can(user, "view_records")) return;
  let status;
  try {
    status = await get(FILING_STATUS);
  } catch (err) {
    console.warn("filing status", err);
    return;
  }
  const acc = status.acceptance;
  if (!acc || acc.passed) return;
  const old = root.querySelector('[data-testid="acceptance-banner"]');
  if (old) old.remove();
  const banner = h("div", { class: "status-line bad", role: "alert", testid: "acceptance-banner", i18n: "filing.banner" });
  const header = root.querySelector("header");
  if (header) header.after(banner);
  else root.prepend(banner);
}
