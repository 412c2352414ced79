// `hotline audit verify [--json]`, `hotline backup --out FILE`, `hotline restore --from FILE [--force]`.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { envOptions } from '../server/bootstrap.ts';
import { openStore, type Store } from '../store/db.ts';
import { migrate } from '../store/migrations.ts';
import { backupStore, restoreStore, tableRowCounts, type BackupTarget } from '../store/backup.ts';
import { Problem } from '../server/problem.ts';
import { chainHead, verifyChain, type ChainReport } from './chain.ts';

export const AUDIT_USAGE = `  audit verify [--json]      校验审计日志哈希链：指出第一条被修改、删除或调换顺序的事件（有则退出码 1）
  backup --out FILE          备份整个数据库（SQLite 在线备份；PostgreSQL 用 pg_dump 自定义格式）
  restore --from FILE [--force]
                             从备份恢复到空数据库（--force 覆盖已有数据；先停止服务）`;

function target(): BackupTarget {
  const env = envOptions();
  return env.databaseUrl ? { engine: 'postgres', url: env.databaseUrl } : { engine: 'sqlite', sqliteFile: join(env.dataDir ?? './data', 'hotline.sqlite') };
}

async function withStore<T>(t: BackupTarget, work: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore({ url: t.url, sqliteFile: t.sqliteFile });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

function describe(report: ChainReport): string {
  const head = report.head ? `链头：第 ${report.head.seq} 条（事件 #${report.head.eventId}）${report.head.hash}` : '链头：（空）';
  if (report.ok) return `审计日志完好：${report.events} 条事件全部通过哈希链校验\n${head}\n`;
  return `审计日志校验失败：${report.firstBad!.message}\n（此前 ${report.events} 条事件校验通过）\n`;
}

/** `hotline audit verify`: exit code 0 when the chain verifies, 1 when it does not. */
export async function auditCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'verify') throw new Problem(400, 'usage', `用法:\n${AUDIT_USAGE}`);
  const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } } });
  const t = target();
  const report = await withStore(t, async (store) => {
    await migrate(store.db, store.engine);
    return verifyChain(store.db);
  });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : describe(report));
  if (!report.ok) process.exitCode = 1;
}

export async function backupCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, json: { type: 'boolean' } } });
  if (!values.out) throw new Problem(400, 'usage', `须给出 --out FILE\n用法:\n${AUDIT_USAGE}`);
  const t = target();
  const head = await withStore(t, (store) => chainHead(store.db));
  const bytes = await backupStore(t, values.out);
  const summary = { engine: t.engine, file: values.out, bytes, chainHead: head };
  process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : `已备份到 ${values.out}（${(bytes / 1024 / 1024).toFixed(1)} MB）；备份时审计链头：第 ${head?.seq ?? 0} 条 ${head?.hash ?? '—'}\n`);
}

export async function restoreCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { from: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } } });
  if (!values.from) throw new Problem(400, 'usage', `须给出 --from FILE\n用法:\n${AUDIT_USAGE}`);
  const t = target();
  await restoreStore(t, values.from, { force: values.force });
  const { report, counts } = await withStore(t, async (store) => {
    await migrate(store.db, store.engine);
    return { report: await verifyChain(store.db), counts: await tableRowCounts(store.db, store.engine) };
  });
  if (values.json) process.stdout.write(`${JSON.stringify({ engine: t.engine, from: values.from, chain: report, rows: counts })}\n`);
  else process.stdout.write(`已从 ${values.from} 恢复：${Object.keys(counts).length} 张表，工单 ${counts.tickets ?? 0} 张\n${describe(report)}`);
  if (!report.ok) process.exitCode = 1;
}
