// The audit chain's keys: HOTLINE_AUDIT_KEYS parsed like HOTLINE_FIELD_KEYS and refused in Chinese
// when malformed; the derived key L the same whether the lookup key comes from the file or the
// environment (so moving a store's keys to the environment keeps its chain verifying); a rotation
// adds a current key and keeps the older ones.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AuditKeyring, auditKeysFromEnv } from './audit-keys.ts';
import { DERIVED_AUDIT_KEY, ensureKeyFile, loadAuditKeys, readKeyFile, rotateKeys } from './field-keys.ts';

const b64 = (b: Buffer) => b.toString('base64');
const K1 = randomBytes(32);
const K2 = randomBytes(32);

describe('audit keys', () => {
  it('HOTLINE_AUDIT_KEYS lists id:key pairs, the first current', () => {
    const k = auditKeysFromEnv({ HOTLINE_AUDIT_KEYS: `2:${b64(K2)}, 1:${b64(K1)}` })!;
    assert.equal(k.current, '2');
    assert.deepEqual([...k.keys.keys()], ['2', '1']);
    assert.equal(auditKeysFromEnv({}), null);
  });

  for (const [name, value, message] of [
    ['no key id', b64(K1), /格式/],
    ['a repeated id', `1:${b64(K1)},1:${b64(K2)}`, /重复/],
    ['a short key', `1:${b64(randomBytes(16))}`, /32 字节/],
    ['not base64', '1:***', /格式/],
  ] as const) {
    it(`refuses ${name}`, () => assert.throws(() => auditKeysFromEnv({ HOTLINE_AUDIT_KEYS: value }), message));
  }

  it('the derived key is the same from the file and from the environment; a rotation adds a current key and keeps the old', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-audit-keys-'));
    try {
      const path = join(dir, 'hotline.keys');
      const field = ensureKeyFile(path, {});
      const fromFile = new AuditKeyring(loadAuditKeys({ kind: 'file', path }, field, {}));
      const env = { HOTLINE_FIELD_KEYS: `1:${b64(field.keys.get('1')!)}`, HOTLINE_LOOKUP_KEY: b64(field.lookupKey) };
      const fromEnv = new AuditKeyring(loadAuditKeys({ kind: 'env' }, field, env));
      assert.equal(fromFile.currentKeyId, DERIVED_AUDIT_KEY);
      assert.equal(fromFile.mac(DERIVED_AUDIT_KEY, 'p', 'c'), fromEnv.mac(DERIVED_AUDIT_KEY, 'p', 'c'));
      const { audit } = rotateKeys(path, {});
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const after = new AuditKeyring(loadAuditKeys({ kind: 'file', path }, readKeyFile(path, {}), {}));
      assert.equal(after.currentKeyId, audit);
      assert.deepEqual(after.keyIds().sort(), [DERIVED_AUDIT_KEY, audit].sort());
      assert.equal(after.mac(DERIVED_AUDIT_KEY, 'p', 'c'), fromFile.mac(DERIVED_AUDIT_KEY, 'p', 'c'));
      assert.notEqual(after.mac(audit, 'p', 'c'), after.mac(DERIVED_AUDIT_KEY, 'p', 'c'));
      // The env form of the rotated keys: the new one first.
      const json = JSON.parse(readFileSync(path, 'utf8'));
      const viaEnv = new AuditKeyring(loadAuditKeys({ kind: 'env' }, field, { ...env, HOTLINE_AUDIT_KEYS: `${audit}:${json.audit.keys[audit]}` }));
      assert.equal(viaEnv.currentKeyId, audit);
      assert.equal(viaEnv.mac(audit, 'p', 'c'), after.mac(audit, 'p', 'c'));
      // The padded keys PostgreSQL gets name the current key.
      assert.match(after.currentPads(), new RegExp(`^${audit}:[0-9a-f]{128}:[0-9a-f]{128}$`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
