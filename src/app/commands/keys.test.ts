// `hotline keys status|rotate|reencrypt` as an operator runs them, on a SQLite data directory with
// the demo's tickets and calls: counts per key, a new key in the 0600 file, every value rewritten under it in
// batches; with the keys in the environment, rotate explains what to do instead. No key is printed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bootstrap } from '../bootstrap.ts';
import { loadDemo } from '../../demo/load.ts';

const BIN = resolve(import.meta.dirname, '..', '..', '..', 'bin', 'hotline.js');

describe('hotline keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-keys-cli-'));
  const env = { ...process.env, HOTLINE_DATA_DIR: dir, HOTLINE_DATABASE_URL: '', HOTLINE_FIELD_KEYS: '', HOTLINE_LOOKUP_KEY: '' };
  const hotline = (args: string[], extra: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [BIN, 'keys', ...args], { env: { ...env, ...extra }, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  let tickets = 0;
  let calls = 0;
  let callEvents = 0;

  before(async () => {
    const ctx = await bootstrap({ dataDir: dir });
    try {
      tickets = (await loadDemo(ctx, { onlyIfEmpty: true, days: 2, ticketsPerDay: 4, seed: 5 }))!.tickets;
    } finally {
      await ctx.store.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('status counts the sealed values per key', () => {
    const r = hotline(['status', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.source, 'file');
    assert.equal(s.current, '1');
    assert.equal(s.tickets, tickets);
    assert.deepEqual(Object.keys(s.byKey), ['1']);
    assert.ok(s.byKey['1'] >= tickets, JSON.stringify(s.byKey));
    assert.deepEqual([s.plaintext, s.badHash], [0, 0]);
    // The demo's calls: their callers and raw events are counted under the same key.
    calls = s.tables.calls.rows;
    callEvents = s.tables.call_events.rows;
    assert.ok(calls > 0 && callEvents > calls, JSON.stringify(s.tables));
    for (const table of ['calls', 'call_events', 'missed_calls']) assert.deepEqual(Object.keys(s.tables[table].byKey), s.tables[table].rows ? ['1'] : [], table);
    assert.equal(s.tables.call_events.byKey['1'], callEvents);
    const text = hotline(['status']);
    assert.match(text.stdout, new RegExp(`通话 ${calls} 条、话务事件 ${callEvents} 条`));
  });

  it('rotate adds a current key to the 0600 file; reencrypt rewrites every value under it; nothing prints a key', () => {
    const file = join(dir, 'hotline.keys');
    const rotated = hotline(['rotate']);
    assert.equal(rotated.status, 0, rotated.stderr);
    assert.match(rotated.stdout, /新密钥 2 已设为当前密钥/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const keys = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(keys.current, '2');
    assert.deepEqual(Object.keys(keys.keys).sort(), ['1', '2']);

    const r = hotline(['reencrypt', '--batch', '3', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual([out.keyId, out.done, out.scanned], ['2', true, tickets]);
    assert.ok(out.rewritten > 0 && out.rewritten <= tickets);
    assert.deepEqual(Object.keys(out.census.byKey), ['2']);
    assert.deepEqual([out.tables.calls.scanned, out.tables.calls.rewritten, out.tables.call_events.rewritten], [calls, calls, callEvents]);
    const text = hotline(['status']);
    assert.match(text.stdout, /当前密钥：2/);
    assert.match(text.stdout, /未加密 0 个/);
    for (const printed of [rotated.stdout, rotated.stderr, r.stdout, r.stderr, text.stdout]) {
      for (const secret of [...Object.values(keys.keys as Record<string, string>), keys.lookup]) assert.ok(!printed.includes(secret as string), 'a key was printed');
    }
  });

  it('with the keys in the environment, rotate refuses and says how; bad input is refused in Chinese', () => {
    const file = JSON.parse(readFileSync(join(dir, 'hotline.keys'), 'utf8'));
    const fromEnv = { HOTLINE_FIELD_KEYS: `2:${file.keys['2']},1:${file.keys['1']}`, HOTLINE_LOOKUP_KEY: file.lookup };
    const status = hotline(['status', '--json'], fromEnv);
    assert.equal(status.status, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).source, 'env');
    const r = hotline(['rotate'], fromEnv);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /HOTLINE_FIELD_KEYS 开头/);
    const bad = hotline(['reencrypt', '--batch', '0']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--batch/);
    assert.equal(hotline(['frobnicate']).status, 2);
  });
});
