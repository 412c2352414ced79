import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, intakeBody, startTestApp, type Client, type TestApp } from '../../test/support/app.ts';

describeEachEngine('work queues, status counts and requester history', (engine) => {
  let t: TestApp;
  let agent: Client;
  let staff: Client;
  let centre: Client;
  const nos: Record<'waiting' | 'signed' | 'returned', string> = { waiting: '', signed: '', returned: '' };
  const PHONE = '13511112222';

  before(async () => {
    t = await startTestApp(engine);
    agent = await t.as('agent1');
    staff = await t.as('zjj.staff');
    centre = await t.as('centre1');
    const facts = { waiting: '楼道灯损坏一个月无人维修', signed: '小区供暖管道漏水需要维修', returned: '门口流动摊贩占道经营堵塞通行' };
    for (const key of ['waiting', 'signed', 'returned'] as const) {
      const res = await agent.post('/api/v1/tickets', intakeBody({ facts: facts[key], address: `东安区新安街道${key}小区`, requester: { kind: 'person', name: '周八', phone: PHONE }, dispatch: { leadUnitCode: 'ZJJ' } }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      nos[key] = res.body.no;
    }
    assert.equal((await staff.act(nos.signed, 'sign')).status, 200);
    assert.equal((await staff.act(nos.returned, 'return', { reason: '不属于本单位职责', basis: '三定方案' })).status, 200);
  });
  after(() => t.close());

  const counts = async (c: Client) => Object.fromEntries(((await c.get('/api/v1/workbench')).body.queues as Array<{ key: string; count: number }>).map((q) => [q.key, q.count]));

  it('a unit’s workbench counts what it must sign and handle; a returned ticket is not signable', async () => {
    const q = await counts(staff);
    assert.equal(q.to_sign, 1);
    assert.equal(q.handling, 2);
    assert.equal(q.overdue, 0);
    const list = await staff.get('/api/v1/tickets?queue=to_sign');
    assert.deepEqual(list.body.items.map((i: { no: string }) => i.no), [nos.waiting]);
  });

  it('overdue follows the deadline, with no sweep: after the sign deadline the unsigned tickets are overdue', async () => {
    t.clock.set('2026-03-04T01:00:00.000Z'); // Wednesday: the 1-working-day sign limit ended Tuesday 24:00
    const q = await counts(await t.as('zjj.staff'));
    assert.equal(q.overdue, 2, 'the waiting ticket and the returned one (its return has not been accepted)');
    const list = await (await t.as('zjj.staff')).get('/api/v1/tickets?queue=overdue&sort=due');
    assert.deepEqual(new Set(list.body.items.map((i: { no: string }) => i.no)), new Set([nos.waiting, nos.returned]));
    t.clock.set('2026-03-02T01:00:00.000Z');
  });

  it('the centre’s workbench shows the return to decide; another unit sees nothing', async () => {
    const q = await counts(centre);
    assert.equal(q.returned, 1);
    assert.equal(q.pending_dispatch, 0);
    const other = await counts(await t.as('scjgj.staff'));
    assert.ok(Object.values(other).every((n) => n === 0), JSON.stringify(other));
  });

  it('status counts cover only what the viewer may see', async () => {
    assert.deepEqual((await staff.get('/api/v1/tickets/counts')).body.counts, { dispatched: 1, in_progress: 1, returned: 1 });
    assert.deepEqual((await (await t.as('scjgj.staff')).get('/api/v1/tickets/counts')).body.counts, {});
  });

  it('the intake desk gets the caller’s earlier tickets; units may not ask', async () => {
    const history = await agent.post('/api/v1/requesters/history', { phone: PHONE });
    assert.equal(history.status, 200);
    assert.equal(history.body.items.length, 3);
    assert.equal((await staff.post('/api/v1/requesters/history', { phone: PHONE })).status, 403);
    const bad = await agent.post('/api/v1/requesters/history', { phone: 'abc' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.title, /联系电话/);
  });

  it('an extension request waits in its unit’s workbench and the centre’s, not in another unit’s, until decided', async () => {
    const other = await t.as('scjgj.staff');
    assert.equal((await staff.act(nos.signed, 'request_extension', { amount: 5, reason: '需协调供热公司共同维修' })).status, 200);
    assert.equal((await counts(staff)).extension_pending, 1);
    assert.equal((await counts(centre)).extension_pending, 1);
    assert.equal((await counts(other)).extension_pending, 0);
    const listed = async (c: Client, query: string) => ((await c.get(`/api/v1/tickets?${query}`)).body.items as Array<{ no: string }>).map((i) => i.no);
    assert.deepEqual(await listed(staff, 'queue=extension_pending'), [nos.signed]);
    assert.deepEqual(await listed(other, 'queue=extension_pending'), []);
    assert.equal((await centre.act(nos.signed, 'decide_extension', { approve: true, note: '同意' })).status, 200);
    assert.equal((await counts(staff)).extension_pending, 0);
    assert.equal((await counts(centre)).extension_pending, 0);
  });

  it('a centre queue asked for by a unit holds that unit’s tickets only', async () => {
    const other = await t.as('scjgj.staff');
    const listed = async (c: Client, query: string) => (await c.get(`/api/v1/tickets?${query}`)).body;
    const own = await listed(staff, 'queue=returned');
    assert.deepEqual([own.total, own.items.map((i: { no: string }) => i.no)], [1, [nos.returned]]);
    const none = await listed(other, 'queue=returned');
    assert.deepEqual([none.total, none.items], [0, []]);
    assert.equal((await listed(centre, 'queue=returned')).total, 1);
  });
});
