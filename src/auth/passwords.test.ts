// Password hashes computed on the scrypt thread: the same keys node:crypto derives (RFC 7914's test
// vector included), NFKC-equal passwords verify, a bad parameter fails that derivation alone, and a
// process that hashed a password still exits by itself.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scryptSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { hashPassword, verifyPassword } from './passwords.ts';
import { scryptOnThread } from './scrypt-thread.ts';

describe('password hashing', () => {
  it('derives the key of RFC 7914 §12 (password, NaCl, N=1024, r=8, p=16)', async () => {
    const key = await scryptOnThread('password', Buffer.from('NaCl'), 64, { N: 1024, r: 8, p: 16 });
    assert.equal(
      key.toString('hex'),
      'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640',
    );
  });

  const cases: Array<[string, string, string, boolean]> = [
    ['the same password', 'Hotline-12345', 'Hotline-12345', true],
    ['another password', 'Hotline-12345', 'Hotline-12346', false],
    ['Chinese characters', '牡丹江热线二〇二六', '牡丹江热线二〇二六', true],
    ['full-width digits equal by NFKC', 'mima１２３４５', 'mima12345', true],
    ['an empty password against a set one', 'Hotline-12345', '', false],
  ];
  for (const [name, stored, given, ok] of cases) {
    it(`verify: ${name} → ${ok}`, async () => {
      assert.equal(await verifyPassword(given, await hashPassword(stored)), ok);
    });
  }

  it('matches node:crypto for many derivations at once, each with its own salt', async () => {
    const salts = Array.from({ length: 6 }, (_, i) => Buffer.from(`salt-${i}`));
    const keys = await Promise.all(salts.map((s, i) => scryptOnThread(`pw-${i}`, s, 32, { N: 1024, r: 8, p: 1 })));
    keys.forEach((k, i) => assert.deepEqual(k, scryptSync(`pw-${i}`, salts[i], 32, { N: 1024, r: 8, p: 1 })));
  });

  it('a derivation with bad parameters fails alone; the next one works', async () => {
    await assert.rejects(scryptOnThread('pw', Buffer.from('s'), 32, { N: 1000, r: 8, p: 1 }));
    assert.equal(await verifyPassword('pw', await hashPassword('pw')), true);
  });

  it('an unknown scheme never verifies', async () => {
    assert.equal(await verifyPassword('pw', 'md5$abc'), false);
  });

  it('a process that hashed a password exits by itself', () => {
    const module = resolve(import.meta.dirname, 'passwords.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `const { hashPassword } = await import(${JSON.stringify(module)}); console.log((await hashPassword('x')).split('$')[0]);`], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'scrypt');
  });
});
