// `hotline audit archive --before YYYY-MM`: moves the oldest audit events, once they have been
// online for 6 full months (网络安全法 第二十一条: 留存相关的网络日志不少于六个月), out of the
// `events` table into a file. What is archived is always a PREFIX of the chain (positions 1…N, or
// the previous archive's end + 1 … N), so the online chain stays one unbroken run that verify
// anchors to the last archived hash.
//
// The steps, each safe to interrupt:
// 1. Verify the chain as it stands (an archive of a broken chain would carry the break away).
// 2. N = the position before the first event at or after the 1st of `--before` (Asia/Shanghai):
//    an event later than the cutoff is never archived, even if one earlier follows it in the chain.
// 3. Write the events to `audit-events-<first>-<last>.jsonl.gz` (a `.partial` name, fsync, rename,
//    fsync the directory), read it back and check it yields the same count and end hashes as the
//    table, then write the manifest beside it. An interruption here leaves a file and no record;
//    the next run writes the same file again.
// 4. One transaction records the archive in `audit_archives` (with per-ticket counts and the fields
//    admins changed, which readers of old events still need) and writes the `audit_archive` event.
// 5. Deletes the archived rows in batches of `batchSize`, oldest first, each batch one transaction
//    through the triggers' archive path. After any batch the table holds a suffix of the archived
//    range plus the rest, which verify accepts (the archived end's recorded hash must still come
//    out); an interrupted deletion is finished by the next run before it archives anything new.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { Store } from '../store/db.ts';
import { inTransaction } from '../store/db.ts';
import { ZONE } from '../domain/calendar.ts';
import { monthsBack } from '../domain/evaluation.ts';
import { invalid, Problem } from '../server/problem.ts';
import { writeEvent } from './events.ts';
import { GENESIS, verifyChain } from './chain.ts';
import { archiveRecords, type ArchiveRecord } from './archive-records.ts';
import type { AuditKeyring } from '../store/audit-keys.ts';
import { archivedEvent, fsyncFile, readArchiveFile, writeArchiveFile, type ArchivedEvent } from './archive-file.ts';

/** Months that stay online before the current one (网络安全法 第二十一条). */
export const MONTHS_ONLINE = 6;
const READ_BATCH = 5_000;

export interface ArchiveOptions {
  /** YYYY-MM: events before the 1st of this month (Asia/Shanghai) are archived. */
  before: string;
  outDir: string;
  /** The current instant (the clock). */
  now: string;
  dryRun?: boolean;
  /** Rows deleted per transaction. */
  batchSize?: number;
  /** For tests: called after the file is written, and after each deleted batch (throw to interrupt). */
  hooks?: { afterFile?: () => void; afterBatch?: (deleted: number) => void };
}

export interface ArchiveManifest {
  format: 'hotline-audit-archive/1';
  file: string;
  sha256: string;
  bytes: number;
  before: string;
  count: number;
  firstSeq: number;
  lastSeq: number;
  firstEventId: number;
  lastEventId: number;
  firstPrevHash: string;
  lastHash: string;
  firstAt: string;
  lastAt: string;
}

export interface ArchiveResult {
  dryRun: boolean;
  before: string;
  /** Rows of an interrupted earlier archive deleted first. */
  resumed: number;
  /** The new archive (planned only, without file fields, on a dry run), or null when nothing is due. */
  archive: (Omit<ArchiveManifest, 'sha256' | 'bytes' | 'file'> & Partial<Pick<ArchiveManifest, 'sha256' | 'bytes' | 'file'>>) | null;
  deleted: number;
  manifestFile: string | null;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The latest `--before` allowed now: the current month (Asia/Shanghai) minus MONTHS_ONLINE. */
export function latestArchivableMonth(now: string): string {
  const current = DateTime.fromISO(now, { zone: ZONE }).toFormat('yyyy-MM');
  return monthsBack(current, MONTHS_ONLINE + 1)[MONTHS_ONLINE]!;
}

/** The cutoff instant of `--before`, or a 400 naming `--before`. */
export function archiveCutoff(before: string, now: string): string {
  if (!MONTH.test(before)) throw invalid('--before', `--before 格式应为 YYYY-MM（如 2026-05），收到「${before}」`);
  const latest = latestArchivableMonth(now);
  if (before > latest) {
    const current = DateTime.fromISO(now, { zone: ZONE }).toFormat('yyyy-MM');
    throw invalid(
      '--before',
      `--before ${before} 过近：审计记录须在线保存至少 ${MONTHS_ONLINE} 个月（《网络安全法》第二十一条），本月为 ${current}，最晚可用 --before ${latest}（归档 ${monthsBack(latest, 2)[1]} 及以前的记录）`,
    );
  }
  return DateTime.fromISO(`${before}-01`, { zone: ZONE }).toUTC().toISO()!;
}

export const archiveFileName = (firstSeq: number, lastSeq: number) => `audit-events-${String(firstSeq).padStart(9, '0')}-${String(lastSeq).padStart(9, '0')}.jsonl.gz`;
export const manifestFileName = (file: string) => file.replace(/\.jsonl\.gz$/, '.manifest.json');

async function eventRows(db: Store['db'], fromSeq: number, toSeq: number, limit = READ_BATCH) {
  return db.selectFrom('events').selectAll().where('chain_seq', '>=', fromSeq).where('chain_seq', '<=', toSeq).orderBy('chain_seq').limit(limit).execute();
}

async function* archivedBatches(db: Store['db'], fromSeq: number, toSeq: number): AsyncGenerator<ArchivedEvent[]> {
  for (let seq = fromSeq; seq <= toSeq; ) {
    const rows = await eventRows(db, seq, toSeq);
    if (!rows.length) return;
    yield rows.map((r) => archivedEvent(r as unknown as Record<string, unknown>));
    seq = Number(rows[rows.length - 1]!.chain_seq) + 1;
  }
}

/** Deletes the online rows an archive row covers, `batchSize` per transaction; returns how many. */
async function deleteArchived(store: Store, archive: ArchiveRecord, batchSize: number, afterBatch?: (deleted: number) => void): Promise<number> {
  let deleted = 0;
  for (;;) {
    const first = await store.db.selectFrom('events').select('chain_seq').where('chain_seq', '<=', archive.lastSeq).orderBy('chain_seq').limit(1).executeTakeFirst();
    if (!first) return deleted;
    const upto = Math.min(Number(first.chain_seq) + batchSize - 1, archive.lastSeq);
    const n = await inTransaction(store.db, async (tx) => {
      // The append-only triggers let this transaction delete rows the archive covers (and nothing else).
      await store.capabilities.openAuditArchivePath(tx, archive.id);
      const r = await tx.deleteFrom('events').where('chain_seq', '<=', upto).executeTakeFirst();
      await store.capabilities.closeAuditArchivePath(tx, archive.id);
      return Number(r.numDeletedRows);
    });
    deleted += n;
    afterBatch?.(deleted);
  }
}

/** Checks the file an archive row names before more of its rows are deleted. */
async function requireArchiveFile(outDir: string, archive: ArchiveRecord, keys: AuditKeyring): Promise<void> {
  const file = join(outDir, archive.fileName);
  const reading = await readArchiveFile(file, keys);
  if (reading.problem || reading.sha256 !== archive.fileSha256) {
    throw new Problem(
      409,
      'archive-file-missing',
      `上次归档（第 ${archive.firstSeq}–${archive.lastSeq} 条）的删除未完成，但其归档文件 ${file} ${reading.problem ? `有误：${reading.problem}` : '与归档记录的 SHA-256 不符'}；未删除任何事件。请用 --out 指向该文件所在目录后重试`,
    );
  }
}

export async function archiveAuditLog(store: Store, options: ArchiveOptions): Promise<ArchiveResult> {
  const cutoff = archiveCutoff(options.before, options.now);
  const batchSize = options.batchSize ?? 5_000;
  const db = store.db;
  const result: ArchiveResult = { dryRun: !!options.dryRun, before: options.before, resumed: 0, archive: null, deleted: 0, manifestFile: null };

  const records = await archiveRecords(db);
  const previous = records[records.length - 1] ?? null;
  // An interrupted deletion first: its rows are in a file already recorded.
  if (previous) {
    const pending = await db.selectFrom('events').select('chain_seq').where('chain_seq', '<=', previous.lastSeq).limit(1).executeTakeFirst();
    if (pending) {
      await requireArchiveFile(options.outDir, previous, store.auditKeys);
      if (!options.dryRun) result.resumed = await deleteArchived(store, previous, batchSize, options.hooks?.afterBatch);
    }
  }

  const report = await verifyChain(db);
  if (!report.ok) throw new Problem(409, 'chain-broken', `审计链校验未通过，不归档：${report.firstBad!.message}`);

  const firstSeq = (previous?.lastSeq ?? 0) + 1;
  const firstPrevHash = previous?.lastHash ?? GENESIS;
  const later = await db.selectFrom('events').select((eb) => eb.fn.min('chain_seq').as('seq')).where('at', '>=', cutoff).where('chain_seq', '>=', firstSeq).executeTakeFirst();
  const head = await db.selectFrom('events').select((eb) => eb.fn.max('chain_seq').as('seq')).executeTakeFirst();
  const lastSeq = later?.seq != null ? Number(later.seq) - 1 : Number(head?.seq ?? 0);
  if (lastSeq < firstSeq) return result;

  // The plan: ends, time range, per-ticket counts and admins' field changes, in one pass.
  const tickets = new Map<number, number>();
  const adminEdits = new Map<string, Set<string>>();
  let count = 0;
  let firstRow: ArchivedEvent | null = null;
  let lastRow: ArchivedEvent | null = null;
  let firstAt = '';
  let lastAt = '';
  for await (const batch of archivedBatches(db, firstSeq, lastSeq)) {
    for (const e of batch) {
      firstRow ??= e;
      lastRow = e;
      count++;
      if (!firstAt || e.at < firstAt) firstAt = e.at;
      if (!lastAt || e.at > lastAt) lastAt = e.at;
      if (e.ticket_id !== null) tickets.set(e.ticket_id, (tickets.get(e.ticket_id) ?? 0) + 1);
      if (e.ticket_id === null && (e.action === 'unit_update' || e.action === 'category_update') && e.detail) {
        const d = JSON.parse(e.detail) as { unit?: string; category?: string; changed?: string[] };
        const key = e.action === 'unit_update' ? `unit:${d.unit}` : `category:${d.category}`;
        const set = adminEdits.get(key) ?? new Set<string>();
        for (const f of d.changed ?? []) set.add(f);
        adminEdits.set(key, set);
      }
    }
  }
  if (!firstRow || !lastRow || firstRow.chain_seq !== firstSeq || lastRow.chain_seq !== lastSeq || count !== lastSeq - firstSeq + 1 || firstRow.prev_hash !== firstPrevHash) {
    throw new Problem(409, 'chain-changed', `审计链第 ${firstSeq}–${lastSeq} 条在归档时不完整，未归档`);
  }
  const plan = {
    format: 'hotline-audit-archive/1' as const,
    before: options.before,
    count,
    firstSeq,
    lastSeq,
    firstEventId: firstRow.id,
    lastEventId: lastRow.id,
    firstPrevHash,
    lastHash: lastRow.hash,
    firstAt,
    lastAt,
  };
  if (options.dryRun) {
    result.archive = plan;
    return result;
  }

  await mkdir(options.outDir, { recursive: true, mode: 0o700 });
  const name = archiveFileName(firstSeq, lastSeq);
  const file = join(options.outDir, name);
  const written = await writeArchiveFile(file, archivedBatches(db, firstSeq, lastSeq));
  options.hooks?.afterFile?.();
  // Read back from the disk: the same bytes, the same events, the same ends as the table.
  const reread = await readArchiveFile(file, store.auditKeys);
  const same =
    !reread.problem &&
    reread.sha256 === written.sha256 &&
    reread.bytes === written.bytes &&
    reread.count === count &&
    reread.first?.seq === firstSeq &&
    reread.first.prevHash === firstPrevHash &&
    reread.last?.seq === lastSeq &&
    reread.last.hash === plan.lastHash;
  if (!same) throw new Problem(500, 'archive-reread', `归档文件 ${file} 读回后与数据库不一致（${reread.problem ?? '哈希或条数不符'}），未删除任何事件`);
  const manifest: ArchiveManifest = { ...plan, file: name, sha256: written.sha256, bytes: written.bytes };
  const manifestFile = join(options.outDir, manifestFileName(name));
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  await fsyncFile(manifestFile);

  const archive = await inTransaction(db, async (tx) => {
    const newest = await tx.selectFrom('audit_archives').select((eb) => eb.fn.max('last_seq').as('seq')).executeTakeFirst();
    if (Number(newest?.seq ?? 0) !== firstSeq - 1) throw new Problem(409, 'archive-raced', '另一次归档刚刚完成，本次未记录；请重新运行');
    const row = await tx
      .insertInto('audit_archives')
      .values({
        before_month: options.before,
        first_seq: firstSeq,
        last_seq: lastSeq,
        first_event_id: plan.firstEventId,
        last_event_id: plan.lastEventId,
        first_prev_hash: firstPrevHash,
        last_hash: plan.lastHash,
        event_count: count,
        first_at: firstAt,
        last_at: lastAt,
        file_name: name,
        file_sha256: written.sha256,
        file_bytes: written.bytes,
        admin_edits: JSON.stringify(Object.fromEntries([...adminEdits].map(([k, v]) => [k, [...v].sort()]))),
        archived_at: options.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const perTicket = [...tickets].map(([ticket_id, event_count]) => ({ archive_id: Number(row.id), ticket_id, event_count }));
    for (let i = 0; i < perTicket.length; i += 500) await tx.insertInto('audit_archive_tickets').values(perTicket.slice(i, i + 500)).execute();
    await writeEvent(tx, null, options.now, {
      action: 'audit_archive',
      detail: { before: options.before, firstSeq, lastSeq, events: count, firstAt, lastAt, lastHash: plan.lastHash, file: name, sha256: written.sha256 },
    });
    return (await archiveRecords(tx)).find((r) => r.id === Number(row.id))!;
  });
  result.deleted = await deleteArchived(store, archive, batchSize, options.hooks?.afterBatch);
  result.archive = manifest;
  result.manifestFile = manifestFile;
  return result;
}

/** The manifest written beside an archive file, if it is there. */
export async function readManifest(file: string): Promise<ArchiveManifest | null> {
  try {
    return JSON.parse(await readFile(manifestFileName(file), 'utf8')) as ArchiveManifest;
  } catch {
    return null;
  }
}
