// 批量操作 through the HTTP API on every engine: per-ticket results with partial failure, the batch
// bound, role refusal, audit, and the export of selected tickets as the viewer may see them.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { PASSWORD, describeEachEngine, startTestApp, tableCounts, type TestApp } from '../../test/support/app.ts';
import { closedTicket, newTicket, sh, view } from '../../test/support/handling.ts';

describeEachEngine('bulk actions in the work lists', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine, { now: sh('2026-03-02T09:00') });
  });
  after(() => t.close());

  it('archives every closed ticket it is given and reports the others one by one', async () => {
    const closed = [await closedTicket(t), await closedTicket(t), await closedTicket(t)];
    const open = await newTicket(t);
    const centre = await t.as('centre1');
    const nos = [...closed.map((c) => c.no), open.no, 'MDJ20260101999999'];
    const res = await centre.post('/api/v1/tickets/bulk', { action: 'archive', nos });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.requested, 5);
    assert.equal(res.body.done, 3);
    assert.equal(res.body.failed, 2);
    const byNo = new Map(res.body.items.map((i: any) => [i.no, i]));
    for (const c of closed) {
      assert.deepEqual(byNo.get(c.no), { no: c.no, ok: true, status: 'archived' });
      assert.equal((await view(t, c.no)).status, 'archived');
    }
    const refusedOpen = byNo.get(open.no) as any;
    assert.equal(refusedOpen.ok, false);
    assert.equal(refusedOpen.error.status, 409);
    assert.match(refusedOpen.error.title, /不能执行「归档」/);
    assert.equal((byNo.get('MDJ20260101999999') as any).error.status, 404);
    assert.equal((await view(t, open.no)).status, 'dispatched', 'the refused ticket is unchanged');
    // Each archived ticket carries its own audit event, and the request one with its counts.
    const ev = await (await t.as('admin')).get(`/api/v1/tickets/${closed[0].no}/events`);
    assert.ok(ev.body.items.some((e: any) => e.action === 'archive'));
    const bulk = await t.ctx.store.db.selectFrom('events').select(['action', 'detail']).where('action', '=', 'bulk').execute();
    assert.equal(bulk.length, 1);
    assert.deepEqual(JSON.parse(bulk[0].detail!), { action: 'archive', requested: 5, done: 3, failed: 2 });
  });

  it('refuses a batch over 200, duplicates, an unknown action and a role without the action, in Chinese, changing nothing', async () => {
    const centre = await t.as('centre1');
    const before = await tableCounts(t.ctx);
    const many = Array.from({ length: 201 }, (_, i) => `MDJ20260302${String(i).padStart(6, '0')}`);
    const big = await centre.post('/api/v1/tickets/bulk', { action: 'archive', nos: many });
    assert.equal(big.status, 400);
    assert.match(big.body.title, /[\u4e00-\u9fff]/);
    assert.ok(big.body.errors.some((e: any) => e.field.startsWith('nos')), JSON.stringify(big.body));
    const dup = await centre.post('/api/v1/tickets/bulk', { action: 'archive', nos: ['MDJ20260302000001', 'MDJ20260302000001'] });
    assert.equal(dup.status, 400);
    assert.equal(dup.body.errors[0].field, 'nos');
    assert.match(dup.body.title, /重复/);
    const bad = await centre.post('/api/v1/tickets/bulk', { action: 'delete', nos: ['MDJ20260302000001'] });
    assert.equal(bad.status, 400);
    const agent = await t.as('agent1');
    const role = await agent.post('/api/v1/tickets/bulk', { action: 'archive', nos: ['MDJ20260302000001'] });
    assert.equal(role.status, 403);
    assert.match(role.body.title, /无权批量执行「归档」/);
    assert.deepEqual(await tableCounts(t.ctx), before);
  });

  it('signs many tickets for a unit, and only its own', async () => {
    const mine = [await newTicket(t), await newTicket(t)];
    const other = await newTicket(t, { categoryCode: undefined, dispatch: { leadUnitCode: 'SCJGJ' } });
    const res = await (await t.as('zjj.staff')).post('/api/v1/tickets/bulk', { action: 'sign', nos: [...mine.map((m) => m.no), other.no] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.done, 2);
    const foreign = res.body.items.find((i: any) => i.no === other.no);
    assert.equal(foreign.error.status, 404, 'another unit’s ticket is not named as existing');
    for (const m of mine) assert.equal((await view(t, m.no)).status, 'in_progress');
  });

  it('exports the selected tickets the viewer may see, masked for a unit', async () => {
    const a = await newTicket(t, { requester: { kind: 'person', name: '欧阳明远', phone: '13977770001' } });
    const other = await newTicket(t, { categoryCode: undefined, dispatch: { leadUnitCode: 'SCJGJ' } });
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'zjj.staff', password: PASSWORD } });
    const token = JSON.parse(login.body).token as string;
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/tickets/export.xlsx', headers: { authorization: `Bearer ${token}` }, payload: { nos: [a.no, other.no] } });
    assert.equal(res.statusCode, 200, res.body.slice(0, 300));
    assert.match(String(res.headers['content-type']), /spreadsheetml/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const cells: string[] = [];
    book.eachSheet((s) => s.eachRow((r) => r.eachCell((c) => cells.push(String(c.text)))));
    const text = cells.join('\n');
    assert.ok(text.includes(a.no));
    assert.ok(!text.includes(other.no), 'another unit’s ticket is left out');
    assert.ok(!text.includes('欧阳明远') && !text.includes('13977770001'));
    assert.ok(text.includes('欧'), 'the masked name is there');
  });
});
