// `hotline kb …` as a user runs it: a separate process on a fresh data directory.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '..', '..', '..', 'bin', 'hotline.js');
const SEED = resolve(import.meta.dirname, '..', '..', '..', 'demo', 'bulletins', '001_709fe254827a9a67.txt');
let dataDir: string;

function hotline(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, HOTLINE_DATA_DIR: dataDir, HOTLINE_DATABASE_URL: '' }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('hotline kb command', () => {
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'hotline-kb-cli-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('imports a bulletin once, prints ranked hits as JSON, answers or says it does not know', () => {
    const first = hotline('kb', 'import-bulletin', SEED);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /识别出 9 篇公文，新导入 9 篇/);
    assert.match(first.out, /牡丹江市人民政府关于公布禁止使用的猎捕工具和方法的通告（牡政规〔2023〕1号）/);
    const again = hotline('kb', 'import-bulletin', SEED, '--json');
    assert.equal(again.code, 0, again.err);
    const result = JSON.parse(again.out);
    assert.equal(result.created.length, 0);
    assert.equal(result.unchanged.length, 9);

    const r = hotline('kb', 'search', '可以用弹弓打鸟吗', '--json');
    assert.equal(r.code, 0, r.err);
    const hits = JSON.parse(r.out);
    assert.ok(hits.length > 0);
    assert.equal(hits[0].title, '牡丹江市人民政府关于公布禁止使用的猎捕工具和方法的通告');
    assert.match(hits[0].passage, /弹弓/);
    assert.equal(typeof hits[0].score, 'number');
    assert.deepEqual(hits.map((h: any) => h.rank), hits.map((_: unknown, i: number) => i + 1));

    const known = hotline('kb', 'answer', '12345热线咨询类事项几个工作日内答复');
    assert.equal(known.code, 0, known.err);
    assert.match(known.out, /^解答/);
    assert.match(known.out, /牡政办发〔2023〕18号/);
  });

  it('refuses what it cannot do, in Chinese, with exit code 2', () => {
    const bad = hotline('kb', 'search', '弹弓', '--kind', 'gossip');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /知识类别/);
    assert.equal(hotline('kb', 'nonsense').code, 2);
  });
});
