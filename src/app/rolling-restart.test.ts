// `hotline serve --cluster`: SIGHUP to the primary replaces its workers one at a time while clients
// take tickets through their life over keep-alive connections; not one request fails or goes
// unanswered, every answered step is in the store, and each restart really replaced the process.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { testEngines } from '../../test/support/databases.ts';
import { ApiClient, FaultStore, freePort, until } from './server-child.test-support.ts';
import { LOAD_PASSWORD, LOAD_USERS, TicketLoad } from './ticket-load.test-support.ts';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'hotline.js');

for (const engine of testEngines()) {
  it(`[${engine}] a rolling restart of the workers fails no request`, { timeout: 240_000 }, async (t) => {
    const store = await FaultStore.create(engine, LOAD_USERS, LOAD_PASSWORD);
    const port = await freePort();
    const args = engine === 'postgres' ? ['serve', '--workers', '2'] : ['serve', '--cluster'];
    const primary = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, HOTLINE_DATA_DIR: store.dataDir, HOTLINE_DATABASE_URL: store.url ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    primary.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    primary.stderr!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const base = `http://127.0.0.1:${port}`;
    try {
      await until('the server to answer', () => fetch(`${base}/healthz`).then((r) => r.ok, () => false), 60_000);
      const clients = {
        agent: await ApiClient.login(base, 'f.agent', LOAD_PASSWORD),
        centre: await ApiClient.login(base, 'f.centre', LOAD_PASSWORD),
        unit: await ApiClient.login(base, 'f.zjj', LOAD_PASSWORD),
      };
      const load = new TicketLoad(clients, { workers: 4, phonePrefix: '1500' });
      load.start();
      const workers = engine === 'postgres' ? 2 : 1;
      for (let round = 1; round <= 2; round++) {
        const before = load.answered.length;
        await until('answers before the restart', () => load.answered.length >= before + 8, 60_000);
        primary.kill('SIGHUP');
        await until(`restart ${round} to finish`, () => out.split('滚动重启完成').length - 1 >= round, 120_000);
      }
      const after = load.answered.length;
      await until('answers after the restarts', () => load.answered.length >= after + 8, 60_000);
      await load.stop();
      t.diagnostic(`${load.answered.length} answered across 2 rolling restarts`);
      assert.deepEqual(load.failed, [], out.slice(-2000));
      assert.equal(load.unanswered, 0);
      assert.equal(out.split('已由').length - 1, 2 * workers, `each worker replaced each time: ${out}`);
      const db = await store.open();
      try {
        const nos = new Set((await db.db.selectFrom('tickets').select('no').execute()).map((r) => r.no));
        assert.deepEqual(load.answered.filter((a) => !nos.has(a.no)), []);
      } finally {
        await db.close();
      }
    } finally {
      const exited = new Promise((r) => primary.once('exit', r));
      primary.kill('SIGTERM');
      await exited;
      await store.drop();
    }
  });
}
