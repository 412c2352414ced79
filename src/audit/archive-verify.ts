// `hotline audit verify --archive FILE...`: checks archive files themselves (every event's hash and
// link, as verify checks the table), that each is the file its `audit_archives` row describes (same
// SHA-256, range, count and end hashes; the manifest beside it, when there, agrees), that the files
// given link to each other, and that the online chain continues from the newest one. The archive
// rows themselves form one unbroken prefix (chainAnchor) and verify anchors the online chain to the
// newest of them, so files that match their rows carry the chain from position 1 to the table.
import { basename } from 'node:path';
import type { Db, Tx } from '../store/db.ts';
import { auditKeyringOf } from '../store/audit-keys.ts';
import { archiveRecords } from './archive-records.ts';
import { readArchiveFile } from './archive-file.ts';
import { readManifest } from './archive.ts';

export interface ArchiveFileReport {
  file: string;
  ok: boolean;
  events: number;
  firstSeq: number | null;
  lastSeq: number | null;
  sha256: string;
  /** What is wrong, in Chinese; null when the file verifies. */
  message: string | null;
}

export interface ArchiveVerifyReport {
  ok: boolean;
  files: ArchiveFileReport[];
}

export async function verifyArchiveFiles(db: Db | Tx, files: string[]): Promise<ArchiveVerifyReport> {
  const records = await archiveRecords(db);
  const reports: ArchiveFileReport[] = [];
  const ends: Array<{ report: ArchiveFileReport; firstPrev: string; lastHash: string }> = [];
  for (const file of files) {
    const reading = await readArchiveFile(file, auditKeyringOf(db));
    const report: ArchiveFileReport = { file, ok: false, events: reading.count, firstSeq: reading.first?.seq ?? null, lastSeq: reading.last?.seq ?? null, sha256: reading.sha256, message: reading.problem };
    reports.push(report);
    if (reading.problem) continue;
    const record = records.find((r) => r.firstSeq === reading.first!.seq);
    const manifest = await readManifest(file);
    if (!record) report.message = `归档文件 ${basename(file)}（第 ${reading.first!.seq}–${reading.last!.seq} 条）在 audit_archives 中没有对应记录：归档记录已被删除，或文件不属于此数据库`;
    else if (record.fileSha256 !== reading.sha256) report.message = `归档文件 ${basename(file)} 的 SHA-256 与归档记录 #${record.id} 不符：文件已被改动或替换`;
    else if (record.lastSeq !== reading.last!.seq || record.eventCount !== reading.count || record.firstPrevHash !== reading.first!.prevHash || record.lastHash !== reading.last!.hash) {
      report.message = `归档文件 ${basename(file)} 的范围或首尾哈希与归档记录 #${record.id} 不符`;
    } else if (manifest && (manifest.sha256 !== reading.sha256 || manifest.count !== reading.count || manifest.lastHash !== reading.last!.hash)) {
      report.message = `归档文件 ${basename(file)} 旁的清单与文件不符：清单已被改动`;
    }
    if (!report.message) ends.push({ report, firstPrev: reading.first!.prevHash, lastHash: reading.last!.hash });
  }

  // The files given, in chain order: each continues the one before it when their ranges meet.
  ends.sort((a, b) => a.report.firstSeq! - b.report.firstSeq!);
  for (let i = 1; i < ends.length; i++) {
    const [a, b] = [ends[i - 1]!, ends[i]!];
    if (b.report.firstSeq === a.report.lastSeq! + 1 && b.firstPrev !== a.lastHash) {
      b.report.message = `归档文件 ${basename(b.report.file)} 与前一个归档文件 ${basename(a.report.file)} 不相连`;
    }
  }
  // The online chain continues from a file whose next event is still in the table.
  for (const e of ends) {
    if (e.report.message) continue;
    const next = await db.selectFrom('events').select(['id', 'prev_hash']).where('chain_seq', '=', e.report.lastSeq! + 1).executeTakeFirst();
    if (next && next.prev_hash !== e.lastHash) {
      e.report.message = `在线审计链的事件 #${next.id}（第 ${e.report.lastSeq! + 1} 条）与归档文件 ${basename(e.report.file)} 的最后一条不相连`;
    }
  }
  for (const r of reports) r.ok = r.message === null;
  return { ok: reports.length > 0 && reports.every((r) => r.ok), files: reports };
}
