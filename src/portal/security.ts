// The portal's protections, all offline: an arithmetic captcha whose answer the server signs (HMAC)
// with an expiry, used once; signed short-lived links for photos; the salted HMAC under which a
// 好差评 SMS code is stored (./rating-code.ts); and per-IP / per-ticket attempt limits. The signing secret is one row in the database, so every process of a deployment agrees.
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/db.ts';
import { invalid } from '../server/problem.ts';
import type { PortalCodeConfig } from '../domain/portal-code.ts';
import { RateLimiter } from '../server/rate-limiter.ts';

export { RateLimiter, tooMany } from '../server/rate-limiter.ts';

export async function loadPortalSecret(db: Db, now: string): Promise<Buffer> {
  await db
    .insertInto('portal_secrets')
    .values({ name: 'portal', value: randomBytes(32).toString('hex'), created_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('portal_secrets').select('value').where('name', '=', 'portal').executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'hex');
}

const b64 = (buf: Buffer) => buf.toString('base64url');

export interface Challenge {
  question: string;
  token: string;
  expiresAt: string;
}

/** How long a captcha stays valid. */
export const CAPTCHA_TTL_MS = 10 * 60_000;

export class PortalSigner {
  /** Nonces of captchas already used, until they expire (per process; see docs/reference/portal.md). */
  private used = new Map<string, number>();
  constructor(private readonly secret: Buffer) {}

  private sign(text: string): string {
    return b64(createHmac('sha256', this.secret).update(text).digest());
  }

  private same(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  }

  /** An arithmetic question (a + b, a − b, a × b) and a token that proves its answer without telling it. */
  challenge(nowMs: number): Challenge {
    const op = randomInt(3);
    let a = randomInt(2, 20);
    let b = randomInt(1, 10);
    if (op === 1 && b > a) [a, b] = [b, a];
    if (op === 2) b = randomInt(2, 10);
    const answer = op === 0 ? a + b : op === 1 ? a - b : a * b;
    const question = `${a} ${['+', '−', '×'][op]} ${b} = ?`;
    const exp = nowMs + CAPTCHA_TTL_MS;
    const nonce = b64(randomBytes(12));
    const token = `${exp}.${nonce}.${this.sign(`captcha|${exp}|${nonce}|${answer}`)}`;
    return { question, token, expiresAt: new Date(exp).toISOString() };
  }

  /** Throws a 400 naming 验证码 unless the answer matches an unexpired, unused token; then uses it up. */
  verifyCaptcha(captcha: { token?: string; answer?: string | number } | undefined, nowMs: number): void {
    const token = captcha?.token ?? '';
    const answer = String(captcha?.answer ?? '').trim();
    const [expText, nonce, sig] = token.split('.');
    const exp = Number(expText);
    if (!nonce || !sig || !Number.isFinite(exp)) throw invalid('captcha.token', '验证码无效，请刷新验证码后重试');
    if (!/^-?\d{1,4}$/.test(answer)) throw invalid('captcha.answer', '请填写验证码（计算结果）');
    if (!this.same(sig, this.sign(`captcha|${exp}|${nonce}|${Number(answer)}`))) {
      // A wrong answer and a forged token look the same to the caller.
      throw invalid('captcha.answer', '验证码计算结果不正确');
    }
    if (exp < nowMs) throw invalid('captcha.token', '验证码已过期，请刷新验证码后重试');
    for (const [n, e] of this.used) if (e < nowMs) this.used.delete(n);
    if (this.used.has(nonce)) throw invalid('captcha.token', '验证码已使用，请刷新验证码后重试');
    this.used.set(nonce, exp);
  }

  /** What is stored of a 好差评 SMS code: an HMAC under the portal secret, salted per code, bound to the ticket. */
  codeDigest(ticketId: number, salt: string, code: string): string {
    return this.sign(`rating-code|${ticketId}|${salt}|${code}`);
  }

  codeMatches(ticketId: number, salt: string, code: string, digest: string): boolean {
    return this.same(this.codeDigest(ticketId, salt, code), digest);
  }

  /** A link token for one photo, valid for `ttlMs`. */
  photoToken(photoId: number, nowMs: number, ttlMs = 30 * 60_000): string {
    const exp = nowMs + ttlMs;
    return `${exp}.${this.sign(`photo|${photoId}|${exp}`)}`;
  }

  verifyPhotoToken(photoId: number, token: string, nowMs: number): boolean {
    const [expText, sig] = token.split('.');
    const exp = Number(expText);
    if (!sig || !Number.isFinite(exp) || exp < nowMs) return false;
    return this.same(sig, this.sign(`photo|${photoId}|${exp}`));
  }
}

/** The portal's limits per client IP and per ticket; one set per running app. */
export interface PortalState {
  signer: PortalSigner;
  captchas: RateLimiter; // challenges fetched per IP
  submits: RateLimiter; // submissions per IP
  lookups: RateLimiter; // track / rate / photo attempts per IP
  failuresByIp: RateLimiter; // wrong number or digits per IP
  failuresByTicket: RateLimiter; // wrong digits per ticket number, from anywhere
  codeRequests: RateLimiter; // 好差评 SMS codes asked for per IP (per ticket: counted in the database)
}

export function newPortalState(signer: PortalSigner, codes: PortalCodeConfig): PortalState {
  return {
    signer,
    codeRequests: new RateLimiter(codes.perIpPerHour, 60 * 60_000),
    captchas: new RateLimiter(60, 10 * 60_000),
    submits: new RateLimiter(10, 10 * 60_000),
    lookups: new RateLimiter(60, 10 * 60_000),
    failuresByIp: new RateLimiter(5, 15 * 60_000),
    failuresByTicket: new RateLimiter(10, 60 * 60_000),
  };
}
