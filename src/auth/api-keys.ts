// API keys of external systems (Open311 clients, the provincial/national platform): a second way in,
// separate from the staff sessions of src/auth. A key is shown once when created or rotated; the
// store keeps only its SHA-256 (keys are 32 random bytes, so a plain hash is enough) and a short
// prefix to tell keys apart. Keys are never logged: request logs drop query strings, and bodies are
// not logged at all.
import { createHash, randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import type { ApiKeyTable } from '../store/schema.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { Problem, conflict, forbidden, invalid, notFound } from '../server/problem.ts';
import { formatShanghai } from '../domain/deadline.ts';

export const SCOPES = ['open311:read', 'open311:write', 'transfer:read', 'transfer:write', 'events:read', 'cti:events', 'messages:write'] as const;
export type Scope = (typeof SCOPES)[number];

export const SCOPE_LABELS: Record<Scope, string> = {
  'open311:read': 'Open311 查询诉求',
  'open311:write': 'Open311 提交诉求',
  'transfer:read': '省/国家平台转办工单查询',
  'transfer:write': '省/国家平台转办工单推送',
  'events:read': '工单事件订阅',
  'cti:events': '交换机话务事件推送（CTI）',
  'messages:write': '短信与网络留言推送',
};

export const DEFAULT_RATE_PER_MINUTE = 60;
const KEY_PREFIX = 'mdj_';

export type ApiKeyRow = Selectable<ApiKeyTable>;

export interface ApiKeyInfo {
  id: number;
  name: string;
  prefix: string;
  scopes: Scope[];
  ratePerMinute: number;
  createdAt: string;
  rotatedAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  active: boolean;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function newKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

const at = (iso: string | null) => (iso ? formatShanghai(iso) : null);

export function keyInfo(row: ApiKeyRow): ApiKeyInfo {
  return {
    id: Number(row.id),
    name: row.name,
    prefix: row.key_prefix,
    scopes: row.scopes.split(',').filter(Boolean) as Scope[],
    ratePerMinute: row.rate_per_minute,
    createdAt: at(row.created_at)!,
    rotatedAt: at(row.rotated_at),
    revokedAt: at(row.revoked_at),
    lastUsedAt: at(row.last_used_at),
    active: !row.revoked_at,
  };
}

/** Checks a scope list given as text or array; unknown scopes are refused by name. */
export function parseScopes(input: string | string[] | undefined, field = 'scopes'): Scope[] {
  const list = (Array.isArray(input) ? input : (input ?? '').split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (!list.length) throw invalid(field, `须至少给出一个权限范围（${SCOPES.join('、')}）`);
  for (const s of list) if (!SCOPES.includes(s as Scope)) throw invalid(field, `权限范围「${s}」不存在，可选：${SCOPES.join('、')}`);
  return [...new Set(list)] as Scope[];
}

export function parseRate(input: number | string | undefined, field = 'ratePerMinute'): number {
  if (input === undefined || input === '') return DEFAULT_RATE_PER_MINUTE;
  const n = Number(input);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw invalid(field, '每分钟请求上限须为 1 至 100000 的整数');
  return n;
}

export interface CreateKeyInput {
  name: string;
  scopes: Scope[];
  ratePerMinute?: number;
}

export async function createApiKey(ctx: AppContext, actor: Actor | null, input: CreateKeyInput): Promise<{ key: string; info: ApiKeyInfo }> {
  const name = input.name.trim();
  if (!name || name.length > 100) throw invalid('name', '系统名称须为 1 至 100 个字符');
  const key = newKey();
  const now = ctx.clock.now();
  return inTransaction(ctx.store.db, async (tx) => {
    const existing = await tx.selectFrom('api_keys').select('id').where('name', '=', name).executeTakeFirst();
    if (existing) throw conflict(`名称为「${name}」的 API 密钥已存在`);
    const row = await tx
      .insertInto('api_keys')
      .values({
        name,
        key_hash: hashKey(key),
        key_prefix: key.slice(0, KEY_PREFIX.length + 6),
        scopes: input.scopes.join(','),
        rate_per_minute: input.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE,
        created_at: now,
        rotated_at: null,
        revoked_at: null,
        last_used_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeEvent(tx, actor, now, { action: 'apikey_create', detail: { name, scopes: input.scopes, ratePerMinute: row.rate_per_minute } });
    return { key, info: keyInfo(row) };
  });
}

async function findKey(ctx: AppContext, idOrName: string | number): Promise<ApiKeyRow> {
  const text = String(idOrName);
  const row = await ctx.store.db
    .selectFrom('api_keys')
    .selectAll()
    .where((eb) => (/^\d+$/.test(text) ? eb.or([eb('id', '=', Number(text)), eb('name', '=', text)]) : eb('name', '=', text)))
    .executeTakeFirst();
  if (!row) throw notFound(`API 密钥「${text}」不存在`);
  return row;
}

/** A new key for the same system; the old one stops working at once. */
export async function rotateApiKey(ctx: AppContext, actor: Actor | null, idOrName: string | number): Promise<{ key: string; info: ApiKeyInfo }> {
  const row = await findKey(ctx, idOrName);
  if (row.revoked_at) throw conflict(`API 密钥「${row.name}」已吊销，不能轮换`);
  const key = newKey();
  const now = ctx.clock.now();
  return inTransaction(ctx.store.db, async (tx) => {
    const updated = await tx
      .updateTable('api_keys')
      .set({ key_hash: hashKey(key), key_prefix: key.slice(0, KEY_PREFIX.length + 6), rotated_at: now })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeEvent(tx, actor, now, { action: 'apikey_rotate', detail: { name: row.name } });
    limiterOf(ctx).forget(Number(row.id));
    return { key, info: keyInfo(updated) };
  });
}

export async function revokeApiKey(ctx: AppContext, actor: Actor | null, idOrName: string | number): Promise<ApiKeyInfo> {
  const row = await findKey(ctx, idOrName);
  if (row.revoked_at) return keyInfo(row);
  const now = ctx.clock.now();
  return inTransaction(ctx.store.db, async (tx) => {
    const updated = await tx.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
    await writeEvent(tx, actor, now, { action: 'apikey_revoke', detail: { name: row.name } });
    return keyInfo(updated);
  });
}

export async function listApiKeys(ctx: AppContext): Promise<ApiKeyInfo[]> {
  const rows = await ctx.store.db.selectFrom('api_keys').selectAll().orderBy('id').execute();
  return rows.map(keyInfo);
}

export type KeyCheck =
  | { ok: true; key: ApiKeyRow }
  | { ok: false; reason: 'missing' | 'invalid' | 'revoked' | 'scope' | 'rate'; retryAfterSeconds?: number };

/**
 * Checks a presented key: known, not revoked, holding one of `scopes`, and within its rate.
 * The rate is a token bucket per key and per process (several processes each allow the full rate).
 */
export async function checkApiKey(ctx: AppContext, presented: string | undefined | null, scopes: Scope[]): Promise<KeyCheck> {
  if (!presented) return { ok: false, reason: 'missing' };
  const row = await ctx.store.db.selectFrom('api_keys').selectAll().where('key_hash', '=', hashKey(presented)).executeTakeFirst();
  if (!row) return { ok: false, reason: 'invalid' };
  if (row.revoked_at) return { ok: false, reason: 'revoked' };
  const held = row.scopes.split(',');
  if (!scopes.some((s) => held.includes(s))) return { ok: false, reason: 'scope' };
  const now = Date.parse(ctx.clock.now());
  const wait = limiterOf(ctx).take(Number(row.id), row.rate_per_minute, now);
  if (wait > 0) return { ok: false, reason: 'rate', retryAfterSeconds: Math.ceil(wait / 1000) };
  // Last use to the minute: one write per key and minute at most.
  if (!row.last_used_at || now - Date.parse(row.last_used_at) > 60_000) {
    await ctx.store.db.updateTable('api_keys').set({ last_used_at: new Date(now).toISOString() }).where('id', '=', row.id).execute();
  }
  return { ok: true, key: row };
}

export const KEY_REFUSALS: Record<Exclude<KeyCheck, { ok: true }>['reason'], string> = {
  missing: '缺少 api_key：请提供外部系统的 API 密钥',
  invalid: 'api_key 无效',
  revoked: 'api_key 已吊销',
  scope: 'api_key 无权访问此接口',
  rate: '请求过于频繁，已超过该 API 密钥每分钟请求上限，请稍后重试',
};

/** A token bucket per key: capacity = the per-minute rate, refilled continuously. */
class RateLimiter {
  private buckets = new Map<number, { tokens: number; at: number; rate: number }>();

  /** Takes one token; returns 0, or the milliseconds until one is available. */
  take(keyId: number, ratePerMinute: number, nowMs: number): number {
    let b = this.buckets.get(keyId);
    if (!b || b.rate !== ratePerMinute) {
      b = { tokens: ratePerMinute, at: nowMs, rate: ratePerMinute };
      this.buckets.set(keyId, b);
    }
    const perMs = ratePerMinute / 60_000;
    b.tokens = Math.min(ratePerMinute, b.tokens + Math.max(0, nowMs - b.at) * perMs);
    b.at = Math.max(b.at, nowMs);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / perMs);
  }

  forget(keyId: number): void {
    this.buckets.delete(keyId);
  }
}

/** One limiter per running application (each test app, each server process). */
const limiters = new WeakMap<AppContext, RateLimiter>();
function limiterOf(ctx: AppContext): RateLimiter {
  let l = limiters.get(ctx);
  if (!l) limiters.set(ctx, (l = new RateLimiter()));
  return l;
}

/** Where a request presents its key: the `X-API-Key` header, or Open311's `api_key` parameter. */
export function presentedKey(headers: Record<string, unknown>, query: unknown, body: unknown): string | null {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header.trim()) return header.trim();
  for (const source of [body, query]) {
    if (source && typeof source === 'object') {
      const v = (source as Record<string, unknown>).api_key;
      if (typeof v === 'string' && v.trim()) return v.trim();
    }
  }
  return null;
}

/** The actor an external system acts as in audit events and intake (no user row behind it). */
export function keyActor(key: ApiKeyRow): Actor {
  return { userId: 0, username: `apikey:${key.name}`, displayName: key.name, role: 'agent', unitId: null, unitScope: null };
}

/**
 * The change feed's hook (registerApiKeyScopeResolver in src/interop/feed-routes.ts): the scopes of
 * the key a request presents, null when it presents none; a wrong or revoked key is refused here,
 * and a key over its rate gets 429.
 */
export function apiKeyScopeResolver(ctx: AppContext) {
  return async (request: { headers: Record<string, unknown>; query: unknown }): Promise<readonly string[] | null> => {
    const presented = presentedKey(request.headers, request.query, undefined);
    if (!presented) return null;
    const check = await checkApiKey(ctx, presented, ['events:read']);
    if (check.ok) return check.key.scopes.split(',');
    if (check.reason === 'scope') return [];
    if (check.reason === 'rate') throw new Problem(429, 'rate-limited', KEY_REFUSALS.rate, { retryAfter: check.retryAfterSeconds ?? 1 });
    throw forbidden(KEY_REFUSALS[check.reason].replace('api_key', 'API 密钥'));
  };
}
