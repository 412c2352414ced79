// Times `hotline audit archive` on a generated history in a throwaway SQLite store: verify, archive
// --before 2026-06 as of 2026-12-02, verify again (the figures in docs/operations/security-and-reliability.md, "Archiving").
// node bin/run-ts.js scripts/bench-audit-archive.ts [tickets=20000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrap } from '../src/app/bootstrap.ts';
import { generateHistory } from '../src/scale/generate.ts';
import { archiveAuditLog } from '../src/audit/archive.ts';
import { verifyChain } from '../src/audit/chain.ts';
const tickets = Number(process.argv[2] ?? 20000);
const dir = mkdtempSync(join(tmpdir(), 'hotline-measure-'));
const ctx = await bootstrap({ dataDir: dir, sqliteFile: join(dir, 'hotline.sqlite') });
try {
  const g = await generateHistory(ctx, { tickets, months: 12, seed: 7, end: '2026-12-01T00:00:00+08:00' });
  console.log(`generated ${g.tickets} tickets, ${g.events} events`);
  let t0 = performance.now();
  const v0 = await verifyChain(ctx.store.db);
  console.log(`verify before: ${v0.ok} ${v0.events} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  t0 = performance.now();
  const r = await archiveAuditLog(ctx.store, { before: '2026-06', outDir: join(dir, 'archive'), now: '2026-12-02T01:00:00.000Z' });
  console.log(`archive --before 2026-06: ${r.archive?.count} events, ${r.archive?.bytes} bytes, deleted ${r.deleted}, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  t0 = performance.now();
  const v1 = await verifyChain(ctx.store.db);
  console.log(`verify after: ${v1.ok} ${v1.events} online events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
} finally {
  await ctx.store.close();
  rmSync(dir, { recursive: true, force: true });
}
