// The seat state machine, table-driven: each row a seat, an input and the seat and history after.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applySeatInput, loggedOffSeat, settleSeat, splitAtMidnights, shanghaiDay, type Seat, type SeatInput } from './seat-states.ts';

const T = (s: number) => new Date(Date.parse('2026-03-02T01:00:00.000Z') + s * 1000).toISOString();
const rules = { wrapUpSeconds: 60, notReadyReasons: { break: '小休', meal: '用餐' } };
const seat = (over: Partial<Seat>): Seat => ({ ...loggedOffSeat('agent1', T(0)), ...over });

interface Row {
  name: string;
  from: Seat;
  input: SeatInput;
  expect: Partial<Seat> | string;
  closed?: Array<[string, string, string]>;
}

const rows: Row[] = [
  { name: 'log on: ready', from: seat({}), input: { source: 'agent', state: 'ready', at: T(10) }, expect: { state: 'ready', since: T(10) }, closed: [['logged_off', T(0), T(10)]] },
  { name: 'not ready needs a reason', from: seat({ state: 'ready' }), input: { source: 'agent', state: 'not_ready', at: T(10) }, expect: 'reason_required' },
  { name: 'not ready with an unknown reason', from: seat({ state: 'ready' }), input: { source: 'agent', state: 'not_ready', reason: 'nap', at: T(10) }, expect: 'unknown_reason' },
  { name: 'not ready with a reason', from: seat({ state: 'ready' }), input: { source: 'agent', state: 'not_ready', reason: 'meal', at: T(10) }, expect: { state: 'not_ready', reason: 'meal' }, closed: [['ready', T(0), T(10)]] },
  { name: 'the switch may say not ready without a reason', from: seat({ state: 'ready' }), input: { source: 'switch', state: 'not_ready', at: T(10) }, expect: { state: 'not_ready', reason: null } },
  { name: 'an answered call: busy with it', from: seat({ state: 'ready' }), input: { source: 'call', state: 'busy', callId: 7, at: T(20) }, expect: { state: 'busy', callId: 7, since: T(20) }, closed: [['ready', T(0), T(20)]] },
  { name: 'the agent cannot leave a call from the console', from: seat({ state: 'busy', callId: 7 }), input: { source: 'agent', state: 'ready', at: T(30) }, expect: 'on_call' },
  { name: 'the end of the call: wrap-up with its limit', from: seat({ state: 'busy', callId: 7 }), input: { source: 'call', state: 'wrap_up', callId: 7, at: T(100) }, expect: { state: 'wrap_up', callId: 7, wrapUpUntil: T(160) }, closed: [['busy', T(0), T(100)]] },
  { name: 'ready before the limit', from: seat({ state: 'wrap_up', callId: 7, since: T(100), wrapUpUntil: T(160) }), input: { source: 'agent', state: 'ready', at: T(130) }, expect: { state: 'ready', callId: null, since: T(130) }, closed: [['wrap_up', T(100), T(130)]] },
  {
    name: 'a call after the limit passed: ready at the limit, then busy',
    from: seat({ state: 'wrap_up', callId: 7, since: T(100), wrapUpUntil: T(160) }),
    input: { source: 'call', state: 'busy', callId: 8, at: T(300) },
    expect: { state: 'busy', callId: 8, since: T(300) },
    closed: [['wrap_up', T(100), T(160)], ['ready', T(160), T(300)]],
  },
  { name: 'a late event older than the current state is stale', from: seat({ state: 'wrap_up', callId: 7, since: T(100), wrapUpUntil: T(160) }), input: { source: 'call', state: 'busy', callId: 7, at: T(20) }, expect: 'stale' },
  { name: 'the same state again changes nothing', from: seat({ state: 'busy', callId: 7, since: T(20) }), input: { source: 'call', state: 'busy', callId: 7, at: T(20) }, expect: { state: 'busy', since: T(20) }, closed: [] },
  { name: 'in one instant: the end of the previous call after the next answer is older', from: seat({ state: 'busy', callId: 8, since: T(100) }), input: { source: 'call', state: 'wrap_up', callId: 7, at: T(100) }, expect: 'stale' },
  { name: 'in one instant: ready after the next answer is older', from: seat({ state: 'busy', callId: 8, since: T(100) }), input: { source: 'switch', state: 'ready', at: T(100) }, expect: 'stale' },
  { name: 'in one instant: the next answer after ready stands', from: seat({ state: 'ready', since: T(100) }), input: { source: 'call', state: 'busy', callId: 8, at: T(100) }, expect: { state: 'busy', callId: 8 } },
  { name: 'in one instant: a call answered and ended at once goes to wrap-up', from: seat({ state: 'busy', callId: 8, since: T(100) }), input: { source: 'call', state: 'wrap_up', callId: 8, at: T(100) }, expect: { state: 'wrap_up', callId: 8 } },
  { name: 'the end of a call the agent logged off from brings no wrap-up', from: seat({ state: 'logged_off', since: T(50) }), input: { source: 'call', state: 'wrap_up', callId: 7, at: T(100) }, expect: { state: 'logged_off', since: T(50) }, closed: [] },
  { name: 'no wrap-up from logged off', from: seat({}), input: { source: 'agent', state: 'wrap_up', at: T(10) }, expect: 'not_logged_on' },
];

describe('applySeatInput', () => {
  for (const r of rows) {
    it(r.name, () => {
      const result = applySeatInput(r.from, r.input, rules);
      if (typeof r.expect === 'string') {
        assert.deepEqual(result, { ok: false, refusal: r.expect });
        return;
      }
      assert.ok(result.ok, JSON.stringify(result));
      for (const [k, v] of Object.entries(r.expect)) assert.deepEqual((result.seat as any)[k], v, k);
      if (r.closed) assert.deepEqual(result.closed.map((c) => [c.state, c.from, c.to]), r.closed);
    });
  }
});

describe('settleSeat', () => {
  it('wrap-up becomes ready by itself at its limit, not before', () => {
    const s = seat({ state: 'wrap_up', callId: 7, since: T(100), wrapUpUntil: T(160) });
    assert.equal(settleSeat(s, T(159)).seat.state, 'wrap_up');
    const settled = settleSeat(s, T(161));
    assert.deepEqual([settled.seat.state, settled.seat.since], ['ready', T(160)]);
    assert.deepEqual(settled.closed.map((c) => [c.state, c.from, c.to, c.callId]), [['wrap_up', T(100), T(160), 7]]);
  });
});

describe('splitAtMidnights', () => {
  it('cuts a stretch at Shanghai midnights', () => {
    // 2026-03-02 23:00 +08 → 2026-03-04 01:00 +08: three pieces
    const pieces = splitAtMidnights({ agent: 'a', state: 'ready', reason: null, callId: null, from: '2026-03-02T15:00:00.000Z', to: '2026-03-03T17:00:00.000Z' });
    assert.deepEqual(
      pieces.map((p) => [p.from, p.to]),
      [
        ['2026-03-02T15:00:00.000Z', '2026-03-02T16:00:00.000Z'],
        ['2026-03-02T16:00:00.000Z', '2026-03-03T16:00:00.000Z'],
        ['2026-03-03T16:00:00.000Z', '2026-03-03T17:00:00.000Z'],
      ],
    );
    assert.equal(shanghaiDay('2026-03-02T15:59:59.000Z'), '2026-03-02');
    assert.equal(shanghaiDay('2026-03-02T16:00:00.000Z'), '2026-03-03');
  });
});
