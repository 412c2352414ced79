// Several server processes on one database: two app instances on one PostgreSQL database relay the
// outbox side by side and each message leaves exactly once; SQLite refuses --workers > 1.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freshDatabase, testEngines } from '../../test/support/databases.ts';
import { bootstrap } from './bootstrap.ts';
import { inTransaction } from '../store/db.ts';
import { enqueue, type SmsMessage } from '../outbox/outbox.ts';
import { startRelay } from '../outbox/relay.ts';
import type { SmsGateway } from '../outbox/sms-gateway.ts';
import { buildApp } from './app.ts';
import { WORKERS_ON_SQLITE } from './workers.ts';

const MESSAGES = 1_500;

/** Counts each request id it is handed; slow enough that the two relays' batches overlap. */
class CountingGateway implements SmsGateway {
  constructor(private readonly counts: Map<string, number>, readonly name: string) {}
  sent = 0;
  async send(_message: SmsMessage, requestId?: string): Promise<void> {
    this.counts.set(requestId!, (this.counts.get(requestId!) ?? 0) + 1);
    this.sent += 1;
    if (this.sent % 20 === 0) await new Promise((r) => setTimeout(r, 2));
  }
}

it('two app instances on one PostgreSQL database relay each outbox message exactly once', { skip: !testEngines().includes('postgres') && 'no PostgreSQL in this run' }, async () => {
  const database = await freshDatabase('postgres');
  const dir = mkdtempSync(join(tmpdir(), 'hotline-workers-'));
  const first = await bootstrap({ databaseUrl: database.url, dataDir: dir });
  const second = await bootstrap({ databaseUrl: database.url, dataDir: dir });
  const apps = [await buildApp(first), await buildApp(second)];
  try {
    await inTransaction(first.store.db, async (tx) => {
      for (let i = 0; i < MESSAGES; i++) await enqueue(tx, 'sms', { to: `1390000${String(i).padStart(4, '0')}`, template: 'dispatch_notice', params: { ticketNo: `T${i}`, role: '主办' } }, first.clock.now());
    });
    const counts = new Map<string, number>();
    const gateways = [new CountingGateway(counts, 'first'), new CountingGateway(counts, 'second')];
    const stops = [startRelay(first, gateways[0], 10), startRelay(second, gateways[1], 10)];
    const deadline = Date.now() + 60_000;
    let left = MESSAGES;
    while (left > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      left = (await first.store.db.selectFrom('outbox').select('id').where('delivered_at', 'is', null).execute()).length;
    }
    await Promise.all(stops.map((stop) => stop()));
    assert.equal(left, 0, 'every message delivered');
    assert.equal(counts.size, MESSAGES);
    const repeated = [...counts].filter(([, n]) => n !== 1);
    assert.deepEqual(repeated, [], 'no message sent twice');
    assert.ok(gateways.every((g) => g.sent > 0), `both relayed: ${gateways.map((g) => g.sent).join(' + ')}`);
    const logged = await first.store.db.selectFrom('sms_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'sent').executeTakeFirstOrThrow();
    assert.equal(Number(logged.n), MESSAGES);
  } finally {
    for (const app of apps) await app.close();
    await first.store.close();
    await second.store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

it('serve --workers 2 refuses SQLite with the reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-workers-'));
  try {
    const cli = resolve(import.meta.dirname, '..', '..', 'bin', 'hotline.js');
    const r = spawnSync(process.execPath, [cli, 'serve', '--workers', '2'], { env: { ...process.env, HOTLINE_DATA_DIR: dir, HOTLINE_DATABASE_URL: '' }, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(WORKERS_ON_SQLITE.slice(0, 20).replace(/[()（）]/g, '.')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
