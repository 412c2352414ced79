// 智能质检 of agents (第三十一条(一), 第二条): rules over one ticket record as data. Each rule is a pure
// function with a weight; a ticket scores 100 minus the weights of the rules it hits (never below 0),
// and an agent's or a shift's score is the mean over its tickets. Rules marked `article31` are the
// 第三十一条(一) cases a team lead confirms or dismisses: rudeness or no civility phrases, delayed
// dispatch, leaked personal data.

/** One ticket as the rules see it. */
export interface QcTicket {
  type: string;
  categoryCode: string | null;
  facts: string;
  address: string | null;
  requesterPhone: string | null;
  requesterIdNo?: string | null;
  /** The ticket went (or goes) to a handling unit. */
  dispatched: boolean;
  /** The intake left it 待派单 first (disposition pending). */
  pendingFirst: boolean;
  createdAt: string;
  /** The first dispatch to a unit, if any. */
  dispatchedAt: string | null;
  /** Still 待派单 now. */
  stillPending: boolean;
  now: string;
  transcript: string | null;
}

export interface ShiftConfig {
  code: string;
  name: string;
  /** 'HH:mm' Shanghai time; a shift whose end is at or before its start runs past midnight. */
  start: string;
  end: string;
}

export interface QualityConfig {
  /** 第二条: facts shorter than this are not 准确记录. */
  minFactsLength: number;
  /** Category codes (or their prefixes) whose matter has a place: the address is required. */
  placeCategoryPrefixes: string[];
  /** Categories that are complaints by nature: a 咨询 under them is mis-typed. */
  complaintCategoryPrefixes: string[];
  /** Words that show a consultation is really a complaint or a report. */
  complaintKeywords: string[];
  /** Minutes from intake to dispatch for a ticket left 待派单 first (延误派单). */
  dispatchLimitMinutes: number;
  /** Words an agent must never say (态度蛮横、争吵). */
  bannedWords: string[];
  /** Civility phrases a call must contain: each inner list is one requirement met by any of its phrases. */
  civilityPhrases: string[][];
  shifts: ShiftConfig[];
  /** 质效审核: the default sample rate of the period's closed tickets. */
  defaultSampleRate: number;
}

export const DEFAULT_QUALITY: QualityConfig = {
  minFactsLength: 10,
  placeCategoryPrefixes: ['SDRQ-TS', 'SDRQ-GRLS', 'CSGL', 'JTCX-DL', 'JTCX-WT', 'STHJ'],
  complaintCategoryPrefixes: ['SCJG-XFTS', 'SCJG-JG', 'SCJG-CPZL'],
  complaintKeywords: ['投诉', '举报', '要求处理', '要求查处', '不作为', '乱收费', '态度恶劣'],
  dispatchLimitMinutes: 30,
  bannedWords: ['你烦不烦', '不归我们管', '爱找谁找谁', '听不懂吗', '别啰嗦', '神经病', '滚'],
  civilityPhrases: [
    ['您好', '你好'],
    ['感谢您的来电', '感谢来电', '谢谢您', '再见'],
  ],
  shifts: [
    { code: 'day', name: '白班', start: '08:00', end: '16:00' },
    { code: 'evening', name: '中班', start: '16:00', end: '24:00' },
    { code: 'night', name: '夜班', start: '00:00', end: '08:00' },
  ],
  defaultSampleRate: 0.05,
};

/** The 第三十一条(一) case kinds. */
export const CASE_KINDS = { rudeness: '态度蛮横或未使用文明用语', delayed_dispatch: '延误派单', data_leak: '泄露诉求人信息' } as const;
export type CaseKind = keyof typeof CASE_KINDS;

export interface QcRule {
  key: string;
  label: string;
  /** Points a hit takes off the ticket's 100. */
  weight: number;
  /** A 第三十一条(一) case the team lead decides on. */
  article31?: CaseKind;
  /** Null when the ticket passes; otherwise what was found (no personal data). */
  check(t: QcTicket, cfg: QualityConfig): string | null;
}

const prefixed = (code: string | null, prefixes: string[]) => !!code && prefixes.some((p) => code === p || code.startsWith(`${p}-`) || code.startsWith(p));
const digits = (s: string | null | undefined) => (s ?? '').replace(/\D/g, '');

/** 18-digit resident ID numbers (last may be X) and 15-digit old ones, not inside longer digit runs. */
const ID_NUMBER = /(?<![0-9])(?:[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx]|[1-9]\d{14})(?![0-9Xx])/g;
/** Mobile numbers and landlines (0453-1234567, 04531234567). */
const PHONE = /(?<![0-9])(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?![0-9])/g;

export function personalDataIn(text: string, requesterPhone: string | null): { idNumbers: number; phones: number } {
  const own = digits(requesterPhone);
  const ids = text.match(ID_NUMBER) ?? [];
  const phones = (text.replace(ID_NUMBER, ' ').match(PHONE) ?? []).filter((p) => digits(p) !== own);
  return { idNumbers: ids.length, phones: phones.length };
}

export const QC_RULES: readonly QcRule[] = [
  {
    key: 'phone_missing',
    label: '派单工单缺少诉求人联系电话',
    weight: 10,
    check: (t) => (t.dispatched && !digits(t.requesterPhone) ? '已派单工单未记录联系电话' : null),
  },
  {
    key: 'facts_short',
    label: '诉求事实记录过简',
    weight: 10,
    check: (t, cfg) => {
      const n = t.facts.trim().length;
      return n < cfg.minFactsLength ? `诉求事实 ${n} 字，少于 ${cfg.minFactsLength} 字` : null;
    },
  },
  {
    key: 'address_missing',
    label: '涉及地点的诉求缺少地址',
    weight: 10,
    check: (t, cfg) => (prefixed(t.categoryCode, cfg.placeCategoryPrefixes) && !t.address?.trim() ? `分类 ${t.categoryCode} 须记录涉事地址` : null),
  },
  {
    key: 'type_mismatch',
    label: '诉求类型与分类或内容不一致',
    weight: 5,
    check: (t, cfg) => {
      if (t.type !== 'consultation') return null;
      if (prefixed(t.categoryCode, cfg.complaintCategoryPrefixes)) return `咨询类工单使用了投诉性质的分类 ${t.categoryCode}`;
      const word = cfg.complaintKeywords.find((w) => t.facts.includes(w));
      return word ? `咨询类工单的诉求事实含投诉用语「${word}」` : null;
    },
  },
  {
    key: 'dispatch_delayed',
    label: '延误派单',
    weight: 20,
    article31: 'delayed_dispatch',
    check: (t, cfg) => {
      if (!t.pendingFirst) return null;
      const end = t.dispatchedAt ?? (t.stillPending ? t.now : null);
      if (!end) return null;
      const minutes = Math.floor((Date.parse(end) - Date.parse(t.createdAt)) / 60_000);
      if (minutes <= cfg.dispatchLimitMinutes) return null;
      return t.dispatchedAt ? `受理后 ${minutes} 分钟才派单，超过 ${cfg.dispatchLimitMinutes} 分钟` : `受理后 ${minutes} 分钟仍未派单，超过 ${cfg.dispatchLimitMinutes} 分钟`;
    },
  },
  {
    key: 'banned_words',
    label: '通话中使用禁语',
    weight: 30,
    article31: 'rudeness',
    check: (t, cfg) => {
      if (!t.transcript) return null;
      const found = cfg.bannedWords.filter((w) => t.transcript!.includes(w));
      return found.length ? `通话录音文本含禁语：${found.join('、')}` : null;
    },
  },
  {
    key: 'civility_missing',
    label: '通话未使用规范文明用语',
    weight: 10,
    article31: 'rudeness',
    check: (t, cfg) => {
      if (!t.transcript) return null;
      const missing = cfg.civilityPhrases.filter((any) => !any.some((p) => t.transcript!.includes(p)));
      return missing.length ? `通话录音文本缺少文明用语：${missing.map((m) => m[0]).join('、')}` : null;
    },
  },
  {
    key: 'personal_data_leak',
    label: '诉求事实中记录了个人敏感信息',
    weight: 30,
    article31: 'data_leak',
    check: (t) => {
      const found = personalDataIn(t.facts, t.requesterPhone);
      const parts = [found.idNumbers ? `身份证号 ${found.idNumbers} 处` : '', found.phones ? `诉求人以外的电话号码 ${found.phones} 处` : ''].filter(Boolean);
      return parts.length ? `诉求事实含${parts.join('、')}` : null;
    },
  },
];

export interface QcHit {
  rule: string;
  label: string;
  weight: number;
  article31: CaseKind | null;
  detail: string;
}

export function checkTicket(t: QcTicket, cfg: QualityConfig, rules: readonly QcRule[] = QC_RULES): { score: number; hits: QcHit[] } {
  const hits: QcHit[] = [];
  for (const r of rules) {
    const detail = r.check(t, cfg);
    if (detail !== null) hits.push({ rule: r.key, label: r.label, weight: r.weight, article31: r.article31 ?? null, detail });
  }
  return { score: Math.max(0, 100 - hits.reduce((s, h) => s + h.weight, 0)), hits };
}

/** Mean of ticket scores, to one decimal; null without tickets. */
export function meanScore(scores: number[]): number | null {
  if (!scores.length) return null;
  return Math.round((scores.reduce((s, x) => s + x, 0) / scores.length) * 10) / 10;
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

const SHANGHAI_MS = 8 * 3600_000; // China has no daylight saving time.

/**
 * The shift an instant falls in (Shanghai time) and the date the shift started on: a shift that runs
 * past midnight (22:00–06:00) belongs, after midnight, to the day before.
 */
export function shiftOf(iso: string, shifts: readonly ShiftConfig[]): { code: string; name: string; date: string } | null {
  const local = new Date(Date.parse(iso) + SHANGHAI_MS);
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  for (const s of shifts) {
    const start = minutesOf(s.start);
    const end = minutesOf(s.end);
    const wraps = end <= start;
    const inside = wraps ? minute >= start || minute < end : minute >= start && minute < end;
    if (!inside) continue;
    const day = wraps && minute < end ? new Date(local.getTime() - 86_400_000) : local;
    return { code: s.code, name: s.name, date: day.toISOString().slice(0, 10) };
  }
  return null;
}

/** Checks a shift table: 'HH:mm' times, unique codes. Returns the first problem or null. */
export function shiftProblem(shifts: readonly ShiftConfig[]): string | null {
  const codes = new Set<string>();
  for (const s of shifts) {
    if (!/^([01]\d|2[0-4]):[0-5]\d$/.test(s.start) || !/^([01]\d|2[0-4]):[0-5]\d$/.test(s.end)) return `班次 ${s.code} 的时间格式应为 HH:mm`;
    if (codes.has(s.code)) return `班次编码 ${s.code} 重复`;
    codes.add(s.code);
  }
  return null;
}
