// Retry schedule of the relays: exponential from `baseMs`, capped at `capMs`, with "equal jitter"
// (a random point in the upper half of the step) so receivers that come back are not hit by every
// waiting message at the same instant.
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const SMS_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 15 * 60_000 };
export const WEBHOOK_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 30 * 60_000 };

/** Delay before the retry that follows failed attempt number `attempts + 1` (attempts made before it: `attempts`). */
export function backoffMs(attempts: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempts, 30));
  return Math.round(step / 2 + (step / 2) * random());
}
