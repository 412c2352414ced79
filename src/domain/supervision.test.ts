// Table tests of the 督办 kinds (第二十七条): every deadline from the limit table through computeDeadline,
// over weekends, 调休 workdays and holidays; who may issue; the remaining-time wording.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkCalendar } from './calendar.ts';
import { officialCalendarData } from './official-holidays.ts';
import { formatShanghai, parseInstant } from './deadline.ts';
import { mudanjiang } from '../config/cities/mudanjiang.ts';
const DEFAULT_LIMITS = mudanjiang.limits;
import { describeRemaining, maySupervise, SUPERVISION_KINDS, SUPERVISION_RULES, supervisionDeadlines, type SupervisionKind } from './supervision.ts';

const official = new WorkCalendar(officialCalendarData());

function deadlines(kind: SupervisionKind, startLocal: string) {
  const start = parseInstant(startLocal)!;
  const d = supervisionDeadlines(kind, start, DEFAULT_LIMITS, official);
  return {
    reply: d.reply ? formatShanghai(d.reply.dueAt) : null,
    yellow: d.reply ? formatShanghai(d.reply.yellowAt) : null,
    plan: d.plan ? formatShanghai(d.plan.dueAt) : null,
  };
}

describe('督办 deadlines (第二十七条(三)) come from the limit table', () => {
  const cases: Array<[string, SupervisionKind, string, string | null, string | null]> = [
    // [why, kind, issued at, reply due, plan due]
    ['督办函: 2 working days over a weekend', 'special', '2026-03-06T10:00:00+08:00', '2026-03-10T23:59:59+08:00', null],
    ['督办函: over 国庆 (10-1..10-7 holidays)', 'special', '2026-09-30T16:00:00+08:00', '2026-10-09T23:59:59+08:00', null],
    ['督办函: over 春节, the 调休 Saturday 2-14 counts', 'special', '2026-02-13T10:00:00+08:00', '2026-02-24T23:59:59+08:00', null],
    ['督办函: issued on a Sunday evening', 'special', '2026-03-08T21:00:00+08:00', '2026-03-10T23:59:59+08:00', null],
    ['领导批示: 3 working days, plan in 1', 'leader', '2026-03-06T10:00:00+08:00', '2026-03-11T23:59:59+08:00', '2026-03-09T23:59:59+08:00'],
    ['领导批示: over 国庆, the 调休 Saturday 10-10 counts', 'leader', '2026-09-30T16:00:00+08:00', '2026-10-10T23:59:59+08:00', '2026-10-08T23:59:59+08:00'],
    ['共性问题: 5 working days', 'common', '2026-03-06T10:00:00+08:00', '2026-03-13T23:59:59+08:00', null],
    ['共性问题: over 国庆', 'common', '2026-09-30T16:00:00+08:00', '2026-10-13T23:59:59+08:00', null],
    ['电话督办: no deadline of its own', 'phone', '2026-03-06T10:00:00+08:00', null, null],
    ['协商督办: the designated unit gets fresh duties, the item none', 'consult', '2026-03-06T10:00:00+08:00', null, null],
    ['质效督办 (第二十六条): the 督办函’s 2 working days, over a weekend', 'quality', '2026-03-06T10:00:00+08:00', '2026-03-10T23:59:59+08:00', null],
    ['质效督办: over 国庆', 'quality', '2026-09-30T16:00:00+08:00', '2026-10-09T23:59:59+08:00', null],
  ];
  for (const [why, kind, start, reply, plan] of cases) {
    it(why, () => {
      const d = deadlines(kind, start);
      assert.equal(d.reply, reply);
      assert.equal(d.plan, plan);
    });
  }

  it('the yellow light starts at 00:00 of the last working day', () => {
    assert.equal(deadlines('special', '2026-09-30T16:00:00+08:00').yellow, '2026-10-09T00:00:00+08:00');
  });

  it('a city that changes a limit changes the deadline', () => {
    const limits = { ...DEFAULT_LIMITS, 'supervision.special': { unit: 'working_days' as const, amount: 3 } };
    const d = supervisionDeadlines('special', parseInstant('2026-03-06T10:00:00+08:00')!, limits, official);
    assert.equal(formatShanghai(d.reply!.dueAt), '2026-03-11T23:59:59+08:00');
    const quality = supervisionDeadlines('quality', parseInstant('2026-03-06T10:00:00+08:00')!, { ...DEFAULT_LIMITS, 'supervision.quality': { unit: 'working_days', amount: 4 } }, official);
    assert.equal(formatShanghai(quality.reply!.dueAt), '2026-03-12T23:59:59+08:00');
  });

  it('every kind with a deadline names a limit key, and every kind its article', () => {
    for (const kind of SUPERVISION_KINDS) {
      const rule = SUPERVISION_RULES[kind];
      assert.match(rule.article, kind === 'quality' ? /^第二十六条$/ : /^第二十七条/);
      if (rule.limitKey) assert.ok(DEFAULT_LIMITS[rule.limitKey]);
    }
  });
});

describe('督办: who issues each kind', () => {
  const cases: Array<[SupervisionKind, string, boolean]> = [
    ['phone', 'centre', true],
    ['phone', 'authority', false],
    ['consult', 'authority', true],
    ['consult', 'centre', false],
    ['special', 'authority', true],
    ['special', 'centre', false],
    ['special', 'unit_head', false],
    ['leader', 'authority', true],
    ['common', 'admin', true],
    ['common', 'agent', false],
    // 质效督办: issued by the quality review; the centre or the authority signs the reply off.
    ['quality', 'centre', true],
    ['quality', 'authority', true],
    ['quality', 'unit_head', false],
    ['quality', 'agent', false],
  ];
  for (const [kind, role, allowed] of cases) {
    it(`${kind} by ${role}: ${allowed ? 'allowed' : 'refused'}`, () => assert.equal(maySupervise(kind, role as any), allowed));
  }
});

describe('remaining time in words', () => {
  const cases: Array<[string, string, string]> = [
    ['2026-03-10T15:59:59.000Z', '2026-03-09T12:00:00.000Z', '剩余 1天3小时'],
    ['2026-03-10T15:59:59.000Z', '2026-03-10T14:00:00.000Z', '剩余 1小时59分'],
    ['2026-03-10T15:59:59.000Z', '2026-03-10T18:05:00.000Z', '超期 2小时5分'],
    ['2026-03-10T15:59:59.000Z', '2026-03-13T16:00:00.000Z', '超期 3天0小时'],
  ];
  for (const [due, now, text] of cases) it(`${due} at ${now}: ${text}`, () => assert.equal(describeRemaining(due, now), text));
});
