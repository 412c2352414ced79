// Service-level figures on hand-made calls and seat intervals; every expected figure is worked out
// by hand in the comment beside it (rules: answer within 15 s inclusive, short abandon under 5 s).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallRecord, SeatInterval } from './call-contract.ts';
import { callStatsRows, figuresFor, intervalsOf, windowOfDates, SERVICE_LEVEL_RULES, type StatsWindow } from './service-levels.ts';

/** 2026-03-02 (a Monday) at a Shanghai clock time. */
const at = (hms: string) => `2026-03-02T${hms}+08:00`;
let nextId = 1;
function call(offered: string, c: { answered?: string; abandoned?: string; ended?: string; wrap?: number; agent?: string; queue?: string; restricted?: boolean } = {}): CallRecord {
  return {
    id: nextId++,
    queue: c.queue ?? 'general',
    agent: c.agent ?? null,
    offeredAt: at(offered),
    answeredAt: c.answered ? at(c.answered) : null,
    abandonedAt: c.abandoned ? at(c.abandoned) : null,
    endedAt: c.ended ? at(c.ended) : null,
    wrapUpSeconds: c.wrap ?? null,
    restricted: c.restricted ?? false,
  };
}
const win = (from: string, to: string): StatsWindow => ({ from: at(from), to: at(to) });
const first = win('09:00:00', '09:30:00');
const second = win('09:30:00', '10:00:00');

describe('intervalsOf', () => {
  const cases: Array<[string, string, string, '30m' | '1h' | 'day', Array<[string, string]>]> = [
    ['half hours from an unaligned start', at('09:10:00'), at('10:00:00'), '30m', [[at('09:00:00'), at('09:30:00')], [at('09:30:00'), at('10:00:00')]]],
    ['the last interval covers the end', at('09:00:00'), at('10:00:01'), '1h', [[at('09:00:00'), at('10:00:00')], [at('10:00:00'), at('11:00:00')]]],
    ['UTC input, Shanghai output', '2026-03-02T01:45:00Z', '2026-03-02T02:00:00Z', '30m', [[at('09:30:00'), at('10:00:00')]]],
    ['days across midnight in Shanghai', '2026-03-01T15:30:00Z', '2026-03-02T16:30:00Z', 'day', [['2026-03-01T00:00:00+08:00', '2026-03-02T00:00:00+08:00'], ['2026-03-02T00:00:00+08:00', '2026-03-03T00:00:00+08:00'], ['2026-03-03T00:00:00+08:00', '2026-03-04T00:00:00+08:00']]],
    ['nothing when to ≤ from', at('10:00:00'), at('10:00:00'), '30m', []],
  ];
  for (const [name, from, to, interval, expected] of cases) {
    it(name, () => assert.deepEqual(intervalsOf(from, to, interval), expected.map(([f, t]) => ({ from: f, to: t }))));
  }
  it('a day has 48 half hours', () => assert.equal(intervalsOf('2026-03-02T00:00:00+08:00', '2026-03-03T00:00:00+08:00', '30m').length, 48));
  it('windowOfDates: whole Shanghai days, both dates inclusive', () => {
    assert.deepEqual(windowOfDates('2026-03-02', '2026-03-03'), { from: '2026-03-02T00:00:00+08:00', to: '2026-03-04T00:00:00+08:00' });
    assert.equal(windowOfDates('2026-03-03', '2026-03-02'), null);
    assert.equal(windowOfDates('2026-02-30', '2026-03-02'), null);
  });
});

describe('figuresFor', () => {
  // The half hour 09:00–09:30:
  //   A waits 10 s, talks 180 s, wraps up 30 s         → answered, within, handle 210 s
  //   B waits exactly 15 s, talks 120 s, wrap unknown  → answered, within, handle 120 s
  //   C waits 40 s, still talking                      → answered, not within, no handle time yet
  //   D hangs up after 4 s                             → short abandon
  //   E hangs up after 30 s                            → abandoned
  //   F restricted number                              → not offered
  //   G still waiting                                  → offered only
  //   H offered 09:29:50, answered 09:30:10 (20 s), talks 120 s, wrap 0 → answered here, not within
  //   I offered 09:30:00                               → the next half hour
  // offered 7 (A B C D E G H), answered 4, within 2, abandoned 1, short 1
  const calls = [
    call('09:00:00', { answered: '09:00:10', ended: '09:03:10', wrap: 30 }),
    call('09:05:00', { answered: '09:05:15', ended: '09:07:15' }),
    call('09:10:00', { answered: '09:10:40' }),
    call('09:12:00', { abandoned: '09:12:04' }),
    call('09:13:00', { abandoned: '09:13:30' }),
    call('09:20:00', { ended: '09:20:01', restricted: true }),
    call('09:25:00'),
    call('09:29:50', { answered: '09:30:10', ended: '09:32:10', wrap: 0 }),
    call('09:30:00', { answered: '09:30:01' }),
  ];
  const f = figuresFor(calls, [], first);
  const expected: Array<[keyof typeof f, number | null]> = [
    ['offered', 7],
    ['answered', 4],
    ['answeredWithin15s', 2],
    ['abandoned', 1],
    ['shortAbandoned', 1],
    ['serviceLevel15s', 2 / 5], // within / (answered + abandoned): the short abandon is left out
    ['abandonRate', 1 / 5],
    ['connectRate', 4 / 5],
    ['asaSeconds', (10 + 15 + 40 + 20) / 4],
    ['ahtSeconds', (210 + 120 + 120) / 3],
    ['occupancy', null], // no seat time given
  ];
  for (const [key, value] of expected) it(`${key} = ${value}`, () => assert.equal(f[key], value));

  it('a call offered at 09:29:50 and answered at 09:30:10 belongs to 09:00–09:30', () => {
    const h = [call('09:29:50', { answered: '09:30:10' })];
    assert.equal(figuresFor(h, [], first).answered, 1);
    assert.equal(figuresFor(h, [], second).offered, 0);
    assert.equal(figuresFor(calls, [], second).offered, 1); // only I
  });

  const boundaries: Array<[string, Parameters<typeof call>[1], 'answeredWithin15s' | 'answered' | 'shortAbandoned' | 'abandoned']> = [
    ['answered after exactly 15 s is within', { answered: '09:00:15' }, 'answeredWithin15s'],
    ['answered after 16 s is not', { answered: '09:00:16' }, 'answered'],
    ['lost after 4 s is a short abandon', { abandoned: '09:00:04' }, 'shortAbandoned'],
    ['lost after exactly 5 s is abandoned, as the missed-call queue counts it', { abandoned: '09:00:05' }, 'abandoned'],
  ];
  for (const [name, c, counted] of boundaries) {
    it(name, () => {
      const one = figuresFor([call('09:00:00', c)], [], first);
      const within = counted === 'answeredWithin15s' ? 1 : 0;
      assert.deepEqual(
        [one.answeredWithin15s, one.answered, one.shortAbandoned, one.abandoned],
        [within, counted === 'answeredWithin15s' || counted === 'answered' ? 1 : 0, counted === 'shortAbandoned' ? 1 : 0, counted === 'abandoned' ? 1 : 0],
      );
    });
  }
  it('a call handed on unanswered (ended, no abandon) is offered but neither answered nor lost', () => {
    const one = figuresFor([call('09:00:00', { ended: '09:00:20' })], [], first);
    assert.deepEqual([one.offered, one.answered, one.abandoned, one.shortAbandoned, one.serviceLevel15s], [1, 0, 0, 0, null]);
  });
  it('exactly-15-s counts with the rules given: a 10-s target leaves it out', () => {
    const one = [call('09:00:00', { answered: '09:00:15' })];
    assert.equal(figuresFor(one, [], first, { ...SERVICE_LEVEL_RULES, answerTargetSeconds: 10 }).answeredWithin15s, 0);
  });
  it('only short abandons: offered, but every rate null', () => {
    const only = figuresFor([call('09:00:00', { abandoned: '09:00:02' })], [], first);
    assert.equal(only.offered, 1);
    assert.equal(only.serviceLevel15s, null);
    assert.equal(only.connectRate, null);
  });
  it('an empty window: zero counts and null rates', () => {
    assert.deepEqual(figuresFor([], [], first), {
      offered: 0,
      answered: 0,
      answeredWithin15s: 0,
      abandoned: 0,
      shortAbandoned: 0,
      serviceLevel15s: null,
      abandonRate: null,
      connectRate: null,
      asaSeconds: null,
      ahtSeconds: null,
      occupancy: null,
    });
  });
});

describe('occupancy', () => {
  const seat = (state: SeatInterval['state'], from: string, to: string | null, agent = 'agent1'): SeatInterval => ({ agent, state, from: at(from), to: to ? at(to) : null });
  const day = [
    seat('ready', '08:50:00', '09:10:00'), // 10 min inside 09:00–09:30
    seat('busy', '09:10:00', '09:20:00'), // 10 min
    seat('wrap_up', '09:20:00', '09:22:00'), // 2 min
    seat('not_ready', '09:22:00', '09:40:00'), // counts on neither side
    seat('ready', '09:40:00', null), // still ready
    seat('logged_off', '06:00:00', '08:50:00'),
  ];
  it('clips each interval to the window: (10 + 2) / (10 + 10 + 2)', () => assert.equal(figuresFor([], day, first).occupancy, 12 / 22));
  it('an open interval ends at now: 09:40–09:45 ready, nothing busy → 0', () => assert.equal(figuresFor([], day, second, SERVICE_LEVEL_RULES, { now: at('09:45:00') }).occupancy, 0));
  it('two seats add up: the second busy the whole half hour → (12 + 30) / (22 + 30)', () => {
    assert.equal(figuresFor([], [...day, seat('busy', '08:00:00', '10:00:00', 'agent2')], first).occupancy, 42 / 52);
  });
  it('no ready, busy or wrap-up time: null', () => assert.equal(figuresFor([], [seat('not_ready', '09:00:00', '09:30:00')], first).occupancy, null));
});

describe('callStatsRows', () => {
  const calls = [
    call('09:00:00', { answered: '09:00:05', ended: '09:02:05', agent: 'agent1', queue: 'general' }),
    call('09:10:00', { answered: '09:10:30', ended: '09:11:30', agent: 'agent2', queue: 'business' }),
    call('09:20:00', { abandoned: '09:21:00', queue: 'general' }),
    call('09:40:00', { answered: '09:40:10', ended: '09:45:10', agent: 'agent1', queue: 'general' }),
  ];
  const seats: SeatInterval[] = [
    { agent: 'agent1', state: 'busy', from: at('09:00:00'), to: at('09:15:00') },
    { agent: 'agent1', state: 'ready', from: at('09:15:00'), to: at('10:00:00') },
    { agent: 'agent2', state: 'ready', from: at('09:00:00'), to: at('10:00:00') },
  ];
  const query = { from: at('09:00:00'), to: at('10:00:00'), interval: '30m' as const };

  it('totals: one row per interval, equal to figuresFor', () => {
    const rows = callStatsRows(calls, seats, query);
    assert.deepEqual(rows.map((r) => [r.from, r.queue, r.agent, r.offered]), [[at('09:00:00'), null, null, 3], [at('09:30:00'), null, null, 1]]);
    const { from, to, queue, agent, ...figures } = rows[0];
    assert.deepEqual(figures, figuresFor(calls, seats, first));
    assert.equal(rows[0].occupancy, 15 / 60); // agent1 busy 15 of 30 min, agent2 ready 30
    assert.equal(rows[1].occupancy, 0);
  });
  it('by queue: a row per interval and queue, occupancy null', () => {
    const rows = callStatsRows(calls, seats, { ...query, by: 'queue' });
    assert.deepEqual(rows.map((r) => [r.from, r.queue, r.offered, r.answered, r.abandoned, r.occupancy]), [
      [at('09:00:00'), 'business', 1, 1, 0, null],
      [at('09:00:00'), 'general', 2, 1, 1, null],
      [at('09:30:00'), 'business', 0, 0, 0, null],
      [at('09:30:00'), 'general', 1, 1, 0, null],
    ]);
  });
  it('by agent: the agent’s calls and seat', () => {
    const rows = callStatsRows(calls, seats, { ...query, by: 'agent' });
    assert.deepEqual(rows.map((r) => [r.from, r.agent, r.answered, r.answeredWithin15s, r.occupancy]), [
      [at('09:00:00'), 'agent1', 1, 1, 0.5],
      [at('09:00:00'), 'agent2', 1, 0, 0],
      [at('09:30:00'), 'agent1', 1, 1, 0],
      [at('09:30:00'), 'agent2', 0, 0, 0],
    ]);
  });
  it('a queue filter keeps that queue’s calls', () => {
    const rows = callStatsRows(calls, seats, { ...query, interval: '1h', queue: 'general' });
    assert.deepEqual(rows.map((r) => [r.queue, r.offered, r.serviceLevel15s]), [['general', 3, 2 / 3]]);
  });
  it('a day’s row is the sum of its half hours', () => {
    const day = callStatsRows(calls, seats, { from: '2026-03-02T00:00:00+08:00', to: '2026-03-03T00:00:00+08:00', interval: 'day' });
    assert.equal(day.length, 1);
    assert.deepEqual([day[0].offered, day[0].answered, day[0].answeredWithin15s, day[0].abandoned, day[0].connectRate], [4, 3, 2, 1, 3 / 4]);
  });
});
