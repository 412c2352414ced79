// Field encryption's rules, table by table: round trips, tampering and unknown keys refused,
// rotation keeping old values readable, the lookup hash stable and keyed, key sources parsed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FieldCrypto, FieldCryptoError, cipherAvailable, looksSealed, type FieldKeys } from './field-crypto.ts';
import { ensureKeyFile, fieldKeysFromEnv, keySourceFor, readKeyFile, rotateKeyFile } from './field-keys.ts';
import { FieldCryptoPlugin, SEALED_TABLES, sealTicketRow } from './field-crypto-plugin.ts';
import { Kysely, SqliteDialect, sql } from 'kysely';
import SQLite from 'better-sqlite3';

const K1 = Buffer.alloc(32, 1);
const K2 = Buffer.alloc(32, 2);
const LOOKUP = Buffer.alloc(32, 9);

function keys(current: string, entries: Array<[string, Buffer]>, lookupKey = LOOKUP): FieldKeys {
  return { current, keys: new Map(entries), lookupKey, cipher: 'aes-256-gcm' };
}

const one = new FieldCrypto(keys('1', [['1', K1]]));

describe('field crypto: round trip', () => {
  const cases: Array<[string, string]> = [
    ['a Chinese name', '张三'],
    ['a mobile number', '13812345678'],
    ['an ID number with X', '23010219900101123X'],
    ['an address with punctuation', '东安区新安街道光华小区3号楼2单元（西侧）'],
    ['the empty string', ''],
    ['text that looks sealed', 'enc:v1:1:AAAA'],
    ['emoji and extension B', '𠀀😀'],
  ];
  for (const [name, value] of cases) {
    it(name, () => {
      const sealed = one.seal(value)!;
      assert.match(sealed, /^enc:v1:1:[A-Za-z0-9+/]+=*$/);
      assert.ok(!sealed.includes(value) || value === '');
      assert.equal(one.open(sealed), value);
      assert.notEqual(one.seal(value), sealed, 'a fresh IV each time');
    });
  }
  it('null and undefined stay null', () => {
    assert.equal(one.seal(null), null);
    assert.equal(one.seal(undefined), null);
  });
});

describe('field crypto: refused', () => {
  const sealed = one.seal('13812345678')!;
  const body = Buffer.from(sealed.split(':')[3]!, 'base64');
  const flip = (at: number) => {
    const b = Buffer.from(body);
    b[at] = b[at]! ^ 1;
    return `enc:v1:1:${b.toString('base64')}`;
  };
  const cases: Array<[string, string, RegExp]> = [
    ['a flipped ciphertext byte', flip(body.length - 1), /校验失败/],
    ['a flipped tag byte', flip(12), /校验失败/],
    ['a flipped IV byte', flip(0), /校验失败/],
    ['a truncated value', `enc:v1:1:${body.subarray(0, 20).toString('base64')}`, /过短/],
    ['an unknown key id', sealed.replace('enc:v1:1:', 'enc:v1:7:'), /密钥「7」不在密钥表中/],
    ['the wrong key under a known id', new FieldCrypto(keys('1', [['1', K2]])).seal('13812345678')!, /校验失败/],
    ['an unknown cipher tag', sealed.replace('enc:v1:', 'enc:v9:'), /未知的加密格式/],
    ['plaintext', '13812345678', /不是加密字段/],
  ];
  for (const [name, text, message] of cases) {
    it(name, () => assert.throws(() => one.open(text), (err: Error) => err instanceof FieldCryptoError && message.test(err.message)));
  }
});

describe('field crypto: rotation', () => {
  it('a new current key seals new values; values under the old key still open; keyIdOf tells them apart', () => {
    const old = one.seal('王五')!;
    const rotated = new FieldCrypto(keys('2', [['2', K2], ['1', K1]]));
    const fresh = rotated.seal('王五')!;
    const rows: Array<[string, string, string]> = [
      ['old', old, '1'],
      ['new', fresh, '2'],
    ];
    for (const [, text, id] of rows) {
      assert.equal(rotated.keyIdOf(text), id);
      assert.equal(rotated.open(text), '王五');
    }
    assert.throws(() => one.open(fresh), /密钥「2」不在密钥表中/);
    assert.equal(rotated.keyIdOf('王五'), null);
    assert.equal(rotated.keyIdOf(null), null);
  });

  it('a file-backed keyring re-reads its file when it meets a key another process added', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-keys-'));
    try {
      const file = join(dir, 'hotline.keys');
      const reader = new FieldCrypto(ensureKeyFile(file, {}), () => readKeyFile(file, {}));
      const writer = new FieldCrypto(ensureKeyFile(file, {}));
      assert.equal(writer.currentKeyId, '1');
      assert.equal(rotateKeyFile(file, {}), '2');
      writer.replaceKeys(readKeyFile(file, {}));
      const sealed = writer.seal('李四')!;
      assert.equal(writer.keyIdOf(sealed), '2');
      assert.equal(reader.open(sealed), '李四');
      assert.deepEqual(reader.keyIds().sort(), ['1', '2']);
      assert.equal(rotateKeyFile(file, {}), '3');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('field crypto: phone lookup hash', () => {
  const other = new FieldCrypto(keys('1', [['1', K1]], Buffer.alloc(32, 8)));
  const rotated = new FieldCrypto(keys('2', [['2', K2], ['1', K1]]));
  const cases: Array<[string, string | null, string | null, boolean]> = [
    ['same number, same hash', '13812345678', '13812345678', true],
    ['spaces and dashes do not count', '138-1234 5678', '13812345678', true],
    ['another number differs', '13812345678', '13812345679', false],
  ];
  for (const [name, a, b, same] of cases) {
    it(name, () => assert.equal(one.phoneLookupHash(a) === one.phoneLookupHash(b), same));
  }
  it('is HMAC-SHA256 hex, keyed: another lookup key gives another hash; rotating the field keys does not change it', () => {
    const h = one.phoneLookupHash('13812345678')!;
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.notEqual(other.phoneLookupHash('13812345678'), h);
    assert.equal(rotated.phoneLookupHash('13812345678'), h);
    assert.equal(one.phoneLookupHash(null), null);
    assert.equal(one.phoneLookupHash(' '), null);
  });
});

describe('field keys: sources', () => {
  const b64 = (b: Buffer) => b.toString('base64');
  it('HOTLINE_FIELD_KEYS lists id:key pairs, the first current; HOTLINE_LOOKUP_KEY is the HMAC key', () => {
    const k = fieldKeysFromEnv({ HOTLINE_FIELD_KEYS: `2:${b64(K2)}, 1:${b64(K1)}`, HOTLINE_LOOKUP_KEY: b64(LOOKUP) })!;
    assert.equal(k.current, '2');
    assert.deepEqual([...k.keys.keys()], ['2', '1']);
    assert.equal(fieldKeysFromEnv({}), null);
  });
  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['field keys without a lookup key', { HOTLINE_FIELD_KEYS: `1:${b64(K1)}` }, /HOTLINE_LOOKUP_KEY/],
    ['a lookup key without field keys', { HOTLINE_LOOKUP_KEY: b64(LOOKUP) }, /HOTLINE_FIELD_KEYS/],
    ['a key of 16 bytes', { HOTLINE_FIELD_KEYS: `1:${b64(Buffer.alloc(16))}`, HOTLINE_LOOKUP_KEY: b64(LOOKUP) }, /32 字节/],
    ['no key id', { HOTLINE_FIELD_KEYS: b64(K1), HOTLINE_LOOKUP_KEY: b64(LOOKUP) }, /格式/],
    ['a repeated key id', { HOTLINE_FIELD_KEYS: `1:${b64(K1)},1:${b64(K2)}`, HOTLINE_LOOKUP_KEY: b64(LOOKUP) }, /重复/],
    ['a short lookup key', { HOTLINE_FIELD_KEYS: `1:${b64(K1)}`, HOTLINE_LOOKUP_KEY: b64(Buffer.alloc(8)) }, /至少 32 字节/],
    ['an unknown cipher', { HOTLINE_FIELD_KEYS: `1:${b64(K1)}`, HOTLINE_LOOKUP_KEY: b64(LOOKUP), HOTLINE_FIELD_CIPHER: 'des' }, /未知的字段加密算法/],
  ];
  for (const [name, env, message] of bad) {
    it(`refuses ${name}`, () => assert.throws(() => fieldKeysFromEnv(env), message));
  }
  it('SM4-GCM is used only where this Node offers it', () => {
    const env = { HOTLINE_FIELD_KEYS: `1:${b64(K1)}`, HOTLINE_LOOKUP_KEY: b64(LOOKUP), HOTLINE_FIELD_CIPHER: 'sm4-gcm' };
    if (!cipherAvailable('sm4-gcm')) {
      assert.throws(() => fieldKeysFromEnv(env), /不提供 sm4-gcm/);
      return;
    }
    const sm4 = new FieldCrypto(fieldKeysFromEnv(env)!);
    const sealed = sm4.seal('张三')!;
    assert.match(sealed, /^enc:s1:1:/);
    assert.equal(sm4.open(sealed), '张三');
  });
  it('the key file is made once with mode 0600, beside the SQLite file or in the data directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-keys-'));
    try {
      const source = keySourceFor({ sqliteFile: join(dir, 'x.sqlite') }, {});
      assert.deepEqual(source, { kind: 'file', path: join(dir, 'hotline.keys') });
      assert.deepEqual(keySourceFor({ dataDir: '/srv/hotline' }, {}), { kind: 'file', path: '/srv/hotline/hotline.keys' });
      assert.deepEqual(keySourceFor({ sqliteFile: ':memory:' }, {}), { kind: 'memory' });
      assert.deepEqual(keySourceFor({ sqliteFile: join(dir, 'x.sqlite') }, { HOTLINE_FIELD_KEYS: 'x' }), { kind: 'env' });
      const a = ensureKeyFile(join(dir, 'hotline.keys'), {});
      const b = ensureKeyFile(join(dir, 'hotline.keys'), {});
      assert.equal(statSync(join(dir, 'hotline.keys')).mode & 0o777, 0o600);
      assert.deepEqual(b.keys.get('1'), a.keys.get('1'));
      assert.deepEqual(b.lookupKey, a.lookupKey);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('field crypto plugin', () => {
  it('seals every write to the sealed columns, fills the hash, opens every read, and refuses SQL expressions', async () => {
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }), plugins: [new FieldCryptoPlugin(one)] });
    try {
      await db.schema.createTable('tickets').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('requester_name', 'text').addColumn('requester_phone', 'text').addColumn('requester_phone_hash', 'text').addColumn('requester_id_no', 'text').addColumn('address', 'text').addColumn('facts', 'text').execute();
      await db.insertInto('tickets').values([{ id: 1, requester_name: '张三', requester_phone: '13812345678', facts: '事实' }, { id: 2, requester_name: null, requester_phone: null, address: '某路1号', facts: 'enc:v1:1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }]).execute();
      await db.updateTable('tickets').set({ requester_phone: '13900000000', requester_id_no: '23010219900101123X' }).where('id', '=', 2).execute();
      const raw = await db.withoutPlugins().selectFrom('tickets').selectAll().orderBy('id').execute();
      for (const row of raw) for (const c of ['requester_name', 'requester_phone', 'requester_id_no', 'address']) assert.ok(row[c] === null || looksSealed(row[c]), `${c}: ${row[c]}`);
      assert.equal(raw[0]!.requester_phone_hash, one.phoneLookupHash('13812345678'));
      assert.equal(raw[1]!.requester_phone_hash, one.phoneLookupHash('13900000000'));
      const read = await db.selectFrom('tickets').selectAll().orderBy('id').execute();
      assert.deepEqual(
        read.map((r) => [r.requester_name, r.requester_phone, r.requester_id_no, r.address, r.facts]),
        [['张三', '13812345678', null, null, '事实'], [null, '13900000000', '23010219900101123X', '某路1号', 'enc:v1:1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']],
      );
      const { sql } = await import('kysely');
      await assert.rejects(async () => db.updateTable('tickets').set({ address: sql`upper(address)` }).execute(), /只能写入普通值/);
      const sealed = sealTicketRow(one, { requester_name: '李四', requester_phone: '13700000000', address: null });
      assert.equal(one.open(sealed.requester_name!), '李四');
      assert.equal(sealed.requester_phone_hash, one.phoneLookupHash('13700000000'));
    } finally {
      await db.destroy();
    }
  });
});

describe('field crypto plugin: every sealed table', () => {
  // Each table of SEALED_TABLES but tickets, as a small table with a unique key `k` for upserts and a
  // plain column `note`: what every kind of write leaves in the raw row, and what reads give back.
  const tables = (Object.keys(SEALED_TABLES) as Array<keyof typeof SEALED_TABLES>).filter((t) => t !== 'tickets');
  const valueFor = (table: string, n: number) => (table === 'call_events' ? JSON.stringify({ type: 'offered', caller: `1391234000${n}` }) : `1391234000${n}`);

  for (const table of tables) {
    const spec = SEALED_TABLES[table] as { columns: readonly string[]; hash?: { of: string; column: string } };
    const col = spec.columns[0]!;
    it(`${table}: insert, multi-row insert, update and upsert seal ${col}${spec.hash ? ` and fill ${spec.hash.column}` : ''}; SQL expressions are refused`, async () => {
      const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }), plugins: [new FieldCryptoPlugin(one)] });
      try {
        let create = db.schema.createTable(table).addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('k', 'text', (c) => c.unique()).addColumn('note', 'text').addColumn(col, 'text');
        if (spec.hash) create = create.addColumn(spec.hash.column, 'text');
        await create.execute();
        const rawRow = (k: string) => db.withoutPlugins().selectFrom(table).selectAll().where('k', '=', k).executeTakeFirstOrThrow() as Promise<Record<string, any>>;
        const expectSealed = async (k: string, plain: string | null) => {
          const row = await rawRow(k);
          if (plain === null) assert.equal(row[col], null, `${k}: null stays null`);
          else {
            assert.ok(looksSealed(row[col]), `${k}: ${col} sealed`);
            assert.equal(one.open(row[col]), plain);
          }
          if (spec.hash) assert.equal(row[spec.hash.column], one.phoneLookupHash(plain === null ? null : table === 'call_events' ? null : plain), `${k}: hash`);
          const read = await db.selectFrom(table).select(col).where('k', '=', k).executeTakeFirstOrThrow();
          assert.equal(read[col], plain, `${k}: read opened`);
        };

        const writes: Array<[string, () => Promise<unknown>, Array<[string, string | null]>]> = [
          ['one row', () => db.insertInto(table).values({ k: 'a', [col]: valueFor(table, 1), note: 'n' }).execute(), [['a', valueFor(table, 1)]]],
          // The second row leaves the column out: DEFAULT, null, with a null hash.
          ['several rows', () => db.insertInto(table).values([{ k: 'b', [col]: valueFor(table, 2) }, { k: 'c', note: 'x' }]).execute(), [['b', valueFor(table, 2)], ['c', null]]],
          ['an update', () => db.updateTable(table).set({ [col]: valueFor(table, 3), note: 'y' }).where('k', '=', 'c').execute(), [['c', valueFor(table, 3)]]],
          ['an update to null', () => db.updateTable(table).set({ [col]: null }).where('k', '=', 'b').execute(), [['b', null]]],
          [
            'an upsert from excluded',
            () => db.insertInto(table).values({ k: 'a', [col]: valueFor(table, 4) }).onConflict((oc) => oc.column('k').doUpdateSet((eb) => ({ [col]: eb.ref(`excluded.${col}`), note: eb.ref('excluded.note') }))).execute(),
            [['a', valueFor(table, 4)]],
          ],
          ['an upsert with a value', () => db.insertInto(table).values({ k: 'b', note: 'z' }).onConflict((oc) => oc.column('k').doUpdateSet({ [col]: valueFor(table, 5) })).execute(), [['b', valueFor(table, 5)]]],
          ['an upsert leaving the column alone', () => db.insertInto(table).values({ k: 'c', [col]: valueFor(table, 6) }).onConflict((oc) => oc.column('k').doUpdateSet({ note: 'w' })).execute(), [['c', valueFor(table, 3)]]],
        ];
        for (const [name, write, expected] of writes) {
          await write();
          for (const [k, plain] of expected) await expectSealed(k, plain).catch((err: Error) => assert.fail(`${name}: ${err.message}`));
        }
        if (spec.hash) {
          // A hash column written by hand is replaced by the hash of the value written with it.
          await db.updateTable(table).set({ [col]: valueFor(table, 7), [spec.hash.column]: 'forged' }).where('k', '=', 'a').execute();
          await expectSealed('a', valueFor(table, 7));
        }

        const refused: Array<[string, () => Promise<unknown>]> = [
          ['an update with an expression', () => db.updateTable(table).set({ [col]: sql`upper(${sql.ref(col)})` }).execute()],
          ['an update from another column', () => db.updateTable(table).set((eb) => ({ [col]: eb.ref('note') })).execute()],
          ['an insert of an expression', () => db.insertInto(table).values({ k: 'd', [col]: sql`'13900000000'` }).execute()],
          ['an upsert from another excluded column', () => db.insertInto(table).values({ k: 'a', note: '13900000000' }).onConflict((oc) => oc.column('k').doUpdateSet((eb) => ({ [col]: eb.ref('excluded.note') }))).execute()],
          ['an insert from a select', () => db.insertInto(table).columns(['k', col]).expression((eb) => eb.selectFrom(table).select(['note as k', 'note'])).execute()],
        ];
        for (const [name, write] of refused) await assert.rejects(write(), new RegExp(`${table}\\.${col} 只能写入普通值`), name);
        const dump = JSON.stringify(await db.withoutPlugins().selectFrom(table).selectAll().execute());
        assert.ok(!/1391234000\d/.test(dump), 'no number in clear');
      } finally {
        await db.destroy();
      }
    });
  }
});
