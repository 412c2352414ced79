// Personal data as an attacker inside the platform would look for it (docs/security-personal-data.md):
// numbers and names typed into the free text, 查看完整联系方式 outside one's own open work or in a
// loop, and a delegated ticket passed sideways. Through the HTTP API on every engine.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, type TestApp } from '../../test/support/app.ts';
import { act, events, newTicket, ok, refused, setClock, signAndReply } from '../../test/support/handling.ts';

const SECRET_NAME = '李秘密';
const SECRET_PHONE = '13900001111';
const SECRET_ID = '23010219900101123X';
const LANDLINE = '0453-6123456';
const FACTS = `本人${SECRET_NAME}，电话${SECRET_PHONE}，身份证${SECRET_ID}，座机${LANDLINE}。举报某工地夜间违规施工，与MDJ20261122000123为同一工地，罚款12000元未缴。`;
const PLAIN = [SECRET_NAME, SECRET_PHONE, SECRET_ID, '6123456'];

function assertNoneOf(body: unknown, secrets: string[], where: string): void {
  const text = JSON.stringify(body);
  for (const s of secrets) assert.ok(!text.includes(s), `${where} shows ${s}`);
}

describeEachEngine('personal data in free text, reveal of the contact, sideways delegation', (engine) => {
  let t: TestApp;
  let secret: any;

  before(async () => {
    t = await startTestApp(engine, { now: '2026-03-02T01:00:00.000Z' });
    setClock(t, '2026-03-02T09:00');
    secret = await newTicket(t, {
      type: 'report',
      categoryCode: 'ZFWY-WY',
      requester: { kind: 'person', name: SECRET_NAME, phone: SECRET_PHONE, idNumber: SECRET_ID, confidential: true },
      facts: FACTS,
    });
  });
  after(() => t.close());

  it('a confidential requester’s phone, ID, landline and name typed into the facts are hidden from the unit and the authority: detail, list, search, timeline', async () => {
    for (const user of ['zjj.staff', 'zjj.head', 'authority1']) {
      const client = await t.as(user);
      const detail = await client.get(`/api/v1/tickets/${secret.no}`);
      assert.equal(detail.status, 200, user);
      assertNoneOf(detail.body, PLAIN, `${user}'s detail`);
      assert.match(detail.body.facts, /本人（保密），电话139\*\*\*\*1111，身份证2301\*{10}123X，座机0453-\*{5}56。/);
      // What identifies no one stays readable.
      assert.ok(detail.body.facts.includes('MDJ20261122000123') && detail.body.facts.includes('12000元'), detail.body.facts);

      const list = await client.get('/api/v1/tickets?pageSize=100');
      const item = list.body.items.find((i: any) => i.no === secret.no);
      assert.ok(item, `${user} lists the ticket`);
      assertNoneOf(list.body, PLAIN, `${user}'s list`);
      assert.ok(item.facts.includes('139****1111'));

      const search = await client.get(`/api/v1/tickets?q=${encodeURIComponent('工地')}`);
      assert.deepEqual(search.body.items.map((i: any) => i.no), [secret.no]);
      assertNoneOf(search.body, PLAIN, `${user}'s search results`);
      // Nor can the number be searched for: the hit would say whose it is.
      for (const q of [SECRET_PHONE, '1390000', SECRET_ID]) {
        assert.deepEqual((await client.get(`/api/v1/tickets?q=${encodeURIComponent(q)}`)).body.items, [], `${user} finds the ticket by ${q}`);
      }

      const timeline = await client.get(`/api/v1/tickets/${secret.no}/events`);
      assert.equal(timeline.status, 200);
      assertNoneOf(timeline.body, PLAIN, `${user}'s timeline`);
    }
    // The agent and the centre work with the requester: they read the facts as typed.
    for (const user of ['agent1', 'centre1']) {
      assert.equal((await (await t.as(user)).get(`/api/v1/tickets/${secret.no}`)).body.facts, FACTS, user);
      assert.equal((await (await t.as(user)).get(`/api/v1/tickets?q=${SECRET_PHONE}`)).body.items[0]?.no, secret.no, user);
    }
  });

  it('numbers in a unit’s reply, the callback words and a typed reason are masked for the roles that do not need them', async () => {
    const plain = await newTicket(t, { requester: { kind: 'person', name: '王建国', phone: '13700007777' } });
    const reason = '需按13700007777联系王建国预约上门';
    await ok(t, 'zjj.staff', plain.no, 'reveal_contact', { reason });
    await ok(t, 'zjj.staff', plain.no, 'sign');
    await ok(t, 'zjj.staff', plain.no, 'reply', { content: '已电话13700007777联系王建国，另留座机0453-6998877，已清运。' });
    await ok(t, 'centre1', plain.no, 'review', { pass: true });
    await ok(t, 'centre1', plain.no, 'callback', { reached: true, satisfaction: 'satisfied', words: '王建国说满意，以后打13700007777或身份证230102198805051234登记' });

    const hidden = ['13700007777', '王建国', '6998877', '230102198805051234'];
    for (const user of ['zjj.staff', 'authority1']) {
      const client = await t.as(user);
      const detail = (await client.get(`/api/v1/tickets/${plain.no}`)).body;
      assertNoneOf(detail, hidden, `${user}'s detail`);
      assert.equal(detail.submissions.find((s: any) => s.kind === 'reply').content, '已电话137****7777联系王**，另留座机0453-*****77，已清运。');
      assert.equal(detail.callbacks[0].words, '王**说满意，以后打137****7777或身份证2301**********1234登记');
      const timeline = (await client.get(`/api/v1/tickets/${plain.no}/events`)).body;
      assertNoneOf(timeline, hidden, `${user}'s timeline`);
      assert.equal(timeline.items.find((e: any) => e.action === 'reveal_contact').detail.reason, '需按137****7777联系王**预约上门');
    }
    const centre = await (await t.as('centre1')).get(`/api/v1/tickets/${plain.no}`);
    assert.ok(centre.body.callbacks[0].words.includes('13700007777'));
    assert.equal((await events(t, plain.no, 'centre1')).find((e) => e.action === 'reveal_contact')!.detail.reason, reason);
  });

  it('reveal_contact is refused to a unit whose ticket was re-dispatched away, nothing revealed', async () => {
    const tk = await newTicket(t);
    await ok(t, 'zjj.staff', tk.no, 'return', { reason: '不属本单位职责', basis: '三定方案', suggestedUnitCode: 'SCJGJ' });
    await ok(t, 'centre1', tk.no, 'decide_return', { accept: true, leadUnitCode: 'SCJGJ' });
    // 住建局 still sees its past work on the ticket, but holds no duty of it now.
    assert.equal((await (await t.as('zjj.staff')).get(`/api/v1/tickets/${tk.no}`)).body.actions.includes('reveal_contact'), false);
    const res = await refused(t, tk.no, () => act(t, 'zjj.staff', tk.no, 'reveal_contact', { reason: '核实' }), 403, /没有该工单的待办/);
    assert.equal(res.body.revealedContact, undefined);
    // The unit it went to may.
    assert.ok((await ok(t, 'scjgj.staff', tk.no, 'reveal_contact', { reason: '需电话联系诉求人' })).revealedContact.phone);
  });

  it('reveal_contact is refused on an archived ticket and once the unit has replied', async () => {
    const tk = await newTicket(t);
    await signAndReply(t, tk.no);
    await refused(t, tk.no, () => act(t, 'zjj.staff', tk.no, 'reveal_contact', { reason: '回访前再确认' }), 403, /没有该工单的待办/);
    await ok(t, 'centre1', tk.no, 'review', { pass: true });
    await ok(t, 'centre1', tk.no, 'callback', { reached: true, satisfaction: 'satisfied' });
    await ok(t, 'centre1', tk.no, 'archive', {});
    for (const user of ['zjj.staff', 'zjj.head']) {
      const res = await refused(t, tk.no, () => act(t, user, tk.no, 'reveal_contact', { reason: '查档' }), 409, /已归档/);
      assert.equal(res.body.revealedContact, undefined);
    }
  });

  it('the authority never reveals; a unit user reveals at most revealsPerHour, and the centre is alerted at revealAlertAt', async () => {
    const limits = { perHour: 20, alertAt: 10 };
    assert.deepEqual([t.ctx.city.privacy?.revealsPerHour, t.ctx.city.privacy?.revealAlertAt], [limits.perHour, limits.alertAt]);
    setClock(t, '2026-03-03T09:00');
    const tickets = [];
    for (let i = 0; i < 30; i++) tickets.push(await newTicket(t));
    const centre = t.ctx.org.byCodeOrUndefined('MDJ12345')!;

    // The authority: 30 tries, none allowed.
    let authorityAllowed = 0;
    for (const tk of tickets) if ((await act(t, 'authority1', tk.no, 'reveal_contact', { reason: '督办核实' })).status === 200) authorityAllowed += 1;
    assert.equal(authorityAllowed, 0);

    const statuses: number[] = [];
    for (const [i, tk] of tickets.entries()) {
      setClock(t, `2026-03-03T10:${String(i).padStart(2, '0')}`);
      const res = await act(t, 'zjj.staff', tk.no, 'reveal_contact', { reason: '需要电话联系诉求人' });
      statuses.push(res.status);
      if (res.status === 429) {
        assert.match(String(res.headers['content-type']), /application\/problem\+json/);
        assert.match(res.body.title, /过于频繁.*20/);
        assert.ok(!JSON.stringify(res.body).includes(tk.requester.phone.slice(3, 7)));
      }
    }
    assert.deepEqual(statuses, [...Array(limits.perHour).fill(200), ...Array(30 - limits.perHour).fill(429)]);
    const rows = await t.ctx.store.db.selectFrom('contact_reveals').select(['id', 'alerted']).where('user_id', '=', (await t.ctx.store.db.selectFrom('users').select('id').where('username', '=', 'zjj.staff').executeTakeFirstOrThrow()).id).execute();
    // Earlier tests revealed once before this hour; only the 20 of this hour are counted here.
    assert.equal(rows.length, limits.perHour + 1);

    // One alert to the centre, raised by the tenth reveal of the hour: in the console and by SMS.
    const alerts = await t.ctx.store.db.selectFrom('notifications').selectAll().where('unit_id', '=', centre.id).where('kind', '=', 'privacy').execute();
    assert.equal(alerts.length, 1);
    assert.match(alerts[0]!.title, /zjj\.staff.*一小时内已查看 10 位诉求人/);
    assert.equal(alerts[0]!.ticket_id, (await t.ctx.store.db.selectFrom('tickets').select('id').where('no', '=', tickets[limits.alertAt - 1].no).executeTakeFirstOrThrow()).id);
    const sms = (await t.ctx.store.db.selectFrom('outbox').select('payload').execute()).map((r) => JSON.parse(r.payload)).filter((p) => p.to === centre.smsPhone && /联系方式/.test(p.params?.matter ?? ''));
    assert.equal(sms.length, 1);
    const list = await (await t.as('centre1')).get('/api/v1/supervision/notifications');
    assert.ok(list.body.items.some((n: any) => n.kind === 'privacy'), JSON.stringify(list.body).slice(0, 300));
    // Each reveal is in the ticket's history, the refused ones in the audit log as refusals.
    const revealEvents = await events(t, tickets[limits.alertAt - 1].no, 'centre1');
    assert.equal(revealEvents.find((e) => e.action === 'reveal_contact')!.detail.alerted, true);
    const refusals = await t.ctx.store.db.selectFrom('events').select('detail').where('action', '=', 'ticket_action').where('outcome', '=', 'failure').execute();
    assert.equal(refusals.filter((r) => /"action":"reveal_contact","status":429/.test(r.detail ?? '')).length, 30 - limits.perHour);

    // An hour after the first of them, the user may reveal again; no second alert within that hour.
    setClock(t, '2026-03-03T11:00:30');
    assert.equal((await act(t, 'zjj.staff', tickets[25].no, 'reveal_contact', { reason: '需要电话联系诉求人' })).status, 200);
    assert.equal((await t.ctx.store.db.selectFrom('notifications').select('id').where('kind', '=', 'privacy').execute()).length, 1);
  });

  it('a sub-unit cannot pass a delegated ticket sideways to a sibling: 400, nothing changed; the parent may move it within its tree', async () => {
    setClock(t, '2026-03-04T09:00');
    const tk = await newTicket(t, { categoryCode: undefined, districtCode: 'DAQ', facts: '新安街道某小区门前路灯损坏多日' });
    await ok(t, 'daq.staff', tk.no, 'delegate', { unitCode: 'DAQ-XAJD' });
    const res = await refused(t, tk.no, () => act(t, 'xajd.staff', tk.no, 'delegate', { unitCode: 'DAQ-QXJD', note: '转七星街道' }), 400, /下级/);
    assert.match(res.body.title, /unitCode/);
    // Still handled by 新安街道, which still sees it; 七星街道 never learns of it.
    const seen = await (await t.as('xajd.staff')).get(`/api/v1/tickets/${tk.no}`);
    assert.equal(seen.status, 200);
    assert.deepEqual([...new Set(seen.body.duties.filter((d: any) => d.party === 'lead').map((d: any) => d.handlerUnit?.code))], ['DAQ-XAJD']);
    // Nor back up to the parent, nor out of the district.
    await refused(t, tk.no, () => act(t, 'xajd.staff', tk.no, 'delegate', { unitCode: 'DAQ' }), 400, /下级/);
    await refused(t, tk.no, () => act(t, 'xajd.staff', tk.no, 'delegate', { unitCode: 'YMQ-YMJD' }), 400, /下级/);
    // 东安区, responsible for it, moves it to its other sub-unit: 200 with the ticket.
    const moved = await ok(t, 'daq.staff', tk.no, 'delegate', { unitCode: 'DAQ-QXJD' });
    assert.deepEqual([...new Set(moved.duties.filter((d: any) => d.party === 'lead').map((d: any) => d.handlerUnit?.code))], ['DAQ-QXJD']);
  });

  it('a committed action answers with the ticket’s number and state when the user no longer sees it, never 404', async () => {
    const { ticketAfterAction } = await import('./queries.ts');
    const tk = await newTicket(t);
    const outsider = { userId: 1, username: 'x', displayName: 'x', role: 'unit_staff' as const, unitId: 1, unitScope: [t.ctx.org.byCodeOrUndefined('RDGS')!.id] };
    assert.deepEqual(await ticketAfterAction(t.ctx, outsider, tk.no, 'dispatched'), { no: tk.no, status: 'dispatched', statusLabel: '待签收', visible: false, actions: [] });
    const insider = { ...outsider, unitScope: [t.ctx.org.byCodeOrUndefined('ZJJ')!.id] };
    assert.equal(((await ticketAfterAction(t.ctx, insider, tk.no, 'dispatched')) as any).facts, tk.facts);
  });
});
