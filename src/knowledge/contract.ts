// The knowledge base's API contract: its code tables and the shapes GET /api/v1/kb/… answers with.
// Imports nothing server-only, so the console (web/) types its pages with these very declarations.
import type { Light } from '../domain/deadline.ts';
import type { Role } from '../domain/roles.ts';

/** 第十九条: 政策法规、部门职能、便民问答、办事指南, and 民生热点 (政务公开 line 1514). */
export const KB_KINDS = ['policy', 'duty', 'faq', 'guide', 'hotspot'] as const;
export type KbKind = (typeof KB_KINDS)[number];
export const KB_KIND_LABELS: Record<KbKind, string> = { policy: '政策法规', duty: '部门职能', faq: '便民问答', guide: '办事指南', hotspot: '民生热点' };

/** draft 草稿 → pending_approval 待单位负责人审核 → pending_review 待热线管理机构审校 → published 已发布 → withdrawn 已撤回. */
export const KB_STATUSES = ['draft', 'pending_approval', 'pending_review', 'published', 'withdrawn'] as const;
export type KbStatus = (typeof KB_STATUSES)[number];
export const KB_STATUS_LABELS: Record<KbStatus | 'expired', string> = {
  draft: '草稿',
  pending_approval: '待单位负责人审核',
  pending_review: '待热线管理机构审校',
  published: '已发布',
  withdrawn: '已撤回',
  expired: '已过期',
};

export const VALIDITIES = ['current', 'expired', 'upcoming', 'any'] as const;
export type Validity = (typeof VALIDITIES)[number];

/** An article's validity on a day: 'draft' is a 讨论稿/征求意见稿, never in force whatever its dates. */
export type ArticleValidity = Exclude<Validity, 'any'> | 'draft';

export interface UnitRef {
  code: string;
  name: string;
}

/** The document an article comes from (文号、发文机关、成文日期). */
export interface KbSource {
  title: string | null;
  docNo: string | null;
  issuer: string | null;
  date: string | null;
}

/** 限时录入: the working-day deadline of a policy the unit must enter; the light while unpublished. */
export interface KbEntry {
  startDate: string;
  dueAt: string;
  provisional: boolean;
  light: Light | null;
  late: boolean;
}

/** An article as lists and search hits show it. */
export interface KbArticleSummary {
  id: number;
  kind: string;
  kindLabel: string;
  title: string;
  unit: UnitRef | null;
  status: KbStatus | 'expired';
  statusLabel: string;
  source: KbSource;
  effectiveFrom: string | null;
  expiresOn: string | null;
  validity: ArticleValidity;
  valid: boolean;
  origin: string;
  bulletin: string | null;
  region: string | null;
  docStatus: string;
  docStatusLabel: string;
  views: number;
  uses: number;
  updatedAt: string | null;
  publishedAt: string | null;
}

/** Lists of the to-do page add the entry deadline and the reviewer's note. */
export interface KbArticleListItem extends KbArticleSummary {
  entry?: KbEntry | null;
  reviewNote?: string | null;
}

export interface KbPassage {
  seq: number;
  heading: string;
  text: string;
}

/** GET /kb/articles/:id for a signed-in user. */
export interface KbArticle extends KbArticleSummary {
  category: { code: string; name: string } | null;
  body: string;
  passages: KbPassage[];
  entry: KbEntry | null;
  reviewNote: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  submittedAt: string | null;
  approvedAt: string | null;
  openReports: number;
  /** Imported by the centre for the unit: the head's approval publishes it (第十九条). */
  awaitsImportApproval: boolean;
  /** What the current user may do now, as the server decides. */
  actions: string[];
}

export interface KbHit {
  article: KbArticleSummary;
  passage: KbPassage;
  /** The passage text around the best match, HTML-escaped, matches in <em>…</em>. */
  snippet: string;
  /** [start, end) offsets of the matched words in passage.text. */
  highlights: Array<[number, number]>;
  /** The engine's score (bm25 on SQLite, IDF-weighted ts_rank on PostgreSQL); comparable within one answer. */
  score: number;
  /** Share of the question's weight (its words' IDF) found in the passage with its title and headings, 0–1. */
  coverage: number;
  matched: string[];
}

/** The public portal's hits leave out the counters and the origin. */
export type PublicKbHit = Omit<KbHit, 'article'> & { article: Omit<KbArticleSummary, 'views' | 'uses' | 'origin'> };

/** GET /kb/search. */
export interface KbSearchResult<H = KbHit> {
  query: { q: string; words: string[]; synonyms: string[][]; regions: string[] | null; namedRegion: string | null };
  total: number;
  items: H[];
}

/** GET /kb/meta: the code tables, so the console names kinds, statuses and actions as the server does. */
export interface KbMeta {
  kinds: Array<{ code: string; label: string }>;
  statuses: Array<{ code: string; label: string }>;
  actions: Array<{ code: string; label: string; from: KbStatus[]; roles: Role[] }>;
}

/** A passage of the smart answer (GET /kb/answer). */
export interface AnswerPassage {
  articleId: number;
  title: string;
  kind: string;
  kindLabel: string;
  unit: UnitRef | null;
  source: KbSource;
  valid: boolean;
  expiresOn: string | null;
  seq: number;
  heading: string;
  text: string;
  snippet: string;
  confidence: number;
  /** What the agent would say from this passage: its key sentences, citing the document. */
  reply: string;
}

/** GET /kb/answer: what the agent may say, with its sources, or why there is nothing to say. */
export interface SmartAnswer {
  question: string;
  known: boolean;
  confidence: number;
  threshold: number;
  /** What the agent can say (and record as the direct answer), or why there is none. */
  message: string;
  /** The suggested reply, with its source, when known. */
  answer: string | null;
  /** The article to record with a direct answer. */
  articleId: number | null;
  passages: AnswerPassage[];
  /** The regions searched (null: all) and the place the question named, if another city's. */
  region: { regions: string[] | null; named: string | null };
  /** When only a document not in force would answer: which (expired, or a 讨论稿). */
  outOfForce: { articleId: number; title: string; validity: string; expiresOn: string | null } | null;
  /** What the confidence was computed from (src/knowledge/confidence.ts). */
  features: Record<string, number> | null;
}

/** Who writes articles and handles 纠错 (the lifecycle's writers), and who may report an error. */
export const KB_WRITERS: readonly Role[] = ['unit_staff', 'unit_head', 'centre', 'admin'];
export const KB_REPORTERS: readonly Role[] = ['agent', 'team_lead', 'centre', 'admin'];

/** A 纠错 report's states, and their names (the events of its resolution carry them as from/to status). */
export const KB_REPORT_STATUSES = ['open', 'accepted', 'rejected'] as const;
export type KbReportStatus = (typeof KB_REPORT_STATUSES)[number];
export const KB_REPORT_STATUS_LABELS: Record<KbReportStatus, string> = { open: '待处理', accepted: '已采纳', rejected: '未采纳' };

/** A 纠错 report (GET /kb/reports). */
export interface KbReport {
  id: number;
  article: { id: number; title: string };
  passageSeq: number | null;
  unit: UnitRef | null;
  content: string;
  status: KbReportStatus;
  reportedBy: string | null;
  reportedAt: string;
  resolvedAt: string | null;
  resolutionNote: string | null;
}

/** Why an article needs upkeep: expired, not updated for long, or its entry past the limit (第十九条). */
export type KbFlagReason = 'expired' | 'stale' | 'entry_overdue';

export interface KbFlag extends KbArticleSummary {
  reasons: KbFlagReason[];
  entry: KbEntry | null;
  daysSinceUpdate: number;
}

/** GET /kb/todo: what waits for the caller in the knowledge base. */
export interface KbTodo {
  counts: { entries: number; entriesRed: number; entriesYellow: number; approvals: number; reviews: number; returned: number; reports: number; flags: number };
  entries: KbArticleListItem[];
  approvals: KbArticleListItem[];
  reviews: KbArticleListItem[];
  returned: KbArticleListItem[];
  reports: KbReport[];
  flags: KbFlag[];
}

/** An article's history (GET /kb/articles/:id/events). */
export interface KbEvent {
  id: number;
  at: string;
  action: string;
  actionLabel: string;
  actor: { name: string; role: Role | null; unit: UnitRef | null };
  fromStatus: string | null;
  toStatus: string | null;
  detail: Record<string, unknown> | null;
}
