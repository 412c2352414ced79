// One-time codes of RFC 6238 (TOTP) through the otpauth library: 6 digits, 30-second steps, SHA-1
// (what authenticator apps expect), accepted one step either side of now for clock drift. A code
// is bound to its time step; the caller keeps the last step it accepted and refuses any step not
// after it, so a code that let someone in cannot be used again.
import { timingSafeEqual } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;
export const TOTP_WINDOW = 1;
export const TOTP_ISSUER = '12345热线平台';

type Algorithm = 'SHA1' | 'SHA256' | 'SHA512';

export interface TotpCheck {
  /** Base32 secret. */
  secret: string;
  code: string;
  nowMs: number;
  /** The last step already accepted for this secret; codes of this step or before are refused. */
  lastStep: number | null;
  algorithm?: Algorithm;
  digits?: number;
  window?: number;
}

/** A new random secret of 160 bits (RFC 4226's recommendation), base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(secret: string, username: string): string {
  return new TOTP({ issuer: TOTP_ISSUER, label: username, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD }).toString();
}

export const stepAt = (nowMs: number) => Math.floor(nowMs / 1000 / TOTP_PERIOD);

/** The time step the code belongs to, within the window around now and after lastStep; otherwise null. */
export function acceptedStep(check: TotpCheck): number | null {
  const digits = check.digits ?? TOTP_DIGITS;
  if (!new RegExp(`^\\d{${digits}}$`).test(check.code)) return null;
  const totp = new TOTP({ secret: Secret.fromBase32(check.secret), algorithm: check.algorithm ?? 'SHA1', digits, period: TOTP_PERIOD });
  const window = check.window ?? TOTP_WINDOW;
  const now = stepAt(check.nowMs);
  // Earliest first, but never a step already used: a code of the used step is refused even when
  // it would also match a later one (which it cannot for different steps, barring a collision).
  for (let delta = -window; delta <= window; delta++) {
    const step = now + delta;
    if (check.lastStep !== null && step <= check.lastStep) continue;
    if (timingSafeEqual(Buffer.from(totp.generate({ timestamp: step * TOTP_PERIOD * 1000 })), Buffer.from(check.code))) return step;
  }
  return null;
}

/** The code of an instant (for tests and the enrolment's own check). */
export function totpCode(secret: string, nowMs: number, algorithm: Algorithm = 'SHA1', digits = TOTP_DIGITS): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm, digits, period: TOTP_PERIOD }).generate({ timestamp: nowMs });
}
