// TOTP codes (RFC 6238) as ./totp.ts accepts them: the RFC's own test vectors through the library,
// one step of drift either way and no more, and a step already used refused (replay).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Secret } from 'otpauth';
import { acceptedStep, newTotpSecret, totpCode, totpUri, TOTP_PERIOD } from './totp.ts';

// RFC 6238 Appendix B: the seeds are ASCII digits of the hash's length, codes have 8 digits.
const SEEDS = {
  SHA1: Secret.fromLatin1('12345678901234567890').base32,
  SHA256: Secret.fromLatin1('12345678901234567890123456789012').base32,
  SHA512: Secret.fromLatin1('1234567890123456789012345678901234567890123456789012345678901234').base32,
} as const;

const VECTORS: Array<[seconds: number, sha1: string, sha256: string, sha512: string]> = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

for (const [seconds, ...codes] of VECTORS) {
  (['SHA1', 'SHA256', 'SHA512'] as const).forEach((algorithm, i) => {
    it(`RFC 6238 ${algorithm} at ${seconds} s → ${codes[i]}`, () => {
      const nowMs = seconds * 1000;
      assert.equal(totpCode(SEEDS[algorithm], nowMs, algorithm, 8), codes[i]);
      assert.equal(acceptedStep({ secret: SEEDS[algorithm], code: codes[i]!, nowMs, lastStep: null, algorithm, digits: 8 }), Math.floor(seconds / TOTP_PERIOD));
    });
  });
}

const secret = newTotpSecret();
const now = Date.parse('2026-03-02T01:00:10Z');
const step = Math.floor(now / 1000 / TOTP_PERIOD);
const codeOf = (s: number) => totpCode(secret, s * TOTP_PERIOD * 1000);

const CASES: Array<[name: string, code: string, lastStep: number | null, expected: number | null]> = [
  ['the current step', codeOf(step), null, step],
  ['one step behind (clock drift)', codeOf(step - 1), null, step - 1],
  ['one step ahead (clock drift)', codeOf(step + 1), null, step + 1],
  ['two steps behind: outside the window', codeOf(step - 2), null, null],
  ['two steps ahead: outside the window', codeOf(step + 2), null, null],
  ['replay: the step already used', codeOf(step), step, null],
  ['an earlier step than the one used', codeOf(step - 1), step, null],
  ['a later step than the one used', codeOf(step + 1), step, step + 1],
  ['after the previous step was used', codeOf(step), step - 1, step],
  ['not digits', 'abcdef', null, null],
  ['too short', codeOf(step).slice(0, 5), null, null],
  ['too long', `${codeOf(step)}0`, null, null],
];

for (const [name, code, lastStep, expected] of CASES) {
  it(`window and replay: ${name}`, () => {
    assert.equal(acceptedStep({ secret, code, nowMs: now, lastStep }), expected);
  });
}

it('a wrong code of the right shape is refused', () => {
  const wrong = String((Number(codeOf(step)) + 1) % 1_000_000).padStart(6, '0');
  const others = [step - 1, step, step + 1].map(codeOf);
  if (!others.includes(wrong)) assert.equal(acceptedStep({ secret, code: wrong, nowMs: now, lastStep: null }), null);
});

it('secrets are 160 random bits; the otpauth:// URI names the issuer, the user and the parameters', () => {
  const a = newTotpSecret();
  assert.match(a, /^[A-Z2-7]{32}$/);
  assert.notEqual(a, newTotpSecret());
  const uri = new URL(totpUri(a, 'lead1'));
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.host, 'totp');
  assert.equal(decodeURIComponent(uri.pathname), '/12345热线平台:lead1');
  assert.equal(uri.searchParams.get('secret'), a);
  assert.equal(uri.searchParams.get('digits'), '6');
  assert.equal(uri.searchParams.get('period'), '30');
  assert.equal(uri.searchParams.get('algorithm'), 'SHA1');
});
