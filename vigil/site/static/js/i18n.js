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
  "nav.subjects": ["当事人查看", "Subject viewing"],
  "nav.privacy": ["禁装检查", "Private places"],
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
  "field.caller_unit": ["调取人员单位", "Caller's unit"],
  "dlg.caller_unit.placeholder": ["例如：某某公安分局", "e.g. the district police bureau"],
  "dlg.caller_unit.hint": ["默认本单位；公安机关人员查阅时填写所在机关", "Default: this unit; an officer names their bureau"],
  "au.col.caller_unit": ["调取人员单位", "Caller's unit"],
  "field.jurisdiction": ["适用法规（辖区）", "Jurisdiction (laws in force)"],
  "field.national_class": ["条例场所类别", "National site class"],
  "site.jurisdiction.hint": ["决定自何日起适用哪些法规（vigil law list）", "Which laws apply from which day (vigil law list)"],
  "site.national_class.hint": ["《条例》第七条所列场所或第九条其他公共场所", "An N7 place, or an other public place (N9)"],
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
  "ex.mask": ["用于公开发布（打码）", "For publication (masked)"],
  "ex.mask.hint": ["另附打码副本：人脸、车牌及下列区域打码；原件不变（《条例》第二十二条）", "Adds a masked copy: faces, plates and the regions below pixelated; the original is unchanged (N22)"],
  "ex.mask.regions": ["打码区域（名称、营业执照等）", "Regions to mask (names, business licences)"],
  "ex.mask.regions.hint": ["每行一个：x,y,w,h 像素，可加 @起-止 秒", "One per line: x,y,w,h in pixels, optionally @from-to seconds"],
  "ex.masked": ["打码副本", "masked copy"],
  "au.title": ["查阅、复制、调取登记", "Register of reviews, copies and retrievals"],
  "au.filter": ["筛选", "Filter"],
  "au.csv": ["导出 CSV", "Export CSV"],
  "au.count": ["共 {n} 条", "{n} entries"],
  "au.older": ["更早的记录", "Older entries"],
  "au.more": ["已显示 {n} 条，还有更早的记录", "{n} entries shown; there are older ones"],
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
  "action.export_remove": ["删除导出包", "export removed"],
  "action.live_start": ["开始监看", "live start"],
  "action.live_end": ["结束监看", "live end"],
  "action.login": ["登录", "sign-in"],
  "action.logout": ["退出", "sign-out"],
  // -- the unit's records ----------------------------------------------------------------------
  "nav.site": ["场所", "Site"],
  "nav.siting": ["点位", "Cameras"],
  "nav.staff": ["人员", "Staff"],
  "nav.maintenance": ["维保", "Maintenance"],
  "nav.compliance": ["自查", "Compliance"],
  "rec.save": ["保存", "Save"],
  "rec.saved": ["已保存", "Saved"],
  "rec.none": ["暂无记录", "Nothing recorded"],
  "rec.yes": ["是", "yes"],
  "rec.no": ["否", "no"],
  "field.unit_name": ["单位名称", "Unit name"],
  "field.credit_code": ["统一社会信用代码", "Unified social credit code"],
  "field.division_code": ["行政区划代码", "Administrative division code"],
  "field.address": ["地址", "Address"],
  "field.categories": ["场所类别（第七条）", "Site categories (A7)"],
  "field.site_kind": ["场所性质", "Kind of site"],
  "field.builder": ["建设主体（第九条）", "Builder (A9)"],
  "field.contact_name": ["联系人", "Contact"],
  "field.contact_phone": ["联系电话", "Contact phone"],
  "field.project_kind": ["建设类型", "Project kind"],
  "field.delivered_on": ["交付使用日期", "Delivered on"],
  "field.commissioned_on": ["投入使用日期", "Commissioned on"],
  "field.accepted_on": ["验收日期", "Accepted on"],
  "field.filed_on": ["备案日期", "Filed on"],
  "field.main_works_started_on": ["主体工程开工日期", "Main works started on"],
  "field.main_works_in_use_on": ["主体工程投入使用日期", "Main works in use on"],
  "field.design_plan": ["设计方案", "Design plan"],
  "field.test_report": ["技术检测报告", "Technical test report"],
  "field.acceptance_report": ["验收报告", "Acceptance report"],
  "field.position": ["重要部位", "Key position"],
  "field.label": ["名称", "Name"],
  "field.code": ["代码", "Code"],
  "field.location_type": ["安装部位类型", "Location type"],
  "field.location_note": ["具体位置", "Exact place"],
  "field.sign_installed": ["已设置提示标识", "Sign installed"],
  "field.sign_photo": ["标识照片", "Sign photo"],
  "field.reference_view": ["基准画面", "Reference view"],
  "field.file": ["附件", "File"],
  "field.name": ["姓名", "Name"],
  "field.duty": ["岗位", "Duty"],
  "field.account": ["系统账号", "Account"],
  "field.phone": ["电话", "Phone"],
  "field.joined_on": ["上岗日期", "Joined on"],
  "field.left_on": ["离岗日期", "Left on"],
  "field.staff": ["人员", "Staff member"],
  "field.staff_id": ["人员", "Staff member"],
  "field.training_kind": ["类型", "Kind"],
  "field.kind": ["类型", "Kind"],
  "field.held_on": ["日期", "Held on"],
  "field.topic": ["内容", "Topic"],
  "field.provider": ["组织单位", "Provider"],
  "field.hours": ["学时", "Hours"],
  "field.post": ["岗位/席位", "Post"],
  "field.starts": ["开始", "Starts"],
  "field.ends": ["结束", "Ends"],
  "field.shift": ["班次", "Shift"],
  "field.shift_id": ["班次", "Shift"],
  "field.handover_to": ["交接给", "Handed over to"],
  "field.to_staff_id": ["交接给", "Handed over to"],
  "field.handover_note": ["交接记录", "Handover note"],
  "field.note": ["交接记录", "Handover note"],
  "field.person_name": ["来访人员姓名", "Visitor's name"],
  "field.organisation": ["单位", "Organisation"],
  "field.reason": ["事由", "Reason"],
  "field.entered": ["进入时间", "Entered"],
  "field.left": ["离开时间", "Left"],
  "field.entry_id": ["登记", "Entry"],
  "field.contractor": ["维护单位", "Contractor"],
  "field.contractor_credit_code": ["维护单位信用代码", "Contractor's credit code"],
  "field.scope": ["维护范围", "Scope"],
  "field.starts_on": ["起始日期", "Starts on"],
  "field.ends_on": ["截止日期", "Ends on"],
  "field.security_clause": ["合同已明确安全责任条款", "Security-responsibility clause written in"],
  "field.contract_file": ["合同文件", "Signed contract"],
  "field.contract": ["维护合同", "Contract"],
  "field.contract_id": ["维护合同", "Contract"],
  "field.at": ["时间", "When"],
  "field.summary": ["内容", "Summary"],
  "field.performed_by": ["执行人", "Performed by"],
  "field.outcome": ["结果", "Outcome"],
  "duty.monitoring": ["监看", "monitoring"],
  "duty.management": ["管理", "management"],
  "duty.maintenance": ["维护", "maintenance"],
  "training.training": ["业务培训", "training"],
  "training.secrecy": ["保密教育", "secrecy education"],
  "site.title": ["场所信息与备案", "Site profile and filing"],
  "site.profile.title": ["单位及系统基本情况", "The unit and its system"],
  "site.credit.hint": ["18 位，含校验码（GB 32100）", "18 characters with its check character (GB 32100)"],
  "site.division.hint": ["6 位数字（GB/T 2260）", "6 digits (GB/T 2260)"],
  "site.kind.hint": ["交通枢纽、人员密集场所须选择（第九条第一款）", "Needed for transport hubs and crowded places (A9.1)"],
  "site.mainworks.hint": ["新建、改建、扩建项目填写（第十一条）", "For new, rebuilt or expanded works (A11)"],
  "site.builder.government": ["市、县人民政府", "city or county government"],
  "site.builder.unit": ["本单位（建设、管理或使用单位）", "this unit (builds, manages or uses the site)"],
  "site.builder.other": ["其他单位和个人", "another unit or person"],
  "site.project.existing": ["已建系统", "existing system"],
  "site.project.new": ["新建", "new works"],
  "site.project.rebuilt": ["改建", "rebuilt works"],
  "site.project.expanded": ["扩建", "extended works"],
  "site.check.due": ["期限 {date}", "due {date}"],
  "site.division.name": ["行政区划 {code}：{name}", "Division {code}: {name}"],
  "site.pos.code.placeholder": ["代码，如 lobby 或 luggage-room", "code, e.g. lobby or luggage-room"],
  "site.pos.optional": ["非必需", "optional"],
  "site.cov.covered": ["已覆盖", "covered"],
  "site.cov.not_working": ["摄像机不工作", "camera not working"],
  "site.cov.gap": ["无摄像机", "no camera"],
  "site.cov.unsited": ["未设置点位的摄像机：{names}", "Cameras without a siting: {names}"],
  "site.cov.elsewhere": ["位于非重要部位的摄像机：{list}", "Cameras elsewhere than a key position: {list}"],
  "siting.types.custom": ["本单位确定的部位", "The unit's own positions"],
  "site.pos.title": ["重要部位清单", "Key positions"],
  "site.pos.hint": ["重要部位由本单位确定：确认、删除或增加本单位的部位。", "The unit decides its key positions: confirm, drop or add your own."],
  "site.pos.none": ["尚未确定重要部位。请先选择场所类别。", "No key position yet: choose the site's categories first."],
  "site.pos.add": ["增加部位", "Add position"],
  "site.pos.new.placeholder": ["例如：行李寄存处", "e.g. luggage room"],
  "site.pos.confirm": ["确认", "Confirm"],
  "site.pos.drop": ["删除", "Drop"],
  "site.pos.proposed": ["建议", "suggested"],
  "site.cov.title": ["覆盖情况", "Coverage"],
  "site.cov.summary": ["重要部位 {n} 个，未覆盖 {gaps} 个", "{n} key positions, {gaps} without a working camera"],
  "site.cov.col.position": ["重要部位", "Key position"],
  "site.cov.col.cameras": ["摄像机", "Cameras"],
  "site.cov.col.working": ["正常工作", "Working"],
  "site.cov.col.state": ["状态", "State"],
  "site.filing.title": ["备案", "Filing"],
  "site.filing.hint": ["备案表按上面保存的信息生成，列出设计方案、技术检测和验收报告附件及备案期限。", "The filing form is made from the profile above; it lists the design plan, test and acceptance attachments and the filing deadline."],
  "site.filing.download": ["下载备案表（PDF）", "Download the filing form (PDF)"],
  "site.att.design_plan": ["设计方案", "Design plan"],
  "site.att.test_report": ["技术检测报告", "Technical test report"],
  "site.att.acceptance_report": ["验收报告", "Acceptance report"],
  "siting.title": ["摄像机点位", "Camera siting"],
  "siting.list.title": ["点位一览", "Cameras and where they look"],
  "siting.edit.title": ["设置点位", "Set a camera's siting"],
  "siting.unsited": ["未设置", "not set"],
  "siting.types.allowed": ["重要部位", "Key positions"],
  "siting.types.forbidden": ["禁止安装（第八条）", "Forbidden (A8)"],
  "siting.sign.title": ["提示标识", "Sign"],
  "siting.sign.none": ["未上传标识照片", "No photo of the sign"],
  "siting.sign.upload": ["上传标识照片", "Upload a photo of the sign"],
  "siting.ref.title": ["基准画面", "Reference view"],
  "siting.ref.none": ["尚未截取基准画面", "No reference view yet"],
  "siting.ref.take": ["截取当前画面", "Take a snapshot"],
  "siting.ref.approve": ["批准为基准画面", "Approve as the reference view"],
  "siting.ref.pending": ["待管理人员批准", "awaiting an administrator's approval"],
  "siting.ref.approved": ["已由 {who} 于 {when} 批准", "approved by {who} on {when}"],
  "staff.title": ["人员与值守", "Staff and watch"],
  "staff.roster.title": ["人员名册", "Roster"],
  "staff.untrained": ["在岗 {total} 人中 {n} 人缺少培训或保密教育记录", "{n} of {total} people lack a training or secrecy-education record"],
  "staff.col.training": ["最近培训", "Last training"],
  "staff.col.secrecy": ["最近保密教育", "Last secrecy education"],
  "staff.training.missing": ["无记录", "none"],
  "staff.add.title": ["登记人员", "Add a person"],
  "staff.add": ["登记", "Add"],
  "staff.training.title": ["登记培训或保密教育", "Record training or secrecy education"],
  "staff.training.add": ["登记", "Record"],
  "staff.shifts.title": ["值班与交接班", "Shifts and handovers"],
  "staff.shift.add.title": ["排班", "Schedule a shift"],
  "staff.shift.add": ["排班", "Schedule"],
  "staff.handover.title": ["交接班", "Hand over"],
  "staff.handover.submit": ["交接", "Hand over"],
  "room.title": ["监控室出入登记", "Monitoring-room entry log"],
  "room.enter.title": ["登记进入", "Register an entry"],
  "room.enter": ["登记进入", "Register entry"],
  "room.exit": ["登记离开", "Register exit"],
  "room.flag": ["非在册人员", "not on the roster"],
  "room.flagged": ["非在册人员进入 {n} 次（可能违反第二十四条第（四）项）", "{n} entries by people not on the roster (possible A24(4) breach)"],
  "room.col.flag": ["标记", "Flag"],
  "room.not_on_roster": ["（非在册人员，填写姓名）", "(not on the roster: give the name)"],
  "room.person.hint": ["在册人员请在上一栏选择", "choose staff on the roster above instead"],
  "room.time.hint": ["本地时间 YYYY-MM-DD HH:MM；留空为现在", "local YYYY-MM-DD HH:MM; blank for now"],
  "mt.title": ["维护保养", "Maintenance"],
  "mt.plan.title": ["应急预案、检查与演练", "Emergency plan, checks and drills"],
  "mt.plan.on_file": ["应急预案已备（{when}）", "Emergency plan on file ({when})"],
  "mt.plan.none": ["没有应急预案记录", "No emergency plan on file"],
  "mt.drill.last": ["最近演练 {when}（共 {n} 次）", "Last drill {when} ({n} in all)"],
  "mt.drill.none": ["没有演练记录", "No drill recorded"],
  "mt.check.last": ["最近安全检查 {when}（共 {n} 次）", "Last security check {when} ({n} in all)"],
  "mt.check.none": ["没有安全检查记录", "No security check recorded"],
  "mt.open.title": ["未处理的故障", "Open faults"],
  "mt.open.count": ["未处理故障 {n} 个", "{n} open faults"],
  "mt.open": ["未处理", "open"],
  "mt.resolve": ["处理完毕", "Resolve"],
  "mt.resolve.prompt": ["处理结果：", "How was it resolved?"],
  "mt.contracts.title": ["维护合同", "Maintenance contracts"],
  "mt.contract.add.title": ["登记维护合同", "Add a contract"],
  "mt.contract.add": ["登记", "Add"],
  "mt.clause.hint": ["合同须以书面形式明确信息系统安全运行责任（第十六条第（二）项）", "The contract must state in writing who is responsible for the system's safe operation (A16(2))"],
  "mt.col.period": ["期限", "Period"],
  "mt.col.resolved": ["处理", "Resolved"],
  "mt.log.title": ["维护与故障记录", "Maintenance and fault log"],
  "mt.log.add.title": ["登记", "Add an entry"],
  "mt.log.add": ["登记", "Add"],
  "mtkind.maintenance": ["维护保养", "maintenance"],
  "mtkind.fault": ["故障", "fault"],
  "mtkind.repair": ["维修", "repair"],
  "mtkind.security_check": ["安全检查", "security check"],
  "mtkind.drill": ["应急演练", "drill"],
  "mtkind.emergency_plan": ["应急预案", "emergency plan"],
  "cp.title": ["合规自查报告", "Self-check report"],
  "cp.intro": ["按《办法》逐条列出本系统应履行的义务、当前状态、依据和整改要求。", "Each article with a duty the system helps keep: its status, the evidence, and what to do."],
  "cp.pdf": ["下载 PDF", "Download PDF"],
  "cp.json": ["下载 JSON", "Download JSON"],
  "cp.refresh": ["重新检查", "Check again"],
  "cp.show": ["显示", "Show"],
  "cp.meta": ["{unit} · 生成于 {at}", "{unit} · generated {at}"],
  "cp.rows.title": ["逐条自查", "Article by article"],
  "cp.col.article": ["条款", "Article"],
  "cp.col.duty": ["义务", "Duty"],
  "cp.col.status": ["状态", "Status"],
  "cp.col.evidence": ["依据", "Evidence"],
  "cp.col.action": ["整改要求", "What to do"],
  "cp.status.met": ["已履行", "met"],
  "cp.status.not_met": ["未履行", "not met"],
  "cp.status.needs_evidence": ["待补充材料", "needs evidence"],
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

/** Add the strings of a page that brings its own (`{key: [zh, en]}`). */
export function addStrings(more) {
  Object.assign(STRINGS, more);
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
  // A… the provincial measures (《办法》), N… the national regulation of 2025 (《条例》)
  const m = /^([AN])(\d+)(?:\.(\d+))?(?:\((\d+)\))?$/.exec(String(id || "").trim());
  if (!m) return null;
  let out = `${m[1] === "N" ? "《条例》" : ""}第${chineseNumber(Number(m[2]))}条`;
  if (m[3]) out += `第${chineseNumber(Number(m[3]))}款`;
  if (m[4]) out += `第（${chineseNumber(Number(m[4]))}）项`;
  return out;
}

/** The citation shown to people, in both languages whatever the UI language. */
export function cite(article) {
  if (!article) return "";
  const parts = String(article).split(/\s*[,;]\s*/).filter(Boolean);
  const zh = parts.map((p) => {
    const text = articleZh(p) || p;
    return p.startsWith("A") ? `《办法》${text}` : text;
  });
  return `依据${zh.join("、")} / ${parts.join(", ")}`;
}

document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
