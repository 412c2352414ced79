// Where the field keys come from: the environment (HOTLINE_FIELD_KEYS, HOTLINE_LOOKUP_KEY) when set,
// else a key file in the data directory, created with mode 0600 on first start so that a plain
// `npm install && npm start` works. Nothing here logs or prints key material.
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hkdfSync, randomBytes } from 'node:crypto';
import { FieldCrypto, FieldCryptoError, KEY_ID, checkFieldKeys, newFieldKey, type FieldCipher, type FieldKeys } from './field-crypto.ts';
import { AuditKeyring, auditKeysFromEnv, checkAuditKeys, type AuditKeys } from './audit-keys.ts';

export const KEY_FILE_NAME = 'hotline.keys';

export type KeySource = { kind: 'env' } | { kind: 'file'; path: string } | { kind: 'memory' };

interface KeyFileJson {
  version: 1;
  cipher: FieldCipher;
  current: string;
  keys: Record<string, string>;
  lookup: string;
  /** The audit chain's keys added by rotation (the derived key DERIVED_AUDIT_KEY is implied). */
  audit?: { current: string; keys: Record<string, string> };
}

/**
 * The audit chain's first key: derived from the lookup key (HKDF-SHA-256), so every store, whether
 * its keys are in the file or in the environment, has one outside the database without a new setting.
 * `hotline keys rotate` adds random ones.
 */
export const DERIVED_AUDIT_KEY = 'L';

function derivedAuditKey(lookupKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', lookupKey, Buffer.alloc(0), 'hotline-audit-chain', 32));
}

function cipherFromEnv(env: NodeJS.ProcessEnv): FieldCipher | undefined {
  const c = env.HOTLINE_FIELD_CIPHER?.trim().toLowerCase();
  return c ? (c as FieldCipher) : undefined;
}

function base64Key(text: string, what: string): Buffer {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(t)) throw new FieldCryptoError(`${what} 须为 base64 编码`);
  return Buffer.from(t, 'base64');
}

/** HOTLINE_FIELD_KEYS=`2:<base64>,1:<base64>` (the first is current) and HOTLINE_LOOKUP_KEY=`<base64>`; null when neither is set. */
export function fieldKeysFromEnv(env: NodeJS.ProcessEnv = process.env): FieldKeys | null {
  const list = env.HOTLINE_FIELD_KEYS?.trim();
  const lookup = env.HOTLINE_LOOKUP_KEY?.trim();
  if (!list && !lookup) return null;
  if (!list) throw new FieldCryptoError('设置了 HOTLINE_LOOKUP_KEY 却未设置 HOTLINE_FIELD_KEYS');
  if (!lookup) throw new FieldCryptoError('设置了 HOTLINE_FIELD_KEYS 却未设置 HOTLINE_LOOKUP_KEY（电话查找用的 HMAC 密钥）');
  const keys = new Map<string, Buffer>();
  let current: string | undefined;
  for (const item of list.split(',')) {
    const at = item.indexOf(':');
    const id = item.slice(0, at).trim();
    if (at < 1 || !KEY_ID.test(id)) throw new FieldCryptoError('HOTLINE_FIELD_KEYS 的格式为 编号:base64密钥,编号:base64密钥（第一个为当前密钥）');
    if (keys.has(id)) throw new FieldCryptoError(`HOTLINE_FIELD_KEYS 中密钥编号「${id}」重复`);
    keys.set(id, base64Key(item.slice(at + 1), `HOTLINE_FIELD_KEYS 中密钥「${id}」`));
    current ??= id;
  }
  return checkFieldKeys({ current: current!, keys, lookupKey: base64Key(lookup, 'HOTLINE_LOOKUP_KEY'), cipher: cipherFromEnv(env) ?? 'aes-256-gcm' });
}

function toJson(k: FieldKeys, audit?: KeyFileJson['audit']): string {
  const body: KeyFileJson = { version: 1, cipher: k.cipher, current: k.current, keys: Object.fromEntries([...k.keys].map(([id, key]) => [id, key.toString('base64')])), lookup: k.lookupKey.toString('base64') };
  if (audit) body.audit = audit;
  return `${JSON.stringify(body, null, 2)}\n`;
}

function readKeyFileJson(path: string): KeyFileJson {
  let body: KeyFileJson;
  try {
    body = JSON.parse(readFileSync(path, 'utf8')) as KeyFileJson;
  } catch (err) {
    throw new FieldCryptoError(`无法读取密钥文件 ${path}：${(err as Error).message.split('\n')[0]}`);
  }
  if (body?.version !== 1 || typeof body.keys !== 'object' || typeof body.lookup !== 'string') throw new FieldCryptoError(`密钥文件 ${path} 格式不对`);
  return body;
}

export function readKeyFile(path: string, env: NodeJS.ProcessEnv = process.env): FieldKeys {
  const body = readKeyFileJson(path);
  const keys = new Map(Object.entries(body.keys).map(([id, b64]) => [id, base64Key(String(b64), `密钥文件中密钥「${id}」`)] as const));
  return checkFieldKeys({ current: String(body.current), keys, lookupKey: base64Key(body.lookup, '密钥文件中的查找密钥'), cipher: cipherFromEnv(env) ?? body.cipher ?? 'aes-256-gcm' });
}

function writeFileDurably(path: string, text: string, flag: 'wx'): void {
  const fd = openSync(path, flag, 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces the key file in one step (a reader sees the old file or the new one, never half of one); keeps its audit keys unless given. */
export function writeKeyFile(path: string, keys: FieldKeys, audit?: KeyFileJson['audit']): void {
  const kept = audit ?? (existsSync(path) ? readKeyFileJson(path).audit : undefined);
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileDurably(tmp, toJson(checkFieldKeys(keys), kept), 'wx');
  renameSync(tmp, path);
}

/** The key file's keys; creates the file with fresh keys when there is none (processes racing to create it agree on one). */
export function ensureKeyFile(path: string, env: NodeJS.ProcessEnv = process.env): FieldKeys {
  if (existsSync(path)) return readKeyFile(path, env);
  // The data directory holds the store, its keys and the SMS log: the owner's alone.
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fresh: FieldKeys = { current: '1', keys: new Map([['1', newFieldKey()]]), lookupKey: newFieldKey(), cipher: cipherFromEnv(env) ?? 'aes-256-gcm' };
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileDurably(tmp, toJson(checkFieldKeys(fresh)), 'wx');
  try {
    // link() fails when the file exists: the first process to get there wins, the others read its keys.
    linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  return readKeyFile(path, env);
}

export interface KeyLocation {
  /** The SQLite file, when the store is SQLite (':memory:' keeps its keys in memory). */
  sqliteFile?: string;
  /** The data directory: where the key file is for PostgreSQL. */
  dataDir?: string;
}

/** Where this store's keys come from: env first, else `hotline.keys` beside the SQLite file or in the data directory. */
export function keySourceFor(location: KeyLocation, env: NodeJS.ProcessEnv = process.env): KeySource {
  if (env.HOTLINE_FIELD_KEYS || env.HOTLINE_LOOKUP_KEY || env.HOTLINE_AUDIT_KEYS) return { kind: 'env' };
  if (location.sqliteFile === ':memory:') return { kind: 'memory' };
  const dir = location.sqliteFile ? dirname(location.sqliteFile) : (location.dataDir ?? (env.HOTLINE_DATA_DIR || './data'));
  return { kind: 'file', path: join(dir, KEY_FILE_NAME) };
}

export function loadKeys(source: KeySource, env: NodeJS.ProcessEnv = process.env): FieldKeys {
  if (source.kind === 'env') {
    const keys = fieldKeysFromEnv(env);
    if (!keys) throw new FieldCryptoError('设置了 HOTLINE_AUDIT_KEYS 却未设置 HOTLINE_FIELD_KEYS / HOTLINE_LOOKUP_KEY');
    return keys;
  }
  if (source.kind === 'file') return ensureKeyFile(source.path, env);
  return { current: '1', keys: new Map([['1', newFieldKey()]]), lookupKey: newFieldKey(), cipher: cipherFromEnv(env) ?? 'aes-256-gcm' };
}

/** The store's FieldCrypto; a file-backed one re-reads its file when it meets a key it does not know. */
export function openFieldCrypto(source: KeySource, env: NodeJS.ProcessEnv = process.env, keys: FieldKeys = loadKeys(source, env)): FieldCrypto {
  return new FieldCrypto(keys, source.kind === 'file' ? () => readKeyFile(source.path, env) : undefined);
}

/** The audit chain's keys: the derived one plus those of the file's `audit` part or HOTLINE_AUDIT_KEYS. */
function auditKeys(lookupKey: Buffer, extra: AuditKeys | null): AuditKeys {
  const keys = new Map<string, Buffer>([[DERIVED_AUDIT_KEY, derivedAuditKey(lookupKey)]]);
  for (const [id, key] of extra?.keys ?? []) {
    if (id === DERIVED_AUDIT_KEY) throw new FieldCryptoError(`审计链密钥编号「${DERIVED_AUDIT_KEY}」留给由查找密钥派生的密钥`);
    keys.set(id, key);
  }
  return checkAuditKeys({ current: extra?.current ?? DERIVED_AUDIT_KEY, keys });
}

function auditKeysOfFile(path: string, env: NodeJS.ProcessEnv): AuditKeys {
  const body = readKeyFileJson(path);
  const lookup = readKeyFile(path, env).lookupKey;
  if (!body.audit) return auditKeys(lookup, null);
  const extra = new Map(Object.entries(body.audit.keys ?? {}).map(([id, b64]) => [id, Buffer.from(String(b64), 'base64')] as const));
  const current = String(body.audit.current);
  return auditKeys(lookup, { current, keys: extra });
}

export function loadAuditKeys(source: KeySource, fieldKeys: FieldKeys, env: NodeJS.ProcessEnv = process.env): AuditKeys {
  if (source.kind === 'env') return auditKeys(fieldKeys.lookupKey, auditKeysFromEnv(env));
  if (source.kind === 'file') return auditKeysOfFile(source.path, env);
  return auditKeys(fieldKeys.lookupKey, null);
}

/** The store's audit keyring; a file-backed one re-reads its file when it meets a key id it does not know. */
export function openAuditKeyring(source: KeySource, fieldKeys: FieldKeys, env: NodeJS.ProcessEnv = process.env): AuditKeyring {
  return new AuditKeyring(loadAuditKeys(source, fieldKeys, env), source.kind === 'file' ? () => auditKeysOfFile(source.path, env) : undefined);
}

function nextId(taken: Iterable<string>): string {
  const ids = new Set(taken);
  const numeric = [...ids].map(Number).filter(Number.isInteger);
  let id = String((numeric.length ? Math.max(...numeric) : 0) + 1);
  while (ids.has(id)) id = `${id}a`;
  return id;
}

/**
 * Adds a new field key and a new audit chain key to the key file and makes both current; returns the
 * field key's id. Old keys stay, so old values still open and older audit events still verify.
 */
export function rotateKeyFile(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return rotateKeys(path, env).field;
}

export function rotateKeys(path: string, env: NodeJS.ProcessEnv = process.env): { field: string; audit: string } {
  const k = readKeyFile(path, env);
  const id = nextId(k.keys.keys());
  const keys = new Map([[id, newFieldKey()], ...k.keys]);
  const audit = readKeyFileJson(path).audit ?? { current: DERIVED_AUDIT_KEY, keys: {} };
  const auditId = nextId(Object.keys(audit.keys));
  writeKeyFile(path, { ...k, current: id, keys }, { current: auditId, keys: { [auditId]: newFieldKey().toString('base64'), ...audit.keys } });
  return { field: id, audit: auditId };
}
