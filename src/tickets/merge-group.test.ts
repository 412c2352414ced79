// Likely duplicates across callers and 并单 (国办函〔2025〕66号) through the HTTP API on every engine:
// detection by category, place and facts; the centre's candidate groups; one transaction merging many
// callers' tickets into one, duties cancelled, every caller told at the merge and given the reply.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, type TestApp } from '../../test/support/app.ts';
import { events, lastOutboxId, newTicket, nextPhone, ok, outboxSince, refused, sh, signAndReply, view } from '../../test/support/handling.ts';

const PLACE = '西安区西长安街120号春华园小区5号楼';
const neighbour = (facts: string, address = PLACE, extra: Record<string, unknown> = {}) => ({
  requester: { kind: 'person', name: '王小林', phone: nextPhone() },
  facts,
  address,
  ...extra,
});

describeEachEngine('cross-caller duplicates and 并单', (engine) => {
  let t: TestApp;
  const nos: string[] = [];
  const phones: string[] = [];
  before(async () => {
    t = await startTestApp(engine, { now: sh('2026-03-02T09:00') });
    for (const [facts, address] of [
      ['春华园小区5号楼楼道堆满杂物，物业不清理，有消防隐患', PLACE],
      ['5号楼楼道里杂物堆积很多天，物业一直不清理，存在消防隐患', `${PLACE}2单元`],
      ['春华园5号楼楼道杂物堆放，物业不清理，消防通道被堵，有消防隐患', '西长安街120号春华园5号楼'],
    ]) {
      const body = neighbour(facts, address);
      phones.push((body.requester as { phone: string }).phone);
      nos.push((await newTicket(t, body)).no);
    }
  });
  after(() => t.close());

  it('flags other callers’ tickets of the same category, place and facts, and not others', async () => {
    const agent = await t.as('agent1');
    const res = await agent.post('/api/v1/tickets/duplicate-check', { phone: nextPhone(), facts: '我们5号楼楼道杂物堆放严重，物业不清理，有消防隐患', categoryCode: 'ZFWY-WY', address: PLACE });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.candidates, [], 'no ticket of the same caller');
    const found = res.body.otherCallers.map((c: any) => c.no);
    for (const no of nos) assert.ok(found.includes(no), `${no} flagged: ${JSON.stringify(res.body.otherCallers)}`);
    assert.ok(res.body.otherCallers.every((c: any) => c.similarity > 0 && c.similarity <= 1 && c.otherCaller === true));
    // Another place, another category or other facts: nothing.
    const elsewhere = await agent.post('/api/v1/tickets/duplicate-check', { facts: '5号楼楼道杂物堆放严重，物业不清理，有消防隐患', categoryCode: 'ZFWY-WY', address: '爱民区北山路7号' });
    assert.ok(!elsewhere.body.otherCallers.some((c: any) => nos.includes(c.no)));
    const otherFacts = await agent.post('/api/v1/tickets/duplicate-check', { facts: '物业费收费标准不透明，要求公示', categoryCode: 'ZFWY-WY', address: PLACE });
    assert.ok(!otherFacts.body.otherCallers.some((c: any) => nos.includes(c.no)));
    const noCategory = await agent.post('/api/v1/tickets/duplicate-check', { facts: '5号楼楼道杂物堆放严重，物业不清理，有消防隐患', address: PLACE });
    assert.deepEqual(noCategory.body.otherCallers, []);
  });

  it('lists them as one candidate group on the centre’s desk', async () => {
    const res = await (await t.as('centre1')).get('/api/v1/tickets/duplicate-groups');
    assert.equal(res.status, 200);
    const group = res.body.items.find((g: any) => g.tickets.some((x: any) => x.no === nos[0]));
    assert.ok(group, JSON.stringify(res.body.items.map((g: any) => g.tickets.map((x: any) => x.no))));
    assert.deepEqual(group.tickets.map((x: any) => x.no).filter((no: string) => nos.includes(no)).sort(), [...nos].sort());
    assert.equal(group.callers >= 3, true);
    assert.equal((await (await t.as('agent1')).get('/api/v1/tickets/duplicate-groups')).status, 403);
  });

  it('refuses bad 并单 requests in Chinese, naming the field, changing nothing', async () => {
    const centre = await t.as('centre1');
    const post = (body: unknown) => () => centre.post('/api/v1/tickets/merge-group', body);
    let r = await refused(t, nos[0], post({ mainNo: nos[0], nos: [nos[0]] }), 400, /不能同时作为被并工单/);
    assert.equal(r.body.errors[0].field, 'nos');
    r = await refused(t, nos[0], post({ mainNo: nos[0], nos: [nos[1], nos[1]] }), 400, /重复/);
    r = await refused(t, nos[1], post({ mainNo: 'MDJ20260101999999', nos: [nos[1]] }), 400, /主工单 MDJ20260101999999 不存在/);
    assert.equal(r.body.errors[0].field, 'mainNo');
    r = await refused(t, nos[0], post({ mainNo: nos[0], nos: [nos[1], 'MDJ20260101999999'] }), 400, /被并工单 MDJ20260101999999 不存在/);
    assert.equal(r.body.errors[0].field, 'nos');
    r = await refused(t, nos[0], post({ mainNo: nos[0], nos: [] }), 400);
    const answered = await newTicket(t, { type: 'consultation', disposition: 'direct_answer', answer: { content: '请联系物业' }, requester: { kind: 'person', phone: nextPhone() } });
    r = await refused(t, nos[0], post({ mainNo: answered.no, nos: [nos[1]] }), 400, /已办结的工单不能作为并单主工单/);
    await refused(t, nos[0], () => t.as('agent1').then((a) => a.post('/api/v1/tickets/merge-group', { mainNo: nos[0], nos: [nos[1]] })), 403);
  });

  it('merges the others into the main ticket in one go; each caller is told, and given the main ticket’s reply', async () => {
    const [main, ...others] = nos;
    await ok(t, 'zjj.staff', others[0]!, 'sign');
    const mark = await lastOutboxId(t);
    const res = await (await t.as('centre1')).post('/api/v1/tickets/merge-group', { mainNo: main, nos: others, note: '同一楼栋楼道堆物' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.merged, others);
    assert.equal(res.body.main.repeatCount, 2);
    assert.ok(res.body.main.links.some((l: any) => l.kind === 'merged_into:reverse' && l.no === others[0]));
    for (const no of others) {
      const v = await view(t, no);
      assert.equal(v.status, 'merged');
      assert.ok(v.duties.every((d: any) => d.status !== 'open'), 'no duty left open on a merged ticket');
      assert.ok(v.duties.some((d: any) => d.status === 'cancelled'));
      assert.ok((await events(t, no)).some((e: any) => e.action === 'merge'));
    }
    const sent = await outboxSince(t, mark);
    const notices = sent.filter((m) => m.payload.template === 'merge_notice');
    assert.deepEqual(notices.map((m) => m.payload.to).sort(), [phones[1], phones[2]].sort());
    assert.ok(notices.every((m) => m.payload.params.mainNo === main));
    // A merged ticket cannot be merged again, nor act as a main ticket.
    await refused(t, others[0]!, () => t.as('centre1').then((c) => c.post('/api/v1/tickets/merge-group', { mainNo: main, nos: [others[0]] })), 400, /已并单/);

    // The main ticket's reply accepted: every merged caller hears the result.
    await signAndReply(t, main!);
    const before = await lastOutboxId(t);
    const reviewed = await ok(t, 'centre1', main!, 'review', { pass: true });
    assert.equal(reviewed.status, 'callback');
    const replies = (await outboxSince(t, before)).filter((m) => m.payload.template === 'merged_reply');
    assert.deepEqual(replies.map((m) => m.payload.to).sort(), [phones[1], phones[2]].sort());
    assert.ok(replies.every((m) => m.payload.params.mainNo === main && /清运/.test(m.payload.params.result)));
  });
});
