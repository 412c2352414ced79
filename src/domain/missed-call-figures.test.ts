// 漏接回拨 figures on hand-made entries; every expected figure is worked out by hand beside it
// (target: 30 minutes of the call-back hours 08:00–20:00, Shanghai).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { callbackDueAt, missedCallFigures, type MissedCallRow } from './missed-call-figures.ts';

const TARGET = { targetSeconds: 1800, hours: { start: '08:00', end: '20:00' } };
const at = (day: string, hms: string) => new Date(`2026-03-${day}T${hms}+08:00`).toISOString();
const row = (missedAt: string, attempts: Array<[string, string]> = [], done: { at: string; outcome?: string } | null = null): MissedCallRow => ({
  missedAt,
  attempts: attempts.map(([a, outcome]) => ({ at: a, outcome })),
  doneAt: done?.at ?? null,
  lastOutcome: done?.outcome ?? attempts.at(-1)?.[1] ?? null,
});

describe('callbackDueAt', () => {
  const cases: Array<[string, string, string]> = [
    ['inside the hours', at('02', '10:00:00'), at('02', '10:30:00')],
    ['exactly at the start', at('02', '08:00:00'), at('02', '08:30:00')],
    ['ten minutes before the end: 20 minutes the next morning', at('02', '19:50:00'), at('03', '08:20:00')],
    ['at the end (exclusive): the next morning', at('02', '20:00:00'), at('03', '08:30:00')],
    ['at night, after midnight', at('02', '03:00:00'), at('02', '08:30:00')],
    ['late evening', at('02', '23:10:00'), at('03', '08:30:00')],
  ];
  for (const [name, missed, due] of cases) it(name, () => assert.equal(callbackDueAt(missed, TARGET), due));

  it('all day when start equals end', () => {
    assert.equal(callbackDueAt(at('02', '23:50:00'), { targetSeconds: 1800, hours: { start: '00:00', end: '00:00' } }), at('03', '00:20:00'));
  });
  it('a target longer than a day of hours runs over several days', () => {
    // 13 h of hours: 12 h on the 2nd (08:00–20:00) and 1 h on the 3rd.
    assert.equal(callbackDueAt(at('02', '07:00:00'), { targetSeconds: 13 * 3600, hours: TARGET.hours }), at('03', '09:00:00'));
  });
});

describe('missedCallFigures', () => {
  it('an empty period has no rates', () => {
    assert.deepEqual(missedCallFigures([], TARGET, at('03', '00:00:00')), {
      missed: 0,
      calledBack: 0,
      reached: 0,
      calledAgain: 0,
      open: 0,
      calledBackWithinTarget: 0,
      callbackWithinTargetRate: null,
      avgFirstAttemptSeconds: null,
      targetSeconds: 1800,
    });
  });

  it('counts a hand-made day as of its end', () => {
    const asOf = at('03', '00:00:00');
    const rows: MissedCallRow[] = [
      // a: lost 09:00, reached 09:10 (600 s): within, done.
      row(at('02', '09:00:00'), [[at('02', '09:10:00'), 'reached']], { at: at('02', '09:10:00') }),
      // b: lost 10:00, no answer 10:40 (2400 s, late), reached 11:00: called back, reached, not within.
      row(at('02', '10:00:00'), [[at('02', '10:40:00'), 'no_answer'], [at('02', '11:00:00'), 'reached']], { at: at('02', '11:00:00') }),
      // c: lost 11:00, busy 11:30 exactly at the due time (1800 s): within, still open.
      row(at('02', '11:00:00'), [[at('02', '11:30:00'), 'busy']]),
      // d: lost 12:00, the caller got through 12:05 before any attempt: needs no call back, not counted.
      row(at('02', '12:00:00'), [], { at: at('02', '12:05:00'), outcome: 'called_again' }),
      // e: lost 13:00, never called back, due 13:30 passed: counted, open, not within.
      row(at('02', '13:00:00')),
      // f: lost 19:50, due 08:20 tomorrow, no attempt by midnight: open, not yet due, not counted.
      row(at('02', '19:50:00')),
      // g: lost 21:00, invalid number at 21:05 (300 s; due 08:30 tomorrow): within, done.
      row(at('02', '21:00:00'), [[at('02', '21:05:00'), 'invalid_number']], { at: at('02', '21:05:00') }),
      // h: lost 22:00, reached tomorrow 08:10 (after asOf: not seen); open, not yet due, not counted.
      row(at('02', '22:00:00'), [[at('03', '08:10:00'), 'reached']], { at: at('03', '08:10:00') }),
      // i: lost 14:00, caller got through at 15:00 (after due 14:30) with no attempt: counted, late.
      row(at('02', '14:00:00'), [], { at: at('02', '15:00:00'), outcome: 'called_again' }),
    ];
    const f = missedCallFigures(rows, TARGET, asOf);
    assert.equal(f.missed, 9);
    assert.equal(f.calledBack, 4); // a b c g
    assert.equal(f.reached, 2); // a b
    assert.equal(f.calledAgain, 2); // d i
    assert.equal(f.open, 4); // c e f, and h (closed only after asOf)
    assert.equal(f.calledBackWithinTarget, 3); // a c g
    // counted: a b c e g i = 6 (d needed none; f and h not yet due)
    assert.equal(f.callbackWithinTargetRate, 3 / 6);
    // first attempts: a 600, b 2400, c 1800, g 300 → 5100 / 4
    assert.equal(f.avgFirstAttemptSeconds, 5100 / 4);
  });

  it('the same entries a day later see the late attempts', () => {
    const h = row(at('02', '22:00:00'), [[at('03', '08:10:00'), 'reached']], { at: at('03', '08:10:00') });
    const f = missedCallFigures([h], TARGET, at('04', '00:00:00'));
    // 22:00 → due 08:30 the next day; first attempt 08:10 (10 h 10 min = 36600 s): within.
    assert.deepEqual([f.calledBack, f.reached, f.open, f.calledBackWithinTarget, f.callbackWithinTargetRate, f.avgFirstAttemptSeconds], [1, 1, 0, 1, 1, 36600]);
  });
});
