// `hotline apikey …` as an operator runs it: a separate process on a fresh data directory.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '..', '..', '..', 'bin', 'hotline.js');
let dataDir: string;

function hotline(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, HOTLINE_DATA_DIR: dataDir, HOTLINE_DATABASE_URL: '' }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('hotline apikey command', () => {
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'hotline-apikey-cli-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates a key shown once, lists without it, rotates and revokes', () => {
    const created = hotline('apikey', 'create', '--name', '省12345平台', '--scopes', 'transfer:write,transfer:read', '--rate', '30');
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /已创建 API 密钥「省12345平台」/);
    const key = created.out.trim().split('\n').at(-1)!;
    assert.match(key, /^mdj_[A-Za-z0-9_-]{43}$/);

    const list = hotline('apikey', 'list', '--json');
    assert.equal(list.code, 0, list.err);
    assert.ok(!list.out.includes(key), 'the list never shows the key');
    const [info] = JSON.parse(list.out);
    assert.deepEqual([info.name, info.scopes, info.ratePerMinute, info.active], ['省12345平台', ['transfer:write', 'transfer:read'], 30, true]);
    assert.ok(key.startsWith(info.prefix));

    const rotated = hotline('apikey', 'rotate', '省12345平台');
    assert.equal(rotated.code, 0, rotated.err);
    const newKey = rotated.out.trim().split('\n').at(-1)!;
    assert.match(newKey, /^mdj_/);
    assert.notEqual(newKey, key);

    const revoked = hotline('apikey', 'revoke', String(info.id));
    assert.equal(revoked.code, 0, revoked.err);
    assert.match(revoked.out, /已吊销/);
    const after = hotline('apikey', 'list');
    assert.match(after.out, /已吊销/);
  });

  it('refuses bad arguments in Chinese with exit code 2', () => {
    const bad = hotline('apikey', 'create', '--name', 'x', '--scopes', 'open311:delete');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /权限范围「open311:delete」不存在/);
    const noName = hotline('apikey', 'create', '--scopes', 'open311:read');
    assert.equal(noName.code, 2);
    assert.match(noName.err, /--name/);
    assert.equal(hotline('apikey', 'rotate', 'nobody').code, 2);
  });

  it('usage: --help prints it and exits 0; a missing --scopes or a mistyped option is a Chinese usage error, exit 2, no stack', () => {
    const noStack = (text: string) => assert.ok(!/\n\s+at .+:\d+:\d+/.test(text) && !/ERR_PARSE_ARGS|TypeError/.test(text), text);
    for (const args of [['apikey', 'create', '--help'], ['apikey', '--help'], ['serve', '--help'], ['--help'], ['deadline', '-h']]) {
      const r = hotline(...args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
      assert.match(r.out, /用法/);
      noStack(r.out + r.err);
    }
    assert.match(hotline('apikey', 'create', '--help').out, /apikey create --name/);
    const noScopes = hotline('apikey', 'create', '--name', '无权限范围');
    assert.equal(noScopes.code, 2);
    assert.match(noScopes.err, /须给出 --scopes/);
    assert.match(noScopes.err, /open311:read/);
    noStack(noScopes.err);
    const bogus = hotline('apikey', 'create', '--name', 'x', '--scopes', 'open311:read', '--bogus');
    assert.equal(bogus.code, 2);
    assert.match(bogus.err, /参数错误：不认识的选项 --bogus/);
    noStack(bogus.err);
    const list = JSON.parse(hotline('apikey', 'list', '--json').out);
    assert.ok(!list.some((k: { name: string }) => k.name === '无权限范围' || k.name === 'x'), 'nothing created');
  });
});
