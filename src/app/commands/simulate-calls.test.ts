// `hotline simulate-calls` as a user runs it on a fresh clone: a separate process, no database of
// its own given (it makes a temporary one), and the refusals of impossible options.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseSimulateArgs } from './simulate-calls.ts';
import { Problem } from '../../server/problem.ts';

const BIN = resolve(import.meta.dirname, '..', '..', '..', 'bin', 'hotline.js');
const LOAD = ['--calls-per-hour', '300', '--agents', '4', '--handle-seconds', '40'];

describe('hotline simulate-calls', () => {
  it('runs on a temporary SQLite database and prints the platform’s figures beside the simulator’s and Erlang C’s', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hotline-simulate-cli-'));
    try {
      const r = spawnSync(process.execPath, [BIN, 'simulate-calls', ...LOAD, '--hours', '0.5', '--seed', '5', '--json'], {
        cwd,
        env: { ...process.env, HOTLINE_DATABASE_URL: '', HOTLINE_DATA_DIR: join(cwd, 'data') },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      assert.equal(report.source, 'platform');
      for (const k of ['offered', 'answered', 'answeredWithin15s', 'abandoned', 'shortAbandoned']) assert.equal(report[k], report.simulator[k], k);
      assert.ok(report.offered > 100 && report.offered < 200, `offered ${report.offered}`); // 150 expected in half an hour
      assert.equal(report.serviceLevel15s, report.simulator.serviceLevel15s);
      assert.equal(typeof report.abandonRate, 'number');
      assert.equal(typeof report.asaSeconds, 'number');
      assert.equal(typeof report.occupancy, 'number');
      // 300 calls/h × 40 s = 3.33 Erlangs on 4 agents.
      assert.ok(Math.abs(report.load.trafficErlangs - 10 / 3) < 1e-9);
      assert.ok(report.erlangC.serviceLevel15s > 0 && report.erlangC.serviceLevel15s < 1);
      assert.ok(report.erlangC.probabilityOfWait > 0 && report.erlangC.probabilityOfWait < 1);
      assert.ok(report.erlangC.asaSeconds > 0);
      assert.equal(report.replay.accepted, report.replay.events);
      // Nothing left behind: the temporary database went with the run, and the data directory was never made.
      assert.deepEqual(readdirSync(cwd), []);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  const refusals: Array<[string, string[], RegExp]> = [
    ['a missing rate', ['--agents', '4', '--handle-seconds', '40'], /--calls-per-hour/],
    ['no agents', [...LOAD.slice(0, 2), '--agents', '0', '--handle-seconds', '40'], /--agents/],
    ['a fractional seed', [...LOAD, '--seed', '1.5'], /--seed/],
    ['a start off the half hour', [...LOAD, '--start', '2026-03-02T09:10:00+08:00'], /整点或半点/],
    ['a URL without a key', [...LOAD, '--url', 'http://127.0.0.1:3000'], /--key/],
    ['a user without a password', [...LOAD, '--url', 'http://127.0.0.1:3000', '--key', 'k', '--user', 'lead1'], /--password/],
  ];
  for (const [name, args, message] of refusals) {
    it(`refuses ${name}`, () => assert.throws(() => parseSimulateArgs(args), (err: unknown) => err instanceof Problem && message.test(err.title)));
  }
  it('reads the options it is given', () => {
    const p = parseSimulateArgs([...LOAD, '--hours', '2', '--seed', '7', '--patience-seconds', '90', '--realistic', '--batch', '250', '--json']);
    assert.deepEqual(
      [p.options.callsPerHour, p.options.agents, p.options.handleSeconds, p.options.hours, p.options.seed, p.options.patienceSeconds, p.options.realistic, p.batch, p.json],
      [300, 4, 40, 2, 7, 90, true, 250, true],
    );
  });
});
