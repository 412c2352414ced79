// The shapes the knowledge-base API answers with (src/knowledge/*.ts; see /api/docs).
import type { Light, Role, UnitRef } from '../types';

export type KbValidity = 'current' | 'expired' | 'upcoming' | 'draft';

export interface KbSource {
  title: string | null;
  docNo: string | null;
  issuer: string | null;
  date: string | null;
}

/** 限时录入: the 5-working-day deadline of a policy the unit must enter; the light while unpublished. */
export interface KbEntry {
  startDate: string;
  dueAt: string;
  provisional: boolean;
  light: Light | null;
  late: boolean;
}

export interface KbArticleSummary {
  id: number;
  kind: string;
  kindLabel: string;
  title: string;
  unit: UnitRef | null;
  status: string;
  statusLabel: string;
  source: KbSource;
  effectiveFrom: string | null;
  expiresOn: string | null;
  validity: KbValidity;
  valid: boolean;
  origin: string;
  bulletin: string | null;
  views: number;
  uses: number;
  updatedAt: string | null;
  publishedAt: string | null;
  entry?: KbEntry | null;
  reviewNote?: string | null;
}

export interface KbPassage {
  seq: number;
  heading: string;
  text: string;
}

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
  /** Imported by the centre for the unit: the head's approval publishes it. */
  awaitsImportApproval?: boolean;
  openReports: number;
  /** What the current user may do now, as the server decides. */
  actions: string[];
}

export interface KbHit {
  article: KbArticleSummary;
  passage: KbPassage;
  /** HTML-escaped passage text with the matched words in <em>…</em>. */
  snippet: string;
  highlights: Array<[number, number]>;
  score: number;
  coverage: number;
  matched: string[];
}

export interface KbSearchResult {
  query: { q: string; words: string[]; synonyms: string[][] };
  total: number;
  items: KbHit[];
}

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

export interface KbReport {
  id: number;
  article: { id: number; title: string };
  passageSeq: number | null;
  unit: UnitRef | null;
  content: string;
  status: 'open' | 'accepted' | 'rejected';
  reportedBy: string | null;
  reportedAt: string;
  resolvedAt: string | null;
  resolutionNote: string | null;
}

export interface KbFlag extends KbArticleSummary {
  reasons: Array<'expired' | 'stale' | 'entry_overdue'>;
  daysSinceUpdate: number;
}

export interface KbTodo {
  counts: { entries: number; entriesRed: number; entriesYellow: number; approvals: number; reviews: number; returned: number; reports: number; flags: number };
  entries: KbArticleSummary[];
  approvals: KbArticleSummary[];
  reviews: KbArticleSummary[];
  returned: KbArticleSummary[];
  reports: KbReport[];
  flags: KbFlag[];
}

export interface KbMeta {
  kinds: Array<{ code: string; label: string }>;
  statuses: Array<{ code: string; label: string }>;
  actions: Array<{ code: string; label: string; from: string[]; roles: Role[] }>;
}
