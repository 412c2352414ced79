import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkCalendar } from './calendar.ts';
import { officialCalendarData } from './official-holidays.ts';
import { computeDeadline, extendedDeadline, formatShanghai, isLate, lightAt, parseInstant } from './deadline.ts';
import type { TimeLimit } from './time-limits.ts';

const official = new WorkCalendar(officialCalendarData());
const wd = (amount: number): TimeLimit => ({ unit: 'working_days', amount });

function due(startLocal: string, limit: TimeLimit, calendar = official) {
  const start = parseInstant(startLocal);
  assert.ok(start, `bad start ${startLocal}`);
  const d = computeDeadline(start, limit, calendar);
  return { due: formatShanghai(d.dueAt), yellow: formatShanghai(d.yellowAt), provisional: d.provisional };
}

describe('deadline: N working days end at 24:00 of the Nth working day after the start day', () => {
  const cases: Array<[string, string, TimeLimit, string, boolean?]> = [
    // [why, start, limit, expected due, provisional]
    ['ordinary week, sign within 1', '2026-03-03T10:00:00+08:00', wd(1), '2026-03-04T23:59:59+08:00'],
    ['Friday start skips the weekend', '2026-03-06T18:30:00+08:00', wd(1), '2026-03-09T23:59:59+08:00'],
    ['春节: Saturday 2-14 is a 调休 workday', '2026-02-13T10:00:00+08:00', wd(1), '2026-02-14T23:59:59+08:00'],
    ['春节: 2-15..2-23 are holidays', '2026-02-13T10:00:00+08:00', wd(2), '2026-02-24T23:59:59+08:00'],
    ['春节: start on the 调休 Saturday', '2026-02-14T15:00:00+08:00', wd(1), '2026-02-24T23:59:59+08:00'],
    ['春节: help request, 5 working days', '2026-02-12T09:00:00+08:00', wd(5), '2026-02-26T23:59:59+08:00'],
    ['春节: complaint, 15 working days over 2-28 调休', '2026-02-10T09:00:00+08:00', wd(15), '2026-03-09T23:59:59+08:00'],
    ['国庆: 10-1..10-7 holidays', '2026-09-30T16:00:00+08:00', wd(1), '2026-10-08T23:59:59+08:00'],
    ['国庆: 2 working days', '2026-09-30T16:00:00+08:00', wd(2), '2026-10-09T23:59:59+08:00'],
    ['国庆: Saturday 10-10 is a 调休 workday', '2026-09-30T16:00:00+08:00', wd(3), '2026-10-10T23:59:59+08:00'],
    ['国庆: after 10-10 comes Monday 10-12', '2026-09-30T16:00:00+08:00', wd(4), '2026-10-12T23:59:59+08:00'],
    ['国庆: start Friday 10-9, next workday Saturday 10-10', '2026-10-09T11:00:00+08:00', wd(1), '2026-10-10T23:59:59+08:00'],
    ['国庆: Sunday 9-20 is a 调休 workday', '2026-09-19T11:00:00+08:00', wd(1), '2026-09-20T23:59:59+08:00'],
    ['the start day is the Shanghai date, not the UTC date', '2026-09-30T17:30:00Z', wd(1), '2026-10-08T23:59:59+08:00'],
    ['a start at 23:59 still counts from the next day', '2026-03-03T23:59:00+08:00', wd(2), '2026-03-05T23:59:59+08:00'],
    ['2027 has no official data: weekends only, provisional', '2026-12-30T09:00:00+08:00', wd(5), '2027-01-06T23:59:59+08:00', true],
    ['inside a known year it is not provisional', '2026-12-28T09:00:00+08:00', wd(1), '2026-12-29T23:59:59+08:00', false],
    ['calendar days count holidays too', '2026-02-13T10:00:00+08:00', { unit: 'days', amount: 3 }, '2026-02-16T23:59:59+08:00'],
    ['hours are natural hours, even on a holiday', '2026-10-01T10:00:00+08:00', { unit: 'hours', amount: 4 }, '2026-10-01T14:00:00+08:00'],
    ['hours cross midnight', '2026-10-01T23:00:00+08:00', { unit: 'hours', amount: 2 }, '2026-10-02T01:00:00+08:00'],
  ];
  for (const [why, start, limit, expected, provisional] of cases) {
    it(why, () => {
      const got = due(start, limit);
      assert.equal(got.due, expected);
      if (provisional !== undefined) assert.equal(got.provisional, provisional);
    });
  }
});

describe('deadline: yellow light', () => {
  it('turns yellow at the start of the last working day', () => {
    assert.equal(due('2026-02-13T10:00:00+08:00', wd(2)).yellow, '2026-02-24T00:00:00+08:00');
  });
  it('turns yellow in the last quarter of an hour limit', () => {
    assert.equal(due('2026-10-01T10:00:00+08:00', { unit: 'hours', amount: 4 }).yellow, '2026-10-01T13:00:00+08:00');
  });
  const d = { dueAt: '2026-02-24T15:59:59.999Z', yellowAt: '2026-02-23T16:00:00.000Z' };
  const lights: Array<[string, string]> = [
    ['2026-02-23T15:59:59.999Z', 'green'],
    ['2026-02-23T16:00:00.000Z', 'yellow'],
    ['2026-02-24T15:59:59.999Z', 'yellow'],
    ['2026-02-24T16:00:00.000Z', 'red'],
  ];
  for (const [now, light] of lights) {
    it(`is ${light} at ${now}`, () => assert.equal(lightAt(d, now), light));
  }
});

describe('deadline: calendar overrides', () => {
  it('an admin holiday moves the deadline', () => {
    const data = officialCalendarData();
    const cal = new WorkCalendar({ officialYears: data.officialYears, days: [...data.days, { date: '2026-10-09', kind: 'holiday' }] });
    assert.equal(due('2026-09-30T16:00:00+08:00', wd(2), cal).due, '2026-10-10T23:59:59+08:00');
  });
  it('an imported year is no longer provisional and uses its holidays', () => {
    const data = officialCalendarData();
    const cal = new WorkCalendar({
      officialYears: [...data.officialYears, 2027],
      days: [...data.days, { date: '2027-01-01', kind: 'holiday', name: '元旦' }],
    });
    const got = due('2026-12-30T09:00:00+08:00', wd(5), cal);
    assert.equal(got.due, '2027-01-07T23:59:59+08:00');
    assert.equal(got.provisional, false);
  });
  it('rejects a non-positive limit', () => {
    assert.throws(() => computeDeadline('2026-03-03T02:00:00.000Z', wd(0), official), RangeError);
  });
  it('parses only instants with an explicit zone', () => {
    assert.equal(parseInstant('2026-03-03T10:00:00'), null);
    assert.equal(parseInstant('2026-03-03T10:00:00+08:00'), '2026-03-03T02:00:00.000Z');
  });
});

describe('deadline: recomputed after a calendar change (extensions, 超期)', () => {
  // 2027 as weekends only, and as the notice makes it (01-05 a holiday).
  const before = new WorkCalendar({ officialYears: [], days: [] });
  const after = new WorkCalendar({ officialYears: [2027], days: [{ date: '2027-01-01', kind: 'holiday' }, { date: '2027-01-05', kind: 'holiday' }] });
  const cases: Array<[string, WorkCalendar, TimeLimit, number[], string, boolean]> = [
    // [why, calendar, limit, approved extensions, expected due, provisional]
    ['before the notice: 01-05 counts', before, wd(1), [], '2027-01-05T23:59:59+08:00', true],
    ['after the notice: 01-05 is a holiday', after, wd(1), [], '2027-01-06T23:59:59+08:00', false],
    ['an extension runs from the deadline before it', after, wd(1), [2], '2027-01-08T23:59:59+08:00', false],
    ['two extensions, over a weekend', after, wd(1), [2, 3], '2027-01-13T23:59:59+08:00', false],
    ['an extension with no days adds nothing', after, wd(1), [0], '2027-01-06T23:59:59+08:00', false],
    ['calendar days do not depend on the notice', after, { unit: 'days', amount: 2 }, [], '2027-01-06T23:59:59+08:00', false],
  ];
  for (const [why, calendar, limit, extensions, expected, provisional] of cases) {
    it(why, () => {
      const d = extendedDeadline(parseInstant('2027-01-04T09:00:00+08:00')!, limit, extensions, calendar);
      assert.equal(formatShanghai(d.dueAt), expected);
      assert.equal(d.provisional, provisional);
    });
  }

  it('超期 is done after the deadline; the deadline’s own instant is on time', () => {
    const table: Array<[string, string, boolean]> = [
      ['2027-01-06T10:00:00+08:00', '2027-01-05T23:59:59+08:00', true],
      ['2027-01-06T10:00:00+08:00', '2027-01-06T23:59:59+08:00', false],
      ['2027-01-06T23:59:59+08:00', '2027-01-06T23:59:59+08:00', false],
      ['2027-01-07T00:00:00+08:00', '2027-01-06T23:59:59+08:00', true],
    ];
    for (const [done, due, late] of table) assert.equal(isLate(parseInstant(done)!, parseInstant(due)!), late, `${done} vs ${due}`);
  });
});
