// Who sees which ticket and how much of the requester (GB/T 33358, 第二十二条), and the ticket list's
// filters, lights, sorting and paging, through the HTTP API on every engine.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, intakeBody, startTestApp, type Client, type Response, type TestApp } from '../../test/support/app.ts';

const MONDAY_9AM = '2026-03-02T01:00:00.000Z'; // 2026-03-02 09:00 in Shanghai

function assertProblem(res: Response, status: number, names?: string): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.match(res.body.title, /[\u4e00-\u9fff]/);
  if (names) assert.ok(res.body.title.includes(names), `title «${res.body.title}» names «${names}»`);
}

async function create(agent: Client, overrides: Record<string, unknown>): Promise<any> {
  const res = await agent.post('/api/v1/tickets', intakeBody(overrides));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

/** The ticket numbers a user's list shows (all pages). */
async function listed(client: Client, query = ''): Promise<string[]> {
  const res = await client.get(`/api/v1/tickets?pageSize=100${query ? `&${query}` : ''}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.ok(res.body.total <= 100);
  return res.body.items.map((i: any) => i.no);
}

describeEachEngine('visibility and masking of requester data', (engine) => {
  let t: TestApp;
  let agent: Client;
  const users: Record<string, Client> = {};
  // 住建局's ticket, the default requester 张三丰 / 13812345678.
  let zjj: any;
  let confidential: any;
  let scjgj: any;
  let daq: any;
  let xajd: any;
  let zjjCo: any;
  const NAME = '张三丰';
  const PHONE = '13812345678';
  const ID_NO = '230102199001011234';

  before(async () => {
    t = await startTestApp(engine, { now: MONDAY_9AM });
    agent = await t.as('agent1');
    for (const u of ['centre1', 'authority1', 'admin', 'zjj.staff', 'zjj.head', 'scjgj.staff', 'daq.staff', 'daq.head', 'xajd.staff', 'rdgs.staff']) users[u] = await t.as(u);
    zjj = await create(agent, { requester: { kind: 'person', name: NAME, phone: PHONE, idNumber: ID_NO } });
    confidential = await create(agent, {
      type: 'report',
      requester: { kind: 'person', name: '李秘密', phone: '13900001111', confidential: true },
      facts: '举报某工地夜间违规施工且未办理施工许可',
      categoryCode: 'STHJ-SGZS',
      address: '爱民区某工地',
    });
    scjgj = await create(agent, { categoryCode: 'SCJG-XFTS', requester: { kind: 'person', name: '赵六', phone: '13700002222' }, facts: '商场拒绝为质量问题的电视机退货', address: '西安区某商场' });
    daq = await create(agent, { categoryCode: undefined, districtCode: 'DAQ', requester: { kind: 'person', name: '钱七', phone: '13600003333' }, facts: '新安街道某小区门前路灯损坏多日', address: '东安区新安街道' });
    xajd = await create(agent, { categoryCode: undefined, dispatch: { leadUnitCode: 'DAQ-XAJD' }, requester: { kind: 'person', name: '孙八', phone: '13500004444' }, facts: '街道辖区内私搭乱建棚厦', address: '东安区新安街道某巷' });
    zjjCo = await create(agent, {
      categoryCode: 'CSGL-HW',
      dispatch: { leadUnitCode: 'CGJ', coUnitCodes: ['ZJJ'] },
      requester: { kind: 'company', name: '牡丹江某物业服务有限公司', phone: '04538123456' },
      facts: '垃圾清运车辆长期不来，小区垃圾堆积',
      address: '阳明区某小区',
    });
  });
  after(() => t.close());

  it('a unit never learns of another unit’s ticket: 404 for the ticket, its events and its actions, absent from the list', async () => {
    const other = users['scjgj.staff'];
    for (const url of [`/api/v1/tickets/${zjj.no}`, `/api/v1/tickets/${zjj.no}/events`]) {
      const res = await other.get(url);
      assertProblem(res, 404, zjj.no);
      assert.ok(!JSON.stringify(res.body).includes(PHONE));
    }
    assertProblem(await other.act(zjj.no, 'sign', {}), 404, zjj.no);
    assertProblem(await other.act(zjj.no, 'reveal_contact', { reason: '核实情况' }), 404, zjj.no);
    // The same answer as for a ticket that does not exist.
    const missing = await other.get('/api/v1/tickets/MDJ20260302999999');
    assert.equal(missing.status, 404);
    const list = await listed(other);
    assert.ok(!list.includes(zjj.no));
    assert.deepEqual(list, [scjgj.no]);
    const text = await listed(other, `q=${encodeURIComponent('楼道垃圾')}`);
    assert.deepEqual(text, []);
    // The ticket did not move.
    assert.equal((await agent.get(`/api/v1/tickets/${zjj.no}`)).body.status, 'dispatched');
  });

  it('the handling unit sees the requester masked: 138****5678, 张**', async () => {
    for (const u of ['zjj.staff', 'zjj.head']) {
      const res = await users[u].get(`/api/v1/tickets/${zjj.no}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.requester.phone, '138****5678');
      assert.equal(res.body.requester.name, '张**');
      assert.equal(res.body.requester.idNumber, '2301**********1234');
      assert.equal(res.body.requester.masked, true);
      assert.equal(res.body.requesterName, '张**');
      const body = JSON.stringify(res.body);
      assert.ok(!body.includes(PHONE) && !body.includes(NAME) && !body.includes(ID_NO));
    }
    const list = await users['zjj.staff'].get('/api/v1/tickets?pageSize=100');
    const item = list.body.items.find((i: any) => i.no === zjj.no);
    assert.equal(item.requesterName, '张**');
    assert.ok(!JSON.stringify(list.body).includes(NAME));
  });

  it('the agent, centre and admin see the full contact; the authority sees it masked', async () => {
    for (const u of ['agent1', 'centre1', 'admin']) {
      const client = u === 'agent1' ? agent : users[u];
      const res = await client.get(`/api/v1/tickets/${zjj.no}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.requester, { kind: 'person', name: NAME, phone: PHONE, idNumber: ID_NO, confidential: false, masked: false });
    }
    const auth = await users['authority1'].get(`/api/v1/tickets/${zjj.no}`);
    assert.equal(auth.status, 200);
    assert.equal(auth.body.requester.phone, '138****5678');
    assert.equal(auth.body.requester.name, '张**');
    assert.equal(auth.body.requester.masked, true);
    // A company's name is not personal data; its number still is.
    const company = await users['zjj.staff'].get(`/api/v1/tickets/${zjjCo.no}`);
    assert.equal(company.body.requester.name, '牡丹江某物业服务有限公司');
    assert.equal(company.body.requester.phone, '045****3456');
  });

  it('a confidential requester stays hidden from the unit, which may not reveal them', async () => {
    const staff = users['zjj.staff'];
    const res = await staff.get(`/api/v1/tickets/${confidential.no}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.requester.name, '（保密）');
    assert.equal(res.body.requester.phone, null);
    assert.equal(res.body.requester.idNumber, null);
    assert.equal(res.body.requester.confidential, true);
    assert.equal(res.body.requesterName, '（保密）');
    assert.ok(!JSON.stringify(res.body).includes('李秘密') && !JSON.stringify(res.body).includes('13900001111'));
    const list = await staff.get('/api/v1/tickets?pageSize=100');
    assert.equal(list.body.items.find((i: any) => i.no === confidential.no).requesterName, '（保密）');

    const eventsBefore = (await agent.get(`/api/v1/tickets/${confidential.no}/events`)).body.items.length;
    const reveal = await staff.act(confidential.no, 'reveal_contact', { reason: '需要联系诉求人核实施工地点' });
    assertProblem(reveal, 403, '保密');
    assert.ok(!JSON.stringify(reveal.body).includes('13900001111'));
    assert.equal((await agent.get(`/api/v1/tickets/${confidential.no}/events`)).body.items.length, eventsBefore);
    // The centre still works with the requester directly.
    const centre = await agent.get(`/api/v1/tickets/${confidential.no}`);
    assert.equal(centre.body.requester.phone, '13900001111');
    assert.equal(centre.body.requester.name, '李秘密');
  });

  it('reveal_contact gives the unit the full contact once, for a reason recorded in the history', async () => {
    const staff = users['zjj.staff'];
    const res = await staff.act(zjj.no, 'reveal_contact', { reason: '需要电话联系诉求人预约上门' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.revealedContact.phone, PHONE);
    assert.equal(res.body.revealedContact.name, NAME);
    assert.equal(res.body.requester.phone, '138****5678', 'the ticket in the same answer stays masked');
    assert.equal(res.body.status, 'dispatched');
    // Reading the ticket again is masked again.
    assert.equal((await staff.get(`/api/v1/tickets/${zjj.no}`)).body.requester.phone, '138****5678');
    const events = (await staff.get(`/api/v1/tickets/${zjj.no}/events`)).body.items;
    const reveal = events.filter((e: any) => e.action === 'reveal_contact');
    assert.equal(reveal.length, 1);
    assert.equal(reveal[0].detail.reason, '需要电话联系诉求人预约上门');
    assert.equal(reveal[0].actor.role, 'unit_staff');
    assert.equal(reveal[0].actor.unit.code, 'ZJJ');
    assert.equal(reveal[0].actionLabel, '查看完整联系方式');
    assert.ok(!JSON.stringify(reveal[0]).includes(PHONE));
    // A reason is required.
    assertProblem(await staff.act(zjj.no, 'reveal_contact', {}), 400, '理由');
    // The agent sees everything already and has no such action.
    assertProblem(await agent.act(zjj.no, 'reveal_contact', { reason: '查看' }), 403);
  });

  it('a sub-unit sees its parent’s ticket only once the parent delegates it (第九条)', async () => {
    const sub = users['xajd.staff'];
    const parent = users['daq.staff'];
    assertProblem(await sub.get(`/api/v1/tickets/${daq.no}`), 404);
    assertProblem(await sub.get(`/api/v1/tickets/${daq.no}/events`), 404);
    assert.ok(!(await listed(sub)).includes(daq.no));

    // Only within the unit's own subtree.
    assertProblem(await parent.act(daq.no, 'delegate', { unitCode: 'YMQ-YMJD' }), 400, '下级');
    assertProblem(await parent.act(daq.no, 'delegate', { unitCode: 'NOPE' }), 400, 'NOPE');
    assertProblem(await sub.act(daq.no, 'delegate', { unitCode: 'DAQ-XAJD' }), 404);

    const res = await parent.act(daq.no, 'delegate', { unitCode: 'DAQ-XAJD', note: '请新安街道现场核实' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const lead = res.body.duties.filter((d: any) => d.party === 'lead');
    assert.ok(lead.length > 0);
    for (const d of lead) {
      assert.equal(d.unit.code, 'DAQ');
      assert.equal(d.handlerUnit.code, 'DAQ-XAJD');
    }

    const seen = await sub.get(`/api/v1/tickets/${daq.no}`);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.requester.phone, '136****3333');
    assert.ok(seen.body.actions.includes('sign'));
    assert.ok((await listed(sub)).includes(daq.no));
    // Counted through the handling sub-unit too: the list's total and the status tabs.
    const subList = await sub.get('/api/v1/tickets');
    assert.deepEqual([subList.body.total, subList.body.items.map((i: { no: string }) => i.no).sort()], [2, [daq.no, xajd.no].sort()]);
    const tabs: Record<string, number> = (await sub.get('/api/v1/tickets/counts')).body.counts;
    assert.equal(Object.values(tabs).reduce((a, b) => a + b, 0), 2);
    // The parent stays responsible and keeps seeing it.
    assert.equal((await parent.get(`/api/v1/tickets/${daq.no}`)).status, 200);
    assert.ok((await listed(parent)).includes(daq.no));
    // The sub-unit can now work on it.
    const signed = await sub.act(daq.no, 'sign', {});
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    assert.equal(signed.body.status, 'in_progress');
  });

  it('a parent unit sees the tickets of its sub-units; a sibling does not', async () => {
    for (const u of ['daq.staff', 'daq.head', 'xajd.staff']) {
      assert.equal((await users[u].get(`/api/v1/tickets/${xajd.no}`)).status, 200, u);
      assert.ok((await listed(users[u])).includes(xajd.no), u);
    }
    for (const u of ['zjj.staff', 'rdgs.staff', 'scjgj.staff']) {
      assert.equal((await users[u].get(`/api/v1/tickets/${xajd.no}`)).status, 404, u);
      assert.ok(!(await listed(users[u])).includes(xajd.no), u);
    }
    assert.deepEqual((await listed(users['daq.staff'])).sort(), [daq.no, xajd.no].sort());
  });

  it('a unit’s list holds exactly the tickets it leads or co-handles; the centre’s holds all', async () => {
    assert.deepEqual((await listed(users['zjj.staff'])).sort(), [zjj.no, confidential.no, zjjCo.no].sort());
    const res = await users['zjj.staff'].get('/api/v1/tickets?pageSize=100');
    assert.equal(res.body.total, 3);
    // Each status tab's count is what the list filtered by that state holds.
    const tabs: Record<string, number> = (await users['zjj.staff'].get('/api/v1/tickets/counts')).body.counts;
    assert.equal(Object.values(tabs).reduce((a, b) => a + b, 0), 3);
    for (const [status, n] of Object.entries(tabs)) assert.equal((await users['zjj.staff'].get(`/api/v1/tickets?status=${status}`)).body.total, n, status);
    assert.equal((await users['zjj.staff'].get('/api/v1/tickets?status=archived,closed')).body.total, (tabs.archived ?? 0) + (tabs.closed ?? 0));
    // The unit filter cannot widen a unit user's view.
    assert.deepEqual(await listed(users['zjj.staff'], 'unit=SCJGJ'), []);
    assert.deepEqual(await listed(users['rdgs.staff']), []);
    const all = await listed(agent);
    for (const tk of [zjj, confidential, scjgj, daq, xajd, zjjCo]) assert.ok(all.includes(tk.no));
    const co = await users['zjj.staff'].get(`/api/v1/tickets/${zjjCo.no}`);
    assert.equal(co.status, 200);
    assert.ok(co.body.actions.includes('opinion'));
    assert.ok(!co.body.actions.includes('reply'));
  });

  it('events never carry the requester’s personal data', async () => {
    for (const tk of [zjj, confidential, scjgj, daq, xajd, zjjCo]) {
      const res = await agent.get(`/api/v1/tickets/${tk.no}/events`);
      assert.equal(res.status, 200);
      assert.ok(res.body.items.length >= 2, `${tk.no} has intake and dispatch events`);
      const full = (await agent.get(`/api/v1/tickets/${tk.no}`)).body.requester;
      const body = JSON.stringify(res.body);
      for (const secret of [full.phone, full.name, full.idNumber].filter(Boolean)) {
        assert.ok(!body.includes(secret), `${tk.no} events contain ${secret}`);
      }
    }
    // Nor do the outbox messages.
    const outbox = await t.ctx.store.db.selectFrom('outbox').select('payload').execute();
    const all = outbox.map((r) => r.payload).join('\n');
    for (const secret of [PHONE, NAME, ID_NO, '13900001111', '李秘密']) assert.ok(!all.includes(secret), `outbox contains ${secret}`);
  });
});

describeEachEngine('ticket list: filters, lights, sorting and paging', (engine) => {
  let t: TestApp;
  let agent: Client;
  // A: help to 住建局, Monday 09:00; C: complaint to 市场监管局, Tuesday; B: suggestion to 东安区, Wednesday;
  // P: pending, Monday 10:00; R: rejected report, Tuesday 10:00; Q: consultation answered, Wednesday 10:00.
  let A: any, B: any, C: any, P: any, R: any, Q: any;
  let all: string[];

  before(async () => {
    t = await startTestApp(engine, { now: MONDAY_9AM });
    // Sessions last 12 hours of the app's clock: log in at the latest instant the suite visits.
    t.clock.set('2026-03-06T00:00:00.000Z');
    agent = await t.as('agent1');
    for (const u of ['zjj.staff', 'scjgj.staff', 'daq.staff']) await t.as(u);

    t.clock.set('2026-03-02T01:00:00.000Z');
    A = await create(agent, { type: 'help', requester: { name: '甲', phone: '13000000001' }, facts: '光华小区楼道垃圾无人清理', address: '东安区光华小区' });
    t.clock.set('2026-03-02T02:00:00.000Z');
    P = await create(agent, { type: 'help', requester: { name: '乙', phone: '13000000002' }, facts: '咨询老旧小区改造的时间安排', address: '阳明区某小区', categoryCode: 'ZFWY-LJXQ', disposition: 'pending' });
    t.clock.set('2026-03-03T01:00:00.000Z');
    C = await create(agent, { type: 'complaint', categoryCode: 'SCJG-SPAQ', requester: { name: '丙', phone: '13000000003' }, facts: '某餐馆后厨卫生脏乱', address: '西安区某餐馆' });
    t.clock.set('2026-03-03T02:00:00.000Z');
    R = await create(agent, { type: 'report', categoryCode: undefined, requester: { name: '丁', phone: '13000000004' }, facts: '要求撤销法院判决', address: '', disposition: 'reject', reject: { reasonCode: '11.1' } });
    t.clock.set('2026-03-04T01:00:00.000Z');
    B = await create(agent, { type: 'suggestion', categoryCode: undefined, districtCode: 'DAQ', requester: { name: '戊', phone: '13000000005' }, facts: '建议在七星街道增设公交站点', address: '东安区七星街道' });
    t.clock.set('2026-03-04T02:00:00.000Z');
    Q = await create(agent, { type: 'consultation', categoryCode: 'ZFGJJ-TQ', requester: { name: '己', phone: '13000000006' }, facts: '咨询公积金提取条件', address: '', disposition: 'direct_answer', answer: { content: '按规定可提取。' } });
    all = [A, B, C, P, R, Q].map((x) => x.no);
  });
  after(() => t.close());

  it('lists everything newest first by default, with the total', async () => {
    t.clock.set('2026-03-04T02:00:00.000Z');
    const res = await agent.get('/api/v1/tickets');
    assert.equal(res.status, 200);
    assert.equal(res.body.total, 6);
    assert.equal(res.body.page, 1);
    assert.equal(res.body.pageSize, 20);
    assert.deepEqual(res.body.items.map((i: any) => i.no), [Q, B, R, C, P, A].map((x) => x.no));
    const a = res.body.items.find((i: any) => i.no === A.no);
    assert.equal(a.statusLabel, '待签收');
    assert.equal(a.typeLabel, '求助');
    assert.equal(a.leadUnit.code, 'ZJJ');
    assert.equal(a.createdAt, '2026-03-02T09:00:00+08:00');
  });

  it('filters by status, also a comma list', async () => {
    assert.deepEqual((await listed(agent, 'status=dispatched')).sort(), [A, B, C].map((x) => x.no).sort());
    assert.deepEqual((await listed(agent, 'status=pending_dispatch,rejected')).sort(), [P, R].map((x) => x.no).sort());
    assert.deepEqual(await listed(agent, 'status=answered'), [Q.no]);
    assert.deepEqual(await listed(agent, 'status=closed'), []);
  });

  it('filters by type and by unit (with its sub-units)', async () => {
    assert.deepEqual(await listed(agent, 'type=consultation'), [Q.no]);
    assert.deepEqual(await listed(agent, 'type=complaint'), [C.no]);
    assert.deepEqual((await listed(agent, 'type=help')).sort(), [A.no, P.no].sort());
    assert.deepEqual(await listed(agent, 'unit=SCJGJ'), [C.no]);
    assert.deepEqual(await listed(agent, 'unit=DAQ'), [B.no]);
    assert.deepEqual(await listed(agent, 'unit=ZJJ'), [A.no]);
    assert.deepEqual(await listed(agent, 'unit=GSGS'), []);
    // A unit's whole list is counted from its duties alone: the total agrees with the items.
    for (const code of ['SCJGJ', 'DAQ', 'ZJJ', 'GSGS']) {
      const res = await agent.get(`/api/v1/tickets?unit=${code}&pageSize=100`);
      assert.equal(res.body.total, res.body.items.length, code);
    }
    assert.deepEqual(await listed(agent, 'unit=ZJJ&status=dispatched&type=help'), [A.no]);
    assert.deepEqual(await listed(agent, 'unit=ZJJ&type=complaint'), []);
  });

  it('filters by creation date in Shanghai: from inclusive, to exclusive', async () => {
    assert.deepEqual((await listed(agent, 'from=2026-03-03&to=2026-03-04')).sort(), [C, R].map((x) => x.no).sort());
    assert.deepEqual((await listed(agent, 'from=2026-03-04')).sort(), [B, Q].map((x) => x.no).sort());
    assert.deepEqual((await listed(agent, 'to=2026-03-03')).sort(), [A, P].map((x) => x.no).sort());
    // With a time and an offset: from Tuesday 09:30 Shanghai.
    assert.deepEqual((await listed(agent, `from=${encodeURIComponent('2026-03-03T09:30:00+08:00')}&to=2026-03-04`)), [R.no]);
    assert.deepEqual(await listed(agent, 'from=2026-03-05'), []);
  });

  it('finds text in the facts, the address or the ticket number', async () => {
    assert.deepEqual(await listed(agent, `q=${encodeURIComponent('楼道垃圾')}`), [A.no]);
    assert.deepEqual(await listed(agent, `q=${encodeURIComponent('七星街道')}`), [B.no]);
    assert.deepEqual(await listed(agent, `q=${C.no}`), [C.no]);
    assert.deepEqual(await listed(agent, `q=${encodeURIComponent('不存在的内容')}`), []);
    // LIKE wildcards are taken literally.
    assert.deepEqual(await listed(agent, `q=${encodeURIComponent('%')}`), []);
    assert.deepEqual(await listed(agent, 'q=_'), []);
  });

  it('filters by light as the clock moves: past the sign deadline red, in the last working day yellow', async () => {
    // Monday 10:00: everything dispatched is green; tickets owing nothing have no light.
    t.clock.set('2026-03-02T02:00:00.000Z');
    assert.deepEqual((await listed(agent, 'light=green')).sort(), [A.no, B.no, C.no].sort());
    assert.deepEqual(await listed(agent, 'light=yellow'), []);
    assert.deepEqual(await listed(agent, 'light=red'), []);
    // Wednesday 10:00: A's sign deadline (Tuesday 24:00) has passed, Wednesday is C's last day to sign,
    // B was dispatched this morning.
    t.clock.set('2026-03-04T02:00:00.000Z');
    assert.deepEqual(await listed(agent, 'light=red'), [A.no]);
    assert.deepEqual(await listed(agent, 'light=yellow'), [C.no]);
    assert.deepEqual(await listed(agent, 'light=green'), [B.no]);
    const items = (await agent.get('/api/v1/tickets?pageSize=100')).body.items;
    const light = Object.fromEntries(items.map((i: any) => [i.no, i.light]));
    assert.deepEqual(light, { [A.no]: 'red', [B.no]: 'green', [C.no]: 'yellow', [P.no]: null, [R.no]: null, [Q.no]: null });
    const detail = (await agent.get(`/api/v1/tickets/${A.no}`)).body;
    assert.equal(detail.light, 'red');
    assert.equal(detail.duties.find((d: any) => d.kind === 'sign').light, 'red');
    assert.equal(detail.duties.find((d: any) => d.kind === 'reply').light, 'green');
    // Thursday 10:00: C is late too, B is in its last day.
    t.clock.set('2026-03-05T02:00:00.000Z');
    assert.deepEqual((await listed(agent, 'light=red')).sort(), [A.no, C.no].sort());
    assert.deepEqual(await listed(agent, 'light=yellow'), [B.no]);
    assert.deepEqual(await listed(agent, 'light=green'), []);
    // A unit sees the light of its own tickets.
    assert.deepEqual(await listed(await t.as('daq.staff'), 'light=yellow'), [B.no]);
    assert.deepEqual(await listed(await t.as('zjj.staff'), 'light=yellow'), []);
    t.clock.set('2026-03-04T02:00:00.000Z');
  });

  it('sorts by the next deadline, earliest first, tickets owing nothing last', async () => {
    const res = await agent.get('/api/v1/tickets?sort=due&pageSize=100');
    assert.equal(res.status, 200);
    const nos = res.body.items.map((i: any) => i.no);
    assert.deepEqual(nos.slice(0, 3), [A.no, C.no, B.no]);
    assert.deepEqual(nos.slice(3).sort(), [P.no, R.no, Q.no].sort());
    assert.deepEqual(
      res.body.items.slice(0, 3).map((i: any) => i.nextDueAt),
      ['2026-03-03T23:59:59+08:00', '2026-03-04T23:59:59+08:00', '2026-03-05T23:59:59+08:00'],
    );
    for (const i of res.body.items.slice(3)) assert.equal(i.nextDueAt, null);
    // Signing moves A's next deadline to its reply (5 working days): it goes behind B.
    const signed = await (await t.as('zjj.staff')).act(A.no, 'sign', {});
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    assert.equal(signed.body.nextDueAt, '2026-03-09T23:59:59+08:00');
    const after = (await agent.get('/api/v1/tickets?sort=due&status=dispatched,in_progress')).body.items.map((i: any) => i.no);
    assert.deepEqual(after, [C.no, B.no, A.no]);
  });

  it('pages through the list with page, pageSize and total', async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await agent.get(`/api/v1/tickets?pageSize=2&page=${page}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.total, 6);
      assert.equal(res.body.page, page);
      assert.equal(res.body.pageSize, 2);
      assert.equal(res.body.items.length, 2);
      seen.push(...res.body.items.map((i: any) => i.no));
    }
    assert.deepEqual(seen, [Q, B, R, C, P, A].map((x) => x.no));
    const beyond = await agent.get('/api/v1/tickets?pageSize=2&page=4');
    assert.equal(beyond.body.total, 6);
    assert.deepEqual(beyond.body.items, []);
    // The total counts the filtered set, not the page.
    const filtered = await agent.get('/api/v1/tickets?pageSize=1&status=dispatched,in_progress');
    assert.equal(filtered.body.total, 3);
    assert.equal(filtered.body.items.length, 1);
    assert.deepEqual(new Set(seen), new Set(all));
  });
});
