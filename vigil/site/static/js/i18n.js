// Every visible string goes through t(): Simplified Chinese by default, English on request.
// Elements built with h(..., {i18n: key}) are relabelled in place when the language changes.

const STRINGS = {
  "app.title": ["公共安全视频图像信息系统", "Public-safety video system"],
  "app.short": ["Vigil 控制台", "Vigil console"],
  "lang.switch": ["English", "中文"],
  "lang.switch.title": ["切换到英文界面", "Switch to Chinese"],
  "nav.live": ["实时监看", "Live"],
  "nav.playback": ["录像回放", "Playback"],
  "nav.exports": ["录像导出", "Exports"],
  "nav.audit": ["查阅登记", "Audit log"],
  "nav.none": ["您的账号没有可用的功能，请联系管理员。", "Your account has nothing to use here; ask an administrator."],
  "role.administrator": ["管理", "administrator"],
  "role.monitor": ["监看", "monitor"],
  "role.maintainer": ["维护", "maintainer"],
  "role.auditor": ["审计", "auditor"],
  "login.title": ["登录", "Sign in"],
  "login.username": ["用户名", "Username"],
  "login.password": ["密码", "Password"],
  "login.submit": ["登录", "Sign in"],
  "login.busy": ["正在登录…", "Signing in…"],
  "logout": ["退出", "Sign out"],
  "user.role": ["角色", "Role"],
  "field.username": ["用户名", "Username"],
  "field.password": ["密码", "Password"],
  "field.camera": ["摄像机", "Camera"],
  "field.cameras": ["摄像机", "Cameras"],
  "field.from": ["开始时间", "From"],
  "field.to": ["结束时间", "To"],
  "field.purpose": ["用途", "Purpose"],
  "field.destination": ["去向", "Destination"],
  "field.since": ["起始时间", "Since"],
  "field.until": ["截止时间", "Until"],
  "field.actor": ["操作人", "Actor"],
  "field.action": ["操作", "Action"],
  "error.field": ["字段", "field"],
  "error.network": ["无法连接服务器", "Cannot reach the server"],
  "error.session": ["登录已失效，请重新登录。", "Your session ended; please sign in again."],
  "state.recording": ["录像中", "recording"],
  "state.connecting": ["连接中", "connecting"],
  "state.offline": ["离线", "offline"],
  "state.paused": ["暂停（磁盘满）", "paused (disk full)"],
  "state.stopped": ["已停止", "stopped"],
  "state.failed": ["故障", "failed"],
  "state.not_recording": ["未录像", "not recording"],
  "state.unknown": ["未知", "unknown"],
  "state.gap": ["中断", "gap"],
  "live.grid": ["画面分割", "Grid"],
  "live.page": ["第 {p} / {n} 页", "Page {p} / {n}"],
  "live.prev": ["上一页", "Previous"],
  "live.next": ["下一页", "Next"],
  "live.none": ["没有可监看的摄像机。", "No camera you may watch."],
  "live.gaps24h": ["24小时内中断 {n} 次", "{n} gaps in 24 h"],
  "live.nosignal": ["无画面", "no picture"],
  "live.reconnect": ["重新连接…", "reconnecting…"],
  "live.forbidden": ["无权监看此摄像机", "not allowed to watch this camera"],
  "live.unsupported": ["浏览器不支持此视频格式", "this browser cannot play this video format"],
  "live.single.hint": ["双击返回多画面", "double-click to return to the wall"],
  "live.tile.hint": ["双击全屏", "double-click for full view"],
  "pb.cameras": ["摄像机", "Cameras"],
  "pb.none": ["没有可回放的摄像机。", "No camera you may play back."],
  "pb.jump": ["跳转到", "Jump to"],
  "pb.jump.placeholder": ["YYYY-MM-DD HH:MM:SS（本地）或 ISO …Z", "YYYY-MM-DD HH:MM:SS (local) or ISO …Z"],
  "pb.go": ["跳转", "Go"],
  "pb.play": ["播放", "Play"],
  "pb.pause": ["暂停", "Pause"],
  "pb.speed": ["倍速", "Speed"],
  "pb.zoomin": ["放大", "Zoom in"],
  "pb.zoomout": ["缩小", "Zoom out"],
  "pb.day": ["日期", "Day"],
  "pb.prevday": ["前一天", "Previous day"],
  "pb.nextday": ["后一天", "Next day"],
  "pb.utc": ["UTC", "UTC"],
  "pb.local": ["本地", "local"],
  "pb.badtime": ["无法识别的时间", "unrecognised date-time"],
  "pb.pickcamera": ["请至少选择一台摄像机", "choose at least one camera"],
  "pb.ingap": ["此时段无录像", "nothing recorded here"],
  "pb.outside": ["超出已登记的时段，需重新登记", "outside the registered range: register again"],
  "pb.legend.rec": ["有录像", "recorded"],
  "pb.legend.gap": ["中断", "gap"],
  "pb.legend.none": ["无数据", "no data"],
  "pb.registered": ["已登记：{purpose} → {destination}", "Registered: {purpose} → {destination}"],
  "dlg.title": ["查阅登记", "Register this review"],
  "dlg.intro": ["回放前须登记查阅用途和去向。", "State the purpose and destination before playback."],
  "dlg.purpose.placeholder": ["例如：核查 3 号门盗窃报警", "e.g. checking the theft alarm at door 3"],
  "dlg.destination.placeholder": ["例如：本单位保卫科，仅现场查看", "e.g. our security office, viewed on site only"],
  "dlg.submit": ["登记并回放", "Register and play"],
  "dlg.cancel": ["取消", "Cancel"],
  "dlg.required": ["必填", "required"],
  "ex.title": ["导出录像", "Export a recording"],
  "ex.camera": ["摄像机", "Camera"],
  "ex.from": ["开始时间", "From"],
  "ex.to": ["结束时间", "To"],
  "ex.purpose": ["用途", "Purpose"],
  "ex.destination": ["去向", "Destination"],
  "ex.submit": ["开始导出", "Start export"],
  "ex.jobs": ["导出任务", "Export jobs"],
  "ex.none": ["没有可导出的摄像机。", "No camera you may export."],
  "ex.running": ["导出中", "running"],
  "ex.done": ["完成", "done"],
  "ex.failed": ["失败", "failed"],
  "ex.download": ["下载", "Download"],
  "ex.time.hint": ["本地时间 YYYY-MM-DD HH:MM:SS，或 ISO …Z", "local YYYY-MM-DD HH:MM:SS, or ISO …Z"],
  "au.title": ["查阅、复制、调取登记", "Register of reviews, copies and retrievals"],
  "au.filter": ["筛选", "Filter"],
  "au.csv": ["导出 CSV", "Export CSV"],
  "au.count": ["共 {n} 条", "{n} entries"],
  "au.any": ["全部", "any"],
  "au.col.seq": ["序号", "#"],
  "au.col.time": ["时间（UTC）", "Time (UTC)"],
  "au.col.actor": ["操作人", "Actor"],
  "au.col.role": ["角色", "Role"],
  "au.col.client": ["客户端", "Client"],
  "au.col.action": ["操作", "Action"],
  "au.col.camera": ["摄像机", "Camera"],
  "au.col.range": ["录像时段", "Recorded range"],
  "au.col.purpose": ["用途", "Purpose"],
  "au.col.destination": ["去向", "Destination"],
  "au.col.result": ["结果", "Result"],
  "au.col.detail": ["详情", "Detail"],
  "action.playback": ["回放", "playback"],
  "action.export": ["导出", "export"],
  "action.download": ["下载", "download"],
  "action.live_start": ["开始监看", "live start"],
  "action.live_end": ["结束监看", "live end"],
  "action.login": ["登录", "sign-in"],
  "action.logout": ["退出", "sign-out"],
  "loading": ["加载中…", "Loading…"],
};

const LANG_KEY = "vigil.lang";
const listeners = new Set();
let lang = localStorage.getItem(LANG_KEY) === "en" ? "en" : "zh";

export function getLang() {
  return lang;
}

export function setLang(next) {
  lang = next === "en" ? "en" : "zh";
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  relabel(document);
  for (const fn of [...listeners]) fn(lang);
}

/** Call fn whenever the language changes; returns the function that stops it. */
export function onLang(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The string for key in the current language, with {name} placeholders filled. */
export function t(key, params = {}) {
  const pair = STRINGS[key];
  let text = pair ? pair[lang === "en" ? 1 : 0] : key;
  for (const [name, value] of Object.entries(params)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

/** A label for a value of an open-ended kind (state, action, role), falling back to the value. */
export function label(kind, value) {
  const key = `${kind}.${value}`;
  return key in STRINGS ? t(key) : String(value ?? "");
}

/** Re-apply the language to elements marked data-i18n / data-i18n-placeholder / -title. */
export function relabel(root) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
}

// -- article citations: "A17.2(2)" -> "依据《办法》第十七条第二款第（二）项 / A17.2(2)" -------------

const DIGITS = "零一二三四五六七八九";

export function chineseNumber(n) {
  if (n < 10) return DIGITS[n];
  if (n < 20) return "十" + (n % 10 ? DIGITS[n % 10] : "");
  if (n < 100) return DIGITS[Math.floor(n / 10)] + "十" + (n % 10 ? DIGITS[n % 10] : "");
  return String(n);
}

/** An article id in Chinese, or null when it is not of the form A<art>[.<para>][(<item>)]. */
export function articleZh(id) {
  const m = /^A(\d+)(?:\.(\d+))?(?:\((\d+)\))?$/.exec(String(id || "").trim());
  if (!m) return null;
  let out = `第${chineseNumber(Number(m[1]))}条`;
  if (m[2]) out += `第${chineseNumber(Number(m[2]))}款`;
  if (m[3]) out += `第（${chineseNumber(Number(m[3]))}）项`;
  return out;
}

/** The citation shown to people, in both languages whatever the UI language. */
export function cite(article) {
  if (!article) return "";
  const parts = String(article).split(/\s*[,;]\s*/).filter(Boolean);
  const zh = parts.map((p) => articleZh(p) || p).join("、");
  return `依据《办法》${zh} / ${parts.join(", ")}`;
}

document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
