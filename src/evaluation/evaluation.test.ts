// The monthly evaluation through the HTTP API on a hand-made March 2026 whose figures are worked out
// below by hand, on both engines; the same month recomputed from the raw rows; publication, the
// authority's decisions on triggers, and who sees what.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, tableCounts, type TestApp } from '../../test/support/app.ts';
import { newTicket, ok, setClock, sh } from '../../test/support/handling.ts';
import { EMPTY_COUNTS } from '../domain/evaluation.ts';
import { apiCounts, recompute } from '../../test/support/evaluation-recompute.ts';

const REPLY = { content: '已联系物业公司，楼道垃圾已于当日清运完毕，并约定每日清理。' };

describeEachEngine('monthly evaluation (第二十九条, 第三十一条(二))', (engine) => {
  let t: TestApp;
  let march: any;
  before(async () => {
    t = await startTestApp(engine);
    // February: T0 dispatched and signed; its reply falls due in March.
    setClock(t, '2026-02-27T10:00');
    const t0 = await newTicket(t);
    setClock(t, '2026-02-27T11:00');
    await ok(t, 'zjj.staff', t0.no, 'sign');
    // 2 March: four tickets to 住建局; T2 with 市场监管局 co-handling.
    setClock(t, '2026-03-02T09:00');
    const [t1, t2, t3, t4] = [await newTicket(t), await newTicket(t, { dispatch: { leadUnitCode: 'ZJJ', coUnitCodes: ['SCJGJ'] } }), await newTicket(t), await newTicket(t)];
    setClock(t, '2026-03-02T10:00');
    await ok(t, 'zjj.staff', t1.no, 'sign');
    await ok(t, 'zjj.staff', t3.no, 'sign');
    await ok(t, 'scjgj.staff', t2.no, 'sign');
    setClock(t, '2026-03-02T11:00');
    await ok(t, 'zjj.staff', t4.no, 'return', { reason: '不属于本单位职责', basis: '三定方案' });
    setClock(t, '2026-03-03T09:00');
    await ok(t, 'zjj.staff', t0.no, 'reply', REPLY);
    setClock(t, '2026-03-03T10:00');
    await ok(t, 'centre1', t4.no, 'decide_return', { accept: false, improper: true, note: '物业监管属住建部门职责' });
    setClock(t, '2026-03-03T12:00');
    await ok(t, 'zjj.staff', t4.no, 'sign');
    // T2 signed after the 1-working-day limit (due 3 March 24:00).
    setClock(t, '2026-03-04T10:00');
    await ok(t, 'zjj.staff', t2.no, 'sign');
    await ok(t, 'zjj.staff', t3.no, 'request_extension', { amount: 5, reason: '需协调多个部门现场踏勘' });
    setClock(t, '2026-03-05T10:00');
    await ok(t, 'zjj.staff', t1.no, 'reply', REPLY);
    setClock(t, '2026-03-06T09:00');
    for (const no of [t0.no, t1.no]) {
      await ok(t, 'centre1', no, 'review', { pass: true });
      await ok(t, 'centre1', no, 'callback', { reached: true, satisfaction: 'satisfied' });
    }
    setClock(t, '2026-03-10T10:00');
    await ok(t, 'zjj.staff', t4.no, 'reply', REPLY);
    setClock(t, '2026-03-11T09:00');
    await ok(t, 'centre1', t4.no, 'review', { pass: true });
    // Unsatisfied, and the centre judges the demand unreasonable: that is information, the rating counts.
    await ok(t, 'centre1', t4.no, 'callback', { reached: true, satisfaction: 'unsatisfied', reasonable: false });
    // The month's edges are Shanghai's: 23:30 on 31 March is March, 00:30 on 1 April is April.
    setClock(t, '2026-03-31T23:30');
    const t6 = await newTicket(t);
    setClock(t, '2026-04-01T00:30');
    await newTicket(t);
    setClock(t, '2026-04-01T09:00');
    await ok(t, 'zjj.staff', t6.no, 'sign');
    setClock(t, '2026-04-02T12:00');
    const res = await (await t.as('authority1')).get('/api/v1/evaluation/months/2026-03');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    march = res.body;
  });
  after(() => t.close());

  const rowOf = (code: string) => march.rows.find((r: any) => r.unit.code === code);

  it('counts 住建局’s March as worked out by hand', () => {
    const zjj = rowOf('ZJJ');
    assert.deepEqual(zjj.counts, {
      ...EMPTY_COUNTS,
      // Sign duties opened in March: T1–T4 and T6 (23:30 on the 31st); T2 signed late; T7 is April's.
      assigned: 5,
      signed: 5,
      signedOnTime: 4,
      leadAssigned: 5,
      // Replies due in March: T0 (dispatched in February), T1, T4 done on time; T2 and T3 open past the deadline, T3 with an extension asked.
      due: 5,
      completed: 3,
      completedOnTime: 3,
      overdueUnexplained: 1,
      // T0 and T1 satisfied; T4 unsatisfied: the centre judged the demand unreasonable, but only the
      // authority's recorded decision can leave a rating out (第二十五条 exempts no 物业 complaint).
      rated: 3,
      satisfied: 2,
      ratedUnreasonable: 1,
      returns: 1,
      improperReturns: 1,
      extensions: 1,
    });
    assert.deepEqual(
      { ...zjj.indicators },
      { signRate: 1, signOnTimeRate: 0.8, completionRate: 0.6, completionOnTimeRate: 0.6, satisfactionRate: 2 / 3, returnRate: 0.2, improperReturnRate: 0.2, extensionRate: 0.2, kbUpkeepRate: null },
    );
    // (10·1 + 15·0.8 + 15·0.6 + 20·0.6 + 25·⅔ + 5·0.8 + 5·0.8) ÷ 95 (退单率 weighs 0; no knowledge-base entry was due)
    assert.equal(zjj.score, Math.round(((10 + 12 + 9 + 12 + 25 * (2 / 3) + 4 + 4) / 95) * 10000) / 100);
    assert.deepEqual(zjj.triggers.map((x: any) => x.key), ['overdue_unexplained', 'improper_returns']);
    assert.equal(zjj.triggers[1].detail, '不当退单 1 件，占工单总数 5 件的 20%');
  });

  it('holds the co-handler to its opinion', () => {
    const scjgj = rowOf('SCJGJ');
    assert.deepEqual(scjgj.counts, { ...EMPTY_COUNTS, assigned: 1, signed: 1, signedOnTime: 1, due: 1, overdueUnexplained: 1, coHandlingLate: 1 });
    assert.deepEqual(scjgj.triggers.map((x: any) => x.key), ['overdue_unexplained', 'role_neglected']);
  });

  it('ranks each tier on its own; a unit with fewer 派单 than the city’s minimum is listed, not ranked', () => {
    const tiers = t.ctx.city.evaluation.ranking.tiers;
    for (const r of march.rows) assert.equal(r.tier?.key ?? null, tiers.find((x) => x.kinds.includes(r.unit.kind))?.key ?? null, r.unit.code);
    // Tier by tier, in the config's order.
    const order = march.rows.map((r: any) => tiers.findIndex((x) => x.key === r.tier?.key));
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
    const zjj = rowOf('ZJJ');
    assert.equal(zjj.tier.label, '市直部门');
    assert.equal(zjj.rank, null);
    assert.equal(zjj.rankNote, `派单 5 件，少于参加排名的 ${t.ctx.city.evaluation.ranking.minTickets} 件`);
    assert.ok(march.rows.every((r: any) => r.rank === null));
    assert.ok(!march.rows.some((r: any) => ['centre', 'authority', 'government'].includes(r.unit.kind)));
    assert.equal(march.complete, true);
    assert.equal(march.from, '2026-03-01T00:00:00+08:00');
  });

  it('equals a recomputation from the raw rows', async () => {
    const range = { from: sh('2026-03-01T00:00'), to: sh('2026-04-01T00:00') };
    const raw = await recompute(t, range, t.ctx.clock.now());
    const fromApi = apiCounts(march.rows);
    assert.ok(fromApi.size >= 2);
    const nonZero = [...raw].filter(([, c]) => Object.values(c).some((v) => v > 0));
    for (const [unitId, counts] of nonZero) assert.deepEqual(fromApi.get(t.ctx.org.get(unitId)!.code), counts, t.ctx.org.get(unitId)!.code);
    assert.equal(nonZero.length, fromApi.size);
  });

  it('is published by the authority once the month is over, and then every unit sees the ranking', async () => {
    const unit = await t.as('zjj.staff');
    const before = await unit.get('/api/v1/evaluation/months/2026-03');
    assert.equal(before.status, 404);
    assert.match(before.body.title, /尚未发布/);
    const authority = await t.as('authority1');
    const early = await authority.post('/api/v1/evaluation/months/2026-04/publish', {});
    assert.equal(early.status, 409);
    assert.match(early.body.title, /尚未结束/);
    assert.equal((await unit.post('/api/v1/evaluation/months/2026-03/publish', {})).status, 403);
    const published = await authority.post('/api/v1/evaluation/months/2026-03/publish', {});
    assert.equal(published.status, 200, JSON.stringify(published.body));
    const seen = await unit.get('/api/v1/evaluation/months/2026-03');
    assert.equal(seen.status, 200);
    assert.deepEqual(seen.body.rows.map((r: any) => [r.unit.code, r.rank, r.score]), march.rows.map((r: any) => [r.unit.code, r.rank, r.score]));
    assert.equal(seen.body.published.by !== null, true);
    assert.deepEqual((await unit.get('/api/v1/evaluation/published')).body.items.map((i: any) => i.month), ['2026-03']);
  });

  it('lists the triggers for the authority to confirm or dismiss, with a reason', async () => {
    const authority = await t.as('authority1');
    const counts = await tableCounts(t.ctx);
    const noReason = await authority.post('/api/v1/evaluation/months/2026-03/findings', { unitCode: 'ZJJ', trigger: 'overdue_unexplained', decision: 'dismissed' });
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.errors[0].field, 'note');
    const notHit = await authority.post('/api/v1/evaluation/months/2026-03/findings', { unitCode: 'ZJJ', trigger: 'low_satisfaction', decision: 'confirmed' });
    assert.equal(notHit.status, 409);
    const badUnit = await authority.post('/api/v1/evaluation/months/2026-03/findings', { unitCode: 'NOPE', trigger: 'improper_returns', decision: 'confirmed' });
    assert.equal(badUnit.status, 400);
    assert.match(badUnit.body.title + JSON.stringify(badUnit.body.errors), /单位/);
    assert.deepEqual(await tableCounts(t.ctx), counts);

    assert.equal((await authority.post('/api/v1/evaluation/months/2026-03/findings', { unitCode: 'ZJJ', trigger: 'improper_returns', decision: 'confirmed' })).status, 200);
    assert.equal((await authority.post('/api/v1/evaluation/months/2026-03/findings', { unitCode: 'ZJJ', trigger: 'overdue_unexplained', decision: 'dismissed', note: '已电话说明，系系统故障' })).status, 200);
    const now = (await authority.get('/api/v1/evaluation/months/2026-03')).body;
    const zjj = now.rows.find((r: any) => r.unit.code === 'ZJJ');
    assert.deepEqual(zjj.triggers.map((x: any) => [x.key, x.decision, x.note]), [
      ['overdue_unexplained', 'dismissed', '已电话说明，系系统故障'],
      ['improper_returns', 'confirmed', null],
    ]);
    assert.equal((await (await t.as('zjj.head')).post('/api/v1/evaluation/months/2026-03/findings', { unitCode: 'ZJJ', trigger: 'improper_returns', decision: 'dismissed', note: 'x' })).status, 403);
  });

  it('refuses a malformed or future month, naming the field', async () => {
    const authority = await t.as('authority1');
    const bad = await authority.get('/api/v1/evaluation/months/2026-13');
    assert.equal(bad.status, 400);
    assert.match(bad.body.title + JSON.stringify(bad.body.errors ?? []), /月份/);
    const future = await authority.get('/api/v1/evaluation/months/2026-05');
    assert.equal(future.status, 400);
    assert.match(future.body.title + JSON.stringify(future.body.errors ?? []), /月份/);
  });
});
