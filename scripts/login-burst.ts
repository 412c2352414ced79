// How long a normal login waits while someone else guesses passwords: the server on a fresh SQLite
// file on 127.0.0.1, a burst of wrong guesses (one each on N usernames) sent at once from other
// loopback addresses, and, a second into it (--after=ms), one right login from 127.0.0.3. Figures, not a test;
// bounded (one burst, then it stops). docs/security-accounts.md has the figures.
//
//   node bin/run-ts.js scripts/login-burst.ts                 300 guesses from 127.0.0.2
//   node bin/run-ts.js scripts/login-burst.ts --spread         300 guesses from 300 addresses 127.0.1.x–127.0.2.x
//   node bin/run-ts.js scripts/login-burst.ts --guesses=100
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bootstrap } from '../src/app/bootstrap.ts';
import { buildApp } from '../src/app/app.ts';
import { hashPassword } from '../src/auth/passwords.ts';

const { values } = parseArgs({ options: { guesses: { type: 'string', default: '300' }, spread: { type: 'boolean', default: false }, after: { type: 'string', default: '1000' } } });
const GUESSES = Number(values.guesses);
const PASSWORD = 'Burst-test-2026';

function login(port: number, from: string, username: string, password: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const body = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, localAddress: from, method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const dir = mkdtempSync(join(tmpdir(), 'hotline-burst-'));
const ctx = await bootstrap({ sqliteFile: join(dir, 'burst.sqlite'), dataDir: dir });
const hash = await hashPassword(PASSWORD);
await ctx.store.db.insertInto('users').values({ username: 'normal.user', display_name: '正常用户', password_hash: hash, role: 'agent', unit_id: null, active: 1, created_at: new Date().toISOString() }).execute();
const app = await buildApp(ctx);
await app.listen({ host: '127.0.0.1', port: 0 });
const port = (app.server.address() as { port: number }).port;
try {
  // Warm: the hashing thread started, the unknown-user hash made; then the quiet figure.
  for (let i = 0; i < 3; i++) await login(port, '127.0.0.3', 'normal.user', PASSWORD);
  const quiet = await login(port, '127.0.0.3', 'normal.user', PASSWORD);
  const attacker = (i: number) => (values.spread ? `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}` : '127.0.0.2');
  const burstStarted = performance.now();
  const burst = Promise.all(Array.from({ length: GUESSES }, (_, i) => login(port, attacker(i), `guess.user${i}`, `wrong-${i}`)));
  await new Promise((r) => setTimeout(r, Number(values.after)));
  const during = await login(port, '127.0.0.3', 'normal.user', PASSWORD);
  const answers = await burst;
  const byStatus: Record<number, number> = {};
  for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
  console.log(
    JSON.stringify({
      guesses: GUESSES,
      afterMs: Number(values.after),
      from: values.spread ? `${GUESSES} addresses` : '1 address',
      quietLoginMs: Math.round(quiet.ms),
      duringBurst: { status: during.status, ms: Math.round(during.ms) },
      burstStatuses: byStatus,
      burstMs: Math.round(performance.now() - burstStarted),
    }),
  );
} finally {
  await app.close();
  await ctx.store.close();
  rmSync(dir, { recursive: true, force: true });
}
