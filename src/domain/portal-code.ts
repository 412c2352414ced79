// The requester's credential for 好差评 on the portal: a one-time code sent by SMS to the phone on the
// ticket. Staff see that phone masked (138****5678), so the last four digits cannot be the
// credential: every unit user sees them. These are the rules of the code, without I/O: when a code
// may be sent, and whether a code still counts. The limits are the city's (CityConfig.portal).

export interface PortalCodeConfig {
  /** Digits of a code. */
  digits: number;
  /** A code counts for this many minutes after it was sent. */
  ttlMinutes: number;
  /** Wrong tries a code survives; the next wrong try (or any try after) spends it. */
  maxAttempts: number;
  /** At least this many seconds between two codes for one ticket. */
  resendSeconds: number;
  /** At most this many codes per ticket in any hour, from any address. */
  perTicketPerHour: number;
  /** At most this many code requests per client address in any hour. */
  perIpPerHour: number;
}

export const DEFAULT_PORTAL_CODE: PortalCodeConfig = {
  digits: 6,
  ttlMinutes: 10,
  maxAttempts: 5,
  resendSeconds: 60,
  perTicketPerHour: 3,
  perIpPerHour: 10,
};

export type IssueDecision = { ok: true } | { ok: false; reason: 'resend_wait' | 'ticket_hourly'; retryAfterSeconds: number };

/**
 * Whether a new code may be sent for a ticket now, given when its earlier codes were sent (any order).
 * A refusal says how long to wait.
 */
export function mayIssue(sentAtMs: readonly number[], nowMs: number, config: PortalCodeConfig): IssueDecision {
  const hour = 3_600_000;
  const recent = sentAtMs.filter((at) => at > nowMs - hour && at <= nowMs).sort((a, b) => a - b);
  const last = recent.at(-1);
  if (last !== undefined && nowMs - last < config.resendSeconds * 1000) {
    return { ok: false, reason: 'resend_wait', retryAfterSeconds: Math.ceil((last + config.resendSeconds * 1000 - nowMs) / 1000) };
  }
  if (recent.length >= config.perTicketPerHour) {
    return { ok: false, reason: 'ticket_hourly', retryAfterSeconds: Math.ceil((recent[0]! + hour - nowMs) / 1000) };
  }
  return { ok: true };
}

export interface CodeRecord {
  sentAtMs: number;
  attempts: number;
  used: boolean;
}

export type CodeState = 'valid' | 'used' | 'expired' | 'spent';

/** Whether the newest code of a ticket can still be tried (older codes never count). */
export function codeState(code: CodeRecord, nowMs: number, config: PortalCodeConfig): CodeState {
  if (code.used) return 'used';
  if (code.attempts >= config.maxAttempts) return 'spent';
  if (nowMs >= code.sentAtMs + config.ttlMinutes * 60_000) return 'expired';
  return 'valid';
}

/** Tries left on a code after `attempts` wrong ones. */
export function triesLeft(attempts: number, config: PortalCodeConfig): number {
  return Math.max(0, config.maxAttempts - attempts);
}

/** Only a mobile number (1xxxxxxxxxx) can receive the code; a landline cannot. */
export function canReceiveSms(phone: string | null | undefined): boolean {
  const digits = (phone ?? '').replace(/\D/g, '');
  const local = digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
  return /^1[3-9]\d{9}$/.test(local);
}
