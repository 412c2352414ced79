// The evaluation's rules through the HTTP API on a hand-made March 2026, on both engines: a late
// return is an overdue case (第十五条), a co-handler whose opinion the lead's reply superseded after
// its deadline is held to it, an in-time return or supersession counts against no one; 满意率 leaves
// out only 第二十五条 matters and the authority's recorded decisions; tiers; and every figure opens
// down to records whose counts are the published figures.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, tableCounts, type TestApp } from '../../test/support/app.ts';
import { newTicket, ok, setClock, sh } from '../../test/support/handling.ts';
import { EMPTY_COUNTS } from '../domain/evaluation.ts';
import { apiCounts, recompute } from '../../test/support/evaluation-recompute.ts';
import { DRILLABLE } from './drilldown.ts';

const REPLY = { content: '已到现场核实并处理完毕，已电话告知诉求人处理结果。' };
const base = '/api/v1/evaluation/months/2026-03';

/** Numerator and denominator of each drillable figure, from a row's counts. */
const FIGURES: Record<string, [string, string | null]> = {
  signRate: ['signed', 'assigned'],
  signOnTimeRate: ['signedOnTime', 'assigned'],
  completionRate: ['completed', 'due'],
  completionOnTimeRate: ['completedOnTime', 'due'],
  satisfactionRate: ['satisfied', 'rated'],
  returnRate: ['returns', 'leadAssigned'],
  improperReturnRate: ['improperReturns', 'leadAssigned'],
  extensionRate: ['extensions', 'due'],
  overdueUnexplained: ['overdueUnexplained', null],
  coHandlingLate: ['coHandlingLate', null],
};

describeEachEngine('evaluation rules: cancelled duties, 满意率 exclusions, tiers, drill-down', (engine) => {
  let t: TestApp;
  const no: Record<string, string> = {};
  const callbackOf: Record<string, number> = {};
  const month = async (by = 'authority1') => {
    const res = await (await t.as(by)).get(base);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const rowOf = (m: any, code: string) => m.rows.find((r: any) => r.unit.code === code);
  const drill = async (code: string, indicator: string, by = 'authority1') => (await t.as(by)).get(`${base}/units/${code}/indicators/${indicator}`);

  before(async () => {
    t = await startTestApp(engine);
    setClock(t, '2026-03-02T09:00');
    no.late = (await newTicket(t)).no; // returned late (window ends 4 March 24:00)
    no.inTime = (await newTicket(t)).no; // returned in time, accepted after the sign deadline
    no.coMissing = (await newTicket(t, { type: 'consultation', dispatch: { leadUnitCode: 'ZJJ', coUnitCodes: ['SCJGJ'] } })).no;
    no.coSuperseded = (await newTicket(t, { type: 'consultation', dispatch: { leadUnitCode: 'ZJJ', coUnitCodes: ['DAQ'] } })).no;
    no.exempt = (await newTicket(t, { categoryCode: 'CSGL-WJ', facts: '小区内有人私搭乱建棚厦，占用公共通道', dispatch: { leadUnitCode: 'ZJJ' } })).no;
    no.unreasonable = (await newTicket(t)).no;
    no.satisfied = (await newTicket(t)).no;
    setClock(t, '2026-03-02T10:00');
    for (const k of ['coMissing', 'coSuperseded', 'exempt', 'unreasonable', 'satisfied']) await ok(t, 'zjj.staff', no[k], 'sign');
    await ok(t, 'scjgj.staff', no.coMissing, 'sign');
    setClock(t, '2026-03-02T15:00');
    // The lead answers before 东安区's opinion was due: the opinion is superseded in time.
    await ok(t, 'zjj.staff', no.coSuperseded, 'reply', REPLY);
    setClock(t, '2026-03-03T10:00');
    await ok(t, 'zjj.staff', no.inTime, 'return', { reason: '不属于本单位职责', basis: '三定方案', suggestedUnitCode: 'SCJGJ' });
    for (const k of ['exempt', 'unreasonable', 'satisfied']) await ok(t, 'zjj.staff', no[k], 'reply', REPLY);
    setClock(t, '2026-03-05T10:00');
    await ok(t, 'zjj.staff', no.late, 'return', { reason: '不属于本单位职责', basis: '三定方案', suggestedUnitCode: 'SCJGJ' });
    // Past both consultation deadlines (4 March 24:00): the lead late, 市场监管局's opinion never given.
    await ok(t, 'zjj.staff', no.coMissing, 'reply', REPLY);
    setClock(t, '2026-03-05T11:00');
    for (const k of ['late', 'inTime']) await ok(t, 'centre1', no[k], 'decide_return', { accept: true, leadUnitCode: 'SCJGJ' });
    setClock(t, '2026-03-06T10:00');
    for (const k of ['late', 'inTime']) {
      await ok(t, 'scjgj.staff', no[k], 'sign');
      await ok(t, 'scjgj.staff', no[k], 'reply', REPLY);
    }
    setClock(t, '2026-03-09T10:00');
    const ratings: Record<string, object> = {
      exempt: { reached: true, satisfaction: 'very_unsatisfied', reasonable: false },
      unreasonable: { reached: true, satisfaction: 'unsatisfied', reasonable: false },
      satisfied: { reached: true, satisfaction: 'satisfied' },
    };
    for (const [k, body] of Object.entries(ratings)) {
      await ok(t, 'centre1', no[k], 'review', { pass: true });
      await ok(t, 'centre1', no[k], 'callback', body);
    }
    const callbacks = await t.ctx.store.db.selectFrom('callbacks as c').innerJoin('tickets as k', 'k.id', 'c.ticket_id').select(['c.id', 'k.no']).execute();
    for (const [k, n] of Object.entries(no)) {
      const cb = callbacks.find((c) => c.no === n);
      if (cb) callbackOf[k] = Number(cb.id);
    }
    setClock(t, '2026-04-02T12:00');
  });
  after(() => t.close());

  it('counts a late return as overdue, the co-handler’s missing opinion, and neither an in-time return nor a superseded opinion', async () => {
    const m = await month();
    assert.deepEqual(rowOf(m, 'ZJJ').counts, {
      ...EMPTY_COUNTS,
      // Signs: the late return's unsigned sign counts (not signed); the in-time return's does not.
      assigned: 6,
      signed: 5,
      signedOnTime: 5,
      leadAssigned: 7,
      // Replies: the late return's (超期退回, not done), the co-handled consultation answered late, four on time.
      due: 6,
      completed: 5,
      completedOnTime: 4,
      overdueUnexplained: 2,
      // The 物业 complaint judged unreasonable counts; the 违章建筑 complaint is exempt (执法办案类, 第二十五条).
      rated: 2,
      satisfied: 1,
      ratedUnreasonable: 1,
      ratedExempt: 1,
      returns: 2,
    });
    assert.deepEqual(rowOf(m, 'SCJGJ').counts, {
      ...EMPTY_COUNTS,
      assigned: 3,
      signed: 3,
      signedOnTime: 3,
      leadAssigned: 2,
      due: 3,
      completed: 2,
      completedOnTime: 2,
      overdueUnexplained: 1,
      coHandlingLate: 1,
    });
    assert.deepEqual(rowOf(m, 'DAQ').counts, EMPTY_COUNTS);
    assert.deepEqual(rowOf(m, 'SCJGJ').triggers.map((x: any) => x.key), ['overdue_unexplained', 'role_neglected']);
  });

  it('equals the recomputation from every row, cancelled duties included', async () => {
    const raw = await recompute(t, { from: sh('2026-03-01T00:00'), to: sh('2026-04-01T00:00') }, t.ctx.clock.now());
    const fromApi = apiCounts((await month()).rows);
    const nonZero = [...raw].filter(([, c]) => Object.values(c).some((v) => v > 0));
    for (const [unitId, counts] of nonZero) assert.deepEqual(fromApi.get(t.ctx.org.get(unitId)!.code), counts);
    assert.equal(nonZero.length, fromApi.size);
  });

  it('opens every figure down to its records, each with why it counts, and the counts are the figures', async () => {
    const m = await month();
    for (const code of ['ZJJ', 'SCJGJ', 'DAQ']) {
      const row = rowOf(m, code);
      for (const indicator of DRILLABLE) {
        const res = await drill(code, indicator);
        assert.equal(res.status, 200, `${code} ${indicator}: ${JSON.stringify(res.body)}`);
        const [n, d] = FIGURES[indicator];
        assert.equal(res.body.numerator, row.counts[n], `${code} ${indicator} numerator`);
        assert.equal(res.body.denominator, d ? row.counts[d] : null, `${code} ${indicator} denominator`);
        if (d) assert.equal(res.body.value, row.indicators[indicator], `${code} ${indicator} value`);
        assert.ok([...res.body.items, ...res.body.leftOut].every((i: any) => i.ticketNo && i.why), `${code} ${indicator} items name their ticket and reason`);
      }
    }
    const completion = (await drill('ZJJ', 'completionRate')).body;
    const late = completion.items.find((i: any) => i.ticketNo === no.late);
    assert.equal(late.outcome, 'late_return');
    assert.equal(late.inNumerator, false);
    assert.match(late.why, /超期退回/);
    const inTime = completion.leftOut.find((i: any) => i.ticketNo === no.inTime);
    assert.equal(inTime.outcome, 'not_counted');
    const co = (await drill('SCJGJ', 'coHandlingLate')).body;
    assert.deepEqual(co.items.map((i: any) => [i.ticketNo, i.kind, i.outcome]), [[no.coMissing, '协办意见', 'cancelled_overdue']]);
    const daq = (await drill('DAQ', 'completionRate')).body;
    assert.deepEqual(daq.leftOut.map((i: any) => [i.ticketNo, i.outcome]), [[no.coSuperseded, 'not_counted']]);
    const satisfaction = (await drill('ZJJ', 'satisfactionRate')).body;
    assert.deepEqual(satisfaction.leftOut.map((i: any) => [i.ticketNo, i.outcome]), [[no.exempt, 'exempt']]);
    assert.match(satisfaction.leftOut[0].why, /执法办案类.*第二十五条/);
    assert.match(satisfaction.items.find((i: any) => i.ticketNo === no.unreasonable).why, /判定诉求不合理.*仍计入/);
  });

  it('refuses a bad exclusion naming the field, lets only the authority decide, and changes nothing when refused', async () => {
    const authority = await t.as('authority1');
    const before = { ...(await tableCounts(t.ctx)), exclusions: (await t.ctx.store.db.selectFrom('evaluation_exclusions').select('id').execute()).length };
    const post = (by: string, body: unknown) => t.as(by).then((c) => c.post(`${base}/exclusions`, body));
    const noReason = await post('authority1', { callbackId: callbackOf.unreasonable, exclude: true });
    assert.equal(noReason.status, 400);
    assert.match(noReason.body.title, /理由/);
    const blank = await post('authority1', { callbackId: callbackOf.unreasonable, exclude: true, reason: '   ' });
    assert.equal(blank.status, 400);
    assert.equal(blank.body.errors[0].field, 'reason');
    const missing = await post('authority1', { callbackId: 999999, exclude: true, reason: '诉求人恶意差评' });
    assert.equal(missing.status, 400);
    assert.match(missing.body.title, /回访评价/);
    const otherMonth = await authority.post('/api/v1/evaluation/months/2026-02/exclusions', { callbackId: callbackOf.unreasonable, exclude: true, reason: '诉求人恶意差评' });
    assert.equal(otherMonth.status, 400);
    const exempt = await post('authority1', { callbackId: callbackOf.exempt, exclude: true, reason: '执法类' });
    assert.equal(exempt.status, 409);
    assert.match(exempt.body.title, /第二十五条/);
    const putBack = await post('authority1', { callbackId: callbackOf.unreasonable, exclude: false, reason: '本就计入' });
    assert.equal(putBack.status, 409);
    for (const by of ['centre1', 'admin', 'zjj.head']) assert.equal((await post(by, { callbackId: callbackOf.unreasonable, exclude: true, reason: '恶意差评' })).status, 403, by);
    const afterRefusals = { ...(await tableCounts(t.ctx)), exclusions: (await t.ctx.store.db.selectFrom('evaluation_exclusions').select('id').execute()).length };
    assert.deepEqual(afterRefusals, before);
  });

  it('leaves a rating out only by the authority’s recorded decision, shown in the unit’s evaluation and drill-down, audited and reversible', async () => {
    const authority = await t.as('authority1');
    const excluded = await authority.post(`${base}/exclusions`, { callbackId: callbackOf.unreasonable, exclude: true, reason: '诉求人要求超出政策规定，经核实属恶意差评' });
    assert.equal(excluded.status, 200, JSON.stringify(excluded.body));
    assert.deepEqual(excluded.body, { callbackId: callbackOf.unreasonable, ticketNo: no.unreasonable, unitCode: 'ZJJ', exclude: true });
    let zjj = rowOf(await month(), 'ZJJ');
    assert.deepEqual([zjj.counts.rated, zjj.counts.satisfied, zjj.counts.ratedExcluded, zjj.counts.ratedUnreasonable], [1, 1, 1, 0]);
    assert.equal(zjj.indicators.satisfactionRate, 1);
    assert.deepEqual(
      zjj.exclusions.map((x: any) => [x.ticketNo, x.satisfaction, x.reason, x.by]),
      [[no.unreasonable, 'unsatisfied', '诉求人要求超出政策规定，经核实属恶意差评', 'authority1']],
    );
    assert.match(zjj.exclusions[0].at, /\+08:00$/);
    const drilled = (await drill('ZJJ', 'satisfactionRate')).body;
    const item = drilled.leftOut.find((i: any) => i.ticketNo === no.unreasonable);
    assert.equal(item.outcome, 'excluded');
    assert.match(item.why, /热线主管部门决定不计入：诉求人要求超出政策规定.*authority1/);
    const audit = await t.ctx.store.db.selectFrom('events').select(['action', 'detail', 'role']).where('action', '=', 'evaluation_exclusion').execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0].role, 'authority');
    assert.equal(JSON.parse(audit[0].detail!).reason, '诉求人要求超出政策规定，经核实属恶意差评');
    // A later decision puts it back: the rating counts again, the history keeps both.
    const back = await authority.post(`${base}/exclusions`, { callbackId: callbackOf.unreasonable, exclude: false, reason: '复核：诉求人要求合理，恢复计入' });
    assert.equal(back.status, 200);
    zjj = rowOf(await month(), 'ZJJ');
    assert.deepEqual([zjj.counts.rated, zjj.counts.ratedExcluded, zjj.exclusions.length], [2, 0, 0]);
    assert.match((await drill('ZJJ', 'satisfactionRate')).body.items.find((i: any) => i.ticketNo === no.unreasonable).why, /已恢复计入/);
    assert.equal((await t.ctx.store.db.selectFrom('events').select('id').where('action', '=', 'evaluation_exclusion').execute()).length, 2);
    const raw = await recompute(t, { from: sh('2026-03-01T00:00'), to: sh('2026-04-01T00:00') }, t.ctx.clock.now());
    assert.equal(raw.get(t.ctx.org.byCodeOrUndefined('ZJJ')!.id)!.rated, 2);
  });

  it('ranks each tier on its own above the minimum volume', async () => {
    const city = t.ctx.city;
    t.ctx.city = { ...city, evaluation: { ...city.evaluation, ranking: { ...city.evaluation.ranking, minTickets: 3 } } };
    try {
      const m = await month();
      const departments = m.rows.filter((r: any) => r.tier?.key === 'department');
      const ranked = departments.filter((r: any) => r.rank !== null);
      assert.deepEqual(ranked.map((r: any) => r.unit.code).sort(), ['SCJGJ', 'ZJJ']);
      assert.deepEqual(ranked.map((r: any) => r.rank), [1, 2]);
      assert.ok(ranked[0].score >= ranked[1].score);
      assert.deepEqual(departments.slice(0, 2), ranked, 'ranked units first in their tier');
      assert.equal(rowOf(m, 'DAQ').tier.label, '县（市）区');
      assert.equal(rowOf(m, 'DAQ').rank, null);
      assert.equal(m.ranking.minTickets, 3);
    } finally {
      t.ctx.city = city;
    }
  });

  it('shows a unit its own drill-down once published, and no other unit’s', async () => {
    const unit = await t.as('zjj.staff');
    assert.equal((await unit.get(`${base}/units/ZJJ/indicators/completionRate`)).status, 404);
    assert.equal((await unit.get(`${base}/units/SCJGJ/indicators/completionRate`)).status, 403);
    assert.equal((await (await t.as('agent1')).get(`${base}/units/ZJJ/indicators/completionRate`)).status, 403);
    const bad = await drill('ZJJ', 'nope');
    assert.equal(bad.status, 400);
    assert.match(bad.body.title, /指标/);
    assert.equal((await drill('NOPE', 'completionRate')).status, 404);
    const published = await (await t.as('authority1')).post(`${base}/publish`, {});
    assert.equal(published.status, 200);
    const row = rowOf(published.body, 'ZJJ');
    for (const indicator of DRILLABLE) {
      const res = await unit.get(`${base}/units/ZJJ/indicators/${indicator}`);
      assert.equal(res.status, 200, indicator);
      const [n, d] = FIGURES[indicator];
      assert.deepEqual([res.body.numerator, res.body.denominator], [row.counts[n], d ? row.counts[d] : null], indicator);
    }
    assert.equal((await unit.get(`${base}/units/SCJGJ/indicators/completionRate`)).status, 403);
    assert.equal((await drill('SCJGJ', 'completionRate', 'centre1')).status, 200);
  });
});
