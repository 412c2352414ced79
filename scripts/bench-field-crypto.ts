// The cost of sealing, opening and hashing one field, beside node:crypto's bare AES-256-GCM:
// `node --import tsx scripts/bench-field-crypto.ts [count]`.
import { createCipheriv, randomBytes } from 'node:crypto';
import { FieldCrypto } from '../src/store/field-crypto.ts';

const N = Number(process.argv[2] ?? 100_000);
const crypto = new FieldCrypto({ current: '1', keys: new Map([['1', randomBytes(32)]]), lookupKey: randomBytes(32), cipher: 'aes-256-gcm' });
const perValue = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e3 / N;

let t = process.hrtime.bigint();
const sealed: string[] = [];
for (let i = 0; i < N; i++) sealed.push(crypto.seal(`东安区新安街道光华小区${i}号楼`)!);
const seal = perValue(t);
t = process.hrtime.bigint();
for (const s of sealed) crypto.open(s);
const open = perValue(t);
t = process.hrtime.bigint();
for (let i = 0; i < N; i++) crypto.phoneLookupHash(`138${String(i).padStart(8, '0')}`);
const hash = perValue(t);
const key = randomBytes(32);
t = process.hrtime.bigint();
for (let i = 0; i < N; i++) {
  const c = createCipheriv('aes-256-gcm', key, randomBytes(12));
  Buffer.concat([c.update(`东安区新安街道光华小区${i}号楼`, 'utf8'), c.final()]);
  c.getAuthTag();
}
const bare = perValue(t);
console.log(`${N} values: seal ${seal.toFixed(1)} µs, open ${open.toFixed(1)} µs, lookup hash ${hash.toFixed(1)} µs each; bare createCipheriv ${bare.toFixed(1)} µs`);
