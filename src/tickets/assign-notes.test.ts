// 承办人 and 内部备注 through the HTTP API on every engine: assigning inside the unit, reassigning,
// taking it oneself, refusals that change nothing, the 我的待办 queue and workbench, the assignee's
// own notification, bulk assign; notes per role, and never on the portal, Open311 or the feed.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_USERS, describeEachEngine, startTestApp, tableCounts, type TestApp } from '../../test/support/app.ts';
import { newTicket, ok, sh, view } from '../../test/support/handling.ts';

const USERS = {
  ...TEST_USERS,
  'zjj.staff2': ['unit_staff', 'ZJJ'],
  'zjj.gone': ['unit_staff', 'ZJJ'],
} as typeof TEST_USERS;

describeEachEngine('承办人 and internal notes', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine, { now: sh('2026-03-02T09:00'), users: USERS });
    await t.ctx.store.db.updateTable('users').set({ active: 0 }).where('username', '=', 'zjj.gone').execute();
  });
  after(() => t.close());

  /** The tables a refusal must leave alone: the ticket tables (successful events only) and ours. */
  const counts = async () => {
    const own: Record<string, number> = {};
    for (const table of ['ticket_assignees', 'ticket_notes', 'notifications'] as const) {
      own[table] = Number((await t.ctx.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    }
    return { ...(await tableCounts(t.ctx)), ...own };
  };
  const assignees = (ticket: any) => (ticket.assignees as any[]).map((a) => `${a.unit?.code}:${a.username}`);

  it('lets the head assign to a staff member, reassign, and a staff member take it; audited and notified to the assignee alone', async () => {
    const ticket = await newTicket(t);
    const head = await t.as('zjj.head');
    const res = await head.act(ticket.no, 'assign', { assignee: 'zjj.staff' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(assignees(res.body), ['ZJJ:zjj.staff']);
    assert.equal(res.body.assignees[0].name, 'zjj.staff');

    // 我的待办 for the assignee, not for the other staff member; the workbench counts it first.
    const staff = await t.as('zjj.staff');
    const staff2 = await t.as('zjj.staff2');
    const mine = await staff.get('/api/v1/tickets?queue=mine');
    assert.deepEqual(mine.body.items.map((i: any) => i.no), [ticket.no]);
    assert.deepEqual(assignees(mine.body.items[0]), ['ZJJ:zjj.staff'], 'the list shows the assignee');
    assert.equal((await staff2.get('/api/v1/tickets?queue=mine')).body.total, 0);
    // The status tabs of 我的待办 count the assignee's tickets, not the unit's.
    const countsOf = async (u: typeof staff, query: string) => (await u.get(`/api/v1/tickets/counts${query}`)).body.counts as Record<string, number>;
    const total = (c: Record<string, number>) => Object.values(c).reduce((a, n) => a + n, 0);
    assert.deepEqual(await countsOf(staff, '?queue=mine'), { [mine.body.items[0].status]: 1 });
    assert.deepEqual(await countsOf(staff2, '?queue=mine'), {});
    await newTicket(t);
    assert.equal(total(await countsOf(staff2, '')), 2, 'the unit tabs count the unassigned ticket too');
    assert.equal(total(await countsOf(staff, '?queue=mine')), 1);
    const bad = await staff.get('/api/v1/tickets/counts?queue=nobody');
    assert.equal(bad.status, 400);
    assert.match(bad.body.message ?? JSON.stringify(bad.body), /queue|队列/);
    const bench = (await staff.get('/api/v1/workbench')).body.queues;
    assert.deepEqual(bench[0], { key: 'mine', label: '我的待办', count: 1 });
    assert.equal((await staff2.get('/api/v1/workbench')).body.queues[0].count, 0);

    // The notice is the assignee's: the other staff member of the unit does not get it.
    const notices = (u: typeof staff) => u.get('/api/v1/supervision/notifications').then((r) => (r.body.items as any[]).filter((n) => n.kind === 'assign'));
    const staffNotices = await notices(staff);
    assert.equal(staffNotices.length, 1);
    assert.match(staffNotices[0].title, new RegExp(ticket.no));
    assert.equal(staffNotices[0].link, `/tickets/${ticket.no}`);
    assert.deepEqual(await notices(staff2), []);
    assert.deepEqual(await notices(head), []);

    // Reassign: the first assignee's queue empties, the second's fills.
    const re = await head.act(ticket.no, 'assign', { assignee: 'zjj.staff2' });
    assert.equal(re.status, 200, JSON.stringify(re.body));
    assert.deepEqual(assignees(re.body), ['ZJJ:zjj.staff2']);
    assert.equal((await staff.get('/api/v1/tickets?queue=mine')).body.total, 0);
    assert.equal((await staff2.get('/api/v1/tickets?queue=mine')).body.total, 1);
    assert.equal((await notices(staff2)).length, 1);

    // Taking it oneself: no notice to oneself.
    const take = await staff.act(ticket.no, 'assign', { assignee: 'zjj.staff' });
    assert.equal(take.status, 200, JSON.stringify(take.body));
    assert.deepEqual(assignees(take.body), ['ZJJ:zjj.staff']);
    assert.equal((await notices(staff)).length, 1, 'no new notice for taking it oneself');

    // Audited: one event per assignment, with ids, and the timeline names the people.
    const events = (await head.get(`/api/v1/tickets/${ticket.no}/events`)).body.items.filter((e: any) => e.action === 'assign');
    assert.deepEqual(
      events.map((e: any) => [e.actionLabel, e.assignee, e.previousAssignee, e.internal]),
      [
        ['指定承办人', 'zjj.staff', null, true],
        ['指定承办人', 'zjj.staff2', 'zjj.staff', true],
        ['指定承办人', 'zjj.staff', 'zjj.staff2', true],
      ],
    );
    const stored = await t.ctx.store.db.selectFrom('events').select(['detail', 'role']).where('action', '=', 'assign').where('ticket_id', '=', (await t.ctx.store.db.selectFrom('tickets').select('id').where('no', '=', ticket.no).executeTakeFirstOrThrow()).id).orderBy('id').execute();
    assert.equal(stored.length, 3);
    assert.equal(stored[0]!.role, 'unit_head');
    assert.equal(JSON.parse(stored[0]!.detail!).unit, 'ZJJ');

    // Once the unit owes nothing, the ticket leaves 我的待办.
    await ok(t, 'zjj.staff', ticket.no, 'sign');
    await ok(t, 'zjj.staff', ticket.no, 'reply', { content: '已协调物业清理楼道。' });
    assert.equal((await staff.get('/api/v1/tickets?queue=mine')).body.total, 0);
  });

  it('refuses another unit\'s user, an inactive user, a non-unit user and an unknown name, in Chinese naming the field, changing nothing', async () => {
    const ticket = await newTicket(t);
    const head = await t.as('zjj.head');
    const before = await counts();
    for (const assignee of ['scjgj.staff', 'zjj.gone', 'agent1', 'nobody', 'xajd.staff']) {
      const res = await head.act(ticket.no, 'assign', { assignee });
      assert.equal(res.status, 400, `${assignee}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.title, /承办人/);
      assert.equal(res.body.errors?.[0]?.field ?? 'assignee', 'assignee');
    }
    const empty = await head.act(ticket.no, 'assign', {});
    assert.equal(empty.status, 400);
    assert.match(empty.body.title, /承办人/);
    // Refusals are audited as refused attempts (not counted) and nothing else.
    assert.deepEqual(await counts(), before);
    assert.deepEqual((await view(t, ticket.no)).assignees, []);
    // Another unit may not even learn of the ticket; the centre has no unit part to assign.
    assert.equal((await (await t.as('scjgj.head')).act(ticket.no, 'assign', { assignee: 'scjgj.staff' })).status, 404);
    assert.equal((await (await t.as('centre1')).act(ticket.no, 'assign', { assignee: 'zjj.staff' })).status, 403);
    // A unit member list for the picker: active members of the caller's own unit only.
    const members = (await head.get('/api/v1/units/mine/members')).body.items.map((m: any) => m.username).sort();
    assert.deepEqual(members, ['zjj.head', 'zjj.staff', 'zjj.staff2']);
    assert.equal((await (await t.as('agent1')).get('/api/v1/units/mine/members')).status, 403);
  });

  it('assigns in bulk, ticket by ticket', async () => {
    const a = await newTicket(t);
    const b = await newTicket(t);
    const other = await newTicket(t, { dispatch: { leadUnitCode: 'SCJGJ' } });
    const res = await (await t.as('zjj.head')).post('/api/v1/tickets/bulk', { action: 'assign', nos: [a.no, b.no, other.no], body: { assignee: 'zjj.staff2' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.done, 2);
    assert.equal(res.body.items.find((i: any) => i.no === other.no).error.status, 404);
    const mine = (await (await t.as('zjj.staff2')).get('/api/v1/tickets?queue=mine&pageSize=100')).body.items.map((i: any) => i.no);
    assert.ok(mine.includes(a.no) && mine.includes(b.no));
    assert.ok(!mine.includes(other.no));
  });

  it('shows internal notes to staff who may see the ticket, marked internal, and never on the portal, Open311 or the feed', async () => {
    const ticket = await newTicket(t, { channel: 'web' });
    const noteText = '内部备注：诉求人情绪激动，回访请注意方式';
    for (const [who, remark] of [['centre1', noteText], ['zjj.staff', '已与物业约定周三清理'], ['agent1', '来电时称已多次反映']] as const) {
      const res = await (await t.as(who)).act(ticket.no, 'note', { remark });
      assert.equal(res.status, 200, `${who}: ${JSON.stringify(res.body)}`);
    }
    for (const who of ['admin', 'centre1', 'agent1', 'lead1', 'authority1', 'zjj.staff', 'zjj.head']) {
      const res = await (await t.as(who)).get(`/api/v1/tickets/${ticket.no}/events`);
      assert.equal(res.status, 200, who);
      const notes = res.body.items.filter((e: any) => e.action === 'note');
      assert.deepEqual(
        notes.map((e: any) => [e.actionLabel, e.internal, e.note]),
        [
          ['内部备注', true, noteText],
          ['内部备注', true, '已与物业约定周三清理'],
          ['内部备注', true, '来电时称已多次反映'],
        ],
        who,
      );
    }
    // Another unit neither reads nor writes notes on a ticket it does not hold.
    const scjgj = await t.as('scjgj.staff');
    assert.equal((await scjgj.get(`/api/v1/tickets/${ticket.no}/events`)).status, 404);
    assert.equal((await scjgj.act(ticket.no, 'note', { remark: '看不见的工单' })).status, 404);
    // The text is in the notes table only: not in the audit detail.
    const details = await t.ctx.store.db.selectFrom('events').select('detail').where('action', '=', 'note').execute();
    assert.equal(details.length, 3);
    for (const d of details) assert.ok(!d.detail!.includes('诉求人') && !d.detail!.includes('物业'), d.detail!);

    // Outside: the change feed (webhooks are fed from it), Open311's updates and the request, the portal.
    const feed = await (await t.as('admin')).get('/api/v1/events?limit=1000');
    assert.equal(feed.status, 200);
    const actions = (feed.body.events as any[]).map((e) => e.action);
    assert.ok(actions.includes('intake'));
    assert.ok(!actions.includes('note') && !actions.includes('assign'), actions.join(','));
    assert.ok(!JSON.stringify(feed.body).includes('回访请注意'));
    const updates = await t.app.inject({ method: 'GET', url: `/open311/v2/servicerequestupdates.json?start_date=2026-03-01T00:00:00%2B08:00&end_date=2026-03-03T00:00:00%2B08:00` });
    assert.equal(updates.statusCode, 200, updates.body);
    const mine = (JSON.parse(updates.body) as any[]).filter((u) => u.service_request_id === ticket.no);
    assert.ok(mine.length >= 1, updates.body);
    assert.ok(!updates.body.includes('内部备注') && !updates.body.includes('回访请注意'));
    const request = await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${ticket.no}.json` });
    assert.equal(request.statusCode, 200);
    assert.ok(!request.body.includes('回访请注意') && !request.body.includes('物业约定'));
    const phone = ticket.requester.phone as string;
    const tracked = await t.app.inject({ method: 'POST', url: '/api/v1/public/portal/track', payload: { no: ticket.no, phoneLast4: phone.slice(-4) }, remoteAddress: '10.8.0.1' });
    assert.ok(tracked.statusCode < 500, tracked.body);
    assert.ok(!tracked.body.includes('回访请注意') && !tracked.body.includes('物业约定') && !tracked.body.includes('内部备注'), tracked.body);
  });

  it('reads a note through the viewer\'s masker: the requester\'s phone in it is masked for the unit', async () => {
    const ticket = await newTicket(t);
    const phone = ticket.requester.phone as string;
    assert.equal((await (await t.as('centre1')).act(ticket.no, 'note', { remark: `诉求人另留电话 ${phone}，白天可联系` })).status, 200);
    const noteOf = async (who: string) => ((await (await t.as(who)).get(`/api/v1/tickets/${ticket.no}/events`)).body.items as any[]).find((e) => e.action === 'note').note as string;
    assert.ok((await noteOf('centre1')).includes(phone));
    const unitView = await noteOf('zjj.staff');
    assert.ok(!unitView.includes(phone), unitView);
    assert.match(unitView, /\d{3}\*{4}\d{4}/);
  });

  it('refuses an empty or over-long note in Chinese naming the field, changing nothing', async () => {
    const ticket = await newTicket(t);
    const centre = await t.as('centre1');
    const before = await counts();
    for (const remark of ['', '   ', '长'.repeat(2001)]) {
      const res = await centre.act(ticket.no, 'note', { remark });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(res.body.title, /备注内容/);
    }
    assert.deepEqual(await counts(), before);
    assert.equal((await centre.act(ticket.no, 'note', { remark: '长'.repeat(2000) })).status, 200);
  });
});
