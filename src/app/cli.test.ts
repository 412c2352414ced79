// The `hotline` command as a user runs it: a separate process, a fresh data directory.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'hotline.js');
let dataDir: string;

function hotline(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, HOTLINE_DATA_DIR: dataDir, HOTLINE_DATABASE_URL: '' },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('hotline command', () => {
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'hotline-cli-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  const deadlines: Array<[string[], string]> = [
    [['--from', '2026-09-30T16:00:00+08:00', '--working-days', '2'], '2026-10-09T23:59:59+08:00'],
    [['--from', '2026-10-09T11:00:00+08:00', '--working-days', '1'], '2026-10-10T23:59:59+08:00'],
    [['--from', '2026-02-13T10:00:00+08:00', '--working-days', '2'], '2026-02-24T23:59:59+08:00'],
    [['--from', '2026-10-01T10:00:00+08:00', '--hours', '4'], '2026-10-01T14:00:00+08:00'],
    [['--from', '2026-02-13T10:00:00+08:00', '--days', '3'], '2026-02-16T23:59:59+08:00'],
  ];
  for (const [args, expected] of deadlines) {
    it(`deadline ${args.join(' ')} prints ${expected} alone on one line`, () => {
      const r = hotline('deadline', ...args);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, `${expected}\n`, r.err);
    });
  }

  it('deadline in a year without official data warns on stderr that it is provisional', () => {
    const r = hotline('deadline', '--from', '2026-12-30T09:00:00+08:00', '--working-days', '5');
    assert.equal(r.out, '2027-01-06T23:59:59+08:00\n');
    assert.match(r.err, /暂定/);
  });

  it('deadline refuses an instant without a zone and a missing limit', () => {
    assert.equal(hotline('deadline', '--from', '2026-09-30T16:00:00', '--working-days', '2').code, 2);
    assert.equal(hotline('deadline', '--from', '2026-09-30T16:00:00+08:00').code, 2);
  });

  it('user create makes a user who can then not be created twice', () => {
    const first = hotline('user', 'create', '--username', 'cli.staff', '--password', 'a-long-password', '--role', 'unit_staff', '--unit', 'ZJJ');
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /cli\.staff/);
    const again = hotline('user', 'create', '--username', 'cli.staff', '--password', 'a-long-password', '--role', 'unit_staff', '--unit', 'ZJJ');
    assert.notEqual(again.code, 0);
    assert.match(again.err, /已存在/);
  });

  it('user create refuses a unit role without a unit, in Chinese', () => {
    const r = hotline('user', 'create', '--username', 'nounit', '--password', 'a-long-password', '--role', 'unit_staff');
    assert.notEqual(r.code, 0);
    assert.match(r.err, /所属单位/);
  });
});
