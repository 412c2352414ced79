// The knowledge base's vocabulary (kinds, states, validity) and how an article is shown.
import type { AppContext } from '../server/context.ts';
import type { Selectable } from 'kysely';
import type { KbArticleTable } from '../store/schema.ts';
import { computeDeadline, formatShanghai, lightAt, shanghaiDate, type Deadline, type Light } from '../domain/deadline.ts';
import type { TimeLimit } from '../domain/time-limits.ts';
import { DateTime } from 'luxon';
import { ZONE, type WorkCalendar } from '../domain/calendar.ts';
import { DOC_STATUS_LABELS, type DocStatus } from './regions.ts';

import { KB_KIND_LABELS as KIND_LABELS, KB_KINDS, KB_STATUSES, KB_STATUS_LABELS as STATUS_LABELS, VALIDITIES, type ArticleValidity, type KbArticleSummary, type KbEntry, type KbKind, type KbStatus, type Validity } from './contract.ts';

export { KB_KINDS, KB_STATUSES, KIND_LABELS, STATUS_LABELS, VALIDITIES, type ArticleValidity, type KbKind, type KbStatus, type Validity };

export type ArticleRow = Selectable<KbArticleTable>;


/** Whether an article is valid on `today` (YYYY-MM-DD): in force and not expired. */
export function validityOf(a: Pick<ArticleRow, 'effective_from' | 'expires_on'> & { doc_status?: string }, today: string): ArticleValidity {
  if (a.doc_status === 'draft') return 'draft';
  if (a.expires_on && a.expires_on < today) return 'expired';
  if (a.effective_from && a.effective_from > today) return 'upcoming';
  return 'current';
}

/** The status as shown: a published article past its expiry date reads 已过期. */
export function shownStatus(a: Pick<ArticleRow, 'status' | 'effective_from' | 'expires_on'>, today: string): KbStatus | 'expired' {
  return a.status === 'published' && validityOf(a, today) === 'expired' ? 'expired' : (a.status as KbStatus);
}

type EntryFields = Pick<ArticleRow, 'entry_required' | 'effective_from' | 'source_date' | 'status' | 'published_at' | 'origin' | 'created_at'>;

/**
 * When the entry clock of 第十九条 starts: the day the policy takes effect (else its date). A document
 * the centre imported for a unit cannot be entered before the unit has it, so its clock starts at
 * the later of that day and the import.
 */
export function entryStart(a: Pick<EntryFields, 'effective_from' | 'source_date' | 'origin' | 'created_at'>): string | null {
  const start = a.effective_from ?? a.source_date;
  if (!start) return null;
  const startInstant = DateTime.fromISO(start, { zone: ZONE }).toUTC().toISO()!;
  return a.origin === 'bulletin' && Date.parse(a.created_at) > Date.parse(startInstant) ? a.created_at : startInstant;
}

/** The entry deadline (limit `kb.entry` of the city's table, 5 working days) by the one deadline function. */
export function entryDeadlineOf(a: Pick<EntryFields, 'effective_from' | 'source_date' | 'origin' | 'created_at'>, limit: TimeLimit, calendar: WorkCalendar): (Deadline & { start: string }) | null {
  const start = entryStart(a);
  return start ? { ...computeDeadline(start, limit, calendar), start } : null;
}

/** The entry deadline of a policy the unit must enter (第十九条), with its light while unpublished. */
export function entryDeadline(ctx: AppContext, a: EntryFields, nowIso: string): KbEntry | null {
  if (!a.entry_required) return null;
  const d = entryDeadlineOf(a, ctx.city.limits['kb.entry'], ctx.calendar.current());
  if (!d) return null;
  const done = a.status === 'published' || a.status === 'withdrawn';
  const light: Light | null = done ? null : lightAt(d, nowIso);
  return {
    startDate: shanghaiDate(d.start),
    dueAt: formatShanghai(d.dueAt),
    provisional: d.provisional,
    light,
    late: done && a.published_at ? Date.parse(a.published_at) > Date.parse(d.dueAt) : !done && light === 'red',
  };
}

export const today = (ctx: AppContext) => shanghaiDate(ctx.clock.now());

export function unitRef(ctx: AppContext, id: number | null | undefined) {
  const u = ctx.org.get(id ?? null);
  return u ? { code: u.code, name: u.name } : null;
}

const at = (iso: string | null) => (iso ? formatShanghai(iso) : null);

/** An article as lists and search hits show it. */
export function articleSummary(ctx: AppContext, a: ArticleRow, todayDate: string): KbArticleSummary {
  const validity = validityOf(a, todayDate);
  return {
    id: a.id,
    kind: a.kind,
    kindLabel: KIND_LABELS[a.kind as KbKind] ?? a.kind,
    title: a.title,
    unit: unitRef(ctx, a.unit_id),
    status: shownStatus(a, todayDate),
    statusLabel: STATUS_LABELS[shownStatus(a, todayDate)],
    source: { title: a.source_title, docNo: a.source_doc_no, issuer: a.source_issuer, date: a.source_date },
    effectiveFrom: a.effective_from,
    expiresOn: a.expires_on,
    validity,
    valid: validity === 'current',
    origin: a.origin,
    bulletin: a.bulletin,
    region: a.region ?? null,
    docStatus: a.doc_status,
    docStatusLabel: DOC_STATUS_LABELS[a.doc_status as DocStatus] ?? a.doc_status,
    views: a.view_count,
    uses: a.use_count,
    updatedAt: at(a.updated_at),
    publishedAt: at(a.published_at),
  };
}
