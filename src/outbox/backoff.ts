// Retry schedule of the relays: exponential from `baseMs`, capped at `capMs`, with "equal jitter"
// (a random point in the upper half of the step) so receivers that come back are not hit by every
// waiting message at the same instant.
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const SMS_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 15 * 60_000 };
export const WEBHOOK_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 30 * 60_000 };
/**
 * A webhook delivery is given up on (dead letter) after this many failed attempts: with the backoff
 * above, about six hours of 5xx or network errors (ten doublings to the 30-minute cap, then the cap).
 */
export const WEBHOOK_MAX_ATTEMPTS = 20;

/** A receiver's answer that will not change on a retry: a 4xx other than 408 (timeout) and 429 (rate). */
export function isPermanentRefusal(status: number | undefined): boolean {
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** Delay before the retry that follows failed attempt number `attempts + 1` (attempts made before it: `attempts`). */
export function backoffMs(attempts: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempts, 30));
  return Math.round(step / 2 + (step / 2) * random());
}
