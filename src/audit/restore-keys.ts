// Whether the keys a store would open with can open a backup, checked before it is restored: one
// sealed requester phone is decrypted and its lookup hash recomputed (the field keys and the lookup
// key), and one keyed audit event's HMAC recomputed (the audit key), from the backup itself: for
// SQLite by reading the file, for PostgreSQL from `pg_restore --data-only` of the two tables, read
// only as far as the first such row. The same check of the live store runs when the server starts
// (assertAuditKeysFitStore), so a store restored without its keys never serves.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { spawnSync } from 'node:child_process';
import { writeFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FieldCryptoError, type FieldCrypto } from '../store/field-crypto.ts';
import type { AuditKeyring } from '../store/audit-keys.ts';
import { pgTool, type BackupTarget } from '../store/backup.ts';
import { storedEventHash, type ChainContent } from './chain.ts';

type AnyDb = Kysely<any>;

/** What of a backup its keys are tried on: a sealed phone with its lookup hash, a keyed audit event. */
export interface KeySample {
  sealed: { id: number; value: string; hash: string | null } | null;
  event: (ChainContent & { prev_hash: string | null; hash: string | null; chain_key: string | null }) | null;
}

const HINT = '请使用写入这些数据时的密钥：原来的 hotline.keys 文件（放在数据目录中），或同样的 HOTLINE_FIELD_KEYS / HOTLINE_LOOKUP_KEY / HOTLINE_AUDIT_KEYS';

/** Null when the keys open the sample; otherwise what does not fit, in Chinese. */
export function keysProblem(sample: KeySample, crypto: FieldCrypto, audit: AuditKeyring): string | null {
  if (sample.sealed) {
    let phone: string;
    try {
      phone = crypto.open(sample.sealed.value);
    } catch (err) {
      return `工单 #${sample.sealed.id} 的个人信息无法用现有密钥解密（${(err as Error).message}）。${HINT}`;
    }
    if (crypto.phoneLookupHash(phone) !== sample.sealed.hash) return `电话查找密钥与数据不符（工单 #${sample.sealed.id} 的查找哈希对不上）。${HINT}`;
  }
  const e = sample.event;
  if (e?.chain_key) {
    if (!audit.has(e.chain_key)) return `审计事件 #${e.id} 使用的审计链密钥「${e.chain_key}」不在现有密钥中。${HINT}`;
    if (storedEventHash(e, audit) !== e.hash) return `审计链无法用现有密钥校验（事件 #${e.id}）。${HINT}；若密钥无误，请运行 hotline audit verify 检查审计日志是否被改动`;
  }
  return null;
}

/** The newest sealed ticket phone and the newest keyed audit event of a store. */
export async function sampleStore(db: AnyDb): Promise<KeySample> {
  const raw = db.withoutPlugins();
  const sealed = (await raw
    .selectFrom('tickets')
    .select(['id', 'requester_phone as value', 'requester_phone_hash as hash'])
    .where('requester_phone', 'like', 'enc:%')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()) as { id: number; value: string; hash: string | null } | undefined;
  const hasKeyColumn = await raw
    .selectFrom('events')
    .select('chain_key')
    .limit(1)
    .execute()
    .then(() => true)
    .catch(() => false);
  const event = hasKeyColumn ? await raw.selectFrom('events').selectAll().where('chain_key', 'is not', null).orderBy('chain_seq', 'desc').limit(1).executeTakeFirst() : undefined;
  return { sealed: sealed ? { ...sealed, id: Number(sealed.id) } : null, event: event ? ({ ...event, id: Number(event.id) } as KeySample['event']) : null };
}

/** The server's start: refuses a store its keys cannot open, in one Chinese sentence. */
export async function assertAuditKeysFitStore(db: AnyDb, audit: AuditKeyring, crypto: FieldCrypto): Promise<void> {
  const sample = await sampleStore(db);
  const problem = keysProblem({ sealed: null, event: sample.event }, crypto, audit);
  if (problem) throw new FieldCryptoError(problem);
}

/** A backup file's sample, read in the target's backup format (the engine's: a SQLite file or a pg_dump archive). */
export function sampleBackup(target: BackupTarget, file: string): Promise<KeySample> {
  return target.engine === 'sqlite' ? sampleSqliteBackup(file) : samplePgDump(pgTool('pg_restore'), file);
}

/** A SQLite backup file's sample, read-only. */
export async function sampleSqliteBackup(file: string): Promise<KeySample> {
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(file, { readonly: true, fileMustExist: true }) }) });
  try {
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
    const names = new Set(tables.rows.map((t) => t.name));
    if (!names.has('tickets') || !names.has('events')) return { sealed: null, event: null };
    return await sampleStore(db);
  } finally {
    await db.destroy();
  }
}

/** One value of COPY's text format: `\N` is null, backslash escapes undone. */
function copyValue(v: string): string | null {
  if (v === '\\N') return null;
  return v.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, c: string) => {
    if (c[0] === 'x') return String.fromCharCode(parseInt(c.slice(1), 16));
    if (/^[0-7]/.test(c)) return String.fromCharCode(parseInt(c, 8));
    return ({ b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' } as Record<string, string>)[c] ?? c;
  });
}

/** A timestamptz as pg_dump writes it (`2026-03-02 09:00:00.123+08`) as an ISO instant. */
function pgInstant(v: string): string {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(?::?(\d\d))?(?::?(\d\d))?$/.exec(v);
  return m ? new Date(`${m[1]}T${m[2]}${m[3]}:${m[4] ?? '00'}`).toISOString() : v;
}

/**
 * The first row of `table` (or of its monthly partitions, `table_p202612`, `table_default`) in a
 * custom-format dump that `pick` accepts; pg_restore is stopped there.
 */
function firstDumpedRow(tool: string, file: string, table: string, pick: (row: Record<string, string | null>) => boolean): Promise<Record<string, string | null> | null> {
  const toc = spawnSync(tool, ['--list', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (toc.status !== 0) return Promise.reject(new FieldCryptoError(`pg_restore 无法读取备份：${(toc.stderr || '').trim().split('\n')[0] ?? ''}`));
  const own = new RegExp(`^\\d+; \\d+ \\d+ TABLE DATA \\S+ ${table}(_p\\d{6}|_default\\w*)? `);
  const entries = toc.stdout.split('\n').filter((l) => own.test(l));
  if (!entries.length) return Promise.resolve(null);
  const dir = mkdtempSync(join(tmpdir(), 'hotline-restore-'));
  const list = join(dir, 'toc.list');
  writeFileSync(list, `${entries.join('\n')}\n`, { mode: 0o600 });
  return new Promise<Record<string, string | null> | null>((resolve, reject) => {
    const child = spawn(tool, ['--data-only', `--use-list=${list}`, '--file=-', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let columns: string[] | null = null;
    let found: Record<string, string | null> | null = null;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (found) return;
      if (!columns) {
        const m = /^COPY \S+ \((.*)\) FROM stdin;$/.exec(line);
        if (m) columns = m[1]!.split(', ').map((c) => c.replace(/^"|"$/g, ''));
        return;
      }
      if (line === '\\.') {
        columns = null;
        return;
      }
      const cells = line.split('\t');
      const row = Object.fromEntries(columns.map((c, i) => [c, copyValue(cells[i] ?? '\\N')]));
      if (pick(row)) {
        found = row;
        lines.close();
        child.kill();
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (found || code === 0 || signal) resolve(found);
      else reject(new FieldCryptoError(`pg_restore 无法读取备份：${stderr.trim().split('\n')[0] ?? ''}`));
    });
  }).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** A PostgreSQL custom-format dump's sample. */
export async function samplePgDump(tool: string, file: string): Promise<KeySample> {
  const t = await firstDumpedRow(tool, file, 'tickets', (r) => r.requester_phone?.startsWith('enc:') ?? false);
  const e = await firstDumpedRow(tool, file, 'events', (r) => !!r.chain_key);
  const num = (v: string | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return {
    sealed: t ? { id: Number(t.id), value: t.requester_phone!, hash: t.requester_phone_hash ?? null } : null,
    event: e
      ? {
          id: Number(e.id),
          at: pgInstant(e.at!),
          user_id: num(e.user_id),
          role: e.role ?? null,
          unit_id: num(e.unit_id),
          ticket_id: num(e.ticket_id),
          article_id: num(e.article_id),
          action: e.action!,
          from_status: e.from_status ?? null,
          to_status: e.to_status ?? null,
          detail: e.detail ?? null,
          outcome: e.outcome!,
          prev_hash: e.prev_hash ?? null,
          hash: e.hash ?? null,
          chain_key: e.chain_key ?? null,
        }
      : null,
  };
}
