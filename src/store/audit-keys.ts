// The keys of the audit chain's HMAC (src/audit/chain.ts), kept where the field keys are and never in
// the database: the `audit` part of `hotline.keys`, or HOTLINE_AUDIT_KEYS=`2:<base64>,1:<base64>`
// (the first is current) beside HOTLINE_FIELD_KEYS. Each event records the id of the key that chained
// it, so a rotation applies from the next event on and older events keep verifying with their key:
// audit keys are never dropped. The keyring travels with the store's Kysely instance as a plugin
// that changes nothing, so every transaction of the store can find it.
import { createHash, createHmac } from 'node:crypto';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { FieldCryptoError, KEY_ID } from './field-crypto.ts';

export interface AuditKeys {
  current: string;
  keys: Map<string, Buffer>;
}

export function checkAuditKeys(k: AuditKeys): AuditKeys {
  if (!k.keys.has(k.current)) throw new FieldCryptoError(`审计链当前密钥「${k.current}」不在密钥表中`);
  for (const [id, key] of k.keys) {
    if (!KEY_ID.test(id)) throw new FieldCryptoError(`审计链密钥编号「${id}」无效（字母、数字、_、-，至多 32 个）`);
    if (key.length !== 32) throw new FieldCryptoError(`审计链密钥「${id}」须为 32 字节（base64 编码）`);
  }
  return k;
}

/** HOTLINE_AUDIT_KEYS=`2:<base64>,1:<base64>` (the first is current); null when unset. */
export function auditKeysFromEnv(env: NodeJS.ProcessEnv = process.env): AuditKeys | null {
  const list = env.HOTLINE_AUDIT_KEYS?.trim();
  if (!list) return null;
  const keys = new Map<string, Buffer>();
  let current: string | undefined;
  for (const item of list.split(',')) {
    const at = item.indexOf(':');
    const id = item.slice(0, at).trim();
    const b64 = item.slice(at + 1).trim();
    if (at < 1 || !KEY_ID.test(id) || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new FieldCryptoError('HOTLINE_AUDIT_KEYS 的格式为 编号:base64密钥,编号:base64密钥（第一个为当前密钥）');
    if (keys.has(id)) throw new FieldCryptoError(`HOTLINE_AUDIT_KEYS 中密钥编号「${id}」重复`);
    keys.set(id, Buffer.from(b64, 'base64'));
    current ??= id;
  }
  return checkAuditKeys({ current: current!, keys });
}

/** The keyring a store chains and verifies with. `reload` re-reads the source for a key id it does not know (a rotation by another process). */
export class AuditKeyring {
  private keys: AuditKeys;
  /** Per key: HMAC's inner and outer padded keys, what PostgreSQL's append needs (hex). */
  private readonly pads = new Map<string, string>();

  constructor(keys: AuditKeys, private readonly reload?: () => AuditKeys) {
    this.keys = checkAuditKeys(keys);
  }

  get currentKeyId(): string {
    return this.keys.current;
  }

  keyIds(): string[] {
    return [...this.keys.keys.keys()];
  }

  has(id: string): boolean {
    return this.key(id) !== undefined;
  }

  private key(id: string): Buffer | undefined {
    let key = this.keys.keys.get(id);
    if (!key && this.reload) {
      try {
        this.keys = checkAuditKeys(this.reload());
      } catch {
        return undefined;
      }
      key = this.keys.keys.get(id);
    }
    return key;
  }

  /** HMAC-SHA-256 under key `id` of `prev + "\n" + content`, hex; null when the key is unknown. */
  mac(id: string, prev: string, content: string): string | null {
    const key = this.key(id);
    if (!key) return null;
    return createHmac('sha256', key).update(prev).update('\n').update(content).digest('hex');
  }

  /**
   * `<id>:<hex(K ^ ipad)>:<hex(K ^ opad)>` for the current key: HMAC is SHA-256(K^opad || SHA-256(K^ipad || m)),
   * which PostgreSQL computes with its built-in sha256() (no extension needed).
   */
  currentPads(): string {
    const id = this.keys.current;
    let pads = this.pads.get(id);
    if (!pads) {
      const block = Buffer.alloc(64);
      this.keys.keys.get(id)!.copy(block);
      const xor = (b: number) => Buffer.from(block.map((x) => x ^ b)).toString('hex');
      pads = `${id}:${xor(0x36)}:${xor(0x5c)}`;
      this.pads.set(id, pads);
    }
    return pads;
  }
}

/** Unkeyed SHA-256 of the chain before keying (events archived before it, see chain.ts). */
export function sha256Link(prev: string, content: string): string {
  return createHash('sha256').update(prev).update('\n').update(content).digest('hex');
}

/** Carries the keyring on the store's Kysely instance and its transactions; transforms nothing. */
export class AuditKeyPlugin implements KyselyPlugin {
  constructor(readonly keyring: AuditKeyring) {}
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    return node;
  }
  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}

interface HasExecutor {
  getExecutor(): { plugins: ReadonlyArray<KyselyPlugin> };
}

/** The audit keyring of a store's Kysely instance or transaction. */
export function auditKeyringOf(db: HasExecutor): AuditKeyring {
  const plugin = db.getExecutor().plugins.find((p): p is AuditKeyPlugin => p instanceof AuditKeyPlugin);
  if (!plugin) throw new FieldCryptoError('审计链密钥未载入（数据库须经 openStore 打开）');
  return plugin.keyring;
}
