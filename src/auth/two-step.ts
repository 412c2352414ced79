// Two-step login with TOTP (./totp.ts): enrolment (a secret shown once as an otpauth:// URI, then
// confirmed by a first code), the login's second step, recovery codes, disabling, an admin's reset.
// Secrets are sealed with the store's field key (src/store/field-crypto.ts) and never answered
// again after enrolment nor logged; recovery codes are kept as scrypt hashes. Each accepted code
// moves the account's last step forward in one conditional UPDATE, so two requests racing with
// the same code cannot both succeed.
import { createHash, randomBytes } from 'node:crypto';
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import type { Db, Tx } from '../store/db.ts';
import { inTransaction, storeCrypto } from '../store/db.ts';
import { looksSealed } from '../store/field-crypto.ts';
import { writeEvent } from '../audit/events.ts';
import { conflict, invalid, Problem } from '../server/problem.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { acceptedStep, newTotpSecret, totpUri } from './totp.ts';
import type { Role } from '../domain/roles.ts';

export const CHALLENGE_MINUTES = 5;
export const RECOVERY_CODES = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const RECOVERY_FORMAT = /^[a-z2-9]{5}-[a-z2-9]{5}$/;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Whether the configuration makes this role log in with a code even before enrolling. */
export function totpRequired(ctx: AppContext, role: Role | string): boolean {
  return role === 'admin' && ctx.city.security?.requireTotpForAdmins === true;
}

function sealSecret(db: Db, secret: string): string {
  const crypto = storeCrypto(db);
  if (!crypto) throw new Problem(503, 'crypto-unavailable', '服务器未配置数据加密密钥，暂不能启用两步验证');
  return crypto.seal(secret)!;
}

/** The stored secret in the clear (the store opens sealed values as it reads them). */
function openSecret(db: Db | Tx, stored: string): string {
  return looksSealed(stored) ? storeCrypto(db)!.open(stored) : stored;
}

export interface TotpStatus {
  enabled: boolean;
  pending: boolean;
  required: boolean;
  recoveryCodesLeft: number;
}

export async function totpStatus(ctx: AppContext, userId: number, role: Role): Promise<TotpStatus> {
  const db = ctx.store.db;
  const row = await db.selectFrom('user_totp').select(['enabled_at']).where('user_id', '=', userId).executeTakeFirst();
  const left = await db.selectFrom('totp_recovery_codes').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirstOrThrow();
  return { enabled: !!row?.enabled_at, pending: !!row && !row.enabled_at, required: totpRequired(ctx, role), recoveryCodesLeft: Number(left.n) };
}

export async function totpEnabled(db: Db | Tx, userId: number): Promise<boolean> {
  const row = await db.selectFrom('user_totp').select('enabled_at').where('user_id', '=', userId).executeTakeFirst();
  return !!row?.enabled_at;
}

/**
 * Starts (or restarts) an enrolment: a new secret, not yet in force. Refused while a confirmed one
 * is in force (disable it first). The secret is answered this once.
 */
export async function startEnrolment(ctx: AppContext, user: { id: number; username: string }): Promise<{ secret: string; otpauthUri: string }> {
  const db = ctx.store.db;
  const now = ctx.clock.now();
  const secret = newTotpSecret();
  const sealed = sealSecret(db, secret);
  await inTransaction(db, async (tx) => {
    const existing = await tx.selectFrom('user_totp').select('enabled_at').where('user_id', '=', user.id).executeTakeFirst();
    if (existing?.enabled_at) throw conflict('已启用两步验证；如需更换，请先停用');
    await tx.deleteFrom('user_totp').where('user_id', '=', user.id).execute();
    await tx.insertInto('user_totp').values({ user_id: user.id, secret: sealed, created_at: now, enabled_at: null, last_step: null }).execute();
  });
  return { secret, otpauthUri: totpUri(secret, user.username) };
}

function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/** New recovery codes replace the old ones; only their hashes are kept. */
async function replaceRecoveryCodes(tx: Tx, userId: number): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
  const hashes = await Promise.all(codes.map((c) => hashPassword(c)));
  await tx.deleteFrom('totp_recovery_codes').where('user_id', '=', userId).execute();
  await tx.insertInto('totp_recovery_codes').values(hashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null }))).execute();
  return codes;
}

export const normalizeCode = (code: string) => code.replace(/\s/g, '').toLowerCase();

/** A code field that is neither 6 digits nor a recovery code is a bad request, not a wrong code. */
export function checkCodeShape(code: string, field = 'code', allowRecovery = true): string {
  const c = normalizeCode(code);
  if (/^\d{6}$/.test(c) || (allowRecovery && RECOVERY_FORMAT.test(c))) return c;
  throw invalid(field, allowRecovery ? '字段「验证码」（code）应为 6 位数字或恢复码（xxxxx-xxxxx）' : '字段「验证码」（code）应为 6 位数字');
}

/**
 * Checks a 6-digit code against the user's secret (confirmed, or pending when `pending`) and, when
 * it is good, records its step so it cannot be used again. Returns whether it was accepted.
 */
async function consumeTotp(tx: Tx, userId: number, code: string, nowMs: number, pending: boolean): Promise<boolean> {
  const row = await tx.selectFrom('user_totp').select(['secret', 'enabled_at', 'last_step']).where('user_id', '=', userId).executeTakeFirst();
  if (!row || !!row.enabled_at === pending) return false;
  const lastStep = row.last_step === null ? null : Number(row.last_step);
  const step = acceptedStep({ secret: openSecret(tx, row.secret), code, nowMs, lastStep });
  if (step === null) return false;
  const moved = await tx
    .updateTable('user_totp')
    .set({ last_step: step })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1;
}

async function consumeRecoveryCode(tx: Tx, userId: number, code: string, now: string): Promise<boolean> {
  const rows = await tx.selectFrom('totp_recovery_codes').select(['id', 'code_hash']).where('user_id', '=', userId).where('used_at', 'is', null).execute();
  for (const row of rows) {
    if (!(await verifyPassword(code, row.code_hash))) continue;
    const used = await tx.updateTable('totp_recovery_codes').set({ used_at: now }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
    return Number(used.numUpdatedRows) === 1;
  }
  return false;
}

/** A 6-digit code or an unused recovery code of a confirmed enrolment; `via` says which. */
export async function consumeCode(tx: Tx, userId: number, code: string, now: string): Promise<'totp' | 'recovery' | null> {
  if (/^\d{6}$/.test(code)) return (await consumeTotp(tx, userId, code, Date.parse(now), false)) ? 'totp' : null;
  if (RECOVERY_FORMAT.test(code)) return (await consumeRecoveryCode(tx, userId, code, now)) ? 'recovery' : null;
  return null;
}

/** The first code confirms a pending enrolment: from then on login asks for codes. Answers the recovery codes, this once. */
export async function confirmEnrolment(tx: Tx, actor: Actor, code: string, now: string): Promise<string[] | null> {
  if (!(await consumeTotp(tx, actor.userId, code, Date.parse(now), true))) return null;
  await tx.updateTable('user_totp').set({ enabled_at: now }).where('user_id', '=', actor.userId).execute();
  const codes = await replaceRecoveryCodes(tx, actor.userId);
  await writeEvent(tx, actor, now, { action: 'totp_enabled', detail: { username: actor.username, recoveryCodes: codes.length } });
  return codes;
}

export async function removeTotp(tx: Tx, userId: number): Promise<boolean> {
  const removed = await tx.deleteFrom('user_totp').where('user_id', '=', userId).executeTakeFirst();
  await tx.deleteFrom('totp_recovery_codes').where('user_id', '=', userId).execute();
  return Number(removed.numDeletedRows) > 0;
}

export async function newRecoveryCodes(tx: Tx, userId: number): Promise<string[]> {
  return replaceRecoveryCodes(tx, userId);
}

/** A short-lived token for the second step, opened by a correct password. */
export async function openChallenge(db: Db, userId: number, now: string): Promise<{ challenge: string; expiresAt: string }> {
  const challenge = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.parse(now) + CHALLENGE_MINUTES * 60_000).toISOString();
  await db.insertInto('login_challenges').values({ token_hash: hashToken(challenge), user_id: userId, created_at: now, expires_at: expiresAt, used_at: null }).execute();
  return { challenge, expiresAt };
}

/** The user a live challenge belongs to, or null when it is unknown, used or expired. */
export async function challengeUser(db: Db | Tx, challenge: string, now: string): Promise<number | null> {
  const row = await db.selectFrom('login_challenges').select(['user_id', 'expires_at', 'used_at']).where('token_hash', '=', hashToken(challenge)).executeTakeFirst();
  if (!row || row.used_at || Date.parse(row.expires_at) <= Date.parse(now)) return null;
  return Number(row.user_id);
}

/** Closes a challenge; false when another request closed it first. */
export async function closeChallenge(db: Db | Tx, challenge: string, now: string): Promise<boolean> {
  const res = await db.updateTable('login_challenges').set({ used_at: now }).where('token_hash', '=', hashToken(challenge)).where('used_at', 'is', null).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Counts one more code against a live challenge, in one atomic UPDATE, before the code is checked;
 * answers the count (this code's number), or null when the challenge is closed or unknown.
 */
export async function countCode(db: Db | Tx, challenge: string): Promise<number | null> {
  const row = await db
    .updateTable('login_challenges')
    .set((eb) => ({ codes_tried: eb('codes_tried', '+', 1) }))
    .where('token_hash', '=', hashToken(challenge))
    .where('used_at', 'is', null)
    .returning('codes_tried')
    .executeTakeFirst();
  return row ? Number(row.codes_tried) : null;
}
