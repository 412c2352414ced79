// The archive file: gzip-compressed JSON Lines, one audit event per line with every column of the
// `events` row (chain position and both hashes included), in chain order. Written to a `.partial`
// name, fsynced, renamed and the directory fsynced, so a file under its final name is complete.
// Reading it back checks every event's hash and link and gives the SHA-256 of the file's bytes.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { storedEventHash, type ChainContent } from './chain.ts';
import type { AuditKeyring } from '../store/audit-keys.ts';

/** One line of the file: the events row, columns in this order (any further column after them). */
export interface ArchivedEvent extends ChainContent {
  chain_seq: number;
  prev_hash: string;
  hash: string;
  /** The audit key of a keyed event; null (or absent, in files written before the key) for an unkeyed one. */
  chain_key?: string | null;
  [column: string]: unknown;
}

const COLUMNS = ['id', 'chain_seq', 'at', 'user_id', 'role', 'unit_id', 'ticket_id', 'article_id', 'action', 'from_status', 'to_status', 'detail', 'outcome', 'prev_hash', 'hash', 'chain_key'] as const;
const NUMERIC = new Set(['id', 'chain_seq', 'user_id', 'unit_id', 'ticket_id', 'article_id']);

/** An events row as a line's object: numbers as numbers, the instant as UTC ISO milliseconds. */
export function archivedEvent(row: Record<string, unknown>): ArchivedEvent {
  const out: Record<string, unknown> = {};
  for (const c of COLUMNS) {
    if (c === 'chain_key' && !(c in row)) continue;
    const v = row[c];
    out[c] = v === null || v === undefined ? null : NUMERIC.has(c) ? Number(v) : c === 'at' ? new Date(Date.parse(String(v))).toISOString() : v;
  }
  for (const [c, v] of Object.entries(row)) if (!(c in out)) out[c] = v;
  return out as ArchivedEvent;
}

/** Flushes a file (or a directory's entries) to the disk. */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Bytes passing through, hashed and counted. */
function hashingTap(): Transform & { sha256(): string; bytes: number } {
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      tap.bytes += chunk.length;
      done(null, chunk);
    },
  }) as Transform & { sha256(): string; bytes: number };
  tap.bytes = 0;
  tap.sha256 = () => hash.digest('hex');
  return tap;
}

/**
 * Writes the events `batches` yields to `file` and makes it durable; returns its SHA-256 and size.
 * A crash leaves at most `file.partial`, which the next run overwrites.
 */
export async function writeArchiveFile(file: string, batches: AsyncIterable<ArchivedEvent[]>): Promise<{ sha256: string; bytes: number }> {
  const partial = `${file}.partial`;
  const tap = hashingTap();
  async function* lines() {
    for await (const batch of batches) yield batch.map((e) => `${JSON.stringify(e)}\n`).join('');
  }
  try {
    // 0600: the archive holds the audit log, for the owner alone.
  await pipeline(lines, createGzip({ level: 9 }), tap, createWriteStream(partial, { mode: 0o600 }));
    await fsyncFile(partial);
    await rename(partial, file);
    await fsyncFile(dirname(file));
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return { sha256: tap.sha256(), bytes: tap.bytes };
}

/** What reading a file back found; `problem` (in Chinese) names the first thing wrong. */
export interface ArchiveFileReading {
  sha256: string;
  bytes: number;
  count: number;
  first: { seq: number; eventId: number; prevHash: string; at: string } | null;
  last: { seq: number; eventId: number; hash: string; at: string } | null;
  minAt: string | null;
  maxAt: string | null;
  problem: string | null;
}

/**
 * Reads an archive file and checks it as verify checks the table: positions without gaps, each
 * event's hash over its content, each event linked to the one before. `onEvent` sees every event.
 */
export async function readArchiveFile(file: string, keys: AuditKeyring, onEvent: (e: ArchivedEvent) => void = () => {}): Promise<ArchiveFileReading> {
  const out: ArchiveFileReading = { sha256: '', bytes: 0, count: 0, first: null, last: null, minAt: null, maxAt: null, problem: null };
  try {
    await stat(file);
  } catch {
    return { ...out, problem: `归档文件不存在：${file}` };
  }
  const tap = hashingTap();
  const gunzip = createGunzip();
  const done = pipeline(createReadStream(file), tap, gunzip).catch((err: Error) => {
    out.problem ??= `归档文件无法解压（已损坏或被改动）：${err.message}`;
  });
  let prev: string | null = null;
  let expected = 0;
  let lineNo = 0;
  try {
    for await (const line of createInterface({ input: gunzip, crlfDelay: Infinity })) {
      lineNo++;
      if (out.problem) continue;
      if (!line) continue;
      let e: ArchivedEvent;
      try {
        e = JSON.parse(line) as ArchivedEvent;
      } catch {
        out.problem = `归档文件第 ${lineNo} 行不是合法的 JSON：文件已被改动`;
        continue;
      }
      const seq = Number(e.chain_seq);
      if (out.first && seq !== expected) {
        out.problem = `归档文件第 ${lineNo} 行（事件 #${e.id}，第 ${seq} 条）之前缺少第 ${expected} 条：文件中的事件已被删除或调换`;
        continue;
      }
      if (e.chain_key && !keys.has(e.chain_key)) {
        out.problem = `归档文件第 ${lineNo} 行（事件 #${e.id}，第 ${seq} 条）使用的审计链密钥「${e.chain_key}」不在密钥表中`;
        continue;
      }
      if (storedEventHash(e, keys) !== e.hash) {
        out.problem = `归档文件第 ${lineNo} 行（事件 #${e.id}，第 ${seq} 条）的内容与其哈希不符：文件中的事件已被修改`;
        continue;
      }
      if (prev !== null && e.prev_hash !== prev) {
        out.problem = `归档文件第 ${lineNo} 行（事件 #${e.id}，第 ${seq} 条）与前一条事件不相连`;
        continue;
      }
      out.first ??= { seq, eventId: Number(e.id), prevHash: e.prev_hash, at: e.at };
      out.last = { seq, eventId: Number(e.id), hash: e.hash, at: e.at };
      if (!out.minAt || e.at < out.minAt) out.minAt = e.at;
      if (!out.maxAt || e.at > out.maxAt) out.maxAt = e.at;
      prev = e.hash;
      expected = seq + 1;
      out.count++;
      onEvent(e);
    }
  } catch (err) {
    out.problem ??= `归档文件无法读取：${(err as Error).message}`;
  }
  await done;
  out.sha256 = tap.sha256();
  out.bytes = tap.bytes;
  if (!out.problem && !out.count) out.problem = `归档文件中没有事件：${file}`;
  return out;
}
