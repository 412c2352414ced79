// 质效审核 and 智能质检 through the HTTP API on both engines: a reproducible stratified sample of a
// period's closed tickets, reviews that send back or re-dispatch, per-unit counts; agent and shift
// scores on hand-made tickets worked out by hand below; cases the team lead decides; who sees what.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, type TestApp } from '../../test/support/app.ts';
import { events, newTicket, ok, refused, setClock, signAndReply, view } from '../../test/support/handling.ts';
import { qualityCountsByUnit } from './counts.ts';

async function closeTicket(t: TestApp, overrides: Record<string, unknown> = {}, unitUser = 'zjj.staff') {
  const created = await newTicket(t, overrides);
  await signAndReply(t, created.no, unitUser);
  await ok(t, 'centre1', created.no, 'review', { pass: true });
  await ok(t, 'centre1', created.no, 'callback', { reached: true, satisfaction: 'satisfied' });
  return created.no as string;
}

const FOOD = { categoryCode: 'SCJG-SPAQ', facts: '小区门口饭店后厨卫生很差，有过期食材', address: '东安区新安街道光华路18号' };

describeEachEngine('质效审核 (第二十六条)', (engine) => {
  let t: TestApp;
  const zjj: string[] = [];
  const scj: string[] = [];
  let outside: string;
  let open: string;
  before(async () => {
    t = await startTestApp(engine);
    setClock(t, '2026-03-02T09:00');
    outside = await closeTicket(t); // closed 2 March: before the period
    setClock(t, '2026-03-03T10:00');
    for (let i = 0; i < 5; i++) zjj.push(await closeTicket(t));
    for (let i = 0; i < 2; i++) scj.push(await closeTicket(t, FOOD, 'scjgj.staff'));
    open = (await newTicket(t)).no; // still open
    setClock(t, '2026-03-05T09:00');
  });
  after(() => t.close());

  const draw = async (body: Record<string, unknown>) => (await t.as('centre1')).post('/api/v1/quality/samples', body);

  it('draws the requested size from the period’s closed tickets only, stratified by unit, the same for the same seed', async () => {
    const a = await draw({ from: '2026-03-03', to: '2026-03-31', size: 4, seed: 'mdj-2026-03' });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    assert.equal(a.body.population, 7);
    assert.equal(a.body.size, 4);
    const nos = a.body.reviews.map((r: any) => r.ticket.no);
    assert.equal(new Set(nos).size, 4);
    for (const no of nos) assert.ok([...zjj, ...scj].includes(no), `${no} is not a closed ticket of the period`);
    assert.ok(!nos.includes(outside) && !nos.includes(open));
    // 4 of 5 + 2: 2.86 and 1.14 → 3 from 住建局, 1 from 市场监管局.
    assert.equal(a.body.reviews.filter((r: any) => r.unit.code === 'ZJJ').length, 3);
    assert.equal(a.body.reviews.filter((r: any) => r.unit.code === 'SCJGJ').length, 1);
    assert.deepEqual(a.body.progress, { pending: 4, pass: 0, perfunctory: 0, wrong_unit: 0, reviewed: 0 });
    const b = await draw({ from: '2026-03-03', to: '2026-03-31', size: 4, seed: 'mdj-2026-03' });
    assert.deepEqual(b.body.reviews.map((r: any) => r.ticket.no), nos);
    const rate = await draw({ from: '2026-03-03', to: '2026-03-31', rate: 0.5, unitCode: 'ZJJ' });
    assert.equal(rate.status, 201);
    assert.equal(rate.body.population, 5);
    assert.equal(rate.body.size, 3); // ceil(2.5)
    assert.match(rate.body.seed, /^[0-9a-f]{12}$/);
    const list = await (await t.as('centre1')).get('/api/v1/quality/samples');
    assert.equal(list.body.items.length, 3);
  });

  it('refuses bad input with a Chinese message naming the field, and changes nothing', async () => {
    const before = await t.ctx.store.db.selectFrom('quality_samples').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ to: '2026-03-31', size: 3 }, 'from', /开始日期/],
      [{ from: '2026-03-32', to: '2026-03-31', size: 3 }, 'from', /开始日期/],
      [{ from: '2026-03-10', to: '2026-03-01', size: 3 }, 'to', /结束日期/],
      [{ from: '2026-03-01', to: '2026-03-31', size: 0 }, 'size', /抽样数量/],
      [{ from: '2026-03-01', to: '2026-03-31', size: 2, rate: 0.1 }, 'size', /抽样数量/],
      [{ from: '2026-03-01', to: '2026-03-31', rate: 1.5 }, 'rate', /抽样比例/],
      [{ from: '2026-03-01', to: '2026-03-31', size: 2, unitCode: 'NOPE' }, 'unitCode', /承办单位/],
    ];
    for (const [body, field, title] of cases) {
      const res = await refused(t, null, () => draw(body), 400, title);
      assert.equal(res.body.errors[0].field, field);
    }
    const after = await t.ctx.store.db.selectFrom('quality_samples').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n));
    await refused(t, null, async () => (await t.as('agent1')).post('/api/v1/quality/samples', { from: '2026-03-03', to: '2026-03-31', size: 1 }), 403);
  });

  it('a perfunctory closure goes back to its unit as a supervised ticket; a wrong unit’s is re-dispatched; a pass is recorded', async () => {
    const sample = (await draw({ from: '2026-03-03', to: '2026-03-31', size: 7, seed: 'all' })).body;
    const byNo = (no: string) => sample.reviews.find((r: any) => r.ticket.no === no);
    const centre = await t.as('centre1');
    setClock(t, '2026-03-06T10:00');

    const back = byNo(zjj[0]);
    // Bad input first: nothing changes on the ticket.
    let res = await refused(t, zjj[0], () => centre.post(`/api/v1/quality/reviews/${back.id}`, { outcome: 'bad' }), 400, /审核结论/);
    assert.equal(res.body.errors[0].field, 'outcome');
    res = await refused(t, zjj[0], () => centre.post(`/api/v1/quality/reviews/${back.id}`, { outcome: 'perfunctory' }), 400, /审核意见/);
    assert.equal(res.body.errors[0].field, 'note');
    res = await refused(t, zjj[0], () => centre.post(`/api/v1/quality/reviews/${back.id}`, { outcome: 'wrong_unit', note: '应由市场监管局办理' }), 400, /改派单位/);
    assert.equal(res.body.errors[0].field, 'leadUnitCode');

    res = await centre.post(`/api/v1/quality/reviews/${back.id}`, { outcome: 'perfunctory', note: '答复未说明清运安排，敷衍' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.outcome, 'perfunctory');
    const sentBack = await view(t, zjj[0]);
    assert.equal(sentBack.status, 'in_progress');
    assert.equal(sentBack.supervised, true);
    const ev = (await events(t, zjj[0])).find((e) => e.action === 'quality_send_back');
    assert.ok(ev, 'no audit event');
    assert.equal(ev.fromStatus ?? ev.from_status ?? ev.from, 'closed');
    await refused(t, zjj[0], () => centre.post(`/api/v1/quality/reviews/${back.id}`, { outcome: 'pass' }), 409);

    const moved = byNo(zjj[1]);
    res = await centre.post(`/api/v1/quality/reviews/${moved.id}`, { outcome: 'wrong_unit', leadUnitCode: 'SCJGJ', note: '属市场监管职责' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.targetUnit.code, 'SCJGJ');
    const redispatched = await view(t, zjj[1]);
    assert.equal(redispatched.status, 'dispatched');
    assert.equal(redispatched.supervised, true);

    res = await centre.post(`/api/v1/quality/reviews/${byNo(zjj[2]).id}`, { outcome: 'pass' });
    assert.equal(res.status, 200);
    assert.equal((await view(t, zjj[2])).status, 'closed');
    res = await centre.post(`/api/v1/quality/reviews/${byNo(scj[0]).id}`, { outcome: 'pass', note: '答复清楚' });
    assert.equal(res.status, 200);

    const progress = (await centre.get(`/api/v1/quality/samples/${sample.id}`)).body.progress;
    assert.deepEqual(progress, { pending: 3, pass: 2, perfunctory: 1, wrong_unit: 1, reviewed: 4 });

    const counts = await qualityCountsByUnit(t.ctx.store.db, '2026-03');
    assert.deepEqual(counts.get(t.ctx.org.byCodeOrUndefined('ZJJ')!.id), { reviewed: 3, passed: 1, perfunctory: 1, wrongUnit: 1, failed: 2 });
    assert.deepEqual(counts.get(t.ctx.org.byCodeOrUndefined('SCJGJ')!.id), { reviewed: 1, passed: 1, perfunctory: 0, wrongUnit: 0, failed: 0 });
    assert.equal((await qualityCountsByUnit(t.ctx.store.db, '2026-04')).size, 0);
    const units = await centre.get('/api/v1/quality/units?month=2026-03');
    assert.equal(units.body.items.length, 2);
  });

  it('lists the returns the centre judged improper', async () => {
    setClock(t, '2026-03-09T09:00');
    const r = await newTicket(t);
    await ok(t, 'zjj.staff', r.no, 'return', { reason: '不属于本单位职责', basis: '三定方案' });
    await ok(t, 'centre1', r.no, 'decide_return', { accept: false, improper: true, note: '物业监管属住建部门职责' });
    const res = await (await t.as('centre1')).get('/api/v1/quality/improper-returns?from=2026-03-01&to=2026-03-31');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.items.map((i: any) => [i.ticketNo, i.unit.code]), [[r.no, 'ZJJ']]);
  });
});

describeEachEngine('智能质检 (第三十一条(一))', (engine) => {
  let t: TestApp;
  const no: Record<string, string> = {};
  before(async () => {
    t = await startTestApp(engine);
    const hash = (await t.ctx.store.db.selectFrom('users').select('password_hash').where('username', '=', 'agent1').executeTakeFirstOrThrow()).password_hash;
    const unit = t.ctx.org.byCodeOrUndefined('MDJ12345')!.id;
    await t.ctx.store.db.insertInto('users').values({ username: 'agent2', display_name: 'agent2', password_hash: hash, role: 'agent', unit_id: unit, active: 1, created_at: t.clock.now() }).execute();

    // agent1, 2 March 09:00 (白班):
    setClock(t, '2026-03-02T09:00');
    no.A = (await newTicket(t)).no; // clean: 100
    no.B = (await newTicket(t, { facts: '邻居王某（身份证230102199001011234）长期占用楼道堆放杂物' })).no; // leak −30: 70
    no.C = (await newTicket(t, { type: 'consultation', facts: '想投诉物业不清理垃圾，咨询应找哪个部门', disposition: 'pending' })).no;
    setClock(t, '2026-03-02T10:00');
    await ok(t, 'agent1', no.C, 'dispatch', { leadUnitCode: 'ZJJ' }); // 60 min > 30: delayed −20, and 投诉 in a 咨询 −5: 75
    // agent2, 23:30 on 2 March (中班) and 00:30 on 3 March (夜班):
    setClock(t, '2026-03-02T23:30');
    no.D = (await newTicket(t, {}, 'agent2')).no; // transcript below: banned −30, no civility −10: 60
    setClock(t, '2026-03-03T00:30');
    no.E = (await newTicket(t, { facts: '楼道垃圾没人清理', categoryCode: 'ZFWY-WY' }, 'agent2')).no; // 8 characters −10: 90
    const res = await (await t.as('agent2')).post('/api/v1/quality/transcripts', { ticketNo: no.D, content: '喂，你烦不烦，这事不归我们管' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    setClock(t, '2026-03-03T09:00');
  });
  after(() => t.close());

  const period = 'from=2026-03-02&to=2026-03-03';

  it('scores each agent and shift by hand-computed figures; shifts split at midnight in Shanghai', async () => {
    const res = await (await t.as('lead1')).get(`/api/v1/quality/agents?${period}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const agents = Object.fromEntries(res.body.agents.map((a: any) => [a.agent.username, a]));
    // agent1: (100 + 70 + 75) / 3 = 81.67 → 81.7; agent2: (60 + 90) / 2 = 75.
    assert.equal(agents.agent1.score, 81.7);
    assert.equal(agents.agent1.tickets, 3);
    assert.deepEqual(agents.agent1.hits, { personal_data_leak: 1, dispatch_delayed: 1, type_mismatch: 1 });
    assert.equal(agents.agent2.score, 75);
    assert.deepEqual(agents.agent2.hits, { banned_words: 1, civility_missing: 1, facts_short: 1 });
    const shifts = Object.fromEntries(res.body.shiftScores.map((s: any) => [s.code, [s.tickets, s.score]]));
    assert.deepEqual(shifts, { day: [3, 81.7], evening: [1, 60], night: [1, 90] });
    assert.deepEqual(
      res.body.shiftsWorked.map((s: any) => [s.date, s.code, s.tickets, s.score]),
      [['2026-03-03', 'night', 1, 90], ['2026-03-02', 'day', 3, 81.7], ['2026-03-02', 'evening', 1, 60]],
    );
  });

  it('lists the 第三十一条(一) cases; the team lead confirms one (audited) and dismisses another', async () => {
    const lead = await t.as('lead1');
    const cases = (await lead.get(`/api/v1/quality/cases?${period}`)).body.items;
    assert.deepEqual(cases.map((c: any) => [c.ticketNo, c.rule, c.status]).sort(), [
      [no.B, 'personal_data_leak', 'open'],
      [no.C, 'dispatch_delayed', 'open'],
      [no.D, 'banned_words', 'open'],
      [no.D, 'civility_missing', 'open'],
    ].sort());
    let res = await refused(t, no.B, () => lead.post('/api/v1/quality/cases', { ticketNo: no.B, rule: 'personal_data_leak', note: '属实' }), 400, /决定/);
    assert.equal(res.body.errors[0].field, 'decision');
    res = await refused(t, no.B, () => lead.post('/api/v1/quality/cases', { ticketNo: no.B, rule: 'personal_data_leak', decision: 'confirmed' }), 400, /说明/);
    assert.equal(res.body.errors[0].field, 'note');
    await refused(t, no.A, () => lead.post('/api/v1/quality/cases', { ticketNo: no.A, rule: 'banned_words', decision: 'confirmed', note: 'x' }), 409);
    res = await lead.post('/api/v1/quality/cases', { ticketNo: no.B, rule: 'personal_data_leak', decision: 'confirmed', note: '诉求事实中记录了第三人身份证号，予以通报' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const ev = (await events(t, no.B)).find((e) => e.action === 'qc_case_confirmed');
    assert.ok(ev, 'no audit event');
    await refused(t, no.B, () => lead.post('/api/v1/quality/cases', { ticketNo: no.B, rule: 'personal_data_leak', decision: 'dismissed', note: '重复' }), 409);
    res = await lead.post('/api/v1/quality/cases', { ticketNo: no.C, rule: 'dispatch_delayed', decision: 'dismissed', note: '等待核实地址，延时合理' });
    assert.equal(res.status, 200);
    const open = (await lead.get(`/api/v1/quality/cases?${period}&status=open`)).body.items;
    assert.deepEqual(open.map((c: any) => c.rule).sort(), ['banned_words', 'civility_missing']);
    await refused(t, no.D, async () => (await t.as('agent1')).post('/api/v1/quality/cases', { ticketNo: no.D, rule: 'banned_words', decision: 'dismissed', note: 'x' }), 403);
  });

  it('an agent sees only their own score and cases', async () => {
    const a1 = await t.as('agent1');
    const own = await a1.get(`/api/v1/quality/agents?${period}`);
    assert.deepEqual(own.body.agents.map((a: any) => a.agent.username), ['agent1']);
    const cases = (await a1.get(`/api/v1/quality/cases?${period}`)).body.items;
    assert.ok(cases.length && cases.every((c: any) => c.agent.username === 'agent1'));
    assert.equal((await a1.get(`/api/v1/quality/agents?${period}&agent=agent2`)).status, 403);
    assert.equal((await a1.get(`/api/v1/quality/cases?${period}&agent=agent2`)).status, 403);
    assert.equal((await a1.get(`/api/v1/quality/tickets/${no.D}`)).status, 404);
    assert.equal((await a1.get(`/api/v1/quality/tickets/${no.B}`)).status, 200);
    await refused(t, no.D, () => a1.post('/api/v1/quality/transcripts', { ticketNo: no.D, content: '您好' }), 404);
    assert.equal((await (await t.as('zjj.staff')).get(`/api/v1/quality/agents?${period}`)).status, 403);
    const d = await (await t.as('agent2')).get(`/api/v1/quality/tickets/${no.D}`);
    assert.equal(d.body.score, 60);
  });
});
