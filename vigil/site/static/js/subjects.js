// Data-subject viewing (N21): a person filmed, a close relative or a guardian asks to view
// footage; an administrator consents or refuses; after a consent the operator opens a
// viewing-only session that plays exactly the consented cameras and range. Nothing here
// offers an export, a download or a snapshot, and the server refuses them while it is open.

import { get, post } from "./api.js";
import { clear, fillError, h } from "./dom.js";
import { addStrings, label, t } from "./i18n.js";
import { SegmentPlayer } from "./pbplayer.js";
import { compact, formError, instant, instantInput, onAdd, select, specForm, text, textarea, valuesOf } from "./forms.js";
import { articles, can, section, table, when, withError } from "./records.js";
import { US } from "./time.js";

addStrings({
  "sr.title": ["当事人查看申请", "Requests to view footage"],
  "sr.new": ["登记查看申请", "Record a request"],
  "sr.add": ["登记", "Record"],
  "sr.decide": ["审批", "Decision"],
  "sr.consent": ["同意", "Consent"],
  "sr.refuse": ["不同意", "Refuse"],
  "sr.open": ["开始查看", "Open viewing"],
  "sr.close": ["结束查看", "Close viewing"],
  "sr.play": ["播放", "Play"],
  "sr.pause": ["暂停", "Pause"],
  "sr.viewing": ["查看（仅供观看）", "Viewing (watch only)"],
  "sr.viewonly": [
    "仅供当事人查看：不得导出、下载、截图或转发（《条例》第二十一条）",
    "For the requester to watch only: no export, download, snapshot or passing on (N21)",
  ],
  "sr.range": ["范围", "Range"],
  "sr.until": ["本次查看有效至", "this viewing lasts until"],
  "sr.col.id": ["编号", "No."],
  "sr.col.requester": ["申请人", "Requester"],
  "sr.col.id_doc": ["证件", "ID document"],
  "sr.col.state": ["状态", "State"],
  "sr.col.actions": ["操作", "Actions"],
  "sr.pick": ["选择申请", "Request"],
  "field.requester_name": ["申请人姓名", "Requester's name"],
  "field.id_doc_type": ["证件类型", "ID document"],
  "field.id_doc_number": ["证件号码", "Document number"],
  "field.relation": ["与被拍摄人关系", "Relation"],
  "field.request": ["申请", "Request"],
  "field.conditions": ["同意条件", "Conditions"],
  "field.reasons": ["不同意理由", "Reasons"],
  "field.valid_days": ["有效天数", "Valid for (days)"],
  "field.decision_note": ["条件或理由", "Conditions or reasons"],
  "srstate.pending": ["待审批", "pending"],
  "srstate.consented": ["已同意", "consented"],
  "srstate.refused": ["不同意", "refused"],
  "srstate.viewing": ["查看中", "viewing"],
  "srstate.closed": ["已结束", "closed"],
  "srstate.expired": ["已过期", "expired"],
});

const PATH = "/subject-requests";

export function mount(container, { user }) {
  const mayRecord = can(user, "playback");
  const mayDecide = can(user, "manage_site");
  let requests = [];
  let options = { relations: [], id_doc_types: [] };
  let viewing = null; // {players, timer}

  const listBox = h("div", { testid: "sr-list" });
  const listError = formError("sr-list-error");
  const viewBox = h("div", { testid: "sr-viewing-box" });

  // -- a new request ------------------------------------------------------------------------
  const docType = select("sr-id_doc_type", []);
  const relation = select("sr-relation", []);
  const specs = [
    { name: "requester_name", key: "field.requester_name", input: text("sr-requester_name", { maxlength: 64 }) },
    { name: "id_doc_type", key: "field.id_doc_type", input: docType },
    { name: "id_doc_number", key: "field.id_doc_number", input: text("sr-id_doc_number", { maxlength: 64 }) },
    { name: "relation", key: "field.relation", input: relation },
    { name: "reason", key: "field.reason", input: textarea("sr-reason"), wide: true },
    { name: "cameras", key: "field.cameras", input: text("sr-cameras"), value: (el) => el.value.split(/[,，\s]+/).filter(Boolean) },
    { name: "from", key: "field.from", input: instantInput("sr-from"), value: instant },
    { name: "to", key: "field.to", input: instantInput("sr-to"), value: instant },
  ];
  const form = specForm("sr-add", specs, "sr.add", { title: "sr.new" });
  onAdd(form, () => post(PATH, compact(valuesOf(specs))), load);

  // -- the decision ---------------------------------------------------------------------------
  const pick = select("sr-decide-request", []);
  const note = textarea("sr-decide-note");
  const days = h("input", { type: "number", min: 1, max: 30, value: 7, testid: "sr-decide-days" });
  const decideSpecs = [
    { name: "request", key: "sr.pick", input: pick },
    { name: "note", key: "field.decision_note", input: note, wide: true },
    { name: "valid_days", key: "field.valid_days", input: days },
  ];
  const decideForm = specForm("sr-decide", decideSpecs, "sr.consent", { title: "sr.decide" });
  const refuse = h("button", { type: "button", i18n: "sr.refuse", testid: "sr-decide-refuse" });
  decideForm.querySelector(".actions").append(refuse);
  async function decide(consent) {
    const box = decideForm.querySelector('[data-error-for=""]');
    return withError(box, async () => {
      if (!pick.value) throw { message: t("dlg.required"), field: "request" };
      const body = { consent, note: note.value };
      if (consent) body.valid_days = Number(days.value || 7);
      await post(`${PATH}/${pick.value}/decision`, body);
      note.value = "";
      await load();
    });
  }
  decideForm.addEventListener("submit", (event) => {
    event.preventDefault();
    decide(true);
  });
  refuse.addEventListener("click", () => decide(false));

  // -- the list -------------------------------------------------------------------------------
  function render() {
    const columns = [
      { key: "sr.col.id", cell: (r) => `#${r.id}` },
      { key: "sr.col.requester", cell: (r) => `${r.requester_name} (${label("srrel", r.relation)})` },
      { key: "sr.col.id_doc", col: "id_doc", cell: (r) => r.id_doc_number },
      { key: "field.cameras", cell: (r) => r.cameras.join(", ") },
      { key: "sr.range", cell: (r) => `${when(r.from_us)} – ${when(r.to_us)}` },
      { key: "field.reason", cell: (r) => r.reason },
      { key: "sr.col.state", col: "state", cell: (r) => label("srstate", r.state) },
      {
        key: "sr.col.actions",
        cell: (r) =>
          mayRecord && (r.state === "consented" || r.state === "viewing")
            ? h("button", { type: "button", i18n: "sr.open", testid: `sr-open-${r.id}`, onclick: () => openViewing(r) })
            : r.decision_note,
      },
    ];
    clear(listBox, table("sr-table", columns, requests, { rowAttrs: (r) => ({ dataset: { id: r.id, state: r.state } }) }));
    const pending = requests.filter((r) => r.state === "pending");
    clear(pick, h("option", { value: "" }, ""), pending.map((r) => h("option", { value: r.id }, `#${r.id} ${r.requester_name}`)));
  }

  async function load() {
    await withError(listError, async () => {
      requests = await get(PATH);
      render();
    });
  }

  // -- the viewing ----------------------------------------------------------------------------
  function stopViewing() {
    if (!viewing) return;
    clearInterval(viewing.timer);
    for (const p of viewing.players) p.player.destroy();
    viewing = null;
    clear(viewBox);
  }

  async function openViewing(r) {
    stopViewing();
    const problem = formError("sr-viewing-error");
    problem.hidden = true;
    await withError(listError, async () => {
      const session = await post(`${PATH}/${r.id}/viewing`);
      const durationS = (session.to_us - session.from_us) / US;
      const players = Object.keys(session.cameras).map((name) => {
        const video = h("video", { testid: `sr-video-${name}`, muted: true, playsInline: true, preload: "auto" });
        video.setAttribute("muted", "");
        // no download or picture-in-picture controls: watching only (N21)
        video.setAttribute("controlslist", "nodownload");
        video.disablePictureInPicture = true;
        video.addEventListener("contextmenu", (e) => e.preventDefault());
        const player = new SegmentPlayer(video, name, session.cameras[name], session.grant, session.from_us, durationS);
        return { name, video, player };
      });
      const play = h("button", { type: "button", class: "primary", i18n: "sr.play", testid: "sr-play" });
      const close = h("button", { type: "button", i18n: "sr.close", testid: "sr-close" });
      const panel = h(
        "section",
        { class: "card record viewing-only", testid: "sr-viewing", dataset: { request: r.id } },
        h("h2", { i18n: "sr.viewing" }),
        h("p", { class: "summary bad", testid: "sr-viewonly", i18n: "sr.viewonly" }),
        h("p", { testid: "sr-viewing-range" }, `#${r.id} ${r.requester_name}: ${r.cameras.join(", ")} ${when(session.from_us)} – ${when(session.to_us)} (${t("sr.until")} ${when(session.until_us)})`),
        h("div", { class: "pb-videos" }, players.map((p) => h("div", { class: "pb-video" }, p.video, h("div", { class: "caption" }, p.name)))),
        h("div", { class: "actions" }, play, close),
        problem,
      );
      clear(viewBox, panel);
      viewing = { players, timer: null, playing: false };
      for (const p of players) {
        p.player.ready.catch((err) => fillError(problem, err));
        p.player.seek(session.from_us).catch((err) => fillError(problem, err));
      }
      const tick = () => {
        for (const p of players) {
          const now = p.player.instantOf(p.video.currentTime);
          if (now >= session.to_us) p.video.pause(); // the consented range ends here
          else p.player.fill(now, 1);
        }
      };
      viewing.timer = setInterval(tick, 500);
      play.addEventListener("click", () => {
        viewing.playing = !viewing.playing;
        play.textContent = t(viewing.playing ? "sr.pause" : "sr.play");
        for (const p of players) (viewing.playing ? p.video.play().catch(() => {}) : p.video.pause());
      });
      close.addEventListener("click", () =>
        withError(problem, async () => {
          await post(`${PATH}/${r.id}/close`);
          stopViewing();
          await load();
        }),
      );
      await load();
    });
  }

  addStrings(Object.fromEntries(Object.entries({ self: ["本人", "self"], close_relative: ["近亲属", "close relative"], guardian: ["监护人", "guardian"] }).map(([k, v]) => [`srrel.${k}`, v])));

  clear(
    container,
    section("sr.title", "sr-section", articles("N21"), listError, listBox, mayDecide ? decideForm : null, mayRecord ? form : null),
    viewBox,
  );
  (async () => {
    try {
      options = await get(`${PATH}/options`);
      const pair = (o) => [o.code, label("srrel", o.code) !== o.code ? label("srrel", o.code) : `${o.zh} / ${o.en}`];
      clear(docType, options.id_doc_types.map((o) => h("option", { value: o.code }, `${o.zh} / ${o.en}`)));
      clear(relation, options.relations.map((o) => h("option", { value: o.code }, pair(o)[1])));
    } catch (err) {
      fillError(listError, err);
    }
    await load();
  })();
  return stopViewing;
}
