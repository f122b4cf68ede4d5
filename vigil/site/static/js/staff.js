// The people of the monitoring room (A16(4), A17.1): the roster with each person's duty and
// account, their training and secrecy education (untrained staff highlighted), watch-duty
// shifts with handover notes, and the room's entry log (entries by anyone not on the
// roster are flagged: a possible A24(4) breach).

import { get, post } from "./api.js";
import { clear, h } from "./dom.js";
import { cite, label, onLang, t } from "./i18n.js";
import { compact, dateInput, fillSelect, formError, idValue, instant, instantInput, onAdd, required, select, specForm, text, textarea, valuesOf } from "./forms.js";
import { articles, can, listOf, section, table, verdict, when, withError } from "./records.js";

export const PATHS = {
  staff: "/staff",
  training: (id) => `/staff/${encodeURIComponent(id)}/training`,
  shifts: "/shifts",
  handover: (id) => `/shifts/${encodeURIComponent(id)}/handover`,
  entries: "/room/entries",
  leave: (id) => `/room/entries/${encodeURIComponent(id)}/leave`,
  users: "/users",
};

const DUTIES = ["monitoring", "management", "maintenance"];
const TRAINING_KINDS = ["training", "secrecy"];

/** A send() that posts a form's values to `path`, or to `path(id)` where the id is the value of `idName`. */
function poster(specs, path, idName = null) {
  return () => {
    if (!idName) return post(path, compact(valuesOf(specs)));
    const [id, body] = required(valuesOf(specs), idName);
    return post(path(id), compact(body));
  };
}

export function mount(container, { user }) {
  const editor = can(user, "manage_site");
  const keeper = can(user, "keep_room_log");
  let staff = [];
  let shifts = [];
  let entries = [];
  let summary = null;

  // -- roster ---------------------------------------------------------------------------------
  const rosterBox = h("div", { testid: "staff-roster" });
  const rosterError = formError("staff-roster-error");
  const account = select("staff-user", []);
  const duty = select("staff-duty", []);
  const staffSpecs = [
    { name: "name", key: "field.name", input: text("staff-name", { maxlength: 64 }) },
    { name: "duty", key: "field.duty", input: duty },
    { name: "username", key: "field.account", input: account },
    { name: "phone", key: "field.phone", input: text("staff-phone", { maxlength: 32 }) },
    { name: "joined_on", key: "field.joined_on", input: dateInput("staff-joined_on") },
  ];
  const staffForm = specForm("staff-add", staffSpecs, "staff.add", { title: "staff.add.title" });
  onAdd(staffForm, poster(staffSpecs, PATHS.staff), loadStaff);

  const trainee = select("training-staff", []);
  const trainingKind = select("training-kind", []);
  const trainingSpecs = [
    { name: "staff_id", key: "field.staff", input: trainee, value: idValue },
    { name: "kind", key: "field.training_kind", input: trainingKind },
    { name: "held_on", key: "field.held_on", input: dateInput("training-held_on") },
    { name: "topic", key: "field.topic", input: text("training-topic", { maxlength: 200 }) },
    { name: "provider", key: "field.provider", input: text("training-provider", { maxlength: 128 }) },
    { name: "hours", key: "field.hours", input: h("input", { type: "number", min: 0, step: 1, testid: "training-hours" }) },
  ];
  const trainingForm = specForm("training-add", trainingSpecs, "staff.training.add", { title: "staff.training.title" });
  onAdd(trainingForm, poster(trainingSpecs, PATHS.training, "staff_id"), loadStaff);

  function trainedOf(s) {
    if (typeof s.trained === "boolean") return s.trained;
    return Boolean(s.last_training_on && s.last_secrecy_on);
  }

  function trainingText(s, kind) {
    const last = s[`last_${kind}_on`];
    if (!last) return h("span", { class: "no", i18n: "staff.training.missing", testid: `staff-${kind}-missing-${s.id}` });
    return h("span", { class: "nowrap" }, last);
  }

  function renderRoster() {
    const untrained = staff.filter((s) => !trainedOf(s) && s.on_roster !== false);
    clear(
      rosterBox,
      verdict(untrained.length, "staff-untrained-count", t("staff.untrained", { n: untrained.length, total: staff.length })),
      table(
        "staff-table",
        [
          { key: "field.name", col: "name", cell: (s) => s.name },
          { key: "field.duty", col: "duty", cell: (s) => label("duty", s.duty) },
          { key: "field.account", col: "account", cell: (s) => s.username || "—" },
          { key: "field.phone", col: "phone", cell: (s) => s.phone || "" },
          { key: "field.joined_on", col: "joined", cell: (s) => `${s.joined_on || ""}${s.left_on ? ` – ${s.left_on}` : ""}` },
          { key: "staff.col.training", col: "training", cell: (s) => trainingText(s, "training") },
          { key: "staff.col.secrecy", col: "secrecy", cell: (s) => trainingText(s, "secrecy") },
        ],
        staff,
        { rowAttrs: (s) => ({ testid: `staff-row-${s.id}`, class: trainedOf(s) || s.on_roster === false ? "" : "attention", dataset: { trained: String(trainedOf(s)), name: s.name } }) },
      ),
    );
    const options = staff.filter((s) => s.on_roster !== false).map((s) => [String(s.id), `${s.name} (${label("duty", s.duty)})`]);
    fillSelect(trainee, options, { empty: "—" });
    fillSelect(shiftStaff, options, { empty: "—" });
    fillSelect(shiftTo, options, { empty: "—" });
    fillSelect(entryStaff, options, { empty: t("room.not_on_roster") });
  }

  async function loadStaff() {
    await withError(rosterError, async () => {
      staff = listOf(await get(PATHS.staff), "staff");
    });
    renderRoster();
  }

  // -- shifts ---------------------------------------------------------------------------------
  const shiftBox = h("div", { testid: "staff-shifts" });
  const shiftError = formError("staff-shifts-error");
  const shiftStaff = select("shift-staff", []);
  const shiftTo = select("shift-handover-to", []);
  const shiftSpecs = [
    { name: "staff_id", key: "field.staff", input: shiftStaff, value: idValue },
    { name: "post", key: "field.post", input: text("shift-post", { maxlength: 64 }) },
    { name: "starts", key: "field.starts", input: instantInput("shift-starts"), value: instant },
    { name: "ends", key: "field.ends", input: instantInput("shift-ends"), value: instant },
  ];
  const shiftForm = specForm("shift-add", shiftSpecs, "staff.shift.add", { title: "staff.shift.add.title" });
  onAdd(shiftForm, poster(shiftSpecs, PATHS.shifts), loadShifts);
  const handoverNote = textarea("shift-handover-note", { maxlength: 2000 });
  const handoverShift = select("shift-handover-shift", []);
  const handoverSpecs = [
    { name: "shift_id", key: "field.shift", input: handoverShift },
    { name: "to_staff_id", key: "field.handover_to", input: shiftTo, value: idValue },
    { name: "note", key: "field.handover_note", input: handoverNote, wide: true },
  ];
  const handoverForm = specForm("shift-handover", handoverSpecs, "staff.handover.submit", { title: "staff.handover.title" });
  onAdd(handoverForm, poster(handoverSpecs, PATHS.handover, "shift_id"), loadShifts);

  function staffName(id) {
    const s = staff.find((x) => x.id === id);
    return s ? s.name : id ?? "";
  }

  function renderShifts() {
    clear(
      shiftBox,
      table(
        "shifts-table",
        [
          { key: "field.staff", col: "staff", cell: (r) => r.staff_name || staffName(r.staff_id) },
          { key: "field.post", col: "post", cell: (r) => r.post || "" },
          { key: "field.starts", col: "starts", class: "nowrap", cell: (r) => when(r.starts_us) || r.starts || "" },
          { key: "field.ends", col: "ends", class: "nowrap", cell: (r) => when(r.ends_us) || r.ends || "" },
          { key: "field.handover_to", col: "to", cell: (r) => r.handover_to_name || (r.handover_to_id ? staffName(r.handover_to_id) : "") },
          { key: "field.handover_note", col: "note", cell: (r) => r.handover_note || "" },
        ],
        shifts,
        { rowAttrs: (r) => ({ testid: `shift-row-${r.id}` }) },
      ),
    );
    fillSelect(handoverShift, shifts.filter((r) => !r.handover_us).map((r) => [String(r.id), `${r.staff_name || staffName(r.staff_id)} ${when(r.starts_us)}`]), { empty: "—" });
  }

  async function loadShifts() {
    await withError(shiftError, async () => {
      shifts = listOf(await get(PATHS.shifts), "shifts");
    });
    renderShifts();
  }

  // -- the monitoring-room entry log -------------------------------------------------------------
  const entryBox = h("div", { testid: "room-log" });
  const entryError = formError("room-log-error");
  const entryStaff = select("room-staff", []);
  const entrySpecs = [
    { name: "staff_id", key: "field.staff", input: entryStaff, value: idValue },
    { name: "person_name", key: "field.person_name", input: text("room-person_name", { maxlength: 64 }), hint: "room.person.hint" },
    { name: "organisation", key: "field.organisation", input: text("room-organisation", { maxlength: 128 }) },
    { name: "reason", key: "field.reason", input: text("room-reason", { maxlength: 500 }), wide: true },
    { name: "entered", key: "field.entered", input: instantInput("room-entered"), value: instant, hint: "room.time.hint" },
  ];
  const entryForm = specForm("room-entry", entrySpecs, "room.enter", { title: "room.enter.title" });
  onAdd(
    entryForm,
    () => {
      const body = valuesOf(entrySpecs);
      if (body.staff_id) delete body.person_name; // a staff member is named by the roster
      return post(PATHS.entries, compact(body));
    },
    loadEntries,
  );

  function flaggedOf(e) {
    return Boolean(e.flagged);
  }

  function renderEntries() {
    const flagged = summary && typeof summary.flagged === "number" ? summary.flagged : entries.filter(flaggedOf).length;
    clear(
      entryBox,
      verdict(flagged, "room-flagged-count", t("room.flagged", { n: flagged }), flagged ? h("span", { class: "error-article" }, ` ${cite("A24(4)")}`) : null),
      table(
        "room-table",
        [
          { key: "field.name", col: "person", cell: (e) => e.person_name },
          { key: "field.organisation", col: "organisation", cell: (e) => e.organisation || "" },
          { key: "field.reason", col: "reason", cell: (e) => e.reason },
          { key: "field.entered", col: "entered", class: "nowrap", cell: (e) => when(e.entered_us) || e.entered || "" },
          {
            key: "field.left",
            col: "left",
            class: "nowrap",
            cell: (e) =>
              e.left_us || e.left
                ? when(e.left_us) || e.left
                : keeper
                  ? h("button", { type: "button", i18n: "room.exit", testid: `room-exit-${e.id}`, onclick: () => leave(e) })
                  : "",
          },
          { key: "room.col.flag", col: "flag", cell: (e) => (flaggedOf(e) ? h("span", { class: "badge no", title: e.flag_reason || "" }, t("room.flag"), " ", e.flag_reason || "") : "") },
        ],
        entries,
        { rowAttrs: (e) => ({ testid: `room-row-${e.id}`, class: flaggedOf(e) ? "flagged" : "", dataset: { flagged: String(flaggedOf(e)) } }) },
      ),
    );
  }

  function leave(e) {
    return withError(entryError, async () => {
      await post(PATHS.leave(e.id), {});
      await loadEntries();
    });
  }

  async function loadEntries() {
    await withError(entryError, async () => {
      const data = await get(PATHS.entries);
      entries = listOf(data, "entries");
      summary = Array.isArray(data) ? null : data;
    });
    renderEntries();
  }

  // -- the page -------------------------------------------------------------------------------
  function renderChoices() {
    fillSelect(duty, DUTIES.map((d) => [d, `${label("duty", d)} (${d})`]), { value: duty.value || "monitoring" });
    fillSelect(trainingKind, TRAINING_KINDS.map((k) => [k, label("training", k)]), { value: trainingKind.value || "training" });
  }

  renderChoices();
  clear(
    container,
    h("h1", { i18n: "staff.title" }),
    section("staff.roster.title", "staff-roster-card", articles("A16(4), A17.1"), rosterBox, rosterError, editor ? staffForm : null, editor ? trainingForm : null),
    section("staff.shifts.title", "staff-shifts-card", articles("A17.1"), shiftBox, shiftError, editor ? shiftForm : null, keeper ? handoverForm : null),
    section("room.title", "room-card", articles("A16(4)"), entryBox, entryError, keeper ? entryForm : null),
  );

  async function loadUsers() {
    if (!editor) return;
    try {
      const users = await get(PATHS.users);
      fillSelect(account, users.map((u) => [u.username, `${u.display_name || u.username} (${label("role", u.role)})`]), { empty: "—" });
    } catch (err) {
      fillSelect(account, [], { empty: "—" });
    }
  }

  loadUsers();
  loadStaff().then(() => Promise.all([loadShifts(), loadEntries()]));
  return onLang(() => {
    renderChoices();
    renderRoster();
    renderShifts();
    renderEntries();
  });
}

