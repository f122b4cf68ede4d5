// The places where cameras are forbidden (N8): the unit's regular checks (N8.2) and the
// one-step report of a found camera (signed, queued for the bureau); and the consent of a
// nearby unit holding state secrets before cameras are sited (N10).

import { get, post, put } from "./api.js";
import { attach } from "./attachments.js";
import { clear, h } from "./dom.js";
import { addStrings, label, t } from "./i18n.js";
import { checkbox, compact, dateInput, fileInput, formError, instant, instantInput, onAdd, select, specForm, text, textarea, valuesOf } from "./forms.js";
import { articles, can, section, table, verdict, when, withError } from "./records.js";

addStrings({
  "pc.title": ["禁装场所定期检查", "Regular checks of the forbidden places"],
  "pc.add": ["登记检查", "Record the check"],
  "pc.new": ["登记一次检查", "Record a check"],
  "pc.due": ["检查周期：{interval}；最近一次：{last}；下次应于 {due} 前", "Interval: {interval}; last: {last}; next due by {due}"],
  "pc.never": ["尚无检查记录：应定期检查（《条例》第八条第二款）", "No check recorded yet: the places must be checked regularly (N8.2)"],
  "pc.reports": ["发现摄像设备的报告", "Reports of found cameras"],
  "pc.found.hint": ["发现摄像设备时填写：报告立即生成并签名，待报送公安机关", "If a camera was found: the report is made and signed at once, waiting for the bureau"],
  "pc.col.places": ["检查场所", "Places"],
  "pc.col.result": ["结果", "Result"],
  "pc.col.status": ["报送状态", "Status"],
  "pcresult.none_found": ["未发现", "none found"],
  "pcresult.camera_found": ["发现摄像设备", "camera found"],
  "pcstatus.pending_to_bureau": ["待报送公安机关", "pending to the bureau"],
  "pcstatus.sent_to_bureau": ["已通过连接报送公安机关", "sent to the bureau over the link"],
  "field.checked_on": ["检查日期", "Checked on"],
  "field.checked_by": ["检查人", "Checked by"],
  "field.places": ["检查场所（分号分隔）", "Places (separated by ;)"],
  "field.result": ["结果", "Result"],
  "field.found": ["发现情况", "What was found"],
  "field.place": ["发现位置", "Where found"],
  "field.found_at": ["发现时间", "Found at"],
  "field.description": ["情况描述", "Description"],
  "field.photo_id": ["照片", "Photo"],
  "su.title": ["涉密单位周边", "Near a unit holding state secrets"],
  "su.near": ["本场所位于军事禁区、涉密单位周边", "The site is near a military zone or a secret unit"],
  "su.save": ["保存", "Save"],
  "su.add": ["登记同意", "Record the consent"],
  "su.new": ["涉密单位事先同意", "The secret unit's prior consent"],
  "field.unit_name": ["单位名称", "Unit"],
  "field.consented_on": ["同意日期", "Consented on"],
  "field.document_ref": ["文件编号", "Document reference"],
  "field.scope": ["同意范围", "Scope"],
});

export function mount(container, { user }) {
  const checker = can(user, "keep_maintenance_log");
  const siteEditor = can(user, "manage_site");
  const summary = h("div", { testid: "pc-summary" });
  const checksBox = h("div", { testid: "pc-checks" });
  const reportsBox = h("div", { testid: "pc-reports" });
  const error = formError("pc-error");

  const photo = fileInput("pc-photo");
  const specs = [
    { name: "checked_on", key: "field.checked_on", input: dateInput("pc-checked_on") },
    { name: "checked_by", key: "field.checked_by", input: text("pc-checked_by") },
    { name: "places", key: "field.places", input: text("pc-places"), wide: true, value: (el) => el.value.split(/[;；]/).map((p) => p.trim()).filter(Boolean) },
    { name: "result", key: "field.result", input: select("pc-result", [["none_found", label("pcresult", "none_found")], ["camera_found", label("pcresult", "camera_found")]]) },
    { name: "note", key: "field.note", input: text("pc-note"), wide: true },
    { name: "place", key: "field.place", input: text("pc-place"), hint: "pc.found.hint" },
    { name: "found_at", key: "field.found_at", input: instantInput("pc-found_at"), value: instant },
    { name: "description", key: "field.description", input: textarea("pc-description"), wide: true },
    { name: "photo", key: "field.photo_id", input: photo, value: () => undefined },
  ];
  const form = specForm("pc-add", specs, "pc.add", { title: "pc.new" });
  onAdd(
    form,
    async () => {
      const { place, found_at, description, photo: _p, ...body } = valuesOf(specs);
      if (body.result === "camera_found") {
        const photo_id = await attach(photo, "other");
        body.found = [compact({ place: place || "", found: found_at, description: description || "", photo_id })];
      }
      return post("/privacy-checks", compact(body));
    },
    load,
  );

  const near = checkbox("su-near");
  const nearSave = h("button", { type: "button", i18n: "su.save", testid: "su-near-save" });
  const nearError = formError("su-error");
  const consentsBox = h("div", { testid: "su-consents" });
  const consentSpecs = [
    { name: "unit_name", key: "field.unit_name", input: text("su-unit_name") },
    { name: "consented_on", key: "field.consented_on", input: dateInput("su-consented_on") },
    { name: "document_ref", key: "field.document_ref", input: text("su-document_ref") },
    { name: "scope", key: "field.scope", input: textarea("su-scope"), wide: true },
  ];
  const consentForm = specForm("su-add", consentSpecs, "su.add", { title: "su.new" });
  onAdd(consentForm, () => post("/site/secret-unit/consents", compact(valuesOf(consentSpecs))), load);
  nearSave.addEventListener("click", () => withError(nearError, async () => {
    await put("/site/secret-unit", { near_secret_unit: near.checked });
    await load();
  }));
  if (!siteEditor) near.disabled = true;

  async function load() {
    await withError(error, async () => {
      const [data, reports, secret] = await Promise.all([get("/privacy-checks"), get("/privacy-reports"), get("/site/secret-unit")]);
      const f = data.facts;
      clear(
        summary,
        f.last_checked_on
          ? verdict(false, "pc-due", labelDue(f))
          : verdict(true, "pc-due", h("span", { i18n: "pc.never" })),
      );
      clear(checksBox, table("pc-table", [
        { key: "field.checked_on", cell: (c) => c.checked_on },
        { key: "field.checked_by", cell: (c) => c.checked_by },
        { key: "pc.col.places", cell: (c) => c.places.join("; ") },
        { key: "pc.col.result", col: "result", cell: (c) => label("pcresult", c.result) },
      ], data.checks, { rowAttrs: (c) => ({ dataset: { id: c.id, result: c.result } }) }));
      clear(reportsBox, table("pc-reports-table", [
        { key: "field.place", cell: (r) => r.place },
        { key: "field.found_at", cell: (r) => when(r.found_us) },
        { key: "field.description", cell: (r) => r.description },
        { key: "pc.col.status", col: "status", cell: (r) => label("pcstatus", r.status) },
      ], reports, { rowAttrs: (r) => ({ dataset: { id: r.id, status: r.status } }) }));
      near.checked = secret.near_secret_unit;
      clear(consentsBox, table("su-table", [
        { key: "field.unit_name", cell: (c) => c.unit_name },
        { key: "field.consented_on", cell: (c) => c.consented_on },
        { key: "field.document_ref", cell: (c) => c.document_ref },
        { key: "field.scope", cell: (c) => c.scope },
      ], secret.consents));
    });
  }

  function labelDue(f) {
    return h("span", {}, t("pc.due", { interval: f.interval, last: f.last_checked_on, due: f.due_on }));
  }

  clear(
    container,
    section("pc.title", "pc-section", articles("N8.2, A8"), error, summary, checksBox, checker ? form : null, h("h3", { i18n: "pc.reports" }), reportsBox),
    section("su.title", "su-section", articles("N10, N28"), h("label", {}, near, h("span", { i18n: "su.near" })), siteEditor ? nearSave : null, nearError, consentsBox, siteEditor ? consentForm : null),
  );
  load();
  return () => {};
}
