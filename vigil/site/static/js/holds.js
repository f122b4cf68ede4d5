// Retention holds (N17): why a camera's material is kept past 30 days — an evidence hold, an
// open case, or another law (named) — who set it, until when, who lifted it and why. Every
// role with the records reads them; administrators (manage_site) set and lift them. The
// retention run never expires what a live evidence or case hold covers.

import { get, post } from "./api.js";
import { clear, h } from "./dom.js";
import { addStrings, onLang, t } from "./i18n.js";
import { compact, dateInput, formError, inForm, instant, instantInput, onAdd, select, specForm, text, valuesOf } from "./forms.js";
import { articles, can, section, table, withError } from "./records.js";

addStrings({
  "hold.title": ["保存目的（超过 30 日的保存）", "Retention holds (keeping past 30 days)"],
  "hold.hint": [
    "超过 30 日的视频图像信息须有尚未实现的处理目的才可继续保存；登记后，到期清理不会删除其覆盖的录像。",
    "Material older than 30 days is kept only for a purpose not yet served; the retention run never deletes what a live hold covers.",
  ],
  "hold.kind.evidence": ["证据保全", "evidence hold"],
  "hold.kind.case": ["案件办理", "open case"],
  "hold.kind.law": ["法律、行政法规另有规定", "period set by another law"],
  "field.kind": ["类型", "Kind"],
  "field.reference": ["编号／依据", "Reference"],
  "field.until": ["保存至（含）", "Until (inclusive)"],
  "field.reason": ["解除理由", "Reason"],
  "hold.reference.hint": ["案件或证据编号；“法律”类型填写法律名称及条款", "Case or evidence number; for a law, its name and article"],
  "hold.until.hint": ["留空：直至解除", "Empty: until lifted"],
  "hold.range.hint": ["留空：该摄像机全部录像", "Empty: all of the camera's material"],
  "hold.add": ["登记保存目的", "Record the purpose"],
  "hold.lift": ["解除", "Lift"],
  "hold.live": ["有效", "live"],
  "hold.ended": ["已结束", "ended"],
  "hold.col.camera": ["摄像机", "Camera"],
  "hold.col.kind": ["类型", "Kind"],
  "hold.col.reference": ["编号／依据", "Reference"],
  "hold.col.span": ["录像时段", "Recorded span"],
  "hold.col.until": ["保存至", "Until"],
  "hold.col.set": ["登记", "Set"],
  "hold.col.lifted": ["解除", "Lifted"],
  "hold.col.state": ["状态", "State"],
  "hold.all": ["全部", "all"],
});

const KINDS = ["evidence", "case", "law"];

/**
 * The holds card of the site page: the list, and for administrators the add and lift forms.
 * Returns {card, stop}: `stop()` detaches it from language changes when the page goes.
 */
export function holdsCard(user) {
  const editor = can(user, "manage_site");
  const box = h("div", { testid: "holds-list" });
  const error = formError("holds-error");
  const camera = select("hold-camera", []);
  const kind = select("hold-kind", []);
  const specs = [
    { name: "camera", key: "field.camera", input: camera },
    { name: "kind", key: "field.kind", input: kind },
    { name: "reference", key: "field.reference", input: text("hold-reference", { maxlength: 200 }), hint: "hold.reference.hint" },
    { name: "until", key: "field.until", input: dateInput("hold-until"), hint: "hold.until.hint" },
    { name: "from", key: "field.from", input: instantInput("hold-from"), value: instant, hint: "hold.range.hint" },
    { name: "to", key: "field.to", input: instantInput("hold-to"), value: instant },
  ];
  for (const s of specs) s.input.name = s.name;
  const form = specForm("hold-add", specs, "hold.add");
  let holds = [];

  function fillKinds() {
    fillSelect(kind, KINDS.map((k) => [k, t(`hold.kind.${k}`)]));
  }

  function fillSelect(el, options) {
    const value = el.value;
    clear(el, options.map(([v, text_]) => h("option", { value: v }, text_)));
    if (value) el.value = value;
  }

  function render() {
    clear(
      box,
      table(
        "holds-table",
        [
          { key: "hold.col.camera", col: "camera", cell: (x) => x.camera },
          { key: "hold.col.kind", col: "kind", cell: (x) => t(`hold.kind.${x.kind}`) },
          { key: "hold.col.reference", col: "reference", cell: (x) => x.reference },
          { key: "hold.col.span", col: "span", cell: (x) => (x.from || x.to ? `${x.from || "…"} – ${x.to || "…"}` : t("hold.all")) },
          { key: "hold.col.until", col: "until", cell: (x) => x.until || "—" },
          { key: "hold.col.set", col: "set", cell: (x) => `${x.set_by} ${x.set_at}` },
          { key: "hold.col.lifted", col: "lifted", cell: (x) => (x.lifted_at ? `${x.lifted_by} ${x.lifted_at}: ${x.lift_reason || ""}` : "—") },
          {
            key: "hold.col.state",
            col: "state",
            cell: (x) => [
              h("span", { class: `badge ${x.live ? "yes" : "no"}` }, t(x.live ? "hold.live" : "hold.ended")),
              editor && x.live ? liftForm(x) : null,
            ],
          },
        ],
        holds,
        { rowAttrs: (x) => ({ testid: `hold-${x.id}`, dataset: { live: String(x.live) } }) },
      ),
    );
  }

  function liftForm(x) {
    const reason = text(`hold-lift-reason-${x.id}`, { maxlength: 500, name: "reason", i18nPlaceholder: "field.reason" });
    const f = h(
      "form",
      { class: "inline-form", novalidate: true, testid: `hold-lift-${x.id}` },
      reason,
      h("button", { type: "submit", i18n: "hold.lift", testid: `hold-lift-submit-${x.id}` }),
      formError(`hold-lift-error-${x.id}`),
    );
    f.addEventListener("submit", (event) => {
      event.preventDefault();
      inForm(f, async () => {
        await post(`/holds/${x.id}/lift`, { reason: reason.value.trim() });
        await load();
      });
    });
    return f;
  }

  async function load() {
    await withError(error, async () => {
      holds = await get("/holds");
      const cams = await get("/cameras");
      fillSelect(camera, cams.map((c) => [c.name, c.name]));
    });
    render();
  }

  onAdd(form, () => post("/holds", compact(valuesOf(specs))), load);
  fillKinds();
  const stop = onLang(() => {
    fillKinds();
    render();
  });
  load();
  const card = section("hold.title", "site-holds", articles("N17, A17.2(3)"), h("p", { class: "hint", i18n: "hold.hint" }), box, error, editor ? form : null);
  return { card, stop };
}
