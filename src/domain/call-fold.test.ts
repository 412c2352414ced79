// The fold of a call's events, table-driven: complete streams, shuffled, repeated and with holes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { foldCall, isMissed, seatEffectsOf, type FoldEvent } from './call-fold.ts';

const T = (s: number) => new Date(Date.parse('2026-03-02T01:00:00.000Z') + s * 1000).toISOString();
const offered: FoldEvent = { seq: 1, type: 'offered', at: T(0), caller: '13900001111', trunk: '12345', queue: 'general' };
const queued: FoldEvent = { seq: 2, type: 'queued', at: T(1), queue: 'enterprise' };
const ringing: FoldEvent = { seq: 3, type: 'ringing', at: T(8), agent: 'agent1' };
const answered: FoldEvent = { seq: 4, type: 'answered', at: T(12), agent: 'agent1' };
const ended: FoldEvent = { seq: 5, type: 'ended', at: T(200) };
const recording: FoldEvent = { seq: 6, type: 'recording', at: T(205), recordingUrl: 'https://rec.example/1.wav' };

interface Case {
  name: string;
  events: FoldEvent[];
  expect: Partial<ReturnType<typeof foldCall> & object>;
}

const cases: Case[] = [
  {
    name: 'a complete answered call',
    events: [offered, queued, ringing, answered, ended, recording],
    expect: { caller: '13900001111', trunk: '12345', queue: 'enterprise', agent: 'agent1', offeredAt: T(0), answeredAt: T(12), endedAt: T(200), abandonedAt: null, status: 'ended', outcome: 'answered', recordingUrl: 'https://rec.example/1.wav', events: 6, lastSeq: 6 },
  },
  {
    name: 'the same events shuffled and repeated',
    events: [recording, ended, answered, offered, answered, queued, ringing, ended],
    expect: { queue: 'enterprise', agent: 'agent1', answeredAt: T(12), endedAt: T(200), outcome: 'answered', events: 6 },
  },
  {
    name: 'a repeat with another payload: the first copy of a sequence number wins',
    events: [offered, { ...offered, caller: '13000000000' }],
    expect: { caller: '13900001111', status: 'offered', outcome: null, events: 1 },
  },
  {
    name: 'answered without ringing or queued: the answering agent',
    events: [offered, { ...answered, seq: 2, agent: 'agent2' }],
    expect: { agent: 'agent2', status: 'answered', outcome: 'answered', queue: 'general', ringingAt: null },
  },
  {
    name: 'answered without an agent: the seat it rang at',
    events: [offered, ringing, { ...answered, agent: undefined }],
    expect: { agent: 'agent1', status: 'answered' },
  },
  {
    name: 'ended without answered is abandoned at the end',
    events: [offered, queued, { ...ended, seq: 3, at: T(40) }],
    expect: { agent: null, abandonedAt: T(40), endedAt: T(40), status: 'ended', outcome: 'abandoned' },
  },
  {
    name: 'abandoned while ringing: no agent, the seat it rang at kept apart',
    events: [offered, ringing, { seq: 4, type: 'abandoned', at: T(20) }],
    expect: { agent: null, ringingAgent: 'agent1', abandonedAt: T(20), endedAt: T(20), outcome: 'abandoned' },
  },
  {
    name: 'without the offer: the earliest event stands for it, the default queue',
    events: [{ ...ringing, queue: undefined }, answered],
    expect: { offeredAt: T(8), queue: 'general', caller: null, outcome: 'answered' },
  },
  {
    name: 'an abandon that contradicts an answer: the answer stands',
    events: [offered, answered, { seq: 5, type: 'abandoned', at: T(30) }, { ...ended, seq: 6 }],
    expect: { outcome: 'answered', abandonedAt: null, endedAt: T(200) },
  },
  {
    name: 'a blind transfer, then the end',
    events: [offered, answered, { seq: 5, type: 'transferred', at: T(60), agent: 'agent1', transfer: { mode: 'blind', target: { kind: 'emergency', number: '110' } } }, { ...ended, seq: 6, at: T(90) }],
    expect: { transfer: { mode: 'blind', target: { kind: 'emergency', number: '110' }, at: T(60) }, endedAt: T(90), outcome: 'answered' },
  },
  {
    name: 'unanswered but transferred: not abandoned',
    events: [offered, { seq: 2, type: 'transferred', at: T(3), transfer: { mode: 'blind', target: { kind: 'queue', queue: 'dialect' } } }, { ...ended, seq: 3, at: T(4) }],
    expect: { outcome: null, abandonedAt: null, status: 'ended' },
  },
];

describe('foldCall', () => {
  for (const c of cases) {
    it(c.name, () => {
      const folded = foldCall(c.events, 'general');
      assert.ok(folded);
      for (const [k, v] of Object.entries(c.expect)) assert.deepEqual((folded as any)[k], v, k);
    });
  }
  it('agent_state events alone are no call', () => {
    assert.equal(foldCall([{ seq: 1, type: 'agent_state', at: T(0), agent: 'agent1' }], 'general'), null);
  });
});

describe('seatEffectsOf', () => {
  const fold = (events: FoldEvent[]) => foldCall(events, 'general')!;
  const busy = { agent: 'agent1', state: 'busy', at: T(12) };
  it('busy from the answer while the call runs', () => {
    assert.deepEqual(seatEffectsOf(fold([offered, answered])), [busy]);
  });
  it('then after-call work from the end', () => {
    assert.deepEqual(seatEffectsOf(fold([offered, answered, ended])), [busy, { agent: 'agent1', state: 'wrap_up', at: T(200) }]);
  });
  it('after-call work from a blind transfer; a three-way call keeps the agent to the end', () => {
    const blind: FoldEvent = { seq: 5, type: 'transferred', at: T(60), transfer: { mode: 'blind', target: { kind: 'unit', unitCode: 'ZJJ' } } };
    assert.deepEqual(seatEffectsOf(fold([offered, answered, blind])), [busy, { agent: 'agent1', state: 'wrap_up', at: T(60) }]);
    assert.deepEqual(seatEffectsOf(fold([offered, answered, { ...blind, transfer: { mode: 'three_way', target: { kind: 'unit', unitCode: 'ZJJ' } } }])), [busy]);
  });
  it('nothing for an unanswered call', () => {
    assert.deepEqual(seatEffectsOf(fold([offered, ringing, { seq: 4, type: 'abandoned', at: T(20) }])), []);
  });
});

describe('isMissed', () => {
  const abandonedAfter = (s: number) => foldCall([offered, { seq: 2, type: 'abandoned', at: T(s) }], 'general')!;
  it('an abandon at or after the short threshold is missed; a shorter one only when the city asks', () => {
    assert.equal(isMissed(abandonedAfter(5), 5, false), true);
    assert.equal(isMissed(abandonedAfter(4), 5, false), false);
    assert.equal(isMissed(abandonedAfter(4), 5, true), true);
  });
  it('answered or running calls are not missed', () => {
    assert.equal(isMissed(foldCall([offered, answered, ended], 'general')!, 5, true), false);
    assert.equal(isMissed(foldCall([offered], 'general')!, 5, true), false);
  });
});
