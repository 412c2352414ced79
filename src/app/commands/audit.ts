// `hotline audit verify [--json] [--archive FILE...]`, `hotline audit archive --before YYYY-MM`,
// `hotline backup --out FILE`, `hotline restore --from FILE [--force]`.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { envOptions } from '../bootstrap.ts';
import { openStore, type Store } from '../../store/db.ts';
import { migrate } from '../../store/migrations.ts';
import { backupStore, backupTargetOf, keySourceOfTarget, restoreStore, tableRowCounts, targetMayHoldData, type BackupTarget } from '../../store/backup.ts';
import { loadAuditKeys, loadKeys } from '../../store/field-keys.ts';
import { FieldCrypto } from '../../store/field-crypto.ts';
import { AuditKeyring } from '../../store/audit-keys.ts';
import { keysProblem, sampleBackup, type KeySample } from '../../audit/restore-keys.ts';
import { Problem } from '../../server/problem.ts';
import { systemClock } from '../../server/context.ts';
import { chainHead, verifyChain, type ChainReport } from '../../audit/chain.ts';
import { archiveAuditLog, archiveCutoff, type ArchiveResult } from '../../audit/archive.ts';
import { verifyArchiveFiles, type ArchiveVerifyReport } from '../../audit/archive-verify.ts';

export const AUDIT_USAGE = `  audit verify [--json] [--expect-head N:HASH] [--archive FILE...]
                             校验审计日志的密钥哈希链（HMAC）：指出第一条被修改、删除或调换顺序的事件（有则退出码 1）；
                             --expect-head 另要求第 N 条的哈希恰为 HASH（另行保存的链头，见 audit.head）：
                             可发现最新事件被删除或整条链被改写；--json 输出含链头 head；
                             --archive 另校验归档文件本身、与归档记录及在线审计链的衔接
  audit archive --before YYYY-MM [--out DIR] [--dry-run] [--json]
                             把 YYYY-MM 月 1 日之前的审计事件归档到 DIR（默认 数据目录/audit-archive）
                             的 gzip JSONL 文件并从数据库删除；须已在线保存满 6 个月
  backup --out FILE          备份整个数据库（SQLite 在线备份；PostgreSQL 用 pg_dump 自定义格式）
  restore --from FILE [--force]
                             从备份恢复到空数据库（--force 覆盖已有数据；先停止服务）；
                             现有密钥（hotline.keys 或 HOTLINE_*_KEYS）打不开备份中的加密字段或审计链时拒绝恢复`;

/** parseArgs with its English refusals (an unknown option, a missing value) turned into a Chinese usage error. */
function parse<T extends ParseArgsConfig['options']>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    const what = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? '未知的选项' : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ? '选项缺少取值或取值不对' : code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' ? '多余的参数' : '参数有误';
    const option = /'([^']+)'/.exec((err as Error).message)?.[1];
    throw new Problem(400, 'usage', `${what}${option ? `：${option}` : ''}\n用法:\n${AUDIT_USAGE}`);
  }
}

/** `N:HASH` of `--expect-head`: a position from 1 and a 64-digit hex hash. */
export function parseExpectHead(raw: string): { seq: number; hash: string } {
  const m = /^(\d{1,15}):([0-9a-fA-F]{64})$/.exec(raw.trim());
  const seq = m ? Number(m[1]) : 0;
  if (!m || !Number.isSafeInteger(seq) || seq < 1) throw new Problem(400, 'usage', `--expect-head 的格式为 位置:哈希（如 1234:后接 64 位十六进制），位置从 1 起：${raw}`);
  return { seq, hash: m[2]!.toLowerCase() };
}

function target(): BackupTarget {
  return backupTargetOf(envOptions());
}

async function withStore<T>(t: BackupTarget, work: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore({ url: t.url, sqliteFile: t.sqliteFile });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/**
 * Refuses a restore whose backup the keys at the target cannot open (./restore-keys.ts): no key file
 * where one is needed (opening the store would make fresh keys that open nothing), or keys that do
 * not decrypt its sealed fields or verify its audit chain. Checked before anything is written.
 */
async function refuseWithoutKeys(t: BackupTarget, from: string): Promise<void> {
  if (!existsSync(from)) return;
  let sample: KeySample;
  try {
    sample = await sampleBackup(t, from);
  } catch {
    return; // not a readable backup: restoreStore says so
  }
  if (!sample.sealed && !sample.event) return;
  const source = keySourceOfTarget(t, envOptions().dataDir);
  if (source.kind === 'file' && !existsSync(source.path)) {
    throw new Problem(
      409,
      'keys-missing',
      `拒绝恢复：密钥文件 ${source.path} 不存在，而备份中有加密的个人信息和以密钥签名的审计链，没有写入时的密钥就无法打开。请先把备份时的 hotline.keys 放到 ${dirname(source.path)}（权限 0600），或设置 HOTLINE_FIELD_KEYS / HOTLINE_LOOKUP_KEY / HOTLINE_AUDIT_KEYS，再恢复；未写入任何数据`,
    );
  }
  const fieldKeys = loadKeys(source);
  const problem = keysProblem(sample, new FieldCrypto(fieldKeys), new AuditKeyring(loadAuditKeys(source, fieldKeys)));
  if (problem) throw new Problem(409, 'keys-mismatch', `拒绝恢复：${problem}；未写入任何数据`);
}

function describe(report: ChainReport): string {
  const head = report.head ? `链头：第 ${report.head.seq} 条（事件 #${report.head.eventId}）${report.head.hash}` : '链头：（空）';
  const archived = report.archived
    ? `\n已归档：${report.archived.archives} 个文件共 ${report.archived.events} 条（第 1–${report.archived.lastSeq} 条，早于 ${report.archived.before}），在线链自其最后一条的哈希 ${report.archived.lastHash} 接续`
    : '';
  const expected = report.expected ? `\n与另行记录的链头一致：第 ${report.expected.seq} 条 ${report.expected.hash}` : '';
  if (report.ok) return `审计日志完好：${report.events} 条${report.archived ? '在线' : ''}事件全部通过哈希链校验\n${head}${archived}${expected}\n`;
  return `审计日志校验失败：${report.firstBad!.message}\n（此前 ${report.events} 条事件校验通过）\n`;
}

function describeFiles(report: ArchiveVerifyReport): string {
  return report.files
    .map((f) => (f.ok ? `归档文件完好：${f.file}（第 ${f.firstSeq}–${f.lastSeq} 条，${f.events} 条事件，SHA-256 ${f.sha256}）` : `归档文件校验失败：${f.file}：${f.message}`))
    .join('\n')
    .concat('\n');
}

function describeArchive(r: ArchiveResult, outDir: string): string {
  const lines: string[] = [];
  if (r.resumed) lines.push(`已完成上次中断的归档：删除 ${r.resumed} 条已归档事件`);
  if (!r.archive) lines.push(`没有早于 ${r.before} 且尚未归档的审计事件`);
  else if (r.dryRun) {
    const a = r.archive;
    lines.push(`（试运行，未写文件、未删除）将归档第 ${a.firstSeq}–${a.lastSeq} 条共 ${a.count} 条事件（${a.firstAt} 至 ${a.lastAt}）到 ${outDir}`);
  } else {
    const a = r.archive;
    lines.push(`已归档第 ${a.firstSeq}–${a.lastSeq} 条共 ${a.count} 条事件（${a.firstAt} 至 ${a.lastAt}），从数据库删除 ${r.deleted} 条`);
    lines.push(`文件：${join(outDir, a.file!)}（${a.bytes} 字节，SHA-256 ${a.sha256}）`);
    lines.push(`清单：${r.manifestFile}`);
    lines.push(`最后一条的哈希：${a.lastHash}（在线审计链自此接续）`);
  }
  return `${lines.join('\n')}\n`;
}

/** `hotline audit verify|archive`: verify exits 0 when everything verifies, 1 when something does not. */
export async function auditCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'archive') return archiveCommand(rest);
  if (sub !== 'verify') throw new Problem(400, 'usage', `用法:\n${AUDIT_USAGE}`);
  const { values, positionals } = parse(rest, { json: { type: 'boolean' }, archive: { type: 'string', multiple: true }, 'expect-head': { type: 'string' } }, true);
  const expectHead = values['expect-head'] === undefined ? undefined : parseExpectHead(values['expect-head']);
  // `--archive a.gz b.gz` as well as `--archive a.gz --archive b.gz`.
  const files = values.archive ? [...values.archive, ...positionals] : [];
  if (!values.archive && positionals.length) throw new Problem(400, 'usage', `多余的参数：${positionals.join(' ')}（归档文件请写在 --archive 之后）\n用法:\n${AUDIT_USAGE}`);
  const t = target();
  // Without the store's key file, opening it would make fresh keys and every event would look edited.
  const source = keySourceOfTarget(t, envOptions().dataDir);
  if (source.kind === 'file' && !existsSync(source.path) && targetMayHoldData(t)) {
    throw new Problem(409, 'keys-missing', `审计链须用写入时的密钥校验，但密钥文件 ${source.path} 不存在：请放回原来的 hotline.keys，或设置 HOTLINE_FIELD_KEYS / HOTLINE_LOOKUP_KEY / HOTLINE_AUDIT_KEYS`);
  }
  const { report, archives } = await withStore(t, async (store) => {
    await migrate(store.db, store.engine);
    return { report: await verifyChain(store.db, { expectHead }), archives: files.length ? await verifyArchiveFiles(store.db, files) : null };
  });
  if (values.json) process.stdout.write(`${JSON.stringify(archives ? { ...report, archiveFiles: archives } : report, null, 2)}\n`);
  else process.stdout.write(describe(report) + (archives ? describeFiles(archives) : ''));
  if (!report.ok || (archives && !archives.ok)) process.exitCode = 1;
}

async function archiveCommand(args: string[]): Promise<void> {
  const { values } = parse(args, { before: { type: 'string' }, out: { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } });
  if (!values.before) throw new Problem(400, 'usage', `须给出 --before YYYY-MM\n用法:\n${AUDIT_USAGE}`);
  const outDir = values.out ?? join(envOptions().dataDir ?? './data', 'audit-archive');
  const now = systemClock.now();
  // A refused month is refused before the store is opened.
  archiveCutoff(values.before, now);
  const t = target();
  const result = await withStore(t, async (store) => {
    await migrate(store.db, store.engine);
    return archiveAuditLog(store, { before: values.before!, outDir, now, dryRun: values['dry-run'] });
  });
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : describeArchive(result, outDir));
}

export async function backupCommand(args: string[]): Promise<void> {
  const { values } = parse(args, { out: { type: 'string' }, json: { type: 'boolean' } });
  if (!values.out) throw new Problem(400, 'usage', `须给出 --out FILE\n用法:\n${AUDIT_USAGE}`);
  const t = target();
  const head = await withStore(t, (store) => chainHead(store.db));
  const bytes = await backupStore(t, values.out);
  const summary = { engine: t.engine, file: values.out, bytes, chainHead: head };
  process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : `已备份到 ${values.out}（${(bytes / 1024 / 1024).toFixed(1)} MB）；备份时审计链头：第 ${head?.seq ?? 0} 条 ${head?.hash ?? '—'}\n`);
}

export async function restoreCommand(args: string[]): Promise<void> {
  const { values } = parse(args, { from: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } });
  if (!values.from) throw new Problem(400, 'usage', `须给出 --from FILE\n用法:\n${AUDIT_USAGE}`);
  const t = target();
  await refuseWithoutKeys(t, values.from);
  await restoreStore(t, values.from, { force: values.force });
  const { report, counts } = await withStore(t, async (store) => {
    await migrate(store.db, store.engine);
    return { report: await verifyChain(store.db), counts: await tableRowCounts(store.db, store.engine) };
  });
  if (values.json) process.stdout.write(`${JSON.stringify({ engine: t.engine, from: values.from, chain: report, rows: counts })}\n`);
  else process.stdout.write(`已从 ${values.from} 恢复：${Object.keys(counts).length} 张表，工单 ${counts.tickets ?? 0} 张\n${describe(report)}`);
  if (!report.ok) process.exitCode = 1;
}
