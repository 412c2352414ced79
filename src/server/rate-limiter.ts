// Per-process limits of how often a key (a client address, a ticket) may do something.
import { Problem } from './problem.ts';

/** A fixed-window counter per key: at most `max` hits per `windowMs`. */
export class RateLimiter {
  private hits = new Map<string, { start: number; count: number }>();
  constructor(readonly max: number, readonly windowMs: number) {}

  /** Counts one hit; false when the key is over its limit (the hit is then not counted). */
  take(key: string, nowMs: number): boolean {
    if (this.hits.size > 10_000) for (const [k, v] of this.hits) if (nowMs - v.start >= this.windowMs) this.hits.delete(k);
    const entry = this.hits.get(key);
    if (!entry || nowMs - entry.start >= this.windowMs) {
      this.hits.set(key, { start: nowMs, count: 1 });
      return true;
    }
    if (entry.count >= this.max) return false;
    entry.count += 1;
    return true;
  }

  /** Seconds until the key's window frees (at least 1): the Retry-After of a refusal. */
  waitSeconds(key: string, nowMs: number): number {
    const entry = this.hits.get(key);
    return entry ? Math.max(1, Math.ceil((entry.start + this.windowMs - nowMs) / 1000)) : 1;
  }

  /** Counts one hit, or refuses with 429 and the seconds until the window frees. */
  takeOrRefuse(key: string, nowMs: number): void {
    if (!this.take(key, nowMs)) throw tooMany(this.waitSeconds(key, nowMs));
  }

  /** Refuses with 429 when the key is already at its limit, without counting. */
  refuseIfBlocked(key: string, nowMs: number): void {
    if (this.blocked(key, nowMs)) throw tooMany(this.waitSeconds(key, nowMs));
  }

  /** Whether the key is already at its limit, without counting. */
  blocked(key: string, nowMs: number): boolean {
    const entry = this.hits.get(key);
    return !!entry && nowMs - entry.start < this.windowMs && entry.count >= this.max;
  }
}

/** The 429 of a limit: Retry-After is the seconds until the limiter's window frees. */
export const tooMany = (retryAfterSeconds: number) =>
  new Problem(429, 'too-many-requests', '操作过于频繁，请稍后再试', { retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
