// Every string the UI shows, in English and Chinese. `zh` must have exactly the keys of `en`
// (the type enforces it, and i18n.test.ts checks keys and {placeholders} at run time too).
import type { Bilingual } from "./bindings/Bilingual";
import type { Language } from "./bindings/Language";

export const en = {
  "app.title": "Interview Copilot",
  "app.loading": "Loading…",
  "app.version": "Version {version}",
  "app.dataDir": "Data folder: {path}",
  "lang.switch": "中文",
  "lang.switchTitle": "Switch the interface to Chinese",

  "nav.jobs": "Jobs",
  "nav.importExport": "Import & export",
  "nav.interviews": "Interviews",

  "startup.title": "Interview Copilot could not open its data",
  "startup.fix": "What to do",
  "startup.retry": "Try again",
  "startup.hint.keychain_unavailable":
    "The database key is kept in the system keychain (Secret Service). Start or unlock your keyring (for example GNOME Keyring or KWallet), then try again.",
  "startup.hint.database_key_missing":
    "The keychain no longer holds this database's key. Restore the keychain entry, or open the app with your recovery key.",
  "startup.hint.database_refused":
    "The database file was refused. It may be an unencrypted copy or encrypted with another key. Move it away or restore your backup, then try again.",
  "startup.hint.other": "Read the message above: it names the problem and how to fix it.",

  "recovery.title": "Save your recovery key",
  "recovery.body":
    "Your interview data is encrypted. The key is kept in the system keychain. If the keychain is ever lost, this recovery key is the only way to open your data. It is shown only once.",
  "recovery.copy": "Copy",
  "recovery.copied": "Copied",
  "recovery.ack": "I have saved it",

  "jobs.title": "Jobs",
  "jobs.subtitle": "Competency models and question banks. Open a job to edit it.",
  "jobs.empty": "No jobs yet. Import a bank file to add some.",
  "jobs.col.title": "Job",
  "jobs.col.competencies": "Competencies",
  "jobs.col.questions": "Questions",
  "jobs.col.version": "Version",
  "jobs.open": "Open",

  "editor.back": "← All jobs",
  "editor.version": "Version {version}",
  "editor.viewingOld": "You are viewing version {version}. Saving it makes it the newest version.",
  "editor.tab.model": "Competency model",
  "editor.tab.bank": "Question bank",
  "editor.tab.history": "Version history",
  "editor.save": "Save",
  "editor.saving": "Saving…",
  "editor.saved": "Saved as version {version}",
  "editor.unchanged": "No changes: still version {version}",
  "editor.invalid": "Fix these problems before saving:",
  "editor.jobId": "Job ID",
  "editor.titleEn": "Title (English)",
  "editor.titleZh": "Title (Chinese)",
  "editor.summaryEn": "Summary (English)",
  "editor.summaryZh": "Summary (Chinese)",
  "editor.weights.ok": "Weights sum to {sum} %",
  "editor.weights.bad": "Weights sum to {sum} %: they must sum to 100 %",
  "editor.weights.normalise": "Scale to 100 %",
  "editor.addCompetency": "Add competency",
  "editor.removeCompetency": "Remove",
  "editor.competency.id": "ID",
  "editor.competency.nameEn": "Name (English)",
  "editor.competency.nameZh": "Name (Chinese)",
  "editor.competency.weight": "Weight %",
  "editor.competency.descriptionEn": "Description (English)",
  "editor.competency.descriptionZh": "Description (Chinese)",
  "editor.competency.anchors": "Rating anchors (1 = poor, 5 = exceptional)",
  "editor.competency.anchorLevel": "Level {level}",
  "editor.competency.keywordsEn": "Keywords (English, comma separated)",
  "editor.competency.keywordsZh": "Keywords (Chinese, comma separated)",
  "editor.competency.examplesEn": "Example phrases (English, comma separated)",
  "editor.competency.examplesZh": "Example phrases (Chinese, comma separated)",
  "editor.competency.questionCount": "{count} questions",

  "bank.addQuestion": "Add question",
  "bank.removeQuestion": "Remove question",
  "bank.questionId": "Question ID",
  "bank.textEn": "Question (English)",
  "bank.textZh": "Question (Chinese)",
  "bank.difficulty": "Difficulty",
  "bank.difficulty.easy": "Easy",
  "bank.difficulty.standard": "Standard",
  "bank.difficulty.hard": "Hard",
  "bank.followUps": "Follow-up probes",
  "bank.addFollowUp": "Add follow-up",
  "bank.removeFollowUp": "Remove",
  "bank.followUpEn": "Follow-up (English)",
  "bank.followUpZh": "Follow-up (Chinese)",
  "bank.noQuestions": "No questions for this competency yet.",

  "history.col.version": "Version",
  "history.col.created": "Saved",
  "history.col.hash": "Content hash",
  "history.open": "Open",
  "history.current": "Newest",

  "io.import.title": "Import a bank file",
  "io.import.help":
    "JSON, CSV or XLSX. Every job in the file is checked first; nothing is saved unless the whole file is valid.",
  "io.import.choose": "Choose file…",
  "io.import.importing": "Importing {file}…",
  "io.import.done": "Imported {file}",
  "io.import.jobNew": "{job}: saved as version {version}",
  "io.import.jobSame": "{job}: unchanged (version {version})",
  "io.import.failed": "{file} was not imported",
  "io.export.title": "Export jobs",
  "io.export.help": "Choose the jobs and a format. The file is written to the path below.",
  "io.export.all": "Select all",
  "io.export.format": "Format",
  "io.export.path": "Save to",
  "io.export.save": "Export",
  "io.export.done": "Saved {path} (jobs: {count})",
  "io.export.noneSelected": "Select at least one job to export.",

  "iv.title": "Interviews",
  "iv.new": "New interview",
  "iv.empty": "No interviews yet.",
  "iv.col.candidate": "Candidate",
  "iv.col.job": "Job",
  "iv.col.language": "Language",
  "iv.col.status": "Status",
  "iv.col.created": "Created",
  "iv.col.questions": "Questions",
  "iv.status.planned": "Planned",
  "iv.status.in_progress": "In progress",
  "iv.status.completed": "Completed",
  "iv.status.cancelled": "Cancelled",
  "iv.form.title": "Plan a new interview",
  "iv.form.job": "Job",
  "iv.form.name": "Candidate name",
  "iv.form.contact": "Contact (email or phone)",
  "iv.form.resume": "Résumé text",
  "iv.form.resumeHelp": "Paste the résumé, or load a TXT, PDF or DOCX file.",
  "iv.form.resumeFile": "Load résumé file…",
  "iv.form.resumeLoaded": "Loaded {file} ({chars} characters)",
  "iv.form.interviewers": "Interviewers (comma separated)",
  "iv.form.language": "Interview language",
  "iv.form.minutes": "Time budget (minutes)",
  "iv.form.preview": "Preview plan",
  "iv.form.create": "Create interview",
  "iv.form.cancel": "Cancel",
  "iv.form.nameMissing": "Enter the candidate's name.",
  "iv.created": "Interview with {name} created",
  "iv.back": "← All interviews",
  "iv.detail.interviewers": "Interviewers",
  "iv.detail.contact": "Contact",
  "iv.detail.modelVersion": "Competency model version {version}",

  "plan.title": "Plan",
  "plan.summary": "{count} questions, {planned} of {budget} minutes",
  "plan.minutes": "{minutes} min",
  "plan.personalised": "Personalised",
  "plan.original": "Bank question: {text}",
  "plan.why": "Why",
  "plan.skipped": "Left out ({count})",
  "plan.facts": "From the résumé",
  "plan.facts.roles": "Roles",
  "plan.facts.organisations": "Organisations",
  "plan.facts.projects": "Projects",
  "plan.facts.skills": "Skills",
  "plan.facts.achievements": "Achievements",
  "plan.facts.none": "Nothing specific found; the plan uses the bank questions as written.",
  "plan.weight": "weight {percent} %",

  "language.en": "English",
  "language.zh": "中文",
  "format.json": "JSON",
  "format.csv": "CSV",
  "format.xlsx": "Excel (XLSX)",
  "error.details": "Problems found:",
  "error.code": "Error code: {code}",
} as const;

export type MessageKey = keyof typeof en;
export type Dictionary = Record<MessageKey, string>;

export const zh: Dictionary = {
  "app.title": "面试助手",
  "app.loading": "加载中…",
  "app.version": "版本 {version}",
  "app.dataDir": "数据文件夹：{path}",
  "lang.switch": "English",
  "lang.switchTitle": "将界面切换为英文",

  "nav.jobs": "岗位",
  "nav.importExport": "导入与导出",
  "nav.interviews": "面试",

  "startup.title": "面试助手无法打开数据",
  "startup.fix": "解决办法",
  "startup.retry": "重试",
  "startup.hint.keychain_unavailable":
    "数据库密钥保存在系统钥匙串（Secret Service）中。请启动或解锁钥匙串（例如 GNOME Keyring 或 KWallet），然后重试。",
  "startup.hint.database_key_missing":
    "钥匙串中已没有此数据库的密钥。请恢复钥匙串条目，或使用恢复密钥打开应用。",
  "startup.hint.database_refused":
    "数据库文件被拒绝：它可能是未加密的副本，或用其他密钥加密。请将其移走或恢复备份，然后重试。",
  "startup.hint.other": "请阅读上面的信息：其中说明了问题和解决方法。",

  "recovery.title": "请保存恢复密钥",
  "recovery.body":
    "您的面试数据已加密，密钥保存在系统钥匙串中。如果钥匙串丢失，只有此恢复密钥能打开数据。它只显示这一次。",
  "recovery.copy": "复制",
  "recovery.copied": "已复制",
  "recovery.ack": "我已保存",

  "jobs.title": "岗位",
  "jobs.subtitle": "胜任力模型与题库。打开岗位即可编辑。",
  "jobs.empty": "还没有岗位。导入题库文件即可添加。",
  "jobs.col.title": "岗位",
  "jobs.col.competencies": "胜任力",
  "jobs.col.questions": "题目",
  "jobs.col.version": "版本",
  "jobs.open": "打开",

  "editor.back": "← 全部岗位",
  "editor.version": "版本 {version}",
  "editor.viewingOld": "您正在查看版本 {version}。保存后它将成为最新版本。",
  "editor.tab.model": "胜任力模型",
  "editor.tab.bank": "题库",
  "editor.tab.history": "版本历史",
  "editor.save": "保存",
  "editor.saving": "保存中…",
  "editor.saved": "已保存为版本 {version}",
  "editor.unchanged": "没有改动：仍为版本 {version}",
  "editor.invalid": "保存前请先修正以下问题：",
  "editor.jobId": "岗位 ID",
  "editor.titleEn": "名称（英文）",
  "editor.titleZh": "名称（中文）",
  "editor.summaryEn": "简介（英文）",
  "editor.summaryZh": "简介（中文）",
  "editor.weights.ok": "权重合计 {sum} %",
  "editor.weights.bad": "权重合计 {sum} %：必须等于 100 %",
  "editor.weights.normalise": "按比例调整为 100 %",
  "editor.addCompetency": "添加胜任力",
  "editor.removeCompetency": "删除",
  "editor.competency.id": "ID",
  "editor.competency.nameEn": "名称（英文）",
  "editor.competency.nameZh": "名称（中文）",
  "editor.competency.weight": "权重 %",
  "editor.competency.descriptionEn": "描述（英文）",
  "editor.competency.descriptionZh": "描述（中文）",
  "editor.competency.anchors": "评分锚点（1 = 差，5 = 卓越）",
  "editor.competency.anchorLevel": "{level} 级",
  "editor.competency.keywordsEn": "关键词（英文，逗号分隔）",
  "editor.competency.keywordsZh": "关键词（中文，逗号分隔）",
  "editor.competency.examplesEn": "示例表述（英文，逗号分隔）",
  "editor.competency.examplesZh": "示例表述（中文，逗号分隔）",
  "editor.competency.questionCount": "{count} 道题",

  "bank.addQuestion": "添加题目",
  "bank.removeQuestion": "删除题目",
  "bank.questionId": "题目 ID",
  "bank.textEn": "题目（英文）",
  "bank.textZh": "题目（中文）",
  "bank.difficulty": "难度",
  "bank.difficulty.easy": "简单",
  "bank.difficulty.standard": "中等",
  "bank.difficulty.hard": "困难",
  "bank.followUps": "追问",
  "bank.addFollowUp": "添加追问",
  "bank.removeFollowUp": "删除",
  "bank.followUpEn": "追问（英文）",
  "bank.followUpZh": "追问（中文）",
  "bank.noQuestions": "此胜任力还没有题目。",

  "history.col.version": "版本",
  "history.col.created": "保存时间",
  "history.col.hash": "内容哈希",
  "history.open": "打开",
  "history.current": "最新",

  "io.import.title": "导入题库文件",
  "io.import.help": "支持 JSON、CSV 或 XLSX。会先检查文件中的每个岗位；只有整个文件有效时才会保存。",
  "io.import.choose": "选择文件…",
  "io.import.importing": "正在导入 {file}…",
  "io.import.done": "已导入 {file}",
  "io.import.jobNew": "{job}：已保存为版本 {version}",
  "io.import.jobSame": "{job}：没有变化（版本 {version}）",
  "io.import.failed": "{file} 未导入",
  "io.export.title": "导出岗位",
  "io.export.help": "选择岗位和格式。文件将写入下方路径。",
  "io.export.all": "全选",
  "io.export.format": "格式",
  "io.export.path": "保存到",
  "io.export.save": "导出",
  "io.export.done": "已保存 {path}（岗位数：{count}）",
  "io.export.noneSelected": "请至少选择一个岗位。",

  "iv.title": "面试",
  "iv.new": "新建面试",
  "iv.empty": "还没有面试。",
  "iv.col.candidate": "候选人",
  "iv.col.job": "岗位",
  "iv.col.language": "语言",
  "iv.col.status": "状态",
  "iv.col.created": "创建时间",
  "iv.col.questions": "题目",
  "iv.status.planned": "已计划",
  "iv.status.in_progress": "进行中",
  "iv.status.completed": "已完成",
  "iv.status.cancelled": "已取消",
  "iv.form.title": "计划新面试",
  "iv.form.job": "岗位",
  "iv.form.name": "候选人姓名",
  "iv.form.contact": "联系方式（邮箱或电话）",
  "iv.form.resume": "简历文本",
  "iv.form.resumeHelp": "粘贴简历，或载入 TXT、PDF、DOCX 文件。",
  "iv.form.resumeFile": "载入简历文件…",
  "iv.form.resumeLoaded": "已载入 {file}（{chars} 个字符）",
  "iv.form.interviewers": "面试官（逗号分隔）",
  "iv.form.language": "面试语言",
  "iv.form.minutes": "时长（分钟）",
  "iv.form.preview": "预览计划",
  "iv.form.create": "创建面试",
  "iv.form.cancel": "取消",
  "iv.form.nameMissing": "请输入候选人姓名。",
  "iv.created": "已创建与 {name} 的面试",
  "iv.back": "← 全部面试",
  "iv.detail.interviewers": "面试官",
  "iv.detail.contact": "联系方式",
  "iv.detail.modelVersion": "胜任力模型版本 {version}",

  "plan.title": "面试计划",
  "plan.summary": "{count} 道题，计划 {planned} / {budget} 分钟",
  "plan.minutes": "{minutes} 分钟",
  "plan.personalised": "已个性化",
  "plan.original": "题库原题：{text}",
  "plan.why": "原因",
  "plan.skipped": "未选用（{count}）",
  "plan.facts": "简历要点",
  "plan.facts.roles": "职位",
  "plan.facts.organisations": "单位",
  "plan.facts.projects": "项目",
  "plan.facts.skills": "技能",
  "plan.facts.achievements": "成果",
  "plan.facts.none": "未找到具体信息；计划使用题库原题。",
  "plan.weight": "权重 {percent} %",

  "language.en": "English",
  "language.zh": "中文",
  "format.json": "JSON",
  "format.csv": "CSV",
  "format.xlsx": "Excel（XLSX）",
  "error.details": "发现的问题：",
  "error.code": "错误代码：{code}",
};

export const dictionaries: Record<Language, Dictionary> = { en, zh };

let current: Language = "en";

export function getLanguage(): Language {
  return current;
}

export function setLanguage(language: Language): void {
  current = language;
  if (typeof document !== "undefined") {
    document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  }
}

/** The placeholders (`{name}`) a message uses, sorted. */
export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "").sort();
}

/** Formats `key` in `language` (default: the current UI language), filling `{placeholders}`. */
export function translate(
  key: MessageKey,
  params: Record<string, string | number> = {},
  language: Language = current,
): string {
  const template = dictionaries[language][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export const t = translate;

/** The text of a bilingual value in the UI language, falling back to the other language when empty. */
export function pick(text: Bilingual, language: Language = current): string {
  const preferred = language === "zh" ? text.zh : text.en;
  const other = language === "zh" ? text.en : text.zh;
  return preferred.trim() !== "" ? preferred : other;
}
