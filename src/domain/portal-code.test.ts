import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canReceiveSms, codeState, DEFAULT_PORTAL_CODE, mayIssue, triesLeft, type CodeState, type IssueDecision } from './portal-code.ts';

const MIN = 60_000;
const cfg = DEFAULT_PORTAL_CODE;

describe('portal code: when a code may be sent', () => {
  const cases: Array<[string, number[], number, IssueDecision]> = [
    ['first code', [], 100 * MIN, { ok: true }],
    ['resend after 30 s waits 30 s more', [100 * MIN - 30_000], 100 * MIN, { ok: false, reason: 'resend_wait', retryAfterSeconds: 30 }],
    ['resend after exactly 60 s', [100 * MIN - 60_000], 100 * MIN, { ok: true }],
    ['third in the hour', [60 * MIN, 80 * MIN], 100 * MIN, { ok: true }],
    ['fourth in the hour waits until the first is an hour old', [50 * MIN, 70 * MIN, 90 * MIN], 100 * MIN, { ok: false, reason: 'ticket_hourly', retryAfterSeconds: 10 * 60 }],
    ['codes older than an hour do not count', [30 * MIN, 39 * MIN, 40 * MIN], 100 * MIN, { ok: true }],
    ['order of the list does not matter', [90 * MIN, 50 * MIN, 70 * MIN], 100 * MIN, { ok: false, reason: 'ticket_hourly', retryAfterSeconds: 10 * 60 }],
  ];
  for (const [name, sent, now, expected] of cases) it(name, () => assert.deepEqual(mayIssue(sent, now, cfg), expected));
});

describe('portal code: whether a code counts', () => {
  const sent = 100 * MIN;
  const cases: Array<[string, { attempts: number; used: boolean }, number, CodeState]> = [
    ['fresh', { attempts: 0, used: false }, sent + MIN, 'valid'],
    ['four wrong tries', { attempts: 4, used: false }, sent + MIN, 'valid'],
    ['five wrong tries spend it', { attempts: 5, used: false }, sent + MIN, 'spent'],
    ['just before ten minutes', { attempts: 0, used: false }, sent + 10 * MIN - 1, 'valid'],
    ['at ten minutes', { attempts: 0, used: false }, sent + 10 * MIN, 'expired'],
    ['used once', { attempts: 0, used: true }, sent + MIN, 'used'],
    ['used beats spent and expired', { attempts: 9, used: true }, sent + 60 * MIN, 'used'],
  ];
  for (const [name, c, now, expected] of cases) it(name, () => assert.equal(codeState({ sentAtMs: sent, ...c }, now, cfg), expected));
  it('tries left', () => assert.deepEqual([0, 3, 5, 7].map((a) => triesLeft(a, cfg)), [5, 2, 0, 0]));
});

describe('portal code: which numbers receive SMS', () => {
  const cases: Array<[string, boolean]> = [
    ['13900001234', true],
    ['+86 139 0000 1234', true],
    ['8613900001234', true],
    ['0453-8612345', false],
    ['12345678901', false],
    ['', false],
  ];
  for (const [phone, expected] of cases) it(phone || '(none)', () => assert.equal(canReceiveSms(phone), expected));
});
