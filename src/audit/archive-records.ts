// What the store keeps of archived audit events (`audit_archives`, written by ./archive.ts): the
// anchor the online chain continues from, the archives' own continuity, and the facts that readers
// of old events still need once those events are gone (per-ticket counts for the timeline's note,
// the fields admins changed for the city config's re-application).
import type { Db, Tx } from '../store/db.ts';

/** The hash before the chain's first event. */
export const GENESIS = '0'.repeat(64);

export interface ArchiveRecord {
  id: number;
  beforeMonth: string;
  firstSeq: number;
  lastSeq: number;
  firstEventId: number;
  lastEventId: number;
  firstPrevHash: string;
  lastHash: string;
  eventCount: number;
  firstAt: string;
  lastAt: string;
  fileName: string;
  fileSha256: string;
  fileBytes: number;
  archivedAt: string;
}

/** Every archive row, oldest range first. */
export async function archiveRecords(db: Db | Tx): Promise<ArchiveRecord[]> {
  const rows = await db.selectFrom('audit_archives').selectAll().orderBy('first_seq').execute();
  return rows.map((r) => ({
    id: Number(r.id),
    beforeMonth: r.before_month,
    firstSeq: Number(r.first_seq),
    lastSeq: Number(r.last_seq),
    firstEventId: Number(r.first_event_id),
    lastEventId: Number(r.last_event_id),
    firstPrevHash: r.first_prev_hash,
    lastHash: r.last_hash,
    eventCount: Number(r.event_count),
    firstAt: new Date(Date.parse(r.first_at)).toISOString(),
    lastAt: new Date(Date.parse(r.last_at)).toISOString(),
    fileName: r.file_name,
    fileSha256: r.file_sha256,
    fileBytes: Number(r.file_bytes),
    archivedAt: new Date(Date.parse(r.archived_at)).toISOString(),
  }));
}

/** Where the online chain continues from: the last archived event, with what the archives hold. */
export interface ChainAnchor {
  /** Position and hash of the last archived event. */
  seq: number;
  eventId: number;
  hash: string;
  /** First position of the newest archive (its rows may still be online while its deletion runs). */
  newestFirstSeq: number;
  archives: number;
  events: number;
  /** `--before` of the newest archive. */
  before: string;
}

/**
 * The anchor, or null without archives. `problem` (in Chinese) when the archive rows do not form
 * one unbroken prefix from position 1 (a row deleted or edited by hand, bypassing the triggers).
 */
export async function chainAnchor(db: Db | Tx): Promise<{ anchor: ChainAnchor | null; problem: string | null }> {
  const records = await archiveRecords(db);
  if (!records.length) return { anchor: null, problem: null };
  let seq = 0;
  let hash = GENESIS;
  for (const r of records) {
    if (r.firstSeq !== seq + 1) {
      const missing = r.firstSeq - seq - 1 === 1 ? `第 ${seq + 1} 条` : `第 ${seq + 1}–${r.firstSeq - 1} 条`;
      return { anchor: null, problem: `审计归档记录不连续：${missing}事件既不在线也没有归档记录（归档记录或事件已被删除）` };
    }
    if (r.firstPrevHash !== hash || r.eventCount !== r.lastSeq - r.firstSeq + 1) {
      return { anchor: null, problem: `审计归档记录 #${r.id}（第 ${r.firstSeq}–${r.lastSeq} 条）与前一段归档不相连：归档记录已被修改` };
    }
    seq = r.lastSeq;
    hash = r.lastHash;
  }
  const newest = records[records.length - 1]!;
  return {
    anchor: {
      seq,
      eventId: newest.lastEventId,
      hash,
      newestFirstSeq: newest.firstSeq,
      archives: records.length,
      events: records.reduce((n, r) => n + r.eventCount, 0),
      before: newest.beforeMonth,
    },
    problem: null,
  };
}

/** How many of a ticket's events are archived, and the newest archive's `--before` month. */
export async function archivedTicketEvents(db: Db | Tx, ticketId: number): Promise<{ count: number; before: string } | null> {
  const row = await db
    .selectFrom('audit_archive_tickets as t')
    .innerJoin('audit_archives as a', 'a.id', 't.archive_id')
    .select((eb) => [eb.fn.sum<number>('t.event_count').as('n'), eb.fn.max('a.before_month').as('before')])
    .where('t.ticket_id', '=', ticketId)
    .executeTakeFirst();
  const count = Number(row?.n ?? 0);
  return count > 0 ? { count, before: String(row!.before) } : null;
}

/** 'unit:CODE' / 'category:CODE' → fields admins changed, as the archived events recorded them. */
export async function archivedAdminEdits(db: Db | Tx): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const rows = await db.selectFrom('audit_archives').select('admin_edits').execute();
  for (const r of rows) {
    for (const [key, fields] of Object.entries(JSON.parse(r.admin_edits) as Record<string, string[]>)) {
      const set = out.get(key) ?? new Set<string>();
      for (const f of fields) set.add(f);
      out.set(key, set);
    }
  }
  return out;
}
