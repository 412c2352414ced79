// The audit chain's cost per event in this process: one link as unkeyed SHA-256 (before) and as HMAC-SHA-256 (now),
// over a typical event's canonical content. `node scripts/audit-chain-cost.mjs`
import { createHash, createHmac, randomBytes } from 'node:crypto';
const key = randomBytes(32);
const content = `[1,123456,"2026-03-02T01:00:00.000Z",17,"agent",3,98765,null,"dispatch","registered","dispatched","{\\"lead\\":\\"ZJJ\\",\\"units\\":[\\"ZJJ\\",\\"SCJGJ\\"]}","success"]`;
const N = 200_000;
let prev = '0'.repeat(64);
for (const [name, f] of [['sha256', (p) => createHash('sha256').update(p).update('\n').update(content).digest('hex')], ['hmac-sha256', (p) => createHmac('sha256', key).update(p).update('\n').update(content).digest('hex')]]) {
  for (let i = 0; i < 20000; i++) prev = f(prev);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) prev = f(prev);
  const ns = Number(process.hrtime.bigint() - t0) / N;
  console.log(`${name}: ${(ns / 1000).toFixed(2)} µs per event`);
}
