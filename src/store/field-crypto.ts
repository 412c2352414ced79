// Per-field encryption of the requester's personal data at rest, and the keyed hash that phone
// lookups go through. A sealed value is `enc:<tag>:<keyId>:<base64(iv | tag | ciphertext)>`, where
// the tag names the cipher (`v1` AES-256-GCM, `s1` SM4-GCM): every value says which key and cipher
// opened it, so older keys keep reading after a rotation and the cipher can be changed later.
import { createCipheriv, createDecipheriv, createHmac, getCiphers, hkdfSync, randomBytes, type CipherGCMTypes } from 'node:crypto';

export type FieldCipher = 'aes-256-gcm' | 'sm4-gcm';

interface CipherSpec {
  tag: string;
  keyBytes: number;
}

const CIPHERS: Record<FieldCipher, CipherSpec> = {
  'aes-256-gcm': { tag: 'v1', keyBytes: 32 },
  'sm4-gcm': { tag: 's1', keyBytes: 16 },
};
const CIPHER_OF_TAG = new Map(Object.entries(CIPHERS).map(([name, spec]) => [spec.tag, name as FieldCipher]));
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^enc:([a-z0-9]+):([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/]+={0,2})$/;
export const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

// IVs are drawn from the CSPRNG 256 at a time: one call per value cost as much as the cipher itself
// when the switches' events are sealed by the thousand. The pool is replaced, never reused.
const IV_POOL = 256;
let ivPool = Buffer.alloc(0);
let ivAt = 0;
function freshIv(): Buffer {
  if (ivAt + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_BYTES * IV_POOL);
    ivAt = 0;
  }
  ivAt += IV_BYTES;
  return ivPool.subarray(ivAt - IV_BYTES, ivAt);
}

/** The keys a store's fields are sealed with: key id → 32 bytes, the current id, the lookup key. */
export interface FieldKeys {
  current: string;
  keys: Map<string, Buffer>;
  lookupKey: Buffer;
  cipher: FieldCipher;
}

export class FieldCryptoError extends Error {}

/** Whether this Node's OpenSSL offers `cipher` (SM4-GCM is absent from many builds). */
export function cipherAvailable(cipher: FieldCipher): boolean {
  return getCiphers().includes(cipher);
}

export function checkFieldKeys(k: FieldKeys): FieldKeys {
  if (!CIPHERS[k.cipher]) throw new FieldCryptoError(`未知的字段加密算法「${k.cipher}」（可选 aes-256-gcm、sm4-gcm）`);
  if (!cipherAvailable(k.cipher)) throw new FieldCryptoError(`本机 Node.js（OpenSSL ${process.versions.openssl}）不提供 ${k.cipher}，请改用 aes-256-gcm`);
  if (!k.keys.has(k.current)) throw new FieldCryptoError(`当前密钥「${k.current}」不在密钥表中`);
  for (const [id, key] of k.keys) {
    if (!KEY_ID.test(id)) throw new FieldCryptoError(`密钥编号「${id}」无效（字母、数字、_、-，至多 32 个）`);
    if (key.length !== 32) throw new FieldCryptoError(`密钥「${id}」须为 32 字节（base64 编码）`);
  }
  if (k.lookupKey.length < 32) throw new FieldCryptoError('查找用的 HMAC 密钥须至少 32 字节');
  return k;
}

export class FieldCrypto {
  private keys: FieldKeys;
  /** Derived per-cipher keys, so SM4's 16-byte key is not a prefix of the AES key. */
  private readonly derived = new Map<string, Buffer>();

  /** `reload` re-reads the key source when a value names a key this process has not seen (a rotation by another process). */
  constructor(keys: FieldKeys, private readonly reload?: () => FieldKeys) {
    this.keys = checkFieldKeys(keys);
  }

  get currentKeyId(): string {
    return this.keys.current;
  }

  get cipher(): FieldCipher {
    return this.keys.cipher;
  }

  keyIds(): string[] {
    return [...this.keys.keys.keys()];
  }

  /** Swaps in a new keyring (after `hotline keys rotate`); old ciphertexts stay readable while their key is kept. */
  replaceKeys(keys: FieldKeys): void {
    this.keys = checkFieldKeys(keys);
    this.derived.clear();
  }

  private cipherKey(cipher: FieldCipher, keyId: string): Buffer {
    const cacheKey = `${cipher}:${keyId}`;
    let key = this.derived.get(cacheKey);
    if (!key) {
      let raw = this.keys.keys.get(keyId);
      if (!raw && this.reload) {
        this.replaceKeys(this.reload());
        raw = this.keys.keys.get(keyId);
      }
      if (!raw) throw new FieldCryptoError(`密文使用的密钥「${keyId}」不在密钥表中`);
      key = cipher === 'aes-256-gcm' ? raw : Buffer.from(hkdfSync('sha256', raw, Buffer.alloc(0), `hotline-field-${cipher}`, CIPHERS[cipher].keyBytes));
      this.derived.set(cacheKey, key);
    }
    return key;
  }

  /** The sealed form of `value` under the current key; null and undefined stay null. */
  seal(value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    const { cipher, current } = this.keys;
    const iv = freshIv();
    const c = createCipheriv(cipher as CipherGCMTypes, this.cipherKey(cipher, current), iv, { authTagLength: TAG_BYTES });
    const body = Buffer.concat([c.update(value, 'utf8'), c.final()]);
    return `enc:${CIPHERS[cipher].tag}:${current}:${Buffer.concat([iv, c.getAuthTag(), body]).toString('base64')}`;
  }

  /** The plaintext of a sealed value; throws FieldCryptoError when it was altered or its key is unknown. */
  open(text: string): string {
    const m = SEALED.exec(text);
    if (!m) throw new FieldCryptoError('不是加密字段');
    const cipher = CIPHER_OF_TAG.get(m[1]!);
    if (!cipher) throw new FieldCryptoError(`未知的加密格式「${m[1]}」`);
    const raw = Buffer.from(m[3]!, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new FieldCryptoError('密文过短');
    const d = createDecipheriv(cipher as CipherGCMTypes, this.cipherKey(cipher, m[2]!), raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    d.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([d.update(raw.subarray(IV_BYTES + TAG_BYTES)), d.final()]).toString('utf8');
    } catch {
      throw new FieldCryptoError(`密文校验失败（密钥「${m[2]}」）：数据被改动或密钥不符`);
    }
  }

  /** The key id a sealed value names, or null for anything else (plaintext, null). */
  keyIdOf(text: string | null | undefined): string | null {
    if (typeof text !== 'string') return null;
    const m = SEALED.exec(text);
    return m && CIPHER_OF_TAG.has(m[1]!) ? m[2]! : null;
  }

  /** HMAC-SHA256 of the normalized phone under the lookup key (hex); null for no phone. */
  phoneLookupHash(phone: string | null | undefined): string | null {
    const normalized = normalizePhone(phone);
    if (!normalized) return null;
    return createHmac('sha256', this.keys.lookupKey).update(normalized, 'utf8').digest('hex');
  }
}

/** The form a phone is stored and matched in: without spaces and dashes. */
export function normalizePhone(phone: string | null | undefined): string | null {
  const p = phone?.replace(/[\s-]/g, '');
  return p ? p : null;
}

/** Whether `text` has the shape of a sealed value (it may still fail to open). */
export function looksSealed(text: unknown): text is string {
  return typeof text === 'string' && text.startsWith('enc:') && SEALED.test(text);
}

export function newFieldKey(): Buffer {
  return randomBytes(32);
}
